"""Compare pane: one prompt to 2–4 models side by side, blind votes, the leaderboard, question sets.

Side by side: pick 2–4 models (each with its context and GPU layers), one prompt and an
optional system prompt, shared sampling (temperature, max tokens, seed). The run goes to
the pane's run thread (gui/panes/compare/worker.py), which starts one host per model —
the chat model stays loaded in its own host, and the CPU core budget makes them share
the cores. The plan ("at the same time: …" / "one after another: not enough memory for
both …") is shown before and during the run; columns stream side by side (≤30 text
batches a second each) and end with their statistics, or with their error while the
others finish. Cancel stops every model at once.

Blind mode: the columns are labelled A/B(/C/D) in a random order (``BlindRound``); until
the vote the model names appear nowhere — the model choices are folded away, titles,
tooltips and error texts (which may contain file paths) say "Model A", and nothing is
logged or put in the status bar. With two columns a vote (A better / B better / Tie /
Both bad) reveals the names; with three or four the vote is between a chosen pair of
columns (each pair once), and Reveal ends the round. Votes are written by a
StorageWorker (never on the GUI thread), then the leaderboard is refitted on the data
thread (Bradley–Terry, 1,000 bootstrap resamples).

Question sets: a shipped set or a JSONL/CSV file, run across the chosen models with
progress and Cancel; a table of question × model (✓/✗, time, answer), accuracy with its
95 % interval and speed per model, and a small chart.

Worker signals are connected to this pane's own methods only (never lambdas: see
gui/bridge.py).
"""

from __future__ import annotations

from pathlib import Path

from gui.qt import Qt, QtCore, QtGui, QtWidgets, QTimer, Signal
from gui.engine_messages import translate as translate_message
from gui.i18n import format_number
from gui.panes.compare.widgets import (BAD_COLOR, MUTED, OK_COLOR, ColumnView, EvalChart, LeaderboardTable,
                                       ModelRow, ModelRowsBox, rate, seconds)
from gui.panes.compare.worker import CompareThreads
from gui.storage import StorageWorker
from gui.widgets.banner import Banner
from gui.widgets.remote_note import RemoteNote

from engine.errors import BadInputError

MAX_MODELS = 4
PLAN_DEBOUNCE_MS = 300
ORDERS = [("", QtCore.QT_TRANSLATE_NOOP("ComparePane", "Automatic")), ("parallel", QtCore.QT_TRANSLATE_NOOP("ComparePane", "At the same time")),
          ("sequential", QtCore.QT_TRANSLATE_NOOP("ComparePane", "One after another"))]
OUTCOME_TEXT = {"a": QtCore.QT_TRANSLATE_NOOP("ComparePane", "{l} is better"), "b": QtCore.QT_TRANSLATE_NOOP("ComparePane", "{r} is better"), "tie": QtCore.QT_TRANSLATE_NOOP("ComparePane", "Tie"),
                "both_bad": QtCore.QT_TRANSLATE_NOOP("ComparePane", "Both bad")}
QUESTION_FILTER = QtCore.QT_TRANSLATE_NOOP("ComparePane", "Question sets (*.jsonl *.csv);;All files (*)")
GGUF_FILTER = QtCore.QT_TRANSLATE_NOOP("ComparePane", "GGUF models (*.gguf);;All files (*)")
HIDDEN_TIP = QtCore.QT_TRANSLATE_NOOP("ComparePane", "Blind comparison: the model's name is shown after your vote")
MANAGED_TIP = QtCore.QT_TRANSLATE_NOOP("ComparePane", "Managed by your administrator")


# ---- storage jobs (run on the StorageWorker's thread) ---------------------------------------------

def _add_vote(store, rec: dict) -> int:
    from engine.compare.votes import VoteStore

    return VoteStore(store).add_vote(rec["model_left"], rec["model_right"], rec["outcome"],
                                     comparison_id=rec.get("comparison_id"), tags=rec.get("tags") or "")


def _export_votes(store, path: str, fmt: str, tag: str | None) -> tuple[str, int]:
    from engine.compare.votes import VoteStore

    votes = VoteStore(store)
    n = votes.export_csv(path, tag=tag) if fmt == "csv" else votes.export_jsonl(path, tag=tag)
    return path, n


