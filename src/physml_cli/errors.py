"""The exceptions the CLI turns into one line and an exit code: PhysmlError (2), Unhealthy
(3), Interrupted (128 + signal)."""


class PhysmlError(Exception):
    """Bad input or an unusable file: the user can fix it, so no traceback."""


class Interrupted(Exception):
    """SIGINT/SIGTERM arrived; a checkpoint has been written."""

    def __init__(self, signum: int, checkpoint: str, message: str | None = None):
        super().__init__(message or f"interrupted by signal {signum}; checkpoint written to "
                         f"{checkpoint} (rerun the same command with --resume)")
        self.signum = signum
        self.checkpoint = checkpoint


class Unhealthy(Exception):
    """A run that finished, wrote its output and printed its result, but carries warnings that
    the user asked to fail on (vmc --strict)."""

    exit_code = 3
