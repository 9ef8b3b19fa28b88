"""Preferences → Local API → "Requests the API answers": allowed web page origins, extra host names and the
request body limit (settings key "serve": allow_origins, allow_hosts, max_body_mb).

Values load from the settings and are saved as the engine reads them; a wrong line is refused with a
message naming it and nothing of that list is saved; the administrator's "disable": ["serve"] disables the
box with the tab's wording; while the API runs the box is disabled with a note, and the next start uses
what was changed."""

from __future__ import annotations

import json

import pytest

from engine.config import AppConfig

ORIGIN_HINT = " An origin is scheme://host or scheme://host:port, without a path."


@pytest.fixture
def make_tab(settings_widget):
    from gui.settings.serve_tab import ServeTab

    return lambda: settings_widget(ServeTab)


def saved() -> dict:
    return AppConfig.load().settings.get("serve") or {}


def focus_out(widget) -> None:
    """What leaving the field (Tab, a click elsewhere) sends it."""
    from gui.qt import QtCore, QtGui, QtWidgets

    QtWidgets.QApplication.sendEvent(widget, QtGui.QFocusEvent(QtCore.QEvent.Type.FocusOut,
                                                               QtCore.Qt.FocusReason.TabFocusReason))


def test_values_load_from_the_settings(make_tab):
    AppConfig.load().settings.set("serve", {"model": "/m.gguf", "allow_origins": ["https://intranet.example.com",
                                                                               "http://localhost:3000"],
                                            "allow_hosts": ["mypc.local"], "max_body_mb": 16})
    box = make_tab().access_box
    assert box.origins_edit.toPlainText() == "https://intranet.example.com\nhttp://localhost:3000"
    assert box.hosts_edit.toPlainText() == "mypc.local"
    assert box.body_spin.value() == 16
    assert box.origins_error.isHidden() and box.hosts_error.isHidden()


def test_defaults_and_the_engines_range(make_tab):
    from engine.serve.guard import DEFAULT_MAX_BODY_MB, MAX_BODY_MB

    box = make_tab().access_box
    assert box.origins_edit.toPlainText() == "" and box.hosts_edit.toPlainText() == ""
    assert box.body_spin.value() == DEFAULT_MAX_BODY_MB == 8
    assert (box.body_spin.minimum(), box.body_spin.maximum()) == (1, MAX_BODY_MB)
    assert box.body_spin.suffix() == " MB"
    assert saved() == {}                                   # opening the page writes nothing


def test_typing_saves_the_lists_as_the_engine_reads_them(qtbot, make_tab):
    """Typed entries are saved a moment after typing stops: lower case, no default port, no trailing slash,
    blank lines and repeats left out; the page's other keys are kept."""
    AppConfig.load().settings.set("serve", {"model": "/m.gguf", "port": 9000})
    box = make_tab().access_box
    with qtbot.waitSignal(box.saved, timeout=5000):
        qtbot.keyClicks(box.origins_edit, "HTTPS://Intranet.Example.com:443/")
    assert saved()["allow_origins"] == ["https://intranet.example.com"]
    with qtbot.waitSignal(box.saved, timeout=5000):
        box.origins_edit.setPlainText("https://intranet.example.com\n\nhttp://localhost:3000\nhttp://LOCALHOST:3000")
    assert saved()["allow_origins"] == ["https://intranet.example.com", "http://localhost:3000"]
    with qtbot.waitSignal(box.saved, timeout=5000):
        box.hosts_edit.setPlainText("MyPC.local.\n192.168.1.20")
    assert saved() == {"model": "/m.gguf", "port": 9000, "allow_origins": ["https://intranet.example.com",
                                                                            "http://localhost:3000"],
                       "allow_hosts": ["mypc.local", "192.168.1.20"]}

    # Leaving the field shows the list as saved.
    focus_out(box.hosts_edit)
    assert box.hosts_edit.toPlainText() == "mypc.local\n192.168.1.20"

    with qtbot.waitSignal(box.saved, timeout=5000):
        box.body_spin.setValue(32)
    assert saved()["max_body_mb"] == 32

    with qtbot.waitSignal(box.saved, timeout=5000):       # emptied: the key goes (none allowed, the default)
        box.origins_edit.setPlainText("")
    assert "allow_origins" not in saved() and saved()["allow_hosts"] == ["mypc.local", "192.168.1.20"]


