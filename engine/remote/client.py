"""Talking to a company inference server: the OpenAI-compatible HTTP API.

``RemoteAPI`` is the HTTP half (``requests``): ``GET {base}/models``,
``POST {base}/chat/completions`` and ``{base}/completions`` (streamed with
server-sent events, or not), and token counting. ``RemoteClient`` offers the
interface of ``engine.host.client.EngineClient`` (load / chat / complete /
tokenize / count_tokens / count_chat_tokens / new_request_id / cancel /
unload, returning ``GenerationStats``), so chat, summaries and comparisons
take a remote model like a local one.

Measured on the client: time to first token (request sent -> first text),
generation speed (tokens after the first / time after the first), total time.
Token figures come from the server's ``usage`` when it sends one (streams ask
for it with ``stream_options.include_usage``); otherwise completion tokens are
the streamed text chunks (servers send one token per chunk).

Token counting: llama.cpp's ``llama-server`` has ``POST /tokenize`` and
llama-cpp-python's server ``POST /extras/tokenize``; whichever answers is
used (exact). Without either, a stated estimate: one token per 3 ASCII
characters and one per other character (Japanese is about one token per
character; English about one per 4 characters), so it errs on the long side.
Chat prompts add an estimated ``CHAT_OVERHEAD_PER_MESSAGE`` tokens per message
for the server's template, corrected by the server's usage figures once a
reply reported them.

Stop (``cancel``) shuts the request's socket at once, also while a busy
server still holds the response's headers (``_Abort``: the connection hands
its socket over as the request goes): the server sees the client gone and
stops generating; the text so far is kept, and the result is "cancelled".
429/503 answers (the server is busy) are retried with backoff (a Stop during
the wait is a "cancelled" result too), and ``on_notice`` says so. Streams ask
for ``Accept-Encoding: identity`` and are decoded if a proxy compresses them. A
stream that ends without its end marker raises ``StreamCutError``, which
carries the partial reply marked incomplete.
"""

from __future__ import annotations

import json
import logging
import math
import socket
import threading
import time
from typing import Callable, Iterator

from engine.errors import BadInputError, CancelledError, EngineError
from engine.host.request_ids import RequestIds
from engine.host.protocol import GenerationStats, LoadOptions, SamplingOptions
from engine.endpoint_spec import Endpoint, insecure_key_problem
from engine.remote.keys import get_api_key

log = logging.getLogger("engine.remote")

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 600.0          # a big prompt on a busy server: no byte before the first token
RETRY_DELAYS_S = (1.0, 2.0, 4.0)
MAX_RETRY_AFTER_S = 30.0
DEFAULT_REMOTE_CTX = 2048        # context assumed when the server does not say (llama-cpp-python's default)
CHAT_OVERHEAD_PER_MESSAGE = 8    # template tokens per message, estimated (ChatML uses 5)
CHAT_OVERHEAD_REPLY = 4          # the assistant header the template adds
LLAMA_EXTRAS = ("top_k", "min_p", "repeat_penalty")


class StreamCutError(EngineError):
    """The connection ended mid-reply; ``stats`` holds the partial reply (finish_reason "incomplete")."""

    def __init__(self, message: str, stats: GenerationStats):
        super().__init__(message)
        self.stats = stats


def estimate_tokens(text: str) -> int:
    """The stated estimate: one token per 3 ASCII characters, one per other character."""
    ascii_chars = sum(1 for c in text if ord(c) < 128)
    return math.ceil(ascii_chars / 3) + (len(text) - ascii_chars)


def _server_message(resp) -> str:
    try:
        data = resp.json()
    except ValueError:
        text = " ".join((resp.text or "").split())
        return text[:200]
    if not isinstance(data, dict):
        return ""
    err = data.get("error")
    if isinstance(err, dict):
        msg = err.get("message") or ""
    elif isinstance(err, str):
        msg = err
    else:
        msg = data.get("detail") or data.get("message") or ""
    return " ".join(str(msg).split())[:200]


