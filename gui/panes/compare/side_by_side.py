"""The side-by-side run: one prompt to the chosen models, their answers streaming in columns.

The Compare pane's "Side by side" tab. One prompt and an optional system prompt, shared sampling
(temperature, max tokens, seed) for the 2–4 models chosen above the tabs (compare_pane.py). The run goes
to the pane's run thread (worker.py), which starts one host per model — the chat model stays loaded in
its own host, and the CPU core budget makes them share the cores. The plan ("at the same time: …" /
"one after another: not enough memory for both …") is shown before and during the run; columns stream
side by side (≤30 text batches a second each) and end with their statistics, or with their error while
the others finish. Cancel stops every model at once.

Blind mode: the columns are labelled A/B(/C/D) in a random order (``BlindRound``); until the vote the
model names appear nowhere — the model choices are folded away, titles, tooltips and error texts (which
may contain file paths) say "Model A", and nothing is logged or put in the status bar. The vote bar
under the columns (voting.py) records the vote and ends the round; ``show_names`` then puts the names
back.

Worker signals are connected to this view's own methods only (never lambdas: see gui/bridge.py).
"""

from __future__ import annotations

from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from gui.engine_messages import translate as translate_message
from gui.i18n import format_number
from gui.panes.compare.voting import VoteBar
from gui.panes.compare.widgets import MUTED, ColumnView
from gui.widgets.remote_note import RemoteNote

from engine.errors import BadInputError

HIDDEN_TIP = QtCore.QT_TRANSLATE_NOOP("SideBySideView", "Blind comparison: the model's name is shown after your vote")


