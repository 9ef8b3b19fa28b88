"""Help → About Hearth: the version, and how this copy and its llama.cpp were built.

The llama.cpp part (``engine.packaged.build_info``) loads llama-cpp-python's
libraries the first time, so it is read on a worker thread; the dialog shows
"Reading…" until it arrives. IT can copy the whole text for a support ticket.
"""

from __future__ import annotations

import html
import platform
import threading

from gui.qt import QObject, QtCore, QtWidgets, Qt, Signal

# What this copy ships and under which licence (the packaged build carries the licence texts).
LICENCES = (
    ("Hearth", "Apache-2.0"),
    ("llama.cpp / ggml", "MIT"),
    ("llama-cpp-python", "MIT"),
    ("Qt 6 / PySide6", "LGPL-3.0"),
    ("huggingface-hub", "Apache-2.0"),
    ("pypdf", "BSD-3-Clause"),
    ("python-docx", "MIT"),
    ("platformdirs", "MIT"),
    ("keyring", "MIT"),
    ("gguf", "MIT"),
    ("psutil", "BSD-3-Clause"),
    ("Jinja2", "BSD-3-Clause"),
    ("NumPy", "BSD-3-Clause"),
    ("markdown-it-py", "MIT"),
    ("Pygments", "BSD-2-Clause"),
    ("requests", "Apache-2.0"),
    ("charset-normalizer", "MIT"),
    ("Gemma 3 270M starter model (optional)", "Gemma Terms of Use"),
)


def _tr(text: str) -> str:
    return QtCore.QCoreApplication.translate("AboutDialog", text)

from engine import __version__


class _Reader(QObject):
    done = Signal(dict)

    def start(self) -> None:
        threading.Thread(target=self._run, name="about-build-info", daemon=True).start()

    def _run(self) -> None:
        from engine.packaged import build_info

        try:
            info = build_info()
        except Exception as e:  # build_info never raises by design; belt and braces
            info = {"error": f"the build information could not be read: {e}"}
        try:
            self.done.emit(info)
        except RuntimeError:
            pass  # the dialog was closed and deleted meanwhile


def about_text(info: dict | None) -> str:
    """Plain text for the dialog and the clipboard (``info`` None: still reading)."""
    from engine.packaged import describe

    lines = [f"Hearth {__version__}",
             f"Python {platform.python_version()}, Qt {QtCore.qVersion()}, {platform.platform()}"]
    if info is None:
        lines.append(_tr("Reading the llama.cpp build…"))
    else:
        lines += describe(info)
    lines += ["", _tr("Licences:")] + [f"  {name}: {licence}" for name, licence in LICENCES]
    return "\n".join(lines)


class AboutDialog(QtWidgets.QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Hearth"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.info: dict | None = None
        lay = QtWidgets.QVBoxLayout(self)
        title = QtWidgets.QLabel(f"<h2>Hearth {html.escape(__version__)}</h2>" +
                                 html.escape(self.tr("Language models, privately on this computer.")))
        lay.addWidget(title)
        self.details = QtWidgets.QPlainTextEdit(about_text(None))
        self.details.setReadOnly(True)
        self.details.setMinimumSize(560, 200)
        lay.addWidget(self.details, 1)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        self.copy_button = buttons.addButton(self.tr("Copy"), QtWidgets.QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(
            lambda: QtWidgets.QApplication.clipboard().setText(self.details.toPlainText()))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._reader = _Reader(self)
        self._reader.done.connect(self._on_info)
        self._reader.start()

    def _on_info(self, info: dict) -> None:
        self.info = info
        self.details.setPlainText(about_text(info))
