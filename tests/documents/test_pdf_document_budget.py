"""A PDF's whole-document time budget (issue 18, audit): pages each just under ``PAGE_SECONDS`` were never
skipped, so eight pages drawing a 5 KB stream pypdf takes 6 s over read for 50 s without a word, and a thousand
of them (160 KB) would take hours. After ``DOC_SECONDS`` the page being read and the rest are listed as not
read; the pages read are kept. The budget is kept by the reading process, so it holds through the worker (a
spawned worker imports the module afresh: a budget changed here is not its own)."""

from __future__ import annotations

import json
import time

import pytest

from engine.documents import read_document
from engine.errors import BadInputError
from tests.documents import make_docs
from tests.documents.test_hostile_documents import _hearth_pdf_workers, extract, needs_rusage, one_line


@needs_rusage
def test_pages_each_under_the_page_budget_stop_at_the_documents(tmp_path):
    """Pages 3–6 each keep pypdf busy for about half a minute (under a page budget of 60 s here): with 8 s for
    the document, page 3 is cut and 3–6 listed; the pages read before are kept."""
    p = make_docs.make_slow_pdf(tmp_path / "slow.pdf", ["first page", "second page", 1, 1, 1, 1])
    r = extract(p, timeout=60, **{"engine.documents.pdf": {"DOC_SECONDS": 8, "PAGE_SECONDS": 60}})
    assert r["rc"] == 0, r["stderr"][-2000:]
    out = json.loads(r["stdout"])
    assert [pg["text"] for pg in out["pages"]] == ["first page", "second page", "", "", "", ""]
    assert out["warnings"] == ["pages 3–6 were not read: the document took longer than 8 s to read"]
    assert r["seconds"] < 25, r["seconds"]


def test_the_budget_holds_in_this_process_and_leaves_no_worker(tmp_path, monkeypatch):
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "DOC_SECONDS", 4)
    monkeypatch.setattr(pdf, "PAGE_SECONDS", 60)
    p = make_docs.make_slow_pdf(tmp_path / "slow.pdf", ["first page", 1, "third page"])
    start = time.monotonic()
    doc = read_document(p)
    assert time.monotonic() - start < 10
    assert [pg.text for pg in doc.pages] == ["first page", "", ""]
    assert doc.warnings == ["pages 2–3 were not read: the document took longer than 4 s to read"]
    assert _hearth_pdf_workers() == []


def test_a_document_with_nothing_read_in_time_is_refused(tmp_path, monkeypatch):
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "DOC_SECONDS", 3)
    monkeypatch.setattr(pdf, "PAGE_SECONDS", 60)
    p = make_docs.make_slow_pdf(tmp_path / "all-slow.pdf", [1, 2])
    with pytest.raises(BadInputError) as e:
        read_document(p)
    assert str(e.value) == "all-slow.pdf: this PDF takes too long to read: no text was read within 3 s"


def test_without_a_worker_the_budget_is_looked_at_between_pages(tmp_path, monkeypatch):
    """Read in this process, nothing can stop a page, but no page starts after the budget ran out."""
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "USE_WORKER", False)
    monkeypatch.setattr(pdf, "DOC_SECONDS", 1.5)
    p = make_docs.make_slow_pdf(tmp_path / "local.pdf", ["first page", 1, 2, 3, "last page"], tokens=400_000)
    start = time.monotonic()
    doc = read_document(p)
    assert time.monotonic() - start < 12   # one slow page (two to three seconds), not three
    texts = [pg.text for pg in doc.pages]
    assert texts[0] == "first page" and texts[2:] == ["", "", ""]
    # Page 2 started in time (on a slow machine it may not have) and was read to its end.
    first_unread = 3 if texts[1].startswith("aaaa") else 2
    assert doc.warnings == [f"pages {first_unread}–5 were not read: the document took longer than 1.5 s to read"]


def test_a_budget_that_does_not_run_out_changes_nothing(docs):
    assert [pg.text for pg in read_document(docs["cid_HeiseiMin-W3"]).pages] == make_docs.JA_PAGE_TEXTS
