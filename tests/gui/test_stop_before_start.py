"""Stop pressed right after Send — before the bridge thread has even started the
request — stops that reply, and only that reply."""

import threading

from gui.qt import QObject, Signal, Slot
from tests.gui.conftest import load


class BridgeBlocker(QObject):
    """Keeps the bridge thread busy until released, like a slow earlier request."""

    blockRequested = Signal()

    def __init__(self):
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()
        self.blockRequested.connect(self._block)

    @Slot()
    def _block(self):
        self.started.set()
        self.release.wait(30)


def test_stop_before_the_bridge_starts_the_reply(qtbot, main_window):
    win = main_window
    load(qtbot, win, "tiny-long")
    win.chat.sampling_overrides = {"max_tokens": 20000, "ignore_eos": True}
    blocker = BridgeBlocker()
    blocker.moveToThread(win.engine.thread)
    blocker.blockRequested.emit()
    assert blocker.started.wait(10)
    try:
        win.chat.input.setPlainText("write a very long story")
        win.chat.send_button.click()
        assert win.chat.generating
        win.chat.stop()                 # the chat request is still queued behind the blocker
    finally:
        blocker.release.set()
    with qtbot.waitSignal(win.chat.replyFinished, timeout=60000) as finished:
        pass
    stats = finished.args[0]
    assert stats.get("finish_reason") == "cancelled"
    assert stats.get("completion_tokens", 0) == 0

    # The Stop belonged to that reply: the next one runs to its length.
    win.chat.sampling_overrides = {"max_tokens": 15, "ignore_eos": True}
    win.chat.input.setPlainText("again")
    with qtbot.waitSignal(win.chat.replyFinished, timeout=60000) as finished:
        win.chat.send_button.click()
    assert finished.args[0]["finish_reason"] == "length"
    assert finished.args[0]["completion_tokens"] == 15
