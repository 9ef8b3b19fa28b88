"""Conversation storage for the GUI: writes on a worker thread, nothing on the GUI thread waits.

``StorageWorker`` owns one Python thread and, on it, its own ``engine.store.Store``
(a SQLite connection is used from one thread; see engine/store.py). Writes are
jobs run one at a time in the order they were submitted, so a later job sees
what an earlier one wrote.

- A job may take a ``Pending`` as an argument: the value (a new row's id) an
  earlier job produces. The worker substitutes it before the call; the GUI
  never waits for the id.
- A job that finds the database locked by another process (a CLI script
  writing) is retried, in order, until it succeeds: nothing is lost.
  ``busyChanged(True)`` says so once, ``busyChanged(False)`` when it is saved.
- Any other failure goes to the job's ``on_error(sentence)``, or, without
  one, becomes ``failed(sentence)``; the job's Pending carries the sentence,
  and jobs that needed its value fail quietly with it.
- Results come back to the GUI thread as queued signals; ``on_done`` and
  ``on_error`` callbacks run there.

``submit(..., key=K)`` replaces a job with the same key that has not started
yet (a reply saved every second while the database is locked stays one job).
"""

from __future__ import annotations

import threading
from collections import deque
from pathlib import Path
from typing import Any, Callable

from engine.errors import HearthError
from gui.qt import QObject, QtCore, Signal

WORKER_BUSY_TIMEOUT_MS = 1000   # one attempt waits this long for the lock (off the GUI thread)
RETRY_S = 0.5                   # then the job is tried again after this pause
READ_BUSY_TIMEOUT_MS = 250      # the GUI thread's own connection (reads) gives up after this
SHUTDOWN_WAIT_S = 10.0          # closing the window waits at most this long for unsaved changes

BUSY_MESSAGE = QtCore.QT_TRANSLATE_NOOP("Storage", "The database is busy (another Hearth process is writing); "
                                                   "your changes are kept and will be saved.")


def is_locked_error(e: BaseException) -> bool:
    """True when SQLite gave up waiting for another connection's lock (worth retrying)."""
    text = str(e).lower()
    return "database is locked" in text or "database table is locked" in text or "database is busy" in text


def readable(e: BaseException) -> str:
    if isinstance(e, HearthError):
        return str(e) or type(e).__name__
    return f"unexpected error: {type(e).__name__}: {e}"


class Pending:
    """A value a storage job will produce; ``done`` once it has (``error`` set if it failed)."""

    __slots__ = ("value", "error", "done")

    def __init__(self):
        self.value: Any = None
        self.error: str | None = None
        self.done = False

    def __repr__(self) -> str:
        state = f"={self.value!r}" if self.done and self.error is None else (
            f" failed: {self.error}" if self.done else " pending")
        return f"<Pending{state}>"


def resolved(x):
    """``x`` itself, or the value of a Pending (None while it is not known)."""
    if isinstance(x, Pending):
        return x.value if x.done and x.error is None else None
    return x


class _DependencyFailed(Exception):
    pass


class _Job:
    __slots__ = ("fn", "args", "kwargs", "key", "pending", "on_done", "on_error", "started", "silent")

    def __init__(self, fn, args, kwargs, key, on_done, on_error):
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.key = key
        self.pending = Pending()
        self.on_done: list[Callable] = [on_done] if on_done else []
        self.on_error: list[Callable] = [on_error] if on_error else []
        self.started = False
        self.silent = False


class _Relay(QObject):
    """Lives on the GUI thread; emitted from the worker thread, so delivery is queued."""

    jobDone = Signal(object)
    busy = Signal(bool)


