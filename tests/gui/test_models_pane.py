"""The Models pane against the loopback fake Hub: search, files with fit, downloads, welcome, policy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.hardware import HardwareInfo
from engine.hub.download import DownloadManager
from tests.hub.conftest import fake_hub, gguf_blobs, memory_keyring, fast_retry  # noqa: F401 (fixtures)
from tests.hub.test_download import _slow_writer

REPO = "acme/Tiny-GGUF"
FILE = "Tiny-Q4_K_M.gguf"
HW = HardwareInfo(backend="CPU", ram_total=16 << 30, ram_available=8 << 30, cpu_threads=4, cpu_cores=2)


@pytest.fixture
def config(hearth_home):
    from engine.config import AppConfig

    return AppConfig.load()


@pytest.fixture
def bridge(config, monkeypatch):
    """A real EngineBridge on the GUI thread (library work only); never assembles the starter model."""
    from gui.bridge import EngineBridge

    b = EngineBridge(config)
    monkeypatch.setattr(b.library, "ensure_starter", lambda: None)
    yield b
    b.client.unload()


@pytest.fixture
def curated_file(tmp_path):
    p = tmp_path / "curated.json"
    p.write_text(json.dumps({"version": 1, "models": [
        {"repo_id": REPO, "name": "Tiny Chat", "params": "1M", "description": "A tiny test model.",
         "quant": "Q4_K_M", "licence": "apache-2.0"},
        {"repo_id": "acme/Split-GGUF", "name": "Split Chat", "description": "Two parts.", "quant": "Q8_0"},
        {"repo_id": "acme/Missing-GGUF", "name": "Missing", "description": "Not on the Hub.",
         "quant": "Q4_K_M"},
    ]}))
    return p


@pytest.fixture
def catalogue_file(tmp_path):
    """The offline catalogue for the test's curated list (Missing-GGUF deliberately absent)."""
    shape = {"architecture": "llama", "parameters": 1_000_000, "layers": 4, "heads": 4, "kv_heads": 2,
             "embedding": 64, "head_dim": 16, "vocab": 1000, "context": 2048}
    p = tmp_path / "catalogue.json"
    p.write_text(json.dumps({"version": 1, "models": {
        REPO: {**shape, "files": {"Q4_K_M": {"size": 3_000_000, "estimated": True},
                                  "Q8_0": {"size": 5_000_000, "estimated": True}}},
        "acme/Split-GGUF": {**shape, "files": {"Q8_0": {"size": 6_000_000, "estimated": False}}},
    }}))
    return p


def manager(config, **kw):
    kw.setdefault("retry", fast_retry())
    return DownloadManager(config, chunk_size=32 << 10, progress_interval=0, **kw)


@pytest.fixture
def make_pane(qtbot, bridge, config, curated_file):
    panes = []

    def make(**kw):
        from gui.panes.models.models_pane import ModelsPane

        kw.setdefault("hardware", HW)
        kw.setdefault("curated_path", curated_file)
        pane = ModelsPane(bridge, kw.pop("config", config), **kw)
        qtbot.addWidget(pane)
        pane.resize(1100, 700)
        pane.show()
        panes.append(pane)
        return pane

    yield make
    for p in panes:
        p.shutdown()


def texts(tree, col=0):
    out = []
    for i in range(tree.topLevelItemCount()):
        it = tree.topLevelItem(i)
        out.append(it.text(col))
        out += [it.child(k).text(col) for k in range(it.childCount())]
    return out


def browse(qtbot, pane):
    """"Browse all models…" on the Welcome page: Discover with the most downloaded models (online)."""
    with qtbot.waitSignal(pane.searchFinished, timeout=20000):
        pane.welcome.browse_btn.click()
    assert pane.current_section() == "Discover"


def open_tiny_repo(qtbot, pane):
    browse(qtbot, pane)
    with qtbot.waitSignal(pane.repoFilesShown, timeout=20000,
                          check_params_cb=lambda repo, exact: repo == REPO and exact):
        pane.discover.select_repo(REPO)


