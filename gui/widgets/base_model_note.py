"""The base-model note: said before anything runs that a chosen model has no chat template (it continues text
instead of following instructions, so answers and summaries will be poor) and which instruction-tuned models to
download — the engine's sentence (engine/library.py ``base_model_warning``), as the CLI prints it on stderr.
The Summarise, Ask and Compare panes show it."""

from __future__ import annotations

from pathlib import Path

from gui.engine_messages import translate as translate_message
from gui.qt import Qt, QtWidgets

NOTE_COLOR = "#8a6d00"     # notes beside the controls (dark yellow: readable on light and dark themes)


class BaseModelNote(QtWidgets.QLabel):
    def __init__(self, object_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setStyleSheet(f"color:{NOTE_COLOR};")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def set_models(self, names: list[str]) -> bool:
        """The note for these base models (one sentence each; empty for none); whether there is any.
        Visibility is the caller's (a blind round hides the names)."""
        from engine.library import base_model_warning

        self.setText("\n".join(translate_message(base_model_warning(n)) for n in names))
        return bool(names)

    def show_for(self, info: dict | None) -> None:
        """Shown for a loaded local model without a chat template (the bridge's load info), else hidden."""
        base = bool(info) and not info.get("remote") and info.get("has_chat_template") is False
        name = (Path(str(info.get("path") or "")).stem or self.tr("this model")) if base else ""
        self.setVisible(self.set_models([name] if base else []))
