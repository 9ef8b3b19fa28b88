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

A page can take pypdf minutes (a 10 KB content stream just under its token limit
takes about half a minute; a thousand pages may share it), and pypdf cannot be
interrupted. So the pages are read in a worker process (``multiprocessing`` spawn,
started in about 0.2 s) that this process can stop. A worker reads one document after
another: ``PdfWorkers`` keeps the workers of a run of many documents (an indexing run),
so a folder of one-page PDFs does not pay 0.2 s a file; a single ``read_document``
call starts one and lets it go at the end. A worker that was ended (a page out of time,
Cancel, a crash) is never reused: the next read starts a fresh one.

- each page has ``PAGE_SECONDS``; a page that takes longer is skipped (the worker is
  ended and a new one reads on) and listed in the warnings;
- a page whose content stream is the one a skipped page drew is skipped at once;
- after ``SLOW_PAGES_MAX`` pages have run out of time, the rest is not read (also
  listed), so a document costs at most about a minute more than its readable pages;
- the whole document has ``DOC_SECONDS`` (opening included): pages each just under
  ``PAGE_SECONDS`` would otherwise add up without end (a thousand of them in 160 KB: hours).
  When it runs out, the page being read and the rest are not read (listed); the pages read
  are kept. The budget is kept by this process, which waits for the worker;
- ``cancel()`` is polled every ``POLL_SECONDS`` while the worker reads, and ends it;
- opening the file has ``OPEN_SECONDS``.

``USE_WORKER = False`` (or a daemonic process, which cannot start one) reads in this
process, without the page's budget; the document's is then looked at between pages.

    with PdfWorkers() as workers:          # ended (every process) when the block is left
        for path in paths:
            read_document(path, pdf_workers=workers)
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from pathlib import Path

from engine.errors import BadInputError
from engine.documents import Document, Page, clean_text, page_ranges

log = logging.getLogger("engine.documents.pdf")

HEADER_WINDOW = 1024  # the spec lets "%PDF-" start anywhere in the first 1024 bytes
CACHE_PAGES = 16      # drop pypdf's object cache after this many pages
PAGE_SECONDS = 10.0   # one page's budget: a page that takes longer is skipped
OPEN_SECONDS = 30.0   # opening the file (cross-reference table, page tree)
SLOW_PAGES_MAX = 5    # after this many pages ran out of time, the rest is not read
DOC_SECONDS = 120.0   # the whole document's budget: the pages not read by then are left out
POLL_SECONDS = 0.1    # how often cancel() is asked while the worker reads
USE_WORKER = True     # False: read in this process, without the time budgets

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


def read_pdf(path: Path, name: str, check, on_page, workers: "PdfWorkers | None" = None) -> Document:
    with open(path, "rb") as f:
        if b"%PDF-" not in f.read(HEADER_WINDOW):
            raise BadInputError(f"{name} is not a PDF: the file is damaged or has the wrong extension")
    import multiprocessing

    own = None
    if USE_WORKER and not multiprocessing.current_process().daemon:
        if workers is None:
            workers = own = PdfWorkers()   # this document's only: let go at the end
        source = _WorkerPages(path, name, check, workers)
    else:
        source = _LocalPages(path, name)
    try:
        return _read_pages(source, path, name, check, on_page)
    finally:
        source.close()
        if own is not None:
            own.close()


# ---- what happens to one page: "ok", "failed" (pypdf raised), "slow" (out of time, or the content
# stream of a page that was), "encrypted"

