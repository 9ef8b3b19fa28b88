"""Nothing touches the network until the user asks for something online.

An audit hook (tests/privacy/netaudit.py) records every AF_INET/AF_INET6 ``connect`` (loopback
included) and every name lookup while the app starts, loads a model, chats, shows the Models pane
(every section, the Welcome page's estimates included, without a search), edits the chat settings,
plans a document in the Summarise pane and shows every other tab. The model host runs in its own
process, out of the hook's reach: the CLI test runs chat in a process tree with no network at all
(``unshare -rn``). Prompts and replies never reach the log files without debug logging.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.privacy import netaudit

PROMPT = "Kestrel-marmalade privacy probe 7319"


def test_the_recorder_sees_connects_and_lookups():
    """The hook can fail the tests below: a loopback connect and a lookup are both recorded."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    a, b = socket.socketpair()   # a local pipe: not network
    try:
        with netaudit.recording() as found:
            with socket.create_connection(server.getsockname(), timeout=5):
                pass
            socket.getaddrinfo("localhost", 80)
            a.sendall(b"x")
        events = [f["event"] for f in found]
        assert "socket.connect" in events and "socket.getaddrinfo" in events
        assert all("socketpair" not in f["target"] for f in found)
        with netaudit.recording() as found:
            a.sendall(b"y")
            assert b.recv(2) == b"xy"
        assert found == []
    finally:
        server.close()
        a.close()
        b.close()


def _log_text(home: Path) -> str:
    out = []
    for p in home.rglob("*.log*"):
        if p.is_file():
            out.append(p.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(out)


@pytest.fixture
def library(hearth_home, tiny_long_model):
    """One chat model with a context large enough for the summariser's instructions."""
    models = hearth_home / "data" / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_long_model, models / "tiny-long.gguf")
    return models


def test_start_load_chat_models_settings_and_summarise_make_no_network(qtbot, hearth_home, library, tmp_path,
                                                                      monkeypatch):
    from engine import logs
    from engine.config import AppConfig
    from gui.app import MainWindow

    monkeypatch.delenv("HEARTH_DEBUG", raising=False)
    doc = tmp_path / "notes.txt"
    doc.write_text("\n\n".join(f"Paragraph {i}. The river traders met the council about salt and grain."
                               for i in range(40)), encoding="utf-8")
    with netaudit.recording() as found:
        config = AppConfig.load()
        logs.setup_logging(config.paths.log_dir, debug=logs.debug_enabled(config.settings, config.policy),
                           component="gui")
        win = MainWindow(config)          # auto-load, as the app starts
        qtbot.addWidget(win)
        win.show()
        try:
            # Start: the only model in the library is loaded at once.
            qtbot.waitUntil(lambda: win.loaded_path is not None and win.chat.model_info is not None,
                            timeout=60000)
            # Chat: a reply streams in and is saved.
            win.chat.sampling_overrides = {"max_tokens": 24, "ignore_eos": True}
            win.chat.input.setPlainText(PROMPT)
            with qtbot.waitSignal(win.chat.replyFinished, timeout=60000) as fin:
                win.chat.send_button.click()
            reply = fin.args[0]["text"]
            assert fin.args[0]["completion_tokens"] > 0
            # Settings: edited and saved with the conversation.
            win.chat.settings_panel.fields["temperature"].setValue(0.3)
            # Models pane: every section shown, no search; the Welcome page estimates from the catalogue.
            pane = win.models_pane
            win.tabs.setCurrentWidget(pane)
            with qtbot.waitSignal(pane.curatedShown, timeout=60000) as shown:
                pane.show_section("Welcome")
            assert any(r["estimate"] is not None for r in shown.args[0])
            assert "estimated from the catalogue" in pane.welcome.cards[0].fit_label.text()
            for name in ("Library", "Discover", "Downloads"):
                pane.show_section(name)
                assert pane.current_section() == name
            qtbot.waitUntil(lambda: "hardware" not in pane.worker.busy_kinds, timeout=60000)
            # Summarise: the document is read and planned (tokens counted by the loaded model).
            sp = win.summarize_pane
            win.tabs.setCurrentWidget(sp)
            assert sp.open_document(doc)
            qtbot.waitUntil(lambda: bool(sp.document_info), timeout=60000)
            assert sp.document_info["plan"] and sp.document_info["document_tokens"] > 0, sp.document_info
            # Every other tab (Compare when present) shown once.
            for i in range(win.tabs.count()):
                win.tabs.setCurrentIndex(i)
                assert win.tabs.currentWidget().isVisible()
            win.chat._flush_settings()
        finally:
            win.shutdown()
            logs.shutdown_logging()
    assert found == [], "network attempts:\n" + netaudit.report(found)
    # Prompts and replies never reach the log files (debug logging is off).
    text = _log_text(hearth_home)
    assert "started" in text                     # the log was written...
    assert PROMPT not in text                    # ...without the prompt...
    assert len(reply) < 4 or reply not in text   # ...or the reply


