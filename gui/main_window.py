"""The main window: the model picker, the banner and the panes as tabs; the menus with their shortcuts,
the status bar, drag and drop, the saved window layout, notifications, and closing everything down.

Panes beyond chat are added when their package is present (``_add_optional_panes``). The sections below:
layout, actions, menus, preferences, window state, drag and drop, notifications, bridge events, shutdown.
``main()`` (gui/app.py) builds one; the tests build their own (tests/gui/conftest.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

from gui.qt import QtCore, QtGui, QtWidgets, Qt

from engine.config import AppConfig
from gui import gc_guard
from gui.settings import appearance
from gui.bridge import EngineThread
from gui.branding import APP_TITLE
from gui.model_check import ModelCheckRelay
from gui.notifier import Notifier
from gui.panes.chat.chat_pane import ChatPane
from gui.widgets.banner import Banner
from gui.widgets.drops import dropped_paths
from gui.widgets.model_picker import ModelPicker

PANE_KEYS = ("chat", "summarize", "compare", "models", "ask")   # View menu and tab order: Ctrl+1..5
DOCS_URL = "https://github.com/hearth-app/hearth#readme"

# One logger for the app's shell (app.py, app_setup.py, exception_hook.py, main_window.py).
log = logging.getLogger("gui.app")


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
        self.settings_window = None
        self._build()
        self._connect()
        self.notifier = Notifier(self)
        self._connect_notifications()
        self._build_menus()
        self._tab_order()
        self.setAcceptDrops(True)
        QtWidgets.QApplication.instance().installEventFilter(self)   # drops onto any child widget
        self.restore_state()
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
        self.tabs.addTab(self.chat, self.tr("Chat"))
        self._add_optional_panes()
        lay.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        sb = self.statusBar()
        self.speed_label = QtWidgets.QLabel("")
        sb.addPermanentWidget(self.speed_label)
        sb.showMessage(self.tr("Starting…"))

    def _add_optional_panes(self) -> None:
        """Panes beyond chat are added when their code is present and policy allows."""
        try:
            from gui.panes.summarize.summarize_pane import SummarizePane
        except ModuleNotFoundError as e:
            if not (e.name or "").startswith("gui.panes.summarize"):
                raise
        else:
            self.summarize_pane = SummarizePane(self.bridge)
            self.tabs.addTab(self.summarize_pane, self.tr("Summarise"))
        try:
            from gui.panes.compare.compare_pane import ComparePane
        except ModuleNotFoundError as e:
            if not (e.name or "").startswith("gui.panes.compare"):
                raise
        else:
            self.compare_pane = ComparePane(self.bridge)
            self.tabs.addTab(self.compare_pane, self.tr("Compare"))
        try:
            from gui.panes.models.models_pane import ModelsPane
        except ImportError:
            pass
        else:
            self.models_pane = ModelsPane(self.bridge, self.config)
            self.tabs.addTab(self.models_pane, self.tr("Models"))
        try:
            from gui.panes.ask.ask_pane import AskPane
        except ModuleNotFoundError as e:
            if not (e.name or "").startswith("gui.panes.ask"):
                raise
        else:
            self.ask_pane = AskPane(self.bridge)
            self.tabs.addTab(self.ask_pane, self.tr("Ask"))

    def _connect(self) -> None:
        b = self.bridge
        self.picker.loadClicked.connect(self.load_model)
        self.picker.unloadClicked.connect(self.unload_model)
        b.loadProgress.connect(self.picker.set_load_progress)
        b.libraryChanged.connect(self._on_library)
        b.remoteModelsChanged.connect(self.picker.set_remote_models)
        b.loadStarted.connect(self._on_load_started)
        b.loaded.connect(self._on_loaded)
        b.loadFailed.connect(self._on_load_failed)
        b.unloaded.connect(self._on_unloaded)
        b.hostCrashed.connect(self._on_host_crashed)
        b.engineNotice.connect(self._on_engine_notice)
        self.chat.errorRaised.connect(self.show_error)
        self.chat.statsChanged.connect(self._on_stats)

    # ---- actions ------------------------------------------------------------------
    def load_model(self, path: str, options: dict | None = None) -> None:
        """Load ``path`` with the app's load settings, then the conversation's, then ``options``."""
        self.banner.hide()
        from engine.preferences import default_load

        opts = default_load(self.config.settings).to_dict()   # Preferences: context, GPU layers, threads
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

    # ---- menus ----------------------------------------------------------------------
    def _action(self, menu: QtWidgets.QMenu, text: str, slot, shortcuts=(), name: str = "") -> QtGui.QAction:
        act = menu.addAction(text)
        keys: list[QtGui.QKeySequence] = []
        for sc in shortcuts:
            seqs = QtGui.QKeySequence.keyBindings(sc) if isinstance(sc, QtGui.QKeySequence.StandardKey) \
                else [QtGui.QKeySequence(sc)]
            keys += [k for k in seqs if not k.isEmpty() and k not in keys]
        if keys:
            act.setShortcuts(keys)
        act.triggered.connect(lambda _=False: slot())
        if name:
            act.setObjectName(name)
            self.actions_by_name[name] = act
        return act

    def _build_menus(self) -> None:
        """File, Edit, View, Models, Help, with the usual shortcuts."""
        SK = QtGui.QKeySequence.StandardKey
        self.actions_by_name: dict[str, QtGui.QAction] = {}
        mb = self.menuBar()
        m = self.file_menu = mb.addMenu(self.tr("&File"))
        self._action(m, self.tr("&Import model…"), self.import_model_dialog, ["Ctrl+I"], "import_model")
        self._action(m, self.tr("&Open document…"), self.open_document_dialog, [SK.Open], "open_document")
        self._action(m, self.tr("&Export…"), self.export_current, ["Ctrl+E"], "export")
        m.addSeparator()
        pref = self._action(m, self.tr("&Preferences…"), self.show_preferences, [SK.Preferences, "Ctrl+,"],
                            "preferences")
        pref.setMenuRole(QtGui.QAction.MenuRole.PreferencesRole)
        m.addSeparator()
        quit_ = self._action(m, self.tr("&Quit"), self.close, [SK.Quit, "Ctrl+Q"], "quit")
        quit_.setMenuRole(QtGui.QAction.MenuRole.QuitRole)

        m = self.edit_menu = mb.addMenu(self.tr("&Edit"))
        self._action(m, self.tr("&Copy"), lambda: self._edit("copy"), [SK.Copy], "copy")
        self._action(m, self.tr("Select &all"), lambda: self._edit("selectAll"), [SK.SelectAll], "select_all")
        m.addSeparator()
        self._action(m, self.tr("&Find conversations…"), self.find, [SK.Find], "find")

        m = self.view_menu = mb.addMenu(self.tr("&View"))
        names = {"chat": self.tr("&Chat"), "summarize": self.tr("&Summarise"), "compare": self.tr("C&ompare"),
                 "models": self.tr("&Models"), "ask": self.tr("&Ask your documents")}
        for i, key in enumerate(k for k in PANE_KEYS if self.pane(k) is not None):
            self._action(m, names[key], lambda k=key: self.show_pane(k), [f"Ctrl+{i + 1}"], f"pane_{key}")
        m.addSeparator()
        theme_menu = m.addMenu(self.tr("&Theme"))
        self.theme_group = QtGui.QActionGroup(self)
        current = self.config.settings.get("theme", "system") or "system"
        for code, text in (("system", self.tr("Follow the &system")), ("light", self.tr("&Light")),
                           ("dark", self.tr("&Dark"))):
            act = self._action(theme_menu, text, lambda c=code: self.set_theme(c), (), f"theme_{code}")
            act.setCheckable(True)
            act.setChecked(code == current)
            self.theme_group.addAction(act)
        m.addSeparator()
        self._action(m, self.tr("&Bigger text"), lambda: self.change_font_size(+1), [SK.ZoomIn, "Ctrl+="],
                     "font_bigger")
        self._action(m, self.tr("S&maller text"), lambda: self.change_font_size(-1), [SK.ZoomOut],
                     "font_smaller")
        self._action(m, self.tr("&Default text size"), lambda: self.change_font_size(0), ["Ctrl+0"],
                     "font_default")

        m = self.models_menu = mb.addMenu(self.tr("&Models"))
        self._action(m, self.tr("&Load the selected model"), self._load_selected, ["Ctrl+L"], "load_model")
        self._action(m, self.tr("&Unload"), self.unload_model, ["Ctrl+Shift+L"], "unload_model")
        m.addSeparator()
        self._action(m, self.tr("&Manage models…"), lambda: self.show_pane("models"), (), "manage_models")
        self._action(m, self.tr("&Check a model file…"), self.check_model_dialog, (), "check_model")

        m = self.help_menu = mb.addMenu(self.tr("&Help"))
        self._action(m, self.tr("&Documentation"), self.open_documentation, [SK.HelpContents, "F1"], "docs")
        self._action(m, self.tr("Open the &log folder"), self.open_log_folder, (), "log_folder")
        m.addSeparator()
        self.about_action = self._action(m, self.tr("&About Hearth"), self.show_about, (), "about")
        self.about_action.setMenuRole(QtGui.QAction.MenuRole.AboutRole)

    def pane(self, key: str):
        return {"chat": self.chat}.get(key) or getattr(self, f"{key}_pane", None)

    def pane_key(self, widget=None) -> str | None:
        widget = widget if widget is not None else self.tabs.currentWidget()
        return next((k for k in PANE_KEYS if self.pane(k) is widget and widget is not None), None)

    def show_pane(self, key: str) -> bool:
        """Switch to a pane (View → Ctrl+1..5) and put the keyboard focus in it."""
        pane = self.pane(key)
        if pane is None:
            return False
        self.tabs.setCurrentWidget(pane)
        target = self.chat.input if pane is self.chat else \
            pane.question_edit if key == "ask" else self._first_focusable(pane)
        (target or pane).setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    @staticmethod
    def _first_focusable(pane: QtWidgets.QWidget):
        w = pane.nextInFocusChain()
        for _ in range(500):
            if w is None or w is pane:
                return None
            if (pane.isAncestorOf(w) and w.isVisibleTo(pane) and w.isEnabled()
                    and w.focusPolicy() & Qt.FocusPolicy.TabFocus):
                return w
            w = w.nextInFocusChain()
        return None

    def _tab_order(self) -> None:
        """Tab moves model picker → panes; Ctrl+Tab / Ctrl+PgDown switch panes (QTabWidget)."""
        chain = [w for w in (self.picker.combo, getattr(self.picker, "load_button", None), self.tabs) if w]
        for a, b in zip(chain, chain[1:]):
            QtWidgets.QWidget.setTabOrder(a, b)

    def _edit(self, what: str) -> None:
        w = QtWidgets.QApplication.focusWidget()
        fn = getattr(w, what, None) if w is not None else None
        if callable(fn):
            fn()

    def find(self) -> None:
        self.show_pane("chat")
        search = self.chat.sidebar.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def _load_selected(self) -> None:
        path = self.picker.current_path()
        if path:
            self.load_model(path)

    def import_model_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Import a GGUF model"), str(Path.home()),
                                                        self.tr("GGUF models (*.gguf);;All files (*)"))
        if path:
            self.import_model(path)

    def import_model(self, path: str) -> bool:
        """Copy a GGUF file into the library (Models pane's import: checked, then copied off the GUI thread)."""
        pane = getattr(self, "models_pane", None)
        if not self.config.policy.allows("import"):
            self.show_error(self.tr("Importing models is switched off by your administrator."))
            return False
        if pane is None:
            return False
        pane.import_file(path, copy=True)
        self.statusBar().showMessage(self.tr("Importing %1…").replace("%1", Path(path).name), 5000)
        return True

    def open_document_dialog(self) -> None:
        if getattr(self, "summarize_pane", None) is None:
            return
        self.show_pane("summarize")
        self.summarize_pane._open_dialog()

    def export_current(self) -> None:
        """Export what the current pane shows: the conversation (Markdown) or the summary."""
        key = self.pane_key()
        if key == "summarize" and getattr(self.summarize_pane, "summary_id", None):
            self.summarize_pane._export_dialog("md")
        elif key == "compare" and hasattr(self.compare_pane, "_export_clicked"):
            self.compare_pane._export_clicked()
        elif self.chat.conversation_id is not None:
            self.chat._export_dialog(self.chat.conversation_id, "md")
        else:
            self.statusBar().showMessage(self.tr("Nothing to export here yet."), 5000)

    def check_model_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Check a GGUF model file"), str(Path.home()),
                                                        self.tr("GGUF models (*.gguf);;All files (*)"))
        if path:
            self.check_model(path)

    def check_model(self, path: str) -> None:
        """Validate a GGUF file's header on a worker thread; the answer comes as a banner."""
        relay = ModelCheckRelay(self)
        relay.done.connect(self._model_checked)
        self._check_relay = relay
        relay.start(path)

    def _model_checked(self, path: str, error: str) -> None:
        name = Path(path).name
        if error:
            self.show_error(self.tr("%1 is not a usable model: %2").replace("%1", name).replace("%2", error))
        else:
            self.show_error("info:" + self.tr("%1 is a valid GGUF model.").replace("%1", name))

    def open_documentation(self) -> None:
        readme = Path(__file__).resolve().parent.parent / "README.md"
        url = QtCore.QUrl.fromLocalFile(str(readme)) if readme.is_file() else QtCore.QUrl(DOCS_URL)
        QtGui.QDesktopServices.openUrl(url)

    def open_log_folder(self) -> None:
        from gui.settings.settings_window import open_folder

        open_folder(self.config.paths.log_dir)

    # ---- preferences ----------------------------------------------------------------
    def show_preferences(self) -> None:
        """File → Preferences (Ctrl+,): one window, raised when already open."""
        if self.settings_window is None:
            from gui.settings.settings_window import SettingsWindow

            w = self.settings_window = SettingsWindow(self.config, self)
            w.modelFoldersChanged.connect(self.bridge.refreshLibraryRequested.emit)
            w.remoteModelsChanged.connect(self.bridge.remoteModelsChanged.emit)   # every picker learns them
            w.dataCleared.connect(self._on_data_cleared)
            w.restartRequested.connect(self.restart)
            w.theme.currentIndexChanged.connect(lambda _=0: self._check_theme(w.theme.currentData()))
        self.settings_window.show()
        self.settings_window.raise_()
        self.settings_window.activateWindow()

    def _check_theme(self, code: str) -> None:
        act = self.actions_by_name.get(f"theme_{code}")
        if act is not None:
            act.setChecked(True)

    def set_theme(self, code: str) -> None:
        self.config.settings.set("theme", code)
        appearance.apply_theme(QtWidgets.QApplication.instance(), code)
        self._check_theme(code)
        w = self.settings_window
        if w is not None:
            w.theme.blockSignals(True)
            w.theme.setCurrentIndex(max(0, w.theme.findData(code)))
            w.theme.blockSignals(False)

    def change_font_size(self, step: int) -> float:
        """View → Bigger/Smaller text (0: the default size); saved like Preferences → Font size."""
        app = QtWidgets.QApplication.instance()
        if step == 0:
            size = 0
        else:
            current = self.config.settings.get("font_size", 0) or round(appearance.base_font_size(app))
            from engine.preferences import MAX_FONT, MIN_FONT

            size = max(MIN_FONT, min(MAX_FONT, int(current) + step))
        self.config.settings.set("font_size", size)
        w = self.settings_window
        if w is not None:
            w.font_size.blockSignals(True)
            w.font_size.setValue(size)
            w.font_size.blockSignals(False)
        return appearance.apply_font_size(app, size)

    def _on_data_cleared(self, kind: str, count: int) -> None:
        if kind == "chats":
            if not self.chat.generating:
                self.chat._cid = None
                self.chat.new_conversation()
            self.chat.refresh_conversations()
        elif kind == "summaries" and hasattr(self, "summarize_pane"):
            self.summarize_pane.refresh_history()
        elif kind == "comparisons" and hasattr(self, "compare_pane"):
            self.compare_pane.refresh_leaderboard()

    # ---- window state ----------------------------------------------------------------
    def _splitters(self) -> dict[str, QtWidgets.QSplitter]:
        out = {}
        for key in PANE_KEYS:
            pane = self.pane(key)
            if pane is not None:
                for i, sp in enumerate(pane.findChildren(QtWidgets.QSplitter)):
                    out[f"{key}/{i}"] = sp
        return out

    def save_state(self) -> None:
        """Window size and position, splitter positions and the pane in front (settings key ``window``)."""
        b64 = lambda ba: bytes(ba.toBase64()).decode("ascii")   # noqa: E731
        state = {"geometry": b64(self.saveGeometry()), "pane": self.pane_key() or "chat",
                 "splitters": {k: b64(sp.saveState()) for k, sp in self._splitters().items()}}
        try:
            self.config.settings.set("window", state)
        except OSError:
            log.warning("the window's size and layout could not be saved", exc_info=True)

    def restore_state(self) -> None:
        state = self.config.settings.get("window") or {}
        if not isinstance(state, dict):
            return
        ba = lambda s: QtCore.QByteArray.fromBase64(str(s).encode("ascii"))   # noqa: E731
        if state.get("geometry"):
            self.restoreGeometry(ba(state["geometry"]))
        for key, sp in self._splitters().items():
            saved = (state.get("splitters") or {}).get(key)
            if saved:
                sp.restoreState(ba(saved))
        pane = self.pane(state.get("pane") or "")
        if pane is not None:
            self.tabs.setCurrentWidget(pane)

    # ---- drag and drop ---------------------------------------------------------------
    def _drop_target(self, paths: list[str], over=None) -> str | None:
        """What a drop would do: "import" (.gguf files), "document" (on the Summarise pane), or None."""
        if paths and all(p.lower().endswith(".gguf") for p in paths):
            return "import"
        summarize = getattr(self, "summarize_pane", None)
        if paths and summarize is not None and self.tabs.currentWidget() is summarize and not summarize.running:
            if over is not None and (over is summarize or summarize.isAncestorOf(over)):
                return None     # the pane takes it itself (its drop highlight)
            return "document"
        return None

    def handle_drop(self, paths: list[str]) -> str | None:
        """Act on dropped files: import .gguf models, or open a document on the Summarise pane."""
        what = self._drop_target(paths)
        if what == "import":
            for p in paths:
                if not self.import_model(p):
                    break
        elif what == "document":
            self.summarize_pane.open_document(paths[0])
        return what

    def eventFilter(self, obj, e) -> bool:
        t = e.type()
        if t in (QtCore.QEvent.Type.DragEnter, QtCore.QEvent.Type.DragMove, QtCore.QEvent.Type.Drop) \
                and isinstance(obj, QtWidgets.QWidget) and obj.window() is self:
            paths = dropped_paths(e.mimeData())
            if self._drop_target(paths, over=obj) is not None:
                e.acceptProposedAction()
                if t == QtCore.QEvent.Type.Drop:
                    self.handle_drop(paths)
                return True
        return super().eventFilter(obj, e)

    def dragEnterEvent(self, e: QtGui.QDragEnterEvent) -> None:
        if self._drop_target(dropped_paths(e.mimeData())):
            e.acceptProposedAction()
        else:
            e.ignore()

    def dropEvent(self, e: QtGui.QDropEvent) -> None:
        paths = dropped_paths(e.mimeData())
        if self.handle_drop(paths):
            e.acceptProposedAction()
        else:
            e.ignore()

    # ---- notifications ---------------------------------------------------------------
    def _connect_notifications(self) -> None:
        """Finished long jobs tell the user when the window is in the background (existing signals only).

        Bound methods of this window, never lambdas: a lambda connected to a bridge signal runs on the
        bridge thread (see gui/bridge.py), and a tray icon or QApplication.alert made there trips Qt
        ("Cannot create children for a parent that is in a different thread")."""
        self.bridge.loaded.connect(self._notify_loaded)
        self.bridge.summaryFinished.connect(self._notify_summary)
        models = getattr(self, "models_pane", None)
        if models is not None and hasattr(models, "modelDownloaded"):
            models.modelDownloaded.connect(self._notify_download)
        compare = getattr(self, "compare_pane", None)
        if compare is not None:
            compare.evalFinished.connect(self._notify_evaluation)
            compare.runFinished.connect(self._notify_comparison)
        ask = getattr(self, "ask_pane", None)
        if ask is not None:
            ask.indexFinished.connect(self._notify_index)

    def _notify_loaded(self, info: dict) -> None:
        self.notifier.notify(self.tr("Model loaded"), self.tr("%1 is ready.").replace(
            "%1", Path(info.get("path", "")).stem))

    def _notify_summary(self, r: dict) -> None:
        self.notifier.notify(self.tr("Summary finished"), self.tr("The summary of %1 is ready.").replace(
            "%1", str(r.get("name") or Path(str(r.get("path", ""))).name)))

    def _notify_download(self, path: str) -> None:
        self.notifier.notify(self.tr("Download finished"), self.tr("%1 was downloaded and verified.").replace(
            "%1", Path(path).name))

    def _notify_index(self, name: str, _result: dict) -> None:
        self.notifier.notify(self.tr("Indexing finished"), self.tr("The collection %1 is ready to ask.").replace(
            "%1", name))

    def _notify_evaluation(self) -> None:
        self.notifier.notify(self.tr("Evaluation finished"), self.tr("The question-set scores are ready."))

    def _notify_comparison(self) -> None:
        self.notifier.notify(self.tr("Comparison finished"), self.tr("Every model has answered."))

    # ---- bridge events -------------------------------------------------------------
    def _on_library(self, entries: list) -> None:
        last = self.config.settings.get("last_model")
        # embedding models search documents (engine/ask): never offered for chat
        self.picker.set_models([e for e in entries if not getattr(e, "is_embedding", False)], select_path=last)
        usable = [e for e in entries if e.ok]
        self.statusBar().showMessage(self.tr("Models in the library: %n", "", len(usable)), 5000)
        if self._first_library:
            self._first_library = False
            pane = getattr(self, "models_pane", None)
            if pane is not None and pane.is_first_run(entries):
                # First run: open on the welcome page (starter model to try, curated downloads).
                self.tabs.setCurrentWidget(pane)
                pane.show_welcome()
            if not usable:
                from engine.packaged import is_frozen, no_model_hint

                self.show_error("info:" + (self.tr("No models yet: %1.") if is_frozen() else self.tr(
                    "No models yet. Download one in the Models tab, or %1.")).replace("%1", no_model_hint()))
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
        from engine.host.protocol import describe_offload

        # where it really runs, as llama.cpp reports it (not the plan); the plan's note when it changed something
        from gui.engine_messages import translate

        where = translate(describe_offload(info) or ("GPU" if info.get("gpu_layers") else "CPU"))
        # a note may join several sentences ("context reduced …; loaded with …"): each is translated
        note = "; ".join(translate(part) for part in (info.get("plan_note") or "").split("; ") if part)
        self.picker.set_offload(where if info.get("gpu_offload") else "", note)
        self.statusBar().showMessage(
            self.tr("%1 loaded in %2 s · context %3 · %4 · %5 threads").replace("%1", name)
            .replace("%2", f"{info.get('load_s', 0):.1f}").replace("%3", str(info.get("n_ctx")))
            .replace("%4", where).replace("%5", str(info.get("threads"))), 8000)
        if note:
            self.show_error("info:" + self.tr("Model loaded differently than asked: {note}").format(note=note))
        self.chat.input.setFocus()

    def _on_load_failed(self, message: str) -> None:
        self.picker.set_loaded(Path(self.loaded_path).stem if self.loaded_path and self.bridge.client.alive else None)
        self.show_error(message)

    def _on_unloaded(self) -> None:
        self.loaded_path = None
        self.picker.set_loaded(None)
        self.statusBar().showMessage(self.tr("Model unloaded: its memory is free again."), 5000)

    def _on_engine_notice(self, message: str) -> None:
        """Something the engine did by itself that the user should know once (the CPU fallback)."""
        self.banner.show_notice(message)

    def _on_host_crashed(self, message: str) -> None:
        self.show_error(message + " " + self.tr("Your conversation is kept; send again to restart the model."))

    def _on_stats(self, s: dict) -> None:
        self.speed_label.setText(
            self.tr("%1 tok/s · first token %2 s · prompt %3 tok/s · %4 tokens")
            .replace("%1", f"{s.get('gen_tok_s', 0):.1f}").replace("%2", f"{s.get('ttft_s', 0):.2f}")
            .replace("%3", f"{s.get('prompt_tok_s', 0):.0f}").replace("%4", str(s.get("completion_tokens", 0))))

    # ---- shutdown -----------------------------------------------------------------
    def restart(self) -> None:
        """Preferences' Restart now: close as on quit (models, database, local API shut down), then main()
        starts the app again."""
        self.restart_requested = True
        self.close()

    def closeEvent(self, e: QtGui.QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(e)

    def shutdown(self) -> None:
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self.save_state()
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self.settings_window is not None:
            self.settings_window.shutdown()
        self.chat.shutdown()
        if hasattr(self, "summarize_pane"):
            self.summarize_pane.shutdown()
        if hasattr(self, "compare_pane"):
            self.compare_pane.shutdown()
        if hasattr(self, "ask_pane"):
            self.ask_pane.shutdown()
        if hasattr(self, "models_pane") and hasattr(self.models_pane, "shutdown"):
            self.models_pane.shutdown()
        self.engine.shutdown()
        gc_guard.uninstall()