class _Refused(Exception):
    """The file cannot be read at all: ``kind`` is "encrypted", "damaged" or "no pages"."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def _sentence(name: str, kind: str) -> str:
    if kind == "encrypted":
        return (f"{name}: this PDF is encrypted: remove the password (for example by printing it to a "
                "new PDF) and open that copy")
    if kind == "no pages":
        return f"{name}: this PDF has no pages"
    if kind == "slow open":
        return f"{name}: this PDF takes too long to open (over {OPEN_SECONDS:g} s)"
    return f"{name}: this PDF is damaged and cannot be read"


class _Pages:
    """The reading itself, in whichever process does it: open the file, then one page at a time."""

    def __init__(self, path: str):
        self.path = path
        self.file = None
        self.reader = None
        self.done = 0

    def open(self) -> int:
        import pypdf
        from pypdf.errors import DependencyError, FileNotDecryptedError, WrongPasswordError

        self.file = open(self.path, "rb")
        try:
            self.reader = reader = pypdf.PdfReader(self.file, strict=False)
        except (FileNotDecryptedError, WrongPasswordError, DependencyError):
            raise _Refused("encrypted") from None
        except Exception:
            log.info("pypdf cannot open %s", self.path, exc_info=True)
            raise _Refused("damaged") from None
        if reader.is_encrypted:
            try:
                # An owner password only (empty user password): every viewer opens it, so do we.
                ok = reader.decrypt("")
            except Exception:
                log.info("cannot decrypt %s", self.path, exc_info=True)
                raise _Refused("encrypted") from None
            if not ok:
                raise _Refused("encrypted")
        try:
            total = len(reader.pages)
        except (FileNotDecryptedError, DependencyError):
            raise _Refused("encrypted") from None
        except Exception:
            log.info("cannot list the pages of %s", self.path, exc_info=True)
            raise _Refused("damaged") from None
        if total == 0:
            raise _Refused("no pages")
        return total

    def fingerprint(self, i: int):
        """The page's content stream(s), as indirect object numbers; None when they are not shared objects."""
        try:
            contents = self.reader.pages[i].get("/Contents")
        except Exception:
            return None
        refs = contents if isinstance(contents, list) else [contents]
        out = []
        for ref in refs:
            num = getattr(ref, "idnum", None)
            if num is None:
                return None
            out.append((num, getattr(ref, "generation", 0)))
        return tuple(out) or None

    def read(self, i: int) -> tuple[str, str]:
        """(status, text) of page ``i`` (0-based)."""
        from pypdf.errors import DependencyError, FileNotDecryptedError

        try:
            raw = self.reader.pages[i].extract_text()
        except (FileNotDecryptedError, DependencyError):
            return "encrypted", ""
        except Exception:  # RecursionError included: one bad page does not sink the document
            log.info("page %d of %s cannot be read", i + 1, self.path, exc_info=True)
            return "failed", ""
        finally:
            self.done += 1
            if self.done % CACHE_PAGES == 0:
                _drop_cache(self.reader)
        return "ok", join_glyph_lines(fold_radicals(clean_text(raw or "")))

    def close(self) -> None:
        for thing in (self.reader, self.file):
            try:
                if thing is not None:
                    thing.close()
            except Exception:
                pass
        self.reader = self.file = None


class _LocalPages:
    """Pages read in this process: nothing can stop a page, cancel() is asked between pages."""

    def __init__(self, path: Path, name: str):
        self.pages = _Pages(str(path))
        self.name = name

    def open(self) -> int:
        try:
            return self.pages.open()
        except _Refused as e:
            raise BadInputError(_sentence(self.name, e.kind)) from None

    def read(self, i: int, deadline: float | None = None) -> tuple[str, str]:
        return self.pages.read(i)   # nothing stops it: the deadline is looked at between pages

    def close(self) -> None:
        self.pages.close()


def _worker_main(conn, path: str) -> None:
    """The worker process: open ``path``, answering ("open", total) or ("refused", kind); then serve
    requests until told None (or the reader goes away):

    - ("from", first, slow): read pages ``first``… of the open document in order, sending
      ("done", i, status, text) for each, skipping a page that draws the content stream of a page in
      ``slow`` (pages that ran out of time in an earlier worker); after the last page the document is
      closed;
    - ("open", path): close the document, if one is open, and open ``path``, answering as above."""
    logging.getLogger().addHandler(logging.NullHandler())   # pypdf's warnings: not on the user's terminal
    pages = None
    try:
        conn.send(("ready",))
        request = ("open", path)
        while request is not None:
            if request[0] == "open":
                if pages is not None:
                    pages.close()
                pages = _Pages(request[1])
                try:
                    total = pages.open()
                except _Refused as e:
                    pages.close()
                    pages = None
                    conn.send(("refused", e.kind))
                else:
                    conn.send(("open", total))
            elif request[0] == "from" and pages is not None:
                _, first, slow_pages = request
                slow = {fp for fp in map(pages.fingerprint, slow_pages) if fp is not None}
                for i in range(first, total):
                    fp = pages.fingerprint(i)
                    if fp is not None and fp in slow:
                        conn.send(("done", i, "slow", ""))
                    else:
                        conn.send(("done", i, *pages.read(i)))
                pages.close()
                pages = None
            request = conn.recv()   # the next request; None: that is all
    except (EOFError, OSError, KeyboardInterrupt):
        pass   # the reader went away, or Ctrl+C: the parent ends the read
    finally:
        if pages is not None:
            pages.close()


class _Worker:
    """One worker process (see ``_worker_main``), started on the document ``path``."""

    def __init__(self, path: Path):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, str(path)), name="hearth-pdf", daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent

    def wait(self, deadline: float, check):
        """The worker's next message; None when ``deadline`` passes first; EOFError when it died.
        ``check()`` (Cancel) is asked every ``POLL_SECONDS``."""
        while True:
            check()
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if self.conn.poll(min(POLL_SECONDS, left)):
                return self.conn.recv()

    def end(self):
        """Stop the worker now; its exit code."""
        try:
            self.conn.close()
        except OSError:
            pass
        proc = self.proc
        if proc.is_alive():
            proc.terminate()
            proc.join(1)
            if proc.is_alive():
                proc.kill()
                proc.join(1)
        return proc.exitcode

    def let_go(self) -> None:
        """An idle worker (between documents): told that is all, it exits by itself; ended if it does not."""
        try:
            self.conn.send(None)
            self.proc.join(1)
        except (OSError, ValueError):
            pass
        self.end()


