"""Summaries and comparisons with remote models, through the CLI against real loopback servers."""

from __future__ import annotations

import json

from tests.remote.conftest import MODEL_ID, add_endpoint

PARAGRAPH = ("The quarterly report describes sales in three regions. Revenue grew in the north and fell in "
             "the south. The board asked for a plan to reduce costs before the next meeting. ")


def _document(tmp_path, paragraphs: int = 30):
    doc = tmp_path / "report.txt"
    doc.write_text("\n\n".join(f"Section {i}. " + PARAGRAPH for i in range(paragraphs)), encoding="utf-8")
    return doc


def test_summarize_remote_without_tokenize_route_uses_the_estimate(hearth, fake_server, tmp_path):
    """The fake has no /tokenize: counting falls back to the stated estimate, and the document
    (larger than the context) is still summarised in chunks, every prompt within the context."""
    add_endpoint(hearth, "plain", fake_server.url("plain"))
    doc = _document(tmp_path)
    r = hearth("summarize", str(doc), "--model", "plain:fake", "--ctx", "1024", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["remote"]["token_counting"].startswith("estimated (no tokenize route)")
    assert out["remote"]["endpoint"] == "plain"
    assert out["chunks"] > 1 and out["ctx"] == 1024
    assert out["max_prompt_tokens"] <= 1024
    # Every step was asked of the remote server (the fake parrots the first words of each prompt: its
    # combined "summary" echoes the instruction, which the summariser rightly refuses for an extract).
    assert len(fake_server.bodies["plain"]) >= out["chunks"] + 1
    assert out["summary"].strip()
    assert "your text is sent to" not in r.stdout


def test_summarize_remote_with_llama_cpp_python_tokenize(hearth, llama_server, tmp_path):
    add_endpoint(hearth, "lab", llama_server.url)
    doc = _document(tmp_path, 6)
    r = hearth("summarize", str(doc), "--model", f"lab:{MODEL_ID}", "--ctx", "4096", "--length", "short",
               "--json", timeout=300)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["remote"]["token_counting"] == "exact (llama-cpp-python /extras/tokenize)"
    assert out["document_tokens"] > 0 and out["completion_tokens"] > 0


def test_compare_one_local_one_remote(hearth, llama_server, tiny_model):
    add_endpoint(hearth, "lab", llama_server.url)
    r = hearth("compare", "--models", str(tiny_model), f"lab:{MODEL_ID}", "--max-tokens", "16", "--seed", "5",
               "--json", "Say hello", timeout=300)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    local, remote = out["results"]
    assert remote["model"] == f"lab:{MODEL_ID}"
    for res in (local, remote):
        assert res["error"] is None, res
        assert res["text"] and res["completion_tokens"] == 16
        assert res["ttft_s"] > 0 and res["gen_tok_s"] > 0
    assert local["peak_rss_bytes"] and remote["peak_rss_bytes"] is None   # nothing runs here for the remote
    # The prompt right after the models is still the prompt with a NAME:MODEL_ID among them.
    r = hearth("compare", "--models", str(tiny_model), f"lab:{MODEL_ID}", "Say hello", "--max-tokens", "4",
               "--json", timeout=300)
    assert r.returncode == 0, r.stderr
