"""Generated documents, made once per test session."""

from __future__ import annotations

import pytest

pytest.importorskip("reportlab", reason="the document tests generate PDFs with reportlab (pip install -e '.[test]')")

from tests.documents import make_docs  # noqa: E402

LONG_PDF_PAGES = 200


@pytest.fixture(scope="session")
def docs(tmp_path_factory):
    """Every generated document, by the short names of make_docs.make_all."""
    return make_docs.make_all(tmp_path_factory.mktemp("docs"))


@pytest.fixture(scope="session")
def long_pdf(tmp_path_factory):
    return make_docs.make_long_pdf(tmp_path_factory.mktemp("long-pdf") / "long.pdf", LONG_PDF_PAGES)
