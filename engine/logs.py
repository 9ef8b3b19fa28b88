"""Logging to a rotating file in the log folder, for the engine, the CLI and the GUI.

``setup_logging(paths)`` once at start (``engine.cli.main``, ``gui.app.main``)
sends records of the ``engine`` and ``gui`` loggers (INFO and up, DEBUG with
debug logging) and third-party warnings to ``<log_dir>/hearth.log``, rotated
at 1 MB with 5 old files kept. Nothing goes to the console: the CLI and the
GUI report to the user themselves, in one sentence.

Privacy: what the user types and what a model writes is never logged unless
debug logging is on (the ``debug_logging`` setting, or ``HEARTH_DEBUG=1``).
Code that logs such text passes it through ``content(text)``, which gives only
its length otherwise. Tokens are never logged.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path

LOG_FILE = "hearth.log"
MAX_BYTES = 1 << 20
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s: %(message)s"
OUR_LOGGERS = ("engine", "gui")

_lock = threading.Lock()
_handler: logging.Handler | None = None
_log_path: Path | None = None
_debug = False
_saved_levels: dict[str, int] = {}


class _RotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file that never disturbs the program it logs for.

    Several Hearth processes (GUI, CLI scripts, model hosts) may share the
    file: a rollover that fails (the file is held open elsewhere on Windows)
    just continues in the current file, and a record that cannot be written
    is dropped instead of printing logging's own traceback on stderr.
    """

    def _open(self):
        """The log file, created 0600 (POSIX) and tightened if an older version created it 0644."""
        from engine.private_files import open_private

        fd = open_private(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                try:
                    self.stream = self._open()
                except OSError:
                    pass

    def handleError(self, record) -> None:
        pass


def debug_from_env() -> bool:
    return os.environ.get("HEARTH_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def debug_enabled(settings=None, policy=None) -> bool:
    """Debug logging: ``HEARTH_DEBUG=1`` or the ``debug_logging`` setting, unless the administrator's
    policy locks ``debug_logging`` (then its value, off when none is given, wins over both)."""
    if policy is not None and policy.is_locked("debug_logging"):
        return bool(policy.pinned("debug_logging", False))
    if debug_from_env():
        return True
    if settings is not None:
        try:
            return bool(settings.get("debug_logging", False))
        except Exception:
            return False
    return False


def setup_logging(log_dir: Path | str, *, debug: bool = False, component: str = "hearth") -> Path | None:
    """Log to ``log_dir/hearth.log``; returns the file, or None when it cannot be opened.

    Calling it again (a second window in tests, a changed debug setting)
    replaces the previous handler instead of adding one.
    """
    global _handler, _log_path, _debug
    path = Path(log_dir) / LOG_FILE
    with _lock:
        _remove_handler()
        try:
            from engine.private_files import private_dir, tighten

            private_dir(path.parent)   # 0700: the model hosts' logs live there too
            for old in path.parent.glob(LOG_FILE + ".*"):   # rotated files an older version left 0644
                tighten(old)
            handler = _RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                           encoding="utf-8", delay=False)
        except OSError:
            # No file: records go nowhere rather than to logging's last-resort stderr output.
            _handler, _log_path = logging.NullHandler(), None
            logging.getLogger().addHandler(_handler)
            return None
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.setLevel(logging.DEBUG)
        root = logging.getLogger()
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > logging.WARNING:
            _saved_levels.setdefault("", root.level)
            root.setLevel(logging.WARNING)   # third-party libraries: warnings and errors only
        for name in OUR_LOGGERS:
            lg = logging.getLogger(name)
            _saved_levels.setdefault(name, lg.level)
            lg.setLevel(logging.DEBUG if debug else logging.INFO)
        _handler, _log_path, _debug = handler, path, bool(debug)
    from engine import __version__

    logging.getLogger("engine").info("Hearth %s %s started (Python %s, %s)%s", __version__, component,
                                     sys.version.split()[0], sys.platform,
                                     "; debug logging on" if debug else "")
    return path


def _remove_handler() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        try:
            _handler.close()
        except Exception:
            pass
        _handler = None


def shutdown_logging() -> None:
    """Close the file and put the logger levels back (tests, end of a program)."""
    global _log_path, _debug
    with _lock:
        _remove_handler()
        for name, level in _saved_levels.items():
            logging.getLogger(name or None).setLevel(level)
        _saved_levels.clear()
        _log_path, _debug = None, False


def log_file() -> Path | None:
    """The file records go to now (None before ``setup_logging`` or when it failed)."""
    return _log_path


def is_debug() -> bool:
    return _debug


def content(text) -> str:
    """User or model text for a log line: the text itself only with debug logging on."""
    if text is None:
        return "None"
    s = str(text)
    return repr(s) if _debug else f"<{len(s)} characters hidden; debug logging shows them>"


def where() -> str:
    """"details in /path/hearth.log" for a one-line error message."""
    return f"details in {_log_path}" if _log_path else "no log file could be written"
