"""The Compare pane's threads: comparison and evaluation runs, plans, leaderboards.

GUI thread ──runRequested / evalRequested (queued)──► run thread (RunWorker) ──► one host per model
GUI thread ◄──runEvent / runFinished ... ────────────  runner threads (events ≤30/s of text per column)
GUI thread ──planRequested / leaderboardRequested / questionSetRequested / headersRequested──► data thread (DataWorker)

Two QThreads, one QObject each: a run blocks the run thread for its whole length, so
the quick jobs (planning from memory and cores, which asks llama.cpp about the GPU;
loading a question set; the Bradley–Terry fit with 1,000 bootstrap resamples; reading
the header of a model file picked outside the library) have a thread of their own and
answer while models are still generating. ``CompareThreads`` is the one place the
two threads start and stop (the shared owner: gui/worker_threads.py).

The engine calls ``on_event`` from its own Python threads; the worker turns each
event into a signal there. Connect the result signals only to bound methods of
QObjects that live on the GUI thread (never lambdas: PySide would run them on the
emitting thread). ``cancel(job_id)`` is a direct call from the GUI thread: it only
sets flags, so Cancel works while the run thread is busy, and it applies to the
job it names (and any asked for before it), never to a later one — every job gets
a fresh ``CompareRunner``/``Evaluator``, so a late Cancel cannot leave a flag set.

Nothing here logs a model name or any text: a blind comparison's names must not
reach the log before the vote.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time

from engine.config import AppConfig
from engine.errors import BadInputError, HearthError
from gui.qt import QObject, Signal, Slot
from gui.worker_threads import Threaded, WorkerThreads, close_quietly

log = logging.getLogger("gui.compare")

LEADERBOARD_RESAMPLES = 1000
DATA_BUSY_TIMEOUT_MS = 2000     # the data thread's reads wait this long for another writer's lock
DATA_READ_TRIES = 5


def _specs(dicts: list[dict], config: AppConfig | None = None):
    """ModelSpecs; ``NAME:MODEL_ID`` of a known endpoint becomes a remote one (BadInputError when the
    policy forbids it), run through a RemoteClient by the runner."""
    from engine.compare.plan import ModelSpec
    from engine.remote.resolve import resolve_remote

    out = []
    for d in dicts:
        remote = resolve_remote(config, str(d["path"])) if config is not None else None
        if remote is not None:
            out.append(ModelSpec(path=remote.path, n_ctx=int(d.get("n_ctx") or 0), name=d.get("name") or remote.name,
                                 remote=remote))
            continue
        out.append(ModelSpec(path=d["path"], n_ctx=int(d.get("n_ctx") or 0), gpu_layers=d.get("gpu_layers", "auto"),
                             name=d.get("name")))
    return out


def _sentence(e: BaseException, what: str) -> str:
    if isinstance(e, HearthError):
        return str(e)
    log.error("%s failed", what, exc_info=e)
    return f"{what} failed: {type(e).__name__}: {e}"


def _locked(e: BaseException) -> bool:
    text = str(e).lower()
    return "database is locked" in text or "database is busy" in text


class RunWorker(QObject):
    """Side-by-side runs and question-set evaluations, one at a time, on the run thread."""

    # ---- requests (queued: run on the run thread)
    runRequested = Signal(int, dict)    # job id, {prompt, system, specs, sampling, force, tags, blind, labels}
    evalRequested = Signal(int, dict)   # job id, {set, specs, force, max_tokens, seed, system}

    # ---- what happened (emitted from the run thread or the engine's threads)
    runEvent = Signal(int, dict)        # job id, a runner event (plan/loading/loaded/text/finished/failed)
    runFinished = Signal(int, dict)     # job id, {results, cancelled, total_s, comparison_id, storage_error, seed}
    runFailed = Signal(int, str)        # job id, a sentence (nothing ran: bad input, no plan)
    evalEvent = Signal(int, dict)       # job id, "set" (the questions), then the evaluator's events
    evalFinished = Signal(int, dict)    # job id, EvalResult.to_json()
    evalFailed = Signal(int, str)       # job id, a sentence

    def __init__(self, config: AppConfig):
        super().__init__()
        self.config = config
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._cancel_upto = 0
        self._active: tuple[int, object] | None = None
        self._store = None
        self.thread_ident: int | None = None    # for tests: where the runs ran
        self.runRequested.connect(self._run)
        self.evalRequested.connect(self._eval)

    # ---- GUI thread -------------------------------------------------------------------------
    def new_job_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def cancel(self, job_id: int) -> None:
        """Stop job ``job_id`` (and any asked for before it); returns at once."""
        with self._lock:
            self._cancel_upto = max(self._cancel_upto, job_id)
            active = self._active
        if active is not None and active[0] <= job_id:
            active[1].cancel()   # thread-safe: flags and the hosts' cancel values

    def cancel_all(self) -> None:
        with self._lock:
            self._cancel_upto = 1 << 62
            active = self._active
        if active is not None:
            active[1].cancel()

    # ---- run thread ---------------------------------------------------------------------------
    def _db(self):
        if self._store is None:
            from engine.store import Store

            try:
                self._store = Store.open_default(self.config)
            except HearthError as e:
                log.warning("comparisons will not be stored: %s", e)
                return None
        return self._store

    def _begin(self, job_id: int, job) -> None:
        with self._lock:
            self._active = (job_id, job)
            if self._cancel_upto >= job_id:
                job.cancel()     # Cancel pressed before the thread got to it: every model stops at once

    def _end(self) -> None:
        with self._lock:
            self._active = None

    @Slot(int, dict)
    def _run(self, job_id: int, req: dict) -> None:
        from engine.compare.plan import plan_run
        from engine.compare.runner import CompareRunner
        from engine.host.protocol import SamplingOptions

        self.thread_ident = threading.get_ident()
        try:
            specs = _specs(req["specs"], self.config)
            sampling = SamplingOptions.from_dict(req.get("sampling") or {})
            plan = plan_run(specs, force=req.get("force") or None)
        except Exception as e:
            self.runFailed.emit(job_id, _sentence(e, "Planning the comparison"))
            return
        runner = CompareRunner(self.config.paths.log_dir, self._db(), lower_priority=True)

        def on_event(e: dict) -> None:
            if e.get("type") != "done":       # runFinished carries the results
                self.runEvent.emit(job_id, e)

        self._begin(job_id, runner)
        try:
            results = runner.run(req["prompt"], specs, sampling, system=req.get("system") or None, plan=plan,
                                 on_event=on_event, tags=req.get("tags") or "", blind=bool(req.get("blind")),
                                 labels=req.get("labels"))
        except Exception as e:
            self.runFailed.emit(job_id, _sentence(e, "The comparison"))
            return
        finally:
            self._end()
        run = runner.last_run
        self.runFinished.emit(job_id, {
            "results": [r.to_json() for r in results], "cancelled": bool(run and run.cancelled),
            "total_s": run.total_s if run else 0.0, "comparison_id": run.comparison_id if run else None,
            "storage_error": run.storage_error if run else None, "seed": run.seed if run else None,
            "plan": {"mode": plan.mode, "reason": plan.reason}})

    @Slot(int, dict)
    def _eval(self, job_id: int, req: dict) -> None:
        from engine.compare.evaluate import Evaluator
        from engine.compare.plan import plan_run
        from engine.compare.questions import load_question_set

        self.thread_ident = threading.get_ident()
        try:
            qset = load_question_set(req["set"])
            specs = _specs(req["specs"], self.config)
            if not specs:
                raise BadInputError("choose at least one model to score")
            plan = plan_run(specs, force=req.get("force") or None)
        except Exception as e:
            self.evalFailed.emit(job_id, _sentence(e, "Preparing the question set"))
            return
        self.evalEvent.emit(job_id, {"type": "set", "index": None, "name": qset.name, "path": qset.path,
                                     "questions": [{"id": q.id, "prompt": q.prompt, "expected": q.expected,
                                                    "rule": q.rule} for q in qset.questions]})
        evaluator = Evaluator(self.config.paths.log_dir, self._db(), lower_priority=True)

        def on_event(e: dict) -> None:
            if e.get("type") != "done":
                self.evalEvent.emit(job_id, e)

        self._begin(job_id, evaluator)
        try:
            kw = {"seed": int(req.get("seed", 0)), "max_tokens": int(req.get("max_tokens") or 256)}
            result = evaluator.run(qset, specs, plan=plan, system=req.get("system") or None, on_event=on_event,
                                   **kw)
        except Exception as e:
            self.evalFailed.emit(job_id, _sentence(e, "The evaluation"))
            return
        finally:
            self._end()
        self.evalFinished.emit(job_id, result.to_json())

    def close(self) -> None:
        """After the run thread has stopped: close its database connection."""
        store, self._store = self._store, None
        close_quietly(store)


class DataWorker(QObject):
    """Plans, question sets, the leaderboard and model headers: quick jobs, on their own thread."""

    planRequested = Signal(int, list, str)       # token, spec dicts, force ("" = decide)
    headersRequested = Signal(list)              # model files outside the library: are they base models?
    questionSetRequested = Signal(int, str)      # token, a file path or a shipped set's name
    leaderboardRequested = Signal(int, str)      # token, tag ("" = every vote)

    planned = Signal(int, dict)                  # token, {mode, reason} or {error}
    questionSetLoaded = Signal(int, dict)        # token, {name, path, count, rules, ref} or {error, ref}
    leaderboardReady = Signal(int, object)       # token, engine.compare.leaderboard.Leaderboard
    leaderboardFailed = Signal(int, str)         # token, a sentence
    headersRead = Signal(dict)                   # path → True for a base model (no chat template)

    def __init__(self, config: AppConfig):
        super().__init__()
        self.config = config
        self._store = None
        self.thread_ident: int | None = None
        self.planRequested.connect(self._plan)
        self.questionSetRequested.connect(self._question_set)
        self.leaderboardRequested.connect(self._leaderboard)
        self.headersRequested.connect(self._read_headers)

    @Slot(int, list, str)
    def _plan(self, token: int, specs: list, force: str) -> None:
        from engine.compare.plan import plan_run

        self.thread_ident = threading.get_ident()
        try:
            plan = plan_run(_specs(specs, self.config), force=force or None)
        except Exception as e:
            self.planned.emit(token, {"error": _sentence(e, "Planning the comparison")})
            return
        self.planned.emit(token, {"mode": plan.mode, "reason": plan.reason})

    @Slot(int, str)
    def _question_set(self, token: int, ref: str) -> None:
        from engine.compare.questions import load_question_set

        self.thread_ident = threading.get_ident()
        try:
            qs = load_question_set(ref)
        except Exception as e:
            self.questionSetLoaded.emit(token, {"error": _sentence(e, "Reading the question set"), "ref": ref})
            return
        rules: dict[str, int] = {}
        for q in qs.questions:
            rules[q.rule] = rules.get(q.rule, 0) + 1
        self.questionSetLoaded.emit(token, {"name": qs.name, "path": qs.path, "count": len(qs.questions),
                                            "rules": rules, "ref": ref})

    @Slot(int, str)
    def _leaderboard(self, token: int, tag: str) -> None:
        from engine.compare.votes import VoteStore
        from engine.store import Store

        self.thread_ident = threading.get_ident()
        for attempt in range(DATA_READ_TRIES):
            try:
                if self._store is None:
                    self._store = Store(self.config.paths.database, busy_timeout_ms=DATA_BUSY_TIMEOUT_MS)
                board = VoteStore(self._store).leaderboard(tag=tag or None, resamples=LEADERBOARD_RESAMPLES)
            except Exception as e:
                if _locked(e) and attempt + 1 < DATA_READ_TRIES:
                    time.sleep(0.5)    # another process is writing: this thread may wait, the GUI does not
                    continue
                self.leaderboardFailed.emit(token, _sentence(e, "Reading the votes"))
                return
            self.leaderboardReady.emit(token, board)
            return

    @Slot(list)
    def _read_headers(self, paths: list) -> None:
        """Which of these GGUF files are base models, from their headers (the library knows its own models;
        a file picked elsewhere is read here, never on the GUI thread)."""
        from engine.gguf_check import check_file

        self.thread_ident = threading.get_ident()
        out = {}
        for path in paths:
            try:
                info = check_file(path)
            except Exception:
                out[str(path)] = False      # unusable: its column (or its answers) say why
                continue
            out[str(path)] = not info.has_chat_template and not info.is_embedding
        self.headersRead.emit(out)

    def close(self) -> None:
        store, self._store = self._store, None
        close_quietly(store)


class CompareThreads(WorkerThreads):
    """The Compare pane's two workers on their threads; gui/worker_threads.py starts and stops them."""

    def __init__(self, config: AppConfig):
        self.runs = RunWorker(config)
        self.data = DataWorker(config)
        super().__init__(
            log,
            Threaded(self.runs, "hearth-compare-run", cancel=self.runs.cancel_all,
                     late="the comparison thread did not stop in time"),
            Threaded(self.data, "hearth-compare-data"))     # no late=: a late data thread was never reported
        self.run_thread = self.thread_of(self.runs)
        self.data_thread = self.thread_of(self.data)

    def shutdown(self, timeout_ms: int = 15000) -> None:
        """Stop any run (replies stop within a token, loads when llama.cpp reports), let both
        threads finish, close their database connections."""
        self.stop(timeout_ms)
