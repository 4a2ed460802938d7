"""The checks every physml file passes before anything uses it.

Each file kind declares what it holds as data (the tables in io/schema.py): its attributes
with their types and ranges, its datasets with dtypes, shapes written in named dimensions
(one name means one length everywhere in the file, and attributes such as ``L`` fix some of
them), and the values they may take. ``check`` walks such a table over an open file;
``reading`` turns whatever a damaged file makes h5py, zipfile or numpy raise into one
PhysmlError naming the file. Checkpoints and resumable outputs also carry a SHA-256 of their
content (``digest``), so flipped bytes that still parse are caught too.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence

import h5py
import numpy as np

from physml_cli.errors import PhysmlError

CHECKSUM_ATTR = "physml_checksum"
# Provenance only: rewriting it cannot change what a resumed run computes.
UNCHECKED_ATTRS = frozenset({CHECKSUM_ATTR, "physml_version", "command_line", "created_utc"})


class Bad(Exception):
    """What is wrong with a file, said without its name (the caller adds it)."""


@contextlib.contextmanager
def reading(path: str) -> Iterator[None]:
    """Any failure while reading `path` becomes one line naming it. The libraries below
    raise a zoo of types on damaged input (OSError, KeyError, ValueError, zlib.error,
    zipfile.BadZipFile, EOFError, which click would even report as an interrupt), and none
    of them is a bug the user should see a traceback for."""
    try:
        yield
    except PhysmlError:
        raise
    except Bad as exc:
        raise PhysmlError(f"{path} is damaged: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - see the docstring
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PhysmlError(f"{path} is damaged or unreadable: {text}") from None


def must_exist(path: str) -> None:
    if not os.path.exists(path):
        raise PhysmlError(f"no such file: {path}")
    if os.path.isdir(path):
        raise PhysmlError(f"{path} is a folder, not a file")
    if os.path.getsize(path) == 0:
        raise PhysmlError(f"{path} is empty (0 bytes)")


def open_hdf5(path: str) -> h5py.File:
    must_exist(path)
    try:
        return h5py.File(path, "r")
    except Exception:  # noqa: BLE001 - h5py says OSError or worse for garbage
        raise PhysmlError(f"{path} is not a readable HDF5 file (corrupt or truncated?)") from None


def decode(v: Any) -> Any:
    """An attribute as Python: strings decoded, JSON lists and dicts parsed, numpy scalars
    unwrapped."""
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, str) and (v[:1] in "[{" or v == "null"):
        with contextlib.suppress(ValueError):
            return json.loads(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


# Attribute types: name -> (test, how to say it). Kept as a table so that a schema names a
# type and every reader agrees on what it means.
def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_real(v: Any) -> bool:
    return (_is_int(v) or isinstance(v, (float, np.floating))) and math.isfinite(float(v))


def _is_shard(v: Any) -> bool:
    if v == "":
        return True
    m = re.fullmatch(r"(\d+)/(\d+)", str(v))
    return bool(m) and int(m.group(1)) < int(m.group(2))


TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "int": (_is_int, "an integer"),
    "real": (_is_real, "a finite number"),
    "real_or_nan": (lambda v: _is_int(v) or isinstance(v, (float, np.floating)), "a number"),
    "bool": (lambda v: isinstance(v, (bool, np.bool_)) or _is_int(v) and v in (0, 1),
             "true or false"),
    "str": (lambda v: isinstance(v, str), "a string"),
    "strs": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
             "a list of strings"),
    "dict": (lambda v: isinstance(v, dict), "a JSON object"),
    "ints": (lambda v: isinstance(v, (list, np.ndarray)) and all(_is_int(x) for x in v),
             "a list of integers"),
    "reals": (lambda v: isinstance(v, (list, np.ndarray)) and all(_is_real(x) for x in v),
              "a list of finite numbers"),
    "shard": (_is_shard, "'' or i/n with 0 <= i < n"),
}

# Dataset element kinds (numpy dtype.kind letters each admits).
DTYPES = {"float": ("f", "floating-point numbers"), "int": ("iu", "integers"),
          "int8": ("i", "int8 integers"), "number": ("fiub", "numbers"),
          "complex": ("fc", "real or complex numbers")}


@dataclass(frozen=True)
class Attr:
    """A root attribute (``params.L``: key L of the JSON object in attribute params).
    `range` is (low, high), inclusive, either side None or a dimension name; `choices` the
    admitted values."""
    name: str
    type: str
    required: bool = True
    range: tuple[Any, Any] | None = None
    choices: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Data:
    """A dataset. `shape`: a tuple of lengths or dimension names (``*name`` stands for a
    tuple-valued dimension such as the lattice shape, ``?`` for any length), or a list of
    such tuples when several are allowed. `values`: None, ``finite``, ``pm1`` (±1), ``spin``
    (the model's spin values), or (low, high) with numbers or dimension names (``-name``
    negates). `{i}` in the path: numbered members 0, 1, ... of a group, as many as the
    dimension `count` says (None: however many there are)."""
    path: str
    dtype: str
    shape: Any = None
    values: Any = None
    required: bool = True
    count: str | None = None


@dataclass(frozen=True)
class Schema:
    """One file kind. `dims(attrs)` names the lengths the attributes fix; `relations(file)`
    checks what cannot be said per item (consistency between datasets, progress against
    totals) and raises Bad. `variant`: an attribute picking an extension of the schema
    (model files: one per model_kind)."""
    kind: str
    attrs: Sequence[Attr] = ()
    data: Sequence[Data] = ()
    dims: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    relations: Callable[["Checked"], None] | None = None
    checksum: bool = False
    variant: str | None = None
    variants: Mapping[str, "Schema"] = field(default_factory=dict)


@dataclass
class Checked:
    """A file that passed its schema: decoded attributes, the datasets read, every
    dataset's shape, and the dimensions the file fixed."""
    path: str
    attrs: dict[str, Any]
    arrays: dict[str, np.ndarray]
    shapes: dict[str, tuple[int, ...]]
    dims: dict[str, Any]
    has_checksum: bool = False


