"""The HDF5 schema of physml files, and the only module that reads or writes them.

Every file carries the root attributes ``physml_schema`` (kind and version) and
``physml_version``; docs/hdf5-schema.md describes each dataset. Files are written
to a temporary name in the destination folder and renamed into place, so a
reader never sees a half-written file. Every reader checks the file against the
table of its kind (SCHEMAS, below; the machinery is io/validate.py) before it hands
anything on, so a damaged file is one error line, never a traceback or a wrong result.
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

from physml_cli import __version__, _engine, registry
from physml_cli.errors import PhysmlError
from physml_cli.io import validate
from physml_cli.io.validate import Attr, Bad, Data, Schema

SIMULATION = "physml.simulation/1"
CHECKPOINT = "physml.checkpoint/1"
MODEL = "physml.model/1"
RECALL = "physml.recall/1"
PREDICTIONS = "physml.predictions/1"
EXACT = "physml.exact/1"
VMC = "physml.vmc/1"
VARIATIONAL = "physml.variational/1"
DMRG = "physml.dmrg/1"
RENORMALIZATION = "physml.renormalization/1"
DATASET = "physml.dataset/1"
KNOWN = (SIMULATION, CHECKPOINT, MODEL, RECALL, PREDICTIONS, EXACT, VMC, VARIATIONAL, DMRG,
         RENORMALIZATION, DATASET)

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
    f = validate.open_hdf5(path)
    try:
        with validate.reading(path):
            kind = validate.decode(f.attrs.get("physml_schema"))
    except PhysmlError:
        f.close()
        raise
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


_decode = validate.decode


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
        validate.seal(f)


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
                  arrays: dict[str, np.ndarray], command_line: str, sealed: bool = False) -> None:
    with atomic_h5(path) as f:
        f.attrs["physml_schema"] = schema_id
        f.attrs["command_line"] = command_line
        f.attrs["created_utc"] = datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds")
        _attrs(f, attrs)
        for k, v in arrays.items():
            f.create_dataset(k, data=np.asarray(v))
        if sealed:
            validate.seal(f)


def write_vmc(path: str, attrs: dict[str, Any], arrays: dict[str, np.ndarray],
              command_line: str) -> None:
    """Output of ``physml vmc``: settings and results as attributes; per-iteration history,
    parameters, chain states and optimiser state (all --resume needs), observables."""
    _write_arrays(path, VMC, attrs, arrays, command_line, sealed=True)  # --resume verifies it


def write_dmrg(path: str, attrs: dict[str, Any], arrays: dict[str, np.ndarray],
               command_line: str) -> None:
    """Output of ``physml exact --method dmrg``: settings and results as attributes, one row
    per finished sweep under history/, the state (mps/: all --resume needs) and its
    measurements; written after every sweep."""
    _write_arrays(path, DMRG, attrs, arrays, command_line, sealed=True)


def write_variational(path: str, attrs: dict[str, Any], arrays: dict[str, np.ndarray],
                      command_line: str) -> None:
    """Output of ``physml variational``: settings as attributes, one row per finished
    temperature under results/, the network's parameters and Adam moments (adam/), and while
    temperatures remain the current one's step and history (history/), for --resume."""
    _write_arrays(path, VARIATIONAL, attrs, arrays, command_line, sealed=True)


# Reading. One table per file kind says what a sound file holds (validate.py explains the
# vocabulary); the readers below go through validate.check and nothing else, so a check is
# added here once and holds for every command.

# The summaries `physml info` and detect-transition show (with their errors); the others
# (autocorrelation times, sample counts, staggered ones) are optional.
SHOWN_SUMMARY = ("e", "m", "m_abs", "m2", "m4", "c", "chi", "binder")
# What each model's spins may be: Ising ±1, Potts 0..q-1.
SPIN_VALUES = {"ising": lambda q: (-1, 1), "potts": lambda q: tuple(range(q))}


def _lattice_dims(kind: Any, L: Any, model: Any = None, q: Any = 2, J: Any = 0.0,
                  h: Any = 0.0) -> dict[str, Any]:
    """Lengths and value bounds fixed by the lattice and model: the lattice shape, its
    sites, the spin values and |e| <= (z/2)|J| + |h| (every bond and the field at most at
    full strength)."""
    try:
        lat = _engine.Lattice(str(kind), int(L))
    except ValueError as exc:
        raise Bad(f"lattice {kind!r} with L={L}: {exc}") from None
    out: dict[str, Any] = {"lattice": tuple(int(n) for n in lat.shape), "N": int(lat.n_sites),
                           "last_site": int(lat.n_sites) - 1,
                           "e_max": lat.coordination / 2 * abs(float(J)) + abs(float(h))}
    if model is not None:
        if model not in SPIN_VALUES:
            raise Bad(f"model {model!r} is neither {' nor '.join(SPIN_VALUES)}")
        out["spin_values"] = SPIN_VALUES[model](int(q))
    return out


def _simulation_dims(a: dict[str, Any]) -> dict[str, Any]:
    dims = _lattice_dims(a["lattice"], a["L"], a["model"], a["q"], a["J"], a["h"])
    stored = a.get("lattice/shape")
    if stored is not None and tuple(int(n) for n in stored) != dims["lattice"]:
        raise Bad(f"lattice shape {tuple(int(n) for n in stored)} is not that of the "
                  f"{a['lattice']} lattice "
                  f"with L={a['L']} {dims['lattice']}")
    dims["grid"] = len(a.get("temperature_grid") or []) - 1
    return dims


def _simulation_relations(c: validate.Checked) -> None:
    a, n_t = c.attrs, c.dims["n_T"]
    ids = a.get("replica_ids") or []
    if a.get("shard") and (len(ids) != n_t or not a.get("temperature_grid")):
        raise Bad(f"shard {a['shard']} needs temperature_grid and one replica_id per "
                  f"temperature (has {len(ids)} for {n_t})")
    if ids and (min(ids) < 0 or max(ids) > c.dims["grid"]):
        raise Bad("replica_ids point outside temperature_grid")


