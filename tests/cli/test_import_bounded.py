"""``import-conversation`` of a file of millions of empty lists stays small (issue 18, audit): 33 MB of
``[],`` (11 million lists, under the 32 MB size limit) peaked at 1.6 GB in ``json.loads`` and the nesting
walk. Lists and objects are counted before parsing: past ``MAX_IMPORT_CONTAINERS`` the file is refused in one
line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from engine.errors import BadInputError
from engine.store import EXPORT_FORMAT, MAX_IMPORT_CONTAINERS, read_export_file
from tests.conftest import ROOT

# Runs the CLI in a child and prints its exit code, stderr and peak memory (RUSAGE_CHILDREN: that child only).
_MEASURE = r"""
import json, resource, subprocess, sys
r = subprocess.run(sys.argv[1:], capture_output=True, text=True, encoding="utf-8")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": r.returncode, "stderr": r.stderr, "peak_mb": peak / (1024 * 1024) if sys.platform == "darwin"
                  else peak / 1024}))
"""


def _head() -> str:
    return '{"format":"%s","version":1,"title":"t","messages":[' % EXPORT_FORMAT


@pytest.mark.skipif(sys.platform == "win32", reason="peak memory is measured with resource.getrusage")
def test_eleven_million_empty_lists_are_refused_in_bounded_memory(tmp_path):
    f = tmp_path / "lists.json"
    f.write_text(_head() + "[]," * 11_000_000 + "[]]}", encoding="utf-8")
    assert f.stat().st_size < 32 << 20
    env = dict(os.environ, HEARTH_HOME=str(tmp_path / "home"), PYTHONIOENCODING="utf-8")
    env.pop("HEARTH_POLICY", None)
    r = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, str(ROOT / "main.py"), "import-conversation",
                        str(f)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    out = json.loads(r.stdout)
    assert out["rc"] == 2, out
    assert out["stderr"].strip() == ("hearth: lists.json is not a Hearth conversation: it holds more than "
                                     f"{MAX_IMPORT_CONTAINERS:,} lists and objects")
    assert out["peak_mb"] < 400, out


def test_the_count_is_the_bound(tmp_path, monkeypatch):
    from engine import store

    monkeypatch.setattr(store, "MAX_IMPORT_CONTAINERS", 10)
    f = tmp_path / "c.json"
    f.write_text(_head() + ",".join(['{"role":"user","content":"x"}'] * 8) + "]}", encoding="utf-8")   # 1 + 1 + 8
    assert len(read_export_file(f)["messages"]) == 8
    f.write_text(_head() + ",".join(['{"role":"user","content":"x"}'] * 9) + "]}", encoding="utf-8")   # 11
    with pytest.raises(BadInputError) as e:
        read_export_file(f)
    assert str(e.value) == "c.json is not a Hearth conversation: it holds more than 10 lists and objects"


def test_brackets_inside_the_text_do_not_count(tmp_path, monkeypatch):
    """Pasted code or JSON: its brackets are text, not lists the parser builds (escaped quotes included)."""
    from engine import store

    monkeypatch.setattr(store, "MAX_IMPORT_CONTAINERS", 10)
    pasted = '[{"a": [1, {"b": "\\"[[["}]}]' * 50
    messages = [{"role": "user", "content": pasted}, {"role": "assistant", "content": "{[" * 100}]
    f = tmp_path / "pasted.json"
    f.write_text(json.dumps({"format": EXPORT_FORMAT, "version": 1, "title": "t", "messages": messages}),
                 encoding="utf-8")
    assert f.read_bytes().count(b"[") > 100   # the quick count is past the bound; the real one is 4
    assert [m["content"] for m in read_export_file(f)["messages"]] == [pasted, "{[" * 100]


def test_a_long_real_conversation_is_far_below_the_bound(tmp_path):
    """Ten thousand messages with code in them: 10,000 lists and objects, 1 % of the bound (110,000 brackets
    counted quickly, the code's included: still under it)."""
    code = "def f(a): return [x for x in a if x] + [{'k': v} for v in a]\n"
    messages = [{"role": "user" if i % 2 == 0 else "assistant", "content": code * 3} for i in range(10_000)]
    f = tmp_path / "long.json"
    f.write_text(json.dumps({"format": EXPORT_FORMAT, "version": 1, "title": "t", "messages": messages}),
                 encoding="utf-8")
    raw = f.read_bytes()
    assert raw.count(b"[") + raw.count(b"{") < MAX_IMPORT_CONTAINERS // 5
    assert len(read_export_file(f)["messages"]) == 10_000
