"""PDF worker processes shared by a run of many documents (engine/documents/pdf.py ``PdfWorkers``): one
worker reads document after document; one that was ended (a page out of time, a crash, Cancel) is not
reused, and the next document is read by a fresh one; closing ends every worker."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from engine.documents import read_document
from engine.documents.pdf import PdfWorkers
from engine.errors import BadInputError, CancelledError
from tests.documents import make_docs, worker_stand_ins


def _hearth_pdf_workers() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "hearth-pdf"]


def _one_page_pdfs(folder, n: int, prefix: str = "doc") -> list:
    folder.mkdir(parents=True, exist_ok=True)
    return [make_docs.make_slow_pdf(folder / f"{prefix}{k:02d}.pdf", [f"{prefix} page {k}"]) for k in range(n)]


def test_one_worker_reads_many_pdfs_in_a_row(tmp_path):
    paths = _one_page_pdfs(tmp_path, 12)
    with PdfWorkers() as workers:
        texts = [[pg.text for pg in read_document(p, pdf_workers=workers).pages] for p in paths]
        assert len(_hearth_pdf_workers()) == 1
    assert texts == [[f"doc page {k}"] for k in range(12)]
    assert workers.started == 1
    assert _hearth_pdf_workers() == []


def test_a_refused_file_keeps_the_worker(tmp_path, docs):
    """An encrypted PDF, a damaged one: each its one sentence, the worker reads on."""
    good = _one_page_pdfs(tmp_path, 2)
    with PdfWorkers() as workers:
        assert read_document(good[0], pdf_workers=workers).pages[0].text == "doc page 0"
        with pytest.raises(BadInputError, match=r"^encrypted\.pdf: this PDF is encrypted: "):
            read_document(docs["encrypted"], pdf_workers=workers)
        with pytest.raises(BadInputError, match=r"^truncated\.pdf: this PDF is damaged and cannot be read$"):
            read_document(docs["truncated"], pdf_workers=workers)
        assert [pg.text for pg in read_document(docs["cid_HeiseiMin-W3"], pdf_workers=workers).pages] \
            == make_docs.JA_PAGE_TEXTS
        assert read_document(good[1], pdf_workers=workers).pages[0].text == "doc page 1"
    assert workers.started == 1
    assert _hearth_pdf_workers() == []


def test_after_a_worker_crashes_the_next_document_is_read_by_a_fresh_one(tmp_path, monkeypatch):
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "_worker_main", worker_stand_ins.crash_reading_crash_files)
    before = _one_page_pdfs(tmp_path, 2, "before")
    crash = make_docs.make_slow_pdf(tmp_path / "crash.pdf", ["first page", "second page", "third page"])
    after = _one_page_pdfs(tmp_path, 2, "after")
    with PdfWorkers() as workers:
        assert [read_document(p, pdf_workers=workers).pages[0].text for p in before] == \
            ["before page 0", "before page 1"]
        assert workers.started == 1
        # Every page of crash.pdf kills its worker: each page is tried by a new one and left out.
        with pytest.raises(BadInputError) as e:
            read_document(crash, pdf_workers=workers)
        assert str(e.value) == "crash.pdf: this PDF is damaged and cannot be read"
        assert workers.started == 3
        assert [read_document(p, pdf_workers=workers).pages[0].text for p in after] == \
            ["after page 0", "after page 1"]
        assert workers.started == 4   # a fresh one, then kept
    assert _hearth_pdf_workers() == []


def test_a_worker_that_crashes_opening_a_file_is_replaced(tmp_path, monkeypatch):
    """A reused worker that dies opening a file may have died of something else: a fresh one tries the file
    once more, and only then is it damaged."""
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "_worker_main", worker_stand_ins.crash_opening_crash_files)
    good = _one_page_pdfs(tmp_path, 2)
    crash = make_docs.make_slow_pdf(tmp_path / "crash.pdf", ["never read"])
    with PdfWorkers() as workers:
        assert read_document(good[0], pdf_workers=workers).pages[0].text == "doc page 0"
        with pytest.raises(BadInputError) as e:
            read_document(crash, pdf_workers=workers)
        assert str(e.value) == "crash.pdf: this PDF is damaged and cannot be read"
        assert workers.started == 2
        assert read_document(good[1], pdf_workers=workers).pages[0].text == "doc page 1"
        assert workers.started == 3
    assert _hearth_pdf_workers() == []


def test_a_slow_page_ends_its_worker_and_the_next_one_is_kept(tmp_path, monkeypatch):
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "PAGE_SECONDS", 1)
    good = _one_page_pdfs(tmp_path, 2)
    slow = make_docs.make_slow_pdf(tmp_path / "slow.pdf", ["first page", 1, "third page"])
    with PdfWorkers() as workers:
        assert read_document(good[0], pdf_workers=workers).pages[0].text == "doc page 0"
        doc = read_document(slow, pdf_workers=workers)
        assert [pg.text for pg in doc.pages] == ["first page", "", "third page"]
        assert doc.warnings == ["page 2 was skipped: reading it takes longer than 1 s"]
        assert read_document(good[1], pdf_workers=workers).pages[0].text == "doc page 1"
    assert workers.started == 2   # the first, ended on page 2; the one that read page 3, kept for the last file
    assert _hearth_pdf_workers() == []


def test_cancel_ends_a_shared_worker_within_a_second_and_the_next_read_starts_a_fresh_one(tmp_path):
    good = _one_page_pdfs(tmp_path, 2)
    slow = make_docs.make_slow_pdf(tmp_path / "cancel.pdf", ["first page", 1, "third page"])
    stop = threading.Event()
    stopped_at = []

    def press_cancel():
        time.sleep(1.5)   # the worker is on page 2 by now
        stopped_at.append(time.monotonic())
        stop.set()

    with PdfWorkers() as workers:
        assert read_document(good[0], pdf_workers=workers).pages[0].text == "doc page 0"
        threading.Thread(target=press_cancel, daemon=True).start()
        with pytest.raises(CancelledError):
            read_document(slow, cancel=stop.is_set, pdf_workers=workers)
        assert time.monotonic() - stopped_at[0] < 1.0
        assert _hearth_pdf_workers() == []
        assert read_document(good[1], pdf_workers=workers).pages[0].text == "doc page 1"
        assert workers.started == 2
    assert _hearth_pdf_workers() == []


def test_two_threads_get_a_worker_each(tmp_path):
    paths = _one_page_pdfs(tmp_path, 16)
    results: dict[int, str] = {}
    with PdfWorkers() as workers:
        def read_every_other(start):
            for k in range(start, len(paths), 2):
                results[k] = read_document(paths[k], pdf_workers=workers).pages[0].text

        threads = [threading.Thread(target=read_every_other, args=(s,)) for s in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert results == {k: f"doc page {k}" for k in range(16)}
    assert workers.started <= 2
    assert _hearth_pdf_workers() == []


def test_closing_ends_a_worker_still_reading(tmp_path, monkeypatch):
    """close() while another thread's read is on a slow page: that worker is ended too; the read fails
    with its one sentence, not a hang."""
    slow = make_docs.make_slow_pdf(tmp_path / "slow.pdf", [1])
    workers = PdfWorkers()
    errors = []

    def read():
        try:
            read_document(slow, pdf_workers=workers)
        except BadInputError as e:
            errors.append(str(e))

    t = threading.Thread(target=read)
    t.start()
    time.sleep(1.5)
    start = time.monotonic()
    workers.close()
    assert time.monotonic() - start < 3
    t.join(10)
    assert not t.is_alive() and len(errors) == 1 and errors[0].startswith("slow.pdf")
    assert _hearth_pdf_workers() == []
    with pytest.raises(BadInputError):
        read_document(slow, pdf_workers=workers)   # closed: no new worker
    assert _hearth_pdf_workers() == []
