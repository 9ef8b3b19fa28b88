"""Chat with a remote model: streamed through the CLI, Stop closing the stream, a cut stream,
busy servers (429/503) retried. Real servers on loopback."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid

import pytest

from engine.host.protocol import LoadOptions, SamplingOptions
from engine.remote.client import RemoteClient, StreamCutError
from engine.remote.endpoints import Endpoint
from tests.remote.conftest import MODEL_ID, add_endpoint
from tests.remote.fakeserver import CUT_CHUNKS

CHAT_KEYS = ("text", "prompt_tokens", "completion_tokens", "ttft_s", "prompt_tok_s", "gen_tok_s", "finish_reason")


def _client(url: str, model: str = MODEL_ID) -> RemoteClient:
    c = RemoteClient(Endpoint("lab", url), model, api_key="")   # "" : no key, no keyring asked
    c.load(None, LoadOptions())
    return c


def test_chat_streams_through_the_cli(hearth, llama_server):
    add_endpoint(hearth, "lab", llama_server.url)
    r = hearth("chat", "--model", f"lab:{MODEL_ID}", "--max-tokens", "24", "--seed", "3", "--json", "Hello there")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    for k in CHAT_KEYS:
        assert k in out, k
    assert out["text"].strip() and out["completion_tokens"] == 24 and out["finish_reason"] == "length"
    assert out["ttft_s"] > 0 and out["gen_tok_s"] > 0 and out["prompt_tokens"] > 0
    assert out["model"] == f"lab:{MODEL_ID}"
    assert out["remote"] == {"endpoint": "lab", "host": f"127.0.0.1:{llama_server.port}"}
    # Without --json the reply streams to stdout and stderr says where the text went.
    r = hearth("chat", "--model", f"lab:{MODEL_ID}", "--max-tokens", "24", "--seed", "3", "Hello there")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == out["text"].strip()     # same seed, same reply
    assert f"your text is sent to 127.0.0.1:{llama_server.port}" in r.stderr


def test_conversation_keeps_the_remote_reply(hearth, llama_server):
    add_endpoint(hearth, "lab", llama_server.url)
    r = hearth("chat", "--model", f"lab:{MODEL_ID}", "--max-tokens", "8", "--conversation", "new", "--json", "Hi")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    r = hearth("export", str(out["conversation_id"]), "--format", "json")
    assert r.returncode == 0, r.stderr
    reply = json.loads(r.stdout)["messages"][-1]
    assert reply["content"] == out["text"] != "" and reply["complete"]


def test_stop_closes_the_stream_at_once(llama_server):
    client = _client(llama_server.url)
    first = threading.Event()
    got: list[str] = []
    rid = client.new_request_id()

    def on_text(t):
        got.append(t)
        first.set()

    result = {}

    def run():
        result["stats"] = client.chat([{"role": "user", "content": "Tell me a long story"}],
                                      SamplingOptions(max_tokens=3000, seed=1), on_text=on_text, request_id=rid)

    t = threading.Thread(target=run)
    t.start()
    assert first.wait(30), "no text arrived"
    # The server frozen mid-reply can neither finish the stream nor close it: only the client's own Stop
    # (shutting the socket) can end the request now.
    os.kill(llama_server.proc.pid, signal.SIGSTOP)
    try:
        client.cancel(rid)
        t.join(30)
        assert not t.is_alive(), "after Stop the client still waited on the server"
    finally:
        os.kill(llama_server.proc.pid, signal.SIGCONT)
    stats = result["stats"]
    assert stats.finish_reason == "cancelled"
    assert 0 < stats.completion_tokens < 3000
    assert stats.text == "".join(got)
    # The server saw the client go (llama-cpp-python prints it when the stream's socket closed).
    deadline = time.monotonic() + 10
    while "disconnected" not in llama_server.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "disconnected" in llama_server.output()
    # The client still works for the next request.
    again = client.chat([{"role": "user", "content": "Hi"}], SamplingOptions(max_tokens=5, seed=1))
    assert again.finish_reason == "length" and again.completion_tokens == 5
    client.unload()


def test_stop_before_start_sends_nothing(fake_server):
    client = _client(fake_server.url("plain"), "fake")
    before = fake_server.requests["plain"]
    rid = client.new_request_id()
    client.cancel(rid)
    stats = client.chat([{"role": "user", "content": "Hi"}], request_id=rid)
    assert stats.finish_reason == "cancelled" and stats.text == ""
    assert fake_server.requests["plain"] == before


def test_cut_stream_keeps_the_partial_reply(fake_server):
    client = _client(fake_server.url("cut"), "fake")
    seen = []
    with pytest.raises(StreamCutError) as e:
        client.chat([{"role": "user", "content": "Hi"}], on_text=seen.append)
    assert e.value.stats.text == "".join(CUT_CHUNKS) == "".join(seen)
    assert e.value.stats.finish_reason == "incomplete"
    assert str(e.value) == (f"the connection to 127.0.0.1:{fake_server.port} was cut mid-reply; the reply is "
                            f"incomplete (3 tokens kept)")


def test_cut_stream_through_the_cli(hearth, fake_server):
    add_endpoint(hearth, "cutter", fake_server.url("cut"))
    r = hearth("chat", "--model", "cutter:fake", "--conversation", "new", "--json", "Hi")
    assert r.returncode == 3
    out = json.loads(r.stdout)
    assert out["text"] == "".join(CUT_CHUNKS) and out["finish_reason"] == "incomplete"
    assert "cut mid-reply" in out["error"] and "cut mid-reply" in r.stderr
    conv = hearth("export", str(out["conversation_id"]), "--format", "json")
    reply = json.loads(conv.stdout)["messages"][-1]
    assert reply["content"] == "".join(CUT_CHUNKS) and not reply["complete"]


@pytest.mark.parametrize("code", [429, 503])
def test_busy_server_is_retried_and_said(hearth, fake_server, code):
    mode = f"busy-{code}-2-{uuid.uuid4().hex[:6]}"
    add_endpoint(hearth, "busy", fake_server.url(mode))
    r = hearth("chat", "--model", "busy:fake", "--json", "Hi there")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["text"].startswith("Summary:")
    assert f"is busy (HTTP {code}); trying again in 0 s (try 2 of 4)" in r.stderr
    assert "(try 3 of 4)" in r.stderr
    assert fake_server.busy_answers[mode] == 3


def test_always_busy_gives_up_in_one_sentence(hearth, fake_server):
    mode = f"busy-503-99-{uuid.uuid4().hex[:6]}"
    add_endpoint(hearth, "busy", fake_server.url(mode))
    r = hearth("chat", "--model", "busy:fake", "Hi")
    assert r.returncode == 3
    assert r.stderr.strip().splitlines()[-1] == (f"hearth: the server at 127.0.0.1:{fake_server.port} is busy "
                                                 "(HTTP 503) and still was after 4 tries; try again later")
    assert fake_server.busy_answers[mode] == 4


def test_unknown_model_is_bad_input(hearth, llama_server):
    add_endpoint(hearth, "lab", llama_server.url)
    r = hearth("chat", "--model", "lab:nope", "Hi")
    assert r.returncode == 2
    assert f"has no model 'nope' (it has: {MODEL_ID})" in r.stderr


def test_nothing_contacted_until_used(fake_server):
    before = fake_server.requests["plain"]
    client = RemoteClient(Endpoint("lab", fake_server.url("plain")), "fake", api_key="")
    assert fake_server.requests["plain"] == before
    with pytest.raises(Exception):
        client.chat([{"role": "user", "content": "Hi"}])   # not loaded: refused here, nothing sent
    assert fake_server.requests["plain"] == before


def test_usage_figures_of_the_server_are_used(fake_server):
    client = _client(fake_server.url("plain"), "fake")
    stats = client.chat([{"role": "user", "content": "one two three"}], SamplingOptions(max_tokens=50))
    assert stats.text == "Summary: one two three [p. 1]" and stats.finish_reason == "stop"
    assert stats.completion_tokens == 6          # the server's usage figures (the fake computes them so)
    assert stats.prompt_tokens == len("one two three") // 4 + 1