class PdfWorkers:
    """The worker processes of a run of many documents: a worker that finished a document (every page
    read, or the file refused) reads the next one; one that was ended (a page out of time, Cancel, a
    crash) is not kept. As many workers as documents read at once (threads). ``close()`` (or leaving
    the ``with`` block) ends every worker. ``started``: how many were started."""

    def __init__(self):
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._closed = False
        self.started = 0

    def __enter__(self) -> "PdfWorkers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def take(self, path: Path, fresh: bool = False) -> tuple[_Worker, bool]:
        """(a worker reading ``path``, whether it read an earlier document): an idle worker, told to open
        ``path``, or (none idle, or ``fresh``) a new one started on it."""
        while not fresh:
            with self._lock:
                if self._closed:
                    raise RuntimeError("PdfWorkers used after close()")
                worker = self._idle.pop() if self._idle else None
                if worker is not None:
                    self._busy.add(worker)
            if worker is None:
                break
            try:
                if worker.proc.is_alive():
                    worker.conn.send(("open", str(path)))
                    return worker, True
            except (OSError, ValueError):
                pass
            self.drop(worker)   # it died while it waited: try the next one
        worker = _Worker(path)
        with self._lock:
            self.started += 1
            self._busy.add(worker)
            closed = self._closed
        if closed:   # close() ran meanwhile (another thread)
            self.drop(worker)
            raise RuntimeError("PdfWorkers used after close()")
        return worker, False

    def give_back(self, worker: _Worker) -> None:
        """A worker between documents (it sent its last page, or refused the file): kept for the next."""
        with self._lock:
            self._busy.discard(worker)
            keep = not self._closed
            if keep:
                self._idle.append(worker)
        if not keep:
            worker.let_go()

    def drop(self, worker: _Worker):
        """End a worker (out of time, Cancel, a crash, a document left half read); its exit code."""
        with self._lock:
            self._busy.discard(worker)
        return worker.end()

    def close(self) -> None:
        """End every worker: idle ones are let go, busy ones (a read still going on) stopped."""
        with self._lock:
            self._closed = True
            idle, busy = self._idle, list(self._busy)
            self._idle, self._busy = [], set()
        for worker in idle:
            worker.let_go()
        for worker in busy:
            worker.end()


class _WorkerPages:
    """Pages read in a worker process that a page's time budget or cancel() can end.

    The worker reads ahead page after page (no round trip per page); this process takes its
    answers in order, giving each page ``PAGE_SECONDS`` from when it starts waiting for it. A page
    out of time ends the worker; the next read takes another (a new one) from the following page.
    A worker that sent the last page, or refused the file, goes back to ``workers`` for the next
    document; one left in the middle of a document (Cancel, an error) is ended."""

    def __init__(self, path: Path, name: str, check, workers: PdfWorkers):
        self.path = path
        self.name = name
        self.check = check
        self.workers = workers
        self.worker: _Worker | None = None
        self.local: _LocalPages | None = None   # when no worker could be started
        self.timed_out: list[int] = []          # pages (0-based) that ran out of time
        self.asked = False                      # the worker was told where to read from
        self.total = 0
        self.idle = False                       # it has sent the last page: it may read another document

    def _end(self):
        """Stop the worker now; its exit code."""
        worker, self.worker = self.worker, None
        self.asked = self.idle = False
        return None if worker is None else self.workers.drop(worker)

    def _release(self) -> None:
        """The worker is between documents: back to ``workers``."""
        worker, self.worker = self.worker, None
        self.asked = self.idle = False
        self.workers.give_back(worker)

    def open(self) -> int:
        fresh = False
        while True:
            self.worker, reused = self.workers.take(self.path, fresh)
            if not reused:
                try:
                    msg = self.worker.wait(time.monotonic() + OPEN_SECONDS, self.check)
                except (EOFError, OSError):
                    msg = None
                if msg is None or msg[0] != "ready":
                    # It never started (a program that cannot be spawned from): read here, as before.
                    log.warning("the PDF worker did not start (exit code %s); reading %s in this process",
                                self._end(), self.name)
                    self.local = _LocalPages(self.path, self.name)
                    return self.local.open()
            try:
                msg = self.worker.wait(time.monotonic() + OPEN_SECONDS, self.check)
            except (EOFError, OSError):
                code = self._end()
                if reused:   # it may have died while it waited for this file: a new one tries it
                    log.info("the PDF worker ended while opening %s (exit code %s); trying a new one",
                             self.name, code)
                    fresh = True
                    continue
                log.info("the PDF worker ended while opening %s (exit code %s)", self.name, code)
                raise BadInputError(_sentence(self.name, "damaged")) from None
            if msg is None:
                self._end()
                raise BadInputError(_sentence(self.name, "slow open"))
            if msg[0] == "refused":
                self._release()
                raise BadInputError(_sentence(self.name, msg[1]))
            self.total = msg[1]
            return self.total

    def read(self, i: int, deadline: float | None = None) -> tuple[str, str]:
        """(status, text) of page ``i``, the page after the last one read; "timeout" when it ran out of time,
        "late" when the document's ``deadline`` (time.monotonic()) came first."""
        if self.local is not None:
            return self.local.read(i)
        if self.worker is None:
            self.open()   # the last one was ended: another one reads on from here
            if self.local is not None:
                return self.local.read(i)
        page_deadline = time.monotonic() + PAGE_SECONDS
        late = deadline is not None and deadline < page_deadline
        try:
            if not self.asked:
                self.worker.conn.send(("from", i, self.timed_out))
                self.asked = True
            msg = self.worker.wait(deadline if late else page_deadline, self.check)
        except (EOFError, OSError):
            log.info("the PDF worker ended on page %d of %s (exit code %s)", i + 1, self.name, self._end())
            return "failed", ""
        if msg is None and late:
            log.info("%s: the document took longer than %g s; reading stopped on page %d", self.name,
                     DOC_SECONDS, i + 1)
            self._end()
            return "late", ""
        if msg is None:
            log.info("page %d of %s took longer than %g s", i + 1, self.name, PAGE_SECONDS)
            self._end()
            self.timed_out.append(i)
            return "timeout", ""
        self.idle = i == self.total - 1
        return msg[2], msg[3]

    def close(self) -> None:
        if self.worker is not None:
            if self.idle and self.worker.proc.is_alive():
                self._release()
            else:
                self._end()
        if self.local is not None:
            self.local.close()


