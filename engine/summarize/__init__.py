"""Summarise whole documents, far beyond the context window, with page references Hearth guarantees.

Plan: count the document with the model's own tokenizer (text never becomes
control tokens). If instruction + document + reply fit the context: one pass.
Otherwise map-reduce in document order: chunks sized so that every prompt fits
exactly (each prompt is counted exactly before it is sent, template included),
each chunk summarised, the partial summaries combined in order — recursively
while they do not fit together — into the final summary.

Made for the small models office PCs run (0.5–3B, and smaller):

- Pages: the model is never asked to write page references (small models loop
  on them). Hearth attaches them itself (``citing.py``): a chunk's summary is
  matched line by line against the chunk's sentences, whose pages are known;
  when combining, the notes are numbered ``[1]``, ``[2]`` … and what the model
  cites is mapped back to pages and checked against the text. Every bullet and
  paragraph of the summary ends with the pages it came from.
- Degenerate replies (``quality.py``): a reply that loops, echoes the
  instruction or labels, or copies its input is stopped while it streams and
  tried once more with settings that break loops (and no citation request);
  if that fails too, the part becomes an extract — its most central sentences,
  marked as such. No degenerate text reaches the combining step.
- Facts (``facts.py``): figures, dates and names are found in each chunk and
  each group of notes; the step is told which to keep, a reply that keeps fewer
  than a quarter of them is treated like a degenerate one, and the final summary
  is checked for them (``facts`` in the result: kept and dropped). Lines stating
  figures the input does not have, or hardly a word of it, are dropped.

The instruction comes first and is the same for every chunk of a stage, so the
host re-uses its evaluated prefix from llama.cpp's KV cache
(``GenerationStats.cached_tokens`` says how much).

Every finished part is stored at once; Cancel keeps them, and running the same
document with the same model, options and context again resumes from them.

Used by the CLI (``summarize``) and the GUI's summarise pane alike.
"""

from __future__ import annotations

import math
import re
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from engine.errors import BadInputError, CancelledError, EngineError
from engine.host.protocol import SamplingOptions
from engine.summarize.chunking import Chunk, make_chunks, pages_label, safe_cut, split_sentences, split_units
from engine.summarize.citing import _BULLET, CiteStats, Source, cite, line_sources, refs, strip_refs
from engine.summarize.facts import extract_facts, fact_in, kept_and_dropped, rank_facts
from engine.summarize.prompts import (EXTRACT_FINAL, EXTRACT_MARKERS, EXTRACT_SENTENCES, FACTS_FINAL, FACTS_PER_STEP,
                                      OUTPUT_TOKENS, SummaryOptions, build_messages, facts_line, instruction,
                                      output_language, text as ptext)
from engine.summarize.quality import (CITATION, DegenerateWatch, central, content_tokens, is_cjk_text, unsupported_lines, unwrap)
from engine.summarize.storage import SummaryStore, job_key, text_hash

# Tokens kept free besides the exact count: joining sentences can merge a
# token or two at each seam, so the sum of sentence counts is a close estimate.
SAFETY_TOKENS = 8
SAFETY_FRACTION = 0.02
MIN_REPLY_TOKENS = 24
SAMPLING = dict(temperature=0.2, top_p=0.9, repeat_penalty=1.1, seed=1234)
# The second try after a degenerate reply: more varied, loops penalised hard.
RETRY_SAMPLING = dict(temperature=0.7, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.3, seed=4321)
FACT_MAX_CHARS = 24          # longer "facts" (quoted titles) are not worth the room in a prompt
MIN_FACTS_CHECKED = 4        # a reply told to keep this many facts or more ...
FACTS_KEPT_AT_LEAST = 0.25   # ... that keeps fewer than this share of them is unusable ("facts")

Event = dict

# The widest page label a prompt can carry.
WIDEST_LABEL = pages_label(10 ** 5, 10 ** 5 + 1)
NOTE_LABEL = "[99]"          # the widest note number counted when grouping notes


def _text_budget(room: int) -> int:
    """Tokens of text to plan for in ``room``: the exact room less the safety margins."""
    return int(room - SAFETY_TOKENS - room * SAFETY_FRACTION)


