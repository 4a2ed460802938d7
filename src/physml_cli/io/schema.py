"""The HDF5 schema of physml files, and the only module that reads or writes them.

Every file carries the root attributes ``physml_schema`` (kind and version) and
``physml_version``; docs/hdf5-schema.md describes each dataset. Files are written
to a temporary name in the destination folder and renamed into place, so a
reader never sees a half-written file.
"""
from __future__ import annotations

import contextlib
import datetime
import json
import os
import tempfile
from dataclasses import dataclass
from typing import Any, Iterator

import h5py
import numpy as np

from physml_cli import __version__
from physml_cli.errors import PhysmlError

SIMULATION = "physml.simulation/1"
CHECKPOINT = "physml.checkpoint/1"
MODEL = "physml.model/1"
RECALL = "physml.recall/1"
PREDICTIONS = "physml.predictions/1"
EXACT = "physml.exact/1"
VMC = "physml.vmc/1"
KNOWN = (SIMULATION, CHECKPOINT, MODEL, RECALL, PREDICTIONS, EXACT, VMC)

# Staggered-magnetization summaries (Ising on bipartite lattices), named after the
# fields of the magnetization analysis they are computed like.
STAGGERED_FIELDS = {"ms_abs": "m_abs", "ms_abs_err": "m_abs_err", "ms2": "m2", "ms2_err": "m2_err",
                    "chi_s": "chi", "chi_s_err": "chi_err", "binder_s": "binder",
                    "binder_s_err": "binder_err", "tau_ms": "tau_m"}

# Per-temperature summary columns, in the order they are shown and stored.
SUMMARY_FIELDS = ("e", "e_err", "m", "m_err", "m_abs", "m_abs_err", "m2", "m2_err", "m4",
                  "m4_err", "c", "c_err", "chi", "chi_err", "binder", "binder_err", "tau_e",
                  "tau_m", "n_samples", "n_bins")


@contextlib.contextmanager
def atomic_h5(path: str) -> Iterator[h5py.File]:
    """An h5py.File at a temporary path that becomes ``path`` only on success."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=folder)
    os.close(fd)
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["physml_version"] = __version__
            yield f
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide results from the group
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check_writable(path: str) -> None:
    """Fail early, before any work, if ``path`` cannot be created."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        raise PhysmlError(f"cannot write {path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".physml-probe-", dir=folder)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise PhysmlError(f"cannot write {path}: {exc.strerror or exc}") from None


def check_new_output(path: str, overwrite: bool) -> None:
    """An output about to be written: refuse to replace a file unless told to, and fail
    before any work if it could not be created."""
    if os.path.exists(path) and not overwrite:
        raise PhysmlError(f"{path} exists (use --overwrite to replace it)")
    check_writable(path)


def open_physml(path: str, expect: str | None = None) -> h5py.File:
    """Open a physml file for reading, or raise a one-line PhysmlError."""
    if not os.path.exists(path):
        raise PhysmlError(f"no such file: {path}")
    try:
        f = h5py.File(path, "r")
    except OSError:
        raise PhysmlError(f"{path} is not a readable HDF5 file (corrupt or truncated?)") from None
    kind = f.attrs.get("physml_schema")
    if isinstance(kind, bytes):
        kind = kind.decode()
    if kind not in KNOWN or (expect is not None and kind != expect):
        f.close()
        want = expect or "a physml file"
        raise PhysmlError(f"{path} is not {want} (schema: {kind or 'none'})")
    return f


def _attrs(obj: h5py.HLObject, values: dict[str, Any]) -> None:
    for k, v in values.items():
        obj.attrs[k] = json.dumps(v) if isinstance(v, (dict, list, tuple)) or v is None else v


@dataclass
class SizeResult:
    """Everything a finished simulation of one lattice size produces."""
    params: dict[str, Any]
    lattice_shape: tuple[int, ...]
    neighbors: np.ndarray
    temperatures: np.ndarray
    energy: np.ndarray          # (n_T, n_meas) per site
    magnetization: np.ndarray   # (n_T, n_meas) per site
    staggered: np.ndarray | None  # (n_T, n_meas), Ising on bipartite lattices only
    configs: np.ndarray         # (n_T, n_cfg, n_sites) int8
    config_energy: np.ndarray   # (n_T, n_cfg) per site, measured with each saved configuration
    config_magnetization: np.ndarray
    summary: dict[str, np.ndarray]
    extras: dict[str, np.ndarray]
    wall_s: float


