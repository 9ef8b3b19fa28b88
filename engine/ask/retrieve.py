"""Finding the passages that answer a question.

    r = Retriever(store, "handbook", embedder=None)
    found = r.search("いつ予算を見直しましたか", top_k=5)       # Retrieval
    found.hits[0].file, .page, .text, .score, .label          # "report.pdf p. 3"
    found.relevant                                            # False: nothing worth giving a model

Full text (no model at all): SQLite FTS5 over the passages' terms (``engine.ask.terms``: English word
tokens with stemming, Japanese as character pairs). The question's terms are ORed, so a passage need not
hold every word; BM25 weighs rare terms up. Every figure is this collection's alone: FTS5's ``bm25()``
(which counts the whole table, every collection) only picks the ``POOL`` best candidates of the collection,
and these are scored again by BM25 with the collection's passage count and document frequencies (counted
over its runs of passage ids) and each candidate's term frequencies (counted with the same tokenizer), so
adding another collection changes neither the scores nor the relevance here (where more than ``POOL``
passages match, which candidates enter may differ at the margin).

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
weight (inverse document frequency in the collection) found in it, Japanese pairs holding a hiragana (者は,
名で: particles and endings) left out of the weight (``weighed_terms``). Full-text results whose best
coverage is under ``MIN_COVERAGE`` are not relevant: the answer is then "not found" without asking a model.
The threshold errs toward asking (the model is told to say when the passages do not hold the answer): on
the generated question set (``tests/ask/corpus.py``; questions paraphrase their page, so only part of their
words are on it) every answerable question's best coverage was 0.16 or more and no question about something
the documents never mention reached 0.09 (``tests/ask/test_relevance.py``); a question that shares one word
with a small collection can still pass.
``score`` is higher for better passages and comparable within one result list only. A phrase in quotes
("…" or 「…」) must appear word for word: the trigram index (the chat search's tokenizer) finds it.
"""

from __future__ import annotations

import bisect
import math
import os
import re
import sqlite3
from dataclasses import dataclass, field

from engine.ask.collections import Collections
from engine.ask.db import WORD_TOKENIZER
from engine.ask.terms import is_cjk_token, match_expression, query_terms, weighed_terms
from engine.errors import BadInputError
from engine.store import Store

