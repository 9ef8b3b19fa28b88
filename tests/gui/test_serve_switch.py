"""Preferences → Local API: the switch serves the chosen model inside the app (GET /v1/models answers on
a free loopback port), switching off stops it (connection refused), switching on again works, quitting
Hearth stops it; a taken port, a network address without an API key and the policy's "disable":
["serve"] are refused in one sentence."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from engine.config import AppConfig

pytest.importorskip("uvicorn")
pytest.importorskip("sse_starlette")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_models(url: str, key: str | None = None):
    with requests.Session() as s:
        s.trust_env = False     # no proxy between the test and loopback
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return s.get(f"{url}/models", headers=headers, timeout=30)


def serve_tab(qtbot, win):
    win.show_preferences()
    w = win.settings_window
    qtbot.waitUntil(lambda: w.isVisible(), timeout=5000)
    w.tabs.setCurrentWidget(w.serve_tab)
    tab = w.serve_tab
    qtbot.waitUntil(lambda: tab.model_combo.count() > 0, timeout=30000)
    return tab


def switch_on(qtbot, tab, model) -> str:
    """Serve ``model`` from the page on a free port; the URL once requests are answered."""
    tab.set_model(str(model))
    tab.port_spin.setValue(0)
    with qtbot.waitSignal(tab.serving, timeout=90000) as sig:
        tab.switch.click()
    return sig.args[0]


@pytest.fixture
def make_tab(settings_widget):
    """``make_tab()``: the Local API page alone, on this test's home."""
    from gui.settings.serve_tab import ServeTab

    return lambda: settings_widget(ServeTab)


def test_switch_serves_stops_restarts_and_quitting_stops_it(qtbot, main_window):
    win = main_window
    tab = serve_tab(qtbot, win)
    assert not tab.switch.isChecked()                    # off by default
    assert tab.host_edit.text() == "127.0.0.1"
    model = next(str(e.path) for e in win.picker.entries if e.path.name.startswith("tiny-chat"))
    tab.set_model(model)
    port = free_port()
    tab.port_spin.setValue(port)
    url = f"http://127.0.0.1:{port}/v1"

    with qtbot.waitSignal(tab.serving, timeout=90000) as sig:
        tab.switch.click()
    assert sig.args == [url]
    assert tab.status.text() == f"Serving tiny-chat at {url}"
    assert tab.switch.isChecked() and not tab.port_spin.isEnabled()
    r = get_models(url)
    assert r.status_code == 200
    assert [m["id"] for m in r.json()["data"]] == ["tiny-chat"]
    assert AppConfig.load().settings.get("serve") == {"model": model, "host": "127.0.0.1", "port": port}

    with qtbot.waitSignal(tab.stopped, timeout=60000):
        tab.switch.click()                               # off
    assert tab.status.text() == "Off: nothing is served."
    assert tab.port_spin.isEnabled()
    with pytest.raises(requests.ConnectionError):
        get_models(url)

    with qtbot.waitSignal(tab.serving, timeout=90000):   # on again: a fresh server on the same port
        tab.switch.click()
    assert get_models(url).status_code == 200
    win.shutdown()                                       # Hearth quits: the server goes with it
    with pytest.raises(requests.ConnectionError):
        get_models(url)


def test_port_in_use_is_one_sentence(qtbot, make_tab, tiny_model):
    tab = make_tab()
    tab.set_model(str(tiny_model))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        tab.port_spin.setValue(port)
        with qtbot.waitSignal(tab.failed, timeout=10000) as sig:
            tab.switch.click()
    assert sig.args[0] == f"Cannot listen on 127.0.0.1:{port}: Address already in use."
    assert tab.status.text() == sig.args[0]
    assert not tab.switch.isChecked() and tab.server is None


def test_network_address_needs_a_key_and_a_confirmation(qtbot, make_tab, tiny_model):
    tab = make_tab()
    tab.set_model(str(tiny_model))
    tab.host_edit.setText("0.0.0.0")
    tab.port_spin.setValue(free_port())
    with qtbot.waitSignal(tab.failed, timeout=5000) as sig:
        tab.switch.click()
    assert sig.args[0] == "Serving on 0.0.0.0 (not this computer only) needs an API key."
    assert not tab.switch.isChecked() and tab.server is None and tab.confirm_box is None

    tab.key_edit.setText("sk-local-123")                # too short to guard a network address
    with qtbot.waitSignal(tab.failed, timeout=5000) as sig:
        tab.switch.click()
    assert sig.args[0] == "An API key for serving on 0.0.0.0 must be at least 16 characters long (this one has 12)."
    assert not tab.switch.isChecked() and tab.server is None and tab.confirm_box is None

    tab.key_edit.setText("sk-local-1234567890")
    with qtbot.waitSignal(tab.confirmShown, timeout=5000):
        tab.switch.click()
    box = tab.confirm_box
    assert box is not None and "other computers" in box.text()
    assert tab.server is None                            # nothing listens before the answer
    with qtbot.waitSignal(tab.stopped, timeout=5000):
        box.button(box.StandardButton.No).click()
    assert not tab.switch.isChecked() and tab.server is None
    assert tab.status.text() == "Off: nothing is served."


