"""Chat pane: conversations (sidebar), the transcript, the input, per-chat settings.

The pane talks to the engine only through the EngineBridge's signals (and its
direct ``cancel()``); conversations are stored in SQLite through engine.store.
A streaming reply is saved at least once a second, so a crash, a killed host
or a closed window loses at most a moment; a reply cut short is saved and
marked incomplete.

The GUI thread never waits on the database: every write is a job for the
pane's StorageWorker (gui/storage.py: its own thread and connection, jobs in
order, a new row's id handed on as a Pending). While another process (a CLI
script) holds the write lock, the jobs wait and are retried and a banner says
so; nothing is lost. Settings are written 500 ms after the last edit. Reads
that the screen needs stay on the GUI thread with a short busy timeout; a
failed read shows a banner, never a traceback.

Editing an earlier user message and resending *replaces* the messages after
it (no branches): the dialog says so.
"""

from __future__ import annotations

import json
from pathlib import Path

from gui.qt import Qt, QtCore, QtGui, QtWidgets, QTimer, Signal
from gui.engine_messages import translate as translate_message
from gui.panes.chat.conversation_list import ConversationList
from gui.panes.chat.settings_panel import ChatSettingsPanel, model_defaults
from gui.storage import (BUSY_MESSAGE, READ_BUSY_TIMEOUT_MS, Pending, StorageWorker, is_locked_error,
                         resolved)
from gui.widgets.banner import Banner
from gui.widgets.remote_note import RemoteNote
from gui.widgets.chat_view import ChatView

from engine.errors import HearthError
from engine.store import Store, read_export_file

SAVE_INTERVAL_MS = 1000
SETTINGS_DEBOUNCE_MS = 500   # settings are written this long after the last edit
READ_RETRY_MS = 1000         # a locked database is read again after this long

LOCKED_READ_MESSAGE = QtCore.QT_TRANSLATE_NOOP(
    "ChatPane", "The conversation database is busy (another Hearth process is using it); your "
                "conversations will appear as soon as it is free.")