class StorageWorker(QObject):
    """Runs ``fn(store, *args)`` jobs on its own thread with its own Store."""

    busyChanged = Signal(bool)     # True: the database is locked, jobs wait; False: saved again
    failed = Signal(str)           # a write failed (not a lock): one sentence for the banner
    jobFinished = Signal()         # a job's result has been handled on the GUI thread

    def __init__(self, path: str | Path, parent=None, *, busy_timeout_ms: int = WORKER_BUSY_TIMEOUT_MS,
                 retry_s: float = RETRY_S, store_factory: Callable | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.retry_s = retry_s
        self._store_factory = store_factory
        self._store = None
        self._queue: deque[_Job] = deque()
        self._cond = threading.Condition()
        self._closing = False
        self._abandon = False
        self._outstanding = 0          # submitted, not yet handled on the GUI thread
        self.busy = False              # as last reported on the GUI thread
        self._worker_busy = False      # as known on the worker thread
        self._relay = _Relay()
        self._relay.jobDone.connect(self._on_job_done)
        self._relay.busy.connect(self._on_busy)
        self._thread = threading.Thread(target=self._run, name="hearth-storage", daemon=True)
        self._thread.start()

    # ---- GUI thread --------------------------------------------------------------------
    def submit(self, fn: Callable, *args, key=None, on_done: Callable | None = None,
               on_error: Callable | None = None, **kwargs) -> Pending:
        """Queue ``fn(store, *args, **kwargs)``; returns the Pending of its result at once."""
        with self._cond:
            if self._closing:
                raise RuntimeError("the storage worker is shut down")
            if key is not None:
                for job in self._queue:
                    if job.key == key and not job.started:
                        job.fn, job.args, job.kwargs = fn, args, kwargs
                        if on_done:
                            job.on_done.append(on_done)
                        if on_error:
                            job.on_error.append(on_error)
                        return job.pending
            job = _Job(fn, args, kwargs, key, on_done, on_error)
            self._queue.append(job)
            self._outstanding += 1
            self._cond.notify_all()
        return job.pending

    def idle(self) -> bool:
        """Every submitted job has run and its result has been handled."""
        with self._cond:
            return self._outstanding == 0

    def _on_job_done(self, job: _Job) -> None:
        with self._cond:
            self._outstanding -= 1
        p = job.pending
        on_done, on_error = job.on_done, job.on_error
        job.on_done, job.on_error, job.fn = [], [], None   # closures are freed here, on the GUI thread
        if p.error is None:
            for cb in on_done:
                cb(p.value)
        elif on_error:
            for cb in on_error:
                cb(p.error)
        elif not job.silent:
            self.failed.emit(p.error)
        self.jobFinished.emit()

    def _on_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busyChanged.emit(busy)

    def shutdown(self, timeout_s: float = SHUTDOWN_WAIT_S) -> bool:
        """Run what is queued (waiting at most ``timeout_s`` for a locked database), then stop.
        True when everything was saved."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            with self._cond:
                self._abandon = True          # stop retrying: the window is closing
                self._cond.notify_all()
            self._thread.join(max(2.0, self.busy_timeout_ms / 1000 * 2))
        with self._cond:
            unsaved = len(self._queue)
        return unsaved == 0 and not self._thread.is_alive()

    # ---- worker thread -------------------------------------------------------------------
    def _open(self):
        if self._store is None:
            if self._store_factory is not None:
                self._store = self._store_factory()
            else:
                from engine.store import Store

                self._store = Store(self.path, busy_timeout_ms=self.busy_timeout_ms)
        return self._store

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    while not self._queue and not self._closing:
                        self._cond.wait()
                    if not self._queue or self._abandon:
                        break
                    job = self._queue[0]
                    job.started = True
                if not self._execute(job):
                    break                      # abandoned while the database stayed locked
                with self._cond:
                    self._queue.popleft()
                self._emit(self._relay.jobDone, job)
        finally:
            if self._store is not None:
                try:
                    self._store.close()
                except Exception:
                    pass
                self._store = None

    def _execute(self, job: _Job) -> bool:
        while True:
            try:
                args = [self._arg(a) for a in job.args]
                kwargs = {k: self._arg(v) for k, v in job.kwargs.items()}
                value = job.fn(self._open(), *args, **kwargs)
            except _DependencyFailed as e:
                job.pending.error, job.silent = str(e), True
            except Exception as e:  # every failure becomes a sentence, never a dead thread
                if is_locked_error(e):
                    self._set_busy(True)
                    with self._cond:
                        if not self._abandon:
                            self._cond.wait(self.retry_s)
                        if self._abandon:
                            return False
                    continue
                job.pending.error = readable(e)
                self._set_busy(False)      # the database answered
            else:
                job.pending.value = value
                self._set_busy(False)
            job.pending.done = True
            return True

    @staticmethod
    def _arg(a):
        if isinstance(a, Pending):
            if a.error is not None:
                raise _DependencyFailed(a.error)
            if not a.done:  # cannot happen in FIFO order; be explicit if it ever does
                raise _DependencyFailed("a change it depends on was not saved")
            return a.value
        return a

    def _set_busy(self, busy: bool) -> None:
        if busy != self._worker_busy:
            self._worker_busy = busy
            self._emit(self._relay.busy, busy)

    @staticmethod
    def _emit(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the GUI side is gone (window closed): nothing to tell
            pass
