"""Chat pane: type, send (Ctrl+Enter), watch the reply stream, Stop (Esc).

The pane only talks to the EngineBridge through its signals; it never calls
the engine on the GUI thread.
"""

from __future__ import annotations

from gui.qt import Qt, QtGui, QtWidgets, Signal
from gui.widgets.chat_view import ChatView

from engine.chat import BASE_MODEL_NOTE
from engine.host.protocol import SamplingOptions


class ChatInput(QtWidgets.QPlainTextEdit):
    """Multi-line input; Ctrl+Enter sends. IME composition is Qt's own."""

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
    statsChanged = Signal(dict)   # last reply's stats, for the status bar
    errorRaised = Signal(str)     # for the window's banner
    replyFinished = Signal(dict)  # the pane has shown a finished (or failed) reply

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.model_info: dict | None = None
        self.system_prompt = ""
        self.sampling = SamplingOptions()
        self._build()
        bridge.loaded.connect(self._on_loaded)
        bridge.unloaded.connect(self._on_unloaded)
        bridge.generationStarted.connect(self._on_started)
        bridge.tokensArrived.connect(self.view.append_tokens)
        bridge.generationFinished.connect(self._on_finished)
        bridge.generationFailed.connect(self._on_failed)

    # ---- layout ---------------------------------------------------------------
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
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
        self.stop_button.setEnabled(False)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        row.addLayout(buttons)
        lay.addLayout(row)
        esc = QtGui.QShortcut(QtGui.QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self.stop)
        self._set_generating(False)

    # ---- actions ---------------------------------------------------------------
    @property
    def generating(self) -> bool:
        return self.view.streaming

    def history(self) -> list[dict]:
        msgs = [{"role": "system", "content": self.system_prompt}] if self.system_prompt.strip() else []
        msgs += [{"role": m["role"], "content": m["content"]} for m in self.view.messages
                 if m["role"] in ("user", "assistant") and (m["content"] or m.get("complete", True))]
        return msgs

    def send(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or self.generating:
            return
        if self.model_info is None:
            self.errorRaised.emit("Load a model first: pick one above and press Load.")
            return
        self.input.clear()
        self.view.add_message({"role": "user", "content": text})
        self._request_reply()

    def _request_reply(self) -> None:
        self.view.begin_reply(self.model_info.get("path") if self.model_info else None)
        self._set_generating(True)
        self.bridge.chatRequested.emit(self.history(), self.sampling.to_dict())

    def stop(self) -> None:
        if self.generating:
            self.bridge.cancel()  # direct call: sets the host's flag at once

    # ---- bridge events -----------------------------------------------------------
    def _on_loaded(self, info: dict) -> None:
        self.model_info = info
        self.base_note.setVisible(not info.get("has_chat_template", True))

    def _on_unloaded(self) -> None:
        self.model_info = None
        self.base_note.hide()

    def _on_started(self) -> None:
        pass

    def _on_finished(self, stats: dict) -> None:
        complete = stats.get("finish_reason") in ("stop", "length")
        self.view.finish_reply(stats.get("text"), complete=complete, stats=stats)
        self._set_generating(False)
        self.statsChanged.emit(stats)
        if stats.get("dropped_messages"):
            self.errorRaised.emit(f"info:{stats['dropped_messages']} earlier messages are outside the model's "
                                  "memory (context window full).")
        self.replyFinished.emit(stats)

    def _on_failed(self, message: str) -> None:
        if self.view.streaming:
            self.view.finish_reply(complete=False)
        self._set_generating(False)
        self.errorRaised.emit(message)
        self.replyFinished.emit({"finish_reason": "error", "error": message})

    def _set_generating(self, on: bool) -> None:
        self.send_button.setEnabled(not on)
        self.stop_button.setEnabled(on)
        self.view.busy = on