def test_first_run_welcome_makes_no_network(qtbot, hearth_home, monkeypatch):
    """An empty library opens the Welcome page with the suggested models: estimated, not looked up."""
    from engine.config import AppConfig
    from engine.library import ModelLibrary
    from gui.app import MainWindow

    monkeypatch.setattr(ModelLibrary, "ensure_starter", lambda self: None)
    with netaudit.recording() as found:
        win = MainWindow(AppConfig.load())
        qtbot.addWidget(win)
        win.show()
        try:
            pane = win.models_pane
            qtbot.waitUntil(lambda: pane.current_section() == "Welcome" and bool(pane.welcome.cards)
                            and all(c.row.get("estimate") is not None for c in pane.welcome.cards), timeout=60000)
            assert win.tabs.currentWidget() is pane
            assert "estimated from the catalogue" in pane.welcome.curated_note.text()
        finally:
            win.shutdown()
    assert found == [], "network attempts:\n" + netaudit.report(found)


def test_offline_policy_check_button_says_so_without_trying(qtbot, hearth_home, monkeypatch):
    from engine.config import AppConfig
    from engine.library import ModelLibrary
    from gui.app import MainWindow

    monkeypatch.setattr(ModelLibrary, "ensure_starter", lambda self: None)
    (hearth_home / "policy.json").write_text(json.dumps({"offline": True}))
    with netaudit.recording() as found:
        win = MainWindow(AppConfig.load())
        qtbot.addWidget(win)
        try:
            pane = win.models_pane
            qtbot.waitUntil(lambda: bool(pane.welcome.cards), timeout=60000)
            with qtbot.waitSignal(pane.errorShown, timeout=5000) as sig:
                pane.welcome.check_btn.click()
            assert sig.args[0].startswith("offline by policy")
            assert pane.banner.text.startswith("Offline by policy")
            with qtbot.waitSignal(pane.errorShown, timeout=5000):
                pane.discover.search_btn.click()
            with qtbot.waitSignal(pane.errorShown, timeout=5000):
                pane.welcome.cards[0].button.click()         # Download: refused too
            assert pane.downloads is None and not pane.worker.busy_kinds - {"hardware", "token", "catalogue"}
        finally:
            win.shutdown()
    assert found == [], "network attempts:\n" + netaudit.report(found)


def _unshare_problem() -> str | None:
    if not sys.platform.startswith("linux"):
        return f"unshare -n is Linux only (this is {sys.platform})"
    if shutil.which("unshare") is None:
        return "the unshare tool (util-linux) is not installed"
    r = subprocess.run(["unshare", "-rn", "true"], capture_output=True, text=True)
    if r.returncode != 0:
        return f"unshare -rn is not permitted here (user namespaces off?): {r.stderr.strip()}"
    return None


def test_cli_chat_works_in_a_process_without_network(tiny_model, hearth_home):
    problem = _unshare_problem()
    if problem:
        pytest.skip(problem)
    env = dict(os.environ, HEARTH_HOME=str(hearth_home))
    env.pop("HEARTH_DEBUG", None)
    # The namespace really has no network: a connect fails at once.
    probe = subprocess.run(["unshare", "-rn", sys.executable, "-c",
                            "import socket; socket.create_connection(('192.0.2.1', 80), timeout=2)"],
                           capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "unreachable" in probe.stderr.lower(), probe.stderr
    r = subprocess.run(["unshare", "-rn", sys.executable, str(ROOT / "main.py"), "chat", "--model", str(tiny_model),
                        "--max-tokens", "8", "--json", PROMPT], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=180)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["completion_tokens"] > 0 and d["text"]
    text = _log_text(hearth_home)
    assert "cli started" in text and PROMPT not in text
