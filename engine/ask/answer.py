"""Answers from the passages, with the page behind every claim.

    answerer = Answerer(client, store, "handbook", embedder=None)   # client: EngineClient or RemoteClient
    result = answerer.ask("When was the budget reviewed?", top_k=6,
                          on_event=print, on_text=lambda t: ...)    # AskResult; .to_json() is the CLI's --json
    answerer.cancel()                                              # from any thread

1. The question is looked up (``engine.ask.retrieve``). When nothing relevant is found the answer is
   "not found in these documents" at once, in the question's language, and no model is asked
   (``prepare`` — e.g. loading the model — is not even called).
2. The best passages are put in the prompt, each under a label the model is told to cite with,
   ``[report.pdf p. 3]``; as many as fit the model's context *exactly*: the prompt is counted with
   the model's own tokenizer, chat template included (``count_chat_tokens``), leaving room for the
   reply; the lowest-ranked passages are left out first, and a single passage that alone is too long
   is shortened.
3. The model is told to use only the passages, to cite after every claim, to answer in the
   question's language, and to say "not found in these documents" when they do not hold the answer.
4. The reply's citations are checked, in square, full-width (［］), lenticular (【】) and tortoise-shell
   brackets and in parentheses, with the English and the Japanese page forms (p. 3, pp. 3-4, 3ページ, 第3頁):
   one that names a file and page Hearth gave the model is kept (written the canonical way); any other — a
   page not given, a file not given, a file named without its page — is removed from the answer (listed in
   ``removed_citations``), so no citation is shown that Hearth cannot match to a passage. A range keeps the
   pages that were given and removes the rest.
   ``citations`` are the passages cited; a model that cited none gets the passages it was given
   (``cited_by_model`` False). A reply that is the not-found sentence gives ``found`` False.

``on_text`` receives the reply as it streams (before the citations are checked: show the final
``result.answer`` when it is done). ``on_event`` gets ``{"type": "retrieved", "mode", "hits"}``,
``{"type": "prompt", "passages_used", "prompt_tokens", "n_ctx"}`` and ``{"type": "done", ...}``.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from engine.ask.retrieve import Hit, Retrieval, Retriever
from engine.documents import SUPPORTED_SUFFIXES
from engine.errors import BadInputError, CancelledError
from engine.host.protocol import SamplingOptions
from engine.summarize.chunking import safe_cut
from engine.summarize.prompts import is_japanese

DEFAULT_TOP_K = 6
REPLY_TOKENS = 400
MIN_REPLY_TOKENS = 48
SAFETY_TOKENS = 8
SAMPLING = dict(temperature=0.1, top_p=0.9, repeat_penalty=1.1, seed=1234)

NOT_FOUND = {"en": "Not found in these documents.", "ja": "これらの文書には見つかりませんでした。"}
# What counts as the model saying so (it may add a word or two).
_NOT_FOUND_MARKS = ("not found in these documents", "not found in the documents", "文書には見つかりません",
                    "見つかりませんでした", "記載されていません", "記載がありません")

_PROMPTS = {
    "en": {
        "instruction": "Answer the question using only the passages below. After every sentence that uses a "
                       "passage, cite it with its label in square brackets, exactly as it is written above the "
                       "passage, like [report.pdf p. 3]. Do not cite anything else. If the passages do not "
                       "contain the answer, reply only: Not found in these documents. Write in English.",
        "passages": "Passages:",
        "question": "Question:",
        "cue": "Answer:",
    },
    "ja": {
        "instruction": "以下の抜粋だけを使って質問に答えてください。抜粋を使った文の後には、抜粋の上に書かれた"
                       "ラベルをそのまま角括弧で付けて出典を示してください（例: [report.pdf p. 3]）。それ以外の出典は"
                       "書かないでください。抜粋に答えがない場合は「これらの文書には見つかりませんでした。」とだけ"
                       "答えてください。日本語で答えてください。",
        "passages": "抜粋:",
        "question": "質問:",
        "cue": "回答:",
    },
}

# Citations as models write them: [report.pdf p. 3], [report.pdf, p.3], [report.pdf page 3], [report.pdf pp. 3-4],
# [p. 3], [a.pdf p. 2; b.pdf p. 5], [report.pdf p. 3, 5], [report.pdf 3ページ], [report.pdfの第3頁], [report.pdf];
# in full-width and lenticular brackets too (［…］, 【…】, 〔…〕, 〖…〗) and in parentheses ((…), （…）), where only a
# reference that names a document file or a page counts (prose in parentheses stays as it is). The inside is read
# after NFKC (ｐ．３ is p.3).
_SQUARE = re.compile(r"\[([^\[\]\n]{1,300})\]|［([^［］\n]{1,300})］|【([^【】\n]{1,300})】|〔([^〔〕\n]{1,300})〕"
                     r"|〖([^〖〗\n]{1,300})〗")
_ROUND = re.compile(r"\(([^()\n]{1,300})\)|（([^（）\n]{1,300})）")
_RANGE_TO = r"\s*(?:-|\u2010|\u2011|\u2012|\u2013|\u2014|~|〜|から|to)\s*"     # 3-4, 3–4, 3〜4, 3から4, 3 to 4
_SPAN = rf"\d{{1,6}}(?:{_RANGE_TO}\d{{1,6}})?"
_PAGES = rf"{_SPAN}(?:\s*(?:,|、|and|&|・|および|及び|と)\s*{_SPAN})*"
_PAGE_WORD = r"(?:pp?|pages?|pg)\.?\s*"
_PAGE_SUFFIX = r"\s*(?:ページ目?|頁目?)"
_REF = re.compile(rf"^\s*(?:(?P<file>.*?)[\s,:;、(の]+)?(?:{_PAGE_WORD}(?P<a>{_PAGES})|第?\s*(?P<b>{_PAGES}){_PAGE_SUFFIX})"
                  rf"\s*\)?\s*$", re.IGNORECASE)
_ONLY_PAGES = re.compile(rf"^\s*(?:{_PAGE_WORD})?{_PAGES}(?:{_PAGE_SUFFIX})?\s*$", re.IGNORECASE)
_SPAN_RE = re.compile(rf"(\d{{1,6}})(?:{_RANGE_TO}(\d{{1,6}}))?")
_LEAD = re.compile(r"^(?:see(?:\s+also)?|cf\.?|source|sources|from|出典|参照|参考)(?:\s*[:：]\s*|\s+|$)", re.IGNORECASE)
_DOC_SUFFIXES = tuple(s.lstrip(".") for s in SUPPORTED_SUFFIXES)
_FILE_LIKE = re.compile(rf"\.(?:{'|'.join(_DOC_SUFFIXES)})$", re.IGNORECASE)     # report.pdf, 議事録.docx
_BARE_FILE = re.compile(rf"^[^\s,;:、()]+\.(?:{'|'.join(_DOC_SUFFIXES)})$", re.IGNORECASE)


@dataclass
class AskResult:
    answer: str
    citations: list[Hit]
    found: bool
    passages_used: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    language: str = "en"
    mode: str = "fts"
    cited_by_model: bool = False
    removed_citations: list[str] = field(default_factory=list)
    base_model: bool = False
    n_ctx: int = 0
    retrieved: list[Hit] = field(default_factory=list)
    finish_reason: str = ""

    def to_json(self) -> dict:
        """The CLI's ``--json`` object; ``answer, citations[{file, page, passage, score}], found, passages_used,
        prompt_tokens, completion_tokens, seconds`` are a contract."""
        return {"answer": self.answer, "citations": [h.to_json() for h in self.citations], "found": self.found,
                "passages_used": self.passages_used, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "seconds": round(self.seconds, 3),
                "language": self.language, "mode": self.mode, "cited_by_model": self.cited_by_model,
                "removed_citations": self.removed_citations, "base_model": self.base_model, "n_ctx": self.n_ctx,
                "finish_reason": self.finish_reason}


def language_of(question: str) -> str:
    return "ja" if is_japanese(question) else "en"


def build_messages(question: str, hits: list[Hit], lang: str, base_model: bool,
                   texts: list[str] | None = None) -> list[dict]:
    """One user message: the instruction, the labelled passages (best first), the question."""
    t = _PROMPTS[lang]
    blocks = [f"[{h.label}]\n{(texts[i] if texts is not None else h.text).strip()}" for i, h in enumerate(hits)]
    content = f"{t['instruction']}\n\n{t['passages']}\n\n" + "\n\n".join(blocks) + \
        f"\n\n{t['question']} {question.strip()}"
    if base_model:
        content += f"\n\n{t['cue']}"
    return [{"role": "user", "content": content}]


def _norm_file(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().strip(" \t\"'`“”「」『』*_").split())


def _file_part(m: re.Match) -> str:
    """A reference's file, without a lead word ("see report.pdf p. 3", "出典: report.pdf 3ページ")."""
    return _LEAD.sub("", (m.group("file") or "").strip()).strip()


