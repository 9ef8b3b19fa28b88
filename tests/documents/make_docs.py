"""Generated documents for the document-reader tests (and the summariser's).

Each ``make_*`` writes one file and returns its path; the module-level constants
are the texts written, so tests compare what Hearth reads with what was put in.

    python -m tests.documents.make_docs FOLDER   # write them all into FOLDER, to look at
"""

from __future__ import annotations

import random
import sys
import zipfile
from pathlib import Path

CID_FONTS = ("HeiseiMin-W3", "HeiseiKakuGo-W5")

# Three pages of Japanese as an office document sets it: kanji, kana, full-width letters and digits,
# half-width katakana, punctuation, a little English. One list of lines per page.
JA_PAGES = [
    [
        "第一章　事業報告の概要",
        "本報告書は、令和六年度における業務改善の取り組みと、その成果をまとめたものである。",
        "会議は午前十時に始まり、正午に終わった。（出席者：１２名、欠席者：３名）",
        "主な議題：「予算の見直し」「人員配置」「システム更新」について。",
    ],
    [
        "第二章　課題と対策",
        "ｶﾀｶﾅの半角表記、全角ＡＢＣ、記号※〒〜・…が混ざっても、そのまま読み取ること。",
        "担当部署は、来月末までに改善案を提出する！期限は厳守か？",
        "English words stay as they are: Hearth 2024, PDF, CID.",
    ],
    [
        "第三章　結論",
        "以上の通り、すべての部署で業務時間が平均八パーセント短縮された。",
        "次年度も継続して取り組む。",
    ],
]
JA_PAGE_TEXTS = ["\n".join(lines) for lines in JA_PAGES]

# A paragraph long enough to be wrapped by reportlab's CJK line breaking.
JA_PARAGRAPH = ("本報告書は、令和六年度における業務改善の取り組みと、その成果について述べるものである。"
                "各部署から提出された資料をもとに、課題と対策を整理し、次年度の計画に反映した。") * 3

# Long Japanese text without spaces (for Shift_JIS / EUC-JP detection and for chunking).
_SENTENCES = [
    "本日の会議では来年度の予算案について議論した。",
    "営業部からは販売目標の上方修正が提案された。",
    "総務部は在宅勤務の制度を見直すべきだと述べた。",
    "情報システム部は基幹システムの更新時期を説明した。",
    "経理部は経費精算の手続きを簡素化する案を示した。",
    "人事部は新入社員の研修計画を報告した。",
    "品質管理部は不良率が前年より低下したことを報告した。",
    "製造部は設備の老朽化への対応を求めた。",
    "各部の意見を踏まえ、次回までに修正案を作成することになった。",
    "議事録は総務部が作成し、全員に配布する。",
]
LONG_JA = "".join(_SENTENCES[i % len(_SENTENCES)] for i in range(120))  # ~2,800 characters, no spaces
# CP932-only characters (NEC / IBM extensions): not in plain Shift_JIS, not in EUC-JP.
CP932_EXTRA = "①②③髙﨑"

UTF16_TEXT = "UTF-16 のテキスト。\n二行目：全角　スペースと tab\tも含む。\n三行目。"
UTF8_BOM_TEXT = "# 見出し\n\nBOM 付き UTF-8 のマークダウン。\n- 項目一\n- 項目二"
MARKDOWN_TEXT = "# 議事録\n\n## 出席者\n\n- 山田\n- 佐藤\n\n**決定事項**：次回は来週。"

DOCX_EXPECTED = "\n\n".join([
    "# 年次報告書",
    "この文書は見出し、段落、表を含みます。",
    "## 売上",
    "四半期ごとの売上は次の表の通りです。",
    "四半期 | 売上（百万円） | 備考\n第1四半期 | 120 | 前年比 +5%\n第2四半期 | 135 | 新製品の発売",
    "表の後の段落です。",
    "### 今後の予定",
    "来年度も改善を続けます。",
])

