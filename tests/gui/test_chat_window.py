"""The first chat slice end to end: load, send, stream, stop — GUI never blocked."""

import threading
import time

from gui.qt import QtCore, Qt
from tests.gui.conftest import load


# The GUI thread must never wait on the engine (loading, generating, stopping). A tick every
# 10 ms; a CI machine with 2 busy cores may delay a tick by a few hundred ms (scheduling,
# garbage collection), while a blocking engine call stalls it for seconds.
MAX_GUI_STALL_S = 1.0


class Heartbeat(QtCore.QObject):
    """Counts GUI-thread timer ticks and the longest gap between them (including the gap up to
    ``stop()``: a stall at the very end would otherwise never be followed by a tick)."""

    def __init__(self):
        super().__init__()
        self.ticks = 0
        self.max_gap = 0.0
        self._last = time.perf_counter()
        self.timer = QtCore.QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _gap(self):
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self._last)
        self._last = now

    def _tick(self):
        self._gap()
        self.ticks += 1

    def start(self):
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self):
        self.timer.stop()
        self._gap()


def test_library_lists_model(main_window):
    names = [main_window.picker.combo.itemText(i) for i in range(main_window.picker.combo.count())]
    assert len(names) == 2 and any("tiny-chat" in n for n in names)


def test_load_send_stream_stop(qtbot, main_window):
    win = main_window
    win.config.settings.set("load", {"n_ctx": 32768})
    beat = Heartbeat()
    beat.start()  # loading is the longest engine call: it must not block the GUI thread either
    load(qtbot, win, "tiny-long")
    assert win.loaded_path.endswith("tiny-long.gguf")
    win.chat.sampling_overrides = {"max_tokens": 30000, "ignore_eos": True}  # long enough to need Stop

    batches = []
    win.bridge.tokensArrived.connect(batches.append)
    win.chat.input.setPlainText("hello there")
    qtbot.keyClick(win.chat.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert win.chat.generating
    qtbot.waitUntil(lambda: len(batches) >= 3, timeout=30000)
    ticks_while_streaming = beat.ticks
    with qtbot.waitSignal(win.chat.replyFinished, timeout=10000) as fin:
        qtbot.keyClick(win.chat.input, Qt.Key.Key_Escape)
    beat.stop()
    stats = fin.args[0]
    assert stats["finish_reason"] == "cancelled"
    assert not win.chat.generating
    # the streamed text is in the view, marked incomplete
    reply = win.chat.view.messages[-1]
    assert reply["role"] == "assistant" and reply["complete"] is False
    assert reply["content"] == stats["text"] == "".join(batches)
    assert reply["content"]
    assert "(incomplete)" in win.chat.view.toPlainText()
    # the GUI thread kept running its timers the whole time (load, send, stream, stop) ...
    assert ticks_while_streaming > 0
    assert beat.max_gap < MAX_GUI_STALL_S, f"the GUI thread stalled for {beat.max_gap:.2f} s"
    # ... because every engine call ran on the bridge thread, never on the GUI thread.
    assert win.bridge.engine_thread_ident not in (None, threading.main_thread().ident)
    # batched: far fewer signals than tokens
    assert len(batches) < max(stats["completion_tokens"], 2)
    # status bar shows speed and time to first token
    assert "tok/s" in win.speed_label.text() and "first token" in win.speed_label.text()


def test_full_reply_renders_and_next_message_works(qtbot, main_window):
    win = main_window
    load(qtbot, win)
    win.chat.sampling_overrides = {"max_tokens": 16, "ignore_eos": True}
    for prompt in ("first", "second"):
        win.chat.input.setPlainText(prompt)
        with qtbot.waitSignal(win.chat.replyFinished, timeout=30000):
            win.chat.send_button.click()
    roles = [m["role"] for m in win.chat.view.messages]
    assert roles == ["user", "assistant", "user", "assistant"]
    assert all(m.get("complete") for m in win.chat.view.messages if m["role"] == "assistant")


def test_send_without_model_shows_banner(qtbot, main_window):
    win = main_window
    win.chat.input.setPlainText("hi")
    win.chat.send_button.click()
    assert "Load a model" in win.banner.text


def test_bad_model_banner_window_alive(qtbot, main_window, tiny_model, tmp_path):
    from tests.tiny_gguf import truncated_copy

    win = main_window
    win.show()
    qtbot.waitExposed(win)
    bad = truncated_copy(tiny_model, tmp_path / "bad.gguf")
    win.load_model(str(bad))
    # the banner is set by the window's own (queued) slot
    qtbot.waitUntil(lambda: "truncated" in win.banner.text, timeout=30000)
    assert win.isVisible() and win.banner.isVisible() and win.banner.kind == "error"
    assert win.loaded_path is None and not win.bridge.client.alive  # nothing half-loaded
    load(qtbot, win)  # still usable
    assert win.loaded_path.endswith("tiny-chat.gguf") and win.isVisible()


def test_host_crash_banner_and_recovery(qtbot, main_window):
    import os
    import signal

    win = main_window
    win.config.settings.set("load", {"n_ctx": 32768})
    load(qtbot, win, "tiny-long")
    win.chat.sampling_overrides = {"max_tokens": 30000, "ignore_eos": True}   # far longer than the test
    pid = win.bridge.client.pid
    frozen = []

    def freeze(_text):
        # Runs on the bridge thread as the first text arrives: the host, frozen mid-reply, cannot finish it
        # before the kill, however long the GUI thread takes to show the text.
        if not frozen:
            frozen.append(pid)
            os.kill(pid, signal.SIGSTOP)

    win.bridge.tokensArrived.connect(freeze)
    win.chat.input.setPlainText("go")
    try:
        with qtbot.waitSignal(win.chat.replyFinished, timeout=30000) as fin:
            win.chat.send_button.click()
            qtbot.waitUntil(lambda: len(win.chat.view.messages[-1]["content"]) > 0, timeout=20000)
            assert frozen == [pid]
            os.kill(pid, signal.SIGKILL)
    finally:
        win.bridge.tokensArrived.disconnect(freeze)
    assert fin.args[0]["finish_reason"] == "error"
    assert "model process stopped" in win.banner.text
    assert win.chat.view.messages[-1]["complete"] is False
    # next message restarts the host
    win.chat.sampling_overrides = {"max_tokens": 8, "ignore_eos": True}
    win.chat.input.setPlainText("again")
    with qtbot.waitSignal(win.chat.replyFinished, timeout=60000) as fin:
        win.chat.send_button.click()
    assert fin.args[0]["finish_reason"] == "length" and fin.args[0]["completion_tokens"] == 8
    assert win.bridge.client.alive
    assert win.chat.view.messages[-1]["complete"] is True and win.chat.view.messages[-1]["content"]


def test_load_progress_reaches_the_picker(qtbot, main_window):
    win = main_window
    load(qtbot, win)
    # llama.cpp's progress switched the bar from "busy" to a real fraction, ending at 100 %
    assert win.picker.progress.maximum() == 100
    assert win.picker.progress.value() == 100
    assert win.picker.unload_button.text() == "Unload" and win.picker.unload_button.isEnabled()


def test_reply_survives_a_cpu_whose_extra_kernels_die(qtbot, main_window, monkeypatch):
    """On an AMX machine llama.cpp's extra CPU kernels die by SIGILL at the first reply: the reply still
    comes (the model process is loaded again without them), and the window says once what was switched off."""
    from engine.host import cpu_fallback

    monkeypatch.setenv(cpu_fallback.TEST_SWITCH, "decode")
    win = main_window
    load(qtbot, win)
    win.chat.sampling_overrides = {"max_tokens": 8, "ignore_eos": True}
    win.chat.input.setPlainText("hello")
    with qtbot.waitSignal(win.chat.replyFinished, timeout=60000) as fin:
        win.chat.send_button.click()
    assert fin.args[0]["finish_reason"] == "length" and fin.args[0]["completion_tokens"] == 8
    assert win.chat.view.messages[-1]["complete"] is True and win.chat.view.messages[-1]["content"]
    qtbot.waitUntil(lambda: "switched them off" in win.banner.text, timeout=5000)
    assert win.banner.kind == "info" and "model process stopped" not in win.banner.text
    assert win.bridge.client.cpu_fallback["extra_buffer_types"] is False
