"""Stopping a request that waits (queued behind another, or behind another thread's request) never
touches the running one, and a Stop ends such a wait at once."""

from __future__ import annotations

import threading

from tests.engine.test_fairlock import wait_for
from tests.engine.test_host import long_reply, tokens_after_stop_allowed


def test_stopping_a_queued_request_does_not_undo_the_running_ones_stop(client, tiny_long_model):
    """Stop the running reply, then a queued request before the host's next token check: the running reply
    still stops within a token (the queued Stop used to overwrite its id in the host's one cancel slot, so
    it generated on and the hard-cancel timer later killed the host)."""
    from engine.host.protocol import LoadOptions

    client.load(tiny_long_model, LoadOptions(n_ctx=16384))
    allowed = tokens_after_stop_allowed(client)
    pid = client.pid
    running = client.new_request_id()
    queued = client.new_request_id()
    got = []

    def on_text(t):
        got.append(t)
        if len(got) == 1:
            client.cancel(running)
            client.cancel(queued)

    stats = client.chat([{"role": "user", "content": "go"}], long_reply(16000), on_text=on_text,
                        request_id=running)
    assert stats.finish_reason == "cancelled" and stats.completion_tokens <= allowed, (stats.completion_tokens, allowed)
    assert client.alive and client.pid == pid          # stopped by the host itself, not by killing it
    later = client.chat([{"role": "user", "content": "b"}], long_reply(400), request_id=queued)
    assert later.finish_reason == "cancelled" and later.completion_tokens == 0
    assert client.chat([{"role": "user", "content": "c"}], long_reply(5)).completion_tokens == 5


def test_a_stop_ends_the_wait_behind_another_threads_request(client):
    """Shared mode: a chat reply queued behind a local-API request can be Stopped before that request ends."""
    rid = client.new_request_id()
    out = {}
    with client._lock:                                   # another thread's request holds the client
        t = threading.Thread(target=lambda: out.update(s=client.chat([{"role": "user", "content": "a"}],
                                                                     long_reply(5), request_id=rid)))
        t.start()
        wait_for(lambda: client._lock.waiting() == 1)
        client.cancel(rid)
        t.join(10)
        gave_up = not t.is_alive()
    t.join(10)
    assert gave_up, "the Stopped request waited for the other thread's request to end"
    assert out["s"].finish_reason == "cancelled" and out["s"].completion_tokens == 0


def test_named_stops_are_forgotten_once_their_request_is_over(client, tiny_model):
    client.load(tiny_model)
    stopped = client.new_request_id()
    client.cancel(stopped)                               # a Stop before the request started
    assert client.chat([{"role": "user", "content": "a"}], long_reply(5), request_id=stopped
                       ).finish_reason == "cancelled"
    done = client.new_request_id()
    assert client.chat([{"role": "user", "content": "b"}], long_reply(5), request_id=done).completion_tokens == 5
    client.cancel(done)                                  # a late Stop: the request had finished
    client.cancel(stopped)
    assert client._ids.named == set()
    assert client.chat([{"role": "user", "content": "c"}], long_reply(5)).completion_tokens == 5
    client.cancel(client.new_request_id())               # a Stop of a request never run...
    client.cancel()                                      # ...then of everything: it covers that one
    assert client._ids.named == set()
