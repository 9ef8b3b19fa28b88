"""engine.documents: what Hearth reads from each kind of document, and the one sentence it gives
for each file it cannot read."""

from __future__ import annotations

import hashlib

import pytest

from engine.documents import SUPPORTED_SUFFIXES, Document, Page, read_document
from engine.documents.pdf import fold_radicals
from engine.errors import BadInputError, CancelledError
from tests.documents import make_docs
from tests.documents.conftest import LONG_PDF_PAGES


def squash(text: str) -> str:
    """No whitespace at all: how a PDF's layout lines are compared with the source."""
    return "".join(text.split())


# ---- PDF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("font", make_docs.CID_FONTS)
def test_pdf_in_japanese_cid_font_reads_exactly_page_by_page(docs, font):
    doc = read_document(docs[f"cid_{font}"])
    assert doc.format == "pdf" and doc.encoding is None and doc.warnings == []
    assert [p.number for p in doc.pages] == [1, 2, 3]
    # Exact, line breaks included: kanji, kana, full-width ＡＢＣ and digits, half-width ｶﾀｶﾅ, ※〒〜・…
    assert [p.text for p in doc.pages] == make_docs.JA_PAGE_TEXTS
    assert doc.text == "\n\n".join(make_docs.JA_PAGE_TEXTS)
    assert doc.characters == len(doc.text)


def test_pdf_paragraph_wrapped_by_the_layout_keeps_every_character(docs):
    doc = read_document(docs["wrapped"])
    assert len(doc.pages) == 1
    assert doc.pages[0].text.count("\n") >= 3  # reportlab wrapped it: one line of text per printed line
    assert squash(doc.text) == squash(make_docs.JA_PARAGRAPH)


def test_pdf_with_a_text_object_per_glyph_reads_as_lines(docs):
    # pypdf alone gives "会\n議\nは\n…" for this file
    doc = read_document(docs["glyphs"])
    assert doc.text == "".join(make_docs.GLYPH_LINES) + "\nA\nB\nC"


def test_join_glyph_lines_needs_three_in_a_row():
    from engine.documents.pdf import join_glyph_lines

    assert join_glyph_lines("甲\n乙\n本文です。\n丙\n丁\n戊\nx") == "甲\n乙\n本文です。\n丙丁戊\nx"


def test_kangxi_radicals_from_bad_tounicode_maps_fold_to_ideographs():
    # ⽇ U+2F47, ⼈ U+2F08, ⽉ U+2F49: what some producers' ToUnicode maps give for 日, 人, 月
    assert fold_radicals("\u2f47本\u2f08の\u2f49曜") == "日本人の月曜"
    # only those blocks: full-width letters, half-width kana, circled digits stay as written
    assert fold_radicals("ＡＢＣ１ｱｲ①㈱") == "ＡＢＣ１ｱｲ①㈱"


def test_image_only_pdf_is_a_scan(docs):
    with pytest.raises(BadInputError) as e:
        read_document(docs["image_only"])
    assert str(e.value).startswith("scan.pdf: this PDF has no text layer: it is a scan")


def test_pdf_with_one_scanned_page_warns_and_keeps_the_page_numbers(docs):
    doc = read_document(docs["partly_scanned"])
    assert [(p.number, p.text) for p in doc.pages] == [(1, "一ページ目の本文。"), (2, ""), (3, "三ページ目の本文。")]
    assert doc.warnings == ["page 2 has no text layer"]


def test_encrypted_pdf_says_so(docs):
    with pytest.raises(BadInputError) as e:
        read_document(docs["encrypted"])
    assert str(e.value).startswith("encrypted.pdf: this PDF is encrypted: ")
    assert "\n" not in str(e.value)


def test_pdf_with_only_an_owner_password_opens_like_in_any_viewer(docs):
    doc = read_document(docs["owner_only"])
    assert [p.text for p in doc.pages] == make_docs.JA_PAGE_TEXTS[:1]


@pytest.mark.parametrize("key", ["truncated", "garbled"])
def test_corrupt_pdf_is_damaged(docs, key):
    with pytest.raises(BadInputError) as e:
        read_document(docs[key])
    assert str(e.value) == f"{docs[key].name}: this PDF is damaged and cannot be read"


