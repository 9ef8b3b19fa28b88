"""The Ask pane's threads: collections, indexing and searching; the answer is written on the bridge thread.

GUI thread ──indexRequested (queued)────────────────► index thread (IndexWorker: Indexer.run, its own Store
GUI thread ◄──indexProgress ≤30/s / indexFinished ──                  and, when the library has one, its own
                                                                      embedding model for the run)
GUI thread ──listRequested / addRequested / removeRequested / searchRequested / pageRequested──►
             data thread (DataWorker: its own Store; its own embedding model for questions, started when a
             collection with vectors is searched, kept until shutdown)
GUI thread ──bridge.askRequested(job, collection, question, the search)──► bridge thread (the loaded chat
             model writes the answer from the passages found; see gui/bridge.py)

Why three threads: indexing a folder can take minutes and must not hold up listing, adding or searching
another collection; and the chat model's client lives on the bridge thread and is used there only (one
thread per client): so the search is made here, with this thread's embedding model, and the bridge is handed
the finished search to answer from (``Answerer.ask(retrieval=…)``), never the other way round. SQLite
connections are per thread: each worker opens its own ``engine.store.Store``. ``AskThreads`` puts each worker
on its own named QThread and is the one place they stop (the shared owner: gui/worker_threads.py).

Connect the result signals only to bound methods of QObjects on the GUI thread (never lambdas: PySide would
run them on the emitting thread). ``IndexWorker.cancel(job)`` is a direct call from the GUI thread: it sets
the running Indexer's flag (files finished so far are kept) and applies to every job asked for before it.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from engine.config import AppConfig
from engine.errors import CancelledError, HearthError
from gui.qt import QObject, Signal, Slot
from gui.worker_threads import Threaded, WorkerThreads, close_quietly

log = logging.getLogger("gui.ask")

PROGRESS_INTERVAL_S = 1 / 30     # indexing progress reaches the pane at most this often


def _sentence(e: BaseException, what: str) -> str:
    if isinstance(e, HearthError):
        return str(e)
    log.error("%s failed", what, exc_info=e)
    return f"{what} failed: {type(e).__name__}: {e}"


def _embedding_entry(config: AppConfig):
    """The library's embedding model (multilingual first), or None; never raises."""
    try:
        from engine.ask.embed import find_embedding_model
        from engine.library import ModelLibrary

        return find_embedding_model(ModelLibrary(config))
    except Exception:
        log.warning("the embedding models could not be listed", exc_info=True)
        return None


def _start_embedder(config: AppConfig, entry, on_notice=None):
    from engine.ask.embed import Embedder

    return Embedder.start(entry.path, config=config, on_notice=on_notice)


