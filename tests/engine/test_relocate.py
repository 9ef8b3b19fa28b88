"""Moving the data folder (engine/relocate.py): a rename on one file system, a verified copy across file
systems, nothing lost on a full disk or a cancel, the checks' sentences, and the folder resolve_paths uses
afterwards (the user's setting, the administrator's policy over it)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from engine import relocate
from engine.config import AppConfig, Policy, resolve_paths
from engine.errors import BadInputError
from engine.store import Store


def fill_data(config: AppConfig) -> int:
    """A real database with one chat, a models folder with two files; returns the chat's id."""
    with Store(config.paths.database) as store:
        cid = store.create_conversation("Trip to Kyoto", model_path=str(config.paths.models_dir / "a.gguf"))
        store.add_message(cid, "user", "Which temples first?")
        store.add_message(cid, "assistant", "Kiyomizu-dera, early.")
    models = config.paths.models_dir
    models.mkdir(parents=True, exist_ok=True)
    (models / "a.gguf").write_bytes(b"GGUF" + os.urandom(300_000))
    (models / "b.gguf").write_bytes(b"GGUF" + os.urandom(200_000))
    return cid


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_chat_at(data_dir: Path, cid: int) -> None:
    with Store(data_dir / "hearth.sqlite3") as store:
        assert store.get_conversation(cid)["title"] == "Trip to Kyoto"
        assert [m["content"] for m in store.messages(cid)] == ["Which temples first?", "Kiyomizu-dera, early."]


def test_same_filesystem_move_renames_and_the_database_opens_at_the_new_place(tmp_path):
    cfg = AppConfig.load()
    cid = fill_data(cfg)
    src = cfg.paths.data_dir
    inode = (src / "models" / "a.gguf").stat().st_ino
    cfg.settings.set("last_model", str(src / "models" / "a.gguf"))
    cfg.settings.set("serve", {"model": str(src / "models" / "a.gguf"), "host": "127.0.0.1", "port": 8080})
    cfg.settings.set("extra_model_dirs", [str(src / "more-models"), str(tmp_path / "shared")])
    dst = tmp_path / "elsewhere" / "HearthData"
    relocate.request_move(cfg.settings, dst)
    assert relocate.pending_move(AppConfig.load().settings) == dst

    result = relocate.run_pending_move(AppConfig.load())
    assert result.moved and result.error is None and result.data_dir == dst
    assert not src.exists()
    assert (dst / "models" / "a.gguf").stat().st_ino == inode        # renamed, not copied
    started = AppConfig.load()                                       # the next start
    assert started.paths.data_dir == dst and started.paths.models_dir == dst / "models"
    assert started.paths.database == dst / "hearth.sqlite3"
    assert relocate.pending_move(started.settings) is None
    assert started.settings.get("pending_data_move") is None
    assert started.settings.get("last_model") == str(dst / "models" / "a.gguf")
    assert started.settings.get("serve") == {"model": str(dst / "models" / "a.gguf"), "host": "127.0.0.1",
                                             "port": 8080}                # the Local API's model moved too
    assert started.settings.get("extra_model_dirs") == [str(dst / "more-models"), str(tmp_path / "shared")]
    assert_chat_at(started.paths.data_dir, cid)
    with Store(started.paths.database) as store:                     # the chat's model followed it
        assert store.get_conversation(cid)["model_path"] == str(dst / "models" / "a.gguf")


def test_cross_filesystem_move_copies_verifies_and_deletes_the_source(tmp_path, monkeypatch):
    cfg = AppConfig.load()
    cid = fill_data(cfg)
    src = cfg.paths.data_dir
    before = snapshot(src)
    monkeypatch.setattr(relocate, "same_filesystem", lambda a, b: False)
    dst = tmp_path / "usb"
    dst.mkdir()                                                       # an empty folder is fine
    plan = relocate.check_move(src, dst, cfg.policy)
    assert not plan.same_filesystem and plan.files == len(before)
    assert plan.total_bytes == sum(len(b) for b in before.values())
    seen = []
    relocate.move_data(plan, on_progress=lambda done, total: seen.append((done, total)), settings=cfg.settings)
    assert not src.exists()
    after = snapshot(dst)
    assert after.keys() == before.keys()
    # byte for byte, but the database: its chats' model paths were moved on (checked below)
    assert {k: v for k, v in after.items() if k != "hearth.sqlite3"} == \
        {k: v for k, v in before.items() if k != "hearth.sqlite3"}
    with Store(dst / "hearth.sqlite3") as store:
        assert store.get_conversation(cid)["model_path"] == str(dst / "models" / "a.gguf")
    assert seen and seen[-1] == (plan.total_bytes, plan.total_bytes)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))           # bytes, growing
    assert len(seen) >= plan.files
    assert AppConfig.load().paths.data_dir == dst
    assert_chat_at(dst, cid)


