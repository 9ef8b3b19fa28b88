"""A re-entrant lock that serves waiting threads in the order they came.

``threading.RLock`` makes no promise of order: a thread that releases it and asks again at once
(the local API's worker going on to its next queued request) usually gets it back before a thread
that has been waiting (the chat's reply), which can then wait for the whole queue. ``FairRLock``
hands the lock to the longest waiter: first come, first served, as the local API promises.
"""

from __future__ import annotations

import threading
from typing import Callable

CANCEL_POLL_S = 0.05   # how often a waiter that can be cancelled asks whether it was


class FairRLock:
    """Re-entrant, FIFO among threads. ``with lock:`` or acquire()/release() (blocking; a waiter can give up
    through ``acquire(cancelled=...)``)."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._owner: int | None = None
        self._depth = 0
        self._next_ticket = 0      # the ticket the next new waiter takes
        self._serving = 0          # the ticket whose turn it is
        self._abandoned: set[int] = set()   # tickets whose thread stopped waiting (an exception in wait)

    def acquire(self, cancelled: Callable[[], bool] | None = None) -> bool:
        """Wait for the lock (blocking). ``cancelled``: asked every ``CANCEL_POLL_S`` while waiting; once it
        is true the waiter gives its turn up and acquire returns False without the lock (a chat reply
        queued behind the local API's request can be Stopped). Returns True with the lock."""
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                self._depth += 1
                return True
            ticket = self._next_ticket
            self._next_ticket += 1
            try:
                while not (self._owner is None and self._serving == ticket):
                    if cancelled is None:
                        self._cond.wait()
                    elif cancelled():
                        self._give_up(ticket)
                        return False
                    else:
                        self._cond.wait(CANCEL_POLL_S)
                # Inside the try: an exception (KeyboardInterrupt) between here and the return hands the turn on.
                self._owner, self._depth = me, 1
                return True
            except BaseException:
                if self._owner == me:
                    # It landed after the lock was ours: the caller never learns it holds it, so release.
                    self._owner, self._depth = None, 0
                    self._serving += 1
                    self._skip_abandoned()
                else:
                    # KeyboardInterrupt in the main thread: give the turn up, or everyone after would wait forever
                    self._give_up(ticket)
                raise

    def _give_up(self, ticket: int) -> None:
        self._abandoned.add(ticket)
        self._skip_abandoned()

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
