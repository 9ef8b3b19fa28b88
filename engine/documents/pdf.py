"""PDF: the text layer, page by page, with pypdf.

Memory stays bounded for long files: pypdf reads from the open file (not a copy
in memory), and every few pages the parsed-object cache it keeps is dropped, so
a 500-page file costs about as much as its largest pages, not all of them.

Japanese PDFs set in CID fonts (reportlab's HeiseiMin-W3 / HeiseiKakuGo-W5,
UniJIS-UCS2-H encoding) come out exactly as set with pypdf 7: full-width and
half-width forms, kana and kanji included. What PDF producers do get wrong is a
ToUnicode map that sends ideographs to their look-alike Kangxi radicals (⽇ U+2F47
for 日 U+65E5); those are folded back to the unified ideographs (NFKC, those
blocks only, so full-width letters and half-width kana stay as written).

Producers that put every glyph in its own text object (BT … ET) make pypdf end a line
after each character ("会\n議\nは…"); runs of three or more one-character lines of
Japanese are joined back into one line.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

from engine.errors import BadInputError
from engine.documents import Document, Page, clean_text, page_ranges

log = logging.getLogger("engine.documents.pdf")

HEADER_WINDOW = 1024  # the spec lets "%PDF-" start anywhere in the first 1024 bytes
CACHE_PAGES = 16      # drop pypdf's object cache after this many pages

_RADICALS = re.compile(r"[\u2e80-\u2fdf]")  # CJK Radicals Supplement + Kangxi Radicals


def fold_radicals(text: str) -> str:
    """Kangxi / supplement radicals → the unified ideographs they stand for (where Unicode says so)."""
    return _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


_WIDE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uffef]")
GLYPH_RUN = 3


def join_glyph_lines(text: str) -> str:
    """"会\n議\nは" -> "会議は": three or more consecutive lines that are each one Japanese character."""
    lines = text.split("\n")
    if len(lines) < GLYPH_RUN:
        return text
    out: list[str] = []
    run: list[str] = []

    def flush():
        if len(run) >= GLYPH_RUN:
            out.append("".join(run))
        else:
            out.extend(run)
        run.clear()

    for line in lines:
        if len(line) == 1 and _WIDE.match(line):
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


def read_pdf(path: Path, name: str, check, on_page) -> Document:
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, WrongPasswordError

    encrypted = (f"{name}: this PDF is encrypted: remove the password (for example by printing it to a "
                 "new PDF) and open that copy")
    damaged = f"{name}: this PDF is damaged and cannot be read"

    with open(path, "rb") as f:
        head = f.read(HEADER_WINDOW)
        if b"%PDF-" not in head:
            raise BadInputError(f"{name} is not a PDF: the file is damaged or has the wrong extension")
        f.seek(0)
        try:
            reader = pypdf.PdfReader(f, strict=False)
        except (FileNotDecryptedError, WrongPasswordError, DependencyError):
            raise BadInputError(encrypted) from None
        except Exception:
            log.info("pypdf cannot open %s", name, exc_info=True)
            raise BadInputError(damaged) from None
        try:
            if reader.is_encrypted:
                try:
                    # An owner password only (empty user password): every viewer opens it, so do we.
                    ok = reader.decrypt("")
                except Exception:
                    log.info("cannot decrypt %s", name, exc_info=True)
                    raise BadInputError(encrypted) from None
                if not ok:
                    raise BadInputError(encrypted)
            try:
                total = len(reader.pages)
            except (FileNotDecryptedError, DependencyError):
                raise BadInputError(encrypted) from None
            except Exception:
                log.info("cannot list the pages of %s", name, exc_info=True)
                raise BadInputError(damaged) from None
            if total == 0:
                raise BadInputError(f"{name}: this PDF has no pages")
            return _read_pages(reader, path, name, total, check, on_page, encrypted)
        finally:
            reader.close()


def _read_pages(reader, path: Path, name: str, total: int, check, on_page, encrypted: str) -> Document:
    from pypdf.errors import DependencyError, FileNotDecryptedError

    pages: list[Page] = []
    empty: list[int] = []
    failed: list[int] = []
    for i in range(total):
        check()
        number = i + 1
        try:
            raw = reader.pages[i].extract_text()
        except (FileNotDecryptedError, DependencyError):
            raise BadInputError(encrypted) from None
        except Exception:  # RecursionError included: one bad page does not sink the document
            log.info("page %d of %s cannot be read", number, name, exc_info=True)
            raw, ok = "", False
        else:
            ok = True
        text = join_glyph_lines(fold_radicals(clean_text(raw or "")))
        if not ok:
            failed.append(number)
        elif not text.strip():
            empty.append(number)
        pages.append(Page(number, text))
        if number % CACHE_PAGES == 0:
            _drop_cache(reader)
        if on_page is not None:
            on_page(number, total)
    if failed and len(failed) == total:
        raise BadInputError(f"{name}: this PDF is damaged and cannot be read")
    if len(empty) + len(failed) == total:
        raise BadInputError(f"{name}: this PDF has no text layer: it is a scan; run text recognition "
                            "(OCR) on it and open the result")
    warnings: list[str] = []
    if failed:
        warnings.append(_plural(failed, "is damaged and was left out", "are damaged and were left out"))
    if empty:
        warnings.append(_plural(empty, "has no text layer", "have no text layer"))
    return Document(path=path, format="pdf", pages=pages, encoding=None, warnings=warnings)


def _plural(numbers: list[int], one: str, many: str) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]} {one}"
    return f"pages {page_ranges(numbers)} {many}"


def _drop_cache(reader) -> None:
    """Forget the objects pypdf parsed so far (decoded content streams, fonts); they are read
    again from the file when a later page needs them."""
    cache = getattr(reader, "resolved_objects", None)
    if isinstance(cache, dict):
        cache.clear()
