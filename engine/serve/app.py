"""The OpenAI-compatible HTTP API (Starlette + sse-starlette, run by uvicorn).

Endpoints::

    GET  /v1/models              the one loaded model (id = its library name)
    POST /v1/chat/completions    streamed (server-sent events) or not
    POST /v1/completions         streamed or not
    GET  /hearth/stats           completed / cancelled / failed counts, queue, recent requests

Every request goes through the ``ModelWorker``'s FIFO queue. A client that
disconnects (a closed stream, or a dropped connection while a non-streamed
reply is generated) cancels its request. With an API key set, every endpoint
wants ``Authorization: Bearer KEY`` (401 otherwise). Errors are OpenAI-style:
``{"error": {"message", "type", "param", "code"}}``.

Request fields used: ``model``, ``messages`` / ``prompt``, ``max_tokens``
(``max_completion_tokens`` for chat; at most the model's context length;
absent: ``DEFAULT_MAX_TOKENS`` or until the context is full), ``temperature``,
``top_p``, ``seed``, ``stop``, ``stream``, ``stream_options.include_usage``;
llama.cpp/vLLM extensions ``top_k``, ``min_p``, ``repeat_penalty``,
``ignore_eos``. Each is checked (type, range, finite) and a wrong one is a 400
naming it; NaN and Infinity are not JSON, and text holding a lone UTF-16 surrogate
(``"\\ud800"``) is not text. Administrator-locked settings win over the request:
sampling, and a locked system prompt, which replaces every system message a client
sends. Before any of this, ``guard.AccessGuard`` checks the Host
and Origin headers, the Content-Type and the body size.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
import re
import time
import uuid

from typing import TYPE_CHECKING

from engine.chat import pin_system
from engine.errors import BadInputError
from engine.host.protocol import SamplingOptions
from engine.serve.guard import Access, AccessGuard, BodyTooLarge
from engine.serve.worker import Job, ModelWorker

if TYPE_CHECKING:   # Starlette is imported when the app is made: this module imports without the extra
    from starlette.requests import Request
    from starlette.responses import JSONResponse

log = logging.getLogger("engine.serve")

FINISH_REASONS = ("stop", "length")


class ApiError(Exception):
    def __init__(self, status: int, message: str, type_: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type_, param, code

    def response(self) -> JSONResponse:
        return error_response(self.status, self.message, self.type, self.param, self.code)


def error_response(status: int, message: str, type_: str = "invalid_request_error",
                   param: str | None = None, code: str | None = None, headers: dict | None = None) -> JSONResponse:
    from starlette.responses import JSONResponse

    return JSONResponse({"error": {"message": message, "type": type_, "param": param, "code": code}},
                        status_code=status, headers=headers)


# ---- request parsing ---------------------------------------------------------------

DEFAULT_MAX_TOKENS = 2048   # a reply without max_tokens stops here (or when the context is full)
INT64 = 2 ** 63


class _NotANumber(ValueError):
    pass


def _reject_constant(name: str):
    raise _NotANumber(name)


def parse_json(raw: bytes) -> dict:
    """The request body as a JSON object; ApiError 400 for anything else (NaN and Infinity included, and
    nesting too deep for the parser)."""
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise ApiError(400, "the request body is nested too deeply") from None
    except _NotANumber as e:
        raise ApiError(400, f"the request body is not valid JSON: {e} is not a JSON number") from None
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    return body


def _number(body: dict, name: str, kind, lo=None, hi=None):
    """``body[name]`` as an int or float within [lo, hi]; None when absent or null; ApiError 400 otherwise."""
    v = body.get(name)
    if v is None:
        return None
    what = "an integer" if kind is int else "a number"
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ApiError(400, f"'{name}' must be {what}", param=name)
    if isinstance(v, float) and not math.isfinite(v):
        raise ApiError(400, f"'{name}' must be a finite number", param=name)
    if kind is int and isinstance(v, float):
        if not v.is_integer():
            raise ApiError(400, f"'{name}' must be an integer", param=name)
    if (lo is not None and v < lo) or (hi is not None and v > hi):   # int against int: no float overflow
        raise ApiError(400, f"'{name}' must be between {lo} and {hi}" if lo is not None and hi is not None
                       else f"'{name}' must be at least {lo}" if lo is not None else f"'{name}' must be at most {hi}",
                       param=name)
    return kind(v)


def _flag(body: dict, name: str) -> bool | None:
    v = body.get(name)
    if v is not None and not isinstance(v, bool):
        raise ApiError(400, f"'{name}' must be true or false", param=name)
    return v


def sampling_from_body(body: dict, policy=None, *, chat: bool, n_ctx: int | None = None) -> SamplingOptions:
    """The request's sampling options, every field checked (type, range, finite). ``n_ctx``: the model's
    context length, the most ``max_tokens`` may ask for."""
    top = n_ctx if n_ctx and n_ctx > 0 else INT64 - 1
    mt = None
    for name in ("max_completion_tokens", "max_tokens") if chat else ("max_tokens",):
        v = _number(body, name, int, 1)
        if v is not None and v > top:
            raise ApiError(400, f"'{name}' must be at most {top}, the model's context length", param=name,
                           code="context_length_exceeded")
        mt = v if mt is None else mt
    s = SamplingOptions(max_tokens=mt if mt is not None else min(DEFAULT_MAX_TOKENS, top))
    for name, kind, lo, hi in (("temperature", float, 0, 2), ("top_p", float, 0, 1), ("top_k", int, 0, 2 ** 31 - 1),
                               ("min_p", float, 0, 1), ("repeat_penalty", float, 0, 10)):
        v = _number(body, name, kind, lo, hi)
        if v is not None:
            setattr(s, name, v)
    for name in ("presence_penalty", "frequency_penalty"):   # accepted (as OpenAI's range), not used
        _number(body, name, float, -2, 2)
    seed = _number(body, "seed", int, -INT64, INT64 - 1)
    if seed is not None:
        s.seed = seed
    stop = body.get("stop")
    if isinstance(stop, str):
        stop = [stop]
    if isinstance(stop, list) and len(stop) <= 4 and all(isinstance(x, str) for x in stop):
        s.stop = [_text(x, "stop", "'stop'") for x in stop if x]
    elif stop is not None:
        raise ApiError(400, "'stop' must be a string or a list of up to 4 strings", param="stop")
    if _flag(body, "ignore_eos") is not None:
        s.ignore_eos = body["ignore_eos"]
    n = _number(body, "n", int, 1, 1_000)
    if n is not None and n != 1:
        raise ApiError(400, "only n=1 is supported", param="n")
    if policy is not None:
        policy.pin_sampling(s)   # what the administrator locked wins
    return s


def stream_from_body(body: dict) -> tuple[bool, bool]:
    """(stream, include_usage): ``stream`` and ``stream_options.include_usage``, checked."""
    stream = _flag(body, "stream") or False
    options = body.get("stream_options")
    if options is None:
        return stream, False
    if not isinstance(options, dict):
        raise ApiError(400, "'stream_options' must be an object", param="stream_options")
    include = options.get("include_usage")
    if include is not None and not isinstance(include, bool):
        raise ApiError(400, "'stream_options.include_usage' must be true or false",
                       param="stream_options.include_usage")
    return stream, bool(include)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: str, param: str, shown: str | None = None) -> str:
    """``value`` when it is text the model (UTF-8) can take; a lone UTF-16 surrogate (JSON's ``"\\ud800"``,
    which no UTF-8 text holds) is a 400 naming ``param``."""
    if _SURROGATE.search(value):
        raise ApiError(400, f"{shown or param} holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text",
                       param=param)
    return value


def _content_text(content, i: int) -> str:
    param = f"messages[{i}].content"
    if content is None:
        return ""
    if isinstance(content, str):
        return _text(content, param)
    if isinstance(content, list):   # [{"type": "text", "text": ...}, ...]
        parts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                raise ApiError(400, f"messages[{i}].content: only text parts are supported", param=param)
            parts.append(_text(part["text"], param))
        return "".join(parts)
    raise ApiError(400, f"messages[{i}].content must be a string or a list of text parts", param=param)


def messages_from_body(body: dict, n_ctx: int | None = None) -> list[dict]:
    """The chat messages, checked. More messages than the context has tokens cannot fit: refused before
    any is looked at."""
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not msgs:
        raise ApiError(400, "'messages' must be a non-empty list", param="messages")
    if n_ctx and len(msgs) > n_ctx:
        raise ApiError(400, f"'messages' has {len(msgs)} messages: more than the model's context of {n_ctx} "
                            "tokens can hold", param="messages", code="context_length_exceeded")
    out = []
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            raise ApiError(400, f"messages[{i}] must be an object with a 'role'", param=f"messages[{i}]")
        role = "system" if m["role"] == "developer" else m["role"]
        if role not in ("system", "user", "assistant"):
            raise ApiError(400, f"messages[{i}]: role {m['role'][:100]!r} is not supported",
                           param=f"messages[{i}].role")
        out.append({"role": role, "content": _content_text(m.get("content"), i)})
    return out


def prompt_from_body(body: dict) -> str:
    p = body.get("prompt")
    if isinstance(p, list) and len(p) == 1 and isinstance(p[0], str):
        p = p[0]
    if not isinstance(p, str):
        raise ApiError(400, "'prompt' must be a string (one prompt per request)", param="prompt")
    return _text(p, "prompt", "'prompt'")


def pin_system_messages(messages: list[dict], policy) -> list[dict]:
    """The chat messages with an administrator-locked system prompt in force: every system message the
    client sent is left out and the policy's prompt (when not empty) comes first. Unchanged when the
    system prompt is not locked."""
    pinned = policy.pin_system_prompt(None) if policy is not None else None   # None: not locked
    if pinned is None:
        return messages
    if all(m["role"] == "system" for m in messages):
        raise ApiError(400, "'messages' holds only system messages, and the system prompt is set by the "
                            "administrator", param="messages")
    return pin_system(messages, pinned)


# ---- the app -------------------------------------------------------------------------

class ServeState:
    def __init__(self, worker: ModelWorker, model_id: str, *, api_key: str | None = None, policy=None,
                 aliases: tuple[str, ...] = (), access: Access | None = None,
                 bound: tuple[str, ...] = ("127.0.0.1",)):
        """``access``: allowed origins and host names, the body limit (defaults: none, 8 MB). ``bound``: the
        address listened on, as given and as bound (the Host header check answers to it)."""
        self.worker, self.model_id, self.api_key, self.policy = worker, model_id, api_key, policy
        self.access = access or Access()
        self.bound = tuple(bound)
        self.created = int(time.time())
        self.names = {model_id.lower(), *(a.lower() for a in aliases)}

    @property
    def n_ctx(self) -> int | None:
        """The loaded model's context length."""
        n = (self.worker.model_info or {}).get("n_ctx")
        return n if isinstance(n, int) and n > 0 else None


