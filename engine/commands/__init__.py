"""CLI command modules: each exposes register(subparsers)."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def ctrl_c_cancels(job) -> Iterator[threading.Event]:
    """While inside: the first Ctrl+C calls ``job.cancel()`` (the work so far is kept and the
    command reports it); a second one quits at once. Yields the event set by the first."""
    old = signal.getsignal(signal.SIGINT)
    stopped = threading.Event()

    def on_sigint(signum, frame):
        if stopped.is_set():
            raise KeyboardInterrupt
        stopped.set()
        job.cancel()

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield stopped
    finally:
        signal.signal(signal.SIGINT, old)
