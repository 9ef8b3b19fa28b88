"""The tables of "Ask your documents", in the user's SQLite database (``hearth.sqlite3``).

They live beside the conversations, summaries and comparisons of ``engine.store`` but carry
their own schema version (a row in ``ask_meta``), so this feature's tables can change without
renumbering ``engine.store.MIGRATIONS``. ``ensure_schema`` brings them up to date the first time
a ``Store`` is used for documents (one ``BEGIN IMMEDIATE`` transaction; another process
migrating at the same time waits, then finds the work done).

Tables::

    ask_collections  id, name (unique, case-insensitive), created_at, updated_at
    ask_sources      collection_id, path                      -- the files and folders the user added
    ask_files        id, collection_id, path, size, mtime_ns, sha256, status ('indexed' | 'failed'),
                     error, pages, passages, indexed_at
    ask_passages     id, file_id, position, page, char_start, char_end, text, terms, tokens
    ask_fts_words    FTS5 over ask_passages.terms: unicode61 word tokens with Porter stemming (English),
                     and Japanese/Chinese as overlapping character pairs (engine.ask.terms): the ranking index
    ask_fts_tri      FTS5 over ask_passages.text, trigram tokenizer (as the chat search): any substring of
                     three characters or more, for exact phrases
    ask_vectors      passage_id, model, dims, vector (float16 blob, unit length)

The FTS tables are external-content indexes kept in step by triggers, so a passage and its
index entries are written in the same transaction: a file's passages are replaced in one
transaction, and a process killed at any moment leaves every file either fully indexed (old or
new version) or not at all.
"""

from __future__ import annotations

import sqlite3
import weakref
from typing import Callable

from engine.store import Store, trigram_available

SCHEMA_KEY = "schema"
WORD_TOKENIZER = "porter unicode61 remove_diacritics 2"     # ask_fts_words' (engine.ask.retrieve counts with it too)


def _v1(conn: sqlite3.Connection) -> None:
    tri = "trigram" if trigram_available() else "unicode61 remove_diacritics 2"
    for sql in (
        """CREATE TABLE ask_collections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE ask_sources (
            collection_id INTEGER NOT NULL REFERENCES ask_collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            added_at TEXT NOT NULL,
            PRIMARY KEY (collection_id, path)
        )""",
        """CREATE TABLE ask_files (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            collection_id INTEGER NOT NULL REFERENCES ask_collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            size INTEGER NOT NULL DEFAULT 0,
            mtime_ns INTEGER NOT NULL DEFAULT 0,
            sha256 TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL CHECK (status IN ('indexed', 'failed')),
            error TEXT,
            pages INTEGER NOT NULL DEFAULT 0,
            passages INTEGER NOT NULL DEFAULT 0,
            indexed_at TEXT NOT NULL,
            UNIQUE (collection_id, path)
        )""",
        """CREATE TABLE ask_passages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file_id INTEGER NOT NULL REFERENCES ask_files(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            page INTEGER NOT NULL,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            text TEXT NOT NULL,
            terms TEXT NOT NULL,                  -- what the word index reads (engine.ask.terms)
            tokens INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX ask_passages_file ON ask_passages(file_id, position)",
        f"""CREATE VIRTUAL TABLE ask_fts_tri USING fts5(
            text, content='ask_passages', content_rowid='id', tokenize='{tri}')""",
        f"""CREATE VIRTUAL TABLE ask_fts_words USING fts5(
            terms, content='ask_passages', content_rowid='id',
            tokenize='{WORD_TOKENIZER}')""",
        """CREATE TRIGGER ask_passages_ai AFTER INSERT ON ask_passages BEGIN
            INSERT INTO ask_fts_tri(rowid, text) VALUES (new.id, new.text);
            INSERT INTO ask_fts_words(rowid, terms) VALUES (new.id, new.terms);
        END""",
        """CREATE TRIGGER ask_passages_ad AFTER DELETE ON ask_passages BEGIN
            INSERT INTO ask_fts_tri(ask_fts_tri, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO ask_fts_words(ask_fts_words, rowid, terms) VALUES ('delete', old.id, old.terms);
        END""",
        """CREATE TABLE ask_vectors (
            passage_id INTEGER NOT NULL REFERENCES ask_passages(id) ON DELETE CASCADE,
            model TEXT NOT NULL,                  -- the embedding model file (name|size)
            dims INTEGER NOT NULL,
            vector BLOB NOT NULL,                 -- float16, unit length
            PRIMARY KEY (passage_id, model)
        ) WITHOUT ROWID""",
        "CREATE INDEX ask_vectors_model ON ask_vectors(model)",
    ):
        conn.execute(sql)


# Ordered: MIGRATIONS[i] brings the ask tables from version i to i + 1. Append only.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1]

_ready: "weakref.WeakSet[Store]" = weakref.WeakSet()   # Store objects already checked in this process


def _version(conn: sqlite3.Connection) -> int:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'ask_meta'").fetchone():
        return 0
    row = conn.execute("SELECT value FROM ask_meta WHERE key = ?", (SCHEMA_KEY,)).fetchone()
    return int(row[0]) if row else 0


def ensure_schema(store: Store) -> None:
    """Create or upgrade the ask tables in ``store``'s database (cheap after the first call)."""
    if store in _ready:
        return
    target = len(MIGRATIONS)
    with store._guard() as conn:
        version = _version(conn)
        if version > target:
            from engine.errors import BadInputError

            raise BadInputError(f"the document index was written by a newer version of Hearth "
                                f"(schema {version}; this version knows up to {target}): update Hearth")
        if version < target:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS ask_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                version = _version(conn)   # another process may have migrated while this one waited
                for number in range(version + 1, target + 1):
                    MIGRATIONS[number - 1](conn)
                    conn.execute("INSERT OR REPLACE INTO ask_meta (key, value) VALUES (?, ?)",
                                 (SCHEMA_KEY, str(number)))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
    _ready.add(store)
