""""Your text is sent to HOST": shown beside the controls that send text while a remote model is chosen,
so a company server never receives a document or a chat without the user seeing where it goes."""

from __future__ import annotations

from gui.qt import QtWidgets


class RemoteNote(QtWidgets.QLabel):
    def __init__(self, object_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setStyleSheet("color:#8a6d00; font-weight:bold;")
        self.hide()

    def show_hosts(self, hosts: list[str]) -> None:
        """Name the hosts the text goes to; hidden when there are none (a local model)."""
        if hosts:
            self.setText(self.tr("Your text is sent to {host}").format(host=", ".join(hosts)))
        self.setVisible(bool(hosts))
