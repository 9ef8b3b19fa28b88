"""Compare pane: one prompt to 2–4 models side by side, blind votes, the leaderboard, question sets.

This file assembles the pane: the models to compare (2–4 rows, each with its context and GPU layers,
shared by every tab), the run order and its plan (asked of the data thread, debounced), the base-model
note (a chosen local model without a chat template is named before anything runs, with the engine's
sentence: its answers will be poor, and which instruction-tuned models to download), the blind note, and
three tabs, each a view in a file of its own:

    side_by_side.py    SideBySideView: prompt, sampling, Run/Cancel and the answer columns of a run
    voting.py          VoteBar: the vote under a blind run's columns, the reveal, storing the vote
    leaderboard.py     LeaderboardView: ratings fitted from the votes, the tag filter, the votes export
    question_sets.py   QuestionSetsView: running a question set, its scores, chart and answers
    widgets.py         the pieces they are made of (model rows, answer column, tables, chart)
    worker.py          the run and data threads

What the views share lives here: the threads, the storage worker (votes and exports are written on
it, never on the GUI thread), the banner, the plan line, which controls are enabled while a run or a
question set goes, and shutdown. The views reach it through their ``pane``. The pane's signals and
the names tests and gui/ use (``pane.run_button``, ``pane.vote(…)``, ``pane.board_table`` …) stay
on the pane: each is forwarded to the view that owns it.

Worker signals are connected to this pane's (and its views') own methods only (never lambdas: see
gui/bridge.py).
"""

from __future__ import annotations

import functools
from pathlib import Path

from gui.qt import Qt, QtCore, QtWidgets, QTimer, Signal
from gui.engine_messages import translate as translate_message
from gui.panes.compare.leaderboard import LeaderboardView
from gui.panes.compare.question_sets import QuestionSetsView
from gui.panes.compare.side_by_side import SideBySideView
from gui.panes.compare.widgets import MUTED, ModelRow, ModelRowsBox
from gui.panes.compare.worker import CompareThreads
from gui.storage import StorageWorker
from gui.widgets.banner import Banner
from gui.widgets.base_model_note import BaseModelNote

from engine.errors import BadInputError

MAX_MODELS = 4
PLAN_DEBOUNCE_MS = 300
ORDERS = [("", QtCore.QT_TRANSLATE_NOOP("ComparePane", "Automatic")), ("parallel", QtCore.QT_TRANSLATE_NOOP("ComparePane", "At the same time")),
          ("sequential", QtCore.QT_TRANSLATE_NOOP("ComparePane", "One after another"))]
GGUF_FILTER = QtCore.QT_TRANSLATE_NOOP("ComparePane", "GGUF models (*.gguf);;All files (*)")
MANAGED_TIP = QtCore.QT_TRANSLATE_NOOP("ComparePane", "Managed by your administrator")


class _Forward:
    """``pane.<name>`` is ``pane.<path>.<name>`` (read and write): a name tests and gui/ use on the pane,
    owned by one of its views (``path`` may go through several attributes: "side_by_side_view.vote_bar")."""

    def __init__(self, path: str):
        self.path = path.split(".")

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def _owner(self, pane):
        return functools.reduce(getattr, self.path, pane)

    def __get__(self, pane, owner=None):
        if pane is None:
            return self
        return getattr(self._owner(pane), self.name)

    def __set__(self, pane, value) -> None:
        setattr(self._owner(pane), self.name, value)