SIMULATION_SCHEMA = Schema(
    SIMULATION,
    attrs=(Attr("model", "str", choices=tuple(SPIN_VALUES)), Attr("lattice", "str"),
           Attr("L", "int", range=(1, None)), Attr("J", "real"), Attr("h", "real"),
           Attr("q", "int", range=(2, 127)), Attr("lattice/shape", "ints", required=False),
           Attr("measure_every", "int", False, (1, None)),
           Attr("thermalize", "int", False, (0, None)), Attr("sweeps", "int", False, (0, None)),
           Attr("save_configs", "int", False, (0, None)), Attr("seed", "int", False),
           Attr("algorithm", "str", False), Attr("anneal", "bool", False),
           Attr("init", "str", False, choices=("random", "ordered")),
           Attr("parallel_tempering", "bool", False), Attr("temperatures", "reals", False),
           Attr("temperature_grid", "reals", False), Attr("shard", "shard", False),
           Attr("replica_ids", "ints", False), Attr("wall_s", "real", False, (0, None)),
           Attr("proposal", "str", False), Attr("proposal_fingerprint", "str", False),
           Attr("hybrid", "str", False)),
    data=(Data("temperatures", "float", ("n_T",), (0, None)),
          Data("configs", "int8", ("n_T", "n_cfg", "*lattice"), "spin"),
          Data("config_energy", "float", ("n_T", "n_cfg"), ("-e_max", "e_max"), False),
          Data("config_magnetization", "float", ("n_T", "n_cfg"), (-1, 1), False),
          Data("series/energy", "float", ("n_T", "n_meas"), ("-e_max", "e_max")),
          Data("series/magnetization", "float", ("n_T", "n_meas"), (-1, 1)),
          Data("series/staggered_magnetization", "float", ("n_T", "n_meas"), (-1, 1), False),
          # summaries may be NaN where an estimate is undefined (too few bins)
          *(Data(f"summary/{k}", "number", ("n_T",),
                 required=k.removesuffix("_err") in SHOWN_SUMMARY)
            for k in SUMMARY_FIELDS + tuple(STAGGERED_FIELDS)),
          Data("lattice/neighbors", "int", ("N", "?"), (-1, "last_site"), False),
          # rates of what may not have happened yet (no exchange, no cluster) can be NaN
          Data("extras/exchange_acceptance", "float", ("?",), required=False),
          Data("extras/clusters_per_sweep", "float", ("n_T",), required=False),
          Data("extras/mean_cluster_size", "float", ("n_T",), required=False),
          # --algorithm neural: accepted fraction of the proposals, and the temperature the
          # proposing network was trained at
          Data("extras/proposal_acceptance", "float", ("n_T",), required=False),
          Data("extras/proposal_temperature", "float", ("n_T",), (0, None), required=False),
          Data("extras/best_energy_per_site", "float", (1,), ("-e_max", "e_max"), False),
          Data("extras/best_config", "int8", ("*lattice",), "spin", False)),
    dims=_simulation_dims, relations=_simulation_relations)


def _checkpoint_dims(a: dict[str, Any]) -> dict[str, Any]:
    p = a["params"]
    dims = _lattice_dims(p["lattice"], p["L"], p["model"], p["q"], p["J"], p["h"])
    n_t = 1 if p["anneal"] else len(p["temperatures"])
    dims.update(n_T=n_t, last_slot=n_t - 1, TN=n_t * dims["N"], serial=4 * n_t,
                n_stages=len(p["temperatures"]) if p["anneal"] else 1,
                thermalize=p["thermalize"], sweeps=p["sweeps"])
    return dims


def _checkpoint_relations(c: validate.Checked) -> None:
    """Progress against the run's totals and the measurements it claims: a resumed run
    makes exactly the measurements still missing, so these must add up."""
    p, at, d = c.attrs["params"], c.attrs["progress"], c.dims
    stage, therm, meas = at["stage"], at["therm_done"], at["meas_done"]
    if meas > 0 and therm != p["thermalize"]:
        raise Bad(f"progress has {meas} measuring sweeps before thermalization ended "
                  f"({therm} of {p['thermalize']})")
    if stage == d["n_stages"] and (therm or meas):
        raise Bad("progress is past the last stage but counts sweeps in it")
    blocks = {name: [c.arrays[k] for k in sorted((k for k in c.arrays if k.startswith(name + "/")),
                                                 key=lambda k: int(k.rsplit("/", 1)[1]))]
              for name in ("energy", "magnetization", "staggered", "configs")}
    e, m, ms = blocks["energy"], blocks["magnetization"], blocks["staggered"]
    # the engine gives no staggered block for a chunk without measurements
    if [x.shape for x in e] != [x.shape for x in m] or (
            ms and [x.shape for x in ms] != [x.shape for x in e if x.shape[1]]):
        raise Bad("the energy, magnetization and staggered blocks do not line up")
    per_stage = p["sweeps"] // p["measure_every"]
    want = stage * per_stage + meas // p["measure_every"]
    have = sum(x.shape[1] for x in e)
    if have != want:
        raise Bad(f"it holds {have} measurements but its progress (stage {stage}, {meas} "
                  f"measuring sweeps) means {want}")
    slots = c.arrays["engine/replica_of_slot"]
    if sorted(slots.tolist()) != list(range(d["n_T"])):
        raise Bad("engine/replica_of_slot is not a permutation of the replicas")


