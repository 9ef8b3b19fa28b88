"""Summaries in the database (tables made by ``engine.store`` migration 2).

A run is found again by its *job key* — the document's hash, the model file,
the options and the context size — so running the same document with the same
model and options again resumes from the parts already summarised.
"""

from __future__ import annotations

import hashlib
import json

from engine.store import Store, utc_now


def job_key(document_sha256: str, model_id: str, options: dict, n_ctx: int) -> str:
    raw = json.dumps([document_sha256, model_id, options, n_ctx], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class SummaryStore:
    """Summary rows on top of a ``Store`` (same file, same locking rules)."""

    def __init__(self, store: Store):
        self.store = store

    # ---- runs --------------------------------------------------------------------
    def find_resumable(self, key: str) -> int | None:
        """The newest unfinished run with this key (cancelled, failed or interrupted)."""
        with self.store._guard() as c:
            row = c.execute("SELECT id FROM summaries WHERE job_key = ? AND status != 'done' "
                            "ORDER BY updated_at DESC LIMIT 1", (key,)).fetchone()
        return row[0] if row else None

    def start(self, key: str, name: str, sha256: str, model: str, options: dict, n_ctx: int,
              pages: int, document_tokens: int) -> int:
        now = utc_now()
        with self.store._tx() as c:
            cur = c.execute(
                "INSERT INTO summaries (job_key, document_name, document_sha256, model, options_json, n_ctx, "
                "pages, document_tokens, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (key, name, sha256, model, json.dumps(options, ensure_ascii=False), n_ctx, pages,
                 document_tokens, "running", now, now))
            return cur.lastrowid

    def mark(self, summary_id: int, status: str) -> None:
        with self.store._tx() as c:
            c.execute("UPDATE summaries SET status = ?, updated_at = ? WHERE id = ?", (status, utc_now(), summary_id))

    def finish(self, summary_id: int, summary: str, stats: dict) -> None:
        with self.store._tx() as c:
            c.execute("UPDATE summaries SET status = 'done', summary = ?, stats_json = ?, updated_at = ? "
                      "WHERE id = ?", (summary, json.dumps(stats, ensure_ascii=False), utc_now(), summary_id))

    # ---- parts -------------------------------------------------------------------
    def parts(self, summary_id: int) -> dict[tuple[int, int], dict]:
        with self.store._guard() as c:
            rows = c.execute("SELECT level, position, input_sha256, page_start, page_end, text, prompt_tokens, "
                             "completion_tokens, seconds FROM summary_parts WHERE summary_id = ?",
                             (summary_id,)).fetchall()
        keys = ("level", "position", "input_sha256", "page_start", "page_end", "text", "prompt_tokens",
                "completion_tokens", "seconds")
        out = {}
        for r in rows:
            part = dict(zip(keys, r))
            part["input_sha256"], _, part["flags"] = (part["input_sha256"] or "").partition("|")
            out[(r[0], r[1])] = part
        return out

    def save_part(self, summary_id: int, level: int, position: int, input_sha256: str, page_start: int,
                  page_end: int, text: str, prompt_tokens: int, completion_tokens: int, seconds: float,
                  flags: str = "") -> None:
        """``flags``: how the part was made when its first reply was unusable ("retried:loop",
        "extractive:copy"), kept after the input's hash (``parts()`` gives it back as ``flags``)."""
        if flags:
            input_sha256 = f"{input_sha256}|{flags}"
        with self.store._tx() as c:
            c.execute("INSERT OR REPLACE INTO summary_parts (summary_id, level, position, input_sha256, page_start, "
                      "page_end, text, prompt_tokens, completion_tokens, seconds) VALUES (?,?,?,?,?,?,?,?,?,?)",
                      (summary_id, level, position, input_sha256, page_start, page_end, text, prompt_tokens,
                       completion_tokens, seconds))
            c.execute("UPDATE summaries SET updated_at = ? WHERE id = ?", (utc_now(), summary_id))

    # ---- history -----------------------------------------------------------------
    def list(self, limit: int = 200) -> list[dict]:
        with self.store._guard() as c:
            rows = c.execute("SELECT id, document_name, model, options_json, status, pages, created_at, updated_at "
                             "FROM summaries ORDER BY updated_at DESC LIMIT ?", (limit,)).fetchall()
        return [{"id": r[0], "document_name": r[1], "model": r[2], "options": json.loads(r[3]), "status": r[4],
                 "pages": r[5], "created_at": r[6], "updated_at": r[7]} for r in rows]

    def get(self, summary_id: int) -> dict | None:
        with self.store._guard() as c:
            r = c.execute("SELECT id, document_name, document_sha256, model, options_json, n_ctx, pages, "
                          "document_tokens, status, summary, stats_json, created_at, updated_at FROM summaries "
                          "WHERE id = ?", (summary_id,)).fetchone()
        if not r:
            return None
        return {"id": r[0], "document_name": r[1], "document_sha256": r[2], "model": r[3],
                "options": json.loads(r[4]), "n_ctx": r[5], "pages": r[6], "document_tokens": r[7],
                "status": r[8], "summary": r[9], "stats": json.loads(r[10]) if r[10] else None,
                "created_at": r[11], "updated_at": r[12]}

    def delete(self, summary_id: int) -> None:
        with self.store._tx() as c:
            c.execute("DELETE FROM summaries WHERE id = ?", (summary_id,))

    def delete_all(self) -> int:
        with self.store._tx() as c:
            return c.execute("DELETE FROM summaries").rowcount
