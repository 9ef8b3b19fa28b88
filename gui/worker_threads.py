"""One owner for a pane's worker threads: each QObject worker on its own named QThread, one place to stop them.

The pattern the app uses for anything slow (as the bridge keeps the loaded model on its own thread): a worker
QObject is moved to a dedicated QThread, the GUI reaches it through queued signals, and the object that made
the threads is the single point where they stop. The Ask pane (an index and a data thread) and the Compare
pane (a run and a data thread) each had their own copy of this; ``WorkerThreads`` is that copy, once.

``WorkerThreads(log, Threaded(worker, "hearth-…", cancel=…, late="…"), …)`` makes one QThread per worker
(its objectName is the thread's name, so a stack dump or ``ps -L`` says whose it is), moves the worker there
and starts the threads, in the order given. ``stop(timeout_ms)``, from the thread that made them:

1. calls each worker's ``cancel`` (a direct call that only sets flags, so a running job ends at its next
   check: Ask's indexing, Compare's runs);
2. asks every thread's event loop to quit, all before waiting for any, so they wind down together;
3. waits for each thread in turn, at most ``timeout_ms`` each (the GUI is never held longer than that per
   thread). A thread that stopped has its worker's ``close()`` called here, once: the thread has finished,
   so nothing else uses the database connection or embedding model being closed; an error from ``close`` is
   logged, never raised. A thread that did not stop in time is reported with its ``late`` sentence (a
   warning on ``log``; ``late=None`` says nothing) and its worker is not closed: closing a Store under a job
   still running would pull it from under the job.

``stop`` may be called again: a worker is closed at most once, and a thread that was late is waited for
(and its worker closed) then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from gui.qt import QObject, QThread


def close_quietly(*resources) -> None:
    """Close each of ``resources`` in turn (None skipped): what a worker opened on its thread (a database
    connection, an embedding model), from its ``close()``. One that fails is logged and the rest are still
    closed: shutting down must never stop half way."""
    for resource in resources:
        if resource is None:
            continue
        try:
            resource.close()
        except Exception:
            logging.getLogger("gui.workers").warning("%s did not close cleanly", type(resource).__name__,
                                                     exc_info=True)


@dataclass(frozen=True)
class Threaded:
    """A worker and how its thread is named and stopped."""

    worker: QObject
    thread_name: str                              # the QThread's objectName, e.g. "hearth-ask-index"
    cancel: Callable[[], None] | None = None      # first thing ``stop`` does: end the running job (flags only)
    late: str | None = None                       # logged when the thread does not stop in time (None: nothing)


class WorkerThreads:
    """Owns workers and their QThreads: the one place they start and stop."""

    def __init__(self, log: logging.Logger, *threaded: Threaded):
        self._log = log
        self._entries: list[tuple[Threaded, QThread]] = []
        self._closed: set[int] = set()
        for t in threaded:
            thread = QThread()
            thread.setObjectName(t.thread_name)
            t.worker.moveToThread(thread)
            self._entries.append((t, thread))
        for _, thread in self._entries:
            thread.start()

    def thread_of(self, worker: QObject) -> QThread:
        """The QThread this owner made for ``worker``."""
        for t, thread in self._entries:
            if t.worker is worker:
                return thread
        raise KeyError(worker)

    def stop(self, timeout_ms: int) -> None:
        """Cancel the jobs, quit the threads, wait at most ``timeout_ms`` for each, close the workers that
        stopped (see the module's docstring)."""
        for t, _ in self._entries:
            if t.cancel is not None:
                t.cancel()
        for _, thread in self._entries:
            thread.quit()
        for i, (t, thread) in enumerate(self._entries):
            if not thread.wait(timeout_ms):
                if t.late is not None:
                    self._log.warning(t.late)
                continue
            if i in self._closed:
                continue
            self._closed.add(i)
            close = getattr(t.worker, "close", None)
            if close is None:
                continue
            try:
                close()
            except Exception:
                self._log.warning("closing the %s worker failed", t.thread_name, exc_info=True)
