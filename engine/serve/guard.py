"""Who may talk to the local API over HTTP, and how much: the checks before a request reaches the app.

A web page in any browser tab can send requests to ``http://127.0.0.1:PORT``. Three doors are shut:

* **DNS rebinding**: a page on ``attacker.example`` re-points its name at 127.0.0.1 and then reads the
  replies as same-origin. Its requests carry ``Host: attacker.example``: only the bound address,
  ``localhost`` and the names the user allowed are answered (bound to every address, 0.0.0.0 or ::,
  any IP address too — a rebinding always uses a name).
* **Simple cross-origin requests**: a browser sends a ``text/plain`` POST to any origin without asking
  first. Bodies must be ``Content-Type: application/json`` (which a browser only sends cross-origin
  after a CORS preflight), and a request whose ``Origin`` is neither this server nor one the user
  allowed is refused. Allowed origins get CORS answers (preflight included) and may read the replies.
* **Size**: a body larger than the limit (8 MB unless configured) is refused with 413 from its
  ``Content-Length`` before any of it is read; a body without one (chunked) is cut off when the bytes
  read pass the limit. The connection then closes; what the client is still sending is dropped unread
  first, for up to ``LINGER_S`` and ``LINGER_BYTES``, so that it reads the 413 instead of a reset
  connection (a socket closed with unread data sends a TCP reset).

Refusals are one line of JSON in OpenAI's error shape. Pure ASGI: no Starlette needed here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import time
from dataclasses import dataclass

from engine.errors import BadInputError

MB = 1024 * 1024
DEFAULT_MAX_BODY_MB = 8
MAX_BODY_MB = 1024           # the largest limit one may set
MIN_API_KEY_LENGTH = 16      # an API key for an address other computers can reach
LINGER_S = 3.0               # after a 413, what the client still sends is read and dropped this long at most,
LINGER_BYTES = 16 * MB       # and this much at most

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_NAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_ORIGIN = re.compile(r"^(https?)://(\[[0-9a-f:.]+\]|[^/:\[\]]+)(?::(\d{1,5}))?$")
_HEADER_LIST = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~,\s-]*$")


class BodyTooLarge(Exception):
    """The request body passed the limit while it was read (raised by the guarded ``receive``)."""

    def __init__(self, limit: int):
        super().__init__(too_large_message(limit))
        self.limit = limit


def too_large_message(limit: int) -> str:
    return (f"the request body is larger than this server's limit of {_mb(limit)} "
            "(serve --max-body-mb; Preferences' setting \"max_body_mb\")")


def _mb(n: int) -> str:
    return f"{n // MB} MB" if n % MB == 0 else f"{n} bytes"


def _ip(name: str):
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def normal_host(value) -> str:
    """A host name or IP address as the Host header check compares it (lower case, no brackets, no final
    dot); BadInputError when it is not one."""
    text = str(value).strip() if isinstance(value, str) else ""
    name = text.lower().rstrip(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name and (_ip(name) is not None or _NAME.match(name)):
        return name
    raise BadInputError(f"{value!r} is not a host name (like mypc.local or 192.168.1.20)")


def normal_origin(value) -> str:
    """A web origin as browsers send it (``scheme://host[:port]``, lower case, no default port);
    BadInputError when it is not one."""
    text = str(value).strip().lower().rstrip("/") if isinstance(value, str) else ""
    m = _ORIGIN.match(text)
    if m:
        scheme, host, port = m.groups()
        try:
            normal_host(host)
            ok = port is None or 1 <= int(port) <= 65535
        except BadInputError:
            ok = False
        if ok:
            if (scheme, port) in (("http", "80"), ("https", "443")):
                port = None
            return f"{scheme}://{host}" + (f":{int(port)}" if port else "")
    raise BadInputError(f"{value!r} is not a web origin (like https://app.example or http://localhost:3000)")


def _names(values, normal) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        normal(values)   # says what is wrong with it
    out: list[str] = []
    for v in values:
        n = normal(v)
        if n not in out:
            out.append(n)
    return tuple(out)


@dataclass(frozen=True)
class Access:
    """The user's choices: origins and host names allowed besides the server's own, the body limit."""

    allow_origins: tuple[str, ...] = ()
    allow_hosts: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_MB * MB

    @classmethod
    def make(cls, origins=(), hosts=(), max_body_mb=None) -> Access:
        """From ``serve`` flags or settings; BadInputError in one sentence for a value that is not right."""
        if max_body_mb is None:
            max_body_mb = DEFAULT_MAX_BODY_MB
        if isinstance(max_body_mb, bool) or not isinstance(max_body_mb, (int, float)) \
                or not 1 <= max_body_mb <= MAX_BODY_MB:
            raise BadInputError(f"the largest request body must be between 1 and {MAX_BODY_MB} MB "
                                f"(got {max_body_mb!r})")
        return cls(_names(origins, normal_origin), _names(hosts, normal_host), int(max_body_mb * MB))

    @classmethod
    def from_settings(cls, saved) -> Access:
        """From the settings key ``"serve"`` (Preferences → Local API): ``allow_origins``, ``allow_hosts``,
        ``max_body_mb``."""
        saved = saved if isinstance(saved, dict) else {}
        return cls.make(saved.get("allow_origins"), saved.get("allow_hosts"), saved.get("max_body_mb"))


def check_api_key(host: str, api_key: str | None) -> None:
    """An API key guarding an address other computers reach must be long enough not to be guessed."""
    n = len((api_key or "").strip())
    if n < MIN_API_KEY_LENGTH:
        raise BadInputError(f"an API key for serving on {host} must be at least {MIN_API_KEY_LENGTH} characters "
                            f"long (this one has {n})")


# ---- the ASGI middleware ----------------------------------------------------------------------

def _error_body(message: str, code: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": "invalid_request_error", "param": None,
                                 "code": code}}).encode()


def _host_name(header: str) -> str:
    """The name part of a Host header (no port, no brackets, lower case, no final dot)."""
    h = header.strip().lower()
    if h.startswith("["):
        name = h[1:h.find("]")] if "]" in h else h
    else:
        name = h.rsplit(":", 1)[0] if h.count(":") == 1 else h
    return name.rstrip(".")


class AccessGuard:
    """ASGI middleware: Host, Origin (CORS for allowed origins), Content-Type and body size checks."""

    def __init__(self, app, access: Access, bound: tuple[str, ...]):
        """``bound``: the address the server listens on, as given and as bound (``socket.getsockname``)."""
        self.app = app
        self.access = access
        names = {"localhost"}
        self.any_ip = False
        for b in bound:
            n = (b or "").strip().strip("[]").lower().rstrip(".")
            ip = _ip(n)
            if ip is not None and ip.is_unspecified:
                self.any_ip = True
            elif n:
                names.add(n)
        self.names = frozenset(names | set(access.allow_hosts))
        self.origins = frozenset(access.allow_origins)

    def host_allowed(self, header: str) -> bool:
        name = _host_name(header)
        if name in self.names:
            return True
        return self.any_ip and _ip(name) is not None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers: dict[str, list[str]] = {}
        for k, v in scope.get("headers") or ():
            headers.setdefault(k.decode("latin-1").lower(), []).append(v.decode("latin-1"))

        def one(name: str) -> str | None:
            values = headers.get(name)
            return values[0] if values else None

        # A client that waits for "100 Continue" sends no body after a refusal made before the app read any
        # (uvicorn sends the 100 when the body is first read): nothing to drop then.
        linger = "100-continue" not in (one("expect") or "").lower()

        cors_headers: list = []   # set once the Origin is one the user allowed: that page may read the reply

        async def refuse(status: int, message: str, code: str, extra: list | None = None, drop: bool = False):
            body = _error_body(message, code)
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())] + (extra or []) + cors_headers})
            if drop and linger:
                await send({"type": "http.response.body", "body": body, "more_body": True})
                await _drop_the_rest(receive)
                await send({"type": "http.response.body", "body": b""})
            else:
                await send({"type": "http.response.body", "body": body})

        for name in ("host", "origin", "content-length", "content-type"):
            if len(headers.get(name, ())) > 1:
                return await refuse(400, f"the request has more than one {name.title()} header", "bad_request")
        host = one("host")
        if host is not None and not self.host_allowed(host):
            return await refuse(
                400, f"this server does not answer to the host name {_host_name(host)!r}; add it with serve "
                     "--allow-host (Preferences' setting \"allow_hosts\") if it is this computer's name",
                "host_not_allowed")

        origin = one("origin")
        allowed_origin = None
        if origin is not None:
            try:
                o = normal_origin(origin)
            except BadInputError:
                o = None
            if o is not None and o in self.origins:
                allowed_origin = origin
            elif o is None or host is None or o != f"http://{host.strip().lower()}":
                return await refuse(
                    403, f"requests from the web page at {origin[:200]!r} are not allowed; allow its origin with "
                         "serve --allow-origin (Preferences' setting \"allow_origins\")", "origin_not_allowed")

        if allowed_origin is not None:
            cors_headers += [(b"access-control-allow-origin", allowed_origin.encode("latin-1")), (b"vary", b"Origin")]
        method = scope.get("method", "GET")
        if method == "OPTIONS" and one("access-control-request-method") is not None:
            if allowed_origin is None:
                return await refuse(403, "this server answers CORS preflight requests only from origins allowed "
                                         "with serve --allow-origin", "origin_not_allowed")
            wanted = one("access-control-request-headers") or ""
            cors = cors_headers + [(b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                                   (b"access-control-max-age", b"600")]
            if wanted and _HEADER_LIST.match(wanted):
                cors.append((b"access-control-allow-headers", wanted.encode("latin-1")))
            return await send_empty(send, 204, cors)

        limit = self.access.max_body_bytes
        length = one("content-length")
        if length is not None:
            try:
                n = int(length)
            except ValueError:
                n = -1
            if n < 0:
                return await refuse(400, "the Content-Length header is not a number", "bad_request",
                                    [(b"connection", b"close")])
            if n > limit:
                # Refused from the header: nothing of the body is read, and the connection closes.
                return await refuse(413, too_large_message(limit), "request_too_large", [(b"connection", b"close")],
                                    drop=True)
        if method in ("POST", "PUT", "PATCH"):
            media = (one("content-type") or "").split(";", 1)[0].strip().lower()
            if media != "application/json":
                return await refuse(415, "the request body must be JSON sent with 'Content-Type: application/json'",
                                    "unsupported_media_type")

        read, over = 0, False

        async def counted_receive():
            nonlocal read, over
            message = await receive()
            if message.get("type") == "http.request":
                read += len(message.get("body", b""))
                if read > limit:
                    over = True   # the app answers 413 (app.py) and the connection closes
                    raise BodyTooLarge(limit)
            return message

        async def guarded_send(message):
            kind = message.get("type")
            if kind == "http.response.start" and cors_headers:
                message = dict(message, headers=list(message.get("headers") or []) + cors_headers)
            elif kind == "http.response.body" and over and not message.get("more_body"):
                await send(dict(message, more_body=True))
                await _drop_the_rest(receive)
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        return await self.app(scope, counted_receive, guarded_send)


async def _drop_the_rest(receive) -> None:
    """Read and drop what the client still sends, ``LINGER_S`` and ``LINGER_BYTES`` at most (see the module's
    docstring)."""
    deadline, dropped = time.monotonic() + LINGER_S, 0
    while (left := deadline - time.monotonic()) > 0 and dropped < LINGER_BYTES:
        try:
            message = await asyncio.wait_for(receive(), min(left, 1.0))
        except asyncio.TimeoutError:
            return
        if message.get("type") != "http.request" or not message.get("more_body"):
            return
        dropped += len(message.get("body", b""))


async def send_empty(send, status: int, headers: list) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