def test_the_allowed_origins_hosts_and_body_limit_come_from_the_settings(qtbot, make_tab, tiny_model):
    """The settings key "serve" holds allow_origins, allow_hosts and max_body_mb: the switch serves with them,
    keeps them when it saves the page's fields, and refuses a wrong one in one sentence."""
    from engine.config import AppConfig

    AppConfig.load().settings.set("serve", {"allow_origins": ["https://app.example"], "allow_hosts": ["mypc.example"],
                                            "max_body_mb": 1})
    tab = make_tab()
    url = switch_on(qtbot, tab, tiny_model)
    try:
        with requests.Session() as s:
            s.trust_env = False
            r = s.get(f"{url}/models", headers={"Origin": "https://app.example"}, timeout=30)
            assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://app.example"
            assert s.get(f"{url}/models", headers={"Origin": "https://evil.example"}, timeout=30).status_code == 403
            assert s.get(f"{url}/models", headers={"Host": "mypc.example"}, timeout=30).status_code == 200
            assert s.get(f"{url}/models", headers={"Host": "attacker.example"}, timeout=30).status_code == 400
            assert s.post(f"{url}/completions", data=b"x" * (1024 * 1024 + 1),
                          headers={"Content-Type": "application/json"}, timeout=30).status_code == 413
        saved = AppConfig.load().settings.get("serve")
        assert saved["allow_origins"] == ["https://app.example"] and saved["max_body_mb"] == 1
        assert saved["model"] == str(tiny_model)
    finally:
        with qtbot.waitSignal(tab.stopped, timeout=60000):
            tab.switch.click()

    tab.settings.set("serve", dict(tab.settings.get("serve"), allow_origins=["*"]))
    with qtbot.waitSignal(tab.failed, timeout=5000) as sig:
        tab.switch.click()
    assert sig.args[0] == "'*' is not a web origin (like https://app.example or http://localhost:3000)."
    assert not tab.switch.isChecked() and tab.server is None


def test_policy_can_forbid_serving(qtbot, make_tab, hearth_home, tiny_model):
    (hearth_home / "policy.json").write_text(json.dumps({"disable": ["serve"]}))
    tab = make_tab()
    assert not tab.switch.isEnabled()
    assert not tab.policy_note.isHidden()
    assert tab.policy_note.text() == "Serving is switched off by your administrator."
    assert not any(w.isEnabled() for w in tab.fields)
    tab.set_model(str(tiny_model))
    assert tab.start() is False
    assert tab.server is None and not tab.switch.isChecked()


def test_the_api_shares_the_chats_model_process_and_stops_when_the_chat_changes_model(qtbot, main_window):
    """Serving the model the chat has loaded uses the chat's own model process (one copy in memory):
    the API answers, the process is the same, switching off leaves the chat's model loaded, and the chat
    loading another model stops the API with the reason."""
    from tests.gui.conftest import load

    win = main_window
    load(qtbot, win, "tiny-chat")
    client, pid = win.bridge.client, win.bridge.client.pid
    tab = serve_tab(qtbot, win)
    tab.set_model(win.loaded_path)
    port = free_port()
    tab.port_spin.setValue(port)
    url = f"http://127.0.0.1:{port}/v1"
    with qtbot.waitSignal(tab.serving, timeout=90000):
        tab.switch.click()
    assert tab.status.text() == f"Serving tiny-chat at {url} (sharing the chat's model process)"
    assert tab.server.worker.client is client
    with requests.Session() as s:
        s.trust_env = False
        r = s.post(f"{url}/chat/completions", timeout=60, json={
            "model": "tiny-chat", "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 4})
    assert r.status_code == 200, r.text
    assert r.json()["usage"]["completion_tokens"] > 0
    assert win.bridge.client is client and client.pid == pid        # no second process, no reload

    with qtbot.waitSignal(tab.stopped, timeout=30000):
        tab.switch.click()                                            # off
    assert client.alive and client.pid == pid                         # the chat's model stays loaded

    with qtbot.waitSignal(tab.serving, timeout=90000):
        tab.switch.click()                                            # on again, shared
    with qtbot.waitSignal(tab.stopped, timeout=60000):
        win.load_model(next(str(e.path) for e in win.picker.entries if e.path.name.startswith("tiny-long")))
    assert tab.status.text().startswith("Stopped: the chat loaded another model")
    with pytest.raises(requests.ConnectionError):
        get_models(url)


def test_a_cpu_whose_kernels_die_is_served_anyway_and_the_page_says_so(qtbot, make_tab, tiny_model, monkeypatch):
    """As on an AMX CPU (the test switch): the API's own model process dies at the first request, is loaded
    again with extra buffer types off, the request is answered, and the page's status says what was off."""
    from engine.host import cpu_fallback

    monkeypatch.setenv(cpu_fallback.TEST_SWITCH, "decode")
    tab = make_tab()
    url = switch_on(qtbot, tab, tiny_model)
    try:
        with requests.Session() as s:
            s.trust_env = False
            r = s.post(f"{url}/chat/completions", timeout=60, json={
                "model": tiny_model.stem, "max_tokens": 4, "ignore_eos": True,
                "messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 200 and r.json()["usage"]["completion_tokens"] > 0, r.text
        qtbot.waitUntil(lambda: "illegal instruction" in tab.status.text(), timeout=10000)
        assert tab.status.text().startswith("Serving ")
    finally:
        with qtbot.waitSignal(tab.stopped, timeout=60000):
            tab.switch.click()
