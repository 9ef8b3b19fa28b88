"""A remote model (NAME:MODEL_ID) answers from the passages; they go to that host, and only when needed."""

from __future__ import annotations

import json

from tests.remote.conftest import add_endpoint, cli_env, fake_server, hearth  # noqa: F401 (fixtures)


def test_remote_model_gets_the_passages_and_says_so(hearth, fake_server, docs):  # noqa: F811
    add_endpoint(hearth, "office", fake_server.url("ask"))
    assert hearth("collections", "add", "docs", str(docs)).returncode == 0
    assert hearth("index", "docs", "--quiet").returncode == 0

    nf = hearth("ask", "docs", "What is the capital of Mars?", "--model", "office:fake", "--json")
    assert nf.returncode == 0, nf.stderr
    assert json.loads(nf.stdout)["found"] is False
    assert fake_server.requests["ask"] == 0            # nothing relevant: nothing was sent anywhere

    r = hearth("ask", "docs", "When was the budget raised?", "--model", "office:fake", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["remote"]["endpoint"] == "office" and out["found"] is True
    assert "passages found are sent to 127.0.0.1" in r.stderr
    sent = fake_server.bodies["ask"][-1]["messages"][-1]["content"]
    assert "[notes.md p. 1]\n" in sent and "raised by 8 percent" in sent
    assert out["citations"][0]["file"] == "notes.md" and out["prompt_tokens"] > 0
