"""Engine test fixtures: a model host client that is always unloaded, a tiny model that writes words only."""

import pytest

from engine.host.client import EngineClient
from tests.tiny_gguf import CHATML_TEMPLATE, make_tiny_gguf


@pytest.fixture
def client(tmp_path):
    c = EngineClient(log_dir=tmp_path / "logs")
    yield c
    c.unload()


@pytest.fixture(scope="session")
def tiny_words_model(models_dir):
    """A 32K-context chat model that (greedy) never picks a byte or control token: every token it generates
    is one piece of text, so pieces count tokens."""
    return make_tiny_gguf(models_dir / "tiny-words.gguf", chat_template=CHATML_TEMPLATE, n_ctx=32768,
                          text_only=True)
