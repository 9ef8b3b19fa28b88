"""What a small model's reply is worth: loops, echoes and copies caught while it streams; the text's
content words; how much of a text is copied from another; the most central sentences of a text.

Pure functions and one small class (``DegenerateWatch``), no model calls: the summariser feeds the
watch with the reply as it streams and stops the reply the moment the watch trips.

Reasons a reply is unusable (``DegenerateWatch.reason``):

- ``loop``: the same characters, token or n-gram over and over (``[p. 7] [p. 7] …``, a sentence again
  and again), or so few different n-grams at the end that the reply is going round in circles;
- ``echo``: the reply is mostly page labels or citations, or repeats the instruction;
- ``copy``: the reply is its input copied nearly word for word;
- ``empty``, ``garbled`` (replacement or control characters), ``language`` (not in the language
  asked for), ``unrelated`` (hardly a word of its input): judged once the reply is complete;
- ``invented``: no line of the reply is backed by its input (``unsupported_lines`` finds lines with
  figures the input has not, or hardly a word of it; the summariser drops them from a reply that is
  otherwise usable);
- ``facts``: the reply keeps fewer than a quarter of the facts it was told to keep (judged by the
  summariser, which knows them).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

REASONS = ("loop", "echo", "copy", "empty", "garbled", "language", "unrelated", "invented", "facts")

_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f\u3005\u30fc"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_KANJI_KATAKANA_RUN = re.compile("[\u30a1-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f\u3005]+")
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'\-]*|\d+(?:[.,]\d+)*%?")
# Page citations and part labels a model may write (or loop on): [p. 7], [pp. 3–4], [ページ 2], [2], 【2】
CITATION = re.compile(r"[\[【]\s*(?:pp?\.|pages?|ページ|part|部分)?\s*\d{1,6}(?:\s*[\u2013\u2014\-~〜,、]\s*\d{1,6})*"
                      r"\s*[\]】]", re.I)
_STOP = frozenset("""the and for that with this from are was were has have had been its their they them
will would can could not but which who whom what when where how all any each more most other some such
into than then there these those also very just about over under after before between while during
per our your his her she him you out off one two""".split())


def normalize(text: str) -> str:
    """NFKC, lower case, whitespace collapsed: the form texts are compared in."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def is_cjk_text(text: str) -> bool:
    letters = [ch for ch in text[:4000] if ch.isalpha()]
    return bool(letters) and sum(1 for ch in letters if _CJK_RUN.match(ch)) / len(letters) > 0.3


def content_tokens(text: str) -> list[str]:
    """The words that carry content: Latin words of three letters or more (no function words),
    numbers of two digits or more (without thousands separators), and in Japanese/Chinese the pairs
    of neighbouring kanji or katakana: hiragana is mostly grammar."""
    t = unicodedata.normalize("NFKC", text).lower()
    out = []
    for m in _WORD.finditer(t):
        w = m.group(0)
        if w[0].isdigit():
            if sum(ch.isdigit() for ch in w) >= 2:
                out.append(re.sub(r"(?<=\d),(?=\d)", "", w))
        elif len(w) >= 3 and w not in _STOP:
            out.append(w)
    for m in _KANJI_KATAKANA_RUN.finditer(t):
        run = m.group(0)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def _shingle_size(text: str) -> int:
    return 12 if is_cjk_text(text) else 24


class SourceGrams:
    """``source`` normalized (citations left out) and where each of its ``k``-character slices first
    and always stands: what ``copy_ratio``, ``longest_copy`` and ``copied_window`` work out from the
    source each time, worked out once for a source checked again and again (``DegenerateWatch``)."""

    def __init__(self, source: str, k: int):
        self.k = k
        self.text = normalize(CITATION.sub(" ", source))
        where: dict[str, list[int]] = {}
        s = self.text
        for i in range(len(s) - k + 1):
            where.setdefault(s[i:i + k], []).append(i)
        self.where = where


def _source_slices(source: str, k: int, grams: SourceGrams | None) -> tuple[str, dict[str, list[int]] | None]:
    """The normalized source, and the places of its ``k``-character slices: from ``grams`` when they
    were made for this ``k``, else None (the caller works them out as it always has)."""
    if grams is not None and grams.k == k:
        return grams.text, grams.where
    return normalize(CITATION.sub(" ", source)), None


