"""Python's garbage collector runs on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate; if that is
the bridge thread (or a download thread) and the garbage holds the last
reference to a Qt widget, the widget is destroyed off the GUI thread and the
process crashes. So, as pyqtgraph does, automatic collection is switched off
while the GUI runs and a timer on the GUI thread collects instead, generation
by generation with Python's own thresholds.
"""

from __future__ import annotations

import gc

from gui.qt import QObject, QTimer

_instance: "GuiThreadGarbageCollector | None" = None
_users = 0


class GuiThreadGarbageCollector(QObject):
    def __init__(self, interval_ms: int = 500):
        super().__init__()
        self.threshold = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        l0, l1, l2 = gc.get_count()
        if l0 > self.threshold[0]:
            gc.collect(0)
            if l1 > self.threshold[1]:
                gc.collect(1)
                if l2 > self.threshold[2]:
                    gc.collect(2)

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()  # here, on the GUI thread, before automatic collection returns
        if self.was_enabled:
            gc.enable()


def install() -> None:
    """Start (or share) the GUI-thread collector; call from the GUI thread."""
    global _instance, _users
    _users += 1
    if _instance is None:
        _instance = GuiThreadGarbageCollector()


def uninstall() -> None:
    global _instance, _users
    _users = max(0, _users - 1)
    if _users == 0 and _instance is not None:
        _instance.stop()
        _instance = None
