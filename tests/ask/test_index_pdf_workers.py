"""Indexing many PDFs shares the PDF worker processes (engine/documents/pdf.py ``PdfWorkers``): started once
for the run, again only after one was ended; a hostile PDF still fails alone with its one sentence; no
worker is left behind when the run returns, raises or is cancelled."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from engine.ask import Collections, Indexer
from engine.ask.index import READ_AHEAD
from engine.errors import CancelledError
from tests.documents import make_docs, worker_stand_ins


def _hearth_pdf_workers() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "hearth-pdf"]


@pytest.fixture
def spawned(monkeypatch) -> list:
    """The names of the processes started (spawn) while the test runs."""
    names = []
    start = multiprocessing.context.SpawnProcess.start

    def counting_start(self):
        names.append(self.name)
        return start(self)

    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", counting_start)
    return names


def _folder(tmp_path, n: int, extra: dict | None = None):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for k in range(n):
        make_docs.make_slow_pdf(folder / f"doc{k:02d}.pdf", [f"one page number {k}"])
    for name, pages in (extra or {}).items():
        make_docs.make_slow_pdf(folder / name, pages)
    return folder


def _indexed_texts(store) -> dict[str, str]:
    with store._guard() as c:
        return {p.rsplit("/", 1)[-1]: t for p, t in c.execute(
            "SELECT f.path, p.text FROM ask_passages p JOIN ask_files f ON f.id = p.file_id")}


def test_a_folder_of_one_page_pdfs_starts_a_worker_per_reader_not_per_file(store, tmp_path, spawned):
    Collections(store).add("pdfs", [str(_folder(tmp_path, 20))])
    r = Indexer(store, "pdfs").run()
    assert (r.indexed, r.failed, r.pages) == (20, [], 20)
    assert _indexed_texts(store) == {f"doc{k:02d}.pdf": f"one page number {k}" for k in range(20)}
    assert 1 <= spawned.count("hearth-pdf") <= READ_AHEAD     # before: one per file (20)
    assert _hearth_pdf_workers() == []


def test_hostile_pdfs_fail_alone_with_their_sentence_and_fresh_workers_read_on(store, tmp_path, spawned,
                                                                              monkeypatch):
    """A PDF whose every page crashes the worker, and one whose every page is too slow, among good ones."""
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "_worker_main", worker_stand_ins.crash_reading_crash_files)
    monkeypatch.setattr(pdf, "PAGE_SECONDS", 1)
    folder = _folder(tmp_path, 6, {"doc02-crash.pdf": ["a", "b"], "doc04-slow.pdf": [1, 1]})
    Collections(store).add("pdfs", [str(folder)])
    r = Indexer(store, "pdfs").run()
    assert sorted((f["file"].rsplit("/", 1)[-1], f["reason"]) for f in r.failed) == [
        ("doc02-crash.pdf", "doc02-crash.pdf: this PDF is damaged and cannot be read"),
        ("doc04-slow.pdf", "doc04-slow.pdf: this PDF takes too long to read: no page could be read within 1 s")]
    assert r.indexed == 6
    assert _indexed_texts(store) == {f"doc{k:02d}.pdf": f"one page number {k}" for k in range(6)}
    # Two readers, two crashed pages, one slow page (its twin shares the stream: skipped at once): at most
    # 2 + 2 + 1 workers; the good files after them were read by fresh ones.
    assert spawned.count("hearth-pdf") <= READ_AHEAD + 3
    assert _hearth_pdf_workers() == []


def test_no_worker_is_left_when_the_run_raises(store, tmp_path):
    Collections(store).add("pdfs", [str(_folder(tmp_path, 12))])

    def on_event(e):
        if e["type"] == "file" and e["done"] == 4:
            raise RuntimeError("the caller failed")

    with pytest.raises(RuntimeError, match="the caller failed"):
        Indexer(store, "pdfs").run(on_event=on_event)
    assert _hearth_pdf_workers() == []
    assert len(_indexed_texts(store)) == 4
    r = Indexer(store, "pdfs").run()        # the next run goes on where it stopped
    assert (r.indexed, r.skipped) == (8, 4)
    assert _hearth_pdf_workers() == []


def test_cancel_between_files_keeps_them_and_leaves_no_worker(store, tmp_path):
    Collections(store).add("pdfs", [str(_folder(tmp_path, 12))])
    indexer = Indexer(store, "pdfs")

    def on_event(e):
        if e["type"] == "file" and e["done"] == 5:
            indexer.cancel()

    with pytest.raises(CancelledError):
        indexer.run(on_event=on_event)
    assert _hearth_pdf_workers() == []
    assert len(_indexed_texts(store)) == 5
    r = Indexer(store, "pdfs").run()
    assert (r.indexed, r.skipped, r.failed) == (7, 5, [])
    assert _hearth_pdf_workers() == []


def test_cancel_during_a_slow_page_ends_the_run_within_a_second(store, tmp_path, monkeypatch):
    from engine.documents import pdf

    folder = _folder(tmp_path, 3, {"doc01-slow.pdf": ["first page", 1, "third page"]})
    Collections(store).add("pdfs", [str(folder)])
    indexer = Indexer(store, "pdfs")
    stopped_at = []

    def press_cancel():
        time.sleep(2.0)   # a worker is on the slow page by now
        stopped_at.append(time.monotonic())
        indexer.cancel()

    threading.Thread(target=press_cancel, daemon=True).start()
    with pytest.raises(CancelledError):
        indexer.run()
    assert time.monotonic() - stopped_at[0] < 1.0
    assert _hearth_pdf_workers() == []
    assert set(_indexed_texts(store)) <= {"doc00.pdf", "doc01.pdf", "doc02.pdf"}
    monkeypatch.setattr(pdf, "PAGE_SECONDS", 1)
    r = Indexer(store, "pdfs").run()
    assert r.failed == [] and r.indexed + r.skipped == 4
    assert _hearth_pdf_workers() == []
