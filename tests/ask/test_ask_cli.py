"""The command line contract: collections, index, retrieve, ask (real subprocesses, real files)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests.conftest import ROOT, run_cli


def _json(proc):
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_collections_index_retrieve_ask_contract(docs, tiny_long_model, tiny_embedding_model, hearth_home):
    out = _json(run_cli("collections", "add", "docs", docs, "--json"))
    assert out["name"] == "docs" and out["paths"] == [str(docs)]
    (docs / "broken.docx").write_bytes(b"not a zip at all")
    idx = _json(run_cli("index", "docs", "--json", "--embed-model", "none"))
    assert {"files", "indexed", "skipped", "failed", "passages", "seconds"} <= idx.keys()
    assert (idx["files"], idx["indexed"], idx["skipped"]) == (5, 4, 0) and idx["passages"] > 4
    assert idx["failed"][0]["file"].endswith("broken.docx") and idx["failed"][0]["reason"]
    again = _json(run_cli("index", "docs", "--json", "--embed-model", "none"))
    assert (again["indexed"], again["skipped"], again["passages"]) == (0, 4, idx["passages"])

    listed = _json(run_cli("collections", "list", "--json"))
    assert listed[0]["name"] == "docs" and listed[0]["passages"] == idx["passages"]

    res = _json(run_cli("retrieve", "docs", "業務時間は何パーセント短縮されましたか", "--top-k", "2", "--json"))
    assert len(res["results"]) == 2
    top = res["results"][0]
    assert {"file", "page", "passage", "score"} <= top.keys()
    assert (top["file"], top["page"]) == ("report.pdf", 3) and "八パーセント" in top["passage"]

    ans = _json(run_cli("ask", "docs", "業務時間は何パーセント短縮されましたか", "--model", tiny_long_model,
                        "--ctx", "2048", "--top-k", "3", "--json"))
    assert {"answer", "citations", "found", "passages_used", "prompt_tokens", "completion_tokens",
            "seconds"} <= ans.keys()
    assert ans["found"] is True and ans["passages_used"] >= 1 and ans["prompt_tokens"] > 0
    assert (ans["citations"][0]["file"], ans["citations"][0]["page"]) == ("report.pdf", 3)

    nf = _json(run_cli("ask", "docs", "What is the capital of Mars?", "--model", tiny_long_model, "--json"))
    assert (nf["found"], nf["citations"], nf["prompt_tokens"]) == (False, [], 0)
    assert nf["answer"] == "Not found in these documents."
    nf_ja = _json(run_cli("ask", "docs", "火星の首都はどこですか", "--model", tiny_long_model, "--json"))
    assert nf_ja["answer"] == "これらの文書には見つかりませんでした。" and nf_ja["found"] is False

    # An embedding model is never a chat model.
    bad = run_cli("ask", "docs", "業務時間は？", "--model", tiny_embedding_model)
    assert bad.returncode == 2 and "embedding model" in bad.stderr

    assert run_cli("collections", "remove", "docs").returncode == 0
    gone = run_cli("retrieve", "docs", "budget")
    assert gone.returncode == 2 and "no collection named 'docs'" in gone.stderr


def test_base_model_warns_and_names_instruction_models(docs, tiny_base_model):
    run_cli("collections", "add", "docs", docs)
    run_cli("index", "docs", "--quiet")
    p = run_cli("ask", "docs", "When was the budget raised?", "--model", tiny_base_model, "--ctx", "2048", "--json")
    assert p.returncode == 0, p.stderr
    assert "is a base model" in p.stderr and "Instruct" in p.stderr
    assert json.loads(p.stdout)["base_model"] is True


def test_kill_9_mid_index_then_resume_loses_nothing_and_doubles_nothing(tmp_path, hearth_home):
    folder = tmp_path / "many"
    folder.mkdir()
    n = 30
    for i in range(n):
        (folder / f"doc{i:02d}.md").write_text(f"# Document {i}\n\n" + f"Paragraph about topic {i}. " * 120)
    assert run_cli("collections", "add", "many", folder).returncode == 0
    env = dict(os.environ, HEARTH_TEST_INDEX_DELAY="0.25")
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "index", "many", "--embed-model", "none"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = hearth_home / "data" / "hearth.sqlite3"
    if not db.exists():
        db = next(hearth_home.rglob("hearth.sqlite3"))

    def indexed_files():
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
                return c.execute("SELECT count(*) FROM ask_files WHERE status = 'indexed'").fetchone()[0]
        except sqlite3.Error:
            return 0

    deadline = time.monotonic() + 60
    while indexed_files() < 4 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    done = indexed_files()
    assert 4 <= done < n

    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # every file that counts as indexed has all its passages, no more
        for fid, count in c.execute("SELECT id, passages FROM ask_files"):
            assert c.execute("SELECT count(*) FROM ask_passages WHERE file_id = ?", (fid,)).fetchone()[0] == count
    r = _json(run_cli("index", "many", "--json", "--embed-model", "none"))
    assert (r["indexed"], r["skipped"], r["failed"]) == (n - done, done, [])
    with sqlite3.connect(db) as c:
        per_file = c.execute("SELECT DISTINCT passages FROM ask_files").fetchall()
        assert len(per_file) == 1
        assert r["passages"] == n * per_file[0][0] == c.execute("SELECT count(*) FROM ask_passages").fetchone()[0]
        assert c.execute("SELECT count(*) FROM (SELECT file_id, position FROM ask_passages "
                         "GROUP BY file_id, position HAVING count(*) > 1)").fetchone()[0] == 0
        c.execute("INSERT INTO ask_fts_words(ask_fts_words) VALUES ('integrity-check')")
        assert c.execute("SELECT count(*) FROM ask_fts_words WHERE ask_fts_words MATCH '\"topic\"'").fetchone()[0] \
            == r["passages"]


def test_retrieve_and_ask_on_a_collection_with_nothing_indexed_say_so(docs, tmp_path, hearth_home):
    assert run_cli("collections", "add", "docs", docs).returncode == 0
    for args in (("retrieve", "docs", "budget", "--json"), ("ask", "docs", "When was the budget raised?", "--json")):
        p = run_cli(*args)
        assert p.returncode == 2 and p.stdout == ""                  # as for an unknown collection
        assert "nothing in docs is indexed yet: run `python main.py index docs`" in p.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bad.docx").write_bytes(b"not a zip")
    assert run_cli("collections", "add", "bad", broken).returncode == 0
    assert run_cli("index", "bad", "--quiet").returncode == 0
    p = run_cli("retrieve", "bad", "budget")
    assert p.returncode == 2 and "none of the documents in bad could be read (1 tried)" in p.stderr