_INT = "int"
CHECKPOINT_SCHEMA = Schema(
    CHECKPOINT,
    attrs=(Attr("params", "dict"), Attr("progress", "dict"), Attr("wall_s", "real", range=(0, None)),
           Attr("params.model", "str", choices=tuple(SPIN_VALUES)), Attr("params.lattice", "str"),
           Attr("params.L", _INT, range=(1, None)), Attr("params.J", "real"),
           Attr("params.h", "real"), Attr("params.q", _INT, range=(2, 127)),
           Attr("params.temperatures", "reals"), Attr("params.seed", _INT),
           Attr("params.thermalize", _INT, range=(0, None)),
           Attr("params.sweeps", _INT, range=(0, None)),
           Attr("params.measure_every", _INT, range=(1, None)),
           Attr("params.save_configs", _INT, range=(0, None)), Attr("params.anneal", "bool"),
           Attr("params.parallel_tempering", "bool"), Attr("params.algorithm", "str"),
           Attr("params.init", "str"), Attr("params.shard", "shard", False),
           Attr("params.replica_ids", "ints", False),
           Attr("params.proposal", "str", False), Attr("params.hybrid", "str", False),
           Attr("params.proposal_fingerprint", "str", False),
           Attr("progress.stage", _INT, range=(0, "n_stages")),
           Attr("progress.therm_done", _INT, range=(0, "thermalize")),
           Attr("progress.meas_done", _INT, range=(0, "sweeps"))),
    data=(Data("engine/spins", "int8", ("TN",), "spin"),
          Data("engine/lanes", "int", ("?",)),
          Data("engine/sweeps", "int", ("n_T",)),
          Data("engine/serial", "int", ("serial",)),
          Data("engine/replica_of_slot", "int", ("n_T",), (0, "last_slot")),
          Data("engine/exchange_stream", "int", (2,)),
          Data("engine/exchange_attempts", "int", ("?",)),
          Data("engine/exchange_accepts", "int", ("?",)),
          Data("engine/clusters_per_sweep", "float", ("n_T",), (0, None)),
          Data("engine/cluster_sweeps", "int", ("n_T",)),
          Data("engine/cluster_count_avg", "float", ("n_T",), (0, None)),
          Data("engine/cluster_sites_avg", "float", ("n_T",), (0, None)),
          Data("engine/counters", "int", (4,)),
          Data("engine/proposal_attempts", "int", ("n_T",), (0, None), required=False),
          Data("engine/proposal_accepts", "int", ("n_T",), (0, None), required=False),
          Data("engine/betas", "float", ("n_T",), (0, None)),
          Data("engine/best_energy", "float", [(), (1,)]),
          Data("engine/best_config", "int8", ("?",), "spin"),
          Data("energy/{i}", "float", ("n_T", "?"), ("-e_max", "e_max")),
          Data("magnetization/{i}", "float", ("n_T", "?"), (-1, 1)),
          Data("staggered/{i}", "float", ("n_T", "?"), (-1, 1), required=False),
          Data("configs/{i}", "int8", ("n_T", "?", "N"), "spin")),
    dims=_checkpoint_dims, relations=_checkpoint_relations, checksum=True)


def _vmc_dims(a: dict[str, Any]) -> dict[str, Any]:
    try:
        n = _engine.Lattice(a["lattice"], int(a["size"]), bool(a["open_boundaries"])).n_sites
    except ValueError as exc:
        raise Bad(f"lattice {a['lattice']!r} with size {a['size']}: {exc}") from None
    if n != a["n_sites"]:
        raise Bad(f"n_sites is {a['n_sites']} but the {a['lattice']} of size {a['size']} has {n}")
    return {}


def _vmc_relations(c: validate.Checked) -> None:
    for k in ("parameters", "previous/parameters", "average/parameters"):
        if not c.attrs["complex_parameters"] and np.iscomplexobj(c.arrays.get(k, 0.0)):
            raise Bad(f"{k} are complex but complex_parameters is false")
    previous = [k for k in c.shapes if k.startswith("previous/")]
    if previous:
        if c.attrs["iterations"] == 0:
            raise Bad("a state before the last iteration, but no iteration")
        missing = {"previous/parameters", "previous/chains"} - set(previous)
        if missing:
            raise Bad(f"dataset {sorted(missing)[0]} is missing")
    averaged = [k for k in ("average/parameters", "average/iterations") if k in c.shapes]
    if averaged:
        if len(averaged) == 1:
            other = {"average/parameters", "average/iterations"} - set(averaged)
            raise Bad(f"dataset {other.pop()} is missing")
        rows = c.shapes["average/parameters"][0]
        if c.shapes["average/iterations"] != (rows,):
            raise Bad(f"average/iterations has shape {c.shapes['average/iterations']}, not ({rows},)")
        done = c.arrays.get("average/iterations")
        if done is not None and len(done) and (np.any(np.diff(done) <= 0) or done[0] < 1
                                                or done[-1] > c.attrs["iterations"]):
            raise Bad("average/iterations are not increasing iterations of the run")


_VMC_HISTORY = ("energy", "energy_err", "variance", "acceptance", "rhat", "cg_iterations", "wall_s")
VMC_SCHEMA = Schema(
    VMC,
    attrs=(*(Attr(k, "str") for k in ("hamiltonian", "lattice", "ansatz", "architecture",
                                        "sampler", "optimizer", "sr_solver")),
           *(Attr(k, "real") for k in ("J", "h", "delta", "J2", "alpha", "init_scale", "lr",
                                        "diag_shift", "cg_tol")),
           *(Attr(k, "bool") for k in ("open_boundaries", "complex_parameters", "marshall",
                                        "complete")),
           Attr("size", _INT, range=(1, None)), Attr("chains", _INT, range=(1, None)),
           Attr("samples", _INT, range=(1, None)), Attr("discard", _INT, range=(0, None)),
           Attr("sweep_size", _INT, range=(0, None)), Attr("seed", _INT),
           Attr("iterations", _INT, range=(0, None)), Attr("n_sites", _INT, range=(1, None)),
           Attr("n_params", _INT, range=(1, None)),
           # health and steering (files from before them have none: no warnings, no
           # schedule, no recoveries)
           *(Attr(k, "strs", required=False) for k in ("warnings", "divergences")),
           Attr("recoveries", _INT, required=False, range=(0, None)),
           Attr("average", _INT, required=False, range=(0, None)),
           *(Attr(k, "real", required=False) for k in ("lr_final", "diag_shift_final",
                                                       "current_lr", "current_diag_shift")),
           Attr("schedule_steps", _INT, required=False, range=(0, None))),
    data=(*(Data(k, "float", ("iterations",),
                 "finite" if k in ("energy", "variance", "wall_s") else None)
            for k in _VMC_HISTORY),
          Data("parameters", "complex", ("n_params",), "finite"),
          Data("chains", "int8", ("chains", "n_sites"), "pm1"),
          *(Data(k, "complex", [("n_params",), (0,)], "finite") for k in ("adam_m", "adam_v",
                                                                          "sr_x")),
          Data("zz", "float", ("n_sites",), required=False),
          # the state before the last iteration, where a recovery goes back to
          Data("previous/parameters", "complex", ("n_params",), "finite", required=False),
          Data("previous/chains", "int8", ("chains", "n_sites"), "pm1", required=False),
          *(Data("previous/" + k, "complex", [("n_params",), (0,)], "finite", required=False)
            for k in ("adam_m", "adam_v", "sr_x")),
          # the parameters after each of the last --average iterations
          Data("average/parameters", "complex", ("?", "n_params"), "finite", required=False),
          Data("average/iterations", "int", ("?",), required=False)),
    dims=lambda a: {"iterations": a["iterations"], "n_params": a["n_params"],
                    "chains": a["chains"], "n_sites": a["n_sites"], **_vmc_dims(a)},
    relations=_vmc_relations, checksum=True)