def test_a_full_disk_halfway_leaves_everything_as_it_was(tmp_path, monkeypatch):
    cfg = AppConfig.load()
    fill_data(cfg)
    src = cfg.paths.data_dir
    before = snapshot(src)
    cfg.settings.set("theme", "dark")
    settings_before = cfg.paths.settings_file.read_text()
    monkeypatch.setattr(relocate, "same_filesystem", lambda a, b: False)
    real_copy = relocate._copy_file
    calls = []

    def copy(s, d, on_bytes, cancelled):
        calls.append(s)
        if len(calls) == 2:
            with open(d, "wb") as f:
                f.write(b"half")                                        # a partial file, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        real_copy(s, d, on_bytes, cancelled)

    monkeypatch.setattr(relocate, "_copy_file", copy)
    dst = tmp_path / "small-disk" / "Hearth"
    plan = relocate.check_move(src, dst, cfg.policy)
    with pytest.raises(BadInputError) as e:
        relocate.move_data(plan, settings=cfg.settings)
    msg = str(e.value)
    assert "not enough disk space" in msg and str(src) in msg
    assert len(calls) == 2
    assert snapshot(src) == before
    assert not dst.exists()                                            # what was copied is gone
    assert cfg.paths.settings_file.read_text() == settings_before
    assert AppConfig.load().paths.data_dir == src


def test_a_failed_pending_move_keeps_the_old_folder_and_clears_the_request(tmp_path, monkeypatch):
    cfg = AppConfig.load()
    cid = fill_data(cfg)
    src = cfg.paths.data_dir
    monkeypatch.setattr(relocate, "same_filesystem", lambda a, b: False)

    def no_space(s, d, on_bytes, cancelled):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(relocate, "_copy_file", no_space)
    dst = tmp_path / "new"
    relocate.request_move(cfg.settings, dst)
    result = relocate.run_pending_move(AppConfig.load())
    assert not result.moved and result.data_dir == src
    assert "not enough disk space" in result.error
    again = AppConfig.load()
    assert again.paths.data_dir == src and relocate.pending_move(again.settings) is None
    assert "pending_data_move" not in json.loads(again.paths.settings_file.read_text())
    assert not dst.exists()
    assert_chat_at(src, cid)


def test_cancel_between_chunks_removes_the_copy_and_keeps_the_source(tmp_path, monkeypatch):
    cfg = AppConfig.load()
    fill_data(cfg)
    src = cfg.paths.data_dir
    before = snapshot(src)
    monkeypatch.setattr(relocate, "same_filesystem", lambda a, b: False)
    monkeypatch.setattr(relocate, "CHUNK", 64 * 1024)
    dst = tmp_path / "target"
    dst.mkdir()
    relocate.request_move(cfg.settings, dst)
    progress = []
    result = relocate.run_pending_move(AppConfig.load(), on_progress=lambda d, t: progress.append(d),
                                       cancelled=lambda: len(progress) >= 3)
    assert not result.moved and result.cancelled and "cancelled" in result.error
    assert len(progress) == 3                                          # stopped at the next chunk
    assert snapshot(src) == before
    assert dst.is_dir() and list(dst.iterdir()) == []                  # the user's empty folder stays, empty
    assert AppConfig.load().paths.data_dir == src


