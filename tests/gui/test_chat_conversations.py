"""Chat pane with stored conversations: regenerate, edit, search, delete/undo,
export/import, context trimming, crash recovery, persistence."""

import os

import pytest

from engine.store import Store
from tests.gui.conftest import load


def send(qtbot, win, text, timeout=30000):
    win.chat.input.setPlainText(text)
    with qtbot.waitSignal(win.chat.replyFinished, timeout=timeout) as blocker:
        win.chat.send_button.click()
    return blocker.args[0]


@pytest.fixture
def ready(qtbot, main_window):
    load(qtbot, main_window)
    main_window.chat.sampling_overrides = {"max_tokens": 12, "ignore_eos": True}
    return main_window


def db(win):
    return Store(win.config.paths.database)


def test_messages_are_stored_with_model_and_stats(qtbot, ready):
    win = ready
    send(qtbot, win, "東京の天気は？ 🙂")
    cid = win.chat.conversation_id
    msgs = db(win).messages(cid)
    assert [m["role"] for m in msgs] == ["user", "assistant"]
    assert msgs[0]["content"] == "東京の天気は？ 🙂"
    assert msgs[1]["model"].endswith("tiny-chat.gguf")
    assert msgs[1]["complete"] is True
    assert msgs[1]["stats"]["completion_tokens"] == 12
    assert db(win).get_conversation(cid)["title"].startswith("東京")
    assert "東京の天気" in win.chat.view.toPlainText()


def test_regenerate_replaces_last_reply(qtbot, ready):
    win = ready
    send(qtbot, win, "first")
    old = win.chat.view.messages[-1]["id"]
    with qtbot.waitSignal(win.chat.replyFinished, timeout=30000):
        win.chat.regen_button.click()
    msgs = db(win).messages(win.chat.conversation_id)
    assert [m["role"] for m in msgs] == ["user", "assistant"]
    assert msgs[-1]["id"] != old


def test_edit_and_resend_replaces_later_messages(qtbot, ready):
    win = ready
    send(qtbot, win, "one")
    send(qtbot, win, "two")
    with qtbot.waitSignal(win.chat.replyFinished, timeout=30000):
        win.chat.edit_and_resend(0, "one, edited")
    msgs = db(win).messages(win.chat.conversation_id)
    assert [m["content"] for m in msgs if m["role"] == "user"] == ["one, edited"]
    assert len(msgs) == 2
    assert [m["role"] for m in win.chat.view.messages] == ["user", "assistant"]


def test_search_delete_undo(qtbot, ready):
    win = ready
    send(qtbot, win, "apples and pears")
    first = win.chat.conversation_id
    win.chat.new_conversation()
    send(qtbot, win, "an entirely different topic")
    second = win.chat.conversation_id
    assert first != second
    win.chat.search("pears")
    assert win.chat.sidebar.ids() == [first]
    win.chat.search("")
    assert win.chat.sidebar.ids() == [second, first]  # newest first
    win.chat.delete_conversation(first)
    assert win.chat.sidebar.ids() == [second]
    assert not win.chat.sidebar.undo_row.isHidden()
    restored = win.chat.undo_delete()   # saved by the storage thread, then listed and opened
    qtbot.waitUntil(lambda: restored.done and first in win.chat.sidebar.ids(), timeout=10000)
    assert restored.value == first and win.chat.conversation_id == first
    assert db(win).messages(first)[0]["content"] == "apples and pears"