def _close_socket(resp) -> None:
    """Shut the response's socket so a read blocked in another thread ends now."""
    try:
        conn = getattr(resp.raw, "connection", None) or getattr(resp.raw, "_connection", None)
        sock = getattr(conn, "sock", None)
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
            return
    except OSError:
        return
    except Exception:
        pass
    try:
        resp.close()
    except Exception:
        pass


_current = threading.local()   # ``.abort``: the _Abort of the request this thread is making now


def _shut(sock) -> bool:
    """Shut both directions of ``sock``'s connection. On a TLS socket the plain socket's shutdown
    is used (``SSLSocket.shutdown`` would drop its TLS state under a read in another thread)."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
        return True
    except (OSError, ValueError, TypeError):
        return False


class _Abort:
    """Stop one request from another thread whatever it is doing: sending, waiting for the
    response's headers (a busy server may hold them for minutes), or reading the stream.

    While ``RemoteAPI.request`` runs, the connection hands over its socket (``_abortable_adapter``);
    ``abort()`` shuts it, so the read blocked on it ends at once. A socket handed over after the
    abort is shut as it comes. Connecting itself (TCP and the TLS handshake) is not interrupted:
    it is bounded by CONNECT_TIMEOUT_S, and the socket is shut as soon as it exists."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sock = None
        self._done = False
        self.aborted = False

    def attach(self, sock) -> None:
        if sock is None:
            return
        with self._lock:
            if self._done:
                return
            self._sock = sock
            shut = self.aborted
        if shut:
            _shut(sock)

    def abort(self) -> bool:
        """Shut the request's socket; False when it has none (yet)."""
        with self._lock:
            if self._done:
                return False
            self.aborted = True
            sock = self._sock
        return sock is not None and _shut(sock)

    def finish(self) -> None:
        """The request is over: forget its socket (the pool may give it to the next request)."""
        with self._lock:
            self._done = True
            self._sock = None


def _attach_current(sock) -> None:
    abort = getattr(_current, "abort", None)
    if abort is not None:
        abort.attach(sock)


_ADAPTER = None


def _abortable_adapter():
    """``requests``' HTTPAdapter whose connections hand their socket to the running request's
    ``_Abort`` once connected and before each request and response (a reused connection too)."""
    global _ADAPTER
    if _ADAPTER is not None:
        return _ADAPTER
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class _Hooks:
        def connect(self):
            super().connect()
            _attach_current(self.sock)

        def request(self, *args, **kwargs):
            _attach_current(self.sock)     # a kept-alive connection (a new one connects inside)
            return super().request(*args, **kwargs)

        def getresponse(self, *args, **kwargs):
            _attach_current(self.sock)
            return super().getresponse(*args, **kwargs)

    class _Conn(_Hooks, HTTPConnection):
        pass

    class _TLSConn(_Hooks, HTTPSConnection):
        pass

    class _Pool(HTTPConnectionPool):
        ConnectionCls = _Conn

    class _TLSPool(HTTPSConnectionPool):
        ConnectionCls = _TLSConn

    class AbortableAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}

    _ADAPTER = AbortableAdapter
    return _ADAPTER


