"""Drives the engine for ``physml simulate``: stages, chunks, checkpoints, signals.

A run of one lattice size is a list of stages (one for an ordinary or
parallel-tempering run; one per temperature, hottest first, for --anneal). Each
stage thermalizes, then measures. Work is handed to the engine in chunks of about
half a second, so that a signal is answered quickly and checkpoints are cheap;
the engine's random numbers are addressed by replica and sweep, so chunking,
resuming and the thread count never change the result.
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from physml_cli import _engine
from physml_cli import registry, resources
from physml_cli.io import schema
from physml_cli.workflows import neural_proposal
from physml_cli.errors import Interrupted, PhysmlError
from physml_cli.runtime.resume import checkpoint_path
from physml_cli.runtime.signals import SignalCatcher

CHUNK_SECONDS = 0.5

# Parameters that define the result; a checkpoint must agree on all of them.
RESULT_KEYS = ("model", "lattice", "L", "J", "h", "q", "algorithm", "temperatures", "shard", "seed",
               "thermalize", "sweeps", "measure_every", "save_configs", "parallel_tempering",
               "anneal", "init", "hybrid", "proposal_fingerprint")
# Keys added after checkpoints were first written, with the value older ones meant.
ADDED_KEYS = {"hybrid": "", "proposal_fingerprint": ""}


@dataclass
class Progress:
    """Where a run stands: stage index, and sweeps done in that stage."""
    stage: int = 0
    therm_done: int = 0
    meas_done: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"stage": self.stage, "therm_done": self.therm_done, "meas_done": self.meas_done}


@dataclass
class RunState:
    energy: list[np.ndarray] = field(default_factory=list)
    magnetization: list[np.ndarray] = field(default_factory=list)
    staggered: list[np.ndarray] = field(default_factory=list)
    configs: list[np.ndarray] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)
    wall_before: float = 0.0


def snapshot_every(params: dict[str, Any]) -> int:
    n_meas = params["sweeps"] // params["measure_every"]
    if params["save_configs"] <= 0 or n_meas == 0:
        return 0
    return max(1, math.ceil(n_meas / params["save_configs"]))


def stages(params: dict[str, Any]) -> list[list[float]]:
    if params["anneal"]:
        return [[t] for t in sorted(params["temperatures"], reverse=True)]
    return [list(params["temperatures"])]


def estimate(lattice: str, L: int, n_temps: int, sweeps: int, measure_every: int,
             save_configs: int) -> float:
    """Bytes one lattice size needs: spins, a 4-byte working copy and the neighbour table
    (~4 z bytes) per replica, the saved configurations and the e, m series."""
    n_meas = sweeps // measure_every
    n = registry.lattice_sites(lattice, L)
    configs = n_temps * min(save_configs, n_meas) * n
    return n_temps * n * 10 + n * 32 + configs + n_temps * n_meas * 16


def check_memory(lattice: str, L: int, n_temps: int, sweeps: int, measure_every: int,
                 save_configs: int) -> None:
    resources.check_memory(estimate(lattice, L, n_temps, sweeps, measure_every, save_configs),
                           f"--size {L} on the {lattice} lattice ({n_temps} temperatures)")


def check_ergodic(algorithm: str, model: str, lattice: str, L: int, J: float, h: float,
                  q: int) -> None:
    """Refuses an update rule the registry marks as able to lock into a cycle
    (deterministic_at_zero_cost) where the engine finds such a cycle on this lattice, naming
    the rules that sample it correctly."""
    rule = registry.entry("update_rule", algorithm, "--algorithm")
    if not rule.can("deterministic_at_zero_cost"):
        return
    try:
        problem = _engine.update_rule_ergodicity(algorithm, model, lattice, L, J, h, q)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    if not problem:
        return
    working = [e.name for e in registry.entries("update_rule")
               if not e.can("deterministic_at_zero_cost") and not e.can("needs_proposal")
               and not (e.can("needs_zero_field") and h != 0)]
    raise PhysmlError(f"--algorithm {algorithm} is not ergodic for --size {L}: {problem} "
                      f"(use --algorithm {' or '.join(working)})")


def check(params: dict[str, Any]) -> None:
    """Everything about one size that can be refused before it allocates or writes."""
    check_memory(params["lattice"], params["L"], len(params["temperatures"]), params["sweeps"],
                 params["measure_every"], params["save_configs"])
    check_ergodic(params["algorithm"], params["model"], params["lattice"], params["L"],
                  params["J"], params["h"], params["q"])
    learnt = proposal(params)  # read and checked here, before anything is written
    params["proposal_fingerprint"] = learnt.fingerprint if learnt else ""


def proposal(params: dict[str, Any]) -> neural_proposal.Proposal | None:
    return neural_proposal.load(params["proposal"], params) if params.get("proposal") else None


def make_engine(params: dict[str, Any], threads: int) -> Any:
    temps = stages(params)[0]
    learnt = proposal(params)
    return _engine.Simulation(
        model=params["model"], lattice=params["lattice"], L=params["L"], J=params["J"],
        h=params["h"], q=params["q"], algorithm=params["algorithm"], temperatures=temps,
        seed=params["seed"], parallel_tempering=params["parallel_tempering"], threads=threads,
        init=params["init"], track_minimum=params["anneal"],
        replica_ids=params.get("replica_ids") or [],
        proposal=learnt.engine if learnt else None, companion=params.get("hybrid") or "")


def run_size(params: dict[str, Any], threads: int, output: str, resume: bool,
             command_line: str, checkpoint_every: float,
             on_progress: Callable[[int, int], None], comm: Any = None) -> schema.SizeResult:
    """Run (or continue) one lattice size and return its results; writes checkpoints.
    With `comm` (parallel tempering under MPI) the ranks share the replicas and every rank
    ends with the whole run's results."""
    # a whole grid, and no proposal, unless told otherwise
    params = {"shard": "", "replica_ids": [], "proposal": "", "hybrid": "",
              "proposal_fingerprint": "", **params}
    check(params)
    add_up = None
    try:
        sim = make_engine(params, threads)
        if comm is not None:
            from physml_cli.mpi import summing

            add_up = summing(comm)
            sim.spread_replicas(comm.Get_rank(), comm.Get_size(), add_up)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    except MemoryError as exc:
        raise PhysmlError(f"--size {params['L']} on the {params['lattice']} lattice: {exc}") from None
    ckpt = checkpoint_path(output)
    st = RunState()
    if resume:
        st = _load_checkpoint(ckpt, params, sim)
    plan = stages(params)
    per_stage = params["thermalize"] + params["sweeps"]
    total = per_stage * len(plan)
    snap_every = snapshot_every(params)
    started = time.perf_counter()
    last_ckpt = started

    def elapsed() -> float:
        return st.wall_before + time.perf_counter() - started

    def save_checkpoint() -> None:
        schema.write_checkpoint(ckpt, params, st.progress.as_dict(), sim.get_state(), st.energy,
                                st.magnetization, st.configs, command_line, elapsed(),
                                staggered=st.staggered)

    chunk = max(1, params["measure_every"])
    with SignalCatcher() as sig:
        while st.progress.stage < len(plan):
            p = st.progress
            if p.therm_done == 0 and p.meas_done == 0 and params["anneal"]:
                sim.set_temperatures(plan[p.stage])
            in_therm = p.therm_done < params["thermalize"]
            left = (params["thermalize"] - p.therm_done) if in_therm else (params["sweeps"] - p.meas_done)
            n = min(chunk, left)
            t0 = time.perf_counter()
            if in_therm:
                sim.thermalize(n)
                p.therm_done += n
            else:
                out = sim.measure(n, params["measure_every"], snap_every)
                if add_up is not None:  # each rank measured its own replicas, zeros elsewhere
                    out = {k: add_up(v) for k, v in out.items()}
                st.energy.append(out["e"])
                st.magnetization.append(out["m"])
                if "ms" in out:
                    st.staggered.append(out["ms"])
                if out["configs"].shape[1]:
                    st.configs.append(out["configs"])
                p.meas_done += n
            dt = time.perf_counter() - t0
            # aim each chunk at CHUNK_SECONDS so signals and checkpoints stay prompt
            chunk = max(1, min(int(chunk * min(4.0, CHUNK_SECONDS / max(dt, 1e-6))) + 1, 10**9))
            if p.meas_done >= params["sweeps"] and p.therm_done >= params["thermalize"]:
                st.progress = Progress(stage=p.stage + 1)
            on_progress(st.progress.stage * per_stage + st.progress.therm_done
                        + st.progress.meas_done, total)
            signum = sig.signum
            due = checkpoint_every > 0 and time.perf_counter() - last_ckpt >= checkpoint_every \
                and st.progress.stage < len(plan)
            if comm is not None:
                from physml_cli.mpi import agree_step

                chunk, signum, due = agree_step(comm, chunk, signum, due)
            if signum is not None:
                save_checkpoint()
                raise Interrupted(signum, ckpt)
            if due:
                save_checkpoint()
                last_ckpt = time.perf_counter()
    return _collect(params, sim, st, elapsed())


