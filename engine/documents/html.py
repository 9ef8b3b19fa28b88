"""HTML: the text a reader sees, without scripts, styles or the <head>.

The encoding: a byte-order mark, then the page's own <meta charset> (if the bytes
decode with it), then the same detection as a text file. Block elements give line
breaks (paragraphs and headings a blank line), headings are marked like Markdown
("# ", "## "), table cells are joined with " | ", whitespace collapses as in a
browser except inside <pre>.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from engine.errors import BadInputError
from engine.documents import Document, Page, clean_text
from engine.documents.text import decode_bytes, read_bytes

# Elements whose content is never shown as text.
SKIP = {"script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object",
        "canvas", "select", "datalist"}
# Elements that end a line.
BLOCK = {"address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
         "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr",
         "li", "main", "menu", "nav", "ol", "pre", "section", "summary", "table", "tbody", "tfoot", "thead",
         "tr", "ul", "caption", "html", "legend", "option"}
# Elements that end a paragraph (a blank line).
PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl",
             "figure", "hr"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr"}
CELL = {"td", "th"}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\n\r\x0c]+")


_PRE_SPACE, _PRE_NEWLINE = "\x01", "\x02"  # whitespace inside <pre>, kept through the collapsing


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip: list[str] = []  # open elements whose content is hidden
        self.pre = 0
        self.cells = 0  # cells already started in the current table row
        self.trailing = 2  # line breaks at the end of the output so far (the start counts as a paragraph end)

    def _break(self, n: int) -> None:
        """End the line (1) or the paragraph (2), unless the output already does."""
        if self.trailing < n:
            self.out.append("\n" * (n - self.trailing))
            self.trailing = n

    def _write(self, s: str) -> None:
        self.out.append(s)
        if s.strip(" "):
            self.trailing = len(s) - len(s.rstrip("\n"))

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            self._void(tag)
            return
        if self.skip or tag in SKIP or any(k == "hidden" for k, _ in attrs):
            self.skip.append(tag)
            return
        if tag == "body":
            return
        if tag in PARAGRAPH:
            self._break(2)
        elif tag in BLOCK:
            self._break(1)
        if tag == "tr":
            self.cells = 0
        elif tag in CELL:
            if self.cells:
                self._write(" | ")
            self.cells += 1
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._write("#" * int(tag[1]) + " ")
        elif tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag, attrs):
        if tag in VOID:
            self._void(tag)
        else:  # <div/>: opened and closed
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def _void(self, tag):
        if self.skip:
            return
        if tag == "br":
            if self.pre:
                self._write(_PRE_NEWLINE)
            else:
                self.out.append("\n")
                self.trailing += 1
        elif tag == "hr":
            self._break(2)

    def handle_endtag(self, tag):
        if self.skip:
            if tag in self.skip:  # close it, and anything left open inside it
                while self.skip.pop() != tag:
                    pass
            return
        if tag == "body" or tag in VOID:
            return
        if tag == "pre" and self.pre:
            self.pre -= 1
        if tag in PARAGRAPH:
            self._break(2)
        elif tag in BLOCK:
            self._break(1)

    def handle_data(self, data):
        if self.skip:
            return
        data = data.replace(_PRE_SPACE, "").replace(_PRE_NEWLINE, "")
        if self.pre:
            data = data.replace("\r\n", "\n").replace("\r", "\n")
            self._write(data.replace(" ", _PRE_SPACE).replace("\t", _PRE_SPACE * 4)
                        .replace("\n", _PRE_NEWLINE))
        else:
            self._write(_SPACES.sub(" ", data))

    def text(self) -> str:
        lines = [_INNER_SPACES.sub(" ", line).strip() for line in "".join(self.out).split("\n")]
        text = "\n".join(lines).replace(_PRE_SPACE, " ").replace(_PRE_NEWLINE, "\n")
        return _BLANK_LINES.sub("\n\n", text)


_INNER_SPACES = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(markup: str) -> str:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    return clean_text(parser.text())


def read_html(path: Path, name: str, size: int, check, on_page) -> Document:
    data = read_bytes(path, name, size)
    check()
    m = _META_CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii", "replace") if m else None
    markup, encoding = decode_bytes(data, name, declared=declared)
    del data
    check()
    text = html_to_text(markup)
    if not text.strip():
        raise BadInputError(f"{name} has no text")
    if on_page is not None:
        on_page(1, 1)
    return Document(path=path, format="html", pages=[Page(1, text)], encoding=encoding, warnings=[])
