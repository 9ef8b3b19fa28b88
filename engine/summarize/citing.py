"""Page references Hearth attaches itself: every bullet or paragraph of a summary ends with the pages it
came from.

The model is never asked to write pages. A chunk's summary is matched line by line against the
chunk's own sentences, each of which is on a known page; when notes are combined the model sees them
numbered ``[1]``, ``[2]`` … (short labels it repeats reliably) and its lines are matched against the
notes' lines, which carry their pages already. A label the model wrote is kept where the text agrees
with it and corrected where another note's line matches far better; with no label and nothing to
match, a line gets the pages of everything it was made from.

Matching is by content words (Latin words, numbers, kanji/katakana character pairs), weighted by
how rare they are among the sources and twice for numbers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from engine.summarize.chunking import pages_label, split_sentences
from engine.summarize.quality import CITATION, content_tokens

MIN_SCORE = 0.15          # less than this share of a line's weighted words in a source: no evidence
NEAR_BEST = 0.7           # sources within this share of the best one are cited together (two at most)
LABEL_TRUST = 0.6         # a model's label stands while its note matches at least this share of the best

_BULLET = re.compile(r"^(\s*(?:[-*•・●]|\d{1,2}[.)])\s+)(.*)$")
_HEADING = re.compile(r"^\s*(?:#{1,6}\s.*|[^\[\]]{1,48}[:：])\s*$")
_PAGE_CITE = re.compile(r"^[\[【]\s*(?:pp?\.|pages?|ページ)", re.I)
_NUMBERS = re.compile(r"\d{1,6}")


@dataclass
class Source:
    text: str
    pages: tuple[int, int]       # first and last page
    group: int = 0               # which numbered note it belongs to (combining), else 0


@dataclass
class CiteStats:
    lines: int = 0               # bullets and paragraphs
    cited: int = 0               # ... ending with a page reference
    matched: int = 0             # ... whose pages come from matching text (or a label the text does not contradict)
    corrected: int = 0           # labels the model wrote that pointed elsewhere (or nowhere)
    line_pages: list = field(default_factory=list)   # (text, [pages]) per cited bullet or sentence group


def refs(pages) -> str:
    """``[p. 3]``, ``[pp. 3–4]``, or two references for two separate runs of pages."""
    ps = sorted(set(pages))
    if not ps:
        return ""
    runs, start, prev = [], ps[0], ps[0]
    for p in ps[1:]:
        if p == prev + 1:
            prev = p
            continue
        runs.append((start, prev))
        start = prev = p
    runs.append((start, prev))
    if len(runs) > 2:
        runs = [(runs[0][0], runs[-1][1])]
    return " ".join(f"[{pages_label(a, b)}]" for a, b in runs)


def strip_refs(text: str) -> str:
    """``text`` without page references and labels (what the combining step sees of a note)."""
    lines = [re.sub(r"[ \t\u3000]+$", "", CITATION.sub("", line)) for line in text.splitlines()]
    return re.sub(r"[ \t]{2,}", " ", "\n".join(lines)).strip()


def line_sources(text: str, pages: tuple[int, int], group: int = 0) -> list[Source]:
    """A cited text's lines as sources: each with the pages its own references name (else ``pages``)."""
    found = []
    for line in text.splitlines():
        body = CITATION.sub("", line).strip()
        if not body:
            continue
        cited = [int(n) for m in CITATION.finditer(line) if _PAGE_CITE.match(m.group(0))
                 for n in _NUMBERS.findall(m.group(0))]
        cited = [n for n in cited if pages[0] <= n <= pages[1]]
        found.append(Source(body, (min(cited), max(cited)) if cited else pages, group))
    return found


class Attributor:
    """Which sources a line of a summary comes from."""

    def __init__(self, sources: list[Source]):
        self.sources = sources
        self.tokens = [set(content_tokens(s.text)) for s in sources]
        df = Counter()
        for t in self.tokens:
            df.update(t)
        n = max(len(sources), 1)
        self._idf = {t: math.log((n + 1) / (c + 0.5)) + 1.0 for t, c in df.items()}
        self._unknown = math.log(n + 1) + 1.0

    def _w(self, t: str) -> float:
        return self._idf.get(t, self._unknown) * (2.0 if any(ch.isdigit() for ch in t) else 1.0)

    def scores(self, text: str) -> list[float]:
        toks = set(content_tokens(text))
        total = sum(self._w(t) for t in toks)
        if not total:
            return [0.0] * len(self.sources)
        return [sum(self._w(t) for t in toks & st) / total for st in self.tokens]

    def pages(self, text: str, groups: set[int] | None = None) -> tuple[set[int], float]:
        """The pages of the best-matching sources (within ``groups`` when given) and the best score."""
        sc = self.scores(text)
        idx = [i for i in range(len(sc)) if groups is None or self.sources[i].group in groups]
        if not idx:
            return set(), 0.0
        best = max(sc[i] for i in idx)
        if best < MIN_SCORE:
            return set(), best
        near = sorted((i for i in idx if sc[i] >= max(best * NEAR_BEST, MIN_SCORE)), key=lambda i: -sc[i])[:2]
        pages: set[int] = set()
        for i in near:
            a, b = self.sources[i].pages
            pages.update(range(a, b + 1))
        return pages, best


