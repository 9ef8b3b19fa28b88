"""Persistent chat conversations: one SQLite file, shared by the GUI and the CLI.

Design notes
------------
- One ``Store`` owns one connection. Use a ``Store`` from one thread at a time
  (an internal lock makes accidental sharing safe, not fast); the GUI thread and
  a worker thread each open their own instance on the same file.
- WAL journal, ``synchronous=NORMAL``: every commit reaches the OS before the
  call returns, so killing the process (even SIGKILL) loses nothing committed;
  only a power cut can lose the last few commits. Readers never block writers.
- The schema version lives in ``PRAGMA user_version``. ``MIGRATIONS`` is the
  ordered list of migration functions: migration N brings a database from
  version N-1 to N. Opening an older database runs the missing ones in one
  transaction.
- Message text is indexed by an FTS5 table (external content, kept in sync by
  triggers). The ``trigram`` tokenizer (SQLite >= 3.34) makes substring search
  work for languages without spaces (Japanese, Chinese); a term shorter than
  three characters is looked for with ``LIKE``. Older SQLite gets the
  ``unicode61`` tokenizer: words and the starts of words (case and accents
  ignored); a term in Japanese, an emoji or symbols alone use ``LIKE``.
- Timestamps are UTC ISO-8601 strings (``2025-01-31T12:00:00.123456+00:00``).

Streaming replies: ``add_message(cid, "assistant", "", complete=False)`` when
generation starts, ``update_message(mid, content=partial)`` about once a second
(one UPDATE, committed at once), and finally
``update_message(mid, content=text, complete=True, stats=stats)``.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

from engine.errors import BadInputError, EngineError
from engine.printable import clean_text, clean_title

DEFAULT_TITLE = "New chat"
TITLE_CHARS = 40
ROLES = ("system", "user", "assistant")
EXPORT_FORMAT = "hearth.conversation"
EXPORT_VERSION = 1
BUSY_TIMEOUT_MS = 10_000
MAX_IMPORT_MB = 32          # the largest conversation file imported (a long chat exports to a few MB)
MAX_IMPORT_DEPTH = 16       # how deeply an export may nest (the format itself uses 4 levels)
MAX_IMPORT_CONTAINERS = 1_000_000   # lists and objects in a conversation file (parsing 11 million empty lists
                                    # took 1.6 GB); a message is one or two
INT32_MAX, INT64_MAX = 2 ** 31 - 1, 2 ** 63 - 1

# A conversation's settings (what the chat pane shows and saves): section -> name -> (kind, lowest, highest).
# "gpu" is "auto", "all" or a whole number of layers. The bounds keep a value usable by the pane's widgets and
# by llama.cpp: anything else is refused on import and left out (the default applies) when a chat is opened.
CONVERSATION_SETTINGS = {
    "sampling": {"temperature": (float, 0, 100), "top_p": (float, 0, 1), "top_k": (int, 0, INT32_MAX),
                 "min_p": (float, 0, 1), "repeat_penalty": (float, 0, 100), "max_tokens": (int, 0, INT32_MAX),
                 "seed": (int, -INT64_MAX - 1, INT64_MAX)},
    "load": {"n_ctx": (int, 0, 1 << 24), "gpu_layers": ("gpu", 0, INT32_MAX)},
}


# ---- helpers -------------------------------------------------------------------------

def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def trigram_available() -> bool:
    """The FTS5 trigram tokenizer exists from SQLite 3.34."""
    return sqlite3.sqlite_version_info >= (3, 34, 0)


# Scripts written with spaces between words: the unicode61 tokenizer (SQLite before 3.34) finds their words,
# ignoring case and accents; other text (Japanese, Chinese, emoji, symbols alone) is searched with LIKE.
_SPACED_SCRIPTS = ("LATIN ", "GREEK ", "CYRILLIC ")


def _word_term(term: str) -> bool:
    """A search term the unicode61 index can find: ASCII with a letter or digit, or letters and digits of
    scripts written with spaces (``CAFÉ``, ``naïve``, ``Москва``). LIKE would miss ``Café`` for ``CAFÉ``: it
    ignores the case of ASCII letters only."""
    import unicodedata

    return any(ch.isalnum() for ch in term) and all(
        ch.isascii() or (ch.isalnum() and unicodedata.name(ch, "").startswith(_SPACED_SCRIPTS)) for ch in term)


def _collapse(text: str) -> str:
    return " ".join((text or "").split())


def make_title(text: str, limit: int = TITLE_CHARS) -> str:
    """A conversation title from the first user message: its first ~40 characters."""
    text = clean_title(text)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2:  # cut at a word boundary when there is one
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def _stats_dict(stats) -> dict | None:
    if stats is None:
        return None
    if hasattr(stats, "to_dict"):
        stats = stats.to_dict()
    if not isinstance(stats, dict):
        raise BadInputError("message statistics must be a JSON object")
    stats = dict(stats)
    stats.pop("text", None)  # GenerationStats carries the whole reply: the content column has it
    return stats


def _dumps(value, what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise BadInputError(f"the {what} cannot be saved: {e}") from None


def _loads(text: str | None, default=None):
    if text is None or text == "":
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _snippet(content: str, terms: list[str], before: int = 40, after: int = 80) -> str:
    """A short piece of ``content`` around the first match of any term."""
    text = _collapse(content)
    low = text.casefold()
    hits = [i for i in (low.find(t.casefold()) for t in terms) if i >= 0]
    if not hits:
        return text[: before + after] + ("…" if len(text) > before + after else "")
    i = min(hits)
    start = max(0, i - before)
    end = min(len(text), i + after)
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


# ---- migrations ------------------------------------------------------------------------

def _migration_1(conn: sqlite3.Connection) -> None:
    """Conversations, messages, presets, and the full-text index."""
    tokenizer = "trigram" if trigram_available() else "unicode61 remove_diacritics 2"
    statements = [
        """CREATE TABLE conversations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL DEFAULT 'New chat',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            system_prompt TEXT NOT NULL DEFAULT '',
            settings_json TEXT NOT NULL DEFAULT '{}',
            model_path TEXT
        )""",
        "CREATE INDEX conversations_by_updated ON conversations(updated_at DESC, id DESC)",
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL
                REFERENCES conversations(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
            content TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            model TEXT,
            stats_json TEXT,
            complete INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1)),
            UNIQUE (conversation_id, position)
        )""",
        """CREATE TABLE presets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            text TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        f"""CREATE VIRTUAL TABLE messages_fts USING fts5(
            content, content='messages', content_rowid='id', tokenize='{tokenizer}'
        )""",
        """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
        END""",
        """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, content)
                VALUES ('delete', old.id, old.content);
        END""",
        """CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, content)
                VALUES ('delete', old.id, old.content);
            INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
        END""",
    ]
    for sql in statements:
        conn.execute(sql)


def _migration_2(conn: sqlite3.Connection) -> None:
    """Document summaries (engine/summarize/storage.py): one row per run, and its
    parts (chunk and combined summaries) so a cancelled run resumes."""
    conn.execute("""CREATE TABLE summaries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            job_key TEXT NOT NULL,                 -- document hash + model + options + context
            document_name TEXT NOT NULL,
            document_sha256 TEXT NOT NULL,
            model TEXT NOT NULL,
            options_json TEXT NOT NULL,
            n_ctx INTEGER NOT NULL,
            pages INTEGER NOT NULL DEFAULT 0,
            document_tokens INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'cancelled', 'failed', 'done')),
            summary TEXT NOT NULL DEFAULT '',
            stats_json TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""")
    conn.execute("CREATE INDEX summaries_job ON summaries(job_key, updated_at)")
    conn.execute("""CREATE TABLE summary_parts (
            summary_id INTEGER NOT NULL REFERENCES summaries(id) ON DELETE CASCADE,
            level INTEGER NOT NULL,                -- 0: a chunk of the document; 1+: combined summaries
            position INTEGER NOT NULL,
            input_sha256 TEXT NOT NULL,            -- what was summarised: a changed input is redone
            page_start INTEGER NOT NULL,
            page_end INTEGER NOT NULL,
            text TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (summary_id, level, position)
        )""")


def _migration_3(conn: sqlite3.Connection) -> None:
    """Model comparison (engine/compare/): side-by-side runs, blind votes, question-set evaluations."""
    conn.execute("""CREATE TABLE comparisons (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            prompt TEXT NOT NULL,
            system_prompt TEXT NOT NULL DEFAULT '',
            settings_json TEXT NOT NULL DEFAULT '{}',   -- sampling, seed, per-model load options
            plan TEXT NOT NULL DEFAULT '',              -- 'parallel' | 'sequential' and why
            blind INTEGER NOT NULL DEFAULT 0 CHECK (blind IN (0, 1)),
            tags TEXT NOT NULL DEFAULT '',              -- comma-separated category tags
            created_at TEXT NOT NULL
        )""")
    conn.execute("""CREATE TABLE comparison_results (
            comparison_id INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,                  -- column, left to right as shown
            label TEXT NOT NULL DEFAULT '',             -- 'A', 'B'... in blind mode
            model TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            stats_json TEXT,                            -- GenerationStats + load_s, peak_rss_bytes...
            error TEXT,
            PRIMARY KEY (comparison_id, position)
        )""")
    conn.execute("""CREATE TABLE votes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            comparison_id INTEGER REFERENCES comparisons(id) ON DELETE SET NULL,
            model_a TEXT NOT NULL,                      -- the model shown on the left
            model_b TEXT NOT NULL,                      -- the model shown on the right
            outcome TEXT NOT NULL CHECK (outcome IN ('a', 'b', 'tie', 'both_bad')),
            tags TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )""")
    conn.execute("CREATE INDEX votes_models ON votes(model_a, model_b)")
    conn.execute("""CREATE TABLE eval_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            set_name TEXT NOT NULL,
            set_sha256 TEXT NOT NULL,
            models_json TEXT NOT NULL,
            settings_json TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'cancelled', 'failed', 'done')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""")
    conn.execute("""CREATE TABLE eval_answers (
            run_id INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            model TEXT NOT NULL,
            answer TEXT NOT NULL DEFAULT '',
            correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
            seconds REAL NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            gen_tok_s REAL NOT NULL DEFAULT 0,
            error TEXT,
            PRIMARY KEY (run_id, question_id, model)
        )""")


# Ordered: MIGRATIONS[i] brings the schema from version i to i + 1. Append only.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migration_1, _migration_2, _migration_3]


# ---- the store --------------------------------------------------------------------------

class Store:
    """Conversations, messages and system-prompt presets in one SQLite file."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        """``busy_timeout_ms``: how long a statement waits for another connection's lock before
        failing with "database is locked" (the GUI thread uses a short one)."""
        self.path = Path(path)
        self.busy_timeout_ms = max(0, int(busy_timeout_ms))
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._trigram = False
        self._conn = self._open()

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open_default(cls, config) -> "Store":
        """The user's conversation database (``config.paths.database``)."""
        return cls(config.paths.database)

    def _open(self) -> sqlite3.Connection:
        from engine.private_files import create_private_file, private_dir, tighten

        try:
            # This user's only (POSIX): new folders 0700, the file 0600 (SQLite gives its -wal and -shm files
            # the database's permissions); a database an older version created 0644 is tightened.
            private_dir(self.path.parent, tighten_existing=False)
        except OSError as e:
            raise BadInputError(f"cannot create the folder for the conversation database "
                                f"{self.path.parent}: {e.strerror or e}") from None
        if not os.path.lexists(self.path):
            try:
                create_private_file(self.path)   # empty: SQLite makes it a database
            except OSError:
                pass                             # SQLite says what is wrong, in its own words
        for f in (self.path, self.path.with_name(self.path.name + "-wal"),
                  self.path.with_name(self.path.name + "-shm")):
            tighten(f)
        try:
            conn = sqlite3.connect(str(self.path), timeout=self.busy_timeout_ms / 1000,
                                   isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            raise BadInputError(f"cannot open the conversation database {self.path}: {e}") from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
            # The first real read: a file that is not SQLite fails here.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(conn)
            row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'").fetchone()
            self._trigram = bool(row and "trigram" in (row[0] or ""))
        except sqlite3.DatabaseError as e:
            conn.close()
            msg = str(e).lower()
            if not any(w in msg for w in ("not a database", "malformed", "corrupt")):
                # Locked, read-only, disk full...: the file itself is not at fault.
                raise EngineError(f"cannot open the conversation database {self.path}: {e}") from None
            aside = self._keep_aside()
            where = (f"it was kept as {aside} and a new, empty database will be started"
                     if aside else "it was left in place; move it away to start a new one")
            raise BadInputError(f"the conversation database {self.path} is damaged or is not "
                                f"a Hearth database ({e}); {where}") from None
        except BaseException:
            conn.close()
            raise
        return conn

    def _keep_aside(self) -> Path | None:
        """Rename a damaged database (and its WAL files) so that nothing is deleted."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
        try:
            self.path.replace(aside)
        except OSError:
            return None
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                try:
                    side.replace(aside.with_name(aside.name + suffix))
                except OSError:
                    pass
        return aside

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        target = len(MIGRATIONS)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == target:
            return
        if version > target:
            raise BadInputError(
                f"the conversation database was written by a newer version of Hearth "
                f"(schema {version}; this version knows up to {target}): update Hearth")
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another instance may have migrated while we waited for the lock.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version + 1, target + 1):
                MIGRATIONS[number - 1](conn)
                conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.execute("PRAGMA optimize")
                except sqlite3.Error:
                    pass
                self._conn.close()
                self._conn = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- plumbing --------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise EngineError("the conversation database is closed")
        return self._conn

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock, with SQLite errors turned into user sentences."""
        with self._lock:
            try:
                yield self.conn
            except sqlite3.IntegrityError as e:
                raise BadInputError(f"the conversation database refused the change: {e}") from None
            except sqlite3.Error as e:
                if any(w in str(e).lower() for w in ("malformed", "not a database", "corrupt")):
                    raise EngineError(f"the conversation database {self.path} is damaged ({e}); "
                                      f"close Hearth and move the file away to start a new "
                                      f"one") from None
                raise EngineError(f"the conversation database failed: {e}") from None

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction (BEGIN IMMEDIATE: takes the write lock up front)."""
        with self._guard() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _touch_time(self, conn: sqlite3.Connection) -> str:
        """Now, but strictly after every other ``updated_at``: "newest first" stays exact
        even when the clock is coarse or two changes fall in the same microsecond."""
        now = utc_now()
        latest = conn.execute("SELECT max(updated_at) FROM conversations").fetchone()[0]
        if latest and latest >= now:
            try:
                now = (datetime.fromisoformat(latest) + timedelta(microseconds=1)).isoformat(
                    timespec="microseconds")
            except ValueError:
                pass
        return now

    def _require_conversation(self, conn: sqlite3.Connection, conversation_id) -> int:
        try:
            cid = int(conversation_id)
        except (TypeError, ValueError):
            raise BadInputError(f"no conversation with id {conversation_id}") from None
        if not conn.execute("SELECT 1 FROM conversations WHERE id = ?", (cid,)).fetchone():
            raise BadInputError(f"no conversation with id {conversation_id}")
        return cid

    @staticmethod
    def _conversation_row(row) -> dict:
        return {
            "id": row[0], "title": clean_title(row[1]) or DEFAULT_TITLE,   # an older version kept any title
            "created_at": row[2], "updated_at": row[3], "system_prompt": row[4],
            "settings": conversation_settings(_loads(row[5], {})),
            "model_path": row[6], "message_count": row[7], "preview": _collapse(row[8] or "")[:120],
        }

    _CONVERSATION_SELECT = """
        SELECT c.id, c.title, c.created_at, c.updated_at, c.system_prompt, c.settings_json,
               c.model_path,
               (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),
               (SELECT substr(m.content, 1, 400) FROM messages m
                 WHERE m.conversation_id = c.id AND m.content != ''
                 ORDER BY m.position DESC LIMIT 1)
          FROM conversations c"""

    @staticmethod
    def _message_row(row) -> dict:
        return {
            "id": row[0], "conversation_id": row[1], "position": row[2], "role": row[3],
            "content": row[4], "created_at": row[5], "model": row[6],
            "stats": _loads(row[7], None), "complete": bool(row[8]),
        }

    _MESSAGE_SELECT = ("SELECT id, conversation_id, position, role, content, created_at, model, "
                       "stats_json, complete FROM messages")

    # -- conversations ---------------------------------------------------------------

    def create_conversation(self, title: str = DEFAULT_TITLE, system_prompt: str = "",
                            settings: dict | None = None, model_path: str | None = None) -> int:
        if settings is not None and not isinstance(settings, dict):
            raise BadInputError("conversation settings must be a JSON object")
        title = clean_title(title) or DEFAULT_TITLE
        settings_json = _dumps(settings or {}, "conversation settings")
        with self._tx() as conn:
            now = self._touch_time(conn)
            cur = conn.execute(
                "INSERT INTO conversations (title, created_at, updated_at, system_prompt, "
                "settings_json, model_path) VALUES (?, ?, ?, ?, ?, ?)",
                (title, now, now, clean_text(system_prompt or ""), settings_json,
                 str(model_path) if model_path else None))
            return cur.lastrowid

    def get_conversation(self, conversation_id: int) -> dict:
        with self._guard() as conn:
            row = conn.execute(self._CONVERSATION_SELECT + " WHERE c.id = ?",
                               (self._require_conversation(conn, conversation_id),)).fetchone()
        return self._conversation_row(row)

    def list_conversations(self, limit: int | None = None) -> list[dict]:
        """Newest first (by ``updated_at``), with ``message_count`` and ``preview``."""
        sql = self._CONVERSATION_SELECT + " ORDER BY c.updated_at DESC, c.id DESC"
        params: tuple = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (max(0, int(limit)),)
        with self._guard() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [self._conversation_row(r) for r in rows]

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        title = clean_title(title)
        if not title:
            raise BadInputError("a conversation title cannot be empty")
        with self._tx() as conn:
            cid = self._require_conversation(conn, conversation_id)
            conn.execute("UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?",
                         (title, self._touch_time(conn), cid))

    def delete_conversation(self, conversation_id: int) -> None:
        """Deletes the conversation and its messages. For undo, keep ``export_json(id)``
        first and hand it to ``restore_conversation``."""
        with self._tx() as conn:
            cid = self._require_conversation(conn, conversation_id)
            conn.execute("DELETE FROM conversations WHERE id = ?", (cid,))

    def update_conversation_settings(self, conversation_id: int, system_prompt: str | None = None,
                                     settings: dict | None = None,
                                     model_path: str | None = None) -> None:
        """Change what is given; ``None`` leaves a field as it is (``model_path=""`` clears it)."""
        sets, params = [], []
        if system_prompt is not None:
            sets.append("system_prompt = ?")
            params.append(clean_text(system_prompt))
        if settings is not None:
            if not isinstance(settings, dict):
                raise BadInputError("conversation settings must be a JSON object")
            sets.append("settings_json = ?")
            params.append(_dumps(settings, "conversation settings"))
        if model_path is not None:
            sets.append("model_path = ?")
            params.append(str(model_path) or None)
        with self._tx() as conn:
            cid = self._require_conversation(conn, conversation_id)
            if sets:
                conn.execute(f"UPDATE conversations SET {', '.join(sets)}, updated_at = ? "
                             f"WHERE id = ?", (*params, self._touch_time(conn), cid))

    # -- messages --------------------------------------------------------------------

    def messages(self, conversation_id: int) -> list[dict]:
        with self._guard() as conn:
            cid = self._require_conversation(conn, conversation_id)
            rows = conn.execute(self._MESSAGE_SELECT + " WHERE conversation_id = ? ORDER BY position",
                                (cid,)).fetchall()
        return [self._message_row(r) for r in rows]

    def get_message(self, message_id: int) -> dict:
        with self._guard() as conn:
            row = conn.execute(self._MESSAGE_SELECT + " WHERE id = ?", (message_id,)).fetchone()
        if row is None:
            raise BadInputError(f"no message with id {message_id}")
        return self._message_row(row)

    def add_message(self, conversation_id: int, role: str, content: str, model: str | None = None,
                    stats=None, complete: bool = True) -> int:
        """Append a message. The first user message of a conversation still called
        "New chat" gives the conversation its title."""
        if role not in ROLES:
            raise BadInputError(f"a message role must be system, user or assistant, not {role!r}")
        content = clean_text(content)
        stats_json = None if stats is None else _dumps(_stats_dict(stats), "message statistics")
        with self._tx() as conn:
            cid = self._require_conversation(conn, conversation_id)
            now = self._touch_time(conn)
            mid = self._insert_message(conn, cid, role, content, now, model, stats_json, complete)
            title = conn.execute("SELECT title FROM conversations WHERE id = ?", (cid,)).fetchone()[0]
            new_title = title
            if role == "user" and title == DEFAULT_TITLE and _collapse(content):
                earlier = conn.execute(
                    "SELECT count(*) FROM messages WHERE conversation_id = ? AND role = 'user' "
                    "AND id != ?", (cid, mid)).fetchone()[0]
                if not earlier:
                    new_title = make_title(content)
            conn.execute("UPDATE conversations SET updated_at = ?, title = ? WHERE id = ?",
                         (now, new_title, cid))
            return mid

    @staticmethod
    def _insert_message(conn, cid, role, content, created_at, model, stats_json, complete) -> int:
        cur = conn.execute(
            "INSERT INTO messages (conversation_id, position, role, content, created_at, model, "
            "stats_json, complete) VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM messages "
            "WHERE conversation_id = ?), ?, ?, ?, ?, ?, ?)",
            (cid, cid, role, content, created_at, str(model) if model else None, stats_json,
             1 if complete else 0))
        return cur.lastrowid

    def update_message(self, message_id: int, content: str | None = None,
                       complete: bool | None = None, stats=None) -> None:
        """Cheap enough to call every second while a reply streams: one UPDATE,
        committed on return."""
        sets, params = [], []
        if content is not None:
            sets.append("content = ?")
            params.append(clean_text(content))
        if complete is not None:
            sets.append("complete = ?")
            params.append(1 if complete else 0)
        if stats is not None:
            sets.append("stats_json = ?")
            params.append(_dumps(_stats_dict(stats), "message statistics"))
        if not sets:
            return
        with self._guard() as conn:
            # Autocommit mode: this one statement is its own transaction.
            cur = conn.execute(f"UPDATE messages SET {', '.join(sets)} WHERE id = ?",
                               (*params, message_id))
        if cur.rowcount == 0:
            raise BadInputError(f"no message with id {message_id}")

    def delete_messages_after(self, conversation_id: int, message_id: int,
                              inclusive: bool = False) -> int:
        """Delete the messages that come after ``message_id`` (and it too, with
        ``inclusive``): editing a message and sending it again replaces the rest of the
        conversation. Returns how many were deleted."""
        with self._tx() as conn:
            cid = self._require_conversation(conn, conversation_id)
            row = conn.execute("SELECT position FROM messages WHERE id = ? AND conversation_id = ?",
                               (message_id, cid)).fetchone()
            if row is None:
                raise BadInputError(f"no message with id {message_id} in conversation {cid}")
            op = ">=" if inclusive else ">"
            cur = conn.execute(f"DELETE FROM messages WHERE conversation_id = ? AND position {op} ?",
                               (cid, row[0]))
            conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?",
                         (self._touch_time(conn), cid))
            return cur.rowcount

    # -- search ----------------------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[dict]:
        """Messages whose text contains every word of ``query`` (case-insensitive).

        Returns ``[{conversation_id, title, message_id, role, snippet, created_at}]``,
        best matches first."""
        terms = (query or "").split()
        if not terms:
            return []
        limit = max(1, int(limit))
        # Each term through the index where it can find it (trigram: three characters or more, any case;
        # unicode61: a word's start, see _word_term), else with LIKE (which ignores the case of ASCII only).
        indexed = [t for t in terms if (len(t) >= 3 if self._trigram else _word_term(t))]
        like = [t for t in terms if t not in indexed]
        like_sql = "".join(" AND m.content LIKE ? ESCAPE '\\'" for _ in like)
        like_params = ["%" + re.sub(r"([\\%_])", r"\\\1", t) + "%" for t in like]
        select = ("SELECT m.conversation_id, c.title, m.id, m.role, m.content, m.created_at "
                  "FROM messages m JOIN conversations c ON c.id = m.conversation_id ")
        with self._guard() as conn:
            if not indexed:
                rows = conn.execute(select + f"WHERE 1{like_sql} ORDER BY m.created_at DESC, m.id DESC "
                                    "LIMIT ?", (*like_params, limit)).fetchall()
            else:
                suffix = "" if self._trigram else "*"
                match = " ".join('"' + t.replace('"', '""') + '"' + suffix for t in indexed)
                rows = conn.execute(
                    select + f"JOIN messages_fts f ON f.rowid = m.id WHERE messages_fts MATCH ?{like_sql} "
                    "ORDER BY f.rank, m.id DESC LIMIT ?", (match, *like_params, limit)).fetchall()
        return [{"conversation_id": r[0], "title": clean_title(r[1]) or DEFAULT_TITLE, "message_id": r[2],
                 "role": r[3], "snippet": _snippet(r[4], terms), "created_at": r[5]} for r in rows]

    # -- export / import -------------------------------------------------------------

    def export_json(self, conversation_id: int) -> dict:
        """The versioned export format (also what ``restore_conversation`` takes)."""
        conv = self.get_conversation(conversation_id)
        msgs = self.messages(conversation_id)
        return {
            "format": EXPORT_FORMAT, "version": EXPORT_VERSION,
            "id": conv["id"], "title": conv["title"],
            "created_at": conv["created_at"], "updated_at": conv["updated_at"],
            "system_prompt": conv["system_prompt"], "settings": conv["settings"],
            "model_path": conv["model_path"],
            "messages": [{"role": m["role"], "content": m["content"], "model": m["model"],
                          "stats": m["stats"], "complete": m["complete"],
                          "created_at": m["created_at"]} for m in msgs],
        }

    def export_markdown(self, conversation_id: int) -> str:
        conv = self.get_conversation(conversation_id)
        msgs = self.messages(conversation_id)
        out = [f"# {conv['title']}", "", f"_Created {conv['created_at']}, exported from Hearth._", ""]
        if conv["system_prompt"].strip():
            out += ["## System prompt", "", conv["system_prompt"].rstrip(), ""]
        names = {"system": "System", "user": "User", "assistant": "Assistant"}
        for m in msgs:
            head = f"## {names[m['role']]}"
            if m["role"] == "assistant" and m["model"]:
                head += f" ({Path(m['model']).name})"
            out += [head, "", m["content"].rstrip()]
            if not m["complete"]:
                out += ["", "_(reply cut short)_"]
            out.append("")
        return "\n".join(out).rstrip() + "\n"

    def import_json(self, data) -> int:
        """A new conversation from an export dict; returns its id. BadInputError with a
        sentence saying what is wrong when ``data`` is not a Hearth conversation."""
        return self._insert_export(self._validate_export(data), keep_id=False)

    def restore_conversation(self, data) -> int:
        """Undo a delete: re-insert an ``export_json`` dict with its old id and dates when
        that id is free. Returns the id."""
        return self._insert_export(self._validate_export(data), keep_id=True)

    @staticmethod
    def _validate_export(data) -> dict:
        if not isinstance(data, dict):
            raise BadInputError("this is not a Hearth conversation: expected a JSON object")
        if _depth(data) > MAX_IMPORT_DEPTH:
            raise BadInputError(f"this is not a Hearth conversation: it is nested more than {MAX_IMPORT_DEPTH} "
                                "levels deep")
        if data.get("format") != EXPORT_FORMAT:
            raise BadInputError(f"this is not a Hearth conversation: \"format\" must be "
                                f"\"{EXPORT_FORMAT}\"")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise BadInputError("this Hearth conversation has no valid \"version\" number")
        if version > EXPORT_VERSION:
            raise BadInputError(f"this conversation was exported by a newer Hearth (format "
                                f"version {version}; this version reads up to {EXPORT_VERSION})")
        title = data.get("title", DEFAULT_TITLE)
        if not isinstance(title, str):
            raise BadInputError("the conversation's \"title\" must be text")
        system_prompt = data.get("system_prompt")
        system_prompt = "" if system_prompt is None else system_prompt
        if not isinstance(system_prompt, str):
            raise BadInputError("the conversation's \"system_prompt\" must be text")
        settings = data.get("settings")
        settings = {} if settings is None else settings
        if not isinstance(settings, dict):
            raise BadInputError("the conversation's \"settings\" must be a JSON object")
        settings = conversation_settings(settings, strict=True)
        model_path = data.get("model_path")
        if model_path is not None and not isinstance(model_path, str):
            raise BadInputError("the conversation's \"model_path\" must be text")
        messages = data.get("messages")
        if not isinstance(messages, list):
            raise BadInputError("the conversation has no \"messages\" list")
        clean = []
        for i, m in enumerate(messages, 1):
            if not isinstance(m, dict):
                raise BadInputError(f"message {i} of the conversation is not a JSON object")
            if m.get("role") not in ROLES:
                raise BadInputError(f"message {i} has no valid \"role\" (system, user or assistant)")
            if not isinstance(m.get("content"), str):
                raise BadInputError(f"message {i} has no text in \"content\"")
            model = m.get("model")
            if model is not None and not isinstance(model, str):
                raise BadInputError(f"message {i}: \"model\" must be text")
            stats = m.get("stats")
            if stats is not None and not isinstance(stats, dict):
                raise BadInputError(f"message {i}: \"stats\" must be a JSON object")
            complete = m.get("complete", True)
            if not isinstance(complete, bool):
                raise BadInputError(f"message {i}: \"complete\" must be true or false")
            created = _iso_or_none(m.get("created_at"))
            clean.append({"role": m["role"], "content": clean_text(m["content"]),
                          "model": None if model is None else clean_text(model),
                          "stats": None if stats is None else _clean_strings(stats), "complete": complete,
                          "created_at": created})
        cid = data.get("id")
        return {"id": cid if isinstance(cid, int) and not isinstance(cid, bool) and cid > 0 else None,
                "title": clean_title(title) or DEFAULT_TITLE, "system_prompt": clean_text(system_prompt),
                "settings": settings, "model_path": clean_text(model_path) or None,
                "created_at": _iso_or_none(data.get("created_at")),
                "updated_at": _iso_or_none(data.get("updated_at")), "messages": clean}

    def _insert_export(self, d: dict, keep_id: bool) -> int:
        settings_json = _dumps(d["settings"], "conversation settings")
        stats_json = [None if m["stats"] is None else _dumps(m["stats"], "message statistics")
                      for m in d["messages"]]
        with self._tx() as conn:
            now = self._touch_time(conn)
            cid = None
            if keep_id and d["id"] is not None and not conn.execute(
                    "SELECT 1 FROM conversations WHERE id = ?", (d["id"],)).fetchone():
                cid = d["id"]
            created = d["created_at"] or now
            updated = (d["updated_at"] or now) if keep_id else now
            cur = conn.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at, system_prompt, "
                "settings_json, model_path) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (cid, d["title"], created, updated, d["system_prompt"], settings_json,
                 d["model_path"]))
            cid = cur.lastrowid
            for m, sj in zip(d["messages"], stats_json):
                self._insert_message(conn, cid, m["role"], m["content"], m["created_at"] or now,
                                     m["model"], sj, m["complete"])
            return cid

    # -- presets ---------------------------------------------------------------------

    def list_presets(self) -> list[dict]:
        """``[{name, text, created_at, updated_at}]`` sorted by name."""
        with self._guard() as conn:
            rows = conn.execute("SELECT name, text, created_at, updated_at FROM presets "
                                "ORDER BY name COLLATE NOCASE").fetchall()
        return [{"name": r[0], "text": r[1], "created_at": r[2], "updated_at": r[3]} for r in rows]

    def save_preset(self, name: str, text: str) -> None:
        """Create or replace (names are case-insensitive)."""
        name = _collapse(name)
        if not name:
            raise BadInputError("a preset needs a name")
        now = utc_now()
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO presets (name, text, created_at, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET name = excluded.name, text = excluded.text, "
                "updated_at = excluded.updated_at", (name, text or "", now, now))

    def delete_preset(self, name: str) -> None:
        with self._tx() as conn:
            cur = conn.execute("DELETE FROM presets WHERE name = ?", (_collapse(name),))
            if cur.rowcount == 0:
                raise BadInputError(f"no preset named {name!r}")

    # -- maintenance -----------------------------------------------------------------

    def schema_version(self) -> int:
        with self._guard() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    def integrity_check(self) -> str:
        """"ok", or SQLite's description of the damage."""
        with self._guard() as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "\n".join(r[0] for r in rows)


def read_export_file(path: str | Path):
    """The JSON in a conversation file (``export --format json``), for ``import_json``: at most
    ``MAX_IMPORT_MB`` read, ``MAX_IMPORT_CONTAINERS`` lists and objects, nesting bounded. BadInputError (one
    sentence) for anything else."""
    p = Path(path)
    if not p.is_file():
        raise BadInputError(f"no file at {p}")
    limit = MAX_IMPORT_MB << 20
    try:
        with open(p, "rb") as f:
            raw = f.read(limit + 1)     # never more than the limit, whatever the file claims to be
    except OSError as e:
        raise BadInputError(f"cannot read {p}: {e.strerror or e}") from None
    if len(raw) > limit:
        raise BadInputError(f"{p.name} is too large for a Hearth conversation (over {MAX_IMPORT_MB} MB)")
    if _containers(raw) > MAX_IMPORT_CONTAINERS:
        raise BadInputError(f"{p.name} is not a Hearth conversation: it holds more than {MAX_IMPORT_CONTAINERS:,} "
                            "lists and objects")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInputError(f"{p} is not a UTF-8 text file") from None
    del raw
    try:
        return json.loads(text)
    except RecursionError:
        raise BadInputError(f"this is not a Hearth conversation: it is nested more than {MAX_IMPORT_DEPTH} "
                            "levels deep") from None
    except ValueError as e:
        raise BadInputError(f"{p} is not valid JSON ({e})") from None


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def _containers(raw: bytes) -> int:
    """About how many lists and objects the JSON ``raw`` holds, counted before it is parsed: each costs the
    parser about a hundred bytes, so millions of empty ones in a few MB would take gigabytes. Every '[' and
    '{' counts; only when that is past the bound are those inside strings (pasted code or JSON) left out."""
    n = raw.count(b"[") + raw.count(b"{")
    if n <= MAX_IMPORT_CONTAINERS:
        return n
    outside = _JSON_STRING.sub(b"", raw)
    return outside.count(b"[") + outside.count(b"{")


def _depth(value) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar: 0), counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            v = v.values()
        elif not isinstance(v, list):
            continue
        deepest = max(deepest, d)
        if d <= MAX_IMPORT_DEPTH:     # deeper than the limit: the answer is already "too deep"
            stack.extend((x, d + 1) for x in v)
    return deepest


