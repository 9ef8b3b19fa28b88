"""The data move Preferences asked for, run at start-up before anything opens the database.

``move_at_start`` shows a modal progress dialog (with Cancel) while ``engine.relocate.run_pending_move``
runs on a worker thread; the GUI thread keeps running its event loop. A failure is shown in one sentence
and Hearth starts with the old folder; after a move the configuration is read again (new paths).
"""

from __future__ import annotations

import logging
import threading

from gui.qt import QObject, QtCore, QtWidgets, Qt, Signal, Slot

from engine import relocate
from engine.config import AppConfig

log = logging.getLogger("gui.data_move")
STEPS = 1000          # the dialog's range (bytes do not fit in an int)


class DataMove(QObject):
    """Runs the pending move on a thread; ``progressed`` and ``finished`` arrive on the GUI thread."""

    progressed = Signal(object, object)     # bytes done, bytes in all
    finished = Signal(object)               # engine.relocate.MoveResult
    started = Signal()                      # the dialog is up (tests)

    def __init__(self, config: AppConfig, parent=None):
        super().__init__(parent)
        self.config = config
        self.cancel_event = threading.Event()
        self.result: relocate.MoveResult | None = None
        self.dialog: QtWidgets.QProgressDialog | None = None
        self._thread: threading.Thread | None = None
        self._loop: QtCore.QEventLoop | None = None
        self.progressed.connect(self._on_progress)
        self.finished.connect(self._on_finished)

    def run(self) -> relocate.MoveResult | None:
        """Move (showing progress) and return the result; None when no move was pending."""
        dst = relocate.pending_move(self.config.settings)
        if dst is None:
            relocate.run_pending_move(self.config)       # clears an unusable entry, moves nothing
            return None
        dlg = self.dialog = QtWidgets.QProgressDialog(
            QtCore.QCoreApplication.translate("DataMove", "Moving Hearth's data to %1…").replace("%1", str(dst)),
            QtCore.QCoreApplication.translate("DataMove", "Cancel"), 0, STEPS)
        dlg.setWindowTitle(QtCore.QCoreApplication.translate("DataMove", "Moving data"))
        dlg.setWindowModality(Qt.WindowModality.ApplicationModal)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.setMinimumDuration(0)
        dlg.canceled.connect(self.cancel)       # the Cancel button
        dlg.rejected.connect(self.cancel)       # Esc
        dlg.setValue(0)
        dlg.show()
        self._loop = QtCore.QEventLoop()
        self._thread = threading.Thread(target=self._work, name="data-move", daemon=True)
        self._thread.start()
        self.started.emit()
        if self.result is None:
            self._loop.exec()
        self._thread.join()
        dlg.canceled.disconnect(self.cancel)     # closing a progress dialog says "canceled"
        dlg.rejected.disconnect(self.cancel)
        dlg.close()
        dlg.deleteLater()
        self.dialog = None
        return self.result

    def cancel(self) -> None:
        self.cancel_event.set()
        if self.dialog is not None:
            self.dialog.setLabelText(QtCore.QCoreApplication.translate(
                "DataMove", "Cancelling; putting everything back…"))
            self.dialog.show()                  # Esc hid it: stay up until everything is back

    def _work(self) -> None:
        import time

        last = [0.0]

        def progress(done: int, total: int) -> None:
            # one signal per 4 MB chunk would be hundreds a second on a fast disk: at most ~20
            now = time.monotonic()
            if done >= total or now - last[0] >= 0.05:
                last[0] = now
                self.progressed.emit(done, total)

        try:
            result = relocate.run_pending_move(self.config, on_progress=progress,
                                               cancelled=self.cancel_event.is_set)
        except Exception as e:       # never leave the start-up waiting
            log.error("the data move failed", exc_info=True)
            dst = relocate.pending_move(self.config.settings) or self.config.paths.data_dir
            relocate.cancel_pending(self.config.settings)
            result = relocate.MoveResult(moved=False, src=self.config.paths.data_dir, dst=dst,
                                         error=f"{type(e).__name__}: {e}")
        self.finished.emit(result)

    @Slot(object, object)
    def _on_progress(self, done, total) -> None:
        if self.dialog is not None and total:
            self.dialog.setValue(min(STEPS, int(done * STEPS / total)))

    @Slot(object)
    def _on_finished(self, result) -> None:
        self.result = result
        if self._loop is not None:
            self._loop.quit()


def move_at_start(config: AppConfig, parent=None) -> tuple[AppConfig, relocate.MoveResult | None]:
    """Run a pending move (if any) and return the configuration to start with, and what happened."""
    if relocate.pending_move(config.settings) is None and config.settings.get(relocate.PENDING_KEY) is None:
        return config, None
    result = DataMove(config).run()
    if result is None:
        return config, None
    config = AppConfig.load()      # settings.json says where the data is now, whatever the result says
    if result.moved:
        if result.note:
            show_message(parent, QtWidgets.QMessageBox.Icon.Information, result.note)
    elif not result.cancelled:
        show_message(parent, QtWidgets.QMessageBox.Icon.Warning, result.error or "")
    return config, result


def show_message(parent, icon, sentence: str) -> None:
    """One engine sentence (translated when the catalogue knows it) in a message box."""
    from gui.engine_messages import as_sentence

    box = QtWidgets.QMessageBox(icon, QtCore.QCoreApplication.translate("DataMove", "Moving data"),
                                as_sentence(sentence),
                                QtWidgets.QMessageBox.StandardButton.Ok, parent)
    box.exec()