def _labels(text: str) -> tuple[set[int], bool]:
    """Note numbers the model wrote (``[2]``, ``[2, 3]``, ``[2–3]``) and whether it wrote any at all."""
    found, wrote = set(), False
    for m in CITATION.finditer(text):
        if _PAGE_CITE.match(m.group(0)):
            continue
        wrote = True
        nums = [int(n) for n in _NUMBERS.findall(m.group(0))]
        if len(nums) == 2 and re.search(r"[\u2013\u2014\-~〜]", m.group(0)) and nums[0] <= nums[1] <= nums[0] + 50:
            found.update(range(nums[0], nums[1] + 1))
        else:
            found.update(nums)
    return found, wrote


def _join(a: str, b: str) -> str:
    cjk = bool(a) and ("\u3000" <= a[-1] <= "\u9fff" or "\uff00" <= a[-1] <= "\uffef")
    return a + ("" if cjk else " ") + b


def cite(text: str, sources: list[Source], span: tuple[int, int],
         notes: dict[int, tuple[int, int]] | None = None) -> tuple[str, CiteStats]:
    """``text`` with a page reference at the end of every bullet and paragraph (sentences of a paragraph
    that come from different pages get their own), and what was done.

    ``span``: the pages of everything the text was made from (the reference of a line nothing matches);
    ``notes``: when combining, note number → its pages, to read the labels the model wrote (the
    sources' ``group`` is the note number).
    """
    att = Attributor(sources)
    st = CiteStats()

    def pages_for(unit: str) -> tuple[set[int], bool]:
        """The pages for one bullet or sentence, and whether text (or an uncontradicted label) backs them."""
        labels, wrote = _labels(unit) if notes is not None else (set(), False)
        body = CITATION.sub(" ", unit)
        valid = {n for n in labels if n in notes} if notes is not None else set()
        if wrote and labels - valid:
            st.corrected += 1                     # a note that does not exist
        if valid:
            in_label, score_in = att.pages(body, valid)
            anywhere, best = att.pages(body)
            if in_label and score_in >= best * LABEL_TRUST:
                return in_label, True
            if anywhere:
                st.corrected += 1
                return anywhere, True
            # Nothing to compare: the model's word stands.
            return {p for n in valid for p in range(notes[n][0], notes[n][1] + 1)}, True
        found, _ = att.pages(body)
        if found:
            return found, True
        return set(range(span[0], span[1] + 1)), False

    out = []
    for line in text.splitlines():
        bare = CITATION.sub("", line)
        if not bare.strip():
            if not line.strip():
                out.append("")
            continue   # a line of nothing but references
        if _HEADING.match(bare):
            out.append(bare.rstrip())
            continue
        m = _BULLET.match(line)
        if m:
            marker, unit = m.group(1), m.group(2)
            core = re.sub(r"\s{2,}", " ", CITATION.sub(" ", unit)).strip()
            if not any(ch.isalnum() for ch in core):
                continue
            ps, ok = pages_for(unit)
            st.lines += 1
            st.cited += 1
            st.matched += ok
            st.line_pages.append((core, sorted(ps)))
            out.append(f"{marker}{core} {refs(ps)}")
            continue
        # A paragraph: its sentences, grouped by the pages they come from.
        groups: list[tuple[str, set[int]]] = []
        all_ok = True
        for s in split_sentences(line):
            core = re.sub(r"\s{2,}", " ", CITATION.sub(" ", s)).strip()
            if not any(ch.isalnum() for ch in core):
                continue
            ps, ok = pages_for(s)
            all_ok = all_ok and ok
            if groups and groups[-1][1] == ps:
                groups[-1] = (_join(groups[-1][0], core), ps)
            else:
                groups.append((core, ps))
        if not groups:
            continue
        st.lines += 1
        st.cited += 1
        st.matched += all_ok
        st.line_pages += [(g, sorted(ps)) for g, ps in groups]
        out.append(" ".join(f"{g} {refs(ps)}" for g, ps in groups))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip(), st
