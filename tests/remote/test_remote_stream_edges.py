"""Remote streams at the edges: a proxy that gzips the event stream, Stop while the server is busy
(a 429/503 backoff) or still holds the response headers, and cancelled ids not kept forever.
Our own small server on loopback (tests/remote/fakeserver.py)."""

from __future__ import annotations

import threading
import uuid

from engine.host.protocol import LoadOptions, SamplingOptions
from engine.remote.client import RemoteClient
from engine.remote.endpoints import Endpoint


def _client(url: str, ca_bundle: str | None = None, **kw) -> RemoteClient:
    c = RemoteClient(Endpoint("lab", url, ca_bundle=ca_bundle), "fake", api_key="", **kw)   # "" : no key, no keyring asked
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


def _stop_while_headers_are_held(fake_server, ca_bundle: str | None = None):
    mode = f"hold-{uuid.uuid4().hex[:6]}"
    client = _client(fake_server.url(mode), ca_bundle)
    rid = client.new_request_id()
    t, result = _chat_in_thread(client, rid)
    assert fake_server.held[mode].wait(30), "the request never reached the server"
    client.cancel(rid)
    t.join(20)       # the server would hold the headers for 60 s
    assert not t.is_alive(), "Stop did nothing while the server held the response headers"
    assert "error" not in result, repr(result.get("error"))
    stats = result["stats"]
    assert stats.finish_reason == "cancelled" and stats.text == ""
    # The socket was shut: the server saw the client go.
    assert fake_server.disconnected[mode].wait(20)
    # The client still works for the next request.
    client_ok = _client(fake_server.url("plain"), ca_bundle)
    assert client_ok.chat([{"role": "user", "content": "Hi"}]).text == "Summary: Hi [p. 1]"
    client_ok.unload()
    client.unload()


def test_stop_before_the_response_headers(fake_server):
    """A busy server takes the request and holds the headers: Stop ends the request at once (the
    socket is shut) and gives a cancelled result, not an error."""
    _stop_while_headers_are_held(fake_server)


def test_stop_before_the_response_headers_over_tls(tls_fake_server):
    """The same over TLS: the TLS socket is shut too."""
    srv, cert = tls_fake_server
    _stop_while_headers_are_held(srv, ca_bundle=str(cert))


def test_cancelled_ids_are_not_kept_after_their_request(fake_server):
    """Named Stops are forgotten once their request is over (before it started, during the busy
    wait, or a late Stop after the reply); a Stop of a request not yet run is kept until it runs."""
    client = _client(fake_server.url("plain"))
    hi = [{"role": "user", "content": "Hi"}]
    # Stopped before it started.
    rid = client.new_request_id()
    client.cancel(rid)
    assert client.chat(hi, request_id=rid).finish_reason == "cancelled"
    assert client._ids.named == set()
    # A late Stop, after the reply ended.
    rid = client.new_request_id()
    assert client.chat(hi, request_id=rid).finish_reason == "stop"
    client.cancel(rid)
    assert client._ids.named == set()
    # A Stop of a request asked for but not run yet is kept, and still applies when it runs.
    rid = client.new_request_id()
    client.cancel(rid)
    assert client._ids.named == {rid}
    assert client.chat(hi, request_id=rid).finish_reason == "cancelled"
    assert client._ids.named == set()
    # Stop during the busy wait.
    mode = f"slowbusy-20-{uuid.uuid4().hex[:6]}"
    waiting = threading.Event()
    busy = _client(fake_server.url(mode), on_notice=lambda text: waiting.set())
    rid = busy.new_request_id()
    t, result = _chat_in_thread(busy, rid)
    assert waiting.wait(30)
    busy.cancel(rid)
    t.join(15)
    assert not t.is_alive() and result["stats"].finish_reason == "cancelled"
    assert busy._ids.named == set()
    # The next request runs.
    assert client.chat(hi).text == "Summary: Hi [p. 1]"
    client.unload()
    busy.unload()
