"""Plain text and Markdown: find the encoding, decode, one page.

Order of the checks (Japanese first):
1. a byte-order mark: UTF-8 ("utf-8-sig"), UTF-32, UTF-16 ("utf-16");
2. NUL bytes: UTF-16 without a mark if the bytes decode to clean text, otherwise binary;
3. ISO-2022-JP when its escape sequences are there, then strict UTF-8 ("utf-8", ASCII included);
   an HTML page's own charset comes next, when the bytes are not UTF-8;
4. the Japanese legacy encodings, strictly: CP932 (Windows' Shift_JIS, a superset; preferred
   on a tie) and EUC-JP, scored by how Japanese the result reads: EUC-JP bytes also decode
   as CP932 but come out as half-width katakana, which scores low;
5. charset-normalizer for everything else (Western European code pages, Chinese, Korean...).
   It is weak on short Japanese text (it calls "こんにちは" in EUC-JP CP949), hence step 4 first.
Text with control characters after decoding is binary renamed .txt, and is refused.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from pathlib import Path

from engine.errors import BadInputError
from engine.documents import Document, Page, clean_text

log = logging.getLogger("engine.documents.text")

MAX_TEXT_BYTES = 100 * 1024 * 1024
SCORE_SAMPLE = 65536  # characters scored when choosing between the Japanese encodings
JAPANESE_MIN_SCORE = 0.9

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_JAPANESE_NAMES = {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "ms932", "mskanji", "sjis",
                   "euc_jp", "euc_jis_2004", "euc_jisx0213", "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2",
                   "iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_ext"}
_CHINESE_KOREAN = {"big5", "big5hkscs", "cp950", "gb2312", "gbk", "gb18030", "hz", "cp949", "euc_kr",
                   "johab", "iso2022_kr"}


def read_text(path: Path, name: str, fmt: str, size: int, check, on_page) -> Document:
    data = read_bytes(path, name, size)
    check()
    text, encoding = decode_bytes(data, name)
    del data
    text = clean_text(text)
    if not text.strip():
        raise BadInputError(f"{name} has no text")
    if on_page is not None:
        on_page(1, 1)
    return Document(path=path, format=fmt, pages=[Page(1, text)], encoding=encoding, warnings=[])


def read_bytes(path: Path, name: str, size: int) -> bytes:
    if size > MAX_TEXT_BYTES:
        raise BadInputError(f"{name} is too large to read as text ({size / 1e6:.0f} MB; "
                            f"the limit is {MAX_TEXT_BYTES // (1024 * 1024)} MB)")
    try:
        with open(path, "rb") as f:
            return f.read(MAX_TEXT_BYTES + 1)
    except OSError as e:
        raise BadInputError(f"cannot read {name}: {e.strerror or e}") from None


def binary_error(name: str) -> BadInputError:
    return BadInputError(f"{name} is not a text file: it contains binary data")


def decode_bytes(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding name) for the bytes of a text file; ``declared`` (an HTML page's
    charset) is tried when the bytes are not UTF-8 (valid UTF-8 is UTF-8 whatever a page says)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                break  # a mark, then bytes that do not follow it: judge the bytes below
            if _is_binary(text):
                raise binary_error(name)
            return text, enc
    if b"\x00" in data:
        for enc in ("utf-16-le", "utf-16-be"):
            if len(data) % 2 == 0:
                try:
                    text = data.decode(enc)
                except UnicodeDecodeError:
                    continue
                if not _is_binary(text, strict=True):
                    return text, enc
        raise binary_error(name)
    if b"\x1b$" in data or b"\x1b(J" in data:  # 7-bit ISO-2022-JP (JIS, old e-mail) is also valid ASCII
        for enc in ("iso2022_jp", "iso2022_jp_2004", "iso2022_jp_ext"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if "\x1b" not in text and not _is_binary(text):
                return text, enc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _is_binary(text):
            raise binary_error(name)
        return text, "utf-8"
    if declared:
        enc = _normalise_declared(declared)
        if enc:
            try:
                text = data.decode(enc)
            except (UnicodeDecodeError, LookupError):
                pass
            else:
                if not _is_binary(text):
                    return text, enc

    japanese = _best_japanese(data)
    plausible = False
    if japanese is not None:
        text, enc, _, has_kana = japanese
        plausible = (japanese_score(text[:SCORE_SAMPLE], half_width=1.0)[0] >= JAPANESE_MIN_SCORE
                     and not _is_binary(text))
        if plausible and has_kana:
            return text, enc
    guess = _charset_normalizer(data)
    if plausible:
        # Long kanji-only text that charset-normalizer reads as Chinese or Korean is not Japanese.
        foreign = (guess is not None and guess[1] in _CHINESE_KOREAN
                   and sum(1 for c in text[:SCORE_SAMPLE] if ord(c) > 0x7f) >= 20)
        if not foreign:
            return text, enc
    if guess is not None:
        text, enc = guess
        if enc in _JAPANESE_NAMES:
            enc, text = _prefer_windows(data, enc, text)
        if _is_binary(text):
            raise binary_error(name)
        return text, enc
    raise BadInputError(f"{name} is not a text file Hearth can read: it is not UTF-8, UTF-16, Shift_JIS, "
                        "EUC-JP or another known text encoding")


def _normalise_declared(label: str) -> str | None:
    label = label.strip().strip("'\"").lower()
    try:
        enc = codecs.lookup(label).name
    except LookupError:
        aliases = {"windows-31j": "cp932", "x-sjis": "cp932", "x-euc-jp": "euc_jp"}
        enc = aliases.get(label)
        if enc is None:
            return None
    if enc in ("shift_jis", "ms932", "sjis"):
        return "cp932"
    if enc in ("utf-16", "utf-32", "utf-16-le", "utf-16-be"):
        return None  # an ASCII page cannot be UTF-16 whatever its meta says (the BOM was checked)
    return enc


def _prefer_windows(data: bytes, enc: str, text: str) -> tuple[str, str]:
    """Shift_JIS family → CP932 (its Windows superset), EUC family → euc_jp, when they decode."""
    target = "cp932" if "shift" in enc or enc in ("sjis", "ms932", "mskanji") else (
        "euc_jp" if enc.startswith("euc") else None)
    if target is None:
        return enc, text
    try:
        return target, data.decode(target)
    except UnicodeDecodeError:
        return enc, text


def _best_japanese(data: bytes):
    """(text, encoding, score, has_kana) of the strict Japanese decoding that reads most like Japanese."""
    best = None
    for enc in ("cp932", "euc_jp"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score, has_kana = japanese_score(text[:SCORE_SAMPLE])
        if best is None or score > best[2]:  # cp932 first: it wins a tie
            best = (text, enc, score, has_kana)
    return best


def japanese_score(text: str, half_width: float = 0.2) -> tuple[float, bool]:
    """Share of characters that belong in Japanese text (0..1), and whether any full-width kana is there.

    Half-width katakana count ``half_width``: little when comparing CP932 with EUC-JP (EUC-JP bytes
    read as CP932 come out as half-width katakana), fully when judging whether CP932 text is Japanese."""
    good = 0.0
    count = 0
    kana = False
    for c in text:
        if c.isspace():
            continue
        count += 1
        o = ord(c)
        if o < 0x80:
            good += 1 if c.isprintable() else 0
        elif 0x3040 <= o <= 0x30ff:  # hiragana, katakana
            good += 1
            kana = True
        elif 0x4e00 <= o <= 0x9fff or 0x3400 <= o <= 0x4dbf or 0xf900 <= o <= 0xfaff:  # kanji
            good += 1
        elif 0x3000 <= o <= 0x303f or 0xff01 <= o <= 0xff60 or 0xffe0 <= o <= 0xffef:  # punctuation, full width
            good += 1
        elif 0xff61 <= o <= 0xff9f:  # half-width katakana: rare in real text, everywhere in EUC read as CP932
            good += half_width
        elif 0xe000 <= o <= 0xf8ff:  # private use (CP932's user-defined area)
            pass
        elif unicodedata.category(c)[0] in "LNPS":  # Greek, Cyrillic, symbols, box drawing of JIS X 0208
            good += 0.5
    if count == 0:
        return 0.0, False
    return good / count, kana


def _charset_normalizer(data: bytes) -> tuple[str, str] | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:
        log.info("charset-normalizer failed", exc_info=True)
        return None
    if best is None or not best.encoding:
        return None
    enc = best.encoding
    if enc.startswith("utf_"):
        enc = enc.replace("_", "-")  # utf_16_le -> utf-16-le, as named above
    try:
        return data.decode(enc), enc
    except (UnicodeDecodeError, LookupError):
        return None


# C0 controls but tab, line feed, vertical tab, form feed, carriage return and escape; DEL; C1; lone surrogates
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ud800-\udfff]")
BINARY_SAMPLE = 1 << 20


def _is_binary(text: str, strict: bool = False) -> bool:
    """Control characters where text has none. ``strict`` (text decoded from bytes with NULs, so maybe
    UTF-16 without a mark, maybe not text at all): any control or unassigned character; otherwise more
    than 1 in 1000 control characters."""
    sample = text[:BINARY_SAMPLE]
    if strict:
        return bool(_BINARY.search(sample)) or any(
            unicodedata.category(c) in ("Cn", "Co") for c in sample[:SCORE_SAMPLE] if ord(c) > 0x2fff)
    bad = len(_BINARY.findall(sample))
    return bad > max(1, len(sample) // 1000)