MODES = ("auto", "fts", "dense", "hybrid")
FUSIONS = ("linear", "rrf")
RRF_K = 60
CANDIDATES = 50          # per ranking, before fusion
POOL = 100               # full-text candidates scored again with the collection's own statistics
MAX_SPAN_QUERIES = 16    # a collection in more runs of passage ids counts matches in Python
K1, B = 1.2, 0.75        # BM25's (as FTS5's)
MIN_COVERAGE = 0.12      # measured: see above and tests/ask/test_relevance.py
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
        self._collections = Collections(store)
        self.collection = self._collections.get(collection)
        self.embedder = embedder
        self._matrix = None          # (stamp, ids, float16 matrix) of this collection's vectors
        self._span_cache = None      # (stamp, (passages, spans)): see _spans
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
        stats = _Stats(terms)
        fts = self._fts(terms, max(CANDIDATES, top_k), phrases, stats) if mode in ("fts", "hybrid") else []
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
            self._measure(stats, [h.passage_id for h in hits if h.passage_id not in stats.tf])
            for h in hits:
                h.coverage = stats.coverage(h.passage_id)
        if mode == "fts":
            relevant = any((h.coverage or 0) >= MIN_COVERAGE for h in hits)
        else:
            relevant = bool(hits)   # a dense match may paraphrase: the model judges it
        return Retrieval(hits, mode, terms, relevant, time.perf_counter() - t0)

    # ---- full text -------------------------------------------------------------
    def _fts(self, terms: list[str], limit: int, phrases: list[str] = (), stats: "_Stats | None" = None
             ) -> list[tuple[int, float]]:
        """BM25 over the word index, with this collection's statistics: ``(passage id, -score)``, best first. A
        phrase in quotes ("…" or 「…」, three characters or more) must appear as it is written (the trigram index
        finds any substring).

        FTS5's own ``bm25()`` counts every passage of the table, other collections' too; it only chooses the
        ``POOL`` candidates (all of them in a collection where fewer match), which are then scored again with the
        collection's passage count and document frequencies (``_measure``)."""
        if not terms:
            return []
        stats = stats if stats is not None else _Stats(terms)
        sql = ("SELECT w.rowid FROM ask_fts_words w "
               "JOIN ask_passages p ON p.id = w.rowid JOIN ask_files f ON f.id = p.file_id "
               "WHERE ask_fts_words MATCH ? AND f.collection_id = ?")
        params: list = [match_expression(terms), self.collection.id]
        for phrase in phrases:
            sql += " AND w.rowid IN (SELECT rowid FROM ask_fts_tri WHERE ask_fts_tri MATCH ?)"
            params.append('"' + phrase.replace('"', '""') + '"')
        with self.store._guard() as c:
            pool = [r[0] for r in c.execute(sql + " ORDER BY bm25(ask_fts_words) LIMIT ?",
                                            (*params, max(POOL, limit)))]
        if not pool:
            return []
        self._measure(stats, pool)
        order = {pid: i for i, pid in enumerate(pool)}
        # Lengths compared with the candidates' mean (the collection's would cost a scan of it).
        mean = sum(stats.dl[pid] for pid in pool) / len(pool)
        scored = sorted(((pid, stats.bm25(pid, mean)) for pid in pool), key=lambda kv: (-kv[1], order[kv[0]]))
        return [(pid, -score) for pid, score in scored[:limit]]

    def _measure(self, stats: "_Stats", ids: list[int]) -> None:
        """Fill ``stats`` for these passages: the collection's passage count and each term's document
        frequency in it (once), and each passage's length and term frequencies."""
        ids = [pid for pid in dict.fromkeys(ids) if pid not in stats.tf]
        if not ids or not stats.terms:
            return
        marks = ",".join("?" * len(ids))
        with self.store._guard() as c:
            if stats.df is None:
                stats.n, stats.df = self._frequencies(c, stats.terms)
            docs = c.execute(f"SELECT id, terms FROM ask_passages WHERE id IN ({marks})", ids).fetchall()
        counts = term_counts(docs, stats.terms)
        for pid, text in docs:
            stats.tf[pid] = counts.get(pid, {})
            stats.dl[pid] = len(text.split())

    def _frequencies(self, c, terms: list[str]) -> tuple[int, dict[str, int]]:
        """This collection's passage count and, per term, how many of its passages hold it."""
        n, spans = self._spans(c)
        df: dict[str, int] = {}
        for t in terms:
            expr = match_expression([t])
            if spans is None:       # the collection holds every passage there is
                df[t] = c.execute("SELECT count(*) FROM ask_fts_words WHERE ask_fts_words MATCH ?",
                                  (expr,)).fetchone()[0]
            elif len(spans) <= MAX_SPAN_QUERIES:
                df[t] = sum(c.execute("SELECT count(*) FROM ask_fts_words WHERE ask_fts_words MATCH ? "
                                      "AND rowid BETWEEN ? AND ?", (expr, lo, hi)).fetchone()[0]
                            for lo, hi in spans)
            else:
                starts = [lo for lo, _ in spans]
                k = 0
                for (rid,) in c.execute("SELECT rowid FROM ask_fts_words WHERE ask_fts_words MATCH ?", (expr,)):
                    i = bisect.bisect_right(starts, rid) - 1
                    k += i >= 0 and rid <= spans[i][1]
                df[t] = k
        return n, df

    def _spans(self, c) -> tuple[int, list[tuple[int, int]] | None]:
        """This collection's passage count, and its passage ids as runs ``(first, last)`` that hold no other
        collection's passage (None: it holds every passage of the table). A file's passages are written in one
        transaction, so its ids are consecutive; runs of files with no other collection's file between them
        are joined. Kept until a file of any collection changes."""
        stamp = c.execute("SELECT count(*), max(id), max(indexed_at) FROM ask_files").fetchone()
        if self._span_cache is not None and self._span_cache[0] == stamp:
            return self._span_cache[1]
        cid = self.collection.id
        n = c.execute("SELECT coalesce(sum(passages), 0) FROM ask_files WHERE collection_id = ?", (cid,)).fetchone()[0]
        if n == c.execute("SELECT count(*) FROM ask_passages").fetchone()[0]:
            self._span_cache = (stamp, (n, None))       # the only collection with passages: no need to look
            return n, None
        owner = dict(c.execute("SELECT id, collection_id FROM ask_files"))
        files = c.execute("SELECT file_id, min(id), max(id), count(*) FROM ask_passages GROUP BY file_id").fetchall()
        files.sort(key=lambda r: r[1])
        n = sum(k for fid, _, _, k in files if owner.get(fid) == cid)
        if n == sum(k for *_, k in files):
            result: tuple = (n, None)
        elif all(hi - lo + 1 == k for _, lo, hi, k in files) and \
                all(a[2] < b[1] for a, b in zip(files, files[1:])):
            spans: list[list[int]] = []
            last_ours = False
            for fid, lo, hi, _ in files:
                ours = owner.get(fid) == cid
                if ours and last_ours:
                    spans[-1][1] = hi
                elif ours:
                    spans.append([lo, hi])
                last_ours = ours
            result = (n, [(lo, hi) for lo, hi in spans])
        else:                   # not written as expected: runs of consecutive ids
            ids = [r[0] for r in c.execute("SELECT p.id FROM ask_passages p JOIN ask_files f ON f.id = p.file_id "
                                           "WHERE f.collection_id = ? ORDER BY p.id", (cid,))]
            spans = []
            for pid in ids:
                if spans and spans[-1][1] == pid - 1:
                    spans[-1][1] = pid
                else:
                    spans.append([pid, pid])
            result = (n, [(lo, hi) for lo, hi in spans])
        self._span_cache = (stamp, result)
        return result

    # ---- dense ------------------------------------------------------------------
    def has_vectors(self) -> bool:
        """Whether the collection has any vector from the embedder's model (stops at the first)."""
        if self.embedder is None:
            return False
        return self._collections.has_vectors(self.collection, self.embedder.model_id)

    def _no_vectors_reason(self) -> str:
        if self.embedder is None:
            from engine.ask.embed import suggested_embedding_models

            first, second = suggested_embedding_models()
            return (f"dense search needs an embedding model: download one, such as {first} or {second} "
                    f"(python main.py pull REPO), and index the collection again")
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


