"""Real models behind llama-cpp-python's server: the starter model (Gemma 3 270M, a base model) replies in
words; an instruction-tuned one (SmolLM2-135M-Instruct) answers a question right."""

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
        # The stand-in server runs with extra buffer types off (an AMX CPU would kill it otherwise):
        # llama.cpp repacks this Q4_K_M model's weights whenever they are on.
        assert "model buffer size" in srv.output() and "REPACK model buffer" not in srv.output()
    finally:
        srv.stop()


@pytest.mark.instruct
def test_instruct_model_on_a_server_names_paris(hearth, instruct_model, tmp_path):
    """A real instruction-tuned model behind llama-cpp-python's server, asked through the CLI: the greedy
    answer is right and ends on its own, and the reply says which server wrote it."""
    srv = LlamaServer(instruct_model, tmp_path)
    try:
        add_endpoint(hearth, "smol", srv.url)
        r = hearth("chat", "--model", f"smol:{MODEL_ID}", "--max-tokens", "32", "--temperature", "0", "--json",
                   "What is the capital of France? Answer with the city name only.", timeout=300)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert "Paris" in out["text"], out["text"]
        assert out["finish_reason"] == "stop" and out["completion_tokens"] < 32
        assert out["remote"]["endpoint"] == "smol"
    finally:
        srv.stop()
