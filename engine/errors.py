"""Errors a user can act on.

Each carries one sentence meant for the user. The CLI prints it and exits with
``exit_code``; the GUI shows it in a banner.
"""


class HearthError(Exception):
    """Base class: ``str(err)`` is the user-facing sentence."""

    exit_code = 3


class BadInputError(HearthError):
    """The user gave us something we cannot use (bad path, corrupt file...)."""

    exit_code = 2


class EngineError(HearthError):
    """The engine failed: host crashed, out of memory, llama.cpp refused."""

    exit_code = 3


class HostCrashedError(EngineError):
    """The model host process died; the next request starts a fresh one."""

    def __init__(self, message: str = "", exitcode: int | None = None):
        super().__init__(message)
        self.exitcode = exitcode     # the process's exit status (negative: the signal that ended it)


class CancelledError(HearthError):
    """The user cancelled; not a failure, but the job did not finish."""

    exit_code = 130
