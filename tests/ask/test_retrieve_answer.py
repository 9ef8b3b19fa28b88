"""Retrieval (full text, dense, fused) and answers with checked citations."""

from __future__ import annotations

import pytest

from engine.ask import NOT_FOUND, Answerer, Collections, Embedder, Indexer, Retriever
from engine.ask.answer import check_citations, says_not_found
from engine.ask.retrieve import Hit
from engine.errors import BadInputError
from engine.host.protocol import GenerationStats


@pytest.fixture
def indexed(store, docs):
    Collections(store).add("docs", [str(docs)])
    Indexer(store, "docs").run()
    return store


def test_full_text_finds_the_page_japanese_and_english(indexed):
    r = Retriever(indexed, "docs")
    ja = r.search("業務時間は何パーセント短縮されましたか", top_k=3)
    assert ja.mode == "fts" and ja.relevant
    assert (ja.hits[0].file, ja.hits[0].page) == ("report.pdf", 3)
    assert ja.hits[0].label == "report.pdf p. 3"
    en = r.search("When was the budget raised?", top_k=3)
    assert (en.hits[0].file, en.hits[0].page) == ("notes.md", 1) and en.relevant
    assert en.hits[0].to_json().keys() >= {"file", "page", "passage", "score"}
    two_kanji = r.search("売上", top_k=3)                       # a two-character word: found by its pair
    assert two_kanji.hits[0].file == "annual.docx"
    phrase = r.search("「人員配置」について", top_k=5)           # a quoted phrase must appear as written
    assert [(h.file, h.page) for h in phrase.hits] == [("report.pdf", 1)]


def test_nothing_relevant(indexed):
    r = Retriever(indexed, "docs")
    assert not r.search("capital of Mars", top_k=3).relevant
    assert not r.search("量子コンピュータの冷却方式", top_k=3).relevant
    with pytest.raises(BadInputError, match="dense search needs an embedding model"):
        r.search("budget", mode="dense")


