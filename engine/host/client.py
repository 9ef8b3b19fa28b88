"""Parent side of the engine host: start, drive, cancel and end a model process.

``EngineClient`` is used from one thread at a time (the CLI's main thread, or
the GUI's bridge thread); only ``new_request_id()`` and ``cancel()`` may be
called from any thread. ``cancel(request_id)`` writes "cancel every request up
to this id" into shared memory the host reads once per token. Naming the
request makes a Stop pressed *before* the request reached the host apply to
it (the GUI takes an id at Send, the bridge thread runs the request later),
and keeps a late Stop from cancelling the next request.

If the host dies (llama.cpp abort, out of memory, kill -9) the current call
raises ``HostCrashedError`` with what happened, and the next request starts a
fresh host and reloads the model with the same options.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import logging
import signal
import tempfile
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from engine.errors import BadInputError, CancelledError, EngineError, HostCrashedError
from engine.host import worker
from engine.host.cpu_fallback import (BASELINE_BUILD, FROZEN_STILL_DIES, FallbackMemory, cpu_name,
                                      died_of_illegal_instruction, still_dies_facts)
from engine.host.fairlock import FairRLock
from engine.host.request_ids import RequestIds
from engine.host.protocol import GenerationStats, LoadOptions, SamplingOptions

# After Stop, the host has this long to finish its current token; past it the
# host is in a long prompt evaluation (which cannot be interrupted) and is ended.
HARD_CANCEL_AFTER_S = 1.0
# While tokens flow the flag is seen within one token; a huge model on a slow
# CPU may take seconds per token, so wait longer before ending the host.
HARD_CANCEL_STREAMING_S = 30.0
POLL_S = 0.05

log = logging.getLogger("engine.host")


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "it stopped responding"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name == "SIGKILL":
            return "it was killed (SIGKILL — often the system running out of memory)"
        if name == "SIGABRT":
            return "llama.cpp aborted (SIGABRT)"
        if name == "SIGSEGV":
            return "it crashed (SIGSEGV)"
        return f"it was ended by {name}"
    return f"it exited with code {code}"


class EngineClient:
    def __init__(self, log_dir: Path | None = None, *, lower_priority: bool = False,
                 cache_dir: Path | None = None, on_notice: Callable[[str], None] | None = None):
        """``lower_priority``: run the host a notch below this process (the GUI
        sets it so its own thread wins the CPU while a model generates). ``cache_dir``: where the
        illegal-instruction fallback is remembered (default: the app's cache folder). ``on_notice``:
        told, once, a sentence the user should read (the fallback was switched on)."""
        self._ctx = mp.get_context("spawn")
        self._proc = None
        self._conn = None
        # Shared with the host: [0] every request with an id <= this is cancelled ("stop
        # everything asked so far"); [1] the one request with exactly this id is cancelled — only ever
        # the running request's id (a Stop of a queued request must not take the slot from it).
        self._cancel = self._ctx.RawArray("q", 2)
        self._ids = RequestIds()   # ids handed out and Stops ([0] mirrors its ``upto`` for the host)
        self._cancel_time: float | None = None
        # Guards the ids, the cancel slots, _running_id and _cancel_time: a Stop compares and sets them
        # while a request starts or ends on another thread.
        self._ids_lock = threading.Lock()
        self._running_id = 0       # id of the request the host is working on
        # One request at a time; load and unload wait for it too, so a second thread sharing this client
        # (the local API serving the chat's model) never has the process swapped under a request.
        # Re-entrant: a request reloads a crashed host from inside it. First come, first served between
        # threads (engine/host/fairlock.py): the API's next queued request does not jump a waiting chat reply.
        self._lock = FairRLock()
        self._log_dir = Path(log_dir) if log_dir else Path(tempfile.gettempdir())
        self._log_path: Path | None = None
        self.model_path: str | None = None
        self.load_options: LoadOptions | None = None
        self.model_info: dict | None = None
        self._needs_reload = False
        self._lower_priority = lower_priority
        self._load_attempt: tuple[int, int] | None = None   # what a GPU build's host last tried
        # The illegal-instruction fallback (engine/host/cpu_fallback.py): remembered per machine and build.
        self._cache_dir = cache_dir
        self._fallback_memory: FallbackMemory | None = None
        self._fallback_on = False           # switched on in this process (even where it cannot be saved)
        self._sent_extra_bufts = True       # what the running host was loaded with
        self.cpu_fallback: dict | None = None   # None, or what was switched off, why and since when
        self._fallback_unsaid = False           # found out here and not yet said (no on_notice): the next load says it
        self.system_info: str | None = None     # llama_print_system_info() of the last host
        self.on_notice = on_notice

    # ---- process lifetime ---------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def _start(self) -> None:
        self._log_dir.mkdir(parents=True, exist_ok=True)
        self._log_path = self._log_dir / f"host-{os.getpid()}-{int(time.time() * 1000)}.log"
        parent, child = self._ctx.Pipe(duplex=True)
        self._proc = self._ctx.Process(
            target=worker.host_main, name="hearth-host", daemon=True,
            args=(child, self._cancel, str(self._log_path), self._lower_priority))
        self._proc.start()
        child.close()
        self._conn = parent

    def _kill(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass
        if proc is not None and proc.is_alive():
            proc.kill()
            proc.join(5)

    def unload(self) -> None:
        """End the host process: all of the model's RAM and VRAM comes back."""
        with self._lock:
            self._unload()

    def _unload(self) -> None:
        proc, conn = self._proc, self._conn
        if proc is not None and proc.is_alive() and conn is not None:
            try:
                conn.send(("shutdown",))
                proc.join(3)
            except (OSError, BrokenPipeError):
                pass
        self._kill()
        self.model_path = self.model_info = None
        self._needs_reload = False
        if self._log_path:
            self._log_path.unlink(missing_ok=True)

    close = unload

    def _crash_message(self) -> str:
        code = self._proc.exitcode if self._proc else None
        msg = f"The model process stopped: {_describe_exit(code)}."
        clue = self._log_clue()
        if clue:
            msg += f" Last message from llama.cpp: {clue}"
        return msg

    def _log_clue(self) -> str | None:
        try:
            lines = [ln.strip() for ln in self._log_path.read_text(errors="replace").splitlines() if ln.strip()]
        except (OSError, AttributeError):
            return None
        for ln in reversed(lines[-40:]):
            if any(k in ln.lower() for k in ("error", "assert", "failed", "out of memory", "abort")):
                return ln[:300]
        return None

    # ---- messaging ---------------------------------------------------------------
    def _send(self, msg: tuple) -> None:
        try:
            self._conn.send(msg)
        except (OSError, BrokenPipeError, AttributeError):
            self._on_crash()

    def _on_crash(self):
        if self._proc is not None:
            self._proc.join(1)      # reaped, so its exit status is known
        code = self._proc.exitcode if self._proc else None
        message = self._crash_message()
        self._kill()
        self._needs_reload = self.model_path is not None
        raise HostCrashedError(message, exitcode=code)

    def _recv(self, on_text: Callable[[str], None] | None = None, timeout: float | None = None,
              on_progress: Callable[[float], None] | None = None):
        """Next non-text reply; text chunks go to ``on_text``. Watches for death and hard cancel."""
        deadline = time.monotonic() + timeout if timeout else None
        conn = self._conn
        streaming = False  # once tokens flow, the host sees the cancel flag within one token
        while True:
            try:
                ready = conn.poll(POLL_S)
            except (OSError, EOFError):
                ready = False
                if not self.alive:
                    self._on_crash()
            if ready:
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    self._proc.join(1)
                    self._on_crash()
                if msg[0] == "text":
                    streaming = True
                    if on_text:
                        on_text(msg[1])
                    continue
                if msg[0] == "progress":
                    if on_progress:
                        on_progress(msg[1])
                    continue
                if msg[0] == "attempt":    # a GPU build is about to try (gpu_layers, n_ctx)
                    self._load_attempt = (msg[1], msg[2])
                    continue
                if msg[0] == "system_info":   # what the host's llama.cpp was built for
                    self.system_info = msg[1]
                    continue
                return msg
            if not self.alive:
                self._on_crash()
            if self._cancel_time and time.monotonic() - self._cancel_time > (
                    HARD_CANCEL_AFTER_S if not streaming else HARD_CANCEL_STREAMING_S):
                # Stuck in prompt evaluation: only ending the process stops it.
                self._kill()
                self._needs_reload = self.model_path is not None
                return ("done", GenerationStats(finish_reason="cancelled").to_dict())
            if deadline and time.monotonic() > deadline:
                self._kill()
                raise EngineError("the model process did not answer in time and was stopped")

    @staticmethod
    def _raise_error(msg: tuple):
        _, kind, text = msg[:3]
        if len(msg) > 3 and msg[3]:
            # An unexpected failure in the model process: its traceback (code and exception, no prompt text)
            # is logged at ERROR, so it is kept whatever the log level.
            log.error("the model process failed unexpectedly: %s\n%s", text, msg[3].rstrip())
        if kind == "bad_input":
            raise BadInputError(text)
        raise EngineError(text)

    # ---- requests ---------------------------------------------------------------
    def load(self, model_path: str | os.PathLike, options: LoadOptions | None = None,
             on_progress: Callable[[float], None] | None = None) -> dict:
        """Start a host (ending any previous one) and load the model into it.

        ``on_progress(fraction)`` follows llama.cpp's loading of the weights.

        The host retries an out-of-memory that llama.cpp reports with fewer GPU
        layers itself. A GPU driver that aborts the whole process instead (CUDA
        does, in some allocations) is retried here: a fresh host with three
        quarters of the layers the dead one was trying, down to none, and the
        load result's ``plan_note`` says so.
        """
        from engine.gguf_check import check_file

        check_file(model_path)  # a bad file is refused here, before any process starts
        with self._lock:
            return self._load_retrying(model_path, options or LoadOptions(), on_progress)

    def _load_retrying(self, model_path, options: LoadOptions, on_progress) -> dict:
        first_crash: tuple[int, int] | None = None
        while True:
            self._load_attempt = None
            try:
                info = self._load_once(model_path, options, on_progress)
            except HostCrashedError as e:
                if died_of_illegal_instruction(e.exitcode):
                    self._after_illegal_instruction(e, "loading the model")
                    continue    # loaded again with llama.cpp's extra buffer types off
                tried = self._load_attempt
                if tried is None or tried[0] <= 0:
                    raise      # not a GPU load (or already none on the GPU): nothing to take off
                if first_crash is None:
                    first_crash = tried
                fewer = tried[0] * 3 // 4
                log.warning("the model process died loading with %d GPU layers; retrying with %d",
                            tried[0], fewer)
                options = LoadOptions.from_dict({**options.to_dict(), "gpu_layers": fewer, "n_ctx": tried[1]})
                continue
            if first_crash is not None:
                n_layer = (info.get("offload") or {}).get("n_layer") or first_crash[0]
                got = info.get("gpu_layers", 0)
                n = min(got, n_layer)
                where = "no layers" if got == 0 else f"{n} layer{'s' if n != 1 else ''}"
                note = (f"loaded with {where} on the GPU after the model process crashed at "
                        f"{min(first_crash[0], n_layer)} layers (most likely out of GPU memory)")
                info["plan_note"] = f"{info['plan_note']}; {note}" if info.get("plan_note") else note
            if self.cpu_fallback is not None:
                info["cpu_fallback"] = dict(self.cpu_fallback)
                if self._fallback_unsaid:    # said once: on the load that found it out
                    note = self.cpu_fallback["message"]
                    info["plan_note"] = f"{info['plan_note']}; {note}" if info.get("plan_note") else note
                    self._fallback_unsaid = False
            else:
                info["cpu_fallback"] = None
            return info

    # ---- the illegal-instruction fallback --------------------------------------------
    def _memory(self) -> FallbackMemory:
        if self._fallback_memory is None:
            cache = self._cache_dir
            if cache is None:
                try:
                    from engine.config import resolve_paths

                    cache = resolve_paths().cache_dir
                except Exception:   # no readable settings: remembered for this process only
                    cache = None
            self._fallback_memory = FallbackMemory(cache)
        return self._fallback_memory

    def _with_cpu_fallback(self, options: LoadOptions) -> LoadOptions:
        """``options`` with extra buffer types off where this machine and build need it."""
        if not options.extra_bufts:
            return options
        if not self._fallback_on:
            remembered = self._memory().recall()
            if remembered is None:
                return options
            self._fallback_on = True
            if self.cpu_fallback is None:
                self.cpu_fallback = dict(remembered)
        return LoadOptions.from_dict({**options.to_dict(), "extra_bufts": False})

    def _after_illegal_instruction(self, crash: HostCrashedError, where: str) -> None:
        """The host died by an illegal instruction: switch the fallback on (and return, to try again),
        or — when it was already on — raise with the likely cause and the remedy."""
        if not self._sent_extra_bufts:
            missing, built = still_dies_facts(self.system_info)
            code = crash.exitcode
            if getattr(sys, "frozen", False):    # portable: its CPU variant was chosen for this processor
                variant = (self.model_info or {}).get("cpu_variant") or "built in"
                raise HostCrashedError(f"{crash} " + FROZEN_STILL_DIES.format(variant=variant, cpu=cpu_name())
                                       + ".", exitcode=code) from None
            if missing:
                raise HostCrashedError(
                    f"{crash} This copy of llama.cpp was built for CPU features this processor does not offer "
                    f"({', '.join(missing)}; built for {', '.join(built)}): reinstall it for a baseline CPU with "
                    f"{BASELINE_BUILD}.", exitcode=code) from None
            if built:
                raise HostCrashedError(
                    f"{crash} This copy of llama.cpp was built for {', '.join(built)} and still executed an "
                    f"instruction this processor ({cpu_name()}) or its operating system does not allow: "
                    f"reinstall it for a baseline CPU with {BASELINE_BUILD}.", exitcode=code) from None
            raise HostCrashedError(
                f"{crash} This copy of llama.cpp executed an instruction this processor or its operating "
                f"system does not allow: reinstall it for a baseline CPU with {BASELINE_BUILD}.",
                exitcode=code) from None
        entry = self._memory().remember(where)
        self._fallback_on = True
        self.cpu_fallback = dict(entry)
        log.warning("the model process died by an illegal instruction while %s; loading again with "
                    "llama.cpp's extra buffer types off (remembered for this machine and build)", where)
        # Said once: here, or else in the next load's plan_note.
        self._fallback_unsaid = self.on_notice is None
        if self.on_notice is not None:
            try:
                self.on_notice(entry["message"])
            except Exception:
                log.exception("the notice of the CPU fallback could not be shown")

    def _load_once(self, model_path, options: LoadOptions, on_progress) -> dict:
        if self._proc is not None:
            self.unload()
        rid = self.new_request_id()
        sent = self._with_cpu_fallback(options)
        self._sent_extra_bufts = sent.extra_bufts
        self._start()
        with self._ids_lock:
            self._running_id = rid
            self._cancel_time = None
        self._send(("load", str(model_path), sent.to_dict(), rid))
        try:
            msg = self._recv(on_progress=on_progress)
        except HostCrashedError as e:
            self._needs_reload = False
            raise HostCrashedError(f"{e} The model could not be loaded.", exitcode=e.exitcode) from None
        finally:
            with self._ids_lock:
                self._running_id = 0
        cancelled = self._is_cancelled(rid)
        self._finished(rid)
        if cancelled or msg[0] != "loaded":
            # Stopped while loading: llama.cpp aborted via the progress callback, or the host was ended.
            self._kill()
            self._cancel_time = None
            self._needs_reload = False
            if cancelled:
                raise CancelledError("loading the model was stopped")
        if msg[0] == "error":
            self._raise_error(msg)
        self.model_path, self.load_options, self.model_info = str(model_path), options, msg[1]
        self._needs_reload = False
        return self.model_info

    def _ensure_loaded(self) -> None:
        if self._needs_reload or (self.model_path and not self.alive):
            self.load(self.model_path, self.load_options)
        if not self.alive:
            raise BadInputError("no model is loaded")

    def _run(self, request: tuple, on_text, request_id: int | None) -> GenerationStats:
        rid = request_id or self.new_request_id()
        try:
            # Waiting for another thread's request (the local API's): a Stop of this one ends the wait.
            if not self._lock.acquire(cancelled=lambda: self._is_cancelled(rid)):
                return GenerationStats(finish_reason="cancelled")
            try:
                return self._run_locked(request, on_text, rid)
            finally:
                self._lock.release()
        finally:
            self._finished(rid)

    def _run_locked(self, request: tuple, on_text, rid: int) -> GenerationStats:
        if self._is_cancelled(rid):
            # Stopped before it started (Stop right after Send): nothing to run.
            return GenerationStats(finish_reason="cancelled")
        self._ensure_loaded()
        with self._ids_lock:
            self._cancel_time = None
            self._running_id = rid
            if self._ids.stopped(rid):
                # Stopped while it waited or raced with the start: tell the host, start the clock
                self._cancel[1] = rid
                self._cancel_time = time.monotonic()
        streamed = [False]

        def on_text_seen(chunk: str) -> None:
            streamed[0] = True
            if on_text is not None:
                on_text(chunk)

        def again(e: HostCrashedError) -> None:
            if streamed[0]:   # part of the reply is out already: not run twice
                raise HostCrashedError(f"{e} The next reply runs without llama.cpp's extra CPU kernels.",
                                       exitcode=e.exitcode) from None
            self._ensure_loaded()
            with self._ids_lock:
                self._running_id = rid

        try:
            msg = self._exchange(request + (rid,), lambda: self._recv(on_text_seen), "generating a reply", again)
        finally:
            with self._ids_lock:
                self._running_id = 0
                self._cancel_time = None
        if msg[0] == "error":
            self._raise_error(msg)
        return GenerationStats.from_dict(msg[1])

    def _exchange(self, request: tuple, receive, what: str, again) -> tuple:
        """Send ``request`` and return ``receive()``'s message. A host ended by an illegal instruction
        switches the CPU fallback on (or raises with the cause when it was on already: ``what`` says what
        the host was doing); ``again(crash)`` then readies the model, or raises, and the request is sent
        once more."""
        while True:
            try:
                self._send(request)
                return receive()
            except HostCrashedError as e:
                if not died_of_illegal_instruction(e.exitcode):
                    raise
                self._after_illegal_instruction(e, what)   # raises if the fallback was on already
                again(e)

    def _finished(self, rid: int) -> None:
        """Request ``rid`` is over: its named cancel, if any, is no longer needed."""
        with self._ids_lock:
            self._ids.finished(rid)

    @contextmanager
    def turn(self, request_id: int | None = None):
        """Hold this client's request lock across several calls of one thread (each call inside takes it
        again, re-entrantly): e.g. check ``model_path`` and run a request with no load from another thread
        in between. Yields True with the lock held; False, holding nothing, when ``request_id`` was
        cancelled while this waited for another thread's request."""
        cancelled = None if request_id is None else (lambda: self._is_cancelled(request_id))
        if not self._lock.acquire(cancelled=cancelled):
            yield False
            return
        try:
            yield True
        finally:
            self._lock.release()

    def chat(self, messages: list[dict], sampling: SamplingOptions | None = None,
             on_text: Callable[[str], None] | None = None, request_id: int | None = None) -> GenerationStats:
        """Stream a reply to ``messages``; returns the final stats (text included).

        ``request_id``: from ``new_request_id()``, so that ``cancel(request_id)``
        from another thread applies to this request even before it starts.
        """
        sampling = sampling or SamplingOptions()
        return self._run(("chat", list(messages), sampling.to_dict()), on_text, request_id)

    def complete(self, prompt: str, sampling: SamplingOptions | None = None,
                 on_text: Callable[[str], None] | None = None, request_id: int | None = None) -> GenerationStats:
        sampling = sampling or SamplingOptions()
        return self._run(("complete", prompt, sampling.to_dict()), on_text, request_id)

    def tokenize(self, text: str, special: bool = False) -> list[int]:
        """The model's tokens for ``text``. ``special=False`` (the default) reads
        control-token text such as ``<|im_end|>`` as plain text: user and
        document text must never become control tokens."""
        return self._ask(("tokenize", text, bool(special)), timeout=60)

    def _ask(self, request: tuple, timeout: float = 120, what: str = "answering a request"):
        """One request with one result (no streaming), loading the model again if its host died.

        These requests have no side effects, so one that an illegal instruction ended (an embedding
        batch on an AMX CPU) runs again once the model is loaded with the fallback on."""
        with self._lock:
            self._ensure_loaded()
            msg = self._exchange(request, lambda: self._recv(timeout=timeout), what,
                                 lambda e: self._ensure_loaded())
            if msg[0] == "error":
                self._raise_error(msg)
            return msg[1]

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Token counts of pieces of plain text (no BOS, never control tokens), in one round trip."""
        return self._ask(("count_tokens", list(texts)))

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Unit-length vectors of ``texts`` from an embedding model (loaded with ``LoadOptions(embedding=True)``)."""
        return self._ask(("embed", list(texts)), timeout=600, what="computing embeddings")

    def count_chat_tokens(self, messages: list[dict]) -> int:
        """Exactly how many prompt tokens ``chat(messages)`` would send (template included)."""
        return self._ask(("count_chat", list(messages)))

    def new_request_id(self) -> int:
        """An id for the next request. Safe from any thread."""
        with self._ids_lock:
            return self._ids.new()

    def cancel(self, request_id: int | None = None) -> None:
        """Stop request ``request_id``, or without an id everything asked so far.
        Safe from any thread; returns at once.

        A named request that has not started yet is cancelled when it does; no
        other request is affected (a chat reply queued behind a summary survives
        the summary's Stop).
        """
        with self._ids_lock:
            running = self._running_id
            target = self._ids.stop(request_id)
            if request_id is None:
                self._cancel[0] = self._ids.upto
            elif running and running == target:
                # The host's one per-request slot names the running request only: a Stop of a queued
                # one (kept in self._ids until it starts) must not take the slot from it.
                self._cancel[1] = target
            # Compared and set under the lock: a request starting meanwhile never gets a stale Stop's clock.
            if running and (running == target or (request_id is None and running <= target)):
                self._cancel_time = time.monotonic()

    def _is_cancelled(self, rid: int) -> bool:
        with self._ids_lock:
            return self._ids.stopped(rid)

    def kill_host(self) -> None:
        """Test and emergency hook: end the host the hard way."""
        if self._proc is not None and self._proc.is_alive():
            os.kill(self._proc.pid, signal.SIGKILL)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.unload()


__all__ = ["EngineClient", "CancelledError"]
