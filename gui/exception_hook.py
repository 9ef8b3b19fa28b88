"""The last resort for errors nobody caught: logged with the traceback, shown in the window's banner.

``main()`` (gui/app.py) installs one ``ExceptionHook`` once the main window exists, for exceptions in
Qt slots and event handlers and in Python threads, and uninstalls it after the event loop ends.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Callable

from gui.qt import QObject, QtCore, Signal

from engine import logs
from engine.errors import HearthError

# One logger for the app's shell (app.py, app_setup.py, exception_hook.py, main_window.py).
log = logging.getLogger("gui.app")


class ExceptionHook(QObject):
    """Unexpected exceptions anywhere in the app: logged with the traceback, shown in a banner.

    Installed as ``sys.excepthook`` (PySide calls it for exceptions in slots and
    event handlers, on whatever thread they ran) and ``threading.excepthook``
    (Python threads). The object lives in the GUI thread: ``raised`` is emitted
    from the failing thread, so from any other thread the banner update is
    queued into the GUI thread.
    """

    raised = Signal(str)

    def __init__(self, show: Callable[[str], None], parent=None):
        super().__init__(parent)
        self._show = show
        self._prev_sys = None
        self._prev_thread = None
        self.raised.connect(self._on_raised)

    def install(self) -> "ExceptionHook":
        self._prev_sys, self._prev_thread = sys.excepthook, threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self.handle:
            sys.excepthook = self._prev_sys or sys.__excepthook__
        if threading.excepthook == self._handle_thread:
            threading.excepthook = self._prev_thread or threading.__excepthook__

    @staticmethod
    def message(exc_type, exc) -> str:
        if isinstance(exc, HearthError):
            return str(exc)   # a sentence meant for the user that nobody caught
        text = " ".join(str(exc).split())
        if len(text) > 200:
            text = text[:200] + "…"
        return (QtCore.QCoreApplication.translate("ExceptionHook", "Something went wrong: %1. Hearth keeps "
                                                  "running; %2.")
                .replace("%1", f"{exc_type.__name__}{': ' + text if text else ''}").replace("%2", logs.where()))

    def handle(self, exc_type, exc, tb, thread_name: str | None = None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            (self._prev_sys or sys.__excepthook__)(exc_type, exc, tb)
            return
        try:
            where = f" in thread {thread_name}" if thread_name else ""
            log.error("unexpected error%s", where, exc_info=(exc_type, exc, tb))
            self.raised.emit(self.message(exc_type, exc))
        except Exception:
            # The window is gone (shutting down) or logging failed: never raise from here.
            try:
                sys.__excepthook__(exc_type, exc, tb)
            except Exception:
                pass

    def _handle_thread(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback,
                    args.thread.name if args.thread is not None else None)

    def _on_raised(self, message: str) -> None:
        self._show(message)
