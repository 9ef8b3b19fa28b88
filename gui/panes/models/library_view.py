"""Library: the local models with their metadata; import, delete, reveal, refresh."""

from __future__ import annotations

from pathlib import Path

from gui.engine_messages import translate as translate_message
from gui.panes.models.common import tr, admin_off, ctx_text, note, size_text, table
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal

COLUMNS = [QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Name"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Parameters"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Quant"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Context"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Size"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Source"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Status")]
SOURCES = {"library": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Library"), "starter": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Starter"), "shared": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Shared (admin)"),
           "folder": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Added folder"), "referenced": QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Referenced")}


class LibraryView(QtWidgets.QWidget):
    importRequested = Signal(str, bool)      # path, copy into the library
    deleteRequested = Signal(object)         # ModelEntry
    revealRequested = Signal(object)         # ModelEntry
    refreshRequested = Signal()

    def __init__(self, config, parent=None):
        super().__init__(parent)
        self.config = config
        self.entries: list = []
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.summary = note(self.tr("Loading the library…"))
        lay.addWidget(self.summary)
        self.tree = table(COLUMNS, (250, 90, 70, 70, 80, 100))
        self.tree.setAlternatingRowColors(True)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_: self._reveal())
        lay.addWidget(self.tree, 1)
        self.details = note("")
        lay.addWidget(self.details)

        row = QtWidgets.QHBoxLayout()
        self.import_btn = QtWidgets.QPushButton(self.tr("Import file…"))
        self.delete_btn = QtWidgets.QPushButton(self.tr("Delete"))
        self.reveal_btn = QtWidgets.QPushButton(self.tr("Reveal in file manager"))
        self.refresh_btn = QtWidgets.QPushButton(self.tr("Refresh"))
        self.import_btn.clicked.connect(self._import)
        self.delete_btn.clicked.connect(self._delete)
        self.reveal_btn.clicked.connect(self._reveal)
        self.refresh_btn.clicked.connect(self.refreshRequested)
        for b in (self.import_btn, self.delete_btn, self.reveal_btn):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.refresh_btn)
        lay.addLayout(row)
        if not config.policy.allows("import"):
            self.import_btn.setEnabled(False)
            self.import_btn.setToolTip(admin_off("import"))
        self._update_buttons()

    # ---- data ---------------------------------------------------------------------
    def set_entries(self, entries: list) -> None:
        selected = self.selected_entry()
        keep = str(selected.path) if selected else None
        self.entries = list(entries)
        self.tree.clear()
        bad = QtGui.QColor("#a50e0e")
        for e in self.entries:
            i = e.info
            params = (i.parameters_label if i else None) or "—"
            cells = [e.name, params, (i.quantization if i else None) or "—",
                     ctx_text(i.context_length if i else None), size_text(e.size),
                     tr(SOURCES[e.source]) if e.source in SOURCES else e.source,
                     self.tr("ready") if e.ok else self.tr("unusable: {error}").format(error=translate_message(e.error))]
            if e.ok and e.is_embedding:       # no chat template either, but it is not a chat model at all
                cells[6] = self.tr("embedding model (for document search)")
            elif e.ok and e.is_base_model:
                cells[6] = self.tr("ready (base model: no chat template)")
            item = QtWidgets.QTreeWidgetItem(cells)
            item.setData(0, Qt.ItemDataRole.UserRole, e)
            item.setToolTip(0, str(e.path))
            item.setToolTip(6, cells[6])
            for c in (3, 4):
                item.setTextAlignment(c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not e.ok:
                for c in range(len(COLUMNS)):
                    item.setForeground(c, bad)
            self.tree.addTopLevelItem(item)
            if keep and str(e.path) == keep:
                item.setSelected(True)
        usable = sum(1 for e in self.entries if e.ok)
        total = sum(e.size for e in self.entries)
        if not self.entries:
            self.summary.setText(self.tr("No models yet. Download one from Discover, or import a GGUF file you have."))
        else:
            self.summary.setText(self.tr("{usable} usable model(s), {unusable} unusable · {size} on disk").format(
                usable=usable, unusable=len(self.entries) - usable, size=size_text(total)))
        self._update_buttons()

    def selected_entry(self):
        items = self.tree.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def select_path(self, path: str) -> None:
        for n in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(n)
            if str(it.data(0, Qt.ItemDataRole.UserRole).path) == str(path):
                self.tree.setCurrentItem(it)

    def _update_buttons(self) -> None:
        e = self.selected_entry()
        if e is None:
            self.details.setText(self.tr("Select a model to see where it is stored."))
        elif e.ok:
            self.details.setText(f"{e.summary()}\n{e.path}")
        else:
            self.details.setText(f"{e.path}\n" + self.tr("Unusable: {error}").format(error=translate_message(e.error)))
        self.delete_btn.setEnabled(e is not None and e.source not in ("shared", "starter"))
        self.delete_btn.setToolTip("" if e is None or e.source not in ("shared", "starter") else
                                   self.tr("Managed by your administrator: models in shared folders cannot be "
                                           "deleted here") if e.source == "shared" else
                                   self.tr("The starter model cannot be deleted here"))
        self.reveal_btn.setEnabled(e is not None)

    # ---- actions ------------------------------------------------------------------
    def _import(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, self.tr("Import a GGUF model"), str(Path.home()), self.tr("GGUF models (*.gguf);;All files (*)"))
        if not path:
            return
        box = QtWidgets.QMessageBox(self)
        box.setWindowTitle(self.tr("Import model"))
        box.setText(self.tr("Add {name} to the library?").format(name=Path(path).name))
        box.setInformativeText(self.tr("Copy it into Hearth's models folder, or use it where it is "
                                       "(it must stay there)."))
        copy_btn = box.addButton(self.tr("Copy into library"), QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        ref_btn = box.addButton(self.tr("Use where it is"), QtWidgets.QMessageBox.ButtonRole.ActionRole)
        box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() in (copy_btn, ref_btn):
            self.importRequested.emit(path, box.clickedButton() is copy_btn)

    def _delete(self) -> None:
        e = self.selected_entry()
        if e is None:
            return
        question = self.tr("Really forget this referenced file (it stays on disk)?") if e.source == "referenced" \
            else self.tr("Really delete {name} ({size}) from disk?").format(name=e.path.name, size=size_text(e.size))
        if self.confirm(self.tr("Delete model"), question):
            self.deleteRequested.emit(e)

    def confirm(self, title: str, text: str) -> bool:
        """Asks the user; tests replace it."""
        return QtWidgets.QMessageBox.question(self, title, text) == QtWidgets.QMessageBox.StandardButton.Yes

    def _reveal(self) -> None:
        e = self.selected_entry()
        if e is not None:
            self.revealRequested.emit(e)
