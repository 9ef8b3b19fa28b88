"""Facts a summary must keep: figures, dates and names, found deterministically (no model).

``extract_facts(text)`` finds candidates in English and Japanese: amounts and percentages
(``$61.5 million``, ``12%``, ``120億円``, ``1万1千人``, ``4割``), dates (``14 October 2024``,
``Q3 2024``, ``2024年3月``, ``令和6年度``), and names (capitalised words, acronyms, katakana
words, names in 「」, organisations and people by their suffix: ``北浜市``, ``佐伯真理子局長``).
``rank_facts`` orders them by how much a reader needs them; ``fact_in`` checks a summary for one
(spacing, full-width characters and thousands separators do not matter).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_EN_PATTERNS = [
    ("date", rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}\b"),
    ("date", rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"),
    ("date", rf"\b(?:{_MONTHS})\.?\s+\d{{4}}\b"),
    ("date", r"\b\d{4}-\d{2}-\d{2}\b"),
    ("date", r"\bQ[1-4]\s+\d{4}\b"),
    ("amount", rf"[$€£¥]\s?(?:{_NUM})(?:\s?(?:million|billion|thousand|bn|m|k)\b)?"),
    ("amount", rf"\b(?:{_NUM})\s?(?:%|percent\b|per cent\b)"),
    ("amount", rf"\b(?:{_NUM})\s(?:million|billion|thousand|trillion)\b"),
    ("number", r"\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+\.\d+\b|\b\d{2,}\b"),
]
_JA_UNITS = "|".join(sorted(
    "円 ドル ユーロ 人 名 件 戸 世帯 % 倍 ポイント 台 社 棟 校 店 か所 カ所 ヶ所 箇所 キロメートル キロ メートル ヘクタール "
    "平方メートル トン キロワット時 キロワット ワット 時間 分 秒 か月 ヶ月 カ月 日間 年間 割 歳 回 部 機 本 冊 種類".split(),
    key=len, reverse=True))   # longest first: キロワット時 before キロ
_JA_NUM = r"\d+(?:[,.]\d+)*(?:[万億兆千百](?:\d+(?:[,.]\d+)*)?)*"
_JA_PATTERNS = [
    ("date", r"(?:令和|平成|昭和)\s*[\d元]+年(?:度|\d{1,2}月(?:\d{1,2}日)?)?"),
    ("date", r"\d{4}年(?:度|\d{1,2}月(?:\d{1,2}日)?)?"),
    ("date", r"\d{1,2}月\d{1,2}日"),
    ("amount", rf"(?:{_JA_NUM})\s*(?:{_JA_UNITS})"),
    ("amount", r"\d+(?:[,.]\d+)*[万億兆]"),
]
_KANJI = "\u3400-\u9fff\uf900-\ufaff\u3005"
_KATAKANA = "\u30a1-\u30fa\u30fc"
_JA_NAME_PATTERNS = [
    ("name", r"「([^「」、。\n]{2,16})」"),
    ("name", rf"([{_KANJI}{_KATAKANA}]{{1,10}}(?:株式会社|信用金庫|銀行|大学|病院|研究所|委員会|協会|財団|"
             rf"市|県|町|村|省|庁|駅))(?![{_KANJI}])"),
    ("name", rf"([{_KANJI}]{{2,5}})(?:氏|局長|社長|会長|市長|知事|議員|教授|部長|課長|さん)"),
    ("name", rf"(?:株式会社)([{_KANJI}{_KATAKANA}]{{2,12}})"),
    ("term", rf"([{_KATAKANA}]{{4,}})"),
]
_EN_NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:[A-Z][a-z]+)*|[A-Z]{2,}[a-z]*)(?:[ \-](?:[A-Z][a-z]+|[A-Z]{2,}|of|de|van|von))*"
                      r"(?<!\bof)(?<!\bde)(?<!\bvan)(?<!\bvon)\b")
_SENTENCE_START = re.compile(r"(?:^\s*(?:[-*•]\s+)?|[.!?:;]\s+|\n\s*(?:[-*•]\s+)?)$")
_EN_COMMON = frozenset("""The A An This That These Those It Its In On At By For From With To Of And But Or If
As After Before During While When Where Why How What Who Which There Here Our Their His Her We They He She
You I Most Many Some All Each Every Other New Also One Two Three Four Five Six Seven Eight Nine Ten First
Second Third Chief Staff Customer Revenue Storage Fuel Capital Cash Operating Headcount Safety Finance
Transport People Warehouses Decisions Summary Page Pages Part Note Notes Action Items Monday Tuesday
Wednesday Thursday Friday Saturday Sunday January February March April May June July August September
October November December""".split())
_KIND_WEIGHT = {"amount": 3.0, "date": 3.0, "name": 2.0, "number": 1.5, "term": 1.0, "year": 1.5}
_HIRAGANA = re.compile("[\u3041-\u309f]")


@dataclass(frozen=True)
class Fact:
    text: str
    kind: str          # "amount", "date", "year", "name", "term" (a katakana word), "number"
    position: int = 0  # where it first occurs in the text it came from


def key(text: str) -> str:
    """The form facts are compared in: NFKC, lower case, no spaces, digit groups without commas."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"(?<=\d),(?=\d)", "", t)
    t = t.replace("percent", "%").replace("per cent", "%")
    return re.sub(r"\s+", "", t)


