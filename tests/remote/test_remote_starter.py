"""The real starter model (Gemma 3 270M) behind llama-cpp-python's server: a remote reply in words."""

from __future__ import annotations

import json

import pytest

from tests.remote.conftest import MODEL_ID, LlamaServer, add_endpoint


@pytest.mark.starter
def test_starter_model_remote_chat(hearth, starter_model, tmp_path):
    srv = LlamaServer(starter_model, tmp_path)
    try:
        add_endpoint(hearth, "gemma", srv.url)
        r = hearth("chat", "--model", f"gemma:{MODEL_ID}", "--max-tokens", "24", "--seed", "1", "--json",
                   "The capital of France is", timeout=300)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert len(out["text"].split()) >= 2 and out["completion_tokens"] > 1
        assert out["remote"]["endpoint"] == "gemma"
    finally:
        srv.stop()
