"""Embedding models are known from their header and never offered or used as chat models."""

from __future__ import annotations

import shutil

from engine.config import AppConfig
from engine.gguf_check import check_file
from engine.library import ModelLibrary, base_model_warning, suggested_models
from tests.conftest import run_cli


def test_header_says_embedding(tiny_embedding_model, tiny_model):
    info = check_file(tiny_embedding_model)
    assert (info.architecture, info.pooling_type, info.is_embedding) == ("bert", 1, True)
    assert not check_file(tiny_model).is_embedding


def test_library_marks_them_and_chat_refuses_them(tiny_embedding_model, tiny_model, hearth_home):
    cfg = AppConfig.load()
    cfg.paths.models_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_embedding_model, cfg.paths.models_dir / "embed.gguf")
    shutil.copy(tiny_model, cfg.paths.models_dir / "chat.gguf")
    entries = {e.name: e for e in ModelLibrary(cfg).list_models()}
    assert entries["embed"].is_embedding and entries["embed"].to_dict()["embedding"] is True
    assert not entries["chat"].is_embedding and entries["chat"].to_dict()["embedding"] is False
    p = run_cli("chat", "--model", "embed", "hello")
    assert p.returncode == 2 and "is an embedding model" in p.stderr


def test_suggestions_for_embedding_and_for_base_models():
    emb = suggested_models(2, "embedding_models")
    assert len(emb) == 2 and all(m["repo_id"].lower().endswith("gguf") for m in emb)
    warning = base_model_warning("tiny-base")
    assert warning.startswith("tiny-base is a base model") and suggested_models(1)[0]["repo_id"] in warning


def test_messages_name_the_curated_embedding_models(tiny_model, hearth_home, store, docs):
    """Where Hearth asks for an embedding model it names the ones its catalogue suggests (not a model it
    does not list)."""
    import pytest

    from engine.ask import Collections, Retriever
    from engine.ask.embed import find_embedding_model, suggested_embedding_models
    from engine.errors import BadInputError

    repos = [m["repo_id"] for m in suggested_models(2, "embedding_models")]
    assert [s.split(" (")[1].rstrip(")") for s in suggested_embedding_models()] == repos
    Collections(store).add("docs", [str(docs)])
    with pytest.raises(BadInputError) as e:
        Retriever(store, "docs").search("budget", mode="dense")
    assert all(r in str(e.value) for r in repos) and "multilingual-e5" not in str(e.value)
    cfg = AppConfig.load()
    cfg.paths.models_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, cfg.paths.models_dir / "chat.gguf")
    with pytest.raises(BadInputError, match="is not an embedding model") as e:
        find_embedding_model(ModelLibrary(cfg), "chat")
    assert all(r in str(e.value) for r in repos) and "multilingual-e5" not in str(e.value)
