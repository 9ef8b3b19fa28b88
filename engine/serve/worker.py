"""One model, one thread: the FIFO queue every API request goes through.

``EngineClient`` is used from one thread at a time, so a single worker thread
owns it: it loads the model, then runs queued requests first come, first
served. Each request gets its id from ``client.new_request_id()`` when it is
queued, so ``cancel(job)`` (a client that went away) applies to it whether it
is still waiting or already generating: a waiting one is skipped, a running
one stops within a token.

Text chunks and the final stats go back to the asyncio side through
``loop.call_soon_threadsafe`` into the job's own ``asyncio.Queue``.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from dataclasses import dataclass, field

from engine.host.protocol import GenerationStats, LoadOptions, SamplingOptions

log = logging.getLogger("engine.serve")

RECENT = 50   # finished requests kept for /hearth/stats


@dataclass
class Job:
    id: int
    kind: str                      # "chat" | "complete"
    payload: object                # messages (chat) or prompt text (complete)
    sampling: SamplingOptions
    loop: asyncio.AbstractEventLoop
    events: asyncio.Queue = field(default_factory=asyncio.Queue)
    state: str = "queued"          # queued | running | done
    disconnected: bool = False     # the client went away: the request was cancelled

    def post(self, event: tuple) -> None:
        """From the worker thread: hand an event to the request's coroutine."""
        try:
            self.loop.call_soon_threadsafe(self.events.put_nowait, event)
        except RuntimeError:
            pass  # the event loop is gone (server shutting down)