def write_simulation(path: str, r: SizeResult, command_line: str) -> None:
    n_t = len(r.temperatures)
    with atomic_h5(path) as f:
        f.attrs["physml_schema"] = SIMULATION
        f.attrs["command_line"] = command_line
        f.attrs["created_utc"] = datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds")
        f.attrs["wall_s"] = r.wall_s
        _attrs(f, r.params)
        f.create_dataset("temperatures", data=np.asarray(r.temperatures, dtype=np.float64))
        cfg = r.configs.reshape((n_t, r.configs.shape[1]) + tuple(r.lattice_shape))
        packed: dict[str, Any] = {}
        if cfg.shape[1]:  # HDF5 cannot chunk an empty dataset
            packed = dict(chunks=(1, min(cfg.shape[1], 64)) + tuple(r.lattice_shape),
                          compression="gzip", compression_opts=4, shuffle=True)
        d = f.create_dataset("configs", data=cfg, dtype=np.int8, **packed)
        d.attrs["axes"] = "temperature, sample, lattice..."
        f.create_dataset("config_energy", data=r.config_energy)
        f.create_dataset("config_magnetization", data=r.config_magnetization)
        s = f.create_group("series")
        s.attrs["measure_every"] = r.params["measure_every"]
        s.create_dataset("energy", data=r.energy, compression="gzip", compression_opts=4)
        s.create_dataset("magnetization", data=r.magnetization, compression="gzip",
                         compression_opts=4)
        if r.staggered is not None:
            s.create_dataset("staggered_magnetization", data=r.staggered, compression="gzip",
                             compression_opts=4)
        g = f.create_group("summary")
        for k in SUMMARY_FIELDS + tuple(STAGGERED_FIELDS):
            if k in r.summary:
                g.create_dataset(k, data=np.asarray(r.summary[k]))
        lat = f.create_group("lattice")
        lat.attrs["shape"] = np.asarray(r.lattice_shape, dtype=np.int64)
        lat.create_dataset("neighbors", data=r.neighbors, compression="gzip")
        if r.extras:
            x = f.create_group("extras")
            for k, v in r.extras.items():
                x.create_dataset(k, data=np.asarray(v))


def read_simulation(path: str) -> dict[str, Any]:
    with open_physml(path, SIMULATION) as f:
        try:
            out = {"attrs": {k: _decode(v) for k, v in f.attrs.items()},
                   "temperatures": f["temperatures"][()],
                   "summary": {k: f["summary"][k][()] for k in f["summary"]},
                   "n_configs": int(f["configs"].shape[1]),
                   "n_measurements": int(f["series/energy"].shape[1]),
                   "lattice_shape": tuple(int(x) for x in f["lattice"].attrs["shape"]),
                   "extras": {k: f["extras"][k][()] for k in f.get("extras", {})}}
        except (KeyError, OSError) as exc:
            raise PhysmlError(f"{path} is damaged: {exc}") from None
    return out


def read_tree(path: str, expect: str) -> dict[str, Any]:
    """A whole physml file: {'attrs', 'datasets': {path: array}, 'group_attrs': {path: attrs},
    'dataset_attrs': {path: attrs}} (for tools that combine files, e.g. merge)."""
    tree: dict[str, Any] = {"datasets": {}, "group_attrs": {}, "dataset_attrs": {}}
    with open_physml(path, expect) as f:
        tree["attrs"] = dict(f.attrs.items())

        def visit(name: str, obj: Any) -> None:
            if isinstance(obj, h5py.Dataset):
                tree["datasets"][name] = obj[()]
                tree["dataset_attrs"][name] = dict(obj.attrs.items())
            else:
                tree["group_attrs"][name] = dict(obj.attrs.items())
        try:
            f.visititems(visit)
        except (OSError, RuntimeError, KeyError) as exc:
            raise PhysmlError(f"{path} is damaged: {exc}") from None
    return tree


