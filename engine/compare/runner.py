"""Side by side: one prompt to several models under identical conditions.

Every model gets the same messages (the optional system prompt, then the
prompt), the same sampling options and the same seed (one is drawn when none
is given, and reported); each host renders the messages with the model's own
chat template, or the plain transcript for a base model — the same handling
``chat`` uses. Each model runs in its own host process, so a bad file, an
abort or an out-of-memory kill ends only that model's column.

Parallel plan: one ``EngineClient`` per model, each driven from its own Python
thread. Models load together (one at a time when layers go to a GPU, so each
sees the VRAM the others left), then all start generating at the same moment;
the core budget splits the cores between the hosts that generate, and gives
them back as each one finishes. Sequential plan: load, answer, unload, one
model after another — only one model in memory at a time.

Per model: the text, tokens, time to first token, prompt and generation speed,
the wall time of the load, and the peak RSS of its host process (sampled every
50 ms from before the load to the end of the reply; VRAM where NVML knows the
process, else None).

Events passed to ``on_event`` (dicts; ``index`` is the model's position in
``specs``, ``None`` for the run as a whole)::

    {"type": "plan", "index": None, "mode", "reason", "models": [names], "seed"}
    {"type": "loading", "index", "model", "progress"}   # 0.0 first, then ≤10/s while weights load
    {"type": "loaded", "index", "model", "load_s", "pid", "info"}
    {"type": "text", "index", "text"}                   # new text only; ≤30/s per model
    {"type": "finished", "index", "model", "result"}    # result: ModelResult.to_json()
    {"type": "failed", "index", "model", "error", "result"}
    {"type": "notice", "index", "model", "message"}     # the model process did something by itself (the
                                                        # CPU fallback): say it once
    {"type": "done", "index": None, "results": [...], "cancelled", "total_s", "comparison_id"}

``on_event`` is called from the runner's threads, never twice at once (the
calls are serialised); keep it short — the GUI's bridge turns each event into
a signal. Model *names* appear in events and results; a blind pane shows its
own labels instead, and nothing here logs a name or any text.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from engine.compare.plan import ModelSpec, RunPlan, plan_run, unique_names
from engine.errors import BadInputError, CancelledError, HearthError
from engine.host.protocol import SamplingOptions

log = logging.getLogger("engine.compare")

MONITOR_INTERVAL_S = 0.05
VRAM_EVERY_TICKS = 10            # NVML is slower than /proc: sample VRAM every 0.5 s
TEXT_INTERVAL_S = 1 / 30
PROGRESS_INTERVAL_S = 0.1

Event = dict
EventCallback = Callable[[Event], None]


# ---- results ---------------------------------------------------------------------------

@dataclass
class ModelResult:
    """One model's column."""

    index: int
    model: str                          # the column name (unique within the run)
    path: str
    text: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    ttft_s: float = 0.0
    prompt_tok_s: float = 0.0
    gen_tok_s: float = 0.0
    load_s: float | None = None         # None: never loaded
    peak_rss_bytes: int | None = None
    peak_vram_bytes: int | None = None  # None: unknown (no NVML, or no GPU)
    error: str | None = None            # one sentence; None when the model answered
    finish_reason: str = ""             # stop | length | cancelled | error; "" when it never ran
    total_s: float = 0.0                # request -> last token
    threads_min: int = 0
    threads_max: int = 0
    gpu_layers: int | None = None
    n_ctx: int = 0

    # The CLI's contract keys, in order (extra keys follow them in to_json()).
    CONTRACT_KEYS = ("model", "text", "prompt_tokens", "completion_tokens", "ttft_s", "prompt_tok_s",
                     "gen_tok_s", "load_s", "peak_rss_bytes", "error")

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict:
        """The contract keys first, then the extras (path, finish_reason, peak_vram_bytes...)."""
        d = asdict(self)
        for k in ("ttft_s", "prompt_tok_s", "gen_tok_s", "load_s", "total_s"):
            if d[k] is not None:
                d[k] = round(d[k], 4)
        out = {k: d[k] for k in self.CONTRACT_KEYS}
        out.update({k: v for k, v in d.items() if k not in out})
        return out


@dataclass
class CompareRun:
    """Everything about the last run (``CompareRunner.last_run``)."""

    prompt: str
    system: str
    sampling: SamplingOptions
    plan: RunPlan
    specs: list[ModelSpec]
    results: list[ModelResult] = field(default_factory=list)
    cancelled: bool = False
    total_s: float = 0.0
    comparison_id: int | None = None
    storage_error: str | None = None

    @property
    def seed(self) -> int | None:
        return self.sampling.seed

    def to_json(self) -> dict:
        """The CLI's ``compare --json`` object."""
        return {"plan": self.plan.mode, "plan_reason": self.plan.reason,
                "results": [r.to_json() for r in self.results],
                "seed": self.sampling.seed, "total_s": round(self.total_s, 3), "cancelled": self.cancelled,
                "comparison_id": self.comparison_id, "sampling": self.sampling.to_dict(), "system": self.system}


