"""Download manager against the fake Hub: resume, verify, errors, pause/cancel, restart."""

from __future__ import annotations

import errno
import hashlib
import threading
import time
from pathlib import Path

import pytest

from engine.errors import BadInputError, CancelledError, EngineError
from engine.gguf_check import check_file
from engine.hub.download import ChecksumError, DiskFullError, DownloadManager, _default_writer
from tests.hub.conftest import fast_retry, library_ggufs

REPO = "acme/Tiny-GGUF"
FILE = "Tiny-Q4_K_M.gguf"


def manager(config, **kw):
    kw.setdefault("retry", fast_retry())
    return DownloadManager(config, chunk_size=32 << 10, **kw)


def test_full_download_verified_into_library(fake_hub, config):
    events = []
    mgr = manager(config, on_update=events.append)
    job = mgr.add_from_hub(REPO, quant="Q4_K_M")
    job = mgr.run_job(job.id)
    data = fake_hub.repos[REPO].files[FILE]
    assert job.state == "done"
    final = Path(job.final_path)
    assert final == Path(config.paths.models_dir) / "acme" / "Tiny-GGUF" / FILE
    assert final.read_bytes() == data
    assert check_file(final).architecture == "llama"
    assert job.parts[0].sha256 == hashlib.sha256(data).hexdigest()
    assert not list(Path(config.paths.downloads_dir).glob("*.part"))
    states = [e.state for e in events]
    assert "downloading" in states and states[-1] == "done"
    # Pinned to the commit the files were listed at; the CDN redirect was followed.
    assert fake_hub.requests("resolve", FILE)[0]["path"].endswith(f"/resolve/{job.revision}/{FILE}")
    # The library lists it.
    from engine.library import ModelLibrary

    assert [e.path for e in ModelLibrary(config).list_models() if e.ok] == [final]


# Drops on chunk boundaries (32 KiB here): a chunk cut short is re-fetched, not kept.
@pytest.mark.parametrize("drops", [[32768], [65536, 196608], [0, 294912, 32768]])
def test_dropped_connection_resumes_at_right_byte(fake_hub, config, drops):
    fake_hub.plan(FILE, *[f"drop:{n}" for n in drops])
    mgr = manager(config)
    job = mgr.run_job(mgr.add_from_hub(REPO, FILE).id)
    assert Path(job.final_path).read_bytes() == fake_hub.repos[REPO].files[FILE]
    ranges = [r["range"] for r in fake_hub.requests("cdn", FILE)]
    expected, pos = [None], 0
    for n in drops:
        pos += n
        expected.append(f"bytes={pos}-" if pos else None)
    assert ranges == expected


def test_drop_mid_chunk_still_completes(fake_hub, config):
    fake_hub.plan(FILE, "drop:1000", "drop:40000")
    mgr = manager(config)
    job = mgr.run_job(mgr.add_from_hub(REPO, FILE).id)
    assert Path(job.final_path).read_bytes() == fake_hub.repos[REPO].files[FILE]
    assert len(fake_hub.requests("cdn", FILE)) == 3


def test_resume_from_partial_left_by_previous_run(fake_hub, config):
    data = fake_hub.repos[REPO].files[FILE]
    mgr = manager(config)
    job = mgr.add_from_hub(REPO, FILE)
    part = mgr.part_path(mgr.get(job.id), mgr.get(job.id).parts[0])
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(data[:123_457])
    done = mgr.run_job(job.id)
    assert Path(done.final_path).read_bytes() == data
    assert [r["range"] for r in fake_hub.requests("cdn", FILE)] == ["bytes=123457-"]


def test_server_ignoring_range_restarts_cleanly(fake_hub, config):
    data = fake_hub.repos[REPO].files[FILE]
    fake_hub.plan(FILE, "drop:98304", "ignore_range")
    mgr = manager(config)
    job = mgr.run_job(mgr.add_from_hub(REPO, FILE).id)
    assert Path(job.final_path).read_bytes() == data
    ranges = [r["range"] for r in fake_hub.requests("cdn", FILE)]
    assert ranges == [None, "bytes=98304-", None]  # 200 to a Range: start again from 0


