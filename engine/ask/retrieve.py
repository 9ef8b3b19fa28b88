"""Finding the passages that answer a question.

    r = Retriever(store, "handbook", embedder=None)
    found = r.search("いつ予算を見直しましたか", top_k=5)       # Retrieval
    found.hits[0].file, .page, .text, .score, .label          # "report.pdf p. 3"
    found.relevant                                            # False: nothing worth giving a model

Full text (no model at all): SQLite FTS5 with BM25 over the passages' terms (``engine.ask.terms``:
English word tokens with stemming, Japanese as character pairs). The question's terms are ORed,
so a passage need not hold every word; BM25 weighs rare terms up.

Dense (when an embedder is given and the collection has vectors from its model): cosine
similarity between the question's vector and every passage's, brute force in NumPy (vectors are
read from SQLite once per retriever and kept in memory, as float32 up to ``FLOAT32_BYTES`` — 35,000
passages of 384 dimensions are 54 MB — and as float16 beyond, multiplied a block at a time, so a million
passages of 384 dimensions take 0.8 GB).

Both (``fusion``): by default a convex combination of the two scores, each min-max normalised over its
own candidates (``0.5 * bm25' + 0.5 * cosine'``); reciprocal rank fusion (``"rrf"``: ``sum 1 / (RRF_K +
rank)``) is the alternative. bench/ask.py measured both on the Japanese and English question set
(bench/RESULTS.md): the convex combination kept full text's recall where the embedding model was weak
(Japanese with an English-only model) while RRF let the weak ranking pull good passages down, so it is
the default.

``coverage`` says how much of the question a passage holds: the share of the question's term
weight (inverse document frequency) found in it. Full-text results whose best coverage is under
``MIN_COVERAGE`` are not relevant: the answer is then "not found" without asking a model.
``score`` is higher for better passages and comparable within one result list only. A phrase in quotes
("…" or 「…」) must appear word for word: the trigram index (the chat search's tokenizer) finds it.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field

from engine.ask.collections import Collections
from engine.ask.terms import match_expression, query_terms
from engine.errors import BadInputError
from engine.store import Store

MODES = ("auto", "fts", "dense", "hybrid")
FUSIONS = ("linear", "rrf")
RRF_K = 60
CANDIDATES = 50          # per ranking, before fusion
MIN_COVERAGE = 0.4
FLOAT32_BYTES = 512 << 20   # vectors up to this size are kept as float32 in memory (~340,000 of 384 dimensions)
_PHRASE = re.compile(r'"([^"]{3,})"|「([^」]{3,})」')


@dataclass
class Hit:
    passage_id: int
    file: str            # the file's name as cited ("report.pdf"; with its folder where two share a name)
    path: str
    page: int
    text: str
    score: float
    char_start: int = 0
    char_end: int = 0
    coverage: float | None = None
    fts_rank: int | None = None
    dense_rank: int | None = None
    cosine: float | None = None

    @property
    def label(self) -> str:
        """How the passage is cited: ``report.pdf p. 3``."""
        return f"{self.file} p. {self.page}"

    def to_json(self) -> dict:
        """``file, page, passage, score`` are a contract (retrieve --json, ask --json citations)."""
        return {"file": self.file, "page": self.page, "passage": self.text, "score": round(self.score, 6),
                "path": self.path, "char_start": self.char_start, "char_end": self.char_end}


@dataclass
class Retrieval:
    hits: list[Hit]
    mode: str                     # what was used: "fts", "dense" or "hybrid"
    terms: list[str] = field(default_factory=list)
    relevant: bool = False        # worth asking a model about
    seconds: float = 0.0


class Retriever:
    """Search one collection's index."""

    def __init__(self, store: Store, collection: str, embedder=None):
        self.store = store
        self.collection = Collections(store).get(collection)
        self.embedder = embedder
        self._matrix = None          # (stamp, ids, float16 matrix) of this collection's vectors
        self._labels: dict[str, str] | None = None

    # ---- the public call -----------------------------------------------------
    def search(self, query: str, top_k: int = 5, mode: str = "auto", fusion: str = "linear") -> Retrieval:
        import time

        t0 = time.perf_counter()
        if mode not in MODES:
            raise BadInputError(f"the search mode must be one of {', '.join(MODES)}")
        if fusion not in FUSIONS:
            raise BadInputError(f"the fusion must be one of {', '.join(FUSIONS)}")
        if not (query or "").strip():
            raise BadInputError("give a question or words to search for")
        top_k = max(1, int(top_k))
        dense_ok = self.embedder is not None and self.has_vectors()
        if mode == "auto":
            mode = "hybrid" if dense_ok else "fts"
        if mode in ("dense", "hybrid") and not dense_ok:
            raise BadInputError(self._no_vectors_reason())
        terms = query_terms(query)
        phrases = [a or b for a, b in _PHRASE.findall(query)]
        fts = self._fts(terms, max(CANDIDATES, top_k), phrases) if mode in ("fts", "hybrid") else []
        dense = self._dense(query, max(CANDIDATES, top_k)) if mode in ("dense", "hybrid") else []
        if mode == "fts":
            ranked = [(pid, -bm25) for pid, bm25 in fts]
        elif mode == "dense":
            ranked = list(dense)
        elif fusion == "linear":
            ranked = _linear(fts, dense)
        else:
            ranked = _rrf([[pid for pid, _ in fts], [pid for pid, _ in dense]])
        ranked = ranked[:top_k]
        hits = self._hits(ranked)
        fts_rank = {pid: i for i, (pid, _) in enumerate(fts, 1)}
        dense_rank = {pid: i for i, (pid, _) in enumerate(dense, 1)}
        cos = dict(dense)
        for h in hits:
            h.fts_rank, h.dense_rank = fts_rank.get(h.passage_id), dense_rank.get(h.passage_id)
            h.cosine = cos.get(h.passage_id)
        if fts and hits:
            cover = self._coverage(terms, [h.passage_id for h in hits])
            for h in hits:
                h.coverage = cover.get(h.passage_id, 0.0)
        if mode == "fts":
            relevant = any((h.coverage or 0) >= MIN_COVERAGE for h in hits)
        else:
            relevant = bool(hits)   # a dense match may paraphrase: the model judges it
        return Retrieval(hits, mode, terms, relevant, time.perf_counter() - t0)

    # ---- full text -------------------------------------------------------------
    def _fts(self, terms: list[str], limit: int, phrases: list[str] = ()) -> list[tuple[int, float]]:
        """BM25 over the word index; a phrase in quotes ("…" or 「…」, three characters or more) must appear
        as it is written (the trigram index finds any substring)."""
        if not terms:
            return []
        sql = ("SELECT w.rowid, bm25(ask_fts_words) AS r FROM ask_fts_words w "
               "JOIN ask_passages p ON p.id = w.rowid JOIN ask_files f ON f.id = p.file_id "
               "WHERE ask_fts_words MATCH ? AND f.collection_id = ?")
        params: list = [match_expression(terms), self.collection.id]
        for phrase in phrases:
            sql += " AND w.rowid IN (SELECT rowid FROM ask_fts_tri WHERE ask_fts_tri MATCH ?)"
            params.append('"' + phrase.replace('"', '""') + '"')
        with self.store._guard() as c:
            return c.execute(sql + " ORDER BY r LIMIT ?", (*params, limit)).fetchall()

    def _coverage(self, terms: list[str], ids: list[int]) -> dict[int, float]:
        """Per passage: the share of the question's term weight (IDF) it holds."""
        marks = ",".join("?" * len(ids))
        with self.store._guard() as c:
            n = c.execute("SELECT count(*) FROM ask_passages").fetchone()[0] or 1
            weight: dict[str, float] = {}
            held: dict[int, float] = {}
            for t in terms:
                expr = match_expression([t])
                df = c.execute("SELECT count(*) FROM ask_fts_words WHERE ask_fts_words MATCH ?",
                               (expr,)).fetchone()[0]
                w = math.log(1 + (n - df + 0.5) / (df + 0.5))
                weight[t] = w
                if df:
                    for (pid,) in c.execute(f"SELECT rowid FROM ask_fts_words WHERE ask_fts_words MATCH ? "
                                            f"AND rowid IN ({marks})", (expr, *ids)):
                        held[pid] = held.get(pid, 0.0) + w
        total = sum(weight.values()) or 1.0
        return {pid: held.get(pid, 0.0) / total for pid in ids}

    # ---- dense ------------------------------------------------------------------
    def vector_count(self) -> int:
        if self.embedder is None:
            return 0
        with self.store._guard() as c:
            return c.execute("SELECT count(*) FROM ask_vectors v JOIN ask_passages p ON p.id = v.passage_id "
                             "JOIN ask_files f ON f.id = p.file_id WHERE f.collection_id = ? AND v.model = ?",
                             (self.collection.id, self.embedder.model_id)).fetchone()[0]

    def has_vectors(self) -> bool:
        """Whether the collection has any vector from the embedder's model (stops at the first)."""
        if self.embedder is None:
            return False
        with self.store._guard() as c:
            return c.execute("SELECT EXISTS (SELECT 1 FROM ask_vectors v JOIN ask_passages p ON p.id = v.passage_id "
                             "JOIN ask_files f ON f.id = p.file_id WHERE f.collection_id = ? AND v.model = ?)",
                             (self.collection.id, self.embedder.model_id)).fetchone()[0] == 1

    def _no_vectors_reason(self) -> str:
        if self.embedder is None:
            return ("dense search needs an embedding model: download one (the suggested models list "
                    "multilingual-e5 and bge-m3) and index the collection again")
        return (f"the collection {self.collection.name!r} has no vectors from {self.embedder.path.name} yet: "
                f"index it again to compute them")

    def _vectors(self):
        import numpy as np

        model = self.embedder.model_id
        with self.store._guard() as c:
            # What the kept matrix was read from: the model's vectors (any collection) and this collection's files.
            stamp = (c.execute("SELECT count(*) FROM ask_vectors WHERE model = ?", (model,)).fetchone(),
                     c.execute("SELECT count(*), max(id), max(indexed_at) FROM ask_files WHERE collection_id = ?",
                               (self.collection.id,)).fetchone())
            if self._matrix is not None and self._matrix[0] == stamp:
                return self._matrix[1], self._matrix[2]
            rows = c.execute("SELECT v.passage_id, v.dims, v.vector FROM ask_vectors v JOIN ask_passages p "
                             "ON p.id = v.passage_id JOIN ask_files f ON f.id = p.file_id "
                             "WHERE f.collection_id = ? AND v.model = ? ORDER BY v.passage_id",
                             (self.collection.id, model)).fetchall()
        dims = max((r[1] for r in rows), default=0)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.zeros((len(rows), dims), dtype=np.float16)
        for i, r in enumerate(rows):
            if r[1] == dims:
                matrix[i] = np.frombuffer(r[2], dtype=np.float16)
        if matrix.size * 4 <= FLOAT32_BYTES:     # kept ready to multiply; larger ones stay float16 (half the memory)
            matrix = matrix.astype(np.float32)
        self._matrix = (stamp, ids, matrix)
        return ids, matrix

    def _dense(self, query: str, limit: int) -> list[tuple[int, float]]:
        import numpy as np

        ids, matrix = self._vectors()
        if not len(ids):
            return []
        q = np.asarray(self.embedder.embed_query(query), dtype=np.float32)
        if q.shape[0] != matrix.shape[1]:
            raise BadInputError(f"the stored vectors have {matrix.shape[1]} dimensions but "
                                f"{self.embedder.path.name} gives {q.shape[0]}: index the collection again")
        if matrix.dtype == np.float32:
            scores = matrix @ q
        else:
            scores = np.empty(len(ids), dtype=np.float32)
            step = 65536   # float16 rows converted a block at a time: a million passages stay within memory
            for s in range(0, len(ids), step):
                scores[s:s + step] = matrix[s:s + step].astype(np.float32) @ q
        k = min(limit, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(ids[i]), float(scores[i])) for i in top]

    # ---- results -----------------------------------------------------------------
    def _file_labels(self) -> dict[str, str]:
        if self._labels is None:
            with self.store._guard() as c:
                paths = [r[0] for r in c.execute("SELECT path FROM ask_files WHERE collection_id = ?",
                                                 (self.collection.id,))]
            names: dict[str, int] = {}
            for p in paths:
                names[os.path.basename(p)] = names.get(os.path.basename(p), 0) + 1
            self._labels = {p: (os.path.basename(p) if names[os.path.basename(p)] == 1
                                else os.path.join(os.path.basename(os.path.dirname(p)), os.path.basename(p)))
                            for p in paths}
        return self._labels

    def _hits(self, ranked: list[tuple[int, float]]) -> list[Hit]:
        if not ranked:
            return []
        ids = [pid for pid, _ in ranked]
        marks = ",".join("?" * len(ids))
        with self.store._guard() as c:
            rows = {r[0]: r[1:] for r in c.execute(
                f"SELECT p.id, f.path, p.page, p.text, p.char_start, p.char_end FROM ask_passages p "
                f"JOIN ask_files f ON f.id = p.file_id WHERE p.id IN ({marks})", ids)}
        labels = self._file_labels()
        out = []
        for pid, score in ranked:
            if pid not in rows:
                continue   # re-indexed meanwhile
            path, page, text, a, b = rows[pid]
            out.append(Hit(pid, labels.get(path) or os.path.basename(path), path, page, text, float(score), a, b))
        return out


def _rrf(rankings: list[list[int]]) -> list[tuple[int, float]]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, 1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def _linear(fts: list[tuple[int, float]], dense: list[tuple[int, float]], alpha: float = 0.5) -> list[tuple[int, float]]:
    """Min-max normalised BM25 and cosine, weighted (what RRF is measured against)."""
    def norm(pairs, sign):
        if not pairs:
            return {}
        vals = [sign * v for _, v in pairs]
        lo, hi = min(vals), max(vals)
        return {pid: ((sign * v - lo) / (hi - lo) if hi > lo else 1.0) for pid, v in pairs}

    a, b = norm(fts, -1), norm(dense, 1)
    scores = {pid: alpha * a.get(pid, 0.0) + (1 - alpha) * b.get(pid, 0.0) for pid in set(a) | set(b)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