HTML_BODY_TEXT = "\n\n".join([
    "# お知らせ",
    "本日は\n晴天なり。",
    "項目 | 値\n温度 | 25度",
    "最後の段落 & 終わり。",
])
HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>タイトルは本文ではない</title>
<style>body { color: red; } p::before { content: "style text"; }</style>
<script>document.write("<p>script text</p>"); var s = "</div>";</script>
</head>
<body>
<h1>お知らせ</h1>
<p>本日は<br>晴天なり。</p>
<script type="text/javascript">alert("もう一つのスクリプト");</script>
<table><tr><th>項目</th><th>値</th></tr><tr><td>温度</td><td>25度</td></tr></table>
<noscript>JavaScript を有効にしてください</noscript>
<p>最後の段落 &amp; 終わり。</p>
</body></html>
"""
HTML_SJIS_TEXT = "# 社内報\n\n今月の話題です。"
HTML_SJIS_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
</head><body><h1>社内報</h1><p>今月の話題です。</p></body></html>"""


# ---- PDFs -------------------------------------------------------------------------------


def _register_cid(font: str) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))


def make_cid_pdf(path: Path, font: str = "HeiseiMin-W3", pages=JA_PAGES) -> Path:
    """A multi-page PDF set in a Japanese CID font (UniJIS-UCS2-H), one drawString per line."""
    from reportlab.pdfgen import canvas

    _register_cid(font)
    c = canvas.Canvas(str(path))
    for lines in pages:
        y = 780
        for line in lines:
            c.setFont(font, 11)
            c.drawString(50, y, line)
            y -= 22
        c.showPage()
    c.save()
    return path


def make_wrapped_cid_pdf(path: Path, font: str = "HeiseiKakuGo-W5") -> Path:
    """JA_PARAGRAPH set as one justified paragraph: reportlab wraps it over several lines."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    _register_cid(font)
    style = ParagraphStyle("ja", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK",
                           alignment=TA_JUSTIFY)
    SimpleDocTemplate(str(path)).build([Paragraph(JA_PARAGRAPH, style)])
    return path


GLYPH_LINES = ["会議は午前十時に始まり、正午に終わった。", "議題は三つ。"]


def make_glyph_by_glyph_pdf(path: Path, font: str = "HeiseiMin-W3") -> Path:
    """Every character in its own text object (BT … ET), as some producers write Japanese."""
    from reportlab.pdfgen import canvas

    _register_cid(font)
    c = canvas.Canvas(str(path))
    y = 780
    for line in GLYPH_LINES:
        x = 50
        for ch in line:
            c.setFont(font, 12)
            c.drawString(x, y, ch)
            x += 12.5
        y -= 22
    c.setFont("Helvetica", 12)
    c.drawString(50, y, "A")  # a lone Latin letter is not joined
    c.drawString(50, y - 20, "B")
    c.drawString(50, y - 40, "C")
    c.showPage()
    c.save()
    return path


def make_image_only_pdf(path: Path, pages: int = 2) -> Path:
    """Shapes only, no text at all: what a scan looks like to a text extractor."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(pages):
        c.setFillGray(0.2 + 0.3 * i)
        c.rect(100, 400, 300, 200, fill=1)
        c.circle(250, 250, 60 + 10 * i, fill=1)
        c.line(50, 100, 500, 120)
        c.showPage()
    c.save()
    return path


def make_partly_scanned_pdf(path: Path) -> Path:
    """Page 1 text, page 2 shapes only, page 3 text."""
    from reportlab.pdfgen import canvas

    _register_cid("HeiseiMin-W3")
    c = canvas.Canvas(str(path))
    c.setFont("HeiseiMin-W3", 12)
    c.drawString(50, 780, "一ページ目の本文。")
    c.showPage()
    c.rect(100, 400, 300, 200, fill=1)
    c.showPage()
    c.setFont("HeiseiMin-W3", 12)
    c.drawString(50, 780, "三ページ目の本文。")
    c.showPage()
    c.save()
    return path


def long_pdf_page_text(n: int) -> str:
    return f"第{n}ページ：議事録の本文、項目{n * 7}。\nPage {n} of the long report."