class ChatInput(QtWidgets.QPlainTextEdit):
    """Multi-line input; Ctrl+Enter sends, Esc stops. IME composition is Qt's own."""

    submitted = Signal()
    stopRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTabChangesFocus(True)   # Tab moves on (keyboard navigation), it does not type a tab

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
        self.store: Store | None = store   # the GUI thread's connection: reads only
        self._db_path = store.path if store is not None else self.config.paths.database
        self.storage = StorageWorker(self._db_path, self)   # writes, on its own thread
        self._banner_reasons: set[str] = set()
        self.model_info: dict | None = None
        self._cid: int | Pending | None = None   # the open conversation (Pending until created)
        self._reply_id: int | Pending | None = None
        self._request_id: int | None = None  # engine request of the reply being written (for Stop)
        self._deleted: dict | None = None
        self.sampling_overrides: dict = {}
        self._build()
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(SAVE_INTERVAL_MS)
        self._save_timer.timeout.connect(self._save_partial)
        self._settings_timer = QTimer(self)
        self._settings_timer.setSingleShot(True)
        self._settings_timer.setInterval(SETTINGS_DEBOUNCE_MS)
        self._settings_timer.timeout.connect(self._save_settings_now)
        self._settings_target: int | Pending | None = None
        self._read_retry = QTimer(self)
        self._read_retry.setSingleShot(True)
        self._read_retry.setInterval(READ_RETRY_MS)
        self._read_retry.timeout.connect(self._retry_reads)
        self.storage.busyChanged.connect(self._on_storage_busy)
        self.storage.failed.connect(self._on_storage_failed)
        self.storage.jobFinished.connect(self._resolve_ids)
        bridge.loaded.connect(self._on_loaded)
        bridge.unloaded.connect(self._on_unloaded)
        bridge.tokensArrived.connect(self.view.append_tokens)
        bridge.generationFinished.connect(self._on_finished)
        bridge.generationFailed.connect(self._on_failed)
        if self.store is None:
            self._open_reader()
        self._initial_reads()

    # ---- storage ------------------------------------------------------------------
    @property
    def conversation_id(self) -> int | None:
        """The open conversation's id (None for a new chat, or while it is being created)."""
        return resolved(self._cid)

    @conversation_id.setter
    def conversation_id(self, value: int | None) -> None:
        self._cid = value

    def _open_reader(self) -> Store | None:
        """The GUI thread's connection (short busy timeout); None, with a banner, if it cannot open."""
        if self.store is not None:
            return self.store
        for attempt in (1, 2):
            try:
                self.store = Store(self._db_path, busy_timeout_ms=READ_BUSY_TIMEOUT_MS)
                return self.store
            except HearthError as e:
                if is_locked_error(e):
                    self._locked_read()
                    return None
                # A damaged database was kept aside: say so, then start a fresh one.
                self._emit_later(str(e))
                if attempt == 2:
                    return None
        return None

    def _read(self, what: str, fn, default=None):
        """``fn(store)`` on the GUI thread's connection; ``default`` and a banner if it fails."""
        store = self._open_reader()
        if store is None:
            return default
        try:
            return fn(store)
        except HearthError as e:
            if is_locked_error(e):
                self._locked_read()
            else:
                self.errorRaised.emit(self.tr("{what}: {error}").format(what=what, error=translate_message(str(e))))
            return default

    def _initial_reads(self) -> bool:
        """The list, the presets and the latest conversation. False if the database could not be read."""
        data = self._read(self.tr("Could not read the conversations"),
                          lambda s: (s.list_conversations(), s.list_presets()))
        if data is None:
            return False
        convs, presets = data
        self._clear_banner("reads")
        self._show_conversations(convs)
        self.settings_panel.set_presets(presets)
        if convs and self._cid is None and not self.view.messages:
            self.open_conversation(convs[0]["id"])
        return True

    def _locked_read(self) -> None:
        self._show_banner("reads")
        self._read_retry.start()

    def _retry_reads(self) -> None:
        self._initial_reads()

    def _emit_later(self, message: str) -> None:
        # From the constructor the window has not connected errorRaised yet.
        QTimer.singleShot(0, lambda: self.errorRaised.emit(message))

    def _show_banner(self, reason: str) -> None:
        self._banner_reasons.add(reason)
        text = QtCore.QCoreApplication.translate("Storage", BUSY_MESSAGE) if "writes" in self._banner_reasons \
            else self.tr(LOCKED_READ_MESSAGE)
        self.storage_banner.show_message(text, "warning")

    def _clear_banner(self, reason: str) -> None:
        if reason in self._banner_reasons:
            self._banner_reasons.discard(reason)
            if self._banner_reasons:
                self._show_banner(next(iter(self._banner_reasons)))
            else:
                self.storage_banner.hide()

    def _on_storage_busy(self, busy: bool) -> None:
        if busy:
            self._show_banner("writes")
        else:
            self._clear_banner("writes")

    def _on_storage_failed(self, message: str) -> None:
        self.errorRaised.emit(self.tr("Could not save to the conversation database: {error}").format(
            error=translate_message(message)))

    def _write(self, fn, *args, **kwargs) -> Pending:
        """Queue a write for the storage thread (see gui/storage.py)."""
        if getattr(self, "_shut", False):   # a late signal after shutdown: nothing can be saved now
            p = Pending()
            p.done, p.error = True, "Hearth is closing"
            return p
        return self.storage.submit(fn, *args, **kwargs)

    def _resolve_ids(self) -> None:
        """Swap Pending ids that are known now for the ids themselves."""
        if isinstance(self._cid, Pending) and self._cid.done:
            self._cid = self._cid.value if self._cid.error is None else None
        for m in self.view.messages:
            mid = m.get("id")
            if isinstance(mid, Pending) and mid.done:
                m["id"] = mid.value if mid.error is None else None

    def _show_conversations(self, convs: list[dict]) -> None:
        self.sidebar.set_conversations(convs, self.conversation_id)

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
        self.storage_banner = Banner()
        self.storage_banner.setObjectName("storageBanner")
        lay.addWidget(self.storage_banner)
        self.remote_note = RemoteNote("remoteNote")   # a remote model: where the text goes, always in view
        lay.addWidget(self.remote_note)
        self.view = ChatView()
        lay.addWidget(self.view, 1)
        self.base_note = QtWidgets.QLabel(self.tr("Note: base model: continues text rather than following instructions."))
        self.base_note.setStyleSheet("color:#8a6d00;")
        self.base_note.hide()
        lay.addWidget(self.base_note)
        row = QtWidgets.QHBoxLayout()
        self.input = ChatInput()
        self.input.setPlaceholderText(self.tr("Type a message — Ctrl+Enter to send, Esc to stop"))
        self.input.setMaximumHeight(110)
        self.input.submitted.connect(self.send)
        self.input.stopRequested.connect(self.stop)
        row.addWidget(self.input, 1)
        buttons = QtWidgets.QVBoxLayout()
        self.send_button = QtWidgets.QPushButton(self.tr("Send"))
        self.send_button.setToolTip(self.tr("Send (Ctrl+Enter)"))
        self.send_button.clicked.connect(self.send)
        self.stop_button = QtWidgets.QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop the reply (Esc)"))
        self.stop_button.clicked.connect(self.stop)
        self.regen_button = QtWidgets.QPushButton(self.tr("Regenerate"))
        self.regen_button.setToolTip(self.tr("Write the last reply again"))
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
        self.settings_panel.apply_policy(self.config.policy)   # locked/hidden settings: the administrator's
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
        sp.settingsChanged.connect(self._settings_edited)
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
            convs = self._read(self.tr("Could not list the conversations"), lambda s: s.list_conversations())
            if convs is not None:
                self._show_conversations(convs)

    def new_conversation(self) -> None:
        """A fresh chat; it is stored when its first message is sent."""
        if self.generating:
            return
        self._flush_settings()
        self._cid = None
        self.view.clear_messages()
        self.settings_panel.set_values("", {})
        self.sidebar.list.clearSelection()
        self.input.setFocus()

    def open_conversation(self, conversation_id: int) -> None:
        if self.generating or conversation_id == self.conversation_id:
            return
        data = self._read(self.tr("Could not open the conversation"),
                          lambda s: (s.get_conversation(conversation_id), s.messages(conversation_id)))
        if data is None:
            return
        conv, msgs = data
        self._flush_settings()   # the edits still waiting belong to the conversation on screen
        self._cid = conversation_id
        self.view.set_messages([m for m in msgs if m["role"] != "system"])
        self.settings_panel.set_values(conv.get("system_prompt", ""), conv.get("settings") or {})
        self.refresh_conversations()

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        for i in range(self.sidebar.list.count()):   # shown at once, saved in the background
            item = self.sidebar.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == conversation_id:
                item.setText(" ".join(title.split()) or item.text())
        self._write(Store.rename_conversation, conversation_id, title,
                    on_done=lambda _: self.refresh_conversations(),
                    on_error=lambda m: (self.errorRaised.emit(self.tr("Could not rename the conversation: {error}").format(error=translate_message(m))),
                                        self.refresh_conversations()))

    def delete_conversation(self, conversation_id: int) -> None:
        if self.generating and conversation_id == self.conversation_id:
            return
        data = self._read(self.tr("Could not delete the conversation"), lambda s: s.export_json(conversation_id))
        if data is None:
            return
        self._deleted = data
        self._write(Store.delete_conversation, conversation_id,
                    on_done=lambda _: self.refresh_conversations(),
                    on_error=lambda m: (self.errorRaised.emit(self.tr("Could not delete the conversation: {error}").format(error=translate_message(m))),
                                        self.refresh_conversations()))
        if conversation_id == self.conversation_id:
            self.new_conversation()
        for i in reversed(range(self.sidebar.list.count())):   # gone from the list at once
            if self.sidebar.list.item(i).data(Qt.ItemDataRole.UserRole) == conversation_id:
                self.sidebar.list.takeItem(i)
        self.sidebar.show_undo(self._deleted["title"])

    def undo_delete(self) -> Pending | None:
        if not self._deleted:
            return None
        data, self._deleted = self._deleted, None

        def restored(cid: int) -> None:
            self.refresh_conversations()
            self.open_conversation(cid)

        return self._write(Store.restore_conversation, data, on_done=restored,
                           on_error=lambda m: self.errorRaised.emit(self.tr("Could not restore the conversation: {error}").format(error=translate_message(m))))

    def search(self, query: str) -> None:
        if not query:
            convs = self._read(self.tr("Could not list the conversations"), lambda s: s.list_conversations())
            if convs is not None:
                self._show_conversations(convs)
            return
        hits = self._read(self.tr("Searching failed"), lambda s: s.search(query))
        if hits is not None:
            self.sidebar.set_search_results(hits)

    def export_conversation(self, conversation_id: int, fmt: str, path: str | Path) -> None:
        """Write the conversation to ``path`` (OSError when the file cannot be written)."""
        if fmt == "json":
            data = self._read(self.tr("Could not export the conversation"), lambda s: s.export_json(conversation_id))
            text = None if data is None else json.dumps(data, ensure_ascii=False, indent=2)
        else:
            text = self._read(self.tr("Could not export the conversation"), lambda s: s.export_markdown(conversation_id))
        if text is not None:
            Path(path).write_text(text, encoding="utf-8")

    def import_conversation(self, path: str | Path) -> Pending | None:
        """Import a JSON export; returns the Pending of the new conversation's id (then it opens),
        or None with a banner when the file cannot be read."""
        name = Path(path).name
        try:
            data = read_export_file(path)   # bounded in size and nesting
        except HearthError as e:
            self.errorRaised.emit(self.tr("Could not import {name}: {error}").format(name=name, error=translate_message(str(e))))
            return None

        def imported(cid: int) -> None:
            self.refresh_conversations()
            self.open_conversation(cid)

        return self._write(Store.import_json, data, on_done=imported,
                           on_error=lambda m: self.errorRaised.emit(self.tr("Could not import {name}: {error}").format(name=name, error=translate_message(m))))

    def _export_dialog(self, conversation_id: int, fmt: str) -> None:
        conv = self._read(self.tr("Could not export the conversation"), lambda s: s.get_conversation(conversation_id))
        if conv is None:
            return
        title = conv["title"]
        safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in title).strip() or "conversation"
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, self.tr("Export conversation"), str(Path.home() / f"{safe}.{fmt}"),
            self.tr("Markdown (*.md)") if fmt == "md" else self.tr("JSON (*.json)"))
        if path:
            try:
                self.export_conversation(conversation_id, fmt, path)
            except OSError as e:
                self.errorRaised.emit(self.tr("Could not write {path}: {error}").format(path=path, error=e.strerror or e))

    def _import_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Import conversation"), str(Path.home()),
                                                        self.tr("Hearth conversation (*.json)"))
        if path:
            self.import_conversation(path)

    # ---- settings ----------------------------------------------------------------
    def _settings_edited(self) -> None:
        """Written 500 ms after the last edit (not on every keystroke), by the storage thread."""
        if self._cid is not None:
            self._settings_target = self._cid
            self._settings_timer.start()

    def _flush_settings(self) -> None:
        """Queue the edits still waiting for the debounce (before the panel shows another chat)."""
        if self._settings_timer.isActive():
            self._settings_timer.stop()
            self._save_settings_now()

    def _save_settings_now(self) -> None:
        target, self._settings_target = self._settings_target, None
        if target is None:
            return
        self._write(Store.update_conversation_settings, target,
                    system_prompt=self.settings_panel.system_prompt(), settings=self.settings_panel.settings(),
                    key=("settings", target),
                    on_error=lambda m: self.errorRaised.emit(self.tr("Could not save the chat settings: {error}").format(error=translate_message(m))))

    def _save_model_defaults(self) -> None:
        if not self.model_info:
            self.errorRaised.emit(self.tr("Load a model first: defaults are saved per model."))
            return
        all_defaults = dict(self.config.settings.get("model_defaults", {}) or {})
        all_defaults[self.model_info["path"]] = self.settings_panel.settings()
        self.config.settings.set("model_defaults", all_defaults)
        self.settings_panel.set_defaults(model_defaults(self.config.settings, self.model_info["path"]))
        self.errorRaised.emit("info:Saved as the defaults for this model.")

    def _save_preset(self, name: str, text: str) -> None:
        self._write(Store.save_preset, name, text, on_done=lambda _: self._refresh_presets(),
                    on_error=lambda m: self.errorRaised.emit(self.tr("Could not save the preset: {error}").format(error=translate_message(m))))

    def _delete_preset(self, name: str) -> None:
        self._write(Store.delete_preset, name, on_done=lambda _: self._refresh_presets(),
                    on_error=lambda m: self.errorRaised.emit(self.tr("Could not delete the preset: {error}").format(error=translate_message(m))))

    def _refresh_presets(self) -> None:
        presets = self._read(self.tr("Could not read the presets"), lambda s: s.list_presets())
        if presets is not None:
            self.settings_panel.set_presets(presets)

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

    def _ensure_conversation(self) -> int | Pending:
        if self._cid is None:
            self._settings_timer.stop()   # the new row gets the panel's values
            self._settings_target = None
            self._cid = self._write(
                Store.create_conversation,
                system_prompt=self.settings_panel.system_prompt(), settings=self.settings_panel.settings(),
                model_path=self.model_info.get("path") if self.model_info else None,
                on_done=lambda _: self.refresh_conversations())
        return self._cid

    def send(self, text: str | None = None) -> None:
        text = (text if isinstance(text, str) else self.input.toPlainText()).strip()
        if not text or self.generating:
            return
        if self.model_info is None:
            self.errorRaised.emit(self.tr("Load a model first: pick one above and press Load."))
            return
        cid = self._ensure_conversation()
        # Queued before it is shown: whatever the user saw as sent reaches the database, in order
        # (retried while another process holds the database's write lock).
        mid = self._write(Store.add_message, cid, "user", text, on_done=lambda _: self.refresh_conversations())
        self.input.clear()
        self.view.add_message({"id": mid, "role": "user", "content": text})
        if getattr(self.bridge, "summary_running", False):
            # one model process answers one request at a time: say why the reply does not start
            self.errorRaised.emit("info:" + self.tr(
                "The model is writing a summary: this reply starts when the summary is done (or stop the "
                "summary on the Summarise pane)."))
        self._request_reply()

    def _request_reply(self) -> None:
        model = self.model_info.get("path") if self.model_info else None
        history = self.history()
        self._reply_id = self._write(Store.add_message, self._cid, "assistant", "", model=model, complete=False)
        if model:
            self._write(Store.update_conversation_settings, self._cid, model_path=model)
        self.view.begin_reply(model)
        self.view.messages[-1]["id"] = self._reply_id
        self._set_generating(True)
        self._save_timer.start()
        # The id is taken here, on the GUI thread: a Stop from now on applies to this reply.
        self._request_id = self.bridge.new_request_id()
        self.bridge.chatRequested.emit(history, self.sampling.to_dict(), self._request_id)

    def stop(self) -> None:
        if self.generating:
            self.bridge.cancel(self._request_id)  # direct call: sets the host's flag at once

    def regenerate(self) -> None:
        """Write the last reply again (the old one is replaced)."""
        if self.generating or self.model_info is None or not self.view.messages:
            return
        last = self.view.messages[-1]
        if last["role"] == "assistant":
            if last.get("id") is not None:
                self._write(Store.delete_messages_after, self._cid, last["id"], inclusive=True)
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
            self._write(Store.delete_messages_after, self._cid, msgs[index]["id"], inclusive=True)
        self.view.set_messages(msgs[:index])
        self.send(new_text)

    def _edit_dialog(self, index: int) -> None:
        old = self.view.messages[index]["content"]
        text, ok = QtWidgets.QInputDialog.getMultiLineText(
            self, self.tr("Edit and resend"), self.tr("Resending replaces the messages after this one:"), old)
        if ok:
            self.edit_and_resend(index, text)

    # ---- streaming save ---------------------------------------------------------------
    def _save_partial(self) -> None:
        if self._reply_id is not None and self.view.streaming:
            # One job per reply: while the database is locked, newer text replaces the queued save.
            self._write(Store.update_message, self._reply_id, content=self.view.messages[-1]["content"],
                        complete=False, key=("reply", self._reply_id))

    def _finish_saving(self, text: str, complete: bool, stats: dict | None, then=None) -> None:
        """Queue the reply's final save; ``then()`` runs on the GUI thread once it is saved (or failed)."""
        self._save_timer.stop()

        def saved(_=None) -> None:
            self._resolve_ids()
            self.refresh_conversations()
            if then is not None:
                then()

        if self._reply_id is not None:
            self._write(Store.update_message, self._reply_id, content=text, complete=complete,
                        stats={k: v for k, v in (stats or {}).items() if k != "text"} or None,
                        key=("reply", self._reply_id), on_done=saved,
                        on_error=lambda m: (self.errorRaised.emit(self.tr("Could not save the reply: {error}").format(error=translate_message(m))), saved()))
        else:
            saved()
        self._reply_id = None

    # ---- bridge events -----------------------------------------------------------
    def _on_loaded(self, info: dict) -> None:
        self.model_info = info
        self.base_note.setVisible(not info.get("has_chat_template", True))
        self.remote_note.show_hosts([info.get("host", "")] if info.get("remote") else [])
        self.settings_panel.set_defaults(model_defaults(self.config.settings, info["path"]))

    def _on_unloaded(self) -> None:
        self.model_info = None
        self.base_note.hide()
        self.remote_note.hide()

    def _on_finished(self, stats: dict) -> None:
        if not self.view.streaming:
            return
        complete = stats.get("finish_reason") in ("stop", "length")
        text = stats.get("text") if stats.get("text") is not None else self.view.messages[-1]["content"]
        self.view.finish_reply(text, complete=complete, stats=stats)
        # replyFinished means shown *and saved*: it is emitted once the storage thread has saved it.
        self._finish_saving(text, complete, stats, then=lambda: self.replyFinished.emit(stats))
        self._set_generating(False)
        self.statsChanged.emit(stats)
        dropped = stats.get("dropped_messages") or 0
        if dropped:
            self.view.set_messages(self.view.messages, memory_start=dropped)
            self.errorRaised.emit("info:" + self.tr("The conversation no longer fits the model's context: the {n} "
                                          "oldest messages are outside the model's memory.").format(n=dropped))

    def _on_failed(self, message: str) -> None:
        result = {"finish_reason": "error", "error": message}
        streaming = self.view.streaming
        if streaming:
            partial = self.view.messages[-1]["content"]
            self.view.finish_reply(partial, complete=False)
            self._finish_saving(partial, False, None, then=lambda: self.replyFinished.emit(result))
        self._set_generating(False)
        self.errorRaised.emit(message)
        if not streaming:
            self.replyFinished.emit(result)

    def _set_generating(self, on: bool) -> None:
        self.send_button.setEnabled(not on)
        self.stop_button.setEnabled(on)
        self.regen_button.setEnabled(not on)
        self.view.busy = on

    def shutdown(self) -> None:
        """Save a reply still streaming and the settings still waiting, then stop the storage
        thread (it waits a while for a locked database: the window is closing)."""
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self._read_retry.stop()
        self._flush_settings()
        if self.view.streaming:
            self._finish_saving(self.view.messages[-1]["content"], False, None)
        self.storage.shutdown()
        if self.store is not None:
            self.store.close()