def _lookup(attrs: dict[str, Any], name: str) -> tuple[bool, Any]:
    head, _, rest = name.partition(".")
    if head not in attrs:
        return False, None
    v = attrs[head]
    if rest:
        if not isinstance(v, dict) or rest not in v:
            return False, None
        v = v[rest]
    return True, v


def _bound(b: Any, dims: dict[str, Any]) -> Any:
    if isinstance(b, str):
        sign = -1 if b.startswith("-") else 1
        return sign * dims[b.lstrip("-")]
    return b


def _check_attrs(specs: Sequence[Attr], attrs: dict[str, Any], dims: dict[str, Any]) -> None:
    for a in specs:
        present, v = _lookup(attrs, a.name)
        if not present:
            if a.required:
                raise Bad(f"attribute {a.name} is missing")
            continue
        test, say = TYPES[a.type]
        if not test(v):
            raise Bad(f"attribute {a.name} should be {say} (got {_short(v)})")
        if a.choices is not None and v not in a.choices:
            raise Bad(f"attribute {a.name} is {_short(v)}, not one of "
                      f"{', '.join(map(str, a.choices))}")
        if a.range is not None:
            lo, hi = (_bound(b, dims) for b in a.range)
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                raise Bad(f"attribute {a.name} = {_short(v)} is out of range "
                          f"[{'' if lo is None else lo}, {'' if hi is None else hi}]")