class RemoteAPI:
    """HTTP calls to one endpoint. Errors are one sentence (BadInputError / EngineError)."""

    def __init__(self, endpoint: Endpoint, api_key: str | None = None,
                 on_notice: Callable[[str], None] | None = None):
        import requests

        key = api_key if api_key is not None else get_api_key(endpoint.name)
        if key and endpoint.key_in_clear and not endpoint.allow_insecure_key:
            raise BadInputError(insecure_key_problem(endpoint))   # never sent in clear without the user's word
        self.endpoint = endpoint
        self.base = endpoint.url.rstrip("/")
        self.root = self.base[:-3] if self.base.endswith("/v1") else self.base
        self.on_notice = on_notice
        self.session = requests.Session()
        self.session.trust_env = False          # no proxy or .netrc surprises: the URL the user gave
        self.session.verify = endpoint.tls_verify()
        self.session.headers["User-Agent"] = "Hearth"
        adapter = _abortable_adapter()()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.has_key = bool(key)
        if key:
            self.session.headers["Authorization"] = f"Bearer {key}"
        self.tokenizer: str | None = None       # "llama-server" | "llama-cpp-python" | "estimate"; None: not probed

    @property
    def host(self) -> str:
        return self.endpoint.host_label

    def close(self) -> None:
        self.session.close()

    def notice(self, text: str) -> None:
        log.info("%s", text)
        if self.on_notice:
            try:
                self.on_notice(text)
            except Exception:
                pass

    # ---- one request, with errors in one sentence and retries when busy ------------------------
    def request(self, method: str, url: str, *, json_body=None, stream: bool = False, what: str = "",
                cancelled: Callable[[], bool] | None = None, retry: bool = True,
                read_timeout: float = READ_TIMEOUT_S, abort: _Abort | None = None):
        """``cancelled``: raise CancelledError once it says so (``abort`` shuts the socket then, so a
        Stop ends even a wait for the response's headers)."""
        delays = list(RETRY_DELAYS_S) if retry else []
        attempt = 0
        while True:
            attempt += 1
            if cancelled and cancelled():
                raise CancelledError("stopped before the server answered")
            _current.abort = abort
            try:
                # A stream is read as it comes: ask for it uncompressed (a compressing proxy may buffer).
                resp = self.session.request(method, url, json=json_body, stream=stream,
                                            headers={"Accept-Encoding": "identity"} if stream else None,
                                            timeout=(CONNECT_TIMEOUT_S, read_timeout))
            except Exception as e:
                if cancelled and cancelled():   # the Stop shut the socket
                    raise CancelledError("stopped before the server answered") from None
                self._raise_request_error(e, read_timeout)
                raise
            finally:
                _current.abort = None
            if cancelled and cancelled() and resp.status_code >= 400:
                resp.close()
                raise CancelledError("stopped before the server answered")
            if resp.status_code in (429, 503) and delays:
                delay = delays.pop(0)
                ra = resp.headers.get("Retry-After")
                if ra:
                    try:
                        delay = min(max(float(ra), 0.0), MAX_RETRY_AFTER_S)
                    except ValueError:
                        pass
                resp.close()
                self.notice(f"the server at {self.host} is busy (HTTP {resp.status_code}); trying again in "
                            f"{delay:g} s (try {attempt + 1} of {len(RETRY_DELAYS_S) + 1})")
                end = time.monotonic() + delay
                while time.monotonic() < end:
                    if cancelled and cancelled():
                        raise CancelledError("stopped while the server was busy")
                    time.sleep(min(0.05, max(0.0, end - time.monotonic())))
                continue
            if resp.status_code >= 400:
                try:
                    self._raise_status(resp, what, attempt)
                finally:
                    resp.close()
            return resp

    def _raise_request_error(self, e: Exception, read_timeout: float) -> None:
        """A failed request in one sentence (returns for what is not a ``requests`` error)."""
        import requests

        if isinstance(e, requests.exceptions.SSLError):
            raise BadInputError(self._tls_message(e)) from None
        if isinstance(e, requests.exceptions.ConnectTimeout):
            raise EngineError(f"cannot reach {self.host}: it did not answer within "
                              f"{CONNECT_TIMEOUT_S:.0f} s") from None
        if isinstance(e, requests.exceptions.ReadTimeout):
            raise EngineError(f"{self.host} did not answer within {read_timeout:.0f} s") from None
        if isinstance(e, requests.exceptions.ConnectionError):
            raise EngineError(f"cannot reach {self.host} ({self._why_unreachable(e)}); check the "
                              f"endpoint's URL {self.base} and the network") from None
        if isinstance(e, requests.exceptions.RequestException):
            raise EngineError(f"the request to {self.host} failed ({type(e).__name__})") from None

    def _tls_message(self, e) -> str:
        text = str(e)
        reason = "its certificate could not be verified"
        if "hostname" in text.lower() or "doesn't match" in text.lower():
            reason = "its certificate is for another host name"
        elif "expired" in text.lower():
            reason = "its certificate has expired"
        elif "WRONG_VERSION_NUMBER" in text or "wrong version" in text.lower():
            reason = "it does not speak TLS on that port (try http://)"
        hint = ("give the company's CA bundle with `endpoints add NAME URL --ca-bundle FILE`"
                if "verify" in reason or "certificate could not" in reason else "check the endpoint's URL")
        return f"the secure connection to {self.host} failed: {reason}; {hint}"

    @staticmethod
    def _why_unreachable(e) -> str:
        text = str(e).lower()
        if "refused" in text:
            return "connection refused: nothing listens on that port"
        if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text \
                or "name resolution" in text:
            return "the host name is unknown"
        if "reset" in text:
            return "the connection was reset"
        if "timed out" in text:
            return "the connection timed out"
        return "the connection failed"

    def _raise_status(self, resp, what: str, attempt: int):
        code = resp.status_code
        msg = _server_message(resp)
        detail = f": {msg}" if msg else ""
        name = self.endpoint.name
        if code in (401, 403):
            if not self.has_key:
                raise BadInputError(f"the server at {self.host} needs an API key (HTTP {code}); set it with "
                                    f"`endpoints add {name} {self.base} --api-key-stdin`")
            raise BadInputError(f"the server at {self.host} refused the API key (HTTP {code}); set the right one "
                                f"with `endpoints add {name} {self.base} --api-key-stdin`")
        if code == 404:
            if what.startswith("model "):
                raise BadInputError(f"the server at {self.host} has no {what} (HTTP 404)")
            raise BadInputError(f"{self.host} has no OpenAI-compatible API at {self.base} (HTTP 404 for {what or 'the request'}); "
                                "check the endpoint's URL (it usually ends in /v1)")
        if code in (429, 503):
            raise EngineError(f"the server at {self.host} is busy (HTTP {code}) and still was after {attempt} "
                              f"tries; try again later")
        if 400 <= code < 500:
            raise BadInputError(f"the server at {self.host} refused the request (HTTP {code}{detail})")
        raise EngineError(f"the server at {self.host} failed (HTTP {code}{detail})")

    # ---- the API ----------------------------------------------------------------------------
    def models(self) -> list[dict]:
        """``GET {base}/models``: the server's models (dicts with at least ``id``)."""
        resp = self.request("GET", f"{self.base}/models", what="GET /models", read_timeout=60)
        try:
            data = resp.json()
        except ValueError:
            raise EngineError(f"{self.host} answered GET /models with something other than JSON; check the "
                              f"endpoint's URL {self.base}") from None
        items = data.get("data") if isinstance(data, dict) else data
        if isinstance(data, dict) and items is None:
            items = data.get("models")   # Ollama's native shape, when the URL lacks /v1
        if not isinstance(items, list):
            raise EngineError(f"{self.host} answered GET /models without a list of models; check the "
                              f"endpoint's URL {self.base}")
        out = []
        for m in items:
            if isinstance(m, dict) and isinstance(m.get("id") or m.get("name"), str):
                out.append(dict(m, id=m.get("id") or m.get("name")))
        return out

    def context_length(self, model: dict) -> int | None:
        """The context the server gives ``model``, where it says (vLLM, llama-server, LM Studio)."""
        for key in ("max_model_len", "context_length", "max_context_length", "n_ctx"):
            v = model.get(key)
            if isinstance(v, int) and v > 0:
                return v
        try:   # llama-server: the context actually allocated per slot
            resp = self.request("GET", f"{self.root}/props", what="GET /props", retry=False, read_timeout=30)
            props = resp.json()
            v = (props.get("default_generation_settings") or {}).get("n_ctx") or props.get("n_ctx")
            if isinstance(v, int) and v > 0:
                return v
        except (BadInputError, EngineError, ValueError, AttributeError):
            pass
        meta = model.get("meta")
        if isinstance(meta, dict) and isinstance(meta.get("n_ctx_train"), int):
            return meta["n_ctx_train"]
        return None

    # ---- tokens -------------------------------------------------------------------------------
    def _probe_tokenizer(self, model_id: str) -> None:
        """Which tokenize route this server has (asked once)."""
        for kind in ("llama-server", "llama-cpp-python"):
            try:
                self._tokenize_with(kind, "", model_id)
            except BadInputError as e:
                if "HTTP 401" in str(e) or "HTTP 403" in str(e):
                    raise
                continue
            except EngineError:
                continue
            self.tokenizer = kind
            if kind == "llama-cpp-python":
                self._bos = len(self._tokenize_with(kind, "", model_id, raw=True))
            return
        self.tokenizer = "estimate"

    _bos = 0

    def _tokenize_with(self, kind: str, text: str, model_id: str, raw: bool = False) -> list:
        if kind == "llama-server":
            resp = self.request("POST", f"{self.root}/tokenize", what="POST /tokenize", retry=False,
                                json_body={"content": text, "add_special": False, "parse_special": False},
                                read_timeout=60)
            toks = resp.json().get("tokens")
        else:
            # llama-cpp-python adds BOS (counted once and taken off) and parses control-token text.
            resp = self.request("POST", f"{self.root}/extras/tokenize", what="POST /extras/tokenize",
                                retry=False, json_body={"input": text, "model": model_id}, read_timeout=60)
            toks = resp.json().get("tokens")
            if not raw:
                toks = toks[self._bos:]
        if not isinstance(toks, list):
            raise EngineError(f"{self.host} answered tokenize without tokens")
        return [t["id"] if isinstance(t, dict) else t for t in toks]

    def tokenize(self, text: str, model_id: str) -> list[int] | None:
        """Exact tokens from the server, or None when it has no tokenize route."""
        if self.tokenizer is None:
            self._probe_tokenizer(model_id)
        if self.tokenizer == "estimate":
            return None
        return self._tokenize_with(self.tokenizer, text, model_id)

    # ---- streaming ------------------------------------------------------------------------------
    @staticmethod
    def _chunks(resp) -> Iterator[bytes]:
        raw = resp.raw
        read1 = getattr(raw, "read1", None)
        if read1 is None:
            yield from raw.stream(1024, decode_content=True)
            return
        while True:
            # decode_content: a proxy may gzip text/event-stream although we asked for identity;
            # requests leaves decoding to whoever reads ``raw``.
            data = read1(65536, decode_content=True)
            if not data:
                return
            yield data

    @classmethod
    def events(cls, resp) -> Iterator[str | None]:
        """The ``data:`` payloads of a server-sent-event stream, in order; ``None`` for the end marker."""
        buf = b""
        data: list[bytes] = []
        for chunk in cls._chunks(resp):
            buf += chunk
            while True:
                nl = buf.find(b"\n")
                if nl < 0:
                    break
                line, buf = buf[:nl].rstrip(b"\r"), buf[nl + 1:]
                if not line:
                    if data:
                        payload = b"\n".join(data).decode("utf-8", "replace")
                        data = []
                        yield None if payload.strip() == "[DONE]" else payload
                    continue
                if line.startswith(b":"):
                    continue   # a comment (keep-alive ping)
                if line.startswith(b"data:"):
                    v = line[5:]
                    data.append(v[1:] if v.startswith(b" ") else v)
        if data:   # a last event without its blank line
            payload = b"\n".join(data).decode("utf-8", "replace")
            yield None if payload.strip() == "[DONE]" else payload


