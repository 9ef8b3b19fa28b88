"""Runs Hub calls (and other slow work) on a worker QThread; results come back as queued signals.

The pane submits ``(kind, fn)``; each kind keeps only its newest request: an
older one still waiting in the queue is skipped, and a result that arrives
after a newer request of the same kind is dropped by the pane (``is_current``).
So typing a new query never shows the previous query's results.
"""

from __future__ import annotations

import itertools
import threading
from typing import Callable

from engine.errors import HearthError
from gui.qt import QObject, QThread, Signal, Slot


def readable(e: BaseException) -> str:
    """A sentence for the banner from an engine (or unexpected) exception."""
    if isinstance(e, HearthError):
        return str(e) or type(e).__name__
    return f"unexpected error: {type(e).__name__}: {e}"


class _Worker(QObject):
    """Lives on the worker thread; runs submitted callables one at a time."""

    taskRequested = Signal(int, str, object)    # request id, kind, callable
    finished = Signal(int, str, object)         # request id, kind, result
    failed = Signal(int, str, str)              # request id, kind, readable message

    def __init__(self, owner: "HubWorker"):
        super().__init__()
        self._owner = owner
        self.taskRequested.connect(self._run)

    @Slot(int, str, object)
    def _run(self, req_id: int, kind: str, fn) -> None:
        if not self._owner.is_current(kind, req_id) or self._owner.stopping:
            return  # superseded while it waited in the queue
        try:
            result = fn()
        except Exception as e:  # every failure becomes a sentence, never a dead thread
            self.failed.emit(req_id, kind, readable(e))
        else:
            self.finished.emit(req_id, kind, result)


class HubWorker(QObject):
    """GUI-side handle: ``submit(kind, fn)`` returns a request id; results arrive via signals."""

    finished = Signal(int, str, object)
    failed = Signal(int, str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._lock = threading.Lock()
        self.stopping = False
        self.busy_kinds: set[str] = set()
        self.thread = QThread()
        self.thread.setObjectName("hearth-hub-worker")
        self._worker = _Worker(self)
        self._worker.moveToThread(self.thread)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self.thread.start()

    def submit(self, kind: str, fn: Callable[[], object]) -> int:
        req_id = next(self._ids)
        with self._lock:
            self._latest[kind] = req_id
        self.busy_kinds.add(kind)
        self._worker.taskRequested.emit(req_id, kind, fn)
        return req_id

    def is_current(self, kind: str, req_id: int) -> bool:
        with self._lock:
            return self._latest.get(kind) == req_id

    def _on_finished(self, req_id: int, kind: str, result) -> None:
        if self.is_current(kind, req_id) and not self.stopping:
            self.busy_kinds.discard(kind)
            self.finished.emit(req_id, kind, result)

    def _on_failed(self, req_id: int, kind: str, message: str) -> None:
        if self.is_current(kind, req_id) and not self.stopping:
            self.busy_kinds.discard(kind)
            self.failed.emit(req_id, kind, message)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Skip queued work, let the running call end (network timeouts bound it), stop the thread."""
        self.stopping = True
        self.thread.quit()
        if not self.thread.wait(timeout_ms):
            # A Hub call is still inside its network timeout: keep the objects alive until it ends,
            # rather than destroying a running QThread.
            _orphans.append((self.thread, self._worker))


_orphans: list = []
