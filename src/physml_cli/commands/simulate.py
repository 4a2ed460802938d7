"""``physml simulate`` once its arguments are valid: files, sizes, reporting."""
from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from physml_cli.report import console as report
from physml_cli.io import schema
from physml_cli.workflows import simulate
from physml_cli.runtime import emit, outputs, resume
from physml_cli.runtime.result import Result, hidden, plain, result
from physml_cli.errors import Interrupted, PhysmlError
from physml_cli.mpi import agree as mpi_agree, world
from physml_cli.cli.parsing import output_for_size, shard as shard_of

if TYPE_CHECKING:
    from physml_cli.cli.simulate import SimulateSettings


def run(s: SimulateSettings) -> Simulated | None:
    """One process (OpenMP inside), or rank 0..K-1 of an MPI run."""
    shard, replica_ids, temps = shard_of(s.shard, list(s.temperatures))
    rank, size, comm = world()
    if size > 1:
        if shard:
            raise PhysmlError("--shard and mpirun exclude each other (MPI shares out the grid)")
        if s.anneal:
            raise PhysmlError("--anneal follows one chain: it does not run across MPI ranks "
                              "(use one rank, with threads)")
        if s.parallel_tempering and s.algorithm == "wolff":
            # Wolff's sweep length is learnt per temperature while thermalising
            raise PhysmlError("--parallel-tempering across MPI ranks does not take --algorithm "
                              "wolff (use metropolis, heatbath or sw, or one rank with threads)")
        return run_simulate_mpi(s, comm)
    return run_simulate(s, temps, shard, replica_ids)


def run_simulate(s: SimulateSettings, temperatures: list[float], shard: str = "",
                 replica_ids: list[int] | None = None, comm: Any = None,
                 warn: bool = True) -> Simulated:
    """The sizes of s over the given temperatures (all of s.temperatures, or one shard's)."""
    several = len(s.sizes) > 1
    paths = [output_for_size(s.output, L, several) for L in s.sizes]
    if len(set(paths)) != len(paths):
        raise PhysmlError("--output: two sizes would write the same file")
    model = dict(s.model_parameters(), shard=shard, temperature_grid=list(s.temperatures),
                 replica_ids=replica_ids or [])
    plans = []
    for L, out in zip(s.sizes, paths):
        params = dict(model, L=L, temperatures=temperatures)
        simulate.check(params)  # every size, before any is run or written
        state = resume.plan(out, s.resume, s.overwrite, resume.BESIDE)
        plans.append((params, out, state))
    outputs.check_plot(s.plot, s.overwrite or s.resume)  # a resumed run may replace its own plot
    threads, quiet, command_line = s.threads, s.quiet, emit.command_line()

    results = []
    with report.progress_bar(quiet) as bar:
        for params, out, state in plans:
            if state == resume.DONE:
                results.append(_reload(out, params))
                continue
            resume.start(out, state, resume.BESIDE)
            task = bar.add_task(f"L={params['L']:<4d} {len(temperatures)} T", total=1)

            def on_progress(done_sweeps: int, total: int, task: Any = task) -> None:
                bar.update(task, completed=done_sweeps, total=total)

            r = simulate.run_size(params, threads, out, state == resume.CONTINUE, command_line,
                                  s.checkpoint_every, on_progress, comm)
            schema.write_simulation(out, r, command_line)
            resume.finished(out, resume.BESIDE)
            results.append((r, out))
    if s.plot:
        from physml_cli.report.plotting import observables_vs_temperature
        observables_vs_temperature([r for r, _ in results], s.plot)
    return Simulated(sizes=results, tables=not quiet, warn=warn)


@result
class Simulated(Result):
    """One simulation file per size: a JSON document and a summary table for each."""
    sizes: list[tuple[schema.SizeResult, str]] = hidden()
    tables: bool = hidden(True)
    warn: bool = hidden(True)  # MPI shards are reported once, from the merged files

    def documents(self) -> list[dict[str, Any]]:
        return [plain(report.size_json(r, out)) for r, out in self.sizes]

    def text(self) -> list[Any]:
        return [report.summary_table(r, out) for r, out in self.sizes] if self.tables else []

    def notices(self) -> list[str]:
        return [line for r, _ in self.sizes for line in report.short_run_warnings(r)] \
            if self.warn else []


def _reload(out: str, params: dict[str, Any]) -> tuple[schema.SizeResult, str]:
    sim = schema.read_simulation(out)
    stored = {k: sim["attrs"].get(k, simulate.ADDED_KEYS.get(k)) for k in simulate.RESULT_KEYS}
    mine = {k: params[k] for k in simulate.RESULT_KEYS}
    if stored != mine:
        diff = sorted(k for k in simulate.RESULT_KEYS if stored[k] != mine[k])
        raise PhysmlError(f"{out} exists and was made with different {', '.join(diff)} "
                          "(use --overwrite)")
    import numpy as np
    r = schema.SizeResult(params=dict(params), lattice_shape=sim["lattice_shape"],
                          neighbors=np.zeros((0, 0)), temperatures=sim["temperatures"],
                          energy=np.zeros((0, 0)), magnetization=np.zeros((0, 0)), staggered=None,
                          configs=np.zeros((0, 0, 0)), config_energy=np.zeros((0, 0)),
                          config_magnetization=np.zeros((0, 0)), summary=sim["summary"],
                          extras=sim["extras"], wall_s=float(sim["attrs"].get("wall_s", 0.0)))
    return r, out


def run_simulate_mpi(s: SimulateSettings, comm: Any) -> Simulated | None:
    """Under MPI: rank r of K runs the r-th interleaved slice of the temperature grid (OpenMP
    inside), writing shard files; rank 0 then merges them into the files one process would
    have written (same seed: identical for any K) and reports. With parallel tempering the
    ranks share out the replicas of one run instead and exchange across ranks; each ends with
    the whole result, and rank 0's file is kept."""
    from physml_cli.workflows import merge

    rank, size = comm.Get_rank(), comm.Get_size()
    several = len(s.sizes) > 1
    finals = [output_for_size(s.output, L, several) for L in s.sizes]
    part = _rank_name(s.output, rank, size)
    mine = replace(s, output=part, as_json=False, plot=None, quiet=s.quiet or rank != 0)
    temperatures = list(s.temperatures)
    error: BaseException | None = None
    try:
        if not s.overwrite:
            for f in finals:
                if os.path.exists(f) and not s.resume:
                    raise PhysmlError(f"{f} exists (use --overwrite to replace it)")
        if s.parallel_tempering:
            run_simulate(mine, temperatures, comm=comm, warn=False)
        else:
            shard, ids, slice_ = shard_of(f"{rank}/{size}", temperatures)
            run_simulate(mine, slice_, shard, ids, warn=False)
    except (PhysmlError, Interrupted) as exc:
        error = exc
    mpi_agree(comm, error)
    if rank == 0:
        for L, final in zip(s.sizes, finals):
            parts = [output_for_size(_rank_name(s.output, r, size), L, several)
                     for r in range(size)]
            if s.parallel_tempering:  # every rank holds the whole run
                os.replace(parts[0], final)
                for p in parts[1:]:
                    os.unlink(p)
                continue
            merge.run(parts, final, True, emit.command_line())
            for p in parts:
                os.unlink(p)
    comm.Barrier()
    if rank != 0:
        return None
    # report from the merged files, as a finished run is reported
    return run_simulate(replace(s, resume=True, overwrite=False), temperatures)


def _rank_name(output: str, rank: int, size: int) -> str:
    root, ext = os.path.splitext(output)
    return f"{root}.rank{rank}of{size}{ext or '.h5'}"
