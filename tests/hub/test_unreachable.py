"""A Hub that cannot be reached fails at once, in one sentence, without huggingface-hub's
five retries with backoff (about 23 s on a refused connection)."""

from __future__ import annotations

import socket

import pytest

from engine.errors import EngineError
from engine.hub import api
from tests.conftest import run_cli
from tests.hub.test_token_cli import cli_env  # noqa: F401 (fixture)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_search_on_a_refused_port_never_reaches_huggingface_hubs_retry_loop(monkeypatch):
    import huggingface_hub.utils._pagination as pagination

    calls = []
    real = pagination.http_backoff
    monkeypatch.setattr(pagination, "http_backoff", lambda *a, **k: calls.append(a) or real(*a, **k))
    client = api.HubClient(endpoint=f"http://127.0.0.1:{closed_port()}", token=False)
    with pytest.raises(EngineError, match="cannot reach the Hub at http://127.0.0.1:.*connection was refused"):
        client.search("gemma")
    assert calls == []


def test_an_unresolvable_host_is_named():
    with pytest.raises(EngineError, match="the name no-such-host.invalid cannot be resolved"):
        api.check_reachable("https://no-such-host.invalid")


def test_a_proxy_skips_the_direct_probe(monkeypatch):
    # Behind a proxy a direct connect proves nothing; huggingface-hub goes through the proxy.
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    api.check_reachable("https://no-such-host.invalid")   # no exception: the probe is skipped


def test_the_reachable_fake_hub_still_searches(fake_hub):
    client = api.HubClient(endpoint=fake_hub.url, token=False)
    assert [r.repo_id for r in client.search("tiny")] == ["acme/Tiny-GGUF"]


def test_cli_search_on_a_refused_port_exits_3_without_retry_messages(cli_env):  # noqa: F811
    r = run_cli("search", "gemma", env={**cli_env, "HF_ENDPOINT": f"http://127.0.0.1:{closed_port()}"})
    assert r.returncode == 3, (r.stdout, r.stderr)
    assert "cannot reach the Hub" in r.stderr and "connection was refused" in r.stderr
    assert "Retrying" not in r.stderr and "Traceback" not in r.stderr
