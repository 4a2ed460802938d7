"""What this machine lends a run: cores (respecting OpenMP, Slurm and MPI) and memory.

Memory is planned against the tightest of the limits that can kill a run: physical memory,
the process's address-space and data limits (``ulimit -v`` / ``-d``) and the memory limit of
its cgroup (Slurm, containers). Every command that may allocate a lot estimates its need
next to the workflow that allocates it and asks ``check_memory`` before the first byte.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from physml_cli.errors import PhysmlError


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

# Values the kernel reports for "no limit" (cgroup v1 writes a huge page-aligned number).
_UNLIMITED = 2 ** 60


@dataclass(frozen=True)
class MemoryLimit:
    bytes: float
    source: str  # for messages: which limit this is

    def __str__(self) -> str:
        return f"{gib(self.bytes)} ({self.source})"


def gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**27 else f"{n / 2**20:.1f} MiB"


def _physical() -> MemoryLimit | None:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
    used = _self_status("VmRSS") or 0.0
    return MemoryLimit(max(0.0, MEMORY_FRACTION * total - used),
                       f"{MEMORY_FRACTION:.0%} of this machine's {gib(total)} of memory, "
                       f"{gib(used)} in use")


def _self_status(field: str) -> float | None:
    """A 'kB' field of /proc/self/status in bytes (VmSize: address space, VmRSS: resident)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return float(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _rlimits() -> list[MemoryLimit]:
    try:
        import resource
    except ImportError:  # not on a POSIX system
        return []
    out = []
    # Both count what the process has already mapped (the interpreter, numpy, the engine),
    # so what is left is the limit minus the address space in use now.
    for name, flag in (("RLIMIT_AS", "ulimit -v"), ("RLIMIT_DATA", "ulimit -d")):
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            soft, _ = resource.getrlimit(which)
        except (OSError, ValueError):
            continue
        if soft == resource.RLIM_INFINITY or soft < 0 or soft >= _UNLIMITED:
            continue
        used = _self_status("VmSize" if name == "RLIMIT_AS" else "VmData") or 0.0
        out.append(MemoryLimit(max(0.0, soft - used),
                               f"{name} ({flag}) of {gib(soft)}, {gib(used)} already mapped"))
    return out


CGROUP_ROOT = "/sys/fs/cgroup"


def _cgroup_dirs(root: str = CGROUP_ROOT, listing: str = "/proc/self/cgroup") -> list[tuple[str, str]]:
    """(version, directory) of this process's memory cgroups, from /proc/self/cgroup."""
    dirs = []
    try:
        with open(listing) as f:
            lines = f.read().splitlines()
    except OSError:
        return dirs
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            dirs.append(("v2", os.path.join(root, path.lstrip("/"))))
        elif "memory" in controllers.split(","):
            for mount in ("memory", controllers):
                dirs.append(("v1", os.path.join(root, mount, path.lstrip("/"))))
    return dirs


def _read_number(path: str) -> float | None:
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    if not text or text == "max":
        return None
    try:
        value = float(text.split()[0])
    except ValueError:
        return None
    return None if value >= _UNLIMITED else value


def _cgroups(root: str = CGROUP_ROOT, listing: str = "/proc/self/cgroup") -> list[MemoryLimit]:
    out = []
    seen = set()
    root = os.path.normpath(root)
    for version, d in _cgroup_dirs(root, listing):
        limit_file, usage_file = (("memory.max", "memory.current") if version == "v2"
                                  else ("memory.limit_in_bytes", "memory.usage_in_bytes"))
        d = os.path.normpath(d)
        # A limit may be set on any ancestor (Slurm sets it on the job, not on the step).
        while (d == root or d.startswith(root + os.sep)) and d not in seen:
            seen.add(d)
            limit = _read_number(os.path.join(d, limit_file))
            if limit is not None:
                used = _read_number(os.path.join(d, usage_file)) or 0.0
                out.append(MemoryLimit(max(0.0, limit - used),
                                       f"cgroup {version} {limit_file} of {gib(limit)} in "
                                       f"{d}, {gib(used)} in use"))
            if d == root:
                break
            d = os.path.dirname(d)
    return out


def memory_limits() -> list[MemoryLimit]:
    """Every limit this process is under, each less what it already uses."""
    physical = _physical()
    return ([physical] if physical else []) + _rlimits() + _cgroups()


def memory_limit_info() -> MemoryLimit | None:
    """The tightest limit, with where it comes from; None where the OS tells none."""
    limits = memory_limits()
    return min(limits, key=lambda m: m.bytes) if limits else None


def memory_limit() -> float | None:
    """Bytes a run may still allocate (the tightest limit); None where the OS cannot tell."""
    info = memory_limit_info()
    return None if info is None else info.bytes


def check_memory(need_bytes: float, what: str) -> None:
    """A one-line PhysmlError when `what` would need more memory than the tightest limit."""
    info = memory_limit_info()
    if info is not None and need_bytes > info.bytes:
        raise PhysmlError(f"{what} needs about {gib(need_bytes)} of memory, more than this run "
                          f"may use: {info}")
