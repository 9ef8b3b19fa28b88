"""Sidebar: stored conversations (newest first), search, new/rename/delete/undo, import/export."""

from __future__ import annotations

import html

from gui.qt import Qt, QtWidgets, QTimer, Signal
from gui.i18n import format_datetime

ID_ROLE = Qt.ItemDataRole.UserRole


class ConversationList(QtWidgets.QWidget):
    conversationSelected = Signal(int)
    newRequested = Signal()
    renameRequested = Signal(int, str)
    deleteRequested = Signal(int)
    undoDeleteRequested = Signal()
    exportRequested = Signal(int, str)     # id, "md" | "json"
    importRequested = Signal()
    searchChanged = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QtWidgets.QHBoxLayout()
        self.new_button = QtWidgets.QPushButton(self.tr("＋ New chat"))
        self.new_button.clicked.connect(self.newRequested)
        top.addWidget(self.new_button, 1)
        more = QtWidgets.QToolButton()
        more.setText("⋯")
        more.setToolTip(self.tr("Rename, export, import"))
        more.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(more)
        self.rename_action = menu.addAction(self.tr("Rename…"), self._rename)
        self.delete_action = menu.addAction(self.tr("Delete"), self._delete)
        menu.addSeparator()
        self.export_md_action = menu.addAction(self.tr("Export as Markdown…"), lambda: self._export("md"))
        self.export_json_action = menu.addAction(self.tr("Export as JSON…"), lambda: self._export("json"))
        menu.addAction(self.tr("Import JSON…"), self.importRequested)
        more.setMenu(menu)
        top.addWidget(more)
        lay.addLayout(top)
        self.search = QtWidgets.QLineEdit()
        self.search.setPlaceholderText(self.tr("Search all messages…"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(lambda: self.searchChanged.emit(self.search.text().strip()))
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        lay.addWidget(self.search)
        self.list = QtWidgets.QListWidget()
        self.list.setWordWrap(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(lambda pos: menu.exec(self.list.mapToGlobal(pos)))
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        lay.addWidget(self.list, 1)
        self.undo_row = QtWidgets.QWidget()
        ur = QtWidgets.QHBoxLayout(self.undo_row)
        ur.setContentsMargins(0, 0, 0, 0)
        self.undo_label = QtWidgets.QLabel(self.tr("Conversation deleted."))
        ur.addWidget(self.undo_label, 1)
        undo = QtWidgets.QPushButton(self.tr("Undo"))
        undo.clicked.connect(self._undo)
        ur.addWidget(undo)
        self.undo_row.hide()
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(15000)
        self._undo_timer.timeout.connect(self.undo_row.hide)
        lay.addWidget(self.undo_row)
        self.setMinimumWidth(200)

    # ---- content ---------------------------------------------------------------
    def set_conversations(self, conversations: list[dict], current_id: int | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for c in conversations:
            item = QtWidgets.QListWidgetItem(c["title"])
            item.setData(ID_ROLE, c["id"])
            try:
                when = format_datetime(c.get("updated_at"))
            except (TypeError, ValueError):
                when = (c.get("updated_at") or "")[:16].replace("T", " ")
            item.setToolTip(c["title"] + "\n" + self.tr("{n} messages · {when}").format(
                n=c.get("message_count", 0), when=when))
            self.list.addItem(item)
            if c["id"] == current_id:
                item.setSelected(True)
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def set_search_results(self, hits: list[dict]) -> None:
        """One row per conversation, with the first matching snippet."""
        self.list.clear()
        seen = set()
        for h in hits:
            if h["conversation_id"] in seen:
                continue
            seen.add(h["conversation_id"])
            item = QtWidgets.QListWidgetItem(f"{h['title']}\n  “{h['snippet']}”")
            item.setData(ID_ROLE, h["conversation_id"])
            item.setToolTip(html.escape(h["snippet"]))
            self.list.addItem(item)
        if not hits:
            item = QtWidgets.QListWidgetItem(self.tr("No messages match."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item else None

    def ids(self) -> list[int]:
        return [self.list.item(i).data(ID_ROLE) for i in range(self.list.count())
                if self.list.item(i).data(ID_ROLE) is not None]

    def show_undo(self, title: str) -> None:
        self.undo_label.setText(self.tr("Deleted “{title}”.").format(title=title[:30]))
        self.undo_row.show()
        self._undo_timer.start()

    # ---- actions ---------------------------------------------------------------
    def _activated(self, item) -> None:
        cid = item.data(ID_ROLE)
        if cid is not None:
            self.conversationSelected.emit(cid)

    def _rename(self) -> None:
        cid = self.current_id()
        if cid is None:
            return
        old = self.list.currentItem().text().split("\n")[0]
        title, ok = QtWidgets.QInputDialog.getText(self, "Rename conversation", "Title:", text=old)
        if ok and title.strip():
            self.renameRequested.emit(cid, title.strip())

    def _delete(self) -> None:
        cid = self.current_id()
        if cid is not None:
            self.deleteRequested.emit(cid)

    def _undo(self) -> None:
        self.undo_row.hide()
        self.undoDeleteRequested.emit()

    def _export(self, fmt: str) -> None:
        cid = self.current_id()
        if cid is not None:
            self.exportRequested.emit(cid, fmt)