def _load_checkpoint(ckpt: str, params: dict[str, Any], sim: Any) -> RunState:
    if not os.path.exists(ckpt):
        raise PhysmlError(f"--resume: no checkpoint {ckpt} to resume from")
    c = schema.read_checkpoint(ckpt)
    mine = {k: params[k] for k in RESULT_KEYS}
    theirs = {k: c["params"].get(k, ADDED_KEYS.get(k)) for k in RESULT_KEYS}
    if mine != theirs:
        diff = sorted(k for k in RESULT_KEYS if mine[k] != theirs[k])
        raise PhysmlError(f"--resume: checkpoint {ckpt} was made with different "
                          f"{', '.join(diff)}")
    try:
        # checkpoints from before the proposal counters existed hold none
        none = np.zeros(0, dtype=np.int64)
        sim.set_state({"proposal_attempts": none, "proposal_accepts": none, **c["engine"]})
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise PhysmlError(f"checkpoint {ckpt} is damaged: {exc}") from None
    # read_checkpoint has checked the counters against this very parameter set
    progress = Progress(**{k: int(c["progress"][k]) for k in ("stage", "therm_done", "meas_done")})
    st = RunState(energy=c["energy"], magnetization=c["magnetization"],
                  staggered=c["staggered"], configs=c["configs"],
                  progress=progress, wall_before=c["wall_s"])
    return st


