"""CLI command modules: each exposes register(subparsers)."""

from __future__ import annotations

import signal
import sys
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


def read_api_key_stdin() -> str:
    """The API key given with ``--api-key-stdin`` (endpoints add, serve): one line of standard input."""
    import sys

    from engine.errors import BadInputError

    if sys.stdin is None or sys.stdin.closed:
        raise BadInputError("--api-key-stdin: give the API key on standard input")
    key = sys.stdin.readline().strip()
    if not key:
        raise BadInputError("--api-key-stdin: standard input had no API key")
    return key


def warn_base_model(name: str) -> None:
    """On stderr, before anything runs and whatever the output format: ``name`` has no chat template, so it
    follows instructions poorly; the suggested instruction-tuned models are named."""
    from engine.library import base_model_warning
    from engine.printable import clean_name

    print(f"hearth: warning: {base_model_warning(clean_name(name))}", file=sys.stderr)
