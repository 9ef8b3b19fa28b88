"""Partial downloads whose queue entry was lost are found again, resumed or deleted (engine and CLI)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from engine.errors import BadInputError, CancelledError
from engine.hub.download import DownloadManager, _default_writer, find_orphan_partials
from tests.conftest import run_cli
from tests.hub.conftest import fast_retry
from tests.hub.test_token_cli import cli_env  # noqa: F401 (fixture)

REPO = "acme/Tiny-GGUF"
FILE = "Tiny-Q4_K_M.gguf"
CHUNK = 32 << 10


def manager(config, **kw):
    kw.setdefault("retry", fast_retry())
    return DownloadManager(config, chunk_size=CHUNK, **kw)


def leave_partial(config, filename=FILE, chunks=2) -> Path:
    """Download ``chunks`` chunks, then lose the queue (as a damaged queue file would);
    the partial file is aged so it cannot look like another process's live download."""
    calls = {"n": 0}

    def interrupting(f, data):
        calls["n"] += 1
        if calls["n"] > chunks:
            raise KeyboardInterrupt
        _default_writer(f, data)

    mgr = manager(config, writer=interrupting)
    job = mgr.add_from_hub(REPO, filename)
    with pytest.raises(CancelledError):
        mgr.run_job(job.id)
    j = mgr.get(job.id)
    part = mgr.part_path(j, j.parts[0])
    assert part.stat().st_size == chunks * CHUNK
    mgr.queue_file.unlink()
    return part


def age(path: Path, seconds: float = 120) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_orphan_found_with_its_repository_and_resumed(fake_hub, config):
    part = leave_partial(config)
    data = fake_hub.repos[REPO].files[FILE]
    mgr = manager(config)
    assert mgr.jobs() == []
    # Just written: it may be another process's live download, so it is not offered yet.
    assert mgr.find_orphan_partials() == []
    age(part)
    [o] = mgr.find_orphan_partials()
    assert (o.file, o.size, o.name, o.verified) == (part.name, 2 * CHUNK, FILE, False)
    assert (o.repo_id, o.filename, o.total) == (REPO, FILE, len(data))
    assert o.revision == fake_hub.requests("resolve", FILE)[0]["path"].split("/resolve/")[1].split("/")[0]
    # The module function finds the same without a manager.
    assert [x.file for x in find_orphan_partials(config.paths.downloads_dir)] == [part.name]

    job = mgr.resume_orphan(o.file)
    assert job.repo_id == REPO and job.downloaded == 2 * CHUNK
    assert mgr.find_orphan_partials(min_age=0) == []      # queued again: no longer an orphan
    done = mgr.run_job(job.id)
    assert Path(done.final_path).read_bytes() == data
    assert fake_hub.requests("cdn", FILE)[-1]["range"] == f"bytes={2 * CHUNK}-"
    # Nothing left behind: no partial file, no record of it.
    assert sorted(p.name for p in Path(config.paths.downloads_dir).iterdir()) == ["queue.json"]


def test_orphan_without_record_resumes_by_pulling_the_same_file(fake_hub, config):
    part = leave_partial(config)
    for sidecar in Path(config.paths.downloads_dir).glob("*.gguf.json"):
        sidecar.unlink()
    age(part)
    mgr = manager(config)
    [o] = mgr.find_orphan_partials()
    assert o.repo_id is None and o.filename is None and o.name == FILE and o.size == 2 * CHUNK
    with pytest.raises(BadInputError, match=f"pull REPO {FILE}"):
        mgr.resume_orphan(o.file)
    # Pulling the same file from the same repository continues from the orphan (found by name).
    done = mgr.run_job(mgr.add_from_hub(REPO, FILE).id)
    assert Path(done.final_path).read_bytes() == fake_hub.repos[REPO].files[FILE]
    assert fake_hub.requests("cdn", FILE)[-1]["range"] == f"bytes={2 * CHUNK}-"