class SideBySideView(QtWidgets.QWidget):
    """The "Side by side" tab: prompt, sampling and the blind choice, Run and Cancel, the answer columns
    and, under a blind run, the vote bar. It owns the run on screen: its job, columns and blind round."""

    runFinished = Signal()           # a side-by-side run ended; its columns are final
    revealed = Signal()              # a blind round's names are shown

    def __init__(self, pane, parent=None):
        super().__init__(parent)
        self.pane = pane                     # the ComparePane: models, plan, banner, threads
        self.sampling_overrides: dict = {}   # tests and benchmarks (e.g. ignore_eos)
        self.columns: list[ColumnView] = []
        self.column_names: list[str] = []    # real names in column order (never shown before the reveal)
        self.column_paths: list[str] = []
        self.column_errors: dict[int, str] = {}
        self.round = None                    # the BlindRound of the run on screen, if blind
        self.run_job: int | None = None
        self.last_run: dict | None = None
        self._build()
        runs = pane.runs
        runs.runEvent.connect(self._on_run_event)
        runs.runFinished.connect(self._on_run_finished)
        runs.runFailed.connect(self._on_run_failed)

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
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
        self.vote_bar = VoteBar(self)
        lay.addWidget(self.vote_bar)

    # ---- sampling and the administrator's policy ------------------------------------------------
    def sampling(self) -> dict:
        """The sampling every model gets (settings the administrator locked take the policy's value)."""
        from engine.host.protocol import SamplingOptions

        s = {"temperature": float(self.temperature.value()), "max_tokens": int(self.max_tokens.value())}
        if self.seed.value() >= 0:
            s["seed"] = int(self.seed.value())
        s.update(self.sampling_overrides)
        opts = SamplingOptions.from_dict(s)
        self.pane.config.policy.pin_sampling(opts)
        return opts.to_dict()

    def apply_policy(self, policy, managed_tip: str) -> None:
        """Sampling and system prompt the administrator manages: their values, shown and disabled (as in
        the chat pane), with ``managed_tip`` as the reason."""
        from engine.host.protocol import SamplingOptions

        pinned = SamplingOptions()
        policy.pin_sampling(pinned)
        for name, w in (("temperature", self.temperature), ("max_tokens", self.max_tokens), ("seed", self.seed)):
            if policy.is_locked(name):
                value = getattr(pinned, name)
                w.setValue(-1 if value is None else value)
                w.setEnabled(False)
                w.setToolTip(managed_tip)
        if policy.is_locked("system_prompt"):
            self.system_edit.setText(policy.pin_system_prompt(None) or "")
            self.system_edit.setEnabled(False)
            self.system_edit.setToolTip(managed_tip)

    def set_busy(self, running: bool, evaluating: bool) -> None:
        """Run while nothing runs; Cancel while this view's run does; blind is fixed during a run."""
        self.run_button.setEnabled(not (running or evaluating))
        self.cancel_button.setEnabled(running)
        self.blind_box.setEnabled(not running)

    # ---- run and cancel ---------------------------------------------------------------------------
    def run(self) -> int | None:
        """Start a side-by-side run with the chosen models and prompt; returns its job id."""
        pane = self.pane
        if pane.busy():
            return None
        pane.banner.hide()
        specs = pane.specs()
        prompt = self.prompt_edit.toPlainText()
        if len(specs) < 2:
            pane.banner.show_message(self.tr("Choose two to four models to compare."), "info")
            return None
        if not prompt.strip():
            pane.banner.show_message(self.tr("Write a prompt for the models to answer."), "info")
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
                pane.banner.show_message(self.tr("Blind mode: {error}.").format(error=translate_message(str(e))), "error")
                return None
            by_name = {s["name"]: s for s in specs}
            specs = [by_name[n] for n in rnd.column_models()]   # column order; never displayed
            labels = list(rnd.labels)
            self.round = rnd
        self.vote_bar.new_round()
        self.column_names = [s["name"] for s in specs]
        self.column_paths = [s["path"] for s in specs]
        self.column_errors = {}
        self.last_run = None
        self._make_columns(labels)
        pane.set_blind_hidden(self.round is not None)
        system = pane.config.policy.pin_system_prompt(self.system_edit.text().strip()) or ""
        req = {"prompt": prompt, "system": system, "specs": specs,
               "sampling": self.sampling(), "force": pane.run_order(), "tags": tags,
               "blind": blind, "labels": labels}
        self.run_job = pane.runs.new_job_id()
        # The run's own plan replaces any plan still on its way, and one still waiting for its debounce
        # (models chosen just before Run) must not overwrite the run's plan when its timer fires.
        pane.drop_pending_plan()
        self.run_status.setText(self.tr("Starting the models…"))
        pane.set_busy()
        self.vote_bar.refresh()
        pane.runs.runRequested.emit(self.run_job, req)
        return self.run_job

    def cancel(self) -> None:
        if self.run_job is not None:
            self.pane.runs.cancel(self.run_job)
            self.run_status.setText(self.tr("Stopping…"))

    # ---- the columns ------------------------------------------------------------------------------
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

    def blind_pending(self) -> bool:
        """A blind round is on screen and its names are still hidden."""
        return self.round is not None and not self.round.revealed

    def show_names(self) -> None:
        """The blind round was revealed: real names in the titles, errors in full, the model choices back."""
        for i, col in enumerate(self.columns):
            title, tip = self._title(i)
            col.set_title(title, tip)
            if i in self.column_errors:
                col.set_error_text(self.column_errors[i])
        self.pane.set_blind_hidden(False)
        self.vote_bar.refresh()
        self.revealed.emit()

    # ---- run events (from the run thread) ------------------------------------------------------------
    def _on_run_event(self, job: int, e: dict) -> None:
        if job != self.run_job:
            return
        t, i = e.get("type"), e.get("index")
        col = self.columns[i] if isinstance(i, int) and 0 <= i < len(self.columns) else None
        if t == "plan":
            self.pane.show_plan(e.get("reason", ""))
            self.run_status.setText(self.tr("Running with seed {seed}…").format(seed=e.get("seed")))
        elif t == "notice":
            self.pane.show_notice(e.get("message", ""))
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
        if self.blind_pending():
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
            self.pane.show_plan(plan["reason"])
        status = (self.tr("Stopped in {s} s · seed {seed}") if out.get("cancelled")
                  else self.tr("Done in {s} s · seed {seed}")).format(s=format_number(out.get("total_s", 0), 1),
                                                                      seed=out.get("seed"))
        if out.get("storage_error"):
            status += " · " + self.tr("not saved: {error}").format(error=translate_message(out["storage_error"]))
        self.run_status.setText(status)
        if self.round is not None and out.get("comparison_id") is not None:
            self.round.comparison_id = out["comparison_id"]
        self.pane.set_busy()
        self.vote_bar.refresh()
        self.runFinished.emit()

    def _on_run_failed(self, job: int, message: str) -> None:
        if job != self.run_job:
            return
        self.run_job = None
        self.run_status.setText("")
        if self.round is not None:
            self.round.reveal()        # nothing ran: nothing to keep hidden
            self.show_names()
        self.pane.banner.show_message(message, "error")
        for c in self.columns:
            if c.state in ("waiting", "loading"):
                c.status.setText(self.tr("Did not run"))
        self.pane.set_busy()
        self.vote_bar.refresh()
        self.runFinished.emit()
