"""Hostile documents stay bounded in memory and time (issue 18): zip bombs and huge bodies in a .docx,
PDF pages that keep pypdf busy for half a minute each.

Every file is built here, small on disk. The end-to-end cases run `extract` in a child process and
measure its peak memory (``ru_maxrss`` of everything it started, the PDF worker included) and its time;
the rest call ``read_document`` with the budgets made small.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time

import pytest

from engine.documents import read_document
from engine.errors import BadInputError, CancelledError
from tests.conftest import ROOT
from tests.documents import make_docs

MB = 1024 * 1024

# Runs `extract` in a child with some module constants changed (a budget made small) and prints, as
# JSON, its exit code, output, time and peak memory: RUSAGE_CHILDREN here is that child and whatever
# it waited for (the PDF worker), nothing else.
_MEASURE = r"""
import json, resource, subprocess, sys, time
timeout, args = float(sys.argv[1]), sys.argv[2:]
start = time.monotonic()
try:
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    rc, out, err = r.returncode, r.stdout, r.stderr
except subprocess.TimeoutExpired as e:
    rc, out, err = None, "", "timed out"
seconds = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
peak_mb = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
print(json.dumps({"rc": rc, "stdout": out, "stderr": err, "seconds": seconds, "peak_mb": peak_mb}))
"""
_BOOT = r"""
import importlib, json, sys
if __name__ == "__main__":
    for module, values in json.loads(sys.argv[1]).items():
        for key, value in values.items():
            setattr(importlib.import_module(module), key, value)
    from engine.cli import main
    sys.exit(main(["extract", *sys.argv[2:]]))
