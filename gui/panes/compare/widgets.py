"""The Compare pane's pieces: model rows, answer columns, the leaderboard table and the
accuracy/speed chart (drawn with QPainter: no chart library). No engine calls here."""

from __future__ import annotations

import html
from pathlib import Path

from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from gui.engine_messages import translate as translate_message
from gui.i18n import apply_cjk_fallback, format_number

NONE_LABEL = QtCore.QT_TRANSLATE_NOOP("CompareWidgets", "— none —")
BROWSE = "__browse__"
GPU_CHOICES = ("auto", "all", "0")

OK_COLOR = "#1b7f3b"
BAD_COLOR = "#b3261e"
MUTED = "#666"


def _tr(text: str) -> str:
    return QtCore.QCoreApplication.translate("CompareWidgets", text)


def human_bytes(n) -> str:
    if n is None:
        return "—"
    n = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{format_number(n, 0 if unit in ('B', 'KB', 'MB') else 2)} {unit}"
        n /= 1000
    return f"{format_number(n, 2)} GB"


def seconds(x) -> str:
    if x is None:
        return "—"
    x = float(x)
    return f"{format_number(x * 1000, 0)} ms" if x < 1 else f"{format_number(x, 2)} s"


def rate(x) -> str:
    if not x:
        return "—"
    return f"{format_number(x, 0)} tok/s" if x >= 100 else f"{format_number(x, 1)} tok/s"


# ---- model rows --------------------------------------------------------------------------------