def _placeholder_facts(lang: str, n: int) -> list[str]:
    """Facts as long as typical ones, to count the room a facts line takes when planning."""
    return ["1,800万キロワット時" if lang == "ja" else "$61.5 million in 2024"] * n


@dataclass
class SummaryPlan:
    n_ctx: int
    pages: int
    characters: int
    document_tokens: int
    language: str
    one_pass: bool
    chunks: list[Chunk]
    output_tokens: int
    base_model: bool
    reduce_output_tokens: int = 0   # reply budget when combining: a third of what the instruction leaves
    reduce_overhead: int = 0        # tokens of the combining prompt without any summaries in it

    @property
    def steps_estimate(self) -> int:
        """Model calls: the chunks plus the combining steps (estimated)."""
        if self.one_pass:
            return 1
        n, steps = len(self.chunks), len(self.chunks)
        per_group = max(2, (self.n_ctx - self.output_tokens) // max(self.reduce_output_tokens, 1) - 1)
        while n > 1:
            n = math.ceil(n / per_group)
            steps += n
        return steps

    def describe(self) -> str:
        if self.one_pass:
            return f"one pass: the whole document ({self.document_tokens} tokens) fits the context of {self.n_ctx}"
        return (f"{len(self.chunks)} chunks: the document ({self.document_tokens} tokens) is larger than the "
                f"context of {self.n_ctx}; each chunk is summarised, then the summaries are combined")

    def to_dict(self) -> dict:
        return {"n_ctx": self.n_ctx, "pages": self.pages, "characters": self.characters,
                "document_tokens": self.document_tokens, "language": self.language, "one_pass": self.one_pass,
                "chunks": len(self.chunks), "output_tokens": self.output_tokens, "plan": self.describe(),
                "base_model": self.base_model}


@dataclass
class SummaryResult:
    summary: str
    chunks: int
    pages: int
    document_tokens: int
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0
    seconds: float = 0.0
    max_prompt_tokens: int = 0
    ctx: int = 0
    levels: int = 0
    resumed_parts: int = 0
    calls: int = 0
    citations_corrected: int = 0   # page citations or note labels that pointed at the wrong pages, replaced
    coverage: str = ""
    summary_id: int | None = None
    parts: list[dict] = field(default_factory=list)
    degenerate_parts: int = 0      # steps whose first reply was degenerate (stopped early)
    retried_parts: int = 0         # ... of which the second try was usable
    extractive_parts: int = 0      # ... of which the second try failed too: an extract instead
    degenerate_reasons: dict = field(default_factory=dict)   # reason -> first replies stopped for it
    unsupported_lines_dropped: int = 0   # lines of usable replies their input does not back (made-up figures)
    facts: dict = field(default_factory=lambda: {"kept": [], "dropped": []})
    cited_lines: dict = field(default_factory=lambda: {"lines": 0, "cited": 0, "matched": 0})

    def to_json(self) -> dict:
        """The CLI's ``--json`` object (keys are a contract)."""
        return {"summary": self.summary, "chunks": self.chunks, "pages": self.pages,
                "document_tokens": self.document_tokens, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "seconds": round(self.seconds, 3),
                "max_prompt_tokens": self.max_prompt_tokens, "ctx": self.ctx,
                "cached_prompt_tokens": self.cached_prompt_tokens, "levels": self.levels,
                "resumed_parts": self.resumed_parts, "calls": self.calls, "coverage": self.coverage,
                "citations_corrected": self.citations_corrected,
                "degenerate_parts": self.degenerate_parts, "retried_parts": self.retried_parts,
                "extractive_parts": self.extractive_parts, "degenerate_reasons": dict(self.degenerate_reasons),
                "unsupported_lines_dropped": self.unsupported_lines_dropped,
                "facts": {"kept": list(self.facts["kept"]), "dropped": list(self.facts["dropped"])},
                "cited_lines": dict(self.cited_lines),
                "summary_id": self.summary_id}


_CITATION = re.compile(r"\[\s*(?:pp?\.|pages?|ページ)?\s*(\d{1,6})(?:\s*[\u2013\u2014\-~〜]\s*(\d{1,6}))?\s*\]")


def fix_citations(text: str, start: int, end: int) -> tuple[str, int]:
    """Page citations a model wrote must lie within the pages it was given.

    A citation outside ``start..end`` (a small model copying the example or
    inventing pages) is replaced by the part's own range; returns the text and
    how many citations were corrected.
    """
    fixed = 0

    def repl(m: re.Match) -> str:
        nonlocal fixed
        a = int(m.group(1))
        b = int(m.group(2) or a)
        if start <= a <= b <= end:
            return f"[{pages_label(a, b)}]"
        fixed += 1
        return f"[{pages_label(start, end)}]"

    return _CITATION.sub(repl, text), fixed


def coverage_line(lang: str, pages: int, chunks: int, tokens: int) -> str:
    if lang == "ja":
        return f"（全{pages}ページを{chunks}つの部分に分けてすべて読みました。{tokens}トークン）"
    return f"(Read all {pages} page{'s' if pages != 1 else ''} in {chunks} part{'s' if chunks != 1 else ''}; " \
           f"{tokens} tokens.)"


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def chunk_sentences(chunk: Chunk, page_texts: dict[int, str]) -> list[Source]:
    """The chunk's sentences (lines a PDF wrapped joined again), each with the page it stands on."""
    pages = {n: _squash(page_texts.get(n, "")) for n in range(chunk.page_start, chunk.page_end + 1)}
    out = []
    for s in split_sentences(unwrap(chunk.text)):
        s = " ".join(s.split())
        if not s:
            continue
        key = _squash(s)
        page = next((n for n, t in pages.items() if key in t), None)
        if page is None:   # cut by the chunking, or joined across a page end: its beginning
            page = next((n for n, t in pages.items() if key[:24] in t), chunk.page_start)
        out.append(Source(s, (page, page)))
    return out


def dedupe_lines(text: str) -> str:
    """A line or sentence the reply already has (a small model saying it twice, or nearly) goes."""
    seen_lines, seen_sentences, bags, out = set(), set(), [], []
    for line in text.splitlines():
        key = " ".join(CITATION.sub(" ", line).split())
        if key and key in seen_lines:
            continue
        seen_lines.add(key)
        bag = set(content_tokens(key))
        if len(bag) >= 6 and any(len(bag & b) >= 0.65 * len(bag) for b in bags):
            continue                      # the same point again, a word changed here and there
        bags.append(bag)
        kept = []
        for sentence in split_sentences(line):
            skey = " ".join(CITATION.sub(" ", sentence).split()).lstrip("-*•・● ")
            if len(skey) >= 20 and skey in seen_sentences:
                continue
            seen_sentences.add(skey)
            kept.append(sentence)
        if kept or not key:
            out.append("".join(kept).rstrip())
    return "\n".join(out)


def as_bullets(text: str) -> str:
    """Paragraphs where bullet points were asked for (small models often ignore the form): a bullet per
    sentence. Text with any bullet already is left as it is."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or any(_BULLET.match(line) for line in lines):
        return text
    out = []
    for line in lines:
        stripped = line.strip()
        if len(stripped) <= 48 and stripped.endswith((":", "：")):
            out.append(stripped)          # a heading stays one
            continue
        out += [f"- {s.strip()}" for s in split_sentences(stripped) if any(ch.isalnum() for ch in s)]
    return "\n".join(out)


def drop_cut_line(text: str) -> str:
    """A reply cut off by its token budget loses its unfinished last line (when it has others)."""
    lines = text.rstrip().splitlines()
    if len(lines) > 1 and not lines[-1].rstrip().endswith(tuple(".!?。！？」』)）\"'”]")):
        return "\n".join(lines[:-1])
    return text


def is_marker(line: str) -> bool:
    return line.strip() in EXTRACT_MARKERS


def _without_markers(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not is_marker(line))


def summary_lines(text: str) -> list[str]:
    """Bullets and paragraphs of a summary: no headings, extract notes or blank lines."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if not s or is_marker(s) or s.startswith("#") or (len(s) <= 48 and s.endswith((":", "："))):
            continue
        out.append(s)
    return out


def extract(sources: list[Source], n: int, facts: list[str], marker: str) -> tuple[str, CiteStats]:
    """The ``n`` most central sources (sentences with more of ``facts`` first among equals), in order,
    as bullets with their pages, after ``marker``. Sources from several notes (``group``): the most
    central of each note first, so that the extract covers the whole document."""
    texts = [s.text for s in sources]
    weights = [1.0 + 0.5 * min(sum(1 for f in facts if fact_in(f, t)), 3)
               + 0.4 * min(sum(1 for f in extract_facts(t) if f.kind != "term"), 3) for t in texts]
    groups = sorted({s.group for s in sources})
    if len(groups) > 1:
        chosen = []
        for g in groups:
            idx = [i for i, s in enumerate(sources) if s.group == g]
            chosen += [idx[j] for j in central([texts[i] for i in idx], 1, [weights[i] for i in idx])]
        bags = [set(content_tokens(t)) for t in texts]

        def like_chosen(i: int) -> bool:
            return any(len(bags[i] & bags[j]) > 0.6 * max(min(len(bags[i]), len(bags[j])), 1) for j in chosen)

        rest = [i for i in range(len(texts)) if i not in chosen and not like_chosen(i)]
        extra = max(n - len(chosen), 0)
        chosen = sorted(chosen + [rest[j] for j in central([texts[i] for i in rest], extra,
                                                           [weights[i] for i in rest])])
    else:
        chosen = central(texts, n, weights)
    st = CiteStats()
    lines = [marker]
    for i in chosen:
        body = CITATION.sub("", texts[i]).strip()
        body = re.sub(r"^(?:[-*•・●]|\d{1,2}[.)])\s+", "", body)
        a, b = sources[i].pages
        lines.append(f"- {body} {refs(range(a, b + 1))}")
        st.lines += 1
        st.cited += 1
        st.matched += 1
        st.line_pages.append((body, list(range(a, b + 1))))
    return "\n".join(lines), st


class Summarizer:
    """Summarise documents with the model loaded in ``client`` (an ``EngineClient``)."""

    def __init__(self, client, store=None, model_id: str | None = None):
        self.client = client
        self.parts_store = SummaryStore(store) if store is not None else None
        self.model_id = model_id or (client.model_path or "")
        self._cancelled = threading.Event()
        self._request_id: int | None = None   # the model call running now

    # ---- cancel (any thread) --------------------------------------------------------
    def cancel(self) -> None:
        """Stop now; finished parts are kept. Safe from any thread. Only this
        summary's own model call is stopped, nothing else asked of the model."""
        self._cancelled.set()
        rid = self._request_id
        if rid is not None:
            self.client.cancel(rid)

    def _check(self) -> None:
        if self._cancelled.is_set():
            raise CancelledError("the summary was stopped; the parts already summarised are kept")

    # ---- planning -------------------------------------------------------------------------
    def plan(self, document, options: SummaryOptions) -> SummaryPlan:
        info = self.client.model_info or {}
        n_ctx = int(info.get("n_ctx") or 0)
        if n_ctx <= 0:
            raise BadInputError("no model is loaded")
        base = not info.get("has_chat_template", False)
        pages = [(p.number, p.text) for p in document.pages]
        units = split_units(pages)
        if not units:
            raise BadInputError(f"{document.path.name} has no text to summarise")
        counts = self.client.count_tokens([u.text for u in units])
        for u, n in zip(units, counts):
            u.tokens = n
        doc_tokens = sum(counts)
        lang = output_language(options, document.text)
        out = min(OUTPUT_TOKENS[options.length], n_ctx // 4)
        if out < MIN_REPLY_TOKENS:
            raise BadInputError(f"the context of {n_ctx} tokens is too small to summarise in")
        first, last = document.pages[0].number, document.pages[-1].number
        final_n, step_n = FACTS_FINAL[options.length], FACTS_PER_STEP[options.length]

        def overhead(stage: str, n_facts: int, body: str = "") -> int:
            """Prompt tokens of ``stage`` besides the text (its second try's instruction, the longer one),
            with room for facts: as many as planned, but at most a twentieth of the context (the facts
            that do not fit then are left out, last first)."""
            bare = self.client.count_chat_tokens(build_messages(stage, options, lang, body, base, [], retry=True))
            full = self.client.count_chat_tokens(build_messages(stage, options, lang, body, base,
                                                                _placeholder_facts(lang, n_facts), retry=True))
            return bare + min(full - bare, n_ctx // 20)

        # One pass when the whole document fits (counted exactly, template included).
        single_overhead = overhead("single", final_n)
        one_pass = False
        if single_overhead + doc_tokens + out + SAFETY_TOKENS <= n_ctx:
            whole = "".join(u.text for u in units)
            one_pass = overhead("single", final_n, whole) + out <= n_ctx
        # Combining needs room for at least two partial summaries and the reply.
        reduce_overhead = max(overhead("reduce", final_n), overhead("reduce_plain", final_n))
        reduce_out = min(out, int((n_ctx - reduce_overhead - SAFETY_TOKENS) * (1 - SAFETY_FRACTION)) // 3 - 8)
        if one_pass:
            chunks = [Chunk(0, "".join(u.text for u in units), first, last, doc_tokens)]
        else:
            map_overhead = overhead("map", step_n)
            if _text_budget(n_ctx - out - map_overhead) < 48:
                raise BadInputError(f"the context of {n_ctx} tokens leaves no room for the document after the "
                                    f"instructions; load the model with a larger context")
            if reduce_out < MIN_REPLY_TOKENS:
                raise BadInputError(f"the context of {n_ctx} tokens is too small to combine partial summaries "
                                    f"after the instructions; load the model with a larger context")
            # Partial summaries no longer than what combining has room for: two always fit together.
            out = min(out, reduce_out)
            chunks = make_chunks(units, _text_budget(n_ctx - out - map_overhead), self.client.count_tokens)
        return SummaryPlan(n_ctx=n_ctx, pages=len(document.pages), characters=document.characters,
                           document_tokens=doc_tokens, language=lang, one_pass=one_pass, chunks=chunks,
                           output_tokens=out, base_model=base, reduce_output_tokens=max(reduce_out, 0),
                           reduce_overhead=reduce_overhead)

    # ---- running ------------------------------------------------------------------------------
    def run(self, document, options: SummaryOptions, plan: SummaryPlan | None = None,
            on_event: Callable[[Event], None] | None = None, on_text: Callable[[str], None] | None = None,
            fresh: bool = False) -> SummaryResult:
        """Summarise ``document``. ``on_event`` gets progress events (dicts with a
        ``type``: "plan", "step", "retry", "extract", "part", "done"); ``on_text`` the
        text of the step being written. Raises ``CancelledError`` after ``cancel()``."""
        self._cancelled.clear()
        emit = on_event or (lambda e: None)
        t0 = time.monotonic()
        plan = plan or self.plan(document, options)
        emit({"type": "plan", **plan.to_dict()})
        res = SummaryResult(summary="", chunks=len(plan.chunks), pages=plan.pages,
                            document_tokens=plan.document_tokens, ctx=plan.n_ctx)
        ps = self.parts_store
        sid, stored = None, {}
        if ps is not None:
            key = job_key(document.sha256, self.model_id, options.to_dict(), plan.n_ctx)
            sid = None if fresh else ps.find_resumable(key)
            if sid is None:
                sid = ps.start(key, document.path.name, document.sha256, self.model_id, options.to_dict(),
                               plan.n_ctx, plan.pages, plan.document_tokens)
            else:
                stored = ps.parts(sid)
                ps.mark(sid, "running")
        res.summary_id = sid
        total_steps = plan.steps_estimate
        progress = {"done": 0, "spent": 0.0}
        lang = plan.language
        reasons: Counter = Counter()
        page_texts = {p.number: p.text for p in document.pages}
        final_cite: list[CiteStats | None] = [None]
        sentences = {c.index: chunk_sentences(c, page_texts) for c in plan.chunks}

        def document_sentences(a: int, b: int) -> list[Source]:
            """The sentences of the chunks within pages ``a``–``b``, each chunk a group of its own."""
            return [Source(src.text, src.pages, c.index) for c in plan.chunks
                    if a <= c.page_start and c.page_end <= b for src in sentences[c.index]]

        def eta() -> float | None:
            done = max(progress["done"] - res.resumed_parts, 0)
            if done == 0:
                return None
            return progress["spent"] / done * max(total_steps - progress["done"], 0)

        def ask(stage: str, body: str, facts: list[str], retry: bool, reply_cap: int, watch_source: str,
                info: dict) -> tuple[object, str, str | None]:
            """One model call, watched while it streams: (stats, the reply's usable text, why it is unusable
            or None). A reply that degenerates is stopped at once through its own request id."""
            facts = list(facts)
            while True:
                messages = build_messages(stage, options, lang, body, plan.base_model, facts, retry)
                n_prompt = self.client.count_chat_tokens(messages)
                if n_prompt + reply_cap <= plan.n_ctx or not facts:
                    break
                facts.pop()            # longer facts than planned for: the last ones give way
            reply = min(reply_cap, plan.n_ctx - n_prompt)
            if reply < MIN_REPLY_TOKENS:
                raise EngineError(f"a prompt of {n_prompt} tokens does not leave room for a reply in the "
                                  f"context of {plan.n_ctx}")  # the planner's margins make this a bug
            told = " ".join((instruction(stage, options, lang), facts_line(facts, lang),
                             ptext(lang, "retry") if retry else ""))
            watch = DegenerateWatch(source=watch_source, instruction=told, lang=lang,
                                    copy_limit=None if stage.startswith("reduce") else 0.8)
            rid = self.client.new_request_id()
            self._request_id = rid
            stopped = [False]

            def on_chunk(chunk: str) -> None:
                if on_text is not None:
                    on_text(chunk)
                if not stopped[0] and watch.feed(chunk):
                    stopped[0] = True
                    self.client.cancel(rid)   # this call only: the summary goes on

            if self._cancelled.is_set():   # cancelled while the id was being taken
                self.client.cancel(rid)
            t = time.monotonic()
            try:
                sampling = SamplingOptions(max_tokens=reply, **(RETRY_SAMPLING if retry else SAMPLING))
                stats = self.client.chat(messages, sampling, on_text=on_chunk, request_id=rid)
            finally:
                self._request_id = None
            if self._cancelled.is_set() or (stats.finish_reason == "cancelled" and not stopped[0]):
                self._cancelled.set()
                self._check()
            res.calls += 1
            res.prompt_tokens += stats.prompt_tokens
            res.cached_prompt_tokens += stats.cached_tokens
            res.completion_tokens += stats.completion_tokens
            res.max_prompt_tokens = max(res.max_prompt_tokens, stats.prompt_tokens)
            progress["spent"] += time.monotonic() - t
            info["prompt_tokens"] = info.get("prompt_tokens", 0) + stats.prompt_tokens
            info["completion_tokens"] = info.get("completion_tokens", 0) + stats.completion_tokens
            reason = watch.reason if stopped[0] else watch.final(stats.text)
            text = dedupe_lines(stats.text)
            if reason is None:
                bad = set(unsupported_lines(text, watch_source)) if is_cjk_text(watch_source) == (lang == "ja") \
                    else set()
                if bad:
                    lines = text.splitlines()
                    text = "\n".join(line for i, line in enumerate(lines) if i not in bad)
                    if not any(ch.isalnum() for ch in CITATION.sub("", text)):
                        reason = "invented"
                    elif watch.copied(text):
                        reason = "copy"        # what is left is the input handed back
                    else:
                        info["unsupported_lines"] = info.get("unsupported_lines", 0) + len(bad)
            if reason is None and len(facts) >= MIN_FACTS_CHECKED \
                    and sum(1 for f in facts if fact_in(f, text)) < FACTS_KEPT_AT_LEAST * len(facts):
                reason = "facts"               # most of what it was told to keep is gone
            return stats, text, reason

        def step(level: int, position: int, stage: str, a: int, b: int, body: str, sources: list[Source],
                 facts: list[str], notes: dict | None = None, final: bool = False) -> str:
            """One part: a model call (a second try, an extract) or its stored result; returns its text."""
            self._check()
            label = pages_label(a, b)
            reply_cap = plan.reduce_output_tokens if stage == "reduce" else plan.output_tokens
            h = text_hash(repr(build_messages(stage, options, lang, body, plan.base_model, facts)))
            old = stored.get((level, position))
            note, reason = "", ""
            if old and old["input_sha256"] == h and old["text"].strip():
                res.resumed_parts += 1
                text = old["text"]
                note, _, reason = (old.get("flags") or "").partition(":")
                if note:
                    res.degenerate_parts += 1
                    reasons[reason or "loop"] += 1
                    res.retried_parts += note == "retried"
                    res.extractive_parts += note == "extractive"
                if final:
                    final_cite[0] = None
            else:
                emit({"type": "step", "level": level, "position": position, "pages": label,
                      "done": progress["done"], "total": total_steps, "eta_s": eta()})
                t = time.monotonic()
                info: dict = {}
                watch_source = body
                stats, raw, reason = ask(stage, body, facts, False, reply_cap, watch_source, info)
                if reason:
                    res.degenerate_parts += 1
                    reasons[reason] += 1
                    emit({"type": "retry", "level": level, "position": position, "pages": label, "reason": reason})
                    retry_stage = "reduce_plain" if stage == "reduce" else stage
                    info.pop("unsupported_lines", None)
                    stats, raw, again = ask(retry_stage, body, facts, True, reply_cap, watch_source, info)
                    if again is None:
                        note = "retried"
                        res.retried_parts += 1
                    else:
                        note = "extractive"
                        res.extractive_parts += 1
                        emit({"type": "extract", "level": level, "position": position, "pages": label,
                              "reason": again})
                if note == "extractive":
                    marker = ptext(lang, "extract_final" if stage == "reduce" else "extract")
                    # A chunk: its own sentences. Combining: the sentences of the chunks the notes came from
                    # (the notes may hold what a weak model made up; the document does not).
                    pool = document_sentences(a, b) if stage == "reduce" else sources
                    n = (EXTRACT_SENTENCES if stage == "map" else EXTRACT_FINAL)[options.length]
                    text, st = extract(pool, n, facts, marker)
                else:
                    if stats.finish_reason == "length":
                        raw = drop_cut_line(raw)
                    if options.form == "bullets":
                        raw = dedupe_lines(as_bullets(raw))
                    text, st = cite(raw.strip(), sources, (a, b), notes)
                    res.citations_corrected += st.corrected
                    res.unsupported_lines_dropped += info.get("unsupported_lines", 0)
                if final:
                    final_cite[0] = st
                if ps is not None:
                    ps.save_part(sid, level, position, h, a, b, text, info.get("prompt_tokens", 0),
                                 info.get("completion_tokens", 0), time.monotonic() - t,
                                 flags=f"{note}:{reason}" if note else "")
            progress["done"] += 1
            part = {"level": level, "position": position, "pages": label, "page_start": a, "page_end": b,
                    "text": text, "note": note, "reason": reason if note else ""}
            res.parts.append(part)
            emit({"type": "part", **part, "done": progress["done"], "total": total_steps, "eta_s": eta()})
            return text

        def facts_of(texts: list[str], limit: int) -> list[str]:
            return [f.text for f in rank_facts(texts, limit * 2) if len(f.text) <= FACT_MAX_CHARS][:limit]

        try:
            if plan.one_pass:
                c = plan.chunks[0]
                final_facts = facts_of([unwrap(c.text)], FACTS_FINAL[options.length])
                final = step(0, 0, "single", c.page_start, c.page_end, unwrap(c.text), sentences[c.index],
                             final_facts, final=True)
                res.levels = 1
            else:
                items = []
                for c in plan.chunks:
                    body = unwrap(c.text)
                    text = step(0, c.index, "map", c.page_start, c.page_end, body, sentences[c.index],
                                facts_of([body], FACTS_PER_STEP[options.length]))
                    items.append((text, c.page_start, c.page_end))
                level = 1
                while True:
                    groups = self._group(items, plan)
                    if len(groups) >= len(items) > 1:  # cannot happen with the planner's budgets
                        raise EngineError("combining the partial summaries made no progress")
                    last = len(groups) == 1
                    new_items = []
                    for i, g in enumerate(groups):
                        notes = {k + 1: (ga, gb) for k, (_, ga, gb) in enumerate(g)}
                        sources = [s for k, (t, ga, gb) in enumerate(g)
                                   for s in line_sources(_without_markers(t), (ga, gb), k + 1)]
                        facts = facts_of([strip_refs(_without_markers(t)) for t, _, _ in g],
                                         FACTS_FINAL[options.length])
                        if last:
                            final_facts = facts
                        text = step(level, i, "reduce", g[0][1], g[-1][2], self._body(g), sources, facts,
                                    notes, final=last)
                        new_items.append((text, g[0][1], g[-1][2]))
                    if last:
                        final = new_items[0][0]
                        break
                    items = new_items
                    level += 1
                res.levels = level + 1
        except CancelledError:
            if ps is not None:
                ps.mark(sid, "cancelled")
            raise
        except BaseException:
            if ps is not None:
                try:
                    ps.mark(sid, "failed")
                except Exception:
                    pass
            raise
        res.degenerate_reasons = dict(reasons)
        kept, dropped = kept_and_dropped(final_facts, strip_refs(final))
        res.facts = {"kept": kept, "dropped": dropped}
        lines = summary_lines(final)
        cited = sum(1 for line in lines if re.search(r"\[pp?\. \d+(?:\u2013\d+)?\]\s*$", line))
        st = final_cite[0]
        res.cited_lines = {"lines": len(lines), "cited": cited,
                           "matched": min(st.matched, cited) if st is not None else cited}
        res.coverage = coverage_line(plan.language, plan.pages, len(plan.chunks), plan.document_tokens)
        res.summary = f"{final.strip()}\n\n{res.coverage}"
        res.seconds = time.monotonic() - t0
        if ps is not None:
            ps.finish(sid, res.summary, res.to_json())
        emit({"type": "done", "summary": res.summary, **res.to_json()})
        return res

    # ---- combining ----------------------------------------------------------------------
    @staticmethod
    def _note(number: int, text: str) -> str:
        return f"[{number}]\n{strip_refs(_without_markers(text))}"

    @classmethod
    def _body(cls, group) -> str:
        """The notes to combine, numbered from 1, without their page references or extract notes."""
        return "\n\n".join(cls._note(k + 1, text) for k, (text, _, _) in enumerate(group))

    def _group(self, items, plan: SummaryPlan) -> list[list]:
        """Consecutive items ``(text, first page, last page)`` in groups whose combining prompt fits the
        context. Always at least two items per group (so every round shrinks the list), shortening an
        item that is too long for that."""
        budget = _text_budget(plan.n_ctx - plan.reduce_output_tokens - plan.reduce_overhead)

        def size(text: str) -> str:
            return f"{NOTE_LABEL}\n{strip_refs(_without_markers(text))}\n\n"

        items = [(_without_markers(text), a, b) for text, a, b in items]   # an extract's note is for the reader
        counts = self.client.count_tokens([size(text) for text, _, _ in items])
        cap = max(8, budget // 2)   # an item may take at most half a group
        for i, n in enumerate(counts):
            text, a, b = items[i]
            while n > cap and text:
                # A runaway partial summary (or text that re-tokenizes longer than it was
                # generated, like replacement characters): keep its beginning.
                text = text[:safe_cut(text, max(1, int(len(text) * cap / n * 0.9)))]
                n = self.client.count_tokens([size(text)])[0]
            items[i], counts[i] = (text, a, b), n
        groups, cur, used = [], [], 0
        for item, n in zip(items, counts):
            if cur and used + n > budget:
                groups.append(cur)
                cur, used = [], 0
            cur.append(item)
            used += n
        if cur:
            groups.append(cur)
        return groups
