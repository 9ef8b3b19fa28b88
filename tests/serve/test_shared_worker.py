"""The local API sharing the chat's model process (the desktop app's switch): switching it off or cancelling
its requests never touches the chat's, and a chat load never slips between its model check and its request."""

from __future__ import annotations

import asyncio
import threading

import pytest

from engine.host.client import EngineClient
from engine.serve.worker import ModelWorker
from tests.engine.test_fairlock import wait_for
from tests.engine.test_host import long_reply


@pytest.fixture
def client(tmp_path):
    c = EngineClient(log_dir=tmp_path / "logs")
    yield c
    c.unload()


@pytest.fixture
def loop():
    lp = asyncio.new_event_loop()   # never run: the jobs' events just pile up in it
    yield lp
    lp.close()


@pytest.fixture
def shared_worker(client, tiny_model):
    client.load(tiny_model)
    w = ModelWorker(tiny_model, client=client, shared=True)
    w.start()
    w.wait_ready(30)
    yield w
    w.stop()


def test_switching_the_api_off_leaves_the_chats_reply_alone(client, tiny_long_model):
    from engine.config import AppConfig
    from engine.host.protocol import LoadOptions
    from engine.serve.background import BackgroundServer

    client.load(tiny_long_model, LoadOptions(n_ctx=16384))
    ready, stopped = threading.Event(), threading.Event()
    server = BackgroundServer(AppConfig.load(), tiny_long_model, port=0, client=client,
                              on_ready=lambda url: ready.set(), on_stopped=lambda error: stopped.set())
    server.start()
    try:
        assert ready.wait(60), server.error
        got = []

        def on_text(t):
            got.append(t)
            if len(got) == 1:
                server.stop()                  # the Local API switched off while the chat replies

        stats = client.chat([{"role": "user", "content": "go"}], long_reply(3000), on_text=on_text)
        assert stats.finish_reason == "length" and stats.completion_tokens == 3000
        assert stopped.wait(30)
    finally:
        server.stop(wait=True)
    assert client.alive and client.model_path == str(tiny_long_model)


def test_a_chat_load_cannot_slip_between_the_model_check_and_the_request(client, shared_worker, loop,
                                                                         tiny_base_model):
    from engine.host.protocol import SamplingOptions

    with client._lock:                         # the chat is busy: the API's request waits its turn
        job = shared_worker.submit("complete", "hello", SamplingOptions(max_tokens=3), loop=loop)
        wait_for(lambda: client._lock.waiting() == 1)
        client.load(tiny_base_model)           # the chat loads another model before the API's turn
    wait_for(lambda: job.state == "done", timeout=30)
    last = shared_worker.stats()["recent"][-1]
    assert last["outcome"] == "failed" and "no longer loaded" in last["error"]


def test_cancel_own_stops_the_apis_waiting_and_queued_requests_only(client, shared_worker, loop):
    from engine.host.protocol import SamplingOptions

    chat_request = client.new_request_id()     # the chat's reply, asked for meanwhile
    with client._lock:                         # the chat's request runs
        waiting = shared_worker.submit("complete", "a", SamplingOptions(max_tokens=3), loop=loop)
        wait_for(lambda: client._lock.waiting() == 1)
        queued = shared_worker.submit("complete", "b", SamplingOptions(max_tokens=3), loop=loop)
        shared_worker.cancel_own()
        wait_for(lambda: waiting.state == "done", timeout=10)   # gave up its wait: the chat still runs
        assert not client._is_cancelled(chat_request)
    wait_for(lambda: queued.state == "done", timeout=30)
    stats = shared_worker.stats()
    assert stats["cancelled"] == 2 and stats["completed"] == 0
    assert client.chat([{"role": "user", "content": "c"}], long_reply(3),
                       request_id=chat_request).completion_tokens == 3