class RemoteClient:
    """An engine client for one model on a remote endpoint (``NAME:MODEL_ID``).

    Same interface as ``EngineClient``; ``pid`` is None (no local process).
    Used from one thread at a time; ``new_request_id()`` and ``cancel()`` from
    any thread.
    """

    is_remote = True

    def __init__(self, endpoint: Endpoint, model_id: str, *, api_key: str | None = None,
                 on_notice: Callable[[str], None] | None = None, policy=None):
        self.endpoint = endpoint
        self.model_id = model_id
        self._api_key = api_key
        self._on_notice = on_notice
        self._policy = policy
        self.api: RemoteAPI | None = None     # made at load: nothing is contacted before
        self.model_path: str | None = None
        self.load_options: LoadOptions | None = None
        self.model_info: dict | None = None
        self._ids_lock = threading.Lock()
        self._lock = threading.Lock()
        self._ids = RequestIds(keep_finished=64)   # ids handed out and Stops
        self._running_id = 0
        self._resp = None
        self._abort: _Abort | None = None     # the running request's, so cancel() can shut its socket
        self._overhead = CHAT_OVERHEAD_PER_MESSAGE
        self.notices: list[str] = []
        self.listed_models: list[str] = []

    @property
    def ref(self) -> str:
        return f"{self.endpoint.name}:{self.model_id}"

    @property
    def host(self) -> str:
        return self.endpoint.host_label

    pid = None

    @property
    def alive(self) -> bool:
        return self.api is not None

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        if self._on_notice:
            self._on_notice(text)

    # ---- lifetime -----------------------------------------------------------------------------
    def load(self, model_path=None, options: LoadOptions | None = None,
             on_progress: Callable[[float], None] | None = None) -> dict:
        """Check the endpoint has the model (``GET /models``); no weights move. ``options.n_ctx``
        is the context to plan for when the server does not say."""
        if self._policy is not None:
            block = self._policy.remote_block(self.endpoint.host, self.endpoint.port)
            if block:
                raise BadInputError(block)
        options = options or LoadOptions()
        if self.api is None:
            self.api = RemoteAPI(self.endpoint, self._api_key, on_notice=self._notice)
        if on_progress:
            on_progress(0.0)
        models = self.api.models()
        ids = [m["id"] for m in models]
        self.listed_models = ids
        model = next((m for m in models if m["id"] == self.model_id), None)
        if model is None and ids:
            shown = ", ".join(ids[:8]) + (", …" if len(ids) > 8 else "")
            raise BadInputError(f"the server at {self.host} has no model {self.model_id!r} (it has: {shown})")
        if options.n_ctx:
            n_ctx, ctx_source = int(options.n_ctx), "asked"
        else:
            server_ctx = self.api.context_length(model or {})
            n_ctx, ctx_source = (server_ctx, "server") if server_ctx else (DEFAULT_REMOTE_CTX, "assumed")
        if on_progress:
            on_progress(1.0)
        self.model_path = self.ref
        self.load_options = options
        self.model_info = {"path": self.ref, "remote": True, "endpoint": self.endpoint.name, "host": self.host,
                           "model": self.model_id, "n_ctx": n_ctx, "ctx_source": ctx_source,
                           "has_chat_template": True, "gpu_layers": None, "name": self.model_id}
        if ctx_source == "assumed":
            self.model_info["plan_note"] = (f"{self.host} does not say its context length; planning for "
                                            f"{n_ctx} tokens (give --ctx to change it)")
        return self.model_info

    def unload(self) -> None:
        api, self.api = self.api, None
        if api is not None:
            api.close()
        self.model_path = self.model_info = None

    close = unload

    def kill_host(self) -> None:
        """EngineClient's emergency hook: there is no local process; the stream is closed."""
        self.cancel()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.unload()

    def _ensure(self) -> RemoteAPI:
        if self.api is None or self.model_info is None:
            raise BadInputError("no model is loaded")
        return self.api

    # ---- requests -----------------------------------------------------------------------------
    def new_request_id(self) -> int:
        with self._ids_lock:
            return self._ids.new()

    def cancel(self, request_id: int | None = None) -> None:
        """Stop ``request_id`` (or everything asked so far): the stream's socket is shut at once."""
        with self._ids_lock:
            target = self._ids.stop(request_id)
            running, resp, abort = self._running_id, self._resp, self._abort
        if running and (running == target or (request_id is None and running <= target)):
            shut = abort is not None and abort.abort()    # before the headers too
            if not shut and resp is not None:
                _close_socket(resp)

    def _is_cancelled(self, rid: int) -> bool:
        with self._ids_lock:
            return self._ids.stopped(rid)

    def _body(self, sampling: SamplingOptions, extras: bool) -> dict:
        body = {"model": self.model_id, "stream": True, "stream_options": {"include_usage": True},
                "max_tokens": sampling.max_tokens or None, "temperature": sampling.temperature,
                "top_p": sampling.top_p}
        if sampling.seed is not None:
            body["seed"] = sampling.seed
        if sampling.stop:
            body["stop"] = list(sampling.stop)
        if sampling.ignore_eos:
            body["ignore_eos"] = True
        if extras:
            for name in LLAMA_EXTRAS:
                body[name] = getattr(sampling, name)
        if body["max_tokens"] is None:
            del body["max_tokens"]
        return body

    def chat(self, messages: list[dict], sampling: SamplingOptions | None = None,
             on_text: Callable[[str], None] | None = None, request_id: int | None = None) -> GenerationStats:
        """Stream a reply from the server; returns the stats (text included), measured here."""
        msgs = [{"role": m["role"], "content": m["content"]} for m in messages]
        return self._stream("chat/completions", {"messages": msgs}, sampling or SamplingOptions(), on_text,
                            request_id, messages=msgs)

    def complete(self, prompt: str, sampling: SamplingOptions | None = None,
                 on_text: Callable[[str], None] | None = None, request_id: int | None = None) -> GenerationStats:
        return self._stream("completions", {"prompt": prompt}, sampling or SamplingOptions(), on_text,
                            request_id, prompt=prompt)

    def _stream(self, route: str, payload: dict, sampling: SamplingOptions, on_text, request_id,
                messages=None, prompt=None) -> GenerationStats:
        rid = request_id or self.new_request_id()
        try:
            with self._lock:
                if self._is_cancelled(rid):
                    return GenerationStats(finish_reason="cancelled")
                api = self._ensure()
                abort = _Abort()
                with self._ids_lock:
                    self._running_id = rid
                    self._abort = abort
                try:
                    return self._stream_locked(api, route, payload, sampling, on_text, rid, messages, prompt,
                                               abort)
                finally:
                    abort.finish()
                    with self._ids_lock:
                        self._running_id = 0
                        self._resp = None
                        self._abort = None
        finally:
            with self._ids_lock:   # the request is over: its Stop need not be kept
                self._ids.finished(rid)

    def _post_stream(self, api: RemoteAPI, route: str, payload: dict, sampling, rid: int, abort: _Abort):
        url = f"{api.base}/{route}"
        what = f"model {self.model_id!r}"
        cancelled = lambda: self._is_cancelled(rid)  # noqa: E731
        try:
            return api.request("POST", url, json_body={**payload, **self._body(sampling, True)}, stream=True,
                               what=what, cancelled=cancelled, abort=abort)
        except BadInputError as e:
            # A server that rejects llama.cpp's sampling extras (top_k, min_p, repeat_penalty): ask without.
            if "HTTP 400" in str(e) and any(n in str(e) for n in LLAMA_EXTRAS + ("extra", "unrecognized")):
                return api.request("POST", url, json_body={**payload, **self._body(sampling, False)},
                                   stream=True, what=what, cancelled=cancelled, abort=abort)
            raise

    def _stream_locked(self, api, route, payload, sampling, on_text, rid, messages, prompt,
                       abort: _Abort) -> GenerationStats:
        t0 = time.perf_counter()
        try:
            resp = self._post_stream(api, route, payload, sampling, rid, abort)
        except CancelledError:
            # Stopped before the reply began (e.g. while waiting out a busy server): a normal Stop,
            # as EngineClient answers it, not an error.
            if not self._is_cancelled(rid):
                raise
            return GenerationStats(finish_reason="cancelled", total_s=time.perf_counter() - t0)
        with self._ids_lock:
            self._resp = resp
        if self._is_cancelled(rid) and not abort.abort():     # a Stop raced with the request: close it now
            _close_socket(resp)
        parts: list[str] = []
        chunks = 0
        t_first = t_last = None
        finish = None
        usage = None
        done = False
        error = None
        try:
            for data in RemoteAPI.events(resp):
                if data is None:
                    done = True
                    break
                try:
                    event = json.loads(data)
                except ValueError:
                    continue
                if isinstance(event, dict) and event.get("error"):
                    err = event["error"]
                    error = " ".join(str(err.get("message") if isinstance(err, dict) else err).split())[:200]
                    break
                if isinstance(event.get("usage"), dict):
                    usage = event["usage"]
                for choice in event.get("choices") or []:
                    delta = choice.get("delta") or {}
                    text = delta.get("content") if route.startswith("chat") else choice.get("text")
                    if text:
                        now = time.perf_counter()
                        if t_first is None:
                            t_first = now
                        t_last = now
                        chunks += 1
                        parts.append(text)
                        if on_text:
                            on_text(text)
                    if choice.get("finish_reason"):
                        finish = choice["finish_reason"]
        except Exception as e:   # the connection broke (reset, chunked encoding cut, socket shut)
            log.debug("stream read ended: %s", type(e).__name__)
        finally:
            abort.finish()       # a late Stop must not shut the socket of the token counting below
            try:
                resp.close()
            except Exception:
                pass
        t_end = time.perf_counter()
        stats = GenerationStats(text="".join(parts))
        stats.total_s = t_end - t0
        stats.ttft_s = (t_first - t0) if t_first is not None else stats.total_s
        stats.completion_tokens = int((usage or {}).get("completion_tokens") or chunks)
        if t_first is not None and t_last is not None and t_last > t_first and stats.completion_tokens > 1:
            stats.gen_tok_s = (stats.completion_tokens - 1) / (t_last - t_first)
        if usage and usage.get("prompt_tokens"):
            stats.prompt_tokens = int(usage["prompt_tokens"])
            if messages is not None:
                self._learn_overhead(messages, stats.prompt_tokens)
        if self._is_cancelled(rid):
            stats.finish_reason = "cancelled"
            return stats
        if error:
            stats.finish_reason = "incomplete"
            raise StreamCutError(f"the server at {self.host} stopped the reply with an error: {error}", stats)
        if not done and finish is None:
            stats.finish_reason = "incomplete"
            raise StreamCutError(f"the connection to {self.host} was cut mid-reply; the reply is incomplete "
                                 f"({stats.completion_tokens} tokens kept)", stats)
        stats.finish_reason = "length" if finish == "length" else "stop"
        if not stats.prompt_tokens:
            try:
                stats.prompt_tokens = (self.count_chat_tokens(messages) if messages is not None
                                       else self.count_tokens([prompt])[0])
            except Exception:
                stats.prompt_tokens = 0
        if stats.prompt_tokens and stats.ttft_s > 0:
            stats.prompt_tok_s = stats.prompt_tokens / stats.ttft_s
        return stats

    # ---- tokens ---------------------------------------------------------------------------------
    @property
    def token_counting(self) -> str:
        """How tokens are counted: "exact (llama-server /tokenize)", ..., or the estimate."""
        kind = self.api.tokenizer if self.api else None
        if kind == "llama-server":
            return "exact (llama-server /tokenize)"
        if kind == "llama-cpp-python":
            return "exact (llama-cpp-python /extras/tokenize)"
        if kind == "estimate":
            return "estimated (no tokenize route): 1 token per 3 ASCII characters, 1 per other character"
        return "not yet known"

    def tokenize(self, text: str, special: bool = False) -> list[int]:
        api = self._ensure()
        toks = api.tokenize(text, self.model_id)
        if toks is None:
            raise BadInputError(f"the server at {self.host} has no tokenize route; tokens can only be estimated")
        return toks

    def count_tokens(self, texts: list[str]) -> list[int]:
        api = self._ensure()
        out = []
        for t in texts:
            toks = api.tokenize(t, self.model_id) if t else []
            out.append(estimate_tokens(t) if toks is None else len(toks))
        return out

    def count_chat_tokens(self, messages: list[dict]) -> int:
        """Prompt tokens of ``messages``: their text counted (exactly where the server can), plus the
        template's tokens per message (estimated, corrected by the server's usage figures)."""
        counts = self.count_tokens([m.get("content") or "" for m in messages])
        return sum(counts) + self._overhead * len(messages) + CHAT_OVERHEAD_REPLY

    def _learn_overhead(self, messages: list[dict], prompt_tokens: int) -> None:
        """The server said how many prompt tokens it used: size the per-message overhead from it
        (only with exact counts of the text; never below what ChatML needs)."""
        api = self.api
        if api is None or api.tokenizer not in ("llama-server", "llama-cpp-python") or not messages:
            return
        try:
            text = sum(self.count_tokens([m.get("content") or "" for m in messages]))
        except Exception:
            return
        per = math.ceil(max(0, prompt_tokens - text - CHAT_OVERHEAD_REPLY) / len(messages))
        self._overhead = max(per, 5)