def test_a_docx_named_pdf_is_not_a_pdf(docs, tmp_path):
    fake = tmp_path / "report.pdf"
    fake.write_bytes(docs["docx"].read_bytes())
    with pytest.raises(BadInputError) as e:
        read_document(fake)
    assert str(e.value) == "report.pdf is not a PDF: the file is damaged or has the wrong extension"


def test_long_pdf_reads_every_page_and_reports_each(long_pdf):
    calls = []
    doc = read_document(long_pdf, on_page=lambda done, total: calls.append((done, total)))
    assert calls == [(n, LONG_PDF_PAGES) for n in range(1, LONG_PDF_PAGES + 1)]
    assert [p.number for p in doc.pages] == list(range(1, LONG_PDF_PAGES + 1))
    assert [p.text for p in doc.pages] == [make_docs.long_pdf_page_text(n) for n in range(1, LONG_PDF_PAGES + 1)]
    assert doc.warnings == []


def test_dropping_pypdfs_object_cache_changes_nothing(long_pdf, monkeypatch):
    """The reader forgets pypdf's parsed objects every few pages (bounded memory); the fonts and
    pages it reads again afterwards must give the same text as one reader that kept everything."""
    from engine.documents import pdf

    monkeypatch.setattr(pdf, "USE_WORKER", False)   # the counting stand-in lives in this process
    dropped = []
    real_drop = pdf._drop_cache
    monkeypatch.setattr(pdf, "_drop_cache", lambda reader: (dropped.append(1), real_drop(reader)))
    bounded = read_document(long_pdf)
    assert len(dropped) == LONG_PDF_PAGES // pdf.CACHE_PAGES
    monkeypatch.setattr(pdf, "CACHE_PAGES", 10 ** 9)
    kept = read_document(long_pdf)
    assert [p.text for p in bounded.pages] == [p.text for p in kept.pages]


def test_cancel_stops_between_pages(long_pdf):
    seen = []
    with pytest.raises(CancelledError):
        read_document(long_pdf, cancel=lambda: len(seen) >= 5, on_page=lambda done, total: seen.append(done))
    assert seen == [1, 2, 3, 4, 5]


def test_sha256_is_of_the_file_bytes(docs):
    doc = read_document(docs["cid_HeiseiMin-W3"])
    assert doc.sha256 == hashlib.sha256(docs["cid_HeiseiMin-W3"].read_bytes()).hexdigest()


# ---- DOCX ---------------------------------------------------------------------------------


def test_docx_headings_paragraphs_and_table_in_reading_order(docs):
    calls = []
    doc = read_document(docs["docx"], on_page=lambda done, total: calls.append((done, total)))
    assert doc.format == "docx" and doc.encoding is None and doc.warnings == []
    assert [p.number for p in doc.pages] == [1]
    assert doc.text == make_docs.DOCX_EXPECTED
    assert calls == [(1, 1)]


def test_docx_tracked_changes_fields_controls_text_boxes_merged_and_nested_cells(docs):
    assert read_document(docs["complex_docx"]).text == make_docs.DOCX_COMPLEX_EXPECTED


def test_docx_without_text(docs):
    with pytest.raises(BadInputError) as e:
        read_document(docs["empty_docx"])
    assert str(e.value) == "blank.docx has no text"


@pytest.mark.parametrize("key, sentence", [
    ("encrypted_docx", "locked.docx: this Word document is encrypted: "),
    ("doc_as_docx", "old.docx is an old Word 97–2003 document, not a .docx: "),
    ("bad_zip_docx", "broken.docx: this Word document is damaged and cannot be read"),
    ("xlsx_as_docx", "sheet.docx is not a Word .docx document: the file is damaged or has the wrong extension"),
])
def test_unreadable_docx(docs, key, sentence):
    with pytest.raises(BadInputError) as e:
        read_document(docs[key])
    assert str(e.value).startswith(sentence)


# ---- text and Markdown ------------------------------------------------------------------


