"""The Hugging Face access token: status from the keyring, Set… and Clear.

The token is stored only in the OS keyring (engine.hub.token). Without a
keyring backend the dialog says so and offers to use the token for this
session only (held in memory, gone when Hearth quits).
"""

from __future__ import annotations

from engine.errors import HearthError
from engine.hub import token as hub_token
from gui.qt import QtWidgets, Signal

SOURCES = {"keyring": "stored in the system keyring", "environment": "from HF_TOKEN",
           "session": "for this session only"}


class TokenDialog(QtWidgets.QDialog):
    def __init__(self, keyring_ok: bool, note: str | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Hugging Face access token")
        self.session_only = not keyring_ok
        lay = QtWidgets.QVBoxLayout(self)
        text = ("Gated models (Llama, Gemma…) need a Hugging Face access token, after you accept the "
                "model's licence on its Hub page. Create a read token at huggingface.co/settings/tokens.")
        info = QtWidgets.QLabel(text)
        info.setWordWrap(True)
        lay.addWidget(info)
        if not keyring_ok:
            warn = QtWidgets.QLabel(note or "No system keyring is available.")
            warn.setWordWrap(True)
            warn.setStyleSheet("color:#663c00;")
            lay.addWidget(warn)
        self.edit = QtWidgets.QLineEdit()
        self.edit.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText("hf_…")
        lay.addWidget(self.edit)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.addButton("Use for this session" if not keyring_ok else "Save in keyring",
                               QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    @property
    def token(self) -> str:
        return self.edit.text().strip()


class TokenControl(QtWidgets.QGroupBox):
    """Compact status line with Set…/Clear; ``tokenChanged`` after a change, ``failed`` with a sentence."""

    tokenChanged = Signal()
    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__("Hugging Face token", parent)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        self.status_label = QtWidgets.QLabel()
        self.status_label.setWordWrap(True)
        lay.addWidget(self.status_label)
        row = QtWidgets.QHBoxLayout()
        self.set_btn = QtWidgets.QPushButton("Set…")
        self.clear_btn = QtWidgets.QPushButton("Clear")
        self.set_btn.clicked.connect(self._ask)
        self.clear_btn.clicked.connect(self.clear)
        row.addWidget(self.set_btn)
        row.addWidget(self.clear_btn)
        lay.addLayout(row)
        self.status: dict = {}
        self.refresh()

    def refresh(self) -> None:
        try:
            self.status = hub_token.token_status()
        except Exception as e:  # a broken keyring must not break the pane
            self.status = {"token_set": False, "keyring_available": False,
                           "note": f"the keyring could not be read ({type(e).__name__})"}
        s = self.status
        if s.get("token_set"):
            text = f"Set, {SOURCES.get(s.get('source'), s.get('source'))}."
        else:
            text = "Not set: public models only."
        if not s.get("keyring_available"):
            text += " No system keyring: a token can be used for this session only."
            self.status_label.setToolTip(s.get("note") or "")
        else:
            self.status_label.setToolTip(f"Keyring: {s.get('keyring_backend')}")
        self.status_label.setText(text)
        self.clear_btn.setEnabled(bool(s.get("token_set")) and s.get("source") != "environment")

    def _ask(self) -> None:
        dlg = TokenDialog(bool(self.status.get("keyring_available")), self.status.get("note"), self)
        if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted and dlg.token:
            self.apply(dlg.token, session_only=dlg.session_only)

    def apply(self, token: str, *, session_only: bool = False) -> bool:
        """Store the token (keyring, or memory for this session); False with ``failed`` on error."""
        try:
            if session_only:
                hub_token.set_session_token(token)
            else:
                hub_token.set_token(token)
        except HearthError as e:
            self.failed.emit(str(e))
            return False
        self.refresh()
        self.tokenChanged.emit()
        return True

    def clear(self) -> None:
        try:
            hub_token.clear_token()
        except HearthError as e:   # the keyring refused: say so, the token is still there
            self.failed.emit(str(e))
        self.refresh()
        self.tokenChanged.emit()