def test_search_shows_results_and_files_with_fit(qtbot, fake_hub, make_pane):
    pane = make_pane()
    pane.show_section("Discover")
    # Showing Discover is not a search: nothing was handed to the Hub worker (submit is synchronous).
    assert not pane.worker.busy_kinds - {"hardware", "token", "catalogue"}
    with qtbot.waitSignal(pane.searchFinished, timeout=20000):
        pane.discover.search_btn.click()
    d = pane.discover
    names = texts(d.results_tree)
    assert {"Tiny-GGUF", "Split-GGUF"} <= set(names)
    assert any("gated" in n for n in names)
    row = names.index("Tiny-GGUF")
    item = d.results_tree.topLevelItem(row)
    assert item.text(1) == "acme" and item.text(2) == "500" and item.text(3) == "7"
    assert item.text(4) == "apache-2.0"
    # The search runs off the GUI thread; the query is sent to the Hub.
    assert fake_hub.requests("search")

    with qtbot.waitSignal(pane.repoFilesShown, timeout=20000,
                          check_params_cb=lambda repo, exact: repo == REPO and exact):
        d.select_repo(REPO)
    files = texts(d.files_tree)
    assert len(files) == 3 and any("Q4_K_M" in f for f in files) and any("F16" in f for f in files)
    assert set(texts(d.files_tree, 2)) == {"CPU only"}
    assert all(c.endswith("K") or c.isdigit() for c in texts(d.files_tree, 3))   # largest context
    best = [f for f in files if f.startswith("★")]
    assert len(best) == 1
    assert d.selected_file().fit.best and d.download_btn.isEnabled()
    assert "Model card" in d.card.toPlainText()
    # Header Range reads happened (the exact pass), not whole downloads.
    assert all(r["range"] for r in fake_hub.requests("cdn"))


def test_stale_search_results_are_dropped(qtbot, fake_hub, make_pane):
    pane = make_pane()
    seen = []
    pane.searchFinished.connect(seen.append)
    pane.search("nothing-like-this")
    with qtbot.waitSignal(pane.searchFinished, timeout=20000):
        pane.search("Split")
    # The worker runs one task at a time, in order, and its results reach the GUI thread in
    # order: once a task submitted after both searches has reported back, every result of the
    # stale search has arrived too (and must have been dropped).
    with qtbot.waitSignal(pane.worker.finished, timeout=20000,
                          check_params_cb=lambda req_id, kind, result: kind == "sync-point"):
        pane.worker.submit("sync-point", lambda: None)
    assert len(seen) == 1 and [r.repo_id for r in seen[0]] == ["acme/Split-GGUF"]
    assert texts(pane.discover.results_tree) == ["Split-GGUF"]


def test_download_progress_then_model_in_library(qtbot, fake_hub, make_pane, bridge, config):
    pane = make_pane(download_manager=manager(config, writer=_slow_writer(0.02)))
    open_tiny_repo(qtbot, pane)
    d = pane.discover
    fe = d.selected_file()
    with qtbot.waitSignal(pane.modelDownloaded, timeout=30000) as sig:
        d.download_btn.click()
        dv = pane.downloads_view
        assert len(dv.jobs) == 1
        job_id = next(iter(dv.jobs))
        bar = dv._bars[job_id]
        qtbot.waitUntil(lambda: 0 < bar.value() < 1000, timeout=10000)
        item = dv._items[job_id]
        assert "of" in item.text(2) and item.text(5) == "Downloading"
    path = Path(sig.args[0])
    assert path.is_file() and path.name == fe.model.name
    assert path.parent == Path(config.paths.models_dir) / "acme" / "Tiny-GGUF"
    qtbot.waitUntil(lambda: any(str(e.path) == str(path) for e in pane.library_view.entries), timeout=10000)
    assert dv._items[job_id].text(5) == "Done" and dv._bars[job_id].value() == 1000
    assert fe.model.name.removesuffix(".gguf") in texts(pane.library_view.tree)