def _short(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 40 else s[:37] + "..."


def _expand(d: Data, f: h5py.File, dims: dict[str, Any]) -> list[str]:
    if "{i}" not in d.path:
        return [d.path]
    group = d.path.split("{i}")[0].rpartition("/")[0]
    members = f.get(group) if group else f
    if members is None:
        if d.required:
            raise Bad(f"group {group} is missing")
        return []
    if not isinstance(members, h5py.Group):
        raise Bad(f"{group} should be a group")
    if d.count is not None:
        n = int(dims[d.count])
    else:
        n = len([k for k in members if k.isdigit()]) if group else 0
    paths = [d.path.replace("{i}", str(i)) for i in range(n)]
    if group and d.count is None and sorted(members) != sorted(p.rsplit("/", 1)[-1] for p in paths):
        raise Bad(f"group {group} should hold members 0..{n - 1} only (has {', '.join(sorted(members))})")
    return paths


def _match_shape(path: str, shape: tuple[int, ...], spec: Any, dims: dict[str, Any]) -> None:
    options = spec if isinstance(spec, list) else [spec]
    for option in options:
        trial = dict(dims)
        if _fits(shape, option, trial):
            dims.update(trial)
            return
    want = " or ".join(_say_shape(o, dims) for o in options)
    raise Bad(f"dataset {path} has shape {tuple(shape)}, expected {want}")


def _fits(shape: tuple[int, ...], spec: tuple[Any, ...], dims: dict[str, Any]) -> bool:
    want: list[Any] = []
    for s in spec:
        if isinstance(s, str) and s.startswith("*"):
            if s[1:] not in dims:
                return False
            want.extend(dims[s[1:]])
        else:
            want.append(s)
    if len(want) != len(shape):
        return False
    for w, n in zip(want, shape):
        if w == "?":
            continue
        if isinstance(w, str):
            if w in dims and dims[w] != n:
                return False
            dims[w] = n
        elif int(w) != n:
            return False
    return True


def _say_shape(spec: tuple[Any, ...], dims: dict[str, Any]) -> str:
    out: list[str] = []
    for s in spec:
        if isinstance(s, str) and s.startswith("*"):
            out.extend(str(x) for x in dims.get(s[1:], (s,)))
        elif isinstance(s, str) and s in dims:
            out.append(f"{s}={dims[s]}")
        else:
            out.append(str(s))
    return "(" + ", ".join(out) + ("," if len(out) == 1 else "") + ")"


def _check_values(path: str, a: np.ndarray, values: Any, dims: dict[str, Any]) -> None:
    if values is None or a.size == 0:
        return
    if values == "finite" or isinstance(values, tuple):
        if not np.isfinite(a).all():
            raise Bad(f"dataset {path} holds NaN or infinite values")
    if values == "pm1":
        allowed: np.ndarray | None = np.array([-1, 1])
    elif values == "spin":
        allowed = np.asarray(dims["spin_values"])
    else:
        allowed = None
    if allowed is not None and not np.isin(a, allowed).all():
        bad = a[~np.isin(a, allowed)].flat[0].item()
        raise Bad(f"dataset {path} holds {bad!r}; its values must be "
                  f"{', '.join(str(int(x)) for x in allowed)}")
    if isinstance(values, tuple):
        lo, hi = (_bound(b, dims) for b in values)
        tol = 1e-9 * max(1.0, abs(lo or 0), abs(hi or 0))
        if (lo is not None and a.min() < lo - tol) or (hi is not None and a.max() > hi + tol):
            raise Bad(f"dataset {path} holds values in [{a.min():.6g}, {a.max():.6g}], outside "
                      f"the possible [{'' if lo is None else f'{lo:.6g}'}, "
                      f"{'' if hi is None else f'{hi:.6g}'}]")


def flatten(schema: Schema, attrs: dict[str, Any]) -> Schema:
    """The schema with the extension its variant attribute picks."""
    if schema.variant is None:
        return schema
    present, v = _lookup(attrs, schema.variant)
    if not present:
        raise Bad(f"attribute {schema.variant} is missing")
    if v not in schema.variants:
        raise Bad(f"attribute {schema.variant} is {_short(v)}, not one of "
                  f"{', '.join(schema.variants)}")
    ext = schema.variants[v]
    base_dims, ext_dims = schema.dims, ext.dims

    def dims(a: dict[str, Any]) -> dict[str, Any]:
        out = base_dims(a) if base_dims else {}
        out.update(ext_dims(a) if ext_dims else {})
        return out

    base_rel, ext_rel = schema.relations, ext.relations

    def relations(c: Checked) -> None:
        for r in (base_rel, ext_rel):
            if r is not None:
                r(c)
    return Schema(schema.kind, tuple(schema.attrs) + tuple(ext.attrs),
                  tuple(schema.data) + tuple(ext.data), dims, relations,
                  schema.checksum or ext.checksum)


def check(f: Any, path: str, schema: Schema, load: Callable[[str], bool] | bool = True,
          need: Sequence[str] = ()) -> Checked:
    """Walks `schema` over the open file `f` (h5py.File, or a mapping of arrays with attrs
    {} for .npz): attributes, then every dataset's dtype and shape, then the values of those
    `load` selects (all by default; read ones are returned), then the relations. `need`:
    datasets optional in the schema that this reader cannot do without. Raises Bad."""
    raw = getattr(f, "attrs", {})
    attrs = {k: decode(v) for k, v in raw.items()}
    schema = flatten(schema, attrs)
    # group attributes ("lattice/shape") are checked like root ones, but not returned
    seen = dict(attrs)
    for a in schema.attrs:
        group, _, key = a.name.rpartition("/")
        if group and isinstance(f.get(group), h5py.Group) and key in f[group].attrs:
            seen[a.name] = decode(f[group].attrs[key])
    dims: dict[str, Any] = {}
    # ranges may name dimensions the attributes fix, so types come first
    _check_attrs([Attr(a.name, a.type, a.required, choices=a.choices) for a in schema.attrs],
                 seen, dims)
    if schema.dims is not None:
        dims.update(schema.dims(seen))
    _check_attrs(schema.attrs, seen, dims)
    wanted = (lambda p: load) if isinstance(load, bool) else load
    arrays: dict[str, np.ndarray] = {}
    shapes: dict[str, tuple[int, ...]] = {}
    for d in schema.data:
        for p in _expand(d, f, dims):
            obj = f[p] if p in f else None
            if obj is None:
                if d.required or p in need:
                    raise Bad(f"dataset {p} is missing")
                continue
            if isinstance(f, h5py.Group) and not isinstance(obj, h5py.Dataset):
                raise Bad(f"{p} should be a dataset, not a group")
            dtype = np.dtype(obj.dtype)
            kinds, say = DTYPES[d.dtype]
            if dtype.kind not in kinds:
                raise Bad(f"dataset {p} should hold {say} (has dtype {dtype})")
            if d.dtype == "int8" and dtype.itemsize != 1:
                raise Bad(f"dataset {p} should be int8 (has dtype {dtype})")
            shape = tuple(int(n) for n in obj.shape)
            if d.shape is not None:
                _match_shape(p, shape, d.shape, dims)
            shapes[p] = shape
            if wanted(p):
                a = np.asarray(obj[()])
                _check_values(p, a, d.values, dims)
                arrays[p] = a
    checked = Checked(path, attrs, arrays, shapes, dims, CHECKSUM_ATTR in attrs)
    if schema.relations is not None:
        schema.relations(checked)
    return checked


# Checksums: a SHA-256 over every dataset (path, dtype, shape, bytes) and every attribute
# but the provenance ones, read back through h5py both when written and when verified, so
# that both sides see the same types.

def digest(f: h5py.File) -> str:
    h = hashlib.sha256()
    for k in sorted(f.attrs):
        if k in UNCHECKED_ATTRS:
            continue
        h.update(b"A" + k.encode() + b"\0" + _value_bytes(f.attrs[k]))
    names: list[str] = []
    f.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) else None)
    for name in sorted(names):
        h.update(b"D" + name.encode() + b"\0" + _value_bytes(f[name][()]))
    return "sha256:" + h.hexdigest()


def _value_bytes(v: Any) -> bytes:
    if isinstance(v, bytes):
        v = v.decode(errors="replace")
    if isinstance(v, str):
        return b"s" + v.encode()
    a = np.asarray(v)
    if a.dtype.kind in "OSU":
        return b"o" + json.dumps([str(x) for x in a.ravel()]).encode()
    a = np.ascontiguousarray(a)
    return f"{a.dtype.str}{a.shape}".encode() + a.tobytes()


def seal(f: h5py.File) -> None:
    """Stores the checksum of everything written so far in `f`."""
    f.flush()
    f.attrs[CHECKSUM_ATTR] = digest(f)


def verify(f: h5py.File, path: str) -> bool:
    """True when `f` carries a checksum and it matches; False when it carries none."""
    stored = f.attrs.get(CHECKSUM_ATTR)
    if stored is None:
        return False
    if decode(stored) != digest(f):
        raise Bad("its checksum does not match its content (flipped bytes or an edited file)")
    return True
