"""The Ask pane's pieces: the collection list (drop files and folders on it), the answer with citation
links, the passages found with their scores, and the page a passage comes from (no engine calls here)."""

from __future__ import annotations

import html
import os
import secrets
from pathlib import Path

from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from gui.engine_messages import translate as translate_message
from gui.i18n import apply_cjk_fallback, format_datetime, format_number
from gui.widgets import markdown
from gui.widgets.chat_view import confirm_open_link
from gui.widgets.drops import dropped_paths

HIGHLIGHT = "#fff1a8"        # the cited passage in its page (dark text on it in either theme)


def first_line(text: str, limit: int = 160) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def score_text(score: float) -> str:
    return format_number(score, 3) if abs(score) < 100 else format_number(score, 1)


def state_text(row: dict, activity: str = "") -> str:
    """One line under a collection's name: what its index holds (or what is happening to it)."""
    if activity:
        return activity
    if not row.get("indexed_at") and not row.get("files"):
        return QtCore.QCoreApplication.translate("AskWidgets", "Not indexed yet")
    n = int(row.get("indexed") or 0)
    docs = (QtCore.QCoreApplication.translate("AskWidgets", "{n} document") if n == 1 else
            QtCore.QCoreApplication.translate("AskWidgets", "{n} documents"))
    passages = QtCore.QCoreApplication.translate("AskWidgets", "{n} passages")
    parts = [docs.format(n=format_number(n)), passages.format(n=format_number(int(row.get("passages") or 0)))]
    failed = int(row.get("failed") or 0)
    if failed:
        parts.append(QtCore.QCoreApplication.translate("AskWidgets", "{n} could not be read").format(
            n=format_number(failed)))
    return " · ".join(parts)