def _variational_dims(a: dict[str, Any]) -> dict[str, Any]:
    if a["model"] == "sk":
        n = int(a["size"])
    else:
        try:
            n = _engine.Lattice(a["lattice"], int(a["size"]), bool(a["open_boundaries"])).n_sites
        except ValueError as exc:
            raise Bad(f"lattice {a['lattice']!r} with size {a['size']}: {exc}") from None
    if len(a["temperatures"]) < 1:
        raise Bad("temperatures is empty")
    if not 0 <= a["current"] <= len(a["temperatures"]):
        raise Bad(f"current is {a['current']} but there are {len(a['temperatures'])} temperatures")
    if bool(a["complete"]) != (a["current"] == len(a["temperatures"])):
        raise Bad("complete does not match the temperatures done")
    return {"n_T": len(a["temperatures"]), "done": int(a["current"]),
            "n_params": made_parameters(n, int(a["depth"]), int(a["width"]))}


def made_parameters(n: int, depth: int, width: int) -> int:
    """Length of a MADE's parameter vector (autoregressive/made.hpp: weights, masked ones
    included, and biases, layer by layer)."""
    hidden = n * width
    if depth == 1:
        return n * n + n
    return n * hidden + hidden + (depth - 2) * (hidden * hidden + hidden) + hidden * n + n


def _variational_relations(c: validate.Checked) -> None:
    a = c.attrs
    if a["method"] == "van":
        missing = {"parameters", "adam/first_moment", "adam/second_moment"} - set(c.shapes)
        if missing and (a["current"] > 0 or "iteration" in a):
            raise Bad(f"dataset {sorted(missing)[0]} is missing")
    if not a["complete"] and a["method"] == "van":
        if "iteration" not in a:
            raise Bad("an unfinished run without its iteration")
        if not 0 <= a["iteration"] <= a["steps"]:
            raise Bad(f"iteration {a['iteration']} is outside 0..{a['steps']}")
        lengths = {c.shapes.get("history/" + k, (None,))[0] for k in _VARIATIONAL_HISTORY}
        if lengths != {a["iteration"]}:
            raise Bad(f"the history does not hold {a['iteration']} steps")


_VARIATIONAL_HISTORY = ("F", "F_err", "E", "S", "beta", "gradient_norm")
_VARIATIONAL_RESULTS = ("T", "F", "F_err", "E", "E_err", "S", "m_abs", "m_abs_err", "C", "F_is",
                        "F_is_err", "E_is", "E_is_err", "C_is", "ess", "samples", "F_exact",
                        "E_exact", "rel_err", "steps", "wall_s")
VARIATIONAL_SCHEMA = Schema(
    VARIATIONAL,
    attrs=(Attr("model", "str"), Attr("lattice", "str"), Attr("method", "str"),
           Attr("activation", "str"),
           *(Attr(k, "real") for k in ("J", "h", "lr", "clip", "anneal", "wall_s")),
           *(Attr(k, "bool") for k in ("open_boundaries", "z2", "complete")),
           Attr("size", _INT, range=(1, None)), Attr("couplings_seed", _INT),
           Attr("depth", _INT, range=(1, None)), Attr("width", _INT, range=(1, None)),
           Attr("batch", _INT, range=(2, None)), Attr("steps", _INT, range=(0, None)),
           Attr("measure_samples", _INT, range=(2, None)), Attr("seed", _INT),
           Attr("current", _INT, range=(0, None)), Attr("temperatures", "reals"),
           Attr("exact_methods", "strs"),
           Attr("iteration", _INT, required=False, range=(0, None))),
    data=(*(Data("results/" + k, "float", ("done",)) for k in _VARIATIONAL_RESULTS),
          Data("parameters", "float", ("n_params",), "finite", required=False),
          # the network trained at each finished temperature (van)
          Data("networks", "float", ("done", "n_params"), "finite", required=False),
          Data("adam/first_moment", "float", ("n_params",), "finite", required=False),
          Data("adam/second_moment", "float", ("n_params",), "finite", required=False),
          *(Data("history/" + k, "float", ("?",), required=False) for k in _VARIATIONAL_HISTORY)),
    dims=_variational_dims, relations=_variational_relations, checksum=True)


def _mlp_dims(a: dict[str, Any]) -> dict[str, Any]:
    shape = tuple(a["input_shape"])
    if len(shape) != 3 or min(shape) < 1:
        raise Bad(f"input_shape {list(shape)} is not (height, width, channels)")
    if int(np.prod(shape)) != a["n_features"]:
        raise Bad(f"input_shape {list(shape)} holds {int(np.prod(shape))} inputs but "
                  f"n_features is {a['n_features']}")
    try:
        params = _engine.mlp_init(a["architecture"], shape)
    except ValueError as exc:
        raise Bad(f"architecture {a['architecture']!r} on input_shape {list(shape)}: {exc}") from None
    if len(params) != a["n_params"]:
        raise Bad(f"the architecture has {len(params)} parameter arrays, n_params says "
                  f"{a['n_params']}")
    return {f"param_{i}": tuple(p.shape) for i, p in enumerate(params)}


def _mlp_relations(c: validate.Checked) -> None:
    for i in range(c.attrs["n_params"]):
        if c.shapes[f"param_{i}"] != c.dims[f"param_{i}"]:
            raise Bad(f"param_{i} has shape {c.shapes[f'param_{i}']}, the architecture needs "
                      f"{c.dims[f'param_{i}']}")