def _read_pages(source, path: Path, name: str, check, on_page) -> Document:
    deadline = time.monotonic() + DOC_SECONDS   # read here, in this process: the worker's copy is not used
    total = source.open()
    pages: list[Page] = []
    empty: list[int] = []
    failed: list[int] = []
    slow: list[int] = []       # out of time, or drawing what a page out of time drew
    unread: list[int] = []     # after SLOW_PAGES_MAX pages ran out of time
    late: list[int] = []       # after the document ran out of time (DOC_SECONDS)
    timeouts = 0
    for i in range(total):
        check()
        number = i + 1
        if timeouts >= SLOW_PAGES_MAX:
            unread.append(number)
            pages.append(Page(number, ""))
            continue
        if late or time.monotonic() >= deadline:
            late.append(number)
            pages.append(Page(number, ""))
            continue
        status, text = source.read(i, deadline)
        if status == "encrypted":
            raise BadInputError(_sentence(name, "encrypted"))
        if status == "late":
            late.append(number)
            pages.append(Page(number, ""))
            continue
        if status == "timeout":
            timeouts += 1
            status = "slow"
        if status == "slow":
            slow.append(number)
        elif status != "ok":
            failed.append(number)
        elif not text.strip():
            empty.append(number)
        pages.append(Page(number, text))
        if on_page is not None:
            on_page(number, total)
    if (unread or late) and on_page is not None:
        on_page(total, total)
    if len(empty) + len(failed) + len(slow) + len(unread) + len(late) == total:
        if late:
            raise BadInputError(f"{name}: this PDF takes too long to read: no text was read within "
                                f"{DOC_SECONDS:g} s")
        if slow:
            raise BadInputError(f"{name}: this PDF takes too long to read: no page could be read within "
                                f"{PAGE_SECONDS:g} s")
        if len(failed) == total:
            raise BadInputError(_sentence(name, "damaged"))
        raise BadInputError(f"{name}: this PDF has no text layer: it is a scan; run text recognition "
                            "(OCR) on it and open the result")
    warnings: list[str] = []
    if failed:
        warnings.append(_plural(failed, "is damaged and was left out", "are damaged and were left out"))
    if slow:
        warnings.append(_plural(slow, f"was skipped: reading it takes longer than {PAGE_SECONDS:g} s",
                                f"were skipped: reading each takes longer than {PAGE_SECONDS:g} s"))
    if unread:
        warnings.append(_plural(unread, f"was not read: reading stopped after {timeouts} pages took too long",
                                f"were not read: reading stopped after {timeouts} pages took too long"))
    if late:
        warnings.append(_plural(late, f"was not read: the document took longer than {DOC_SECONDS:g} s to read",
                                f"were not read: the document took longer than {DOC_SECONDS:g} s to read"))
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
