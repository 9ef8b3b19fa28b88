"""Desktop notifications: a finished long job (a model loaded, a summary, a download, an index, an
evaluation) is announced when the Hearth window is in the background. MainWindow makes one and
connects the jobs' signals to it (gui/main_window.py, "notifications")."""

from __future__ import annotations

from gui.qt import QObject, QtWidgets, Signal, QTimer

from gui.branding import APP_TITLE


class Notifier(QObject):
    """Says that a long job finished when the window is not the active one: a tray message where the
    desktop has a system tray, else ``QApplication.alert`` (the taskbar entry flashes or bounces)."""

    notified = Signal(str, str, str)    # title, message, how ("tray" | "alert")

    def __init__(self, window: QtWidgets.QWidget):
        super().__init__(window)
        self.window = window
        self.tray: QtWidgets.QSystemTrayIcon | None = None
        self._hide_tray = QTimer(self, singleShot=True, interval=15000)
        self._hide_tray.timeout.connect(lambda: self.tray.hide() if self.tray is not None else None)

    def in_background(self) -> bool:
        w = self.window
        return not w.isActiveWindow() or w.isMinimized()

    def notify(self, title: str, message: str) -> str | None:
        """Returns how the user was told, or None when the window is in front (nothing to do)."""
        if not self.in_background():
            return None
        if QtWidgets.QSystemTrayIcon.isSystemTrayAvailable() and QtWidgets.QSystemTrayIcon.supportsMessages():
            if self.tray is None:
                self.tray = QtWidgets.QSystemTrayIcon(self.window.windowIcon(), self)
                self.tray.setToolTip(APP_TITLE)
                self.tray.messageClicked.connect(self._bring_back)
            self.tray.show()
            self.tray.showMessage(title, message, QtWidgets.QSystemTrayIcon.MessageIcon.Information, 8000)
            self._hide_tray.start()
            how = "tray"
        else:
            QtWidgets.QApplication.alert(self.window, 0)
            how = "alert"
        self.notified.emit(title, message, how)
        return how

    def _bring_back(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