def test_a_wrong_origin_is_refused_with_a_message_and_not_saved(qtbot, make_tab):
    AppConfig.load().settings.set("serve", {"allow_origins": ["https://intranet.example.com"]})
    box = make_tab().access_box
    box.origins_edit.setPlainText("https://intranet.example.com\nhttps://intranet.example.com/tools")
    # While typing, a wrong line is not pointed at yet, and nothing is saved.
    assert box.commit(quiet=True) is None
    assert box.origins_error.isHidden()
    with qtbot.waitSignal(box.refused, timeout=5000) as sig:
        focus_out(box.origins_edit)
    message = ("Line 2: 'https://intranet.example.com/tools' is not a web origin (like https://app.example or "
               "http://localhost:3000)." + ORIGIN_HINT)
    assert sig.args == [message]
    assert not box.origins_error.isHidden() and box.origins_error.text() == message
    assert saved()["allow_origins"] == ["https://intranet.example.com"]     # the last right list stays
    assert box.origins_edit.toPlainText().endswith("/tools")               # the entry stays to be corrected

    for wrong in ("*", "intranet.example.com", "ftp://intranet.example.com", "https://intranet.example.com:99999"):
        box.origins_edit.setPlainText(wrong)
        with qtbot.waitSignal(box.refused, timeout=5000) as sig:
            focus_out(box.origins_edit)
        assert sig.args[0].startswith(f"Line 1: {wrong!r} is not a web origin")
        assert saved()["allow_origins"] == ["https://intranet.example.com"]

    box.origins_edit.setPlainText("https://intranet.example.com\nhttps://tools.example.com")
    with qtbot.waitSignal(box.saved, timeout=5000):
        focus_out(box.origins_edit)
    assert box.origins_error.isHidden()
    assert saved()["allow_origins"] == ["https://intranet.example.com", "https://tools.example.com"]


def test_a_wrong_host_name_is_refused_with_a_message_and_not_saved(qtbot, make_tab):
    box = make_tab().access_box
    box.hosts_edit.setPlainText("mypc.local\nmypc.local:8080")
    with qtbot.waitSignal(box.refused, timeout=5000) as sig:
        focus_out(box.hosts_edit)
    message = "Line 2: 'mypc.local:8080' is not a host name (like mypc.local or 192.168.1.20)."
    assert sig.args == [message] and box.hosts_error.text() == message and not box.hosts_error.isHidden()
    assert "allow_hosts" not in saved()
    assert box.origins_error.isHidden()


def test_a_wrong_saved_value_is_pointed_at_when_the_page_opens(make_tab):
    """A hand-edited settings.json: the wrong entry is shown with its message (nothing is written)."""
    AppConfig.load().settings.set("serve", {"allow_hosts": ["mypc.local", "my pc"], "max_body_mb": 0})
    box = make_tab().access_box
    assert box.hosts_edit.toPlainText() == "mypc.local\nmy pc"
    assert box.hosts_error.text() == "Line 2: 'my pc' is not a host name (like mypc.local or 192.168.1.20)."
    assert box.body_spin.value() == 8                      # 0 is not a limit: the default is shown
    assert saved() == {"allow_hosts": ["mypc.local", "my pc"], "max_body_mb": 0}
    box.commit_body()                                      # before a start: the limit shown is the one used
    assert saved()["max_body_mb"] == 8


def test_switching_on_with_a_wrong_entry_is_refused_in_one_sentence(qtbot, make_tab, tiny_model):
    pytest.importorskip("uvicorn")
    pytest.importorskip("sse_starlette")
    tab = make_tab()
    tab.set_model(str(tiny_model))
    tab.access_box.origins_edit.setPlainText("https://intranet.example.com/app")
    with qtbot.waitSignal(tab.failed, timeout=5000) as sig:
        tab.switch.click()
    message = ("Line 1: 'https://intranet.example.com/app' is not a web origin (like https://app.example or "
               "http://localhost:3000)." + ORIGIN_HINT)
    assert sig.args == [message]
    assert tab.status.text() == message and tab.access_box.origins_error.text() == message
    assert not tab.switch.isChecked() and tab.server is None
    assert "allow_origins" not in saved()


