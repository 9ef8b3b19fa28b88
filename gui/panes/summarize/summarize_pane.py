"""Summarise pane: a whole document with the loaded model, with page citations.

Open a document (button or drag-and-drop); the pane shows its pages, characters,
tokens and the plan (one pass, or N chunks) before anything is generated. Start
asks the EngineBridge to run engine.summarize on its thread with the model that
is already loaded; progress (chunk n/N, time left), the partial summaries and
the text of the step being written arrive as bridge signals. Cancel is a direct
call (``bridge.cancel_summary()``): the finished parts are kept, and Start with
the same document, model and options resumes from them.

The GUI thread never waits: the document is read and planned on the bridge
thread; the history is read through the pane's own short-timeout connection
(like the chat pane); deleting and exporting are jobs for a StorageWorker.
Bridge signals are connected to this pane's own methods only (never lambdas:
see gui/bridge.py).
"""

from __future__ import annotations

import html
from pathlib import Path

from gui.bridge import NO_MODEL_MESSAGE
from gui.qt import Qt, QtCore, QtGui, QtWidgets, QTimer, Signal
from gui.panes.summarize.widgets import (HistoryList, PartsTree, ResultView, duration_text, eta_text,
                                         level_title, pages_text, part_note, reason_text)
from gui.engine_messages import translate as translate_message
from gui.i18n import format_number
from gui.storage import READ_BUSY_TIMEOUT_MS, StorageWorker, is_locked_error
from gui.widgets.banner import Banner
from gui.widgets.base_model_note import BaseModelNote
from gui.widgets.remote_note import RemoteNote

from engine.documents import SUPPORTED_SUFFIXES
from engine.errors import HearthError
from engine.store import Store
from engine.summarize.storage import SummaryStore

PLAN_DEBOUNCE_MS = 300      # options are re-planned this long after the last change
READ_RETRY_MS = 1000        # a locked database is read again after this long

PART_HINT = QtCore.QT_TRANSLATE_NOOP("SummarizePane", "Select a part, or click a page citation in the summary, to read it")
NO_DOCUMENT_MESSAGE = QtCore.QT_TRANSLATE_NOOP("SummarizePane", "Open a document first: drop it here or press Open…")

LENGTHS = [("short", QtCore.QT_TRANSLATE_NOOP("SummarizePane", "Short")), ("medium", QtCore.QT_TRANSLATE_NOOP("SummarizePane", "Medium")), ("detailed", QtCore.QT_TRANSLATE_NOOP("SummarizePane", "Detailed"))]
FORMS = [("paragraphs", QtCore.QT_TRANSLATE_NOOP("SummarizePane", "Paragraphs")), ("bullets", QtCore.QT_TRANSLATE_NOOP("SummarizePane", "Bullet points")),
         ("keypoints", QtCore.QT_TRANSLATE_NOOP("SummarizePane", "Key points + actions"))]
LANGUAGES = [("same", QtCore.QT_TRANSLATE_NOOP("SummarizePane", "Same as the document")), ("ja", "日本語"), ("en", "English")]

FILE_FILTER = "{documents} (" + " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES) + ");;{all} (*)"

PLACEHOLDER_HTML = QtCore.QT_TRANSLATE_NOOP(
    "SummarizePane",
    '<div style="color:#777; margin:40px 20px;">'
    '<p style="font-size:large;">Drop a document here</p>'
    "<p>PDF, Word (.docx), text, Markdown or HTML — long ones too: Hearth reads all of it, in parts that fit "
    "the model, and cites the pages each point comes from.</p>"
    "<p>Or press <b>Open document…</b> above. Past summaries are listed on the left.</p></div>")


def _delete_summary(store: Store, summary_id: int) -> None:
    SummaryStore(store).delete(summary_id)


def _export_summary(store: Store, summary_id: int, config, path: str, fmt: str) -> str:
    from engine.summarize.export import export

    return str(export(summary_id, config, path, fmt))


