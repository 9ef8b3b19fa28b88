"""Collections: named sets of files and folders whose documents can be asked.

    cols = Collections(store)                      # store: engine.store.Store
    cols.add("handbook", ["~/Docs/handbook", "~/policy.pdf"])
    cols.list()   # [{"name", "paths", "files", "indexed", "failed", "passages", "pages", "vectors", ...}]
    cols.remove("handbook")                       # the index only; the files are never touched

Adding a path that is already in the collection changes nothing; ``add`` to an unknown name
creates the collection. Paths are stored absolute. Nothing is read until ``Indexer.run``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from engine.ask.db import ensure_schema
from engine.errors import BadInputError
from engine.store import Store, utc_now

MAX_NAME = 100


@dataclass
class Collection:
    id: int
    name: str
    paths: list[str]


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise BadInputError("a collection needs a name")
    if len(name) > MAX_NAME:
        raise BadInputError(f"a collection name can be at most {MAX_NAME} characters")
    return name


def _absolute(path: str | os.PathLike) -> Path:
    try:
        p = Path(os.path.expanduser(str(path)))
    except RuntimeError as e:
        raise BadInputError(f"cannot find {path}: {e}") from None
    return Path(os.path.abspath(p))


class Collections:
    """Collections in the user's database (``engine.ask.db``)."""

    def __init__(self, store: Store):
        self.store = store
        ensure_schema(store)

    def add(self, name: str, paths: list) -> Collection:
        """Create ``name`` (or extend it) with files and folders; each must exist."""
        name = _clean_name(name)
        if not paths:
            raise BadInputError("give at least one file or folder to add to the collection")
        clean: list[str] = []
        for raw in paths:
            p = _absolute(raw)
            if not p.exists():
                raise BadInputError(f"cannot add {raw}: no such file or folder")
            if not (p.is_dir() or p.is_file()):
                raise BadInputError(f"cannot add {raw}: it is neither a file nor a folder")
            if str(p) not in clean:
                clean.append(str(p))
        now = utc_now()
        with self.store._tx() as c:
            row = c.execute("SELECT id FROM ask_collections WHERE name = ?", (name,)).fetchone()
            if row is None:
                cid = c.execute("INSERT INTO ask_collections (name, created_at, updated_at) VALUES (?, ?, ?)",
                                (name, now, now)).lastrowid
            else:
                cid = row[0]
                c.execute("UPDATE ask_collections SET updated_at = ? WHERE id = ?", (now, cid))
            for p in clean:
                c.execute("INSERT OR IGNORE INTO ask_sources (collection_id, path, added_at) VALUES (?, ?, ?)",
                          (cid, p, now))
        return self.get(name)

    def remove_paths(self, name: str, paths: list) -> Collection:
        """Take files or folders out of a collection (their passages go at the next index run)."""
        col = self.get(name)
        with self.store._tx() as c:
            for raw in paths:
                c.execute("DELETE FROM ask_sources WHERE collection_id = ? AND path = ?",
                          (col.id, str(_absolute(raw))))
        return self.get(name)

    def get(self, name: str) -> Collection:
        with self.store._guard() as c:
            row = c.execute("SELECT id, name FROM ask_collections WHERE name = ?", (_clean_name(name),)).fetchone()
            if row is None:
                names = [r[0] for r in c.execute("SELECT name FROM ask_collections ORDER BY name COLLATE NOCASE")]
                known = ", ".join(names) if names else "none yet; make one with `collections add NAME PATH`"
                raise BadInputError(f"no collection named {name!r} (collections: {known})")
            paths = [r[0] for r in c.execute("SELECT path FROM ask_sources WHERE collection_id = ? "
                                             "ORDER BY added_at, path", (row[0],))]
        return Collection(row[0], row[1], paths)

    def exists(self, name: str) -> bool:
        with self.store._guard() as c:
            return c.execute("SELECT 1 FROM ask_collections WHERE name = ?", (_clean_name(name),)).fetchone() \
                is not None

    def remove(self, name: str) -> None:
        """Forget the collection and its index (the files themselves are not touched)."""
        col = self.get(name)
        with self.store._tx() as c:
            c.execute("DELETE FROM ask_collections WHERE id = ?", (col.id,))

    def list(self) -> list[dict]:
        """Every collection with its paths and what its index holds, by name."""
        out = []
        with self.store._guard() as c:
            rows = c.execute("SELECT id, name, created_at, updated_at FROM ask_collections "
                             "ORDER BY name COLLATE NOCASE").fetchall()
            for cid, name, created, updated in rows:
                paths = [r[0] for r in c.execute("SELECT path FROM ask_sources WHERE collection_id = ? "
                                                 "ORDER BY added_at, path", (cid,))]
                files = c.execute(
                    "SELECT count(*), coalesce(sum(status = 'indexed'), 0), coalesce(sum(status = 'failed'), 0), "
                    "coalesce(sum(pages), 0), coalesce(sum(passages), 0), max(indexed_at) "
                    "FROM ask_files WHERE collection_id = ?", (cid,)).fetchone()
                vectors = {m: n for m, n in c.execute(
                    "SELECT v.model, count(*) FROM ask_vectors v JOIN ask_passages p ON p.id = v.passage_id "
                    "JOIN ask_files f ON f.id = p.file_id WHERE f.collection_id = ? GROUP BY v.model", (cid,))}
                out.append({"name": name, "paths": paths, "files": files[0], "indexed": files[1],
                            "failed": files[2], "pages": files[3], "passages": files[4],
                            "indexed_at": files[5], "vectors": vectors,
                            "created_at": created, "updated_at": updated})
        return out

    def index_counts(self, collection: Collection) -> tuple[int, int, int]:
        """(files, failed files, passages) of the collection's index."""
        with self.store._guard() as c:
            return tuple(c.execute(
                "SELECT count(*), coalesce(sum(status = 'failed'), 0), coalesce(sum(passages), 0) FROM ask_files "
                "WHERE collection_id = ?", (collection.id,)).fetchone())

    def has_vectors(self, collection: Collection, model_id: str | None = None) -> bool:
        """Whether the collection has any vector from the model ``model_id`` (None: from any model); stops at
        the first."""
        with self.store._guard() as c:
            return c.execute("SELECT EXISTS (SELECT 1 FROM ask_vectors v JOIN ask_passages p ON p.id = v.passage_id "
                             "JOIN ask_files f ON f.id = p.file_id WHERE f.collection_id = ? "
                             "AND (? IS NULL OR v.model = ?))", (collection.id, model_id, model_id)).fetchone()[0] == 1

    def page_passages(self, name: str, path: str, page: int) -> list[dict]:
        """The passages of one page of an indexed file, in order: ``{position, char_start, char_end, text}``
        (the app shows a cited passage among the rest of its page). Empty when the file or page is not indexed."""
        col = self.get(name)
        with self.store._guard() as c:
            rows = c.execute("SELECT p.position, p.char_start, p.char_end, p.text FROM ask_passages p "
                             "JOIN ask_files f ON f.id = p.file_id WHERE f.collection_id = ? AND f.path = ? "
                             "AND p.page = ? ORDER BY p.position", (col.id, str(path), int(page))).fetchall()
        keys = ("position", "char_start", "char_end", "text")
        return [dict(zip(keys, r)) for r in rows]

    def files(self, name: str) -> list[dict]:
        """The files of a collection's index: ``{path, status, error, pages, passages, indexed_at}``."""
        col = self.get(name)
        with self.store._guard() as c:
            rows = c.execute("SELECT path, status, error, pages, passages, indexed_at FROM ask_files "
                             "WHERE collection_id = ? ORDER BY path", (col.id,)).fetchall()
        keys = ("path", "status", "error", "pages", "passages", "indexed_at")
        return [dict(zip(keys, r)) for r in rows]
