"""QApplication, the main window, and how the panes are assembled."""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Callable

from gui.qt import QObject, QtCore, QtGui, QtWidgets, Qt, Signal

from engine import logs
from engine.config import AppConfig
from engine.errors import HearthError
from gui import gc_guard
from gui.bridge import EngineThread
from gui.panes.chat.chat_pane import ChatPane
from gui.widgets.banner import Banner
from gui.widgets.model_picker import ModelPicker

APP_TITLE = "Hearth"
ICON_SIZES = (16, 32, 48, 64, 128, 256)

log = logging.getLogger("gui.app")


# ---- errors nobody caught --------------------------------------------------------------
class ExceptionHook(QObject):
    """Unexpected exceptions anywhere in the app: logged with the traceback, shown in a banner.

    Installed as ``sys.excepthook`` (PySide calls it for exceptions in slots and
    event handlers, on whatever thread they ran) and ``threading.excepthook``
    (Python threads). The object lives in the GUI thread: ``raised`` is emitted
    from the failing thread, so from any other thread the banner update is
    queued into the GUI thread.
    """

    raised = Signal(str)

    def __init__(self, show: Callable[[str], None], parent=None):
        super().__init__(parent)
        self._show = show
        self._prev_sys = None
        self._prev_thread = None
        self.raised.connect(self._on_raised)

    def install(self) -> "ExceptionHook":
        self._prev_sys, self._prev_thread = sys.excepthook, threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self.handle:
            sys.excepthook = self._prev_sys or sys.__excepthook__
        if threading.excepthook == self._handle_thread:
            threading.excepthook = self._prev_thread or threading.__excepthook__

    @staticmethod
    def message(exc_type, exc) -> str:
        if isinstance(exc, HearthError):
            return str(exc)   # a sentence meant for the user that nobody caught
        text = " ".join(str(exc).split())
        if len(text) > 200:
            text = text[:200] + "…"
        return (f"Something went wrong: {exc_type.__name__}{': ' + text if text else ''}. "
                f"Hearth keeps running; {logs.where()}.")

    def handle(self, exc_type, exc, tb, thread_name: str | None = None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            (self._prev_sys or sys.__excepthook__)(exc_type, exc, tb)
            return
        try:
            where = f" in thread {thread_name}" if thread_name else ""
            log.error("unexpected error%s", where, exc_info=(exc_type, exc, tb))
            self.raised.emit(self.message(exc_type, exc))
        except Exception:
            # The window is gone (shutting down) or logging failed: never raise from here.
            try:
                sys.__excepthook__(exc_type, exc, tb)
            except Exception:
                pass

    def _handle_thread(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback,
                    args.thread.name if args.thread is not None else None)

    def _on_raised(self, message: str) -> None:
        self._show(message)


# ---- missing system libraries for Qt's X11 plugin -----------------------------------------
# What Qt's xcb platform plugin links against (ldd libqxcb.so / libQt6XcbQpa.so.6), with the
# Debian/Ubuntu package for each. A minimal desktop often lacks the first three.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def uses_xcb(env=None, platform: str | None = None) -> bool:
    """Whether Qt will start its X11 (xcb) platform plugin here."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") or env.get("HEARTH_SKIP_PLATFORM_CHECK"):
        return False
    qpa = (env.get("QT_QPA_PLATFORM") or "").strip()
    if qpa:
        return qpa.split(";")[0].split(":")[0].strip() == "xcb"
    # Unset: Qt takes Wayland in a Wayland session (xcb only as its fallback), X11 with DISPLAY.
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_xcb_libraries(load: Callable[[str], object] | None = None,
                          extra_dirs: list[str] | None = None) -> list[tuple[str, str]]:
    """(library, package) for each library of Qt's xcb plugin that cannot be loaded."""
    load = load or ctypes.CDLL
    if extra_dirs is None:
        try:
            extra_dirs = [QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.LibrariesPath)]
        except Exception:
            extra_dirs = []
    missing = []
    for lib, package in XCB_LIBRARIES.items():
        for candidate in [lib] + [os.path.join(d, lib) for d in extra_dirs if d]:
            try:
                load(candidate)
                break
            except OSError:
                continue
        else:
            missing.append((lib, package))
    return missing