class SummarizePane(QtWidgets.QWidget):
    summaryShown = Signal(int)       # a stored summary is on screen (its id)
    exported = Signal(str)           # a summary was written to this file
    historyChanged = Signal()        # the history list was (re)filled

    def __init__(self, bridge, store: Store | None = None, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.config = bridge.config
        self.store: Store | None = store     # the GUI thread's connection: reads only
        self._db_path = store.path if store is not None else self.config.paths.database
        self._storage: StorageWorker | None = None
        self.model_info: dict | None = None
        self.path: str | None = None          # the open document
        self.document_info: dict | None = None  # the last summaryPlanned payload for it
        self.running = False
        self._stopping = False
        self._plans_pending = 0                # plan requests whose answer has not come yet
        self._replan_after_run = False
        self.summary_id: int | None = None    # the summary on screen (Copy / Export)
        self.summary_text = ""
        self.last_result: dict | None = None
        self._chunks = 0
        self._history_has_run = False
        self._result_name = ""
        self._build()
        self.setAcceptDrops(True)
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(PLAN_DEBOUNCE_MS)
        self._plan_timer.timeout.connect(self.request_plan)
        self._read_retry = QTimer(self)
        self._read_retry.setSingleShot(True)
        self._read_retry.setInterval(READ_RETRY_MS)
        self._read_retry.timeout.connect(self.refresh_history)
        b = bridge
        b.loaded.connect(self._on_loaded)
        b.unloaded.connect(self._on_unloaded)
        b.summaryPlanned.connect(self._on_planned)
        b.summaryEvent.connect(self._on_event)
        b.summaryTextArrived.connect(self._on_text)
        b.summaryFinished.connect(self._on_finished)
        b.summaryFailed.connect(self._on_failed)
        b.summaryCancelled.connect(self._on_cancelled)
        self._set_running(False)
        self.refresh_history()

    # ---- layout ---------------------------------------------------------------------
    def _build(self) -> None:
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 0)
        outer.setSpacing(6)

        # The document and its plan.
        self.doc_frame = QtWidgets.QFrame()
        self.doc_frame.setObjectName("docFrame")
        self._set_drop_highlight(False)
        card = QtWidgets.QGridLayout(self.doc_frame)
        card.setContentsMargins(10, 8, 10, 8)
        card.setHorizontalSpacing(12)
        card.setVerticalSpacing(2)
        self.open_button = QtWidgets.QPushButton(self.tr("Open document…"))
        self.open_button.setToolTip(self.tr("PDF, Word (.docx), text, Markdown or HTML — or drop the file on this pane"))
        self.open_button.clicked.connect(self._open_dialog)
        card.addWidget(self.open_button, 0, 0, 2, 1, Qt.AlignmentFlag.AlignVCenter)
        self.doc_label = QtWidgets.QLabel()
        self.doc_label.setTextFormat(Qt.TextFormat.RichText)
        self.doc_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        card.addWidget(self.doc_label, 0, 1)
        self.plan_label = QtWidgets.QLabel()
        self.plan_label.setWordWrap(True)
        self.plan_label.setStyleSheet("color:#555;")
        card.addWidget(self.plan_label, 1, 1)
        # A base model (no chat template) is named before anything runs: its summaries will be poor.
        self.base_note = BaseModelNote("summarizeBaseNote")
        card.addWidget(self.base_note, 2, 0, 1, 2)
        card.setColumnStretch(1, 1)
        outer.addWidget(self.doc_frame)

        # Options, Start / Cancel.
        row = QtWidgets.QHBoxLayout()
        row.setSpacing(6)
        self.length_combo = self._combo(LENGTHS, "medium")
        self.form_combo = self._combo(FORMS, "paragraphs")
        self.language_combo = self._combo(LANGUAGES, "same")
        for label, combo in ((self.tr("Length"), self.length_combo), (self.tr("Form"), self.form_combo),
                             (self.tr("Language"), self.language_combo)):
            lab = QtWidgets.QLabel(self.tr("{label}:").format(label=label))
            lab.setBuddy(combo)
            row.addWidget(lab)
            row.addWidget(combo)
        self.instruction_edit = QtWidgets.QLineEdit()
        self.instruction_edit.setPlaceholderText(self.tr("Your own instruction (optional), e.g. focus on decisions "
                                                         "and deadlines"))
        self.instruction_edit.setClearButtonEnabled(True)
        self.instruction_edit.textChanged.connect(self._options_changed)
        self.instruction_edit.returnPressed.connect(self.start)
        row.addWidget(self.instruction_edit, 1)
        self.fresh_box = QtWidgets.QCheckBox(self.tr("Start over"))
        self.fresh_box.setToolTip(self.tr("Ignore the parts kept from a stopped run of this document and "
                                          "summarise it all again"))
        row.addWidget(self.fresh_box)
        self.remote_note = RemoteNote("summarizeRemoteNote")   # the loaded model is remote: where the document goes
        row.addWidget(self.remote_note)
        self.start_button = QtWidgets.QPushButton(self.tr("Start"))
        self.start_button.setToolTip(self.tr("Summarise the whole document (resumes a stopped run)"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        row.addWidget(self.start_button)
        self.cancel_button = QtWidgets.QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop now; the parts already summarised are kept (Esc)"))
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        outer.addLayout(row)

        self.progress = QtWidgets.QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.progress.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.progress)

        self.banner = Banner()
        outer.addWidget(self.banner)

        # History | parts | result.
        self.splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)

        left = QtWidgets.QWidget()
        ll = QtWidgets.QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self._heading(self.tr("History")))
        self.history = HistoryList()
        self.history.summarySelected.connect(self.show_summary)
        ll.addWidget(self.history, 1)
        self.delete_button = QtWidgets.QPushButton(self.tr("Delete"))
        self.delete_button.setToolTip(self.tr("Delete the selected summary from the history"))
        self.delete_button.clicked.connect(self._delete_clicked)
        ll.addWidget(self.delete_button)
        self.splitter.addWidget(left)

        middle = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        parts_box = QtWidgets.QWidget()
        pl = QtWidgets.QVBoxLayout(parts_box)
        pl.setContentsMargins(0, 0, 0, 0)
        self.parts_heading = self._heading(self.tr("Partial summaries"))
        pl.addWidget(self.parts_heading)
        self.parts = PartsTree()
        self.parts.partSelected.connect(self._show_part)
        pl.addWidget(self.parts, 1)
        middle.addWidget(parts_box)
        part_box = QtWidgets.QWidget()
        tl = QtWidgets.QVBoxLayout(part_box)
        tl.setContentsMargins(0, 0, 0, 0)
        self.part_label = QtWidgets.QLabel(self.tr(PART_HINT))
        self.part_label.setStyleSheet("color:#555;")
        tl.addWidget(self.part_label)
        self.part_text = QtWidgets.QPlainTextEdit()
        self.part_text.setReadOnly(True)
        self.part_text.setTabChangesFocus(True)
        tl.addWidget(self.part_text, 1)
        middle.addWidget(part_box)
        middle.setSizes([320, 200])
        self.splitter.addWidget(middle)

        right = QtWidgets.QWidget()
        rl = QtWidgets.QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.result_heading = self._heading(self.tr("Summary"))
        self.result_heading.setTextFormat(Qt.TextFormat.RichText)
        rl.addWidget(self.result_heading)
        self.result_stack = QtWidgets.QStackedWidget()
        self.result = ResultView()
        self.result.citationClicked.connect(self._on_citation)
        self.result.show_note(self.tr(PLACEHOLDER_HTML))
        self.live = QtWidgets.QPlainTextEdit()
        self.live.setReadOnly(True)
        self.live.setTabChangesFocus(True)
        self.live.setObjectName("liveText")
        self.result_stack.addWidget(self.result)
        self.result_stack.addWidget(self.live)
        rl.addWidget(self.result_stack, 1)
        # What was done about unusable replies, and the facts the summary left out.
        self.quality_label = QtWidgets.QLabel("")
        self.quality_label.setObjectName("summaryQuality")
        self.quality_label.setWordWrap(True)
        self.quality_label.setStyleSheet("color:#555;")
        self.quality_label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.quality_label.hide()
        rl.addWidget(self.quality_label)
        buttons = QtWidgets.QHBoxLayout()
        self.copy_button = QtWidgets.QPushButton(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the summary (Markdown) to the clipboard"))
        self.copy_button.clicked.connect(self.copy_summary)
        self.export_md_button = QtWidgets.QPushButton(self.tr("Export Markdown…"))
        self.export_md_button.clicked.connect(lambda: self._export_dialog("md"))
        self.export_docx_button = QtWidgets.QPushButton(self.tr("Export Word…"))
        self.export_docx_button.clicked.connect(lambda: self._export_dialog("docx"))
        self.result_note = QtWidgets.QLabel("")
        self.result_note.setStyleSheet("color:#555;")
        # Long names and notes are cut, never widen the column (the splitter would squeeze the others).
        for lab in (self.result_note, self.result_heading, self.part_label, self.doc_label, self.parts_heading):
            lab.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        buttons.addWidget(self.result_note, 1)
        for b in (self.copy_button, self.export_md_button, self.export_docx_button):
            buttons.addWidget(b)
        rl.addLayout(buttons)
        self.splitter.addWidget(right)

        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([210, 360, 520])
        outer.addWidget(self.splitter, 1)

        esc = QtGui.QShortcut(QtGui.QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self.cancel)
        self._show_document_header()
        self._set_result_buttons(False)

    @staticmethod
    def _heading(text: str) -> QtWidgets.QLabel:
        lab = QtWidgets.QLabel(text)
        f = lab.font()
        f.setBold(True)
        lab.setFont(f)
        return lab

    def _pages_text(self, n: int) -> str:
        return (self.tr("{n} page") if n == 1 else self.tr("{n} pages")).format(n=n)

    def _combo(self, items, current: str) -> QtWidgets.QComboBox:
        c = QtWidgets.QComboBox()
        for value, label in items:
            c.addItem(self.tr(label) if label not in ("日本語", "English") else label, value)
        c.setCurrentIndex(max(0, c.findData(current)))
        c.currentIndexChanged.connect(self._options_changed)
        return c

    def _set_drop_highlight(self, on: bool) -> None:
        # palette roles, not fixed colours: the frame follows the light and dark themes
        border = "2px dashed palette(highlight)" if on else "1px solid palette(mid)"
        bg = "palette(alternate-base)" if on else "palette(base)"
        self.doc_frame.setStyleSheet(f"#docFrame {{border:{border}; border-radius:6px; background:{bg};}}")

    # ---- options ---------------------------------------------------------------------
    def options(self) -> dict:
        """The SummaryOptions dict the controls describe."""
        return {"length": self.length_combo.currentData(), "form": self.form_combo.currentData(),
                "language": self.language_combo.currentData(),
                "instruction": self.instruction_edit.text().strip()}

    def set_options(self, length: str | None = None, form: str | None = None, language: str | None = None,
                    instruction: str | None = None) -> None:
        for combo, value in ((self.length_combo, length), (self.form_combo, form),
                             (self.language_combo, language)):
            if value is not None and combo.findData(value) >= 0:
                combo.setCurrentIndex(combo.findData(value))
        if instruction is not None:
            self.instruction_edit.setText(instruction)

    def _options_changed(self, *_):
        if self.path and not self.running:
            self._plan_timer.start()

    # ---- opening a document ------------------------------------------------------------------
    def _open_dialog(self) -> None:
        start = str(Path(self.path).parent) if self.path else str(Path.home())
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Open a document to summarise"), start,
                                                        FILE_FILTER.format(documents=self.tr("Documents"), all=self.tr("All files")))
        if path:
            self.open_document(path)

    def open_document(self, path: str | Path) -> bool:
        """Show ``path`` and ask the bridge to read and plan it. False while a summary runs."""
        if self.running:
            self.banner.show_message(self.tr("A summary is being written: cancel it before opening another "
                                             "document."), "info")
            return False
        self.banner.hide()
        self.path = str(path)
        self.document_info = None
        self.summary_id = None
        self.summary_text = ""
        self.parts.clear_parts()
        self.part_text.clear()
        self.part_label.setText(self.tr(PART_HINT))
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.result_stack.setCurrentWidget(self.result)
        self.result.show_note('<p style="color:#777; margin:30px 20px;">'
                              + self.tr("Press <b>Start</b> to summarise {name}.").format(
                                  name=html.escape(Path(self.path).name)) + '</p>')
        self.result_heading.setText(self.tr("Summary"))
        self.result_note.setText("")
        self.quality_label.hide()
        self._set_result_buttons(False)
        self.history.clearSelection()
        self._show_document_header(reading=True)
        self.request_plan()
        return True

    def request_plan(self) -> None:
        """Read (once) and plan the open document on the bridge thread."""
        self._plan_timer.stop()
        if not self.path:
            return
        if self.running:
            self._replan_after_run = True
            return
        self._plans_pending += 1
        self.bridge.summaryPlanRequested.emit(self.path, self.options())

    @staticmethod
    def _local_path(url: QtCore.QUrl) -> str | None:
        return url.toLocalFile() if url.isLocalFile() and url.toLocalFile() else None

    def dragEnterEvent(self, e: QtGui.QDragEnterEvent) -> None:
        md = e.mimeData()
        if not self.running and md.hasUrls() and any(self._local_path(u) for u in md.urls()):
            e.acceptProposedAction()
            self._set_drop_highlight(True)
        else:
            e.ignore()

    def dragMoveEvent(self, e: QtGui.QDragMoveEvent) -> None:
        if not self.running and e.mimeData().hasUrls():
            e.acceptProposedAction()
        else:
            e.ignore()

    def dragLeaveEvent(self, e: QtGui.QDragLeaveEvent) -> None:
        self._set_drop_highlight(False)
        super().dragLeaveEvent(e)

    def dropEvent(self, e: QtGui.QDropEvent) -> None:
        self._set_drop_highlight(False)
        paths = [p for p in (self._local_path(u) for u in e.mimeData().urls()) if p] \
            if e.mimeData().hasUrls() else []
        if not paths:
            e.ignore()
            return
        e.acceptProposedAction()
        # Any file is taken: one Hearth cannot read gets the reader's sentence in the banner.
        self.open_document(paths[0])
        if len(paths) > 1:
            self.banner.show_message(self.tr("One document at a time: opened {name}.").format(name=Path(paths[0]).name), "info")

    # ---- header ----------------------------------------------------------------------------
    def _show_document_header(self, reading: bool = False, progress: str = "") -> None:
        info = self.document_info
        if not self.path:
            self.doc_label.setText(self.tr("<b>No document</b> — drop a PDF, Word, text, Markdown or HTML file here"))
            self.plan_label.setText(self.tr("Its pages, characters and tokens, and how it will be summarised, "
                                            "show here before you start."))
            if not self.running:
                self.progress.setFormat("")
            return
        name = html.escape(Path(self.path).name)
        if info is None:
            self.doc_label.setText(f"<b>{name}</b>")
            self.plan_label.setText(progress or (self.tr("Reading the document…") if reading else ""))
            return
        facts = [self._pages_text(info["pages"]),
                 self.tr("{n} characters").format(n=format_number(info["characters"]))]
        if info.get("document_tokens") is not None:
            facts.append(self.tr("{n} tokens").format(n=format_number(info["document_tokens"])))
        self.doc_label.setText(f"<b>{name}</b> &nbsp;·&nbsp; " + " · ".join(facts))
        if info.get("error"):
            plan = translate_message(info["error"])
        elif info.get("plan"):
            plan = self.tr("Plan: {plan}.").format(plan=translate_message(info["plan"]))
            if not info.get("one_pass") and info.get("steps"):
                plan += " " + self.tr("About {n} model calls in all.").format(n=info["steps"])
        else:
            plan = self.tr("Load a model to count the tokens and see the plan.")
        if info.get("warnings"):
            plan += " " + self.tr("Note: {warnings}").format(
                warnings=" ".join(translate_message(w) for w in info["warnings"]))
        self.plan_label.setText(plan)
        if not self.running and self.progress.value() == 0 and self.summary_id is None:
            self.progress.setFormat(self.tr("Ready: press Start") if info.get("plan") and not info.get("error") else "")

    # ---- start / cancel -----------------------------------------------------------------------
    def start(self) -> bool:
        """Summarise the open document with the loaded model (resuming a stopped run). False, with a
        banner, when there is nothing to start."""
        if self.running:
            return False
        if not self.path:
            self.banner.show_message(self.tr(NO_DOCUMENT_MESSAGE), "info")
            return False
        if self.model_info is None:
            self.banner.show_message(NO_MODEL_MESSAGE, "error")
            return False
        self._plan_timer.stop()
        self.banner.hide()
        self.summary_id = None
        self.summary_text = ""
        self.last_result = None
        self.parts.clear_parts()
        self.part_text.clear()
        self.part_label.setText(self.tr(PART_HINT))
        self.live.clear()
        self.result_stack.setCurrentWidget(self.live)
        self.result_heading.setText(self.tr("Writing…"))
        self.result_note.setText("")
        self.quality_label.hide()
        info = self.document_info or {}
        self._chunks = int(info.get("chunks") or 0)
        self.progress.setRange(0, max(int(info.get("steps") or 1), 1))
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Starting…"))
        self._set_running(True)
        self._history_has_run = False
        self.bridge.summarizeRequested.emit(self.path, self.options(), self.fresh_box.isChecked())
        return True

    def cancel(self) -> None:
        """Stop now (a direct call into the bridge); the finished parts are kept."""
        if not self.running or self._stopping:
            return
        self._stopping = True
        self.bridge.cancel_summary()
        self.cancel_button.setEnabled(False)
        self.progress.setFormat(self.progress.format().split(" · ")[0] + " · stopping…")

    def _set_running(self, on: bool) -> None:
        self.running = on
        if not on:
            self._stopping = False
        for w in (self.open_button, self.length_combo, self.form_combo, self.language_combo,
                  self.instruction_edit, self.fresh_box, self.start_button, self.delete_button):
            w.setEnabled(not on)
        self.cancel_button.setEnabled(on)
        if on:
            self._set_result_buttons(False)

    def _set_result_buttons(self, on: bool) -> None:
        for b in (self.copy_button, self.export_md_button, self.export_docx_button):
            b.setEnabled(on)

    # ---- bridge events ----------------------------------------------------------------------------
    def _on_loaded(self, info: dict) -> None:
        self.model_info = info
        self.remote_note.show_hosts([info.get("host", "")] if info.get("remote") else [])
        self.base_note.show_for(info)   # before anything runs: a base model summarises poorly
        if self.path:
            self.request_plan()   # tokens and the plan depend on the model and its context

    def _on_unloaded(self) -> None:
        self.model_info = None
        self.remote_note.hide()
        self.base_note.hide()
        if self.path:
            self.request_plan()

    def _on_planned(self, info: dict) -> None:
        self._plans_pending = max(0, self._plans_pending - 1)
        if info.get("path") != self.path:
            return   # an answer for a document opened before this one
        self.document_info = info
        self._show_document_header()
        if info.get("error") and not self.running:
            self.banner.show_message(info["error"], "error")

    def _on_event(self, e: dict) -> None:
        kind = e.get("type")
        if kind == "reading":
            if e.get("path") == self.path and self.document_info is None:
                self._show_document_header(progress=self.tr("Reading page {done} of {total}…").format(
                    done=e["done"], total=e["total"]))
            return
        if not self.running:
            return
        if kind == "plan":
            self._chunks = int(e.get("chunks") or 0)
            info = dict(self.document_info or {})
            info.update(e, path=self.path, steps=info.get("steps"), error=None)
            info.setdefault("warnings", [])
            self.document_info = info
            self._show_document_header()
        elif kind == "step":
            if not self._history_has_run:
                self._history_has_run = True   # the run's row exists now: list it as running
                self.refresh_history()
            self._progress(e, writing=True)
            self.live.clear()
            self.result_heading.setText(self.tr("Writing {what} — [{pages}]").format(what=self._step_name(e),
                                                                                   pages=e.get("pages")))
        elif kind == "part":
            self.parts.add_part(e)
            self._progress(e, writing=False)
        elif kind in ("retry", "extract"):
            text = (self.tr("The reply was unusable ({reason}): writing it again…") if kind == "retry" else
                    self.tr("Unusable again ({reason}): taking the most central sentences of the text instead."))
            self._on_text("\n\n— " + text.format(reason=reason_text(e.get("reason", ""))) + " —\n\n")

    def _step_name(self, e: dict) -> str:
        level, position = int(e.get("level", 0)), int(e.get("position", 0))
        if level == 0:
            return self.tr("the summary") if self._chunks <= 1 else self.tr("chunk {i}/{n}").format(
                i=position + 1, n=self._chunks)
        return self.tr("combined part {i} (round {level})").format(i=position + 1, level=level)

    def _progress(self, e: dict, writing: bool) -> None:
        done, total = int(e.get("done", 0)), int(e.get("total", 0))
        total = max(total, done, 1)
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        if self._stopping:
            return
        what = self._step_name(e)
        if not writing:
            if int(e.get("level", 0)) == 0 and self._chunks > 1 and done < total:
                what = self.tr("chunk {i}/{n} done").format(i=min(int(e.get("position", 0)) + 1, self._chunks),
                                                             n=self._chunks)
            else:
                what = self.tr("{done}/{total} steps done").format(done=done, total=total)
        self.progress.setFormat(f"{what} · {eta_text(e.get('eta_s'))}" if done < total else what)

    def _on_text(self, text: str) -> None:
        if not self.running:
            return
        bar = self.live.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        cursor = self.live.textCursor()
        cursor.movePosition(QtGui.QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        if at_end:
            bar.setValue(bar.maximum())

    def _on_finished(self, result: dict) -> None:
        if not self.running:
            return
        self._set_running(False)
        self.last_result = result
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        resumed = result.get("resumed_parts") or 0
        self.progress.setFormat(
            self.tr("Done in {time}").format(time=duration_text(result.get("seconds", 0))) + " · "
            + (self.tr("{n} chunk") if result.get("chunks") == 1 else self.tr("{n} chunks")).format(n=result.get("chunks"))
            + " · " + self.tr("{n} model calls").format(n=result.get("calls"))
            + (" · " + self.tr("{n} parts resumed").format(n=resumed) if resumed else ""))
        self.parts.set_parts(result.get("parts") or [])
        self.summary_id = result.get("summary_id")
        self._show_result(result.get("name") or Path(self.path or "").name, result.get("summary", ""),
                          pages=result.get("pages"), model=result.get("model"),
                          seconds=result.get("seconds"), stats=result)
        self.refresh_history(select_id=self.summary_id)
        if self._replan_after_run:
            self._replan_after_run = False
            self.request_plan()
        if self.summary_id is not None:
            self.summaryShown.emit(int(self.summary_id))

    def _on_failed(self, message: str) -> None:
        if self._plans_pending > 0:
            # The answer to a plan request (requests are answered in order): the document.
            self._plans_pending -= 1
            if self.document_info is None and self._plans_pending == 0:
                self.path = None
                self._show_document_header()
                self.result.show_note(self.tr(PLACEHOLDER_HTML))
            self.banner.show_message(message, "error")
            return
        if not self.running:
            self.banner.show_message(message, "error")
            return
        self._set_running(False)
        self.progress.setFormat(self.tr("Failed") + (" · " + self.tr("{n} parts kept").format(n=self.parts.count_parts())
                                                    if self.parts.count_parts() else ""))
        self._after_stop()
        self.banner.show_message(message, "error")

    def _on_cancelled(self, message: str) -> None:
        if not self.running:
            return
        self._set_running(False)
        kept = self.parts.count_parts()
        self.progress.setFormat((self.tr("Stopped · {n} part kept") if kept == 1
                                 else self.tr("Stopped · {n} parts kept")).format(n=kept))
        self._after_stop()
        self.banner.show_message(message, "warning")

    def _after_stop(self) -> None:
        self.result_stack.setCurrentWidget(self.result)
        self.result_heading.setText(self.tr("Summary"))
        kept = self.parts.count_parts()
        self.result.show_note(
            '<p style="color:#777; margin:30px 20px;">'
            + (self.tr("Not finished: {n} partial summary kept (listed in the middle). Press <b>Start</b> to go "
                       "on from where it stopped.") if kept == 1 else
               self.tr("Not finished: {n} partial summaries kept (listed in the middle). Press <b>Start</b> to "
                       "go on from where it stopped.")).format(n=kept) + "</p>")
        self.refresh_history()
        if self._replan_after_run:
            self._replan_after_run = False
            self.request_plan()

    # ---- result ---------------------------------------------------------------------------------
    def quality_text(self, stats: dict | None) -> str:
        """One line on the replies that were unusable and the facts the summary left out ("" if none)."""
        stats = stats or {}
        bits = []
        bad = int(stats.get("degenerate_parts") or 0)
        if bad:
            bits.append(self.tr("Unusable replies: {n} ({retried} written again, {extracts} replaced by extracts; "
                                "marked in the parts).").format(n=bad, retried=int(stats.get("retried_parts") or 0),
                                                                extracts=int(stats.get("extractive_parts") or 0)))
        dropped = (stats.get("facts") or {}).get("dropped") or []
        if dropped:
            bits.append(self.tr("Facts not in the summary: {facts}").format(facts=", ".join(dropped)))
        return " ".join(bits)

    def _show_result(self, name: str, summary: str, pages=None, model=None, seconds=None, stats=None) -> None:
        self.summary_text = summary
        self._result_name = name
        self.result_stack.setCurrentWidget(self.result)
        facts = []
        if pages:
            facts.append(self._pages_text(pages))
        if model:
            facts.append(Path(str(model).split("|")[0]).stem)
        if seconds:
            facts.append(duration_text(seconds))
        self.result_heading.setText(self.tr("Summary of {name}").format(name=html.escape(name)) + (
            f'<span style="font-weight:normal; color:#666;"> &nbsp;·&nbsp; {html.escape(" · ".join(facts))}</span>'
            if facts else ""))
        self.result_note.setText("")
        quality = self.quality_text(stats)
        self.quality_label.setText(quality)
        self.quality_label.setVisible(bool(quality))
        self.result.show_summary(summary)
        self._set_result_buttons(bool(summary) and self.summary_id is not None)
        self.copy_button.setEnabled(bool(summary))

    def _show_part(self, part: dict) -> None:
        label = part.get("pages") or pages_text(part["page_start"], part["page_end"])
        title = self.tr("{level} · part {i} · [{pages}]").format(
            level=level_title(int(part["level"])), i=int(part["position"]) + 1, pages=label)
        note = part_note(part)   # the whole sentence in the tooltip; the label says it in a word
        how = (part.get("note") or str(part.get("flags") or "")).split(":")[0]
        word = {"retried": QtCore.QCoreApplication.translate("PartsTree", "retried"),
                "extractive": QtCore.QCoreApplication.translate("PartsTree", "extract")}.get(how, "")
        self.part_label.setText(title + (" · " + word if word else ""))
        self.part_label.setToolTip(note)
        self.part_text.setPlainText(part.get("text", ""))

    def _on_citation(self, start: int, end: int) -> None:
        if not self.parts.select_pages(start, end):
            self.part_label.setText(self.tr("No partial summary covers {pages}").format(pages=pages_text(start, end)))

    def copy_summary(self) -> None:
        if self.summary_text:
            QtWidgets.QApplication.clipboard().setText(self.summary_text)
            self.result_note.setText(self.tr("Copied to the clipboard."))

    # ---- history ----------------------------------------------------------------------------------
    def _open_reader(self) -> Store | None:
        if self.store is None:
            try:
                self.store = Store(self._db_path, busy_timeout_ms=READ_BUSY_TIMEOUT_MS)
            except HearthError as e:
                if is_locked_error(e):
                    self._read_retry.start()
                else:
                    self.banner.show_message(self.tr("Could not read the summaries: {error}").format(error=translate_message(str(e))), "error")
                return None
        return self.store

    def _read(self, what: str, fn, default=None):
        store = self._open_reader()
        if store is None:
            return default
        try:
            return fn(SummaryStore(store))
        except HearthError as e:
            self._read_failed(what, e)
        except Exception as e:   # sqlite3 errors from a busy or damaged database
            self._read_failed(what, e)
        return default

    def _read_failed(self, what: str, e: Exception) -> None:
        if is_locked_error(e):
            self._read_retry.start()   # another process is writing: read again in a moment
        else:
            self.banner.show_message(self.tr("{what}: {error}").format(what=what, error=translate_message(str(e))), "error")

    def refresh_history(self, select_id: int | None = None) -> None:
        rows = self._read(self.tr("Could not read the summaries"), lambda ss: ss.list())
        if rows is None:
            return
        if select_id is None:
            select_id = self.history.selected_id()
        self.history.set_rows(rows, select_id)
        self.historyChanged.emit()

    def show_summary(self, summary_id: int) -> None:
        """Show a stored summary (and its parts) from the history."""
        if self.running:
            self.banner.show_message(self.tr("A summary is being written: the history opens when it is done "
                                             "or cancelled."), "info")
            return
        data = self._read(self.tr("Could not open the summary"), lambda ss: (ss.get(summary_id), ss.parts(summary_id)))
        if data is None:
            return
        row, parts = data
        if row is None:
            self.refresh_history()
            return
        self.parts.set_parts(list(parts.values()))
        self.part_text.clear()
        self.part_label.setText(self.tr(PART_HINT))
        if row["status"] == "done" and row.get("summary"):
            self.summary_id = row["id"]
            stats = row.get("stats") or {}
            self._show_result(row["document_name"], row["summary"], pages=row.get("pages"), model=row.get("model"),
                              seconds=stats.get("seconds"), stats=stats)
        else:
            self.summary_id = None
            self.summary_text = ""
            self._set_result_buttons(False)
            self.result_stack.setCurrentWidget(self.result)
            self.result_heading.setText(self.tr("Summary of {name}").format(name=html.escape(row["document_name"])))
            self.result_note.setText("")
            self.quality_label.hide()
            one = len(parts) == 1
            status = {"cancelled": self.tr("This summary was stopped after {n} part.") if one else
                      self.tr("This summary was stopped after {n} parts."),
                      "failed": self.tr("This summary failed after {n} part.") if one else
                      self.tr("This summary failed after {n} parts."),
                      "running": self.tr("This summary did not finish after {n} part.") if one else
                      self.tr("This summary did not finish after {n} parts.")}.get(
                row["status"], self.tr("This summary {status} after {n} part(s)."))
            self.result.show_note(
                '<p style="color:#777; margin:30px 20px;">'
                + html.escape(status.format(n=len(parts), status=row["status"])) + " "
                + self.tr("Open {name} with the same model and options and press <b>Start</b> to resume it.").format(
                    name=html.escape(row["document_name"])) + "</p>")
        o = row.get("options") or {}
        self.set_options(o.get("length"), o.get("form"), o.get("language"), o.get("instruction"))
        self._plan_timer.stop()   # showing a stored summary is not a reason to plan again
        self.summaryShown.emit(int(row["id"]))

    def _storage_worker(self) -> StorageWorker:
        if self._storage is None:
            self._storage = StorageWorker(self._db_path, self)
            self._storage.failed.connect(self._on_storage_failed)
        return self._storage

    def _on_storage_failed(self, message: str) -> None:
        self.banner.show_message(self.tr("Could not save to the database: {error}").format(error=translate_message(message)), "error")

    def delete_summary(self, summary_id: int):
        """Delete a stored summary (on the storage thread); the history refreshes when it is gone."""
        if getattr(self, "_shut", False):
            return None
        if summary_id == self.summary_id:
            self.summary_id = None
            self.summary_text = ""
            self._set_result_buttons(False)
            self.parts.clear_parts()
            self.part_text.clear()
            self.result.show_note(self.tr(PLACEHOLDER_HTML))
            self.result_heading.setText(self.tr("Summary"))
            self.result_note.setText("")
            self.quality_label.hide()
        return self._storage_worker().submit(
            _delete_summary, int(summary_id), on_done=self._after_delete,
            on_error=self._delete_failed)

    def _after_delete(self, _value=None) -> None:
        self.refresh_history()

    def _delete_failed(self, message: str) -> None:
        self.banner.show_message(self.tr("Could not delete the summary: {error}").format(error=translate_message(message)), "error")

    def _delete_clicked(self) -> None:
        sid = self.history.selected_id()
        if sid is None:
            self.banner.show_message(self.tr("Select a summary in the history to delete it."), "info")
            return
        item = self.history.currentItem()
        name = item.text().split("\n", 1)[0] if item is not None else self.tr("this summary")
        answer = QtWidgets.QMessageBox.question(
            self, self.tr("Delete summary"),
            self.tr("Delete the summary of {name} and its partial summaries?").format(name=name),
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
            QtWidgets.QMessageBox.StandardButton.No)
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            self.delete_summary(sid)

    # ---- export -------------------------------------------------------------------------------------
    def export_summary(self, path: str | Path, fmt: str | None = None):
        """Write the summary on screen to ``path`` (Markdown or DOCX) on the storage thread;
        ``exported(path)`` when it is written, a banner when it cannot be."""
        if self.summary_id is None or getattr(self, "_shut", False):
            self.banner.show_message(self.tr("Nothing to export yet: finish a summary or pick one in the "
                                             "history."), "info")
            return None
        fmt = fmt or ("docx" if str(path).lower().endswith(".docx") else "md")
        return self._storage_worker().submit(
            _export_summary, int(self.summary_id), self.config, str(path), fmt,
            on_done=self._on_exported, on_error=self._export_failed)

    def _on_exported(self, path: str) -> None:
        self.result_note.setText(self.tr("Saved {name}.").format(name=Path(path).name))
        self.exported.emit(path)

    def _export_failed(self, message: str) -> None:
        self.banner.show_message(self.tr("Could not export the summary: {error}").format(error=translate_message(message)), "error")

    def _export_dialog(self, fmt: str) -> None:
        if self.summary_id is None:
            return
        stem = Path(self._result_name or "summary").stem or "summary"
        safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in stem).strip() or "summary"
        filt = self.tr("Markdown (*.md)") if fmt == "md" else self.tr("Word document (*.docx)")
        start = str((Path(self.path).parent if self.path else Path.home()) / f"{safe} summary.{fmt}")
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, self.tr("Export summary"), start, filt)
        if path:
            if not path.lower().endswith(f".{fmt}"):
                path += f".{fmt}"
            self.export_summary(path, fmt)

    # ---- shutdown ---------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop a running summary (its parts are kept), finish queued writes, close the reader."""
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self._plan_timer.stop()
        self._read_retry.stop()
        if self.running:
            self.bridge.cancel_summary()
        if self._storage is not None:
            self._storage.shutdown()
        if self.store is not None:
            self.store.close()
            self.store = None
