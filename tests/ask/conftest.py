"""Real documents and real SQLite files for the Ask-your-documents tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("reportlab", reason="the ask tests generate PDFs with reportlab (pip install -e '.[test]')")

from tests.documents import make_docs  # noqa: E402
from tests.tiny_gguf import make_tiny_bert_gguf  # noqa: E402

EN_NOTES = ("# Office notes\n\nThe budget for 2025 was raised by 8 percent after the March review.\n\n"
            "The office moves to Osaka in July; the old building closes in August.\n")


@pytest.fixture(scope="session")
def doc_templates(tmp_path_factory) -> Path:
    """One of each kind, made once: a Japanese PDF (CID font, 3 pages), a DOCX, Shift_JIS text, Markdown."""
    d = tmp_path_factory.mktemp("ask-templates")
    make_docs.make_cid_pdf(d / "report.pdf")
    make_docs.make_docx(d / "annual.docx")
    make_docs.write_text(d / "minutes.txt", make_docs.LONG_JA, "shift_jis")
    (d / "notes.md").write_text(EN_NOTES, encoding="utf-8")
    return d


@pytest.fixture
def docs(tmp_path, doc_templates) -> Path:
    """A fresh folder of the documents (tests change and delete them)."""
    d = tmp_path / "docs"
    shutil.copytree(doc_templates, d)
    return d


@pytest.fixture
def store(tmp_path):
    from engine.store import Store

    s = Store(tmp_path / "hearth.sqlite3")
    yield s
    s.close()


@pytest.fixture(scope="session")
def tiny_embedding_model(models_dir) -> Path:
    return make_tiny_bert_gguf(models_dir / "tiny-bert-embed.gguf")
