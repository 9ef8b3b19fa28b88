"""`chat --conversation ID|new` stores and continues conversations."""

import json

from tests.conftest import run_cli


def test_new_then_continue_then_export(tiny_model):
    # The same question both times: only the stored history can make the second prompt longer.
    question = "tell me about the word"
    r = run_cli("chat", "--model", tiny_model, "--conversation", "new", "--system", "be brief",
                "--max-tokens", "6", "--json", question)
    assert r.returncode == 0, r.stderr
    first = json.loads(r.stdout)
    cid = first["conversation_id"]
    r = run_cli("chat", "--model", tiny_model, "--conversation", str(cid), "--max-tokens", "6", "--json", question)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["conversation_id"] == cid
    # the second prompt saw the first turn: more prompt tokens than the question alone
    assert data["prompt_tokens"] > first["prompt_tokens"], (first, data)
    r = run_cli("conversations", "--json")
    convs = json.loads(r.stdout)
    assert convs[0]["id"] == cid and convs[0]["message_count"] == 4
    r = run_cli("export", str(cid), "--format", "json")
    exported = json.loads(r.stdout)
    roles = [m["role"] for m in exported["messages"]]
    assert roles == ["user", "assistant", "user", "assistant"]
    assert [m["content"] for m in exported["messages"] if m["role"] == "user"] == [question, question]
    assert [m["content"] for m in exported["messages"] if m["role"] == "assistant"] == [first["text"], data["text"]]
    assert exported["system_prompt"] == "be brief"
    assert all(m["model"].endswith("tiny-chat.gguf") for m in exported["messages"] if m["role"] == "assistant")


def test_unknown_conversation_exit_2(tiny_model):
    r = run_cli("chat", "--model", tiny_model, "--conversation", "9999", "hi")
    assert r.returncode == 2 and "no conversation" in r.stderr
    r = run_cli("chat", "--model", tiny_model, "--conversation", "abc", "hi")
    assert r.returncode == 2 and "--conversation takes a number or 'new'" in r.stderr
    assert "Traceback" not in r.stderr


def test_rename_search_delete(tiny_model):
    r = run_cli("chat", "--model", tiny_model, "--conversation", "new", "--max-tokens", "4", "--json",
                "天気について教えて")
    assert r.returncode == 0, r.stderr
    cid = json.loads(r.stdout)["conversation_id"]
    assert run_cli("rename-conversation", cid, "Weather", "chat").returncode == 0
    hits = json.loads(run_cli("search-conversations", "天気", "--json").stdout)
    assert hits and hits[0]["conversation_id"] == cid and hits[0]["title"] == "Weather chat"
    assert run_cli("delete-conversation", cid).returncode == 0
    assert json.loads(run_cli("conversations", "--json").stdout) == []
    r = run_cli("delete-conversation", cid)
    assert r.returncode == 2 and "no conversation" in r.stderr
