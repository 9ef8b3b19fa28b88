"""`python main.py extract FILE [--json]` as a real subprocess: the JSON keys are a contract."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.documents import make_docs


def test_extract_json_pdf(docs):
    r = run_cli("extract", docs["cid_HeiseiKakuGo-W5"], "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"format", "pages", "characters", "encoding", "warnings"}
    assert out["format"] == "pdf" and out["encoding"] is None and out["warnings"] == []
    assert out["pages"] == [{"number": n, "text": t} for n, t in enumerate(make_docs.JA_PAGE_TEXTS, 1)]
    assert out["characters"] == len("\n\n".join(make_docs.JA_PAGE_TEXTS))


def test_extract_json_text_gives_one_page_and_the_encoding(docs):
    r = run_cli("extract", docs["eucjp"], "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["pages"] == [{"number": 1, "text": make_docs.LONG_JA}]
    assert (out["format"], out["encoding"], out["characters"]) == ("txt", "euc_jp", len(make_docs.LONG_JA))


def test_extract_prints_the_text_and_warnings(docs):
    r = run_cli("extract", docs["partly_scanned"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == "一ページ目の本文。\n\n\n\n三ページ目の本文。\n"
    assert "warning: page 2 has no text layer" in r.stderr


def test_extract_bad_files_exit_2_with_one_sentence(docs):
    for key, sentence in [("encrypted", "encrypted.pdf: this PDF is encrypted: "),
                          ("image_only", "scan.pdf: this PDF has no text layer: it is a scan"),
                          ("binary_txt", "picture.txt is not a text file: it contains binary data")]:
        r = run_cli("extract", docs[key], "--json")
        assert r.returncode == 2, (key, r.stderr)
        assert r.stdout == ""
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("hearth: " + sentence), (key, r.stderr)