def test_export_import_round_trip(qtbot, ready, tmp_path):
    win = ready
    send(qtbot, win, "remember **this**")
    cid = win.chat.conversation_id
    win.chat.export_conversation(cid, "json", tmp_path / "c.json")
    win.chat.export_conversation(cid, "md", tmp_path / "c.md")
    assert "remember **this**" in (tmp_path / "c.md").read_text(encoding="utf-8")
    imported = win.chat.import_conversation(tmp_path / "c.json")   # saved by the storage thread
    qtbot.waitUntil(lambda: imported.done and win.chat.conversation_id == imported.value, timeout=10000)
    new_id = imported.value
    assert new_id and new_id != cid
    a = [(m["role"], m["content"]) for m in db(win).messages(cid)]
    b = [(m["role"], m["content"]) for m in db(win).messages(new_id)]
    assert a == b
    assert win.chat.conversation_id == new_id
    # a broken file is a readable banner, nothing imported
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    before = len(db(win).list_conversations())
    assert win.chat.import_conversation(tmp_path / "bad.json") is None
    assert "Could not import" in win.banner.text
    assert len(db(win).list_conversations()) == before


def test_context_trimming_marks_forgotten_messages(qtbot, main_window, tiny_small_ctx_model):
    win = main_window
    load(qtbot, win, str(tiny_small_ctx_model))
    win.chat.sampling_overrides = {"max_tokens": 24, "ignore_eos": True}
    stats = None
    for i in range(8):
        stats = send(qtbot, win, f"message number {i} about the word and the other word")
        assert stats["finish_reason"] != "error", stats
    assert stats["dropped_messages"] > 0
    assert stats["prompt_tokens"] + stats["completion_tokens"] <= 128
    assert "outside the model's memory" in win.chat.view.toPlainText()
    assert "outside the model's memory" in win.banner.text


def test_host_killed_mid_reply_keeps_partial(qtbot, main_window):
    win = main_window
    win.config.settings.set("load", {"n_ctx": 32768})
    load(qtbot, win, "tiny-long")
    win.chat.sampling_overrides = {"max_tokens": 30000, "ignore_eos": True}
    win.chat.input.setPlainText("go on")
    with qtbot.waitSignal(win.chat.replyFinished, timeout=60000) as fin:
        win.chat.send_button.click()
        qtbot.waitUntil(lambda: len(win.chat.view.messages[-1]["content"]) > 20, timeout=20000)
        os.kill(win.bridge.client.pid, 9)
    assert fin.args[0]["finish_reason"] == "error"
    assert "model process stopped" in win.banner.text
    saved = db(win).messages(win.chat.conversation_id)[-1]
    assert saved["role"] == "assistant" and saved["complete"] is False and len(saved["content"]) > 20
    # the GUI is alive and the next message works (fresh host)
    win.chat.sampling_overrides = {"max_tokens": 8, "ignore_eos": True}
    assert send(qtbot, win, "again", timeout=60000)["finish_reason"] == "length"


def test_conversation_reopens_after_restart(qtbot, ready, tiny_model):
    from engine.config import AppConfig
    from gui.app import MainWindow

    win = ready
    send(qtbot, win, "persist me")
    cid = win.chat.conversation_id
    win.shutdown()
    win2 = MainWindow(AppConfig.load(), auto_load=False)
    qtbot.addWidget(win2)
    try:
        assert win2.chat.conversation_id == cid
        assert "persist me" in win2.chat.view.toPlainText()
    finally:
        win2.shutdown()


def test_long_conversation_opens(qtbot, main_window):
    """500 messages / ~200 KB render in one document build."""
    win = main_window
    s = db(win)
    cid = s.create_conversation(title="long")
    para = "これは長い会話です。Some **markdown** with `code` and more words. " * 6
    for i in range(250):
        s.add_message(cid, "user", f"question {i}: {para}")
        s.add_message(cid, "assistant", f"answer {i}\n\n```python\nprint({i})\n```\n\n{para}")
    win.chat.refresh_conversations()
    win.chat.open_conversation(cid)
    assert len(win.chat.view.messages) == 500
    text = win.chat.view.toPlainText()
    assert "answer 249" in text
    assert "Show 440 earlier messages" in text and "answer 0\n" not in text
    from gui.qt import QtCore

    win.chat.view._on_anchor(QtCore.QUrl(win.chat.view.action_href("earlier")))
    assert "answer 0" in win.chat.view.toPlainText()


