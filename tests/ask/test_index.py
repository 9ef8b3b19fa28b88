"""Collections and indexing: real documents, a real SQLite file."""

from __future__ import annotations

import os
import time

import pytest

from engine.ask import Collections, Indexer
from engine.ask.passages import MAX_TOKENS, estimate_tokens, split_page
from engine.ask.terms import index_terms, query_terms
from engine.errors import BadInputError, CancelledError
from tests.documents import make_docs


def _passages(store, name="docs"):
    with store._guard() as c:
        return c.execute("SELECT f.path, p.page, p.char_start, p.char_end, p.text FROM ask_passages p "
                         "JOIN ask_files f ON f.id = p.file_id JOIN ask_collections k ON k.id = f.collection_id "
                         "WHERE k.name = ? ORDER BY f.path, p.position", (name,)).fetchall()


def test_passages_keep_pages_offsets_and_sentences():
    text = "Intro line.\n\n" + "This is a sentence about budgets. " * 60 + "\n\n" + make_docs.LONG_JA[:900]
    ps = split_page(7, text)
    assert len(ps) > 3
    for p in ps:
        assert p.page == 7
        assert text[p.char_start:p.char_end] == p.text
        assert estimate_tokens(p.text) <= MAX_TOKENS
    japanese = [p for p in ps if "。" in p.text]
    assert japanese and all(p.text.endswith("。") for p in japanese[:-1])   # cut after 。, not inside a sentence


def test_terms_pair_japanese_and_keep_english_words():
    assert "予算" in index_terms("予算の見直し").split()
    assert query_terms("予算は？") == ["予算", "算は"]
    assert query_terms("What was the budget raised by?") == ["budget", "raised"]
    assert sorted(query_terms("ＡＢＣ社のｶﾀｶﾅ")) == sorted(["abc", "社の", "のカ", "カタ", "タカ", "カナ"])   # NFKC


def test_collections_add_list_remove(store, docs):
    cols = Collections(store)
    col = cols.add("Docs", [str(docs), str(docs / "notes.md")])
    assert col.paths == [str(docs), str(docs / "notes.md")]
    cols.add("docs", [str(docs)])                       # names are case-insensitive; a path is added once
    assert [r["name"] for r in cols.list()] == ["Docs"]
    with pytest.raises(BadInputError, match="no such file or folder"):
        cols.add("docs", [str(docs / "missing")])
    with pytest.raises(BadInputError, match="no collection named 'nope'"):
        cols.get("nope")
    cols.remove("DOCS")
    assert cols.list() == []


