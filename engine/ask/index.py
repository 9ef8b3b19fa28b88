"""Indexing a collection: its documents -> passages in the database, kept current.

    indexer = Indexer(store, "handbook", embedder=None)   # embedder: engine.ask.embed.Embedder or None
    result = indexer.run(on_event=print)                    # IndexResult; .to_json() is the CLI's --json
    indexer.cancel()                                        # from any thread: stops between files / pages

Every run walks the collection's files and folders (PDF, DOCX, TXT/Markdown, HTML; hidden files
and Office lock files ``~$…`` left out):

- unchanged files are skipped: same size and modification time, or — when only the time moved —
  the same SHA-256 of the contents;
- new and changed files are read (``engine.documents.read_document``), split into passages
  (``engine.ask.passages``) and written in one transaction per file, old passages out and new ones
  in together: a run that is cancelled or killed (even ``kill -9``) keeps every file it finished
  and leaves no half-written file, so the next run goes on where it stopped, with nothing doubled;
- files no longer there are dropped with their passages (a whole folder that is missing — an
  unplugged drive — is reported and its files are kept);
- a file that cannot be read is listed with its one-sentence reason and does not stop the rest
  (it is tried again at the next run).

With an embedder, passages without a vector from that model are embedded afterwards, in small
batches each committed at once (so that work resumes too).

``on_event`` receives dicts with a ``type``:
``{"type": "scan", "files": N}``,
``{"type": "file", "done": i, "total": N, "file": path, "status": "indexed"|"skipped"|"failed",
"reason": ..., "passages": n}``, ``{"type": "removed", "file": path}``,
``{"type": "embed", "done": i, "total": M}``, ``{"type": "done", **result.to_json()}``.
They come from the thread that calls ``run``.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from engine.ask.collections import Collections
from engine.ask.passages import split_pages
from engine.ask.terms import index_terms
from engine.errors import BadInputError, CancelledError
from engine.store import Store, utc_now

EMBED_BATCH = 16
READ_AHEAD = 2            # documents read at once (PDFs: one worker process each, kept for the run)
# Tests only: seconds to wait after each file is committed (so a test can kill a run mid-way).
TEST_DELAY_ENV = "HEARTH_TEST_INDEX_DELAY"

Event = dict


@dataclass
class IndexResult:
    files: int = 0               # documents in the collection's files and folders
    indexed: int = 0             # read and (re)indexed in this run
    skipped: int = 0             # unchanged since they were indexed
    failed: list[dict] = field(default_factory=list)   # [{"file", "reason"}]
    passages: int = 0            # passages in the collection's index after the run
    seconds: float = 0.0
    removed: int = 0             # files dropped: no longer there
    pages: int = 0               # pages read in this run
    new_passages: int = 0        # passages written in this run
    embedded: int = 0            # passages embedded in this run
    embed_model: str | None = None

    def to_json(self) -> dict:
        """The CLI's ``--json`` object (``files, indexed, skipped, failed, passages, seconds`` are a contract)."""
        return {"files": self.files, "indexed": self.indexed, "skipped": self.skipped, "failed": self.failed,
                "passages": self.passages, "seconds": round(self.seconds, 3), "removed": self.removed,
                "pages": self.pages, "new_passages": self.new_passages, "embedded": self.embedded,
                "embed_model": self.embed_model}


def _is_document(name: str) -> bool:
    from engine.documents import SUPPORTED_SUFFIXES

    return (not name.startswith((".", "~$"))) and os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES


def scan(paths: list[str], known_files: set[str] = frozenset()) -> tuple[list[str], list[dict], list[str]]:
    """(document files, problems [{file, reason}], folders that are missing) under ``paths``, sorted. A path
    in ``known_files`` (indexed as a file) that is gone is simply not found: it was deleted."""
    found: set[str] = set()
    problems: list[dict] = []
    missing: list[str] = []
    for root in paths:
        p = Path(root)
        if p.is_file():
            found.add(str(p))       # named on purpose: read even if its type is unknown (says why not)
            continue
        if root in known_files and not p.exists():
            continue
        if not p.is_dir():
            missing.append(root)
            problems.append({"file": root, "reason": f"{root} is not there any more (a removed or unplugged "
                                                     f"drive?); its documents stay in the index"})
            continue

        def on_error(e: OSError, root=root) -> None:
            problems.append({"file": e.filename or root,
                             "reason": f"cannot read the folder {e.filename or root}: {e.strerror or e}"})

        for folder, dirs, files in os.walk(p, onerror=on_error):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if _is_document(name):
                    found.add(os.path.join(folder, name))
    return sorted(found), problems, missing


