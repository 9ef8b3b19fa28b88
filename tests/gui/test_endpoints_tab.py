"""Preferences → Servers: add an endpoint (API key in the keyring only), Test it against a real
llama_cpp.server on loopback (off the GUI thread), and every picker — the main one, the compare
rows — learns its models; the compare pane says where the text goes and routes a run through the
RemoteClient. Adding, listing and removing contact nothing; the administrator's endpoints are
locked; a policy without remote endpoints disables the page; an allow-list is enforced."""

from __future__ import annotations

import json
import threading

import pytest

from engine.config import AppConfig
from gui.qt import QtWidgets
from tests.hub.conftest import memory_keyring  # noqa: F401 (fixture)
from tests.remote.conftest import (API_KEY, MODEL_ID, keyed_server, llama_server,  # noqa: F401 (fixtures)
                                   server_model)


@pytest.fixture(autouse=True)
def _keyring(memory_keyring):  # noqa: F811
    return memory_keyring


def servers_tab(qtbot, win):
    win.show_preferences()
    w = win.settings_window
    qtbot.waitUntil(lambda: w.isVisible(), timeout=5000)
    w.tabs.setCurrentWidget(w.endpoints_tab)
    return w.endpoints_tab


@pytest.fixture
def make_tab(settings_widget):
    """``make_tab()``: the Servers page alone, on this test's home (its worker threads end after)."""
    from gui.settings.endpoints_tab import EndpointsTab

    return lambda: settings_widget(EndpointsTab)


def row_texts(tab, name):
    for i in range(tab.table.topLevelItemCount()):
        item = tab.table.topLevelItem(i)
        if item.text(0).split(" ")[0] == name:
            return [item.text(c) for c in range(tab.table.columnCount())]
    return None


def test_add_through_the_dialog_then_test_teaches_every_picker(qtbot, main_window, keyed_server, _keyring):
    win = main_window
    tab = servers_tab(qtbot, win)
    host = f"127.0.0.1:{keyed_server.port}"
    with qtbot.waitSignal(tab.dialogShown, timeout=5000):
        tab.add_button.click()
    d = tab.add_dialog
    assert d.verify_box.isChecked()                       # TLS verification on by default
    d.name_edit.setText("lab")
    d.url_edit.setText(keyed_server.url)
    d.key_edit.setText(API_KEY)
    with qtbot.waitSignal(tab.actionFinished, timeout=10000) as sig:
        d.ok_button.click()
    assert sig.args[:2] == ["add", True], sig.args
    qtbot.waitUntil(lambda: (row_texts(tab, "lab") or [""] * 6)[4] == "set", timeout=10000)
    assert row_texts(tab, "lab") == ["lab", keyed_server.url, host, "on", "set", "you"]
    # The key went to the keyring, never to the settings file.
    assert _keyring.store[("Hearth", "endpoint:lab")] == API_KEY
    settings_text = win.config.paths.settings_file.read_text()
    assert API_KEY not in settings_text
    assert win.picker.combo.findData(f"lab:{MODEL_ID}") < 0   # not tested yet: no models known

    # Test: returns at once, runs on another thread, then shows one sentence and the models.
    gui_thread = threading.get_ident()
    ran_on = []
    import gui.settings.endpoints_tab as mod

    real_test = mod._test

    def spy(config, name):
        ran_on.append(threading.get_ident())
        return real_test(config, name)

    mod._test = spy
    try:
        assert tab.select("lab")
        with qtbot.waitSignal(tab.testFinished, timeout=30000) as sig:
            tab.test_button.click()
            assert tab.testing == "lab" and not tab.test_button.isEnabled()
            assert tab.status.text() == "Testing lab…"
    finally:
        mod._test = real_test
    assert ran_on and ran_on[0] != gui_thread
    name, ok, text = sig.args
    assert (name, ok) == ("lab", True), text
    assert text.startswith(f"lab: {host} answered in ") and text.endswith(" ms with 1 model(s).")
    assert tab.status.text() == text
    assert [tab.models_list.item(i).text() for i in range(tab.models_list.count())] == [f"lab:{MODEL_ID}"]
    assert tab.test_button.isEnabled()

    # Every picker learns the model, marked remote with its host.
    ref = f"lab:{MODEL_ID}"
    qtbot.waitUntil(lambda: win.picker.combo.findData(ref) >= 0, timeout=5000)
    assert win.picker.combo.itemText(win.picker.combo.findData(ref)) == f"{ref} — remote ({host})"
    row = win.compare_pane.model_rows[0]
    assert row.combo.itemText(row.combo.findData(ref)) == f"{ref} — remote ({host})"
    # ...and a fresh start finds it too (remembered, nothing contacted).
    from engine.remote.resolve import picker_entries

    assert [e["ref"] for e in picker_entries(AppConfig.load())] == [ref]

    # Compare: choosing the remote model says where the text goes, near Run.
    pane = win.compare_pane
    assert pane.remote_note.isHidden()
    local = next(str(e.path) for e in win.picker.entries if e.path.name.startswith("tiny-chat"))
    pane.set_models([local, ref])
    assert not pane.remote_note.isHidden()
    assert pane.remote_note.text() == f"Your text is sent to {host}"
    # Context and GPU layers are the server's business: disabled for the remote row only.
    local_row, remote_row = pane.model_rows[:2]
    assert local_row.ctx.isEnabled() and local_row.gpu.isEnabled()
    assert not remote_row.ctx.isEnabled() and not remote_row.gpu.isEnabled()
    assert remote_row.gpu.toolTip() == "Set by the server for a remote model"
    pane.set_models([local, local])
    assert pane.remote_note.isHidden()
    assert remote_row.ctx.isEnabled() and remote_row.gpu.isEnabled()
    assert remote_row.gpu.toolTip().startswith("Layers to put on the GPU")