def test_pause_resume_and_restart(qtbot, fake_hub, make_pane, config):
    pane = make_pane(download_manager=manager(config, writer=_slow_writer(0.04)))
    open_tiny_repo(qtbot, pane)
    pane.discover.download_btn.click()
    dv = pane.downloads_view
    job_id = next(iter(dv.jobs))
    qtbot.waitUntil(lambda: dv.jobs[job_id].downloaded > 64_000, timeout=10000)
    dv.select_job(job_id)
    assert dv.pause_btn.isEnabled()
    dv.pause_btn.click()
    qtbot.waitUntil(lambda: dv.jobs[job_id].state == "paused", timeout=10000)
    assert dv._items[job_id].text(5) == "Paused" and dv.resume_btn.isEnabled()
    paused_at = dv.jobs[job_id].downloaded
    assert 0 < paused_at < dv.jobs[job_id].total
    # Resume, then quit mid-download: the next start continues on its own.
    dv.resume_btn.click()
    qtbot.waitUntil(lambda: dv.jobs[job_id].state == "downloading"
                    and dv.jobs[job_id].downloaded > paused_at, timeout=10000)
    pane.shutdown()
    pane2 = make_pane(download_manager=manager(config))
    dv2 = pane2.downloads_view
    assert job_id in dv2.jobs
    with qtbot.waitSignal(pane2.modelDownloaded, timeout=30000):
        pass
    assert dv2.jobs[job_id].state == "done"
    # It resumed from the partial file rather than starting over.
    ranges = [r["range"] for r in fake_hub.requests("cdn", FILE) if r["range"]]
    assert any(r.startswith("bytes=") and not r.startswith("bytes=0-") for r in ranges)


def test_paused_download_stays_paused_after_restart(qtbot, fake_hub, make_pane, config):
    pane = make_pane(download_manager=manager(config, writer=_slow_writer(0.04)))
    open_tiny_repo(qtbot, pane)
    pane.discover.download_btn.click()
    dv = pane.downloads_view
    job_id = next(iter(dv.jobs))
    qtbot.waitUntil(lambda: dv.jobs[job_id].downloaded > 32_000, timeout=10000)
    dv.select_job(job_id)
    dv.pause_btn.click()
    qtbot.waitUntil(lambda: dv.jobs[job_id].state == "paused", timeout=10000)
    pane.shutdown()
    pane2 = make_pane(download_manager=manager(config))
    dv2 = pane2.downloads_view
    assert dv2.jobs[job_id].state == "paused"
    dv2.select_job(job_id)
    with qtbot.waitSignal(pane2.modelDownloaded, timeout=30000):
        dv2.resume_btn.click()
    # Cancel/remove: a finished job can be removed from the list.
    dv2.select_job(job_id)
    dv2.remove_btn.click()
    assert job_id not in dv2.jobs and dv2.tree.topLevelItemCount() == 0


def test_tampered_download_shows_readable_error(qtbot, fake_hub, make_pane, config):
    pane = make_pane(download_manager=manager(config))
    open_tiny_repo(qtbot, pane)
    fake_hub.plan(FILE, "tamper")   # after the header reads: the download gets the bad byte
    d = pane.discover
    target = next(d.files_tree.topLevelItem(i) for i in range(d.files_tree.topLevelItemCount())
                  if "Q4_K_M" in d.files_tree.topLevelItem(i).text(0))
    d.files_tree.setCurrentItem(target)
    with qtbot.waitSignal(pane.errorShown, timeout=30000) as sig:
        d.download_btn.click()
    assert "checksum mismatch" in sig.args[0] and FILE in sig.args[0]
    assert "checksum mismatch" in pane.banner.text and pane.banner.kind == "error"
    dv = pane.downloads_view
    job_id = next(iter(dv.jobs))
    assert dv._items[job_id].text(5).startswith("Failed: checksum mismatch")
    dv.select_job(job_id)
    assert dv.resume_btn.text() == "Retry" and not dv.error.isHidden()
    assert not (Path(config.paths.models_dir) / "acme" / "Tiny-GGUF" / FILE).exists()
    # Retry succeeds (the fake Hub tampers only once).
    with qtbot.waitSignal(pane.modelDownloaded, timeout=30000):
        dv.resume_btn.click()