def test_discard_orphan_and_refusals(fake_hub, config):
    part = leave_partial(config)
    age(part)
    mgr = manager(config)
    for bad in ("../x.part", "queue.json", "nothing-here.part", ".part"):
        with pytest.raises(BadInputError):
            mgr.discard_orphan(bad)
    # A file that belongs to a job in the queue is not an orphan.
    queued = mgr.add_from_hub(REPO, "Tiny-Q8_0.gguf")
    qpart = mgr.part_path(queued, queued.parts[0])
    qpart.parent.mkdir(parents=True, exist_ok=True)
    qpart.write_bytes(b"x" * 100)
    age(qpart)
    assert [o.file for o in mgr.find_orphan_partials()] == [part.name]
    with pytest.raises(BadInputError, match="belongs to a download in the queue"):
        mgr.discard_orphan(qpart.name)
    assert qpart.exists()
    assert mgr.discard_orphan(part.name) == 2 * CHUNK
    assert not part.exists()
    assert not list(Path(config.paths.downloads_dir).glob(part.name[:-len(".part")] + "*"))
    assert mgr.find_orphan_partials(min_age=0) == []


def test_failed_download_removed_from_list_becomes_an_orphan(fake_hub, config):
    """Removing a failed download from the list keeps its partial file: it is offered again."""
    fake_hub.plan(FILE, "drop:65536", *["status:500"] * 10)
    mgr = manager(config)
    job = mgr.add_from_hub(REPO, FILE)
    with pytest.raises(Exception, match="failed after"):
        mgr.run_job(job.id)
    j = mgr.get(job.id)
    part = mgr.part_path(j, j.parts[0])
    assert part.stat().st_size == 65536
    mgr.remove(job.id)
    assert mgr.jobs() == []
    assert [o.file for o in mgr.find_orphan_partials(min_age=0)] == [part.name]


# ---- CLI ---------------------------------------------------------------------------------

def test_cli_downloads_lists_resumes_with_pull_and_discards(cli_env, fake_hub, config):  # noqa: F811
    part = leave_partial(config)
    age(part)
    other = leave_partial(config, "Tiny-F16.gguf", chunks=1)
    age(other)
    r = run_cli("downloads", "--json", env=cli_env)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["queued"] == []
    by_file = {o["file"]: o for o in d["orphans"]}
    assert set(by_file) == {part.name, other.name}
    assert by_file[part.name]["repo_id"] == REPO and by_file[part.name]["size"] == 2 * CHUNK
    assert by_file[part.name]["filename"] == FILE and by_file[other.name]["size"] == CHUNK
    r = run_cli("downloads", env=cli_env)
    assert r.returncode == 0
    assert f"resume: python main.py pull {REPO} {FILE}" in r.stdout
    assert f"delete: python main.py downloads --discard {other.name}" in r.stdout

    # `pull` resumes the orphan from its partial file.
    r = run_cli("pull", REPO, FILE, "--json", env=cli_env)
    assert r.returncode == 0, r.stderr
    assert Path(json.loads(r.stdout)["path"]).read_bytes() == fake_hub.repos[REPO].files[FILE]
    assert fake_hub.requests("cdn", FILE)[-1]["range"] == f"bytes={2 * CHUNK}-"

    r = run_cli("downloads", "--discard", other.name, env=cli_env)
    assert r.returncode == 0 and other.name in r.stdout and not other.exists()
    r = run_cli("downloads", "--discard", other.name, env=cli_env)
    assert r.returncode == 2 and "no partial download" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("downloads", "--json", env=cli_env)
    assert json.loads(r.stdout) == {"queued": [], "orphans": []}
    r = run_cli("downloads", env=cli_env)
    assert r.returncode == 0 and r.stdout.strip() == "no unfinished downloads"


def test_cli_downloads_lists_paused_queue_entries(cli_env, fake_hub, config):  # noqa: F811
    mgr = manager(config)
    job = mgr.add_from_hub(REPO, FILE)
    mgr.pause(job.id)
    r = run_cli("downloads", "--json", env=cli_env)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert [(j["id"], j["state"], j["repo_id"]) for j in d["queued"]] == [(job.id, "paused", REPO)]
    assert d["orphans"] == []