class ComparePane(QtWidgets.QWidget):
    runFinished = Signal()           # a side-by-side run ended; its columns are final
    voted = Signal(int)              # a vote was stored (its id)
    revealed = Signal()              # a blind round's names are shown
    leaderboardShown = Signal()      # the leaderboard table was (re)filled
    evalFinished = Signal()          # a question-set run ended; the tables are final
    votesExported = Signal(str)      # the votes were written to this file

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.config = bridge.config
        self.threads = CompareThreads(self.config)
        self.runs, self.data = self.threads.runs, self.threads.data
        self._storage: StorageWorker | None = None
        self.sampling_overrides: dict = {}   # tests and benchmarks (e.g. ignore_eos)
        self.columns: list[ColumnView] = []
        self.column_names: list[str] = []    # real names in column order (never shown before the reveal)
        self.column_paths: list[str] = []
        self.column_errors: dict[int, str] = {}
        self.round = None                    # the BlindRound of the run on screen, if blind
        self.run_job: int | None = None
        self.eval_job: int | None = None
        self.last_run: dict | None = None
        self.last_eval: dict | None = None
        self.leaderboard = None
        self._plan_token = 0
        self._board_token = 0
        self._set_token = 0
        self._voted_pairs: set[tuple[str, str]] = set()
        self._eval_names: list[str] = []
        self._eval_questions: list[dict] = []
        self._first_library = True
        self._build()
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(PLAN_DEBOUNCE_MS)
        self._plan_timer.timeout.connect(self.request_plan)
        self._apply_policy()
        r, d = self.runs, self.data
        r.runEvent.connect(self._on_run_event)
        r.runFinished.connect(self._on_run_finished)
        r.runFailed.connect(self._on_run_failed)
        r.evalEvent.connect(self._on_eval_event)
        r.evalFinished.connect(self._on_eval_finished)
        r.evalFailed.connect(self._on_eval_failed)
        d.planned.connect(self._on_planned)
        d.questionSetLoaded.connect(self._on_set_loaded)
        d.leaderboardReady.connect(self._on_leaderboard)
        d.leaderboardFailed.connect(self._on_leaderboard_failed)
        bridge.libraryChanged.connect(self.set_library)
        bridge.remoteModelsChanged.connect(self.set_remote_models)
        self._set_busy()
        self._update_vote_bar()
        self.refresh_leaderboard()
        self._select_set(0)

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 0)
        outer.setSpacing(6)
        self.banner = Banner()
        self.banner.setObjectName("compareBanner")
        outer.addWidget(self.banner)

        # The models (shared by side by side and question sets).
        self.model_rows: list[ModelRow] = []
        for i in range(MAX_MODELS):
            row = ModelRow(i)
            row.changed.connect(self._models_changed)
            row.browseRequested.connect(self._browse_model)
            self.model_rows.append(row)
        order_row = QtWidgets.QHBoxLayout()
        order_label = QtWidgets.QLabel(self.tr("Run:"))
        order_row.addWidget(order_label)
        self.order_combo = QtWidgets.QComboBox()
        for key, label in ORDERS:
            self.order_combo.addItem(self.tr(label), key)
        self.order_combo.setToolTip(self.tr("Automatic: at the same time when the models fit in memory together and the "
                                    "CPU cores can be split, otherwise one after another"))
        self.order_combo.currentIndexChanged.connect(self._models_changed)
        order_label.setBuddy(self.order_combo)
        order_row.addWidget(self.order_combo)
        self.plan_label = QtWidgets.QLabel("")
        self.plan_label.setWordWrap(True)
        self.plan_label.setStyleSheet(f"color:{MUTED};")
        self.plan_label.setTextFormat(Qt.TextFormat.PlainText)
        order_row.addWidget(self.plan_label, 1)
        self.models_box = ModelRowsBox(self.tr("Models to compare (2–4)"), self.model_rows, order_row)
        outer.addWidget(self.models_box)
        self.blind_note = QtWidgets.QLabel(self.tr("Blind comparison: the models are hidden until you vote (or press "
                                           "Reveal)."))
        self.blind_note.setStyleSheet("background:#eef3fb; color:#0d3c61; padding:6px; border-radius:4px;")
        self.blind_note.hide()
        outer.addWidget(self.blind_note)

        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_side_by_side(), self.tr("Side by side"))
        self.tabs.addTab(self._build_questions(), self.tr("Question sets"))
        self.tabs.addTab(self._build_leaderboard(), self.tr("Leaderboard"))
        outer.addWidget(self.tabs, 1)

    def _build_side_by_side(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(page)
        lay.setContentsMargins(0, 6, 0, 0)
        lay.setSpacing(5)
        self.prompt_edit = QtWidgets.QPlainTextEdit()
        self.prompt_edit.setTabChangesFocus(True)   # keyboard navigation: Tab moves on
        self.prompt_edit.setPlaceholderText(self.tr("The prompt every model answers (Ctrl+Enter runs)"))
        self.prompt_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        lay.addWidget(self.prompt_edit)
        self._run_shortcut = QtGui.QShortcut(QtGui.QKeySequence("Ctrl+Return"), self.prompt_edit)
        self._run_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self._run_shortcut.activated.connect(self.run)
        row = QtWidgets.QHBoxLayout()
        row.setSpacing(6)
        self.system_edit = QtWidgets.QLineEdit()
        self.system_edit.setPlaceholderText(self.tr("System prompt (optional, the same for every model)"))
        self.system_edit.setClearButtonEnabled(True)
        row.addWidget(self.system_edit, 1)
        self.temperature = QtWidgets.QDoubleSpinBox()
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(0.7)
        self.max_tokens = QtWidgets.QSpinBox()
        self.max_tokens.setRange(1, 32768)
        self.max_tokens.setValue(512)
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(-1, 2 ** 31 - 2)
        self.seed.setValue(-1)
        self.seed.setSpecialValueText(self.tr("random"))
        self.seed.setToolTip(self.tr("The same seed goes to every model; random: one is drawn and shown after the run"))
        for label, w in ((self.tr("Temperature"), self.temperature), (self.tr("Max tokens"), self.max_tokens),
                         (self.tr("Seed"), self.seed)):
            lab = QtWidgets.QLabel(label)
            lab.setBuddy(w)
            row.addWidget(lab)
            row.addWidget(w)
        lay.addLayout(row)
        row2 = QtWidgets.QHBoxLayout()
        row2.setSpacing(6)
        self.blind_box = QtWidgets.QCheckBox(self.tr("Blind (A/B, names hidden until the vote)"))
        self.blind_box.setToolTip(self.tr("Columns in a random order, labelled A, B…; vote which answer is better, then "
                                  "the names are revealed and the vote goes to the leaderboard"))
        row2.addWidget(self.blind_box)
        tags_label = QtWidgets.QLabel(self.tr("Tags"))
        row2.addWidget(tags_label)
        self.tags_edit = QtWidgets.QLineEdit()
        self.tags_edit.setPlaceholderText(self.tr("e.g. email, Japanese (for the leaderboard filter)"))
        self.tags_edit.setClearButtonEnabled(True)
        tags_label.setBuddy(self.tags_edit)
        row2.addWidget(self.tags_edit, 1)
        self.remote_note = RemoteNote("compareRemoteNote")   # a remote model is chosen: where the text goes
        row2.addWidget(self.remote_note)
        self.run_button = QtWidgets.QPushButton(self.tr("Run"))
        self.run_button.setDefault(True)
        self.run_button.setToolTip(self.tr("Send the prompt to every chosen model (Ctrl+Enter)"))
        self.run_button.clicked.connect(self.run)
        row2.addWidget(self.run_button)
        self.cancel_button = QtWidgets.QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop every model now; the text written so far is kept"))
        self.cancel_button.clicked.connect(self.cancel)
        row2.addWidget(self.cancel_button)
        lay.addLayout(row2)
        self.run_status = QtWidgets.QLabel("")
        self.run_status.setStyleSheet(f"color:{MUTED};")
        self.run_status.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.run_status)
        self.columns_split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.columns_split.setChildrenCollapsible(False)
        self.columns_placeholder = QtWidgets.QLabel(self.tr("Pick two to four models above, write a prompt and press Run: the answers stream here side by side, "
            "each with its load time, first-token time, speed and peak memory.\n\nBlind mode hides which model "
            "wrote which answer until you vote; the votes build the Leaderboard."))
        self.columns_placeholder.setWordWrap(True)
        self.columns_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.columns_placeholder.setStyleSheet(f"color:{MUTED}; margin:30px;")
        self.columns_stack = QtWidgets.QStackedWidget()
        self.columns_stack.addWidget(self.columns_placeholder)
        self.columns_stack.addWidget(self.columns_split)
        lay.addWidget(self.columns_stack, 1)

        self.vote_bar = QtWidgets.QFrame()
        self.vote_bar.setObjectName("voteBar")
        self.vote_bar.setStyleSheet("#voteBar { background:palette(alternate-base); border-radius:4px; }")
        vb = QtWidgets.QHBoxLayout(self.vote_bar)
        vb.setContentsMargins(8, 5, 8, 5)
        self.vote_label = QtWidgets.QLabel(self.tr("Which answer is better?"))
        vb.addWidget(self.vote_label)
        self.pair_left = QtWidgets.QComboBox()
        self.pair_vs = QtWidgets.QLabel(self.tr("vs"))
        self.pair_right = QtWidgets.QComboBox()
        for w in (self.pair_left, self.pair_vs, self.pair_right):
            vb.addWidget(w)
        self.pair_left.currentIndexChanged.connect(self._update_vote_bar)
        self.pair_right.currentIndexChanged.connect(self._update_vote_bar)
        self.vote_buttons: dict[str, QtWidgets.QPushButton] = {}
        for outcome in ("a", "b", "tie", "both_bad"):
            b = QtWidgets.QPushButton()
            b.setProperty("outcome", outcome)
            b.clicked.connect(self._vote_clicked)
            vb.addWidget(b)
            self.vote_buttons[outcome] = b
        self.reveal_button = QtWidgets.QPushButton(self.tr("Reveal"))
        self.reveal_button.setToolTip(self.tr("Show the model names (no more votes on this comparison)"))
        self.reveal_button.clicked.connect(self.reveal)
        vb.addWidget(self.reveal_button)
        vb.addStretch(1)
        self.vote_note = QtWidgets.QLabel("")
        self.vote_note.setStyleSheet(f"color:{MUTED};")
        self.vote_note.setTextFormat(Qt.TextFormat.PlainText)
        vb.addWidget(self.vote_note)
        lay.addWidget(self.vote_bar)
        return page

    def _build_questions(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(page)
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
        self.set_combo.currentIndexChanged.connect(self._select_set)
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
        return page

    def _build_leaderboard(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(page)
        lay.setContentsMargins(0, 6, 0, 0)
        lay.setSpacing(5)
        row = QtWidgets.QHBoxLayout()
        tl = QtWidgets.QLabel(self.tr("Tag"))
        row.addWidget(tl)
        self.tag_combo = QtWidgets.QComboBox()
        self.tag_combo.addItem(self.tr("All votes"), "")
        self.tag_combo.setMinimumContentsLength(14)
        self.tag_combo.currentIndexChanged.connect(self._tag_changed)
        tl.setBuddy(self.tag_combo)
        row.addWidget(self.tag_combo)
        self.refresh_button = QtWidgets.QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh_leaderboard)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        self.export_csv_button = QtWidgets.QPushButton(self.tr("Export CSV…"))
        self.export_csv_button.setToolTip(self.tr("Every vote (with this tag) as CSV, readable by Excel"))
        self.export_csv_button.setProperty("fmt", "csv")
        self.export_csv_button.clicked.connect(self._export_clicked)
        row.addWidget(self.export_csv_button)
        self.export_jsonl_button = QtWidgets.QPushButton(self.tr("Export JSONL…"))
        self.export_jsonl_button.setToolTip(self.tr("Every vote (with this tag) as JSON Lines"))
        self.export_jsonl_button.setProperty("fmt", "jsonl")
        self.export_jsonl_button.clicked.connect(self._export_clicked)
        row.addWidget(self.export_jsonl_button)
        lay.addLayout(row)
        self.board_table = LeaderboardTable()
        lay.addWidget(self.board_table, 1)
        self.board_line = QtWidgets.QLabel("")
        self.board_line.setWordWrap(True)
        self.board_line.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.board_line)
        self.bias_warning = QtWidgets.QLabel("")
        self.bias_warning.setWordWrap(True)
        self.bias_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.bias_warning.setStyleSheet("background:#fff4e5; color:#663c00; padding:5px; border-radius:4px;")
        self.bias_warning.hide()
        lay.addWidget(self.bias_warning)
        return page

    # ---- the model choices ---------------------------------------------------------------------
    def set_library(self, entries: list) -> None:
        usable = [e for e in entries if e.ok and not getattr(e, "is_embedding", False)]   # chat models only
        for row in self.model_rows:
            row.set_entries(usable)
        if self._first_library and usable:
            self._first_library = False
            if not any(r.path() for r in self.model_rows):
                for row, e in zip(self.model_rows[:2], usable[:2]):
                    row.set_path(str(e.path))
        self._models_changed()

    def set_remote_models(self, models: list) -> None:
        """Models on company servers, offered in every row marked with their host (nothing contacted)."""
        for row in self.model_rows:
            row.set_remote_models(models)
        self._models_changed()

    def remote_hosts(self) -> list[str]:
        """The hosts the chosen remote models run on (the prompt is sent there), in row order."""
        hosts: list[str] = []
        for row in self.model_rows:
            r = row.remote()
            if r is not None and r["host"] not in hosts:
                hosts.append(r["host"])
        return hosts

    def set_models(self, paths: list[str]) -> None:
        """Choose these model files (library models or any GGUF), the other rows none."""
        if len(paths) > MAX_MODELS:
            raise BadInputError(f"compare at most {MAX_MODELS} models")
        for i, row in enumerate(self.model_rows):
            if i < len(paths):
                row.set_path(str(paths[i]))
            else:
                row.combo.setCurrentIndex(0)
        self._models_changed()

    def specs(self) -> list[dict]:
        """The chosen models in row order, each with a unique display name (as the engine names them)."""
        from engine.compare.plan import ModelSpec, unique_names

        chosen = [self.config.policy.pin_load(s) for s in (r.spec() for r in self.model_rows) if s]
        names = unique_names([ModelSpec(s["path"]) for s in chosen])
        for s, n in zip(chosen, names):
            s["name"] = n
        return chosen

    def _browse_model(self, index: int) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Choose a GGUF model"), str(Path.home()),
                                                        self.tr(GGUF_FILTER))
        if path:
            self.model_rows[index].set_path(path)

    def _models_changed(self, *_args) -> None:
        self.remote_note.show_hosts(self.remote_hosts())
        self._plan_timer.start()

    def request_plan(self) -> None:
        if self.run_job is not None:
            return    # a run is going: its own plan is shown
        specs = self.specs()
        if len(specs) < 2:
            self._plan_token += 1    # an answer still on its way is out of date
            self.plan_label.setText(self.tr("Choose at least two models."))
            return
        self._plan_token += 1
        self.plan_label.setText(self.tr("Planning…"))
        self.data.planRequested.emit(self._plan_token, specs, self.order_combo.currentData() or "")

    def _on_planned(self, token: int, plan: dict) -> None:
        if token != self._plan_token or self.run_job is not None:
            return
        self.plan_label.setText(translate_message(plan["error"]) if plan.get("error")
                                else self.tr("Plan: {plan}").format(plan=translate_message(plan["reason"])))

    # ---- side by side ----------------------------------------------------------------------------
    def sampling(self) -> dict:
        """The sampling every model gets (settings the administrator locked take the policy's value)."""
        from engine.host.protocol import SamplingOptions

        s = {"temperature": float(self.temperature.value()), "max_tokens": int(self.max_tokens.value())}
        if self.seed.value() >= 0:
            s["seed"] = int(self.seed.value())
        s.update(self.sampling_overrides)
        opts = SamplingOptions.from_dict(s)
        self.config.policy.pin_sampling(opts)
        return opts.to_dict()

    def _apply_policy(self) -> None:
        """Settings the administrator manages: their values, shown and disabled (as in the chat pane)."""
        from engine.host.protocol import SamplingOptions

        policy = self.config.policy
        pinned = SamplingOptions()
        policy.pin_sampling(pinned)
        for name, w in (("temperature", self.temperature), ("max_tokens", self.max_tokens), ("seed", self.seed)):
            if policy.is_locked(name):
                value = getattr(pinned, name)
                w.setValue(-1 if value is None else value)
                w.setEnabled(False)
                w.setToolTip(self.tr(MANAGED_TIP))
        if policy.is_locked("system_prompt"):
            self.system_edit.setText(policy.pin_system_prompt(None) or "")
            self.system_edit.setEnabled(False)
            self.system_edit.setToolTip(self.tr(MANAGED_TIP))
        load = policy.pin_load({})
        for row in self.model_rows:
            if policy.is_locked("n_ctx"):
                row.ctx.setValue(int(load["n_ctx"] or 0))
                row.lock_setting(row.ctx, self.tr(MANAGED_TIP))
            if policy.is_locked("gpu_layers"):
                row.gpu.setCurrentText(str(load["gpu_layers"]))
                row.lock_setting(row.gpu, self.tr(MANAGED_TIP))

    def run(self) -> int | None:
        """Start a side-by-side run with the chosen models and prompt; returns its job id."""
        if self.run_job is not None or self.eval_job is not None:
            return None
        self.banner.hide()
        specs = self.specs()
        prompt = self.prompt_edit.toPlainText()
        if len(specs) < 2:
            self.banner.show_message(self.tr("Choose two to four models to compare."), "info")
            return None
        if not prompt.strip():
            self.banner.show_message(self.tr("Write a prompt for the models to answer."), "info")
            self.prompt_edit.setFocus()
            return None
        blind = self.blind_box.isChecked()
        tags = self.tags_edit.text().strip()
        labels = None
        self.round = None
        if blind:
            from engine.compare.votes import BlindRound

            try:
                rnd = BlindRound([s["name"] for s in specs], tags=tags)
            except BadInputError as e:
                self.banner.show_message(self.tr("Blind mode: {error}.").format(error=translate_message(str(e))), "error")
                return None
            by_name = {s["name"]: s for s in specs}
            specs = [by_name[n] for n in rnd.column_models()]   # column order; never displayed
            labels = list(rnd.labels)
            self.round = rnd
        self._voted_pairs = set()
        self.column_names = [s["name"] for s in specs]
        self.column_paths = [s["path"] for s in specs]
        self.column_errors = {}
        self.last_run = None
        self._make_columns(labels)
        self._set_blind_hidden(self.round is not None)
        system = self.config.policy.pin_system_prompt(self.system_edit.text().strip()) or ""
        req = {"prompt": prompt, "system": system, "specs": specs,
               "sampling": self.sampling(), "force": self.order_combo.currentData() or "", "tags": tags,
               "blind": blind, "labels": labels}
        self.run_job = self.runs.new_job_id()
        # The run's own plan replaces any plan still on its way, and one still waiting for its debounce
        # (models chosen just before Run) must not overwrite the run's plan when its timer fires.
        self._plan_timer.stop()
        self._plan_token += 1
        self.plan_label.setText(self.tr("Planning…"))
        self.run_status.setText(self.tr("Starting the models…"))
        self._set_busy()
        self._update_vote_bar()
        self.runs.runRequested.emit(self.run_job, req)
        return self.run_job

    def cancel(self) -> None:
        if self.run_job is not None:
            self.runs.cancel(self.run_job)
            self.run_status.setText(self.tr("Stopping…"))

    def _title(self, i: int) -> tuple[str, str]:
        if self.round is not None and not self.round.revealed:
            return self.round.title(self.round.labels[i]), self.tr(HIDDEN_TIP)
        if self.round is not None:
            return self.round.title(self.round.labels[i]), self.column_paths[i]
        return self.column_names[i], self.column_paths[i]

    def _make_columns(self, labels) -> None:
        for c in self.columns:
            c.setParent(None)
            c.deleteLater()
        self.columns = []
        self.columns_stack.setCurrentWidget(self.columns_split)
        for i in range(len(self.column_names)):
            title, tip = self._title(i)
            col = ColumnView(title, tip)
            self.columns_split.addWidget(col)
            self.columns.append(col)
        self.columns_split.setSizes([1000] * len(self.columns))

    def _blind_pending(self) -> bool:
        return self.round is not None and not self.round.revealed

    def _set_blind_hidden(self, hidden: bool) -> None:
        self.models_box.setVisible(not hidden)
        self.blind_note.setVisible(hidden)

    def _on_run_event(self, job: int, e: dict) -> None:
        if job != self.run_job:
            return
        t, i = e.get("type"), e.get("index")
        col = self.columns[i] if isinstance(i, int) and 0 <= i < len(self.columns) else None
        if t == "plan":
            self.plan_label.setText(self.tr("Plan: {plan}").format(plan=translate_message(e.get("reason", ""))))
            self.run_status.setText(self.tr("Running with seed {seed}…").format(seed=e.get("seed")))
        elif col is None:
            return
        elif t == "loading":
            col.set_loading(float(e.get("progress") or 0.0))
        elif t == "loaded":
            col.set_loaded(e.get("load_s"))
        elif t == "text":
            col.append(e.get("text", ""))
        elif t == "finished":
            col.set_result(e.get("result") or {})
        elif t == "failed":
            self._column_failed(i, e.get("error") or "", e.get("result") or {})

    def _column_failed(self, i: int, error: str, result: dict) -> None:
        col = self.columns[i]
        if result.get("finish_reason") == "cancelled":
            col.set_result(result)
            col.status.setText(self.tr("Stopped: {error}").format(error=translate_message(error)) if error
                               else self.tr("Stopped"))
            return
        self.column_errors[i] = error
        col.set_failed(self._error_text(i), result)

    def _error_text(self, i: int) -> str:
        if self._blind_pending():
            return self.tr("Model {label} could not answer. The reason is shown after the vote "
                           "(it may name the model file).").format(label=self.round.labels[i])
        return self.column_errors.get(i, "")

    def _on_run_finished(self, job: int, out: dict) -> None:
        if job != self.run_job:
            return
        self.run_job = None
        self.last_run = out
        for i, r in enumerate(out.get("results") or []):
            if i >= len(self.columns):
                break
            col = self.columns[i]
            if r.get("error") and r.get("finish_reason") != "cancelled":
                if col.state != "failed":
                    self._column_failed(i, r["error"], r)
            elif col.state not in ("done", "stopped"):
                col.set_result(r)
        plan = out.get("plan") or {}
        if plan.get("reason"):
            self.plan_label.setText(self.tr("Plan: {plan}").format(plan=translate_message(plan["reason"])))
        status = (self.tr("Stopped in {s} s · seed {seed}") if out.get("cancelled")
                  else self.tr("Done in {s} s · seed {seed}")).format(s=format_number(out.get("total_s", 0), 1),
                                                                      seed=out.get("seed"))
        if out.get("storage_error"):
            status += " · " + self.tr("not saved: {error}").format(error=translate_message(out["storage_error"]))
        self.run_status.setText(status)
        if self.round is not None and out.get("comparison_id") is not None:
            self.round.comparison_id = out["comparison_id"]
        self._set_busy()
        self._update_vote_bar()
        self.runFinished.emit()

    def _on_run_failed(self, job: int, message: str) -> None:
        if job != self.run_job:
            return
        self.run_job = None
        self.run_status.setText("")
        if self.round is not None:
            self.round.reveal()        # nothing ran: nothing to keep hidden
            self._after_reveal()
        self.banner.show_message(message, "error")
        for c in self.columns:
            if c.state in ("waiting", "loading"):
                c.status.setText(self.tr("Did not run"))
        self._set_busy()
        self._update_vote_bar()
        self.runFinished.emit()

    # ---- blind votes ------------------------------------------------------------------------------
    def _pair(self) -> tuple[str, str]:
        if self.round is None:
            return "A", "B"
        if len(self.round.labels) == 2:
            return self.round.labels[0], self.round.labels[1]
        return self.pair_left.currentText() or "A", self.pair_right.currentText() or "B"

    def _update_vote_bar(self, *_args) -> None:
        rnd = self.round
        show = rnd is not None
        self.vote_bar.setVisible(show)
        if not show:
            return
        n = len(rnd.labels)
        many = n > 2
        for w in (self.pair_left, self.pair_vs, self.pair_right):
            w.setVisible(many and not rnd.revealed)
        if many and self.pair_left.count() != n:
            for combo, default in ((self.pair_left, 0), (self.pair_right, 1)):
                combo.blockSignals(True)
                combo.clear()
                combo.addItems(list(rnd.labels))
                combo.setCurrentIndex(default)
                combo.blockSignals(False)
        left, right = self._pair()
        finished = self.run_job is None and self.last_run is not None
        can_vote = (finished and not rnd.revealed and not (self.last_run or {}).get("cancelled")
                    and left != right and tuple(sorted((left, right))) not in self._voted_pairs)
        for outcome, b in self.vote_buttons.items():
            b.setText(self.tr(OUTCOME_TEXT[outcome]).format(l=left, r=right))
            b.setEnabled(can_vote)
            b.setVisible(not rnd.revealed)
        self.reveal_button.setVisible(not rnd.revealed)
        self.reveal_button.setEnabled(finished)
        self.reveal_button.setText(self.tr("Reveal") if many else self.tr("Reveal without voting"))
        if rnd.revealed:
            self.vote_label.setText(self.tr("Revealed: ") + " · ".join(f"{lab} = {name}" for lab, name in rnd.mapping.items()))
        elif not finished:
            self.vote_label.setText(self.tr("Vote when the answers are complete."))
        elif (self.last_run or {}).get("cancelled"):
            self.vote_label.setText(self.tr("The run was stopped: no vote on incomplete answers."))
        elif many:
            self.vote_label.setText(self.tr("Vote on pairs of columns (each pair once), then Reveal:"))
        else:
            self.vote_label.setText(self.tr("Which answer is better?"))

    def _vote_clicked(self) -> None:
        b = self.sender()
        if b is not None:
            self.vote(b.property("outcome"))

    def vote(self, outcome: str):
        """Record the verdict on the current pair (``a``: left label better, ``b``: right, ``tie``,
        ``both_bad``); with two columns this reveals the names. The vote is stored on the
        storage thread; ``voted(id)`` once it is, then the leaderboard refreshes."""
        rnd = self.round
        if rnd is None or rnd.revealed or self.run_job is not None or self.last_run is None:
            return None
        left, right = self._pair()
        many = len(rnd.labels) > 2
        try:
            rec = rnd.vote(outcome, None, left=left, right=right, reveal=not many)
        except BadInputError as e:
            self.banner.show_message(translate_message(str(e)), "error")
            return None
        self._voted_pairs.add(tuple(sorted((left, right))))
        word = {"a": self.tr("{name} better").format(name=left), "b": self.tr("{name} better").format(name=right),
                "tie": self.tr("tie"), "both_bad": self.tr("both bad")}[outcome]
        self._vote_word = word
        self.vote_note.setText(self.tr("Saving your vote ({word})…").format(word=word))
        pending = self._storage_worker().submit(_add_vote, rec, on_done=self._on_vote_saved,
                                                on_error=self._on_vote_failed)
        if rnd.revealed:
            self._after_reveal()
        else:
            self._update_vote_bar()
        return pending

    def reveal(self) -> None:
        """End the blind round: show the names (no more votes on it)."""
        if self.round is None or self.round.revealed or self.run_job is not None:
            return
        self.round.reveal()
        self._after_reveal()

    def _after_reveal(self) -> None:
        for i, col in enumerate(self.columns):
            title, tip = self._title(i)
            col.set_title(title, tip)
            if i in self.column_errors:
                col.set_error_text(self.column_errors[i])
        self._set_blind_hidden(False)
        self._update_vote_bar()
        self.revealed.emit()

    def _on_vote_saved(self, vote_id: int) -> None:
        self.vote_note.setText(self.tr("Vote saved ({word}).").format(word=getattr(self, "_vote_word", "")))
        self.voted.emit(int(vote_id))
        self.refresh_leaderboard()

    def _on_vote_failed(self, message: str) -> None:
        self.vote_note.setText("")
        self.banner.show_message(self.tr("The vote could not be saved: {error}").format(error=translate_message(message)), "error")

    # ---- leaderboard ---------------------------------------------------------------------------------
    def refresh_leaderboard(self) -> None:
        self._board_token += 1
        self.board_line.setText(self.tr("Fitting the ratings…") if self.leaderboard is None else self.board_line.text())
        self.data.leaderboardRequested.emit(self._board_token, self.tag_combo.currentData() or "")

    def _tag_changed(self, *_args) -> None:
        self.refresh_leaderboard()

    def _on_leaderboard(self, token: int, board) -> None:
        if token != self._board_token:
            return
        self.leaderboard = board
        self.board_table.set_board(board)
        current = self.tag_combo.currentData() or ""
        tags = list(board.tags)
        if [self.tag_combo.itemData(i) for i in range(1, self.tag_combo.count())] != tags:
            self.tag_combo.blockSignals(True)
            self.tag_combo.clear()
            self.tag_combo.addItem(self.tr("All votes"), "")
            for t in tags:
                self.tag_combo.addItem(t, t)
            i = self.tag_combo.findData(current)
            self.tag_combo.setCurrentIndex(max(i, 0))
            self.tag_combo.blockSignals(False)
        if not board.models:
            self.board_line.setText(self.tr("No votes tagged {tag} yet: run a blind comparison and vote.").format(
                tag=repr(board.tag)) if board.tag else self.tr("No votes yet: run a blind comparison and vote."))
        else:
            pb = board.position_bias
            line = ((self.tr("{n} vote") if board.votes == 1 else self.tr("{n} votes")).format(n=board.votes)
                    + (" " + self.tr("tagged {tag}").format(tag=repr(board.tag)) if board.tag else "") + " · "
                    + self.tr("Bradley–Terry fit, {n} bootstrap resamples; models whose intervals overlap share a "
                              "rank.").format(n=format_number(board.resamples)))
            if pb.left_win_rate is not None:
                line += " " + (self.tr("Left column won {rate} of {n} decisive vote (a warning shows outside "
                                       "45–55 % once there are enough).") if pb.decisive == 1 else
                               self.tr("Left column won {rate} of {n} decisive votes (a warning shows outside "
                                       "45–55 % once there are enough).")).format(
                    rate=f"{pb.left_win_rate:.0%}", n=pb.decisive)
            self.board_line.setText(line)
        warning = board.position_bias_warning
        self.bias_warning.setText(self.tr("Position bias: {warning}").format(warning=translate_message(warning))
                                  if warning else "")
        self.bias_warning.setVisible(bool(warning))
        self.leaderboardShown.emit()

    def _on_leaderboard_failed(self, token: int, message: str) -> None:
        if token == self._board_token:
            self.board_line.setText(self.tr("The leaderboard could not be read: {error}").format(error=translate_message(message)))

    def export_votes(self, path: str, fmt: str | None = None):
        """Write the votes (with the tag chosen) to ``path`` as CSV or JSONL on the storage thread."""
        fmt = fmt or ("jsonl" if str(path).lower().endswith((".jsonl", ".ndjson")) else "csv")
        tag = self.tag_combo.currentData() or None
        return self._storage_worker().submit(_export_votes, str(path), fmt, tag, on_done=self._on_exported,
                                             on_error=self._on_export_failed)

    def _export_clicked(self) -> None:
        b = self.sender()
        fmt = b.property("fmt") if b is not None else "csv"
        filt = "CSV (*.csv)" if fmt == "csv" else "JSON Lines (*.jsonl)"
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, self.tr("Export votes"), str(Path.home() / f"votes.{fmt}"),
                                                        filt)
        if path:
            if not path.lower().endswith(f".{fmt}"):
                path += f".{fmt}"
            self.export_votes(path, fmt)

    def _on_exported(self, value) -> None:
        path, n = value
        self.board_line.setText((self.tr("Exported {n} vote to {name}.") if n == 1 else self.tr("Exported {n} votes to {name}.")).format(
            n=n, name=Path(path).name))
        self.votesExported.emit(path)

    def _on_export_failed(self, message: str) -> None:
        self.banner.show_message(self.tr("Could not export the votes: {error}").format(error=translate_message(message)), "error")

    # ---- question sets ---------------------------------------------------------------------------------
    def add_question_set(self, path: str) -> None:
        """Offer a question-set file in the list and select it (its questions are counted off the GUI thread)."""
        i = self.set_combo.findData(str(path))
        if i < 0:
            self.set_combo.addItem(Path(path).name, str(path))
            i = self.set_combo.count() - 1
            self.set_combo.setItemData(i, str(path), Qt.ItemDataRole.ToolTipRole)
        if self.set_combo.currentIndex() == i:
            self._select_set(i)
        else:
            self.set_combo.setCurrentIndex(i)

    def _open_set_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Open a question set"), str(Path.home()),
                                                        self.tr(QUESTION_FILTER))
        if path:
            self.add_question_set(path)

    def _select_set(self, i: int) -> None:
        ref = self.set_combo.itemData(i) if i >= 0 else None
        if not ref:
            self.set_info.setText(self.tr("Open a question set (JSONL or CSV)."))
            return
        self._set_token += 1
        self.set_info.setText(self.tr("Reading…"))
        self.data.questionSetRequested.emit(self._set_token, str(ref))

    def _on_set_loaded(self, token: int, info: dict) -> None:
        if token != self._set_token:
            return
        if info.get("error"):
            self.set_info.setText("")
            self.banner.show_message(translate_message(info["error"]), "error")
            return
        rules = ", ".join(f"{n} {r}" for r, n in sorted(info["rules"].items()))
        self.set_info.setText((self.tr("{n} question ({rules})") if info["count"] == 1
                               else self.tr("{n} questions ({rules})")).format(n=info["count"], rules=rules))

    def run_question_set(self, ref: str | None = None) -> int | None:
        """Ask the selected (or given) question set to every chosen model; returns the job id."""
        if self.run_job is not None or self.eval_job is not None:
            return None
        if self._blind_pending():
            self.banner.show_message(self.tr("Vote on the blind comparison (or reveal it) first: a question-set run "
                                     "shows the models' names."), "info")
            return None
        self.banner.hide()
        ref = ref or self.set_combo.currentData()
        specs = self.specs()
        if not specs:
            self.banner.show_message(self.tr("Choose at least one model above to score."), "info")
            return None
        if not ref:
            self.banner.show_message(self.tr("Choose a question set, or open one (JSONL or CSV)."), "info")
            return None
        self._eval_names = [s["name"] for s in specs]
        self._eval_questions = []
        self.last_eval = None
        self._reset_eval_tables()
        req = {"set": str(ref), "specs": specs, "force": self.order_combo.currentData() or "",
               "max_tokens": int(self.eval_max_tokens.value()), "seed": 0}
        self.eval_job = self.runs.new_job_id()
        self.eval_progress.setRange(0, 0)
        self.eval_progress.setFormat(self.tr("Starting…"))
        self._set_busy()
        self.runs.evalRequested.emit(self.eval_job, req)
        return self.eval_job

    def cancel_eval(self) -> None:
        if self.eval_job is not None:
            self.runs.cancel(self.eval_job)
            self.eval_progress.setFormat(self.tr("Stopping…"))

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

    def _on_eval_event(self, job: int, e: dict) -> None:
        if job != self.eval_job:
            return
        t = e.get("type")
        if t == "set":
            self._fill_questions(e.get("questions") or [])
            total = len(self._eval_questions) * len(self._eval_names)
            self.eval_progress.setRange(0, max(total, 1))
            self.eval_progress.setValue(0)
            self.eval_progress.setFormat(f"0 / {total} answers")
        elif t == "plan":
            self.eval_progress.setFormat(f"{self.eval_progress.format()} · {e.get('reason', '')}")
            self.plan_label.setText(self.tr("Plan: {plan}").format(plan=translate_message(e.get("reason", ""))))
        elif t == "loading" and e.get("progress") == 0.0:
            self.eval_progress.setFormat(self.tr("Loading model {i} of {n}…").format(i=int(e["index"]) + 1,
                                                                                 n=len(self._eval_names)))
        elif t == "answer":
            self._answer_cell(int(e.get("position", 0)), int(e["index"]), e)
            done, total = int(e.get("done_all", 0)), int(e.get("total_all", 0))
            self.eval_progress.setRange(0, max(total, 1))
            self.eval_progress.setValue(done)
            self.eval_progress.setFormat(f"{done} / {total} answers")
        elif t in ("finished", "failed"):
            score = e.get("score") or {}
            if score:
                self._score_row(int(e["index"]), score)

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
        self._set_busy()
        self.evalFinished.emit()

    def _on_eval_failed(self, job: int, message: str) -> None:
        if job != self.eval_job:
            return
        self.eval_job = None
        self.eval_progress.setRange(0, 1)
        self.eval_progress.setValue(0)
        self.eval_progress.setFormat("")
        self.banner.show_message(message, "error")
        self._set_busy()
        self.evalFinished.emit()

    # ---- state ---------------------------------------------------------------------------------------
    def _set_busy(self) -> None:
        running, evaluating = self.run_job is not None, self.eval_job is not None
        self.run_button.setEnabled(not (running or evaluating))
        self.cancel_button.setEnabled(running)
        self.eval_button.setEnabled(not (running or evaluating))
        self.eval_cancel_button.setEnabled(evaluating)
        for row in self.model_rows:
            row.setEnabled(not (running or evaluating))
        self.order_combo.setEnabled(not (running or evaluating))
        self.blind_box.setEnabled(not running)

    def _storage_worker(self) -> StorageWorker:
        if self._storage is None:
            self._storage = StorageWorker(self.config.paths.database, self)
            self._storage.failed.connect(self._on_storage_failed)
        return self._storage

    def _on_storage_failed(self, message: str) -> None:
        self.banner.show_message(self.tr("Could not save to the database: {error}").format(error=translate_message(message)), "error")

    def shutdown(self) -> None:
        """Stop a run (replies stop at once), finish queued writes, stop the threads."""
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self._plan_timer.stop()
        self.threads.shutdown()
        if self._storage is not None:
            self._storage.shutdown()
