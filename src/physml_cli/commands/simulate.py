"""``physml simulate`` once its arguments are valid: files, sizes, reporting."""
from __future__ import annotations

import os
from typing import Any

from physml_cli.report import console as report
from physml_cli.io import schema
from physml_cli.workflows import simulate
from physml_cli.runtime import outputs
from physml_cli.errors import Interrupted, PhysmlError
from physml_cli.mpi import agree as mpi_agree
from physml_cli.cli.parsing import output_for_size


def run_simulate(*, sizes: list[int], temperatures: list[float], threads: int, output: str,
                 as_json: bool, plot: str | None, resume: bool, overwrite: bool,
                 checkpoint_every: float, quiet: bool, command_line: str, comm: Any = None,
                 warn: bool = True, **model: Any) -> None:
    several = len(sizes) > 1
    paths = [output_for_size(output, L, several) for L in sizes]
    if len(set(paths)) != len(paths):
        raise PhysmlError("--output: two sizes would write the same file")
    plans = []
    for L, out in zip(sizes, paths):
        params = dict(model, L=L, temperatures=temperatures)
        ckpt = simulate.checkpoint_path(out)
        schema.check_writable(out)
        done = False
        if os.path.exists(out) and not overwrite:
            if not resume:
                raise PhysmlError(f"{out} exists (use --overwrite to replace it)")
            if not os.path.exists(ckpt):
                done = True  # finished earlier: report it, do not redo it
        if os.path.exists(ckpt) and not (resume or overwrite):
            raise PhysmlError(f"an interrupted run left {ckpt}: use --resume to continue it or "
                              "--overwrite to start afresh")
        if resume and not done and not os.path.exists(ckpt):
            raise PhysmlError(f"--resume: no checkpoint {ckpt} to resume from")
        plans.append((params, out, done))
    outputs.check_plot(plot, overwrite or resume)  # a resumed run may replace its own plot

    results = []
    with report.progress_bar(quiet) as bar:
        for params, out, done in plans:
            if done:
                results.append(_reload(out, params))
                continue
            if overwrite and os.path.exists(simulate.checkpoint_path(out)):
                os.unlink(simulate.checkpoint_path(out))
            task = bar.add_task(f"L={params['L']:<4d} {len(temperatures)} T", total=1)

            def on_progress(done_sweeps: int, total: int, task: Any = task) -> None:
                bar.update(task, completed=done_sweeps, total=total)

            r = simulate.run_size(params, threads, out, resume, command_line, checkpoint_every,
                                  on_progress, comm)
            schema.write_simulation(out, r, command_line)
            ckpt = simulate.checkpoint_path(out)
            if os.path.exists(ckpt):
                os.unlink(ckpt)
            results.append((r, out))
    for r, out in results:
        if not quiet:
            report.stderr.print(report.summary_table(r, out))
        for line in report.short_run_warnings(r) if warn else []:
            report.say(line)
        if as_json:
            report.print_json(report.size_json(r, out))
    if plot:
        from physml_cli.report.plotting import observables_vs_temperature
        observables_vs_temperature([r for r, _ in results], plot)


def _reload(out: str, params: dict[str, Any]) -> tuple[schema.SizeResult, str]:
    sim = schema.read_simulation(out)
    stored = {k: sim["attrs"].get(k) for k in simulate.RESULT_KEYS}
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


def run_simulate_mpi(*, sizes: list[int], temperatures: list[float], output: str,
                     as_json: bool, plot: str | None, quiet: bool, comm: Any,
                     **kw: Any) -> None:
    """Under MPI: rank r of K runs the r-th interleaved slice of the temperature grid (OpenMP
    inside), writing shard files; rank 0 then merges them into the files one process would
    have written (same seed: identical for any K) and reports. With parallel tempering the
    ranks share out the replicas of one run instead and exchange across ranks; each ends with
    the whole result, and rank 0's file is kept."""
    from physml_cli.workflows import merge
    from physml_cli.cli import parsing

    rank, size = comm.Get_rank(), comm.Get_size()
    tempering = kw["parallel_tempering"]
    several = len(sizes) > 1
    finals = [output_for_size(output, L, several) for L in sizes]
    part = _rank_name(output, rank, size)
    error: BaseException | None = None
    try:
        if not kw["overwrite"]:
            for f in finals:
                if os.path.exists(f) and not kw["resume"]:
                    raise PhysmlError(f"{f} exists (use --overwrite to replace it)")
        if tempering:
            run_simulate(sizes=sizes, temperatures=temperatures, output=part, as_json=False,
                         plot=None, quiet=quiet or rank != 0, comm=comm, warn=False,
                         **{**kw, "shard": "", "replica_ids": []})
        else:
            shard, ids, mine = parsing.shard(f"{rank}/{size}", temperatures)
            run_simulate(sizes=sizes, temperatures=mine, output=part, as_json=False, plot=None,
                         quiet=quiet or rank != 0, warn=False,
                         **{**kw, "shard": shard, "replica_ids": ids})
    except (PhysmlError, Interrupted) as exc:
        error = exc
    mpi_agree(comm, error)
    if rank == 0:
        for L, final in zip(sizes, finals):
            parts = [output_for_size(_rank_name(output, r, size), L, several) for r in range(size)]
            if tempering:  # every rank holds the whole run
                os.replace(parts[0], final)
                for p in parts[1:]:
                    os.unlink(p)
                continue
            merge.run(parts, final, True, kw["command_line"])
            for p in parts:
                os.unlink(p)
    comm.Barrier()
    if rank == 0:  # report from the merged files, as a finished run is reported
        run_simulate(sizes=sizes, temperatures=temperatures, output=output, as_json=as_json,
                     plot=plot, quiet=quiet,
                     **{**kw, "shard": "", "replica_ids": [], "resume": True, "overwrite": False})


def _rank_name(output: str, rank: int, size: int) -> str:
    root, ext = os.path.splitext(output)
    return f"{root}.rank{rank}of{size}{ext or '.h5'}"
