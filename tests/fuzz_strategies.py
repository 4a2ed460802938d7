"""Hypothesis strategies that fuzz the physml command line, and the checker of its error contract.

Shared by tests/test_fuzz_cli.py (a few examples per command, in CI) and benchmarks/fuzz_cli.py
(thousands of invocations), so both fuzz the same inputs and judge them by the same rules.

A `Case` is one invocation: argv plus the files that lie in its folder beforehand (tiny valid
physml files, some damaged, and decoys with known content that must survive). Every generated
value is either cheap for a correct CLI to run or one it must refuse at once, so a timeout always
means a real hang, never a legitimately long run: values that make work grow (sweeps, epochs,
bootstrap samples, ...) are drawn small or beyond int64, never just large.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import numpy as np
from hypothesis import strategies as st

# --------------------------------------------------------------------------------------------
# Running physml

# Cap the address space of every run: an accepted absurd size must fail fast as an allocation
# error (a bug the fuzzer reports) instead of swapping the machine. Generous enough that no run
# a correct CLI accepts here comes near it.
MEMORY_LIMIT = int(os.environ.get("PHYSML_FUZZ_MEMORY", 6 * 2**30))

# The interpreter runs the package as `python -m physml_cli` would, after lowering its own limit
# (a wrapper instead of preexec_fn, which may deadlock when the benchmark forks from threads).
_LIMITED = ("import resource, runpy, sys; "
            "resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]),) * 2); "
            "sys.argv = ['physml'] + sys.argv[2:]; "
            "runpy.run_module('physml_cli', run_name='__main__', alter_sys=True)")


def physml_argv(args: Iterable[str]) -> list[str]:
    return [sys.executable, "-c", _LIMITED, str(MEMORY_LIMIT), *args]


def run_env() -> dict[str, str]:
    env = dict(os.environ)
    # one core per run: the benchmark runs several at once, and timings must not depend on it
    env["OMP_NUM_THREADS"] = "1"
    env["MPLBACKEND"] = "Agg"
    env["COLUMNS"] = "100"
    for var in [v for v in env if v.startswith(("OMPI_", "PMI_", "PMIX_", "SLURM_"))]:
        del env[var]  # never look launched under MPI or Slurm
    return env


@dataclasses.dataclass
class Completed:
    returncode: Optional[int]   # None: killed at the timeout
    stdout: str
    stderr: str
    seconds: float


def run(args: Iterable[str], cwd: str | os.PathLike[str], timeout: float) -> Completed:
    t0 = time.perf_counter()
    proc = subprocess.Popen(physml_argv(args), cwd=cwd, env=run_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        code: Optional[int] = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: children of the run go too
        out, err = proc.communicate()
        code = None
    return Completed(code, out.decode(errors="replace"), err.decode(errors="replace"),
                     time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------
# Session fixtures: tiny valid files of every kind physml reads, made once

def _patterns(rows: int, n: int, seed: int) -> np.ndarray:
    return np.where(np.random.default_rng(seed).random((rows, n)) < 0.5, -1, 1).astype(np.int8)


# name -> argv; in order, later ones read earlier ones. Each must finish in about a second.
FIXTURE_COMMANDS: list[tuple[str, list[str]]] = [
    ("sim", ["simulate", "--size", "4,6", "--temperatures", "1.6:3.2:6", "--thermalize", "20",
             "--sweeps", "40", "--measure-every", "2", "--save-configs", "8", "--seed", "1",
             "-q", "-o", "sim_L{L}.h5"]),
    ("potts", ["simulate", "--model", "potts", "--q", "3", "--size", "4", "--temperatures",
               "0.8,1.2", "--thermalize", "10", "--sweeps", "20", "--measure-every", "2",
               "--save-configs", "4", "-q", "-o", "potts.h5"]),
    ("one_t", ["simulate", "--size", "4", "--temperatures", "2.2", "--thermalize", "10",
               "--sweeps", "40", "--measure-every", "2", "--save-configs", "20", "-q", "-o",
               "sim_T.h5"]),
    ("shard", ["simulate", "--size", "4", "--temperatures", "1.5:3.0:4", "--thermalize", "10",
               "--sweeps", "20", "--measure-every", "2", "--save-configs", "4", "--shard", "0/2",
               "-q", "-o", "shard0.h5"]),
    ("shard", ["simulate", "--size", "4", "--temperatures", "1.5:3.0:4", "--thermalize", "10",
               "--sweeps", "20", "--measure-every", "2", "--save-configs", "4", "--shard", "1/2",
               "-q", "-o", "shard1.h5"]),
    ("exact", ["exact", "--size", "6", "-o", "exact.h5"]),
    ("dmrg", ["exact", "--method", "dmrg", "--size", "6", "--bond-dim", "4", "--sweeps", "2",
              "-q", "-o", "dmrg.h5"]),
    ("vmc", ["vmc", "--size", "4", "--iterations", "2", "--samples", "32", "--chains", "4",
             "--discard", "2", "--measure-samples", "32", "-q", "-o", "vmc.h5"]),
    ("van", ["variational", "--size", "4", "--temperatures", "2.2,2.6", "--steps", "3",
             "--batch", "16", "--measure-samples", "16", "-q", "-o", "van.h5"]),
    ("linear", ["train", "linear", "sim_L4.h5", "-o", "linear.h5"]),
    ("mlp", ["train", "mlp", "sim_L4.h5", "--hidden", "4", "--epochs", "1", "-o", "mlp.h5"]),
    ("rbm", ["train", "rbm", "sim_T.h5", "--hidden", "4", "--epochs", "1", "--ais-runs", "2",
             "--ais-betas", "10", "-o", "rbm.h5"]),
    ("hopfield", ["train", "hopfield", "patterns.npz", "-o", "hopfield.h5"]),
    ("samples", ["sample", "rbm.h5", "--samples", "8", "--gibbs-steps", "2", "-o",
                 "samples.h5"]),
    ("bas", ["dataset", "bas", "--size", "3", "-o", "bas.h5"]),
    ("mps", ["train", "mps", "sim_T.h5", "--bond-dim", "4", "--sweeps", "1", "-q", "-o",
             "mps.h5"]),
    ("toy", ["dataset", "toy", "--dist", "ring", "--samples", "200", "-o", "toy.h5"]),
    ("flow", ["train", "flow", "toy.h5", "--layers", "2", "--hidden", "4", "--epochs", "1", "-q",
              "-o", "flow.h5"]),
    ("predictions", ["predict", "linear.h5", "sim_L4.h5", "-o", "predictions.h5"]),
    ("recall", ["hopfield", "recall", "hopfield.h5", "--max-sweeps", "5", "-o", "recall.h5"]),
]

# The fixture files by kind; a case names them by key.
H5_FIXTURES = ("sim_L4.h5", "sim_L6.h5", "sim_T.h5", "potts.h5", "shard0.h5", "shard1.h5", "exact.h5",
               "dmrg.h5",
               "vmc.h5", "van.h5", "linear.h5", "mlp.h5", "rbm.h5", "hopfield.h5", "samples.h5",
               "predictions.h5", "recall.h5", "xy.h5", "bas.h5", "mps.h5", "toy.h5",
               "flow.h5")
NPZ_FIXTURES = ("xy.npz", "patterns.npz")
ALL_FIXTURES = H5_FIXTURES + NPZ_FIXTURES


def build_fixtures(folder: str | os.PathLike[str], timeout: float = 300) -> Path:
    """Write every fixture into folder (once per session); raise if the CLI cannot make them,
    since then every case would only test a broken set-up."""
    import h5py

    folder = Path(folder)
    if all((folder / name).is_file() for name in ALL_FIXTURES):
        return folder  # made by an earlier run (benchmarks/fuzz_cli.py --fixtures)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 16))
    y = X @ rng.normal(size=16) + 0.1 * rng.normal(size=40)
    np.savez(folder / "xy.npz", X=X, y=y)
    with h5py.File(folder / "xy.h5", "w") as f:
        f["X"], f["y"] = X, y
    np.savez(folder / "patterns.npz", X=_patterns(6, 16, 4))
    for _, argv in FIXTURE_COMMANDS:
        r = run(argv, folder, timeout)
        if r.returncode != 0:
            raise RuntimeError(f"fixture `physml {shlex.join(argv)}` failed "
                               f"({r.returncode}): {r.stderr[-2000:]}")
    missing = [name for name in ALL_FIXTURES if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"fixtures not made: {missing}")
    return folder


# --------------------------------------------------------------------------------------------
# Files in a case's folder

@dataclasses.dataclass(frozen=True)
class FileSpec:
    """A file that exists before the run: a fixture copied (perhaps damaged) under a name, or a
    decoy with known bytes. damage is a tuple (kind, *parameters)."""
    name: str
    source: Optional[str] = None            # fixture name; None: decoy or special
    damage: tuple[Any, ...] = ("intact",)

    def describe(self) -> str:
        what = self.source or "decoy"
        kind, *params = self.damage
        if kind == "intact":
            return f"{self.name}: copy of {what}" if self.source else f"{self.name}: {what}"
        return f"{self.name}: {what} with {kind}{tuple(params) if params else ''}"


DECOY_BYTES = b"precious: must survive every run without --overwrite\n"


def _datasets(f: Any) -> list[str]:
    import h5py

    names: list[str] = []
    f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    return sorted(names)


def _damage_h5(path: Path, kind: str, params: tuple[Any, ...]) -> str:
    """Edit the file; say what was edited, by name, for the reproducer."""
    import h5py

    with h5py.File(path, "r+") as f:
        if kind == "drop_attr":
            attrs = sorted(f.attrs)
            if attrs:
                name = attrs[params[0] % len(attrs)]
                del f.attrs[name]
                return f"del f.attrs[{name!r}]"
            return "nothing"
        if kind == "attr_value":
            attrs = sorted(f.attrs)
            if attrs:
                name, value = attrs[params[0] % len(attrs)], _ATTR_VALUES[params[1] % len(_ATTR_VALUES)]
                f.attrs[name] = value
                return f"f.attrs[{name!r}] = {value!r}"
            return "nothing"
        if kind == "schema":
            f.attrs["physml_schema"] = params[0]
            return f"f.attrs['physml_schema'] = {params[0]!r}"
        names = _datasets(f)
        if not names:
            return "nothing"
        name = names[params[0] % len(names)]
        old = f[name]
        shape, dtype = old.shape, old.dtype
        del f[name]
        if kind == "drop_dataset":
            return f"del f[{name!r}]"
        if kind == "string_dataset":
            n = int(np.prod(shape)) if shape else 1
            f.create_dataset(name, data=np.array(["abc"] * min(max(n, 1), 4096), dtype=object),
                             dtype=h5py.string_dtype())
        elif kind == "scalar_dataset":
            f.create_dataset(name, data=0.5)
        elif kind == "empty_dataset":
            f.create_dataset(name, shape=(0,) * max(len(shape), 1), dtype=dtype)
        elif kind == "reshaped_dataset":
            n = int(np.prod(shape)) if shape else 1
            f.create_dataset(name, data=np.zeros((n + 1,), dtype=dtype))
        elif kind == "nan_dataset":
            f.create_dataset(name, data=np.full(shape, np.nan) if shape else np.nan)
        else:
            raise ValueError(kind)
        return f"f[{name!r}] (was {dtype} {shape}) -> {kind}"


# Attribute values a reader of JSON/number/text attributes must survive.
_ATTR_VALUES: tuple[Any, ...] = ("abc", "{", "null", "[]", np.nan, -1, 2**62, np.float64(1e308),
                                 np.zeros(0), np.array([1, 2, 3]), b"\xff\xfe")


def _damage_npz(path: Path, kind: str) -> None:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    X = arrays["X"]
    if kind == "npz_no_x":
        arrays = {"Z": X}
    elif kind == "npz_x_only":
        arrays.pop("y", None)
    elif kind == "npz_string_x":
        arrays["X"] = X.astype(str)
    elif kind == "npz_empty_x":
        arrays["X"] = X[:0]
    elif kind == "npz_1d_x":
        arrays["X"] = X.ravel()
    elif kind == "npz_3d_x":
        arrays["X"] = X.reshape(X.shape[0], 1, -1)
    elif kind == "npz_nan_x":
        arrays["X"] = np.full(X.shape, np.nan)
    elif kind == "npz_y_mismatch":
        arrays["y"] = np.zeros(len(X) + 3)
    elif kind == "npz_object_x":
        arrays["X"] = np.array([[1, "a"]] * 3, dtype=object)  # readable only with pickle
    elif kind == "npz_other_values":
        arrays["X"] = np.full(X.shape, 7, dtype=X.dtype)
    else:
        raise ValueError(kind)
    with open(path, "wb") as f:
        np.savez(f, allow_pickle=True, **arrays)


def materialise(spec: FileSpec, fixtures: Path, work: Path) -> str:
    """Create the file; for an h5py edit, return what it did by name (else '')."""
    target = work / spec.name
    kind, *params = spec.damage
    # an odd path ("..", "/elsewhere") drawn for a file name: nothing to create there
    outside = target.resolve() == work.resolve() or work.resolve() not in target.resolve().parents
    if kind == "missing" or outside:
        return ""
    if kind == "directory":
        target.mkdir()
        (target / "keep.txt").write_bytes(DECOY_BYTES)
        return ""
    if spec.source is None:
        target.write_bytes(DECOY_BYTES)
        return ""
    shutil.copyfile(fixtures / spec.source, target)
    if kind == "intact":
        return ""
    if kind == "empty":
        target.write_bytes(b"")
    elif kind == "truncate":
        data = target.read_bytes()
        target.write_bytes(data[: int(len(data) * params[0])])
    elif kind == "flip":
        data = bytearray(target.read_bytes())
        for frac, mask in params[0]:
            data[min(int(len(data) * frac), len(data) - 1)] ^= mask
        target.write_bytes(bytes(data))
    elif kind == "garbage":
        target.write_bytes(random.Random(params[1]).randbytes(params[0]))
    elif kind.startswith("npz_"):
        _damage_npz(target, kind)
    else:
        return f"{spec.name}: " + _damage_h5(target, kind, tuple(params))
    return ""


# --------------------------------------------------------------------------------------------
# Values

# Integers a correct CLI must refuse (or, for a seed, may accept) without doing work.
BEYOND_INT64 = (2**63, 2**64, 10**20, -(2**63) - 1, -(10**20))
# Where C int and size_t conversions break; only for options whose cost does not grow with them.
INT_EDGES = (2**31 - 1, 2**31, -(2**31) - 1, 2**32, 2**63 - 1)
NOT_INTS = ("", " ", "abc", "1.5", "1e3", "0x10", "nan", "inf", "--", "\u0661\u0662", "- 1")
EXTREME_FLOATS = ("nan", "-nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e400", "-0.0", "0",
                  "5e-324", "-1", "-1e-300")
NOT_FLOATS = ("", "abc", "1,5", "0x1p3", "1e", "--", "½")


def count(lo: int, hi: int, *, cheap: bool = False) -> "Opt":
    """An integer option. cheap: the run's cost does not grow with the value (a seed, a thread
    count that should be refused or capped), so int32/int64 edges are fair game too."""
    hostile = [-1, 0, -7, *BEYOND_INT64, *(INT_EDGES if cheap else ())]
    return Opt(st.integers(lo, hi).map(str),
               st.one_of(st.sampled_from(hostile).map(str), st.sampled_from(NOT_INTS)))


def real(lo: float, hi: float) -> "Opt":
    valid = st.floats(lo, hi, allow_nan=False, allow_infinity=False).map(lambda x: repr(float(x)))
    return Opt(valid, st.sampled_from(EXTREME_FLOATS + NOT_FLOATS))


def names(valid: Iterable[str], *more_hostile: str) -> "Opt":
    valid = tuple(valid)
    unknown = ("bogus", "", " ", "ISING", "x" * 300, "caf\u00e9", "-", "all,bogus",
               (valid[0] + " ") if valid else "z", *more_hostile)
    return Opt(st.sampled_from(valid), st.sampled_from(unknown))


def texts(valid: Iterable[str], hostile: Iterable[str]) -> "Opt":
    return Opt(st.sampled_from(tuple(valid)), st.sampled_from(tuple(hostile)))


def flag() -> "Opt":
    return Opt(st.just(None), None)


# Grids: the compact a:b:n and comma forms (brief's example: 2:3:99999999999999999999).
BAD_GRIDS = ("2:3:99999999999999999999", "2:3:2147483648", "2:3:-1", "2:3:0", "2:3", "2:3:4:5",
             "::", "a:b:c", "2:3:1e3", "2:3:1.5", "nan:3:3", "1:inf:3", "-inf:inf:2",
             "1e308:1e308:2", "-1:2:3", "0:1:2", "1,1", "", ",", " , ", "1,,2", "1;2", "nan",
             "inf", "-0.0", "1e400", "1e-320", "0x10", "2:3:" + "9" * 400)


def grid(valid: Iterable[str]) -> "Opt":
    return Opt(st.sampled_from(tuple(valid)), st.sampled_from(BAD_GRIDS))


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True with probability 1/n (st.integers leans on its bounds; sampled_from does not)."""
    return st.sampled_from((False,) * (n - 1) + (True,))  # False first: the simplest case