def write_tree(path: str, tree: dict[str, Any]) -> None:
    """Writes what read_tree returns (compressing the large per-temperature arrays)."""
    with atomic_h5(path) as f:
        for k, v in tree["attrs"].items():
            f.attrs[k] = v
        for name, attrs in sorted(tree["group_attrs"].items()):
            g = f.require_group(name)
            for k, v in attrs.items():
                g.attrs[k] = v
        for name, data in tree["datasets"].items():
            big = np.asarray(data).size > 4096 and np.asarray(data).ndim >= 2
            d = f.create_dataset(name, data=data, **(dict(compression="gzip", compression_opts=4)
                                                      if big else {}))
            for k, v in tree["dataset_attrs"].get(name, {}).items():
                d.attrs[k] = v


def _decode(v: Any) -> Any:
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, str) and v[:1] in "[{" or v == "null":
        with contextlib.suppress(ValueError):
            return json.loads(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


# Checkpoints: the run's parameters, where it stands, the engine's complete
# state and the measurements so far.

def write_checkpoint(path: str, params: dict[str, Any], progress: dict[str, int],
                     engine_state: dict[str, np.ndarray], energy: list[np.ndarray],
                     magnetization: list[np.ndarray], configs: list[np.ndarray],
                     command_line: str, wall_s: float,
                     staggered: list[np.ndarray] | None = None) -> None:
    with atomic_h5(path) as f:
        f.attrs["physml_schema"] = CHECKPOINT
        f.attrs["params"] = json.dumps(params, sort_keys=True)
        f.attrs["progress"] = json.dumps(progress, sort_keys=True)
        f.attrs["command_line"] = command_line
        f.attrs["wall_s"] = wall_s
        st = f.create_group("engine")
        for k, v in engine_state.items():
            st.create_dataset(k, data=v)
        for name, parts in (("energy", energy), ("magnetization", magnetization),
                            ("staggered", staggered or []), ("configs", configs)):
            g = f.create_group(name)
            for i, a in enumerate(parts):
                g.create_dataset(str(i), data=a)


def read_checkpoint(path: str) -> dict[str, Any]:
    with open_physml(path, CHECKPOINT) as f:
        try:
            def parts(name: str) -> list[np.ndarray]:
                g = f[name]
                return [g[str(i)][()] for i in range(len(g))]
            return {"params": json.loads(f.attrs["params"]),
                    "progress": json.loads(f.attrs["progress"]),
                    "wall_s": float(f.attrs["wall_s"]),
                    "engine": {k: f["engine"][k][()] for k in f["engine"]},
                    "energy": parts("energy"), "magnetization": parts("magnetization"),
                    "staggered": parts("staggered") if "staggered" in f else [],
                    "configs": parts("configs")}
        except (KeyError, OSError, ValueError) as exc:
            raise PhysmlError(f"checkpoint {path} is damaged: {exc}") from None


def describe(path: str) -> dict[str, Any]:
    """A summary of any physml file, for ``physml info``."""
    with open_physml(path) as f:
        kind = _decode(f.attrs["physml_schema"])
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        datasets: dict[str, Any] = {}

        def visit(name: str, obj: Any) -> None:
            if isinstance(obj, h5py.Dataset):
                datasets[name] = {"shape": list(obj.shape), "dtype": str(obj.dtype)}
        try:
            f.visititems(visit)
        except (OSError, RuntimeError) as exc:
            raise PhysmlError(f"{path} is damaged: {exc}") from None
    out: dict[str, Any] = {"file": path, "schema": kind, "attrs": attrs, "datasets": datasets}
    if kind == SIMULATION:
        sim = read_simulation(path)
        out["temperatures"] = sim["temperatures"].tolist()
        out["summary"] = {k: np.asarray(v).tolist() for k, v in sim["summary"].items()}
    return out


# Learning data: physml simulations, or any HDF5 / .npz file with arrays X and y.

def read_learning_source(path: str) -> dict[str, Any]:
    """{'kind': 'simulation', ...} with configurations and their observables, or
    {'kind': 'arrays', 'X': ..., 'y': ...}."""
    if not os.path.exists(path):
        raise PhysmlError(f"no such file: {path}")
    if path.endswith(".npz"):
        try:
            with np.load(path, allow_pickle=False) as z:
                if "X" not in z:
                    raise PhysmlError(f"{path} has no array X")
                return {"kind": "arrays", "X": z["X"], "y": z["y"] if "y" in z else None}
        except (OSError, ValueError) as exc:
            raise PhysmlError(f"{path} is not a readable .npz file: {exc}") from None
    try:
        f = h5py.File(path, "r")
    except OSError:
        raise PhysmlError(f"{path} is not a readable HDF5 file (corrupt or truncated?)") from None
    with f:
        try:
            if _decode(f.attrs.get("physml_schema")) == SIMULATION:
                return {"kind": "simulation",
                        "attrs": {k: _decode(v) for k, v in f.attrs.items()},
                        "temperatures": f["temperatures"][()],
                        "configs": f["configs"][()],
                        "config_energy": f["config_energy"][()],
                        "config_magnetization": f["config_magnetization"][()]}
            if "X" not in f:
                raise PhysmlError(f"{path} is neither a physml simulation nor has a dataset X")
            return {"kind": "arrays", "X": f["X"][()], "y": f["y"][()] if "y" in f else None}
        except (KeyError, OSError) as exc:
            raise PhysmlError(f"{path} is damaged: {exc}") from None


def write_model(path: str, kind: str, attrs: dict[str, Any], arrays: dict[str, np.ndarray],
                command_line: str) -> None:
    """A trained model: self-describing attributes plus its parameter arrays."""
    _write_arrays(path, MODEL, dict(attrs, model_kind=kind), arrays, command_line)


def write_recall(path: str, attrs: dict[str, Any], arrays: dict[str, np.ndarray],
                 command_line: str) -> None:
    """Inputs, restored states and overlaps of ``physml hopfield recall``."""
    _write_arrays(path, RECALL, attrs, arrays, command_line)


def write_predictions(path: str, attrs: dict[str, Any], arrays: dict[str, np.ndarray],
                      command_line: str) -> None:
    """Output of ``physml predict``."""
    _write_arrays(path, PREDICTIONS, attrs, arrays, command_line)


def write_exact(path: str, attrs: dict[str, Any], arrays: dict[str, np.ndarray],
                command_line: str) -> None:
    """Output of ``physml exact --output``."""
    _write_arrays(path, EXACT, attrs, arrays, command_line)


def _write_arrays(path: str, schema_id: str, attrs: dict[str, Any],
                  arrays: dict[str, np.ndarray], command_line: str) -> None:
    with atomic_h5(path) as f:
        f.attrs["physml_schema"] = schema_id
        f.attrs["command_line"] = command_line
        f.attrs["created_utc"] = datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds")
        _attrs(f, attrs)
        for k, v in arrays.items():
            f.create_dataset(k, data=np.asarray(v))


def write_vmc(path: str, attrs: dict[str, Any], arrays: dict[str, np.ndarray],
              command_line: str) -> None:
    """Output of ``physml vmc``: settings and results as attributes; per-iteration history,
    parameters, chain states and optimiser state (all --resume needs), observables."""
    _write_arrays(path, VMC, attrs, arrays, command_line)


def read_vmc(path: str) -> dict[str, Any]:
    with open_physml(path, VMC) as f:
        try:
            return {"attrs": {k: _decode(v) for k, v in f.attrs.items()},
                    "arrays": {k: f[k][()] for k in f if isinstance(f[k], h5py.Dataset)}}
        except (KeyError, OSError) as exc:
            raise PhysmlError(f"{path} is damaged: {exc}") from None


def read_model(path: str) -> dict[str, Any]:
    with open_physml(path, MODEL) as f:
        try:
            return {"attrs": {k: _decode(v) for k, v in f.attrs.items()},
                    "arrays": {k: f[k][()] for k in f if isinstance(f[k], h5py.Dataset)}}
        except (KeyError, OSError) as exc:
            raise PhysmlError(f"{path} is damaged: {exc}") from None