def copy_ratio(text: str, source: str, k: int | None = None, grams: SourceGrams | None = None) -> float:
    """The share of ``text`` (normalized, citations left out) inside passages of at least ``k``
    characters that also stand in ``source`` (24 for Latin text, 12 for Japanese): 0 for text in its
    own words, 1 for a verbatim copy. ``grams``: ``source`` worked out beforehand (same result)."""
    t = normalize(CITATION.sub(" ", text))
    k = k or _shingle_size(t)
    s, where = _source_slices(source, k, grams)
    if len(t) < k or len(s) < k:
        return 0.0
    known = where if where is not None else {s[i:i + k] for i in range(len(s) - k + 1)}
    covered = bytearray(len(t))
    for i in range(len(t) - k + 1):
        if t[i:i + k] in known:
            covered[i:i + k] = b"\x01" * k
    return sum(covered) / len(t)


def longest_copy(text: str, source: str, k: int | None = None, grams: SourceGrams | None = None) -> int:
    """Characters of the longest passage of ``text`` (normalized) that stands in ``source`` as one piece:
    a summary that quotes a fact here and there has short ones; a copied paragraph has one long one.
    ``grams``: ``source`` worked out beforehand (same result)."""
    t = normalize(CITATION.sub(" ", text))
    k = k or _shingle_size(t)
    s, where = _source_slices(source, k, grams)
    if len(t) < k or len(s) < k:
        return 0
    if where is None:
        where = {}
        for i in range(len(s) - k + 1):
            where.setdefault(s[i:i + k], []).append(i)
    best, run_start, prev = 0, -1, set()
    for i in range(len(t) - k + 1):
        here = set(where.get(t[i:i + k], ()))
        cont = {j for j in here if j - 1 in prev}
        if cont:
            prev = cont
        elif here:
            run_start, prev = i, here
        else:
            run_start, prev = -1, set()
            continue
        best = max(best, i - run_start + k)
    return best


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(text: str) -> set[str]:
    """The figures in ``text`` with two digits or more (thousands separators dropped): 1,400 → 1400."""
    t = unicodedata.normalize("NFKC", text)
    out = set()
    for m in _NUMBER.finditer(t):
        n = re.sub(r"(?<=\d),(?=\d{3}\b)", "", m.group(0)).rstrip(".,")
        if sum(ch.isdigit() for ch in n) >= 2:
            out.add(n)
    return out


def unsupported_lines(text: str, source: str, min_overlap: float | None = None) -> list[int]:
    """Indexes of the lines of ``text`` its ``source`` does not back: a figure (two digits or more) the
    source has not — a small model's made-up dates and amounts — or, in a line of four content words
    or more, less than ``min_overlap`` of them from the source (half for Japanese, where a summary keeps
    the source's kanji compounds; 0.3 for Latin text, which paraphrases more). Page references do not
    count."""
    if min_overlap is None:
        min_overlap = 0.5 if is_cjk_text(source) else 0.3
    known = numbers(CITATION.sub(" ", source))
    src = set(content_tokens(source))
    out = []
    for i, line in enumerate(text.splitlines()):
        bare = CITATION.sub(" ", line)
        toks = content_tokens(bare)
        if numbers(bare) - known or (len(toks) >= 4 and sum(t in src for t in toks) / len(toks) < min_overlap):
            out.append(i)
    return out


