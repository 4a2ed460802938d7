"""The one exception type the CLI turns into a one-line message and exit code 2."""


class PhysmlError(Exception):
    """Bad input or an unusable file: the user can fix it, so no traceback."""


class Interrupted(Exception):
    """SIGINT/SIGTERM arrived; a checkpoint has been written."""

    def __init__(self, signum: int, checkpoint: str, message: str | None = None):
        super().__init__(message or f"interrupted by signal {signum}; checkpoint written to "
                         f"{checkpoint} (rerun the same command with --resume)")
        self.signum = signum
        self.checkpoint = checkpoint