def _spans(pages: str) -> list[tuple[int, int]]:
    out = []
    for a, b in _SPAN_RE.findall(pages):
        lo, hi = int(a), int(b or a)
        out.append((min(lo, hi), max(lo, hi)))
    return out


def _page_text(lo: int, hi: int) -> str:
    return f"p. {lo}" if lo == hi else f"p. {lo}-{hi}"


def check_citations(text: str, hits: list[Hit]) -> tuple[str, list[Hit], list[str]]:
    """Keep the citations that match a passage given to the model (file and page), rewritten canonically
    (``[report.pdf p. 3]``); remove the others, in any bracket. A page range keeps its pages that were given
    and removes the rest; a file that was not given, or named without a page when more than one of its pages
    was, is removed. Returns (text, cited hits in order of first citation, removed citation texts)."""
    by_key: dict[tuple[str, int], Hit] = {}
    pages_of: dict[str, list[int]] = {}
    files: dict[str, str] = {}          # any accepted spelling -> the label's file
    for h in hits:
        if (h.file, h.page) not in by_key:
            by_key[(h.file, h.page)] = h
            pages_of.setdefault(h.file, []).append(h.page)
        for spelling in (h.file, h.file.rsplit("/", 1)[-1]):
            n = _norm_file(spelling)
            files.setdefault(n, h.file)
            files.setdefault(n.rsplit(".", 1)[0], h.file)
    for p in pages_of.values():
        p.sort()
    cited: list[Hit] = []
    removed: list[str] = []

    def given_file(name: str) -> str | None:
        n = _norm_file(name)
        return files.get(n) or files.get(n.rsplit(".", 1)[0]) if n else None

    def kind(part: str, strict: bool) -> str:
        """"ref" (file and page, or a page), "file" (a document named without a page) or "" (not a citation).
        ``strict`` (parentheses): a reference's file part must be empty, a given file or a document's name."""
        norm = unicodedata.normalize("NFKC", part).strip()
        m = _REF.match(norm)
        if m:
            name = _file_part(m)
            if not strict or not name or given_file(name) or _FILE_LIKE.search(_norm_file(name)):
                return "ref"
            return ""
        if _BARE_FILE.match(_norm_file(norm)) or (given_file(norm) and _FILE_LIKE.search(_norm_file(norm))):
            return "file"
        return ""

    def resolve(part: str, what: str, good: list[str]) -> None:
        norm = unicodedata.normalize("NFKC", part).strip()
        raw = f"[{part.strip()}]"
        if what == "file":
            f = given_file(norm)
            if f and len(pages_of[f]) == 1:
                keep(by_key[(f, pages_of[f][0])], good)
            else:
                removed.append(raw)
            return
        m = _REF.match(norm)
        spans = _spans(m.group("a") or m.group("b"))
        name = _file_part(m)
        if name:
            f = given_file(name)
        else:       # "[p. 3]": fine when exactly one file given to the model has those pages
            owners = {f for f, ps in pages_of.items() if any(lo <= p <= hi for p in ps for lo, hi in spans)}
            f = owners.pop() if len(owners) == 1 else None
        if f is None:
            removed.append(raw)
            return
        for lo, hi in spans:
            start = lo
            for p in pages_of[f]:
                if lo <= p <= hi:
                    if p > start:
                        removed.append(f"[{f} {_page_text(start, p - 1)}]")
                    keep(by_key[(f, p)], good)
                    start = p + 1
            if start <= hi:
                removed.append(f"[{f} {_page_text(start, hi)}]")

    def keep(h: Hit, good: list[str]) -> None:
        if h not in cited:
            cited.append(h)
        if h.label not in good:
            good.append(h.label)

    def parts_of(inner: str, strict: bool) -> list[str]:
        out: list[str] = []
        for group in re.split(r"\s*[;；]\s*", inner):
            parts: list[str] = []
            for chunk in re.split(r"[,，、]", group):       # "a.pdf p. 2, b.pdf p. 5", "a.pdf, p. 2", "p. 3, 5"
                if parts:
                    prev = parts[-1]
                    joined = f"{prev},{chunk}"
                    names_file = bool(_FILE_LIKE.search(_norm_file(prev)) or given_file(prev))
                    if (names_file or _ONLY_PAGES.match(unicodedata.normalize("NFKC", chunk))) \
                            and kind(joined, strict) == "ref":
                        parts[-1] = joined
                        continue
                parts.append(chunk)
            out += parts
        return [p for p in out if p.strip()]

    def replace(m: re.Match, strict: bool) -> str:
        inner = next(g for g in m.groups() if g is not None)
        parts = parts_of(inner, strict)
        kinds = [kind(p, strict) for p in parts]
        if not any(kinds):
            return m.group(0)           # not a citation ([1], [note], Markdown, prose in parentheses): left as it is
        good: list[str] = []
        prose = []
        for p, k in zip(parts, kinds):
            if k:
                resolve(p, k, good)
            elif strict:            # "(about 8 percent, see p. 3)": the words stay, in their parentheses
                prose.append(p.strip())
            else:
                removed.append(f"[{p.strip()}]")
        cites = "".join(f"[{g}]" for g in good)
        if prose:
            whole = m.group(0)
            return f"{whole[0]}{', '.join(prose)}{whole[-1]}" + (f" {cites}" if cites else "")
        return cites

    out = _SQUARE.sub(lambda m: replace(m, False), text)
    out = _ROUND.sub(lambda m: replace(m, True), out)
    out = re.sub(r"[ \t]+([.,;:。、])", r"\1", out)       # no space left before punctuation by a removal
    out = re.sub(r"[ \t]{2,}", " ", out)
    return out.strip(), cited, removed