# What an RBM keeps of the simulation it was trained on; all of it or none.
RBM_SOURCE = ("lattice", "L", "J", "h", "temperatures")


def _check_source(a: dict[str, Any], units: int, what: str) -> None:
    """A model trained on a simulation describes it fully, and fits its lattice."""
    given = [k for k in RBM_SOURCE if a.get(k) is not None]
    if given and len(given) != len(RBM_SOURCE):
        missing = sorted(set(RBM_SOURCE) - set(given))
        raise Bad(f"the training simulation is described without {', '.join(missing)}")
    if given:
        n = _lattice_dims(a["lattice"], a["L"])["N"]
        if n != units:
            raise Bad(f"{units} {what} for the {a['lattice']} lattice with L={a['L']} ({n} sites)")


def _rbm_dims(a: dict[str, Any]) -> dict[str, Any]:
    _check_source(a, a["visible"], "visible units")
    return {"visible": a["visible"], "hidden": a["hidden"]}


def mps_coefficients(bond_dims: np.ndarray) -> int:
    """Numbers in a Born machine's site tensors (two states per site)."""
    d = np.asarray(bond_dims, dtype=np.int64)
    return int(2 * np.sum(d[:-1] * d[1:]))


def _mps_relations(c: validate.Checked) -> None:
    d = c.arrays["bond_dims"]
    if d[0] != 1 or d[-1] != 1:
        raise Bad("the end bonds of the MPS must have dimension 1")
    shape = c.attrs.get("image_shape")
    if shape is not None and int(np.prod(shape)) != c.attrs["n_sites"]:
        raise Bad(f"image_shape {list(shape)} holds {int(np.prod(shape))} pixels, not n_sites "
                  f"{c.attrs['n_sites']}")
    need = mps_coefficients(d)
    if c.shapes["tensors"] != (need,):
        raise Bad(f"tensors holds {c.shapes['tensors'][0]} numbers, the bond dimensions need "
                  f"{need}")


# Shapes a flow file may claim before the engine is asked to build it (the registry's
# limits; dim bounded so that validation never allocates more than a few hundred MB).
_FLOW_MAX_DIM = 65536
_FLOW_MAX_PARAMETERS = 10 ** 8


def _flow_dims(a: dict[str, Any]) -> dict[str, Any]:
    entry = registry.entry("generative_model", "flow")
    for name, values in (("layers", [a["layers"]]), ("hidden", list(a["hidden"]))):
        p = entry.parameter(name)
        if not values or any(not (p.min <= v <= p.max) for v in values):
            raise Bad(f"{name} {values} outside {p.min:g}..{p.max:g}")
    if a["dim"] > _FLOW_MAX_DIM:
        raise Bad(f"dim {a['dim']} exceeds {_FLOW_MAX_DIM}")
    widths = [a["dim"], *a["hidden"], 3 * 8 * a["dim"]]
    if a["layers"] * sum(x * y for x, y in zip(widths, widths[1:])) > _FLOW_MAX_PARAMETERS:
        raise Bad("the flow's claimed shape has more than 1e8 parameters")
    if a.get("distribution") is not None:
        if a["distribution"] not in registry.names("toy_distribution"):
            raise Bad(f"distribution {a['distribution']!r} is not a registered toy density")
        if a["dim"] != 2:
            raise Bad(f"a flow of the {a['distribution']} density has dim 2, not {a['dim']}")
    try:
        shapes = _engine.flow_parameter_shapes(a["dim"], a["layers"], list(a["hidden"]),
                                               a["coupling"], a["activation"])
    except ValueError as exc:
        raise Bad(f"a flow of {a['layers']} {a['coupling']} layers: {exc}") from None
    if len(shapes) != a["n_params"]:
        raise Bad(f"the flow has {len(shapes)} parameter arrays, n_params says {a['n_params']}")
    return {f"param_{i}": tuple(p) for i, p in enumerate(shapes)}


def _flow_relations(c: validate.Checked) -> None:
    if not (c.arrays["spread"] > 0).all():
        raise Bad("spread must be positive")
    for i in range(c.attrs["n_params"]):
        if c.shapes[f"param_{i}"] != c.dims[f"param_{i}"]:
            raise Bad(f"param_{i} has shape {c.shapes[f'param_{i}']}, the flow needs "
                      f"{c.dims[f'param_{i}']}")