def test_switching_model_mid_conversation(qtbot, ready):
    win = ready
    send(qtbot, win, "asked the first model")
    load(qtbot, win, "tiny-long")
    win.chat.sampling_overrides = {"max_tokens": 6, "ignore_eos": True}
    send(qtbot, win, "asked the second model")
    replies = [m for m in db(win).messages(win.chat.conversation_id) if m["role"] == "assistant"]
    assert replies[0]["model"].endswith("tiny-chat.gguf")
    assert replies[1]["model"].endswith("tiny-long.gguf")
    assert len(db(win).messages(win.chat.conversation_id)) == 4


def test_ime_composition_commits_into_input(qtbot, main_window):
    """Japanese input methods compose (preedit) then commit text into the box."""
    from gui.qt import QtGui, QtWidgets

    box = main_window.chat.input
    box.setFocus()
    pre = QtGui.QInputMethodEvent("とうきょう", [])
    QtWidgets.QApplication.sendEvent(box, pre)
    commit = QtGui.QInputMethodEvent("", [])
    commit.setCommitString("東京")
    QtWidgets.QApplication.sendEvent(box, commit)
    assert box.toPlainText() == "東京"


def test_copy_code_block_and_message(qtbot, main_window):
    from gui.qt import QtCore, QtWidgets

    view = main_window.chat.view
    view.set_messages([{"role": "user", "content": "show code"},
                       {"role": "assistant", "content": "Here:\n\n```python\nprint('hi')\n```\n\nDone.",
                        "complete": True}])
    view._on_anchor(QtCore.QUrl(view.action_href("copy", 0)))
    assert QtWidgets.QApplication.clipboard().text() == "print('hi')\n"
    view._on_anchor(QtCore.QUrl(view.action_href("msgcopy", 1)))
    assert QtWidgets.QApplication.clipboard().text().startswith("Here:")
    assert "Copy code" in view.toPlainText()


def test_a_conversation_with_settings_of_the_wrong_kind_opens_whole(qtbot, main_window, tmp_path):
    """Issue 18 part 4: settings stored by an older version ("hot", "abc", 10**12) made the panel raise with the
    conversation half-opened; they are left out (the defaults show) and the rest opens."""
    import json

    win = main_window
    s = db(win)
    cid = s.create_conversation(title="odd settings")
    s.add_message(cid, "user", "hello")
    bad = {"sampling": {"temperature": "hot", "top_k": 10 ** 12, "top_p": 0.5, "max_tokens": [1]},
           "load": {"n_ctx": 10 ** 12, "gpu_layers": "abc"}}
    with s._guard() as c:
        c.execute("UPDATE conversations SET settings_json = ? WHERE id = ?", (json.dumps(bad), cid))
    win.chat.refresh_conversations()
    panel = win.chat.settings_panel
    default_temperature = panel.fields["temperature"].value()
    win.chat.open_conversation(cid)
    assert win.chat.conversation_id == cid
    assert [m["content"] for m in win.chat.view.messages] == ["hello"]
    assert panel.fields["temperature"].value() == default_temperature
    assert panel.fields["top_p"].value() == 0.5
    assert panel.ctx.value() == 0 and panel.gpu.currentText() == "auto"
    assert panel.settings()["load"] == {"n_ctx": 0, "gpu_layers": "auto"}
    # The same values in a file are refused on import, in one sentence, and nothing is imported.
    before = len(s.list_conversations())
    f = tmp_path / "odd.json"
    f.write_text(json.dumps({"format": "hearth.conversation", "version": 1, "settings": bad, "messages": []}),
                 encoding="utf-8")
    pending = win.chat.import_conversation(f)
    qtbot.waitUntil(lambda: pending.done, timeout=10000)
    assert 'setting "temperature" must be a number' in win.banner.text
    f.write_text("[" * 200_000, encoding="utf-8")
    assert win.chat.import_conversation(f) is None
    assert "nested more than 16 levels deep" in win.banner.text
    assert len(s.list_conversations()) == before
