"""The listening socket of the local API, shared by ``python main.py serve`` and the app's switch.

The socket is bound before the model loads, so a taken port fails at once in one sentence.
"""

from __future__ import annotations

import ipaddress
import socket

from engine.errors import BadInputError

DEFAULT_PORT = 8765


def _ip(host: str):
    try:
        return ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer only (localhost, 127.x, ::1)."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    ip = _ip(host)
    return ip is not None and ip.is_loopback


def is_wildcard(host: str) -> bool:
    """Whether ``host`` is every address of this computer (0.0.0.0, ::)."""
    ip = _ip(host)
    return ip is not None and ip.is_unspecified


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port); BadInputError in one sentence."""
    h = host.strip("[]")
    family = socket.AF_INET6 if ":" in h else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((h, port))
    except OSError as e:
        sock.close()
        raise BadInputError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
