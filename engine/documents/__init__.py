"""Reading documents into pages of text: PDF, Word (.docx), plain text, Markdown, HTML.

    doc = read_document("report.pdf", cancel=lambda: stop.is_set(), on_page=lambda n, total: ...)
    doc.pages[0].number, doc.pages[0].text, doc.text, doc.characters, doc.warnings

One module per reader (pdf.py, docx.py, text.py, html.py). Every file Hearth cannot
read raises ``BadInputError`` with one sentence naming the file; a library failure
never escapes as anything else. ``cancel()`` is polled while a PDF page is read (every
0.1 s: its worker process is ended) or between blocks (DOCX) and raises ``CancelledError``.
A run of many documents shares PDF worker processes: ``with PdfWorkers() as w:
read_document(p, pdf_workers=w)`` (engine/documents/pdf.py).
Hostile files stay bounded in memory and time (see pdf.py and docx.py for the budgets).
Formats without pages give a single page 1.

No Qt here: the GUI calls this from a worker thread.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from engine.errors import BadInputError, CancelledError

log = logging.getLogger("engine.documents")

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".markdown", ".html", ".htm")

_FORMATS = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".md": "md", ".markdown": "md",
            ".html": "html", ".htm": "html"}

Cancel = Callable[[], bool]
OnPage = Callable[[int, int], None]


@dataclass
class Page:
    number: int  # 1-based page number (formats without pages: a single page 1)
    text: str


@dataclass
class Document:
    path: Path
    format: str  # "pdf" | "docx" | "txt" | "md" | "html"
    pages: list[Page]
    encoding: str | None  # detected text encoding for txt/md/html, None for pdf/docx
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""  # of the file bytes

    @property
    def characters(self) -> int:
        """``len(self.text)``, without building the joined text."""
        if not self.pages:
            return 0
        return sum(len(p.text) for p in self.pages) + 2 * (len(self.pages) - 1)

    @property
    def text(self) -> str:
        """All pages, joined with a blank line."""
        return "\n\n".join(p.text for p in self.pages)


def read_document(path, *, cancel: Cancel | None = None, on_page: OnPage | None = None,
                  pdf_workers=None) -> Document:
    """Read the document at ``path`` into pages of text.

    Raises ``BadInputError`` (one sentence naming the file) for anything Hearth
    cannot read, ``CancelledError`` as soon as ``cancel()`` returns true.
    ``on_page(done, total)`` is called after each page is read.
    ``pdf_workers``: an ``engine.documents.pdf.PdfWorkers`` that a run of many documents
    shares, so a PDF is read by a worker process that is already running (without it, a
    PDF's worker is started for it and let go at the end).
    """
    path = Path(os.path.expanduser(str(path)))
    name = path.name or str(path)
    suffix = path.suffix.lower()
    fmt = _FORMATS.get(suffix)
    if fmt is None:
        kind = f"{suffix} files" if suffix else "files without an extension"
        raise BadInputError(f"{name}: Hearth cannot read {kind}; it reads PDF, Word (.docx), text (.txt), "
                            "Markdown (.md) and HTML documents")
    size = _check_file(path, name)
    check = _canceller(cancel, name)
    check()
    digest = file_sha256(path, name, check)
    try:
        if fmt == "pdf":
            from engine.documents import pdf

            doc = pdf.read_pdf(path, name, check, on_page, pdf_workers)
        elif fmt == "docx":
            from engine.documents import docx

            doc = docx.read_docx(path, name, check, on_page)
        elif fmt == "html":
            from engine.documents import html

            doc = html.read_html(path, name, size, check, on_page)
        else:
            from engine.documents import text

            doc = text.read_text(path, name, fmt, size, check, on_page)
    except (BadInputError, CancelledError):
        raise
    except MemoryError:
        raise BadInputError(f"{name} is too large to read with the memory this computer has free") from None
    except OSError as e:
        raise BadInputError(f"cannot read {name}: {e.strerror or e}") from None
    except Exception as e:  # a library failure: one sentence, the details go to the log
        log.warning("reading %s failed", name, exc_info=True)
        raise BadInputError(f"{name} cannot be read: the file is damaged or is not {_FORMAT_NAMES[fmt]} "
                            f"({type(e).__name__})") from None
    doc.sha256 = digest
    return doc


_FORMAT_NAMES = {"pdf": "a PDF", "docx": "a Word .docx document", "txt": "a text file", "md": "a Markdown file",
                 "html": "an HTML page"}


def _check_file(path: Path, name: str) -> int:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise BadInputError(f"cannot read {path}: no such file") from None
    except OSError as e:
        raise BadInputError(f"cannot read {path}: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise BadInputError(f"{path} is a folder, not a document")
    if not stat.S_ISREG(st.st_mode):
        raise BadInputError(f"{path} is not a regular file")
    if st.st_size == 0:
        raise BadInputError(f"{name} is empty")
    return st.st_size


def _canceller(cancel: Cancel | None, name: str) -> Callable[[], None]:
    def check() -> None:
        if cancel is not None and cancel():
            raise CancelledError(f"stopped reading {name}")

    return check


def file_sha256(path: Path, name: str, check: Callable[[], None] | None = None) -> str:
    """SHA-256 of the file, read in 1 MB blocks (memory stays flat)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
                if check is not None:
                    check()
    except OSError as e:
        raise BadInputError(f"cannot read {name}: {e.strerror or e}") from None
    return h.hexdigest()


# ---- helpers shared by the readers ----------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Unix line breaks, no stray control characters, no trailing spaces, no blank lines at the ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip("\n")


def page_ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> "3–5, 9"."""
    out: list[str] = []
    start = prev = None
    for n in numbers:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}–{prev}" if prev != start else f"{start}")
            start = prev = n
    if start is not None:
        out.append(f"{start}–{prev}" if prev != start else f"{start}")
    return ", ".join(out)


__all__ = ["Document", "Page", "SUPPORTED_SUFFIXES", "read_document", "file_sha256"]
