"""The local API against web pages and hostile bodies (issue 18): a real `python main.py serve` on loopback,
driven with raw HTTP where the Host, Origin, Content-Type or Content-Length must be exactly so.

DNS rebinding (a foreign Host), a browser's simple cross-origin POST (text/plain, a foreign Origin), bodies
past the limit (refused from Content-Length before they are read; a chunked one cut off), bodies that broke
the parser (deep nesting, NaN, 1e400, huge numbers) and fields of the wrong type or range: each ends in a
one-line refusal in OpenAI's error shape, with no traceback, and nothing reaches the model.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.conftest import run_cli
from tests.serve.conftest import ServeProcess
from tests.serve.test_serve import client, raw, stats

HI = [{"role": "user", "content": "hi"}]


def send(url: str, head: bytes, body: bytes = b"", timeout: float = 30) -> tuple[int, dict, bytes]:
    """Send ``head`` (request line and headers, no final blank line) and ``body`` as they are on a raw socket;
    the reply's status, headers and body."""
    u = urlsplit(url)
    with socket.create_connection((u.hostname, u.port), timeout=timeout) as sock:
        sock.sendall(head + b"\r\n\r\n" + body)
        return read_reply(sock)


def read_reply(sock: socket.socket) -> tuple[int, dict, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"the connection closed before a reply: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    n = int(headers.get("content-length", "0"))
    while len(rest) < n:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:n]


def send_while_reading(url: str, head: bytes, pieces) -> tuple[tuple[int, dict, bytes], int]:
    """Send ``head`` then ``pieces`` from another thread while this one reads the reply: (the reply, the bytes of
    the pieces that were sent before the server closed the connection)."""
    u = urlsplit(url)
    sent = [0]
    with socket.create_connection((u.hostname, u.port), timeout=30) as sock:
        sock.sendall(head + b"\r\n\r\n")

        def feed():
            try:
                for piece in pieces:
                    sock.sendall(piece)
                    sent[0] += len(piece)
            except OSError:
                pass   # the server closed the connection after its answer

        t = threading.Thread(target=feed, daemon=True)
        t.start()
        reply = read_reply(sock)
        t.join(30)
    return reply, sent[0]