"""

needs_rusage = pytest.mark.skipif(sys.platform == "win32", reason="peak memory is measured with resource.getrusage")


def extract(path, *, timeout: float = 120, **constants) -> dict:
    """`extract PATH --json` in a child, measured: rc (None if it ran past ``timeout``), stdout, stderr,
    seconds, peak_mb. ``constants``: {"engine.documents.pdf": {"PAGE_SECONDS": 2}} and the like."""
    child = [sys.executable, "-c", _BOOT, json.dumps(constants), str(path), "--json"]
    r = subprocess.run([sys.executable, "-c", _MEASURE, str(timeout), *child], capture_output=True, text=True,
                       cwd=ROOT, timeout=timeout + 60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def one_line(result: dict) -> str:
    lines = result["stderr"].strip().splitlines()
    assert len(lines) == 1, result["stderr"][-2000:]
    return lines[0]


# ---- DOCX: the zip's budget, before anything is inflated ---------------------------------------------


@needs_rusage
@pytest.mark.parametrize("member, blocks, ratio", [
    # the picture Word shows in the file browser: 256 MB of zeros deflated to 250 KB
    ("docProps/thumbnail.jpeg", lambda: make_docs.zeros(256 * MB), "1,0"),
    # styles python-docx parsed whole (a 3 GB one took 6.2 GB of memory)
    ("word/styles.xml", lambda: make_docs.style_padding(128 * MB), "29"),
    # 2 million one-letter paragraphs, 68 MB of XML in 200 KB (500 MB of them took 187 s and 8.4 GB)
    ("word/document.xml", lambda: make_docs.one_letter_paragraphs(2_000_000), "34"),
], ids=["thumbnail", "styles", "paragraphs"])
def test_docx_zip_bomb_is_refused_from_the_directory(tmp_path, member, blocks, ratio):
    bomb = make_docs.make_docx_with_parts(tmp_path / "bomb.docx", {member: blocks()})
    assert bomb.stat().st_size < 3 * MB
    r = extract(bomb)
    assert r["rc"] == 2 and r["stdout"] == ""
    assert one_line(r).startswith(f"hearth: bomb.docx looks like a zip bomb: its part {member} expands {ratio}")
    assert r["peak_mb"] < 150 and r["seconds"] < 10, r


@needs_rusage
def test_docx_with_more_paragraphs_than_the_budget_is_cut_with_a_warning(tmp_path):
    """1.2 million one-letter paragraphs in random letters deflate only 25 times (no zip bomb): read as a
    stream, the first million come out in seconds, with a warning, in bounded memory."""
    n, kept = 1_200_000, 1_000_000
    big = make_docs.make_docx_with_parts(tmp_path / "long.docx", {"word/document.xml":
                                                                  make_docs.one_letter_paragraphs(n, seed=5)})
    r = extract(big)
    assert r["rc"] == 0, r["stderr"][-2000:]
    out = json.loads(r["stdout"])
    assert out["warnings"] == ["only the first 1,000,000 paragraphs were read; the rest of the document was left out"]
    assert out["pages"] == [{"number": 1, "text": "\n\n".join(make_docs.one_letter_expected(n, seed=5)[:kept])}]
    assert r["peak_mb"] < 300 and r["seconds"] < 40, {k: r[k] for k in ("peak_mb", "seconds")}


def test_a_bomb_part_named_with_a_line_break_still_gives_one_line(tmp_path):
    p = make_docs.make_docx_with_parts(tmp_path / "named.docx", {"word/media/a\nb.bin": make_docs.zeros(8 * MB)})
    with pytest.raises(BadInputError) as e:
        read_document(p)
    assert str(e.value).startswith("named.docx looks like a zip bomb: its part word/media/a?b.bin expands ")
    assert "\n" not in str(e.value)


def test_docx_parts_over_the_total_budget_are_refused(tmp_path, monkeypatch):
    from engine.documents import docx

    monkeypatch.setattr(docx, "MAX_TOTAL_BYTES", 8 * MB)
    p = make_docs.make_docx_with_parts(tmp_path / "album.docx", {"word/media/a.png": os.urandom(5 * MB),
                                                                 "word/media/b.png": os.urandom(5 * MB)})
    with pytest.raises(BadInputError) as e:
        read_document(p)
    assert str(e.value) == "album.docx is too large: its parts come to 10 MB uncompressed (the limit is 8 MB)"


def test_docx_with_too_many_parts_is_refused(tmp_path, monkeypatch):
    from engine.documents import docx

    monkeypatch.setattr(docx, "MAX_PARTS", 20)
    p = make_docs.make_docx_with_parts(tmp_path / "many.docx", {f"word/media/{k}.png": b"x" for k in range(5)})
    with pytest.raises(BadInputError) as e:
        read_document(p)
    assert str(e.value) == "many.docx holds too many parts to be a Word document (22; the limit is 20)"


def test_docx_part_larger_than_its_declared_size_is_damaged(tmp_path):
    """The central directory says 1 MB, the part inflates to 7 MB: reading stops at the declared size."""
    p = make_docs.make_docx_with_parts(tmp_path / "liar.docx", {"word/document.xml":
                                                                make_docs.one_letter_paragraphs(200_000, seed=1)})
    make_docs.declare_smaller(p, "word/document.xml", 1 * MB)
    with pytest.raises(BadInputError) as e:
        read_document(p)
    assert str(e.value) == "liar.docx: this Word document is damaged and cannot be read"


def test_docx_parts_sharing_compressed_bytes_are_damaged(tmp_path):
    """An "overlapping" zip bomb: two directory entries for one deflated stream."""
    p = make_docs.make_docx_with_parts(tmp_path / "overlap.docx", {"word/document.xml":
                                                                   make_docs.one_letter_paragraphs(200_000, seed=1)})
    make_docs.add_overlapping_entry(p, "word/document.xml", "word/document2.xml")
    with pytest.raises(BadInputError) as e:
        read_document(p)
    assert str(e.value) == "overlap.docx: this Word document is damaged and cannot be read"


# ---- DOCX: the body, streamed ------------------------------------------------------------------------


def _body(*blocks: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {make_docs._W}><w:body>'
            + "".join(blocks) + "<w:sectPr/></w:body></w:document>").encode()


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def test_docx_streamed_over_many_chunks_keeps_every_block_in_order(tmp_path):
    """Paragraphs, tables (one in a content control, one with a nested table), content controls and
    empty paragraphs, across many chunks: what is dropped after reading is never needed again."""
    blocks, expected = [], []
    for k in range(6000):
        blocks.append(_p(f"段落 {k}") + "<w:p/>")
        expected.append(f"段落 {k}")
        if k % 3 == 0:
            row = "<w:tr><w:tc>" + _p(f"表 {k}") + "</w:tc><w:tc>" + _p("右") + "</w:tc></w:tr>"
            nested = f"<w:tbl><w:tr><w:tc>{_p('内')}</w:tc></w:tr></w:tbl>"
            blocks.append(f"<w:tbl><w:tblGrid/>{row}<w:sdt><w:sdtContent>{row}</w:sdtContent></w:sdt>"
                          f"<w:tr><w:tc>{_p('外')}{nested}</w:tc></w:tr></w:tbl>")
            expected.append(f"表 {k} | 右\n表 {k} | 右\n外 内")
        if k % 5 == 0:
            blocks.append(f"<w:sdt><w:sdtPr/><w:sdtContent>{_p(f'制御 {k}')}</w:sdtContent></w:sdt>")
            expected.append(f"制御 {k}")
        blocks.append("<w:bookmarkStart w:id=\"1\" w:name=\"x\"/>" * 20)
    xml = _body(*blocks)
    assert len(xml) > 2 * MB
    p = make_docs.make_docx_with_parts(tmp_path / "long.docx", {"word/document.xml": xml})
    doc = read_document(p)
    assert doc.text == "\n\n".join(expected) and doc.warnings == []


def test_docx_paragraph_over_the_block_budget_is_refused(tmp_path, monkeypatch):
    from engine.documents import docx

    monkeypatch.setattr(docx, "MAX_BLOCK_BYTES", 1 * MB)
    runs = "<w:r><w:t>x</w:t></w:r>" * 100_000   # one paragraph of 2.2 MB
    xml = _body(_p("前"), f"<w:p>{runs}</w:p>")
    p = make_docs.make_docx_with_parts(tmp_path / "wide.docx", {"word/document.xml": xml})
    with pytest.raises(BadInputError) as e:
        read_document(p)
    assert str(e.value) == "wide.docx is too large: one paragraph or table row in it is over 1 MB of XML"


def test_docx_text_over_the_character_budget_is_cut_with_a_warning(tmp_path, monkeypatch):
    from engine.documents import docx

    monkeypatch.setattr(docx, "MAX_CHARACTERS", 1000)
    p = make_docs.make_docx_with_parts(tmp_path / "chars.docx", {"word/document.xml": _body(
        *(_p(f"{k:04d}") for k in range(1000)))})
    doc = read_document(p)
    assert doc.warnings == ["only the first 1,000 characters were read; the rest of the document was left out"]
    assert doc.text == "\n\n".join(f"{k:04d}" for k in range(166)) and doc.characters <= 1000
    # One long table: its rows count as they are read, and the rows read are kept.
    rows = "".join(f"<w:tr><w:tc>{_p(f'{k:04d}')}</w:tc></w:tr>" for k in range(1000))
    p = make_docs.make_docx_with_parts(tmp_path / "table.docx", {"word/document.xml": _body(f"<w:tbl>{rows}</w:tbl>")})
    doc = read_document(p)
    assert doc.warnings == ["only the first 1,000 characters were read; the rest of the document was left out"]
    assert doc.text == "\n".join(f"{k:04d}" for k in range(166))


def test_cancel_stops_a_streamed_docx(tmp_path):
    p = make_docs.make_docx_with_parts(tmp_path / "cancel.docx", {"word/document.xml":
                                                                  make_docs.one_letter_paragraphs(300_000, seed=2)})
    calls = []
    with pytest.raises(CancelledError):
        read_document(p, cancel=lambda: calls.append(1) or len(calls) > 10)
    assert len(calls) == 11


# ---- PDF: a page's time budget, the worker process ----------------------------------------------------


@needs_rusage
def test_pdf_page_that_takes_too_long_is_skipped_with_a_warning(tmp_path):
    """Page 2 is 10 KB that keeps pypdf busy for half a minute; with 2 s a page it is skipped."""
    p = make_docs.make_slow_pdf(tmp_path / "slow.pdf", ["first page", 1, "third page"])
    assert p.stat().st_size < 20_000
    r = extract(p, **{"engine.documents.pdf": {"PAGE_SECONDS": 2}})
    assert r["rc"] == 0, r["stderr"][-2000:]
    out = json.loads(r["stdout"])
    assert [pg["text"] for pg in out["pages"]] == ["first page", "", "third page"]
    assert out["warnings"] == ["page 2 was skipped: reading it takes longer than 2 s"]
    assert r["seconds"] < 20 and r["peak_mb"] < 600, {k: r[k] for k in ("peak_mb", "seconds")}


@needs_rusage
def test_pdf_of_a_thousand_pages_sharing_a_slow_stream_takes_one_budget(tmp_path):
    """Before: a thousand times half a minute (hours). The first page drawing the stream runs out of time;
    the others drawing it are skipped at once."""
    p = make_docs.make_slow_pdf(tmp_path / "shared.pdf", ["first page"] + [1] * 999)
    assert p.stat().st_size < 200_000
    r = extract(p, timeout=60, **{"engine.documents.pdf": {"PAGE_SECONDS": 2}})
    assert r["rc"] == 0, r["stderr"][-2000:]
    out = json.loads(r["stdout"])
    assert out["pages"][0]["text"] == "first page" and len(out["pages"]) == 1000
    assert out["warnings"] == ["pages 2–1000 were skipped: reading each takes longer than 2 s"]
    assert r["seconds"] < 25 and r["peak_mb"] < 600, {k: r[k] for k in ("peak_mb", "seconds")}
    # Every page slow: one sentence.
    p = make_docs.make_slow_pdf(tmp_path / "all-slow.pdf", [1] * 1000)
    r = extract(p, timeout=60, **{"engine.documents.pdf": {"PAGE_SECONDS": 2}})
    assert r["rc"] == 2 and r["seconds"] < 25
    assert one_line(r) == "hearth: all-slow.pdf: this PDF takes too long to read: no page could be read within 2 s"


def test_pdf_stops_reading_after_too_many_slow_pages(tmp_path, monkeypatch):
    """Slow pages that do not share a stream: after SLOW_PAGES_MAX of them the rest is not read."""
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "PAGE_SECONDS", 1)
    monkeypatch.setattr(pdf, "SLOW_PAGES_MAX", 3)
    p = make_docs.make_slow_pdf(tmp_path / "many-slow.pdf", ["first page", 1, 2, 1, 3, 4, 5, "last page"],
                                tokens=1_000_000)
    start = time.monotonic()
    doc = read_document(p)
    assert time.monotonic() - start < 20   # three budgets of 1 s and four workers, not 5 × half a minute
    assert [pg.text for pg in doc.pages] == ["first page"] + [""] * 7
    assert doc.warnings == ["pages 2–5 were skipped: reading each takes longer than 1 s",
                            "pages 6–8 were not read: reading stopped after 3 pages took too long"]


def _hearth_pdf_workers() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "hearth-pdf"]


def test_cancel_ends_a_slow_page_within_a_second(tmp_path):
    p = make_docs.make_slow_pdf(tmp_path / "cancel.pdf", ["first page", 1, "third page"])
    stop = threading.Event()
    stopped_at = []

    def press_cancel():
        time.sleep(1.5)   # the worker is on page 2 by now
        stopped_at.append(time.monotonic())
        stop.set()

    threading.Thread(target=press_cancel, daemon=True).start()
    with pytest.raises(CancelledError):
        read_document(p, cancel=stop.is_set)
    assert time.monotonic() - stopped_at[0] < 1.0
    assert _hearth_pdf_workers() == []


def test_a_normal_pdf_leaves_no_worker_behind(docs):
    assert [pg.text for pg in read_document(docs["cid_HeiseiMin-W3"]).pages] == make_docs.JA_PAGE_TEXTS
    assert _hearth_pdf_workers() == []


# Stand-ins for the worker (spawned by reference, so they live at module level).
def _worker_that_dies_on_page_two(conn, path):
    conn.send(("ready",))
    conn.send(("open", 3))
    _, first, _slow = conn.recv()
    for i in range(first, 3):
        if i == 1:
            os._exit(3)   # as a crash or an out-of-memory kill would
        conn.send(("done", i, "ok", f"page {i + 1}"))
    conn.recv()


def _worker_that_never_opens(conn, path):
    conn.send(("ready",))
    time.sleep(60)


def test_a_worker_that_dies_loses_its_page_only(docs, monkeypatch):
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "_worker_main", _worker_that_dies_on_page_two)
    doc = read_document(docs["cid_HeiseiMin-W3"])
    assert [pg.text for pg in doc.pages] == ["page 1", "", "page 3"]
    assert doc.warnings == ["page 2 is damaged and was left out"]
    assert _hearth_pdf_workers() == []


def test_a_pdf_that_takes_too_long_to_open_is_refused(docs, monkeypatch):
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "_worker_main", _worker_that_never_opens)
    monkeypatch.setattr(pdf, "OPEN_SECONDS", 1)
    start = time.monotonic()
    with pytest.raises(BadInputError) as e:
        read_document(docs["cid_HeiseiMin-W3"])
    assert str(e.value) == "ja-HeiseiMin-W3.pdf: this PDF takes too long to open (over 1 s)"
    assert time.monotonic() - start < 10
    assert _hearth_pdf_workers() == []