class CollectionList(QtWidgets.QListWidget):
    """The collections, each with the state of its index; drop files or folders on one to add them
    (``pathsDropped(name, paths)``; name "" when dropped on no collection: a new one)."""

    collectionSelected = Signal(str)
    pathsDropped = Signal(str, list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QtWidgets.QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(False)
        self.rows: dict[str, dict] = {}
        self.activity: dict[str, str] = {}
        self.currentItemChanged.connect(self._on_current)
        self.placeholder = QtWidgets.QLabel(self.tr("No collections yet.\nDrop files or folders here, or press "
                                                    "New collection…"), self)
        self.placeholder.setStyleSheet("color:#888;")
        self.placeholder.setWordWrap(True)
        self.placeholder.move(10, 10)
        self.placeholder.resize(220, 60)

    def set_rows(self, rows: list[dict], select: str | None = None) -> None:
        select = select if select is not None else self.selected_name()
        self.rows = {r["name"]: r for r in rows}
        self.blockSignals(True)
        try:
            self.clear()
            for r in rows:
                item = QtWidgets.QListWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, r["name"])
                self.addItem(item)
                self._fill(item)
                if r["name"] == select:
                    self.setCurrentItem(item)
        finally:
            self.blockSignals(False)
        self.placeholder.setVisible(not rows)
        if self.currentItem() is None and self.count():
            self.setCurrentRow(0)
        elif self.currentItem() is not None and self.currentItem().data(Qt.ItemDataRole.UserRole) != select:
            self._on_current(self.currentItem(), None)

    def set_activity(self, name: str, text: str) -> None:
        """What is happening to a collection ("Indexing 3/12…"); "" shows its state again."""
        if text:
            self.activity[name] = text
        else:
            self.activity.pop(name, None)
        item = self.item_for(name)
        if item is not None:
            self._fill(item)

    def item_for(self, name: str):
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == name:
                return self.item(i)
        return None

    def _fill(self, item: QtWidgets.QListWidgetItem) -> None:
        name = item.data(Qt.ItemDataRole.UserRole)
        row = self.rows.get(name, {"name": name})
        item.setText(f"{name}\n{state_text(row, self.activity.get(name, ''))}")
        tip = [name, "", self.tr("Files and folders:")] + [f"  {p}" for p in row.get("paths", [])]
        if row.get("indexed_at"):
            tip += ["", self.tr("Indexed {when}").format(when=format_datetime(row["indexed_at"]))]
        failures = row.get("failures") or []
        if failures:
            tip += ["", self.tr("Could not be read:")]
            tip += [f"  {Path(f['path']).name}: {translate_message(f.get('error') or '')}" for f in failures[:20]]
            if len(failures) > 20:
                tip.append("  " + self.tr("… and {n} more").format(n=len(failures) - 20))
        item.setToolTip("\n".join(tip))
        if failures:
            item.setForeground(QtGui.QColor("#8a6d00"))

    def selected_name(self) -> str | None:
        item = self.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, name: str) -> bool:
        item = self.item_for(name)
        if item is not None:
            self.setCurrentItem(item)
        return item is not None

    def names(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def _on_current(self, item, _previous) -> None:
        name = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if name is not None:
            self.collectionSelected.emit(name)

    # ---- drops ---------------------------------------------------------------------------------
    def _target(self, pos) -> str:
        item = self.itemAt(pos)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else ""

    def dragEnterEvent(self, e: QtGui.QDragEnterEvent) -> None:
        if dropped_paths(e.mimeData()):
            e.acceptProposedAction()
        else:
            e.ignore()

    def dragMoveEvent(self, e: QtGui.QDragMoveEvent) -> None:
        if dropped_paths(e.mimeData()):
            e.acceptProposedAction()
            item = self.itemAt(e.position().toPoint())
            if item is not None:
                self.setCurrentItem(item)      # where the files will go
        else:
            e.ignore()

    def dropEvent(self, e: QtGui.QDropEvent) -> None:
        paths = dropped_paths(e.mimeData())
        if not paths:
            e.ignore()
            return
        e.acceptProposedAction()
        self.pathsDropped.emit(self._target(e.position().toPoint()), paths)


class AnswerView(QtWidgets.QTextBrowser):
    """The answer: streamed as plain text while it is written, then as Markdown with each citation
    ([report.pdf p. 3]) a link that shows its passage (``citationClicked(index)``, an index into the
    passages found). Links in the text open only after a question, as in the chat."""

    citationClicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFont(apply_cjk_fallback(self.font()))
        self.document().setDocumentMargin(12)
        self.anchorClicked.connect(self._on_anchor)
        self._scheme = f"hearth-cite-{secrets.token_hex(6)}"    # no answer text can name it
        self.streaming = False
        self.answer_text = ""

    def citation_href(self, index: int) -> str:
        return f"{self._scheme}:{index}"

    def show_note(self, html_text: str) -> None:
        self.streaming = False
        self.answer_text = ""
        self.setHtml(html_text)

    def start_stream(self, note: str = "") -> None:
        self.streaming = True
        self.answer_text = ""
        self.setPlainText(note)
        self._note_shown = bool(note)

    def append_text(self, text: str) -> None:
        if not self.streaming:
            return
        if self._note_shown:
            self.clear()
            self._note_shown = False
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        cursor = self.textCursor()
        cursor.movePosition(QtGui.QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        self.answer_text += text
        if at_end:
            bar.setValue(bar.maximum())

    def show_answer(self, text: str, labels: list[str | None], sources: list[int], sources_title: str,
                    footer_html: str = "") -> None:
        """``text``: the answer (Markdown, citations canonical: ``[label]``). ``labels[i]``: the label of
        passage i (None when it was not given to the model); ``sources``: passage indexes listed under
        ``sources_title`` as links."""
        self.streaming = False
        self.answer_text = text
        links: dict[str, str] = {}
        marked = text
        for i, label in enumerate(labels):
            if not label or f"[{label}]" not in marked:
                continue            # not cited in the text, or its label already linked (the first, best hit)
            token = f"HEARTHCITE{secrets.token_hex(4).upper()}X"
            links[token] = self._link(i, f"[{label}]")
            marked = marked.replace(f"[{label}]", token)
        body = markdown.render(marked)
        for token, link in links.items():
            body = body.replace(token, link)
        if sources:
            items = "".join(f"<li>{self._link(i, labels[i] or '')}</li>" for i in sources)
            body += (f'<p style="margin:14px 0 2px 0; font-size:small;">{html.escape(sources_title)}</p>'
                     f'<ul style="margin-top:0;">{items}</ul>')
        self.setHtml(body + footer_html)

    def _link(self, index: int, text: str) -> str:
        return (f'<a href="{self.citation_href(index)}" style="color:#1f5fa8; text-decoration:none;">'
                f'{html.escape(text)}</a>')

    def citation_hrefs(self) -> list[str]:
        """The citation links on show, in document order (tests)."""
        out = []
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                href = frag.charFormat().anchorHref() if frag.isValid() else ""
                if href.startswith(self._scheme + ":") and (not out or out[-1] != href):
                    out.append(href)
                it += 1
            block = block.next()
        return out

    def _on_anchor(self, url: QtCore.QUrl) -> None:
        if url.scheme() == self._scheme:
            if url.path().isdigit():
                self.citationClicked.emit(int(url.path()))
        elif url.scheme().lower() in markdown.SAFE_SCHEMES and markdown.is_safe_link(url.toString()):
            target = bytes(url.toEncoded()).decode("ascii", "replace")
            if confirm_open_link(self, target):
                QtGui.QDesktopServices.openUrl(url)


class PassageList(QtWidgets.QTreeWidget):
    """The passages found, best first: where (file and page), score, and the start of the text; the ones
    the answer cites are bold. Selecting one shows it in its page (``passageSelected(index)``)."""

    passageSelected = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHeaderLabels([self.tr("Passage"), self.tr("Score"), self.tr("Text")])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.header().setStretchLastSection(True)
        self.setColumnWidth(0, 170)
        self.setColumnWidth(1, 60)
        self.hits: list[dict] = []
        self.currentItemChanged.connect(self._on_current)

    def set_hits(self, hits: list[dict]) -> None:
        self.blockSignals(True)
        try:
            self.clear()
            self.hits = list(hits)
            for i, h in enumerate(hits):
                item = QtWidgets.QTreeWidgetItem([f"{h['file']} p. {h['page']}", score_text(float(h["score"])),
                                                  first_line(h.get("passage", ""))])
                item.setData(0, Qt.ItemDataRole.UserRole, i)
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(0, h.get("path", ""))
                item.setToolTip(2, (h.get("passage") or "")[:1500])
                self.addTopLevelItem(item)
        finally:
            self.blockSignals(False)

    def mark_cited(self, indexes: set[int]) -> None:
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            cited = item.data(0, Qt.ItemDataRole.UserRole) in indexes
            for col in range(3):
                f = item.font(col)
                f.setBold(cited)
                item.setFont(col, f)
            item.setText(0, item.text(0).removeprefix("★ "))
            if cited:
                item.setText(0, "★ " + item.text(0))

    def select_index(self, index: int) -> bool:
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == index:
                self.setCurrentItem(item)
                self.scrollToItem(item)
                if self.currentItem() is item:
                    self.passageSelected.emit(index)
                return True
        return False

    def selected_index(self) -> int | None:
        item = self.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _on_current(self, item, _previous) -> None:
        if item is not None:
            self.passageSelected.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))


