"""A dismissable message strip at the top of the window for errors and notices."""

from __future__ import annotations

from gui.qt import Qt, QtWidgets, Signal
from gui.engine_messages import as_sentence, translate as translate_message

STYLES = {
    "error": "background:#fdecea; color:#611a15; border:1px solid #f5c2c0;",
    "warning": "background:#fff4e5; color:#663c00; border:1px solid #ffd8a8;",
    "info": "background:#e8f4fd; color:#0d3c61; border:1px solid #b6dcf7;",
}


class Banner(QtWidgets.QFrame):
    dismissed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("banner")  # the style sheet names whatever object name it has when shown
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        self.label = QtWidgets.QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.label, 1)
        close = QtWidgets.QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.dismiss)
        lay.addWidget(close)
        self.kind = None
        self.hide()

    def show_message(self, text: str, kind: str = "error") -> None:
        self.kind = kind
        self.label.setText(translate_message(text))   # an engine sentence in the interface language
        # By this banner's own object name: a pane may rename it (e.g. "storageBanner").
        self.setStyleSheet(f"#{self.objectName() or 'banner'} {{{STYLES.get(kind, STYLES['info'])} "
                           f"border-radius:4px;}}")
        self.show()

    def show_notice(self, message: str) -> None:
        """Something the engine did by itself that the user should know once (the CPU fallback): its sentence
        as an info banner, in the interface language; shown again while it is up, nothing changes."""
        text = as_sentence(message)
        if text and not (self.kind == "info" and self.text == text):
            self.show_message(text, "info")

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    @property
    def text(self) -> str:
        return self.label.text() if not self.isHidden() else ""
