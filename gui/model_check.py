"""Models → Check a model file: reads a GGUF file's header on a worker thread (never the GUI thread)
and answers with a Qt signal; MainWindow shows the answer in its banner."""

from __future__ import annotations

import threading

from gui.qt import QObject, Signal

from engine.errors import HearthError


class ModelCheckRelay(QObject):
    """Models → Check a model file: the header is read on a worker thread."""

    done = Signal(str, str)      # path, "" when valid else the reason

    def start(self, path: str) -> None:
        threading.Thread(target=self._run, args=(path,), name="check-model", daemon=True).start()

    def _run(self, path: str) -> None:
        from engine.gguf_check import check_file

        try:
            check_file(path)
            error = ""
        except HearthError as e:
            error = str(e)
        except Exception as e:
            error = f"{type(e).__name__}: {e}"
        try:
            self.done.emit(path, error)
        except RuntimeError:
            pass