def test_compare_run_routes_the_remote_model_through_the_server(qtbot, main_window, llama_server):
    from engine.remote.endpoints import EndpointRegistry, remember_models

    win = main_window
    config = win.config
    ref = f"ls:{MODEL_ID}"
    EndpointRegistry(config).add("ls", llama_server.url)
    remember_models(config, "ls", [MODEL_ID])
    tab = servers_tab(qtbot, win)
    tab._emit_models()                       # as after a Test: the pickers learn "ls:tiny"
    pane = win.compare_pane
    qtbot.waitUntil(lambda: pane.model_rows[1].combo.findData(ref) >= 0, timeout=5000)
    local = next(str(e.path) for e in win.picker.entries if e.path.name.startswith("tiny-chat"))
    pane.set_models([local, ref])
    pane.prompt_edit.setPlainText("compare me")
    pane.max_tokens.setValue(8)
    before = llama_server.requests("POST /v1/chat/completions")
    with qtbot.waitSignal(pane.runFinished, timeout=120000):
        assert pane.run() is not None
    results = pane.last_run["results"]
    remote = next(r for r in results if r["path"] == ref)
    assert remote["error"] is None, remote
    assert remote["text"].strip() and remote["completion_tokens"] == 8
    assert llama_server.requests("POST /v1/chat/completions") == before + 1     # that server wrote it
    local_result = next(r for r in results if r["path"] != ref)
    assert local_result["error"] is None and local_result["completion_tokens"] > 0


def test_add_list_remove_contact_nothing_and_test_says_why_it_failed(qtbot, make_tab, llama_server,
                                                                    keyed_server, _keyring):
    tab = make_tab()
    before = llama_server.requests()
    with qtbot.waitSignal(tab.actionFinished, timeout=10000) as sig:
        tab.add_endpoint("fk", llama_server.url, api_key="sk-abc", verify=False)
    assert sig.args[:2] == ["add", True]
    qtbot.waitUntil(lambda: (row_texts(tab, "fk") or [""] * 6)[4] == "set", timeout=10000)
    assert row_texts(tab, "fk")[3] == "off"
    tab.refresh()
    with qtbot.waitSignal(tab.actionFinished, timeout=10000) as sig:
        tab.remove_endpoint("fk")
    assert sig.args[:2] == ["remove", True]
    assert row_texts(tab, "fk") is None
    assert ("Hearth", "endpoint:fk") not in _keyring.store        # the key went with it
    assert llama_server.requests() == before                      # nothing was contacted

    # A server that wants a key, added without one: the Test fails in one sentence.
    with qtbot.waitSignal(tab.actionFinished, timeout=10000):
        tab.add_endpoint("nokey", keyed_server.url)
    with qtbot.waitSignal(tab.testFinished, timeout=30000) as sig:
        assert tab.test_endpoint("nokey")
    name, ok, text = sig.args
    assert (name, ok) == ("nokey", False)
    assert text.startswith(f"The server at 127.0.0.1:{keyed_server.port} needs an API key (HTTP 401)")
    assert tab.status.text() == text and tab.models_list.isHidden()


def test_bad_input_is_one_sentence(qtbot, make_tab):
    tab = make_tab()
    with qtbot.waitSignal(tab.actionFinished, timeout=10000) as sig:
        tab.add_endpoint("lab", "ftp://example.com/v1")
    assert sig.args[:2] == ["add", False]
    assert sig.args[2] == "'ftp://example.com/v1' is not an http:// or https:// URL (for example " \
                          "https://llm.intra.example/v1)."
    assert tab.table.topLevelItemCount() == 0


def test_administrator_endpoints_are_locked_and_hosts_allow_listed(qtbot, make_tab, hearth_home):
    (hearth_home / "policy.json").write_text(json.dumps({
        "endpoints": [{"name": "corp", "url": "https://llm.corp.example/v1"}],
        "allow_remote_hosts": ["llm.corp.example"]}))
    tab = make_tab()
    qtbot.waitUntil(lambda: row_texts(tab, "corp") is not None and row_texts(tab, "corp")[4] != "…", timeout=10000)
    assert row_texts(tab, "corp") == ["corp", "https://llm.corp.example/v1", "llm.corp.example", "on", "none",
                                      "🔒 administrator"]
    assert tab.select("corp")
    assert not tab.remove_button.isEnabled()
    assert tab.remove_button.toolTip() == "Set by your administrator: it cannot be removed here."
    assert tab.test_button.isEnabled() and tab.add_button.isEnabled()
    with qtbot.waitSignal(tab.actionFinished, timeout=5000) as sig:
        tab.remove_endpoint("corp")
    assert sig.args == ["remove", False, "corp is set by your administrator and cannot be removed here."]
    with qtbot.waitSignal(tab.actionFinished, timeout=10000) as sig:
        tab.add_endpoint("mine", "http://127.0.0.1:9/v1")
    assert sig.args[:2] == ["add", False]
    assert sig.args[2].startswith("127.0.0.1 is not on your administrator's list of allowed inference servers")
    assert row_texts(tab, "mine") is None