def test_tampered_byte_rejected(fake_hub, config):
    fake_hub.plan(FILE, "tamper")
    mgr = manager(config)
    job = mgr.add_from_hub(REPO, FILE)
    with pytest.raises(ChecksumError, match="checksum mismatch"):
        mgr.run_job(job.id)
    assert mgr.get(job.id).state == "failed"
    assert library_ggufs(config) == []
    assert not list(Path(config.paths.downloads_dir).glob("*.part"))


def test_hub_checksum_mismatch_is_engine_error(fake_hub, config):
    fake_hub.repos[REPO].sha_override[FILE] = "0" * 64
    mgr = manager(config)
    with pytest.raises(EngineError):
        mgr.run_job(mgr.add_from_hub(REPO, FILE).id)
    assert library_ggufs(config) == []


def test_gated_401_403(fake_hub, config, memory_keyring):
    mgr = manager(config, token=False)
    job = mgr.add_from_hub("gated/Locked-GGUF", quant="Q4_K_M")
    with pytest.raises(BadInputError, match="accept the licence.*token set"):
        mgr.run_job(job.id)
    mgr = manager(config, token="hf_wrong")
    with pytest.raises(BadInputError, match="HTTP 403"):
        mgr.run_job(job.id)
    from tests.hub.fakehub import GOOD_TOKEN

    mgr = manager(config, token=GOOD_TOKEN)
    assert mgr.run_job(job.id).state == "done"
    assert fake_hub.requests("resolve")[-1]["auth"] == f"Bearer {GOOD_TOKEN}"


def test_404_file_gone(fake_hub, config):
    mgr = manager(config)
    job = mgr.add_from_hub(REPO, FILE)
    del fake_hub.repos[REPO].files[FILE]
    with pytest.raises(BadInputError, match="gone"):
        mgr.run_job(job.id)


def test_500_retried_then_succeeds_and_persistent_500_fails(fake_hub, config):
    fake_hub.plan(FILE, "status:500", "status:503")
    mgr = manager(config)
    job = mgr.run_job(mgr.add_from_hub(REPO, FILE).id)
    assert job.state == "done" and len(fake_hub.requests("cdn", FILE)) == 3
    other = "Tiny-Q8_0.gguf"
    fake_hub.plan(other, *["status:500"] * 10)
    job2 = mgr.add_from_hub(REPO, other)
    with pytest.raises(EngineError, match="failed after 4 tries"):
        mgr.run_job(job2.id)
    assert len(fake_hub.requests("cdn", other)) == 4


def test_disk_full_mid_download_keeps_partial(fake_hub, config):
    state = {"written": 0}

    def full_after_100k(f, data):
        if state["written"] + len(data) > 100_000:
            raise OSError(errno.ENOSPC, "No space left on device")
        _default_writer(f, data)
        state["written"] += len(data)

    mgr = manager(config, writer=full_after_100k)
    job = mgr.add_from_hub(REPO, FILE)
    with pytest.raises(DiskFullError, match="disk is full"):
        mgr.run_job(job.id)
    j = mgr.get(job.id)
    part = mgr.part_path(j, j.parts[0])
    assert j.state == "failed" and 0 < part.stat().st_size <= 100_000
    # Space freed: the same job resumes from the partial file.
    mgr2 = manager(config)
    done = mgr2.run_job(mgr2.add_from_hub(REPO, FILE).id)
    assert Path(done.final_path).read_bytes() == fake_hub.repos[REPO].files[FILE]
    assert fake_hub.requests("cdn", FILE)[-1]["range"] == f"bytes={part_size(state)}-"


def part_size(state):
    return state["written"]


def test_not_enough_space_before_start(fake_hub, config):
    class Usage:
        free = 1000

    mgr = manager(config, disk_usage=lambda p: Usage)
    with pytest.raises(DiskFullError, match="not enough disk space"):
        mgr.run_job(mgr.add_from_hub(REPO, FILE).id)
    assert fake_hub.requests("cdn") == []