def test_index_real_pdf_docx_shift_jis_then_skip_change_delete(store, docs):
    Collections(store).add("docs", [str(docs)])
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a PDF")
    (docs / ".hidden.txt").write_text("never read")
    (docs / "image.png").write_bytes(b"\x89PNG")
    events = []
    r = Indexer(store, "docs").run(on_event=events.append)
    assert (r.files, r.indexed, r.skipped) == (5, 4, 0)
    assert [f["file"] for f in r.failed] == [str(docs / "broken.pdf")]
    assert "broken.pdf" in r.failed[0]["reason"] and "\n" not in r.failed[0]["reason"]
    rows = _passages(store)
    assert r.passages == len(rows) and r.pages == 3 + 1 + 1 + 1
    by_file = {}
    for path, page, a, b, text in rows:
        by_file.setdefault(os.path.basename(path), []).append((page, text))
    assert [p for p, _ in by_file["report.pdf"]] == [1, 2, 3]                 # one passage per short page
    assert "業務時間が平均八パーセント短縮" in by_file["report.pdf"][2][1]
    assert "四半期ごとの売上" in " ".join(t for _, t in by_file["annual.docx"])
    assert "来年度の予算案" in by_file["minutes.txt"][0][1]                        # Shift_JIS read as Japanese
    assert [e["type"] for e in events][0] == "scan" and events[-1]["type"] == "done"

    # Unchanged: skipped; touched but the same bytes: skipped too.
    os.utime(docs / "notes.md", ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    r2 = Indexer(store, "docs").run()
    assert (r2.indexed, r2.skipped, r2.passages) == (0, 4, r.passages)
    assert _passages(store) == rows

    # Changed: re-indexed, old passages replaced (not doubled). Deleted: dropped.
    (docs / "notes.md").write_text("# Office notes\n\nThe budget was cut by 3 percent.\n", encoding="utf-8")
    (docs / "annual.docx").unlink()
    r3 = Indexer(store, "docs").run()
    assert (r3.indexed, r3.skipped, r3.removed, r3.files) == (1, 2, 1, 4)
    texts = [t for p, _, _, _, t in _passages(store)]
    assert not any("四半期ごとの売上" in t for t in texts)
    notes = [t for p, _, _, _, t in _passages(store) if p.endswith("notes.md")]
    assert notes == ["# Office notes\n\nThe budget was cut by 3 percent."]
    with store._guard() as c:   # the full-text index follows: no entry for a dropped passage
        assert c.execute("SELECT count(*) FROM ask_fts_words WHERE ask_fts_words MATCH '\"raised\"'").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM ask_fts_words WHERE ask_fts_words MATCH '\"cut\"'").fetchone()[0] == 1


def test_missing_folder_keeps_its_documents(store, docs, tmp_path):
    other = tmp_path / "usb"
    other.mkdir()
    (other / "a.md").write_text("Alpha bravo charlie.")
    Collections(store).add("docs", [str(docs / "notes.md"), str(other)])
    assert Indexer(store, "docs").run().indexed == 2
    (other / "a.md").rename(tmp_path / "a.md")
    other.rmdir()                                             # the drive is unplugged
    r = Indexer(store, "docs").run()
    assert r.removed == 0 and r.passages == 2
    assert any("is not there any more" in f["reason"] for f in r.failed)
    (docs / "notes.md").unlink()                              # a file added by name, deleted: dropped
    r = Indexer(store, "docs").run()
    assert r.removed == 1 and r.passages == 1 and len(r.failed) == 1


def test_cancel_keeps_finished_files_and_resume_finishes(store, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(12):
        (folder / f"doc{i:02d}.md").write_text(f"Document number {i}. " * 40)
    Collections(store).add("many", [str(folder)])
    indexer = Indexer(store, "many")

    def on_event(e):
        if e["type"] == "file" and e["done"] == 5:
            indexer.cancel()

    with pytest.raises(CancelledError):
        indexer.run(on_event=on_event)
    assert len({p for p, *_ in _passages(store, "many")}) == 5
    r = Indexer(store, "many").run()
    assert (r.indexed, r.skipped) == (7, 5)
    assert len(_passages(store, "many")) == r.passages


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_file_that_cannot_be_opened_is_listed_like_any_failure(store, docs, tmp_path):
    """A dangling link fails its stat before anything is read: it is recorded all the same, so the list of
    collections and the pane's file list show it as `index --json` does."""
    try:
        os.symlink(tmp_path / "nowhere.pdf", docs / "gone.pdf")
    except OSError:
        pytest.skip("cannot make a symbolic link here")
    cols = Collections(store)
    cols.add("docs", [str(docs)])
    r = Indexer(store, "docs").run()
    assert [f["file"] for f in r.failed] == [str(docs / "gone.pdf")] and r.indexed == 4
    assert cols.list()[0]["failed"] == 1 and cols.list()[0]["indexed"] == 4
    failed = [f for f in cols.files("docs") if f["status"] == "failed"]
    assert [f["path"] for f in failed] == [str(docs / "gone.pdf")] and failed[0]["error"] == r.failed[0]["reason"]
    # The link mended: indexed at the next run; removed: dropped.
    make_docs.make_cid_pdf(tmp_path / "nowhere.pdf")
    assert Indexer(store, "docs").run().indexed == 1 and cols.list()[0]["failed"] == 0
    (docs / "gone.pdf").unlink()
    assert Indexer(store, "docs").run().removed == 1 and len(cols.files("docs")) == 4