class ModelRow(QtWidgets.QWidget):
    """One model of the comparison: the file, its context and GPU layers."""

    changed = Signal()
    browseRequested = Signal(int)    # row index: the user chose "Other GGUF file…"

    def __init__(self, index: int, parent=None):
        super().__init__(parent)
        self.index = index
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        num = QtWidgets.QLabel(f"{index + 1}.")
        num.setFixedWidth(16)
        lay.addWidget(num)
        self.combo = QtWidgets.QComboBox()
        self.combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(20)
        self.combo.setToolTip(self.tr("A model from the library, or another GGUF file"))
        lay.addWidget(self.combo, 1)
        ctx_label = QtWidgets.QLabel(self.tr("Context"))
        lay.addWidget(ctx_label)
        self.ctx = QtWidgets.QSpinBox()
        self.ctx.setRange(0, 1 << 20)
        self.ctx.setSingleStep(1024)
        self.ctx.setSpecialValueText(self.tr("auto"))
        self.ctx.setToolTip(self.tr("Context size in tokens; auto: the model's own, at most 8,192"))
        self.ctx.setFixedWidth(78)
        ctx_label.setBuddy(self.ctx)
        lay.addWidget(self.ctx)
        gpu_label = QtWidgets.QLabel(self.tr("GPU layers"))
        lay.addWidget(gpu_label)
        self.gpu = QtWidgets.QComboBox()
        self.gpu.setEditable(True)
        self.gpu.addItems(GPU_CHOICES)
        self.gpu.setToolTip(self.tr("Layers to put on the GPU: auto (what fits), all, 0 (CPU only) or a number"))
        self.gpu.setFixedWidth(64)
        self.gpu.setValidator(QtGui.QRegularExpressionValidator(QtCore.QRegularExpression(r"auto|all|\d{0,3}"),
                                                                self.gpu))
        gpu_label.setBuddy(self.gpu)
        lay.addWidget(self.gpu)
        self._locked: set = set()            # controls the administrator's policy pins
        self._extra: list[str] = []          # files picked outside the library
        self._remote: list[dict] = []        # {"ref": "NAME:MODEL_ID", "endpoint", "model", "host"}
        self._fill([], None)
        self.combo.currentIndexChanged.connect(self._on_index)
        self.ctx.valueChanged.connect(self.changed)
        self.gpu.currentTextChanged.connect(self.changed)

    def _fill(self, entries, select: str | None) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(_tr(NONE_LABEL), None)
        for e in entries:
            self.combo.addItem(e.summary(), str(e.path))
            self.combo.setItemData(self.combo.count() - 1, str(e.path), Qt.ItemDataRole.ToolTipRole)
        for r in self._remote:
            self.combo.addItem(self.tr("{model} — remote ({host})").format(model=r["ref"], host=r["host"]), r["ref"])
            self.combo.setItemData(self.combo.count() - 1,
                                   self.tr("Remote model on {host}: your text is sent to {host}").format(
                                       host=r["host"]), Qt.ItemDataRole.ToolTipRole)
        for p in self._extra:
            if self.combo.findData(p) < 0:
                self.combo.addItem(self.tr("{name} (file)").format(name=Path(p).name), p)
                self.combo.setItemData(self.combo.count() - 1, p, Qt.ItemDataRole.ToolTipRole)
        self.combo.addItem(self.tr("Other GGUF file…"), BROWSE)
        i = self.combo.findData(select) if select else 0
        self.combo.setCurrentIndex(max(i, 0))
        self._last = self.combo.currentIndex()
        self.combo.blockSignals(False)
        if hasattr(self, "ctx"):
            self._sync_local_controls()

    def set_entries(self, entries, select: str | None = None) -> None:
        """The library's usable models; keeps the current choice when it is still there."""
        self._entries = list(entries)
        self._fill(self._entries, select if select is not None else self.path())

    def set_remote_models(self, models: list) -> None:
        """Models on company servers (as each endpoint listed them last), after the library's."""
        self._remote = [dict(m) for m in models]
        self._fill(getattr(self, "_entries", []), self.path())

    def remote(self) -> dict | None:
        """The chosen remote model ({"ref", "endpoint", "model", "host"}), or None for a local one."""
        p = self.path()
        return next((r for r in self._remote if r["ref"] == p), None)

    def set_path(self, path: str) -> None:
        """Choose ``path`` (a library model, or any file: it is added to the list)."""
        if self.combo.findData(path) < 0:
            self._extra.append(path)
            self._fill(getattr(self, "_entries", []), path)
        self.combo.setCurrentIndex(self.combo.findData(path))
        self.changed.emit()

    def path(self) -> str | None:
        p = self.combo.currentData()
        return None if p in (None, BROWSE) else p

    def gpu_layers(self) -> str | int:
        t = self.gpu.currentText().strip().lower()
        if t.isdigit():
            return int(t)
        return t if t in ("auto", "all") else "auto"

    def spec(self) -> dict | None:
        p = self.path()
        if not p:
            return None
        return {"path": p, "n_ctx": self.ctx.value(), "gpu_layers": self.gpu_layers()}

    def _on_index(self, i: int) -> None:
        if self.combo.itemData(i) == BROWSE:
            self.combo.blockSignals(True)
            self.combo.setCurrentIndex(self._last)   # back to the old choice until a file is picked
            self.combo.blockSignals(False)
            self.browseRequested.emit(self.index)
            return
        self._last = i
        self._sync_local_controls()
        self.changed.emit()

    def lock_setting(self, widget, tooltip: str) -> None:
        """A control the administrator's policy pins: disabled for good, with the reason."""
        self._locked.add(widget)
        widget.setEnabled(False)
        widget.setToolTip(tooltip)

    def _sync_local_controls(self) -> None:
        """Context and GPU layers are the server's business for a remote model."""
        local = self.remote() is None
        for w in (self.ctx, self.gpu):
            if w in self._locked:
                continue
            if w.property("localTip") is None:
                w.setProperty("localTip", w.toolTip())
            w.setEnabled(local)
            w.setToolTip(w.property("localTip") if local else self.tr("Set by the server for a remote model"))


class ModelRowsBox(QtWidgets.QGroupBox):
    """The model rows, two to a line where the pane is wide enough, else one per line: the comparison
    pane never forces the window wider than one row needs (a 1366-pixel screen in Japanese)."""

    def __init__(self, title: str, rows: list, footer: QtWidgets.QLayout, parent=None):
        super().__init__(title, parent)
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 6)
        outer.setSpacing(3)
        self.grid = QtWidgets.QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(3)
        outer.addLayout(self.grid)
        outer.addLayout(footer)
        self.rows = list(rows)
        self.columns = 0
        self._place(2)

    def _row_width(self) -> int:
        return max(r.minimumSizeHint().width() for r in self.rows)

    def _frame_width(self) -> int:
        m, o = self.contentsMargins(), self.layout().contentsMargins()
        return m.left() + m.right() + o.left() + o.right()

    def _place(self, columns: int) -> None:
        for r in self.rows:
            self.grid.removeWidget(r)
        for i, r in enumerate(self.rows):
            self.grid.addWidget(r, i // columns, i % columns)
        for c in range(2):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)
        self.columns = columns
        self.setMinimumWidth(self._row_width() + self._frame_width())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        two = 2 * self._row_width() + self.grid.horizontalSpacing() + self._frame_width()
        want = 2 if event.size().width() >= two else 1
        if want != self.columns:
            self._place(want)


