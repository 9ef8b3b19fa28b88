"""The app with a remote endpoint: its models in the picker marked with the host, the chat pane saying
where the text goes, and the reply coming through the bridge thread's RemoteClient."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("PySide6")


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp):
    from gui import gc_guard

    gc_guard.install()
    yield
    gc_guard.uninstall()


def test_remote_model_in_picker_and_chat(qtbot, hearth_home, fake_server, tiny_model):
    from engine.config import AppConfig
    from engine.remote.endpoints import EndpointRegistry, remember_models
    from gui.app import MainWindow

    models = hearth_home / "data" / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, models / "tiny-chat.gguf")
    config = AppConfig.load()
    EndpointRegistry(config).add("lab", fake_server.url("plain"))
    remember_models(config, "lab", ["fake"])          # as `endpoints test lab` leaves it
    before = fake_server.requests["plain"]
    win = MainWindow(AppConfig.load(), auto_load=False)
    qtbot.addWidget(win)
    try:
        combo = win.picker.combo
        qtbot.waitUntil(lambda: combo.findData("lab:fake") >= 0, timeout=60000)
        host = f"127.0.0.1:{fake_server.port}"
        assert combo.itemText(combo.findData("lab:fake")) == f"lab:fake — remote ({host})"
        assert fake_server.requests["plain"] == before      # listing contacted nothing
        assert win.chat.remote_note.isHidden()

        win.load_model("lab:fake")
        qtbot.waitUntil(lambda: win.chat.model_info is not None and win.chat.model_info.get("remote"),
                        timeout=30000)
        assert not win.chat.remote_note.isHidden()
        assert win.chat.remote_note.text() == f"Your text is sent to {host}"
        assert getattr(win.bridge.client, "is_remote", False)

        with qtbot.waitSignal(win.bridge.generationFinished, timeout=30000) as sig:
            win.chat.send("hello from the app")
        assert sig.args[0]["text"] == "Summary: hello from the app [p. 1]"

        local = next(str(e.path) for e in win.picker.entries if e.path.name.startswith("tiny-chat"))
        win.load_model(local)
        qtbot.waitUntil(lambda: win.loaded_path == local and not win.chat.model_info.get("remote"), timeout=60000)
        assert win.chat.remote_note.isHidden()
        assert not getattr(win.bridge.client, "is_remote", False)
    finally:
        win.shutdown()