def test_policy_without_remote_endpoints_disables_the_page(qtbot, make_tab, hearth_home):
    (hearth_home / "policy.json").write_text(json.dumps({"remote_endpoints": False}))
    tab = make_tab()
    assert not tab.policy_note.isHidden()
    assert tab.policy_note.text() == "Remote endpoints are switched off by your administrator."
    for w in (tab.add_button, tab.remove_button, tab.test_button, tab.table):
        assert not w.isEnabled()
    tab.open_add_dialog()
    assert tab.add_dialog is None
    assert tab.test_endpoint("anything") is False


def test_preferences_has_the_servers_and_local_api_pages(settings_widget, hearth_home):
    from gui.settings.settings_window import SettingsWindow

    w = settings_widget(SettingsWindow)
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    assert titles[-2:] == ["Servers", "Local API"]
    assert isinstance(w.endpoints_tab, QtWidgets.QWidget) and isinstance(w.serve_tab, QtWidgets.QWidget)


def test_summarise_with_a_remote_model_says_where_the_text_goes(qtbot, main_window, llama_server, tmp_path):
    from engine.remote.endpoints import EndpointRegistry, remember_models

    win = main_window
    EndpointRegistry(win.config).add("ls", llama_server.url)
    remember_models(win.config, "ls", [MODEL_ID])
    host = f"127.0.0.1:{llama_server.port}"
    pane = win.summarize_pane
    assert pane.remote_note.isHidden()
    win.load_model(f"ls:{MODEL_ID}")
    qtbot.waitUntil(lambda: pane.model_info is not None and pane.model_info.get("remote"), timeout=30000)
    assert not pane.remote_note.isHidden()
    assert pane.remote_note.text() == f"Your text is sent to {host}"
    doc = tmp_path / "note.txt"
    doc.write_text("The quarterly report is due on Friday.\n", encoding="utf-8")
    before = llama_server.requests("POST /v1/chat/completions")
    assert pane.open_document(doc)
    qtbot.waitUntil(lambda: pane.document_info is not None, timeout=30000)
    with qtbot.waitSignal(pane.summaryShown, timeout=120000):
        assert pane.start()
    assert pane.last_result["summary"].strip()
    assert llama_server.requests("POST /v1/chat/completions") > before     # written by that server
    local = next(str(e.path) for e in win.picker.entries if e.path.name.startswith("tiny-chat"))
    win.load_model(local)
    qtbot.waitUntil(lambda: pane.model_info is not None and not pane.model_info.get("remote"), timeout=60000)
    assert pane.remote_note.isHidden()


def test_the_add_dialog_warns_about_a_key_over_plain_http(qtbot, make_tab, _keyring):
    """Issue 18 part 5: http:// to another computer shows why the key would travel unencrypted; the key is
    refused unless the box is ticked; http:// to this computer and https:// need nothing."""
    tab = make_tab()
    with qtbot.waitSignal(tab.dialogShown, timeout=5000):
        tab.add_button.click()
    d = tab.add_dialog
    for url, warned in (("https://llm.intra.example/v1", False), ("http://127.0.0.1:8080/v1", False),
                        ("http://llm.intra.example/v1", True)):
        d.url_edit.setText(url)
        assert d.insecure_note.isHidden() is not warned and d.insecure_box.isHidden() is not warned, url
    assert "unencrypted" in d.insecure_note.text() and not d.insecure_box.isChecked()
    d.name_edit.setText("lan")
    d.key_edit.setText("sk-lan")
    with qtbot.waitSignal(tab.actionFinished, timeout=10000) as sig:
        d.ok_button.click()
    assert sig.args[:2] == ["add", False]
    assert sig.args[2] == ("The API key would be sent unencrypted to llm.intra.example: its URL is http://, not "
                           "https://; use an https:// URL, or allow the key over plain http:// if this network is "
                           "trusted.")
    assert ("Hearth", "endpoint:lan") not in _keyring.store and tab.endpoint("lan") is None
    with qtbot.waitSignal(tab.actionFinished, timeout=10000) as sig:
        tab.add_endpoint("lan", "http://llm.intra.example/v1", api_key="sk-lan", allow_insecure_key=True)
    assert sig.args[:2] == ["add", True], sig.args
    qtbot.waitUntil(lambda: (row_texts(tab, "lan") or [""] * 6)[4] != "…", timeout=10000)
    assert row_texts(tab, "lan")[4] == "set, sent unencrypted (http://)"
    assert tab.endpoint("lan").allow_insecure_key