MODEL_SCHEMA = Schema(
    MODEL, variant="model_kind", variants={
        "linear": Schema(MODEL, attrs=(Attr("model", "str"), Attr("n_features", _INT, range=(1, None)),
                                       Attr("features", "str", False, choices=("raw", "pairs")),
                                       Attr("target", "str", False)),
                         data=(Data("coef", "float", [("K", "n_features"), ("n_features",)], "finite"),
                               Data("intercept", "float", [("K",), ()], "finite"),
                               Data("scale_mean", "float", ("n_features",), "finite", False),
                               Data("scale_std", "float", ("n_features",), (0, None), False),
                               Data("cv_alphas", "float", ("n_alpha",), required=False),
                               Data("cv_scores", "float", ("n_alpha",), required=False)),
                         dims=lambda a: {"n_features": a["n_features"]}),
        "mlp": Schema(MODEL, attrs=(Attr("architecture", "str"), Attr("input_shape", "ints"),
                                    Attr("loss", "str", choices=("cross-entropy", "bce", "mse")),
                                    Attr("n_params", _INT, range=(1, None)),
                                    Attr("n_features", _INT, range=(1, None)),
                                    Attr("labels", "str", False), Attr("tc", "real", False)),
                      data=(Data("param_{i}", "float", None, "finite", count="n_params"),
                            Data("classes", "float", ("K",), "finite", False)),
                      dims=lambda a: {"n_params": a["n_params"], **_mlp_dims(a)},
                      relations=_mlp_relations),
        "rbm": Schema(MODEL, attrs=(Attr("units", "str", choices=("01", "pm1")),
                                    Attr("visible", _INT, range=(1, None)),
                                    Attr("hidden", _INT, range=(1, None)),
                                    Attr("lattice", "str", False), Attr("L", _INT, False, (1, None)),
                                    Attr("J", "real", False), Attr("h", "real", False),
                                    Attr("temperatures", "reals", False)),
                      data=(Data("W", "float", ("visible", "hidden"), "finite"),
                            Data("b_visible", "float", ("visible",), "finite"),
                            Data("b_hidden", "float", ("hidden",), "finite")),
                      dims=_rbm_dims),
        "mps": Schema(MODEL, attrs=(Attr("n_sites", _INT, range=(2, None)),
                                    Attr("bond_dim", _INT, range=(1, None)),
                                    Attr("cutoff", "real", range=(0, 1)), Attr("nll", "real"),
                                    Attr("lattice", "str", False), Attr("L", _INT, False, (1, None)),
                                    Attr("J", "real", False), Attr("h", "real", False),
                                    Attr("temperatures", "reals", False),
                                    Attr("image_shape", "ints", False)),
                      data=(Data("bond_dims", "int", ("n_bonds",), (1, "bond_dim")),
                            Data("tensors", "float", ("?",), "finite")),
                      dims=lambda a: (_check_source(a, a["n_sites"], "sites") or
                                      {"n_bonds": a["n_sites"] + 1, "bond_dim": a["bond_dim"]}),
                      relations=_mps_relations),
        "flow": Schema(MODEL, attrs=(Attr("dim", _INT, range=(2, None)),
                                     Attr("layers", _INT, range=(1, None)), Attr("hidden", "ints"),
                                     Attr("coupling", "str"), Attr("activation", "str"),
                                     Attr("n_params", _INT, range=(1, None)), Attr("nll", "real"),
                                     Attr("distribution", "str", False)),
                       data=(Data("shift", "float", ("dim",), "finite"),
                             Data("spread", "float", ("dim",), (0, None)),
                             Data("param_{i}", "float", None, "finite", count="n_params")),
                       dims=lambda a: {"dim": a["dim"], "n_params": a["n_params"], **_flow_dims(a)},
                       relations=_flow_relations),
        "hopfield": Schema(MODEL, attrs=(Attr("neurons", _INT, range=(1, None)),
                                         Attr("n_patterns", _INT, range=(0, None))),
                           data=(Data("W", "float", ("neurons", "neurons"), "finite"),
                                 Data("patterns", "int", ("n_patterns", "neurons"), "pm1")),
                           dims=lambda a: {"neurons": a["neurons"], "n_patterns": a["n_patterns"]}),
    })

RECALL_SCHEMA = Schema(RECALL, data=(Data("input", "int", ("n", "N"), "pm1"),
                                     Data("final", "int", ("n", "N"), "pm1"),
                                     Data("pattern", "int", ("n",), (0, None)),
                                     Data("overlap", "float", ("n",), (-1, 1))))
PREDICTIONS_SCHEMA = Schema(PREDICTIONS, data=(
    Data("prediction", "number", [("n",), ("n", "?")]),
    Data("probability", "float", ("n", "K"), (0, 1), False)))
EXACT_SCHEMA = Schema(EXACT, attrs=(Attr("n_sites", _INT, range=(1, None)), Attr("energy", "real")),
                      data=(Data("levels", "float", ("?",), "finite"),
                            Data("zz", "float", ("n_sites",), (-1, 1))),
                      dims=lambda a: {"n_sites": a["n_sites"]})


def _dmrg_dims(a: dict[str, Any]) -> dict[str, Any]:
    _vmc_dims(a)  # the same lattice and n_sites check
    n = int(a["n_sites"])
    if a["sweeps_done"] > a["sweeps"] and a["complete"]:
        raise Bad(f"sweeps_done {a['sweeps_done']} exceeds sweeps {a['sweeps']}")
    return {"n_sites": n, "n_bonds": n + 1, "n_cuts": n - 1, "done": a["sweeps_done"]}


def _dmrg_relations(c: validate.Checked) -> None:
    sectors = c.arrays.get("mps/sectors")
    if sectors is not None:
        if np.any(sectors < 1):
            raise Bad("mps/sectors has a bond without sectors")
        total = int(sectors.sum())
        for k in ("mps/charges", "mps/dims"):
            if c.shapes[k] != (total,):
                raise Bad(f"{k} has shape {c.shapes[k]}, not ({total},)")
    sizes = c.arrays.get("mps/site_sizes")
    if sizes is not None and c.shapes["mps/coefficients"] != (int(sizes.sum()),):
        raise Bad("mps/coefficients does not hold what mps/site_sizes says")


DMRG_HISTORY = ("energy", "discarded_weight", "variance", "largest_bond", "bond_dim", "mixer",
                "lanczos_steps", "wall_s")
DMRG_SCHEMA = Schema(
    DMRG,
    attrs=(*(Attr(k, "str") for k in ("hamiltonian", "lattice")),
           *(Attr(k, "real") for k in ("J", "h", "delta", "J2", "cutoff", "energy")),
           *(Attr(k, "bool") for k in ("open_boundaries", "complete", "conserves_sz")),
           Attr("size", _INT, range=(1, None)), Attr("n_sites", _INT, range=(2, None)),
           Attr("n_up", _INT, range=(-1, "n_sites")), Attr("sweeps", _INT, range=(1, None)),
           Attr("sweeps_done", _INT, range=(0, None)), Attr("bond_dims", "ints")),
    data=(*(Data("history/" + k, "float", ("done",)) for k in DMRG_HISTORY),
          Data("mps/sectors", "int", ("n_bonds",), (1, None)),
          Data("mps/charges", "int", ("?",)),
          Data("mps/dims", "int", ("?",), (1, None)),
          Data("mps/site_sizes", "int", ("n_sites",), (0, None)),
          Data("mps/coefficients", "float", ("?",), "finite"),
          Data("entanglement_entropy", "float", ("n_cuts",), (0, None), required=False),
          Data("zz", "float", ("n_sites",), required=False),
          Data("sz", "float", ("n_sites",), required=False)),
    dims=_dmrg_dims, relations=_dmrg_relations, checksum=True)
