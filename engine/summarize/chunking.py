"""Split a document into chunks that fit the model's context, in document order.

Pure functions: token counts come from a callable (the model's own tokenizer
in the app, a stand-in in tests).

Boundaries, best first: paragraphs (blank lines, page ends), then sentences
(``. ! ?`` followed by a space; Japanese and full-width ``。！？!?…`` with any
closing bracket or quote after them; line breaks), then — only for a single
sentence longer than a whole chunk — characters, never inside a character
(combining marks, emoji joiner sequences and variation selectors stay with
their base). Punctuation stays with its sentence; whitespace stays with the
text before it, so the chunks put back together are the document.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

# A sentence ends after a terminator (and any closing quotes/brackets) and the
# whitespace after it; or at a line break.
_SENTENCE_END = re.compile(
    r"""(?:
        [。！？!?…]+[」』）)\]】〕〉》"'”’]*\s*      # Japanese / full-width, no space needed
      | [.]+[)\]"'”’]*\s+                          # Latin full stop: needs a space after it
      | \n+\s*                                    # a line break
    )""", re.X)
_PARAGRAPH_END = re.compile(r"\n[ \t\u3000]*\n\s*")


@dataclass
class Unit:
    """A piece of text that is never split further (unless it alone exceeds a chunk)."""

    text: str
    page: int
    tokens: int = 0
    paragraph_end: bool = False


@dataclass
class Chunk:
    index: int
    text: str
    page_start: int
    page_end: int
    tokens: int          # sum of its units' counts (the exact prompt is counted separately)

    @property
    def pages_label(self) -> str:
        return pages_label(self.page_start, self.page_end)


def pages_label(start: int, end: int) -> str:
    return f"p. {start}" if start == end else f"pp. {start}\u2013{end}"


def split_sentences(text: str) -> list[str]:
    """Sentences with their punctuation and trailing whitespace; ``"".join(result) == text``."""
    out, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > pos:
            out.append(text[pos:m.end()])
            pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return [s for s in out if s]


def split_units(pages: Sequence[tuple[int, str]]) -> list[Unit]:
    """Pages ``(number, text)`` -> sentence units in order, paragraph ends marked."""
    units: list[Unit] = []
    for number, text in pages:
        if not text.strip():
            continue
        pos = 0
        paragraphs = []
        for m in _PARAGRAPH_END.finditer(text):
            paragraphs.append(text[pos:m.end()])
            pos = m.end()
        paragraphs.append(text[pos:])
        for para in paragraphs:
            sents = split_sentences(para)
            for i, s in enumerate(sents):
                units.append(Unit(s, number, paragraph_end=(i == len(sents) - 1)))
        if units:
            units[-1].paragraph_end = True
            if not units[-1].text.endswith("\n"):
                units[-1].text += "\n\n"   # a page ends a paragraph
    return units


def _is_glue(ch: str) -> bool:
    """Characters that belong to the one before them."""
    return (unicodedata.combining(ch) != 0 or ch in "\u200d\ufe0e\ufe0f"
            or "\U0001f3fb" <= ch <= "\U0001f3ff"            # skin tones
            or "\U000e0020" <= ch <= "\U000e007f"            # tag sequences (flags)
            or unicodedata.category(ch) in ("Mn", "Me"))


def safe_cut(text: str, at: int) -> int:
    """The nearest cut at or before ``at`` that does not split a character
    (a base and its combining marks, an emoji sequence joined by ZWJ)."""
    at = max(1, min(at, len(text)))
    while 0 < at < len(text) and (_is_glue(text[at]) or text[at - 1] == "\u200d"):
        at -= 1
    if at == 0:  # one huge cluster: cut after it
        at = 1
        while at < len(text) and (_is_glue(text[at]) or text[at - 1] == "\u200d"):
            at += 1
    return at


def _split_long(unit: Unit, budget: int, count: Callable[[list[str]], list[int]]) -> list[Unit]:
    """Cut one over-long sentence into pieces of at most ``budget`` tokens."""
    pieces, rest = [], unit.text
    while rest:
        n = count([rest])[0]
        if n <= budget:
            pieces.append(Unit(rest, unit.page, n, unit.paragraph_end))
            break
        # Characters per token from this text, then shrink until it fits.
        at = safe_cut(rest, max(1, int(len(rest) * budget / n)))
        while True:
            k = count([rest[:at]])[0]
            if k <= budget or at <= 1:
                break
            at = safe_cut(rest, max(1, int(at * 0.9)))
        pieces.append(Unit(rest[:at], unit.page, k))
        rest = rest[at:]
    return pieces


def make_chunks(units: list[Unit], budget: int, count: Callable[[list[str]], list[int]]) -> list[Chunk]:
    """Group units into chunks of at most ``budget`` tokens (by the units' counts),
    preferring to end a chunk at a paragraph end once it is at least half full."""
    if budget < 1:
        raise ValueError("no room for document text in the context")
    missing = [u for u in units if not u.tokens]
    if missing:
        for u, n in zip(missing, count([u.text for u in missing])):
            u.tokens = n
    flat: list[Unit] = []
    for u in units:
        flat.extend(_split_long(u, budget, count) if u.tokens > budget else [u])
    chunks: list[Chunk] = []
    cur: list[Unit] = []
    cur_tokens = 0
    last_para = -1   # index in cur after the last paragraph end

    def emit(upto: int) -> None:
        nonlocal cur, cur_tokens, last_para
        part, cur = cur[:upto], cur[upto:]
        chunks.append(Chunk(len(chunks), "".join(u.text for u in part), part[0].page, part[-1].page,
                            sum(u.tokens for u in part)))
        cur_tokens = sum(u.tokens for u in cur)
        last_para = -1
        for i, u in enumerate(cur):
            if u.paragraph_end:
                last_para = i + 1

    for u in flat:
        if cur and cur_tokens + u.tokens > budget:
            # Prefer a paragraph boundary if it keeps the chunk at least half full.
            if last_para > 0 and sum(x.tokens for x in cur[:last_para]) >= budget // 2:
                emit(last_para)
            else:
                emit(len(cur))
            while cur and cur_tokens + u.tokens > budget:
                emit(len(cur))
        cur.append(u)
        cur_tokens += u.tokens
        if u.paragraph_end:
            last_para = len(cur)
    if cur:
        emit(len(cur))
    return chunks