@dataclasses.dataclass(frozen=True)
class Opt:
    valid: st.SearchStrategy[Optional[str]]           # None: a flag given
    hostile: Optional[st.SearchStrategy[str]] = None


# --------------------------------------------------------------------------------------------
# Files: inputs and outputs

BYTE_DAMAGE = st.one_of(
    st.just(("empty",)),
    st.tuples(st.just("truncate"), st.sampled_from((0.01, 0.1, 0.3, 0.5, 0.9, 0.99))),
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)),
                                        min_size=1, max_size=8).map(tuple)),
    st.tuples(st.just("garbage"), st.sampled_from((1, 8, 512, 4096)), st.integers(0, 2**16)),
)
H5_EDITS = st.one_of(
    st.tuples(st.sampled_from(("drop_attr", "drop_dataset", "string_dataset", "scalar_dataset",
                               "empty_dataset", "reshaped_dataset", "nan_dataset")),
              st.integers(0, 63)),
    st.tuples(st.just("attr_value"), st.integers(0, 63), st.integers(0, len(_ATTR_VALUES) - 1)),
    st.tuples(st.just("schema"), st.sampled_from(
        ("physml.simulation/1", "physml.model/1", "physml.vmc/1", "physml.exact/1", "physml.dmrg/1",
         "physml.dataset/1", "physml.checkpoint/1", "physml.simulation/2", "", "bogus"))),
)
NPZ_EDITS = st.sampled_from(("npz_no_x", "npz_x_only", "npz_string_x", "npz_empty_x", "npz_1d_x",
                             "npz_3d_x", "npz_nan_x", "npz_y_mismatch", "npz_object_x",
                             "npz_other_values")).map(lambda k: (k,))


