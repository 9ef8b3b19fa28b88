"""WorkerThreads (gui/worker_threads.py): each worker on its own named QThread, one bounded stop.

What the Ask and Compare panes rely on: a worker's jobs run on its own thread, never the GUI's; ``stop``
cancels first, then quits and waits each thread at most ``timeout_ms``; a worker is closed only once its
thread has finished (so nothing still uses what is closed), at most once; a thread that does not stop in
time is logged and left unclosed, and ``stop`` still returns in bounded time; stopping twice is harmless.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest

from gui.qt import QObject, QThread, Signal, Slot
from gui.worker_threads import Threaded, WorkerThreads

log = logging.getLogger("tests.worker_threads")


class Worker(QObject):
    """Records where its job and its close ran; a job may block until released or cancelled."""

    jobRequested = Signal(float)            # seconds to block (0: return at once)

    def __init__(self, events: list, name: str):
        super().__init__()
        self.events = events
        self.name = name
        self.job_ident: int | None = None
        self.job_thread: QThread | None = None
        self.started = threading.Event()
        self.cancelled = threading.Event()
        self.release = threading.Event()
        self.closed: list[tuple[int, bool]] = []     # (thread ident, its own QThread finished then)
        self.jobRequested.connect(self._job)

    def cancel(self) -> None:
        self.events.append(f"cancel {self.name}")
        self.cancelled.set()

    @Slot(float)
    def _job(self, block_s: float) -> None:
        self.job_ident = threading.get_ident()
        self.job_thread = QThread.currentThread()
        self.started.set()
        deadline = time.monotonic() + block_s
        while time.monotonic() < deadline and not self.cancelled.is_set() and not self.release.is_set():
            time.sleep(0.005)

    def close(self) -> None:
        self.events.append(f"close {self.name}")
        self.closed.append((threading.get_ident(), self.thread().isFinished()))


class Stubborn(Worker):
    """Its job ignores cancel: only ``release`` ends it."""

    @Slot(float)
    def _job(self, block_s: float) -> None:
        self.job_ident = threading.get_ident()
        self.started.set()
        self.release.wait(block_s)


_made: list[tuple[WorkerThreads, tuple[Worker, ...]]] = []


def _owner(*workers: Worker, late: bool = True) -> WorkerThreads:
    owner = WorkerThreads(log, *(Threaded(w, f"hearth-test-{w.name}", cancel=w.cancel,
                                          late=f"the {w.name} thread did not stop in time" if late else None)
                                 for w in workers))
    _made.append((owner, workers))
    return owner


@pytest.fixture(autouse=True)
def _no_thread_left():
    """Whatever a test asserted, its threads end before their QThreads are freed (else Qt aborts)."""
    yield
    while _made:
        owner, workers = _made.pop()
        for w in workers:
            w.release.set()
        for w in workers:
            owner.thread_of(w).quit()
            owner.thread_of(w).wait(5000)


def test_each_worker_runs_on_its_own_named_thread(qtbot):
    events: list = []
    a, b = Worker(events, "a"), Worker(events, "b")
    owner = _owner(a, b)
    try:
        gui = QThread.currentThread()
        ta, tb = owner.thread_of(a), owner.thread_of(b)
        assert a.thread() is ta and b.thread() is tb
        assert ta is not tb and gui not in (ta, tb)
        assert (ta.objectName(), tb.objectName()) == ("hearth-test-a", "hearth-test-b")
        assert ta.isRunning() and tb.isRunning()
        a.jobRequested.emit(0.0)
        b.jobRequested.emit(0.0)
        qtbot.waitUntil(lambda: a.job_ident is not None and b.job_ident is not None, timeout=5000)
        main = threading.get_ident()
        assert len({a.job_ident, b.job_ident, main}) == 3       # queued to two threads, neither the GUI's
        assert a.job_thread is ta and b.job_thread is tb
        with pytest.raises(KeyError):
            owner.thread_of(Worker(events, "stranger"))
    finally:
        owner.stop(5000)


def test_stop_cancels_first_then_ends_the_threads_and_closes_each_worker_after_its_thread(qtbot):
    events: list = []
    a, b = Worker(events, "a"), Worker(events, "b")
    owner = _owner(a, b)
    a.jobRequested.emit(60.0)                  # a long job: only the cancel ends it
    assert a.started.wait(5)
    t0 = time.monotonic()
    owner.stop(5000)
    assert time.monotonic() - t0 < 3
    assert events == ["cancel a", "cancel b", "close a", "close b"]
    for w in (a, b):
        assert owner.thread_of(w).isFinished()
        assert len(w.closed) == 1
        ident, finished = w.closed[0]
        assert finished                         # closed only after its own thread had ended
        assert ident == threading.get_ident()   # from the stopping thread: the worker's has no loop left


def test_a_thread_past_the_timeout_is_reported_left_open_and_stop_returns_in_bound(qtbot, caplog):
    events: list = []
    slow, quick = Stubborn(events, "slow"), Worker(events, "quick")
    owner = _owner(slow, quick)
    slow.jobRequested.emit(30.0)
    assert slow.started.wait(5)
    try:
        with caplog.at_level(logging.WARNING, logger=log.name):
            t0 = time.monotonic()
            owner.stop(300)
            took = time.monotonic() - t0
        assert took < 2.0                        # 300 ms for the late thread; the quick one at once
        late = [r for r in caplog.records if r.name == log.name]
        assert [r.getMessage() for r in late] == ["the slow thread did not stop in time"]
        assert late[0].levelno == logging.WARNING
        assert owner.thread_of(slow).isRunning()
        assert slow.closed == []                  # never closed under its running job
        assert events == ["cancel slow", "cancel quick", "close quick"]
    finally:
        slow.release.set()
        assert owner.thread_of(slow).wait(5000)
    owner.stop(1000)                              # a later stop closes it, once it has ended
    assert events[-1] == "close slow" and len(slow.closed) == 1 and slow.closed[0][1]


def test_a_late_thread_without_a_sentence_is_not_reported(qtbot, caplog):
    events: list = []
    slow = Stubborn(events, "slow")
    owner = _owner(slow, late=False)
    slow.jobRequested.emit(30.0)
    assert slow.started.wait(5)
    try:
        with caplog.at_level(logging.DEBUG, logger=log.name):
            owner.stop(100)
        assert [r for r in caplog.records if r.name == log.name] == []
    finally:
        slow.release.set()
        assert owner.thread_of(slow).wait(5000)
        owner.stop(1000)


def test_stop_twice_is_harmless(qtbot, caplog):
    events: list = []
    a, b = Worker(events, "a"), Worker(events, "b")
    owner = _owner(a, b)
    with caplog.at_level(logging.DEBUG, logger=log.name):
        owner.stop(5000)
        t0 = time.monotonic()
        owner.stop(5000)
        assert time.monotonic() - t0 < 1
    assert len(a.closed) == 1 and len(b.closed) == 1            # each closed once
    assert events.count("close a") == 1 and events.count("close b") == 1
    assert [r for r in caplog.records if r.name == log.name] == []


def test_an_error_closing_a_worker_is_logged_not_raised(qtbot, caplog):
    class Broken(Worker):
        def close(self) -> None:
            super().close()
            raise OSError("disk gone")

    events: list = []
    a, b = Broken(events, "a"), Worker(events, "b")
    owner = _owner(a, b)
    with caplog.at_level(logging.WARNING, logger=log.name):
        owner.stop(5000)
    assert events[-2:] == ["close a", "close b"]                 # the next worker is still closed
    rec = [r for r in caplog.records if r.name == log.name]
    assert len(rec) == 1 and rec[0].exc_info and "disk gone" in str(rec[0].exc_info[1])
    assert "hearth-test-a" in rec[0].getMessage()


def test_the_panes_owners_keep_their_names_and_attributes(qtbot, hearth_home):
    from engine.config import AppConfig
    from gui.panes.ask.worker import AskThreads, DataWorker as AskData, IndexWorker
    from gui.panes.compare.worker import CompareThreads, DataWorker as CompareData, RunWorker

    config = AppConfig.load()
    ask, compare = AskThreads(config), CompareThreads(config)
    try:
        assert isinstance(ask.index, IndexWorker) and isinstance(ask.data, AskData)
        assert ask.index.thread() is ask.index_thread and ask.data.thread() is ask.data_thread
        assert (ask.index_thread.objectName(), ask.data_thread.objectName()) == ("hearth-ask-index",
                                                                                   "hearth-ask-data")
        assert isinstance(compare.runs, RunWorker) and isinstance(compare.data, CompareData)
        assert compare.runs.thread() is compare.run_thread and compare.data.thread() is compare.data_thread
        assert (compare.run_thread.objectName(), compare.data_thread.objectName()) == ("hearth-compare-run",
                                                                                       "hearth-compare-data")
    finally:
        ask.shutdown()
        compare.shutdown()
    for t in (ask.index_thread, ask.data_thread, compare.run_thread, compare.data_thread):
        assert t.isFinished()
    assert ask.index._cancel_upto == 1 << 62 and compare.runs._cancel_upto == 1 << 62    # cancelled first


def test_close_quietly_closes_each_and_logs_one_that_fails(caplog):
    from gui.worker_threads import close_quietly

    closed = []

    class Good:
        def close(self):
            closed.append("good")

    class Broken:
        def close(self):
            raise OSError("disk gone")

    with caplog.at_level(logging.WARNING, logger="gui.workers"):
        close_quietly(Broken(), None, Good())
    assert closed == ["good"]                        # the failure did not stop the rest
    assert [r.getMessage() for r in caplog.records] == ["Broken did not close cleanly"]
