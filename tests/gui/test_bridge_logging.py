"""The bridge's unexpected failures leave their traceback in the log at every log level (issue 17 §2); what the
user typed stays out, and an expected (Hearth) error is one sentence without a traceback."""

from __future__ import annotations

import logging

import pytest

from engine import logs
from engine.errors import EngineError

SECRET = "my secret prompt text"


@pytest.fixture
def config(hearth_home):
    from engine.config import AppConfig

    return AppConfig.load()


@pytest.fixture(params=["WARNING", "DEBUG"])
def log_file(request, tmp_path):
    """The app's log file, with Hearth's loggers at WARNING (the quietest a user can have) or DEBUG."""
    path = logs.setup_logging(tmp_path / "logs", debug=request.param == "DEBUG", component="test")
    assert path is not None
    for name in logs.OUR_LOGGERS:
        logging.getLogger(name).setLevel(request.param)
    try:
        yield path
    finally:
        logs.shutdown_logging()


@pytest.fixture
def bridge(qtbot, config):
    from gui.bridge import EngineBridge

    b = EngineBridge(config)
    yield b
    b.shutdown()


def _divide(*args, **kwargs):
    return 1 / 0     # the unexpected failure: no Hearth error, a bug


def _read(path) -> str:
    for h in logging.getLogger().handlers:
        h.flush()
    return path.read_text(encoding="utf-8")


def test_an_unexpected_load_failure_logs_its_traceback(bridge, log_file, monkeypatch, tiny_model):
    monkeypatch.setattr(bridge.client, "load", _divide)
    failed = []
    bridge.loadFailed.connect(failed.append)      # emitted on this thread: a direct call
    bridge._load(str(tiny_model), {})
    assert failed == ["The model could not be loaded: division by zero"]
    text = _read(log_file)
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError" in text
    assert "in _divide" in text                   # where it failed
    assert f"loading {tiny_model} failed" in text


def test_an_unexpected_chat_failure_logs_its_traceback_without_the_prompt(bridge, log_file, monkeypatch):
    monkeypatch.setattr(bridge.client, "chat", _divide)
    failed = []
    bridge.generationFailed.connect(failed.append)
    bridge._chat([{"role": "user", "content": SECRET}], {}, 0)
    assert failed == ["Generation failed: division by zero"]
    text = _read(log_file)
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError" in text
    assert "the reply failed" in text
    assert SECRET not in text                     # what the user typed stays out


def test_an_expected_chat_error_is_one_sentence_without_a_traceback(bridge, log_file, monkeypatch):
    def refuse(*args, **kwargs):
        raise EngineError("the model process stopped")

    monkeypatch.setattr(bridge.client, "chat", refuse)
    failed = []
    bridge.generationFailed.connect(failed.append)
    bridge._chat([{"role": "user", "content": SECRET}], {}, 0)
    assert failed == ["the model process stopped"]
    text = _read(log_file)
    assert "Traceback" not in text and SECRET not in text


def test_an_unexpected_library_failure_logs_its_traceback(qtbot, bridge, log_file, monkeypatch):
    monkeypatch.setattr(bridge.library, "list_models", _divide)
    monkeypatch.setattr(bridge.library, "ensure_starter", _divide)
    failed = []
    bridge.loadFailed.connect(failed.append)
    with qtbot.waitSignal(bridge.libraryChanged, timeout=5000) as sig:
        bridge._refresh_library()
    assert sig.args == [[]]
    assert failed == ["The model library could not be listed: division by zero",
                      "The starter model could not be prepared: division by zero"]
    text = _read(log_file)
    assert text.count("Traceback (most recent call last)") == 2
    assert "listing the model library failed" in text and "preparing the starter model failed" in text