def make_long_pdf(path: Path, pages: int = 200) -> Path:
    """Many pages, each with its own text (long_pdf_page_text), alternating the two CID fonts."""
    from reportlab.pdfgen import canvas

    for font in CID_FONTS:
        _register_cid(font)
    c = canvas.Canvas(str(path))
    for n in range(1, pages + 1):
        y = 780
        for line in long_pdf_page_text(n).split("\n"):
            c.setFont(CID_FONTS[n % 2] if not line.startswith("Page") else "Helvetica", 12)
            c.drawString(50, y, line)
            y -= 20
        c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: Path, user_password: str = "secret", owner_password: str | None = "owner") -> Path:
    """A text PDF encrypted with pypdf (RC4-128: no extra crypto library needed).
    ``user_password=""`` gives a PDF that opens without a password (permissions only)."""
    from pypdf import PdfReader, PdfWriter

    plain = make_cid_pdf(path.with_name(path.name + ".plain.pdf"), pages=JA_PAGES[:1])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    plain.unlink()
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    with open(path, "wb") as f:
        writer.write(f)
    return path


def make_truncated_pdf(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_garbled_pdf(path: Path, source: Path) -> Path:
    """The header survives, every 37th byte after it is noise."""
    data = bytearray(source.read_bytes())
    rnd = random.Random(1)
    for i in range(200, len(data), 37):
        data[i] = rnd.randrange(256)
    path.write_bytes(bytes(data))
    return path


# ---- Word -------------------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    """Title, headings, paragraphs and a table between them (DOCX_EXPECTED is what Hearth reads)."""
    import docx

    d = docx.Document()
    d.add_heading("年次報告書", level=0)  # the Title style
    d.add_paragraph("この文書は見出し、段落、表を含みます。")
    d.add_paragraph("")  # an empty paragraph: no block of its own
    d.add_heading("売上", level=2)
    d.add_paragraph("四半期ごとの売上は次の表の通りです。")
    rows = [("四半期", "売上（百万円）", "備考"), ("第1四半期", "120", "前年比 +5%"), ("第2四半期", "135", "新製品の発売")]
    table = d.add_table(rows=len(rows), cols=3)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("表の後の段落です。")
    d.add_heading("今後の予定", level=3)
    d.add_paragraph("来年度も改善を続けます。")
    d.save(str(path))
    return path


DOCX_COMPLEX_EXPECTED = "\n\n".join([
    "## 変更履歴つきの段落",
    "残す文と追加した文、リンク先は Hearth のサイトです。\t二列目\n改行後",
    "コンテンツコントロールの中の段落。",
    "本文の段落。",
    "テキストボックスの中。",
    "結合\n上 | 下の 左 | 右\n | 入れ子: 内1, 内2; 内3, 内4 | 最後",  # a cell's paragraphs: one line
    "# 独自スタイルの見出し",
])

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_COMPLEX_BODY = [
    f'''<w:p {_W}><w:pPr><w:pStyle w:val="JaHeading2"/></w:pPr><w:r><w:t>変更履歴つきの段落</w:t></w:r></w:p>''',
    f'''<w:p {_W} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
      <w:r><w:t xml:space="preserve">残す文と</w:t></w:r>
      <w:del w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>消した文と</w:delText></w:r></w:del>
      <w:ins w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>追加した文</w:t></w:r></w:ins>
      <w:r><w:t xml:space="preserve">、リンク先は </w:t></w:r>
      <w:hyperlink r:id="rIdNone"><w:r><w:t>Hearth</w:t></w:r></w:hyperlink>
      <w:smartTag w:uri="urn:x" w:element="place"><w:r><w:t xml:space="preserve"> のサイト</w:t></w:r></w:smartTag>
      <w:fldSimple w:instr=" QUOTE x "><w:r><w:t>です。</w:t></w:r></w:fldSimple>
      <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
      <w:r><w:fldChar w:fldCharType="end"/></w:r>
      <w:r><w:tab/><w:t>二列目</w:t><w:br/><w:t>改行後</w:t></w:r></w:p>''',
    f'''<w:sdt {_W}><w:sdtPr><w:alias w:val="box"/></w:sdtPr><w:sdtContent>
      <w:p><w:r><w:t>コンテンツコントロールの中の段落。</w:t></w:r></w:p></w:sdtContent></w:sdt>''',
    f'''<w:p {_W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
         xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
         xmlns:v="urn:schemas-microsoft-com:vml">
      <w:r><w:t>本文の段落。</w:t></w:r>
      <w:r><mc:AlternateContent>
        <mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>
          <w:p><w:r><w:t>テキストボックスの中。</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>
        <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
          <w:p><w:r><w:t>テキストボックスの中。</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
      </mc:AlternateContent></w:r></w:p>''',
    f'''<w:tbl {_W}><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
      <w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>結合</w:t></w:r></w:p></w:tc>
            <w:tc><w:p/></w:tc></w:tr>
      <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>上</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:t>下の</w:t></w:r></w:p><w:p><w:r><w:t>左</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:t>右</w:t></w:r></w:p></w:tc></w:tr>
      <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>
            <w:tc><w:p><w:r><w:t>入れ子:</w:t></w:r></w:p>
              <w:tbl><w:tr><w:tc><w:p><w:r><w:t>内1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内2</w:t></w:r></w:p></w:tc></w:tr>
                     <w:tr><w:tc><w:p><w:r><w:t>内3</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内4</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
              <w:p/></w:tc>
            <w:tc><w:p><w:r><w:t>最後</w:t></w:r></w:p></w:tc></w:tr>
      <w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>''',
    f'''<w:p {_W}><w:pPr><w:pStyle w:val="OutlineOne"/></w:pPr><w:r><w:t>独自スタイルの見出し</w:t></w:r></w:p>''',
]
_COMPLEX_STYLES = [
    # a heading style named in Japanese, and a custom style that is a heading by its outline level
    f'''<w:style {_W} w:type="paragraph" w:styleId="JaHeading2"><w:name w:val="見出し 2"/></w:style>''',
    f'''<w:style {_W} w:type="paragraph" w:styleId="OutlineBase"><w:name w:val="Outline base"/>
      <w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>''',
    f'''<w:style {_W} w:type="paragraph" w:styleId="OutlineOne"><w:name w:val="Chapter"/>
      <w:basedOn w:val="OutlineBase"/></w:style>''',
]


def make_complex_docx(path: Path) -> Path:
    """Tracked changes, hyperlink, smart tag, fields, tab and break, a content control, a text box
    (written twice by Word: DrawingML and a VML fallback), merged and nested table cells, and
    headings by a Japanese style name and by outline level (DOCX_COMPLEX_EXPECTED)."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    body = d.element.body
    sect = body[-1]  # w:sectPr stays last
    for xml in _COMPLEX_BODY:
        sect.addprevious(parse_xml(xml))
    styles = d.styles.element
    for xml in _COMPLEX_STYLES:
        styles.append(parse_xml(xml))
    d.save(str(path))
    return path


def make_empty_docx(path: Path) -> Path:
    import docx

    docx.Document().save(str(path))
    return path


def make_ole_docx(path: Path, encrypted: bool) -> Path:
    """An OLE compound file named .docx: a password-protected .docx (its streams include
    "EncryptedPackage") or an old .doc. Only the bytes Hearth looks at are real."""
    body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    name = ("EncryptedPackage" if encrypted else "WordDocument").encode("utf-16-le")
    body += name + bytes(1024 - len(name))
    path.write_bytes(bytes(body))
    return path


def make_not_a_zip_docx(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)  # a zip signature, then nothing sensible
    return path


def make_zip_without_document(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    return path


# ---- hostile files: small on disk, huge or slow once read ------------------------------------


def zeros(size: int, block: int = 1 << 20):
    """``size`` bytes of zeros, a block at a time (a part that deflates about 1,000 times)."""
    chunk = bytes(block)
    for _ in range(size // block):
        yield chunk
    if size % block:
        yield bytes(size % block)


def style_padding(size: int):
    """A styles.xml of about ``size`` bytes: the same character style over and over."""
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {_W}>'.encode()
    block = ('<w:style w:type="character" w:styleId="x"><w:name w:val="x"/></w:style>' * 10_000).encode()
    for _ in range(max(1, size // len(block))):
        yield block
    yield b"</w:styles>"


def one_letter_paragraphs(n: int, seed: int | None = None):
    """A document.xml of ``n`` paragraphs of one letter each: all "a" (deflates over 300 times), or
    random letters from ``seed`` (about 25 times: under any compression-ratio limit)."""
    rnd = random.Random(seed) if seed is not None else None
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_W}><w:body>'.encode()
    letters = "abcdefghijklmnopqrstuvwxyz"
    for start in range(0, n, 10_000):
        yield "".join(f"<w:p><w:r><w:t>{rnd.choice(letters) if rnd else 'a'}</w:t></w:r></w:p>"
                      for _ in range(min(10_000, n - start))).encode()
    yield b"<w:sectPr/></w:body></w:document>"


def one_letter_expected(n: int, seed: int | None = None) -> list[str]:
    """The letters ``one_letter_paragraphs(n, seed)`` writes, in order."""
    rnd = random.Random(seed) if seed is not None else None
    return [rnd.choice("abcdefghijklmnopqrstuvwxyz") if rnd else "a" for _ in range(n)]


def make_docx_with_parts(path: Path, parts: dict, base: Path | None = None) -> Path:
    """A copy of ``base`` (make_docx's document by default) with ``parts`` (name → bytes, or an iterable of
    byte blocks, streamed) put in or replaced, every part deflated."""
    made = base is None
    if made:
        base = make_docx(path.with_name(path.stem + "-base.docx"))
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in parts:
                zout.writestr(info.filename, zin.read(info.filename))
        for name, data in parts.items():
            with zout.open(name, "w", force_zip64=True) as f:
                for block in ([data] if isinstance(data, bytes) else data):
                    f.write(block)
    if made:
        base.unlink()
    return path


def _central_directory(data: bytes) -> tuple[int, int, int]:
    """(offset of the end record, offset of the central directory, number of entries) of a small zip."""
    end = data.rindex(b"PK\x05\x06")
    count = int.from_bytes(data[end + 10:end + 12], "little")
    offset = int.from_bytes(data[end + 16:end + 20], "little")
    return end, offset, count


def declare_smaller(path: Path, member: str, size: int) -> Path:
    """Make the central directory say ``member`` inflates to ``size`` bytes (less than it does)."""
    data = bytearray(path.read_bytes())
    end, pos, count = _central_directory(bytes(data))
    for _ in range(count):
        name_len, extra_len, comment_len = (int.from_bytes(data[pos + k:pos + k + 2], "little") for k in (28, 30, 32))
        if data[pos + 46:pos + 46 + name_len].decode() == member:
            data[pos + 24:pos + 28] = size.to_bytes(4, "little")
        pos += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))
    return path


def add_overlapping_entry(path: Path, member: str, alias: str) -> Path:
    """A second central-directory entry, ``alias``, for the compressed bytes of ``member`` (how an
    "overlapping" zip bomb multiplies one deflated stream)."""
    data = path.read_bytes()
    end, start, count = _central_directory(data)
    pos = start
    copy = b""
    for _ in range(count):
        name_len, extra_len, comment_len = (int.from_bytes(data[pos + k:pos + k + 2], "little") for k in (28, 30, 32))
        size = 46 + name_len + extra_len + comment_len
        if data[pos + 46:pos + 46 + name_len].decode() == member:
            entry = bytearray(data[pos:pos + size])
            entry[28:30] = len(alias.encode()).to_bytes(2, "little")
            copy = bytes(entry[:46]) + alias.encode() + bytes(entry[46 + name_len:])
        pos += size
    directory = data[start:end] + copy
    record = bytearray(data[end:end + 22])
    record[8:10] = record[10:12] = (count + 1).to_bytes(2, "little")
    record[12:16] = len(directory).to_bytes(4, "little")
    path.write_bytes(data[:start] + directory + bytes(record))
    return path


def make_slow_pdf(path: Path, pages: list[str | int], tokens: int = 1_990_000) -> Path:
    """A PDF built by hand, one page per item of ``pages``: a str is a page of that text (ASCII); an int
    is a page drawing content stream number ``n`` of "(a) Tj" repeated to ``tokens`` tokens, just under
    pypdf's limit of 2,000,000 (about 10 KB deflated; pypdf takes about half a minute over it). Pages
    with the same number share one stream object."""
    import zlib

    streams: dict[int | str, int] = {}
    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    page_objects: list[bytes] = []
    for item in pages:
        key = item if isinstance(item, int) else f"text{len(page_objects)}"
        if key not in streams:
            if isinstance(item, int):
                ops = b"BT /F1 12 Tf 72 720 Td " + b"(a) Tj " * ((tokens - 10) // 2) + (b"(%d) Tj ET" % item)
            else:
                ops = b"BT /F1 12 Tf 72 720 Td (" + item.encode("ascii") + b") Tj ET"
            body = zlib.compress(ops, 9)
            objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream")
            streams[key] = len(objects)
        page_objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % streams[key])
    first_page = len(objects) + 1
    objects.extend(page_objects)
    kids = b" ".join(b"%d 0 R" % (first_page + k) for k in range(len(page_objects)))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(page_objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


# ---- text -------------------------------------------------------------------------------


def write_text(path: Path, text: str, encoding: str, newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def make_binary_txt(path: Path) -> Path:
    """A PNG's signature and random bytes (NULs included), named .txt."""
    rnd = random.Random(7)
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rnd.randrange(256) for _ in range(4096)))
    return path


