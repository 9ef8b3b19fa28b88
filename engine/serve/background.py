"""The local OpenAI-compatible API run from inside another program (the desktop app's switch).

``python main.py serve`` owns its process; the app instead runs the same pieces — the socket bound
first (a taken port fails at once, in one sentence), a ``ModelWorker`` whose ``EngineClient`` starts
a Hearth host process (so the machine-wide core budget applies), ``create_app`` and a
``uvicorn.Server`` — on one background thread, and stops them with ``should_exit`` (no signals: only
the main thread may take those). The same checks as the CLI apply: the policy's ``"disable":
["serve"]``, loopback only unless an API key of at least 16 characters is set (the caller asks for the
confirmation), and the ``guard.Access`` the settings give (allowed origins and host names, body limit).

``on_ready(url)`` and ``on_stopped(error)`` are called from the background thread. No Qt here.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from engine.errors import BadInputError, HearthError
from engine.serve.guard import Access, check_api_key
from engine.serve.listen import bind, is_loopback

log = logging.getLogger("engine.serve")


def check_request(policy, host: str, port: int, api_key: str | None) -> bool:
    """BadInputError when serving ``host:port`` is not allowed; returns whether the address is loopback."""
    if not policy.allows("serve"):
        raise BadInputError("serving is switched off by your administrator")
    if not 0 <= int(port) <= 65535:
        raise BadInputError(f"the port must be between 0 and 65535 (got {port})")
    host = (host or "").strip()
    if not host:
        raise BadInputError("give an address to listen on (127.0.0.1: this computer only)")
    loopback = is_loopback(host)
    if not loopback and not (api_key or "").strip():
        raise BadInputError(f"serving on {host} (not this computer only) needs an API key")
    if not loopback:
        check_api_key(host, api_key)
    return loopback


def missing_extra() -> str | None:
    """The sentence saying the 'serve' extra is missing, or None when it is installed."""
    try:
        import sse_starlette  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        return f"serving needs the 'serve' extra ({e.name} is missing): pip install 'hearth[serve]'"
    return None


def _sentence(e: BaseException) -> str:
    if isinstance(e, HearthError):
        return str(e)
    return f"serving stopped: {type(e).__name__}: {e}"


class BackgroundServer:
    """One served model on a background thread: ``start()`` returns at once, ``stop()`` ends it."""

    def __init__(self, config, model_path, *, model_name: str | None = None, host: str = "127.0.0.1",
                 port: int = 8765, api_key: str | None = None, load_options=None,
                 on_ready=None, on_stopped=None, client=None, access: Access | None = None, on_notice=None):
        """``client``: an EngineClient that already has this model loaded (the app's chat): the API
        shares its model process (one copy of the model in memory) instead of starting its own.
        ``access``: allowed origins and host names, the body limit (``Access.from_settings``)."""
        self.config = config
        self.model_path = Path(model_path)
        self.model_name = model_name or self.model_path.stem
        self.host = (host or "").strip()
        self.port = int(port)
        self.api_key = (api_key or "").strip() or None
        self.access = access or Access()
        self.on_notice = on_notice   # its own model process did something by itself (the CPU fallback)
        self.load_options = load_options
        self.on_ready = on_ready
        self.on_stopped = on_stopped
        self.url: str | None = None
        self.error: str | None = None
        self.client = client
        self.worker = None
        self._server = None
        self._sock = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def shared(self) -> bool:
        """Whether the API uses another's model process (see ``client``)."""
        return self.client is not None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Check, bind the socket (BadInputError at once: policy, no key, port in use) and start."""
        problem = missing_extra()
        if problem:
            raise BadInputError(problem)
        policy = self.config.policy
        check_request(policy, self.host, self.port, self.api_key)
        from engine.host.protocol import LoadOptions
        from engine.serve.worker import ModelWorker

        if not self.model_path.is_file():
            raise BadInputError(f"the model file {self.model_path} does not exist")
        opts = self.load_options or LoadOptions()
        pinned = policy.pin_load({"n_ctx": opts.n_ctx, "gpu_layers": opts.gpu_layers})
        opts.n_ctx, opts.gpu_layers = pinned["n_ctx"], pinned["gpu_layers"]
        self._sock = bind(self.host, self.port)
        self.worker = ModelWorker(self.model_path, opts, log_dir=self.config.paths.log_dir, client=self.client,
                                  shared=self.client is not None, on_notice=self.on_notice)
        self._thread = threading.Thread(target=self._main, name="hearth-serve", daemon=True)
        self._thread.start()

    def _main(self) -> None:
        error = None
        try:
            self.worker.start()
            self.worker.wait_ready()
            if not self._stop.is_set():
                self._serve()
        except BaseException as e:  # noqa: BLE001 - reported to the caller in one sentence
            error = _sentence(e)
            log.warning("serving failed: %s", error)
        finally:
            try:
                self.worker.stop()
            except Exception:
                log.warning("stopping the served model failed", exc_info=True)
            try:
                self._sock.close()
            except Exception:
                pass
            self.error = error
            if self.on_stopped is not None:
                try:
                    self.on_stopped(error)
                except Exception:
                    log.warning("on_stopped failed", exc_info=True)

    def _serve(self) -> None:
        import uvicorn

        from engine.serve.app import ServeState, create_app

        try:
            from sse_starlette.sse import AppStatus

            AppStatus.should_exit = False   # a previous stop set it: new streams must run
        except Exception:
            pass
        host, port = self._sock.getsockname()[:2]
        state = ServeState(self.worker, self.model_name, api_key=self.api_key, policy=self.config.policy,
                           aliases=(self.model_path.name, self.model_path.stem), access=self.access,
                           bound=(self.host, host))
        app = create_app(state)
        shown = f"[{host}]" if ":" in host else host
        owner = self

        class Server(uvicorn.Server):
            async def startup(self, sockets=None):
                await super().startup(sockets=sockets)
                if owner._stop.is_set():
                    self.should_exit = True
                if not self.should_exit:
                    owner.url = f"http://{shown}:{port}/v1"
                    log.info("serving %s at %s (api key %s)", owner.model_name, owner.url,
                             "set" if owner.api_key else "not set")
                    if owner.on_ready is not None:
                        owner.on_ready(owner.url)

        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", log_config=None,
                                timeout_graceful_shutdown=5)
        server = self._server = Server(config)
        if self._stop.is_set():
            return
        server.run(sockets=[self._sock])
        log.info("stopped serving %s", self.model_name)

    def stop(self, wait: bool = False, timeout: float = 20) -> bool:
        """Stop serving (the API's requests in flight are cancelled; sharing the chat's model process, only
        those); with ``wait``, until the thread ended.
        Returns whether it has ended."""
        self._stop.set()
        server = self._server
        if server is not None:
            try:
                from sse_starlette.sse import AppStatus

                AppStatus.should_exit = True   # open streams end
            except Exception:
                pass
            server.should_exit = True
        worker = self.worker
        if worker is not None:
            try:
                if worker.shared:
                    worker.cancel_own()     # the chat's client: its own reply or load goes on
                else:
                    worker.client.cancel()  # our own host: everything, a load in progress too
            except Exception:
                pass
        if wait and self._thread is not None:
            self._thread.join(timeout)
        return not self.running
