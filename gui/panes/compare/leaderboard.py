"""The leaderboard: ratings fitted from the blind votes, filtered by tag, and the votes exported.

The Compare pane's "Leaderboard" tab. The fit runs on the pane's data thread (worker.py: Bradley–Terry,
1,000 bootstrap resamples) whenever a vote is stored (voting.py), the tag filter changes, Refresh is
pressed or another process adds comparisons; the table shows each model's rating, its interval and
rank, and a line says how many votes there are and whether the left column wins suspiciously often
(position bias). Export writes every vote (with the chosen tag) as CSV or JSON Lines on the pane's
StorageWorker (never on the GUI thread).

Worker signals are connected to this view's own methods only (never lambdas: see gui/bridge.py).
"""

from __future__ import annotations

from pathlib import Path

from gui.qt import Qt, QtWidgets, Signal
from gui.engine_messages import translate as translate_message
from gui.i18n import format_number
from gui.panes.compare.widgets import LeaderboardTable


# ---- storage job (runs on the StorageWorker's thread) ------------------------------------------------

def _export_votes(store, path: str, fmt: str, tag: str | None) -> tuple[str, int]:
    from engine.compare.votes import VoteStore

    votes = VoteStore(store)
    n = votes.export_csv(path, tag=tag) if fmt == "csv" else votes.export_jsonl(path, tag=tag)
    return path, n


# ---- the leaderboard tab ---------------------------------------------------------------------------------

class LeaderboardView(QtWidgets.QWidget):
    """The tag filter, Refresh, Export CSV/JSONL, the ratings table, the votes line and the
    position-bias warning."""

    leaderboardShown = Signal()      # the leaderboard table was (re)filled
    votesExported = Signal(str)      # the votes were written to this file

    def __init__(self, pane, parent=None):
        super().__init__(parent)
        self.pane = pane                 # the ComparePane: banner, threads, storage worker
        self.leaderboard = None          # the last fitted engine.compare.leaderboard.Leaderboard
        self._board_token = 0
        self._build()
        pane.data.leaderboardReady.connect(self._on_leaderboard)
        pane.data.leaderboardFailed.connect(self._on_leaderboard_failed)

    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
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

    # ---- the ratings (fitted on the data thread) ----------------------------------------------------
    def refresh_leaderboard(self) -> None:
        self._board_token += 1
        self.board_line.setText(self.tr("Fitting the ratings…") if self.leaderboard is None else self.board_line.text())
        self.pane.data.leaderboardRequested.emit(self._board_token, self.tag_combo.currentData() or "")

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

    # ---- exporting the votes (on the storage thread) --------------------------------------------------
    def export_votes(self, path: str, fmt: str | None = None):
        """Write the votes (with the tag chosen) to ``path`` as CSV or JSONL on the storage thread."""
        fmt = fmt or ("jsonl" if str(path).lower().endswith((".jsonl", ".ndjson")) else "csv")
        tag = self.tag_combo.currentData() or None
        return self.pane.storage_worker().submit(_export_votes, str(path), fmt, tag, on_done=self._on_exported,
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
        self.pane.banner.show_message(self.tr("Could not export the votes: {error}").format(error=translate_message(message)), "error")