class Indexer:
    """Index one collection (see the module's documentation)."""

    def __init__(self, store: Store, collection: str, embedder=None):
        self.store = store
        self.collections = Collections(store)
        self.collection = self.collections.get(collection)
        self.embedder = embedder
        self._cancelled = threading.Event()
        self._pdf_workers = None     # during run(): the PDF worker processes its reads share

    def cancel(self) -> None:
        """Stop soon (between files, or between pages of a long document). Safe from any thread."""
        self._cancelled.set()

    def _check(self) -> None:
        if self._cancelled.is_set():
            raise CancelledError("indexing was stopped; the documents indexed so far are kept: "
                                 "index again to go on")

    def run(self, on_event: Callable[[Event], None] | None = None) -> IndexResult:
        """Index now (see the module's documentation); CancelledError after ``cancel()``."""
        emit = on_event or (lambda e: None)
        self._cancelled.clear()
        t0 = time.monotonic()
        res = IndexResult()
        cid = self.collection.id
        with self.store._guard() as c:
            known = {r[0]: r[1:] for r in c.execute(
                "SELECT path, id, size, mtime_ns, sha256, status FROM ask_files WHERE collection_id = ?", (cid,))}
        files, problems, missing = scan(self.collection.paths, set(known))
        res.failed.extend(problems)
        res.files = len(files)
        emit({"type": "scan", "files": len(files)})
        delay = float(os.environ.get(TEST_DELAY_ENV) or 0)
        # What each file needs (cheap: stat, and a hash only when just the time moved), then the documents to
        # read are read READ_AHEAD at a time (PDFs in worker processes that read one document after another:
        # started once for the run, again only after one was ended) and stored one by one, in order. Leaving
        # (done, Cancel, an error) stops the reads, waits for their threads, then ends every worker.
        from engine.documents.pdf import PdfWorkers

        todo = [(path, self._decide(path, known.get(path), res)) for path in files]
        pending: dict[int, Future] = {}
        upcoming = iter([k for k, (_, (what, _)) in enumerate(todo) if what == "read"])
        with PdfWorkers() as self._pdf_workers, \
                ThreadPoolExecutor(max_workers=READ_AHEAD, thread_name_prefix="hearth-index") as pool:
            try:
                for i, (path, (what, detail)) in enumerate(todo, 1):
                    self._check()
                    while len(pending) < READ_AHEAD:
                        k = next(upcoming, None)
                        if k is None:
                            break
                        pending[k] = pool.submit(self._read, todo[k][0])
                    n_passages, reason = 0, None
                    if what == "skipped":
                        status = "skipped"
                    elif what == "failed":
                        status, reason = "failed", detail
                    else:
                        status, reason, n_passages = self._store(cid, path, detail, pending.pop(i - 1).result(), res)
                    if status == "failed":
                        res.failed.append({"file": path, "reason": reason})
                    emit({"type": "file", "done": i, "total": len(files), "file": path, "status": status,
                          "reason": reason, "passages": n_passages})
                    if delay and status == "indexed":
                        time.sleep(delay)
            finally:
                self._cancelled_reads(pending)
        # Files that are gone (unless their whole folder is missing: a drive may come back).
        present = set(files)
        gone = [(p, row[0]) for p, row in known.items()
                if p not in present and not any(_under(p, m) for m in missing)]
        for path, fid in gone:
            self._check()
            with self.store._tx() as c:
                c.execute("DELETE FROM ask_files WHERE id = ?", (fid,))
            res.removed += 1
            emit({"type": "removed", "file": path})
        if self.embedder is not None:
            self._embed(cid, res, emit)
        with self.store._guard() as c:
            res.passages = c.execute("SELECT count(*) FROM ask_passages p JOIN ask_files f ON f.id = p.file_id "
                                     "WHERE f.collection_id = ?", (cid,)).fetchone()[0]
        res.seconds = time.monotonic() - t0
        emit({"type": "done", **res.to_json()})
        return res

    # ---- one file ----------------------------------------------------------------
    def _decide(self, path: str, row, res: IndexResult) -> tuple[str, object]:
        """("skipped", None) for an unchanged file, ("failed", reason), or ("read", its stat)."""
        from engine.documents import file_sha256

        try:
            st = os.stat(path)
        except OSError as e:       # a dangling link, a file without permission: listed like any failure
            reason = f"cannot read {path}: {e.strerror or e}"
            self._save_failed(self.collection.id, path, None, reason)
            return "failed", reason
        if row is not None and row[4] == "indexed":
            fid, size, mtime_ns, sha = row[:4]
            if size == st.st_size and mtime_ns == st.st_mtime_ns:
                res.skipped += 1
                return "skipped", None
            if size == st.st_size:
                try:
                    same = file_sha256(Path(path), Path(path).name) == sha
                except BadInputError:
                    same = False
                if same:    # touched, not changed: remember the new time
                    with self.store._tx() as c:
                        c.execute("UPDATE ask_files SET mtime_ns = ? WHERE id = ?", (st.st_mtime_ns, fid))
                    res.skipped += 1
                    return "skipped", None
        return "read", st

    def _read(self, path: str):
        """The document, or the BadInputError saying why not (a worker thread; CancelledError passes)."""
        from engine.documents import read_document

        try:
            return read_document(path, cancel=self._cancelled.is_set, pdf_workers=self._pdf_workers)
        except BadInputError as e:
            return e

    def _cancelled_reads(self, pending: dict) -> None:
        """Leaving early (Cancel, an error): reads still running are stopped, not waited for to finish."""
        if pending:
            self._cancelled.set()
            for f in pending.values():
                f.cancel()

    def _store(self, cid: int, path: str, st, doc, res: IndexResult) -> tuple[str, str | None, int]:
        if isinstance(doc, BadInputError):
            self._save_failed(cid, path, st, str(doc))
            return "failed", str(doc), 0
        passages = split_pages((p.number, p.text) for p in doc.pages)
        if not passages:
            reason = (f"{Path(path).name} has no text to search (a scanned document without a text layer?)")
            self._save_failed(cid, path, st, reason)
            return "failed", reason, 0
        rows = [(i, p.page, p.char_start, p.char_end, p.text, index_terms(p.text), p.tokens)
                for i, p in enumerate(passages)]
        now = utc_now()
        with self.store._tx() as c:
            c.execute("DELETE FROM ask_files WHERE collection_id = ? AND path = ?", (cid, path))
            fid = c.execute(
                "INSERT INTO ask_files (collection_id, path, size, mtime_ns, sha256, status, error, pages, passages, "
                "indexed_at) VALUES (?, ?, ?, ?, ?, 'indexed', NULL, ?, ?, ?)",
                (cid, path, st.st_size, st.st_mtime_ns, doc.sha256, len(doc.pages), len(rows), now)).lastrowid
            c.executemany("INSERT INTO ask_passages (file_id, position, page, char_start, char_end, text, terms, "
                          "tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [(fid, *r) for r in rows])
        res.indexed += 1
        res.pages += len(doc.pages)
        res.new_passages += len(rows)
        return "indexed", None, len(rows)

    def _save_failed(self, cid: int, path: str, st, reason: str) -> None:
        """Record the file as failed (its passages, if any, dropped); ``st`` None: its size and time as 0."""
        size, mtime_ns = (st.st_size, st.st_mtime_ns) if st is not None else (0, 0)
        with self.store._tx() as c:
            c.execute("DELETE FROM ask_files WHERE collection_id = ? AND path = ?", (cid, path))
            c.execute("INSERT INTO ask_files (collection_id, path, size, mtime_ns, sha256, status, error, indexed_at) "
                      "VALUES (?, ?, ?, ?, '', 'failed', ?, ?)", (cid, path, size, mtime_ns, reason, utc_now()))

    # ---- embeddings --------------------------------------------------------------
    def _embed(self, cid: int, res: IndexResult, emit) -> None:
        import numpy as np

        model = self.embedder.model_id
        res.embed_model = model
        select = ("SELECT p.id, p.text FROM ask_passages p JOIN ask_files f ON f.id = p.file_id "
                  "WHERE f.collection_id = ? AND NOT EXISTS (SELECT 1 FROM ask_vectors v "
                  "WHERE v.passage_id = p.id AND v.model = ?) ORDER BY p.id")
        with self.store._guard() as c:
            todo = c.execute(select, (cid, model)).fetchall()
        total = len(todo)
        for start in range(0, total, EMBED_BATCH):
            self._check()
            batch = todo[start:start + EMBED_BATCH]
            vectors = self.embedder.embed_passages([t for _, t in batch])
            blobs = [(pid, model, int(v.shape[0]), np.asarray(v, dtype=np.float16).tobytes())
                     for (pid, _), v in zip(batch, vectors)]
            with self.store._tx() as c:
                # A passage deleted meanwhile (another run re-indexed its file) is simply left out.
                c.executemany("INSERT OR REPLACE INTO ask_vectors (passage_id, model, dims, vector) "
                              "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM ask_passages WHERE id = ?)",
                              [(*b, b[0]) for b in blobs])
            res.embedded += len(batch)
            emit({"type": "embed", "done": min(start + EMBED_BATCH, total), "total": total})


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