# ---- one answer column ---------------------------------------------------------------------------

class ColumnView(QtWidgets.QFrame):
    """A model's answer as it streams, then its statistics (or its error)."""

    def __init__(self, title: str, tooltip: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("compareColumn")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setStyleSheet("#compareColumn { border:1px solid #d0d0d0; border-radius:4px; }")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(4)
        self.title = QtWidgets.QLabel()
        f = self.title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() + 1)
        self.title.setFont(f)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.title)
        self.status = QtWidgets.QLabel(self.tr("Waiting…"))
        self.status.setStyleSheet(f"color:{MUTED};")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.status)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        self.progress.hide()
        lay.addWidget(self.progress)
        self.text = QtWidgets.QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setTabChangesFocus(True)
        self.text.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.text.setPlaceholderText(self.tr("The answer appears here as it is written."))
        self.text.setFont(apply_cjk_fallback(self.text.font()))   # kana and kanji from a Japanese font
        lay.addWidget(self.text, 1)
        self.error = QtWidgets.QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setStyleSheet(f"color:{BAD_COLOR}; background:#fdecea; padding:4px; border-radius:3px;")
        self.error.hide()
        lay.addWidget(self.error)
        self.stats_label = QtWidgets.QLabel()
        self.stats_label.setTextFormat(Qt.TextFormat.RichText)
        self.stats_label.setStyleSheet("color:#333;")
        lay.addWidget(self.stats_label)
        self.stats: dict | None = None      # the ModelResult (to_json) once finished
        self.received = ""                  # the text as it streamed in (the view turns \r into \n)
        self.state = "waiting"              # waiting | loading | writing | done | failed | stopped
        self.set_title(title, tooltip)

    def set_title(self, title: str, tooltip: str = "") -> None:
        self.title.setText(title)
        self.title.setToolTip(tooltip)

    def set_loading(self, fraction: float) -> None:
        self.state = "loading"
        self.progress.show()
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 100))
        self.status.setText(self.tr("Loading… {percent}").format(percent=f"{fraction:.0%}") if fraction > 0
                            else self.tr("Loading…"))

    def set_loaded(self, load_s: float | None) -> None:
        self.progress.hide()
        self.state = "writing"
        self.status.setText(self.tr("Loaded in {time} · writing…").format(time=seconds(load_s)))

    def append(self, text: str) -> None:
        if self.state in ("waiting", "loading"):
            self.progress.hide()
            self.state = "writing"
            self.status.setText(self.tr("Writing…"))
        self.received += text
        cur = self.text.textCursor()
        cur.movePosition(QtGui.QTextCursor.MoveOperation.End)
        cur.insertText(text)
        bar = self.text.verticalScrollBar()
        if bar.value() >= bar.maximum() - 40:    # follow the text unless the user scrolled up
            bar.setValue(bar.maximum())

    def set_result(self, r: dict) -> None:
        self.stats = dict(r)
        self.progress.hide()
        if r.get("text") and r["text"] != self.received:
            self.text.setPlainText(r["text"])   # the finished text is the reference
        stopped = r.get("finish_reason") == "cancelled"
        self.state = "stopped" if stopped else "done"
        reason = {"length": self.tr("stopped at the token limit"), "stop": self.tr("finished"),
                  "cancelled": self.tr("stopped")}.get(r.get("finish_reason") or "", self.tr("finished"))
        self.status.setText(self.tr("Done: {reason}").format(reason=reason) if not stopped
                            else self.tr("Stopped: the text so far is kept"))
        self._show_stats(r)

    def _show_stats(self, r: dict) -> None:
        mem = human_bytes(r.get("peak_rss_bytes"))
        if r.get("peak_vram_bytes"):
            mem += f" · GPU {human_bytes(r['peak_vram_bytes'])}"
        rows = [(self.tr("Load"), seconds(r.get("load_s")), self.tr("First token"),
                 seconds(r.get("ttft_s")) if r.get("completion_tokens") else "—"),
                (self.tr("Prompt"), rate(r.get("prompt_tok_s")), self.tr("Generation"), rate(r.get("gen_tok_s"))),
                (self.tr("Tokens"), self.tr("{inp} in · {out} out").format(inp=r.get("prompt_tokens", 0),
                                                                           out=r.get("completion_tokens", 0)),
                 self.tr("Peak memory"), mem)]
        cells = "".join(
            f"<tr><td style='color:{MUTED}; padding-right:6px'>{a}</td><td style='padding-right:14px'><b>{b}</b></td>"
            f"<td style='color:{MUTED}; padding-right:6px'>{c}</td><td><b>{html.escape(d)}</b></td></tr>"
            for a, b, c, d in rows)
        self.stats_label.setText(f"<table cellspacing='0'>{cells}</table>")

    def set_failed(self, message: str, result: dict | None = None) -> None:
        self.progress.hide()
        self.state = "failed"
        self.status.setText(self.tr("Failed"))
        self.error.setText(translate_message(message))
        self.error.show()
        if result:
            self.stats = dict(result)
            if result.get("load_s") is not None:
                self._show_stats(result)

    def set_error_text(self, message: str) -> None:
        if self.state == "failed":
            self.error.setText(message)


