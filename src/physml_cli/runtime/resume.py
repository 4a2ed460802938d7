"""The resume policy of every long command. ``--resume`` continues the run that ``--output``
names; an interrupted run keeps its state where its command keeps it:

- BESIDE: in a checkpoint ``OUTPUT.ckpt`` next to the output, which is written only when the
  run is complete (``simulate``: a finished file is a whole dataset, never a partial one);
- INSIDE: in the output itself, marked incomplete (``vmc``: every saved run can be
  continued, finished or not, by more iterations).

Either way the same rules hold, checked before any work: --resume and --overwrite exclude
each other; an interrupted run is neither overwritten nor restarted by accident; a finished
BESIDE run asked to resume is reported, not redone."""
from __future__ import annotations

import os

from physml_cli.errors import PhysmlError
from physml_cli.io.schema import check_writable
from physml_cli.runtime.outputs import check_new

BESIDE, INSIDE = "beside", "inside"
FRESH, CONTINUE, DONE = "fresh", "continue", "done"


def checkpoint_path(output: str) -> str:
    return output + ".ckpt"


def plan(output: str | None, resume: bool, overwrite: bool, where: str) -> str:
    """FRESH, CONTINUE or DONE for this output, or a one-line error."""
    if resume and overwrite:
        raise PhysmlError("--resume and --overwrite exclude each other")
    if where == INSIDE:
        if not resume:
            check_new(output, overwrite)
            return FRESH
        if not output:
            raise PhysmlError("--resume needs --output (the run to continue)")
        if not os.path.exists(output):
            raise PhysmlError(f"--resume: no {output} to continue")
        check_writable(output)
        return CONTINUE
    assert output
    check_writable(output)
    ckpt = checkpoint_path(output)
    interrupted = os.path.exists(ckpt)
    if os.path.exists(output) and not overwrite:
        if not resume:
            raise PhysmlError(f"{output} exists (use --overwrite to replace it)")
        if not interrupted:
            return DONE
    if interrupted and not (resume or overwrite):
        raise PhysmlError(f"an interrupted run left {ckpt}: use --resume to continue it or "
                          "--overwrite to start afresh")
    if resume:
        if not interrupted:
            raise PhysmlError(f"--resume: no checkpoint {ckpt} to resume from")
        return CONTINUE
    return FRESH


def start(output: str, state: str, where: str) -> None:
    """Just before a FRESH run begins: a stale checkpoint (the user said --overwrite) goes."""
    if where == BESIDE and state == FRESH and os.path.exists(checkpoint_path(output)):
        os.unlink(checkpoint_path(output))


def finished(output: str, where: str) -> None:
    """The complete output is written: its checkpoint has served."""
    if where == BESIDE and os.path.exists(checkpoint_path(output)):
        os.unlink(checkpoint_path(output))
