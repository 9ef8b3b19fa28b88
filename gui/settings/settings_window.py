"""Preferences (Ctrl+,): what is not per-conversation.

Every change is saved at once to the settings file the CLI reads too (``engine.config.Settings``;
the keys are described in ``engine/preferences.py``) and takes effect at once where it can: theme,
font size, debug logging, model folders, and the defaults the next conversation or load starts from.
The language applies at the next start (``gui/i18n.py`` installs the translation once).

Settings the administrator locked (``policy.json``: ``locked_settings``) are shown disabled with the
reason; ``hidden_settings`` are not shown. Clearing stored data asks first, naming what will be lost
(counted in the database); counts and deletions run on a storage thread, never on the GUI thread.
"""

from __future__ import annotations

import os
from pathlib import Path

from gui.qt import QtCore, QtGui, QtWidgets, Qt, Signal

from engine import logs, preferences
from gui.settings import appearance


def _tr(text: str) -> str:
    return QtCore.QCoreApplication.translate("SettingsWindow", text)


def managed_tip() -> str:
    return QtCore.QCoreApplication.translate("SettingsWindow", "Managed by your administrator")


def languages() -> list[tuple[str, str]]:
    try:
        from gui.i18n import available_languages
    except ImportError:
        return [("system", _tr("Follow the system")), ("en", "English"), ("ja", "日本語")]
    return list(available_languages())