def fact_in(fact: Fact | str, text: str) -> bool:
    """Is ``fact`` stated in ``text``? A number must not run on into other digits (12 is not in 120)."""
    f = key(fact.text if isinstance(fact, Fact) else fact)
    t = key(text)
    if not f:
        return False
    pattern = re.escape(f)
    if f[0].isdigit():
        pattern = r"(?<![\d.])" + pattern
    if f[-1].isdigit():
        pattern += r"(?![\d]|[.]\d)"
    return re.search(pattern, t) is not None


def extract_facts(text: str) -> list[Fact]:
    """Candidate facts in ``text`` in order of first appearance, each once; a fact inside a longer one
    (``2024年`` in ``2024年3月``, ``12`` in ``12%``) is left out."""
    t = unicodedata.normalize("NFKC", text)
    spans: list[tuple[int, int, str, str]] = []
    for kind, pat in _EN_PATTERNS + _JA_PATTERNS:
        for m in re.finditer(pat, t, flags=re.I if kind == "date" else 0):
            spans.append((m.start(), m.end(), kind, m.group(0).strip()))
    for kind, pat in _JA_NAME_PATTERNS:
        for m in re.finditer(pat, t):
            name = m.group(1).strip()
            if len(_HIRAGANA.findall(name)) * 2 > len(name):
                continue   # a quoted sentence, not a name
            spans.append((m.start(1), m.end(1), kind, name))
    for m in _EN_NAME.finditer(t):
        words = m.group(0).split()
        at_start = bool(_SENTENCE_START.search(t[max(0, m.start() - 4):m.start()])) or m.start() == 0
        while words and words[0] in _EN_COMMON:
            words = words[1:]
            at_start = False
        if not words:
            continue
        name = " ".join(words)
        if (at_start and len(words) == 1 and not name.isupper()) or len(name) < 2:
            continue   # a capitalised first word is no sign of a name
        start = m.start() + m.group(0).find(words[0])
        spans.append((start, start + len(name), "name", name))
    # Longest first: a span inside a kept one goes.
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    kept: list[tuple[int, int, str, str]] = []
    for s in spans:
        if any(k[0] <= s[0] and s[1] <= k[1] for k in kept):
            continue
        kept.append(s)
    kept.sort()
    seen, out = set(), []
    for a, _, kind, txt in kept:
        k = key(txt)
        if k in seen or not k:
            continue
        seen.add(k)
        if kind in ("date", "number") and re.fullmatch(r"(?:1[89]\d\d|20\d\d)年?|(?:令和|平成|昭和)\s*[\d元]+年", txt):
            kind = "year"
        out.append(Fact(txt, kind, a))
    return out


def rank_facts(texts: list[str], limit: int) -> list[Fact]:
    """The ``limit`` facts of ``texts`` a reader most needs: amounts and dates before names before bare
    numbers, facts found in several texts (or often) first, then in order of appearance."""
    counts: Counter = Counter()
    first: dict[str, tuple[int, int, Fact]] = {}
    for ti, text in enumerate(texts):
        for f in extract_facts(text):
            k = key(f.text)
            counts[k] += 1 + sum(1 for _ in re.finditer(re.escape(f.text), text)) * 0.25
            if k not in first:
                first[k] = (ti, f.position, f)
    def score(k: str) -> float:
        f = first[k][2]
        return _KIND_WEIGHT.get(f.kind, 1.0) + min(counts[k], 4) * 0.4
    order = sorted(first, key=lambda k: (-score(k), first[k][0], first[k][1]))
    chosen = order[:max(limit, 0)]
    return [first[k][2] for k in sorted(chosen, key=lambda k: (first[k][0], first[k][1]))]


def kept_and_dropped(facts: list[Fact | str], summary: str) -> tuple[list[str], list[str]]:
    """Which of ``facts`` are in ``summary`` and which are not, as their texts (a string is its own
    text). The summariser passes the final summary with its page references stripped."""
    texts = [f.text if isinstance(f, Fact) else f for f in facts]
    kept = [t for f, t in zip(facts, texts) if fact_in(f, summary)]
    dropped = [t for f, t in zip(facts, texts) if not fact_in(f, summary)]
    return kept, dropped
