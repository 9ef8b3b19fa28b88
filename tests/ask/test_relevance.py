"""Whether full text finds anything worth asking a model about (``Retrieval.relevant``), and that one
collection's results do not depend on what other collections hold."""

from __future__ import annotations

import pytest

from engine.ask import Answerer, Collections, Indexer, Retriever
from tests.ask.corpus import make_corpus

# Questions the generated corpus and the test documents say nothing about, in both languages. (One that
# shares a single word with a small collection — 猫の平均寿命は何年ですか and a page saying 平均八パーセント —
# may pass: the model is then told to say that the documents do not hold the answer.)
OFF_TOPIC = [
    "What is the capital of Mars?", "capital of Mars", "Who won the football world cup in 1998?",
    "How do I bake sourdough bread?", "What is the boiling point of mercury?",
    "Which planet has the most moons?", "What is the average lifespan of a cat?",
    "火星の首都はどこですか", "社長の趣味は何ですか", "量子コンピュータの冷却方式", "量子コンピュータの冷却方式は？",
    "明日の東京の天気は？", "富士山の高さは何メートルですか", "ワールドカップの優勝国はどこですか",
    "新幹線の始発は何時ですか",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The generated question set (80 answerable questions, English and Japanese), indexed."""
    from engine.store import Store

    d = tmp_path_factory.mktemp("ask-corpus")
    questions = make_corpus(d / "docs")
    store = Store(d / "hearth.sqlite3")
    Collections(store).add("corpus", [str(d / "docs")])
    Indexer(store, "corpus").run()
    yield store, questions
    store.close()


def test_answerable_questions_pass_and_unrelated_ones_are_refused(corpus):
    store, questions = corpus
    r = Retriever(store, "corpus")
    refused = [q["question"] for q in questions if not r.search(q["question"], top_k=5).relevant]
    assert len(refused) <= 0.05 * len(questions), refused           # was every one of the 80 (coverage 0.4)
    for lang in ("en", "ja"):                                        # both languages pass, not one of them
        qs = [q for q in questions if q["lang"] == lang]
        assert sum(q["question"] not in refused for q in qs) >= 0.9 * len(qs)
    passed = [q for q in OFF_TOPIC if r.search(q, top_k=5).relevant]
    assert passed == []


def test_a_japanese_question_with_particles_is_relevant(store, docs):
    """出席者は何名でしたか: 者は and 名で are not on the page (出席者：１２名); they do not count against it."""
    Collections(store).add("docs", [str(docs)])
    Indexer(store, "docs").run()
    r = Retriever(store, "docs")
    found = r.search("出席者は何名でしたか", top_k=5)
    assert found.relevant and (found.hits[0].file, found.hits[0].page) == ("report.pdf", 1)
    assert [q for q in OFF_TOPIC if r.search(q, top_k=5).relevant] == []


POLICY = ("Travel policy\n\nTrain tickets are booked through the travel desk. Hotels up to 12,000 yen a night "
          "are approved without a form.\n\nExpenses\n\nAn expense claim must be filed within 30 days of the "
          "purchase, with the receipts attached. Late claims need the approval of a director.\n")
QUESTION = "How many days do I have to file an expense claim?"


def _noise(folder, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"note-{i:03d}.txt").write_text(
            f"Note {i}: an expense claim was discussed. Expense claim forms, expense claim numbers and the "
            f"expense claim inbox {i} are listed here.\n", encoding="utf-8")


def test_another_collection_changes_nothing_here(store, tmp_path):
    pol = tmp_path / "pol"
    pol.mkdir()
    (pol / "policy.txt").write_text(POLICY, encoding="utf-8")
    (pol / "it.txt").write_text("Laptops are replaced every four years. Passwords change every 90 days.\n",
                                encoding="utf-8")
    cols = Collections(store)
    cols.add("pol", [str(pol)])
    Indexer(store, "pol").run()

    def look():
        found = Retriever(store, "pol").search(QUESTION, top_k=5)
        return found.relevant, [(h.file, h.page, round(h.score, 9), round(h.coverage, 9)) for h in found.hits]

    before = look()
    assert before[0] and before[1][0][0] == "policy.txt"
    _noise(tmp_path / "noise", 300)
    cols.add("noise", [str(tmp_path / "noise")])
    Indexer(store, "noise").run()
    assert look() == before                      # relevant, ranking, scores and coverage all the same

    # Files indexed after the other collection's (their passages' ids come after its): still the same.
    (pol / "policy.txt").write_text(POLICY + "\nMeals with clients are paid by the company card.\n",
                                    encoding="utf-8")
    Indexer(store, "pol").run()
    again = Retriever(store, "pol").search(QUESTION, top_k=5)
    assert again.relevant and again.hits[0].file == "policy.txt"

    from tests.ask.test_retrieve_answer import ScriptedClient

    client = ScriptedClient("Within 30 days [policy.txt p. 1].")
    res = Answerer(client, store, "pol").ask(QUESTION, top_k=3)
    assert res.found and client.sent and [(h.file, h.page) for h in res.citations] == [("policy.txt", 1)]


def test_document_frequencies_count_this_collection_only(store, tmp_path):
    """The counts behind the scores, in each way the collection's passages can lie in the table."""
    from engine.ask import retrieve

    pol = tmp_path / "pol"
    pol.mkdir()
    (pol / "policy.txt").write_text(POLICY, encoding="utf-8")
    cols = Collections(store)
    cols.add("pol", [str(pol)])
    Indexer(store, "pol").run()
    _noise(tmp_path / "noise", 20)
    cols.add("noise", [str(tmp_path / "noise")])
    Indexer(store, "noise").run()
    (pol / "late.txt").write_text("A late expense claim is approved by a director.\n", encoding="utf-8")
    Indexer(store, "pol").run()             # pol's passages now lie before and after noise's
    r = Retriever(store, "pol")
    with store._guard() as c:
        n, df = r._frequencies(c, ["expense", "claim", "director", "inbox"])
        spans = r._spans(c)[1]
    assert n == 2 and df == {"expense": 2, "claim": 2, "director": 2, "inbox": 0} and len(spans) == 2
    old = retrieve.MAX_SPAN_QUERIES
    retrieve.MAX_SPAN_QUERIES = 0           # many runs: counted in Python
    try:
        with store._guard() as c:
            assert r._frequencies(c, ["expense", "claim", "director", "inbox"]) == (n, df)
    finally:
        retrieve.MAX_SPAN_QUERIES = old


def test_term_counts_agree_with_the_word_index_tokenizer():
    """Japanese pairs are counted as tokens of the indexed text; the answer is the one the FTS5 tokenizer
    gives (checked against an in-memory FTS5 table, which is how the other terms are counted)."""
    from engine.ask import retrieve
    from engine.ask.terms import index_terms, query_terms
    from tests.ask.corpus import JA_FACTS, JA_FILLER
    from tests.documents import make_docs

    texts = [make_docs.LONG_JA[:900], *make_docs.JA_PAGE_TEXTS, " ".join(JA_FILLER),
             "予算予算の見直し。ｶﾀｶﾅ・カナ、Budgets and budget reviews; 予算 budgets"]
    docs = [(i + 1, index_terms(t)) for i, t in enumerate(texts)]
    questions = ["予算の見直しはいつですか", "業務時間は何パーセント短縮されましたか", "カタ・カナ", "budget",
                 *(q for _, q, _ in JA_FACTS)]
    for q in questions:
        terms = query_terms(q)
        fast = retrieve.term_counts(docs, terms)
        slow = retrieve.term_counts(docs, [f" {t}" for t in terms])     # a space: never a pair, so FTS5 counts
        assert fast == {pid: {t.strip(): k for t, k in row.items()} for pid, row in slow.items()}, q
    assert retrieve.term_counts(docs, ["予算", "budget"])[len(texts)] == {"予算": 3, "budget": 3}
