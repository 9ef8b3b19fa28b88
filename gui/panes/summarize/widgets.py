"""The summarise pane's pieces: the parts tree, the result view with citations, the history list,
and the small text helpers they share (no engine calls here)."""

from __future__ import annotations

import re
import secrets

from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from gui.i18n import apply_cjk_fallback, format_datetime, format_number
from gui.widgets import markdown
from gui.widgets.base_model_note import NOTE_COLOR
from gui.widgets.chat_view import confirm_open_link

# "[p. 3]", "[pp. 3–4]", "[pp. 3-4]" (the engine writes an en dash; models copy it either way).
CITATION_RE = re.compile(r"\[(pp?)\.\s*(\d+)(?:\s*[\u2013\u2014\-~〜]\s*(\d+))?\]")

STATUS_LABELS = {"done": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "done"), "running": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "running"), "cancelled": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "stopped"),
                 "failed": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "failed")}
LENGTH_LABELS = {"short": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "short"), "medium": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "medium"), "detailed": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "detailed")}
FORM_LABELS = {"paragraphs": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "paragraphs"), "bullets": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "bullet points"), "keypoints": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "key points")}


# Why a reply was unusable (engine/summarize/quality.py's reasons).
REASON_LABELS = {
    "loop": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "it went round in a loop"),
    "echo": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "it repeated the instruction or page labels"),
    "copy": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "it copied its text"),
    "empty": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "it was empty"),
    "garbled": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "it was garbled"),
    "language": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "it was in the wrong language"),
    "unrelated": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "it had little to do with its text"),
    "invented": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "it stated things its text does not say"),
    "facts": QtCore.QT_TRANSLATE_NOOP("SummaryWidgets", "it left out the facts it had to keep"),
}


def reason_text(reason: str) -> str:
    return _tr(REASON_LABELS[reason]) if reason in REASON_LABELS else reason


def part_note(part: dict) -> str:
    """How a part was made, when its first reply was unusable ("" when it was not)."""
    note, reason = part.get("note") or "", part.get("reason") or ""
    if not note and part.get("flags"):
        note, _, reason = str(part["flags"]).partition(":")
    if note == "retried":
        return QtCore.QCoreApplication.translate(
            "SummaryWidgets", "Written a second time: the first reply was unusable ({reason}).").format(
            reason=reason_text(reason))
    if note == "extractive":
        return QtCore.QCoreApplication.translate(
            "SummaryWidgets", "An extract: the model's replies were unusable ({reason}), so these are the text's "
                              "most central sentences.").format(reason=reason_text(reason))
    return ""


def _tr(text: str) -> str:
    return QtCore.QCoreApplication.translate("SummaryWidgets", text)


def pages_text(start: int, end: int) -> str:
    return f"p. {start}" if start == end else f"pp. {start}\u2013{end}"


def eta_text(eta_s: float | None) -> str:
    if eta_s is None:
        return QtCore.QCoreApplication.translate("SummaryWidgets", "estimating the time left")
    s = max(0, int(round(eta_s)))
    if s < 60:
        return QtCore.QCoreApplication.translate("SummaryWidgets", "about {s} s left").format(s=max(s, 1))
    m, s = divmod(s, 60)
    if m < 60:
        return (QtCore.QCoreApplication.translate("SummaryWidgets", "about {m} min {s} s left").format(m=m, s=f"{s:02d}") if m < 10
                else QtCore.QCoreApplication.translate("SummaryWidgets", "about {m} min left").format(m=m))
    h, m = divmod(m, 60)
    return QtCore.QCoreApplication.translate("SummaryWidgets", "about {h} h {m} min left").format(h=h, m=f"{m:02d}")