def _collect(params: dict[str, Any], sim: Any, st: RunState, wall: float) -> schema.SizeResult:
    lattice = _engine.Lattice(params["lattice"], params["L"])
    n_sites = lattice.n_sites
    plan = stages(params)
    temps = np.array([t for stage in plan for t in stage], dtype=np.float64)
    n_t = len(temps)
    if params["anneal"]:
        # one chain, one stage per temperature: lay the stages side by side
        e = _stack_stages(st.energy, len(plan))
        m = _stack_stages(st.magnetization, len(plan))
        ms = _stack_stages(st.staggered, len(plan)) if st.staggered else None
        cfg = _stack_stages(st.configs, len(plan), configs=True, n_sites=n_sites)
    else:
        e = np.concatenate(st.energy, axis=1) if st.energy else np.zeros((n_t, 0))
        m = np.concatenate(st.magnetization, axis=1) if st.magnetization else np.zeros((n_t, 0))
        ms = np.concatenate(st.staggered, axis=1) if st.staggered else None
        cfg = (np.concatenate(st.configs, axis=1) if st.configs
               else np.zeros((n_t, 0, n_sites), dtype=np.int8))
    # the measurement taken together with each saved configuration
    every = snapshot_every(params)
    picked = slice(0, every * cfg.shape[1], every) if every else slice(0, 0)
    rows = [_engine.summarize(e[i], m[i], n_sites, float(temps[i]), params["measure_every"], 32)
            for i in range(n_t)]
    summary = {k: np.array([r[k] for r in rows]) for k in schema.SUMMARY_FIELDS}
    if ms is not None:  # the antiferromagnet's order parameter, analysed like m
        srows = [_engine.summarize(e[i], ms[i], n_sites, float(temps[i]), params["measure_every"],
                                   32) for i in range(n_t)]
        for mine, theirs in schema.STAGGERED_FIELDS.items():
            summary[mine] = np.array([r[theirs] for r in srows])
    extras: dict[str, np.ndarray] = {}
    if params["parallel_tempering"]:
        extras["exchange_acceptance"] = np.asarray(sim.exchange_acceptance)
    learnt = proposal(params)
    if learnt is not None:
        extras["proposal_acceptance"] = np.asarray(sim.proposal_acceptance)
        extras["proposal_temperature"] = np.array([learnt.temperature_for(float(T)) for T in temps])
    if params["algorithm"] == "wolff":
        extras["clusters_per_sweep"] = np.asarray(sim.clusters_per_sweep)
        extras["mean_cluster_size"] = np.asarray(sim.mean_cluster_size)
    if params["anneal"]:
        extras["best_energy_per_site"] = np.array([sim.best_energy / n_sites])
        extras["best_config"] = np.asarray(sim.best_config).reshape(lattice.shape)
    return schema.SizeResult(params=dict(params), lattice_shape=tuple(lattice.shape),
                             neighbors=lattice.neighbors, temperatures=temps, energy=e,
                             magnetization=m, staggered=ms, configs=cfg,
                             config_energy=e[:, picked],
                             config_magnetization=m[:, picked], summary=summary, extras=extras,
                             wall_s=wall)


def _stack_stages(parts: list[np.ndarray], n_stages: int, configs: bool = False,
                  n_sites: int = 0) -> np.ndarray:
    """Anneal chunks are (1, n, ...) in stage order; regroup them as (n_stages, n, ...)."""
    if not parts:
        shape = (n_stages, 0, n_sites) if configs else (n_stages, 0)
        return np.zeros(shape, dtype=np.int8 if configs else np.float64)
    flat = np.concatenate(parts, axis=1)[0]
    per = flat.shape[0] // n_stages
    return flat.reshape((n_stages, per) + flat.shape[1:])
