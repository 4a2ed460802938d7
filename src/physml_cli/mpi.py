"""MPI, when physml runs under mpirun/mpiexec/srun with mpi4py installed (``pip install
physml[mpi]``). Without it everything runs as one process, as before."""
from __future__ import annotations

import os
from typing import Any, Callable, Sequence

import numpy as np

from physml_cli.errors import PhysmlError

# Set by the launchers of Open MPI, MPICH/Hydra, Intel MPI and Slurm's PMI(x).
_SIZE_VARS = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS")
_RANK_VARS = ("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK")


def launched_size() -> int:
    for v in _SIZE_VARS:
        if os.environ.get(v, "").isdigit():
            return int(os.environ[v])
    return 1


def launched_rank() -> int:
    for v in _RANK_VARS:
        if os.environ.get(v, "").isdigit():
            return int(os.environ[v])
    return 0


def world() -> tuple[int, int, Any]:
    """(rank, size, communicator); (0, 1, None) outside MPI."""
    if launched_size() <= 1:
        return 0, 1, None
    try:
        from mpi4py import MPI
    except ImportError:
        raise PhysmlError("started by an MPI launcher with several ranks, but mpi4py is not "
                          "installed (pip install 'physml[mpi]')") from None
    comm = MPI.COMM_WORLD
    return comm.Get_rank(), comm.Get_size(), comm


def agree(comm: Any, error: BaseException | None) -> None:
    """Collective: raises on every rank the first error any rank met (so that none waits
    forever for a rank that has failed)."""
    errors = comm.allgather(None if error is None else (type(error).__name__, str(error),
                                                         getattr(error, "signum", None)))
    for e in errors:
        if e is None:
            continue
        name, message, signum = e
        if error is not None:
            raise error
        if name == "Interrupted":
            from physml_cli.errors import Interrupted
            raise Interrupted(signum, "", message)
        raise PhysmlError(message)


def summing(comm: Any) -> Callable[[Sequence[float]], np.ndarray]:
    """x -> the element-wise sum of every rank's x. Used where each entry comes from one
    rank and the others give zeros, so the sum is exact and the same on every rank."""
    from mpi4py import MPI

    def add(x: Sequence[float]) -> np.ndarray:
        mine = np.ascontiguousarray(x)
        out = np.empty_like(mine)
        comm.Allreduce(mine, out, op=MPI.SUM)
        return out
    return add


def agree_step(comm: Any, chunk: int, signum: int | None, checkpoint_due: bool
               ) -> tuple[int, int | None, bool]:
    """Ranks that run one computation together go on together: rank 0's chunk size and
    checkpoint clock, and a signal that reached any rank stops all."""
    votes = comm.allgather((chunk, signum, checkpoint_due))
    signals = [v[1] for v in votes if v[1] is not None]
    return votes[0][0], (signals[0] if signals else None), votes[0][2]