class _Stats:
    """One search's full-text statistics: the collection's (``n``, ``df``) and the passages' (``tf``, ``dl``)."""

    def __init__(self, terms: list[str]):
        self.terms = list(terms)
        self.weighed = weighed_terms(self.terms)
        self.n = 0
        self.df: dict[str, int] | None = None
        self.tf: dict[int, dict[str, int]] = {}
        self.dl: dict[int, int] = {}

    def idf(self, term: str) -> float:
        df = (self.df or {}).get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def bm25(self, pid: int, mean_length: float) -> float:
        """BM25 with the collection's idf; ``mean_length``: what a passage's length is compared with."""
        tf = self.tf.get(pid) or {}
        norm = K1 * (1 - B + B * self.dl.get(pid, 0) / (mean_length or 1.0))
        return sum(self.idf(t) * f * (K1 + 1) / (f + norm) for t, f in tf.items() if f)

    def coverage(self, pid: int) -> float:
        """The share of the question's weight (the idf of its weighed terms) that the passage holds."""
        tf = self.tf.get(pid) or {}
        weights = {t: self.idf(t) for t in self.weighed}
        total = sum(weights.values()) or 1.0
        return sum(w for t, w in weights.items() if tf.get(t)) / total


def term_counts(docs: list[tuple[int, str]], terms: list[str]) -> dict[int, dict[str, int]]:
    """How often each term occurs in each text (``[(id, index_terms text)]``), as the word index counts it.
    Japanese and Chinese pairs are whole space-separated tokens of those texts (``engine.ask.terms``) and are
    counted as such; other terms go through an in-memory FTS5 table with the index's own tokenizer, so
    "budgets" counts for "budget"."""
    if not docs or not terms:
        return {}
    out: dict[int, dict[str, int]] = {pid: {} for pid, _ in docs}
    pairs = [t for t in terms if is_cjk_token(t)]
    if pairs:
        pattern = re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, pairs)) + r")(?!\S)")
        for pid, text in docs:
            row = out[pid]
            for tok in pattern.findall(text):
                row[tok] = row.get(tok, 0) + 1
    others = [t for t in terms if t not in set(pairs)]
    if not others:
        return out
    m = sqlite3.connect(":memory:")
    try:
        m.execute(f"CREATE VIRTUAL TABLE t USING fts5(terms, tokenize='{WORD_TOKENIZER}')")
        m.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
        # Each term's tokens (its stem; two where the tokenizer splits it), then the texts.
        m.executemany("INSERT INTO t(rowid, terms) VALUES (?, ?)", [(-i - 1, t) for i, t in enumerate(others)])
        tokens: dict[int, list[str]] = {}
        for tok, doc in m.execute("SELECT term, doc FROM v ORDER BY doc DESC, offset"):
            tokens.setdefault(-doc - 1, []).append(tok)
        m.execute("DELETE FROM t")
        m.executemany("INSERT INTO t(rowid, terms) VALUES (?, ?)", docs)
        wanted = sorted({tok for toks in tokens.values() for tok in toks})
        found: dict[tuple[str, int], int] = {}
        if wanted:
            marks = ",".join("?" * len(wanted))
            for tok, doc in m.execute(f"SELECT term, doc FROM v WHERE term IN ({marks})", wanted):
                found[(tok, doc)] = found.get((tok, doc), 0) + 1
    finally:
        m.close()
    for pid, _ in docs:
        row = out[pid]
        for i, t in enumerate(others):
            toks = tokens.get(i)
            if toks:
                k = min(found.get((tok, pid), 0) for tok in toks)
                if k:
                    row[t] = k
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
