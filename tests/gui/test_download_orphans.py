"""The Downloads list offers partial files whose queue entry was lost: Resume and Delete."""

from __future__ import annotations

from pathlib import Path

from gui.qt import Qt
from tests.gui.test_models_pane import (  # noqa: F401 (fixtures)
    FILE, REPO, bridge, config, curated_file, make_pane, manager)
from tests.hub.conftest import fake_hub, gguf_blobs, memory_keyring  # noqa: F401 (fixtures)
from tests.hub.test_orphans import CHUNK, age, leave_partial


def _row(view, file):
    for i in range(view.tree.topLevelItemCount()):
        it = view.tree.topLevelItem(i)
        if it.data(0, Qt.ItemDataRole.UserRole) == "orphan:" + file:
            return it
    return None


def test_orphans_listed_resumed_and_deleted(qtbot, fake_hub, make_pane, config):  # noqa: F811
    part = leave_partial(config)
    other = leave_partial(config, "Tiny-F16.gguf", chunks=1)
    age(part)
    age(other)
    pane = make_pane(download_manager=manager(config))
    pane.show_section("Downloads")
    view = pane.downloads_view
    item = _row(view, part.name)
    assert item is not None and _row(view, other.name) is not None
    assert item.text(0) == FILE and item.text(5) == "Found, not in the queue"
    assert "2 partial download(s) found" in view.summary.text()

    # Delete: the file goes, and so does its row.
    view.tree.setCurrentItem(_row(view, other.name))
    assert view.remove_btn.text() == "Delete file" and view.remove_btn.isEnabled()
    assert not view.pause_btn.isEnabled() and not view.cancel_btn.isEnabled()
    view.remove_btn.click()
    assert not other.exists() and _row(view, other.name) is None

    # Resume: queued again, continues from the partial file and lands in the library.
    view.tree.setCurrentItem(_row(view, part.name))
    assert view.resume_btn.isEnabled()
    view.resume_btn.click()
    assert _row(view, part.name) is None
    qtbot.waitUntil(lambda: any(j.state == "done" for j in view.jobs.values()), timeout=30000)
    job = next(iter(view.jobs.values()))
    assert Path(job.final_path).read_bytes() == fake_hub.repos[REPO].files[FILE]
    assert fake_hub.requests("cdn", FILE)[-1]["range"] == f"bytes={2 * CHUNK}-"
