"""Small formatting helpers and widgets shared by the Models pane's views."""

from __future__ import annotations

from engine.library import human_size
from gui.qt import Qt, QtWidgets

ADMIN_OFF = {
    "hub": "Browsing the Hugging Face Hub is switched off by your administrator.",
    "downloads": "Downloading models is switched off by your administrator.",
    "import": "Importing model files is switched off by your administrator.",
}


def size_text(n: int | None) -> str:
    return human_size(n) if n else "—"


def count_text(n: int | None) -> str:
    if n is None:
        return "—"
    for div, unit in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if n >= div:
            v = n / div
            return f"{v:.1f}{unit}" if v < 10 else f"{v:.0f}{unit}"
    return str(n)


def ctx_text(n: int | None) -> str:
    if not n:
        return "—"
    return f"{n // 1024}K" if n >= 1024 and n % 1024 == 0 else (f"{n / 1024:.1f}K" if n >= 1024 else str(n))


def duration_text(s: float | None) -> str:
    if s is None or s != s or s < 0:
        return "—"
    s = int(s + 0.5)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def fit_text(fit, header_error: str | None = None) -> str:
    """'CPU only · up to 32K context' — the fit estimate as one line."""
    if fit is None:
        return "unknown (header unreadable)" if header_error else "—"
    bits = [fit.label]
    if fit.verdict != "no_fit" and fit.max_ctx:
        bits.append(f"context up to {ctx_text(fit.max_ctx)}")
    if fit.approximate:
        bits.append("rough: size only")
    return " · ".join(bits)


def heading(text: str, size: int = 15) -> QtWidgets.QLabel:
    lab = QtWidgets.QLabel(text)
    f = lab.font()
    f.setPointSize(size)
    f.setBold(True)
    lab.setFont(f)
    return lab


def note(text: str = "", *, muted: bool = True) -> QtWidgets.QLabel:
    lab = QtWidgets.QLabel(text)
    lab.setWordWrap(True)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        lab.setStyleSheet("color:#5f6368;")
    return lab


MANAGED_TIP = "Managed by your administrator"


def policy_label(feature: str, text: str | None = None) -> QtWidgets.QLabel:
    """The orange note saying a feature is off (``text``: another reason, e.g. offline)."""
    lab = QtWidgets.QLabel(text or ADMIN_OFF[feature])
    lab.setWordWrap(True)
    lab.setObjectName(f"policy_{feature}")
    lab.setStyleSheet("background:#fff4e5; color:#663c00; border:1px solid #ffd8a8; "
                      "border-radius:4px; padding:6px;")
    return lab


def table(columns: list[str], widths: tuple[int, ...]) -> QtWidgets.QTreeWidget:
    """A flat, single-selection list with columns, as the Library and Downloads views use."""
    tree = QtWidgets.QTreeWidget()
    tree.setHeaderLabels(columns)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
    tree.header().setStretchLastSection(True)
    for c, w in enumerate(widths):
        tree.setColumnWidth(c, w)
    return tree
