"""Pages -> passages: sentence-aware pieces of a few hundred tokens that never cross a page.

Sentences are found as the summariser finds them (``engine.summarize.chunking``: Latin full
stops followed by a space, Japanese ``。！？`` with any closing bracket, line breaks), grouped
greedily up to ``MAX_TOKENS``, ending a passage at a paragraph end once it is at least half full;
a single sentence longer than a passage is cut between characters (never inside one). Each
passage keeps its page number and its character offsets in that page's text
(``page_text[char_start:char_end] == passage.text``).

No model is needed to index, so passage sizes use a stated estimate of tokens (one per four ASCII
characters, one per other character: Japanese is about one token per character in the tokenizers
of today's models, English about one per four characters). The prompt that answers a question is
counted exactly with the model's own tokenizer (``engine.ask.answer``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable

from engine.summarize.chunking import _PARAGRAPH_END, safe_cut, split_sentences

MAX_TOKENS = 240          # a passage's size, estimated
_WORD_BREAK = re.compile(r"\s+")


def estimate_tokens(text: str) -> int:
    """One token per 4 ASCII characters, one per other character (rounded up)."""
    ascii_chars = sum(1 for c in text if c < "\x80")
    return math.ceil(ascii_chars / 4) + (len(text) - ascii_chars)


@dataclass
class Passage:
    page: int
    char_start: int
    char_end: int
    text: str
    tokens: int


def _pieces(text: str) -> Iterable[tuple[int, int, bool]]:
    """(start, end, paragraph_end) of the sentences of ``text``; long sentences cut to fit a passage."""
    pos = 0
    paragraphs = []
    for m in _PARAGRAPH_END.finditer(text):
        paragraphs.append((pos, m.end()))
        pos = m.end()
    paragraphs.append((pos, len(text)))
    for p_start, p_end in paragraphs:
        sentences = split_sentences(text[p_start:p_end])
        at = p_start
        for i, s in enumerate(sentences):
            last = i == len(sentences) - 1
            start, end = at, at + len(s)
            at = end
            while estimate_tokens(text[start:end]) > MAX_TOKENS:
                piece = text[start:end]
                # Characters that fit, at a word break when there is one in the second half.
                n, est = len(piece), estimate_tokens(piece)
                cut = safe_cut(piece, max(1, int(n * MAX_TOKENS / est)))
                while cut > 1 and estimate_tokens(piece[:cut]) > MAX_TOKENS:
                    cut = safe_cut(piece, max(1, int(cut * 0.9)))
                space = max((m.end() for m in _WORD_BREAK.finditer(piece, 0, cut)), default=0)
                if space > cut // 2:
                    cut = space
                yield start, start + cut, False
                start += cut
            if end > start:
                yield start, end, last


def split_page(number: int, text: str) -> list[Passage]:
    """The passages of one page (empty pages give none)."""
    out: list[Passage] = []
    cur_start = cur_end = None
    cur_tokens = 0
    para_end = None     # end offset of the last paragraph end in the passage being built
    para_tokens = 0

    def emit(end: int) -> None:
        raw = text[cur_start:end]
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            s = cur_start + lead
            out.append(Passage(number, s, s + len(stripped), stripped, estimate_tokens(stripped)))

    for start, end, paragraph_end in _pieces(text):
        n = estimate_tokens(text[start:end])
        if cur_start is not None and cur_tokens + n > MAX_TOKENS:
            if para_end is not None and para_end < cur_end and para_tokens >= MAX_TOKENS // 2:
                emit(para_end)       # end at the paragraph end; the rest starts the next passage
                cur_start, cur_tokens = para_end, cur_tokens - para_tokens
                if cur_tokens + n > MAX_TOKENS:
                    emit(cur_end)
                    cur_start, cur_tokens = None, 0
            else:
                emit(cur_end)
                cur_start, cur_tokens = None, 0
            para_end, para_tokens = None, 0
        if cur_start is None:
            cur_start = start
        cur_end = end
        cur_tokens += n
        if paragraph_end:
            para_end, para_tokens = end, cur_tokens
    if cur_start is not None:
        emit(cur_end)
    return out


def split_pages(pages: Iterable[tuple[int, str]]) -> list[Passage]:
    """Passages of every page, in order."""
    out: list[Passage] = []
    for number, text in pages:
        out.extend(split_page(number, text))
    return out
