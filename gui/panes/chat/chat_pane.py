"""Chat pane: conversations (sidebar), the transcript, the input, per-chat settings.

The pane talks to the engine only through the EngineBridge's signals (and its
direct ``cancel()``); conversations are stored in SQLite through engine.store.
A streaming reply is saved at least once a second, so a crash, a killed host
or a closed window loses at most a moment; a reply cut short is saved and
marked incomplete.

Editing an earlier user message and resending *replaces* the messages after
it (no branches): the dialog says so.
"""

from __future__ import annotations

import json
from pathlib import Path

from gui.qt import Qt, QtGui, QtWidgets, QTimer, Signal
from gui.panes.chat.conversation_list import ConversationList
from gui.panes.chat.settings_panel import ChatSettingsPanel, model_defaults
from gui.widgets.chat_view import ChatView

from engine.chat import BASE_MODEL_NOTE
from engine.errors import HearthError
from engine.store import Store

SAVE_INTERVAL_MS = 1000


class ChatInput(QtWidgets.QPlainTextEdit):
    """Multi-line input; Ctrl+Enter sends, Esc stops. IME composition is Qt's own."""

    submitted = Signal()
    stopRequested = Signal()

    def keyPressEvent(self, e: QtGui.QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submitted.emit()
            return
        if e.key() == Qt.Key.Key_Escape:
            self.stopRequested.emit()
            return
        super().keyPressEvent(e)


class ChatPane(QtWidgets.QWidget):
    statsChanged = Signal(dict)      # last reply's stats, for the status bar
    errorRaised = Signal(str)        # for the window's banner ("info:" prefix for notices)
    replyFinished = Signal(dict)     # the pane has shown and saved a finished (or failed) reply
    reloadRequested = Signal(dict)   # load options: reload the current model with them

    def __init__(self, bridge, store: Store | None = None, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.config = bridge.config
        try:
            self.store = store or Store.open_default(self.config)
        except HearthError as e:
            # A damaged database was kept aside; start a fresh one and say so.
            self.store = Store.open_default(self.config)
            QTimer.singleShot(0, lambda: self.errorRaised.emit(str(e)))
        self.model_info: dict | None = None
        self.conversation_id: int | None = None
        self._reply_id: int | None = None
        self._deleted: dict | None = None
        self.sampling_overrides: dict = {}
        self._build()
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(SAVE_INTERVAL_MS)
        self._save_timer.timeout.connect(self._save_partial)
        bridge.loaded.connect(self._on_loaded)
        bridge.unloaded.connect(self._on_unloaded)
        bridge.tokensArrived.connect(self.view.append_tokens)
        bridge.generationFinished.connect(self._on_finished)
        bridge.generationFailed.connect(self._on_failed)
        self.refresh_conversations()
        self.settings_panel.set_presets(self.store.list_presets())
        convs = self.store.list_conversations(limit=1)
        if convs:
            self.open_conversation(convs[0]["id"])

    # ---- layout ---------------------------------------------------------------
    def _build(self) -> None:
        outer = QtWidgets.QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(self.splitter)

        self.sidebar = ConversationList()
        self.splitter.addWidget(self.sidebar)

        center = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(center)
        lay.setContentsMargins(6, 0, 6, 0)
        self.view = ChatView()
        lay.addWidget(self.view, 1)
        self.base_note = QtWidgets.QLabel(f"Note: {BASE_MODEL_NOTE}.")
        self.base_note.setStyleSheet("color:#8a6d00;")
        self.base_note.hide()
        lay.addWidget(self.base_note)
        row = QtWidgets.QHBoxLayout()
        self.input = ChatInput()
        self.input.setPlaceholderText("Type a message — Ctrl+Enter to send, Esc to stop")
        self.input.setMaximumHeight(110)
        self.input.submitted.connect(self.send)
        self.input.stopRequested.connect(self.stop)
        row.addWidget(self.input, 1)
        buttons = QtWidgets.QVBoxLayout()
        self.send_button = QtWidgets.QPushButton("Send")
        self.send_button.setToolTip("Send (Ctrl+Enter)")
        self.send_button.clicked.connect(self.send)
        self.stop_button = QtWidgets.QPushButton("Stop")
        self.stop_button.setToolTip("Stop the reply (Esc)")
        self.stop_button.clicked.connect(self.stop)
        self.regen_button = QtWidgets.QPushButton("Regenerate")
        self.regen_button.setToolTip("Write the last reply again")
        self.regen_button.clicked.connect(self.regenerate)
        for b in (self.send_button, self.stop_button, self.regen_button):
            buttons.addWidget(b)
        row.addLayout(buttons)
        lay.addLayout(row)
        self.splitter.addWidget(center)

        scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.settings_panel = ChatSettingsPanel()
        scroll.setWidget(self.settings_panel)
        scroll.setMinimumWidth(250)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([220, 700, 290])

        esc = QtGui.QShortcut(QtGui.QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self.stop)

        sb = self.sidebar
        sb.conversationSelected.connect(self.open_conversation)
        sb.newRequested.connect(self.new_conversation)
        sb.renameRequested.connect(self.rename_conversation)
        sb.deleteRequested.connect(self.delete_conversation)
        sb.undoDeleteRequested.connect(self.undo_delete)
        sb.exportRequested.connect(self._export_dialog)
        sb.importRequested.connect(self._import_dialog)
        sb.searchChanged.connect(self.search)
        self.view.editRequested.connect(self._edit_dialog)
        sp = self.settings_panel
        sp.settingsChanged.connect(self._save_settings)
        sp.reloadRequested.connect(lambda: self.reloadRequested.emit(sp.load_options()))
        sp.saveDefaultsRequested.connect(self._save_model_defaults)
        sp.presetSaveRequested.connect(self._save_preset)
        sp.presetDeleteRequested.connect(self._delete_preset)
        self._set_generating(False)

    # ---- conversations -----------------------------------------------------------
    def refresh_conversations(self) -> None:
        if self.sidebar.search.text().strip():
            self.search(self.sidebar.search.text().strip())
        else:
            self.sidebar.set_conversations(self.store.list_conversations(), self.conversation_id)

    def new_conversation(self) -> None:
        """A fresh chat; it is stored when its first message is sent."""
        if self.generating:
            return
        self.conversation_id = None
        self.view.clear_messages()
        self.settings_panel.set_values("", {})
        self.sidebar.list.clearSelection()
        self.input.setFocus()

    def open_conversation(self, conversation_id: int) -> None:
        if self.generating or conversation_id == self.conversation_id:
            return
        try:
            conv = self.store.get_conversation(conversation_id)
            msgs = self.store.messages(conversation_id)
        except HearthError as e:
            self.errorRaised.emit(str(e))
            return
        self.conversation_id = conversation_id
        self.view.set_messages([m for m in msgs if m["role"] != "system"])
        self.settings_panel.set_values(conv.get("system_prompt", ""), conv.get("settings") or {})
        self.refresh_conversations()

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self.store.rename_conversation(conversation_id, title)
        self.refresh_conversations()

    def delete_conversation(self, conversation_id: int) -> None:
        if self.generating and conversation_id == self.conversation_id:
            return
        self._deleted = self.store.export_json(conversation_id)
        self.store.delete_conversation(conversation_id)
        if conversation_id == self.conversation_id:
            self.new_conversation()
        self.refresh_conversations()
        self.sidebar.show_undo(self._deleted["title"])

    def undo_delete(self) -> None:
        if self._deleted:
            cid = self.store.restore_conversation(self._deleted)
            self._deleted = None
            self.refresh_conversations()
            self.open_conversation(cid)

    def search(self, query: str) -> None:
        if not query:
            self.sidebar.set_conversations(self.store.list_conversations(), self.conversation_id)
            return
        self.sidebar.set_search_results(self.store.search(query))

    def export_conversation(self, conversation_id: int, fmt: str, path: str | Path) -> None:
        if fmt == "json":
            text = json.dumps(self.store.export_json(conversation_id), ensure_ascii=False, indent=2)
        else:
            text = self.store.export_markdown(conversation_id)
        Path(path).write_text(text, encoding="utf-8")

    def import_conversation(self, path: str | Path) -> int | None:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            cid = self.store.import_json(data)
        except (OSError, ValueError) as e:
            self.errorRaised.emit(f"Could not import {Path(path).name}: {e}")
            return None
        except HearthError as e:
            self.errorRaised.emit(f"Could not import {Path(path).name}: {e}")
            return None
        self.refresh_conversations()
        self.open_conversation(cid)
        return cid

    def _export_dialog(self, conversation_id: int, fmt: str) -> None:
        title = self.store.get_conversation(conversation_id)["title"]
        safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in title).strip() or "conversation"
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export conversation", str(Path.home() / f"{safe}.{fmt}"),
            "Markdown (*.md)" if fmt == "md" else "JSON (*.json)")
        if path:
            try:
                self.export_conversation(conversation_id, fmt, path)
            except OSError as e:
                self.errorRaised.emit(f"Could not write {path}: {e.strerror or e}")

    def _import_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Import conversation", str(Path.home()),
                                                        "Hearth conversation (*.json)")
        if path:
            self.import_conversation(path)

    # ---- settings ----------------------------------------------------------------
    def _save_settings(self) -> None:
        if self.conversation_id is not None:
            self.store.update_conversation_settings(
                self.conversation_id, system_prompt=self.settings_panel.system_prompt(),
                settings=self.settings_panel.settings())

    def _save_model_defaults(self) -> None:
        if not self.model_info:
            self.errorRaised.emit("Load a model first: defaults are saved per model.")
            return
        all_defaults = dict(self.config.settings.get("model_defaults", {}) or {})
        all_defaults[self.model_info["path"]] = self.settings_panel.settings()
        self.config.settings.set("model_defaults", all_defaults)
        self.settings_panel.set_defaults(model_defaults(self.config.settings, self.model_info["path"]))
        self.errorRaised.emit("info:Saved as the defaults for this model.")

    def _save_preset(self, name: str, text: str) -> None:
        self.store.save_preset(name, text)
        self.settings_panel.set_presets(self.store.list_presets())

    def _delete_preset(self, name: str) -> None:
        self.store.delete_preset(name)
        self.settings_panel.set_presets(self.store.list_presets())

    def load_options(self) -> dict:
        """Load options this conversation asks for (only what differs from the defaults)."""
        opts = self.settings_panel.load_options()
        out = {}
        if opts.get("n_ctx"):
            out["n_ctx"] = opts["n_ctx"]
        if opts.get("gpu_layers") not in (None, "auto"):
            out["gpu_layers"] = opts["gpu_layers"]
        return out

    @property
    def sampling(self):
        s = self.settings_panel.sampling()
        for k, v in self.sampling_overrides.items():  # benchmarks and tests (e.g. ignore_eos)
            setattr(s, k, v)
        return s

    # ---- sending -------------------------------------------------------------------
    @property
    def generating(self) -> bool:
        return self.view.streaming

    def history(self) -> list[dict]:
        """What the model sees: system prompt, then the turns (empty cut-off replies skipped)."""
        sp = self.settings_panel.system_prompt()
        msgs = [{"role": "system", "content": sp}] if sp.strip() else []
        msgs += [{"role": m["role"], "content": m["content"]} for m in self.view.messages
                 if m["role"] in ("user", "assistant") and m.get("content")]
        return msgs

    def _ensure_conversation(self) -> int:
        if self.conversation_id is None:
            self.conversation_id = self.store.create_conversation(
                system_prompt=self.settings_panel.system_prompt(), settings=self.settings_panel.settings(),
                model_path=self.model_info.get("path") if self.model_info else None)
        return self.conversation_id

    def send(self, text: str | None = None) -> None:
        text = (text if isinstance(text, str) else self.input.toPlainText()).strip()
        if not text or self.generating:
            return
        if self.model_info is None:
            self.errorRaised.emit("Load a model first: pick one above and press Load.")
            return
        cid = self._ensure_conversation()
        # Stored before it is shown: whatever the user saw as sent is in the database.
        mid = self.store.add_message(cid, "user", text)
        self.input.clear()
        self.view.add_message({"id": mid, "role": "user", "content": text})
        self._request_reply()

    def _request_reply(self) -> None:
        model = self.model_info.get("path") if self.model_info else None
        history = self.history()
        self._reply_id = self.store.add_message(self.conversation_id, "assistant", "", model=model, complete=False)
        self.store.update_conversation_settings(self.conversation_id, model_path=model)
        self.view.begin_reply(model)
        self.view.messages[-1]["id"] = self._reply_id
        self._set_generating(True)
        self._save_timer.start()
        self.bridge.chatRequested.emit(history, self.sampling.to_dict())

    def stop(self) -> None:
        if self.generating:
            self.bridge.cancel()  # direct call: sets the host's flag at once

    def regenerate(self) -> None:
        """Write the last reply again (the old one is replaced)."""
        if self.generating or self.model_info is None or not self.view.messages:
            return
        last = self.view.messages[-1]
        if last["role"] == "assistant":
            if last.get("id") is not None:
                self.store.delete_messages_after(self.conversation_id, last["id"], inclusive=True)
            self.view.set_messages(self.view.messages[:-1])
        if self.view.messages and self.view.messages[-1]["role"] == "user":
            self._request_reply()

    def edit_and_resend(self, index: int, new_text: str) -> None:
        """Replace user message ``index`` and everything after it, then ask again."""
        if self.generating or self.model_info is None:
            return
        msgs = self.view.messages
        if not (0 <= index < len(msgs)) or msgs[index]["role"] != "user" or not new_text.strip():
            return
        if msgs[index].get("id") is not None:
            self.store.delete_messages_after(self.conversation_id, msgs[index]["id"], inclusive=True)
        self.view.set_messages(msgs[:index])
        self.send(new_text)

    def _edit_dialog(self, index: int) -> None:
        old = self.view.messages[index]["content"]
        text, ok = QtWidgets.QInputDialog.getMultiLineText(
            self, "Edit and resend", "Resending replaces the messages after this one:", old)
        if ok:
            self.edit_and_resend(index, text)

    # ---- streaming save ---------------------------------------------------------------
    def _save_partial(self) -> None:
        if self._reply_id is not None and self.view.streaming:
            self.store.update_message(self._reply_id, content=self.view.messages[-1]["content"], complete=False)

    def _finish_saving(self, text: str, complete: bool, stats: dict | None) -> None:
        self._save_timer.stop()
        if self._reply_id is not None:
            self.store.update_message(self._reply_id, content=text, complete=complete,
                                      stats={k: v for k, v in (stats or {}).items() if k != "text"} or None)
        self._reply_id = None
        self.refresh_conversations()

    # ---- bridge events -----------------------------------------------------------
    def _on_loaded(self, info: dict) -> None:
        self.model_info = info
        self.base_note.setVisible(not info.get("has_chat_template", True))
        self.settings_panel.set_defaults(model_defaults(self.config.settings, info["path"]))

    def _on_unloaded(self) -> None:
        self.model_info = None
        self.base_note.hide()

    def _on_finished(self, stats: dict) -> None:
        if not self.view.streaming:
            return
        complete = stats.get("finish_reason") in ("stop", "length")
        text = stats.get("text") if stats.get("text") is not None else self.view.messages[-1]["content"]
        self.view.finish_reply(text, complete=complete, stats=stats)
        self._finish_saving(text, complete, stats)
        self._set_generating(False)
        self.statsChanged.emit(stats)
        dropped = stats.get("dropped_messages") or 0
        if dropped:
            self.view.set_messages(self.view.messages, memory_start=dropped)
            self.errorRaised.emit(f"info:The conversation no longer fits the model's context: the {dropped} "
                                  "oldest messages are outside the model's memory.")
        self.replyFinished.emit(stats)

    def _on_failed(self, message: str) -> None:
        if self.view.streaming:
            partial = self.view.messages[-1]["content"]
            self.view.finish_reply(partial, complete=False)
            self._finish_saving(partial, False, None)
        self._set_generating(False)
        self.errorRaised.emit(message)
        self.replyFinished.emit({"finish_reason": "error", "error": message})

    def _set_generating(self, on: bool) -> None:
        self.send_button.setEnabled(not on)
        self.stop_button.setEnabled(on)
        self.regen_button.setEnabled(not on)
        self.view.busy = on

    def shutdown(self) -> None:
        """Save a reply still streaming (the window is closing)."""
        if self.view.streaming:
            self._finish_saving(self.view.messages[-1]["content"], False, None)
