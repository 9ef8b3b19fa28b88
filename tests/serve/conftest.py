"""`python main.py serve` as a real subprocess on loopback, read until it prints its URL."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("uvicorn")
pytest.importorskip("sse_starlette")
pytest.importorskip("openai")

READY = re.compile(r"^Hearth serves (?P<model>.+) at (?P<url>http://127\.0\.0\.1:(?P<port>\d+)/v1)$")


class ServeProcess:
    def __init__(self, *args, home: Path, api_key: str | None = None, env: dict | None = None):
        e = dict(os.environ) | {"HEARTH_HOME": str(home)}
        e.pop("HEARTH_POLICY", None)
        e.update(env or {})
        cmd = [sys.executable, str(ROOT / "main.py"), "serve", *map(str, args)]
        if api_key is not None:
            cmd.append("--api-key-stdin")
        self.stderr_path = home / "serve-stderr.txt"
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=e, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr, text=True)
        if api_key is not None:
            self.proc.stdin.write(api_key + "\n")
        self.proc.stdin.close()
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.model = None

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_ready(self, timeout: float = 90) -> str:
        line = self.lines.get(timeout=timeout)
        if line is None:
            raise AssertionError(f"serve exited ({self.proc.wait()}) before it was ready: {self.stderr()}")
        m = READY.match(line)
        assert m, f"unexpected first line from serve: {line!r}"
        self.url, self.model = m["url"], m["model"]
        return self.url

    def stderr(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        return self.stderr_path.read_text()

    def stop(self, sig=signal.SIGINT, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stderr.close()
        return self.proc.returncode


def wait_until(condition, timeout: float = 30, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)


@pytest.fixture(scope="module")
def served(tmp_path_factory, tiny_model):
    """One tiny chat model served on a free loopback port for the whole module."""
    home = tmp_path_factory.mktemp("serve-home")
    server = ServeProcess("--model", tiny_model, "--port", "0", home=home)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