# ---- the leaderboard --------------------------------------------------------------------------------

LEADERBOARD_HEADERS = (QtCore.QT_TRANSLATE_NOOP("CompareWidgets", "Rank"), QtCore.QT_TRANSLATE_NOOP("CompareWidgets", "Model"), QtCore.QT_TRANSLATE_NOOP("CompareWidgets", "Rating"),
                       QtCore.QT_TRANSLATE_NOOP("CompareWidgets", "95 % interval"), QtCore.QT_TRANSLATE_NOOP("CompareWidgets", "Votes"), QtCore.QT_TRANSLATE_NOOP("CompareWidgets", "W / L / T"),
                       QtCore.QT_TRANSLATE_NOOP("CompareWidgets", "Both bad"))


class LeaderboardTable(QtWidgets.QTableWidget):
    def __init__(self, parent=None):
        super().__init__(0, len(LEADERBOARD_HEADERS), parent)
        self.setHorizontalHeaderLabels([_tr(h) for h in LEADERBOARD_HEADERS])
        self.verticalHeader().hide()
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        h = self.horizontalHeader()
        h.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Stretch)

    def set_board(self, board) -> None:
        self.setRowCount(0)
        for m in board.models:
            r = self.rowCount()
            self.insertRow(r)
            values = (str(m.rank), m.model, f"{m.rating:.0f}", f"{m.ci_low:.0f} – {m.ci_high:.0f}", str(m.votes),
                      f"{m.wins} / {m.losses} / {m.ties}", str(m.both_bad))
            for c, v in enumerate(values):
                item = QtWidgets.QTableWidgetItem(v)
                if c != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.setItem(r, c, item)
            self.item(r, 3).setToolTip(self.tr("Bootstrap 95 % interval (1,000 resamples); models whose intervals "
                                       "overlap share a rank"))


# ---- accuracy and speed chart ------------------------------------------------------------------------

