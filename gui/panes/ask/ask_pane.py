"""Ask pane: questions about the user's own documents, answered with the page behind every claim.

Collections on the left: add files or folders with the buttons or by dropping them on the list; each
collection shows what its index holds (documents, passages, files that could not be read — with their
reasons in the tooltip), and indexing shows its progress with Cancel. A collection is indexed when files are
added to it and again on "Update index" (unchanged files are skipped).

A question is searched on the pane's data thread (gui/panes/ask/worker.py): the passages found are listed
at once with their scores. When nothing relevant is found the pane says so and no model is asked; otherwise
the search goes to the bridge thread, where the loaded chat model writes the answer (streamed, ≤30 updates a
second), and the answer is shown with its citations as links. A citation shows its passage highlighted in
its page; "Open at page" opens the document in the system's viewer (``#page=N`` for a PDF).

The GUI thread never waits: every database read and write, every search and all indexing happen on the
pane's two threads (each with its own database connection), the answer on the bridge thread. Worker and
bridge signals are connected to this pane's own methods only (never lambdas: see gui/bridge.py).
"""

from __future__ import annotations

import html
import itertools
import os
from pathlib import Path

from gui.bridge import NO_MODEL_MESSAGE
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from gui.engine_messages import translate as translate_message
from gui.i18n import format_number
from gui.panes.ask.widgets import AnswerView, CollectionList, PageView, PassageList, inside, page_url
from gui.panes.ask.worker import AskThreads
from gui.widgets.banner import Banner
from gui.widgets.base_model_note import NOTE_COLOR, BaseModelNote
from gui.widgets.chat_view import confirm_open_link
from gui.widgets.drops import dropped_paths
from gui.widgets.remote_note import RemoteNote

from engine.ask.answer import DEFAULT_TOP_K, NOT_FOUND, language_of
from engine.documents import SUPPORTED_SUFFIXES

FILE_FILTER = "{documents} (" + " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES) + ");;{all} (*)"

PLACEHOLDER_HTML = QtCore.QT_TRANSLATE_NOOP(
    "AskPane",
    '<div style="color:#777; margin:30px 16px;">'
    '<p style="font-size:large;">Ask your documents</p>'
    "<p>Make a collection of files and folders on the left (drop them on the list, or press "
    "<b>New collection…</b>); Hearth indexes them here, on this computer.</p>"
    "<p>Then ask a question: the answer cites the file and page behind every claim; click a citation to read "
    "the passage in its page, or open the document at that page.</p>"
    "<p>PDF, Word (.docx), text, Markdown or HTML, in Japanese or English.</p></div>")
PASSAGE_HINT = QtCore.QT_TRANSLATE_NOOP("AskPane", "Select a passage, or click a citation in the answer, "
                                                   "to read it in its page")


def _duration(seconds: float) -> str:
    from gui.panes.summarize.widgets import duration_text

    return duration_text(seconds)


