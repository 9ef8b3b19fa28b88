"""Comparisons and evaluations in the database (tables of ``engine.store`` migration 3).

``ComparisonStore(store)`` works on an open ``engine.store.Store`` (same file,
same locking rules). Side-by-side runs go to ``comparisons`` (prompt, system
prompt, settings, plan) and ``comparison_results`` (one row per column: model
name, text, error, and the statistics as JSON); question-set runs go to
``eval_runs`` and ``eval_answers`` (one row per question and model, written
as each answer arrives, so a cancelled or crashed run keeps what it finished).

Votes are in ``engine.compare.votes``.
"""

from __future__ import annotations

import json

from engine.errors import BadInputError
from engine.store import Store, utc_now

EVAL_STATUSES = ("running", "cancelled", "failed", "done")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _loads(text: str | None, default=None):
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _result_dict(r) -> dict:
    if hasattr(r, "to_json"):
        return r.to_json()
    if isinstance(r, dict):
        return dict(r)
    raise BadInputError("a comparison result must be a ModelResult or a dict")


class ComparisonStore:
    """Comparison and evaluation rows on top of a ``Store``."""

    def __init__(self, store: Store):
        self.store = store

    # ---- side-by-side runs -------------------------------------------------------------
    def save_comparison(self, prompt: str, results: list, *, system: str = "", settings: dict | None = None,
                        plan: str = "", blind: bool = False, tags: str = "",
                        labels: list[str] | None = None) -> int:
        """Store a run and its columns (``ModelResult`` or dicts with ``model``,
        ``text``, ``error`` and statistics); returns the comparison id.
        ``labels``: the blind labels ("A", "B"...) per column."""
        rows = [_result_dict(r) for r in results]
        if labels is not None and len(labels) != len(rows):
            raise BadInputError("give one label per model")
        with self.store._tx() as c:
            cur = c.execute(
                "INSERT INTO comparisons (prompt, system_prompt, settings_json, plan, blind, tags, created_at) "
                "VALUES (?,?,?,?,?,?,?)",
                (prompt, system or "", _dumps(settings or {}), plan or "", 1 if blind else 0, tags or "",
                 utc_now()))
            cid = cur.lastrowid
            for pos, r in enumerate(rows):
                stats = {k: v for k, v in r.items() if k not in ("model", "text", "error")}
                c.execute("INSERT INTO comparison_results (comparison_id, position, label, model, text, "
                          "stats_json, error) VALUES (?,?,?,?,?,?,?)",
                          (cid, pos, (labels[pos] if labels else ""), str(r.get("model") or ""),
                           r.get("text") or "", _dumps(stats), r.get("error")))
        return cid

    def list(self, limit: int = 200, offset: int = 0) -> list[dict]:
        """Newest first: ``{id, prompt, system_prompt, plan, blind, tags, created_at, models}``."""
        with self.store._guard() as c:
            rows = c.execute("SELECT id, prompt, system_prompt, plan, blind, tags, created_at FROM comparisons "
                             "ORDER BY id DESC LIMIT ? OFFSET ?", (int(limit), int(offset))).fetchall()
            models = {}
            if rows:
                ids = [r[0] for r in rows]
                marks = ",".join("?" * len(ids))
                for cid, model in c.execute(f"SELECT comparison_id, model FROM comparison_results WHERE "
                                            f"comparison_id IN ({marks}) ORDER BY comparison_id, position", ids):
                    models.setdefault(cid, []).append(model)
        return [{"id": r[0], "prompt": r[1], "system_prompt": r[2], "plan": r[3], "blind": bool(r[4]),
                 "tags": r[5], "created_at": r[6], "models": models.get(r[0], [])} for r in rows]

    def get(self, comparison_id: int) -> dict | None:
        """A stored run with its columns (``results``: model, label, text, error, stats), or None."""
        with self.store._guard() as c:
            r = c.execute("SELECT id, prompt, system_prompt, settings_json, plan, blind, tags, created_at "
                          "FROM comparisons WHERE id = ?", (comparison_id,)).fetchone()
            if r is None:
                return None
            res = c.execute("SELECT position, label, model, text, stats_json, error FROM comparison_results "
                            "WHERE comparison_id = ? ORDER BY position", (comparison_id,)).fetchall()
        return {"id": r[0], "prompt": r[1], "system_prompt": r[2], "settings": _loads(r[3], {}), "plan": r[4],
                "mode": (r[4] or "").split(":", 1)[0], "blind": bool(r[5]), "tags": r[6], "created_at": r[7],
                "results": [{"position": x[0], "label": x[1], "model": x[2], "text": x[3],
                             "stats": _loads(x[4], {}), "error": x[5]} for x in res]}

    def delete(self, comparison_id: int) -> bool:
        with self.store._tx() as c:
            return c.execute("DELETE FROM comparisons WHERE id = ?", (comparison_id,)).rowcount > 0

    # ---- question-set runs -------------------------------------------------------------------
    def start_eval(self, set_name: str, set_sha256: str, models: list[dict], settings: dict | None = None) -> int:
        now = utc_now()
        with self.store._tx() as c:
            cur = c.execute("INSERT INTO eval_runs (set_name, set_sha256, models_json, settings_json, status, "
                            "created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                            (set_name, set_sha256, _dumps(models), _dumps(settings or {}), "running", now, now))
            return cur.lastrowid

    def save_answer(self, run_id: int, question_id: str, model: str, answer: str, correct: bool,
                    seconds: float = 0.0, completion_tokens: int = 0, gen_tok_s: float = 0.0,
                    error: str | None = None) -> None:
        with self.store._tx() as c:
            c.execute("INSERT OR REPLACE INTO eval_answers (run_id, question_id, model, answer, correct, seconds, "
                      "completion_tokens, gen_tok_s, error) VALUES (?,?,?,?,?,?,?,?,?)",
                      (run_id, str(question_id), model, answer or "", 1 if correct else 0, float(seconds or 0),
                       int(completion_tokens or 0), float(gen_tok_s or 0), error))
            c.execute("UPDATE eval_runs SET updated_at = ? WHERE id = ?", (utc_now(), run_id))

    def finish_eval(self, run_id: int, status: str) -> None:
        if status not in EVAL_STATUSES:
            raise BadInputError(f"unknown evaluation status {status!r}")
        with self.store._tx() as c:
            c.execute("UPDATE eval_runs SET status = ?, updated_at = ? WHERE id = ?", (status, utc_now(), run_id))

    def list_evals(self, limit: int = 200) -> list[dict]:
        with self.store._guard() as c:
            rows = c.execute("SELECT id, set_name, set_sha256, models_json, status, created_at, updated_at "
                             "FROM eval_runs ORDER BY id DESC LIMIT ?", (int(limit),)).fetchall()
        return [{"id": r[0], "set_name": r[1], "set_sha256": r[2], "models": _loads(r[3], []), "status": r[4],
                 "created_at": r[5], "updated_at": r[6]} for r in rows]

    def get_eval(self, run_id: int) -> dict | None:
        """A stored evaluation with every answer (``answers``), or None."""
        with self.store._guard() as c:
            r = c.execute("SELECT id, set_name, set_sha256, models_json, settings_json, status, created_at, "
                          "updated_at FROM eval_runs WHERE id = ?", (run_id,)).fetchone()
            if r is None:
                return None
            rows = c.execute("SELECT question_id, model, answer, correct, seconds, completion_tokens, gen_tok_s, "
                             "error FROM eval_answers WHERE run_id = ? ORDER BY rowid", (run_id,)).fetchall()
        keys = ("question_id", "model", "answer", "correct", "seconds", "completion_tokens", "gen_tok_s", "error")
        answers = [dict(zip(keys, x)) for x in rows]
        for a in answers:
            a["correct"] = bool(a["correct"])
        return {"id": r[0], "set_name": r[1], "set_sha256": r[2], "models": _loads(r[3], []),
                "settings": _loads(r[4], {}), "status": r[5], "created_at": r[6], "updated_at": r[7],
                "answers": answers}