class ModelWorker:
    def __init__(self, model_path, load_options: LoadOptions | None = None, *, log_dir=None, client=None,
                 shared: bool = False, on_notice=None):
        """``shared``: ``client`` already has this model loaded and belongs to someone else (the desktop
        app's chat): it is used as it is — no load, no unload, and stopping cancels only this worker's
        requests. Requests from both take turns on the one model process (the client's request lock)."""
        from engine.host.client import EngineClient

        self.model_path = model_path
        self.load_options = load_options or LoadOptions()
        # on_notice: what its own model process did by itself (the CPU fallback), said once by the caller
        self.client = client or EngineClient(log_dir=log_dir, on_notice=on_notice)
        self.shared = shared and client is not None
        self.model_info: dict | None = None
        self.load_error: BaseException | None = None
        self.ready = threading.Event()
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._main, name="hearth-serve-worker", daemon=True)
        self._lock = threading.Lock()
        self._counts = {"completed": 0, "cancelled": 0, "failed": 0}
        self._recent: list[dict] = []
        self._queued = 0
        self._running: Job | None = None
        self._live: dict[int, Job] = {}   # submitted and not done: what cancel_own() stops
        self._stopping = False

    # ---- lifetime ----------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> dict:
        """Block until the model is loaded; raises what loading raised."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.ready.wait(0.2):   # short waits: Ctrl+C stays responsive
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError("the model did not load in time")
        if self.load_error is not None:
            raise self.load_error
        return self.model_info

    def stop(self, timeout: float = 10) -> None:
        """Cancel everything queued or running, end the worker and the host process."""
        self._stopping = True
        try:
            if self.shared:
                self.cancel_own()                    # only ours: the chat's own request goes on
            else:
                self.client.cancel()
        except Exception:
            pass
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive() and not self.shared:   # stuck: end the host the hard way
            try:
                self.client.kill_host()
            except Exception:
                pass

    def cancel_own(self) -> None:
        """Cancel this worker's requests, running and queued, by their ids, and nothing else: a shared
        client's own requests (the chat's reply, a load) go on. Any thread."""
        with self._lock:
            ids = list(self._live)
        for rid in ids:
            self.client.cancel(rid)

    def _main(self) -> None:
        try:
            if self.shared:
                if not (self.client.alive and self.client.model_path == str(self.model_path)):
                    from engine.errors import BadInputError

                    raise BadInputError(f"{self.model_path} is no longer the loaded model")
                self.model_info = dict(self.client.model_info or {})
            else:
                self.model_info = self.client.load(self.model_path, self.load_options)
        except BaseException as e:  # noqa: BLE001 - handed to the thread that waits
            self.load_error = e
            self.ready.set()
            return
        self.ready.set()
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    break
                with self._lock:
                    self._queued -= 1
                    self._running = job
                try:
                    self._run(job)
                finally:
                    with self._lock:
                        self._running = None
        finally:
            if not self.shared:
                try:
                    self.client.unload()
                except Exception:
                    log.warning("unloading the served model failed", exc_info=True)

    # ---- requests ----------------------------------------------------------------
    def submit(self, kind: str, payload, sampling: SamplingOptions,
               loop: asyncio.AbstractEventLoop | None = None) -> Job:
        job = Job(id=self.client.new_request_id(), kind=kind, payload=payload, sampling=sampling,
                  loop=loop or asyncio.get_running_loop())
        with self._lock:
            self._queued += 1
            self._live[job.id] = job
        log.info("request %d queued (%s)", job.id, kind)
        self._queue.put(job)
        return job

    def cancel(self, job: Job) -> None:
        """The client went away: stop this request (queued or running). Any thread."""
        if job.state == "done":
            return
        job.disconnected = True
        log.info("request %d: client disconnected, cancelling", job.id)
        self.client.cancel(job.id)

    def _run(self, job: Job) -> None:
        job.state = "running"
        started = time.monotonic()
        on_text = lambda chunk: job.post(("text", chunk))  # noqa: E731
        try:
            if self._stopping:
                stats = GenerationStats(finish_reason="cancelled")
            elif self.shared:
                # The model check and the request in one turn of the client: a chat load cannot come between
                # them. A cancel (client gone, API switched off) ends the wait for the chat's request.
                with self.client.turn(job.id) as ours:
                    if ours and self.client.model_path != str(self.model_path):
                        from pathlib import Path

                        from engine.errors import EngineError

                        raise EngineError(f"{Path(self.model_path).name} is no longer loaded in Hearth")
                    # Not ours: cancelled while it waited; the client answers "cancelled" at once, runs nothing
                    # and forgets the Stop.
                    stats = self._generate(job, on_text)
            else:
                stats = self._generate(job, on_text)
        except Exception as e:  # noqa: BLE001 - every failure goes back to its request
            self._done(job)
            self._record(job, "failed", 0, time.monotonic() - started, error=str(e))
            log.warning("request %d failed: %s", job.id, e)
            job.post(("error", e))
            return
        self._done(job)
        outcome = "cancelled" if stats.finish_reason == "cancelled" else "completed"
        self._record(job, outcome, stats.completion_tokens, time.monotonic() - started,
                     finish_reason=stats.finish_reason)
        log.info("request %d %s: %d tokens, %s", job.id, outcome, stats.completion_tokens, stats.finish_reason)
        job.post(("done", stats))

    def _generate(self, job: Job, on_text) -> GenerationStats:
        if job.kind == "chat":
            return self.client.chat(job.payload, job.sampling, on_text=on_text, request_id=job.id)
        return self.client.complete(job.payload, job.sampling, on_text=on_text, request_id=job.id)

    def _done(self, job: Job) -> None:
        job.state = "done"
        with self._lock:
            self._live.pop(job.id, None)
            if self._running is job:   # before its answer is posted: a client reading /stats next sees it done
                self._running = None

    def _record(self, job: Job, outcome: str, tokens: int, seconds: float, **extra) -> None:
        with self._lock:
            self._counts[outcome] += 1
            self._recent.append({"id": job.id, "kind": job.kind, "outcome": outcome, "completion_tokens": tokens,
                                 "seconds": round(seconds, 3), "client_disconnected": job.disconnected} | extra)
            del self._recent[:-RECENT]

    def stats(self) -> dict:
        with self._lock:
            running = self._running
            return dict(self._counts) | {
                "queued": self._queued,
                "running": running.id if running is not None else None,
                "recent": list(self._recent),
            }