class SettingsWindow(QtWidgets.QDialog):
    modelFoldersChanged = Signal()        # the library's folders changed: refresh the library
    dataCleared = Signal(str, int)        # "chats" | "summaries" | "comparisons", how many were deleted
    countsShown = Signal(dict)            # stored counts read (for the labels and confirmations)
    confirmShown = Signal(str)            # a confirmation is open (kind); its box is ``confirm_box``
    loadDefaultsChanged = Signal()
    remoteModelsChanged = Signal(list)    # Servers: an endpoint was tested, added or removed (picker entries)
    restartRequested = Signal()           # "Restart now": a new language or a data move waits for a restart

    def __init__(self, config, parent=None):
        super().__init__(parent)
        self.config = config
        self.settings = config.settings
        self.policy = config.policy
        self.setWindowTitle(self.tr("Preferences"))
        self.setObjectName("preferences")
        self._worker = None
        self.confirm_box: QtWidgets.QMessageBox | None = None
        self.counts: dict = {}
        self._loading = True
        lay = QtWidgets.QVBoxLayout(self)
        self.tabs = QtWidgets.QTabWidget()
        lay.addWidget(self.tabs, 1)
        self.tabs.addTab(self._general_page(), self.tr("General"))
        self.tabs.addTab(self._generation_page(), self.tr("Generation"))
        self.tabs.addTab(self._models_page(), self.tr("Models"))
        self.tabs.addTab(self._data_page(), self.tr("Data"))
        from gui.settings.endpoints_tab import EndpointsTab
        from gui.settings.serve_tab import ServeTab

        self.endpoints_tab = EndpointsTab(config)
        self.endpoints_tab.remoteModelsChanged.connect(self.remoteModelsChanged)
        self.tabs.addTab(self.endpoints_tab, self.tr("Servers"))
        self.serve_tab = ServeTab(config, bridge=getattr(parent, "bridge", None))
        self.tabs.addTab(self.serve_tab, self.tr("Local API"))
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.close)
        lay.addWidget(buttons)
        self._loading = False
        self.resize(640, 680)  # the Local API page fits without scrolling; still within a 1366x768 screen

    # ---- helpers --------------------------------------------------------------------------------
    def _lock(self, name: str, form: QtWidgets.QFormLayout, *widgets) -> None:
        """Disable (locked) or hide (hidden) the widgets of a setting the administrator manages."""
        if not self.policy.is_locked(name):
            return
        label = form.labelForField(widgets[0])
        for w in widgets:
            w.setEnabled(False)
            w.setToolTip(managed_tip())
            if self.policy.is_hidden(name):
                w.hide()
        if label is not None:
            if self.policy.is_hidden(name):
                label.hide()
            else:
                label.setToolTip(managed_tip())
                label.setText(label.text() + " 🔒")

    @staticmethod
    def _note(text: str) -> QtWidgets.QLabel:
        lab = QtWidgets.QLabel(text)
        lab.setWordWrap(True)
        return lab

    # ---- General: language, theme, font size, debug logging ----------------------------------------
    def _general_page(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(page)
        self.language = QtWidgets.QComboBox()
        for code, label in languages():
            self.language.addItem(label, code)
        i = self.language.findData(self.settings.get("language", "system") or "system")
        self.language.setCurrentIndex(max(0, i))
        self.language.currentIndexChanged.connect(self._language_changed)
        form.addRow(self.tr("Language"), self.language)
        self.language_note = self._note(self.tr("A new language applies after Hearth restarts."))
        self.restart_for_language_button = self._restart_button()
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.language_note, 1)
        row.addWidget(self.restart_for_language_button)
        form.addRow("", row)
        self._show_language_restart()

        self.theme = QtWidgets.QComboBox()
        for code, label in (("system", self.tr("Follow the system")), ("light", self.tr("Light")),
                            ("dark", self.tr("Dark"))):
            self.theme.addItem(label, code)
        self.theme.setCurrentIndex(max(0, self.theme.findData(self.settings.get("theme", "system") or "system")))
        self.theme.currentIndexChanged.connect(self._theme_changed)
        form.addRow(self.tr("Theme"), self.theme)

        self.font_size = QtWidgets.QSpinBox()
        self.font_size.setRange(0, preferences.MAX_FONT)
        base = appearance.base_font_size()
        self.font_size.setSpecialValueText(self.tr("System default (%1 pt)").replace("%1", f"{base:g}"))
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(int(self.settings.get("font_size", 0) or 0))
        self.font_size.valueChanged.connect(self._font_changed)
        form.addRow(self.tr("Font size"), self.font_size)

        self.debug = QtWidgets.QCheckBox(self.tr("Write prompts and replies to the log file (debug logging)"))
        self.debug.setChecked(logs.debug_enabled(self.settings, self.policy))
        self.debug.toggled.connect(self._debug_changed)
        form.addRow(self.tr("Debug logging"), self.debug)
        if logs.debug_from_env() and not self.policy.is_locked("debug_logging"):
            self.debug.setEnabled(False)
            self.debug.setToolTip(self.tr("HEARTH_DEBUG is set in the environment: debug logging is on."))
        self._lock("debug_logging", form, self.debug)
        log_row = QtWidgets.QHBoxLayout()
        self.log_path = QtWidgets.QLabel(str(self.config.paths.log_dir))
        self.log_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        log_row.addWidget(self.log_path, 1)
        self.open_logs_button = QtWidgets.QPushButton(self.tr("Open folder"))
        self.open_logs_button.clicked.connect(lambda: open_folder(self.config.paths.log_dir))
        log_row.addWidget(self.open_logs_button)
        form.addRow(self.tr("Log folder"), log_row)
        return page

    def _language_changed(self, _=None) -> None:
        if not self._loading:
            self.settings.set("language", self.language.currentData())
            self._show_language_restart()

    def _restart_button(self) -> QtWidgets.QPushButton:
        b = QtWidgets.QPushButton(self.tr("Restart now"))
        b.setToolTip(self.tr("Close Hearth and start it again"))
        b.clicked.connect(self.restartRequested)
        return b

    def _show_language_restart(self) -> None:
        """Restart now only when the chosen language is not the one on screen."""
        from gui.i18n import installed_language, resolve_language

        chosen = resolve_language(self.language.currentData() or "system")
        self.restart_for_language_button.setVisible(chosen != installed_language())

    def _theme_changed(self, _=None) -> None:
        if self._loading:
            return
        theme = self.theme.currentData()
        self.settings.set("theme", theme)
        appearance.apply_theme(QtWidgets.QApplication.instance(), theme)

    def _font_changed(self, value: int) -> None:
        if self._loading:
            return
        self.settings.set("font_size", int(value))
        appearance.apply_font_size(QtWidgets.QApplication.instance(), value)

    def _debug_changed(self, on: bool) -> None:
        if self._loading or self.policy.is_locked("debug_logging"):
            return
        self.settings.set("debug_logging", bool(on))
        logs.setup_logging(self.config.paths.log_dir, debug=logs.debug_enabled(self.settings, self.policy),
                           component="gui")

    # ---- Generation: default sampling and load settings, threads ----------------------------------
    def _generation_page(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        outer = QtWidgets.QVBoxLayout(page)
        outer.addWidget(self._note(self.tr(
            "What a new conversation and every model load start from. Each conversation can still change "
            "them in the chat's settings panel. The command line uses them too when a flag is left out.")))
        form = self.generation_form = QtWidgets.QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        s = preferences.default_sampling(self.settings, self.policy)
        labels = {"temperature": self.tr("Temperature"), "top_p": self.tr("Top-p"), "top_k": self.tr("Top-k"),
                  "min_p": self.tr("Min-p"), "repeat_penalty": self.tr("Repeat penalty"),
                  "max_tokens": self.tr("Max tokens")}
        ranges = {"temperature": (0.0, 2.0), "top_p": (0.0, 1.0), "top_k": (0, 1000), "min_p": (0.0, 1.0),
                  "repeat_penalty": (0.5, 2.0), "max_tokens": (1, 32768)}
        self.sampling_fields: dict[str, QtWidgets.QAbstractSpinBox] = {}
        for name, label in labels.items():
            lo, hi = ranges[name]
            if isinstance(lo, float):
                w = QtWidgets.QDoubleSpinBox()
                w.setDecimals(2)
                w.setSingleStep(0.05)
            else:
                w = QtWidgets.QSpinBox()
            w.setRange(lo, hi)
            w.setValue(getattr(s, name))
            w.valueChanged.connect(self._save_sampling)
            self.sampling_fields[name] = w
            form.addRow(label, w)
            self._lock(name, form, w)
        self.seed = QtWidgets.QLineEdit("" if s.seed is None else str(s.seed))
        self.seed.setPlaceholderText(self.tr("random"))
        self.seed.setValidator(QtGui.QIntValidator())
        self.seed.textChanged.connect(self._save_sampling)
        form.addRow(self.tr("Seed"), self.seed)
        self._lock("seed", form, self.seed)

        ld = preferences.default_load(self.settings, self.policy)
        self.ctx = QtWidgets.QSpinBox()
        self.ctx.setRange(0, 1_048_576)
        self.ctx.setSingleStep(1024)
        self.ctx.setSpecialValueText(self.tr("Model default"))
        self.ctx.setValue(int(ld.n_ctx or 0))
        self.ctx.valueChanged.connect(self._save_load)
        form.addRow(self.tr("Context length"), self.ctx)
        self._lock("n_ctx", form, self.ctx)
        self.gpu = QtWidgets.QComboBox()
        self.gpu.setEditable(True)
        self.gpu.addItems(["auto", "all", "0"])
        self.gpu.setCurrentText(str(ld.gpu_layers))
        self.gpu.setToolTip(self.tr("GPU layers: auto fits free VRAM, all offloads everything, or a number"))
        self.gpu.currentTextChanged.connect(self._save_load)
        form.addRow(self.tr("GPU layers"), self.gpu)
        self._lock("gpu_layers", form, self.gpu)
        from engine.host.budget import physical_cores

        cores = physical_cores()
        self.threads = QtWidgets.QSpinBox()
        self.threads.setRange(0, max(cores, os.cpu_count() or 1))
        self.threads.setSpecialValueText(self.tr("Automatic (physical cores: %n)", "", cores))
        self.threads.setValue(preferences.threads(self.settings))
        self.threads.setToolTip(self.tr(
            "Automatic: every model Hearth runs shares the physical cores, re-balanced as models start "
            "and stop. A number caps this model's threads."))
        self.threads.valueChanged.connect(self._save_load)
        form.addRow(self.tr("CPU threads"), self.threads)
        self.generation_note = self._note("")
        if any(self.policy.is_locked(n) and not self.policy.is_hidden(n) for n in
               ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "max_tokens", "seed", "n_ctx",
                "gpu_layers")):
            self.generation_note.setText(self.tr("Settings marked 🔒 are managed by your administrator."))
        outer.insertWidget(1, self.generation_note)
        return page

    def sampling_defaults(self) -> dict:
        out = {}
        for name, w in self.sampling_fields.items():
            if not self.policy.is_locked(name):
                out[name] = w.value()
        if not self.policy.is_locked("seed"):
            txt = self.seed.text().strip()
            out["seed"] = int(txt) if txt.lstrip("-").isdigit() else None
        return out

    def load_defaults(self) -> dict:
        out = {"n_threads": self.threads.value()}
        if not self.policy.is_locked("n_ctx"):
            out["n_ctx"] = self.ctx.value()
        if not self.policy.is_locked("gpu_layers"):
            gl = self.gpu.currentText().strip().lower() or "auto"
            out["gpu_layers"] = gl if gl in ("auto", "all") else (int(gl) if gl.isdigit() else "auto")
        return out

    def _save_sampling(self, *_) -> None:
        if not self._loading:
            self.settings.set("sampling", self.sampling_defaults())

    def _save_load(self, *_) -> None:
        if not self._loading:
            self.settings.set("load", self.load_defaults())
            self.loadDefaultsChanged.emit()

    # ---- Models: folders and the Hugging Face token ------------------------------------------------
    def _models_page(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(page)
        lay.addWidget(QtWidgets.QLabel(self.tr("<b>Model folders</b>")))
        lay.addWidget(self._note(self.tr(
            "Hearth lists the GGUF files in these folders. Removing a folder deletes nothing. Shared "
            "folders come from your administrator and are used read-only.")))
        self.folders = QtWidgets.QTreeWidget()
        self.folders.setRootIsDecorated(False)
        self.folders.setHeaderLabels([self.tr("Folder"), self.tr("Kind")])
        self.folders.header().setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.folders.header().setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.folders.currentItemChanged.connect(self._folder_selected)
        lay.addWidget(self.folders, 1)
        row = QtWidgets.QHBoxLayout()
        self.add_folder_button = QtWidgets.QPushButton(self.tr("Add folder…"))
        self.add_folder_button.clicked.connect(self._add_folder_dialog)
        self.remove_folder_button = QtWidgets.QPushButton(self.tr("Remove"))
        self.remove_folder_button.clicked.connect(self._remove_selected_folder)
        self.open_folder_button = QtWidgets.QPushButton(self.tr("Open folder"))
        self.open_folder_button.clicked.connect(self._open_selected_folder)
        for b in (self.add_folder_button, self.remove_folder_button, self.open_folder_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self._fill_folders()
        from gui.panes.models.token_dialog import TokenControl

        self.token = TokenControl()
        lay.addWidget(self.token)
        return page

    def _fill_folders(self) -> None:
        kinds = {"library": self.tr("Hearth's models folder"), "shared": self.tr("Shared (read-only)"),
                 "folder": self.tr("Added by you")}
        self.folders.clear()
        for path, source in self.config.model_dirs():
            kind = kinds.get(source, source)
            if source == "library" and self.policy.models_dir:
                kind = self.tr("Set by your administrator")
            item = QtWidgets.QTreeWidgetItem([str(path), kind])
            item.setData(0, Qt.ItemDataRole.UserRole, source)
            if source != "folder":
                tip = managed_tip() if source == "shared" or self.policy.models_dir else \
                    self.tr("Hearth's own folder: downloads and imported models go here.")
                item.setToolTip(0, tip)
                item.setToolTip(1, tip)
            self.folders.addTopLevelItem(item)
        self._folder_selected()

    def _folder_selected(self, *_) -> None:
        item = self.folders.currentItem()
        source = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        self.remove_folder_button.setEnabled(source == "folder")
        self.open_folder_button.setEnabled(item is not None)

    def user_folders(self) -> list[str]:
        return [str(d) for d in self.settings.get("extra_model_dirs", []) or []]

    def add_folder(self, path: str | Path) -> bool:
        path = str(Path(path))
        known = {os.path.normcase(os.path.abspath(d)) for d, _ in self.config.model_dirs()}
        if os.path.normcase(os.path.abspath(path)) in known:
            return False
        self.settings.set("extra_model_dirs", self.user_folders() + [path])
        self._fill_folders()
        self.modelFoldersChanged.emit()
        return True

    def remove_folder(self, path: str | Path) -> bool:
        key = os.path.normcase(os.path.abspath(str(path)))
        kept = [d for d in self.user_folders() if os.path.normcase(os.path.abspath(d)) != key]
        if len(kept) == len(self.user_folders()):
            return False
        self.settings.set("extra_model_dirs", kept)
        self._fill_folders()
        self.modelFoldersChanged.emit()
        return True

    def _add_folder_dialog(self) -> None:
        path = QtWidgets.QFileDialog.getExistingDirectory(self, self.tr("Add a folder of GGUF models"),
                                                          str(Path.home()))
        if path:
            self.add_folder(path)

    def _remove_selected_folder(self) -> None:
        item = self.folders.currentItem()
        if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == "folder":
            self.remove_folder(item.text(0))

    def _open_selected_folder(self) -> None:
        item = self.folders.currentItem()
        if item is not None:
            open_folder(item.text(0))

    # ---- Data: location and clearing ---------------------------------------------------------------
    def _data_page(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(page)
        lay.addWidget(QtWidgets.QLabel(self.tr("<b>Data location</b>")))
        row = QtWidgets.QHBoxLayout()
        self.data_path = QtWidgets.QLineEdit(str(self.config.paths.data_dir))
        self.data_path.setReadOnly(True)
        row.addWidget(self.data_path, 1)
        self.open_data_button = QtWidgets.QPushButton(self.tr("Open folder"))
        self.open_data_button.clicked.connect(lambda: open_folder(self.config.paths.data_dir))
        row.addWidget(self.open_data_button)
        self.move_data_button = QtWidgets.QPushButton(self.tr("Move…"))
        self.move_data_button.clicked.connect(self._move_dialog)
        row.addWidget(self.move_data_button)
        lay.addLayout(row)
        if self.policy.data_dir:
            where = self.tr("This folder is set by your administrator.")
            self.move_data_button.setEnabled(False)
            self.move_data_button.setToolTip(managed_tip())
        else:
            where = self.tr("The chats, summaries and comparisons database and the models folder live here. "
                            "Move… takes them to another folder the next time Hearth starts; nothing is "
                            "lost if the move fails.")
        self.data_note = self._note(where)
        lay.addWidget(self.data_note)
        pending = QtWidgets.QHBoxLayout()
        self.pending_move_label = self._note("")
        pending.addWidget(self.pending_move_label, 1)
        self.cancel_move_button = QtWidgets.QPushButton(self.tr("Cancel move"))
        self.cancel_move_button.clicked.connect(self.cancel_move)
        pending.addWidget(self.cancel_move_button)
        self.restart_for_move_button = self._restart_button()
        pending.addWidget(self.restart_for_move_button)
        lay.addLayout(pending)
        self._show_pending_move()
        lay.addSpacing(8)
        lay.addWidget(QtWidgets.QLabel(self.tr("<b>Stored results</b>")))
        grid = QtWidgets.QGridLayout()
        self.count_labels: dict[str, QtWidgets.QLabel] = {}
        self.clear_buttons: dict[str, QtWidgets.QPushButton] = {}
        rows = (("chats", self.tr("Delete all chats…")), ("summaries", self.tr("Delete all summaries…")),
                ("comparisons", self.tr("Delete all comparison results…")))
        for i, (kind, text) in enumerate(rows):
            lab = QtWidgets.QLabel("…")
            btn = QtWidgets.QPushButton(text)
            btn.clicked.connect(lambda _=False, k=kind: self.ask_clear(k))
            grid.addWidget(lab, i, 0)
            grid.addWidget(btn, i, 1)
            self.count_labels[kind], self.clear_buttons[kind] = lab, btn
        grid.setColumnStretch(0, 1)
        lay.addLayout(grid)
        self.clear_status = QtWidgets.QLabel("")
        self.clear_status.setWordWrap(True)
        lay.addWidget(self.clear_status)
        lay.addStretch(1)
        return page

    # ---- moving the data folder (engine/relocate.py; the move runs at the next start) ----------------
    def _move_dialog(self) -> None:
        path = QtWidgets.QFileDialog.getExistingDirectory(self, self.tr("Move Hearth's data to…"),
                                                          str(self.config.paths.data_dir.parent))
        if path:
            self.ask_move(path)

    def ask_move(self, chosen: str | Path) -> bool:
        """Check the folder; refused: say why; else ask (naming the size) before recording the move."""
        from engine import relocate
        from engine.errors import BadInputError

        try:
            plan = relocate.check_move(self.config.paths.data_dir, relocate.destination_for(chosen), self.policy,
                                       stays=relocate.config_stays(self.config))
        except BadInputError as e:
            from gui.engine_messages import as_sentence

            box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, self.tr("Move data"), as_sentence(str(e)),
                                        QtWidgets.QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.finished.connect(self._box_closed)
            self.confirm_box = box
            box.open()
            self.confirmShown.emit("move_refused")
            return False
        self._ask(QtWidgets.QMessageBox.Icon.Question, self.tr("Move data"), self.move_confirmation_text(plan),
                  self.tr("Move at next start"), self.tr("Keep it here"), "move",
                  lambda yes, p=plan: self._move_answered(p, yes))
        return True

    def move_confirmation_text(self, plan) -> str:
        from gui.i18n import format_size

        how = (self.tr("It is on the same disk, so the move takes a moment.") if plan.same_filesystem else
               self.tr("It is copied to the other disk and checked, then removed from here."))
        return (self.tr("Move Hearth's data to %1?").replace("%1", str(plan.dst)) + "\n\n" +
                self.tr("Size: %1 in %n file(s)", "", plan.files).replace("%1", format_size(plan.total_bytes)) +
                "\n\n" + self.tr("The move happens when Hearth next starts; until then everything stays in %1.")
                .replace("%1", str(plan.src)) + " " + how)

    def _box_closed(self, *_) -> None:
        self.confirm_box = None

    def _move_answered(self, plan, yes: bool) -> None:
        from engine import relocate

        self.confirm_box = None
        if yes:
            relocate.request_move(self.settings, plan.dst)
        self._show_pending_move()

    def cancel_move(self) -> None:
        from engine import relocate

        relocate.cancel_pending(self.settings)
        self._show_pending_move()

    def _show_pending_move(self) -> None:
        from engine import relocate

        dst = relocate.pending_move(self.settings)
        if dst is not None:
            self.pending_move_label.setText(self.tr("Moves to %1 at the next start.").replace("%1", str(dst)))
        self.pending_move_label.setVisible(dst is not None)
        self.cancel_move_button.setVisible(dst is not None)
        self.restart_for_move_button.setVisible(dst is not None)

    def _storage(self):
        if self._worker is None:
            from gui.storage import StorageWorker

            self._worker = StorageWorker(self.config.paths.database, parent=self)
            self._worker.failed.connect(self.clear_status.setText)
        return self._worker

    def refresh_counts(self, then=None) -> None:
        """Count what is stored (storage thread); the labels show it, ``then(counts)`` runs after."""
        def shown(counts: dict) -> None:
            self.counts = counts
            self.count_labels["chats"].setText(
                self.tr("Chats: %n", "", counts["chats"]) + " · " + self.tr("messages: %n", "", counts["messages"]))
            self.count_labels["summaries"].setText(self.tr("Summaries: %n", "", counts["summaries"]))
            self.count_labels["comparisons"].setText(
                self.tr("Comparisons: %n", "", counts["comparisons"]) + " · " +
                self.tr("question-set runs: %n", "", counts["eval_runs"]))
            self.countsShown.emit(counts)
            if then is not None:
                then(counts)

        self._storage().submit(preferences.stored_counts, on_done=shown,
                               on_error=self.clear_status.setText)

    def confirmation_text(self, kind: str, counts: dict) -> str:
        """What will be lost, with the numbers from the database."""
        if kind == "chats":
            return (self.tr("Delete every stored chat?") + "\n\n" +
                    self.tr("Chats: %n", "", counts["chats"]) + "\n" +
                    self.tr("Messages in them: %n", "", counts["messages"]) + "\n\n" +
                    self.tr("They are lost for good. System-prompt presets are kept."))
        if kind == "summaries":
            return (self.tr("Delete every stored summary?") + "\n\n" +
                    self.tr("Summaries: %n", "", counts["summaries"]) + "\n\n" +
                    self.tr("Their text and the parts kept for resuming are lost for good. "
                            "Your documents are not touched."))
        return (self.tr("Delete every stored comparison result?") + "\n\n" +
                self.tr("Side-by-side comparisons: %n", "", counts["comparisons"]) + "\n" +
                self.tr("Question-set runs: %n", "", counts["eval_runs"]) + "\n\n" +
                self.tr("They are lost for good. Votes and the leaderboard are kept."))

    def ask_clear(self, kind: str) -> None:
        """Count, then ask (naming what will be lost); deletes only after Yes."""
        self.refresh_counts(then=lambda counts: self._confirm(kind, counts))

    def _confirm(self, kind: str, counts: dict) -> None:
        n = {"chats": counts["chats"], "summaries": counts["summaries"],
             "comparisons": counts["comparisons"] + counts["eval_runs"]}[kind]
        if n == 0:
            self.clear_status.setText(self.tr("There is nothing stored to delete."))
            return
        self._ask(QtWidgets.QMessageBox.Icon.Warning, self.tr("Delete stored data"),
                  self.confirmation_text(kind, counts), self.tr("Delete"), self.tr("Keep"), kind,
                  lambda yes, k=kind: self._answered(k, yes))

    def _ask(self, icon, title: str, text: str, yes_text: str, no_text: str, kind: str, on_answer) -> None:
        """A window-modal question (``confirm_box``) whose safe answer is the default; ``on_answer(yes)``."""
        box = QtWidgets.QMessageBox(icon, title, text, QtWidgets.QMessageBox.StandardButton.Yes |
                                    QtWidgets.QMessageBox.StandardButton.No, self)
        yes = box.button(QtWidgets.QMessageBox.StandardButton.Yes)
        yes.setText(yes_text)
        box.button(QtWidgets.QMessageBox.StandardButton.No).setText(no_text)
        box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result, b=box, y=yes: on_answer(b.clickedButton() is y))
        self.confirm_box = box
        box.open()
        self.confirmShown.emit(kind)

    def _answered(self, kind: str, yes: bool) -> None:
        self.confirm_box = None
        if not yes:
            self.clear_status.setText(self.tr("Nothing was deleted."))
            return
        fn = {"chats": preferences.clear_chats, "summaries": preferences.clear_summaries,
              "comparisons": preferences.clear_comparisons}[kind]

        def done(n: int) -> None:
            self.clear_status.setText(self.tr("Deleted. Items removed: %n", "", n))
            self.dataCleared.emit(kind, n)
            self.refresh_counts()

        self._storage().submit(fn, on_done=done, on_error=self.clear_status.setText)

    # ---- life ---------------------------------------------------------------------------------------
    def showEvent(self, e) -> None:
        super().showEvent(e)
        self.refresh_counts()
        if hasattr(self, "token") and not self.token.busy:
            self.token.refresh()

    def shutdown(self) -> None:
        for tab in (getattr(self, "serve_tab", None), getattr(self, "endpoints_tab", None)):
            if tab is not None:
                tab.shutdown()   # the local API stops (and its model process ends) with Hearth
        if self._worker is not None:
            self._worker.shutdown()
            self._worker = None
        calls = getattr(getattr(self, "token", None), "calls", None)
        if calls is not None:
            try:
                calls.shutdown()
            except Exception:
                pass


def open_folder(path) -> bool:
    """Show a folder in the file manager (created first when missing)."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(p)))
