"""Summarise whole documents, far beyond the context window, with page citations.

Plan: count the document with the model's own tokenizer (text never becomes
control tokens). If instruction + document + reply fit the context: one pass.
Otherwise map-reduce in document order: chunks sized so that every prompt fits
exactly (each prompt is counted exactly before it is sent, template included),
each chunk summarised with its page range, partial summaries combined in
order — recursively while they do not fit together — into the final summary.

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
from dataclasses import dataclass, field
from typing import Callable

from engine.errors import BadInputError, CancelledError, EngineError
from engine.host.protocol import SamplingOptions
from engine.summarize.chunking import Chunk, make_chunks, pages_label, safe_cut, split_units
from engine.summarize.prompts import OUTPUT_TOKENS, SummaryOptions, build_messages, output_language
from engine.summarize.storage import SummaryStore, job_key, text_hash

# Tokens kept free besides the exact count: joining sentences can merge a
# token or two at each seam, so the sum of sentence counts is a close estimate.
SAFETY_TOKENS = 8
SAFETY_FRACTION = 0.02
MIN_REPLY_TOKENS = 24
SAMPLING = dict(temperature=0.2, top_p=0.9, repeat_penalty=1.1, seed=1234)

Event = dict

# The widest page label a prompt can carry: instruction overheads are counted with it.
WIDEST_LABEL = pages_label(10 ** 5, 10 ** 5 + 1)


def _text_budget(room: int) -> int:
    """Tokens of text to plan for in ``room``: the exact room less the safety margins."""
    return int(room - SAFETY_TOKENS - room * SAFETY_FRACTION)


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
                "chunks": len(self.chunks), "output_tokens": self.output_tokens, "plan": self.describe()}


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
    citations_corrected: int = 0   # page citations outside a part's pages, replaced by its range
    coverage: str = ""
    summary_id: int | None = None
    parts: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        """The CLI's ``--json`` object (keys are a contract)."""
        return {"summary": self.summary, "chunks": self.chunks, "pages": self.pages,
                "document_tokens": self.document_tokens, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "seconds": round(self.seconds, 3),
                "max_prompt_tokens": self.max_prompt_tokens, "ctx": self.ctx,
                "cached_prompt_tokens": self.cached_prompt_tokens, "levels": self.levels,
                "resumed_parts": self.resumed_parts, "calls": self.calls, "coverage": self.coverage,
                "citations_corrected": self.citations_corrected,
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
        label = pages_label(first, last)
        # One pass when the whole document fits (counted exactly, template included).
        single_overhead = self.client.count_chat_tokens(build_messages("single", options, lang, label, "", base))
        one_pass = False
        if single_overhead + doc_tokens + out + SAFETY_TOKENS <= n_ctx:
            whole = "".join(u.text for u in units)
            n = self.client.count_chat_tokens(build_messages("single", options, lang, label, whole, base))
            one_pass = n + out <= n_ctx
        # Combining needs room for at least two partial summaries and the reply.
        reduce_overhead = self.client.count_chat_tokens(build_messages("reduce", options, lang, WIDEST_LABEL, "", base))
        reduce_out = min(out, int((n_ctx - reduce_overhead - SAFETY_TOKENS) * (1 - SAFETY_FRACTION)) // 3 - 8)
        if one_pass:
            chunks = [Chunk(0, "".join(u.text for u in units), first, last, doc_tokens)]
        else:
            overhead = self.client.count_chat_tokens(build_messages("map", options, lang, WIDEST_LABEL, "", base))
            if _text_budget(n_ctx - out - overhead) < 48:
                raise BadInputError(f"the context of {n_ctx} tokens leaves no room for the document after the "
                                    f"instructions; load the model with a larger context")
            if reduce_out < MIN_REPLY_TOKENS:
                raise BadInputError(f"the context of {n_ctx} tokens is too small to combine partial summaries "
                                    f"after the instructions; load the model with a larger context")
            # Partial summaries no longer than what combining has room for: two always fit together.
            out = min(out, reduce_out)
            chunks = make_chunks(units, _text_budget(n_ctx - out - overhead), self.client.count_tokens)
        return SummaryPlan(n_ctx=n_ctx, pages=len(document.pages), characters=document.characters,
                           document_tokens=doc_tokens, language=lang, one_pass=one_pass, chunks=chunks,
                           output_tokens=out, base_model=base, reduce_output_tokens=max(reduce_out, 0),
                           reduce_overhead=reduce_overhead)

    # ---- running ------------------------------------------------------------------------------
    def run(self, document, options: SummaryOptions, plan: SummaryPlan | None = None,
            on_event: Callable[[Event], None] | None = None, on_text: Callable[[str], None] | None = None,
            fresh: bool = False) -> SummaryResult:
        """Summarise ``document``. ``on_event`` gets progress events (dicts with a
        ``type``: "plan", "step", "part", "done"); ``on_text`` the text of the
        step being written. Raises ``CancelledError`` after ``cancel()``."""
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

        def step(level: int, position: int, stage: str, label: str, body: str, ps_: int, pe: int) -> str:
            reply_cap = plan.reduce_output_tokens if stage == "reduce" else plan.output_tokens
            """One model call (or a stored result): returns the text."""
            self._check()
            messages = build_messages(stage, options, plan.language, label, body, plan.base_model)
            h = text_hash(repr(messages))
            old = stored.get((level, position))
            if old and old["input_sha256"] == h and old["text"].strip():
                res.resumed_parts += 1
                text = old["text"]
            else:
                n_prompt = self.client.count_chat_tokens(messages)
                reply = min(reply_cap, plan.n_ctx - n_prompt)
                if reply < MIN_REPLY_TOKENS:
                    raise EngineError(f"a prompt of {n_prompt} tokens does not leave room for a reply in the "
                                      f"context of {plan.n_ctx}")  # the planner's margins make this a bug
                emit({"type": "step", "level": level, "position": position, "pages": label,
                      "done": progress["done"], "total": total_steps, "eta_s": eta()})
                t = time.monotonic()
                self._request_id = self.client.new_request_id()
                if self._cancelled.is_set():   # cancelled while the id was being taken
                    self.client.cancel(self._request_id)
                try:
                    stats = self.client.chat(messages, SamplingOptions(max_tokens=reply, **SAMPLING),
                                             on_text=on_text, request_id=self._request_id)
                finally:
                    self._request_id = None
                if stats.finish_reason == "cancelled" or self._cancelled.is_set():
                    self._cancelled.set()
                    self._check()
                text, corrected = fix_citations(stats.text.strip(), ps_, pe)
                res.citations_corrected += corrected
                res.calls += 1
                res.prompt_tokens += stats.prompt_tokens
                res.cached_prompt_tokens += stats.cached_tokens
                res.completion_tokens += stats.completion_tokens
                res.max_prompt_tokens = max(res.max_prompt_tokens, stats.prompt_tokens)
                progress["spent"] += time.monotonic() - t
                if ps is not None:
                    ps.save_part(sid, level, position, h, ps_, pe, text, stats.prompt_tokens,
                                 stats.completion_tokens, time.monotonic() - t)
            progress["done"] += 1
            part = {"level": level, "position": position, "pages": label, "page_start": ps_, "page_end": pe,
                    "text": text}
            res.parts.append(part)
            emit({"type": "part", **part, "done": progress["done"], "total": total_steps, "eta_s": eta()})
            return text

        def eta() -> float | None:
            done = max(progress["done"] - res.resumed_parts, 0)
            if done == 0:
                return None
            return progress["spent"] / done * max(total_steps - progress["done"], 0)

        try:
            if plan.one_pass:
                c = plan.chunks[0]
                final = step(0, 0, "single", c.pages_label, c.text, c.page_start, c.page_end)
                res.levels = 1
            else:
                items = [(c.pages_label, step(0, c.index, "map", c.pages_label, c.text, c.page_start, c.page_end),
                          c.page_start, c.page_end) for c in plan.chunks]
                level = 1
                while True:
                    groups = self._group(items, options, plan)
                    if len(groups) >= len(items) > 1:  # cannot happen with the planner's budgets
                        raise EngineError("combining the partial summaries made no progress")
                    if len(groups) == 1:
                        g = groups[0]
                        final = step(level, 0, "reduce", pages_label(g[0][2], g[-1][3]), self._body(g),
                                     g[0][2], g[-1][3])
                        break
                    items = [(pages_label(g[0][2], g[-1][3]),
                              step(level, i, "reduce", pages_label(g[0][2], g[-1][3]), self._body(g),
                                   g[0][2], g[-1][3]), g[0][2], g[-1][3]) for i, g in enumerate(groups)]
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
        res.coverage = coverage_line(plan.language, plan.pages, len(plan.chunks), plan.document_tokens)
        res.summary = f"{final.strip()}\n\n{res.coverage}"
        res.seconds = time.monotonic() - t0
        if ps is not None:
            ps.finish(sid, res.summary, res.to_json())
        emit({"type": "done", "summary": res.summary, **res.to_json()})
        return res

    # ---- combining ----------------------------------------------------------------------
    @staticmethod
    def _body(group) -> str:
        return "\n\n".join(f"[{label}]\n{text}" for label, text, _, _ in group)

    def _group(self, items, options: SummaryOptions, plan: SummaryPlan) -> list[list]:
        """Consecutive items in groups whose combining prompt fits the context.
        Always at least two items per group (so every round shrinks the list),
        shortening an item that is too long for that."""
        budget = _text_budget(plan.n_ctx - plan.reduce_output_tokens - plan.reduce_overhead)
        counts = self.client.count_tokens([f"[{label}]\n{text}\n\n" for label, text, _, _ in items])
        cap = max(8, budget // 2)   # an item may take at most half a group
        items = list(items)
        for i, n in enumerate(counts):
            label, text, a, b = items[i]
            while n > cap and text:
                # A runaway partial summary (or text that re-tokenizes longer than it was
                # generated, like replacement characters): keep its beginning.
                text = text[:safe_cut(text, max(1, int(len(text) * cap / n * 0.9)))]
                n = self.client.count_tokens([f"[{label}]\n{text}\n\n"])[0]
            items[i], counts[i] = (label, text, a, b), n
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