def test_the_checks_say_what_is_wrong_in_one_sentence(tmp_path):
    cfg = AppConfig.load()
    fill_data(cfg)
    src = cfg.paths.data_dir

    def refusal(dst, policy=None) -> str:
        with pytest.raises(BadInputError) as e:
            relocate.check_move(src, dst, policy)
        return str(e.value)

    assert "is inside the current data folder" in refusal(src / "models" / "sub")
    assert "is inside" in refusal(src.parent) and "choose an empty folder elsewhere" in refusal(src.parent)
    assert "already in" in refusal(src)
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("mine")
    assert f"{full} is not empty" in refusal(full)
    afile = tmp_path / "a-file"
    afile.write_text("x")
    assert "is a file, not a folder" in refusal(afile)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if not os.access(locked, os.W_OK):                             # (root can write anyway)
            assert f"you cannot write to {locked}" in refusal(locked / "Hearth")
    finally:
        locked.chmod(0o700)
    pinned = Policy(data_dir=tmp_path / "it-folder")
    assert "set by your administrator" in refusal(tmp_path / "ok", pinned)
    # an empty folder and a new one are both fine
    assert relocate.check_move(src, tmp_path / "brand-new").dst == tmp_path / "brand-new"


def test_not_enough_free_space_is_checked_only_across_file_systems(tmp_path, monkeypatch):
    cfg = AppConfig.load()
    fill_data(cfg)
    src = cfg.paths.data_dir
    import shutil

    monkeypatch.setattr(relocate.shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10**9, 10**9 - 1000, 1000))
    assert relocate.check_move(src, tmp_path / "same").same_filesystem      # a rename needs no space
    monkeypatch.setattr(relocate, "same_filesystem", lambda a, b: False)
    with pytest.raises(BadInputError) as e:
        relocate.check_move(src, tmp_path / "other")
    assert "not enough free space" in str(e.value) and "1 KB is free" in str(e.value)


def test_destination_for_a_non_empty_folder_is_a_hearth_folder_inside_it(tmp_path):
    assert relocate.destination_for(tmp_path / "new") == tmp_path / "new"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "x.txt").write_text("x")
    assert relocate.destination_for(tmp_path / "docs") == tmp_path / "docs" / "Hearth"


def test_resolve_paths_honours_the_setting_and_the_policy_wins(tmp_path, hearth_home):
    settings_file = hearth_home / "config" / "settings.json"
    assert resolve_paths(Policy()).data_dir == hearth_home / "data"
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(json.dumps({"data_dir": str(tmp_path / "moved")}))
    p = resolve_paths(Policy())
    assert p.data_dir == tmp_path / "moved" and p.models_dir == tmp_path / "moved" / "models"
    assert p.config_dir == hearth_home / "config"                      # the settings never move
    pinned = resolve_paths(Policy(data_dir=tmp_path / "it", models_dir=tmp_path / "shared-models"))
    assert pinned.data_dir == tmp_path / "it" and pinned.models_dir == tmp_path / "shared-models"
    assert resolve_paths(Policy(data_dir=tmp_path / "it")).models_dir == tmp_path / "it" / "models"
    # a broken file, a wrong type or a relative path is ignored
    for text in ("{broken", json.dumps({"data_dir": 5}), json.dumps({"data_dir": "relative/x"}), json.dumps([1])):
        settings_file.write_text(text)
        assert resolve_paths(Policy()).data_dir == hearth_home / "data"


def test_describe_pending_for_doctor(tmp_path):
    cfg = AppConfig.load()
    assert relocate.describe_pending(cfg) is None
    relocate.request_move(cfg.settings, tmp_path / "there")
    assert relocate.describe_pending(AppConfig.load()) == {
        "from": str(cfg.paths.data_dir), "to": str(tmp_path / "there"),
        "when": "the next time the desktop app starts"}
    relocate.cancel_pending(cfg.settings)
    assert relocate.describe_pending(AppConfig.load()) is None
    cfg.settings.set("pending_data_move", {"to": 7})                  # hand-edited nonsense: no move
    assert relocate.describe_pending(AppConfig.load()) is None


