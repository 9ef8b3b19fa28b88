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
(``max_completion_tokens`` for chat; absent: until the context is full),
``temperature``, ``top_p``, ``seed``, ``stop``, ``stream``,
``stream_options.include_usage``; llama.cpp/vLLM extensions ``top_k``,
``min_p``, ``repeat_penalty``, ``ignore_eos``. Administrator-locked settings
win over the request.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
import uuid

from typing import TYPE_CHECKING

from engine.host.protocol import SamplingOptions
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
                   param: str | None = None, code: str | None = None) -> JSONResponse:
    from starlette.responses import JSONResponse

    return JSONResponse({"error": {"message": message, "type": type_, "param": param, "code": code}},
                        status_code=status)


# ---- request parsing ---------------------------------------------------------------

def _number(body: dict, name: str, kind, lo=None, hi=None):
    v = body.get(name)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (kind is int and not float(v).is_integer()):
        raise ApiError(400, f"'{name}' must be {'an integer' if kind is int else 'a number'}", param=name)
    v = kind(v)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ApiError(400, f"'{name}' must be between {lo} and {hi}" if hi is not None
                       else f"'{name}' must be at least {lo}", param=name)
    return v


def sampling_from_body(body: dict, policy=None, *, chat: bool) -> SamplingOptions:
    s = SamplingOptions(max_tokens=0)   # no max_tokens: until the context is full (as OpenAI)
    mt = _number(body, "max_completion_tokens", int, 1) if chat else None
    if mt is None:
        mt = _number(body, "max_tokens", int, 1)
    if mt is not None:
        s.max_tokens = mt
    for name, kind, lo, hi in (("temperature", float, 0, 2), ("top_p", float, 0, 1), ("top_k", int, 0, None),
                               ("min_p", float, 0, 1), ("repeat_penalty", float, 0, None)):
        v = _number(body, name, kind, lo, hi)
        if v is not None:
            setattr(s, name, v)
    seed = _number(body, "seed", int)
    if seed is not None:
        s.seed = seed
    stop = body.get("stop")
    if isinstance(stop, str):
        s.stop = [stop]
    elif isinstance(stop, list) and all(isinstance(x, str) for x in stop):
        s.stop = [x for x in stop if x][:4]
    elif stop is not None:
        raise ApiError(400, "'stop' must be a string or a list of strings", param="stop")
    if body.get("ignore_eos") is not None:
        s.ignore_eos = bool(body["ignore_eos"])
    n = body.get("n", 1)
    if n != 1:
        raise ApiError(400, "only n=1 is supported", param="n")
    if policy is not None:
        policy.pin_sampling(s)   # what the administrator locked wins
    return s


def _content_text(content, i: int) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):   # [{"type": "text", "text": ...}, ...]
        parts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                raise ApiError(400, f"messages[{i}].content: only text parts are supported",
                               param=f"messages[{i}].content")
            parts.append(part["text"])
        return "".join(parts)
    raise ApiError(400, f"messages[{i}].content must be a string or a list of text parts",
                   param=f"messages[{i}].content")


def messages_from_body(body: dict) -> list[dict]:
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not msgs:
        raise ApiError(400, "'messages' must be a non-empty list", param="messages")
    out = []
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            raise ApiError(400, f"messages[{i}] must be an object with a 'role'", param=f"messages[{i}]")
        role = "system" if m["role"] == "developer" else m["role"]
        if role not in ("system", "user", "assistant"):
            raise ApiError(400, f"messages[{i}]: role {m['role']!r} is not supported", param=f"messages[{i}].role")
        out.append({"role": role, "content": _content_text(m.get("content"), i)})
    return out


def prompt_from_body(body: dict) -> str:
    p = body.get("prompt")
    if isinstance(p, list) and len(p) == 1 and isinstance(p[0], str):
        p = p[0]
    if not isinstance(p, str):
        raise ApiError(400, "'prompt' must be a string (one prompt per request)", param="prompt")
    return p


# ---- the app -------------------------------------------------------------------------

class ServeState:
    def __init__(self, worker: ModelWorker, model_id: str, *, api_key: str | None = None, policy=None,
                 aliases: tuple[str, ...] = ()):
        self.worker, self.model_id, self.api_key, self.policy = worker, model_id, api_key, policy
        self.created = int(time.time())
        self.names = {model_id.lower(), *(a.lower() for a in aliases)}


def create_app(state: ServeState):
    """The Starlette app serving ``state``'s model."""
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
        return endpoint

    async def read_body(request: Request) -> dict:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "the request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "the request body must be a JSON object")
        model = body.get("model")
        if model is not None and (not isinstance(model, str) or model.lower() not in state.names):
            raise ApiError(404, f"The model '{model}' does not exist; this server has '{state.model_id}'.",
                           param="model", code="model_not_found")
        stream = body.get("stream", False)
        if not isinstance(stream, bool):
            raise ApiError(400, "'stream' must be true or false", param="stream")
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
        messages = messages_from_body(body)
        sampling = sampling_from_body(body, state.policy, chat=True)
        return await _respond(request, body, "chat", messages, sampling)

    async def completions(request: Request):
        body = await read_body(request)
        prompt = prompt_from_body(body)
        sampling = sampling_from_body(body, state.policy, chat=False)
        return await _respond(request, body, "complete", prompt, sampling)

    async def _respond(request: Request, body: dict, kind: str, payload, sampling: SamplingOptions):
        ident = ("chatcmpl-" if kind == "chat" else "cmpl-") + uuid.uuid4().hex[:24]
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
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

    return Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})


def _usage(stats) -> dict:
    return {"prompt_tokens": stats.prompt_tokens, "completion_tokens": stats.completion_tokens,
            "total_tokens": stats.prompt_tokens + stats.completion_tokens}
