"""Ask your documents: answers from the user's own files, with the page and passage behind every claim.

Qt-free; the CLI (``engine/commands/ask.py``) and the app's pane use the same calls, from a worker thread.
Everything lives in the user's database (``Store.open_default(config)``; tables in ``engine.ask.db``). A ``Store``
is used from one thread at a time: a worker thread opens its own. Searching is quick (milliseconds); indexing and
answering take long and report progress through callbacks, on the thread that runs them, and stop on ``cancel()``.

Collections (``engine.ask.collections``)::

    cols = Collections(store)
    cols.add("handbook", ["~/Docs/handbook", "~/policy.pdf"])    # -> Collection(id, name, paths)
    cols.list()      # [{name, paths, files, indexed, failed, pages, passages, vectors, indexed_at, ...}]
    cols.files("handbook")                                       # [{path, status, error, pages, passages}]
    cols.page_passages("handbook", path, 3)                      # a page's passages in order (show one in context)
    cols.remove("handbook")

Indexing (``engine.ask.index``; resumable, skips unchanged files, drops deleted ones)::

    indexer = Indexer(store, "handbook", embedder=None)
    result = indexer.run(on_event=callback)   # events: scan, file {done, total, file, status, reason}, removed,
                                              # embed {done, total}, done; IndexResult.to_json()
    indexer.cancel()                          # any thread; finished files are kept

Retrieval (``engine.ask.retrieve``; full text needs no model)::

    found = Retriever(store, "handbook", embedder=None).search("question", top_k=5, mode="auto")
    found.hits -> [Hit(file, page, text, score, label="report.pdf p. 3", path, char_start, char_end)]
    found.relevant -> False when nothing is worth giving a model

Answers (``engine.ask.answer``; ``client`` is a loaded ``EngineClient`` or ``RemoteClient``)::

    answerer = Answerer(client, store, "handbook", embedder=None)
    result = answerer.ask("question", top_k=6, on_event=callback, on_text=stream_callback)
    # or answerer.ask(question, retrieval=found): answer from a search already made (e.g. on another thread)
    result.answer, result.citations, result.found, result.to_json()
    answerer.cancel()                         # any thread

Embeddings (``engine.ask.embed``; optional): ``find_embedding_model(library)`` picks a GGUF embedding model
from the library, ``Embedder.start(path, config=config)`` runs it in a model process; hand the embedder to the
Indexer (vectors are stored), the Retriever and the Answerer (dense + full text, fused), then ``close()`` it.
A base model answers poorly: ``engine.library.base_model_warning(name)`` says so and names the suggested models.
"""

# Imported on first use (PEP 562): `retrieve` on the command line needs neither the answerer nor the host.
_EXPORTS = {"AskResult": "answer", "Answerer": "answer", "NOT_FOUND": "answer", "Collection": "collections",
            "Collections": "collections", "Embedder": "embed", "find_embedding_model": "embed",
            "IndexResult": "index", "Indexer": "index", "Hit": "retrieve", "Retrieval": "retrieve",
            "Retriever": "retrieve"}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        message = f"module 'engine.ask' has no attribute {name!r}"   # a programming error, never shown
        raise AttributeError(message)
    import importlib

    return getattr(importlib.import_module(f"engine.ask.{_EXPORTS[name]}"), name)
