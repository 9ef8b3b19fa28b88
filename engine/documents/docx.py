"""Word .docx: paragraphs, headings and tables in reading order, read straight from the zip.

The body's XML children are walked in document order: a paragraph is one block, a
heading is marked like Markdown ("# " for Title and Heading 1, "## " for Heading 2...,
from the style's name or its outline level), a table is one block with a line per
row and " | " between cells; blocks are separated by a blank line. Content controls
(w:sdt) are entered; text boxes are read after the paragraph that anchors them.
Paragraph text is collected from every run (hyperlinks, tracked insertions, smart
tags and fields included), not from deleted text. A .docx has no fixed pages: one page.

A hostile file stays bounded in memory and time:

- before anything is parsed, the zip's central directory is checked: at most
  ``MAX_PARTS`` parts, ``MAX_TOTAL_BYTES`` uncompressed in all (Word's own limit for a
  document with pictures is 512 MB), no part over ``RATIO_FLOOR`` that expands more than
  ``MAX_RATIO`` times (real XML compresses 5–30 times, pictures not at all; a zip bomb
  about 1,000 times), no two parts sharing compressed bytes. Only three parts are ever
  read — ``word/document.xml``, its relationships and the styles — each through
  ``zipfile``, which stops at the declared size (a part that inflates to more fails its
  CRC: "damaged"), never the pictures or the other parts;
- the relationships and the styles are parsed whole, one after the other (the first is let
  go before the second is parsed), each only up to ``MAX_SIDE_XML_BYTES``: lxml needs about
  35 bytes of memory per byte of XML made of tiny elements. Larger relationships are not
  read (the styles are then looked for where Word puts them); larger styles are not read,
  with a warning (headings set by a style are then not marked);
- ``word/document.xml`` is streamed (lxml's pull parser, 256 KB at a time): each paragraph
  or table row is turned into text and dropped from the tree as soon as it ends, so
  memory holds one block, not the document; a single paragraph or row over
  ``MAX_BLOCK_BYTES`` of XML is refused, and so is one, or what lies between two, that
  holds over ``MAX_BLOCK_NODES`` XML nodes (elements, text, comments: counted by libxml2
  whenever the bytes read since the last count could hold that many);
- reading stops, with a warning, after ``MAX_PARAGRAPHS`` paragraphs and table rows or
  ``MAX_CHARACTERS`` characters of text (a 500 MB document.xml of one-letter paragraphs
  gives its first million in a few seconds, not 8 GB and three minutes).
"""

from __future__ import annotations

import logging
import mmap
import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from engine.errors import BadInputError
from engine.documents import Document, Page, clean_text

log = logging.getLogger("engine.documents.docx")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MB = 1024 * 1024

MAIN_PART = "word/document.xml"
MAX_PARTS = 10_000                 # files in the zip (Word writes tens; a photo album a few thousand)
MAX_TOTAL_BYTES = 512 * MB         # all parts together, uncompressed
MAX_RATIO = 100                    # uncompressed / compressed, for a part over RATIO_FLOOR
RATIO_FLOOR = 4 * MB
MAX_SIDE_XML_BYTES = 4 * MB        # the styles and the relationships, parsed whole (real ones: under 1 MB)
MAX_BLOCK_BYTES = 16 * MB          # XML held at once while streaming the body: one paragraph or table row
MAX_BLOCK_NODES = 1_000_000        # XML nodes held at once (lxml: about 130 bytes each): a real paragraph or
                                   # row holds tens to thousands, a whole book in one table cell a few 100,000
MIN_NODE_BYTES = 2                 # the fewest bytes of XML a node takes ("a<b/>": two nodes in 5 bytes)
MAX_PARAGRAPHS = 1_000_000         # paragraphs and table rows (cells' paragraphs included) read at most
MAX_CHARACTERS = 20_000_000        # characters of text kept at most (a long novel has about a million)
READ_CHUNK = 256 * 1024
CHECK_EVERY = 200                  # paragraphs and rows between two cancel checks (and one per chunk)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING = re.compile(r"^(?:heading|見出し)\s*([1-9])$", re.IGNORECASE)

# Inside a paragraph, these subtrees hold no visible text of the paragraph itself.
_SKIP = {W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "txbxContent", MC + "Fallback",
         W + "instrText", W + "delText", W + "footnoteReference", W + "endnoteReference"}
_P, _TR, _T, _PPR, _TXBX = W + "p", W + "tr", W + "t", W + "pPr", W + "txbxContent"
_TEXT_MARKS = {W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-",
               W + "softHyphen": ""}