def platform_problem(env=None, platform: str | None = None,
                     load: Callable[[str], object] | None = None) -> str | None:
    """One sentence naming the packages to install when Qt's X11 plugin could not load, else None."""
    if not uses_xcb(env, platform):
        return None
    missing = missing_xcb_libraries(load, extra_dirs=None if load is None else [])
    if not missing:
        return None
    libs = ", ".join(lib for lib, _ in missing)
    packages = " ".join(pkg for _, pkg in missing)
    return (f"hearth: the desktop app cannot start because system libraries that Qt needs for X11 are "
            f"missing ({libs}); on Debian or Ubuntu install them with: sudo apt-get install {packages}")


def app_icon() -> QtGui.QIcon:
    """The window icon, from the PNG sizes (the SVG when they are missing)."""
    from engine.resources import resource_path

    icon = QtGui.QIcon()
    for size in ICON_SIZES:
        try:
            icon.addFile(str(resource_path(f"icons/hearth-{size}.png")), QtCore.QSize(size, size))
        except FileNotFoundError:
            continue
    if icon.isNull():
        try:
            icon = QtGui.QIcon(str(resource_path("icons/hearth.svg")))
        except FileNotFoundError:
            pass
    return icon


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, config: AppConfig | None = None, *, auto_load: bool = True):
        super().__init__()
        gc_guard.install()  # before any worker thread starts
        self.config = config or AppConfig.load()
        self.engine = EngineThread(self.config)
        self.bridge = self.engine.bridge
        self.auto_load = auto_load
        self._first_library = True
        self.loaded_path: str | None = None
        self.setWindowTitle(APP_TITLE)
        self.resize(1100, 760)
        self._build()
        self._connect()
        self.show_policy_problem()
        self.bridge.refreshLibraryRequested.emit()

    def show_policy_problem(self) -> bool:
        """An invalid policy file: everything online is off; the banner says which line is wrong."""
        problem = self.config.policy.problem()
        if problem:
            self.banner.show_message(problem[:1].upper() + problem[1:] + ".", "warning")
        return bool(problem)

    # ---- layout -------------------------------------------------------------------
    def _build(self) -> None:
        central = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(central)
        lay.setContentsMargins(8, 8, 8, 4)
        self.picker = ModelPicker()
        lay.addWidget(self.picker)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setDocumentMode(True)
        self.chat = ChatPane(self.bridge)
        self.chat.reloadRequested.connect(self._reload_with)
        self.tabs.addTab(self.chat, "Chat")
        self._add_optional_panes()
        lay.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        sb = self.statusBar()
        self.speed_label = QtWidgets.QLabel("")
        sb.addPermanentWidget(self.speed_label)
        sb.showMessage("Starting…")
        self.about_action = self.menuBar().addMenu("&Help").addAction("&About Hearth")
        self.about_action.triggered.connect(self.show_about)

    def _add_optional_panes(self) -> None:
        """Panes beyond chat are added when their code is present and policy allows."""
        try:
            from gui.panes.summarize.summarize_pane import SummarizePane
        except ModuleNotFoundError as e:
            if not (e.name or "").startswith("gui.panes.summarize"):
                raise
        else:
            self.summarize_pane = SummarizePane(self.bridge)
            self.tabs.addTab(self.summarize_pane, "Summarise")
        try:
            from gui.panes.compare.compare_pane import ComparePane
        except ModuleNotFoundError as e:
            if not (e.name or "").startswith("gui.panes.compare"):
                raise
        else:
            self.compare_pane = ComparePane(self.bridge)
            self.tabs.addTab(self.compare_pane, "Compare")
        try:
            from gui.panes.models.models_pane import ModelsPane
        except ImportError:
            return
        self.models_pane = ModelsPane(self.bridge, self.config)
        self.tabs.addTab(self.models_pane, "Models")

    def _connect(self) -> None:
        b = self.bridge
        self.picker.loadClicked.connect(self.load_model)
        self.picker.unloadClicked.connect(self.unload_model)
        b.loadProgress.connect(self.picker.set_load_progress)
        b.libraryChanged.connect(self._on_library)
        b.loadStarted.connect(self._on_load_started)
        b.loaded.connect(self._on_loaded)
        b.loadFailed.connect(self._on_load_failed)
        b.unloaded.connect(self._on_unloaded)
        b.hostCrashed.connect(self._on_host_crashed)
        self.chat.errorRaised.connect(self.show_error)
        self.chat.statsChanged.connect(self._on_stats)

    # ---- actions ------------------------------------------------------------------
    def load_model(self, path: str, options: dict | None = None) -> None:
        """Load ``path`` with the app's load settings, then the conversation's, then ``options``."""
        self.banner.hide()
        opts = dict(self.config.settings.get("load", {}) or {})
        opts.update(self.chat.load_options())
        opts.update(options or {})
        self.bridge.loadRequested.emit(path, self.config.policy.pin_load(opts))   # locked settings win

    def unload_model(self) -> None:
        """Unload, or stop a load in progress: the flag is set directly, the request is queued."""
        self.bridge.cancel()
        self.bridge.unloadRequested.emit()

    def _reload_with(self, options: dict) -> None:
        path = self.loaded_path or self.picker.current_path()
        if path:
            self.load_model(path, options)

    def show_about(self) -> None:
        """Help → About Hearth: version, and the llama.cpp build this copy runs (gui/about.py)."""
        from gui.about import AboutDialog

        self.about_dialog = AboutDialog(self)
        self.about_dialog.open()

    def show_error(self, message: str) -> None:
        kind = "error"
        if message.startswith("info:"):
            kind, message = "info", message[5:]
        self.banner.show_message(message, kind)

    # ---- bridge events -------------------------------------------------------------
    def _on_library(self, entries: list) -> None:
        last = self.config.settings.get("last_model")
        self.picker.set_models(entries, select_path=last)
        usable = [e for e in entries if e.ok]
        self.statusBar().showMessage(f"{len(usable)} model(s) in the library", 5000)
        if self._first_library:
            self._first_library = False
            pane = getattr(self, "models_pane", None)
            if pane is not None and pane.is_first_run(entries):
                # First run: open on the welcome page (starter model to try, curated downloads).
                self.tabs.setCurrentWidget(pane)
                pane.show_welcome()
            if not usable:
                from engine.packaged import is_frozen, no_model_hint

                self.show_error("info:No models yet: " + no_model_hint() + "." if is_frozen() else
                                "info:No models yet. Download one in the Models tab, or " + no_model_hint() + ".")
            elif self.auto_load and self.loaded_path is None:
                # Ready to chat at once: the last model used, else the administrator's default model,
                # else the only/starter model.
                target = next((e for e in usable if str(e.path) == last), None)
                dm = self.config.policy.default_model
                target = target or next((e for e in usable if dm and dm.lower() in (
                    e.name.lower(), e.path.name.lower(), str(e.path).lower())), None)
                target = target or next((e for e in usable if e.source == "starter"), None) or usable[0]
                self.picker.set_models(entries, select_path=str(target.path))
                self.load_model(str(target.path))
            if not usable:
                self.show_policy_problem()   # more important than the "no models yet" notice

    def _on_load_started(self, path: str) -> None:
        self.picker.set_loading(Path(path).stem)

    def _on_loaded(self, info: dict) -> None:
        self.loaded_path = info["path"]
        name = Path(info["path"]).stem
        self.picker.set_loaded(name)
        where = "GPU" if info.get("gpu_layers") else "CPU"
        self.statusBar().showMessage(
            f"{name} loaded in {info.get('load_s', 0):.1f} s · context {info.get('n_ctx')} · {where} · "
            f"{info.get('threads')} threads", 8000)
        self.chat.input.setFocus()

    def _on_load_failed(self, message: str) -> None:
        self.picker.set_loaded(Path(self.loaded_path).stem if self.loaded_path and self.bridge.client.alive else None)
        self.show_error(message)

    def _on_unloaded(self) -> None:
        self.loaded_path = None
        self.picker.set_loaded(None)
        self.statusBar().showMessage("Model unloaded: its memory is free again.", 5000)

    def _on_host_crashed(self, message: str) -> None:
        self.show_error(message + " Your conversation is kept; send again to restart the model.")

    def _on_stats(self, s: dict) -> None:
        self.speed_label.setText(
            f"{s.get('gen_tok_s', 0):.1f} tok/s · first token {s.get('ttft_s', 0):.2f} s · "
            f"prompt {s.get('prompt_tok_s', 0):.0f} tok/s · {s.get('completion_tokens', 0)} tokens")

    # ---- shutdown -----------------------------------------------------------------
    def closeEvent(self, e: QtGui.QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(e)

    def shutdown(self) -> None:
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self.chat.shutdown()
        if hasattr(self, "summarize_pane"):
            self.summarize_pane.shutdown()
        if hasattr(self, "compare_pane"):
            self.compare_pane.shutdown()
        if hasattr(self, "models_pane") and hasattr(self.models_pane, "shutdown"):
            self.models_pane.shutdown()
        self.engine.shutdown()
        gc_guard.uninstall()


def _fonts(app: QtWidgets.QApplication) -> None:
    # Japanese and emoji come from the platform's font fallback; a slightly
    # larger default size reads better for long chats.
    f = app.font()
    if f.pointSizeF() < 10:
        f.setPointSizeF(10)
        app.setFont(f)


def main(argv: list[str] | None = None) -> int:
    problem = platform_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    QtCore.QCoreApplication.setApplicationName(APP_TITLE)
    QtCore.QCoreApplication.setOrganizationName(APP_TITLE)
    QtGui.QGuiApplication.setDesktopFileName("hearth")   # Wayland app id: packaging/hearth.desktop
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0], *(argv or [])])
    _fonts(app)
    app.setWindowIcon(app_icon())
    try:
        config = AppConfig.load()
    except HearthError as e:
        QtWidgets.QMessageBox.critical(None, APP_TITLE, str(e))
        return 2
    try:
        logs.setup_logging(config.paths.log_dir, debug=logs.debug_enabled(config.settings, config.policy),
                           component="gui")
    except Exception:
        pass  # no log file: the app still runs; error banners say so
    try:
        win = MainWindow(config)
    except Exception as e:
        log.error("the main window could not be built", exc_info=True)
        detail = str(e) if isinstance(e, HearthError) else f"{type(e).__name__}: {e}"
        QtWidgets.QMessageBox.critical(None, APP_TITLE, f"Hearth could not start ({detail}); {logs.where()}.")
        return 3
    hook = ExceptionHook(win.show_error, parent=win).install()
    win.show()
    if os.environ.get("HEARTH_SCREENSHOT"):
        # For docs and visual checks: grab the window after a delay and quit.
        out, _, delay = os.environ["HEARTH_SCREENSHOT"].partition(":")

        def grab():
            win.grab().save(out)
            win.close()

        QtCore.QTimer.singleShot(int(delay or 4000), grab)
    if os.environ.get("HEARTH_EXIT_AFTER_SHOWN"):
        # Cold start (packaging/smoke_test.py, bench/RESULTS.md): once the window is on screen
        # (exposed), print the seconds since the process started, then close it normally (exit 0).
        from engine.packaged import seconds_since_start

        def exit_when_shown():
            handle = win.windowHandle()
            if handle is None or not handle.isExposed():
                QtCore.QTimer.singleShot(5, exit_when_shown)
                return
            print(f"hearth: window shown {seconds_since_start():.3f} s after start", flush=True)
            win.close()

        QtCore.QTimer.singleShot(0, exit_when_shown)
    try:
        rc = app.exec()
    finally:
        win.shutdown()
        hook.uninstall()
    return rc
