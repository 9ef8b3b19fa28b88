"""Small formatting helpers and widgets shared by the Models pane's views."""

from __future__ import annotations

from gui.engine_messages import translate as translate_message
from gui.i18n import format_number, format_size
from gui.qt import Qt, QtCore, QtWidgets

ADMIN_OFF = {
    "hub": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Browsing the Hugging Face Hub is switched off by your administrator."),
    "downloads": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Downloading models is switched off by your administrator."),
    "import": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Importing model files is switched off by your administrator."),
}


def tr(text: str) -> str:
    return QtCore.QCoreApplication.translate("ModelsCommon", text)


def size_text(n: int | None) -> str:
    return format_size(n) if n else "—"


def count_text(n: int | None) -> str:
    if n is None:
        return "—"
    for div, unit in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if n >= div:
            v = n / div
            return f"{format_number(v, 1)}{unit}" if v < 10 else f"{format_number(v, 0)}{unit}"
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
        return QtCore.QCoreApplication.translate("ModelsCommon", "{s} s").format(s=s)
    if s < 3600:
        return QtCore.QCoreApplication.translate("ModelsCommon", "{m} min {s} s").format(m=s // 60, s=f"{s % 60:02d}")
    return QtCore.QCoreApplication.translate("ModelsCommon", "{h} h {m} min").format(h=s // 3600, m=f"{s % 3600 // 60:02d}")


def fit_text(fit, header_error: str | None = None) -> str:
    """'CPU only · up to 32K context' — the fit estimate as one line."""
    if fit is None:
        return QtCore.QCoreApplication.translate("ModelsCommon", "unknown (header unreadable)") if header_error else "—"
    bits = [translate_message(fit.label)]
    if fit.verdict != "no_fit" and fit.max_ctx:
        bits.append(QtCore.QCoreApplication.translate("ModelsCommon", "context up to {ctx}").format(ctx=ctx_text(fit.max_ctx)))
    if fit.approximate:
        bits.append(QtCore.QCoreApplication.translate("ModelsCommon", "rough: size only"))
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


MANAGED_TIP = QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Managed by your administrator")


def policy_label(feature: str, text: str | None = None) -> QtWidgets.QLabel:
    """The orange note saying a feature is off (``text``: another reason, e.g. offline)."""
    lab = QtWidgets.QLabel(text or tr(ADMIN_OFF[feature]))
    lab.setWordWrap(True)
    lab.setObjectName(f"policy_{feature}")
    lab.setStyleSheet("background:#fff4e5; color:#663c00; border:1px solid #ffd8a8; "
                      "border-radius:4px; padding:6px;")
    return lab


def table(columns: list[str], widths: tuple[int, ...]) -> QtWidgets.QTreeWidget:
    """A flat, single-selection list with columns, as the Library and Downloads views use."""
    tree = QtWidgets.QTreeWidget()
    tree.setHeaderLabels([tr(c) for c in columns])
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
    tree.header().setStretchLastSection(True)
    for c, w in enumerate(widths):
        tree.setColumnWidth(c, w)
    return tree


def admin_off(feature: str) -> str:
    """The sentence saying ``feature`` (hub, downloads, import) is switched off, in the interface language."""
    return tr(ADMIN_OFF[feature])