class AskPane(QtWidgets.QWidget):
    collectionsChanged = Signal()          # the collection list was (re)filled
    indexFinished = Signal(str, dict)      # collection, IndexResult.to_json()
    indexCancelled = Signal(str)           # collection
    indexFailed = Signal(str, str)         # collection, sentence
    answerFinished = Signal(dict)          # every question's end: {found, asked_model, answer, ...}
    passageShown = Signal(int)             # a passage is on show in its page (its index in the list)

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.config = bridge.config
        self.model_info: dict | None = None
        self.rows: dict[str, dict] = {}
        self._ids = itertools.count(1)
        self._index_queue: dict[int, str] = {}      # job -> collection, asked and not finished
        self._indexing: tuple[int, str] | None = None
        self._select_after_add: dict[int, bool] = {}   # add token -> index afterwards
        self._pending_select: str | None = None     # the collection to select when the list comes back
        self._asking: int | None = None             # the question's job id while it is searched or answered
        self._phase = ""                            # "search" | "answer"
        self._ask_collection = ""
        self._page_token = 0
        self.hits: list[dict] = []
        self.result: dict | None = None
        self.shown_index: int | None = None
        self._shut = False
        self.threads = AskThreads(self.config)
        self._build()
        self.setAcceptDrops(True)
        d, ix = self.threads.data, self.threads.index
        d.collectionsChanged.connect(self._on_collections)
        d.added.connect(self._on_added)
        d.removed.connect(self._on_removed)
        d.searched.connect(self._on_searched)
        d.pageReady.connect(self._on_page)
        d.failed.connect(self._on_data_failed)
        ix.indexStarted.connect(self._on_index_started)
        ix.indexProgress.connect(self._on_index_progress)
        ix.indexFinished.connect(self._on_index_finished)
        ix.indexFailed.connect(self._on_index_failed)
        ix.indexCancelled.connect(self._on_index_cancelled)
        for worker in (d, ix):   # the embedding model's process: said once, as the chat's is (the CPU fallback)
            worker.engineNotice.connect(self._on_engine_notice)
        b = bridge
        b.loaded.connect(self._on_loaded)
        b.unloaded.connect(self._on_unloaded)
        b.askStarted.connect(self._on_ask_started)
        b.askTextArrived.connect(self._on_ask_text)
        b.askFinished.connect(self._on_ask_finished)
        b.askFailed.connect(self._on_ask_failed)
        b.askCancelled.connect(self._on_ask_cancelled)
        self._set_asking(False)
        self._set_indexing(False)
        self.refresh()

    # ---- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 0)
        outer.setSpacing(6)
        self.banner = Banner()
        outer.addWidget(self.banner)

        self.splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)

        # Collections.
        left = QtWidgets.QWidget()
        ll = QtWidgets.QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self._heading(self.tr("Collections")))
        self.collections = CollectionList()
        self.collections.collectionSelected.connect(self._on_collection_selected)
        self.collections.pathsDropped.connect(self._on_dropped)
        ll.addWidget(self.collections, 1)
        grid = QtWidgets.QGridLayout()
        grid.setSpacing(4)
        self.new_button = QtWidgets.QPushButton(self.tr("New collection…"))
        self.new_button.setToolTip(self.tr("A new collection from a folder (or drop files and folders on the list)"))
        self.new_button.clicked.connect(self._new_dialog)
        self.add_folder_button = QtWidgets.QPushButton(self.tr("Add folder…"))
        self.add_folder_button.setToolTip(self.tr("Add a folder to the selected collection (its documents, "
                                                  "subfolders included)"))
        self.add_folder_button.clicked.connect(self._add_folder_dialog)
        self.add_files_button = QtWidgets.QPushButton(self.tr("Add files…"))
        self.add_files_button.setToolTip(self.tr("Add documents to the selected collection"))
        self.add_files_button.clicked.connect(self._add_files_dialog)
        self.index_button = QtWidgets.QPushButton(self.tr("Update index"))
        self.index_button.setToolTip(self.tr("Read what is new or changed in the selected collection "
                                             "(unchanged files are skipped)"))
        self.index_button.clicked.connect(self._index_clicked)
        self.remove_button = QtWidgets.QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Forget the selected collection and its index (the files "
                                              "themselves are not touched)"))
        self.remove_button.clicked.connect(self._remove_clicked)
        grid.addWidget(self.new_button, 0, 0, 1, 2)
        grid.addWidget(self.add_folder_button, 1, 0)
        grid.addWidget(self.add_files_button, 1, 1)
        grid.addWidget(self.index_button, 2, 0)
        grid.addWidget(self.remove_button, 2, 1)
        ll.addLayout(grid)
        prow = QtWidgets.QHBoxLayout()
        prow.setSpacing(4)
        self.index_progress = QtWidgets.QProgressBar()
        self.index_progress.setTextVisible(True)
        self.index_progress.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.index_progress.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                          QtWidgets.QSizePolicy.Policy.Fixed)
        prow.addWidget(self.index_progress, 1)
        self.cancel_index_button = QtWidgets.QPushButton(self.tr("Cancel"))
        self.cancel_index_button.setToolTip(self.tr("Stop indexing; the documents indexed so far are kept"))
        self.cancel_index_button.clicked.connect(self.cancel_index)
        prow.addWidget(self.cancel_index_button)
        ll.addLayout(prow)
        self.index_note = QtWidgets.QLabel("")
        self.index_note.setWordWrap(True)
        self._muted(self.index_note)
        self.index_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.index_note.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        ll.addWidget(self.index_note)
        self.splitter.addWidget(left)

        # The question, the answer and the passages.
        right = QtWidgets.QWidget()
        rl = QtWidgets.QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        qrow = QtWidgets.QHBoxLayout()
        qrow.setSpacing(6)
        self.question_edit = QtWidgets.QLineEdit()
        self.question_edit.setPlaceholderText(self.tr("Ask a question about the selected collection, in "
                                                      "Japanese or English (Enter)"))
        self.question_edit.setClearButtonEnabled(True)
        self.question_edit.returnPressed.connect(self.ask)
        qrow.addWidget(self.question_edit, 1)
        self.ask_button = QtWidgets.QPushButton(self.tr("Ask"))
        self.ask_button.setToolTip(self.tr("Search the collection and have the loaded model answer from the "
                                           "passages found (Enter, Ctrl+Enter)"))
        self.ask_button.setDefault(True)
        self.ask_button.clicked.connect(self.ask)
        qrow.addWidget(self.ask_button)
        self.stop_button = QtWidgets.QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop the answer (Esc)"))
        self.stop_button.clicked.connect(self.stop)
        qrow.addWidget(self.stop_button)
        rl.addLayout(qrow)
        self.remote_note = RemoteNote("askRemoteNote")    # a remote model: where the passages go
        self.remote_note.setWordWrap(True)
        rl.addWidget(self.remote_note)
        self.base_note = BaseModelNote("askBaseNote")
        self.base_note.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        rl.addWidget(self.base_note)

        self.results = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.results.setChildrenCollapsible(False)
        abox = QtWidgets.QWidget()
        al = QtWidgets.QVBoxLayout(abox)
        al.setContentsMargins(0, 0, 0, 0)
        self.answer_heading = self._heading(self.tr("Answer"))
        self.answer_heading.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                          QtWidgets.QSizePolicy.Policy.Preferred)
        al.addWidget(self.answer_heading)
        self.answer = AnswerView()
        self.answer.citationClicked.connect(self.show_passage)
        self.answer.show_note(self.tr(PLACEHOLDER_HTML))
        al.addWidget(self.answer, 1)
        self.status_label = QtWidgets.QLabel("")
        self._muted(self.status_label)
        self.status_label.setWordWrap(True)
        self.status_label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                        QtWidgets.QSizePolicy.Policy.Preferred)
        al.addWidget(self.status_label)
        self.results.addWidget(abox)

        pbox = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        plist = QtWidgets.QWidget()
        pl = QtWidgets.QVBoxLayout(plist)
        pl.setContentsMargins(0, 0, 0, 0)
        self.passages_heading = self._heading(self.tr("Passages found"))
        pl.addWidget(self.passages_heading)
        self.passages = PassageList()
        self.passages.passageSelected.connect(self.show_passage)
        pl.addWidget(self.passages, 1)
        pbox.addWidget(plist)
        pagebox = QtWidgets.QWidget()
        gl = QtWidgets.QVBoxLayout(pagebox)
        gl.setContentsMargins(0, 0, 0, 0)
        hrow = QtWidgets.QHBoxLayout()
        self.page_label = QtWidgets.QLabel(self.tr(PASSAGE_HINT))
        self._muted(self.page_label)
        self.page_label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        hrow.addWidget(self.page_label, 1)
        self.open_button = QtWidgets.QPushButton(self.tr("Open at page"))
        self.open_button.setToolTip(self.tr("Open the document in this computer's viewer, at the passage's page "
                                            "where the viewer supports it"))
        self.open_button.clicked.connect(self.open_passage)
        hrow.addWidget(self.open_button)
        gl.addLayout(hrow)
        self.page_view = PageView()
        gl.addWidget(self.page_view, 1)
        pbox.addWidget(pagebox)
        pbox.setSizes([220, 300])
        self.results.addWidget(pbox)
        self.results.setStretchFactor(0, 3)
        self.results.setStretchFactor(1, 2)
        self.results.setSizes([520, 400])
        rl.addWidget(self.results, 1)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([250, 850])
        outer.addWidget(self.splitter, 1)

        for key in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QtGui.QShortcut(QtGui.QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.ask)
        esc = QtGui.QShortcut(QtGui.QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self.stop)
        self.open_button.setEnabled(False)

    @staticmethod
    def _muted(label: QtWidgets.QLabel) -> None:
        # a palette role, not a fixed colour: readable in the light and the dark theme
        label.setForegroundRole(QtGui.QPalette.ColorRole.PlaceholderText)

    @staticmethod
    def _heading(text: str) -> QtWidgets.QLabel:
        lab = QtWidgets.QLabel(text)
        f = lab.font()
        f.setBold(True)
        lab.setFont(f)
        return lab

    # ---- collections ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """List the collections again (on the data thread); ``collectionsChanged`` when shown."""
        if not self._shut:
            self.threads.data.listRequested.emit()

    def selected_collection(self) -> str | None:
        return self.collections.selected_name()

    def select_collection(self, name: str) -> bool:
        return self.collections.select(name)

    def _on_collections(self, rows: list) -> None:
        self.rows = {r["name"]: r for r in rows}
        self.collections.set_rows(rows, self._pending_select)
        self._pending_select = None
        self._update_buttons()
        self.collectionsChanged.emit()

    def _on_collection_selected(self, name: str) -> None:
        self._update_buttons()

    def add_paths(self, name: str | None, paths: list, index: bool = True) -> int:
        """Add files and folders to collection ``name`` (made when new; None: named after the first path), on
        the data thread, then index it. Returns the request's token."""
        paths = [str(p) for p in paths if str(p)]
        if not paths or self._shut:
            return 0
        if not name:      # named after the folder, or the document without its extension (no disk access here)
            first = Path(paths[0])
            name = first.stem if first.suffix.lower() in SUPPORTED_SUFFIXES else first.name
            name = name or "documents"
        token = next(self._ids)
        self._select_after_add[token] = index
        self.banner.hide()
        self.threads.data.addRequested.emit(token, name, paths)
        return token

    def _on_added(self, token: int, name: str) -> None:
        index = self._select_after_add.pop(token, True)
        self._pending_select = name
        if index:
            self.index_collection(name)

    def _on_dropped(self, name: str, paths: list) -> None:
        self.add_paths(name or None, paths)

    def dragEnterEvent(self, e: QtGui.QDragEnterEvent) -> None:
        if dropped_paths(e.mimeData()):
            e.acceptProposedAction()
        else:
            e.ignore()

    dragMoveEvent = dragEnterEvent

    def dropEvent(self, e: QtGui.QDropEvent) -> None:
        """Dropped elsewhere than on the list: into the selected collection (a new one when there is none)."""
        paths = dropped_paths(e.mimeData())
        if not paths:
            e.ignore()
            return
        e.acceptProposedAction()
        self.add_paths(self.selected_collection(), paths)

    def _new_dialog(self) -> None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(self, self.tr("A folder for the new collection"),
                                                            str(Path.home()))
        if not folder:
            return
        name, ok = QtWidgets.QInputDialog.getText(self, self.tr("New collection"), self.tr("Name:"),
                                                  text=Path(folder).name or "documents")
        if ok and name.strip():
            self.add_paths(name.strip(), [folder])

    def _add_folder_dialog(self) -> None:
        name = self.selected_collection()
        if name is None:
            return self._new_dialog()
        folder = QtWidgets.QFileDialog.getExistingDirectory(self, self.tr("Add a folder to {name}").format(name=name),
                                                            str(Path.home()))
        if folder:
            self.add_paths(name, [folder])

    def _add_files_dialog(self) -> None:
        name = self.selected_collection()
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self, self.tr("Add documents to {name}").format(name=name) if name else self.tr("Documents for a new collection"),
            str(Path.home()), FILE_FILTER.format(documents=self.tr("Documents"), all=self.tr("All files")))
        if paths:
            self.add_paths(name, paths)

    def remove_collection(self, name: str) -> bool:
        """Forget a collection and its index (the files are untouched); not while it is being indexed."""
        if name in self._index_queue.values():
            self.banner.show_message(self.tr("{name} is being indexed: cancel the indexing before removing "
                                             "it.").format(name=name), "info")
            return False
        self.threads.data.removeRequested.emit(next(self._ids), name)
        return True

    def _remove_clicked(self) -> None:
        name = self.selected_collection()
        if name is None:
            return
        answer = QtWidgets.QMessageBox.question(
            self, self.tr("Remove collection"),
            self.tr("Remove the collection {name} and its index? The files themselves are not touched.").format(name=name),
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
            QtWidgets.QMessageBox.StandardButton.No)
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            self.remove_collection(name)

    def _on_removed(self, token: int, name: str) -> None:
        self.index_note.setText(self.tr("Removed {name}.").format(name=name))

    def _on_data_failed(self, token: int, what: str, message: str) -> None:
        if what == "search":
            if token != self._asking:
                return
            self._end_question()
            self.answer.show_note("")
        elif what == "page":
            if token != self._page_token:
                return
        self.banner.show_message(message, "error")

    def _update_buttons(self) -> None:
        has = self.selected_collection() is not None
        for w in (self.add_folder_button, self.index_button, self.remove_button):
            w.setEnabled(has)

    # ---- indexing -------------------------------------------------------------------------------
    def index_collection(self, name: str) -> int:
        """Index ``name`` on the index thread (after any indexing already asked for). Returns the job id."""
        if self._shut:
            return 0
        if name in self._index_queue.values():
            return next(j for j, n in self._index_queue.items() if n == name)
        job = next(self._ids)
        self._index_queue[job] = name
        self.collections.set_activity(name, self.tr("Waiting to index…"))
        self._set_indexing(True)
        self.threads.index.indexRequested.emit(job, name)
        return job

    def _index_clicked(self) -> None:
        name = self.selected_collection()
        if name is not None:
            self.index_collection(name)

    def cancel_index(self) -> None:
        """Stop indexing (the running job and every one waiting); finished files are kept."""
        if self._index_queue:
            self.threads.index.cancel(max(self._index_queue))
            self.cancel_index_button.setEnabled(False)
            self.index_progress.setFormat(self.tr("Stopping…"))

    @property
    def indexing(self) -> bool:
        return bool(self._index_queue)

    def _set_indexing(self, on: bool) -> None:
        self.index_progress.setVisible(on)
        self.cancel_index_button.setVisible(on)
        self.cancel_index_button.setEnabled(on)
        if on and self._indexing is None:
            self.index_progress.setRange(0, 0)
            self.index_progress.setFormat(self.tr("Waiting…"))

    def _on_index_started(self, job: int, name: str) -> None:
        self._indexing = (job, name)
        self.index_progress.setRange(0, 0)
        self.index_progress.setFormat(self.tr("{name}: looking for documents…").format(name=name))
        self.collections.set_activity(name, self.tr("Looking for documents…"))

    def _on_index_progress(self, job: int, e: dict) -> None:
        if job not in self._index_queue or not self.cancel_index_button.isEnabled():
            return
        name = e.get("name", "")
        kind = e.get("type")
        if kind == "scan":
            self.index_progress.setRange(0, max(1, int(e.get("files") or 0)))
            self.index_progress.setValue(0)
        elif kind == "file":
            done, total = int(e.get("done", 0)), max(1, int(e.get("total", 1)))
            self.index_progress.setRange(0, total)
            self.index_progress.setValue(done)
            text = self.tr("{done}/{total} documents").format(done=done, total=total)
            self.index_progress.setFormat(f"{name}: {text}")
            self.collections.set_activity(name, self.tr("Indexing {done}/{total}…").format(done=done, total=total))
        elif kind == "embedder":
            self.index_progress.setRange(0, 0)
            self.index_progress.setFormat(self.tr("Starting the embedding model {model}…").format(model=e.get("model")))
        elif kind == "embedder_failed":
            self.banner.show_message(self.tr("The embedding model {model} could not be started, so {name} is "
                                             "indexed for full-text search only: {reason}").format(
                model=e.get("model"), name=name, reason=translate_message(e.get("reason", ""))), "warning")
        elif kind == "embed":
            done, total = int(e.get("done", 0)), max(1, int(e.get("total", 1)))
            self.index_progress.setRange(0, total)
            self.index_progress.setValue(done)
            text = self.tr("embedding {done}/{total} passages").format(done=done, total=total)
            self.index_progress.setFormat(f"{name}: {text}")
            self.collections.set_activity(name, self.tr("Embedding {done}/{total}…").format(done=done, total=total))

    def _index_done(self, job: int, name: str) -> None:
        self._index_queue.pop(job, None)
        if self._indexing is not None and self._indexing[0] == job:
            self._indexing = None
        if name not in self._index_queue.values():
            self.collections.set_activity(name, "")
        if not self._index_queue:
            self._set_indexing(False)
        self.refresh()

    def _on_index_finished(self, job: int, r: dict) -> None:
        name = r.get("name", "")
        self._index_done(job, name)
        failed = r.get("failed") or []
        note = self.tr("Indexed {name}: {indexed} read, {skipped} unchanged, {failed} could not be read, "
                       "{removed} dropped · {passages} passages ({time})").format(
            name=name, indexed=r.get("indexed", 0), skipped=r.get("skipped", 0), failed=len(failed),
            removed=r.get("removed", 0), passages=format_number(int(r.get("passages") or 0)),
            time=_duration(float(r.get("seconds") or 0)))
        if failed:
            shown = "; ".join(f"{Path(f['file']).name}: {translate_message(f['reason'])}" for f in failed[:3])
            note += "\n" + self.tr("Could not be read: {files}").format(files=shown)
            if len(failed) > 3:
                note += " " + self.tr("… and {n} more").format(n=len(failed) - 3)
        self.index_note.setText(note)
        self.indexFinished.emit(name, r)

    def _on_index_failed(self, job: int, name: str, message: str) -> None:
        self._index_done(job, name)
        self.index_note.setText("")
        self.banner.show_message(message, "error")
        self.indexFailed.emit(name, message)

    def _on_engine_notice(self, message: str) -> None:
        """The embedding model's process did something by itself the user should know once (the CPU
        fallback): an info banner, in the interface language."""
        self.banner.show_notice(message)

    def _on_index_cancelled(self, job: int, name: str) -> None:
        self._index_done(job, name)
        self.index_note.setText(self.tr("Indexing {name} was stopped; the documents indexed so far are kept: "
                                        "press Update index to go on.").format(name=name))
        self.indexCancelled.emit(name)

    # ---- asking ---------------------------------------------------------------------------------
    @property
    def asking(self) -> bool:
        return self._asking is not None

    def ask(self, question: str | None = None) -> bool:
        """Search the selected collection for ``question`` (the question box's text by default) and, when
        something relevant is found and a model is loaded, have the model answer. False, with a banner,
        when there is nothing to ask."""
        if self.asking or self._shut:
            return False
        if question is not None:
            self.question_edit.setText(question)
        question = self.question_edit.text().strip()
        name = self.selected_collection()
        if name is None:
            self.banner.show_message(self.tr("Make a collection first: drop files or folders on the list on the "
                                             "left, or press New collection…"), "info")
            return False
        if not question:
            self.banner.show_message(self.tr("Type a question first."), "info")
            self.question_edit.setFocus()
            return False
        row = self.rows.get(name) or {}
        if not row.get("passages") and name not in self._index_queue.values():
            self.banner.show_message(self.tr("Nothing in {name} is indexed yet: press Update index.").format(
                name=name), "info")
            return False
        self.banner.hide()
        job = next(self._ids)
        self._asking, self._phase = job, "search"
        self._ask_collection = name
        self.hits, self.result, self.shown_index = [], None, None
        self.passages.set_hits([])
        self._clear_page()
        self.answer_heading.setText(self.tr("Answer"))
        self.answer.show_note('<p style="color:#777; margin:20px 12px;">' + html.escape(
            self.tr("Searching {name}…").format(name=name)) + "</p>")
        self.status_label.setText("")
        self._set_asking(True)
        self.threads.data.searchRequested.emit(job, name, question, DEFAULT_TOP_K)
        return True

    def stop(self) -> None:
        """Esc: stop the answer; with no question running, stop indexing."""
        if self.asking:
            job = self._asking
            if self._phase == "answer":
                self.bridge.cancel_ask(job)       # a direct call: a flag and the host's cancel value
                self.stop_button.setEnabled(False)
                self.status_label.setText(self.tr("Stopping…"))
            else:
                self._end_question()
                self.answer.show_note('<p style="color:#777; margin:20px 12px;">' + html.escape(
                    self.tr("Stopped.")) + "</p>")
                self.answerFinished.emit({"found": False, "asked_model": False, "cancelled": True})
        elif self.indexing:
            self.cancel_index()

    def _set_asking(self, on: bool) -> None:
        self.ask_button.setEnabled(not on)
        self.stop_button.setEnabled(on)

    def _end_question(self) -> None:
        self._asking, self._phase = None, ""
        self._set_asking(False)

    def _on_searched(self, job: int, found: dict) -> None:
        if job != self._asking:
            return
        self.hits = list(found.get("hits") or [])
        self.passages.set_hits(self.hits)
        name, question = found.get("name", ""), found.get("question", "")
        lang = found.get("language") or language_of(question)
        n = len(self.hits)
        self.passages_heading.setText(self.tr("Passages found ({n})").format(n=n) if n else self.tr("Passages found"))
        if not found.get("relevant"):
            self._end_question()
            self.answer_heading.setText(self.tr("Answer"))
            note = self.tr("Nothing in {name} answers this well enough to ask a model; the closest passages, if "
                           "any, are listed on the right.").format(name=name)
            self.answer.show_note(f"<p>{html.escape(NOT_FOUND[lang])}</p>"
                                  f'<p style="color:#777;">{html.escape(note)}</p>')
            self.status_label.setText("")
            self.answerFinished.emit({"found": False, "asked_model": False, "answer": NOT_FOUND[lang],
                                      "relevant": False, "hits": self.hits, "mode": found.get("mode")})
            return
        if self.hits:
            self.passages.select_index(0)
        if self.model_info is None:
            self._end_question()
            note = self.tr("Load a model (above) to have the answer written from these passages.")
            self.answer.show_note(f'<p style="color:#777; margin:20px 12px;">{html.escape(note)}</p>')
            self.answerFinished.emit({"found": False, "asked_model": False, "no_model": True, "relevant": True,
                                      "hits": self.hits, "mode": found.get("mode")})
            self.banner.show_message(NO_MODEL_MESSAGE, "info")
            return
        self._phase = "answer"
        model = Path(str(self.model_info.get("path", ""))).stem
        self.answer_heading.setText(self.tr("Answer"))
        self.answer.start_stream(self.tr("Waiting for {model}…").format(model=model))
        self.status_label.setText("")
        self.bridge.askRequested.emit(job, name, question, found.get("retrieval"), {"top_k": DEFAULT_TOP_K})

    def _on_ask_started(self, job: int) -> None:
        if job == self._asking and self.model_info is not None:
            self.status_label.setText(self.tr("{model} is reading {n} passages…").format(
                model=Path(str(self.model_info.get("path", ""))).stem, n=len(self.hits)))

    def _on_ask_text(self, job: int, text: str) -> None:
        if job == self._asking:
            self.answer.append_text(text)

    def _hit_index(self, c: dict) -> int | None:
        for i, h in enumerate(self.hits):
            if (h.get("path"), h.get("page"), h.get("char_start"), h.get("char_end")) == \
                    (c.get("path"), c.get("page"), c.get("char_start"), c.get("char_end")):
                return i
        return None

    def _on_ask_finished(self, job: int, result: dict) -> None:
        if job != self._asking:
            return
        self._end_question()
        self.result = result
        cited = [i for i in (self._hit_index(c) for c in result.get("citations") or []) if i is not None]
        labels = [f"{h['file']} p. {h['page']}" for h in self.hits]
        if result.get("found"):
            title = self.tr("Sources:") if result.get("cited_by_model") else \
                self.tr("The model cited no passage; the answer was drawn from:")
            footer = ""
            removed = result.get("removed_citations") or []
            if removed:
                footer = (f'<p style="color:{NOTE_COLOR}; font-size:small;">' + html.escape(
                    self.tr("Removed {n} citation(s) that match no passage given to the model: {list}").format(
                        n=len(removed), list=", ".join(removed))) + "</p>")
            self.answer.show_answer(result.get("answer", ""), labels, cited, title, footer)
        else:
            note = self.tr("The model found no answer in the passages it was given.")
            self.answer.show_note(f"<p>{html.escape(result.get('answer', ''))}</p>"
                                  f'<p style="color:#777;">{html.escape(note)}</p>')
        self.passages.mark_cited(set(cited))
        if cited:
            self.passages.select_index(cited[0])
        model = Path(str(result.get("model") or "")).stem
        facts = [self.tr("{n} passages given to {model}").format(n=result.get("passages_used", 0), model=model),
                 self.tr("{n} prompt tokens").format(n=format_number(int(result.get("prompt_tokens") or 0))),
                 self.tr("{n} reply tokens").format(n=format_number(int(result.get("completion_tokens") or 0))),
                 _duration(float(result.get("seconds") or 0))]
        self.status_label.setText(" · ".join(facts))
        self.answerFinished.emit({**result, "asked_model": True, "relevant": True, "hits": self.hits})

    def _on_ask_failed(self, job: int, message: str) -> None:
        if job != self._asking:
            return
        self._end_question()
        self.answer.show_note('<p style="color:#777; margin:20px 12px;">' + html.escape(
            self.tr("No answer: see the message above.")) + "</p>")
        self.status_label.setText("")
        self.banner.show_message(message, "error")
        self.answerFinished.emit({"found": False, "asked_model": True, "error": message, "hits": self.hits})

    def _on_ask_cancelled(self, job: int) -> None:
        if job != self._asking:
            return
        self._end_question()
        partial = self.answer.answer_text
        self.answer.show_note((f"<p>{html.escape(partial)}</p>" if partial else "")
                              + '<p style="color:#777;">' + html.escape(self.tr("Stopped.")) + "</p>")
        self.status_label.setText("")
        self.answerFinished.emit({"found": False, "asked_model": True, "cancelled": True, "hits": self.hits})

    # ---- passages ---------------------------------------------------------------------------------
    def _clear_page(self) -> None:
        self.page_label.setText(self.tr(PASSAGE_HINT))
        self.page_view.clear()
        self.open_button.setEnabled(False)
        self.shown_index = None

    def show_passage(self, index: int) -> None:
        """Show passage ``index`` (of the passages found) in its page; selects it in the list."""
        if not 0 <= index < len(self.hits):
            return
        if self.passages.selected_index() != index:
            self.passages.select_index(index)     # comes back here through passageSelected
            return
        h = self.hits[index]
        self.shown_index = index
        self.page_label.setText(self.tr("{file}, page {page}").format(file=h["file"], page=h["page"]))
        self.page_label.setToolTip(h.get("path", ""))
        self.page_view.show_page([], h["char_start"], h["char_end"], h.get("passage", ""))
        self.open_button.setEnabled(True)
        self._page_token = next(self._ids)
        self.threads.data.pageRequested.emit(self._page_token, self._ask_collection or self.selected_collection() or "",
                                             h.get("path", ""), int(h["page"]))
        self.passageShown.emit(index)

    def _on_page(self, token: int, data: dict) -> None:
        if token != self._page_token or self.shown_index is None:
            return
        h = self.hits[self.shown_index]
        self.page_view.show_page(data.get("passages") or [], h["char_start"], h["char_end"], h.get("passage", ""))

    def open_url(self, index: int | None = None) -> QtCore.QUrl | None:
        """The URL "Open at page" opens for passage ``index`` (the one on show by default)."""
        index = self.shown_index if index is None else index
        if index is None or not 0 <= index < len(self.hits):
            return None
        h = self.hits[index]
        return page_url(h.get("path", ""), int(h.get("page") or 0))

    def open_passage(self, index: int | None = None) -> bool:
        """Open the passage's document in the system viewer, at its page for a PDF. A document outside the
        collection's files and folders is opened only after a question."""
        url = self.open_url(index)
        if url is None:
            return False
        h = self.hits[self.shown_index if index is None else index]
        path = h.get("path", "")
        if not os.path.exists(path):
            self.banner.show_message(self.tr("{name} is not there any more.").format(name=Path(path).name), "error")
            return False
        roots = (self.rows.get(self._ask_collection) or {}).get("paths") or []
        if not inside(path, roots) and not confirm_open_link(self, url.toString()):
            return False
        return bool(QtGui.QDesktopServices.openUrl(url))

    # ---- the model --------------------------------------------------------------------------------
    def _on_loaded(self, info: dict) -> None:
        self.model_info = info
        remote = bool(info.get("remote"))
        self.remote_note.show_hosts([info.get("host", "")] if remote else [])
        if remote:
            self.remote_note.setText(self.tr("Your question and the passages found are sent to {host}").format(
                host=info.get("host", "")))
        self.base_note.show_for(info)

    def _on_unloaded(self) -> None:
        self.model_info = None
        self.remote_note.hide()
        self.base_note.hide()

    def showEvent(self, e: QtGui.QShowEvent) -> None:
        super().showEvent(e)
        if not self.indexing:
            self.refresh()       # the command line may have changed the collections meanwhile

    # ---- shutdown -----------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop an answer and any indexing (finished files are kept), stop the threads."""
        if self._shut:
            return
        self._shut = True
        if self._asking is not None:
            self.bridge.cancel_ask(self._asking)
        self.threads.shutdown()
