"""`python main.py conversations | export | import-conversation`, as real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.store import EXPORT_FORMAT, Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("HEARTH_HOME", str(h))
    monkeypatch.delenv("HEARTH_POLICY", raising=False)
    return h


def db_of(home: Path) -> Path:
    return home / "data" / "hearth.sqlite3"


def hearth(home: Path, *args, timeout=120) -> subprocess.CompletedProcess:
    env = dict(os.environ, HEARTH_HOME=str(home), PYTHONIOENCODING="utf-8")
    env.pop("HEARTH_POLICY", None)
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)


def assert_one_line_error(r: subprocess.CompletedProcess, fragment: str) -> None:
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("hearth: ") and fragment in lines[0], lines[0]


@pytest.fixture
def seeded(home) -> dict:
    with Store(db_of(home)) as s:
        a = s.create_conversation(system_prompt="Be brief.", settings={"sampling": {"temperature": 0.5}})
        s.add_message(a, "user", "東京の天気は？ ☀️")
        s.add_message(a, "assistant", "晴れ。", model="/m/tiny.gguf",
                      stats={"completion_tokens": 3, "finish_reason": "stop"})
        b = s.create_conversation(title="Second")
        s.add_message(b, "user", "hello")
    return {"a": a, "b": b}


def test_conversations_empty(home):
    r = hearth(home, "conversations")
    assert r.returncode == 0, r.stderr
    assert "No saved conversations" in r.stdout
    r = hearth(home, "conversations", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == []


def test_conversations_lists_newest_first(home, seeded):
    r = hearth(home, "conversations", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [x["id"] for x in rows] == [seeded["b"], seeded["a"]]
    assert rows[1]["title"] == "東京の天気は？ ☀️" and rows[1]["message_count"] == 2
    assert {"id", "title", "updated_at", "message_count"} <= set(rows[0])

    r = hearth(home, "conversations")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["ID", "UPDATED", "(UTC)", "MSGS", "TITLE"]
    assert lines[1].split()[0] == str(seeded["b"]) and lines[1].rstrip().endswith("Second")
    assert "東京の天気は？" in lines[2]

    r = hearth(home, "conversations", "--json", "--limit", "1")
    assert [x["id"] for x in json.loads(r.stdout)] == [seeded["b"]]


def test_export_markdown_to_stdout(home, seeded):
    r = hearth(home, "export", seeded["a"], "--format", "md")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# 東京の天気は？ ☀️\n")
    assert "## Assistant (tiny.gguf)\n\n晴れ。" in r.stdout
    r2 = hearth(home, "export", seeded["a"])  # md is the default
    assert r2.stdout == r.stdout


def test_export_json_then_import_round_trip(home, seeded, tmp_path):
    out = tmp_path / "conv.json"
    r = hearth(home, "export", seeded["a"], "--format", "json", "--output", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == EXPORT_FORMAT and data["version"] == 1
    assert [m["content"] for m in data["messages"]] == ["東京の天気は？ ☀️", "晴れ。"]

    r = hearth(home, "export", seeded["a"], "--format", "json")
    assert json.loads(r.stdout) == data

    r = hearth(home, "import-conversation", out)
    assert r.returncode == 0, r.stderr
    new = int(r.stdout.strip())
    assert new not in seeded.values()
    r = hearth(home, "import-conversation", out, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["id"] not in (new, *seeded.values()) and info["message_count"] == 2

    with Store(db_of(home)) as s:
        again = s.export_json(new)
    for key in ("title", "system_prompt", "settings", "messages"):
        assert again[key] == data[key], key


def test_export_errors(home, seeded, tmp_path):
    assert_one_line_error(hearth(home, "export", 999, "--format", "json"), "no conversation with id 999")
    assert_one_line_error(hearth(home, "export", "abc"), "not 'abc'")
    assert_one_line_error(hearth(home, "export", seeded["a"], "--output", tmp_path / "no" / "dir" / "x.md"),
                          "cannot write")


@pytest.mark.parametrize("content, fragment", [
    ("{not json", "is not valid JSON"),
    ('{"format": "something-else", "version": 1, "messages": []}', "not a Hearth conversation"),
    ('{"format": "hearth.conversation", "version": 1, "messages": [{"role": "bot", "content": ""}]}',
     "message 1 has no valid \"role\""),
    ("[1, 2, 3]", "expected a JSON object"),
])
def test_import_bad_files(home, tmp_path, content, fragment):
    f = tmp_path / "bad.json"
    f.write_text(content, encoding="utf-8")
    assert_one_line_error(hearth(home, "import-conversation", f), fragment)


def test_import_missing_and_binary_file(home, tmp_path):
    assert_one_line_error(hearth(home, "import-conversation", tmp_path / "missing.json"), "no file at")
    f = tmp_path / "binary.json"
    f.write_bytes(b"\xff\xfe\x00\x81garbage")
    assert_one_line_error(hearth(home, "import-conversation", f), "not a UTF-8 text file")


def test_corrupt_database_gives_a_clear_message(home):
    db = db_of(home)
    db.parent.mkdir(parents=True)
    db.write_bytes(b"definitely not sqlite " * 100)
    r = hearth(home, "conversations")
    assert_one_line_error(r, "damaged")
    assert any(".damaged-" in p.name for p in db.parent.iterdir())
    r = hearth(home, "conversations", "--json")  # a fresh, empty database next time
    assert r.returncode == 0 and json.loads(r.stdout) == []


# ---- hostile files (issue 18 part 4): bounded, one line, exit 2 -------------------------------------------

def test_import_refuses_deep_nesting_in_one_line(home, tmp_path):
    f = tmp_path / "deep.json"
    f.write_text("[" * 200_000, encoding="utf-8")   # was a RecursionError, exit 3
    assert_one_line_error(hearth(home, "import-conversation", f), "nested more than 16 levels deep")
    nested = {"format": EXPORT_FORMAT, "version": 1, "messages": [
        {"role": "user", "content": "x", "stats": json.loads("[" * 100 + "]" * 100)}]}
    f.write_text(json.dumps(nested), encoding="utf-8")   # deep, yet within what the JSON parser takes
    assert_one_line_error(hearth(home, "import-conversation", f), "nested more than 16 levels deep")


def test_import_refuses_a_huge_file_without_reading_it(home, tmp_path):
    from engine.store import MAX_IMPORT_MB

    f = tmp_path / "huge.json"
    with open(f, "wb") as fh:                    # 310 MB, sparse: nothing written to the disk
        fh.truncate(310 << 20)
    r = hearth(home, "import-conversation", f)
    assert_one_line_error(r, f"huge.json is too large for a Hearth conversation (over {MAX_IMPORT_MB} MB)")


def test_import_a_lone_surrogate_and_control_characters_in_the_title(home, tmp_path):
    f = tmp_path / "odd.json"
    # A lone surrogate (was a UnicodeEncodeError, exit 3), an ANSI colour, a NUL and a right-to-left override.
    f.write_text('{"format": "hearth.conversation", "version": 1, '
                 '"title": "\\u001b[31mred\\u0000 \\u202etxt.exe \\ud800 end", "system_prompt": "sp \\udc80", '
                 '"messages": [{"role": "user", "content": "hi \\ud83d", "model": "m\\udfff"}]}', encoding="utf-8")
    r = hearth(home, "import-conversation", f, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["title"] == "red txt.exe \ufffd end"
    with Store(db_of(home)) as s:
        conv = s.get_conversation(info["id"])
        assert s.messages(info["id"])[0]["content"] == "hi \ufffd"
    assert conv["title"] == "red txt.exe \ufffd end" and conv["system_prompt"] == "sp \ufffd"
    r = hearth(home, "conversations")
    assert r.returncode == 0, r.stderr
    assert not any(c in r.stdout for c in "\x1b\x00\u202e"), repr(r.stdout)
    assert "red txt.exe \ufffd end" in r.stdout


def test_titles_already_stored_with_control_characters_print_clean(home):
    """A database written by an older version: the title is cleaned where it is read and printed."""
    with Store(db_of(home)) as s:
        cid = s.create_conversation(title="plain")
        s.add_message(cid, "user", "\x1b]0;pwned\x07hello \x1b[2J")
        s.conn.execute("UPDATE conversations SET title = ? WHERE id = ?", ("\x1b[31mred\u202e\x00", cid))
    for args in (("conversations",), ("search-conversations", "hello")):
        r = hearth(home, *args)
        assert r.returncode == 0, r.stderr
        assert not any(c in r.stdout for c in "\x1b\x00\u202e\x07"), (args, repr(r.stdout))
        assert "red" in r.stdout
    r = hearth(home, "rename-conversation", cid, "\x1b[1mbold\x1b[0m", "\u202etitle")
    assert r.returncode == 0, r.stderr
    with Store(db_of(home)) as s:
        assert s.get_conversation(cid)["title"] == "bold title"
    r = hearth(home, "delete-conversation", cid)
    assert r.returncode == 0 and "\x1b" not in r.stderr and "bold title" in r.stderr


@pytest.mark.parametrize("settings, fragment", [
    ({"sampling": {"temperature": "hot"}}, 'setting "temperature" must be a number from 0 to 100 (not "hot")'),
    ({"load": {"n_ctx": "abc"}}, 'setting "n_ctx" must be a whole number from 0 to 16777216 (not "abc")'),
    ({"load": {"n_ctx": 10 ** 12}}, 'setting "n_ctx" must be a whole number from 0 to 16777216 (not 1000000000000)'),
    ({"load": {"gpu_layers": [1]}}, 'setting "gpu_layers" must be "auto", "all" or a whole number of layers'),
    ({"sampling": {"top_k": 1.5}}, 'setting "top_k" must be a whole number'),
    ({"sampling": ["temperature"]}, 'the conversation\'s "settings.sampling" must be a JSON object'),
])
def test_import_refuses_settings_of_the_wrong_kind(home, tmp_path, settings, fragment):
    f = tmp_path / "settings.json"
    f.write_text(json.dumps({"format": EXPORT_FORMAT, "version": 1, "settings": settings,
                             "messages": [{"role": "user", "content": "hi"}]}), encoding="utf-8")
    assert_one_line_error(hearth(home, "import-conversation", f), fragment)
    assert json.loads(hearth(home, "conversations", "--json").stdout) == []


def test_import_keeps_good_settings_and_drops_unknown_names(home, tmp_path):
    f = tmp_path / "settings.json"
    f.write_text(json.dumps({"format": EXPORT_FORMAT, "version": 1, "messages": [], "settings": {
        "sampling": {"temperature": 1, "top_k": 20.0, "seed": None, "mystery": "x"},
        "load": {"n_ctx": 8192, "gpu_layers": "All"}, "future": {"a": 1}}}), encoding="utf-8")
    r = hearth(home, "import-conversation", f)
    assert r.returncode == 0, r.stderr
    with Store(db_of(home)) as s:
        assert s.get_conversation(int(r.stdout))["settings"] == {
            "sampling": {"temperature": 1.0, "top_k": 20, "seed": None}, "load": {"n_ctx": 8192, "gpu_layers": "all"}}