def duration_text(seconds: float) -> str:
    s = max(0.0, float(seconds))
    if s < 60:
        return QtCore.QCoreApplication.translate("SummaryWidgets", "{s} s").format(s=format_number(s, 1))
    m, s = divmod(int(round(s)), 60)
    return (QtCore.QCoreApplication.translate("SummaryWidgets", "{m} min {s} s").format(m=m, s=f"{s:02d}") if m < 60
            else QtCore.QCoreApplication.translate("SummaryWidgets", "{h} h {m} min").format(h=m // 60, m=f"{m % 60:02d}"))


def local_time(iso_utc: str | None) -> str:
    """A stored UTC time as this computer's local date and time (to the minute)."""
    if not iso_utc:
        return ""
    try:
        return format_datetime(iso_utc)
    except ValueError:
        return iso_utc[:16].replace("T", " ")


def level_title(level: int) -> str:
    return QtCore.QCoreApplication.translate("SummaryWidgets", "Chunk summaries") if level == 0 else QtCore.QCoreApplication.translate("SummaryWidgets", "Combined, round {level}").format(level=level)


def first_line(text: str, limit: int = 120) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class PartsTree(QtWidgets.QTreeWidget):
    """Finished parts grouped by level: each with its page label and the start of its text.
    Selecting one shows its whole text (``partSelected``)."""

    partSelected = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels([self.tr("Pages"), self.tr("Partial summary")])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.header().setStretchLastSection(True)
        self.setColumnWidth(0, 180)   # room for "pp. 12–14 · retried"
        self._levels: dict[int, QtWidgets.QTreeWidgetItem] = {}
        self._items: dict[tuple[int, int], QtWidgets.QTreeWidgetItem] = {}
        self.parts: dict[tuple[int, int], dict] = {}
        self.currentItemChanged.connect(self._on_current)

    def clear_parts(self) -> None:
        self.clear()
        self._levels.clear()
        self._items.clear()
        self.parts.clear()

    def count_parts(self) -> int:
        return len(self.parts)

    def add_part(self, part: dict, scroll: bool = True) -> None:
        level, position = int(part["level"]), int(part["position"])
        key = (level, position)
        self.parts[key] = part
        parent = self._levels.get(level)
        if parent is None:
            parent = QtWidgets.QTreeWidgetItem([level_title(level), ""])
            f = parent.font(0)
            f.setBold(True)
            parent.setFont(0, f)
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.addTopLevelItem(parent)
            parent.setFirstColumnSpanned(True)   # only takes effect once the item is in the tree
            parent.setExpanded(True)
            self._levels[level] = parent
        label = part.get("pages") or pages_text(part["page_start"], part["page_end"])
        item = self._items.get(key)
        if item is None:
            item = QtWidgets.QTreeWidgetItem([label, first_line(part.get("text", ""))])
            # In order of position, whatever order they arrive in.
            index = sum(1 for (lv, pos) in self._items if lv == level and pos < position)
            parent.insertChild(index, item)
            self._items[key] = item
        else:
            item.setText(0, label)
            item.setText(1, first_line(part.get("text", "")))
        item.setData(0, Qt.ItemDataRole.UserRole, key)
        item.setToolTip(1, part.get("text", "")[:2000])
        note = part_note(part)
        if note:   # a part that needed a second try or became an extract is marked
            extract = (part.get("note") or str(part.get("flags", ""))).startswith("extractive")
            item.setText(0, label + " · " + (self.tr("extract") if extract else self.tr("retried")))
            item.setToolTip(0, note)
            for col in (0, 1):
                item.setForeground(col, QtGui.QColor(NOTE_COLOR))
        else:
            item.setToolTip(0, "")
            for col in (0, 1):
                item.setData(col, Qt.ItemDataRole.ForegroundRole, None)
        if level == 0:
            parent.setText(0, f"{level_title(0)} ({parent.childCount()})")
        if scroll:
            self.scrollToItem(item)

    def set_parts(self, parts: list[dict]) -> None:
        self.clear_parts()
        for p in sorted(parts, key=lambda p: (p["level"], p["position"])):
            p = dict(p)
            p.setdefault("pages", pages_text(p["page_start"], p["page_end"]))
            self.add_part(p, scroll=False)

    def select_pages(self, start: int, end: int) -> int:
        """Select the chunk summaries that overlap pages ``start``–``end``; returns how many."""
        self.clearSelection()
        first = None
        n = 0
        for (level, _), item in sorted(self._items.items()):
            p = self.parts[(level, _)]
            if level == 0 and p["page_start"] <= end and p["page_end"] >= start:
                item.setSelected(True)
                first = first or item
                n += 1
        if first is not None:
            self.setCurrentItem(first, 0, QtCore.QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollToItem(first)
            self.partSelected.emit(self.parts[first.data(0, Qt.ItemDataRole.UserRole)])
        return n

    def _on_current(self, item, _previous) -> None:
        key = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if key is not None and tuple(key) in self.parts:
            self.partSelected.emit(self.parts[tuple(key)])


class ResultView(QtWidgets.QTextBrowser):
    """The finished summary as Markdown; citations like [pp. 3–4] are links that select those
    pages' partial summaries (``citationClicked``). Links in the text open only after a question."""

    citationClicked = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFont(apply_cjk_fallback(self.font()))   # kana and kanji from a Japanese font
        self.document().setDocumentMargin(12)
        self.anchorClicked.connect(self._on_anchor)
        self._scheme = f"hearth-cite-{secrets.token_hex(6)}"  # no summary text can name it
        self.markdown_text = ""

    def show_summary(self, text: str, header_html: str = "") -> None:
        self.markdown_text = text
        body = markdown.render(text)
        body = CITATION_RE.sub(self._citation_link, body)
        self.setHtml(header_html + body)

    def show_note(self, html_text: str) -> None:
        self.markdown_text = ""
        self.setHtml(html_text)

    def citation_href(self, start: int, end: int) -> str:
        return f"{self._scheme}:{start}-{end}"

    def _citation_link(self, m: re.Match) -> str:
        start = int(m.group(2))
        end = int(m.group(3) or start)
        return (f'<a href="{self.citation_href(start, end)}" style="color:#1f5fa8; text-decoration:none;">'
                f'{m.group(0)}</a>')

    def _on_anchor(self, url: QtCore.QUrl) -> None:
        if url.scheme() == self._scheme:
            a, _, b = url.path().partition("-")
            if a.isdigit():
                self.citationClicked.emit(int(a), int(b) if b.isdigit() else int(a))
        elif url.scheme().lower() in markdown.SAFE_SCHEMES and markdown.is_safe_link(url.toString()):
            target = bytes(url.toEncoded()).decode("ascii", "replace")
            if confirm_open_link(self, target):
                QtGui.QDesktopServices.openUrl(url)


class HistoryList(QtWidgets.QListWidget):
    """Past summaries, newest first: document, status, options, date."""

    summarySelected = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.itemClicked.connect(self._on_clicked)
        self.itemActivated.connect(self._on_clicked)
        self.placeholder = QtWidgets.QLabel(self.tr("No summaries yet."), self)
        self.placeholder.setStyleSheet("color:#888;")
        self.placeholder.move(10, 10)

    def set_rows(self, rows: list[dict], select_id: int | None = None) -> None:
        self.blockSignals(True)
        try:
            self.clear()
            for r in rows:
                o = r.get("options") or {}
                status = r.get("status") or ""
                status = _tr(STATUS_LABELS[status]) if status in STATUS_LABELS else status
                pages = r.get("pages")
                length = _tr(LENGTH_LABELS[o["length"]]) if o.get("length") in LENGTH_LABELS else o.get("length")
                form = _tr(FORM_LABELS[o["form"]]) if o.get("form") in FORM_LABELS else o.get("form")
                line2 = self.tr("{length}, {form}").format(length=length, form=form) + " · " + (
                    self.tr("{n} page") if pages == 1 else self.tr("{n} pages")).format(n=pages)
                line3 = f"{status} · {local_time(r.get('updated_at'))}"
                item = QtWidgets.QListWidgetItem(f"{r.get('document_name')}\n{line2}\n{line3}")
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                item.setToolTip(f"{r.get('document_name')}\n"
                                + self.tr("Model: {model}").format(model=(r.get("model") or "").split("|")[0]))
                if r.get("status") != "done":
                    item.setForeground(QtGui.QColor(NOTE_COLOR))
                self.addItem(item)
                if r["id"] == select_id:
                    item.setSelected(True)
                    self.setCurrentItem(item)
        finally:
            self.blockSignals(False)
        self.placeholder.setVisible(not rows)

    def selected_id(self) -> int | None:
        item = self.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None and item.isSelected() else None

    def ids(self) -> list[int]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def _on_clicked(self, item) -> None:
        sid = item.data(Qt.ItemDataRole.UserRole)
        if sid is not None:
            self.summarySelected.emit(int(sid))
