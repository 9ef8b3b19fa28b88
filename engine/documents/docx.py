"""Word .docx: paragraphs, headings and tables in reading order, with python-docx.

The body's XML children are walked in document order: a paragraph is one block, a
heading is marked like Markdown ("# " for Title and Heading 1, "## " for Heading 2...,
from the style's name or its outline level), a table is one block with a line per
row and " | " between cells; blocks are separated by a blank line. Content controls
(w:sdt) are entered; text boxes are read after the paragraph that anchors them.
Paragraph text is collected from every run (hyperlinks, tracked insertions, smart
tags and fields included), not from deleted text. A .docx has no fixed pages: one page.
"""

from __future__ import annotations

import logging
import mmap
import re
import zipfile
from pathlib import Path

from engine.errors import BadInputError
from engine.documents import Document, Page, clean_text

log = logging.getLogger("engine.documents.docx")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
MAX_XML_BYTES = 512 * 1024 * 1024  # uncompressed word/document.xml (a zip bomb stops here)
CHECK_EVERY = 200  # blocks between two cancel checks

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING = re.compile(r"^(?:heading|見出し)\s*([1-9])$", re.IGNORECASE)

# Inside a paragraph, these subtrees hold no visible text of the paragraph itself.
_SKIP = {W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "txbxContent", MC + "Fallback",
         W + "instrText", W + "delText", W + "footnoteReference", W + "endnoteReference"}


def read_docx(path: Path, name: str, check, on_page) -> Document:
    damaged = f"{name}: this Word document is damaged and cannot be read"
    with open(path, "rb") as f:
        head = f.read(8)
        if head == OLE_MAGIC:
            raise BadInputError(_ole_sentence(f, name))
        if not head.startswith(b"PK"):
            raise BadInputError(f"{name} is not a Word .docx document: the file is damaged or has the "
                                "wrong extension")
    try:
        with zipfile.ZipFile(path) as z:
            try:
                info = z.getinfo("word/document.xml")
            except KeyError:
                raise BadInputError(f"{name} is not a Word .docx document: the file is damaged or has the "
                                    "wrong extension") from None
            if info.file_size > MAX_XML_BYTES:
                raise BadInputError(f"{name} is too large: its text is over "
                                    f"{MAX_XML_BYTES // (1024 * 1024)} MB of XML")
    except zipfile.BadZipFile:
        raise BadInputError(damaged) from None
    check()
    import docx

    try:
        document = docx.Document(str(path))
    except BadInputError:
        raise
    except Exception:
        log.info("python-docx cannot open %s", name, exc_info=True)
        raise BadInputError(damaged) from None
    check()
    headings = _heading_levels(document)
    blocks: list[str] = []
    for n, block in enumerate(_blocks(document.element.body, headings)):
        if n % CHECK_EVERY == 0:
            check()
        blocks.append(block)
    text = clean_text("\n\n".join(blocks))
    if not text.strip():
        raise BadInputError(f"{name} has no text")
    if on_page is not None:
        on_page(1, 1)
    return Document(path=path, format="docx", pages=[Page(1, text)], encoding=None, warnings=[])


def _ole_sentence(f, name: str) -> str:
    """An OLE container named .docx: a password-protected .docx, or an old binary .doc."""
    try:
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            encrypted = m.find("EncryptedPackage".encode("utf-16-le")) >= 0
    except (OSError, ValueError):
        encrypted = False
    if encrypted:
        return f"{name}: this Word document is encrypted: remove the password in Word and open that copy"
    return (f"{name} is an old Word 97–2003 document, not a .docx: save it as .docx in Word and open "
            "that copy")


def _heading_levels(document) -> dict[str, int]:
    """Paragraph style id → heading level (1–9), from the style's name or its outline level,
    following "based on" for the outline level."""
    levels: dict[str, int] = {}
    outline: dict[str, int | None] = {}
    based: dict[str, str | None] = {}
    try:
        styles = document.styles.element
    except Exception:
        return levels
    for s in styles.iterchildren(W + "style"):
        if s.get(W + "type") != "paragraph":
            continue
        sid = s.get(W + "styleId")
        if not sid:
            continue
        name_el = s.find(W + "name")
        name = (name_el.get(W + "val") or "") if name_el is not None else ""
        m = _HEADING.match(name.strip())
        if m:
            levels[sid] = int(m.group(1))
        elif name.strip().lower() in ("title", "表題"):
            levels[sid] = 1
        outline[sid] = _outline_level(s.find(W + "pPr"))
        b = s.find(W + "basedOn")
        based[sid] = b.get(W + "val") if b is not None else None
    for sid in outline:
        if sid in levels:
            continue
        seen, cur = set(), sid
        while cur and cur not in seen:
            seen.add(cur)
            if outline.get(cur) is not None:
                levels[sid] = outline[cur]
                break
            cur = based.get(cur)
    return levels


