"""Embeddings: a GGUF embedding model turns passages and questions into vectors.

llama.cpp computes them in the model process (``engine.host``: the model is loaded with
``LoadOptions(embedding=True)`` and asked with ``EngineClient.embed``), pooled the way the model's
header says (``{arch}.pooling_type``: mean, CLS, last token), normalised to unit length.

    embedder = Embedder.start(entry.path, config=config)   # loads the model (a second or two)
    vectors = embedder.embed_passages(["…", "…"])            # numpy float32 (n, dims), unit rows
    q = embedder.embed_query("…")
    embedder.close()

Some model families want their inputs marked: E5 ("query: " / "passage: "), Nomic
("search_query: " / "search_document: "); the prefixes are chosen from the file name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

EMBED_CTX = 2048    # tokens per text at most (passages are a few hundred)


def prefixes(name: str) -> tuple[str, str]:
    """(query prefix, passage prefix) the model family expects."""
    n = name.lower()
    if re.search(r"(^|[-_. ])e5([-_. ]|$)", n):
        return "query: ", "passage: "
    if "nomic" in n:
        return "search_query: ", "search_document: "
    if "qwen3-embedding" in n or "qwen3_embedding" in n:
        return "Instruct: Given a question, retrieve passages that answer it\nQuery: ", ""
    return "", ""


def model_id(path: str | os.PathLike) -> str:
    """How stored vectors name their model: the file name and size (a different file re-embeds)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError:
        size = 0
    return f"{p.name}|{size}"


class Embedder:
    """Vectors from an embedding model loaded in ``client`` (an ``EngineClient``)."""

    def __init__(self, client, model_path: str | os.PathLike):
        self.client = client
        self.path = Path(model_path)
        self.model_id = model_id(self.path)
        self.query_prefix, self.passage_prefix = prefixes(self.path.name)

    @classmethod
    def start(cls, model_path, *, config=None, log_dir=None, n_threads: int = 0,
              on_notice=None) -> "Embedder":
        """Load the embedding model into a model process of its own."""
        from engine.gguf_check import check_file
        from engine.host.client import EngineClient
        from engine.host.protocol import LoadOptions

        trained = check_file(model_path).context_length or EMBED_CTX   # BERT models: 512 positions
        client = EngineClient(log_dir=log_dir or (config.paths.log_dir if config is not None else None),
                              cache_dir=config.paths.cache_dir if config is not None else None,
                              on_notice=on_notice)
        try:
            client.load(model_path, LoadOptions(n_ctx=min(EMBED_CTX, trained), gpu_layers=0, n_threads=n_threads,
                                                embedding=True))
        except BaseException:
            client.unload()
            raise
        return cls(client, model_path)

    def _embed(self, texts: list[str]):
        import numpy as np

        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        m = np.asarray(self.client.embed(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return m / np.where(norms > 0, norms, 1.0)

    def embed_passages(self, texts: list[str]):
        return self._embed([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str):
        return self._embed([self.query_prefix + text])[0]

    def close(self) -> None:
        self.client.unload()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_EMBEDDING_FALLBACK = [{"name": "BGE-M3", "repo_id": "gpustack/bge-m3-GGUF"},
                       {"name": "Qwen3 Embedding 0.6B", "repo_id": "Qwen/Qwen3-Embedding-0.6B-GGUF"}]


def suggested_embedding_models() -> tuple[str, str]:
    """The first two embedding models of the curated list (``resources/curated_models.json``), as a sentence
    names them: ``("BGE-M3 (gpustack/bge-m3-GGUF)", "Qwen3 Embedding 0.6B (Qwen/Qwen3-Embedding-0.6B-GGUF)")``."""
    from engine.library import suggested_models

    models = suggested_models(2, "embedding_models")
    models += [m for m in _EMBEDDING_FALLBACK if m["repo_id"] not in {x["repo_id"] for x in models}]
    first, second = (f"{m.get('name') or m['repo_id']} ({m['repo_id']})" for m in models[:2])
    return first, second


def find_embedding_model(library, name: str | None = None):
    """The embedding model to use: ``name`` (a path or library name), else the first usable
    embedding model in the library (multilingual ones first), else None."""
    if name:
        from engine.errors import BadInputError

        entry = library.find(name)
        if not entry.ok:
            raise BadInputError(f"the embedding model {entry.path.name} cannot be used: {entry.error}")
        if not entry.is_embedding:
            first, second = suggested_embedding_models()
            raise BadInputError(f"{entry.name} is not an embedding model (its header names no pooling and its "
                                f"architecture is {entry.info.architecture}); pick one made for search, such as "
                                f"{first} or {second}")
        return entry
    models = [m for m in library.list_models() if m.ok and m.is_embedding]
    if not models:
        return None
    models.sort(key=lambda m: (not any(k in m.name.lower() for k in ("multilingual", "m3", "m-e5")), m.name))
    return models[0]
