"""Real servers on loopback: llama-cpp-python's own OpenAI-compatible server with a tiny generated
model (with and without an API key), and our own small server for cut streams and busy answers.
Module-scoped: each server starts once per test module."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import run_cli
from tests.tiny_gguf import CHATML_TEMPLATE, make_tiny_gguf

pytest.importorskip("fastapi")
pytest.importorskip("pydantic_settings")
pytest.importorskip("starlette_context")
pytest.importorskip("uvicorn")

API_KEY = "sk-test-7f3a9c"
MODEL_ID = "tiny"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """``python -m llama_cpp.server`` as a subprocess (extra buffer types off, so it runs on every
    CPU: tests/remote/llama_server_any_cpu.py); its output goes to ``log``."""

    def __init__(self, model: Path, workdir: Path, api_key: str | None = None):
        self.port = free_port()
        self.log = workdir / f"llama-server-{self.port}.log"
        cmd = [sys.executable, str(Path(__file__).with_name("llama_server_any_cpu.py")), "--model", str(model), "--model_alias", MODEL_ID,
               "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "4096", "--n_threads", "1"]
        if api_key:
            cmd += ["--api_key", api_key]
        self._out = open(self.log, "w")
        self.proc = subprocess.Popen(cmd, stdout=self._out, stderr=subprocess.STDOUT,
                                     env=dict(os.environ, PYTHONUNBUFFERED="1"))
        self.url = f"http://127.0.0.1:{self.port}/v1"
        deadline = time.monotonic() + 90
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/models", headers=headers, timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("llama_cpp.server did not start in 90 s")
            time.sleep(0.2)

    def output(self) -> str:
        self._out.flush()
        return self.log.read_text(errors="replace")

    def requests(self, route: str = "") -> int:
        """How many HTTP requests the server has answered (to ``route``: ``"POST /v1/chat/completions"``),
        from its access log."""
        return sum(1 for line in self.output().splitlines()
                   if line.startswith("INFO:") and " HTTP/1.1\" " in line and f'"{route}' in line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()


@pytest.fixture(scope="session")
def server_model(models_dir) -> Path:
    """Tiny chat model with a 32K trained context, words only: long replies, fast."""
    return make_tiny_gguf(models_dir / "tiny-remote.gguf", chat_template=CHATML_TEMPLATE, n_ctx=32768,
                          text_only=True)


@pytest.fixture(scope="module")
def llama_server(server_model, tmp_path_factory):
    srv = LlamaServer(server_model, tmp_path_factory.mktemp("llama-server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def keyed_server(server_model, tmp_path_factory):
    srv = LlamaServer(server_model, tmp_path_factory.mktemp("llama-server-key"), api_key=API_KEY)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def fake_server():
    from tests.remote.fakeserver import FakeServer

    srv = FakeServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def tls_fake_server(tmp_path):
    """A FakeServer over TLS with a self-signed certificate for 127.0.0.1: ``(server, certificate path)``
    (the certificate doubles as the CA bundle that trusts it)."""
    import shutil

    from tests.remote.fakeserver import FakeServer

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    srv = FakeServer(certfile=str(cert), keyfile=str(key)).start()
    yield srv, cert
    srv.stop()


@pytest.fixture
def cli_env(tmp_path, hearth_home):
    """Environment for CLI subprocesses: this test's HEARTH_HOME and a file keyring."""
    return {"HEARTH_HOME": str(hearth_home), "PYTHON_KEYRING_BACKEND": "tests.hub.file_keyring.FileKeyring",
            "HEARTH_TEST_KEYRING_FILE": str(tmp_path / "keyring.json")}


@pytest.fixture
def hearth(cli_env):
    """``hearth("chat", ...)``: the CLI as a subprocess in this test's home."""
    def run(*args, input=None, timeout=120):
        return run_cli(*args, env=cli_env, input=input, timeout=timeout)
    return run


def add_endpoint(hearth, name: str, url: str, key: str | None = None):
    r = hearth("endpoints", "add", name, url, *(["--api-key-stdin"] if key is not None else []),
               input=(key + "\n") if key is not None else None)
    assert r.returncode == 0, r.stderr
    return r
