"""The window never waits on the database (issue 7, sections 6 and 7).

Another process (a CLI script, another Hearth) holds the SQLite write lock: typing
and sending keep the event loop ticking, a banner says the changes wait, and
everything lands once the lock is released. A database locked at start does not
stop the window from opening; database errors in chat actions are banners.
"""

import gc
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from tests.gui.conftest import load
from tests.gui.test_chat_window import Heartbeat  # counts the gap up to stop() too

LOCKER = r"""
import sqlite3, sys
path, mode = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(path, isolation_level=None, timeout=30)
if mode == "exclusive":
    # Exclusive locking mode: not even readers get in (another program doing a long rewrite).
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("INSERT INTO presets (name, text, created_at, updated_at) VALUES ('lock', '', '', '')")
else:
    conn.execute("BEGIN IMMEDIATE")   # what a writing CLI process holds while it writes
print("LOCKED", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
conn.close()
print("RELEASED", flush=True)
"""


class Locker:
    """A separate process holding a lock on the database until ``release()``."""

    def __init__(self, path, mode="immediate"):
        self.proc = subprocess.Popen([sys.executable, "-c", LOCKER, str(path), mode], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        assert line == "LOCKED", (line, self.proc.stderr.read())

    def release(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
            assert self.proc.stdout.readline().strip() == "RELEASED"
            self.proc.wait(10)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def lockers():
    started = []

    def start(path, mode="immediate"):
        lk = Locker(path, mode)
        started.append(lk)
        return lk

    yield start
    for lk in started:
        lk.kill()


def rows(db_path, sql, params=()):
    """Read the database file with a connection of its own, as another program would."""
    conn = sqlite3.connect(str(db_path), timeout=5)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def send(qtbot, win, text):
    win.chat.input.setPlainText(text)
    with qtbot.waitSignal(win.chat.replyFinished, timeout=30000) as blocker:
        win.chat.send_button.click()
    return blocker.args[0]


class GuiThreadSQL:
    """Every SQL statement the GUI thread runs from now on, on the connections open now and on new ones (SQLite's
    trace callback runs on the thread that runs the statement). What the window waits on, without a clock."""

    def __init__(self, monkeypatch):
        self.statements: list[str] = []
        gui = threading.main_thread().ident

        def trace(sql):
            if threading.get_ident() == gui:
                self.statements.append(sql)

        for obj in gc.get_objects():
            if isinstance(obj, sqlite3.Connection):
                try:
                    obj.set_trace_callback(trace)
                except sqlite3.Error:
                    pass            # closed, or bound to another thread (the GUI thread cannot use it)
        real_connect = sqlite3.connect

        def connect(*args, **kwargs):
            conn = real_connect(*args, **kwargs)
            conn.set_trace_callback(trace)
            return conn
        monkeypatch.setattr(sqlite3, "connect", connect)

    def writes(self) -> list[str]:
        return [s for s in self.statements if not re.match(r"\s*(SELECT|PRAGMA|WITH|EXPLAIN)\b", s, re.I)]

    def busy_timeouts_ms(self) -> list[int]:
        """The lock waits the GUI thread's connections were given (PRAGMA busy_timeout = N)."""
        return [int(m.group(1)) for s in self.statements if (m := re.match(r"\s*PRAGMA busy_timeout = (\d+)", s))]


# Far above the scheduling noise of 2 busy cores, below what a statement waiting the default busy timeout
# (engine.store.BUSY_TIMEOUT_MS, 10 s) on the GUI thread would freeze it for; GuiThreadSQL says exactly.
GAP_BOUND_S = 5.0


def test_typing_and_sending_while_another_process_holds_the_write_lock(qtbot, main_window, lockers, monkeypatch):
    win = main_window
    db = win.config.paths.database
    load(qtbot, win)
    win.chat.sampling_overrides = {"max_tokens": 8, "ignore_eos": True}
    send(qtbot, win, "before the lock")
    cid = win.chat.conversation_id
    assert cid is not None and win.chat.storage_banner.isHidden()
    qtbot.waitUntil(win.chat.storage.idle, timeout=10000)

    gui_sql = GuiThreadSQL(monkeypatch)
    locker = lockers(db, "immediate")
    beat = Heartbeat()
    beat.start()
    # Type into the system prompt, key by key (every key used to be a write on the GUI thread).
    qtbot.keyClicks(win.chat.settings_panel.system, "Brief")
    # ... and send a message; the reply streams and finishes while the database stays locked.
    win.chat.input.setPlainText("sent while locked")
    win.chat.send_button.click()
    assert "sent while locked" in win.chat.view.toPlainText()     # shown at once
    qtbot.waitUntil(lambda: not win.chat.generating, timeout=30000)
    # The storage thread found the lock: the banner says the changes are kept.
    qtbot.waitUntil(lambda: not win.chat.storage_banner.isHidden(), timeout=10000)
    assert "database is busy" in win.chat.storage_banner.text
    assert "will be saved" in win.chat.storage_banner.text
    ticks_while_locked = beat.ticks
    beat.stop()
    # The GUI thread wrote nothing while the lock was held (a write is what would wait on it: readers of a WAL
    # database never do), so the event loop went on.
    assert gui_sql.writes() == [], gui_sql.writes()
    assert ticks_while_locked > 20
    assert beat.max_gap < GAP_BOUND_S, f"the event loop stalled for {beat.max_gap:.2f} s"
    # Nothing reached the file yet: the lock really held the writes back.
    assert rows(db, "SELECT system_prompt FROM conversations WHERE id = ?", (cid,)) == [("",)]
    assert not rows(db, "SELECT 1 FROM messages WHERE content = 'sent while locked'")

    with qtbot.waitSignal(win.chat.replyFinished, timeout=20000):   # "shown and saved"
        locker.release()
    qtbot.waitUntil(lambda: rows(db, "SELECT system_prompt FROM conversations WHERE id = ?", (cid,))
                    == [("Brief",)], timeout=10000)
    msgs = rows(db, "SELECT role, content, complete FROM messages WHERE conversation_id = ? ORDER BY position",
                (cid,))
    assert [m[0] for m in msgs] == ["user", "assistant", "user", "assistant"]
    assert msgs[2][1] == "sent while locked"
    assert msgs[3][1] == win.chat.view.messages[-1]["content"] and msgs[3][2] == 1
    qtbot.waitUntil(lambda: win.chat.storage_banner.isHidden(), timeout=10000)


def test_settings_are_written_once_after_typing_stops(qtbot, main_window, monkeypatch):
    from engine.store import Store

    win = main_window
    load(qtbot, win)
    win.chat.sampling_overrides = {"max_tokens": 4, "ignore_eos": True}
    send(qtbot, win, "hello")
    calls = []
    real = Store.update_conversation_settings

    def counting(self, *a, **kw):
        calls.append(kw.get("system_prompt"))
        return real(self, *a, **kw)

    monkeypatch.setattr(Store, "update_conversation_settings", counting)
    qtbot.keyClicks(win.chat.settings_panel.system, "You are terse.")
    assert calls == []   # not one write per keystroke
    qtbot.waitUntil(lambda: calls == ["You are terse."] and win.chat.storage.idle(), timeout=5000)
    db = win.config.paths.database
    assert rows(db, "SELECT system_prompt FROM conversations WHERE id = ?",
                (win.chat.conversation_id,)) == [("You are terse.",)]


def test_window_opens_while_the_database_is_locked_at_start(qtbot, hearth_home, tiny_model, lockers, monkeypatch):
    from engine.config import AppConfig
    from engine.store import Store
    from gui.app import MainWindow
    from gui.storage import READ_BUSY_TIMEOUT_MS

    config = AppConfig.load()
    models = config.paths.models_dir
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, models / "tiny-chat.gguf")
    with Store(config.paths.database) as s:
        cid = s.create_conversation(title="kept")
        s.add_message(cid, "user", "an earlier question")

    locker = lockers(config.paths.database, "exclusive")   # not even reads get in
    gui_sql = GuiThreadSQL(monkeypatch)
    started = time.perf_counter()
    win = MainWindow(AppConfig.load(), auto_load=False)
    qtbot.addWidget(win)
    try:
        built_in = time.perf_counter() - started
        win.show()
        # Whatever the GUI thread asked of the locked database, it gave up after its short wait: every connection
        # it opened waits READ_BUSY_TIMEOUT_MS at most, and it wrote nothing.
        assert gui_sql.busy_timeouts_ms() and max(gui_sql.busy_timeouts_ms()) <= READ_BUSY_TIMEOUT_MS, \
            gui_sql.busy_timeouts_ms()
        assert gui_sql.writes() == [], gui_sql.writes()
        assert built_in < GAP_BOUND_S, f"the window took {built_in:.1f} s to open"
        qtbot.waitUntil(lambda: not win.chat.storage_banner.isHidden(), timeout=5000)
        assert "busy" in win.chat.storage_banner.text and "another Hearth process" in win.chat.storage_banner.text
        assert win.chat.conversation_id is None and win.chat.sidebar.ids() == []

        locker.release()
        # Once the database is free, the conversations appear and the latest one opens.
        qtbot.waitUntil(lambda: win.chat.conversation_id == cid, timeout=10000)
        assert win.chat.sidebar.ids() == [cid]
        assert "an earlier question" in win.chat.view.toPlainText()
        assert win.chat.storage_banner.isHidden()
    finally:
        win.shutdown()


def test_database_errors_in_chat_actions_are_banners(qtbot, main_window):
    """A conversation deleted by another process (the CLI) while the window shows it, a bad
    preset name: each becomes a sentence in the banner, never a traceback."""
    from engine.store import Store

    win = main_window
    load(qtbot, win)
    win.chat.sampling_overrides = {"max_tokens": 4, "ignore_eos": True}
    send(qtbot, win, "soon gone")
    cid = win.chat.conversation_id
    with Store(win.config.paths.database) as other:   # e.g. python main.py delete-conversation
        other.delete_conversation(cid)

    win.chat.rename_conversation(cid, "new title")
    qtbot.waitUntil(lambda: "Could not rename" in win.banner.text, timeout=5000)
    assert f"no conversation with id {cid}" in win.banner.text

    qtbot.keyClicks(win.chat.settings_panel.system, "x")   # settings of the vanished conversation
    qtbot.waitUntil(lambda: "Could not save the chat settings" in win.banner.text, timeout=5000)

    win.chat._delete_preset("no such preset")
    qtbot.waitUntil(lambda: "Could not delete the preset" in win.banner.text, timeout=5000)
    win.chat._save_preset("   ", "text")
    qtbot.waitUntil(lambda: "Could not save the preset" in win.banner.text, timeout=5000)

    win.banner.hide()
    win.chat.delete_conversation(cid)
    assert "Could not delete the conversation" in win.banner.text

    # A reply whose conversation vanished: the partial and final saves fail readably.
    win.chat.new_conversation()
    send(qtbot, win, "a fresh start")
    cid2 = win.chat.conversation_id
    win.config.settings.set("load", {"n_ctx": 32768})
    load(qtbot, win, "tiny-long")
    win.chat.sampling_overrides = {"max_tokens": 30000, "ignore_eos": True}
    win.chat.input.setPlainText("a long one")
    with qtbot.waitSignal(win.chat.replyFinished, timeout=30000):
        win.chat.send_button.click()
        qtbot.waitUntil(lambda: win.chat.storage.idle() and len(win.chat.view.messages[-1]["content"]) > 10,
                        timeout=20000)
        with Store(win.config.paths.database) as other:
            other.delete_conversation(cid2)
        qtbot.waitUntil(lambda: "Could not save" in win.banner.text, timeout=5000)
        win.chat.stop()
    assert "no message with id" in win.banner.text
