"""EngineBridge: the one QObject that talks to the engine, on its own thread.

GUI thread ──…Requested signals (queued)──► bridge thread ──pipe──► host process
GUI thread ◄──batched result signals──────── bridge thread ◄─────── tokens, stats

The bridge thread may block (loading, generating); the GUI thread never does.

Connect the bridge's result signals only to methods of QObjects that live on
the GUI thread: PySide runs a lambda or plain function connected to them *in
the bridge thread*, where touching a widget crashes.
``cancel(request_id)`` is the exception to the queue: the GUI thread calls it
directly and it only sets a value in shared memory, so Stop works while the
bridge is busy. The GUI takes the id with ``new_request_id()`` when it asks
for a reply, so a Stop pressed before the bridge thread even starts the
request still applies to it, and never to the next one.
The bridge thread is the single shutdown point (``EngineThread.shutdown``).

Summaries (the summarise pane) run on the bridge thread too, with the model
already loaded: reading the document, planning and the whole map-reduce run
are one request each. ``cancel_summary()`` is, like ``cancel``, a direct call
from the GUI thread: it applies to the summary running and to any asked for
before it (each ``summarizeRequested`` emission is counted as it is emitted).

Answers from documents (the Ask pane) are written here too, by the model already loaded: the
pane searches the collection on its own thread (gui/panes/ask/worker.py, with its own database
connection and embedding model) and hands the search to ``askRequested``, so the chat model's
client is only ever used from this thread. ``cancel_ask(job)`` is a direct call like ``cancel``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from engine.config import AppConfig
from engine.errors import BadInputError, CancelledError, HearthError, HostCrashedError
from engine.host.client import EngineClient
from engine.host.protocol import LoadOptions, SamplingOptions
from engine.library import ModelLibrary
from gui.qt import QObject, QThread, Qt, Signal, Slot

# Views get at most this many token batches per second.
EMIT_INTERVAL_S = 1 / 30
# Page-reading progress of a long document: at most this often.
READ_PROGRESS_INTERVAL_S = 0.1

NO_MODEL_MESSAGE = "Load a model first: pick one above and press Load."

log = logging.getLogger("gui.bridge")


class _TextBatches:
    """Streamed text joined into at most one signal per EMIT_INTERVAL_S (the views get ~30 a second however
    fast tokens come); ``flush()`` sends what is left (before a step's event, at the end, after a failure)."""

    def __init__(self, emit):
        self._emit = emit
        self._pending: list[str] = []
        self._last = 0.0

    def add(self, chunk: str) -> None:
        self._pending.append(chunk)
        now = time.monotonic()
        if now - self._last >= EMIT_INTERVAL_S:
            self.flush()
            self._last = now

    def flush(self) -> None:
        if self._pending:
            self._emit("".join(self._pending))
            self._pending.clear()


class EngineBridge(QObject):
    # ---- requests (connect with queued connections; run on the bridge thread)
    loadRequested = Signal(str, dict)          # model path, LoadOptions dict
    unloadRequested = Signal()
    chatRequested = Signal(list, dict, int)    # messages, SamplingOptions dict, request id (new_request_id())
    refreshLibraryRequested = Signal()
    summaryPlanRequested = Signal(str, dict)       # document path, SummaryOptions dict
    summarizeRequested = Signal(str, dict, bool)   # document path, SummaryOptions dict, fresh (no resume)
    askRequested = Signal(int, str, str, object, dict)  # job id, collection, question, engine Retrieval, {top_k}

    # ---- what happened
    libraryChanged = Signal(list)              # [ModelEntry]
    remoteModelsChanged = Signal(list)         # [{"ref": "NAME:MODEL_ID", "endpoint", "model", "host"}]
    loadStarted = Signal(str)                  # model path
    loadProgress = Signal(float)               # 0..1 while llama.cpp loads the weights
    loaded = Signal(dict)                      # host info
    loadFailed = Signal(str)                   # user-facing sentence
    unloaded = Signal()
    generationStarted = Signal()
    tokensArrived = Signal(str)                # a batch of text (≤ ~30 per second)
    generationFinished = Signal(dict)          # GenerationStats dict
    generationFailed = Signal(str)             # user-facing sentence
    hostCrashed = Signal(str)                  # the model process died (also sent with generationFailed)
    engineNotice = Signal(str)                 # a sentence the user should read once (the CPU fallback)
    summaryPlanned = Signal(dict)              # document (path, name, pages, characters) + the plan, or
                                               # plan None without a model, or "error": a sentence
    summaryEvent = Signal(dict)                # "reading" / "plan" / "step" / "part" events of a summary
    summaryTextArrived = Signal(str)           # text of the step being written (≤ ~30 batches per second)
    summaryFinished = Signal(dict)             # SummaryResult.to_json() + parts, path, name, options
    summaryFailed = Signal(str)                # user-facing sentence (bad document, no model, engine failure)
    summaryCancelled = Signal(str)             # "Stopped: N parts kept; start again to resume."
    askStarted = Signal(int)                   # job id: the model is writing the answer
    askTextArrived = Signal(int, str)          # job id, text of the answer (≤ ~30 batches per second)
    askFinished = Signal(int, dict)            # job id, AskResult.to_json() + model
    askFailed = Signal(int, str)               # job id, user-facing sentence
    askCancelled = Signal(int)                 # job id

    def __init__(self, config: AppConfig | None = None):
        super().__init__()
        self.config = config or AppConfig.load()
        self.library = ModelLibrary(self.config)
        self.client = self._local_client()
        self.busy = False
        self.engine_thread_ident: int | None = None  # for tests: where engine calls ran
        self.loadRequested.connect(self._load)
        self.unloadRequested.connect(self._unload)
        self.chatRequested.connect(self._chat)
        self.refreshLibraryRequested.connect(self._refresh_library)
        # Summaries: requests are counted on the emitting (GUI) thread, before the queued
        # slot can run, so a Cancel pressed before the bridge thread starts one still applies.
        self._summary_lock = threading.Lock()
        self._summary_asked = 0
        self._summary_started = 0
        self._summary_cancel_upto = 0
        self._summarizer = None          # the running Summarizer (bridge thread sets, GUI thread cancels)
        self._summary_active = False     # a summary is being read, planned or written (bridge thread sets)
        self._summary_store = None       # the bridge thread's own engine.store.Store
        self._summary_doc = None         # (path, mtime_ns, size), Document: planning then running reads once
        self._summary_plan = None        # key, SummaryPlan
        self.summaryPlanRequested.connect(self._plan_summary)
        self.summarizeRequested.connect(self._count_summary_request, Qt.ConnectionType.DirectConnection)
        self.summarizeRequested.connect(self._summarize)
        # Answers: job ids come from the pane; a Cancel applies to its job and every one before it.
        self._ask_cancel_upto = 0
        self._asking: tuple[int, object] | None = None     # (job id, the running Answerer)
        self.askRequested.connect(self._ask)

    # Called directly from the GUI thread.
    def new_request_id(self) -> int:
        return self.client.new_request_id()

    def cancel(self, request_id: int | None = None) -> None:
        """Stop request ``request_id`` (and older ones); without an id, everything asked so far."""
        self.client.cancel(request_id)

    @property
    def summary_running(self) -> bool:
        """A summary holds the model (the chat's next reply waits for it). Read from any thread."""
        return self._summary_active

    def cancel_summary(self) -> None:
        """Stop the summary being written (its finished parts are kept), and any asked for
        before now that has not started yet. GUI thread; returns at once."""
        with self._summary_lock:
            self._summary_cancel_upto = self._summary_asked
            summarizer = self._summarizer
        if summarizer is not None:
            summarizer.cancel()   # thread-safe: sets a flag and the host's cancel value

    def cancel_ask(self, job_id: int) -> None:
        """Stop answer ``job_id`` (and any asked for before it), written or still waiting. GUI thread; at once."""
        with self._summary_lock:
            self._ask_cancel_upto = max(self._ask_cancel_upto, int(job_id))
            asking = self._asking
        if asking is not None and asking[0] <= job_id:
            asking[1].cancel()    # thread-safe: a flag and the host's cancel value

    @Slot(str, dict, bool)
    def _count_summary_request(self, path: str, options: dict, fresh: bool) -> None:
        # Direct connection: runs on the emitting thread, at emit time.
        with self._summary_lock:
            self._summary_asked += 1

    # ---- slots (bridge thread) --------------------------------------------------
    @Slot()
    def _refresh_library(self) -> None:
        self.engine_thread_ident = threading.get_ident()
        try:
            models = self.library.list_models()
        except HearthError as e:
            models = []
            self.loadFailed.emit(f"The model library could not be listed: {e}")
        except Exception as e:  # never let a surprise kill the thread or hide the library
            log.error("listing the model library failed", exc_info=True)
            models = []
            self.loadFailed.emit(f"The model library could not be listed: {e}")
        if not any(m.ok for m in models):
            # First run: nothing installed, so offer the starter model (assembled once).
            try:
                if self.library.ensure_starter():
                    models = self.library.list_models()
            except HearthError as e:
                self.loadFailed.emit(f"The starter model could not be prepared: {e}")
            except Exception as e:  # the starter model is a convenience; report, carry on
                log.error("preparing the starter model failed", exc_info=True)
                self.loadFailed.emit(f"The starter model could not be prepared: {e}")
        self.libraryChanged.emit(models)
        try:   # remote models as each endpoint listed them last: no server is contacted here
            from engine.remote.resolve import picker_entries

            self.remoteModelsChanged.emit(picker_entries(self.config))
        except Exception:
            log.warning("the remote endpoints could not be listed", exc_info=True)

    def _local_client(self) -> EngineClient:
        """A model-process client; what it must tell the user (the CPU fallback) reaches the window."""
        return EngineClient(log_dir=self.config.paths.log_dir, lower_priority=True,
                            cache_dir=self.config.paths.cache_dir, on_notice=self.engineNotice.emit)

    def _client_for(self, path: str):
        """The engine client for ``path``: a RemoteClient for ``NAME:MODEL_ID`` of a known endpoint, else
        the host process client. Switching ends the other one (its process, or its connection)."""
        from engine.remote.resolve import resolve_remote

        remote = resolve_remote(self.config, path)
        if remote is not None:
            old, self.client = self.client, remote.client()
        elif getattr(self.client, "is_remote", False):
            old, self.client = self.client, self._local_client()
        else:
            return self.client
        old.unload()
        return self.client

    @Slot(str, dict)
    def _load(self, path: str, opts: dict) -> None:
        self.engine_thread_ident = threading.get_ident()
        self.busy = True
        self.loadStarted.emit(path)
        try:
            client = self._client_for(path)
            info = client.load(path, LoadOptions.from_dict(opts), on_progress=self.loadProgress.emit)
            if getattr(client, "is_remote", False):
                from engine.remote.endpoints import remember_models

                remember_models(self.config, client.endpoint.name, client.listed_models)
        except HearthError as e:
            self.loadFailed.emit(str(e))
        except Exception as e:  # never let an engine surprise kill the thread
            log.error("loading %s failed", path, exc_info=True)
            self.loadFailed.emit(f"The model could not be loaded: {e}")
        else:
            self.config.settings.set("last_model", path)
            self.loaded.emit(info)
        finally:
            self.busy = False

    @Slot()
    def _unload(self) -> None:
        self.client.unload()
        self.unloaded.emit()

    @Slot(list, dict, int)
    def _chat(self, messages: list, sampling: dict, request_id: int = 0) -> None:
        self.engine_thread_ident = threading.get_ident()
        self.busy = True
        text = _TextBatches(self.tokensArrived.emit)
        self.generationStarted.emit()
        try:
            stats = self.client.chat(messages, SamplingOptions.from_dict(sampling), on_text=text.add,
                                     request_id=request_id or None)
        except HostCrashedError as e:
            text.flush()
            self.hostCrashed.emit(str(e))
            self.generationFailed.emit(str(e))
        except HearthError as e:
            text.flush()
            self.generationFailed.emit(str(e))
        except Exception as e:
            # The traceback (code and exception) for whoever reads the log; never the messages' text.
            log.error("the reply failed", exc_info=True)
            self.generationFailed.emit(f"Generation failed: {e}")
        else:
            text.flush()
            self.generationFinished.emit(stats.to_dict())
        finally:
            self.busy = False

    # ---- summaries (bridge thread) ---------------------------------------------------
    def _summary_document(self, path: str, cancel=None):
        """The document at ``path``, read once per version of the file (path, mtime, size)."""
        from engine.documents import read_document

        p = Path(path)
        try:
            st = p.stat()
            key = (str(p), st.st_mtime_ns, st.st_size)
        except OSError:
            key = None   # read_document names the problem
        if key is not None and self._summary_doc is not None and self._summary_doc[0] == key:
            return self._summary_doc[1]
        last = 0.0

        def on_page(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= READ_PROGRESS_INTERVAL_S or done == total:
                last = now
                self.summaryEvent.emit({"type": "reading", "path": path, "done": done, "total": total})

        self._summary_doc = self._summary_plan = None   # the old document's memory goes first
        doc = read_document(p, cancel=cancel, on_page=on_page)
        if key is not None:
            self._summary_doc = (key, doc)
        return doc

    def _summary_plan_for(self, doc, options):
        """The plan for ``doc`` with the loaded model, made once per document, options and model."""
        from engine.summarize import Summarizer

        info = self.client.model_info or {}
        key = (id(doc), doc.sha256, tuple(sorted(options.to_dict().items())), self.client.model_path,
               info.get("n_ctx"))
        if self._summary_plan is not None and self._summary_plan[0] == key:
            return self._summary_plan[1]
        plan = Summarizer(self.client).plan(doc, options)
        self._summary_plan = (key, plan)
        return plan

    def _summary_model_id(self) -> str:
        """As the CLI names it: path and size, so a run resumes only with the same model file."""
        path = self.client.model_path or ""
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        return f"{path}|{size}"

    def _summary_db(self):
        if self._summary_store is None:
            from engine.store import Store

            self._summary_store = Store.open_default(self.config)
        return self._summary_store

    def _model_ready(self) -> bool:
        return bool(self.client.model_path and self.client.model_info)

    @Slot(str, dict)
    def _plan_summary(self, path: str, options: dict) -> None:
        from engine.summarize.prompts import SummaryOptions

        self.engine_thread_ident = threading.get_ident()
        self.busy = True
        try:
            opts = SummaryOptions(**options)
            doc = self._summary_document(path)
        except HearthError as e:
            self.summaryFailed.emit(str(e))
            return
        except Exception as e:  # never let a surprise kill the thread
            log.error("reading %s failed", path, exc_info=True)
            self.summaryFailed.emit(f"{Path(path).name} could not be read: {type(e).__name__}: {e}")
            return
        finally:
            self.busy = False
        out = {"path": path, "name": doc.path.name, "format": doc.format, "pages": len(doc.pages),
               "characters": doc.characters, "warnings": list(doc.warnings or []), "options": opts.to_dict(),
               "model": None, "document_tokens": None, "plan": None, "chunks": None, "one_pass": None,
               "steps": None, "error": None}
        if self._model_ready():
            self.busy = True
            try:
                plan = self._summary_plan_for(doc, opts)
            except HearthError as e:
                out["error"] = str(e)
            except Exception as e:
                log.error("planning the summary of %s failed", path, exc_info=True)
                out["error"] = f"The summary could not be planned: {type(e).__name__}: {e}"
            else:
                out.update(plan.to_dict())
                out["steps"] = plan.steps_estimate
                out["model"] = self.client.model_path
            finally:
                self.busy = False
        self.summaryPlanned.emit(out)

    @Slot(str, dict, bool)
    def _summarize(self, path: str, options: dict, fresh: bool = False) -> None:
        from engine.summarize import Summarizer
        from engine.summarize.prompts import SummaryOptions

        self.engine_thread_ident = threading.get_ident()
        with self._summary_lock:
            self._summary_started += 1
            me = self._summary_started

        def stopped() -> bool:
            return self._summary_cancel_upto >= me

        self.busy = True
        self._summary_active = True
        text = _TextBatches(self.summaryTextArrived.emit)
        flush = text.flush
        parts_seen = 0
        summarizer = None
        doc = opts = plan = None
        model_id = ""

        def on_text(chunk: str) -> None:
            if stopped():
                summarizer.cancel()   # a Cancel that came between two engine checks
            text.add(chunk)

        def on_event(e: dict) -> None:
            nonlocal parts_seen
            if stopped():
                summarizer.cancel()
            if e.get("type") == "done":
                return   # summaryFinished carries the result
            flush()      # the text of a step arrives before the step's part
            if e.get("type") == "part":
                parts_seen += 1
            self.summaryEvent.emit(dict(e))

        try:
            if stopped():
                raise CancelledError("the summary was stopped before it started")
            opts = SummaryOptions(**options)
            doc = self._summary_document(path, cancel=stopped)   # a bad document fails before the model
            if not self._model_ready():
                raise BadInputError(NO_MODEL_MESSAGE)
            plan = self._summary_plan_for(doc, opts)
            model_id = self._summary_model_id()
            summarizer = Summarizer(self.client, self._summary_db(), model_id=model_id)
            with self._summary_lock:
                self._summarizer = summarizer
            result = summarizer.run(doc, opts, plan=plan, on_event=on_event, on_text=on_text, fresh=fresh)
        except CancelledError:
            flush()
            kept = self._summary_parts_kept(doc, opts, plan, model_id, parts_seen)
            if kept:
                self.summaryCancelled.emit(f"Stopped: {kept} part{'s' if kept != 1 else ''} kept; "
                                           f"start again to resume.")
            else:
                self.summaryCancelled.emit("Stopped before the first part was finished; start again to begin.")
        except HostCrashedError as e:
            flush()
            self.summaryFailed.emit(f"{e} The parts already summarised are kept; start again to resume.")
        except HearthError as e:
            flush()
            self.summaryFailed.emit(str(e))
        except Exception as e:  # never let an engine surprise kill the thread
            flush()
            log.error("summarising %s failed", path, exc_info=True)
            self.summaryFailed.emit(f"The summary failed: {type(e).__name__}: {e}")
        else:
            flush()
            out = result.to_json()
            out.update(parts=list(result.parts), path=path, name=doc.path.name, options=opts.to_dict(),
                       model=self.client.model_path)
            self.summaryFinished.emit(out)
        finally:
            with self._summary_lock:
                self._summarizer = None
            self._summary_active = False
            self.busy = False

    # ---- answers from documents (bridge thread) ------------------------------------------
    @Slot(int, str, str, object, dict)
    def _ask(self, job: int, collection: str, question: str, retrieval, options: dict) -> None:
        from engine.ask.answer import DEFAULT_TOP_K, Answerer

        self.engine_thread_ident = threading.get_ident()

        def stopped() -> bool:
            return self._ask_cancel_upto >= job

        self.busy = True
        text = _TextBatches(lambda t: self.askTextArrived.emit(job, t))
        flush = text.flush
        answerer = None

        def on_event(e: dict) -> None:
            if stopped():
                answerer.cancel()     # a Cancel that came before the request was made

        def on_text(chunk: str) -> None:
            if stopped():
                answerer.cancel()
            text.add(chunk)

        try:
            if stopped():
                raise CancelledError("the answer was stopped")
            if not self._model_ready():
                raise BadInputError(NO_MODEL_MESSAGE)
            answerer = Answerer(self.client, self._summary_db(), collection)
            with self._summary_lock:
                self._asking = (job, answerer)
            self.askStarted.emit(job)
            result = answerer.ask(question, top_k=int(options.get("top_k") or DEFAULT_TOP_K), on_event=on_event,
                                  on_text=on_text, retrieval=retrieval)
        except CancelledError:
            flush()
            self.askCancelled.emit(job)
        except HearthError as e:
            flush()
            self.askFailed.emit(job, str(e))
        except Exception as e:  # never let an engine surprise kill the thread
            flush()
            log.error("the answer failed", exc_info=True)
            self.askFailed.emit(job, f"The answer failed: {type(e).__name__}: {e}")
        else:
            flush()
            out = result.to_json()
            out["model"] = self.client.model_path
            self.askFinished.emit(job, out)
        finally:
            with self._summary_lock:
                self._asking = None
            self.busy = False

    def _summary_parts_kept(self, doc, opts, plan, model_id: str, seen: int) -> int:
        """How many finished parts the stopped run left in the database for the next run."""
        if doc is None or plan is None or self._summary_store is None:
            return seen
        try:
            from engine.summarize.storage import SummaryStore, job_key

            ss = SummaryStore(self._summary_store)
            sid = ss.find_resumable(job_key(doc.sha256, model_id, opts.to_dict(), plan.n_ctx))
            return len(ss.parts(sid)) if sid is not None else 0
        except Exception:
            log.warning("counting the summary parts kept failed", exc_info=True)
            return seen

    def close_summary_store(self) -> None:
        """After the bridge thread has stopped: close its database connection."""
        store, self._summary_store = self._summary_store, None
        if store is not None:
            try:
                store.close()
            except Exception:
                log.warning("closing the summary database failed", exc_info=True)

    def shutdown(self) -> None:
        """On the bridge thread: end the host process."""
        self.client.unload()


class EngineThread:
    """Owns the bridge's QThread; the one place the engine is started and stopped."""

    def __init__(self, config: AppConfig | None = None):
        self.thread = QThread()
        self.thread.setObjectName("hearth-engine-bridge")
        self.bridge = EngineBridge(config)
        self.bridge.moveToThread(self.thread)
        self.thread.start()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop any generation, let the bridge thread finish, end the host process."""
        self.bridge.cancel_summary()  # a summary stops too (its parts are kept)
        self.bridge.cancel_ask(1 << 62)   # and an answer being written, or waiting
        self.bridge.cancel()  # a running reply stops within one token
        self.thread.quit()    # takes effect when the current slot returns
        if not self.thread.wait(timeout_ms):
            self.bridge.client.kill_host()
            self.thread.wait(3000)
        self.bridge.client.unload()  # the thread has stopped: safe from here
        self.bridge.close_summary_store()