def test_gated_download_without_token_explains(qtbot, fake_hub, make_pane, config):
    pane = make_pane(download_manager=manager(config))
    browse(qtbot, pane)
    # The quick listing works without a token; reading the headers is refused, with the hint.
    with qtbot.waitSignal(pane.errorShown, timeout=20000) as sig:
        pane.discover.select_repo("gated/Locked-GGUF")
    assert "is gated" in sig.args[0] and "accept the licence" in sig.args[0]
    assert "Set… button" in sig.args[0]
    d = pane.discover
    assert [f.model.name for f in d.repo_files.files] == ["Locked-Q4_K_M.gguf"]
    # A download then fails with the licence/token hint, and nothing lands in the library.
    assert d.download_btn.isEnabled()
    with qtbot.waitSignal(pane.errorShown, timeout=30000) as sig:
        d.download_btn.click()
    assert "accept the licence" in sig.args[0] and "Set… button" in sig.args[0], sig.args[0]
    assert "python main.py" not in pane.banner.text and pane.banner.kind == "error"
    assert [j.state for j in pane.downloads_view.jobs.values()] == ["failed"]
    assert not (Path(config.paths.models_dir) / "gated" / "Locked-GGUF" / "Locked-Q4_K_M.gguf").exists()


def test_search_error_in_banner(qtbot, fake_hub, make_pane):
    pane = make_pane()
    fake_hub.stop()
    with qtbot.waitSignal(pane.errorShown, timeout=30000) as sig:
        pane.search("tiny")
    assert sig.args[0].startswith("Searching the Hub failed: ")
    assert "Traceback" not in pane.banner.text and pane.banner.kind == "error"


def test_welcome_estimates_offline_then_checks_online_and_downloads(qtbot, fake_hub, make_pane, bridge, config,
                                                                    catalogue_file):
    pane = make_pane(download_manager=manager(config), catalogue_path=catalogue_file)
    with qtbot.waitSignal(pane.curatedShown, timeout=30000) as sig:
        bridge.libraryChanged.emit([])   # first run: an empty library opens Welcome
    assert pane.current_section() == "Welcome"
    rows = sig.args[0]
    assert [r["curated"]["repo_id"] for r in rows] == [REPO, "acme/Split-GGUF", "acme/Missing-GGUF"]
    # Estimated from the shipped catalogue, without a single request to the Hub.
    assert fake_hub.requests() == []
    est = rows[0]["estimate"]
    assert est.quant == "Q4_K_M" and est.size == 3_000_000 and est.fit.verdict == "cpu"
    assert est.fit.n_layer == 4 and est.fit.kv_bytes > 0 and est.context == 2048
    cards = pane.welcome.cards
    assert len(cards) == 3
    t0 = cards[0].fit_label.text()
    assert "Q4_K_M" in t0 and "CPU only" in t0 and "estimated from the catalogue" in t0 and "≈ 3.0 MB" in t0
    assert "Q8_0" in cards[1].fit_label.text() and "estimated from the catalogue" in cards[1].fit_label.text()
    assert "Not in the catalogue" in cards[2].fit_label.text() and cards[2].button.isEnabled()
    assert "estimated from the catalogue" in pane.welcome.curated_note.text()
    assert "No model yet" in pane.welcome.starter_label.text()

    # The user asks: the recommended files' real sizes and headers, read with Range requests.
    with qtbot.waitSignal(pane.curatedChecked, timeout=30000) as sig:
        pane.welcome.check_btn.click()
    rows = sig.args[0]
    cards = pane.welcome.cards
    assert "Q4_K_M" in cards[0].fit_label.text() and "CPU only" in cards[0].fit_label.text()
    assert "checked on Hugging Face" in cards[0].fit_label.text()
    assert "Q8_0" in cards[1].fit_label.text()
    assert "no repository acme/Missing-GGUF" in cards[2].fit_label.text()
    assert cards[0].button.isEnabled() and not cards[2].button.isEnabled()
    assert {r["file"] for r in fake_hub.requests("cdn")} == {FILE, "Q8_0/Split-Q8_0-00001-of-00002.gguf"}
    with qtbot.waitSignal(pane.modelDownloaded, timeout=30000) as done:
        cards[0].button.click()
    assert Path(done.args[0]).name == FILE


def test_welcome_download_straight_from_the_catalogue_estimate(qtbot, fake_hub, make_pane, bridge, config,
                                                               catalogue_file):
    pane = make_pane(download_manager=manager(config), catalogue_path=catalogue_file)
    with qtbot.waitSignal(pane.curatedShown, timeout=30000):
        bridge.libraryChanged.emit([])
    card = pane.welcome.cards[1]          # the split Q8_0 model, estimated only
    assert card.button.isEnabled() and fake_hub.requests() == []
    with qtbot.waitSignal(pane.modelDownloaded, timeout=30000) as done:
        card.button.click()               # the download looks up the real files (checksums) first
    assert Path(done.args[0]).name == "Split-Q8_0-00001-of-00002.gguf"
    assert fake_hub.requests("info") and not [r for r in fake_hub.requests("cdn") if r["range"]
                                              and r["range"].startswith("bytes=0-") and r["file"] == FILE]


