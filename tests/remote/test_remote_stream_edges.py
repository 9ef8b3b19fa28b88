"""Remote streams at the edges: a proxy that gzips the event stream, Stop while the server is busy
(a 429/503 backoff) or still holds the response headers, and cancelled ids not kept forever.
Our own small server on loopback (tests/remote/fakeserver.py)."""

from __future__ import annotations

import threading
import uuid

from engine.host.protocol import LoadOptions, SamplingOptions
from engine.remote.client import RemoteClient
from engine.remote.endpoints import Endpoint


def _client(url: str, **kw) -> RemoteClient:
    c = RemoteClient(Endpoint("lab", url), "fake", api_key="", **kw)   # "" : no key, no keyring asked
    c.load(None, LoadOptions())
    return c


def _chat_in_thread(client: RemoteClient, rid: int):
    """Start a chat in another thread; returns (thread, result dict: "stats" or "error")."""
    result: dict = {}

    def run():
        try:
            result["stats"] = client.chat([{"role": "user", "content": "Hi there"}],
                                          SamplingOptions(max_tokens=50), request_id=rid)
        except BaseException as e:   # noqa: BLE001 - the test reports it
            result["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, result


def test_gzipped_event_stream_gives_the_full_reply(fake_server):
    """A proxy that compresses text/event-stream anyway: the reply is decoded, not "cut mid-reply"."""
    client = _client(fake_server.url("gzip"))
    seen: list[str] = []
    stats = client.chat([{"role": "user", "content": "one two three"}], SamplingOptions(max_tokens=50),
                        on_text=seen.append)
    assert stats.text == "Summary: one two three [p. 1]" == "".join(seen)
    assert stats.finish_reason == "stop" and stats.completion_tokens == 6
    # ... and the stream was asked for uncompressed.
    assert fake_server.accept_encoding["gzip"] == "identity"
    client.unload()


def test_stop_during_busy_backoff_is_a_normal_stop(fake_server):
    """The server is busy (503, Retry-After: 20): a Stop while the client waits to try again gives a
    cancelled result, like a Stop mid-reply, not an error."""
    mode = f"slowbusy-20-{uuid.uuid4().hex[:6]}"
    waiting = threading.Event()
    client = _client(fake_server.url(mode), on_notice=lambda text: waiting.set())
    rid = client.new_request_id()
    t, result = _chat_in_thread(client, rid)
    assert waiting.wait(30), "the client never said it would try again"
    client.cancel(rid)
    t.join(15)
    assert not t.is_alive(), "Stop did not end the wait"
    assert "error" not in result, repr(result.get("error"))
    stats = result["stats"]
    assert stats.finish_reason == "cancelled" and stats.text == ""
    assert fake_server.requests[mode] == 2     # GET /models at load, one chat request; no retry after Stop
    assert "trying again in 20 s" in client.notices[0]
    client.unload()