def make_high_bytes_txt(path: Path) -> Path:
    """Random bytes 0x80–0xFF, no NULs: no encoding reads them as text."""
    rnd = random.Random(3)
    path.write_bytes(bytes(rnd.randrange(0x80, 256) for _ in range(2000)))
    return path


# ---- everything ---------------------------------------------------------------------------


def make_all(folder: Path) -> dict[str, Path]:
    """Every generated document in ``folder``, by a short name."""
    folder.mkdir(parents=True, exist_ok=True)
    f = folder
    docs: dict[str, Path] = {}
    for font in CID_FONTS:
        docs[f"cid_{font}"] = make_cid_pdf(f / f"ja-{font}.pdf", font)
    docs["wrapped"] = make_wrapped_cid_pdf(f / "ja-wrapped.pdf")
    docs["glyphs"] = make_glyph_by_glyph_pdf(f / "ja-glyphs.pdf")
    docs["image_only"] = make_image_only_pdf(f / "scan.pdf")
    docs["partly_scanned"] = make_partly_scanned_pdf(f / "partly-scanned.pdf")
    docs["encrypted"] = make_encrypted_pdf(f / "encrypted.pdf")
    docs["owner_only"] = make_encrypted_pdf(f / "owner-only.pdf", user_password="")
    docs["truncated"] = make_truncated_pdf(f / "truncated.pdf", docs["cid_HeiseiMin-W3"])
    docs["garbled"] = make_garbled_pdf(f / "garbled.pdf", docs["cid_HeiseiMin-W3"])
    docs["docx"] = make_docx(f / "report.docx")
    docs["complex_docx"] = make_complex_docx(f / "complex.docx")
    docs["empty_docx"] = make_empty_docx(f / "blank.docx")
    docs["encrypted_docx"] = make_ole_docx(f / "locked.docx", encrypted=True)
    docs["doc_as_docx"] = make_ole_docx(f / "old.docx", encrypted=False)
    docs["bad_zip_docx"] = make_not_a_zip_docx(f / "broken.docx")
    docs["xlsx_as_docx"] = make_zip_without_document(f / "sheet.docx")
    docs["sjis"] = write_text(f / "long-sjis.txt", LONG_JA + CP932_EXTRA, "cp932", "\r\n")
    docs["eucjp"] = write_text(f / "long-eucjp.txt", LONG_JA, "euc_jp")
    docs["utf16"] = write_text(f / "utf16.txt", UTF16_TEXT, "utf-16", "\r\n")
    docs["utf8_bom"] = write_text(f / "bom.md", UTF8_BOM_TEXT, "utf-8-sig")
    docs["markdown"] = write_text(f / "notes.markdown", MARKDOWN_TEXT, "utf-8")
    docs["html"] = write_text(f / "page.html", HTML_PAGE, "utf-8")
    docs["html_sjis"] = write_text(f / "page-sjis.htm", HTML_SJIS_PAGE, "cp932")
    docs["binary_txt"] = make_binary_txt(f / "picture.txt")
    docs["high_bytes_txt"] = make_high_bytes_txt(f / "noise.txt")
    for suffix in (".txt", ".pdf", ".docx"):
        docs[f"empty{suffix}"] = f / f"empty{suffix}"
        docs[f"empty{suffix}"].write_bytes(b"")
    docs["unsupported"] = f / "budget.xlsx"
    docs["unsupported"].write_bytes(b"PK\x03\x04")
    return docs


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "generated-docs")
    for key, p in make_all(out).items():
        print(f"{key:>16}  {p}")
