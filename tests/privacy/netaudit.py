"""Records every attempt to reach the network: ``socket.connect`` on an AF_INET/AF_INET6 socket
(loopback included) and every name lookup (``socket.getaddrinfo`` and friends).

Audit hooks cannot be removed, so the hook is installed once per process (when this module is
first imported) and does nothing until ``recording()`` switches it on. Local pipes are not network:
the model host talks over multiprocessing pipes and pytest-qt over nothing at all; an AF_UNIX
``connect`` (D-Bus for the keyring) is ignored.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import traceback

LOOKUPS = ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr",
           "socket.getnameinfo")
_INET = (socket.AF_INET, socket.AF_INET6)

_recording = False
attempts: list[dict] = []
_lock = threading.Lock()


def _hook(event: str, args) -> None:
    if not _recording:
        return
    if event in ("socket.connect", "socket.sendto"):
        sock = args[0]
        if getattr(sock, "family", None) not in _INET:
            return
        what = args[1] if event == "socket.connect" else args[-1]
    elif event in LOOKUPS:
        what = args
    else:
        return
    entry = {"event": event, "target": repr(what)[:200], "thread": threading.current_thread().name,
             "stack": "".join(traceback.format_stack(limit=12)[:-1])}
    with _lock:
        attempts.append(entry)


sys.addaudithook(_hook)


@contextlib.contextmanager
def recording():
    """Record network attempts inside the block; yields the list (cleared at the start)."""
    global _recording
    with _lock:
        attempts.clear()
    _recording = True
    try:
        yield attempts
    finally:
        _recording = False


def report(found: list[dict]) -> str:
    return "\n\n".join(f"{a['event']} {a['target']} on thread {a['thread']}:\n{a['stack']}" for a in found)
