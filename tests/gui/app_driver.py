"""Runs the real app window in a subprocess and chats, printing what it shows.

Used by test_app_killed.py: the parent SIGKILLs this process mid-stream and then
checks the database. Prints "SENT <text>" once a user message is shown and
"STREAMING <n>" as reply text arrives.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def main(model_path: str) -> None:
    from gui.qt import QtCore, QtWidgets
    from engine.config import AppConfig
    from gui.app import MainWindow

    app = QtWidgets.QApplication([])
    cfg = AppConfig.load()
    cfg.settings.set("load", {"n_ctx": 32768})
    win = MainWindow(cfg, auto_load=False)
    win.chat.sampling_overrides = {"max_tokens": 30000, "ignore_eos": True}
    prompts = ["first message", "second message 東京", "third message"]
    state = {"i": 0}

    def send_next(*_):
        if state["i"] >= len(prompts):
            return
        text = prompts[state["i"]]
        state["i"] += 1
        if state["i"] < len(prompts):
            win.chat.sampling_overrides = {"max_tokens": 20, "ignore_eos": True}
        else:
            win.chat.sampling_overrides = {"max_tokens": 30000, "ignore_eos": True}
        win.chat.input.setPlainText(text)
        win.chat.send()
        print(f"SENT {text}", flush=True)

    def on_tokens(t):
        print(f"STREAMING {len(win.chat.view.messages[-1]['content'])}", flush=True)

    class Driver(QtCore.QObject):
        # Bound methods of a GUI-thread QObject: bridge signals arrive queued on the GUI thread.
        @QtCore.Slot(dict)
        def on_loaded(self, info):
            QtCore.QTimer.singleShot(0, send_next)

        @QtCore.Slot(str)
        def on_tokens(self, t):
            on_tokens(t)

    driver = Driver()
    win.bridge.loaded.connect(driver.on_loaded)
    win.chat.replyFinished.connect(lambda s: QtCore.QTimer.singleShot(0, send_next))
    win.bridge.tokensArrived.connect(driver.on_tokens)
    win.load_model(model_path)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1])