@pytest.mark.parametrize("key, encoding, expected, fmt", [
    ("sjis", "cp932", make_docs.LONG_JA + make_docs.CP932_EXTRA, "txt"),
    ("eucjp", "euc_jp", make_docs.LONG_JA, "txt"),
    ("utf16", "utf-16", make_docs.UTF16_TEXT, "txt"),
    ("utf8_bom", "utf-8-sig", make_docs.UTF8_BOM_TEXT, "md"),
    ("markdown", "utf-8", make_docs.MARKDOWN_TEXT, "md"),
])
def test_text_encodings(docs, key, encoding, expected, fmt):
    doc = read_document(docs[key])
    assert (doc.format, doc.encoding) == (fmt, encoding)
    assert doc.pages == [Page(1, expected)]  # CRLF files come back with "\n"; no BOM left in the text
    assert doc.characters == len(expected)


@pytest.mark.parametrize("text", ["こんにちは、世界。", "ｱｲｳｴｵ半角カナ", "日本語", "東京都千代田区", "abc 日本 def"])
@pytest.mark.parametrize("encoding", ["cp932", "euc_jp"])
def test_short_japanese_text_is_not_mistaken_for_chinese_or_korean(tmp_path, text, encoding):
    # charset-normalizer alone calls "こんにちは" in EUC-JP CP949 and "日本語" Big5
    path = make_docs.write_text(tmp_path / "short.txt", text, encoding)
    doc = read_document(path)
    assert (doc.text, doc.encoding) == (text, encoding)


def test_shift_jis_with_windows_characters_is_cp932(tmp_path):
    path = make_docs.write_text(tmp_path / "nec.txt", "丸数字①②と髙橋さん", "cp932")
    assert read_document(path).encoding == "cp932"


def test_bytes_both_japanese_encodings_read_as_kanji_go_to_cp932(tmp_path):
    data = "爛爬狡".encode("cp932")
    assert data.decode("euc_jp") == "爍爨狢"  # also kanji in EUC-JP: a tie, and CP932 wins it
    path = tmp_path / "tie.txt"
    path.write_bytes(data)
    assert (read_document(path).text, read_document(path).encoding) == ("爛爬狡", "cp932")


def test_utf16_without_a_mark(tmp_path):
    path = make_docs.write_text(tmp_path / "le.txt", "Plain ASCII and 日本語 in UTF-16-LE.", "utf-16-le")
    doc = read_document(path)
    assert (doc.text, doc.encoding) == ("Plain ASCII and 日本語 in UTF-16-LE.", "utf-16-le")


def test_iso_2022_jp(tmp_path):
    path = make_docs.write_text(tmp_path / "mail.txt", "昔の電子メールは JIS コードでした。", "iso2022_jp")
    doc = read_document(path)
    assert (doc.text, doc.encoding) == ("昔の電子メールは JIS コードでした。", "iso2022_jp")


def test_chinese_and_korean_are_left_to_charset_normalizer(tmp_path):
    zh = "中华人民共和国国务院办公厅关于印发的通知，各省、自治区、直辖市人民政府"
    ko = "대한민국 헌법 제1조 대한민국은 민주공화국이다. 모든 권력은 국민으로부터 나온다."
    assert read_document(make_docs.write_text(tmp_path / "zh.txt", zh, "gb2312")).text == zh
    assert read_document(make_docs.write_text(tmp_path / "ko.txt", ko, "euc_kr")).text == ko


def test_binary_renamed_txt(docs):
    with pytest.raises(BadInputError) as e:
        read_document(docs["binary_txt"])
    assert str(e.value) == "picture.txt is not a text file: it contains binary data"


def test_undecodable_bytes_renamed_txt(docs):
    with pytest.raises(BadInputError) as e:
        read_document(docs["high_bytes_txt"])
    assert str(e.value).startswith("noise.txt is not a text file Hearth can read: ")


