"""Downloads: the queue with progress, speed, ETA and state; pause, resume, cancel, remove.

Partial files found without a queue entry (``OrphanPartial``) are listed too,
as rows whose id starts with ``ORPHAN``: Resume queues them again (when their
repository is known), Delete removes the file.
"""

from __future__ import annotations

from gui.engine_messages import translate as translate_message
from gui.panes.models.common import duration_text, note, policy_label, size_text, table
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal

COLUMNS = [QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Model"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Progress"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Bytes"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "Speed"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "ETA"), QtCore.QT_TRANSLATE_NOOP("ModelsCommon", "State")]
STATE_TEXT = {"queued": QtCore.QT_TRANSLATE_NOOP("DownloadsView", "Queued"), "downloading": QtCore.QT_TRANSLATE_NOOP("DownloadsView", "Downloading"),
              "verifying": QtCore.QT_TRANSLATE_NOOP("DownloadsView", "Verifying"), "paused": QtCore.QT_TRANSLATE_NOOP("DownloadsView", "Paused"),
              "done": QtCore.QT_TRANSLATE_NOOP("DownloadsView", "Done"), "failed": QtCore.QT_TRANSLATE_NOOP("DownloadsView", "Failed"),
              "cancelled": QtCore.QT_TRANSLATE_NOOP("DownloadsView", "Cancelled")}
ACTIVE = ("queued", "downloading", "verifying")
ORPHAN = "orphan:"


class DownloadsView(QtWidgets.QWidget):
    pauseRequested = Signal(str)
    resumeRequested = Signal(str)
    cancelRequested = Signal(str)
    removeRequested = Signal(str)
    orphanResumeRequested = Signal(str)    # the partial file's name
    orphanDeleteRequested = Signal(str)

    def __init__(self, config, parent=None):
        super().__init__(parent)
        self.allowed = config.policy.allows("downloads")
        self.jobs: dict[str, object] = {}
        self.orphans: dict[str, object] = {}
        self._items: dict[str, QtWidgets.QTreeWidgetItem] = {}
        self._bars: dict[str, QtWidgets.QProgressBar] = {}
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        offline = config.policy.online_block()
        if not self.allowed:
            lay.addWidget(policy_label("downloads"))
        elif offline:
            lay.addWidget(policy_label("downloads", offline[:1].upper() + offline[1:] + "."))
        self.summary = note(self.tr("No downloads yet. Pick a model in Discover or Welcome."))
        lay.addWidget(self.summary)
        self.tree = table(COLUMNS, (270, 150, 150, 84, 76))
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        lay.addWidget(self.tree, 1)
        self.error = note("", muted=False)
        self.error.setStyleSheet("color:#a50e0e;")
        self.error.hide()
        lay.addWidget(self.error)
        row = QtWidgets.QHBoxLayout()
        self.pause_btn = QtWidgets.QPushButton(self.tr("Pause"))
        self.resume_btn = QtWidgets.QPushButton(self.tr("Resume"))
        self.cancel_btn = QtWidgets.QPushButton(self.tr("Cancel"))
        self.remove_btn = QtWidgets.QPushButton(self.tr("Remove from list"))
        for b, sig in ((self.pause_btn, self.pauseRequested), (self.resume_btn, self.resumeRequested),
                       (self.cancel_btn, self.cancelRequested), (self.remove_btn, self.removeRequested)):
            b.clicked.connect(lambda _=False, s=sig: self._emit(s))
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self._update_buttons()

    def _emit(self, sig) -> None:
        jid = self.selected_id()
        if jid and jid.startswith(ORPHAN):
            if sig is self.resumeRequested:
                self.orphanResumeRequested.emit(jid[len(ORPHAN):])
            elif sig is self.removeRequested:
                self.orphanDeleteRequested.emit(jid[len(ORPHAN):])
        elif jid:
            sig.emit(jid)

    # ---- partial files without a queue entry ---------------------------------------------
    def set_orphans(self, orphans: list) -> None:
        """Show these orphan partial files (replacing the previous list)."""
        self.orphans = {o.file: o for o in orphans}
        for jid in [j for j in self._items if j.startswith(ORPHAN) and j[len(ORPHAN):] not in self.orphans]:
            item = self._items.pop(jid)
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        for o in orphans:
            jid = ORPHAN + o.file
            item = self._items.get(jid)
            if item is None:
                item = QtWidgets.QTreeWidgetItem(["", "", "", "", "", ""])
                item.setData(0, Qt.ItemDataRole.UserRole, jid)
                self.tree.addTopLevelItem(item)
                self._items[jid] = item
            item.setText(0, o.name)
            item.setToolTip(0, (o.repo_id or self.tr("repository unknown")) + "\n" + o.file)
            item.setText(1, f"{min(o.size / o.total, 1):.0%}" if o.total else "")
            item.setText(2, self.tr("{done} of {total}").format(done=size_text(o.size), total=size_text(o.total))
                         if o.total else size_text(o.size))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setText(5, self.tr("Found, not in the queue") if o.repo_id else self.tr("Found, repository unknown"))
            item.setToolTip(5, self.tr("A partial download whose queue entry was lost. Resume continues it from "
                                       "this file; Delete frees the space.") if o.repo_id else
                            self.tr("A partial download whose origin is unknown: download the same file again "
                                    "to continue it, or delete it."))
            item.setForeground(5, QtGui.QColor("#8a6d00"))
        self._update_summary()
        self._update_buttons()

    # ---- data ---------------------------------------------------------------------------
    def update_job(self, job) -> None:
        """Show the job's latest snapshot (called at most ~10 times a second per job)."""
        self.jobs[job.id] = job
        item = self._items.get(job.id)
        if item is None:
            item = QtWidgets.QTreeWidgetItem(["", "", "", "", "", ""])
            item.setData(0, Qt.ItemDataRole.UserRole, job.id)
            self.tree.addTopLevelItem(item)
            bar = QtWidgets.QProgressBar()
            bar.setRange(0, 1000)
            bar.setTextVisible(True)
            bar.setMaximumHeight(18)
            self.tree.setItemWidget(item, 1, bar)
            self._items[job.id], self._bars[job.id] = item, bar
        bar = self._bars[job.id]
        item.setText(0, job.name)
        item.setToolTip(0, f"{job.repo_id}\n{job.final_path or ''}".strip())
        bar.setValue(int(job.fraction * 1000))
        bar.setFormat(f"{job.fraction * 100:.0f}%")
        item.setText(2, self.tr("{done} of {total}").format(
            done=size_text(job.downloaded) if job.downloaded else "0 B", total=size_text(job.total)))
        downloading = job.state == "downloading"
        item.setText(3, f"{size_text(job.speed)}/s" if downloading and job.speed else "—")
        item.setText(4, duration_text(job.eta) if downloading and job.eta is not None else "—")
        state = self.tr(STATE_TEXT[job.state]) if job.state in STATE_TEXT else job.state
        if job.state == "failed" and job.error:
            state = self.tr("Failed: {error}").format(error=translate_message(job.error))
        item.setText(5, state)
        item.setToolTip(5, translate_message(job.error) if job.error else state)
        colour = {"failed": "#a50e0e", "done": "#137333", "paused": "#8a6d00"}.get(job.state)
        item.setForeground(5, QtGui.QColor(colour) if colour else self.palette().text().color())
        for c in (2, 3, 4):
            item.setTextAlignment(c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._update_summary()
        self._update_buttons()

    def remove_job(self, job_id: str) -> None:
        item = self._items.pop(job_id, None)
        self._bars.pop(job_id, None)
        self.jobs.pop(job_id, None)
        if item is not None:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        self._update_summary()
        self._update_buttons()

    def select_job(self, job_id: str) -> None:
        item = self._items.get(job_id)
        if item is not None:
            self.tree.setCurrentItem(item)

    def selected_id(self) -> str | None:
        items = self.tree.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def _update_summary(self) -> None:
        active = [j for j in self.jobs.values() if j.state in ACTIVE]
        if self.orphans and not active:
            self.summary.setText(self.tr("{n} partial download(s) found without a queue entry: "
                                         "resume or delete them.").format(n=len(self.orphans)))
        elif not self.jobs:
            self.summary.setText(self.tr("No downloads yet. Pick a model in Discover or Welcome."))
        elif active:
            left = sum(j.total - j.downloaded for j in active)
            self.summary.setText(self.tr("{n} download(s) in progress or queued · {left} to go. "
                                         "Paused and interrupted downloads continue where they stopped, "
                                         "even after a restart.").format(n=len(active), left=size_text(left)))
        else:
            self.summary.setText(self.tr("Nothing downloading. Paused downloads continue where they stopped."))

    def _update_buttons(self) -> None:
        jid = self.selected_id()
        if jid and jid.startswith(ORPHAN):
            o = self.orphans.get(jid[len(ORPHAN):])
            self.pause_btn.setEnabled(False)
            self.cancel_btn.setEnabled(False)
            self.resume_btn.setText(self.tr("Resume"))
            self.resume_btn.setEnabled(self.allowed and o is not None and o.repo_id is not None)
            self.remove_btn.setText(self.tr("Delete file"))
            self.remove_btn.setEnabled(o is not None)
            self.error.hide()
            return
        self.remove_btn.setText(self.tr("Remove from list"))
        job = self.jobs.get(jid) if jid else None
        st = job.state if job else None
        self.pause_btn.setEnabled(st in ACTIVE)
        self.resume_btn.setEnabled(self.allowed and st in ("paused", "failed"))
        self.resume_btn.setText(self.tr("Retry") if st == "failed" else self.tr("Resume"))
        self.cancel_btn.setEnabled(st in ACTIVE or st == "paused")
        self.remove_btn.setEnabled(st in ("done", "failed", "cancelled", "paused"))
        if job is not None and job.state == "failed" and job.error:
            self.error.setText(f"{job.name}: {job.error}")
            self.error.show()
        else:
            self.error.hide()