def damage_for(source: str) -> st.SearchStrategy[tuple[Any, ...]]:
    edits = NPZ_EDITS if source.endswith(".npz") else H5_EDITS
    # intact twice: most runs should get past the options to the file itself
    return st.one_of(st.just(("intact",)), st.just(("intact",)), BYTE_DAMAGE, edits)


@st.composite
def input_file(draw: Any, preferred: tuple[str, ...], stem: str = "in") -> FileSpec:
    """A positional input: usually a fixture of the kind the command reads, sometimes any other
    physml file, a misnamed one, a folder, or nothing at all; then perhaps damaged."""
    choice = draw(st.sampled_from(("preferred", "preferred", "preferred", "other", "special")))
    if choice == "special":
        kind = draw(st.sampled_from(("missing", "directory")))
        long = ("x" * 300,) if kind == "missing" else ()  # a name no file system takes
        return FileSpec(draw(st.sampled_from((f"{stem}.h5", f"{stem}.npz", *long))), None, (kind,))
    source = draw(st.sampled_from(preferred if choice == "preferred" else ALL_FIXTURES))
    ext = ".npz" if source.endswith(".npz") else ".h5"
    if draw(one_in(10)):
        ext = {".npz": ".h5", ".h5": ".npz"}[ext]  # the reader picks its parser by extension
    return FileSpec(f"{stem}{ext}", source, draw(damage_for(source)))


