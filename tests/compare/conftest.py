"""Two tiny generated chat models with different weights (seeds), for the comparison tests."""

import pytest

from tests.tiny_gguf import CHATML_TEMPLATE, make_tiny_gguf


@pytest.fixture(scope="session")
def model_a(models_dir):
    return make_tiny_gguf(models_dir / "cmp-a.gguf", chat_template=CHATML_TEMPLATE, seed=11, name="Tiny A")


@pytest.fixture(scope="session")
def model_b(models_dir):
    return make_tiny_gguf(models_dir / "cmp-b.gguf", chat_template=CHATML_TEMPLATE, seed=22, name="Tiny B")


@pytest.fixture(scope="session")
def long_a(models_dir):
    """32K context: long replies to kill or cancel in the middle of."""
    return make_tiny_gguf(models_dir / "cmp-long-a.gguf", chat_template=CHATML_TEMPLATE, seed=11, n_ctx=32768)


@pytest.fixture(scope="session")
def long_b(models_dir):
    return make_tiny_gguf(models_dir / "cmp-long-b.gguf", chat_template=CHATML_TEMPLATE, seed=22, n_ctx=32768)


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    """A private core-budget folder: hosts of other test runs on this machine do not count."""
    monkeypatch.setenv("HEARTH_RUNTIME_DIR", str(tmp_path / "run"))
    return tmp_path / "run"


@pytest.fixture(scope="session")
def endless(models_dir):
    """Practically never picks a control token (EOS included): every reply runs to max_tokens."""
    return make_tiny_gguf(models_dir / "cmp-endless.gguf", chat_template=CHATML_TEMPLATE, seed=5, n_ctx=32768,
                          text_only=True)