# physml dataset (commands/datasets.py): binary images, one per row, row-major pixels (bars
# and stripes), or points of a toy density with their exact log-density.
def _dataset_relations(c: validate.Checked) -> None:
    a, X = c.attrs, c.arrays["X"]
    if a.get("image_shape") is not None:
        if int(np.prod(a["image_shape"])) != X.shape[1]:
            raise Bad(f"image_shape {list(a['image_shape'])} holds "
                      f"{int(np.prod(a['image_shape']))} pixels but X has {X.shape[1]} columns")
        if not np.isin(X, (0, 1)).all():
            raise Bad("X of an image dataset must hold 0 and 1 only")
    if a.get("distribution") is not None:
        if a["distribution"] not in registry.names("toy_distribution"):
            raise Bad(f"distribution {a['distribution']!r} is not a registered toy density")
        if X.shape[1] != 2:
            raise Bad(f"points of the {a['distribution']} density have 2 columns, not {X.shape[1]}")
    elif a.get("image_shape") is None and a.get("source_model") is None:
        raise Bad("a dataset is images (image_shape), points of a distribution or samples of "
                  "a model (source_model)")


DATASET_SCHEMA = Schema(DATASET, attrs=(Attr("dataset", "str"), Attr("image_shape", "ints", False),
                                        Attr("patterns", _INT, False, (1, None)),
                                        Attr("distribution", "str", False),
                                        Attr("source_model", "str", False)),
                        data=(Data("X", "number", ("n", "N"), "finite"),
                              Data("log_density", "float", ("n",), required=False),
                              Data("log_q", "float", ("n",), required=False)),
                        relations=_dataset_relations)


def write_dataset(path: str, attrs: dict[str, Any], arrays: dict[str, np.ndarray],
                  command_line: str) -> None:
    """arrays: X, and log_density for points of a known density."""
    _write_arrays(path, DATASET, attrs, arrays, command_line)


# Learning data that is not a physml file: a .npz or HDF5 file with X (and y).
ARRAYS_SCHEMA = Schema("arrays", data=(Data("X", "number", None, "finite"),
                                       Data("y", "number", None, "finite", False)))

# physml variational --method trg|hotrg (workflows/renormalization.py)
def write_renormalization(path: str, attrs: dict[str, Any], arrays: dict[str, np.ndarray],
                          command_line: str) -> None:
    """Settings as attributes, one row per temperature under results/, each temperature's
    steps under steps/<i>/ and its last cut's spectrum as spectrum/<i>."""
    _write_arrays(path, RENORMALIZATION, attrs, arrays, command_line, sealed=True)


def read_renormalization(path: str) -> dict[str, Any]:
    return _read_arrays(path, RENORMALIZATION, verify=True)


_RENORMALIZATION_RESULTS = ("T", "f", "e", "c", "dbeta", "steps", "converged",
                            "truncation_error", "f_exact", "e_exact", "error", "e_error", "wall_s")
_RENORMALIZATION_STEPS = ("log_norm", "log_z", "discarded_weight", "smallest_kept")


def _renormalization_relations(c: validate.Checked) -> None:
    a = c.attrs
    if a["size"] and a["size"] & (a["size"] - 1):
        raise Bad(f"size {a['size']} is not a power of two")
    if len(a["exact_methods"]) != len(a["temperatures"]):
        raise Bad("exact_methods and temperatures differ in length")
    steps = c.arrays.get("results/steps")
    for i in range(len(a["temperatures"])):
        n = c.shapes[f"steps/{i}/kept"][0]
        if any(c.shapes[f"steps/{i}/{k}"] != (n,) for k in _RENORMALIZATION_STEPS):
            raise Bad(f"the arrays of steps/{i} differ in length")
        if steps is not None and int(steps[i]) != n:
            raise Bad(f"results/steps[{i}] is {int(steps[i])} but steps/{i} holds {n}")


RENORMALIZATION_SCHEMA = Schema(
    RENORMALIZATION,
    attrs=(Attr("model", "str", choices=tuple(SPIN_VALUES)), Attr("lattice", "str"),
           Attr("method", "str"), *(Attr(k, "real") for k in ("J", "h", "tol", "wall_s")),
           Attr("q", _INT, range=(2, 127)), Attr("bond_dim", _INT, range=(1, None)),
           Attr("size", _INT, range=(0, None)), Attr("max_steps", _INT, range=(1, None)),
           Attr("temperatures", "reals"), Attr("exact_methods", "strs")),
    data=(*(Data("results/" + k, "float", ("n_T",)) for k in _RENORMALIZATION_RESULTS),
          *(Data(f"steps/{{i}}/{k}", "float", ("?",), count="n_T")
            for k in _RENORMALIZATION_STEPS),
          Data("steps/{i}/kept", "int", ("?",), (1, "bond_dim"), count="n_T"),
          Data("spectrum/{i}", "float", ("?",), (0, 1), count="n_T")),
    dims=lambda a: {"n_T": len(a["temperatures"]), "bond_dim": a["bond_dim"]},
    relations=_renormalization_relations, checksum=True)

SCHEMAS = {s.kind: s for s in (SIMULATION_SCHEMA, CHECKPOINT_SCHEMA, MODEL_SCHEMA, RECALL_SCHEMA,
                               PREDICTIONS_SCHEMA, EXACT_SCHEMA, VMC_SCHEMA,
                               VARIATIONAL_SCHEMA, DMRG_SCHEMA, RENORMALIZATION_SCHEMA,
                               DATASET_SCHEMA)}


def _checked(path: str, expect: str | None = None, load: Any = True, need: tuple[str, ...] = (),
             verify: bool = False) -> validate.Checked:
    """Open, check against the table of the file's kind, optionally verify the checksum."""
    f = open_physml(path, expect)
    with f, validate.reading(path):
        kind = validate.decode(f.attrs["physml_schema"])
        c = validate.check(f, path, SCHEMAS[kind], load, need)
        if verify:
            validate.verify(f, path)
    return c


def read_simulation(path: str, configs: bool = False) -> dict[str, Any]:
    """Attributes, temperatures, summaries and extras of a simulation (its configurations
    too with `configs`; they are the bulk of the file, so only read when wanted)."""
    c = _checked(path, SIMULATION, load=lambda p: configs or p != "configs")
    out = {"attrs": c.attrs, "temperatures": c.arrays["temperatures"],
           "summary": {k.split("/", 1)[1]: v for k, v in c.arrays.items()
                       if k.startswith("summary/")},
           "n_configs": c.dims["n_cfg"], "n_measurements": c.dims["n_meas"],
           "lattice_shape": c.dims["lattice"],
           "extras": {k.split("/", 1)[1]: v for k, v in c.arrays.items()
                      if k.startswith("extras/")}}
    if configs:
        out["configs"] = c.arrays["configs"]
    return out


