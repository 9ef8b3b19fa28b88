"""Discover: search the Hub, read a model card, see every GGUF file's fit here, download."""

from __future__ import annotations

from itertools import groupby

from engine.hub.quant import quant_rank
from gui.engine_messages import translate as translate_message
from gui.panes.models.common import tr, admin_off, count_text, ctx_text, fit_text, note, policy_label, size_text
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from gui.widgets import markdown
from gui.widgets.chat_view import confirm_open_link

RESULT_COLUMNS = [QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Model"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Author"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Downloads"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Likes"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Licence")]
FILE_COLUMNS = [QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Quant / file"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Size"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Runs here"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Max context")]
BEST_BG = QtGui.QColor("#e6f4ea")
FIT_COLORS = {"gpu": "#137333", "partial": "#8a6d00", "cpu": "#1a4f8b", "no_fit": "#a50e0e"}
SORTS = [(QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Most downloaded"), "downloads"), (QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Most liked"), "likes"), (QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Recently updated"), "updated")]


class DiscoverView(QtWidgets.QWidget):
    searchRequested = Signal(str, str)        # query, sort
    repoSelected = Signal(str)                # repo id
    downloadRequested = Signal(object, object)  # FileEntry, RepoFiles

    def __init__(self, config, parent=None):
        super().__init__(parent)
        self.hub_allowed = config.policy.allows("hub")
        self.downloads_allowed = config.policy.allows("downloads")
        self.repo_files = None
        self.results: list = []
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)

        row = QtWidgets.QHBoxLayout()
        self.query = QtWidgets.QLineEdit()
        self.query.setPlaceholderText(self.tr("Search GGUF models on Hugging Face (e.g. qwen 7b instruct)"))
        self.query.setClearButtonEnabled(True)
        self.sort = QtWidgets.QComboBox()
        for label, key in SORTS:
            self.sort.addItem(tr(label), key)
        self.search_btn = QtWidgets.QPushButton(self.tr("Search"))
        self.search_btn.setDefault(True)
        row.addWidget(self.query, 1)
        row.addWidget(self.sort)
        row.addWidget(self.search_btn)
        lay.addLayout(row)
        self.status = note(self.tr("Type a name and press Search, or press Search with an empty box for the most "
                           "downloaded GGUF models. Nothing is sent to Hugging Face until you search."))
        lay.addWidget(self.status)
        offline = config.policy.online_block()
        if not self.hub_allowed:
            lay.addWidget(policy_label("hub"))
            for w in (self.query, self.sort, self.search_btn):
                w.setEnabled(False)
        elif offline:
            lay.addWidget(policy_label("hub", offline[:1].upper() + offline[1:] + "."))

        split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.results_tree = QtWidgets.QTreeWidget()
        self.results_tree.setHeaderLabels([tr(c) for c in RESULT_COLUMNS])
        self.results_tree.setRootIsDecorated(False)
        self.results_tree.setAlternatingRowColors(True)
        self.results_tree.setUniformRowHeights(True)
        rh = self.results_tree.header()
        rh.setStretchLastSection(False)
        rh.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        for c, w in ((1, 80), (2, 72), (3, 44), (4, 80)):
            rh.setSectionResizeMode(c, QtWidgets.QHeaderView.ResizeMode.Interactive)
            self.results_tree.setColumnWidth(c, w)
        self.results_tree.itemSelectionChanged.connect(self._on_result_selected)
        split.addWidget(self.results_tree)

        right = QtWidgets.QWidget()
        rl = QtWidgets.QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        self.repo_title = QtWidgets.QLabel(self.tr("Select a model to see its files and card"))
        f = self.repo_title.font()
        f.setBold(True)
        f.setPointSize(f.pointSize() + 2)
        self.repo_title.setFont(f)
        self.repo_title.setWordWrap(True)
        self.repo_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rl.addWidget(self.repo_title)
        self.repo_meta = note("")
        rl.addWidget(self.repo_meta)
        vsplit = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        files_box = QtWidgets.QWidget()
        fl = QtWidgets.QVBoxLayout(files_box)
        fl.setContentsMargins(0, 0, 0, 0)
        self.files_tree = QtWidgets.QTreeWidget()
        self.files_tree.setHeaderLabels([tr(c) for c in FILE_COLUMNS])
        self.files_tree.setAlternatingRowColors(False)
        fh = self.files_tree.header()
        fh.setStretchLastSection(False)
        fh.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        for c, w in ((1, 66), (2, 104), (3, 84)):
            fh.setSectionResizeMode(c, QtWidgets.QHeaderView.ResizeMode.Interactive)
            self.files_tree.setColumnWidth(c, w)
        self.files_tree.itemSelectionChanged.connect(self._update_download_button)
        self.files_tree.itemDoubleClicked.connect(lambda *_: self._download())
        fl.addWidget(self.files_tree, 1)
        drow = QtWidgets.QHBoxLayout()
        self.file_note = note("")
        drow.addWidget(self.file_note, 1)
        self.download_btn = QtWidgets.QPushButton(self.tr("Download"))
        self.download_btn.clicked.connect(self._download)
        drow.addWidget(self.download_btn)
        fl.addLayout(drow)
        if not self.downloads_allowed:
            fl.addWidget(policy_label("downloads"))
        vsplit.addWidget(files_box)
        self.card = QtWidgets.QTextBrowser()
        # A card is text anyone can publish: its links open only after the user saw where they go (as in chat).
        self.card.setOpenLinks(False)
        self.card.setOpenExternalLinks(False)
        self.card.anchorClicked.connect(self._card_link)
        self.card.setPlaceholderText(self.tr("The model card appears here."))
        vsplit.addWidget(self.card)
        vsplit.setSizes([200, 360])
        rl.addWidget(vsplit, 1)
        split.addWidget(right)
        split.setSizes([490, 410])
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)

        self.search_btn.clicked.connect(self.request_search)
        self.query.returnPressed.connect(self.request_search)
        self.sort.currentIndexChanged.connect(lambda *_: self.request_search())
        self._update_download_button()

    def _card_link(self, url: QtCore.QUrl) -> None:
        """A link in the model card: web and mail links only, opened after the user agreed to the real target."""
        if url.scheme().lower() in markdown.SAFE_SCHEMES and markdown.is_safe_link(url.toString()):
            target = bytes(url.toEncoded()).decode("ascii", "replace")   # exact, punycode host: no look-alikes
            if confirm_open_link(self, target):
                QtGui.QDesktopServices.openUrl(url)

    # ---- search ---------------------------------------------------------------------
    def request_search(self) -> None:
        if not self.hub_allowed:
            return
        self.status.setText(self.tr("Searching…"))
        self.searchRequested.emit(self.query.text().strip(), self.sort.currentData())

    def set_results(self, results: list) -> None:
        self.results = list(results)
        self.results_tree.clear()
        for r in self.results:
            name = r.repo_id.split("/", 1)[-1]
            if r.gated:
                name += "  🔒 gated"
            item = QtWidgets.QTreeWidgetItem([name, r.author or "—", count_text(r.downloads),
                                              count_text(r.likes), r.license or "—"])
            item.setData(0, Qt.ItemDataRole.UserRole, r.repo_id)
            tip = r.repo_id + ("\nGated: accept the licence on the Hub and set a token to download"
                               if r.gated else "")
            item.setToolTip(0, tip)
            for c in (2, 3):
                item.setTextAlignment(c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.results_tree.addTopLevelItem(item)
        q = self.query.text().strip()
        if self.results:
            text = (self.tr("{n} GGUF repositories for “{q}”") if q else self.tr("{n} GGUF repositories"))
        else:
            text = self.tr("No GGUF repositories found for “{q}”") if q else self.tr("No GGUF repositories found")
        self.status.setText(text.format(n=len(self.results), q=q))

    def search_failed(self, message: str) -> None:
        self.status.setText(self.tr("Search failed."))

    def select_repo(self, repo_id: str) -> None:
        for n in range(self.results_tree.topLevelItemCount()):
            it = self.results_tree.topLevelItem(n)
            if it.data(0, Qt.ItemDataRole.UserRole) == repo_id:
                self.results_tree.setCurrentItem(it)
                return

    def _on_result_selected(self) -> None:
        items = self.results_tree.selectedItems()
        if not items:
            return
        repo_id = items[0].data(0, Qt.ItemDataRole.UserRole)
        r = next((x for x in self.results if x.repo_id == repo_id), None)
        self.repo_files = None
        self.files_tree.clear()
        self.repo_title.setText(repo_id)
        if r is not None:
            bits = [self.tr("by {author}").format(author=r.author) if r.author else None,
                    self.tr("{n} downloads").format(n=count_text(r.downloads)),
                    self.tr("{n} likes").format(n=count_text(r.likes)),
                    self.tr("licence {licence}").format(licence=r.license) if r.license else None,
                    (r.last_modified or "")[:10] and self.tr("updated {date}").format(date=(r.last_modified or "")[:10]),
                    self.tr("gated: needs an access token") if r.gated else None]
            self.repo_meta.setText(" · ".join(b for b in bits if b))
        self.file_note.setText(self.tr("Reading the files and their headers…"))
        self.card.setHtml("")
        self._update_download_button()
        self.repoSelected.emit(repo_id)

    # ---- files ------------------------------------------------------------------------
    def set_repo_files(self, rf) -> None:
        """Show the files; an update of the same repository keeps the user's chosen file selected."""
        prev = self.selected_file()
        keep = prev.model.name if prev is not None and self.repo_files is not None and \
            self.repo_files.repo.repo_id == rf.repo.repo_id and not (prev.fit and prev.fit.best) else None
        self.repo_files = rf
        self.files_tree.clear()
        keep_item = None
        models = sorted(rf.files, key=lambda f: (f.model.kind != "model", quant_rank(f.model.quant),
                                                 f.model.name))
        best_item = None
        for quant, group in groupby(models, key=lambda f: (f.model.kind, f.model.quant)):
            group = list(group)
            kind, q = quant
            label = q or ("unknown quant" if kind == "model" else kind)
            if len(group) == 1:
                item = self._file_item(group[0], label)
                self.files_tree.addTopLevelItem(item)
                keep_item = item if group[0].model.name == keep else keep_item
                best_item = item if group[0].fit and group[0].fit.best else best_item
            else:
                parent = QtWidgets.QTreeWidgetItem([f"{label} ({len(group)} files)", "", "", ""])
                parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                self.files_tree.addTopLevelItem(parent)
                for fe in group:
                    child = self._file_item(fe, fe.model.name)
                    parent.addChild(child)
                    keep_item = child if fe.model.name == keep else keep_item
                    best_item = child if fe.fit and fe.fit.best else best_item
                parent.setExpanded(True)
        if rf.card:
            self.card.setHtml(markdown.render(rf.card))
        else:
            self.card.setHtml("<p><i>This repository has no model card.</i></p>")
        if not rf.files:
            self.file_note.setText(self.tr("This repository has no GGUF files."))
        elif best_item is not None:
            self.files_tree.setCurrentItem(keep_item or best_item)
            self.file_note.setText(self.tr("★ marks the best file for this machine."))
        else:
            if keep_item is not None:
                self.files_tree.setCurrentItem(keep_item)
            self.file_note.setText(self.tr("None of these files fits in this machine's memory."))
        self._update_download_button()

    def _file_item(self, fe, label: str) -> QtWidgets.QTreeWidgetItem:
        m = fe.model
        fit = fit_text(fe.fit, fe.header_error)
        runs = fe.fit.label if fe.fit else ("header unreadable" if fe.header_error else "—")
        max_ctx = ctx_text(fe.fit.max_ctx) if fe.fit and fe.fit.fits and fe.fit.max_ctx else "—"
        if fe.fit is not None and fe.fit.approximate:
            runs += " (rough)"
        if m.kind != "model":
            fit = runs = self.tr("vision projector") if m.kind == "mmproj" else m.kind
            max_ctx = ""
        best = bool(fe.fit and fe.fit.best)
        name = ("★ " if best else "") + label
        item = QtWidgets.QTreeWidgetItem([name, size_text(m.size), runs, max_ctx])
        item.setToolTip(3, self.tr("Largest context that fits: {ctx}").format(ctx=max_ctx) + (
            " " + self.tr("(fully on GPU up to {ctx})").format(ctx=ctx_text(fe.fit.max_ctx_gpu))
            if fe.fit and fe.fit.max_ctx_gpu else ""))
        item.setData(0, Qt.ItemDataRole.UserRole, fe)
        parts = "\n" + self.tr("{n} parts").format(n=len(m.parts)) if len(m.parts) > 1 else ""
        item.setToolTip(0, m.name + parts)
        tip = fit
        if fe.fit is not None:
            tip += "\n" + (self.tr("Needs about {ram} RAM and {vram} VRAM at context {ctx}") if fe.fit.vram_needed
                           else self.tr("Needs about {ram} RAM at context {ctx}")).format(
                ram=size_text(fe.fit.ram_needed), vram=size_text(fe.fit.vram_needed), ctx=fe.fit.n_ctx)
        if fe.header_error:
            tip += "\n" + translate_message(fe.header_error)
        if best:
            tip = self.tr("Best file for this machine") + "\n" + tip
        item.setToolTip(2, tip)
        for c in (1, 3):
            item.setTextAlignment(c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if fe.fit is not None:
            item.setForeground(2, QtGui.QColor(FIT_COLORS.get(fe.fit.verdict, "#202124")))
        if best:
            f = item.font(0)
            f.setBold(True)
            for c in range(len(FILE_COLUMNS)):
                item.setBackground(c, BEST_BG)
                item.setFont(c, f)
        return item

    def files_failed(self, message: str) -> None:
        self.file_note.setText(self.tr("The files could not be listed."))
        self._update_download_button()

    def selected_file(self):
        items = self.files_tree.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def _update_download_button(self) -> None:
        fe = self.selected_file()
        if not self.downloads_allowed:
            self.download_btn.setEnabled(False)
            self.download_btn.setToolTip(admin_off("downloads"))
            return
        self.download_btn.setEnabled(fe is not None)
        if fe is not None and fe.fit is not None and not fe.fit.fits:
            self.download_btn.setToolTip(self.tr("This file will probably not fit in memory here"))
        else:
            self.download_btn.setToolTip("")

    def _download(self) -> None:
        fe = self.selected_file()
        if fe is not None and self.repo_files is not None and self.downloads_allowed:
            self.downloadRequested.emit(fe, self.repo_files)
