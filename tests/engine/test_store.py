"""The conversation store: plain SQLite, no Qt, no models."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from engine import store as store_mod
from engine.errors import BadInputError, EngineError
from engine.store import (DEFAULT_TITLE, EXPORT_FORMAT, MIGRATIONS, Store,
                          conversation_messages_for_model, trigram_available)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("HEARTH_HOME", str(h))
    monkeypatch.delenv("HEARTH_POLICY", raising=False)
    return h


@pytest.fixture
def db_path(home) -> Path:
    return home / "data" / "hearth.sqlite3"


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture(params=["trigram", "unicode61"])
def search_store(request, db_path, monkeypatch):
    """A store on each of the two search paths: the trigram index (SQLite 3.34 and later) and the unicode61
    index that older SQLite gets (this SQLite made to look older)."""
    if request.param == "unicode61":
        monkeypatch.setattr(store_mod, "trigram_available", lambda: False)
    elif not trigram_available():
        pytest.skip(f"SQLite {sqlite3.sqlite_version} has no trigram tokenizer")
    s = Store(db_path)
    sql = s.conn.execute("SELECT sql FROM sqlite_master WHERE name='messages_fts'").fetchone()[0]
    assert request.param in sql and s._trigram == (request.param == "trigram")
    s.path_name = request.param
    yield s
    s.close()


def raw(path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), isolation_level=None)


# ---- opening, pragmas, migrations --------------------------------------------------------

def test_new_database_is_migrated_and_in_wal_mode(store, db_path):
    assert db_path.is_file()
    assert store.schema_version() == len(MIGRATIONS) >= 1
    c = store.conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    names = {r[0] for r in c.execute("SELECT name FROM sqlite_master")}
    assert {"conversations", "messages", "presets", "messages_fts"} <= names
    with raw(db_path) as other:
        assert other.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_fts_uses_trigram_when_sqlite_has_it(store, db_path, monkeypatch):
    sql = store.conn.execute("SELECT sql FROM sqlite_master WHERE name='messages_fts'").fetchone()[0]
    assert ("trigram" in sql) == trigram_available() and ("unicode61" in sql) != trigram_available()
    store.close()
    # An older SQLite: unicode61. A database made there keeps its index when SQLite is upgraded.
    older = db_path.with_name("older.sqlite3")
    monkeypatch.setattr(store_mod, "trigram_available", lambda: False)
    Store(older).close()
    monkeypatch.undo()
    s = Store(older)
    try:
        sql = s.conn.execute("SELECT sql FROM sqlite_master WHERE name='messages_fts'").fetchone()[0]
        assert "unicode61" in sql and not s._trigram
        s.add_message(s.create_conversation(), "user", "still found")
        assert len(s.search("found")) == 1
    finally:
        s.close()


def test_open_default_uses_the_config_database(home):
    from engine.config import AppConfig

    cfg = AppConfig.load()
    with Store.open_default(cfg) as s:
        s.create_conversation()
    assert cfg.paths.database.is_file()
    assert str(cfg.paths.database).startswith(str(home))


def test_older_database_is_migrated_in_order(db_path, monkeypatch):
    with Store(db_path) as s:
        cid = s.create_conversation(title="kept")

    calls = []

    def m2(conn):
        calls.append(2)
        conn.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT)")

    def m3(conn):
        calls.append(3)
        conn.execute("INSERT INTO tags (name) VALUES ('x')")

    monkeypatch.setattr(store_mod, "MIGRATIONS", [*MIGRATIONS, m2, m3])
    with Store(db_path) as s:
        assert s.schema_version() == len(MIGRATIONS) + 2
        assert s.conn.execute("SELECT name FROM tags").fetchall() == [("x",)]
        assert s.get_conversation(cid)["title"] == "kept"
    assert calls == [2, 3]
    with Store(db_path):  # nothing left to do
        pass
    assert calls == [2, 3]


def test_failed_migration_rolls_back(db_path, monkeypatch):
    with Store(db_path):
        pass

    def bad(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(store_mod, "MIGRATIONS", [*MIGRATIONS, bad])
    with pytest.raises(RuntimeError):
        Store(db_path)
    with raw(db_path) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert not c.execute("SELECT 1 FROM sqlite_master WHERE name='half_done'").fetchone()


def test_database_from_a_newer_hearth_is_refused(db_path):
    with Store(db_path):
        pass
    with raw(db_path) as c:
        c.execute("PRAGMA user_version = 99")
    with pytest.raises(BadInputError, match="newer version of Hearth"):
        Store(db_path)
    assert db_path.is_file()  # not moved: it is not damaged


def test_corrupt_database_is_kept_aside_with_a_clear_message(db_path):
    db_path.parent.mkdir(parents=True)
    garbage = b"this is not a database at all\n" * 200
    db_path.write_bytes(garbage)
    with pytest.raises(BadInputError) as err:
        Store(db_path)
    msg = str(err.value)
    assert "damaged" in msg and str(db_path) in msg and "kept as" in msg
    kept = [p for p in db_path.parent.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
    # The next open starts an empty database; the user's file is still there.
    with Store(db_path) as s:
        assert s.list_conversations() == []
    assert kept[0].read_bytes() == garbage


def test_damaged_pages_give_a_clear_error_not_a_traceback(db_path):
    with Store(db_path) as s:
        for _ in range(30):
            s.add_message(s.create_conversation(), "user", "hello " * 300)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db_path.read_bytes())
    # The schema (written first, at the front of the file) intact; the message pages after it garbage.
    half = len(data) // 2 // 4096 * 4096
    data[half:] = b"Z" * (len(data) - half)
    db_path.write_bytes(bytes(data))
    with pytest.raises(EngineError, match="is damaged"):
        with Store(db_path) as s:
            s.list_conversations()
            s.search("hello")
    assert db_path.read_bytes() == bytes(data)  # never deleted or rewritten


def test_unopenable_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises((BadInputError, EngineError), match="conversation database"):
        Store(blocker / "sub" / "db.sqlite3")


# ---- conversations -----------------------------------------------------------------------

def test_conversation_crud(store):
    cid = store.create_conversation(system_prompt="Be brief.", settings={"sampling": {"temperature": 0.2}},
                                    model_path="/m/a.gguf")
    c = store.get_conversation(cid)
    assert c["title"] == DEFAULT_TITLE
    assert c["system_prompt"] == "Be brief."
    assert c["settings"] == {"sampling": {"temperature": 0.2}}
    assert c["model_path"] == "/m/a.gguf"
    assert c["message_count"] == 0
    assert c["created_at"].endswith("+00:00") and "T" in c["created_at"]

    store.rename_conversation(cid, "  Trip   plans ")
    assert store.get_conversation(cid)["title"] == "Trip plans"
    with pytest.raises(BadInputError):
        store.rename_conversation(cid, "   ")

    store.update_conversation_settings(cid, settings={"load": {"n_ctx": 4096}})
    c = store.get_conversation(cid)
    assert c["settings"] == {"load": {"n_ctx": 4096}} and c["system_prompt"] == "Be brief."
    store.update_conversation_settings(cid, system_prompt="", model_path="/m/b.gguf")
    c = store.get_conversation(cid)
    assert c["system_prompt"] == "" and c["model_path"] == "/m/b.gguf"
    store.update_conversation_settings(cid, model_path="")
    assert store.get_conversation(cid)["model_path"] is None

    store.delete_conversation(cid)
    with pytest.raises(BadInputError, match=f"no conversation with id {cid}"):
        store.get_conversation(cid)
    with pytest.raises(BadInputError, match="no conversation with id 999"):
        store.delete_conversation(999)
    for call in (lambda: store.messages(999), lambda: store.add_message(999, "user", "x"),
                 lambda: store.rename_conversation(999, "t"),
                 lambda: store.update_conversation_settings(999, system_prompt="x")):
        with pytest.raises(BadInputError, match="no conversation with id 999"):
            call()


def test_settings_must_be_json(store):
    with pytest.raises(BadInputError):
        store.create_conversation(settings={"x": object()})
    with pytest.raises(BadInputError):
        store.create_conversation(settings=["not", "a", "dict"])


def test_list_is_newest_first_with_counts_and_preview(store):
    a = store.create_conversation(title="A")
    b = store.create_conversation(title="B")
    c = store.create_conversation(title="C")
    assert [x["id"] for x in store.list_conversations()] == [c, b, a]
    store.add_message(a, "user", "first\n\nquestion")
    store.add_message(a, "assistant", "the   answer")
    rows = store.list_conversations()
    assert [x["id"] for x in rows] == [a, c, b]
    assert rows[0]["message_count"] == 2 and rows[0]["preview"] == "the answer"
    assert rows[1]["message_count"] == 0 and rows[1]["preview"] == ""
    assert [x["id"] for x in store.list_conversations(limit=2)] == [a, c]
    assert set(rows[0]) >= {"id", "title", "created_at", "updated_at", "system_prompt", "settings",
                            "model_path", "message_count", "preview"}


def test_auto_title_from_first_user_message(store):
    cid = store.create_conversation()
    store.add_message(cid, "system", "You are helpful.")
    store.add_message(cid, "user", "How do I   bake sourdough bread at home without a proofing basket?")
    title = store.get_conversation(cid)["title"]
    assert title.startswith("How do I bake sourdough") and title.endswith("…")
    assert len(title) <= 41
    store.add_message(cid, "user", "Something else")
    assert store.get_conversation(cid)["title"] == title

    named = store.create_conversation(title="Mine")
    store.add_message(named, "user", "hello")
    assert store.get_conversation(named)["title"] == "Mine"

    ja = store.create_conversation()
    text = "東京の天気について詳しく教えてください。" * 4
    store.add_message(ja, "user", text)
    assert store.get_conversation(ja)["title"] == text[:40] + "…"


# ---- messages ----------------------------------------------------------------------------

def test_messages_in_order_with_fields(store):
    cid = store.create_conversation()
    ids = [store.add_message(cid, "user", "one"),
           store.add_message(cid, "assistant", "two", model="/m/x.gguf",
                             stats={"prompt_tokens": 5, "completion_tokens": 2, "ttft_s": 0.1,
                                    "gen_tok_s": 30.0, "finish_reason": "stop"}),
           store.add_message(cid, "user", "three")]
    msgs = store.messages(cid)
    assert [m["id"] for m in msgs] == ids
    assert [m["content"] for m in msgs] == ["one", "two", "three"]
    assert [m["position"] for m in msgs] == [1, 2, 3]
    assert msgs[1]["model"] == "/m/x.gguf" and msgs[1]["stats"]["gen_tok_s"] == 30.0
    assert all(m["complete"] is True for m in msgs)
    assert set(msgs[0]) == {"id", "conversation_id", "position", "role", "content", "created_at",
                            "model", "stats", "complete"}
    with pytest.raises(BadInputError):
        store.add_message(cid, "tool", "x")


def test_generation_stats_object_is_accepted(store):
    from engine.host.protocol import GenerationStats

    cid = store.create_conversation()
    mid = store.add_message(cid, "assistant", "hi", stats=GenerationStats(text="hi", completion_tokens=1))
    stats = store.get_message(mid)["stats"]
    assert stats["completion_tokens"] == 1 and "text" not in stats


def test_streaming_updates_are_committed_and_visible(store, db_path):
    cid = store.create_conversation()
    store.add_message(cid, "user", "write a poem")
    mid = store.add_message(cid, "assistant", "", model="m.gguf", complete=False)
    other = Store(db_path)
    try:
        text = ""
        for word in ["Roses", " are", " red"]:
            text += word
            store.update_message(mid, content=text)
            # Another connection sees it at once: it was committed.
            assert other.get_message(mid)["content"] == text
            assert other.get_message(mid)["complete"] is False
        store.update_message(mid, content=text + ".", complete=True,
                             stats={"completion_tokens": 4, "finish_reason": "stop"})
        m = other.get_message(mid)
        assert m["content"] == "Roses are red." and m["complete"] is True
        assert m["stats"] == {"completion_tokens": 4, "finish_reason": "stop"}
        assert not store.conn.in_transaction
        store.update_message(mid, complete=False)  # flag only, content untouched
        assert other.get_message(mid)["content"] == "Roses are red."
        assert other.get_message(mid)["complete"] is False
        store.update_message(mid)  # nothing to do
    finally:
        other.close()
    with pytest.raises(BadInputError, match="no message with id 12345"):
        store.update_message(12345, content="x")


def test_update_message_is_cheap(store):
    cid = store.create_conversation()
    mid = store.add_message(cid, "assistant", "", complete=False)
    text = ""
    t0 = time.perf_counter()
    for i in range(200):
        text += f"token{i} "
        store.update_message(mid, content=text)
    assert (time.perf_counter() - t0) / 200 < 0.05  # far below the one-second save interval
    assert store.search("token199")[0]["message_id"] == mid


def test_delete_messages_after(store):
    cid = store.create_conversation()
    ids = [store.add_message(cid, r, f"m{i}") for i, r in
           enumerate(["user", "assistant", "user", "assistant"])]
    assert store.delete_messages_after(cid, ids[1]) == 2
    assert [m["id"] for m in store.messages(cid)] == ids[:2]
    assert store.delete_messages_after(cid, ids[0], inclusive=True) == 2
    assert store.messages(cid) == []
    # Positions continue after the deleted ones without clashing.
    new = store.add_message(cid, "user", "again")
    assert [m["id"] for m in store.messages(cid)] == [new]

    other = store.create_conversation()
    foreign = store.add_message(other, "user", "elsewhere")
    with pytest.raises(BadInputError, match="no message with id"):
        store.delete_messages_after(cid, foreign)
    assert len(store.messages(other)) == 1


def test_delete_cascades_to_messages_and_index(store):
    cid = store.create_conversation()
    store.add_message(cid, "user", "pineapple pizza debate")
    keep = store.create_conversation()
    store.add_message(keep, "user", "pineapple juice")
    store.delete_conversation(cid)
    n = store.conn.execute("SELECT count(*) FROM messages WHERE conversation_id = ?", (cid,)).fetchone()[0]
    assert n == 0
    hits = store.search("pineapple")
    assert [h["conversation_id"] for h in hits] == [keep]
    # FTS5 checks its index against the messages table (raises if out of sync).
    store.conn.execute("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")


def test_conversation_messages_for_model(store):
    cid = store.create_conversation(system_prompt="Answer in French.")
    store.add_message(cid, "user", "Hello")
    store.add_message(cid, "assistant", "Bonjour", complete=True)
    store.add_message(cid, "user", "And?")
    store.add_message(cid, "assistant", "Et", complete=False)  # cut short but has text: kept
    store.add_message(cid, "user", "Again")
    store.add_message(cid, "assistant", "  ", complete=False)  # cut before any token: left out
    assert conversation_messages_for_model(store, cid) == [
        {"role": "system", "content": "Answer in French."},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Bonjour"},
        {"role": "user", "content": "And?"},
        {"role": "assistant", "content": "Et"},
        {"role": "user", "content": "Again"},
    ]
    bare = store.create_conversation()
    store.add_message(bare, "user", "hi")
    assert conversation_messages_for_model(store, bare) == [{"role": "user", "content": "hi"}]


# ---- search ------------------------------------------------------------------------------

def test_search_english_japanese_emoji(search_store):
    store = search_store
    trigram = store.path_name == "trigram"
    a = store.create_conversation(title="Weather")
    ma = store.add_message(a, "user", "東京の天気はどうですか？")
    b = store.create_conversation(title="Cooking")
    mb = store.add_message(b, "user", "A recipe for Pancakes with 🍓 strawberries, please. CAFÉ AU LAIT too")
    mb2 = store.add_message(b, "assistant", "Mix flour, eggs and milk.")

    # Japanese: any part of the text (trigram, or LIKE for one or two characters; LIKE on the older path).
    for q in ("東京", "東京の天気", "天気", "京"):
        hits = store.search(q)
        assert [h["message_id"] for h in hits] == [ma], q
        assert hits[0]["conversation_id"] == a and hits[0]["title"] == "Weather"
        assert q in hits[0]["snippet"]
    assert [h["message_id"] for h in store.search("pancakes")] == [mb]  # case-insensitive
    assert [h["message_id"] for h in store.search("PANCAKE strawb")] == [mb]  # every word, starts of words
    assert [h["message_id"] for h in store.search("café")] == [mb]  # case-insensitive beyond ASCII
    assert [h["message_id"] for h in store.search("Café Au")] == [mb]
    assert [h["message_id"] for h in store.search("🍓")] == [mb]
    assert [h["message_id"] for h in store.search("🍓 東京")] == []
    assert [h["message_id"] for h in store.search("flour")] == [mb2]
    assert [h["message_id"] for h in store.search("mi")] == [mb2]   # short: LIKE (trigram), a word's start
    assert store.search("pancakes tokyo") == []
    assert store.search("") == [] and store.search("   ") == []
    assert set(store.search("flour")[0]) == {"conversation_id", "title", "message_id", "role",
                                             "snippet", "created_at"}
    # What only the trigram index can do: any part of a word, however short.
    assert [h["message_id"] for h in store.search("ou")] == ([mb2] if trigram else [])
    assert [h["message_id"] for h in store.search("awberr")] == ([mb] if trigram else [])
    # What only unicode61 can do: ignore accents.
    assert [h["message_id"] for h in store.search("cafe")] == ([] if trigram else [mb])


def test_search_survives_query_syntax_characters(search_store):
    store = search_store
    cid = store.create_conversation()
    mid = store.add_message(cid, "user", 'say "hello" AND 100% of it_now (NEAR) col:umn *')
    for q in ['"hello"', "100%", "it_now", "(NEAR)", "AND", "OR", "NOT", "col:umn", "*", '"', "%", "_", "\\", "^",
              "-", "a-b", "NEAR/2"]:
        store.search(q)  # never raises
    assert [h["message_id"] for h in store.search('"hello"')] == [mid]
    assert [h["message_id"] for h in store.search("100%")] == [mid]
    assert [h["message_id"] for h in store.search("%")] == [mid]
    assert [h["message_id"] for h in store.search("(NEAR)")] == [mid]
    assert [h["message_id"] for h in store.search("col:umn")] == [mid]
    assert store.search("zz%zz") == []
    assert store.search("x_y") == []


def test_search_follows_edits_and_snippets_are_short(search_store):
    store = search_store
    cid = store.create_conversation()
    long_text = ("lorem ipsum " * 50) + "needle in the haystack " + ("dolor sit " * 50)
    mid = store.add_message(cid, "assistant", long_text)
    hit = store.search("needle")[0]
    assert "needle" in hit["snippet"] and len(hit["snippet"]) < 200
    assert hit["snippet"].startswith("…") and hit["snippet"].endswith("…")
    store.update_message(mid, content="replaced entirely")
    assert store.search("needle") == []
    assert [h["message_id"] for h in store.search("replaced")] == [mid]
    assert store.search("limit", limit=1) == []
    for i in range(5):
        store.add_message(cid, "user", f"repeated word {i}")
    assert len(store.search("repeated", limit=3)) == 3


# ---- export / import / restore -----------------------------------------------------------

def _sample(store) -> int:
    cid = store.create_conversation(system_prompt="Be kind.",
                                    settings={"sampling": {"temperature": 0.3}, "load": {"n_ctx": 2048}},
                                    model_path="/models/tiny.gguf")
    store.add_message(cid, "user", "こんにちは 👋 what is **markdown**?")
    store.add_message(cid, "assistant", "It is a format.\n\n```py\nprint(1)\n```", model="/models/tiny.gguf",
                      stats={"prompt_tokens": 12, "completion_tokens": 8, "ttft_s": 0.2,
                             "gen_tok_s": 41.5, "finish_reason": "stop"})
    store.add_message(cid, "user", "More?")
    store.add_message(cid, "assistant", "Partial ans", complete=False,
                      stats={"finish_reason": "cancelled"})
    return cid


def test_export_markdown(store):
    cid = _sample(store)
    md = store.export_markdown(cid)
    title = store.get_conversation(cid)["title"]
    assert md.startswith(f"# {title}\n")
    assert "## System prompt\n\nBe kind." in md
    assert "## User\n\nこんにちは 👋 what is **markdown**?" in md
    assert "## Assistant (tiny.gguf)" in md
    assert "```py\nprint(1)\n```" in md
    assert "_(reply cut short)_" in md


def test_export_json_import_round_trip(store):
    cid = _sample(store)
    data = store.export_json(cid)
    assert data["format"] == EXPORT_FORMAT and data["version"] == 1
    assert {"title", "system_prompt", "settings", "messages"} <= set(data)
    assert set(data["messages"][0]) == {"role", "content", "model", "stats", "complete", "created_at"}
    # Through a real JSON text, as a file would be.
    new = store.import_json(json.loads(json.dumps(data, ensure_ascii=False)))
    assert new != cid
    again = store.export_json(new)
    for key in ("title", "system_prompt", "settings", "model_path", "messages"):
        assert again[key] == data[key], key
    assert store.list_conversations()[0]["id"] == new  # an import shows at the top

    minimal = store.import_json({"format": EXPORT_FORMAT, "version": 1,
                                 "messages": [{"role": "user", "content": "hi"}]})
    m = store.messages(minimal)[0]
    assert m["complete"] is True and m["model"] is None and m["created_at"]


def test_restore_after_delete_keeps_id_and_place(store):
    older = _sample(store)
    newer = store.create_conversation(title="newer")
    snapshot = store.export_json(older)
    store.delete_conversation(older)
    assert store.restore_conversation(snapshot) == older
    restored = store.get_conversation(older)
    assert restored["updated_at"] == snapshot["updated_at"]
    assert [c["id"] for c in store.list_conversations()] == [newer, older]
    assert store.export_json(older) == snapshot
    # If the id has been taken meanwhile, the restore gets a fresh one.
    assert store.restore_conversation(snapshot) != older


@pytest.mark.parametrize("data, fragment", [
    ([], "expected a JSON object"),
    ({"format": "other"}, "\"format\" must be"),
    ({"format": EXPORT_FORMAT}, "\"version\""),
    ({"format": EXPORT_FORMAT, "version": "1", "messages": []}, "\"version\""),
    ({"format": EXPORT_FORMAT, "version": 2, "messages": []}, "newer Hearth"),
    ({"format": EXPORT_FORMAT, "version": 1}, "\"messages\" list"),
    ({"format": EXPORT_FORMAT, "version": 1, "messages": {}}, "\"messages\" list"),
    ({"format": EXPORT_FORMAT, "version": 1, "messages": ["x"]}, "message 1 of"),
    ({"format": EXPORT_FORMAT, "version": 1, "messages": [{"role": "bot", "content": "x"}]},
     "message 1 has no valid \"role\""),
    ({"format": EXPORT_FORMAT, "version": 1,
      "messages": [{"role": "user", "content": "a"}, {"role": "user"}]}, "message 2 has no text"),
    ({"format": EXPORT_FORMAT, "version": 1, "messages": [{"role": "user", "content": "a", "stats": 3}]},
     "\"stats\" must be"),
    ({"format": EXPORT_FORMAT, "version": 1, "messages": [{"role": "user", "content": "a",
                                                            "complete": "yes"}]}, "\"complete\""),
    ({"format": EXPORT_FORMAT, "version": 1, "title": 5, "messages": []}, "\"title\""),
    ({"format": EXPORT_FORMAT, "version": 1, "settings": [1], "messages": []}, "\"settings\""),
    ({"format": EXPORT_FORMAT, "version": 1, "system_prompt": {}, "messages": []}, "\"system_prompt\""),
])
def test_bad_import_input(store, data, fragment):
    before = store.list_conversations()
    with pytest.raises(BadInputError) as err:
        store.import_json(data)
    assert fragment in str(err.value)
    assert store.list_conversations() == before  # nothing half-imported


# ---- presets -----------------------------------------------------------------------------

def test_presets(store):
    assert store.list_presets() == []
    store.save_preset("Translator", "Translate to English.")
    store.save_preset("coder", "You write Python.")
    assert [p["name"] for p in store.list_presets()] == ["coder", "Translator"]
    store.save_preset("CODER", "You write Rust.")  # same name, any case: replaced
    presets = {p["name"]: p["text"] for p in store.list_presets()}
    assert presets == {"CODER": "You write Rust.", "Translator": "Translate to English."}
    store.delete_preset("translator")
    assert [p["name"] for p in store.list_presets()] == ["CODER"]
    with pytest.raises(BadInputError, match="no preset named"):
        store.delete_preset("nope")
    with pytest.raises(BadInputError):
        store.save_preset("  ", "x")


# ---- several instances, crashes ----------------------------------------------------------

def test_two_instances_on_one_file(db_path):
    a, b = Store(db_path), Store(db_path)
    try:
        cid = a.create_conversation(title="shared")
        b.add_message(cid, "user", "from b")
        assert [m["content"] for m in a.messages(cid)] == ["from b"]
        a.rename_conversation(cid, "renamed by a")
        assert b.get_conversation(cid)["title"] == "renamed by a"
        b.delete_conversation(cid)
        assert a.list_conversations() == []
    finally:
        a.close()
        b.close()


def test_two_threads_each_with_its_own_store_write_concurrently(db_path):
    with Store(db_path) as s:
        cid = s.create_conversation()
    errors = []

    def writer(tag):
        try:
            with Store(db_path) as s:
                for i in range(40):
                    mid = s.add_message(cid, "user", f"{tag}{i}")
                    s.update_message(mid, content=f"{tag}{i}!")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(t,)) for t in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    with Store(db_path) as s:
        msgs = s.messages(cid)
        assert len(msgs) == 80
        assert [m["position"] for m in msgs] == list(range(1, 81))
        assert all(m["content"].endswith("!") for m in msgs)
        assert s.integrity_check() == "ok"


CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from engine.store import Store
    s = Store({db!r})
    cid = s.create_conversation(title="crash test")
    s.add_message(cid, "user", "tell me a long story")
    mid = s.add_message(cid, "assistant", "", complete=False)
    print("ids", cid, mid, flush=True)
    text = ""
    i = 0
    while True:
        text += "word%d " % i
        s.update_message(mid, content=text)
        print("saved", i, flush=True)
        i += 1
""")


