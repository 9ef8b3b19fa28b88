"""Question sets: a set of questions with expected answers run across the chosen models, and the results.

The Compare pane's "Question sets" tab. A shipped set or a JSONL/CSV file (its questions are counted on
the pane's data thread) is asked to every model chosen above the tabs (compare_pane.py) on the pane's
run thread (worker.py), each question with greedy decoding and seed 0 so a run is repeatable; progress
and Cancel while it runs. The results: a table of question × model (✓/✗, time, answer), accuracy with
its 95 % interval, correct answers, speed and errors per model, and a small chart (widgets.EvalChart).

Worker signals are connected to this view's own methods only (never lambdas: see gui/bridge.py).
"""

from __future__ import annotations

from pathlib import Path

from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from gui.engine_messages import translate as translate_message
from gui.i18n import format_number
from gui.panes.compare.widgets import BAD_COLOR, MUTED, OK_COLOR, EvalChart, rate, seconds

QUESTION_FILTER = QtCore.QT_TRANSLATE_NOOP("QuestionSetsView", "Question sets (*.jsonl *.csv);;All files (*)")


class QuestionSetsView(QtWidgets.QWidget):
    """The set to run (shipped or opened), its answer length, Run set and Cancel, the progress bar, the
    scores table with the chart beside it, and the answers table below."""

    evalFinished = Signal()          # a question-set run ended; the tables are final

    def __init__(self, pane, parent=None):
        super().__init__(parent)
        self.pane = pane                 # the ComparePane: models, plan, banner, threads
        self.eval_job: int | None = None
        self.last_eval: dict | None = None
        self._set_token = 0
        self._eval_names: list[str] = []
        self._eval_questions: list[dict] = []
        self._build()
        pane.runs.evalEvent.connect(self._on_eval_event)
        pane.runs.evalFinished.connect(self._on_eval_finished)
        pane.runs.evalFailed.connect(self._on_eval_failed)
        pane.data.questionSetLoaded.connect(self._on_set_loaded)

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 0)
        lay.setSpacing(5)
        row = QtWidgets.QHBoxLayout()
        set_label = QtWidgets.QLabel(self.tr("Question set"))
        row.addWidget(set_label)
        self.set_combo = QtWidgets.QComboBox()
        self.set_combo.setMinimumContentsLength(18)
        self.set_combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        try:
            from engine.compare.questions import builtin_sets

            shipped = builtin_sets()
        except Exception:
            shipped = {}
        for name, path in shipped.items():
            self.set_combo.addItem(self.tr("{name} (sample)").format(name=name), name)
            self.set_combo.setItemData(self.set_combo.count() - 1, str(path), Qt.ItemDataRole.ToolTipRole)
        self.set_combo.currentIndexChanged.connect(self.select_set)
        set_label.setBuddy(self.set_combo)
        row.addWidget(self.set_combo)
        self.open_set_button = QtWidgets.QPushButton(self.tr("Open file…"))
        self.open_set_button.setToolTip(self.tr("A JSONL or CSV file with the fields id, prompt, expected, rule"))
        self.open_set_button.clicked.connect(self._open_set_dialog)
        row.addWidget(self.open_set_button)
        self.set_info = QtWidgets.QLabel("")
        self.set_info.setStyleSheet(f"color:{MUTED};")
        self.set_info.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.set_info, 1)
        mt = QtWidgets.QLabel(self.tr("Max tokens"))
        row.addWidget(mt)
        self.eval_max_tokens = QtWidgets.QSpinBox()
        self.eval_max_tokens.setRange(1, 8192)
        self.eval_max_tokens.setValue(256)
        self.eval_max_tokens.setToolTip(self.tr("Per answer; every question is asked with greedy decoding and seed 0, so a "
                                        "run is repeatable"))
        mt.setBuddy(self.eval_max_tokens)
        row.addWidget(self.eval_max_tokens)
        self.eval_button = QtWidgets.QPushButton(self.tr("Run set"))
        self.eval_button.setToolTip(self.tr("Ask every question to every chosen model and score the answers"))
        self.eval_button.clicked.connect(self.run_question_set)
        row.addWidget(self.eval_button)
        self.eval_cancel_button = QtWidgets.QPushButton(self.tr("Cancel"))
        self.eval_cancel_button.setToolTip(self.tr("Stop now; the answers so far are kept and scored"))
        self.eval_cancel_button.clicked.connect(self.cancel_eval)
        row.addWidget(self.eval_cancel_button)
        lay.addLayout(row)
        self.eval_progress = QtWidgets.QProgressBar()
        self.eval_progress.setRange(0, 1)
        self.eval_progress.setValue(0)
        self.eval_progress.setFormat("")
        self.eval_progress.setTextVisible(True)
        self.eval_progress.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.eval_progress)

        split = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        top = QtWidgets.QWidget()
        tl = QtWidgets.QHBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        self.score_table = QtWidgets.QTableWidget(0, 6)
        self.score_table.setHorizontalHeaderLabels([self.tr("Model"), self.tr("Accuracy"), self.tr("95 % interval"),
                                                    self.tr("Correct"), self.tr("Speed"), self.tr("Errors")])
        self.score_table.verticalHeader().hide()
        self.score_table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        h = self.score_table.horizontalHeader()
        h.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        row_h = self.fontMetrics().height() + 10
        self.score_table.verticalHeader().setDefaultSectionSize(row_h)
        tl.addWidget(self.score_table, 1)
        self.chart = EvalChart()
        tl.addWidget(self.chart, 1)
        split.addWidget(top)
        self.eval_split = split
        self.results_table = QtWidgets.QTableWidget(0, 3)
        self.results_table.setHorizontalHeaderLabels(["ID", self.tr("Question"), self.tr("Expected")])
        self.results_table.verticalHeader().hide()
        self.results_table.verticalHeader().setDefaultSectionSize(row_h)
        self.results_table.horizontalHeader().setStretchLastSection(True)
        self.results_table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_table.setWordWrap(False)
        split.addWidget(self.results_table)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)

    def set_busy(self, running: bool, evaluating: bool) -> None:
        """Run set while nothing runs; Cancel while a set runs."""
        self.eval_button.setEnabled(not (running or evaluating))
        self.eval_cancel_button.setEnabled(evaluating)

    # ---- choosing a set ---------------------------------------------------------------------------
    def add_question_set(self, path: str) -> None:
        """Offer a question-set file in the list and select it (its questions are counted off the GUI thread)."""
        i = self.set_combo.findData(str(path))
        if i < 0:
            self.set_combo.addItem(Path(path).name, str(path))
            i = self.set_combo.count() - 1
            self.set_combo.setItemData(i, str(path), Qt.ItemDataRole.ToolTipRole)
        if self.set_combo.currentIndex() == i:
            self.select_set(i)
        else:
            self.set_combo.setCurrentIndex(i)

    def _open_set_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Open a question set"), str(Path.home()),
                                                        self.tr(QUESTION_FILTER))
        if path:
            self.add_question_set(path)

    def select_set(self, i: int) -> None:
        """Read the set at index ``i`` of the list on the data thread (its count and rules are shown)."""
        ref = self.set_combo.itemData(i) if i >= 0 else None
        if not ref:
            self.set_info.setText(self.tr("Open a question set (JSONL or CSV)."))
            return
        self._set_token += 1
        self.set_info.setText(self.tr("Reading…"))
        self.pane.data.questionSetRequested.emit(self._set_token, str(ref))

    def _on_set_loaded(self, token: int, info: dict) -> None:
        if token != self._set_token:
            return
        if info.get("error"):
            self.set_info.setText("")
            self.pane.banner.show_message(translate_message(info["error"]), "error")
            return
        rules = ", ".join(f"{n} {r}" for r, n in sorted(info["rules"].items()))
        self.set_info.setText((self.tr("{n} question ({rules})") if info["count"] == 1
                               else self.tr("{n} questions ({rules})")).format(n=info["count"], rules=rules))

    # ---- running a set ------------------------------------------------------------------------------
    def run_question_set(self, ref: str | None = None) -> int | None:
        """Ask the selected (or given) question set to every chosen model; returns the job id."""
        pane = self.pane
        if pane.busy():
            return None
        if pane.blind_pending():
            pane.banner.show_message(self.tr("Vote on the blind comparison (or reveal it) first: a question-set run "
                                     "shows the models' names."), "info")
            return None
        pane.banner.hide()
        ref = ref or self.set_combo.currentData()
        specs = pane.specs()
        if not specs:
            pane.banner.show_message(self.tr("Choose at least one model above to score."), "info")
            return None
        if not ref:
            pane.banner.show_message(self.tr("Choose a question set, or open one (JSONL or CSV)."), "info")
            return None
        self._eval_names = [s["name"] for s in specs]
        self._eval_questions = []
        self.last_eval = None
        self._reset_eval_tables()
        req = {"set": str(ref), "specs": specs, "force": pane.run_order(),
               "max_tokens": int(self.eval_max_tokens.value()), "seed": 0}
        self.eval_job = pane.runs.new_job_id()
        self.eval_progress.setRange(0, 0)
        self.eval_progress.setFormat(self.tr("Starting…"))
        pane.set_busy()
        pane.runs.evalRequested.emit(self.eval_job, req)
        return self.eval_job

    def cancel_eval(self) -> None:
        if self.eval_job is not None:
            self.pane.runs.cancel(self.eval_job)
            self.eval_progress.setFormat(self.tr("Stopping…"))

    # ---- the results tables -------------------------------------------------------------------------
    def _reset_eval_tables(self) -> None:
        self.score_table.setRowCount(0)
        for i, name in enumerate(self._eval_names):
            self.score_table.insertRow(i)
            self.score_table.setItem(i, 0, QtWidgets.QTableWidgetItem(name))
            for c in range(1, 6):
                self.score_table.setItem(i, c, QtWidgets.QTableWidgetItem("…" if c == 1 else ""))
        self.chart.set_scores([])
        self._fit_scores()
        self.results_table.clear()
        self.results_table.setRowCount(0)
        self.results_table.setColumnCount(3 + len(self._eval_names))
        self.results_table.setHorizontalHeaderLabels(["ID", self.tr("Question"), self.tr("Expected")] + self._eval_names)

    def _fill_questions(self, questions: list[dict]) -> None:
        self._eval_questions = list(questions)
        t = self.results_table
        t.setRowCount(len(questions))
        for r, q in enumerate(questions):
            for c, v in enumerate((q["id"], " ".join(q["prompt"].split()), q["expected"])):
                item = QtWidgets.QTableWidgetItem(v)
                if c == 1:
                    item.setToolTip(q["prompt"])
                t.setItem(r, c, item)
        h = t.horizontalHeader()
        h.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        t.resizeColumnToContents(0)
        t.setColumnWidth(0, min(max(t.columnWidth(0), 50), 160))
        t.setColumnWidth(1, 300)
        t.setColumnWidth(2, 110)
        for c in range(3, t.columnCount()):
            t.setColumnWidth(c, 240)

    def _fit_scores(self) -> None:
        """The scores table and chart take the height they need; the answers get the rest."""
        t = self.score_table
        table_h = t.horizontalHeader().height() + t.verticalHeader().defaultSectionSize() * max(t.rowCount(), 1) + 6
        top = max(table_h, self.chart.minimumHeight())
        total = sum(self.eval_split.sizes()) or 600
        self.eval_split.setSizes([top, max(total - top, 100)])

    def _answer_cell(self, row: int, index: int, a: dict) -> None:
        if row >= self.results_table.rowCount():
            return
        error = a.get("error")
        text = " ".join((a.get("text") or "").split())
        mark = "✓" if a.get("correct") else "✗"
        shown = f"{mark} {seconds(a.get('seconds'))} · {text}" if not error else f"✗ {error}"
        item = QtWidgets.QTableWidgetItem(shown)
        item.setForeground(QtGui.QColor(OK_COLOR if a.get("correct") else BAD_COLOR))
        item.setToolTip((a.get("text") or "") + (f"\n\n{error}" if error else ""))
        item.setData(Qt.ItemDataRole.UserRole, bool(a.get("correct")))
        self.results_table.setItem(row, 3 + index, item)

    def _score_row(self, index: int, s: dict) -> None:
        if index >= self.score_table.rowCount():
            return
        lo, hi = s.get("ci_low"), s.get("ci_high")
        values = [s.get("model", ""), f"{s.get('accuracy', 0):.0%}",
                  f"{lo:.0%} – {hi:.0%}" if lo is not None and hi is not None else "",
                  f"{s.get('correct', 0)} / {s.get('total', 0)}", rate(s.get("gen_tok_s")),
                  str(s.get("errors", 0))]
        for c, v in enumerate(values):
            item = QtWidgets.QTableWidgetItem(v)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if s.get("error"):
                item.setToolTip(s["error"])
                item.setForeground(QtGui.QColor(BAD_COLOR))
            self.score_table.setItem(index, c, item)

    # ---- run events (from the run thread) ------------------------------------------------------------
    def _on_eval_event(self, job: int, e: dict) -> None:
        if job != self.eval_job:
            return
        t = e.get("type")
        if t == "set":
            self._fill_questions(e.get("questions") or [])
            total = len(self._eval_questions) * len(self._eval_names)
            self.eval_progress.setRange(0, max(total, 1))
            self.eval_progress.setValue(0)
            self.eval_progress.setFormat(self._answers_format(0, total))
        elif t == "notice":
            self.pane.show_notice(e.get("message", ""))
        elif t == "plan":
            self.eval_progress.setFormat(f"{self.eval_progress.format()} · {translate_message(e.get('reason', ''))}")
            self.pane.show_plan(e.get("reason", ""))
        elif t == "loading" and e.get("progress") == 0.0:
            self.eval_progress.setFormat(self.tr("Loading model {i} of {n}…").format(i=int(e["index"]) + 1,
                                                                                 n=len(self._eval_names)))
        elif t == "answer":
            self._answer_cell(int(e.get("position", 0)), int(e["index"]), e)
            done, total = int(e.get("done_all", 0)), int(e.get("total_all", 0))
            self.eval_progress.setRange(0, max(total, 1))
            self.eval_progress.setValue(done)
            self.eval_progress.setFormat(self._answers_format(done, total))
        elif t in ("finished", "failed"):
            score = e.get("score") or {}
            if score:
                self._score_row(int(e["index"]), score)

    def _answers_format(self, done: int, total: int) -> str:
        # QProgressBar's format: a literal "%" would be read as a placeholder
        return self.tr("{done} / {total} answers").format(done=done, total=total).replace("%", "%%")

    def _on_eval_finished(self, job: int, out: dict) -> None:
        if job != self.eval_job:
            return
        self.eval_job = None
        self.last_eval = out
        names = [m["model"] for m in out.get("models", [])]
        for i, m in enumerate(out.get("models", [])):
            self._score_row(i, m)
        for r, q in enumerate(out.get("questions", [])):
            for i, name in enumerate(names):
                a = (q.get("answers") or {}).get(name)
                if a is not None:
                    self._answer_cell(r, i, a)
        self.chart.set_scores(out.get("models", []))
        self._fit_scores()
        answered = sum(m.get("total", 0) for m in out.get("models", []))
        self.eval_progress.setRange(0, 1)
        self.eval_progress.setValue(1 if not out.get("cancelled") else 0)
        self.eval_progress.setFormat((self.tr("Stopped: {n} answers in {s} s · {set}") if out.get("cancelled")
                                      else self.tr("Done: {n} answers in {s} s · {set}")).format(
            n=answered, s=format_number(out.get("total_s", 0), 1), set=out.get("set", "")))
        self.pane.set_busy()
        self.evalFinished.emit()

    def _on_eval_failed(self, job: int, message: str) -> None:
        if job != self.eval_job:
            return
        self.eval_job = None
        self.eval_progress.setRange(0, 1)
        self.eval_progress.setValue(0)
        self.eval_progress.setFormat("")
        self.pane.banner.show_message(message, "error")
        self.pane.set_busy()
        self.evalFinished.emit()
