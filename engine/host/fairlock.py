"""A re-entrant lock that serves waiting threads in the order they came.

``threading.RLock`` makes no promise of order: a thread that releases it and asks again at once
(the local API's worker going on to its next queued request) usually gets it back before a thread
that has been waiting (the chat's reply), which can then wait for the whole queue. ``FairRLock``
hands the lock to the longest waiter: first come, first served, as the local API promises.
"""

from __future__ import annotations

import threading


class FairRLock:
    """Re-entrant, FIFO among threads. ``with lock:`` or acquire()/release() (blocking only)."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._owner: int | None = None
        self._depth = 0
        self._next_ticket = 0      # the ticket the next new waiter takes
        self._serving = 0          # the ticket whose turn it is
        self._abandoned: set[int] = set()   # tickets whose thread stopped waiting (an exception in wait)

    def acquire(self) -> bool:
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                self._depth += 1
                return True
            ticket = self._next_ticket
            self._next_ticket += 1
            try:
                while not (self._owner is None and self._serving == ticket):
                    self._cond.wait()
            except BaseException:
                # KeyboardInterrupt in the main thread: give the turn up, or everyone after would wait forever
                self._abandoned.add(ticket)
                self._skip_abandoned()
                raise
            self._owner, self._depth = me, 1
            return True

    def _skip_abandoned(self) -> None:
        if self._owner is None:
            while self._serving in self._abandoned:
                self._abandoned.discard(self._serving)
                self._serving += 1
            self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            if self._owner != threading.get_ident():
                raise RuntimeError("cannot release a FairRLock held by another thread")
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._serving += 1
                self._skip_abandoned()

    def waiting(self) -> int:
        """How many threads wait for the lock now (tests, diagnostics)."""
        with self._cond:
            return (self._next_ticket - self._serving - len(self._abandoned)
                    - (1 if self._owner is not None else 0))

    __enter__ = acquire

    def __exit__(self, *exc) -> None:
        self.release()
