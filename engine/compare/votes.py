"""Blind votes: the ``votes`` table (``engine.store`` migration 3), exports, and blind rounds.

A vote records which model was shown on the LEFT (``model_a``) and which on the RIGHT
(``model_b``), and the outcome: ``a`` (left better), ``b`` (right better), ``tie`` or
``both_bad``. Keeping the sides makes the position bias measurable (see
``engine.compare.leaderboard``).

Blind rounds (for the comparison pane)::

    rnd = BlindRound(["qwen.gguf", "gemma.gguf"])      # random column order
    rnd.labels               # ("A", "B"): A is the leftmost column
    rnd.title("A")           # "Model A" — never a model name before the vote
    rnd.column_models()      # models in column order: for the runner only, never displayed
    rec = rnd.vote("a", VoteStore(store))   # A better; stored with the real left/right models
    rnd.revealed, rnd.mapping              # True, {"A": "...", "B": "..."}
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from engine.compare.leaderboard import (DEFAULT_RESAMPLES, DEFAULT_SEED, OUTCOMES, Leaderboard,
                                        compute_leaderboard, has_tag, split_tags)
from engine.errors import BadInputError
from engine.files import write_file_atomically
from engine.store import Store, utc_now

LABELS = ("A", "B", "C", "D")
EXPORT_FIELDS = ("id", "created_at", "model_a", "model_b", "outcome", "winner", "tags",
                 "comparison_id", "prompt", "system_prompt")


def _model_name(value, side: str) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise BadInputError(f"the vote needs the {side} model's name")
    return name


def _outcome(value) -> str:
    o = str(value or "").strip().lower()
    if o not in OUTCOMES:
        raise BadInputError(f"a vote's outcome must be one of {', '.join(OUTCOMES)} "
                            f"(a: left better, b: right better), not {value!r}")
    return o


def _row(r) -> dict:
    return {"id": r[0], "comparison_id": r[1], "model_a": r[2], "model_b": r[3], "outcome": r[4],
            "tags": r[5], "created_at": r[6]}


_COLUMNS = "id, comparison_id, model_a, model_b, outcome, tags, created_at"


class VoteStore:
    """Votes on top of a ``Store`` (same file, same one-thread-at-a-time rule)."""

    def __init__(self, store: Store):
        self.store = store

    # ---- writing ---------------------------------------------------------------------------
    def add_vote(self, model_left: str, model_right: str, outcome: str,
                 comparison_id: int | None = None, tags="") -> int:
        """Record one vote; returns its id. ``tags``: comma-separated text or a list; a vote
        linked to a comparison without tags of its own takes the comparison's tags."""
        left, right = _model_name(model_left, "left"), _model_name(model_right, "right")
        if left == right:
            raise BadInputError("a vote compares two different models")
        outcome = _outcome(outcome)
        tag_list = split_tags(tags)
        with self.store._tx() as c:
            if comparison_id is not None:
                row = c.execute("SELECT tags FROM comparisons WHERE id = ?", (int(comparison_id),)).fetchone()
                if row is None:
                    raise BadInputError(f"there is no comparison {comparison_id}")
                if not tag_list:
                    tag_list = split_tags(row[0])
            cur = c.execute("INSERT INTO votes (comparison_id, model_a, model_b, outcome, tags, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            (None if comparison_id is None else int(comparison_id), left, right, outcome,
                             ",".join(tag_list), utc_now()))
            return cur.lastrowid

    def delete(self, vote_id: int) -> None:
        with self.store._tx() as c:
            if c.execute("DELETE FROM votes WHERE id = ?", (int(vote_id),)).rowcount == 0:
                raise BadInputError(f"there is no vote {vote_id}")

    def delete_all(self) -> int:
        with self.store._tx() as c:
            return c.execute("DELETE FROM votes").rowcount

    # ---- reading ---------------------------------------------------------------------------
    def get(self, vote_id: int) -> dict:
        with self.store._guard() as c:
            r = c.execute(f"SELECT {_COLUMNS} FROM votes WHERE id = ?", (int(vote_id),)).fetchone()
        if r is None:
            raise BadInputError(f"there is no vote {vote_id}")
        return _row(r)

    def list_votes(self, tag: str | None = None, model: str | None = None,
                   comparison_id: int | None = None, limit: int | None = None) -> list[dict]:
        """Votes oldest first: ``[{id, comparison_id, model_a, model_b, outcome, tags,
        created_at}]`` (``model_a`` left, ``model_b`` right), optionally only those with a tag
        (case-insensitive), involving a model, or linked to a comparison."""
        sql, params = f"SELECT {_COLUMNS} FROM votes", []
        where = []
        if model is not None:
            where.append("(model_a = ? OR model_b = ?)")
            params += [model, model]
        if comparison_id is not None:
            where.append("comparison_id = ?")
            params.append(int(comparison_id))
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        with self.store._guard() as c:
            rows = [_row(r) for r in c.execute(sql, params).fetchall()]
        if tag is not None and str(tag).strip():
            rows = [r for r in rows if has_tag(r["tags"], tag)]
        return rows[:limit] if limit is not None else rows

    def count(self, tag: str | None = None) -> int:
        if tag is None or not str(tag).strip():
            with self.store._guard() as c:
                return c.execute("SELECT count(*) FROM votes").fetchone()[0]
        return len(self.list_votes(tag=tag))

    def tags(self) -> list[str]:
        """Every tag used by a vote, sorted (case-insensitive), for a filter menu."""
        with self.store._guard() as c:
            raw = [r[0] for r in c.execute("SELECT DISTINCT tags FROM votes WHERE tags != ''")]
        seen: dict[str, str] = {}
        for t in raw:
            for name in split_tags(t):
                seen.setdefault(name.casefold(), name)
        return sorted(seen.values(), key=str.casefold)

    def models(self) -> list[str]:
        with self.store._guard() as c:
            rows = c.execute("SELECT model_a FROM votes UNION SELECT model_b FROM votes").fetchall()
        return sorted(r[0] for r in rows)

    def leaderboard(self, tag: str | None = None, resamples: int = DEFAULT_RESAMPLES,
                    seed: int = DEFAULT_SEED, confidence: float = 0.95) -> Leaderboard:
        """The Bradley–Terry leaderboard of the stored votes (see ``engine.compare.leaderboard``)."""
        return compute_leaderboard(self.list_votes(), tag=tag, resamples=resamples, seed=seed,
                                   confidence=confidence)

    # ---- export ----------------------------------------------------------------------------
    def export_rows(self, tag: str | None = None) -> list[dict]:
        """Votes with the winner spelled out and the linked comparison's prompt."""
        with self.store._guard() as c:
            rows = c.execute(
                "SELECT v.id, v.comparison_id, v.model_a, v.model_b, v.outcome, v.tags, v.created_at, "
                "c.prompt, c.system_prompt FROM votes v LEFT JOIN comparisons c ON c.id = v.comparison_id "
                "ORDER BY v.id").fetchall()
        out = []
        for r in rows:
            d = _row(r)
            if tag is not None and str(tag).strip() and not has_tag(d["tags"], tag):
                continue
            d["winner"] = {"a": d["model_a"], "b": d["model_b"]}.get(d["outcome"])
            d["prompt"], d["system_prompt"] = r[7], r[8]
            out.append({k: d[k] for k in EXPORT_FIELDS})
        return out

    def export_csv(self, path: str | Path, tag: str | None = None) -> int:
        """All votes (or those with ``tag``) as CSV (UTF-8 with a byte-order mark, which Excel
        needs to read Japanese); returns how many. ``model_a`` is the left column."""
        rows = self.export_rows(tag)

        def write(f):
            w = csv.DictWriter(f, fieldnames=EXPORT_FIELDS)
            w.writeheader()
            for r in rows:
                w.writerow({k: "" if v is None else v for k, v in r.items()})

        write_file_atomically(path, write, encoding="utf-8-sig", newline="")
        return len(rows)

    def export_jsonl(self, path: str | Path, tag: str | None = None) -> int:
        """All votes (or those with ``tag``) as JSON Lines, one object per vote; returns how many."""
        rows = self.export_rows(tag)

        def write(f):
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")

        write_file_atomically(path, write)
        return len(rows)