class ScriptedClient:
    """The EngineClient calls the Answerer makes, with a reply chosen by the test; counts tokens like a
    tokenizer of one token per 4 characters."""

    def __init__(self, reply: str, n_ctx: int = 4096, chat_template: bool = True):
        self.reply = reply
        self.model_info = {"n_ctx": n_ctx, "has_chat_template": chat_template}
        self.sent: list[list[dict]] = []

    def count_tokens(self, texts):
        return [len(t) // 4 + 1 for t in texts]

    def count_chat_tokens(self, messages):
        return sum(len(m["content"]) // 4 + 4 for m in messages)

    def new_request_id(self):
        return 1

    def cancel(self, rid=None):
        pass

    def chat(self, messages, sampling=None, on_text=None, request_id=None):
        self.sent.append(messages)
        n = self.count_chat_tokens(messages)
        assert n + sampling.max_tokens <= self.model_info["n_ctx"]          # fitted to the context exactly
        if on_text:
            on_text(self.reply)
        return GenerationStats(text=self.reply, prompt_tokens=n, completion_tokens=len(self.reply) // 4)


def test_answer_keeps_real_citations_and_removes_invented_ones(indexed):
    client = ScriptedClient("Working hours fell by eight percent [report.pdf p. 3]. It was decided in "
                            "Tokyo [report.pdf p. 9]. Sales rose [other.docx p. 1].")
    res = Answerer(client, indexed, "docs").ask("業務時間は何パーセント短縮されましたか", top_k=3)
    assert res.found and res.cited_by_model
    assert "[report.pdf p. 3]" in res.answer and "p. 9" not in res.answer and "other.docx" not in res.answer
    assert res.removed_citations == ["[report.pdf p. 9]", "[other.docx p. 1]"]
    assert [(h.file, h.page) for h in res.citations] == [("report.pdf", 3)]
    prompt = client.sent[0][0]["content"]
    assert "[report.pdf p. 3]\n" in prompt and "日本語で答えてください" in prompt    # labels; a Japanese question
    assert res.to_json().keys() >= {"answer", "citations", "found", "passages_used", "prompt_tokens",
                                    "completion_tokens", "seconds"}


def test_not_found_without_a_model_and_when_the_model_says_so(indexed):
    prepared = []
    client = ScriptedClient("unused")
    res = Answerer(client, indexed, "docs", prepare=lambda: prepared.append(1)).ask("量子コンピュータの冷却方式は？")
    assert (res.found, res.answer, res.citations, prepared, client.sent) == \
        (False, NOT_FOUND["ja"], [], [], [])                        # no model loaded, none asked
    client = ScriptedClient("Not found in these documents.")
    res = Answerer(client, indexed, "docs").ask("When does the office move?")
    assert client.sent and not res.found and res.answer == NOT_FOUND["en"] and res.citations == []
    assert says_not_found("これらの文書には見つかりませんでした。", "ja")


def test_prompt_fits_a_small_context_exactly(indexed):
    client = ScriptedClient("They met [minutes.txt p. 1].", n_ctx=700)
    res = Answerer(client, indexed, "docs").ask("来年度の予算案について議論しましたか", top_k=8)
    assert 1 <= res.passages_used < 8 and res.found        # the lowest-ranked passages were left out
    assert res.prompt_tokens <= 700 - 48


def test_uncited_answer_points_to_the_passages_it_was_given():
    hits = [Hit(1, "a.pdf", "/a.pdf", 2, "x", 1.0)]
    text, cited, removed = check_citations("An answer [a.pdf, p.2] and [a p. 2] and [p. 2].", hits)
    assert text == "An answer [a.pdf p. 2] and [a.pdf p. 2] and [a.pdf p. 2]." and removed == []


def test_tiny_chat_model_answers_and_cites_the_page(indexed, tiny_long_model):
    """The plumbing with a real model process: the tiny model writes nonsense, so the citations are the
    passages it was given, the best one first."""
    from engine.host.client import EngineClient
    from engine.host.protocol import LoadOptions

    client = EngineClient()
    try:
        client.load(tiny_long_model, LoadOptions(n_ctx=2048))
        res = Answerer(client, indexed, "docs").ask("業務時間は何パーセント短縮されましたか", top_k=2)
    finally:
        client.unload()
    assert res.found and res.prompt_tokens > 0 and res.completion_tokens > 0
    assert (res.citations[0].file, res.citations[0].page) == ("report.pdf", 3)


def test_dense_plumbing_with_a_tiny_embedding_model(indexed, tiny_embedding_model):
    embedder = Embedder.start(tiny_embedding_model)
    try:
        r = Indexer(indexed, "docs", embedder=embedder).run()
        assert r.embedded == r.passages and r.embed_model.startswith("tiny-bert-embed.gguf|")
        assert Indexer(indexed, "docs", embedder=embedder).run().embedded == 0      # stored: not done again
        retriever = Retriever(indexed, "docs", embedder=embedder)
        with indexed._guard() as c:
            text = c.execute("SELECT text FROM ask_passages WHERE text LIKE '%Osaka%'").fetchone()[0]
        dense = retriever.search(text, top_k=3, mode="dense")       # the same text: cosine 1 (float16 storage)
        assert dense.hits[0].file == "notes.md" and dense.hits[0].score == pytest.approx(1.0, abs=2e-3)
        fused = retriever.search("When was the budget raised?", top_k=3)
        assert fused.mode == "hybrid" and fused.hits[0].file == "notes.md"
        assert fused.hits[0].fts_rank == 1 and fused.hits[0].dense_rank is not None
        rrf = retriever.search("When was the budget raised?", top_k=3, fusion="rrf")
        assert rrf.hits[0].file == "notes.md"
        # Past FLOAT32_BYTES the vectors stay float16 in memory and are multiplied a block at a time.
        from engine.ask import retrieve as module

        old, module.FLOAT32_BYTES = module.FLOAT32_BYTES, 0
        try:
            half = Retriever(indexed, "docs", embedder=embedder).search(text, top_k=3, mode="dense")
        finally:
            module.FLOAT32_BYTES = old
        assert [h.passage_id for h in half.hits] == [h.passage_id for h in dense.hits]
    finally:
        embedder.close()


GIVEN = [Hit(1, "report.pdf", "/d/report.pdf", 1, "x", 3.0), Hit(2, "report.pdf", "/d/report.pdf", 3, "y", 2.0),
         Hit(3, "notes.md", "/d/notes.md", 1, "z", 1.0)]


@pytest.mark.parametrize("reply, answer, removed", [
    # Other brackets are checked too: full-width, lenticular, tortoise shell, parentheses.
    ("Twelve came 【report.pdf p. 9】.", "Twelve came.", ["[report.pdf p. 9]"]),
    ("Twelve came ［report.pdf p. 9］.", "Twelve came.", ["[report.pdf p. 9]"]),
    ("Twelve came 〔report.pdf p. 9〕.", "Twelve came.", ["[report.pdf p. 9]"]),
    ("Twelve came (report.pdf p. 9).", "Twelve came.", ["[report.pdf p. 9]"]),
    ("Twelve came （report.pdf p. 9）.", "Twelve came.", ["[report.pdf p. 9]"]),
    ("Twelve came (see p. 9).", "Twelve came.", ["[see p. 9]"]),
    ("Twelve came 【report.pdf p. 3】.", "Twelve came [report.pdf p. 3].", []),
    ("十二名【ｒｅｐｏｒｔ．ｐｄｆ　ｐ．３】。", "十二名[report.pdf p. 3]。", []),
    ("Twelve came (report.pdf, page 1).", "Twelve came [report.pdf p. 1].", []),
    # The Japanese page forms.
    ("十二名 [report.pdf 9ページ]。", "十二名。", ["[report.pdf p. 9]"]),
    ("十二名 [report.pdf 3ページ]。", "十二名 [report.pdf p. 3]。", []),
    ("十二名（report.pdfの第3頁）。", "十二名[report.pdf p. 3]。", []),
    ("十二名 [出典: report.pdf 1ページ目]。", "十二名 [report.pdf p. 1]。", []),
    # A file named without a page: one that was not given is removed; one given with one page is that page.
    ("Sales rose [other.pdf].", "Sales rose.", ["[other.pdf]"]),
    ("Sales rose (other.docx).", "Sales rose.", ["[other.docx]"]),
    ("Osaka [notes.md].", "Osaka [notes.md p. 1].", []),
    ("Twelve came [report.pdf].", "Twelve came.", ["[report.pdf]"]),       # two of its pages were given: which?
    ("From [a.pdf, notes.md].", "From [notes.md p. 1].", ["[a.pdf]"]),
    # Ranges keep the pages that were given and mark the rest, whichever end is missing.
    ("Cut [report.pdf p. 2-3].", "Cut [report.pdf p. 3].", ["[report.pdf p. 2]"]),
    ("Cut [report.pdf p. 3-4].", "Cut [report.pdf p. 3].", ["[report.pdf p. 4]"]),
    ("Cut [report.pdf pp. 1–3].", "Cut [report.pdf p. 1][report.pdf p. 3].", ["[report.pdf p. 2]"]),
    ("Cut [report.pdf pp. 4-9].", "Cut.", ["[report.pdf p. 4-9]"]),
    ("Cut [report.pdf 2〜3ページ].", "Cut [report.pdf p. 3].", ["[report.pdf p. 2]"]),
    ("Cut [report.pdf p. 3, 5].", "Cut [report.pdf p. 3].", ["[report.pdf p. 5]"]),
    ("Cut [p. 3-4].", "Cut [report.pdf p. 3].", ["[report.pdf p. 4]"]),
    ("Cut [p. 1].", "Cut.", ["[p. 1]"]),                                    # report.pdf p. 1 or notes.md p. 1?
    # Words beside a reference in parentheses stay; the reference is checked.
    ("Costs fell (about 8 percent, see p. 9).", "Costs fell (about 8 percent).", ["[see p. 9]"]),
    ("Costs fell (about 8 percent; report.pdf p. 3).", "Costs fell (about 8 percent) [report.pdf p. 3].", []),
    # Not citations: left as they are.
    ("Costs (about 8 percent, see the table) fell [1].", "Costs (about 8 percent, see the table) fell [1].", []),
    ("Read [Hearth](https://example.com) (2024) and (Node.js).",
     "Read [Hearth](https://example.com) (2024) and (Node.js).", []),
])
def test_citations_in_any_bracket_and_page_form_are_checked(reply, answer, removed):
    text, cited, gone = check_citations(reply, GIVEN)
    assert (text, gone) == (answer, removed)
    assert all(f"[{h.label}]" in text for h in cited)