def says_not_found(text: str, lang: str) -> bool:
    """The reply is (little more than) the not-found sentence."""
    low = " ".join(text.casefold().split())
    if not any(mark in low for mark in _NOT_FOUND_MARKS):
        return False
    return len(low) <= len(NOT_FOUND[lang]) + 60


class Answerer:
    """Answer questions about one collection with the model in ``client`` (see the module's documentation)."""

    def __init__(self, client, store, collection: str, embedder=None,
                 prepare: Callable[[], object] | None = None):
        """``prepare``: called once before the model is first needed (the CLI loads the model there, so a
        question whose answer is not in the documents never waits for a load)."""
        self.client = client
        self.retriever = Retriever(store, collection, embedder)
        self.prepare = prepare
        self._prepared = False
        self._cancelled = threading.Event()
        self._request_id: int | None = None

    def cancel(self) -> None:
        """Stop now (the reply so far is dropped). Safe from any thread."""
        self._cancelled.set()
        rid = self._request_id
        if rid is not None:
            self.client.cancel(rid)

    def _check(self) -> None:
        if self._cancelled.is_set():
            raise CancelledError("the answer was stopped")

    def ask(self, question: str, top_k: int = DEFAULT_TOP_K, mode: str = "auto",
            on_event: Callable[[dict], None] | None = None,
            on_text: Callable[[str], None] | None = None, retrieval: Retrieval | None = None) -> AskResult:
        """``retrieval``: this question's search, already made (the app searches on its own thread, with
        its own embedding model, and answers on the model's thread): used as it is, not searched again."""
        emit = on_event or (lambda e: None)
        t0 = time.monotonic()
        self._cancelled.clear()
        question = (question or "").strip()
        if not question:
            raise BadInputError("give a question to ask the documents")
        lang = language_of(question)
        found = retrieval if retrieval is not None else \
            self.retriever.search(question, top_k=max(1, int(top_k)), mode=mode)
        emit({"type": "retrieved", "mode": found.mode, "relevant": found.relevant,
              "hits": [h.to_json() for h in found.hits]})
        res = AskResult(answer=NOT_FOUND[lang], citations=[], found=False, language=lang, mode=found.mode,
                        retrieved=found.hits)
        if not found.relevant:
            res.seconds = time.monotonic() - t0
            emit({"type": "done", **res.to_json()})
            return res
        self._check()
        if self.prepare is not None and not self._prepared:
            self.prepare()
            self._prepared = True
        self._check()
        info = getattr(self.client, "model_info", None) or {}
        n_ctx = int(info.get("n_ctx") or 0)
        if n_ctx <= 0:
            raise BadInputError("no model is loaded")
        res.n_ctx = n_ctx
        res.base_model = not info.get("has_chat_template", False)
        messages, used, reply = self._fit(question, found.hits, lang, res.base_model, n_ctx)
        n_prompt = self.client.count_chat_tokens(messages)
        reply = max(1, min(reply, n_ctx - n_prompt))
        emit({"type": "prompt", "passages_used": len(used), "prompt_tokens": n_prompt, "n_ctx": n_ctx})
        self._request_id = self.client.new_request_id()
        if self._cancelled.is_set():
            self.client.cancel(self._request_id)
        try:
            # A base model continues the text: stop it where it would start another question.
            stops = [f"\n{t['question']}" for t in _PROMPTS.values()] if res.base_model else []
            stats = self.client.chat(messages, SamplingOptions(max_tokens=reply, stop=stops, **SAMPLING),
                                     on_text=on_text, request_id=self._request_id)
        finally:
            self._request_id = None
        if stats.finish_reason == "cancelled" or self._cancelled.is_set():
            self._cancelled.set()
            self._check()
        res.passages_used = len(used)
        res.prompt_tokens, res.completion_tokens = stats.prompt_tokens, stats.completion_tokens
        res.finish_reason = stats.finish_reason
        text, cited, removed = check_citations(stats.text.strip(), used)
        res.removed_citations = removed
        if says_not_found(text, lang) or not text.strip():
            res.answer, res.found = NOT_FOUND[lang], False
        else:
            res.answer, res.found = text, True
            res.cited_by_model = bool(cited)
            res.citations = cited or list(used)
        res.seconds = time.monotonic() - t0
        emit({"type": "done", **res.to_json()})
        return res

    def _fit(self, question: str, hits: list[Hit], lang: str, base: bool, n_ctx: int):
        """The messages with as many of the best passages as fit with a reply, counted exactly."""
        reply = min(REPLY_TOKENS, max(MIN_REPLY_TOKENS, n_ctx // 4))
        overhead = self.client.count_chat_tokens(build_messages(question, [], lang, base))
        room = n_ctx - reply - overhead - SAFETY_TOKENS
        if room < 16:
            raise BadInputError(f"the context of {n_ctx} tokens is too small to answer from documents in; "
                                f"load the model with a larger context")
        counts = self.client.count_tokens([f"[{h.label}]\n{h.text.strip()}\n\n" for h in hits])
        used, texts, total = [], [], 0
        for h, n in zip(hits, counts):
            if total + n > room:
                if used:
                    break
                # The best passage alone is too long: keep its beginning.
                text = h.text.strip()
                while n > room and len(text) > 1:
                    text = text[:safe_cut(text, max(1, int(len(text) * room / n * 0.9)))]
                    n = self.client.count_tokens([f"[{h.label}]\n{text}\n\n"])[0]
                used.append(h)
                texts.append(text)
                total += n
                break
            used.append(h)
            texts.append(h.text)
            total += n
        messages = build_messages(question, used, lang, base, texts)
        # Exact count (joining pieces can merge a token at each seam): drop passages until it fits.
        while len(used) > 1 and self.client.count_chat_tokens(messages) + reply > n_ctx:
            used, texts = used[:-1], texts[:-1]
            messages = build_messages(question, used, lang, base, texts)
        return messages, used, reply
