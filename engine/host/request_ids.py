"""Request ids of one client and which of them are stopped (EngineClient and RemoteClient).

A Stop names one request, or none: "stop everything asked so far" (every id up to ``upto``). A named
Stop of a request that has not started yet waits for it; once a request is over its Stop is forgotten,
and a late Stop of a request already finished is not kept.
"""

from __future__ import annotations

from collections import deque


class RequestIds:
    """Not locked itself: the client holds its own lock around each call, because it changes more of its
    state in the same step (the host's cancel slot, the socket to shut, the hard-cancel clock)."""

    def __init__(self, keep_finished: int = 256):
        self.last = 0                      # the last id handed out
        self.upto = 0                      # every id up to this one is stopped
        self.named: set[int] = set()       # named Stops of requests not finished yet
        self._finished: deque[int] = deque(maxlen=keep_finished)   # a late Stop of one of these is not kept

    def new(self) -> int:
        self.last += 1
        return self.last

    def stop(self, request_id: int | None = None) -> int:
        """Record a Stop of ``request_id``, or of everything asked so far; returns the id it reaches."""
        if request_id is None:
            self.upto = max(self.upto, self.last)
            self.named = {i for i in self.named if i > self.upto}   # covered by ``upto`` now
            return self.last
        target = int(request_id)
        if target > self.upto and target not in self._finished:    # else nothing to keep
            self.named.add(target)
        return target

    def stopped(self, rid: int) -> bool:
        return self.upto >= rid or rid in self.named

    def finished(self, rid: int) -> None:
        """Request ``rid`` is over: its named Stop, if any, is no longer needed."""
        self.named.discard(rid)
        self._finished.append(rid)