class IndexWorker(QObject):
    """Indexes collections one at a time, on the index thread."""

    indexRequested = Signal(int, str)        # job id, collection

    indexStarted = Signal(int, str)          # job id, collection
    indexProgress = Signal(int, dict)        # job id, an Indexer event ("scan", "file", "embed", "embedder") + name
    indexFinished = Signal(int, dict)        # job id, IndexResult.to_json() + name
    indexFailed = Signal(int, str, str)      # job id, collection, a sentence
    indexCancelled = Signal(int, str)        # job id, collection
    engineNotice = Signal(str)               # something the model process did by itself (the CPU fallback)

    def __init__(self, config: AppConfig):
        super().__init__()
        self.config = config
        self._lock = threading.Lock()
        self._cancel_upto = 0
        self._active: tuple[int, object] | None = None
        self._store = None
        self.thread_ident: int | None = None     # for tests: where indexing ran
        self.indexRequested.connect(self._index)

    # ---- GUI thread ------------------------------------------------------------------------
    def cancel(self, job_id: int) -> None:
        """Stop job ``job_id`` and every one asked for before it; returns at once."""
        with self._lock:
            self._cancel_upto = max(self._cancel_upto, int(job_id))
            active = self._active
        if active is not None and active[0] <= job_id:
            active[1].cancel()

    # ---- index thread -----------------------------------------------------------------------
    def _db(self):
        if self._store is None:
            from engine.store import Store

            self._store = Store.open_default(self.config)
        return self._store

    @Slot(int, str)
    def _index(self, job: int, name: str) -> None:
        from engine.ask.index import Indexer

        self.thread_ident = threading.get_ident()
        if self._cancel_upto >= job:
            self.indexCancelled.emit(job, name)
            return
        embedder = None
        last = 0.0

        def on_event(e: dict) -> None:
            nonlocal last
            kind = e.get("type")
            if kind == "done":
                return                   # indexFinished carries the result
            now = time.monotonic()
            final = kind in ("scan", "removed") or e.get("done") == e.get("total")
            if final or now - last >= PROGRESS_INTERVAL_S:
                last = now
                self.indexProgress.emit(job, {**e, "name": name})

        try:
            indexer = Indexer(self._db(), name)
            with self._lock:
                self._active = (job, indexer)
                if self._cancel_upto >= job:
                    indexer.cancel()
            self.indexStarted.emit(job, name)
            entry = _embedding_entry(self.config)
            if entry is not None and self._cancel_upto < job:
                self.indexProgress.emit(job, {"type": "embedder", "model": entry.name, "name": name})
                try:
                    embedder = _start_embedder(self.config, entry, on_notice=self.engineNotice.emit)
                except Exception as e:    # full text still works: index without vectors, and say why
                    self.indexProgress.emit(job, {"type": "embedder_failed", "model": entry.name, "name": name,
                                                  "reason": _sentence(e, "Starting the embedding model")})
                indexer.embedder = embedder
            result = indexer.run(on_event=on_event)
        except CancelledError:
            self.indexCancelled.emit(job, name)
        except Exception as e:
            self.indexFailed.emit(job, name, _sentence(e, "Indexing"))
        else:
            self.indexFinished.emit(job, {**result.to_json(), "name": name})
        finally:
            with self._lock:
                self._active = None
            if embedder is not None:
                try:
                    embedder.close()
                except Exception:
                    log.warning("the embedding model did not close cleanly", exc_info=True)

    def close(self) -> None:
        """After the index thread has stopped: close its database connection."""
        store, self._store = self._store, None
        close_quietly(store)