def test_first_run_detection_and_starter(qtbot, make_pane, tiny_model, config, bridge):
    from engine.library import ModelLibrary

    pane = make_pane()
    lib = ModelLibrary(config)
    starter = lib.inspect(tiny_model, "starter")
    other = lib.inspect(tiny_model, "library")
    assert pane.is_first_run([]) and pane.is_first_run([starter])
    assert not pane.is_first_run([starter, other])
    bridge.libraryChanged.emit([starter])
    assert pane.current_section() == "Welcome"
    assert "starter model is ready" in pane.welcome.starter_label.text()
    with qtbot.waitSignal(bridge.loadRequested) as sig:
        pane.welcome.starter_btn.click()
    assert sig.args[0] == str(tiny_model)


def test_library_view_lists_deletes_and_refreshes(qtbot, make_pane, bridge, config, tiny_model, tmp_path):
    models = Path(config.paths.models_dir)
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, models / "keep.gguf")
    shutil.copy(tiny_model, models / "delete-me.gguf")
    (models / "broken.gguf").write_bytes(b"not a gguf at all")
    pane = make_pane()
    with qtbot.waitSignal(bridge.libraryChanged, timeout=10000):
        pane.library_view.refresh_btn.click()
    assert pane.current_section() == "Library"
    lv = pane.library_view
    names = texts(lv.tree)
    assert sorted(names) == ["broken", "delete-me", "keep"]
    broken = lv.tree.topLevelItem(names.index("broken"))
    assert broken.text(6).startswith("unusable: ")
    keep = lv.tree.topLevelItem(names.index("keep"))
    assert keep.text(2) and keep.text(3) != "—" and keep.text(5) == "Library"
    lv.select_path(str(models / "delete-me.gguf"))
    lv.confirm = lambda *a: False
    lv.delete_btn.click()
    assert (models / "delete-me.gguf").exists()
    lv.confirm = lambda *a: True
    with qtbot.waitSignal(bridge.libraryChanged, timeout=10000):
        lv.delete_btn.click()
    assert not (models / "delete-me.gguf").exists()
    assert sorted(texts(lv.tree)) == ["broken", "keep"]
    # Import (by reference) runs off the GUI thread, then the library refreshes.
    src = tmp_path / "elsewhere.gguf"
    shutil.copy(tiny_model, src)
    with qtbot.waitSignal(bridge.libraryChanged, timeout=10000):
        lv.importRequested.emit(str(src), False)
    assert "elsewhere" in texts(lv.tree)


def test_policy_switches_off_hub_and_downloads(qtbot, hearth_home, make_pane, bridge):
    from engine.config import AppConfig

    (hearth_home / "policy.json").write_text(json.dumps({"disable": ["hub", "downloads"]}))
    cfg = AppConfig.load()
    pane = make_pane(config=cfg)
    assert pane.downloads is None
    pane.show_section("Discover")
    assert not pane.discover.search_btn.isEnabled() and not pane.discover.download_btn.isEnabled()
    labels = [w.text() for w in pane.findChildren(type(pane.banner.label)) if w.objectName().startswith("policy_")]
    assert any("switched off by your administrator" in t and "Hub" in t for t in labels)
    assert any("switched off by your administrator" in t and "Download" in t for t in labels)
    pane.show_welcome()
    assert pane.welcome.cards and not any(c.button.isEnabled() for c in pane.welcome.cards)
    assert not pane.worker.busy_kinds - {"hardware", "catalogue"}   # nothing was sent to the Hub