def _clean_strings(value):
    """``value`` with lone surrogates in every string (keys too) replaced; nesting already bounded."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k): _clean_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_strings(v) for v in value]
    return value


def _setting_value(name: str, value, kind, lo, hi):
    """``value`` as the setting's kind when it is one and within [lo, hi]; else None."""
    if kind == "gpu":
        if isinstance(value, str) and value.strip().lower() in ("auto", "all"):
            return value.strip().lower()
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 10:
            value = int(value.strip())
        kind = int
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if kind is int:
        if isinstance(value, float):
            if not value.is_integer():
                return None
            value = int(value)
    if not lo <= value <= hi:
        return None
    return kind(value)


def conversation_settings(settings, *, strict: bool = False) -> dict:
    """A conversation's settings as the chat pane may use them: ``{"sampling": {...}, "load": {...}}`` with
    only the names of ``CONVERSATION_SETTINGS``, each of its kind and within its bounds (``seed`` may be
    null: random). ``strict`` (an import): anything else is a BadInputError naming the setting; otherwise
    (a stored conversation being opened, written by an older version) it is left out and the default
    applies. Unknown names are left out either way."""
    if not isinstance(settings, dict):
        if strict:
            raise BadInputError("the conversation's \"settings\" must be a JSON object")
        return {}
    out: dict = {}
    for section, rules in CONVERSATION_SETTINGS.items():
        given = settings.get(section)
        if given is None:
            continue
        if not isinstance(given, dict):
            if strict:
                raise BadInputError(f"the conversation's \"settings.{section}\" must be a JSON object")
            continue
        clean = {}
        for name, (kind, lo, hi) in rules.items():
            if name not in given or (given[name] is None and name != "seed"):
                continue
            value = given[name]
            good = None if value is None else _setting_value(name, value, kind, lo, hi)
            if good is None and value is not None:
                if strict:
                    shown = json.dumps(value)
                    shown = shown if len(shown) <= 40 else shown[:40] + "…"
                    if kind == "gpu":
                        raise BadInputError(f"the conversation's setting \"{name}\" must be \"auto\", \"all\" or "
                                            f"a whole number of layers (not {shown})")
                    raise BadInputError(f"the conversation's setting \"{name}\" must be "
                                        f"{'a whole number' if kind is int else 'a number'} from {lo} to {hi} "
                                        f"(not {shown})")
                continue
            clean[name] = good
        out[section] = clean
    return out


def _iso_or_none(value) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


def conversation_messages_for_model(store: Store, conversation_id: int, *,
                                    pinned_system_prompt: str | None = None) -> list[dict]:
    """What to send the model: the system prompt, then the messages in order, leaving
    out empty assistant messages that never finished (a reply cut before its first token).

    ``pinned_system_prompt`` (an administrator's locked system prompt, "" included): it is the only system
    message — the conversation's own prompt and every stored system message (an imported conversation
    may hold some) are left out."""
    conv = store.get_conversation(conversation_id)
    out: list[dict] = []
    if conv["system_prompt"].strip():
        out.append({"role": "system", "content": conv["system_prompt"]})
    for m in store.messages(conversation_id):
        if m["role"] == "assistant" and not m["complete"] and not m["content"].strip():
            continue
        out.append({"role": m["role"], "content": m["content"]})
    if pinned_system_prompt is None:
        return out
    from engine.chat import pin_system

    return pin_system(out, pinned_system_prompt)
