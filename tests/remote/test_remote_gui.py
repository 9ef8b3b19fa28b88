"""The app with a remote endpoint: its models in the picker marked with the host, the chat pane saying
where the text goes, and the reply coming through the bridge thread's RemoteClient."""

from __future__ import annotations

import re
import shutil

import pytest

pytest.importorskip("PySide6")


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp):
    from gui import gc_guard

    gc_guard.install()
    yield
    gc_guard.uninstall()


def test_remote_model_in_picker_and_chat(qtbot, hearth_home, llama_server, tiny_model):
    """A real llama_cpp.server: its model in the picker (listing contacts nothing), loading it says where the
    text goes, a reply comes from that server, and a local model afterwards takes the note away."""
    from engine.config import AppConfig
    from engine.remote.endpoints import EndpointRegistry, remember_models
    from gui.app import MainWindow
    from tests.remote.conftest import MODEL_ID

    models = hearth_home / "data" / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, models / "tiny-chat.gguf")
    config = AppConfig.load()
    EndpointRegistry(config).add("lab", llama_server.url)
    remember_models(config, "lab", [MODEL_ID])          # as `endpoints test lab` leaves it
    ref = f"lab:{MODEL_ID}"
    before = llama_server.requests()
    win = MainWindow(AppConfig.load(), auto_load=False)
    qtbot.addWidget(win)
    try:
        combo = win.picker.combo
        qtbot.waitUntil(lambda: combo.findData(ref) >= 0, timeout=60000)
        host = f"127.0.0.1:{llama_server.port}"
        assert combo.itemText(combo.findData(ref)) == f"{ref} — remote ({host})"
        assert llama_server.requests() == before      # listing contacted nothing
        assert win.chat.remote_note.isHidden()

        win.load_model(ref)
        qtbot.waitUntil(lambda: win.chat.model_info is not None and win.chat.model_info.get("remote"),
                        timeout=30000)
        assert not win.chat.remote_note.isHidden()
        assert win.chat.remote_note.text() == f"Your text is sent to {host}"
        assert getattr(win.bridge.client, "is_remote", False)

        chats = llama_server.requests("POST /v1/chat/completions")
        win.chat.sampling_overrides = {"max_tokens": 8}
        with qtbot.waitSignal(win.bridge.generationFinished, timeout=60000) as sig:
            win.chat.send("hello from the app")
        stats = sig.args[0]
        assert stats["finish_reason"] == "length" and stats["completion_tokens"] == 8 and stats["text"].strip()
        assert llama_server.requests("POST /v1/chat/completions") == chats + 1   # written by that server
        qtbot.waitUntil(lambda: win.chat.view.messages[-1]["content"] == stats["text"], timeout=10000)

        local = next(str(e.path) for e in win.picker.entries if e.path.name.startswith("tiny-chat"))
        win.load_model(local)
        qtbot.waitUntil(lambda: win.loaded_path == local and not win.chat.model_info.get("remote"), timeout=60000)
        assert win.chat.remote_note.isHidden()
        assert not getattr(win.bridge.client, "is_remote", False)
    finally:
        win.shutdown()


def test_a_cut_stream_in_the_app_keeps_the_partial_reply_saved_as_incomplete(qtbot, hearth_home, fake_server):
    """The server drops the connection mid-reply: the app shows the error in one sentence, and the words
    that arrived stay in the transcript and in the database, marked incomplete."""
    from engine.config import AppConfig
    from engine.remote.endpoints import EndpointRegistry, remember_models
    from engine.store import Store
    from gui.app import MainWindow
    from tests.remote.fakeserver import CUT_CHUNKS

    config = AppConfig.load()
    EndpointRegistry(config).add("cutter", fake_server.url("cut"))
    remember_models(config, "cutter", ["fake"])
    win = MainWindow(AppConfig.load(), auto_load=False)
    qtbot.addWidget(win)
    try:
        qtbot.waitUntil(lambda: win.picker.combo.findData("cutter:fake") >= 0, timeout=60000)
        win.load_model("cutter:fake")
        qtbot.waitUntil(lambda: win.chat.model_info is not None and win.chat.model_info.get("remote"),
                        timeout=30000)
        with qtbot.waitSignal(win.chat.replyFinished, timeout=30000) as sig:
            win.chat.send("hello")
        assert sig.args[0]["finish_reason"] == "error"
        assert "was cut mid-reply; the reply is incomplete" in sig.args[0]["error"], sig.args[0]["error"]
        partial = "".join(CUT_CHUNKS)
        assert win.chat.view.messages[-1]["content"] == partial
        cid = win.chat.conversation_id

        def saved():
            msgs = Store(config.paths.database).messages(cid)
            return msgs[-1] if msgs and msgs[-1]["role"] == "assistant" else None
        qtbot.waitUntil(lambda: saved() is not None and saved()["content"] == partial, timeout=10000)
        assert saved()["complete"] is False
    finally:
        win.shutdown()


def test_remote_errors_are_translated_through_the_engine_catalogue(qapp, fake_server, llama_server):
    """The sentences a remote model really raises (cut stream, unknown model on a real llama_cpp.server,
    unreachable server, a server that stays busy) are in gui/engine_messages' catalogue, so the app shows them
    in Japanese."""
    import socket

    from engine.errors import HearthError
    from engine.host.protocol import LoadOptions, SamplingOptions
    from engine.remote.client import RemoteClient
    from engine.remote.endpoints import Endpoint
    from gui import engine_messages as em, i18n

    def raised(base: str, model: str, chat: bool) -> str:
        client = RemoteClient(Endpoint("lab", base), model, api_key="")
        try:
            client.load(None, LoadOptions(n_ctx=2048))
            if chat:
                client.chat([{"role": "user", "content": "hi"}], SamplingOptions(max_tokens=8))
        except HearthError as e:
            return str(e)
        finally:
            client.unload()
        pytest.fail(f"{base} {model}: nothing raised")

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    closed = s.getsockname()[1]
    s.close()
    sentences = [raised(fake_server.url("cut"), "fake", True),
                 raised(llama_server.url, "nosuch", False),
                 raised(f"http://127.0.0.1:{closed}/v1", "fake", False),
                 raised(fake_server.url("busy-503-99-tr"), "fake", True)]
    assert [em.is_known(t) for t in sentences] == [True] * 4, sentences
    assert i18n.install_translation(qapp, "ja") == "ja"
    try:
        for text in sentences:
            ja = em.translate(text)
            assert ja != text and re.search(r"[ぁ-んァ-ン一-龯]", ja), (text, ja)
    finally:
        i18n.install_translation(qapp, "en")