def read_tree(path: str, expect: str) -> dict[str, Any]:
    """A whole physml file: {'attrs', 'datasets': {path: array}, 'group_attrs': {path: attrs},
    'dataset_attrs': {path: attrs}} (for tools that combine files, e.g. merge)."""
    _checked(path, expect)
    tree: dict[str, Any] = {"datasets": {}, "group_attrs": {}, "dataset_attrs": {}}
    with open_physml(path, expect) as f, validate.reading(path):
        tree["attrs"] = dict(f.attrs.items())

        def visit(name: str, obj: Any) -> None:
            if isinstance(obj, h5py.Dataset):
                tree["datasets"][name] = obj[()]
                tree["dataset_attrs"][name] = dict(obj.attrs.items())
            else:
                tree["group_attrs"][name] = dict(obj.attrs.items())
        f.visititems(visit)
    return tree


def read_checkpoint(path: str) -> dict[str, Any]:
    """A checkpoint to resume: refused unless its checksum matches, because a damaged state
    that still parses would continue silently into wrong numbers."""
    c = _checked(path, CHECKPOINT, verify=True)
    if not c.has_checksum:
        raise PhysmlError(f"checkpoint {path} has no checksum (written by physml before "
                          f"checksums): it cannot be verified, so it is not resumed; rerun "
                          f"without --resume")

    def parts(name: str) -> list[np.ndarray]:
        keys = [k for k in c.arrays if k.startswith(name + "/")]
        return [c.arrays[f"{name}/{i}"] for i in range(len(keys))]
    return {"params": c.attrs["params"], "progress": c.attrs["progress"],
            "wall_s": float(c.attrs["wall_s"]),
            "engine": {k.split("/", 1)[1]: v for k, v in c.arrays.items()
                       if k.startswith("engine/")},
            "energy": parts("energy"), "magnetization": parts("magnetization"),
            "staggered": parts("staggered"), "configs": parts("configs")}


def describe(path: str) -> dict[str, Any]:
    """A summary of any physml file, for ``physml info``; the file is checked like any
    input (its checksum too, where it has one), so damage is reported, not listed."""
    c = _checked(path, verify=True)
    with open_physml(path) as f, validate.reading(path):
        kind = validate.decode(f.attrs["physml_schema"])
        datasets: dict[str, Any] = {}

        def visit(name: str, obj: Any) -> None:
            if isinstance(obj, h5py.Dataset):
                datasets[name] = {"shape": list(obj.shape), "dtype": str(obj.dtype)}
        f.visititems(visit)
    out: dict[str, Any] = {"file": path, "schema": kind, "attrs": c.attrs, "datasets": datasets}
    if kind == SIMULATION:
        out["temperatures"] = c.arrays["temperatures"].tolist()
        out["summary"] = {k.split("/", 1)[1]: np.asarray(v).tolist() for k, v in c.arrays.items()
                          if k.startswith("summary/")}
    return out


def read_learning_source(path: str) -> dict[str, Any]:
    """{'kind': 'simulation', ...} with configurations and their observables, or
    {'kind': 'arrays', 'X': ..., 'y': ...} from a .npz or plain HDF5 file."""
    validate.must_exist(path)
    if path.endswith(".npz"):
        with validate.reading(path), np.load(path, allow_pickle=False) as z:
            if "X" not in z:
                raise PhysmlError(f"{path} has no array X")
            c = validate.check(z, path, ARRAYS_SCHEMA)
        return {"kind": "arrays", "X": c.arrays["X"], "y": c.arrays.get("y")}
    f = validate.open_hdf5(path)
    with f, validate.reading(path):
        if validate.decode(f.attrs.get("physml_schema")) == SIMULATION:
            c = validate.check(f, path, SIMULATION_SCHEMA,
                               need=("config_energy", "config_magnetization"))
            return {"kind": "simulation", "attrs": c.attrs,
                    "temperatures": c.arrays["temperatures"], "configs": c.arrays["configs"],
                    "config_energy": c.arrays["config_energy"],
                    "config_magnetization": c.arrays["config_magnetization"]}
        if validate.decode(f.attrs.get("physml_schema")) == DATASET:
            c = validate.check(f, path, DATASET_SCHEMA)
            return {"kind": "arrays", "X": c.arrays["X"], "y": None, "attrs": c.attrs,
                    "log_density": c.arrays.get("log_density")}
        if "X" not in f:
            raise PhysmlError(f"{path} is neither a physml simulation nor has a dataset X")
        c = validate.check(f, path, ARRAYS_SCHEMA)
        return {"kind": "arrays", "X": c.arrays["X"], "y": c.arrays.get("y")}


def _read_arrays(path: str, kind: str, verify: bool = False) -> dict[str, Any]:
    """{'attrs', 'arrays'} of a flat file (models, vmc runs): checked against its table, every
    root dataset read (undeclared ones, such as training histories, as they are)."""
    c = _checked(path, kind, verify=verify)
    with open_physml(path, kind) as f, validate.reading(path):
        rest = {k: f[k][()] for k in f if isinstance(f[k], h5py.Dataset) and k not in c.arrays}
    return {"attrs": c.attrs, "arrays": {**rest, **c.arrays}, "checksum": c.has_checksum}


def read_model(path: str) -> dict[str, Any]:
    return _read_arrays(path, MODEL)


def read_variational(path: str) -> dict[str, Any]:
    """A variational run (checksum verified)."""
    return _read_arrays(path, VARIATIONAL, verify=True)


def read_dmrg(path: str) -> dict[str, Any]:
    """A DMRG run (checksum verified): settings, history and the state to resume from."""
    return _read_arrays(path, DMRG, verify=True)


def read_vmc(path: str) -> dict[str, Any]:
    """A vmc run; its checksum is verified where it has one (older files have none and are
    checked against the schema only)."""
    return _read_arrays(path, VMC, verify=True)