class ComparePane(QtWidgets.QWidget):
    runFinished = Signal()           # a side-by-side run ended; its columns are final
    voted = Signal(int)              # a vote was stored (its id)
    revealed = Signal()              # a blind round's names are shown
    leaderboardShown = Signal()      # the leaderboard table was (re)filled
    evalFinished = Signal()          # a question-set run ended; the tables are final
    votesExported = Signal(str)      # the votes were written to this file

    # ---- names kept on the pane, each owned by a view -------------------------------------------------
    # side by side (side_by_side.py)
    prompt_edit = _Forward("side_by_side_view")
    temperature = _Forward("side_by_side_view")
    max_tokens = _Forward("side_by_side_view")
    seed = _Forward("side_by_side_view")
    blind_box = _Forward("side_by_side_view")
    tags_edit = _Forward("side_by_side_view")
    remote_note = _Forward("side_by_side_view")
    run_button = _Forward("side_by_side_view")
    cancel_button = _Forward("side_by_side_view")
    run_status = _Forward("side_by_side_view")
    columns = _Forward("side_by_side_view")
    round = _Forward("side_by_side_view")
    last_run = _Forward("side_by_side_view")
    sampling_overrides = _Forward("side_by_side_view")
    sampling = _Forward("side_by_side_view")
    run = _Forward("side_by_side_view")
    cancel = _Forward("side_by_side_view")
    vote_bar = _Forward("side_by_side_view")
    # blind votes (voting.py)
    vote_label = _Forward("side_by_side_view.vote_bar")
    pair_left = _Forward("side_by_side_view.vote_bar")
    pair_right = _Forward("side_by_side_view.vote_bar")
    vote_buttons = _Forward("side_by_side_view.vote_bar")
    reveal_button = _Forward("side_by_side_view.vote_bar")
    vote = _Forward("side_by_side_view.vote_bar")
    # the leaderboard (leaderboard.py)
    tag_combo = _Forward("leaderboard_view")
    refresh_button = _Forward("leaderboard_view")
    board_table = _Forward("leaderboard_view")
    board_line = _Forward("leaderboard_view")
    leaderboard = _Forward("leaderboard_view")
    refresh_leaderboard = _Forward("leaderboard_view")
    export_votes = _Forward("leaderboard_view")
    _export_clicked = _Forward("leaderboard_view")     # File → Export on the Compare pane (gui/main_window.py)
    # question sets (question_sets.py)
    set_info = _Forward("question_sets_view")
    eval_max_tokens = _Forward("question_sets_view")
    eval_button = _Forward("question_sets_view")
    eval_progress = _Forward("question_sets_view")
    score_table = _Forward("question_sets_view")
    results_table = _Forward("question_sets_view")
    chart = _Forward("question_sets_view")
    last_eval = _Forward("question_sets_view")
    add_question_set = _Forward("question_sets_view")

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.config = bridge.config
        self.threads = CompareThreads(self.config)
        self.runs, self.data = self.threads.runs, self.threads.data
        self._storage: StorageWorker | None = None
        self._plan_token = 0
        self._first_library = True
        self._library_base: dict[str, bool] = {}   # library model path → a base model (no chat template)
        self._file_base: dict[str, bool] = {}      # another model file → a base model (header read off-thread)
        self._headers_asked: set[str] = set()
        self._build()
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(PLAN_DEBOUNCE_MS)
        self._plan_timer.timeout.connect(self.request_plan)
        self._apply_policy()
        side, board, sets = self.side_by_side_view, self.leaderboard_view, self.question_sets_view
        side.runFinished.connect(self.runFinished)
        side.revealed.connect(self.revealed)
        side.vote_bar.voted.connect(self._on_voted)
        board.leaderboardShown.connect(self.leaderboardShown)
        board.votesExported.connect(self.votesExported)
        sets.evalFinished.connect(self.evalFinished)
        self.data.planned.connect(self._on_planned)
        self.data.headersRead.connect(self._on_headers_read)
        bridge.libraryChanged.connect(self.set_library)
        bridge.remoteModelsChanged.connect(self.set_remote_models)
        self.set_busy()
        side.vote_bar.refresh()
        board.refresh_leaderboard()
        sets.select_set(0)

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
        # A base model (no chat template) among the choices is named before anything runs.
        self.base_note = BaseModelNote("compareBaseNote")
        self.base_note.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        outer.addWidget(self.base_note)
        self.blind_note = QtWidgets.QLabel(self.tr("Blind comparison: the models are hidden until you vote (or press "
                                           "Reveal)."))
        self.blind_note.setStyleSheet("background:#eef3fb; color:#0d3c61; padding:6px; border-radius:4px;")
        self.blind_note.hide()
        outer.addWidget(self.blind_note)

        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setDocumentMode(True)
        self.side_by_side_view = SideBySideView(self)
        self.tabs.addTab(self.side_by_side_view, self.tr("Side by side"))
        self.question_sets_view = QuestionSetsView(self)
        self.tabs.addTab(self.question_sets_view, self.tr("Question sets"))
        self.leaderboard_view = LeaderboardView(self)
        self.tabs.addTab(self.leaderboard_view, self.tr("Leaderboard"))
        outer.addWidget(self.tabs, 1)

    # ---- the model choices ---------------------------------------------------------------------
    def set_library(self, entries: list) -> None:
        usable = [e for e in entries if e.ok and not getattr(e, "is_embedding", False)]   # chat models only
        self._library_base = {str(e.path): bool(getattr(e, "is_base_model", False)) for e in usable}
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

    def run_order(self) -> str:
        """The order chosen: "parallel", "sequential", or "" for the planner to decide."""
        return self.order_combo.currentData() or ""

    def _browse_model(self, index: int) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Choose a GGUF model"), str(Path.home()),
                                                        self.tr(GGUF_FILTER))
        if path:
            self.model_rows[index].set_path(path)

    def _models_changed(self, *_args) -> None:
        self.side_by_side_view.remote_note.show_hosts(self.remote_hosts())
        self._update_base_note()
        self._plan_timer.start()

    # ---- base models -------------------------------------------------------------------------------
    def base_models(self) -> list[str]:
        """The display names of the chosen local models that are base models (no chat template), in row
        order, each file once. A file outside the library counts once the data thread has read its header."""
        names, unread, seen = [], [], set()
        rows = [r for r in self.model_rows if r.spec()]          # the rows specs() names, in its order
        for row, spec in zip(rows, self.specs()):
            path = spec["path"]
            if row.remote() is not None or path in seen:
                continue
            seen.add(path)
            base = self._library_base.get(path, self._file_base.get(path))
            if base is None:
                unread.append(path)
            elif base:
                names.append(spec["name"])
        unread = [p for p in unread if p not in self._headers_asked]
        if unread:
            self._headers_asked.update(unread)
            self.data.headersRequested.emit(unread)
        return names

    def _update_base_note(self) -> None:
        """Say, before anything runs, which chosen models are base models: their answers will be poor, and
        which instruction-tuned models to download instead (the engine's sentence, as the CLI prints it).
        Hidden with the model choices while a blind round keeps the names off the screen."""
        self.base_note.setVisible(self.base_note.set_models(self.base_models()) and self.models_box.isVisibleTo(self))

    def _on_headers_read(self, found: dict) -> None:
        self._file_base.update(found)
        self._update_base_note()

    # ---- the plan --------------------------------------------------------------------------------
    def request_plan(self) -> None:
        if self.side_by_side_view.run_job is not None:
            return    # a run is going: its own plan is shown
        specs = self.specs()
        if len(specs) < 2:
            self._plan_token += 1    # an answer still on its way is out of date
            self.plan_label.setText(self.tr("Choose at least two models."))
            return
        self._plan_token += 1
        self.plan_label.setText(self.tr("Planning…"))
        self.data.planRequested.emit(self._plan_token, specs, self.run_order())

    def _on_planned(self, token: int, plan: dict) -> None:
        if token != self._plan_token or self.side_by_side_view.run_job is not None:
            return
        self.plan_label.setText(translate_message(plan["error"]) if plan.get("error")
                                else self.tr("Plan: {plan}").format(plan=translate_message(plan["reason"])))

    def drop_pending_plan(self) -> None:
        """A run starts: a plan still on its way, or waiting for its debounce, must not replace the run's own."""
        self._plan_timer.stop()
        self._plan_token += 1
        self.plan_label.setText(self.tr("Planning…"))

    def show_notice(self, message: str) -> None:
        """A model process did something by itself the user should know (the CPU fallback): an info banner,
        once per message however many models found it out."""
        self.banner.show_notice(message)

    def show_plan(self, reason: str) -> None:
        """The plan of the run or question set that is going (the engine's sentence)."""
        self.plan_label.setText(self.tr("Plan: {plan}").format(plan=translate_message(reason)))

    # ---- state shared by the views ------------------------------------------------------------------
    def busy(self) -> bool:
        """A side-by-side run or a question set is going (only one at a time)."""
        return self.side_by_side_view.run_job is not None or self.question_sets_view.eval_job is not None

    def blind_pending(self) -> bool:
        """A blind round is on screen and its names are still hidden."""
        return self.side_by_side_view.blind_pending()

    def set_busy(self) -> None:
        """Enable what may be used now: nothing that starts a run, nor the model choices, while one goes."""
        running = self.side_by_side_view.run_job is not None
        evaluating = self.question_sets_view.eval_job is not None
        self.side_by_side_view.set_busy(running, evaluating)
        self.question_sets_view.set_busy(running, evaluating)
        for row in self.model_rows:
            row.setEnabled(not (running or evaluating))
        self.order_combo.setEnabled(not (running or evaluating))

    def set_blind_hidden(self, hidden: bool) -> None:
        """A blind round hides the model choices (they name the models) until it is revealed."""
        self.models_box.setVisible(not hidden)
        self.base_note.setVisible(not hidden and bool(self.base_note.text()))   # it names the models too
        self.blind_note.setVisible(hidden)

    def _on_voted(self, vote_id: int) -> None:
        self.voted.emit(vote_id)
        self.leaderboard_view.refresh_leaderboard()

    def _apply_policy(self) -> None:
        """Settings the administrator manages: their values, shown and disabled (as in the chat pane)."""
        policy = self.config.policy
        self.side_by_side_view.apply_policy(policy, self.tr(MANAGED_TIP))
        load = policy.pin_load({})
        for row in self.model_rows:
            if policy.is_locked("n_ctx"):
                row.ctx.setValue(int(load["n_ctx"] or 0))
                row.lock_setting(row.ctx, self.tr(MANAGED_TIP))
            if policy.is_locked("gpu_layers"):
                row.gpu.setCurrentText(str(load["gpu_layers"]))
                row.lock_setting(row.gpu, self.tr(MANAGED_TIP))

    def storage_worker(self) -> StorageWorker:
        """Writes votes and exports the votes off the GUI thread (started when first needed)."""
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
