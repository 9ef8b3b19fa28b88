"""SIGKILL the whole app mid-stream: the database is intact and holds every sent message."""

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from engine.store import Store

DRIVER = Path(__file__).with_name("app_driver.py")


def _lines(stream, q):
    for line in stream:
        q.put(line.strip())
    q.put(None)


def _saved_reply_chars(dbfile: Path, nth: int) -> int:
    """Characters saved of the ``nth`` assistant message (read-only, no waiting on locks)."""
    try:
        con = sqlite3.connect(f"file:{dbfile}?mode=ro", uri=True, timeout=0.2)
        try:
            rows = con.execute("SELECT length(content) FROM messages WHERE role='assistant' "
                               "ORDER BY id").fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return 0
    return int(rows[nth - 1][0] or 0) if len(rows) >= nth else 0


def test_sigkill_mid_stream_loses_nothing_sent(hearth_home, tiny_long_model, tmp_path):
    env = dict(os.environ, HEARTH_HOME=str(hearth_home), QT_QPA_PLATFORM="offscreen")
    err_path = tmp_path / "app-stderr.txt"
    err = open(err_path, "w")
    proc = subprocess.Popen([sys.executable, str(DRIVER), str(tiny_long_model)], env=env,
                            stdout=subprocess.PIPE, stderr=err, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
    dbfile = hearth_home / "data" / "hearth.sqlite3"

    def why() -> str:
        err.flush()
        return f"app stderr:\n{err_path.read_text(errors='replace')[-3000:]}"

    sent = []
    host_pids = []
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = ""
            assert line is not None, f"the app exited early (code {proc.poll()}); {why()}"
            assert time.monotonic() < deadline, f"the app did not stream in time; {why()}"
            if line.startswith("SENT "):
                sent.append(line[5:])
            # Kill once the third reply has streamed for a while.
            if len(sent) == 3 and line.startswith("STREAMING ") and int(line.split()[1]) > 2000:
                break
        import psutil

        host_pids = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
        # Kill only once a periodic save of the streaming reply has reached the database.
        while _saved_reply_chars(dbfile, 3) == 0:
            assert time.monotonic() < deadline, f"the streaming reply was never saved; {why()}"
            assert proc.poll() is None, f"the app exited early; {why()}"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        err.close()
        for pid in host_pids:  # the orphaned host process, if it outlived its parent
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert sent == ["first message", "second message 東京", "third message"]

    con = sqlite3.connect(dbfile)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    store = Store(dbfile)
    conv = store.list_conversations()[0]
    msgs = store.messages(conv["id"])
    users = [m["content"] for m in msgs if m["role"] == "user"]
    assert users == sent
    last = msgs[-1]
    assert last["role"] == "assistant" and last["complete"] is False
    assert len(last["content"]) > 0  # the streamed part was saved
    assert all(m["complete"] for m in msgs[:-1] if m["role"] == "assistant")
