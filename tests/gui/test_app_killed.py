"""SIGKILL the whole app mid-stream: the database is intact and holds every sent message."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from engine.store import Store

DRIVER = Path(__file__).with_name("app_driver.py")


def test_sigkill_mid_stream_loses_nothing_sent(hearth_home, tiny_long_model):
    env = dict(os.environ, HEARTH_HOME=str(hearth_home), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, str(DRIVER), str(tiny_long_model)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    sent = []
    host_pids = []
    try:
        deadline = time.monotonic() + 120
        for line in proc.stdout:
            line = line.strip()
            if line.startswith("SENT "):
                sent.append(line[5:])
            # Kill once the third reply has streamed for a while (past a 1 s save).
            if len(sent) == 3 and line.startswith("STREAMING ") and int(line.split()[1]) > 2000:
                break
            assert time.monotonic() < deadline, "the app did not stream in time"
        import psutil

        host_pids = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
        time.sleep(1.2)  # let at least one periodic save of the reply happen
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in host_pids:  # the orphaned host process, if it outlived its parent
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert sent == ["first message", "second message 東京", "third message"]

    dbfile = hearth_home / "data" / "hearth.sqlite3"
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