def output_paths(suffix: str, fresh: str) -> st.SearchStrategy[tuple[str, tuple[FileSpec, ...]]]:
    """(path, files that must exist beforehand): a fresh name, or one of the odd ones."""
    odd = st.sampled_from((
        ("", ()),
        ("x" * 300 + suffix, ()),
        ("no/such/dir/out" + suffix, ()),
        ("/nonexistent-physml-fuzz/out" + suffix, ()),
        ("adir", (FileSpec("adir", None, ("directory",)),)),
        ("adir/", (FileSpec("adir", None, ("directory",)),)),
        ("precious" + suffix, (FileSpec("precious" + suffix),)),
        ("afile/out" + suffix, (FileSpec("afile"),)),
        (".", ()),
        ("..", ()),
        (" ", ()),
        ("out" + suffix + "/", ()),
    ))
    return st.one_of(st.just((fresh, ())), st.just((fresh, ())), odd)


# --------------------------------------------------------------------------------------------
# Cases

@dataclasses.dataclass(frozen=True)
class Case:
    command: tuple[str, ...]
    args: tuple[str, ...]          # after the command words
    files: tuple[FileSpec, ...] = ()  # in the work folder before the run
    writes: tuple[str, ...] = ()   # outputs it may replace with --overwrite (named or default)

    @property
    def argv(self) -> list[str]:
        return [*self.command, *self.args]

    def command_line(self) -> str:
        return "physml " + shlex.join(self.argv)

    def describe(self) -> str:
        setup = "; ".join(f.describe() for f in self.files)
        return self.command_line() + (f"   [files: {setup}]" if setup else "")

    def __repr__(self) -> str:  # what hypothesis prints for a falsifying example
        return f"<Case {self.describe()}>"

    def to_json(self) -> dict[str, Any]:
        return {"command": list(self.command), "args": list(self.args),
                "files": [dataclasses.asdict(f) for f in self.files],
                "writes": list(self.writes)}


@dataclasses.dataclass(frozen=True)
class CommandSpec:
    """How to fuzz one command: a fast baseline, options with valid and hostile values,
    positional inputs, and where it writes."""
    base: dict[str, Optional[str]]
    options: dict[str, Opt]
    inputs: tuple[st.SearchStrategy[Any], ...] = ()  # each draws a FileSpec or a tuple of them
    output: Optional[tuple[str, str]] = None         # (suffix, fresh name) for -o
    output_required: bool = False
    default_output: Optional[str] = None             # written when -o is not given
    plot: bool = False
    budget: Optional[Callable[[dict[str, Optional[str]], set[str]], None]] = None
    words: tuple["Opt", ...] = ()  # positional arguments that are not files (a dataset's name)


@st.composite
def cases(draw: Any, command: tuple[str, ...], spec: CommandSpec) -> Case:
    args = dict(spec.base)
    options = sorted(spec.options)
    hostile_able = [o for o in options if spec.options[o].hostile is not None]
    # a few options set to other valid values, at most two to hostile ones: errors from one
    # option at a time, with now and then a pair that interacts
    for name in draw(st.lists(st.sampled_from(options), max_size=3, unique=True)):
        args[name] = draw(spec.options[name].valid)
    hostile = set(draw(st.lists(st.sampled_from(hostile_able), max_size=2, unique=True))
                  if hostile_able else [])
    for name in sorted(hostile):
        args[name] = draw(spec.options[name].hostile)
    if spec.budget:
        spec.budget(args, hostile)

    files: list[FileSpec] = []
    positional: list[str] = [draw(w.hostile if w.hostile is not None and draw(one_in(4))
                                  else w.valid) for w in spec.words]
    for strategy in spec.inputs:
        drawn = draw(strategy)
        for f in (drawn if isinstance(drawn, tuple) else (drawn,)):
            positional.append(f.name)
            if f not in files and f.damage != ("missing",):
                files.append(f)

    if spec.output:
        suffix, fresh = spec.output
        if spec.output_required or draw(st.booleans()):
            path, needed = draw(output_paths(suffix, fresh))
            args["--output"] = path
            files += [f for f in needed if f not in files]
        elif spec.default_output and draw(one_in(3)):
            files.append(FileSpec(spec.default_output))  # the default name is taken
    if spec.plot and draw(one_in(4)):
        path, needed = draw(output_paths(".png", "plot.png"))
        args["--plot"] = path
        files += [f for f in needed if f not in files]
    if (spec.output or spec.plot) and draw(one_in(4)):
        args["--overwrite"] = None
    if draw(one_in(30)):
        args["--no-such-option"] = draw(st.sampled_from(("1", "")))

    flat: list[str] = []
    for name, value in args.items():
        if isinstance(value, tuple):  # a repeatable option
            for v in value:
                flat += [name, v]
        elif value is None:
            flat.append(name)
        else:
            flat += [name, value]
    writes = [args.get("--output") or spec.default_output, args.get("--plot")]
    # names that clash (two inputs of one stem) keep the first: dedupe by name
    unique = {f.name: f for f in reversed(files)}
    return Case(command, tuple(positional + flat),
                tuple(unique[n] for n in dict.fromkeys(f.name for f in files)),
                tuple(w for w in writes if w))


def _registry(concept: str) -> list[str]:
    from physml_cli import registry

    return [e.name for e in registry.entries(concept)]


def _sites(lattice: str, L: int) -> int:
    from physml_cli import registry

    return registry.lattice_sites(lattice, L)


def _cap_sites(limit: int, size: str = "--size", default_lattice: str = "chain"
               ) -> Callable[[dict[str, Optional[str]], set[str]], None]:
    """A valid size on a valid lattice shrinks until the lattice has at most limit sites (an
    exact diagonalisation of 2^36 states is legitimately slow, not a hang)."""
    def apply(args: dict[str, Optional[str]], hostile: set[str]) -> None:
        lattice = args.get("--lattice") or default_lattice
        if size in hostile or "--lattice" in hostile or lattice not in _registry("lattice"):
            return
        L = int(args[size] or 2)
        while L > 2 and _sites(lattice, L) > limit:
            L -= 1
        args[size] = str(L)
    return apply