# Containers whose paragraphs and tables are read as if they stood in the body.
_WRAPPERS = (W + "customXml", W + "sdtContent", W + "ins", W + "moveTo")


def read_docx(path: Path, name: str, check, on_page) -> Document:
    from lxml import etree

    damaged = f"{name}: this Word document is damaged and cannot be read"
    not_docx = f"{name} is not a Word .docx document: the file is damaged or has the wrong extension"
    with open(path, "rb") as f:
        head = f.read(8)
        if head == OLE_MAGIC:
            raise BadInputError(_ole_sentence(f, name))
        if not head.startswith(b"PK"):
            raise BadInputError(not_docx)
        _check_directory_size(f, name, damaged)
    try:
        with zipfile.ZipFile(path) as z:
            _check_parts(z, path, name)
            try:
                main = z.getinfo(MAIN_PART)
            except KeyError:
                raise BadInputError(not_docx) from None
            check()
            notes: list[str] = []
            headings = _heading_levels(_styles(z, name, notes))
            check()
            blocks, warnings = _read_body(z, main, name, headings, check)
            warnings = notes + warnings
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, etree.XMLSyntaxError):
        # RuntimeError: an encrypted zip member; NotImplementedError: a compression zipfile lacks
        log.info("cannot read %s", name, exc_info=True)
        raise BadInputError(damaged) from None
    text = clean_text("\n\n".join(blocks))
    del blocks
    if not text.strip():
        raise BadInputError(f"{name} has no text")
    if on_page is not None:
        on_page(1, 1)
    return Document(path=path, format="docx", pages=[Page(1, text)], encoding=None, warnings=warnings)


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


# ---- the zip's budget -----------------------------------------------------------------------


def _too_many_parts(name: str, n: int) -> BadInputError:
    return BadInputError(f"{name} holds too many parts to be a Word document ({n:,}; the limit is {MAX_PARTS:,})")


def _check_directory_size(f, name: str, damaged: str) -> None:
    """The number of parts from the end record, before ``zipfile`` builds an object for each."""
    try:
        end = zipfile._EndRecData(f)  # noqa: SLF001 - the record zipfile itself reads first
    except (AttributeError, OSError, zipfile.BadZipFile):
        return   # zipfile's own reading decides
    if end is None:
        raise BadInputError(damaged)
    entries = end[zipfile._ECD_ENTRIES_TOTAL]  # noqa: SLF001
    if entries > MAX_PARTS:
        raise _too_many_parts(name, entries)


def _check_parts(z: zipfile.ZipFile, path: Path, name: str) -> None:
    """Refuse a zip bomb from its central directory, before a byte of it is inflated."""
    infos = z.infolist()
    if len(infos) > MAX_PARTS:
        raise _too_many_parts(name, len(infos))
    total = compressed = 0
    for info in infos:
        total += info.file_size
        compressed += info.compress_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BadInputError(f"{name} looks like a zip bomb: its part {_shown(info.filename)} expands "
                                f"{info.file_size // max(info.compress_size, 1):,} times, to "
                                f"{info.file_size // MB:,} MB")
    if total > MAX_TOTAL_BYTES:
        raise BadInputError(f"{name} is too large: its parts come to {total // MB:,} MB uncompressed "
                            f"(the limit is {MAX_TOTAL_BYTES // MB:,} MB)")
    if compressed > path.stat().st_size:
        # parts that share compressed bytes (an "overlapping" zip bomb) or sizes that lie
        raise zipfile.BadZipFile("the parts' compressed sizes add up to more than the file")


def _shown(member: str) -> str:
    """A part's name as a sentence may show it: at most 100 characters, nothing unprintable."""
    return "".join(c if c.isprintable() else "?" for c in member[:100])


class _TooLarge(Exception):
    """A side part over ``MAX_SIDE_XML_BYTES``."""


def _part_xml(z: zipfile.ZipFile, member: str):
    """A small part (styles, relationships) parsed whole, or None when the zip has none; _TooLarge when it
    is over ``MAX_SIDE_XML_BYTES`` (then nothing of it is parsed)."""
    from lxml import etree

    try:
        info = z.getinfo(member)
    except KeyError:
        return None
    if info.file_size > MAX_SIDE_XML_BYTES:
        raise _TooLarge(member)
    with z.open(info) as f:
        data = f.read(MAX_SIDE_XML_BYTES + 1)   # zipfile stops at the declared size; never trust it alone
    if len(data) > MAX_SIDE_XML_BYTES:
        raise _TooLarge(member)
    return etree.fromstring(data, etree.XMLParser(remove_blank_text=True, resolve_entities=False,
                                                  remove_comments=True, remove_pis=True))