def create_app(state: ServeState):
    """The ASGI app serving ``state``'s model: the Starlette app behind the ``AccessGuard``."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def authorised(request: Request) -> bool:
        if not state.api_key:
            return True
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), state.api_key.encode())

    def guarded(handler):
        async def endpoint(request: Request):
            if not authorised(request):
                return error_response(401, "Incorrect or missing API key: send 'Authorization: Bearer KEY'.",
                                      "invalid_request_error", code="invalid_api_key")
            try:
                return await handler(request)
            except ApiError as e:
                return e.response()
            except BodyTooLarge as e:   # cut off while it was read: the rest is not read, the connection closes
                return error_response(413, str(e), code="request_too_large", headers={"Connection": "close"})
            except Exception as e:  # noqa: BLE001 - one JSON line for the client, the traceback in the log
                log.exception("request %s %s failed", request.method, request.url.path)
                return error_response(500, f"the server failed: {type(e).__name__}", "server_error")
        return endpoint

    async def read_body(request: Request) -> dict:
        body = parse_json(await request.body())   # the guard cuts a body off past the limit (BodyTooLarge)
        model = body.get("model")
        if model is not None and not isinstance(model, str):
            raise ApiError(400, "'model' must be a string", param="model")
        if model is not None:
            _text(model, "model", "'model'")   # it is named in the 404 below, which must encode as UTF-8
        if model is not None and model.lower() not in state.names:
            raise ApiError(404, f"The model '{model[:200]}' does not exist; this server has '{state.model_id}'.",
                           param="model", code="model_not_found")
        stream_from_body(body)
        return body

    def model_card() -> dict:
        return {"id": state.model_id, "object": "model", "created": state.created, "owned_by": "hearth"}

    async def list_models(request: Request):
        return JSONResponse({"object": "list", "data": [model_card()]})

    async def get_model(request: Request):
        name = request.path_params["model"]
        if name.lower() not in state.names:
            raise ApiError(404, f"The model '{name}' does not exist; this server has '{state.model_id}'.",
                           param="model", code="model_not_found")
        return JSONResponse(model_card())

    async def stats(request: Request):
        return JSONResponse({"model": state.model_id} | state.worker.stats())

    async def chat_completions(request: Request):
        body = await read_body(request)
        messages = pin_system_messages(messages_from_body(body, state.n_ctx), state.policy)
        sampling = sampling_from_body(body, state.policy, chat=True, n_ctx=state.n_ctx)
        return await _respond(request, body, "chat", messages, sampling)

    async def completions(request: Request):
        body = await read_body(request)
        prompt = prompt_from_body(body)
        sampling = sampling_from_body(body, state.policy, chat=False, n_ctx=state.n_ctx)
        return await _respond(request, body, "complete", prompt, sampling)

    async def _respond(request: Request, body: dict, kind: str, payload, sampling: SamplingOptions):
        ident = ("chatcmpl-" if kind == "chat" else "cmpl-") + uuid.uuid4().hex[:24]
        stream, include_usage = stream_from_body(body)
        if stream:
            # Queued when the stream starts: a client gone before that leaves nothing running.
            return _stream(lambda: state.worker.submit(kind, payload, sampling), ident, kind, include_usage)
        return await _whole(request, state.worker.submit(kind, payload, sampling), ident, kind)

    async def _whole(request: Request, job: Job, ident: str, kind: str):
        """Not streamed: wait for the reply, cancelling it if the client goes away meanwhile."""
        checked = time.monotonic()
        while True:
            try:
                event = await asyncio.wait_for(job.events.get(), timeout=0.25)
            except asyncio.TimeoutError:
                event = None
            except asyncio.CancelledError:
                state.worker.cancel(job)
                raise
            if time.monotonic() - checked >= 0.25:   # text keeps coming: look at the connection now and then
                checked = time.monotonic()
                if not job.disconnected and await request.is_disconnected():
                    state.worker.cancel(job)
            if event is None or event[0] == "text":
                continue
            if event[0] == "error":
                if isinstance(event[1], BadInputError):   # the request cannot be served (a prompt too long...)
                    return error_response(400, str(event[1]), code="context_length_exceeded"
                                          if "context" in str(event[1]) else None)
                return error_response(500, f"The model failed: {event[1]}", "server_error")
            stats = event[1]
            break
        finish = stats.finish_reason if stats.finish_reason in FINISH_REASONS else "stop"
        usage = _usage(stats)
        if kind == "chat":
            choice = {"index": 0, "message": {"role": "assistant", "content": stats.text},
                      "logprobs": None, "finish_reason": finish}
            obj = "chat.completion"
        else:
            choice = {"index": 0, "text": stats.text, "logprobs": None, "finish_reason": finish}
            obj = "text_completion"
        return JSONResponse({"id": ident, "object": obj, "created": int(time.time()), "model": state.model_id,
                             "choices": [choice], "usage": usage})

    def _stream(submit, ident: str, kind: str, include_usage: bool):
        from sse_starlette.sse import EventSourceResponse

        created = int(time.time())
        obj = "chat.completion.chunk" if kind == "chat" else "text_completion"

        def chunk(choice: dict | None, usage: dict | None = None) -> dict:
            c = {"id": ident, "object": obj, "created": created, "model": state.model_id,
                 "choices": [choice] if choice is not None else []}
            if usage is not None:
                c["usage"] = usage
            return {"data": json.dumps(c, ensure_ascii=False)}

        def piece(text: str | None, finish: str | None, first: bool = False) -> dict:
            if kind == "chat":
                delta = {} if text is None else ({"role": "assistant", "content": text} if first else {"content": text})
                return chunk({"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish})
            return chunk({"index": 0, "text": text or "", "logprobs": None, "finish_reason": finish})

        async def events():
            finished = False
            job: Job = submit()
            try:
                if kind == "chat":
                    yield piece("", None, first=True)
                while True:
                    event = await job.events.get()
                    if event[0] == "text":
                        yield piece(event[1], None)
                        continue
                    finished = True
                    if event[0] == "error":
                        yield {"data": json.dumps({"error": {"message": f"The model failed: {event[1]}",
                                                             "type": "server_error", "param": None, "code": None}})}
                        break
                    stats = event[1]
                    yield piece(None, stats.finish_reason if stats.finish_reason in FINISH_REASONS else "stop")
                    if include_usage:
                        yield chunk(None, _usage(stats))
                    break
                yield {"data": "[DONE]"}
            finally:
                # The client went away (sse-starlette cancelled us, or the generator was closed).
                if not finished:
                    state.worker.cancel(job)

        return EventSourceResponse(events(), sep="\n", ping=15)

    routes = [
        Route("/v1/models", guarded(list_models), methods=["GET"]),
        Route("/v1/models/{model:path}", guarded(get_model), methods=["GET"]),
        Route("/v1/chat/completions", guarded(chat_completions), methods=["POST"]),
        Route("/v1/completions", guarded(completions), methods=["POST"]),
        Route("/hearth/stats", guarded(stats), methods=["GET"]),
    ]

    async def not_found(request: Request, exc):
        return error_response(getattr(exc, "status_code", 404),
                              f"{request.method} {request.url.path} is not part of this API", code="not_found")

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
    return AccessGuard(app, state.access, state.bound)


def _usage(stats) -> dict:
    return {"prompt_tokens": stats.prompt_tokens, "completion_tokens": stats.completion_tokens,
            "total_tokens": stats.prompt_tokens + stats.completion_tokens}