def _simulate_budget(args: dict[str, Optional[str]], hostile: set[str]) -> None:
    # sweeps must be a multiple of measure-every: keep valid draws valid together
    if not {"--sweeps", "--measure-every"} & hostile:
        every = int(args["--measure-every"] or 1)
        args["--sweeps"] = str(every * max(1, int(args["--sweeps"] or 1) // every))
    if "--size" not in hostile and "--lattice" not in hostile:
        lattice = args.get("--lattice") or "square"
        sizes = [int(s) for s in (args["--size"] or "4").split(",")]
        args["--size"] = ",".join(str(L) if _sites(lattice, L) <= 216 else "2" for L in sizes)


def _data_options() -> dict[str, Opt]:
    return {"--seed": count(0, 2**32, cheap=True), "--threads": count(1, 2, cheap=True),
            "--json": flag()}


def command_specs() -> dict[tuple[str, ...], CommandSpec]:
    """Every command's fuzz recipe, keyed by its words (("train", "linear"), ...)."""
    threads_seed = _data_options()
    sims = ("sim_L4.h5", "sim_L6.h5")
    return {
        ("simulate",): CommandSpec(
            base={"--size": "4", "--temperatures": "2.0,2.5", "--thermalize": "10",
                  "--sweeps": "20", "--measure-every": "2", "--save-configs": "4", "-q": None},
            options={
                **threads_seed,
                "--model": names(_registry("model"), "heisenberg"),
                "--q": count(2, 5, cheap=True),
                "--J": real(-2, 2), "--h": real(-1, 1),
                "--lattice": names(_registry("lattice"), "kagome"),
                "--size": texts(("2", "3", "4", "5", "3,4", "4,6"),
                                ("1", "0", "-4", "2147483648", "99999999999999999999",
                                 "4,4", "4,,", ",", "", "abc", "4.5", "2**31", "1e2", "4,-4",
                                 "4," + "9" * 30, "9223372036854775808")),
                "--temperatures": grid(("2.0", "2.0,2.5", "1.5:3.5:3", "3.0,1.0,2.0")),
                "--algorithm": names(_registry("update_rule"), "hmc"),
                "--hybrid": names(_registry("update_rule"), "hmc"),
                "--parallel-tempering": flag(), "--anneal": flag(),
                "--thermalize": count(0, 50), "--sweeps": count(1, 60),
                "--measure-every": count(1, 5),
                "--save-configs": count(0, 10, cheap=True),
                "--init": names(("random", "ordered")),
                "--checkpoint-every": real(0, 100),
                "--shard": texts(("0/2", "1/2", "0/1"),
                                 ("2/2", "-1/2", "0/0", "a/b", "0/2/3", "0/99999999999999999999",
                                  "99999999999999999999/2", "1", "", "/", "0/-1", "0.5/2")),
                "--resume": flag(),
            },
            inputs=(),
            output=(".h5", "out.h5"), default_output="physml_sim.h5", plot=True,
            budget=_simulate_budget),
        ("merge",): CommandSpec(
            base={}, options={"--json": flag()},
            inputs=(st.one_of(
                st.tuples(input_file(("shard0.h5",), "s0"), input_file(("shard1.h5",), "s1")),
                st.tuples(input_file(("shard0.h5",), "s0")),
                st.tuples(input_file(("shard0.h5",), "s0"), input_file(("shard0.h5",), "s0")),
                st.tuples(input_file(("shard0.h5", "shard1.h5"), "s0"),
                          input_file(sims + ("potts.h5",), "s1")),
                st.tuples(input_file(("shard1.h5",), "s1"), input_file(("shard0.h5",), "s0"),
                          input_file(("shard1.h5",), "s2"))),),
            output=(".h5", "merged.h5"), output_required=True),
        ("info",): CommandSpec(
            base={}, options={"--json": flag()},
            inputs=(input_file(ALL_FIXTURES, "file"),)),
        ("train", "linear"): CommandSpec(
            base={},
            options={**threads_seed,
                     "--model": names(_registry("linear_model"), "svm"),
                     "--alpha": grid(("1.0", "0", "1e-3", "0.1,1", "1e-3:1:3")),
                     "--l1-ratio": real(0, 1), "--cv": count(2, 3),
                     "--no-intercept": flag(), "--standardize": flag(),
                     "--target": names(("energy", "magnetization", "temperature", "phase", "y")),
                     "--tc": real(1, 4),
                     "--features": names(("raw", "pairs")),
                     "--test-fraction": real(0, 0.5), "--tol": real(1e-10, 1e-2),
                     "--max-iter": count(1, 200)},
            inputs=(input_file(sims + ("potts.h5", "xy.npz", "xy.h5"), "data"),),
            output=(".h5", "model.h5"), default_output="linear_model.h5"),
        ("train", "mlp"): CommandSpec(
            base={"--hidden": "4", "--epochs": "1"},
            options={**threads_seed,
                     "--hidden": texts(("4", "0", "", "4,2", "2"),
                                       ("-1", "4,-1", "4,,2", "abc", "99999999999999999999",
                                        "2147483648", "4;2", " ,")),
                     "--activation": names(("relu", "tanh", "sigmoid", "softplus", "logcosh")),
                     "--conv": texts(("2:3", "1:1", "2:3,2:1"),
                                     ("2:2", "0:3", "-1:3", "2:-3", "x", "2:3:4", ":",
                                      "99999999999999999999:3", "2:99999999999999999999",
                                      "2147483647:1", "2:9999")),
                     "--dropout": real(0, 0.5),
                     "--architecture": texts(("dense:4,tanh,dense:2", "conv:2:3,relu,dense:2",
                                              "dense:2"),
                                             ("", "bogus", "dense:0", "dense:-1", "dense:",
                                              "dense:99999999999999999999", "conv:2:2,dense:2",
                                              "tanh", ",", "dense:4,,dense:2", "dense:x",
                                              "conv:99999999999999999999:3,dense:2")),
                     "--labels": names(("phase", "temperature", "y")),
                     "--tc": real(1, 4),
                     "--loss": names(("auto", "cross-entropy", "bce", "mse")),
                     "--epochs": count(1, 2), "--batch-size": count(1, 64, cheap=True),
                     "--optimizer": names(_registry("optimizer")),
                     "--lr": real(1e-4, 1), "--momentum": real(0, 0.99),
                     "--weight-decay": real(0, 0.1), "--l1": real(0, 0.1),
                     "--l2": real(0, 0.1),
                     "--init": names(("auto", "xavier", "he")),
                     "--val-fraction": real(0, 0.5), "--test-fraction": real(0, 0.5),
                     "--patience": count(0, 3, cheap=True)},
            inputs=(input_file(sims + ("xy.npz", "xy.h5"), "data"),),
            output=(".h5", "model.h5"), default_output="mlp.h5", plot=True),
        ("train", "rbm"): CommandSpec(
            base={"--hidden": "4", "--epochs": "1", "--ais-runs": "2", "--ais-betas": "10"},
            options={**threads_seed,
                     "--hidden": count(1, 8), "--cd-k": count(1, 3), "--persistent": flag(),
                     "--epochs": count(0, 2), "--lr": real(1e-4, 1),
                     "--batch-size": count(1, 64, cheap=True), "--momentum": real(0, 0.99),
                     "--l2": real(0, 0.1), "--units": names(("auto", "01", "pm1")),
                     "--ais-runs": count(2, 4), "--ais-betas": count(2, 20)},
            inputs=(input_file(sims + ("sim_T.h5", "patterns.npz", "xy.npz"), "data"),),
            output=(".h5", "model.h5"), default_output="rbm.h5"),
        ("train", "hopfield"): CommandSpec(
            base={},
            options={"--seed": count(0, 2**32, cheap=True), "--json": flag(),
                     "--rule": names(_registry("hopfield_rule"), "oja"),
                     "--patterns": count(1, 6, cheap=True)},
            inputs=(input_file(("patterns.npz", "sim_L4.h5", "potts.h5", "xy.npz"), "data"),),
            output=(".h5", "net.h5"), default_output="hopfield.h5"),
        ("predict",): CommandSpec(
            base={},
            options={"--json": flag(),
                     "--target": names(("energy", "magnetization", "temperature", "phase", "y")),
                     "--tc": real(1, 4)},
            inputs=(input_file(("linear.h5", "mlp.h5"), "model"),
                    input_file(sims + ("xy.npz", "potts.h5"), "data")),
            output=(".h5", "pred.h5")),
        ("sample",): CommandSpec(
            base={"--samples": "8", "--gibbs-steps": "2"},
            options={**threads_seed,
                     # the output holds every sample: a huge count must be refused, not drawn
                     "--samples": count(2, 20, cheap=True), "--gibbs-steps": count(1, 5)},
            inputs=(input_file(("rbm.h5", "mps.h5", "flow.h5"), "model"),),
            output=(".h5", "drawn.h5"), default_output="samples.h5"),
        ("train", "mps"): CommandSpec(
            base={"--bond-dim": "4", "--sweeps": "1"},
            options={**threads_seed,
                     "--bond-dim": count(1, 8), "--cutoff": real(0, 0.5),
                     "--sweeps": count(1, 2), "--lr": real(1e-4, 1),
                     "--descent-steps": count(1, 3), "--test-fraction": real(0, 0.5),
                     "--quiet": flag()},
            inputs=(input_file(("sim_T.h5", "bas.h5", "patterns.npz", "xy.npz", "potts.h5"),
                               "data"),),
            output=(".h5", "model.h5"), default_output="mps.h5"),
        ("train", "flow"): CommandSpec(
            base={"--layers": "2", "--hidden": "4", "--epochs": "1"},
            options={**threads_seed,
                     "--layers": count(1, 4), "--hidden": texts(("4", "4,4", "8"),
                                                              ("0", "-1", "", "x", "4,,4",
                                                               "99999999999999999999")),
                     "--coupling": names(_registry("flow_coupling"), "quadratic"),
                     "--activation": names(("tanh", "relu", "softplus")),
                     "--epochs": count(1, 2), "--batch-size": count(1, 64, cheap=True),
                     "--lr": real(1e-4, 1e-2), "--test-fraction": real(0, 0.5),
                     "--quiet": flag()},
            inputs=(input_file(("toy.h5", "xy.npz", "xy.h5", "bas.h5", "sim_T.h5"), "data"),),
            output=(".h5", "model.h5"), default_output="flow.h5"),
        ("dataset",): CommandSpec(
            base={},
            options={"--json": flag(), "--size": count(1, 6), "--width": count(1, 6),
                     "--dist": names(_registry("toy_distribution"), "spiral"),
                     "--samples": count(1, 50), "--seed": count(0, 2**32, cheap=True)},
            words=(names(_registry("dataset")),),
            output=(".h5", "data.h5"), default_output="dataset.h5"),
        ("hopfield", "capacity"): CommandSpec(
            base={"--neurons": "16", "--loads": "0.05:0.2:2", "--trials": "2", "--probes": "2"},
            options={**threads_seed,
                     # N^2 weights: a huge network must be refused before it is allocated
                     "--neurons": count(2, 40, cheap=True),
                     "--loads": grid(("0.1", "0.05:0.2:2", "0.1,0.3")),
                     "--trials": count(2, 3), "--probes": count(1, 3),
                     "--corrupt": real(0, 0.49),
                     "--rule": names(_registry("hopfield_rule"), "oja")},
            plot=True),
        ("hopfield", "recall"): CommandSpec(
            base={"--max-sweeps": "5"},
            options={"--seed": count(0, 2**32, cheap=True), "--json": flag(),
                     "--input": Opt(st.sampled_from(("patterns.npz", "sim_L4.h5", "xy.npz")),
                                    st.sampled_from(("missing.npz", "", "adir", "x" * 300))),
                     "--corrupt": real(0, 1),
                     "--dynamics": names(("async", "sync", "modern")),
                     "--temperature": real(0, 2), "--beta": real(0.1, 20),
                     "--max-sweeps": count(1, 20)},
            inputs=(input_file(("hopfield.h5",), "net"),),
            output=(".h5", "recalled.h5")),
        ("exact",): CommandSpec(
            base={"--size": "4"},
            options={**threads_seed, **_hamiltonian_options(),
                     "--size": count(2, 8, cheap=True),
                     "--sz": texts(("auto", "full", "0", "1"),
                                   ("0.5", "nan", "inf", "-inf", "99999999999999999999", "abc",
                                    "", "1e308", "-0.0", "1/2", "-99")),
                     "--levels": count(1, 4, cheap=True),
                     "--tol": real(1e-14, 1e-3), "--max-iter": count(2, 300),
                     "--symmetries": names(["auto", "none", *_registry("symmetry_group")],
                                           "rotations"),
                     "--momentum": texts(("0", "1", "pi", "all", "0,0", "pi,pi", "1,2"),
                                         ("", "-1", "99999999999999999999", "nan", "pi/2",
                                          "0,0,0", ",", "1.5", "k")),
                     "--irrep": names([*_registry("irrep"), "all"], "E"),
                     "--spin-flip": texts(("+1", "-1", "all"), ("0", "1", "", "+-1", "nan")),
                     "--method": names(_registry("eigensolver"), "arnoldi"),
                     "--bond-dim": texts(("4", "8", "2,4"), ("0", "-1", "", "abc", "8,-2", "1e3",
                                                          "99999999999999999999", ",")),
                     "--sweeps": count(1, 3, cheap=True), "--cutoff": real(0, 0.5),
                     "--mixer": real(0, 1e-3),
                     "--excited-sz": texts(("1", "0", "-1"), ("nan", "abc", "0.5", "", "99")),
                     "--resume": flag(), "-q": flag()},
            output=(".h5", "ground.h5"), budget=_cap_sites(16)),
        ("vmc",): CommandSpec(
            base={"--size": "4", "--iterations": "2", "--samples": "32", "--chains": "4",
                  "--discard": "2", "--measure-samples": "32", "-q": None},
            options={**threads_seed, **_hamiltonian_options(),
                     "--size": count(2, 8, cheap=True),
                     "--ansatz": names(_registry("ansatz"), "transformer"),
                     "--alpha": real(0.25, 2), "--complex": flag(),
                     "--symmetries": names(_registry("symmetry_group"), "rotations"),
                     "--parity": texts(("+1", "-1"), ("0", "1", "2", "", "+-1", "nan")),
                     "--architecture": texts(("dense:8,tanh,dense:4,logcosh", "dense:4"),
                                             ("", "bogus", "dense:0", "dense:-1", "dense:",
                                              "dense:99999999999999999999", "tanh", ",",
                                              "conv:2:3")),
                     "--init-scale": real(0, 0.5),
                     "--marshall": flag(), "--no-marshall": flag(),
                     "--sampler": names(("auto",) + tuple(_registry("vmc_proposal"))),
                     "--depth": count(1, 3),
                     "--samples": count(1, 64, cheap=True), "--chains": count(1, 8, cheap=True),
                     "--discard": count(0, 3), "--sweep-size": count(0, 8),
                     "--iterations": count(0, 3),
                     "--optimizer": names(_registry("vmc_optimizer")),
                     "--lr": real(1e-4, 0.2), "--diag-shift": real(1e-4, 1),
                     "--sr-solver": names(("auto", "dense", "kernel", "cg")),
                     "--cg-tol": real(1e-10, 1e-2),
                     "--lr-final": real(1e-4, 0.2), "--diag-shift-final": real(1e-4, 1),
                     "--schedule-steps": count(0, 5), "--strict": flag(),
                     "--measure-samples": count(1, 64, cheap=True),
                     "--average": count(0, 4), "--resume": flag()},
            output=(".h5", "run.h5"), plot=True, budget=_cap_sites(16)),
        ("variational",): CommandSpec(
            base={"--size": "3", "--temperatures": "2.5", "--steps": "3", "--batch": "16",
                  "--measure-samples": "16", "-q": None},
            options={**threads_seed,
                     "--model": names(_registry("variational_model"), "heisenberg"),
                     "--method": names(_registry("variational_method"), "tap"),
                     # trg, hotrg (on tori of --size; potts with --q)
                     "--bond-dim": count(1, 8), "--q": count(2, 5),
                     "--lattice": names(_registry("lattice"), "kagome"),
                     "--size": count(2, 6, cheap=True),
                     "--J": real(-2, 2), "--h": real(-2, 2), "--open": flag(),
                     "--couplings-seed": count(0, 9, cheap=True),
                     "--temperatures": grid(("2.0", "2.0,2.5", "1.5:3.5:3", "3.0,1.0")),
                     "--depth": count(1, 3), "--width": count(1, 6),
                     "--activation": names(_registry("activation")),
                     "--z2": flag(), "--no-z2": flag(),
                     "--batch": count(2, 64), "--steps": count(0, 5),
                     "--lr": real(1e-5, 0.1), "--clip": real(0, 10), "--anneal": real(0, 0.999),
                     "--measure-samples": count(2, 64), "--resume": flag()},
            output=(".h5", "free.h5"), plot=True, budget=_cap_sites(36, default_lattice="square")),
        ("detect-transition",): CommandSpec(
            base={"--method": ("binder", "peaks"), "--bootstrap": "2", "--epochs": "1"},
            options={**threads_seed,
                     "--method": Opt(st.lists(st.sampled_from(
                         ("binder", "peaks", "supervised", "confusion", "pca", "autoencoder",
                          "all", "binder,pca")), min_size=1, max_size=3).map(tuple),
                         st.sampled_from(("bogus", "", ",", "binder,,peaks", "BINDER")).map(
                             lambda m: (m,))),
                     "--bootstrap": count(0, 3), "--epochs": count(1, 2),
                     "--nu": texts(("1", "fit", "0.5", "2"),
                                   ("0", "-1", "nan", "inf", "-inf", "1e-320", "abc", "",
                                    "1e308", "FIT")),
                     "--window": texts(("2.0,2.6", "1.8,3.0"),
                                       ("2.6,2.0", "2,2", "1", "1,2,3", "nan,3", "-inf,inf",
                                        "a,b", "", "1:2:2", "0:1:99999999999999999999"))},
            inputs=(st.one_of(
                st.tuples(input_file(("sim_L4.h5",), "a"), input_file(("sim_L6.h5",), "b")),
                st.tuples(input_file(sims, "a")),
                st.tuples(input_file(("sim_L4.h5",), "a"), input_file(("sim_L4.h5",), "a")),
                st.tuples(input_file(("sim_L4.h5",), "a"),
                          input_file(("potts.h5", "shard0.h5", "sim_L6.h5"), "b"))),),
            plot=True),
    }


def _hamiltonian_options() -> dict[str, Opt]:
    return {"--hamiltonian": names(_registry("hamiltonian"), "hubbard"),
            "--lattice": names(_registry("lattice"), "kagome"),
            "--J": real(-2, 2), "--h": real(-2, 2), "--delta": real(-2, 2),
            "--J2": real(-1, 1), "--open": flag()}


@st.composite
def vmc_cases(draw: Any, spec: CommandSpec) -> Case:
    """--resume continues the run saved at --output: put a real (perhaps damaged) one there."""
    case = draw(cases(("vmc",), spec))
    args = list(case.args)
    if "--resume" in args and "--output" in args:
        out = args[args.index("--output") + 1]
        if out and "/" not in out and out not in {f.name for f in case.files}:
            damage = draw(damage_for("vmc.h5"))
            return dataclasses.replace(case, files=case.files + (FileSpec(out, "vmc.h5", damage),))
    return case


@st.composite
def simulate_cases(draw: Any, spec: CommandSpec) -> Case:
    """--resume reads OUTPUT.ckpt: put something there (never a valid checkpoint, which would
    need a killed run)."""
    case = draw(cases(("simulate",), spec))
    args = list(case.args)
    # --algorithm neural reads a VAN file: usually the fixture, sometimes another kind
    if draw(one_in(3)) and "--proposal" not in args:
        prop = draw(input_file(("van.h5",), "proposal"))
        extra = ["--proposal", prop.name] + (["--algorithm", "neural"] if draw(one_in(2)) else [])
        case = dataclasses.replace(case, args=tuple(args) + tuple(extra),
                                   files=case.files + (prop,))
        args = list(case.args)
    if "--resume" in args:
        out = args[args.index("--output") + 1] if "--output" in args else "physml_sim.h5"
        # (a name too long for the file system has no checkpoint beside it)
        if out and "/" not in out and "{L}" not in out and len(out) < 200:
            source = draw(st.sampled_from(("sim_L4.h5", "vmc.h5")))
            ckpt = FileSpec(out + ".ckpt", source, draw(damage_for(source)))
            return dataclasses.replace(case, files=case.files + (ckpt,))
    return case


def strategies() -> dict[tuple[str, ...], st.SearchStrategy[Case]]:
    specs = command_specs()
    out: dict[tuple[str, ...], st.SearchStrategy[Case]] = {
        words: cases(words, spec) for words, spec in specs.items()}
    out[("vmc",)] = vmc_cases(specs[("vmc",)])
    out[("simulate",)] = simulate_cases(specs[("simulate",)])
    return out


def cli_commands() -> list[tuple[str, ...]]:
    """Every leaf command of the click group, as its words; new commands appear by themselves."""
    import click

    import physml_cli.cli  # noqa: F401 (its modules register the commands on the group)
    from physml_cli.cli.app import cli

    found: list[tuple[str, ...]] = []

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        for name, command in sorted(group.commands.items()):
            if isinstance(command, click.Group):
                walk(command, prefix + (name,))
            else:
                found.append(prefix + (name,))
    walk(cli, ())
    return found


# --------------------------------------------------------------------------------------------
# Judging a run

PROBLEMS = ("hang", "signal", "traceback", "other exit code", "multi-line error",
            "leftover file", "overwritten file")
OUTCOMES = ("ok", "clean error") + PROBLEMS


def _snapshot(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            out[os.path.relpath(os.path.join(dirpath, d), root)] = "dir"
        for f in filenames:
            p = os.path.join(dirpath, f)
            try:
                out[os.path.relpath(p, root)] = hashlib.sha256(Path(p).read_bytes()).hexdigest()
            except OSError:
                out[os.path.relpath(p, root)] = "unreadable"
    return out


@dataclasses.dataclass
class Outcome:
    case: Case
    returncode: Optional[int]
    stderr: str
    seconds: float
    problems: list[str]
    details: list[str]
    edits: list[str] = dataclasses.field(default_factory=list)  # h5py edits, by name

    @property
    def kind(self) -> str:
        """One class per run: its worst problem, else ok or clean error."""
        for p in PROBLEMS:
            if p in self.problems:
                return p
        return "ok" if self.returncode == 0 else "clean error"

    @property
    def exception(self) -> str:
        """The exception line of a traceback (pybind's TypeError ends with its arguments, so the
        last line alone would not say what went wrong)."""
        found = [ln for ln in self.stderr.splitlines()
                 if re.match(r"[A-Za-z_][\w.]*(Error|Exception|Warning|Interrupt)\b", ln)]
        return found[-1] if found else ""

    def stderr_summary(self) -> tuple[str, str]:
        lines = [ln for ln in self.stderr.splitlines() if ln.strip()]
        return (lines[0], lines[-1]) if lines else ("", "")


def _may_change(case: Case, succeeded: bool) -> set[str]:
    """Files a successful run was allowed to replace: its outputs with --overwrite, and with
    --resume the run it continued. A failed run must leave every file as it was."""
    if not succeeded:
        return set()
    allowed: set[str] = set()
    if "--overwrite" in case.args:
        allowed |= {os.path.normpath(n) for n in case.writes}
    if "--resume" in case.args and case.writes:
        allowed |= {os.path.normpath(case.writes[0]), os.path.normpath(case.writes[0] + ".ckpt")}
    # only the work folder's own names count
    return {os.path.join("work", n) for n in allowed if not n.startswith(("/", ".."))}


def check(case: Case, fixtures: Path, timeout: float,
          scratch: str | os.PathLike[str] | None = None) -> Outcome:
    """Run one case in a fresh folder and judge it against the error contract."""
    with tempfile.TemporaryDirectory(prefix="physml-fuzz-", dir=scratch) as tmp:
        root = Path(tmp)
        # the run works one level down, so an output of '..' still lands where it is watched
        work = root / "work"
        work.mkdir()
        edits = [e for e in (materialise(f, fixtures, work) for f in case.files) if e]
        before = _snapshot(root)
        r = run(case.argv, work, timeout)
        after = _snapshot(root)
    problems: list[str] = []
    details: list[str] = []
    code = r.returncode
    # vmc --strict: a finished run with warnings exits 3 after writing its output and printing
    # its result, ending with the one line that says so; as far as files go it finished
    last = r.stderr.splitlines()[-1:]
    finished = code == 0 or (code == 3 and "--strict" in case.args
                             and bool(last) and last[0].startswith("physml: --strict:"))
    if code is None:
        problems.append("hang")
        details.append(f"no exit after {timeout:g} s")
    elif code < 0:
        problems.append("signal")
        details.append(f"killed by signal {-code} ({signal.Signals(-code).name})")
    if "Traceback" in r.stderr:
        problems.append("traceback")
    if code is not None and code not in (0, 2) and code >= 0 and not finished:
        problems.append("other exit code")
        details.append(f"exit code {code}")
    if code == 2:
        lines = r.stderr.splitlines()
        if not (len(lines) == 1 and lines[0].startswith("physml: error:")
                and lines[0][len("physml: error:"):].strip()):
            problems.append("multi-line error")
            details.append(f"{len(lines)} stderr lines")
    if not finished:
        new = sorted(set(after) - set(before))
        if new:
            problems.append("leftover file")
            details.append(f"left behind: {new}")
    allowed = _may_change(case, finished)
    changed = sorted(p for p, h in before.items() if after.get(p) != h and p not in allowed)
    if changed:
        problems.append("overwritten file")
        details.append(f"changed or removed: {changed}")
    return Outcome(case, code, r.stderr, r.seconds, problems, details, edits)


def explain(o: Outcome) -> str:
    first, last = o.stderr_summary()
    return "\n".join([f"{o.kind}: {'; '.join(o.details) or o.problems}",
                      f"  reproduce: {o.case.describe()}",
                      *([f"  h5py edit: {'; '.join(o.edits)}"] if o.edits else []),
                      f"  exit code: {o.returncode}",
                      *([f"  exception: {o.exception[:300]}"] if o.exception else []),
                      f"  stderr first: {first[:300]}",
                      f"  stderr last:  {last[:300]}"])


def check_many(cases_: list[Case], fixtures: Path, timeout: float, jobs: int,
               progress: Optional[Callable[[int, Outcome], None]] = None) -> list[Outcome]:
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = []
        for i, o in enumerate(pool.map(lambda c: check(c, fixtures, timeout), cases_)):
            outcomes.append(o)
            if progress:
                progress(i, o)
    return outcomes


def case_from_json(d: dict[str, Any]) -> Case:
    return Case(tuple(d["command"]), tuple(d["args"]),
                tuple(FileSpec(f["name"], f["source"], tuple(_untuple(f["damage"])))
                      for f in d["files"]), tuple(d.get("writes", ())))


def _untuple(x: Any) -> Any:
    return tuple(_untuple(v) for v in x) if isinstance(x, list) else x


def dumps(case: Case) -> str:
    return json.dumps(case.to_json())