def _styles_target(z: zipfile.ZipFile, name: str) -> str:
    """The styles part's name, as the document's relationships give it (else where Word puts it). The
    relationships' tree is let go when this returns."""
    try:
        rels = _part_xml(z, "word/_rels/document.xml.rels")
    except _TooLarge:
        log.info("%s: the document's relationships are over %d MB; not read", name, MAX_SIDE_XML_BYTES // MB)
        rels = None
    if rels is not None:
        for r in rels.iter(REL + "Relationship"):
            if (r.get("Type") or "").endswith("/styles") and r.get("TargetMode") != "External":
                t = r.get("Target") or ""
                return t[1:] if t.startswith("/") else posixpath.normpath(posixpath.join("word", t))
    return "word/styles.xml"


def _styles(z: zipfile.ZipFile, name: str, warnings: list[str]):
    """The styles part's root element, or None (no styles, or too large to read: ``warnings`` says so)."""
    target = _styles_target(z, name)   # the relationships are freed before the styles are parsed
    try:
        return _part_xml(z, target)
    except _TooLarge:
        warnings.append(f"the styles were not read (over {MAX_SIDE_XML_BYTES // MB} MB of XML): headings set by "
                        "a style are not marked")
        return None


# ---- the body, streamed -----------------------------------------------------------------------


def _read_body(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, headings: dict[str, int],
               check) -> tuple[list[str], list[str]]:
    """The body's blocks in document order, and the warnings; memory holds one block at a time."""
    from lxml import etree

    # "start" events too, for the root (any "document" root, then every block's start): the tree's nodes are
    # counted from it.
    parser = etree.XMLPullParser(events=("start", "end"), tag=(W + "p", W + "tr", W + "tbl", "{*}document"),
                                 remove_blank_text=True, resolve_entities=False, remove_comments=True,
                                 remove_pis=True)
    count_nodes = etree.XPath("count(descendant-or-self::node())")
    blocks: list[str] = []
    warnings: list[str] = []
    rows: dict = {}          # the table being read (one at most: a table in a cell is read with its row) → rows
    seen = chars = held = read = 0
    root = None
    nodes = since_count = 0  # nodes in the tree at the last count (at most: blocks are dropped since), bytes fed since

    def fits(text: str) -> bool:
        """Count ``text`` (and its separator) against MAX_CHARACTERS."""
        nonlocal chars
        chars += len(text) + 2
        return chars <= MAX_CHARACTERS

    def cut(warning: str) -> tuple[list[str], list[str]]:
        """Stop here: the rows of a table being read are kept, the rest of the document is left out."""
        for table_rows in rows.values():
            blocks.append("\n".join(table_rows))
        warnings.append(warning)
        return blocks, warnings

    too_long = (f"only the first {MAX_CHARACTERS:,} characters were read; the rest of the document was "
                "left out")
    with z.open(info) as f:
        while True:
            chunk = f.read(READ_CHUNK)
            read += len(chunk)
            if read > info.file_size:
                raise zipfile.BadZipFile(f"{info.filename} is longer than its declared size")
            if chunk:
                parser.feed(chunk)
                held += len(chunk)
                since_count += len(chunk)
            else:
                parser.close()
            released = False
            for event, el in parser.read_events():
                if event == "start":
                    if root is None:
                        root = el.getroottree().getroot()
                    continue
                seen += 1
                if seen > MAX_PARAGRAPHS:
                    return cut(f"only the first {MAX_PARAGRAPHS:,} paragraphs were read; the rest of the "
                               "document was left out")
                if seen % CHECK_EVERY == 0:
                    check()
                tag = el.tag
                if tag == _P:
                    if not _in_body(el):
                        continue   # in a table cell or a text box: read with its row or its paragraph
                    for block in _element_blocks(el, headings):
                        if not fits(block):
                            return cut(too_long)
                        blocks.append(block)
                elif tag == _TR:
                    table = _row_table(el)
                    if table is None or not _in_body(table):
                        continue   # a table inside a cell: read with the outer row
                    row = _row_text(el)
                    if row:
                        if not fits(row):
                            return cut(too_long)
                        rows.setdefault(table, []).append(row)
                else:  # w:tbl
                    if not _in_body(el):
                        continue
                    table_rows = rows.pop(el, None)
                    if table_rows:
                        blocks.append("\n".join(table_rows))
                _release(el)
                released = True
            if released:
                held = len(chunk)   # at most this much of the chunk came after the last block dropped
            if held > MAX_BLOCK_BYTES:
                raise BadInputError(f"{name} is too large: one paragraph or table row in it is over "
                                    f"{MAX_BLOCK_BYTES // MB} MB of XML")
            if nodes + since_count // MIN_NODE_BYTES > MAX_BLOCK_NODES:   # there may be that many: count them
                if root is None:   # no "document" root, no block begun: nothing here is a Word body
                    raise zipfile.BadZipFile(f"{info.filename} has no document element")
                nodes, since_count = int(count_nodes(root)), 0
                if nodes > MAX_BLOCK_NODES:
                    raise BadInputError(f"{name} is too large: one paragraph or table row in it, or what lies "
                                        f"between two, holds over {MAX_BLOCK_NODES:,} XML nodes")
            check()
            if not chunk:
                return blocks, warnings


def _in_body(el) -> bool:
    """Whether ``el`` stands in the body, or in containers the body's reading enters (content
    controls, custom XML, tracked insertions and moves) — not in a cell, a text box or deleted text."""
    parent = el.getparent()
    while parent is not None:
        tag = parent.tag
        if tag == W + "body":
            return True
        if tag not in _WRAPPERS:
            return False
        if tag == W + "sdtContent":
            up = parent.getparent()
            if up is not None and up.tag == W + "sdt":
                parent = up
        parent = parent.getparent()
    return False


def _row_table(tr):
    """The table a row belongs to, looking through content controls and custom XML; None if none."""
    parent = tr.getparent()
    while parent is not None:
        tag = parent.tag
        if tag == W + "tbl":
            return parent
        if tag not in (W + "customXml", W + "sdtContent"):
            return None
        if tag == W + "sdtContent":
            up = parent.getparent()
            if up is not None and up.tag == W + "sdt":
                parent = up
        parent = parent.getparent()
    return None


def _release(el) -> None:
    """Drop what has been read: ``el``'s content, and everything before it and before each of its
    ancestors (read already, or skipped)."""
    el.clear()
    node = el
    parent = node.getparent()
    while parent is not None:
        while node.getprevious() is not None:
            del parent[0]
        node, parent = parent, parent.getparent()


def _heading_levels(styles) -> dict[str, int]:
    """Paragraph style id → heading level (1–9), from the style's name or its outline level,
    following "based on" for the outline level. ``styles``: the styles part's root, or None."""
    levels: dict[str, int] = {}
    outline: dict[str, int | None] = {}
    based: dict[str, str | None] = {}
    if styles is None:
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
    """Text blocks of a container (a text box, a content control) in document order."""
    for el in container.iterchildren():
        yield from _element_blocks(el, headings)


def _element_blocks(el, headings: dict[str, int]) -> list[str]:
    """The text blocks of one element of a body: a paragraph (then its text boxes), a table, or
    the blocks of a content control, custom XML, tracked insertion or move."""
    tag = el.tag
    if tag == _P:
        out = []
        text = _paragraph_text(el)
        if text.strip():
            level = _paragraph_level(el, headings)
            out.append(("#" * level + " " + text.strip()) if level else text)
        for box in el.iter(_TXBX):
            if _outermost_box(box, el):
                out.extend(_blocks(box, headings))
        return out
    return list(_other_blocks(el, headings))


def _other_blocks(el, headings: dict[str, int]):
    """The blocks of a table, or of what a content control, custom XML, insertion or move holds."""
    tag = el.tag
    if tag == W + "tbl":
        rows = _table_rows(el)
        if rows:
            yield "\n".join(rows)
    elif tag in (W + "sdt",) + _WRAPPERS:
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
    ppr = p.find(_PPR)
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
            if tag == _T:
                out.append(el.text or "")
            elif not isinstance(tag, str) or tag in _SKIP:
                continue
            elif tag in _TEXT_MARKS:
                out.append(_TEXT_MARKS[tag])
            elif len(el):
                stack.append(iter(el))
                break
        else:
            stack.pop()
    return "".join(out)


def _table_rows(tbl) -> list[str]:
    return [row for row in (_row_text(tr) for tr in _children(tbl, W + "tr")) if row]


def _row_text(tr) -> str:
    """A row's cells joined with " | " ("" for a row without text)."""
    cells = [_cell_text(tc) for tc in _children(tr, W + "tc")]
    while cells and not cells[-1]:
        cells.pop()  # empty cells at the end of a row say nothing
    return " | ".join(cells)


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