def test_doctor_shows_a_pending_move(hearth_home, tmp_path):
    import json

    from tests.conftest import run_cli

    target = tmp_path / "bigger-disk" / "Hearth"
    r = run_cli("doctor", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["pending_data_move"] is None
    relocate.request_move(AppConfig.load().settings, target)
    r = run_cli("doctor", "--json")
    assert json.loads(r.stdout)["pending_data_move"]["to"] == str(target)
    r = run_cli("doctor")
    assert f"data move: to {target} the next time the desktop app starts" in r.stdout


def test_a_stopped_summary_made_with_a_moved_model_resumes_after_the_move(tmp_path):
    """A stopped summary is found again by a key that includes the model file's path: when the model moved
    with the data, the key must follow, or the summary would start afresh (a gap stated at stop 16)."""
    from engine.summarize.prompts import SummaryOptions
    from engine.summarize.storage import SummaryStore, job_key

    cfg = AppConfig.load()
    fill_data(cfg)
    src = cfg.paths.data_dir
    options = SummaryOptions(length="short", language="ja").to_dict()
    inside, outside = str(src / "models" / "a.gguf"), str(tmp_path / "shared" / "c.gguf")
    with Store(cfg.paths.database) as store:
        ss = SummaryStore(store)
        ids = {}
        for model in (inside, outside):
            ids[model] = ss.start(job_key("d0c", model, options, 4096), "report.pdf", "d0c", model, options,
                                  4096, pages=40, document_tokens=90_000)
            ss.save_part(ids[model], 0, 0, "in0", 1, 3, "The first three pages.", 900, 80, 2.5)
            ss.mark(ids[model], "cancelled")
    dst = tmp_path / "elsewhere" / "HearthData"
    relocate.move_data(relocate.check_move(src, dst, cfg.policy), settings=cfg.settings)

    moved = str(dst / "models" / "a.gguf")
    with Store(dst / "hearth.sqlite3") as store:
        ss = SummaryStore(store)
        sid = ss.find_resumable(job_key("d0c", moved, options, 4096))
        assert sid == ids[inside]
        assert [p["text"] for p in ss.parts(sid).values()] == ["The first three pages."]
        assert ss.find_resumable(job_key("d0c", inside, options, 4096)) is None
        assert ss.find_resumable(job_key("d0c", outside, options, 4096)) == ids[outside]   # untouched


# ---- one folder for data, settings and cache (Windows, macOS) ------------------------------------------

@pytest.fixture
def shared_layout(tmp_path, monkeypatch):
    """platformdirs as on Windows: data and settings in %LOCALAPPDATA%\\Hearth, the cache (logs) in Cache
    inside it. (macOS shares data and settings the same way.) Returns that folder."""
    import platformdirs

    root = tmp_path / "Local" / "Hearth"
    monkeypatch.delenv("HEARTH_HOME", raising=False)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(root))
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda *a, **k: str(root))
    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda *a, **k: str(root / "Cache"))
    cfg = AppConfig.load()
    assert cfg.paths.data_dir == cfg.paths.config_dir == root
    return root


@pytest.mark.parametrize("same_disk", [True, False], ids=["rename", "copy"])
def test_settings_and_cache_inside_the_data_folder_stay_and_remember_the_move(shared_layout, tmp_path,
                                                                             monkeypatch, same_disk):
    """The copy used to delete settings.json with the old folder, so the next start forgot where the data
    went (and every other setting); a same-disk rename failed on Windows over the open log file."""
    root = shared_layout
    cfg = AppConfig.load()
    cid = fill_data(cfg)
    cfg.settings.set("theme", "dark")
    (root / "Cache" / "logs").mkdir(parents=True)
    (root / "Cache" / "logs" / "hearth.log").write_text("a line\n")
    if not same_disk:
        monkeypatch.setattr(relocate, "same_filesystem", lambda a, b: False)
    dst = tmp_path / "D" / "HearthData"
    relocate.request_move(cfg.settings, dst)

    result = relocate.run_pending_move(AppConfig.load())
    assert result.moved and result.error is None and result.note is None
    started = AppConfig.load()                                        # the next start
    assert started.paths.data_dir == dst and started.settings.get("theme") == "dark"
    assert started.paths.settings_file == root / "settings.json" and started.paths.settings_file.is_file()
    assert (root / "Cache" / "logs" / "hearth.log").read_text() == "a line\n"
    assert sorted(p.name for p in root.iterdir()) == ["Cache", "settings.json"]   # the data went, nothing else
    assert sorted(p.name for p in dst.iterdir()) == ["hearth.sqlite3", "models"]
    assert_chat_at(dst, cid)


def test_a_models_folder_pinned_by_the_policy_inside_the_data_folder_stays(tmp_path):
    cfg = AppConfig.load()
    fill_data(cfg)
    src = cfg.paths.data_dir
    policy = Policy(models_dir=src / "models")
    plan = relocate.check_move(src, tmp_path / "new", policy, stays=(policy.models_dir,))
    assert plan.staying == ("models",) and "models" not in plan.entries
    assert plan.total_bytes == (src / "hearth.sqlite3").stat().st_size


