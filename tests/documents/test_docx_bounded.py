"""A .docx made of tiny XML elements stays bounded in memory (issue 18, audit). lxml needs about 33 bytes of
memory per byte of ``<a/><b/>…``: a 7 MB file with 16 MB of such elements in each of the relationships and the
styles peaked at 1.04 GB (both trees alive at once), and 15 MB of them between two paragraphs of the body at
514 MB. The side parts are read up to 4 MB each, one after the other; the body counts the XML nodes it holds.
"""

from __future__ import annotations

import json
import random

import pytest

from engine.documents import read_document
from engine.errors import BadInputError
from tests.documents import make_docs
from tests.documents.test_hostile_documents import MB, extract, needs_rusage, one_line

_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_STYLES_REL = ('<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
               'styles" Target="styles.xml"/>')
NO_STYLE_HEADINGS = make_docs.DOCX_EXPECTED.replace("### ", "").replace("## ", "").replace("# ", "")
STYLES_SKIPPED = "the styles were not read (over {n} MB of XML): headings set by a style are not marked"


def tiny_elements(size: int, seed: int):
    """About ``size`` bytes of ``<a/><q/>…``, random letters (deflates about 4 times: no zip bomb)."""
    rnd = random.Random(seed)
    elements = [f"<{c}/>".encode() for c in "abcdefghijklmnopqrstuvwxyz"]
    block = 400_000
    for _ in range(max(1, size // block)):
        yield b"".join(elements[i % 26] for i in rnd.randbytes(block // 4))


def rels(size: int):
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_RELS_NS}">'.encode()
    yield _STYLES_REL.encode()
    yield from tiny_elements(size, 1)
    yield b"</Relationships>"


def styles(size: int):
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {make_docs._W}>'.encode()
    yield from tiny_elements(size, 2)
    yield b"</w:styles>"


def body(*parts):
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {make_docs._W}><w:body>'.encode()
    for part in parts:
        if isinstance(part, bytes):
            yield part
        else:
            yield from part
    yield b"<w:sectPr/></w:body></w:document>"


def p(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


# ---- the relationships and the styles ----------------------------------------------------------------


@needs_rusage
def test_side_parts_of_tiny_elements_stay_small(tmp_path):
    """Relationships and styles of 16 MB each (the old budget): neither is parsed; the text is read."""
    f = make_docs.make_docx_with_parts(tmp_path / "side.docx", {
        "word/_rels/document.xml.rels": rels(16 * MB - 800_000), "word/styles.xml": styles(16 * MB - 800_000)})
    assert f.stat().st_size < 8 * MB
    r = extract(f)
    assert r["rc"] == 0, r["stderr"][-2000:]
    out = json.loads(r["stdout"])
    assert out["pages"][0]["text"] == NO_STYLE_HEADINGS
    assert out["warnings"] == [STYLES_SKIPPED.format(n=4)]
    assert r["peak_mb"] < 400, {k: r[k] for k in ("peak_mb", "seconds")}   # was 1.04 GB


@needs_rusage
def test_side_parts_just_under_the_budget_are_parsed_one_after_the_other(tmp_path):
    from engine.documents.docx import MAX_SIDE_XML_BYTES

    size = MAX_SIDE_XML_BYTES - 500_000
    f = make_docs.make_docx_with_parts(tmp_path / "side.docx", {"word/_rels/document.xml.rels": rels(size),
                                                                "word/styles.xml": styles(size)})
    r = extract(f)
    assert r["rc"] == 0, r["stderr"][-2000:]
    out = json.loads(r["stdout"])
    assert out["pages"][0]["text"] == NO_STYLE_HEADINGS and out["warnings"] == []   # styles read: none of them
    assert r["peak_mb"] < 400, {k: r[k] for k in ("peak_mb", "seconds")}


def test_styles_over_the_budget_are_skipped_with_a_warning(docs, monkeypatch):
    from engine.documents import docx

    monkeypatch.setattr(docx, "MAX_SIDE_XML_BYTES", 100 * 1024)   # python-docx's styles.xml: 340 KB
    doc = read_document(docs["docx"])
    assert doc.text == NO_STYLE_HEADINGS
    assert doc.warnings == ["the styles were not read (over 0 MB of XML): headings set by a style are not marked"]


def test_relationships_over_the_budget_leave_the_styles_where_word_puts_them(tmp_path, monkeypatch):
    from engine.documents import docx

    f = make_docs.make_docx_with_parts(tmp_path / "links.docx", {"word/_rels/document.xml.rels": rels(600_000)})
    monkeypatch.setattr(docx, "MAX_SIDE_XML_BYTES", 500 * 1024)
    doc = read_document(f)
    assert doc.text == make_docs.DOCX_EXPECTED and doc.warnings == []


# ---- the body ---------------------------------------------------------------------------------------


@needs_rusage
def test_tiny_elements_between_two_paragraphs_are_refused_in_bounded_memory(tmp_path):
    f = make_docs.make_docx_with_parts(tmp_path / "between.docx", {
        "word/document.xml": body(p("first"), tiny_elements(15 * MB, 3), p("last"))})
    r = extract(f)
    assert r["rc"] == 2 and r["stdout"] == ""
    assert one_line(r) == ("hearth: between.docx is too large: one paragraph or table row in it, or what lies "
                           "between two, holds over 1,000,000 XML nodes")
    assert r["peak_mb"] < 400, {k: r[k] for k in ("peak_mb", "seconds")}   # was 514 MB, and the text read


def test_the_nodes_held_are_counted_not_only_the_bytes(tmp_path, monkeypatch):
    from engine.documents import docx

    monkeypatch.setattr(docx, "MAX_BLOCK_NODES", 10_000)
    junk = b"<x/>" * 200_000   # 800 KB: held over several chunks of 256 KB
    for name, xml in (("between", body(p("a"), junk, p("b"))), ("inside", body(p("a"), b"<w:p>" + junk + b"</w:p>")),
                      ("cell", body(b"<w:tbl><w:tr><w:tc>" + junk + b"</w:tc></w:tr></w:tbl>")),
                      ("first", body(junk, p("a")))):
        f = make_docs.make_docx_with_parts(tmp_path / f"{name}.docx", {"word/document.xml": xml})
        with pytest.raises(BadInputError) as e:
            read_document(f)
        assert str(e.value) == (f"{name}.docx is too large: one paragraph or table row in it, or what lies between "
                                "two, holds over 10,000 XML nodes")
    # Many blocks, each small: every one is dropped once read, so the nodes held stay few.
    many = make_docs.make_docx_with_parts(tmp_path / "many.docx", {"word/document.xml": body(
        *(p(f"段落 {k}") + b"<w:bookmarkStart/>" * 3 for k in range(20_000)))})
    doc = read_document(many)
    assert doc.text == "\n\n".join(f"段落 {k}" for k in range(20_000)) and doc.warnings == []


def test_a_body_without_a_document_element_is_damaged(tmp_path, monkeypatch):
    from engine.documents import docx

    monkeypatch.setattr(docx, "MAX_BLOCK_NODES", 10_000)
    f = make_docs.make_docx_with_parts(tmp_path / "rootless.docx", {"word/document.xml": b"<x>" + b"<y/>" * 20_000 +
                                                                    b"</x>"})
    with pytest.raises(BadInputError) as e:
        read_document(f)
    assert str(e.value) == "rootless.docx: this Word document is damaged and cannot be read"


def test_real_documents_read_as_before(docs):
    assert read_document(docs["docx"]).text == make_docs.DOCX_EXPECTED
    assert read_document(docs["complex_docx"]).text == make_docs.DOCX_COMPLEX_EXPECTED
