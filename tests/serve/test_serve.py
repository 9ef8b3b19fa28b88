"""`python main.py serve`: a real server on loopback, driven by the official `openai` client (no mocks)."""

from __future__ import annotations

import http.client
import json
import signal
import time
from urllib.parse import urlsplit

import openai
import pytest

from tests.conftest import run_cli
from tests.serve.conftest import ServeProcess, wait_until


def client(url: str, key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key=key, max_retries=0, timeout=60)


def raw(url: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """One plain HTTP request (status, headers, body bytes) to the server behind ``url``."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} | (headers or {}))
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def stats(url: str, key: str | None = None) -> dict:
    status, _, body = raw(url, "GET", "/hearth/stats", headers={"Authorization": f"Bearer {key}"} if key else {})
    assert status == 200
    return json.loads(body)


# ---- the OpenAI API ---------------------------------------------------------------

def test_models_list_names_the_loaded_model(served):
    models = client(served.url).models.list()
    assert [m.id for m in models.data] == [served.model] == ["tiny-chat"]
    assert models.data[0].object == "model"


def test_chat_not_streamed_has_text_and_usage(served):
    r = client(served.url).chat.completions.create(
        model=served.model, messages=[{"role": "user", "content": "Say hello"}], max_tokens=12, seed=7)
    assert r.object == "chat.completion"
    assert r.model == served.model
    choice = r.choices[0]
    assert choice.message.role == "assistant"
    assert isinstance(choice.message.content, str) and choice.message.content
    assert choice.finish_reason in ("stop", "length")
    u = r.usage
    assert u.prompt_tokens > 0 and 0 < u.completion_tokens <= 12
    assert u.total_tokens == u.prompt_tokens + u.completion_tokens
    if choice.finish_reason == "length":
        assert u.completion_tokens == 12


def test_max_tokens_reached_is_finish_reason_length(served):
    r = client(served.url).chat.completions.create(
        model=served.model, messages=[{"role": "user", "content": "Go on"}], max_tokens=3,
        extra_body={"ignore_eos": True})
    assert r.choices[0].finish_reason == "length"
    assert r.usage.completion_tokens == 3


def test_chat_streamed_chunks_concatenate_to_the_reply(served):
    c = client(served.url)
    ask = dict(model=served.model, messages=[{"role": "user", "content": "Tell me a story"}], max_tokens=24,
               temperature=0, seed=3)
    whole = c.chat.completions.create(**ask)
    stream = c.chat.completions.create(**ask, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    assert all(ch.object == "chat.completion.chunk" for ch in chunks)
    content = [ch for ch in chunks if ch.choices]
    assert content[0].choices[0].delta.role == "assistant"
    text = "".join(ch.choices[0].delta.content or "" for ch in content)
    assert text == whole.choices[0].message.content
    assert content[-1].choices[0].finish_reason == whole.choices[0].finish_reason
    assert all(ch.choices[0].finish_reason is None for ch in content[:-1])
    usage = chunks[-1].usage
    assert usage is not None and usage.completion_tokens == whole.usage.completion_tokens


def test_stream_is_sse_data_lines_ending_with_done(served):
    body = json.dumps({"model": served.model, "messages": [{"role": "user", "content": "hi"}],
                       "max_tokens": 8, "stream": True}).encode()
    status, headers, data = raw(served.url, "POST", "/v1/chat/completions", body)
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    events = [ln[len("data: "):] for ln in data.decode().splitlines() if ln.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert chunks and all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] in ("stop", "length")


def test_completions_streamed_and_not(served):
    c = client(served.url)
    r = c.completions.create(model=served.model, prompt="the hot word", max_tokens=10, temperature=0, seed=1)
    assert r.object == "text_completion"
    assert r.choices[0].finish_reason in ("stop", "length")
    assert r.usage.prompt_tokens > 0 and r.usage.completion_tokens > 0
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens
    parts = list(c.completions.create(model=served.model, prompt="the hot word", max_tokens=10, temperature=0,
                                      seed=1, stream=True))
    assert "".join(p.choices[0].text for p in parts) == r.choices[0].text
    assert parts[-1].choices[0].finish_reason == r.choices[0].finish_reason


def test_stop_sequence_ends_the_reply(served):
    c = client(served.url)
    ask = dict(model=served.model, prompt="the", max_tokens=40, temperature=0, seed=1,
               extra_body={"ignore_eos": True})
    free = c.completions.create(**ask).choices[0].text
    assert len(free) > 4
    stop = free[2:4]
    cut = c.completions.create(**ask, stop=[stop]).choices[0]
    assert cut.finish_reason == "stop"
    assert stop not in cut.text and free.startswith(cut.text)


def test_unknown_model_is_404_in_openai_form(served):
    with pytest.raises(openai.NotFoundError) as e:
        client(served.url).chat.completions.create(model="no-such-model",
                                                   messages=[{"role": "user", "content": "hi"}])
    err = e.value.body
    assert err["code"] == "model_not_found" and "no-such-model" in err["message"]
    status, _, body = raw(served.url, "POST", "/v1/completions",
                          json.dumps({"model": "no-such-model", "prompt": "x"}).encode())
    assert status == 404 and json.loads(body)["error"]["type"] == "invalid_request_error"


def test_bad_json_and_bad_fields_are_400(served):
    status, _, body = raw(served.url, "POST", "/v1/chat/completions", b"{not json")
    assert status == 400
    assert json.loads(body)["error"]["message"] == "the request body is not valid JSON"
    status, _, body = raw(served.url, "POST", "/v1/chat/completions", json.dumps({"messages": "hi"}).encode())
    assert status == 400 and json.loads(body)["error"]["param"] == "messages"
    with pytest.raises(openai.BadRequestError):
        client(served.url).chat.completions.create(model=served.model, messages=[{"role": "user", "content": "x"}],
                                                   temperature=-1)


# ---- cancel on disconnect ---------------------------------------------------------------

def test_client_disconnect_mid_stream_cancels_generation(tmp_path, tiny_long_model):
    server = ServeProcess("--model", tiny_long_model, "--port", "0", "--ctx", "32768", home=tmp_path)
    try:
        url = server.wait_ready()
        c = client(url)
        long_ask = 30000
        stream = c.chat.completions.create(
            model=server.model, messages=[{"role": "user", "content": "Write a very long story"}],
            max_tokens=long_ask, stream=True, extra_body={"ignore_eos": True})
        received = []
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)
            if len(received) == 2:
                break
        assert len(received) == 2
        stream.close()   # the client goes away mid-reply

        # The server sees the disconnect and cancels that request (not a sleep: wait for the record).
        s = wait_until(lambda: (st := stats(url))["cancelled"] == 1 and st, timeout=30)
        first = s["recent"][0]
        assert first["outcome"] == "cancelled" and first["client_disconnected"] is True
        assert first["finish_reason"] == "cancelled"
        assert first["completion_tokens"] < long_ask

        # The next request is served at once, not after the abandoned reply's 30,000 tokens.
        t0 = time.monotonic()
        r = c.chat.completions.create(model=server.model, messages=[{"role": "user", "content": "hi"}],
                                      max_tokens=8, extra_body={"ignore_eos": True})
        took = time.monotonic() - t0
        assert r.usage.completion_tokens == 8
        assert took < first["seconds"] + 10, f"the next request took {took:.1f} s"
        s = stats(url)
        assert (s["completed"], s["cancelled"], s["failed"]) == (1, 1, 0)
        assert s["queued"] == 0 and s["running"] is None
    finally:
        server.stop()


def test_requests_are_served_first_come_first_served(served):
    """Three streamed requests opened in order finish in that order (one model, one FIFO queue)."""
    c = client(served.url)
    before = {r["id"] for r in stats(served.url)["recent"]}
    streams = [c.completions.create(model=served.model, prompt=f"request {i}", max_tokens=30, stream=True,
                                    extra_body={"ignore_eos": True}) for i in range(3)]
    for s in streams:
        assert "".join(p.choices[0].text for p in s)
    recent = [r for r in stats(served.url)["recent"] if r["id"] not in before]
    assert len(recent) == 3
    ids = [r["id"] for r in recent]
    assert ids == sorted(ids)
    assert all(r["outcome"] == "completed" and r["completion_tokens"] == 30 for r in recent)


# ---- API key, exposure, policy, Ctrl+C -----------------------------------------------------

def test_api_key_is_enforced_when_set(tmp_path, tiny_model):
    server = ServeProcess("--model", tiny_model, "--port", "0", home=tmp_path, api_key="s3cret-key")
    try:
        url = server.wait_ready()
        with pytest.raises(openai.AuthenticationError) as e:
            client(url, "wrong-key").models.list()
        assert e.value.status_code == 401 and e.value.body["code"] == "invalid_api_key"
        status, _, body = raw(url, "POST", "/v1/chat/completions",
                              json.dumps({"messages": [{"role": "user", "content": "hi"}]}).encode())
        assert status == 401 and "API key" in json.loads(body)["error"]["message"]
        ok = client(url, "s3cret-key")
        assert [m.id for m in ok.models.list().data] == ["tiny-chat"]
        r = ok.chat.completions.create(model="tiny-chat", messages=[{"role": "user", "content": "hi"}], max_tokens=4)
        assert r.usage.completion_tokens > 0
    finally:
        server.stop()


def test_non_loopback_needs_a_key_and_confirmation(tiny_model):
    r = run_cli("serve", "--model", tiny_model, "--host", "0.0.0.0", "--port", "0", timeout=60)
    assert r.returncode == 2
    assert "--api-key-stdin" in r.stderr and "--yes-expose" in r.stderr
    assert "Hearth serves" not in r.stdout
    r = run_cli("serve", "--model", tiny_model, "--host", "0.0.0.0", "--port", "0", "--api-key-stdin",
                input="key\n", timeout=60)
    assert r.returncode == 2 and "--yes-expose" in r.stderr
    r = run_cli("serve", "--model", tiny_model, "--host", "0.0.0.0", "--port", "0", "--yes-expose", timeout=60)
    assert r.returncode == 2 and "--api-key-stdin" in r.stderr


def test_policy_can_switch_serving_off(tmp_path, tiny_model):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"disable": ["serve"]}))
    r = run_cli("serve", "--model", tiny_model, "--port", "0", env={"HEARTH_POLICY": str(policy)}, timeout=60)
    assert r.returncode == 2
    assert r.stderr.strip() == "hearth: serving is switched off by your administrator"
    assert r.stdout == ""


def test_ctrl_c_stops_cleanly_with_130(tmp_path, tiny_model):
    server = ServeProcess("--model", tiny_model, "--port", "0", home=tmp_path)
    url = server.wait_ready()
    assert client(url).models.list().data
    assert server.stop(signal.SIGINT) == 130
    assert "hearth: stopped serving" in server.stderr()
    with pytest.raises(ConnectionError):
        raw(url, "GET", "/v1/models")


def test_sigterm_stops_cleanly_with_0(tmp_path, tiny_model):
    server = ServeProcess("--model", tiny_model, "--port", "0", home=tmp_path)
    server.wait_ready()
    assert server.stop(signal.SIGTERM) == 0


def test_client_gone_while_a_whole_reply_is_generated_cancels_it(tmp_path, tiny_long_model):
    """Not streamed: the server notices the dropped connection while it waits for the reply."""
    import socket

    server = ServeProcess("--model", tiny_long_model, "--port", "0", "--ctx", "32768", home=tmp_path)
    try:
        url = server.wait_ready()
        u = urlsplit(url)
        body = json.dumps({"model": server.model, "messages": [{"role": "user", "content": "A long story"}],
                           "max_tokens": 30000, "ignore_eos": True}).encode()
        sock = socket.create_connection((u.hostname, u.port), timeout=30)
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body)
        wait_until(lambda: stats(url)["running"] is not None, timeout=30)   # it is generating
        sock.close()
        s = wait_until(lambda: (st := stats(url))["cancelled"] == 1 and st, timeout=30)
        first = s["recent"][0]
        assert first["client_disconnected"] is True and first["completion_tokens"] < 30000
        assert s["running"] is None and s["completed"] == 0
    finally:
        server.stop()


def test_concurrent_clients_are_all_answered_in_arrival_order(served):
    """Four clients at once: the one model answers each in turn, none lost, none mixed up."""
    from concurrent.futures import ThreadPoolExecutor

    before = {r["id"] for r in stats(served.url)["recent"]}

    def ask(i: int):
        r = client(served.url).chat.completions.create(
            model=served.model, messages=[{"role": "user", "content": f"question {i}"}], max_tokens=20 + i,
            extra_body={"ignore_eos": True})
        return r.usage.completion_tokens

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(ask, range(4)))
    assert got == [20, 21, 22, 23]
    recent = [r for r in stats(served.url)["recent"] if r["id"] not in before]
    assert sorted(r["completion_tokens"] for r in recent) == [20, 21, 22, 23]
    assert [r["id"] for r in recent] == sorted(r["id"] for r in recent)   # finished in the order queued
    assert all(r["outcome"] == "completed" for r in recent)


def test_ctrl_c_during_a_stream_ends_it_and_exits(tmp_path, tiny_long_model):
    """Ctrl+C with a long reply streaming: generation stops, the server exits 130 without waiting it out."""
    server = ServeProcess("--model", tiny_long_model, "--port", "0", "--ctx", "32768", home=tmp_path)
    try:
        url = server.wait_ready()
        stream = client(url).chat.completions.create(
            model=server.model, messages=[{"role": "user", "content": "A very long story"}], max_tokens=30000,
            stream=True, extra_body={"ignore_eos": True})
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                break
        t0 = time.monotonic()
        assert server.stop(signal.SIGINT) == 130
        assert time.monotonic() - t0 < 15
        stream.close()
    finally:
        server.stop()


def test_a_port_in_use_is_one_sentence_and_exit_2(tiny_model):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = run_cli("serve", "--model", tiny_model, "--port", port, timeout=60)
    assert r.returncode == 2
    assert r.stderr.startswith(f"hearth: cannot listen on 127.0.0.1:{port}")
    assert len(r.stderr.strip().splitlines()) == 1


def test_serve_answers_and_says_the_cpu_fallback_on_a_cpu_whose_kernels_die(tmp_path, tiny_model):
    """As on an AMX CPU (the test switch): the first request kills the model process by SIGILL; it is
    loaded again with extra buffer types off, the request is answered, and stderr says so once."""
    from engine.host import cpu_fallback

    server = ServeProcess("--model", tiny_model, "--port", "0", home=tmp_path,
                          env={cpu_fallback.TEST_SWITCH: "decode"})
    try:
        url = server.wait_ready()
        for _ in range(2):
            reply = client(url).chat.completions.create(model=server.model, max_tokens=4,
                                                        messages=[{"role": "user", "content": "hi"}],
                                                        extra_body={"ignore_eos": True})
            assert reply.usage.completion_tokens > 0
        assert server.stderr().count(cpu_fallback.WHAT_IS_OFF) == 1, server.stderr()
    finally:
        server.stop()
