"""What the full-text index reads, and what a question is looked up by.

English (and any language with spaces) is left to SQLite's ``unicode61`` word tokenizer with
Porter stemming ("budgets" finds "budget"). Japanese and Chinese have no spaces, and most of their
words are two characters long (予算, 会議, 見直し): neither word tokens nor the trigram tokenizer of the
chat search can find 予算 in 予算の見直し from a question that says 予算は. So runs of those scripts
are written as overlapping character pairs (予算の見直し -> 予算 算の の見 見直 直し), the classic
approach of CJK search engines, and pairs of two hiragana (mostly particles and endings: した, ます)
are left out. The question goes through the same function, so both sides agree.

NFKC first: full-width ＡＢＣ１２ and half-width ｶﾀｶﾅ read like their usual forms.
"""

from __future__ import annotations

import re
import unicodedata

# Kana, kanji (with the iteration marks), the prolonged sound mark; Hangul too.
_CJK = r"\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_HIRAGANA = re.compile(r"[\u3040-\u309f]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Words too common in English questions to say anything about the answer.
STOPWORDS = frozenset("""
a about above after again all also am an and any are as at be because been before being below between
both but by can could did do does doing done down during each few for from further had has have having he
her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our ours out over own please same she should so some such than that the their theirs
them then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours tell give show find know
""".split())


def _pairs(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    out = []
    for i in range(len(run) - 1):
        pair = run[i:i + 2]
        if _HIRAGANA.match(pair[0]) and _HIRAGANA.match(pair[1]):
            continue
        out.append(pair)
    if not out and run:          # all hiragana (a word written in kana): keep its pairs anyway
        out = [run[i:i + 2] for i in range(len(run) - 1)]
    return out


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def index_terms(text: str) -> str:
    """The text the word index reads: Latin words as they are, CJK runs as character pairs."""
    text = normalize(text)
    out, pos = [], 0
    for m in _CJK_RUN.finditer(text):
        if m.start() > pos:
            out.append(text[pos:m.start()])
        out.append(" " + " ".join(_pairs(m.group())) + " ")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def has_cjk(text: str) -> bool:
    return _CJK_RUN.search(normalize(text)) is not None


def query_terms(question: str) -> list[str]:
    """The distinct terms of a question, in order: CJK character pairs and words (stopwords left out
    unless nothing else is left)."""
    text = normalize(question)
    terms: list[str] = []
    words: list[str] = []
    pos = 0
    for m in _CJK_RUN.finditer(text):
        words += _WORD.findall(text[pos:m.start()])
        terms += _pairs(m.group())
        pos = m.end()
    words += _WORD.findall(text[pos:])
    content = [w for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    terms += content if (content or terms) else words
    seen, out = set(), []
    for t in terms:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def is_cjk_token(term: str) -> bool:
    """A term that is one whole token of the indexed text as it is written (a pair or a single character of
    kana and kanji, no punctuation such as ・): found in ``index_terms`` output between spaces."""
    return _CJK_RUN.fullmatch(term) is not None and term.isalnum()


def weighed_terms(terms: list[str]) -> list[str]:
    """The terms that say what a question is about, for judging whether a passage answers it: a Japanese
    pair holding a hiragana (者は, 名で, の予, 案に) is mostly a particle or an ending glued to a word,
    which the answer's page need not share (出席者は何名でしたか / 出席者：１２名), so it is left out of that
    judgement (still searched for); all of them are kept when nothing else is left."""
    kept = [t for t in terms if not _HIRAGANA.search(t)]
    return kept or list(terms)


def match_expression(terms: list[str]) -> str:
    """An FTS5 query matching any of ``terms`` (each quoted: no operator can come from the question)."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