def copied_window(text: str, source: str, k: int | None = None, grams: SourceGrams | None = None) -> int:
    """How far apart in ``source`` the passages copied into ``text`` lie: characters between the 10th and
    the 90th percentile of their places (0 when nothing is copied). A copied paragraph gives about the
    text's own length; quotes gathered from all over the source, far more. ``grams``: ``source``
    worked out beforehand (same result)."""
    t = normalize(CITATION.sub(" ", text))
    k = k or _shingle_size(t)
    s, where = _source_slices(source, k, grams)
    if len(t) < k or len(s) < k:
        return 0
    if where is not None:
        places = sorted(where[t[i:i + k]][0] for i in range(len(t) - k + 1) if t[i:i + k] in where)
    else:
        first: dict[str, int] = {}
        for i in range(len(s) - k + 1):
            first.setdefault(s[i:i + k], i)
        places = sorted(first[t[i:i + k]] for i in range(len(t) - k + 1) if t[i:i + k] in first)
    if not places:
        return 0
    lo, hi = places[len(places) // 10], places[min(len(places) - 1, len(places) * 9 // 10)]
    return hi - lo + k


def overlap(text: str, source: str) -> float:
    """The share of ``text``'s content tokens that occur in ``source``."""
    toks = content_tokens(text)
    if not toks:
        return 0.0
    src = set(content_tokens(source))
    return sum(1 for t in toks if t in src) / len(toks)


# ---- loops ------------------------------------------------------------------------------------

def _periodic_tail(t: str, max_period: int = 240) -> int:
    """The period of a loop at the end of ``t`` (0 when none): the last characters repeat a unit of
    ``p`` characters at least three times and over at least 60 characters (120 for a unit without a
    letter or digit: rules of dashes, rows of dots)."""
    n = len(t)
    for p in range(1, min(max_period, n // 3) + 1):
        unit = t[n - p:]
        if not unit.strip():
            continue
        need = max(3 * p, 60 if any(ch.isalnum() for ch in unit) else 120)
        if need > n:
            continue
        tail = t[n - need:]
        if tail[p:] == tail[:-p]:
            return p
    return 0


def _tokens_for_diversity(t: str) -> list[str]:
    return re.findall(rf"[A-Za-z]+|\d+|[{_CJK}]|[^\sA-Za-z\d{_CJK}]", t)


def _low_diversity(t: str, window: int = 400, n: int = 4) -> bool:
    """The last ``window`` characters use few different n-grams of tokens: going round in circles
    with small changes ([p. 7] [p. 8] [p. 7] …)."""
    toks = _tokens_for_diversity(t[-window:])
    if len(toks) < 60:
        return False
    grams = [tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)]
    return len(set(grams)) / len(grams) < 0.3


def looping(text: str) -> bool:
    t = " ".join(text.split())
    return bool(_periodic_tail(t)) or _low_diversity(t)


def citation_share(text: str) -> float:
    """The share of the non-space characters that are page citations or part labels."""
    chars = sum(1 for ch in text if not ch.isspace())
    if not chars:
        return 0.0
    cited = sum(sum(1 for ch in m.group(0) if not ch.isspace()) for m in CITATION.finditer(text))
    return cited / chars


class DegenerateWatch:
    """Judges a reply while it streams (``feed``) and when it is complete (``final``).

    ``source``: the text the model was given to summarise (for copies); ``instruction``: what it was
    told (for echoes); ``lang``: the language asked for ("ja" or "en"); ``copy_limit``: the copy ratio
    from which a reply is a copy (None: not checked, e.g. when combining notes whose bullets may be
    kept as they are); ``check_every``: characters between two checks while streaming.
    """

    def __init__(self, source: str = "", instruction: str = "", lang: str = "en",
                 copy_limit: float | None = 0.8, check_every: int = 24):
        self.source = source
        self.instruction = normalize(instruction)
        self.lang = lang
        self.copy_limit = copy_limit
        self.check_every = check_every
        self.text = ""
        self.reason: str | None = None
        self._checked = 0
        self._source_grams: SourceGrams | None = None
        self._source_size: int | None = None
        self._k = 12 if lang == "ja" else 24

    def feed(self, chunk: str) -> str | None:
        """Add streamed text; the reason once the reply is degenerate (it stays so), else None."""
        if self.reason is not None:
            return self.reason
        self.text += chunk
        if len(self.text) - self._checked >= self.check_every:
            self._checked = len(self.text)
            self.reason = self._streaming_reason(self.text)
        return self.reason

    def _streaming_reason(self, text: str) -> str | None:
        if looping(text):
            return "loop"
        body = "".join(text.split())
        if len(body) >= 24 and citation_share(text) > 0.4:
            return "echo"
        if self._echoes_instruction(text):
            return "echo"
        if self.copy_limit is not None and len(body) >= (150 if self.lang == "ja" else 300) \
                and self._copied(text, max(self.copy_limit, 0.9)):
            return "copy"
        return None

    def copied(self, text: str) -> bool:
        """``text`` (e.g. what is left of a reply once unsupported lines are gone) is a copy of the input."""
        return self.copy_limit is not None and self._copied(text, self.copy_limit)

    def _copied(self, text: str, limit: float) -> bool:
        """Nearly all of ``text`` is in its input, taken from one place: a paragraph handed back (with a
        word changed here and there), or most of the input. Quoting a sentence for each point, from
        all over the input, is a summary."""
        if not self.source or self._copy(text) < limit:
            return False
        size = len(normalize(CITATION.sub(" ", text)))
        if self._source_size is None:
            self._source_size = len(normalize(self.source))
        if longest_copy(text, self.source, self._k, self._grams()) >= 0.5 * self._source_size:
            return True
        return size >= (80 if self.lang == "ja" else 200) and \
            copied_window(text, self.source, self._k, self._grams()) <= 1.5 * size

    def _grams(self) -> SourceGrams:
        """The source worked out once, on the first check that needs it (the source does not change)."""
        if self._source_grams is None:
            self._source_grams = SourceGrams(self.source, self._k)
        return self._source_grams

    def _echoes_instruction(self, text: str) -> bool:
        if len(self.instruction) < 40:
            return False
        t = normalize(CITATION.sub(" ", text))
        if len(t) < 30:
            return False
        ratio = copy_ratio(t, self.instruction, 16 if self.lang == "ja" else 30)
        return ratio > 0.5

    def _copy(self, text: str) -> float:
        return copy_ratio(text, self.source, self._k, self._grams()) if self.source else 0.0

    def final(self, text: str | None = None) -> str | None:
        """The reason a complete reply is unusable, or None."""
        text = self.text if text is None else text
        if self.reason is not None:
            return self.reason
        reason = self._streaming_reason(text)
        if reason is None:
            body = CITATION.sub(" ", text)
            letters = [ch for ch in body if ch.isalnum()]
            bad = sum(1 for ch in body if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\t\r"))
            if len(letters) < 8:
                reason = "empty"
            elif bad >= max(2, 0.03 * len(body)):
                reason = "garbled"
            elif self.copy_limit is not None and len(letters) >= 40 and self._copied(text, self.copy_limit):
                reason = "copy"
            elif len(letters) >= 20 and (self.lang == "ja") != is_cjk_text(body):
                reason = "language"
            elif self.source and is_cjk_text(self.source) == (self.lang == "ja") \
                    and len(content_tokens(body)) >= 8 and overlap(body, self.source) < 0.3:
                reason = "unrelated"
        self.reason = reason
        return reason


# ---- the most central sentences ---------------------------------------------------------------

def central(sentences: list[str], n: int, weights: list[float] | None = None, distinct: float = 0.6) -> list[int]:
    """Indexes (in document order) of the ``n`` sentences most like the text as a whole: cosine of
    content-token counts against the whole, times ``weights`` (e.g. more for sentences with facts);
    headings and fragments rank last, and a sentence much like one already chosen (more than
    ``distinct`` of shared content words) is passed over."""
    bags = [Counter(content_tokens(s)) for s in sentences]
    whole = Counter()
    for b in bags:
        whole.update(b)
    df = Counter()
    for b in bags:
        df.update(set(b))
    n_docs = max(len(bags), 1)

    def vec(b: Counter) -> dict:
        return {t: c * (math.log((n_docs + 1) / (df[t] + 0.5)) + 1) for t, c in b.items()}

    wv = vec(whole)
    wnorm = math.sqrt(sum(v * v for v in wv.values())) or 1.0
    scores = []
    for i, (s, b) in enumerate(zip(sentences, bags)):
        v = vec(b)
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        score = sum(x * wv.get(t, 0.0) for t, x in v.items()) / (norm * wnorm)
        stripped = s.strip()
        short = len(stripped) < (12 if is_cjk_text(stripped) else 30)
        ends = stripped.endswith(tuple(".!?。！？」』)）\"'”"))
        if short or not ends:
            score *= 0.3
        if weights is not None:
            score *= weights[i]
        scores.append(score)
    chosen: list[int] = []
    for i in sorted(range(len(sentences)), key=lambda i: (-scores[i], i)):
        if len(chosen) >= max(n, 0):
            break
        mine = set(bags[i])
        if any(len(mine & set(bags[j])) > distinct * max(min(len(mine), len(bags[j])), 1) for j in chosen):
            continue
        chosen.append(i)
    return sorted(chosen)


def unwrap(text: str) -> str:
    """Lines a PDF wrapped joined again (a line as long as the longest ones runs on into the next),
    so sentences are whole; short lines (headings, a paragraph's last line) keep their break."""
    lines = text.split("\n")
    longest = max((len(line.rstrip()) for line in lines), default=0)
    if longest < 20:
        return text
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i == len(lines) - 1:
            break
        s, nxt = line.rstrip(), lines[i + 1].lstrip()
        full = len(s) >= 0.8 * longest
        if full and s and nxt and s[-1] not in "。！？!?」』" and not (s[-1] == "." and nxt[:1].isupper()):
            out.append("" if (_CJK_RUN.match(s[-1]) or _CJK_RUN.match(nxt[0]) or s[-1] in "、，（「")
                       else " ")
        else:
            out.append("\n")
    return "".join(out)
