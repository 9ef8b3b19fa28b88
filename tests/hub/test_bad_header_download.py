"""Hub files with hostile headers: the remote header read and the finished download say why in one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import BadInputError
from engine.hub.download import DownloadManager
from tests import bad_headers as B
from tests.hub.conftest import fast_retry, library_ggufs

REPO = "acme/Deep-GGUF"
FILE = "Deep-Q4_K_M.gguf"
DEEP = B.build([B.ARCH, B.nested_arrays("deep.key", 10_000)])


@pytest.fixture
def deep_repo(fake_hub):
    fake_hub.add_repo(REPO, {FILE: DEEP})
    return fake_hub


def test_download_of_a_deeply_nested_file_is_refused_in_one_sentence(deep_repo, config):
    mgr = DownloadManager(config, chunk_size=32 << 10, retry=fast_retry())
    job = mgr.add_from_hub(REPO, FILE)
    with pytest.raises(BadInputError) as e:
        mgr.run_job(job.id)
    msg = str(e.value)
    assert "\n" not in msg
    assert "matches the Hub's checksum but is not a model Hearth can load" in msg
    assert "nests arrays more than 64 levels deep" in msg
    assert mgr.get(job.id).state == "failed"
    assert library_ggufs(config) == []
    assert not list(Path(config.paths.downloads_dir).glob("*.part"))


def test_remote_header_of_a_deeply_nested_file_is_a_header_error(deep_repo):
    from engine.hub.api import HubClient

    files = HubClient(token=False).repo_files(REPO)
    [entry] = files.files
    assert entry.header is None
    assert entry.header_error == "corrupt header: metadata key deep.key nests arrays more than 64 levels deep"
