"""The administrator's policy in the app: downloads off, the allow-list, an internal mirror, an invalid
file, locked and hidden chat settings, a read-only shared folder (the loopback fake Hub throughout)."""

from __future__ import annotations

import json
import shutil
import stat

import pytest

from engine.config import AppConfig
from tests.gui.conftest import load
from tests.gui.test_models_pane import (REPO, bridge, browse, catalogue_file, config, curated_file,  # noqa: F401
                                        make_pane, manager)
from tests.hub.conftest import fake_hub, gguf_blobs, memory_keyring  # noqa: F401 (fixtures)


def with_policy(home, policy) -> AppConfig:
    (home / "policy.json").write_text(policy if isinstance(policy, str) else json.dumps(policy, indent=1))
    return AppConfig.load()


def policy_labels(pane) -> list[str]:
    return [w.text() for w in pane.findChildren(type(pane.banner.label)) if w.objectName().startswith("policy_")]


def test_downloads_off_refuses_search_and_download(qtbot, fake_hub, hearth_home, make_pane):
    pane = make_pane(config=with_policy(hearth_home, {"downloads": False}))
    assert pane.downloads is None
    pane.show_section("Discover")
    assert not pane.discover.search_btn.isEnabled() and not pane.discover.query.isEnabled()
    assert pane.search("tiny") is None
    labels = policy_labels(pane)
    assert any("Browsing the Hugging Face Hub is switched off by your administrator" in t for t in labels)
    pane.show_welcome()
    w = pane.welcome
    assert not w.check_btn.isEnabled() and "switched off by your administrator" in w.check_btn.toolTip()
    assert w.cards and not any(c.button.isEnabled() for c in w.cards)
    with qtbot.waitSignal(pane.errorShown, timeout=5000) as sig:
        w.downloadRequested.emit(w.cards[0].row)          # however it is asked for
    assert "Downloading models is switched off by your administrator" in sig.args[0]
    assert fake_hub.requests() == []


def test_allow_list_hides_curated_filters_search_and_refuses_downloads(qtbot, fake_hub, hearth_home, make_pane,
                                                                       catalogue_file):  # noqa: F811
    cfg = with_policy(hearth_home, {"allow_repos": ["acme/Split-*"]})
    pane = make_pane(config=cfg, download_manager=manager(cfg), catalogue_path=catalogue_file)
    with qtbot.waitSignal(pane.curatedShown, timeout=30000) as sig:
        pane.show_welcome()
    assert [r["curated"]["repo_id"] for r in sig.args[0]] == ["acme/Split-GGUF"]
    assert "2 other suggestions are hidden" in pane.welcome.curated_note.text()
    browse(qtbot, pane)
    assert [r.repo_id for r in pane.discover.results] == ["acme/Split-GGUF"]
    from engine.hub.quant import RemoteModel, RemotePart

    model = RemoteModel("Tiny-Q4_K_M.gguf", [RemotePart("Tiny-Q4_K_M.gguf", 10, "0" * 64)], "Q4_K_M")
    with qtbot.waitSignal(pane.errorShown, timeout=5000) as sig:
        assert pane.download(REPO, model) is None
    assert "not on your administrator's list of allowed repositories" in sig.args[0]
    assert not [q for q in fake_hub.requests() if q.get("repo") == REPO]


def test_internal_mirror_endpoint(qtbot, fake_hub, hearth_home, make_pane, monkeypatch):
    monkeypatch.delenv("HF_ENDPOINT")
    cfg = with_policy(hearth_home, {"hub_endpoint": fake_hub.url})
    pane = make_pane(config=cfg, download_manager=manager(cfg))
    browse(qtbot, pane)
    assert REPO in [r.repo_id for r in pane.discover.results]
    assert fake_hub.requests("search")
    assert pane.downloads.endpoint == fake_hub.url


