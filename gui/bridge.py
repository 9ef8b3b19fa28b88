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
"""

from __future__ import annotations

import threading
import time

from engine.config import AppConfig
from engine.errors import HearthError, HostCrashedError
from engine.host.client import EngineClient
from engine.host.protocol import LoadOptions, SamplingOptions
from engine.library import ModelLibrary
from gui.qt import QObject, QThread, Signal, Slot

# Views get at most this many token batches per second.
EMIT_INTERVAL_S = 1 / 30


class EngineBridge(QObject):
    # ---- requests (connect with queued connections; run on the bridge thread)
    loadRequested = Signal(str, dict)          # model path, LoadOptions dict
    unloadRequested = Signal()
    chatRequested = Signal(list, dict, int)    # messages, SamplingOptions dict, request id (new_request_id())
    refreshLibraryRequested = Signal()

    # ---- what happened
    libraryChanged = Signal(list)              # [ModelEntry]
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

    def __init__(self, config: AppConfig | None = None):
        super().__init__()
        self.config = config or AppConfig.load()
        self.library = ModelLibrary(self.config)
        self.client = EngineClient(log_dir=self.config.paths.log_dir, lower_priority=True)
        self.busy = False
        self.engine_thread_ident: int | None = None  # for tests: where engine calls ran
        self.loadRequested.connect(self._load)
        self.unloadRequested.connect(self._unload)
        self.chatRequested.connect(self._chat)
        self.refreshLibraryRequested.connect(self._refresh_library)

    # Called directly from the GUI thread.
    def new_request_id(self) -> int:
        return self.client.new_request_id()

    def cancel(self, request_id: int | None = None) -> None:
        """Stop request ``request_id`` (and older ones); without an id, everything asked so far."""
        self.client.cancel(request_id)

    # ---- slots (bridge thread) --------------------------------------------------
    @Slot()
    def _refresh_library(self) -> None:
        self.engine_thread_ident = threading.get_ident()
        try:
            models = self.library.list_models()
        except Exception as e:  # never let a surprise kill the thread or hide the library
            models = []
            self.loadFailed.emit(f"The model library could not be listed: {e}")
        if not any(m.ok for m in models):
            # First run: nothing installed, so offer the starter model (assembled once).
            try:
                if self.library.ensure_starter():
                    models = self.library.list_models()
            except Exception as e:  # the starter model is a convenience; report, carry on
                self.loadFailed.emit(f"The starter model could not be prepared: {e}")
        self.libraryChanged.emit(models)

    @Slot(str, dict)
    def _load(self, path: str, opts: dict) -> None:
        self.engine_thread_ident = threading.get_ident()
        self.busy = True
        self.loadStarted.emit(path)
        try:
            info = self.client.load(path, LoadOptions.from_dict(opts), on_progress=self.loadProgress.emit)
        except HearthError as e:
            self.loadFailed.emit(str(e))
        except Exception as e:  # never let an engine surprise kill the thread
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
        pending: list[str] = []
        last_emit = 0.0

        def on_text(chunk: str) -> None:
            nonlocal last_emit
            pending.append(chunk)
            now = time.monotonic()
            if now - last_emit >= EMIT_INTERVAL_S:
                self.tokensArrived.emit("".join(pending))
                pending.clear()
                last_emit = now

        self.generationStarted.emit()
        try:
            stats = self.client.chat(messages, SamplingOptions.from_dict(sampling), on_text=on_text,
                                     request_id=request_id or None)
        except HostCrashedError as e:
            if pending:
                self.tokensArrived.emit("".join(pending))
            self.hostCrashed.emit(str(e))
            self.generationFailed.emit(str(e))
        except HearthError as e:
            if pending:
                self.tokensArrived.emit("".join(pending))
            self.generationFailed.emit(str(e))
        except Exception as e:
            self.generationFailed.emit(f"Generation failed: {e}")
        else:
            if pending:
                self.tokensArrived.emit("".join(pending))
            self.generationFinished.emit(stats.to_dict())
        finally:
            self.busy = False

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
        self.bridge.cancel()  # a running reply stops within one token
        self.thread.quit()    # takes effect when the current slot returns
        if not self.thread.wait(timeout_ms):
            self.bridge.client.kill_host()
            self.thread.wait(3000)
        self.bridge.client.unload()  # the thread has stopped: safe from here
