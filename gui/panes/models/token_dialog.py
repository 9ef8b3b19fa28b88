"""The Hugging Face access token: status from the keyring, Set… and Clear.

The token is stored only in the OS keyring (engine.hub.token). Without a
keyring backend the dialog says so and offers to use the token for this
session only (held in memory, gone when Hearth quits).

Keyring calls never run on the GUI thread: a locked keyring can wait on its
unlock prompt, a broken D-Bus on a timeout. They run one at a time on a thread
of their own (``KeyringCalls``); the result comes back as a queued signal.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable

from engine.errors import HearthError
from engine.hub import token as hub_token
from gui.engine_messages import translate as translate_message
from gui.qt import QObject, QtCore, QtWidgets, Signal

SOURCES = {"keyring": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "stored in the system keyring"), "environment": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "from HF_TOKEN"),
           "session": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "for this session only")}


class TokenDialog(QtWidgets.QDialog):
    def __init__(self, keyring_ok: bool, note: str | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Hugging Face access token"))
        self.session_only = not keyring_ok
        lay = QtWidgets.QVBoxLayout(self)
        text = self.tr("Gated models (Llama, Gemma…) need a Hugging Face access token, after you accept the "
                       "model's licence on its Hub page. Create a read token at huggingface.co/settings/tokens.")
        info = QtWidgets.QLabel(text)
        info.setWordWrap(True)
        lay.addWidget(info)
        if not keyring_ok:
            warn = QtWidgets.QLabel(translate_message(note) if note else self.tr("No system keyring is available."))
            warn.setWordWrap(True)
            warn.setStyleSheet("color:#663c00;")
            lay.addWidget(warn)
        self.edit = QtWidgets.QLineEdit()
        self.edit.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(self.tr("hf_…"))
        lay.addWidget(self.edit)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.addButton(self.tr("Use for this session") if not keyring_ok else self.tr("Save in keyring"),
                               QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    @property
    def token(self) -> str:
        return self.edit.text().strip()


class KeyringCalls(QObject):
    """Runs keyring calls one at a time on a thread of its own; ``then(result)`` runs on the GUI thread."""

    _done = Signal(object, object)   # callback, result (emitted on the keyring thread, delivered queued)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._jobs: queue.Queue = queue.Queue()
        self._done.connect(self._deliver)
        self.in_flight = 0
        # A daemon thread: a keyring call that never returns must not keep Hearth from quitting.
        threading.Thread(target=self._loop, args=(self._jobs, self._done), name="hearth-keyring",
                         daemon=True).start()

    def submit(self, fn: Callable[[], object], then: Callable[[object], None]) -> None:
        self.in_flight += 1
        self._jobs.put((fn, then))

    @staticmethod
    def _loop(jobs: queue.Queue, done) -> None:
        while True:
            item = jobs.get()
            if item is None:
                return
            fn, then = item
            try:
                result = fn()
            except Exception as e:  # fn turns expected failures into values; this is a last resort
                result = e
            try:
                done.emit(then, result)
            except RuntimeError:   # the control is gone (window closed)
                return

    def _deliver(self, then, result) -> None:
        self.in_flight -= 1
        then(result)

    def shutdown(self) -> None:
        self._jobs.put(None)


def _status_now() -> dict:
    try:
        return hub_token.token_status()
    except Exception as e:  # a broken keyring must not break the pane
        return _fallback_status(e)


class TokenControl(QtWidgets.QGroupBox):
    """Compact status line with Set…/Clear; ``tokenChanged`` after a change, ``failed`` with a sentence.

    Every keyring call runs on ``KeyringCalls``' thread: ``refresh``, ``apply`` and ``clear``
    return at once, and ``finished(action, ok)`` says when one is done and shown."""

    tokenChanged = Signal()
    failed = Signal(str)
    finished = Signal(str, bool)     # "refresh" | "set" | "clear", succeeded

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Hugging Face token"))
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        self.status_label = QtWidgets.QLabel()
        self.status_label.setWordWrap(True)
        lay.addWidget(self.status_label)
        row = QtWidgets.QHBoxLayout()
        self.set_btn = QtWidgets.QPushButton(self.tr("Set…"))
        self.clear_btn = QtWidgets.QPushButton(self.tr("Clear"))
        self.set_btn.clicked.connect(self._ask)
        self.clear_btn.clicked.connect(self.clear)
        row.addWidget(self.set_btn)
        row.addWidget(self.clear_btn)
        lay.addLayout(row)
        self.status: dict = {}
        self.calls = KeyringCalls(self)
        self.status_label.setText(self.tr("Checking the keyring…"))
        self.set_btn.setEnabled(False)
        self.clear_btn.setEnabled(False)
        self.refresh()

    @property
    def busy(self) -> bool:
        """A keyring call is running."""
        return self.calls.in_flight > 0

    def refresh(self) -> None:
        """Read the status from the keyring (in the background) and show it."""
        self._run("refresh", None)

    def _run(self, action: str, change: Callable[[], None] | None) -> None:
        self.set_btn.setEnabled(False)
        self.clear_btn.setEnabled(False)

        def work():
            error = None
            if change is not None:
                try:
                    change()
                except HearthError as e:
                    error = str(e)
            return error, _status_now()

        self.calls.submit(work, lambda result: self._after(action, result))

    def _after(self, action: str, result) -> None:
        if isinstance(result, BaseException):   # not expected: work() catches what it knows
            error, status = f"the keyring failed ({type(result).__name__})", _fallback_status(result)
        else:
            error, status = result
        self._show(status)
        if error:
            self.failed.emit(error)
        if action == "clear" or (action == "set" and not error):
            self.tokenChanged.emit()
        self.finished.emit(action, not error)

    def _show(self, status: dict) -> None:
        self.status = status
        s = self.status
        if s.get("token_set"):
            src = s.get("source")
            text = self.tr("Set, {source}.").format(
                source=QtCore.QCoreApplication.translate("ModelsCommon", SOURCES[src]) if src in SOURCES else src)
        else:
            text = self.tr("Not set: public models only.")
        if not s.get("keyring_available"):
            text += " " + self.tr("No system keyring: a token can be used for this session only.")
            self.status_label.setToolTip(translate_message(s.get("note") or ""))
        else:
            self.status_label.setToolTip(self.tr("Keyring: {backend}").format(backend=s.get("keyring_backend")))
        self.status_label.setText(text)
        idle = self.calls.in_flight == 0
        self.set_btn.setEnabled(idle)
        self.clear_btn.setEnabled(idle and bool(s.get("token_set")) and s.get("source") != "environment")

    def _ask(self) -> None:
        dlg = TokenDialog(bool(self.status.get("keyring_available")), self.status.get("note"), self)
        if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted and dlg.token:
            self.apply(dlg.token, session_only=dlg.session_only)

    def apply(self, token: str, *, session_only: bool = False) -> None:
        """Store the token (keyring, or memory for this session), in the background; then
        ``tokenChanged``, or ``failed`` with a sentence; ``finished("set", ok)`` either way."""
        if session_only:
            self._run("set", lambda: hub_token.set_session_token(token))
        else:
            self._run("set", lambda: hub_token.set_token(token))

    def clear(self) -> None:
        """Remove the token, in the background. A keyring that refuses to delete is a ``failed``
        sentence (the token is still there); ``finished("clear", ok)`` either way."""
        self._run("clear", hub_token.clear_token)


def _fallback_status(e: BaseException) -> dict:
    return {"token_set": False, "keyring_available": False,
            "note": f"the keyring could not be read ({type(e).__name__})"}
