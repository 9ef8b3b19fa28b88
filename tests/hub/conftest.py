"""Fixtures for the hub tests: a fake Hub on loopback, tiny GGUF files, an in-memory keyring."""

from __future__ import annotations

import hashlib
from pathlib import Path

import keyring
import keyring.backend
import pytest

from tests.hub.fakehub import FakeHub
from tests.tiny_gguf import CHATML_TEMPLATE, make_tiny_gguf


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture(scope="session")
def gguf_blobs(tmp_path_factory) -> dict[str, bytes]:
    """Distinct tiny GGUF files standing in for quantizations of one model."""
    d = tmp_path_factory.mktemp("hubfiles")
    out = {}
    for name, embd, seed in (("Tiny-Q4_K_M.gguf", 64, 1), ("Tiny-Q8_0.gguf", 96, 2), ("Tiny-F16.gguf", 128, 3)):
        out[name] = make_tiny_gguf(d / name, n_embd=embd, seed=seed, chat_template=CHATML_TEMPLATE).read_bytes()
    return out


@pytest.fixture
def memory_keyring():
    old = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(old)


@pytest.fixture
def fake_hub(monkeypatch, gguf_blobs, memory_keyring, tmp_path):
    """A running fake Hub with a few repositories; HF_ENDPOINT points at it (set after import)."""
    hub = FakeHub().start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    hub.add_repo("acme/Tiny-GGUF", dict(gguf_blobs), downloads=500, likes=7)
    split1 = gguf_blobs["Tiny-Q4_K_M.gguf"]
    split2 = hashlib.sha256(b"part two").digest() * 4000
    hub.add_repo("acme/Split-GGUF", {"Q8_0/Split-Q8_0-00001-of-00002.gguf": split1,
                                     "Q8_0/Split-Q8_0-00002-of-00002.gguf": split2,
                                     "README.md": b"# Split"}, downloads=20, likes=50,
                 last_modified="2026-06-01T00:00:00.000Z")
    hub.add_repo("gated/Locked-GGUF", {"Locked-Q4_K_M.gguf": gguf_blobs["Tiny-Q4_K_M.gguf"]},
                 gated=True, downloads=3, license="llama3.2")
    yield hub
    hub.stop()


@pytest.fixture
def config():
    from engine.config import AppConfig

    return AppConfig.load()


def fast_retry():
    from engine.hub.download import RetryPolicy

    return RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


def library_ggufs(config) -> list[Path]:
    root = Path(config.paths.models_dir)
    return [p for p in root.rglob("*.gguf") if ".partial" not in p.parts] if root.exists() else []