def post(url: str, body, headers: dict | None = None, path: str = "/v1/chat/completions"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, h, out = raw(url, "POST", path, data, headers)
    return status, h, (json.loads(out) if out else None)


def error_of(status_body) -> dict:
    """The OpenAI error object of a reply, checked for its shape."""
    err = status_body["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert err["type"] == "invalid_request_error" and isinstance(err["message"], str) and "\n" not in err["message"]
    return err


def port_of(url: str) -> int:
    return urlsplit(url).port


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, tiny_model):
    """A server with an allowed origin, an allowed host name and a 1 MB body limit."""
    home = tmp_path_factory.mktemp("guarded-home")
    server = ServeProcess("--model", tiny_model, "--port", "0", "--allow-origin", "https://App.Example/",
                          "--allow-origin", "http://localhost:3000", "--allow-host", "mypc.example",
                          "--max-body-mb", "1", home=home)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def no_traceback(server) -> None:
    err = server.stderr()
    assert "Traceback" not in err and "Exception" not in err, err


# ---- DNS rebinding: the Host header -------------------------------------------------------------

def test_a_foreign_host_header_is_refused(served):
    port = port_of(served.url)
    status, _, body = send(served.url, b"GET /v1/models HTTP/1.1\r\nHost: attacker.rebind.example")
    assert status == 400
    err = error_of(json.loads(body))
    assert err["code"] == "host_not_allowed" and "attacker.rebind.example" in err["message"]
    status, _, body = send(served.url, b"GET /v1/models HTTP/1.1\r\nHost: attacker.rebind.example:%d" % port)
    assert status == 400
    for host in (b"127.0.0.1:%d" % port, b"localhost:%d" % port, b"LOCALHOST.:%d" % port, b"127.0.0.1"):
        status, _, body = send(served.url, b"GET /v1/models HTTP/1.1\r\nHost: " + host)
        assert status == 200, host
        assert json.loads(body)["data"][0]["id"] == "tiny-chat"


def test_a_host_name_the_user_allowed_is_answered(guarded):
    port = port_of(guarded.url)
    for host in (b"mypc.example:%d" % port, b"MyPC.example"):
        status, _, _ = send(guarded.url, b"GET /v1/models HTTP/1.1\r\nHost: " + host)
        assert status == 200, host
    status, _, _ = send(guarded.url, b"GET /v1/models HTTP/1.1\r\nHost: other.example:%d" % port)
    assert status == 400


# ---- a browser's simple requests: Content-Type and Origin ---------------------------------------

def test_a_text_plain_post_from_a_foreign_origin_gets_no_completion(served):
    """The issue's reproduction: a POST a browser sends cross-origin without a preflight."""
    before = stats(served.url)
    body = json.dumps({"messages": HI, "max_tokens": 4}).encode()
    status, _, out = post(served.url, body, {"Content-Type": "text/plain", "Origin": "https://evil.example"})
    assert status in (403, 415)
    assert "choices" not in out
    error_of(out)
    after = stats(served.url)
    assert after["completed"] == before["completed"] and after["failed"] == before["failed"]


def test_a_body_must_be_sent_as_json(served):
    body = json.dumps({"messages": HI, "max_tokens": 2}).encode()
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
        status, _, out = post(served.url, body, {"Content-Type": ctype})
        assert status == 415, ctype
        assert error_of(out)["code"] == "unsupported_media_type"
    status, _, out = post(served.url, body, {"Content-Type": "application/json; charset=utf-8"})
    assert status == 200 and out["choices"]


def test_a_foreign_origin_is_refused_even_with_json(served):
    for method, path, body in (("POST", "/v1/chat/completions", json.dumps({"messages": HI, "max_tokens": 2})),
                               ("GET", "/v1/models", None)):
        for origin in ("https://evil.example", "null", "http://127.0.0.1:1"):
            status, headers, out = raw(served.url, method, path, body and body.encode(), {"Origin": origin})
            assert status == 403, (method, origin)
            assert error_of(json.loads(out))["code"] == "origin_not_allowed"
            assert "access-control-allow-origin" not in {k.lower() for k in headers}
    # A page served from this very address (same origin) may use it.
    status, _, _ = raw(served.url, "GET", "/v1/models", None, {"Origin": f"http://127.0.0.1:{port_of(served.url)}"})
    assert status == 200


def test_an_allowed_origin_gets_cors_answers(guarded):
    url = guarded.url
    status, headers, _ = raw(url, "OPTIONS", "/v1/chat/completions", None, {
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    h = {k.lower(): v for k, v in headers.items()}
    assert status == 204
    assert h["access-control-allow-origin"] == "https://app.example"
    assert "POST" in h["access-control-allow-methods"]
    assert h["access-control-allow-headers"] == "authorization, content-type"
    status, headers, out = post(url, {"messages": HI, "max_tokens": 2}, {"Origin": "http://localhost:3000"})
    assert status == 200 and out["choices"]
    assert {k.lower(): v for k, v in headers.items()}["access-control-allow-origin"] == "http://localhost:3000"
    # Another origin: no preflight answer, no reply.
    status, _, out = raw(url, "OPTIONS", "/v1/chat/completions", None, {
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert status == 403 and error_of(json.loads(out))["code"] == "origin_not_allowed"


# ---- body size ------------------------------------------------------------------------------------

def test_a_body_over_the_limit_is_refused_from_its_content_length(served, guarded):
    """Only the headers are sent: the 413 comes at once, before any of the 200 MB (or 9 MB) arrives."""
    for server, length in ((served, 200_000_000), (served, 8 * 1024 * 1024 + 1), (guarded, 1024 * 1024 + 1)):
        t0 = time.monotonic()
        status, headers, body = send(server.url, b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                 b"Content-Type: application/json\r\nContent-Length: %d" % length)
        assert status == 413, length
        assert time.monotonic() - t0 < 10
        assert headers.get("connection") == "close"
        err = error_of(json.loads(body))
        assert err["code"] == "request_too_large" and "MB" in err["message"]


def test_a_body_over_the_limit_sent_whole_gets_the_413(guarded):
    """A client that sends all of a too-large body before reading (http.client does) reads the 413 too."""
    status, _, out = post(guarded.url, b"[" + b" " * (3 * 1024 * 1024) + b"]")
    assert status == 413 and error_of(out)["code"] == "request_too_large"


def test_a_chunked_body_is_cut_off_at_the_limit(guarded):
    """No Content-Length: the server counts what it reads and answers 413 past 1 MB, while the client is
    still sending (it would go on for 100 MB)."""
    piece = b"%x\r\n" % 65536 + b" " * 65536 + b"\r\n"
    (status, headers, body), sent = send_while_reading(
        guarded.url, b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked", (piece for _ in range(1600)))
    assert status == 413
    assert error_of(json.loads(body))["code"] == "request_too_large"
    assert headers.get("connection") == "close"
    assert sent < 1600 * len(piece)   # cut off: the 100 MB were never all taken


def test_a_huge_body_leaves_the_server_small(guarded):
    """The issue's 105 MB body of 3 million messages left 1.6 GB resident: now it is refused unread."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")

    def rss_mb() -> float:
        for line in open(f"/proc/{guarded.proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    before = rss_mb()
    message = b'{"role":"user","content":"x"},'
    n = 3_000_000
    length = len(b'{"messages": [') + n * len(message) - 1 + len(b"]}")
    assert length > 90_000_000

    def pieces():
        yield b'{"messages": ['
        for _ in range(n // 10_000 - 1):
            yield message * 10_000
        yield message * 9_999 + message[:-1] + b"]}"

    for head in (b"Content-Length: %d" % length, b"Transfer-Encoding: chunked"):
        chunked = head.startswith(b"Transfer")
        body = ((b"%x\r\n" % len(p) + p + b"\r\n") for p in pieces()) if chunked else pieces()
        (status, _, out), _ = send_while_reading(
            guarded.url, b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/json\r\n" + head, body)
        assert status == 413, head
    assert rss_mb() - before < 64
    no_traceback(guarded)


def test_a_body_under_the_limit_is_served(guarded):
    body = {"messages": HI, "max_tokens": 2, "user": "x" * (1024 * 1024 - 200)}
    status, _, out = post(guarded.url, body)
    assert status == 200 and out["usage"]["completion_tokens"] > 0


# ---- bodies that broke the parser, fields of the wrong type or range ------------------------------

BAD_BODIES = {
    "nested 200000 deep": (b"[" * 200_000, "nested too deeply", None),
    "seed 1e400": (b'{"messages": [{"role": "user", "content": "hi"}], "seed": 1e400}', "finite", "seed"),
    "seed of 401 digits": (b'{"messages": [{"role": "user", "content": "hi"}], "seed": 1' + b"0" * 400 + b"}",
                           "'seed' must be between", "seed"),
    "stream_options a string": (b'{"messages": [{"role": "user", "content": "hi"}], "stream": true, '
                                b'"stream_options": "yes"}', "'stream_options' must be an object", "stream_options"),
    "temperature NaN": (b'{"messages": [{"role": "user", "content": "hi"}], "temperature": NaN}', "NaN", None),
    "temperature Infinity": (b'{"messages": [{"role": "user", "content": "hi"}], "temperature": -Infinity}',
                             "Infinity", None),
    "temperature 1e400": (b'{"messages": [{"role": "user", "content": "hi"}], "temperature": 1e400}', "finite",
                          "temperature"),
    "max_tokens 1e300": (b'{"messages": [{"role": "user", "content": "hi"}], "max_tokens": 1e300}',
                         "'max_tokens' must be at most", "max_tokens"),
    "max_tokens 2.5": (b'{"messages": [{"role": "user", "content": "hi"}], "max_tokens": 2.5}', "integer",
                       "max_tokens"),
    "n true": (b'{"messages": [{"role": "user", "content": "hi"}], "n": true}', "integer", "n"),
    "ignore_eos a string": (b'{"messages": [{"role": "user", "content": "hi"}], "ignore_eos": "yes"}',
                            "true or false", "ignore_eos"),
    "five stop strings": (b'{"messages": [{"role": "user", "content": "hi"}], "stop": ["a","b","c","d","e"]}',
                          "up to 4", "stop"),
    "model a number": (b'{"messages": [{"role": "user", "content": "hi"}], "model": 7}', "'model'", "model"),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_a_bad_body_is_a_one_line_400(served, name):
    body, words, param = BAD_BODIES[name]
    before = stats(served.url)
    status, headers, out = post(served.url, body)
    assert status == 400, out
    assert headers["content-type"] == "application/json"
    err = error_of(out)
    assert words in err["message"] and err["param"] == param
    after = stats(served.url)
    assert (after["completed"], after["failed"]) == (before["completed"], before["failed"])   # nothing ran
    no_traceback(served)


def test_more_messages_than_the_context_holds_are_refused_unread(served):
    status, _, out = post(served.url, {"messages": HI * 600})   # tiny-chat's context: 512 tokens
    assert status == 400
    err = error_of(out)
    assert err["param"] == "messages" and err["code"] == "context_length_exceeded" and "512" in err["message"]


def test_a_prompt_longer_than_the_context_is_a_400_not_a_500(served):
    status, _, out = post(served.url, {"prompt": "the word " * 2000, "max_tokens": 2}, path="/v1/completions")
    assert status == 400
    assert "context" in error_of(out)["message"]
    no_traceback(served)


def test_the_openai_client_still_gets_replies(served):
    """The guard lets ordinary clients through: the official client sends Host 127.0.0.1:PORT and JSON."""
    r = client(served.url).chat.completions.create(model=served.model, messages=HI, max_tokens=3)
    assert r.usage.completion_tokens > 0


# ---- flags and the API key --------------------------------------------------------------------

def test_a_short_api_key_is_refused_off_loopback(tiny_model):
    r = run_cli("serve", "--model", tiny_model, "--host", "0.0.0.0", "--port", "0", "--api-key-stdin", "--yes-expose",
                input="k\n", timeout=60)
    assert r.returncode == 2
    line = r.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "at least 16 characters" in line and "this one has 1" in line
    suggested = line.rsplit(" ", 1)[-1]
    assert len(suggested) >= 16   # a key made for the user to copy
    assert "Hearth serves" not in r.stdout


@pytest.mark.parametrize("flag, value, words", [
    ("--allow-origin", "evil.example", "is not a web origin"),
    ("--allow-origin", "https://app.example/path", "is not a web origin"),
    ("--allow-origin", "*", "is not a web origin"),
    ("--allow-host", "bad host!", "is not a host name"),
    ("--max-body-mb", "0", "between 1 and 1024 MB"),
])
def test_a_bad_flag_value_is_one_sentence(tiny_model, flag, value, words):
    r = run_cli("serve", "--model", tiny_model, "--port", "0", flag, value, timeout=60)
    assert r.returncode == 2
    assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert r.stdout == ""


# ---- the app's switch: the same guard, its options from the settings -----------------------------

def test_the_apps_switch_takes_its_options_from_the_settings(tiny_model):
    """Preferences → Local API runs BackgroundServer with ``Access.from_settings(settings["serve"])``."""
    from engine.config import AppConfig
    from engine.serve.background import BackgroundServer
    from engine.serve.guard import Access

    config = AppConfig.load()
    config.settings.set("serve", {"model": str(tiny_model), "allow_origins": ["https://app.example"],
                                  "allow_hosts": ["mypc.example"], "max_body_mb": 1})
    ready = threading.Event()
    server = BackgroundServer(config, tiny_model, port=0, access=Access.from_settings(config.settings.get("serve")),
                              on_ready=lambda url: ready.set())
    server.start()
    try:
        assert ready.wait(90), server.error
        url = server.url
        port = port_of(url)
        assert send(url, b"GET /v1/models HTTP/1.1\r\nHost: attacker.rebind.example")[0] == 400
        assert send(url, b"GET /v1/models HTTP/1.1\r\nHost: mypc.example:%d" % port)[0] == 200
        status, headers, _ = raw(url, "GET", "/v1/models", None, {"Origin": "https://app.example"})
        assert status == 200 and {k.lower(): v for k, v in headers.items()}["access-control-allow-origin"] == \
            "https://app.example"
        assert raw(url, "GET", "/v1/models", None, {"Origin": "https://evil.example"})[0] == 403
        assert post(url, {"messages": HI}, {"Content-Type": "text/plain"})[0] == 415
        assert send(url, b"POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d" % (1024 * 1024 + 1))[0] == 413
        status, _, out = post(url, b'{"prompt": "hi", "max_tokens": 2, "temperature": 1e400}', path="/v1/completions")
        assert status == 400 and error_of(out)["param"] == "temperature"
    finally:
        server.stop(wait=True)


def test_an_allowed_origin_can_read_the_refusals_too(guarded):
    """A page of an allowed origin gets CORS headers on a 413 or 415 too, so it can show why."""
    head = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://app.example\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d" % (1024 * 1024 + 1))
    status, headers, _ = send(guarded.url, head)
    assert status == 413 and headers["access-control-allow-origin"] == "https://app.example"
    status, headers, _ = post(guarded.url, {"messages": HI}, {"Origin": "https://app.example",
                                                               "Content-Type": "text/plain"})
    assert status == 415 and {k.lower(): v for k, v in headers.items()}["access-control-allow-origin"] == \
        "https://app.example"
