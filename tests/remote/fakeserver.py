"""A small OpenAI-compatible server of our own on loopback, for what llama-cpp-python's server
cannot be made to do: cut a stream mid-reply, answer busy (429/503), or lack a tokenize route.

The first path segment picks the behaviour, so one server serves every test:

- ``/plain/v1``: streams a deterministic reply word by word, with ``usage``; no tokenize route.
- ``/cut/v1``: streams three chunks, then drops the connection (no end marker).
- ``/busy-CODE-N-TAG/v1``: the first N chat requests get HTTP CODE with ``Retry-After: 0``, then as plain.
- ``/slowbusy-SECONDS-TAG/v1``: every chat request gets HTTP 503 with ``Retry-After: SECONDS``.
- ``/gzip/v1``: as plain, but the event stream is gzip-compressed whatever the client asked
  (a compressing proxy); ``accept_encoding[mode]`` is the ``Accept-Encoding`` it was sent.
- ``/hold-TAG/v1``: takes the request, then sends no headers until the client goes (at most
  60 s); ``held[mode]`` is set once it holds, ``disconnected[mode]`` once it saw the client go.

``requests`` counts every request per mode (``/{mode}`` included), so tests can
prove nothing was contacted; ``bodies[mode]`` holds what each chat request sent. Any other
mode name behaves as plain, so a test can have its own.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import zlib
from collections import Counter, defaultdict

CUT_CHUNKS = ["Hello", " partial", " reply"]


def _chunk(text=None, finish=None, usage=None) -> str:
    ev = {"id": "x", "object": "chat.completion.chunk", "model": "fake",
          "choices": [{"index": 0, "delta": {"content": text} if text else {}, "finish_reason": finish}]}
    if usage is not None:
        ev = {"id": "x", "object": "chat.completion.chunk", "model": "fake", "choices": [], "usage": usage}
    return f"data: {json.dumps(ev)}\n\n"


def make_app(state):
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    async def models(request: Request):
        state.requests[request.path_params["mode"]] += 1
        return JSONResponse({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    async def chat(request: Request):
        mode = request.path_params["mode"]
        state.requests[mode] += 1
        body = await request.json()
        state.bodies[mode].append(body)
        state.accept_encoding[mode] = request.headers.get("accept-encoding")
        if mode.startswith("slowbusy-"):
            seconds = mode.split("-")[1]
            return JSONResponse({"error": {"message": "server busy"}}, status_code=503,
                                headers={"Retry-After": seconds})
        if mode.startswith("hold-"):
            state.held[mode].set()
            for _ in range(1200):
                if await request.is_disconnected():
                    state.disconnected[mode].set()
                    return JSONResponse({"error": {"message": "client gone"}}, status_code=499)
                await asyncio.sleep(0.05)
        if mode.startswith("busy-"):
            _, code, n, _tag = mode.split("-", 3)
            state.busy_answers[mode] += 1
            if state.busy_answers[mode] <= int(n):
                return JSONResponse({"error": {"message": "server busy"}}, status_code=int(code),
                                    headers={"Retry-After": "0"})
        user = next((m["content"] for m in reversed(body["messages"]) if m["role"] == "user"), "")
        if mode == "cut":
            async def cut():
                for c in CUT_CHUNKS:
                    yield _chunk(c)
                    await asyncio.sleep(0.01)
                raise ConnectionResetError("dropped on purpose")   # uvicorn closes the connection mid-body
            return StreamingResponse(cut(), media_type="text/event-stream")
        words = ["Summary:"] + (user.split()[:6] or ["nothing"]) + ["[p.", "1]"]
        words = words[:max(1, int(body.get("max_tokens") or 100))]

        async def plain():
            for i, w in enumerate(words):
                yield _chunk(w if i == 0 else " " + w)
            yield _chunk(finish="stop")
            if (body.get("stream_options") or {}).get("include_usage"):
                chars = sum(len(m["content"]) for m in body["messages"])
                yield _chunk(usage={"prompt_tokens": chars // 4 + 1, "completion_tokens": len(words),
                                    "total_tokens": chars // 4 + 1 + len(words)})
            yield "data: [DONE]\n\n"
        if body.get("stream") and mode == "gzip":
            async def gzipped():
                z = zlib.compressobj(wbits=31)   # the gzip format
                async for event in plain():
                    yield z.compress(event.encode()) + z.flush(zlib.Z_SYNC_FLUSH)
                yield z.flush()
            return StreamingResponse(gzipped(), media_type="text/event-stream",
                                     headers={"Content-Encoding": "gzip"})
        if body.get("stream"):
            return StreamingResponse(plain(), media_type="text/event-stream")
        return JSONResponse({"choices": [{"index": 0, "message": {"role": "assistant", "content": " ".join(words)},
                                          "finish_reason": "stop"}]})

    return Starlette(routes=[Route("/{mode}/v1/models", models),
                             Route("/{mode}/v1/chat/completions", chat, methods=["POST"])])


class FakeServer:
    def __init__(self, certfile: str | None = None, keyfile: str | None = None):
        import uvicorn

        self.requests: Counter = Counter()
        self.busy_answers: Counter = Counter()
        self.bodies: defaultdict[str, list[dict]] = defaultdict(list)   # the chat requests' JSON, per mode
        self.accept_encoding: dict[str, str | None] = {}
        self.held: defaultdict[str, threading.Event] = defaultdict(threading.Event)
        self.disconnected: defaultdict[str, threading.Event] = defaultdict(threading.Event)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.scheme = "https" if certfile else "http"
        self.server = uvicorn.Server(uvicorn.Config(make_app(self), log_level="warning", lifespan="off",
                                                    ssl_certfile=certfile, ssl_keyfile=keyfile))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def url(self, mode: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/{mode}/v1"

    def start(self) -> "FakeServer":
        self.thread.start()
        import time

        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
