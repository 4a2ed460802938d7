"""What this machine lends a run: cores (respecting OpenMP, Slurm and MPI) and memory."""
from __future__ import annotations

import os


def default_threads() -> int:
    for var in ("OMP_NUM_THREADS", "SLURM_CPUS_PER_TASK"):
        v = os.environ.get(var, "")
        if v.isdigit() and int(v) > 0:
            return int(v)
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        cores = max(1, os.cpu_count() or 1)
    # MPI ranks on one node share its cores (unless the launcher bound each to its own).
    for var in ("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"):
        v = os.environ.get(var, "")
        if v.isdigit() and int(v) > 1:
            return max(1, cores // int(v))
    return cores


MEMORY_FRACTION = 0.8  # of physical memory a run may plan to use


def memory_limit() -> float | None:
    """Bytes a run may use (a share of physical memory); None where the OS cannot tell."""
    try:
        return MEMORY_FRACTION * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