def test_sigkill_mid_stream_loses_nothing_committed(db_path, tmp_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(root=str(ROOT), db=str(db_path)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline().split()
        assert first[0] == "ids", first
        cid, mid = int(first[1]), int(first[2])
        last = -1
        deadline = time.monotonic() + 60
        while last < 150 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, "the child stopped early"
            last = int(line.split()[1])
        proc.kill()  # SIGKILL on POSIX: no cleanup, no close()
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
        proc.stdout.close()
    assert last >= 150
    with raw(db_path) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Store(db_path) as s:
        assert s.integrity_check() == "ok"
        msgs = s.messages(cid)
        assert [m["role"] for m in msgs] == ["user", "assistant"]
        content = s.get_message(mid)["content"]
        # Every update the child reported as saved is there (maybe one more).
        assert f"word{last} " in content
        assert content.startswith("word0 word1 ")
        assert s.get_message(mid)["complete"] is False
        assert s.search(f"word{last}")[0]["message_id"] == mid


# ---- hostile imports and stored values (issue 18 part 4) --------------------------------------------------

def test_titles_keep_no_control_characters(store):
    cid = store.create_conversation(title="\x1b[31mred\x1b[0m\x00 \u202etxt.exe\t\ud800")
    assert store.get_conversation(cid)["title"] == "red txt.exe \ufffd"
    other = store.create_conversation()
    store.add_message(other, "user", "\x1b]0;title\x07first \u2066question\u2069 \x1b[2J")
    assert store.get_conversation(other)["title"] == "first question"
    assert store.messages(other)[0]["content"].startswith("\x1b]0;title")   # message text is kept as written
    store.rename_conversation(other, "\x07\x1b[1m  bold  ")
    assert store.get_conversation(other)["title"] == "bold"
    with pytest.raises(BadInputError, match="cannot be empty"):
        store.rename_conversation(other, "\x1b[0m\x00\u202e")
    with store._guard() as c:   # written by an older version: cleaned where it is read
        c.execute("UPDATE conversations SET title = ? WHERE id = ?", ("\x1b[31mold\u202e", other))
    assert store.get_conversation(other)["title"] == "old"
    assert store.list_conversations()[0]["title"] == "old"


def test_lone_surrogates_are_stored_as_replacement_characters(store):
    data = json.loads('{"format": "hearth.conversation", "version": 1, "title": "t\\ud800", '
                      '"system_prompt": "\\udfff", "model_path": "/m/\\ud801.gguf", "messages": [{"role": "user", '
                      '"content": "a\\ud83d", "model": "\\udc00", "stats": {"k\\ud800": ["v\\udc00"]}}]}')
    cid = store.import_json(data)
    conv, msg = store.get_conversation(cid), store.messages(cid)[0]
    assert (conv["title"], conv["system_prompt"], conv["model_path"]) == ("t\ufffd", "\ufffd", "/m/\ufffd.gguf")
    assert (msg["content"], msg["model"], msg["stats"]) == ("a\ufffd", "\ufffd", {"k\ufffd": ["v\ufffd"]})
    # A valid pair written as two escapes stays one character.
    assert store.get_conversation(store.create_conversation(title=json.loads('"\\ud83d\\ude00"')))["title"] == "😀"


def test_import_is_bounded_in_depth(store):
    deep: list = []
    for _ in range(40):
        deep = [deep]
    data = {"format": EXPORT_FORMAT, "version": 1, "messages": [{"role": "user", "content": "x", "stats": {"d": deep}}]}
    with pytest.raises(BadInputError, match="nested more than 16 levels deep"):
        store.import_json(data)
    assert store.list_conversations() == []


def test_read_export_file_bounds_the_size_and_the_nesting(tmp_path, monkeypatch):
    from engine.store import read_export_file

    f = tmp_path / "c.json"
    f.write_text('{"format": "hearth.conversation"}', encoding="utf-8")
    assert read_export_file(f) == {"format": "hearth.conversation"}
    monkeypatch.setattr(store_mod, "MAX_IMPORT_MB", 1)
    f.write_bytes(b" " * ((1 << 20) + 1))
    with pytest.raises(BadInputError, match=r"c.json is too large for a Hearth conversation \(over 1 MB\)"):
        read_export_file(f)
    f.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(BadInputError, match="nested more than 16 levels deep"):
        read_export_file(f)
    with pytest.raises(BadInputError, match="no file at"):
        read_export_file(tmp_path)


def test_settings_of_the_wrong_kind_are_left_out_when_a_conversation_is_read(store):
    """Stored by an older version (which took any settings on import): opening the chat must still work."""
    cid = store.create_conversation()
    bad = {"sampling": {"temperature": "hot", "top_p": 0.5, "top_k": 10 ** 12, "max_tokens": float("inf"),
                        "seed": "x", "min_p": True},
           "load": {"n_ctx": "abc", "gpu_layers": {"a": 1}}, "other": 1}
    with store._guard() as c:
        c.execute("UPDATE conversations SET settings_json = ? WHERE id = ?", (json.dumps(bad), cid))
    assert store.get_conversation(cid)["settings"] == {"sampling": {"top_p": 0.5}, "load": {}}
    with store._guard() as c:
        c.execute("UPDATE conversations SET settings_json = '[1, 2]' WHERE id = ?", (cid,))
    assert store.get_conversation(cid)["settings"] == {}
    exported = store.export_json(cid)
    assert store.get_conversation(store.import_json(exported))["settings"] == {}