class DataWorker(QObject):
    """Collections (list, add, remove), searches and pages: quick jobs, on the data thread."""

    listRequested = Signal()
    addRequested = Signal(int, str, list)         # token, collection, paths
    removeRequested = Signal(int, str)            # token, collection
    searchRequested = Signal(int, str, str, int)  # job id, collection, question, top_k
    pageRequested = Signal(int, str, str, int)    # token, collection, file path, page

    collectionsChanged = Signal(list)             # Collections.list() rows + "failures" [{path, error}]
    added = Signal(int, str)                      # token, collection
    removed = Signal(int, str)                    # token, collection
    searched = Signal(int, dict)                  # job id, {name, question, language, retrieval (engine object),
                                                  #   relevant, mode, hits [Hit.to_json()]}
    pageReady = Signal(int, dict)                 # token, {name, path, page, passages [{char_start, char_end, text}]}
    failed = Signal(int, str, str)                # token or job id, what ("list", "add", ...), a sentence
    engineNotice = Signal(str)                    # something the model process did by itself (the CPU fallback)

    def __init__(self, config: AppConfig):
        super().__init__()
        self.config = config
        self._store = None
        self._embedder = None
        self._embedder_failed = False
        self.thread_ident: int | None = None
        self.listRequested.connect(self._list)
        self.addRequested.connect(self._add)
        self.removeRequested.connect(self._remove)
        self.searchRequested.connect(self._search)
        self.pageRequested.connect(self._page)

    def _db(self):
        if self._store is None:
            from engine.store import Store

            self._store = Store.open_default(self.config)
        return self._store

    def _collections(self):
        from engine.ask.collections import Collections

        return Collections(self._db())

    @Slot()
    def _list(self) -> None:
        self.thread_ident = threading.get_ident()
        try:
            cols = self._collections()
            rows = cols.list()
            for r in rows:
                r["failures"] = ([{"path": f["path"], "error": f["error"]} for f in cols.files(r["name"])
                                  if f["status"] == "failed"] if r["failed"] else [])
        except Exception as e:
            self.failed.emit(0, "list", _sentence(e, "Listing the collections"))
            return
        self.collectionsChanged.emit(rows)

    @Slot(int, str, list)
    def _add(self, token: int, name: str, paths: list) -> None:
        self.thread_ident = threading.get_ident()
        try:
            col = self._collections().add(name, paths)
        except Exception as e:
            self.failed.emit(token, "add", _sentence(e, "Adding to the collection"))
            return
        self.added.emit(token, col.name)
        self._list()

    @Slot(int, str)
    def _remove(self, token: int, name: str) -> None:
        self.thread_ident = threading.get_ident()
        try:
            self._collections().remove(name)
        except Exception as e:
            self.failed.emit(token, "remove", _sentence(e, "Removing the collection"))
            return
        self.removed.emit(token, name)
        self._list()

    def _embedder_for(self, name: str):
        """This thread's embedding model when the collection has vectors from it (started once), else None."""
        if self._embedder is not None or self._embedder_failed:
            return self._embedder
        collections = self._collections()
        if not collections.exists(name):
            return None
        collection = collections.get(name)
        if not collections.has_vectors(collection):
            return None                # full text only: no vectors to compare a question with
        entry = _embedding_entry(self.config)
        if entry is None:
            return None
        from engine.ask.embed import model_id

        if not collections.has_vectors(collection, model_id(entry.path)):
            return None                # vectors from another model: index again to compute this one's
        try:
            self._embedder = _start_embedder(self.config, entry, on_notice=self.engineNotice.emit)
        except Exception:
            self._embedder_failed = True
            log.warning("the embedding model could not be started; searching full text only", exc_info=True)
        return self._embedder

    @Slot(int, str, str, int)
    def _search(self, job: int, name: str, question: str, top_k: int) -> None:
        from engine.ask.answer import language_of
        from engine.ask.retrieve import Retriever

        self.thread_ident = threading.get_ident()
        try:
            found = Retriever(self._db(), name, self._embedder_for(name)).search(question, top_k=max(1, top_k))
        except Exception as e:
            self.failed.emit(job, "search", _sentence(e, "Searching the collection"))
            return
        self.searched.emit(job, {"name": name, "question": question, "language": language_of(question),
                                 "retrieval": found, "relevant": found.relevant, "mode": found.mode,
                                 "hits": [h.to_json() for h in found.hits]})

    @Slot(int, str, str, int)
    def _page(self, token: int, name: str, path: str, page: int) -> None:
        self.thread_ident = threading.get_ident()
        try:
            passages = self._collections().page_passages(name, path, page)
        except Exception as e:
            self.failed.emit(token, "page", _sentence(e, "Reading the page"))
            return
        self.pageReady.emit(token, {"name": name, "path": path, "page": page, "passages": passages})

    def close(self) -> None:
        """After the data thread has stopped: its embedding model and database connection."""
        embedder, self._embedder = self._embedder, None
        store, self._store = self._store, None
        close_quietly(embedder, store)


class AskThreads(WorkerThreads):
    """The Ask pane's two workers on their threads; gui/worker_threads.py starts and stops them."""

    def __init__(self, config: AppConfig):
        self.index = IndexWorker(config)
        self.data = DataWorker(config)
        super().__init__(
            log,
            Threaded(self.index, "hearth-ask-index", cancel=functools.partial(self.index.cancel, 1 << 62),
                     late="the indexing thread did not stop in time"),
            Threaded(self.data, "hearth-ask-data", late="the ask data thread did not stop in time"))
        self.index_thread = self.thread_of(self.index)
        self.data_thread = self.thread_of(self.data)

    def shutdown(self, timeout_ms: int = 15000) -> None:
        """Stop indexing (finished files are kept), let both threads finish, close what they opened."""
        self.stop(timeout_ms)