# ---- helpers shared with the evaluator -----------------------------------------------------

def _one_sentence(e: BaseException) -> str:
    msg = " ".join(str(e).split())
    return msg or type(e).__name__


def _unexpected(e: BaseException) -> str:
    log.error("unexpected error in a comparison", exc_info=e)
    return f"unexpected error: {type(e).__name__}: {_one_sentence(e)[:300]}"


class _Nvml:
    """Per-process GPU memory through NVML, when the nvidia-ml-py package is there."""

    _lock = threading.Lock()
    _state: bool | None = None

    @classmethod
    def used_by(cls, pid: int) -> int | None:
        with cls._lock:
            if cls._state is None:
                try:
                    import pynvml

                    pynvml.nvmlInit()
                    cls._state = True
                except Exception:
                    cls._state = False
            if not cls._state:
                return None
        try:
            import pynvml

            total, found = 0, False
            for i in range(pynvml.nvmlDeviceGetCount()):
                h = pynvml.nvmlDeviceGetHandleByIndex(i)
                for p in pynvml.nvmlDeviceGetComputeRunningProcesses(h):
                    if p.pid == pid and p.usedGpuMemory:
                        total += int(p.usedGpuMemory)
                        found = True
            return total if found else None
        except Exception:
            return None


class _MemoryMonitor:
    """Samples the peak RSS (and VRAM where known) of a client's host process
    every ``interval`` seconds; ``on_tick`` runs on each sample (text flushing)."""

    def __init__(self, client, interval: float = MONITOR_INTERVAL_S, on_tick: Callable[[], None] | None = None):
        self.client = client
        self.interval = interval
        self.on_tick = on_tick
        self.peak_rss: int | None = None
        self.peak_vram: int | None = None
        self._stop = threading.Event()
        self._proc = None
        self._ticks = 0
        self._thread = threading.Thread(target=self._loop, name="hearth-compare-monitor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def sample(self) -> None:
        import psutil

        pid = self.client.pid
        if not pid:
            return
        try:
            if self._proc is None or self._proc.pid != pid:
                self._proc = psutil.Process(pid)
            rss = self._proc.memory_info().rss
        except (psutil.Error, OSError):
            return
        if rss and (self.peak_rss is None or rss > self.peak_rss):
            self.peak_rss = rss
        if self._ticks % VRAM_EVERY_TICKS == 0:
            vram = _Nvml.used_by(pid)
            if vram is not None and (self.peak_vram is None or vram > self.peak_vram):
                self.peak_vram = vram
        self._ticks += 1

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()
            if self.on_tick:
                try:
                    self.on_tick()
                except Exception:
                    log.debug("text flush failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(2)
        self.sample()   # the host may still be there: one last look


class _TextBatcher:
    """Collects streamed text; emits what is new at most every ``interval`` seconds."""

    def __init__(self, index: int, emit: Callable[[Event], None], interval: float = TEXT_INTERVAL_S):
        self.index, self.emit, self.interval = index, emit, interval
        self.parts: list[str] = []
        self._pending: list[str] = []
        self._last = 0.0
        self._lock = threading.Lock()

    def add(self, chunk: str) -> None:
        with self._lock:
            self.parts.append(chunk)
            self._pending.append(chunk)
            if time.monotonic() - self._last >= self.interval:
                self._flush_locked()

    def flush(self) -> None:
        with self._lock:
            self._flush_locked()

    def flush_due(self) -> None:
        with self._lock:
            if self._pending and time.monotonic() - self._last >= self.interval:
                self._flush_locked()

    def _flush_locked(self) -> None:
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        self._last = time.monotonic()
        self.emit({"type": "text", "index": self.index, "text": text})

    @property
    def text(self) -> str:
        with self._lock:
            return "".join(self.parts)


class _StartGate:
    """Parallel runs: models start generating together once every load ended (or failed)."""

    def __init__(self, n: int):
        self._left = n
        self._arrived: set[int] = set()
        self._cond = threading.Condition()

    def arrive(self, who: int) -> None:
        """Model ``who`` is loaded (or failed). Counted once, however often it is said."""
        with self._cond:
            if who not in self._arrived:
                self._arrived.add(who)
                self._left -= 1
                self._cond.notify_all()

    def wait(self, cancelled: threading.Event) -> None:
        with self._cond:
            while self._left > 0 and not cancelled.is_set():
                self._cond.wait(0.05)


class ModelJobs:
    """Cancel, events and the per-model host life shared by ``CompareRunner`` and ``Evaluator``.

    A runner runs one job at a time. ``cancel()`` may come from any thread; one
    that comes before ``run()`` has started cancels that run, and the flag
    clears when ``run()`` returns.
    """

    def __init__(self, log_dir: str | Path | None = None, store=None, *, lower_priority: bool = False):
        self.log_dir = Path(log_dir) if log_dir else None
        self.store = store
        self.lower_priority = lower_priority
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._clients: set = set()
        self._emit_lock = threading.Lock()
        self._on_event: EventCallback | None = None

    # ---- cancel (any thread) ------------------------------------------------------------
    def cancel(self) -> None:
        """Stop everything now: replies keep what they wrote so far; models not started do not run."""
        self._cancelled.set()
        with self._lock:
            clients = list(self._clients)
        for c in clients:
            c.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    # ---- events ----------------------------------------------------------------------------
    def _emit(self, event: Event) -> None:
        cb = self._on_event
        if cb is None:
            return
        with self._emit_lock:
            try:
                cb(event)
            except Exception:
                log.error("an event handler failed", exc_info=True)

    # ---- one model's host --------------------------------------------------------------------
    def _new_client(self, spec: ModelSpec | None = None, index: int | None = None, name: str = ""):
        from engine.remote.resolve import make_client

        def on_notice(message: str) -> None:   # something the model process did by itself (the CPU fallback)
            self._emit({"type": "notice", "index": index, "model": name, "message": message})

        client = make_client(spec, log_dir=self.log_dir, lower_priority=self.lower_priority, on_notice=on_notice)
        with self._lock:
            self._clients.add(client)   # from now on cancel() reaches it
        return client

    def _drop_client(self, client) -> None:
        try:
            client.unload()
        except Exception:
            log.warning("unloading a model failed", exc_info=True)
        with self._lock:
            self._clients.discard(client)

    def _load(self, client, index: int, name: str, spec: ModelSpec, load_lock) -> tuple[dict, float]:
        """Load ``spec`` into ``client`` with loading events; returns (info, wall seconds)."""
        self._check_cancelled("stopped before it ran")
        self._emit({"type": "loading", "index": index, "model": name, "progress": 0.0})
        last = [time.monotonic()]

        def on_progress(fraction: float) -> None:
            if self._cancelled.is_set():
                client.cancel()
                return
            now = time.monotonic()
            if now - last[0] >= PROGRESS_INTERVAL_S:
                last[0] = now
                self._emit({"type": "loading", "index": index, "model": name, "progress": float(fraction)})

        with load_lock or contextlib.nullcontext():
            self._check_cancelled("stopped before it ran")
            t0 = time.perf_counter()
            try:
                info = client.load(spec.path, spec.load_options(), on_progress=on_progress)
            except CancelledError:
                raise CancelledError("stopped while loading") from None
            load_s = time.perf_counter() - t0
        self._emit({"type": "loaded", "index": index, "model": name, "load_s": load_s, "pid": client.pid,
                    "info": dict(info or {})})
        return info or {}, load_s

    def _check_cancelled(self, message: str) -> None:
        if self._cancelled.is_set():
            raise CancelledError(message)

    def _threads(self, n: int, target, name: str) -> None:
        """Run ``target(i)`` for i in range(n), each in its own thread; wait for all."""
        threads = [threading.Thread(target=target, args=(i,), name=f"{name}-{i}", daemon=True) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.2)   # short joins: Ctrl+C reaches the main thread's handler


# ---- the runner ------------------------------------------------------------------------------

class CompareRunner(ModelJobs):
    """Run one prompt through several models and collect their columns.

    ``CompareRunner(log_dir, store=None)``: ``log_dir`` for the hosts' llama.cpp
    logs; with a ``engine.store.Store`` every run is saved (``comparisons`` and
    ``comparison_results``) and ``last_run.comparison_id`` names it.
    """

    def __init__(self, log_dir: str | Path | None = None, store=None, *, lower_priority: bool = False):
        super().__init__(log_dir, store, lower_priority=lower_priority)
        self.last_run: CompareRun | None = None

    def run(self, prompt: str, specs: list[ModelSpec], sampling: SamplingOptions | None = None,
            system: str | None = None, plan: RunPlan | None = None,
            on_event: EventCallback | None = None, *, tags: str = "", blind: bool = False,
            labels: list[str] | None = None) -> list[ModelResult]:
        """Answer ``prompt`` with every model in ``specs``; returns one result per
        spec, in order. Blocks until all finished, failed or were stopped:
        call it from a worker thread in a GUI. A failing model gets its error;
        the others finish. ``tags``/``blind``/``labels`` are stored with the run."""
        if not isinstance(prompt, str) or not prompt.strip():
            raise BadInputError("give a prompt to compare the models on")
        specs = list(specs)
        if not specs:
            raise BadInputError("choose at least one model to compare")
        sampling = replace(sampling or SamplingOptions())
        if sampling.seed is None:
            sampling.seed = random.randrange(1, 2 ** 31 - 1)   # one seed, the same for every model
        if plan is None:
            plan = plan_run(specs)
        names = unique_names(specs)
        messages = ([{"role": "system", "content": system}] if system else []) + \
            [{"role": "user", "content": prompt}]
        results = [ModelResult(index=i, model=names[i], path=str(s.path)) for i, s in enumerate(specs)]
        run = CompareRun(prompt=prompt, system=system or "", sampling=sampling, plan=plan, specs=specs,
                         results=results)
        self._on_event = on_event
        try:
            self._emit({"type": "plan", "index": None, "mode": plan.mode, "reason": plan.reason,
                        "models": names, "seed": sampling.seed})
            log.info("comparison of %d models, %s", len(specs), plan.mode)
            t0 = time.monotonic()
            if plan.parallel and len(specs) > 1:
                gate = _StartGate(len(specs))
                load_lock = threading.Lock() if plan.stagger_loads else None
                self._threads(len(specs), lambda i: self._run_one(i, specs[i], results[i], messages, sampling,
                                                                  gate, load_lock), "hearth-compare")
            else:
                for i, spec in enumerate(specs):
                    self._run_one(i, spec, results[i], messages, sampling, None, None)
            run.total_s = time.monotonic() - t0
            run.cancelled = self._cancelled.is_set()
            if self.store is not None:
                self._save(run, tags, blind, labels)
            self.last_run = run
            self._emit({"type": "done", "index": None, "results": [r.to_json() for r in results],
                        "cancelled": run.cancelled, "total_s": run.total_s, "comparison_id": run.comparison_id})
        finally:
            self._on_event = None
            self._cancelled.clear()
        return results

    def _run_one(self, i: int, spec: ModelSpec, result: ModelResult, messages: list[dict],
                 sampling: SamplingOptions, gate: _StartGate | None, load_lock) -> None:
        name = result.model
        client = None
        batcher = _TextBatcher(i, self._emit)
        monitor = None

        def arrive() -> None:
            if gate is not None:
                gate.arrive(i)

        try:
            client = self._new_client(spec, i, name)
            monitor = _MemoryMonitor(client, on_tick=batcher.flush_due)
            monitor.start()
            try:
                info, result.load_s = self._load(client, i, name, spec, load_lock)
            finally:
                arrive()
            result.gpu_layers = info.get("gpu_layers")
            result.n_ctx = int(info.get("n_ctx") or 0)
            if gate is not None:
                gate.wait(self._cancelled)
            rid = client.new_request_id()
            self._check_cancelled("stopped before it answered")   # after the id: a later cancel() covers it
            try:
                stats = client.chat(messages, sampling, on_text=batcher.add, request_id=rid)
            except HearthError:
                result.text = batcher.text   # what it wrote before it failed
                raise
            result.text = stats.text
            for k in ("prompt_tokens", "completion_tokens", "ttft_s", "prompt_tok_s", "gen_tok_s", "total_s",
                      "threads_min", "threads_max"):
                setattr(result, k, getattr(stats, k))
            result.finish_reason = stats.finish_reason   # "cancelled" keeps the text written so far
        except CancelledError as e:
            result.finish_reason = "cancelled"
            result.error = str(e)
        except HearthError as e:
            result.finish_reason = "error"
            result.error = _one_sentence(e)
        except Exception as e:
            result.finish_reason = "error"
            result.error = _unexpected(e)
        finally:
            arrive()
            batcher.flush()
            if monitor is not None:
                monitor.stop()
                result.peak_rss_bytes = monitor.peak_rss
                result.peak_vram_bytes = monitor.peak_vram
            if client is not None:
                self._drop_client(client)
        if result.error:
            log.info("comparison model %d failed", i + 1)
            self._emit({"type": "failed", "index": i, "model": name, "error": result.error,
                        "result": result.to_json()})
        else:
            self._emit({"type": "finished", "index": i, "model": name, "result": result.to_json()})

    def _save(self, run: CompareRun, tags: str, blind: bool, labels: list[str] | None) -> None:
        from engine.compare.storage import ComparisonStore

        settings = {"sampling": run.sampling.to_dict(), "seed": run.sampling.seed,
                    "models": [s.to_dict() for s in run.specs],
                    "plan": {"mode": run.plan.mode, "reason": run.plan.reason},
                    "cancelled": run.cancelled, "total_s": run.total_s}
        try:
            run.comparison_id = ComparisonStore(self.store).save_comparison(
                run.prompt, run.results, system=run.system, settings=settings,
                plan=f"{run.plan.mode}: {run.plan.reason}", blind=blind, tags=tags, labels=labels)
        except HearthError as e:
            run.storage_error = str(e)
            log.warning("the comparison could not be saved: %s", e)