# ---- a move cut short (the app killed, the power lost) --------------------------------------------------

KILL_DURING_MOVE = """
import os, sys
from engine import relocate
from engine.config import AppConfig

mode = sys.argv[1]
if mode == "copy":
    relocate.same_filesystem = lambda a, b: False
    real = relocate._copy_file
    calls = []

    def copy(s, d, on_bytes, cancelled):
        calls.append(s)
        if len(calls) == 2:
            with open(d, "wb") as f:
                f.write(b"half")
            os._exit(9)                      # killed halfway through the second file
        real(s, d, on_bytes, cancelled)

    relocate._copy_file = copy
else:
    real = relocate._rename
    calls = []

    def rename(s, d):
        calls.append(s)
        if len(calls) == 2:
            os._exit(9)                      # killed after the first entry was renamed
        return real(s, d)

    relocate._rename = rename
relocate.run_pending_move(AppConfig.load())
"""


@pytest.mark.parametrize("mode", ["rename", "copy"])
def test_a_move_killed_halfway_is_undone_at_the_next_start(tmp_path, mode):
    import subprocess
    import sys

    cfg = AppConfig.load()
    cid = fill_data(cfg)
    src = cfg.paths.data_dir
    before = snapshot(src)
    dst = tmp_path / "new"
    relocate.request_move(cfg.settings, dst)
    r = subprocess.run([sys.executable, "-c", KILL_DURING_MOVE, mode], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 9, r.stderr
    assert any(dst.iterdir())                                          # it was cut short with data in dst
    assert relocate.pending_move(AppConfig.load().settings) == dst

    result = relocate.run_pending_move(AppConfig.load())               # the next start
    assert not result.moved and "cut short and has been undone" in result.error and str(src) in result.error
    assert snapshot(src) == before
    assert list(dst.iterdir()) == []
    again = AppConfig.load()
    assert again.paths.data_dir == src and again.settings.get("pending_data_move") is None
    assert_chat_at(src, cid)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX links and FIFOs")
def test_a_copy_points_links_into_the_new_folder_and_skips_a_fifo(tmp_path, monkeypatch):
    """A link to a model inside the old folder would dangle once it is deleted; a FIFO would block the
    copy for ever (open() waits for a writer)."""
    cfg = AppConfig.load()
    fill_data(cfg)
    src = cfg.paths.data_dir
    (src / "models" / "current.gguf").symlink_to(src / "models" / "a.gguf")        # absolute, inside
    (src / "models" / "relative.gguf").symlink_to("b.gguf")
    (src / "models" / "outside.gguf").symlink_to(tmp_path / "shared.gguf")
    os.mkfifo(src / "pipe")
    monkeypatch.setattr(relocate, "same_filesystem", lambda a, b: False)
    dst = tmp_path / "usb"
    relocate.move_data(relocate.check_move(src, dst), settings=cfg.settings)
    assert os.readlink(dst / "models" / "current.gguf") == str(dst / "models" / "a.gguf")
    assert (dst / "models" / "current.gguf").read_bytes() == (dst / "models" / "a.gguf").read_bytes()
    assert os.readlink(dst / "models" / "relative.gguf") == "b.gguf"
    assert os.readlink(dst / "models" / "outside.gguf") == str(tmp_path / "shared.gguf")
    assert not (dst / "pipe").exists()


def test_a_failed_put_back_says_where_the_data_is(tmp_path, monkeypatch):
    """The settings could not be written after the renames, and renaming back failed too: the sentence must
    say the data is split and where, not "nothing was moved"."""
    cfg = AppConfig.load()
    fill_data(cfg)
    src = cfg.paths.data_dir
    dst = tmp_path / "new"
    plan = relocate.check_move(src, dst)
    assert plan.same_filesystem

    def no_write(*a, **k):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(relocate, "_record", no_write)
    monkeypatch.setattr(relocate, "_put_back", no_write)
    with pytest.raises(BadInputError) as e:
        relocate.move_data(plan, settings=cfg.settings)
    assert str(e.value) == (f"the data could not be moved, and part of it could not be put back: move everything "
                            f"in {dst} back into {src} before using Hearth")
    assert sorted(p.name for p in dst.iterdir()) == ["hearth.sqlite3", "models"]   # where the sentence says
