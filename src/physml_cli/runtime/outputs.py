"""The output policy: every file a command will write is checked before any work (its folder
exists and is writable; an existing file is replaced only with --overwrite), and written
atomically (io/schema.py and report/plotting.py write to a temporary name and rename)."""
from __future__ import annotations

import os

from physml_cli.errors import PhysmlError
from physml_cli.io.schema import check_writable


def check_new(path: str | None, overwrite: bool, what: str = "") -> None:
    """A file about to be created: refuse to replace one unless told to, fail early if it could
    not be created. None: nothing to write."""
    if not path:
        return
    if os.path.exists(path) and not overwrite:
        raise PhysmlError(f"{what}{path} exists (use --overwrite to replace it)")
    check_writable(path)


def check_plot(path: str | None, overwrite: bool) -> None:
    """--plot follows the same policy as every other output."""
    check_new(path, overwrite, "--plot: ")
