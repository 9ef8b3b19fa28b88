"""Engine test fixtures: a model host client that is always unloaded."""

import pytest

from engine.host.client import EngineClient


@pytest.fixture
def client(tmp_path):
    c = EngineClient(log_dir=tmp_path / "logs")
    yield c
    c.unload()
