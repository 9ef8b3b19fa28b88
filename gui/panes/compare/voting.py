"""Blind voting: the vote bar under a blind run's columns, the reveal, and storing the vote.

A blind run (side_by_side.py) labels its columns A/B(/C/D) in a random order (engine.compare.votes'
``BlindRound``) and keeps the names off the screen. This bar asks which answer is better: with two
columns A better / B better / Tie / Both bad, and the vote reveals the names; with three or four, the
vote is on a chosen pair of columns (each pair once) and Reveal ends the round. The vote is written by
the pane's StorageWorker (never on the GUI thread); ``voted(id)`` then lets the pane refit the
leaderboard (leaderboard.py).

The bar reads the run it belongs to (its ``view``: the round, whether the run has finished or was
stopped) and, once the names may be shown, asks the view to show them (``view.show_names()``).
"""

from __future__ import annotations

from gui.qt import Qt, QtCore, QtWidgets, Signal
from gui.engine_messages import translate as translate_message
from gui.panes.compare.widgets import MUTED

from engine.errors import BadInputError

OUTCOME_TEXT = {"a": QtCore.QT_TRANSLATE_NOOP("VoteBar", "{l} is better"), "b": QtCore.QT_TRANSLATE_NOOP("VoteBar", "{r} is better"),
                "tie": QtCore.QT_TRANSLATE_NOOP("VoteBar", "Tie"), "both_bad": QtCore.QT_TRANSLATE_NOOP("VoteBar", "Both bad")}


# ---- storage job (runs on the StorageWorker's thread) ------------------------------------------------

def _add_vote(store, rec: dict) -> int:
    from engine.compare.votes import VoteStore

    return VoteStore(store).add_vote(rec["model_left"], rec["model_right"], rec["outcome"],
                                     comparison_id=rec.get("comparison_id"), tags=rec.get("tags") or "")


# ---- the vote bar ----------------------------------------------------------------------------------------

class VoteBar(QtWidgets.QFrame):
    """Which answer is better (and, with three or four columns, of which pair), Reveal, and a note on
    the vote being saved. Shown only under a blind run."""

    voted = Signal(int)              # a vote was stored (its id)

    def __init__(self, view, parent=None):
        super().__init__(parent)
        self.view = view                 # the SideBySideView whose run this bar votes on
        self.pane = view.pane
        self._voted_pairs: set[tuple[str, str]] = set()
        self._vote_word = ""
        self.setObjectName("voteBar")
        self.setStyleSheet("#voteBar { background:palette(alternate-base); border-radius:4px; }")
        vb = QtWidgets.QHBoxLayout(self)
        vb.setContentsMargins(8, 5, 8, 5)
        self.vote_label = QtWidgets.QLabel(self.tr("Which answer is better?"))
        vb.addWidget(self.vote_label)
        self.pair_left = QtWidgets.QComboBox()
        self.pair_vs = QtWidgets.QLabel(self.tr("vs"))
        self.pair_right = QtWidgets.QComboBox()
        for w in (self.pair_left, self.pair_vs, self.pair_right):
            vb.addWidget(w)
        self.pair_left.currentIndexChanged.connect(self.refresh)
        self.pair_right.currentIndexChanged.connect(self.refresh)
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

    def new_round(self) -> None:
        """A new run: no pair has its vote yet."""
        self._voted_pairs = set()

    def _pair(self) -> tuple[str, str]:
        rnd = self.view.round
        if rnd is None:
            return "A", "B"
        if len(rnd.labels) == 2:
            return rnd.labels[0], rnd.labels[1]
        return self.pair_left.currentText() or "A", self.pair_right.currentText() or "B"

    def refresh(self, *_args) -> None:
        """Show, enable and word the bar for the run on screen (hidden unless it is blind)."""
        rnd = self.view.round
        show = rnd is not None
        self.setVisible(show)
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
        last_run = self.view.last_run
        finished = self.view.run_job is None and last_run is not None
        can_vote = (finished and not rnd.revealed and not (last_run or {}).get("cancelled")
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
        elif (last_run or {}).get("cancelled"):
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
        view = self.view
        rnd = view.round
        if rnd is None or rnd.revealed or view.run_job is not None or view.last_run is None:
            return None
        left, right = self._pair()
        many = len(rnd.labels) > 2
        try:
            rec = rnd.vote(outcome, None, left=left, right=right, reveal=not many)
        except BadInputError as e:
            self.pane.banner.show_message(translate_message(str(e)), "error")
            return None
        self._voted_pairs.add(tuple(sorted((left, right))))
        word = {"a": self.tr("{name} better").format(name=left), "b": self.tr("{name} better").format(name=right),
                "tie": self.tr("tie"), "both_bad": self.tr("both bad")}[outcome]
        self._vote_word = word
        self.vote_note.setText(self.tr("Saving your vote ({word})…").format(word=word))
        pending = self.pane.storage_worker().submit(_add_vote, rec, on_done=self._on_vote_saved,
                                                    on_error=self._on_vote_failed)
        if rnd.revealed:
            view.show_names()
        else:
            self.refresh()
        return pending

    def reveal(self) -> None:
        """End the blind round: show the names (no more votes on it)."""
        view = self.view
        if view.round is None or view.round.revealed or view.run_job is not None:
            return
        view.round.reveal()
        view.show_names()

    def _on_vote_saved(self, vote_id: int) -> None:
        self.vote_note.setText(self.tr("Vote saved ({word}).").format(word=self._vote_word))
        self.voted.emit(int(vote_id))

    def _on_vote_failed(self, message: str) -> None:
        self.vote_note.setText("")
        self.pane.banner.show_message(self.tr("The vote could not be saved: {error}").format(error=translate_message(message)), "error")