def test_token_control(qtbot, make_pane, memory_keyring, monkeypatch):
    from engine.hub import token as hub_token

    monkeypatch.delenv("HF_TOKEN", raising=False)
    pane = make_pane()
    tc = pane.token   # keyring calls run on a thread of their own: wait for each one's result
    qtbot.waitUntil(lambda: not tc.busy, timeout=5000)
    assert "Not set" in tc.status_label.text() and not tc.clear_btn.isEnabled()
    with qtbot.waitSignal(tc.finished, timeout=5000) as done:
        tc.apply("hf_goodtoken123")
    assert done.args == ["set", True]
    assert "keyring" in tc.status_label.text() and tc.clear_btn.isEnabled()
    assert memory_keyring.store[("Hearth", "huggingface-token")] == "hf_goodtoken123"
    with qtbot.waitSignal(pane.errorShown, timeout=5000), qtbot.waitSignal(tc.finished, timeout=5000) as done:
        tc.apply("not a token")
    assert done.args == ["set", False]
    with qtbot.waitSignal(tc.finished, timeout=5000):
        tc.clear()
    assert "Not set" in tc.status_label.text() and not memory_keyring.store
    # No keyring backend: said so, and a session-only token works.
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    try:
        with qtbot.waitSignal(tc.finished, timeout=5000):
            tc.refresh()
        assert "session only" in tc.status_label.text()
        with qtbot.waitSignal(tc.finished, timeout=5000) as done:
            tc.apply("hf_session", session_only=True)
        assert done.args == ["set", True]
        assert "this session only" in tc.status_label.text()
        assert hub_token.get_token() == "hf_session"
    finally:
        hub_token.set_session_token(None)
        keyring.set_keyring(memory_keyring)


def test_gated_hint_points_at_the_token_button(qtbot, fake_hub, make_pane):
    pane = make_pane()
    pane.show_error("accept the licence on the model page (x) while signed in, then give Hearth an access "
                    "token: python main.py token set")
    assert "Set… button" in pane.banner.text and "python main.py" not in pane.banner.text


def test_model_card_links_ask_before_leaving_the_app(qtbot, config, monkeypatch):
    """Issue 18 part 5: the model card opened its links at once (setOpenExternalLinks); like chat and summaries it
    now shows the real target and opens it only when the user agrees; other schemes do nothing."""
    from gui.panes.models import discover_view
    from gui.qt import QtCore, QtGui
    from gui.widgets import markdown

    events, answer = [], {"open": False}

    def confirm(parent, target):
        events.append(("confirm", target))
        return answer["open"]

    monkeypatch.setattr(discover_view, "confirm_open_link", confirm)
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl",
                        staticmethod(lambda url: events.append(("open", url.toString()))))
    view = discover_view.DiscoverView(config)
    qtbot.addWidget(view)
    card = view.card
    assert not card.openExternalLinks() and not card.openLinks()
    card.setHtml(markdown.render("Weights on [the Hub](https://xn--hub-ppa.example/acme) · [mail](mailto:me@x.example)"))
    card.anchorClicked.emit(QtCore.QUrl("https://xn--hub-ppa.example/acme"))
    assert events == [("confirm", "https://xn--hub-ppa.example/acme")]          # asked, declined: not opened
    answer["open"] = True
    card.anchorClicked.emit(QtCore.QUrl("mailto:me@x.example"))
    assert events[1:] == [("confirm", "mailto:me@x.example"), ("open", "mailto:me@x.example")]
    events.clear()
    for href in ("file:///etc/passwd", "javascript:alert(1)", "LICENSE", "hearth-action:1"):
        card.anchorClicked.emit(QtCore.QUrl(href))
    assert events == []
    assert card.source().isEmpty()                                              # nothing loaded into the view


def test_library_says_an_embedding_model_is_for_document_search(qtbot, make_pane, bridge, config, tiny_model):
    """An embedding model has no chat template either, but it is no base chat model: the Status column says
    what it is for."""
    from tests.tiny_gguf import make_tiny_bert_gguf

    models = Path(config.paths.models_dir)
    models.mkdir(parents=True, exist_ok=True)
    make_tiny_bert_gguf(models / "embed.gguf")
    shutil.copy(tiny_model, models / "chat.gguf")
    pane = make_pane()
    with qtbot.waitSignal(bridge.libraryChanged, timeout=10000):
        pane.library_view.refresh_btn.click()
    lv = pane.library_view
    names = texts(lv.tree)
    status = {n: lv.tree.topLevelItem(i).text(6) for i, n in enumerate(names)}
    assert status["embed"] == "embedding model (for document search)"
    assert "base model" not in status["embed"] and "embedding" not in status["chat"]