def test_hf_hub_offline_in_the_banner(qtbot, fake_hub, make_pane, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    pane = make_pane()
    assert pane.downloads is None   # nothing queued earlier starts either
    with qtbot.waitSignal(pane.errorShown, timeout=5000) as sig:
        pane.welcome.browse_btn.click()
    assert sig.args[0].startswith("offline: HF_HUB_OFFLINE is set")
    assert pane.banner.text.startswith("Offline: HF_HUB_OFFLINE is set") and pane.banner.kind == "warning"
    assert fake_hub.requests() == []


def test_invalid_policy_banner_names_the_line_and_online_is_off(qtbot, hearth_home, main_window_factory):
    win = main_window_factory('{\n  "offline": false,\n  "allow_repos": "google/*\n}\n')
    assert win.banner.kind == "warning"
    text = win.banner.text
    assert "policy file" in text and "is invalid (line 3" in text and "everything online is switched off" in text
    pane = win.models_pane
    with qtbot.waitSignal(pane.errorShown, timeout=5000) as sig:
        pane.discover.search_btn.click()
    assert sig.args[0].startswith("offline by policy") and "line 3" in sig.args[0]


def test_locked_and_hidden_chat_settings(qtbot, hearth_home, main_window_factory):
    win = main_window_factory({"locked_settings": {"temperature": 0.2, "n_ctx": 2048, "system_prompt": "Be brief."},
                               "hidden_settings": ["seed"]})
    sp = win.chat.settings_panel
    temp = sp.fields["temperature"]
    assert not temp.isEnabled() and temp.toolTip() == "Managed by your administrator"
    assert temp.value() == 0.2 and sp.fields["top_p"].isEnabled()
    assert not sp.ctx.isEnabled() and sp.ctx.value() == 2048
    assert not sp.system.isEnabled() and sp.system.toPlainText() == "Be brief."
    assert "managed by your administrator" in sp.system_heading.text()
    assert sp.seed.isHidden() and sp._form.labelForField(sp.seed).isHidden()
    # A stored conversation with other values cannot undo the lock.
    sp.set_values("Be verbose.", {"sampling": {"temperature": 1.5, "seed": 7}, "load": {"n_ctx": 8192}})
    assert temp.value() == 0.2 and sp.sampling().temperature == 0.2 and sp.sampling().seed is None
    assert sp.system_prompt() == "Be brief." and sp.load_options()["n_ctx"] == 2048
    assert win.chat.history()[0] == {"role": "system", "content": "Be brief."}
    # Loading obeys it too, whatever the caller asks.
    win.config.settings.set("load", {"n_ctx": 4096})
    load(qtbot, win)
    assert win.chat.model_info["n_ctx"] == 2048


def test_read_only_shared_folder_listed_and_loadable(qtbot, hearth_home, tmp_path, tiny_model, main_window_factory):
    shared = tmp_path / "approved"
    shared.mkdir()
    shutil.copy(tiny_model, shared / "it-approved.gguf")
    for p in (shared / "it-approved.gguf", shared):
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))   # chmod a-w
    try:
        win = main_window_factory({"extra_model_dirs": [str(shared)]})
        entry = next(e for e in win.picker.entries if e.name == "it-approved")
        assert entry.source == "shared" and entry.ok
        lv = win.models_pane.library_view
        lv.set_entries(win.picker.entries)
        lv.select_path(str(entry.path))
        assert not lv.delete_btn.isEnabled() and lv.delete_btn.toolTip().startswith("Managed by your administrator")
        load(qtbot, win, str(entry.path))
        assert win.loaded_path == str(entry.path)
        assert sorted(p.name for p in shared.iterdir()) == ["it-approved.gguf"]
    finally:
        shared.chmod(0o755)


# ---- a main window with a policy ---------------------------------------------------------------

@pytest.fixture
def main_window_factory(qtbot, hearth_home, tiny_model):
    """A MainWindow (no auto-load) on a home with the tiny chat model and the given policy."""
    from gui.app import MainWindow

    wins = []

    def make(policy):
        models = hearth_home / "data" / "models"
        models.mkdir(parents=True, exist_ok=True)
        shutil.copy(tiny_model, models / "tiny-chat.gguf")
        win = MainWindow(with_policy(hearth_home, policy), auto_load=False)
        qtbot.addWidget(win)
        wins.append(win)
        qtbot.waitUntil(lambda: win.picker.combo.count() > 0, timeout=60000)
        return win

    yield make
    for w in wins:
        w.shutdown()