class EvalChart(QtWidgets.QWidget):
    """Per model: accuracy with its 95 % interval, and generation speed — two bar panels."""

    BAR_H = 16
    ROW_GAP = 8
    TOP = 24

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scores: list[dict] = []
        self.setMinimumHeight(90)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Preferred)

    def set_scores(self, scores: list[dict]) -> None:
        self.scores = [dict(s) for s in scores]
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    def _height(self) -> int:
        return self.TOP + max(1, len(self.scores)) * (self.BAR_H + self.ROW_GAP) + 22

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(420, self._height())

    def paintEvent(self, _e) -> None:
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        fm = p.fontMetrics()
        w = self.width()
        if not self.scores:
            p.setPen(QtGui.QColor(MUTED))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Accuracy and speed appear here after a run."))
            p.end()
            return
        label_w = min(max(fm.horizontalAdvance(s["model"]) for s in self.scores) + 10, int(w * 0.3))
        gap = 24
        panel_w = max(60, (w - label_w - gap - 16) // 2)
        x_acc = label_w
        x_spd = label_w + panel_w + gap
        max_speed = max((s.get("gen_tok_s") or 0.0) for s in self.scores) or 1.0
        p.setPen(pal.color(QtGui.QPalette.ColorRole.WindowText))
        bold = QtGui.QFont(p.font())
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(x_acc, 14, self.tr("Accuracy (95 % interval)"))
        p.drawText(x_spd, 14, self.tr("Generation speed"))
        p.setFont(self.font())
        grid = QtGui.QColor("#d8d8d8")
        acc_color = QtGui.QColor("#3b7dd8")
        spd_color = QtGui.QColor("#e08a2c")
        bottom = self.TOP + len(self.scores) * (self.BAR_H + self.ROW_GAP)
        for frac in (0.0, 0.5, 1.0):
            x = x_acc + int(frac * panel_w)
            p.setPen(QtGui.QPen(grid, 1, Qt.PenStyle.DashLine if frac else Qt.PenStyle.SolidLine))
            p.drawLine(x, self.TOP - 4, x, bottom)
            p.setPen(QtGui.QColor(MUTED))
            p.drawText(QtCore.QRect(x - 20, bottom + 2, 40, 16), Qt.AlignmentFlag.AlignCenter, f"{frac:.0%}")
        p.setPen(QtGui.QPen(grid, 1))
        p.drawLine(x_spd, self.TOP - 4, x_spd, bottom)
        p.setPen(QtGui.QColor(MUTED))
        p.drawText(QtCore.QRect(x_spd, bottom + 2, panel_w, 16), Qt.AlignmentFlag.AlignRight,
                   f"{max_speed:,.0f} tok/s")
        for k, s in enumerate(self.scores):
            y = self.TOP + k * (self.BAR_H + self.ROW_GAP)
            p.setPen(pal.color(QtGui.QPalette.ColorRole.WindowText))
            name = fm.elidedText(s["model"], Qt.TextElideMode.ElideMiddle, label_w - 8)
            p.drawText(QtCore.QRect(0, y, label_w - 8, self.BAR_H),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            acc = float(s.get("accuracy") or 0.0)
            p.fillRect(QtCore.QRectF(x_acc, y, acc * panel_w, self.BAR_H), acc_color)
            lo, hi = s.get("ci_low"), s.get("ci_high")
            if lo is not None and hi is not None:
                p.setPen(QtGui.QPen(QtGui.QColor("#1d3f73"), 1.5))
                yc = y + self.BAR_H / 2
                x0, x1 = x_acc + float(lo) * panel_w, x_acc + float(hi) * panel_w
                p.drawLine(QtCore.QPointF(x0, yc), QtCore.QPointF(x1, yc))
                p.drawLine(QtCore.QPointF(x0, yc - 4), QtCore.QPointF(x0, yc + 4))
                p.drawLine(QtCore.QPointF(x1, yc - 4), QtCore.QPointF(x1, yc + 4))
            p.setPen(pal.color(QtGui.QPalette.ColorRole.WindowText))
            label = f"{acc:.0%}"
            end = max(acc, float(hi)) if hi is not None else acc   # right of the bar and its whisker
            lx = x_acc + end * panel_w + 5
            if lx + fm.horizontalAdvance(label) > x_acc + panel_w:
                lx = x_acc + 4
                p.setPen(QtGui.QColor("white"))
            p.drawText(QtCore.QRectF(lx, y, 50, self.BAR_H), Qt.AlignmentFlag.AlignVCenter, label)
            speed = float(s.get("gen_tok_s") or 0.0)
            bw = speed / max_speed * panel_w
            p.fillRect(QtCore.QRectF(x_spd, y, bw, self.BAR_H), spd_color)
            text = f"{speed:,.1f}" if speed < 100 else f"{speed:,.0f}"
            tx = x_spd + bw + 4
            p.setPen(pal.color(QtGui.QPalette.ColorRole.WindowText))
            if tx + fm.horizontalAdvance(text) > x_spd + panel_w:
                tx = x_spd + bw - fm.horizontalAdvance(text) - 4
                p.setPen(QtGui.QColor("white"))
            p.drawText(QtCore.QRectF(tx, y, 80, self.BAR_H), Qt.AlignmentFlag.AlignVCenter, text)
        p.end()
