"""The bridge's library refresh: a hostile file or an unexpected failure never hides the library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import bad_headers as B


@pytest.fixture
def config(hearth_home):
    from engine.config import AppConfig

    return AppConfig.load()


def test_deeply_nested_file_does_not_stop_the_library(qtbot, config, tiny_model):
    """Through the real bridge thread: the good model is listed, the bad one with its reason."""
    from gui.bridge import EngineThread

    models = Path(config.paths.models_dir)
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, models / "good.gguf")
    (models / "deep.gguf").write_bytes(B.build([B.ARCH, B.nested_arrays("deep.key", 10_000)]))
    engine = EngineThread(config)
    try:
        with qtbot.waitSignal(engine.bridge.libraryChanged, timeout=20000) as sig:
            engine.bridge.refreshLibraryRequested.emit()
    finally:
        engine.shutdown()
    entries = {e.name: e for e in sig.args[0]}
    assert entries["good"].ok
    assert "nests arrays more than 64 levels deep" in entries["deep"].error


def test_unexpected_failure_emits_a_failure_and_an_empty_list(qtbot, config, monkeypatch):
    from gui.bridge import EngineBridge

    bridge = EngineBridge(config)

    def broken():
        raise RuntimeError("the disk fell off")

    monkeypatch.setattr(bridge.library, "list_models", broken)
    monkeypatch.setattr(bridge.library, "ensure_starter", lambda: None)
    failures = []
    bridge.loadFailed.connect(failures.append)  # emitted on this (the test's) thread: direct call
    with qtbot.waitSignal(bridge.libraryChanged, timeout=5000) as sig:
        bridge._refresh_library()
    assert sig.args == [[]]
    assert failures == ["The model library could not be listed: the disk fell off"]
    bridge.shutdown()