class PageView(QtWidgets.QTextBrowser):
    """A passage among the rest of its page, the passage highlighted and scrolled to."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFont(apply_cjk_fallback(self.font()))
        self.document().setDocumentMargin(10)
        self.highlighted = ""

    def show_page(self, passages: list[dict], char_start: int, char_end: int, fallback: str) -> None:
        """``passages``: the page's passages in order; the one at ``char_start``–``char_end`` is highlighted
        (``fallback``, the passage alone, when the page is not in the index any more)."""
        parts = []
        found = False
        for p in passages or [{"char_start": char_start, "char_end": char_end, "text": fallback}]:
            text = html.escape(p["text"]).replace("\n", "<br>")
            if p["char_start"] == char_start and p["char_end"] == char_end and not found:
                found = True
                self.highlighted = p["text"]
                parts.append(f'<a name="cited"></a><span style="background-color:{HIGHLIGHT}; color:#1a1a1a;">'
                             f'{text}</span>')
            else:
                parts.append(text)
        if not found:
            self.highlighted = fallback
            parts.insert(0, f'<a name="cited"></a><span style="background-color:{HIGHLIGHT}; color:#1a1a1a;">'
                            f'{html.escape(fallback)}</span>')
        self.setHtml("<p>" + "</p><p>".join(parts) + "</p>")
        QtCore.QTimer.singleShot(0, lambda: self.scrollToAnchor("cited"))


def inside(path: str, roots: list[str]) -> bool:
    """Whether ``path`` is one of ``roots`` or in one of those folders."""
    p = os.path.normcase(os.path.abspath(path))
    for r in roots:
        r = os.path.normcase(os.path.abspath(r))
        if p == r or p.startswith(r.rstrip(os.sep) + os.sep):
            return True
    return False


def page_url(path: str, page: int) -> QtCore.QUrl:
    """The file as a ``file:`` URL, with ``#page=N`` for a PDF (viewers that honour it open that page)."""
    url = QtCore.QUrl.fromLocalFile(str(path))
    if str(path).lower().endswith(".pdf") and page:
        url.setFragment(f"page={int(page)}")
    return url
