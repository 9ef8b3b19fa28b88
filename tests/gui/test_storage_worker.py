"""gui/storage.py: writes in order on their own thread, ids handed on, a locked database
retried without losing or repeating anything, failures as sentences."""

import threading

import pytest

from engine.store import Store
from gui.storage import Pending, StorageWorker, resolved
from tests.gui.test_db_locked import Locker


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "hearth.sqlite3"
    Store(path).close()
    return path


@pytest.fixture
def worker(db):
    w = StorageWorker(db, busy_timeout_ms=100, retry_s=0.05)
    yield w
    w.shutdown(timeout_s=5)


def test_jobs_run_in_order_off_the_gui_thread_and_hand_on_ids(qtbot, db, worker):
    threads = []

    def create(store, **kw):
        threads.append(threading.get_ident())
        return store.create_conversation(**kw)

    cid = worker.submit(create)
    assert isinstance(cid, Pending)
    mid = worker.submit(Store.add_message, cid, "user", "hello")   # takes the id before it exists
    qtbot.waitUntil(worker.idle, timeout=5000)
    assert threads and threads[0] != threading.main_thread().ident
    assert cid.done and mid.done and cid.error is None and mid.error is None
    assert resolved(cid) == cid.value and isinstance(cid.value, int)
    with Store(db) as s:
        assert s.messages(cid.value)[0]["id"] == mid.value
        assert s.get_conversation(cid.value)["title"] == "hello"   # the first message named it


def test_locked_database_waits_coalesces_and_loses_nothing(qtbot, db, worker):
    with Store(db) as s:
        cid = s.create_conversation()
    locker = Locker(db, "immediate")
    try:
        saved = []

        def update(store, mid, content):
            saved.append(content)
            store.update_message(mid, content=content, complete=False)

        with qtbot.waitSignal(worker.busyChanged, timeout=5000) as busy:
            mid = worker.submit(Store.add_message, cid, "assistant", "", complete=False)
            for i in range(5):   # a reply saved every second while the database is locked
                worker.submit(update, mid, f"partial {i}", key=("reply", mid))
        assert busy.args == [True] and worker.busy and not worker.idle()
        assert not mid.done
    finally:
        with qtbot.waitSignal(worker.busyChanged, timeout=5000) as free:
            locker.release()
    assert free.args == [False]
    qtbot.waitUntil(worker.idle, timeout=5000)
    assert saved == ["partial 4"]   # one write of the newest text, none lost, none repeated
    with Store(db) as s:
        assert [m["content"] for m in s.messages(cid)] == ["partial 4"]


def test_failures_are_sentences_and_dependents_fail_quietly(qtbot, worker):
    errors, reported = [], []
    worker.failed.connect(reported.append)
    bad = worker.submit(Store.add_message, 12345, "user", "x")     # no such conversation
    dependent = worker.submit(Store.update_message, bad, content="y")
    handled = worker.submit(Store.update_message, bad, content="z", on_error=errors.append)
    qtbot.waitUntil(worker.idle, timeout=5000)   # every job's result has been handled by now
    assert bad.error == dependent.error == handled.error == "no conversation with id 12345"
    assert errors == ["no conversation with id 12345"]          # the caller's own handler
    assert reported == ["no conversation with id 12345"]        # once: dependents fail quietly


def test_shutdown_saves_what_is_queued(qtbot, db):
    w = StorageWorker(db)
    with Store(db) as s:
        cid = s.create_conversation()
    for i in range(20):
        w.submit(Store.add_message, cid, "user", f"m{i}")
    assert w.shutdown(timeout_s=10)
    with Store(db) as s:
        assert [m["content"] for m in s.messages(cid)] == [f"m{i}" for i in range(20)]