def test_whitespace_only_text(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\n  ")
    with pytest.raises(BadInputError) as e:
        read_document(path)
    assert str(e.value) == "blank.txt has no text"


# ---- HTML ---------------------------------------------------------------------------------


def test_html_text_only_no_script_style_or_head(docs):
    doc = read_document(docs["html"])
    assert (doc.format, doc.encoding) == ("html", "utf-8")
    assert doc.text == make_docs.HTML_BODY_TEXT
    for hidden in ("script", "style", "スクリプト", "タイトル", "JavaScript", "</div>"):
        assert hidden not in doc.text


def test_html_declares_shift_jis(docs):
    doc = read_document(docs["html_sjis"])
    assert (doc.text, doc.encoding) == (make_docs.HTML_SJIS_TEXT, "cp932")


def test_html_pre_keeps_its_layout():
    from engine.documents.html import html_to_text

    assert html_to_text("<p>a   b\n c</p><pre>  x = 1\n    y</pre>") == "a b c\n\n  x = 1\n    y"


# ---- any format ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".pdf", ".docx"])
def test_empty_file(docs, suffix):
    with pytest.raises(BadInputError) as e:
        read_document(docs[f"empty{suffix}"])
    assert str(e.value) == f"empty{suffix} is empty"


def test_unsupported_type(docs):
    with pytest.raises(BadInputError) as e:
        read_document(docs["unsupported"])
    assert str(e.value).startswith("budget.xlsx: Hearth cannot read .xlsx files; it reads PDF")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(BadInputError) as e:
        read_document(tmp_path / "nowhere.pdf")
    assert str(e.value) == f"cannot read {tmp_path / 'nowhere.pdf'}: no such file"
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(BadInputError) as e:
        read_document(folder)
    assert str(e.value) == f"{folder} is a folder, not a document"


def test_a_library_failure_becomes_one_sentence(docs, monkeypatch):
    """Whatever pypdf raises while reading a page is caught: the page is left out with a warning."""
    import pypdf

    from engine.documents import pdf

    monkeypatch.setattr(pdf, "USE_WORKER", False)   # the failing stand-in lives in this process
    def boom(self, *a, **k):
        raise KeyError("/Font")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", boom)
    with pytest.raises(BadInputError) as e:
        read_document(docs["cid_HeiseiMin-W3"])
    assert str(e.value) == "ja-HeiseiMin-W3.pdf: this PDF is damaged and cannot be read"


def test_a_page_pypdf_cannot_read_is_left_out_with_a_warning(docs, monkeypatch):
    import pypdf

    from engine.documents import pdf

    monkeypatch.setattr(pdf, "USE_WORKER", False)   # the failing stand-in lives in this process
    real = pypdf.PageObject.extract_text
    calls = []

    def second_page_breaks(self, *a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("bad content stream")
        return real(self, *a, **k)

    monkeypatch.setattr(pypdf.PageObject, "extract_text", second_page_breaks)
    doc = read_document(docs["cid_HeiseiMin-W3"])
    assert [p.text for p in doc.pages] == [make_docs.JA_PAGE_TEXTS[0], "", make_docs.JA_PAGE_TEXTS[2]]
    assert doc.warnings == ["page 2 is damaged and was left out"]


@pytest.mark.parametrize("key", ["docx", "sjis", "html", "cid_HeiseiKakuGo-W5"])
def test_cancel_before_reading_any_format(docs, key):
    with pytest.raises(CancelledError):
        read_document(docs[key], cancel=lambda: True)


def test_an_unexpected_reader_failure_names_the_file(docs, monkeypatch):
    from engine.documents import html

    monkeypatch.setattr(html, "html_to_text", lambda markup: 1 / 0)
    with pytest.raises(BadInputError) as e:
        read_document(docs["html"])
    assert str(e.value) == "page.html cannot be read: the file is damaged or is not an HTML page (ZeroDivisionError)"


def test_suffixes_are_case_insensitive_and_listed(docs, tmp_path):
    upper = tmp_path / "REPORT.PDF"
    upper.write_bytes(docs["cid_HeiseiMin-W3"].read_bytes())
    assert read_document(upper).format == "pdf"
    assert SUPPORTED_SUFFIXES == (".pdf", ".docx", ".txt", ".md", ".markdown", ".html", ".htm")


def test_document_text_and_characters():
    doc = Document(path=None, format="pdf", pages=[Page(1, "ab"), Page(2, ""), Page(3, "cde")], encoding=None,
                   warnings=[], sha256="")
    assert doc.text == "ab\n\n\n\ncde"
    assert doc.characters == len(doc.text) == 9