# ---- blind rounds ------------------------------------------------------------------------------

def blind_order(models, rng=None) -> list[tuple[str, str]]:
    """``[(label, model)]`` in a random column order: ``"A"`` is the leftmost column.

    ``rng``: anything with ``shuffle(list)`` (``random.Random(seed)`` in tests); the default
    is the operating system's randomness, so the order cannot be predicted.
    """
    models = [_model_name(m, "compared") for m in models]
    if not 2 <= len(models) <= len(LABELS):
        raise BadInputError(f"a blind comparison needs 2 to {len(LABELS)} models, not {len(models)}")
    if len(set(models)) != len(models):
        raise BadInputError("a blind comparison needs different models")
    order = list(models)
    (rng or random.SystemRandom()).shuffle(order)
    return list(zip(LABELS, order))


class BlindError(BadInputError):
    """A blind round was asked for something that would break the blinding."""


class BlindRound:
    """One blind comparison: columns labelled A/B(/C/D) in random order, names hidden until
    the vote.

    Only the labels (``labels``, ``title()``) are for display before the reveal; ``repr``
    and ``str`` show no model name. ``model()``/``mapping`` raise ``BlindError`` until
    ``revealed``. ``column_models()`` is the one way to the names before the vote: it is
    what the runner needs to start the models in column order, and must not be shown.
    """

    __slots__ = ("_BlindRound__models", "_labels", "_voted", "revealed", "comparison_id", "tags")

    def __init__(self, models, rng=None, comparison_id: int | None = None, tags=""):
        order = blind_order(models, rng)
        self._labels = tuple(label for label, _ in order)
        self.__models = tuple(model for _, model in order)
        self._voted: list[dict] = []
        self.revealed = False
        self.comparison_id = comparison_id
        self.tags = ",".join(split_tags(tags))

    def __repr__(self) -> str:
        return (f"BlindRound(labels={self._labels!r}, revealed={self.revealed}, "
                f"votes={len(self._voted)})")

    __str__ = __repr__

    @property
    def labels(self) -> tuple[str, ...]:
        return self._labels

    def title(self, label: str) -> str:
        """The column title: ``"Model A"`` until the reveal, then ``"Model A: NAME"``."""
        self._position(label)
        return f"Model {label}: {self.model(label)}" if self.revealed else f"Model {label}"

    def column_models(self) -> list[str]:
        """The models in column order (left to right), for the runner. Never display these
        before ``revealed``."""
        return list(self.__models)

    def model(self, label: str) -> str:
        if not self.revealed:
            raise BlindError("the model names stay hidden until the vote")
        return self.__models[self._position(label)]

    @property
    def mapping(self) -> dict[str, str]:
        """``{label: model}``, once revealed."""
        if not self.revealed:
            raise BlindError("the model names stay hidden until the vote")
        return dict(zip(self._labels, self.__models))

    @property
    def votes(self) -> list[dict]:
        """The votes recorded in this round (each as ``vote()`` returned it)."""
        return [{k: x for k, x in v.items() if k != "_pair"} for v in self._voted]

    def _position(self, label: str) -> int:
        try:
            return self._labels.index(str(label).strip().upper())
        except ValueError:
            raise BadInputError(f"there is no column {label!r} in this comparison "
                                f"(columns: {', '.join(self._labels)})") from None

    def vote(self, outcome: str, votes: VoteStore | None = None, left: str = "A", right: str = "B",
             reveal: bool = True) -> dict:
        """Record the verdict between columns ``left`` and ``right`` (default A and B):
        ``a`` = ``left`` better, ``b`` = ``right`` better, ``tie``, ``both_bad``.

        The vote is stored with the real models and the real sides (the column further left
        is ``model_left``, even when ``left``/``right`` are given the other way round).
        Returns ``{model_left, model_right, outcome, comparison_id, tags}`` — the arguments of
        ``VoteStore.add_vote`` — plus ``id`` when ``votes`` was given (else store it later,
        e.g. from a worker thread, with ``add_vote(**{k: v for k, v in rec.items() if k != "id"})``).
        With ``reveal`` (the default) the names are revealed afterwards; with several columns
        pass ``reveal=False`` for all but the last verdict.
        """
        if self.revealed:
            raise BlindError("this comparison has been revealed: a vote now would not be blind")
        outcome = _outcome(outcome)
        i, j = self._position(left), self._position(right)
        if i == j:
            raise BadInputError("a vote compares two different columns")
        if i > j:   # keep the real sides: the left column is model_left
            i, j = j, i
            outcome = {"a": "b", "b": "a"}.get(outcome, outcome)
        if any(v["_pair"] == (i, j) for v in self._voted):
            raise BadInputError(f"columns {self._labels[i]} and {self._labels[j]} already have a vote")
        rec = {"model_left": self.__models[i], "model_right": self.__models[j], "outcome": outcome,
               "comparison_id": self.comparison_id, "tags": self.tags}
        if votes is not None:
            rec["id"] = votes.add_vote(**{k: rec[k] for k in ("model_left", "model_right", "outcome",
                                                              "comparison_id", "tags")})
        self._voted.append({**rec, "_pair": (i, j)})
        if reveal:
            self.revealed = True
        return dict(rec)

    def reveal(self) -> dict[str, str]:
        """Show the names (after the vote, or to skip voting); no votes after this."""
        self.revealed = True
        return self.mapping