def test_the_administrators_policy_disables_the_box_like_the_other_fields(make_tab, hearth_home):
    (hearth_home / "policy.json").write_text(json.dumps({"disable": ["serve"]}))
    AppConfig.load().settings.set("serve", {"allow_origins": ["https://intranet.example.com"]})
    tab = make_tab()
    box = tab.access_box
    assert tab.policy_note.text() == "Serving is switched off by your administrator."
    assert box in tab.fields and not box.isEnabled()
    assert not box.origins_edit.isEnabled() and not box.hosts_edit.isEnabled() and not box.body_spin.isEnabled()
    assert box.toolTip() == tab.switch.toolTip() == "Serving is switched off by your administrator."
    assert box.origins_edit.toPlainText() == "https://intranet.example.com"   # still shown, read-only


def test_a_running_api_keeps_its_settings_and_the_next_start_uses_the_new_ones(qtbot, make_tab, tiny_model):
    """While serving, the box is disabled and a note says to switch off to change it; switched off, a new
    origin and body limit typed in the box are what the next start serves with."""
    pytest.importorskip("uvicorn")
    pytest.importorskip("sse_starlette")
    import requests

    tab = make_tab()
    box = tab.access_box
    tab.set_model(str(tiny_model))
    tab.port_spin.setValue(0)
    box.origins_edit.setPlainText("https://intranet.example.com")   # typed, not yet saved: the start saves it
    box.body_spin.setValue(1)

    def get(url, origin):
        with requests.Session() as s:
            s.trust_env = False
            return s.get(f"{url}/models", headers={"Origin": origin}, timeout=30)

    def post(url, size):
        with requests.Session() as s:
            s.trust_env = False
            return s.post(f"{url}/completions", data=b"x" * size, headers={"Content-Type": "application/json"},
                          timeout=30)

    with qtbot.waitSignal(tab.serving, timeout=90000) as sig:
        tab.switch.click()
    url = sig.args[0]
    try:
        assert saved()["allow_origins"] == ["https://intranet.example.com"] and saved()["max_body_mb"] == 1
        assert not box.isEnabled() and not box.origins_edit.isEnabled() and not box.body_spin.isEnabled()
        assert not tab.running_note.isHidden()
        assert tab.running_note.text() == ("Switch the API off to change these settings; they apply the next "
                                           "time it starts.")
        assert get(url, "https://intranet.example.com").status_code == 200
        assert get(url, "https://tools.example.com").status_code == 403
        assert post(url, 1024 * 1024 + 1).status_code == 413
    finally:
        with qtbot.waitSignal(tab.stopped, timeout=60000):
            tab.switch.click()
    assert box.isEnabled() and box.origins_edit.isEnabled() and tab.running_note.isHidden()

    box.origins_edit.setPlainText("https://tools.example.com")
    with qtbot.waitSignal(box.saved, timeout=5000):
        box.body_spin.setValue(2)
    with qtbot.waitSignal(tab.serving, timeout=90000) as sig:
        tab.switch.click()
    url = sig.args[0]
    try:
        assert saved()["allow_origins"] == ["https://tools.example.com"] and saved()["max_body_mb"] == 2
        assert get(url, "https://tools.example.com").status_code == 200
        assert get(url, "https://intranet.example.com").status_code == 403
        assert post(url, 1024 * 1024 + 1).status_code != 413
    finally:
        with qtbot.waitSignal(tab.stopped, timeout=60000):
            tab.switch.click()


def test_a_list_not_typed_in_is_left_as_the_settings_have_it(qtbot, make_tab):
    """Only what the user typed is written: a value set elsewhere since the page opened is not overwritten
    (the start then reads it, and refuses a wrong one in the engine's sentence)."""
    tab = make_tab()
    box = tab.access_box
    tab.settings.set("serve", {"allow_origins": ["https://elsewhere.example"]})
    assert box.commit() is None
    assert saved() == {"allow_origins": ["https://elsewhere.example"]}
    box.hosts_edit.setPlainText("mypc.local")
    with qtbot.waitSignal(box.saved, timeout=5000):
        focus_out(box.hosts_edit)
    assert saved() == {"allow_origins": ["https://elsewhere.example"], "allow_hosts": ["mypc.local"]}