def test_split_model_downloads_all_parts(fake_hub, config):
    mgr = manager(config)
    job = mgr.run_job(mgr.add_from_hub("acme/Split-GGUF", quant="Q8_0").id)
    dest = Path(config.paths.models_dir) / "acme" / "Split-GGUF"
    assert sorted(p.name for p in dest.iterdir()) == [
        "Split-Q8_0-00001-of-00002.gguf", "Split-Q8_0-00002-of-00002.gguf"]
    assert job.final_path == str(dest / "Split-Q8_0-00001-of-00002.gguf")
    assert job.total == sum(p.stat().st_size for p in dest.iterdir())


def _slow_writer(delay=0.04):
    def w(f, data):
        time.sleep(delay)
        _default_writer(f, data)
    return w


def test_pause_resume_cancel_with_worker(fake_hub, config):
    mgr = manager(config, writer=_slow_writer(), progress_interval=0)
    seen = threading.Event()
    mgr.add_listener(lambda j: j.downloaded > 64_000 and seen.set())
    job = mgr.add_from_hub(REPO, FILE)
    mgr.start()
    assert seen.wait(10)
    mgr.pause(job.id)
    j = mgr.wait(job.id, timeout=10)
    assert j.state == "paused" and 0 < j.downloaded < j.total
    assert mgr.part_path(j, j.parts[0]).is_file()
    mgr.resume(job.id)
    j = mgr.wait(job.id, timeout=30)
    assert j.state == "done" and Path(j.final_path).is_file()
    # Cancel removes the partial file and the job never installs.
    seen.clear()
    job2 = mgr.add_from_hub(REPO, "Tiny-F16.gguf")
    assert seen.wait(10)
    mgr.cancel(job2.id)
    j2 = mgr.wait(job2.id, timeout=10)
    assert j2.state == "cancelled"
    assert not mgr.part_path(j2, j2.parts[0]).exists()
    assert not (Path(config.paths.models_dir) / "acme" / "Tiny-GGUF" / "Tiny-F16.gguf").exists()
    mgr.shutdown()


def test_queue_survives_restart(fake_hub, config):
    mgr = manager(config, writer=_slow_writer(), progress_interval=0)
    seen = threading.Event()
    mgr.add_listener(lambda j: j.downloaded > 64_000 and seen.set())
    job = mgr.add_from_hub(REPO, FILE)
    paused = mgr.add_from_hub(REPO, "Tiny-Q8_0.gguf")
    mgr.pause(paused.id)
    mgr.start()
    assert seen.wait(10)
    mgr.shutdown()  # app quits mid-download
    j = mgr.get(job.id)
    assert j.state == "queued" and 0 < j.downloaded < j.total
    have = mgr.part_path(j, j.parts[0]).stat().st_size

    mgr2 = manager(config)  # a fresh process reads queue.json
    assert {x.id: x.state for x in mgr2.jobs()} == {job.id: "queued", paused.id: "paused"}
    mgr2.start()
    j = mgr2.wait(job.id, timeout=30)
    assert j.state == "done"
    assert fake_hub.requests("cdn", FILE)[-1]["range"] == f"bytes={have}-"
    assert mgr2.get(paused.id).state == "paused"  # stays paused until resumed
    mgr2.resume(paused.id)
    assert mgr2.wait(paused.id, timeout=30).state == "done"
    mgr2.shutdown()


def test_keyboard_interrupt_pauses_and_rerun_resumes(fake_hub, config):
    calls = {"n": 0}

    def interrupting(f, data):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        _default_writer(f, data)

    mgr = manager(config, writer=interrupting)
    job = mgr.add_from_hub(REPO, FILE)
    with pytest.raises(CancelledError):
        mgr.run_job(job.id)
    j = mgr.get(job.id)
    assert j.state == "paused" and mgr.part_path(j, j.parts[0]).stat().st_size == 2 * (32 << 10)
    mgr2 = manager(config)
    assert mgr2.run_job(mgr2.add_from_hub(REPO, FILE).id).state == "done"
    assert fake_hub.requests("cdn", FILE)[-1]["range"] == f"bytes={2 * (32 << 10)}-"


def test_policy_blocks_downloads(fake_hub, config):
    from engine.config import Policy

    config.policy = Policy(disabled=frozenset({"downloads"}))
    with pytest.raises(BadInputError, match="administrator"):
        DownloadManager(config)