def _outline_level(ppr) -> int | None:
    if ppr is None:
        return None
    el = ppr.find(W + "outlineLvl")
    if el is None:
        return None
    try:
        lvl = int(el.get(W + "val"))
    except (TypeError, ValueError):
        return None
    return lvl + 1 if 0 <= lvl <= 8 else None  # 9 is "body text"


def _blocks(container, headings: dict[str, int]):
    """Text blocks of a body (or a content control) in document order."""
    for el in container.iterchildren():
        tag = el.tag
        if tag == W + "p":
            text = _paragraph_text(el)
            if text.strip():
                level = _paragraph_level(el, headings)
                yield ("#" * level + " " + text.strip()) if level else text
            for box in el.iter(W + "txbxContent"):
                if _outermost_box(box, el):
                    yield from _blocks(box, headings)
        elif tag == W + "tbl":
            rows = _table_rows(el)
            if rows:
                yield "\n".join(rows)
        elif tag in (W + "sdt", W + "customXml", W + "sdtContent", W + "ins", W + "moveTo"):
            inner = el.find(W + "sdtContent") if tag == W + "sdt" else el
            if inner is not None:
                yield from _blocks(inner, headings)


def _outermost_box(box, paragraph) -> bool:
    """A text box of this paragraph itself: not the VML copy in mc:Fallback (Word writes each box
    twice), not a box inside another box (read with that one)."""
    p = box.getparent()
    while p is not None and p is not paragraph:
        if p.tag in (MC + "Fallback", W + "txbxContent"):
            return False
        p = p.getparent()
    return True


def _paragraph_level(p, headings: dict[str, int]) -> int:
    ppr = p.find(W + "pPr")
    if ppr is None:
        return 0
    direct = _outline_level(ppr)
    style = ppr.find(W + "pStyle")
    sid = style.get(W + "val") if style is not None else None
    if sid and sid in headings:
        return headings[sid]
    return direct or 0


def _paragraph_text(p) -> str:
    """Visible text of a paragraph: w:t, tabs, breaks, no-break hyphens, in order; no deleted text,
    no field codes, no text boxes (read separately)."""
    out: list[str] = []
    stack = [iter(p)]
    while stack:
        for el in stack[-1]:
            tag = el.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == W + "t":
                out.append(el.text or "")
            elif tag == W + "tab" or tag == W + "ptab":
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            elif tag == W + "softHyphen":
                pass
            elif len(el):
                stack.append(iter(el))
                break
        else:
            stack.pop()
    return "".join(out)


def _table_rows(tbl) -> list[str]:
    rows: list[str] = []
    for tr in _children(tbl, W + "tr"):
        cells = [_cell_text(tc) for tc in _children(tr, W + "tc")]
        while cells and not cells[-1]:
            cells.pop()  # empty cells at the end of a row say nothing
        if cells:
            rows.append(" | ".join(cells))
    return rows


def _children(el, tag: str):
    """Direct children with ``tag``, looking through content controls and custom XML wrappers."""
    for child in el.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (W + "sdt", W + "customXml", W + "sdtContent"):
            inner = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if inner is not None:
                yield from _children(inner, tag)


def _cell_text(tc) -> str:
    parts: list[str] = []
    for el in tc.iterchildren():
        if el.tag == W + "p":
            t = " ".join(_paragraph_text(el).split())
            if t:
                parts.append(t)
        elif el.tag == W + "tbl":  # a table in a cell: its rows in one line
            inner = ["; ".join(r.replace(" | ", ", ") for r in _table_rows(el))]
            parts.extend(i for i in inner if i)
        elif el.tag in (W + "sdt", W + "customXml"):
            parts.extend(b for b in (" ".join(x.split()) for x in _blocks(el, {})) if b)
    return " ".join(parts)
