"""Degenerate replies caught while they stream; facts found in English and Japanese; page references
Hearth attaches itself. Pure functions: no model."""

from __future__ import annotations

import pytest

from engine.summarize.citing import Source, cite, line_sources, refs, strip_refs
from engine.summarize.facts import extract_facts, fact_in, rank_facts
from engine.summarize.quality import DegenerateWatch, central, copy_ratio, looping

SOURCE_EN = ("Northwind Logistics handled 4.8 million parcels in the third quarter of 2024, up 12% on the same "
             "quarter last year. Revenue reached $61.5 million. The board met on 14 October 2024 to review the "
             "results and approved the plan for the fourth quarter. Chief executive Laura Bennett said the growth "
             "came mainly from new contracts with online retailers in the north of the country.")
SOURCE_JA = ("北浜市は2024年3月、港湾地区の再開発計画「みなと再生プラン」を発表した。総事業費は約120億円で、"
             "完成は2030年度を予定している。計画をまとめたのは都市整備局の佐伯真理子局長である。"
             "佐伯局长は記者会見で「港を市民の暮らしの中心に戻したい」と述べた。")
GOOD_EN = ("- Northwind moved 4.8 million parcels in Q3, 12% more than a year before.\n"
           "- Revenue was $61.5 million; the board approved the Q4 plan on 14 October.\n"
           "- Growth came from online retailers in the north.\n")
GOOD_JA = "- 北浜市が2024年3月に港湾地区の再開発計画を発表した。\n- 事業費は約120億円、完成は2030年度の予定。\n"


def stream(watch: DegenerateWatch, text: str, piece: int = 3) -> tuple[str | None, int]:
    """Feed ``text`` a few characters at a time, as tokens arrive; (reason, characters fed when it tripped)."""
    for i in range(0, len(text), piece):
        reason = watch.feed(text[i:i + piece])
        if reason:
            return reason, i + piece
    return watch.final(), len(text)


# ---- degenerate replies -------------------------------------------------------------------------------

def test_a_page_label_loop_is_stopped_early():
    reply = "[p. 7] " * 200
    reason, at = stream(DegenerateWatch(SOURCE_EN, lang="en"), reply)
    assert reason in ("loop", "echo")
    assert at < 120, "caught within the first few repetitions, not at the end of the token budget"


def test_a_repeated_sentence_and_a_repeated_token_are_loops():
    sentence = "The board approved the plan for the fourth quarter. "
    reason, at = stream(DegenerateWatch(SOURCE_EN, lang="en"), "Revenue rose. " + sentence * 20)
    assert reason == "loop" and at < len(sentence) * 5
    reason, _ = stream(DegenerateWatch(SOURCE_JA, lang="ja"), "北浜市は" + "について、" * 60)
    assert reason == "loop"
    assert looping("the the the the the the the the the the the the the the the the the the the the the the")


def test_a_loop_with_small_changes_is_caught():
    reply = " ".join(f"[p. {7 + (i % 3)}]" for i in range(80))
    reason, _ = stream(DegenerateWatch(SOURCE_EN, lang="en"), reply)
    assert reason in ("loop", "echo")


def test_echoing_the_instruction_is_caught():
    instruction = ("Summarise the following excerpt of a longer document in a few sentences. Write flowing "
                   "paragraphs. Use only what the excerpt says, in your own words. Write in English.")
    reply = instruction + " " + instruction[:60]
    reason, _ = stream(DegenerateWatch(SOURCE_EN, instruction=instruction, lang="en"), reply)
    assert reason == "echo"


def test_a_verbatim_copy_is_caught_and_a_real_summary_is_not():
    reason, _ = stream(DegenerateWatch(SOURCE_EN, lang="en"), SOURCE_EN)
    assert reason == "copy"
    assert copy_ratio(SOURCE_EN, SOURCE_EN) > 0.95
    reason, _ = stream(DegenerateWatch(SOURCE_JA, lang="ja"), SOURCE_JA[:120])
    assert reason == "copy"
    assert DegenerateWatch(SOURCE_EN, lang="en").final(GOOD_EN) is None
    assert DegenerateWatch(SOURCE_JA, lang="ja").final(GOOD_JA) is None
    assert copy_ratio(GOOD_EN, SOURCE_EN) < 0.5


def test_empty_wrong_language_and_unrelated_replies_are_caught_when_complete():
    assert DegenerateWatch(SOURCE_EN, lang="en").final("[p. 1]\n") == "empty"
    assert DegenerateWatch(SOURCE_JA, lang="ja").final("The city announced a plan for its harbour area.") \
        == "language"
    assert DegenerateWatch(SOURCE_EN, lang="en").final(
        "Dolphins are marine mammals that communicate with clicks and whistles in the open ocean.") == "unrelated"
    # Combining notes: keeping their bullets as they are is no copy.
    assert DegenerateWatch(GOOD_EN, lang="en", copy_limit=None).final(GOOD_EN) is None


def test_the_most_central_sentences_prefer_the_topic_and_keep_document_order():
    sents = ["Contents", "The budget for the harbour plan is 120 million.", "Lunch was served.",
             "The harbour plan budget was approved by the council.", "The harbour plan starts in 2025."]
    picked = central(sents, 2)
    assert picked == sorted(picked) and 0 not in picked and 2 not in picked


# ---- facts ---------------------------------------------------------------------------------------------

def test_facts_in_english():
    texts = [f.text for f in extract_facts(SOURCE_EN + " An audit by SafeWork UK found 1,150 complaints.")]
    for want in ("4.8 million", "12%", "$61.5 million", "14 October 2024", "Laura Bennett", "Northwind Logistics",
                 "SafeWork UK", "1,150"):
        assert want in texts, (want, texts)
    assert "The" not in texts and "Revenue" not in texts
    assert [f.kind for f in extract_facts("in the third quarter of 2024")] == ["year"]


def test_facts_in_japanese():
    texts = [f.text for f in extract_facts(SOURCE_JA + "人口は1万1千人に減り、倉庫の4割が空いている。電力の35％を賄う。"
                                                       "ミナトリンク株式会社が担う。令和6年度に始まる。")]
    for want in ("2024年3月", "120億円", "2030年度", "北浜市", "みなと再生プラン", "佐伯真理子", "1万1千人", "4割", "35%",
                 "ミナトリンク株式会社", "令和6年度"):
        assert want in texts, (want, texts)
    assert "2024年" not in texts, "a year inside a date is not a fact of its own"
    assert not any("戻したい" in t for t in texts), "a quoted sentence is not a name"


def test_fact_checks_ignore_spacing_width_and_separators_but_not_other_digits():
    assert fact_in("1,400人", "延べ1400人が参加")
    assert fact_in("35%", "電力の３５％")
    assert fact_in("12%", "up 12 percent")
    assert not fact_in("12%", "up 112%")
    assert not fact_in("7", "$7.2 million")
    assert not fact_in("120億円", "20億円")


def test_ranking_puts_figures_and_dates_first():
    ranked = [f.text for f in rank_facts([SOURCE_EN], 4)]
    assert "$61.5 million" in ranked and "14 October 2024" in ranked and "4.8 million" in ranked


# ---- page references -------------------------------------------------------------------------------------

def test_refs_format():
    assert refs({3}) == "[p. 3]"
    assert refs({3, 4}) == "[pp. 3\u20134]"
    assert refs({3, 4, 7}) == "[pp. 3\u20134] [p. 7]"
    assert refs({1, 3, 5, 9}) == "[pp. 1\u20139]"


def test_every_bullet_gets_the_page_of_its_source_sentence():
    sources = [Source("Revenue reached $61.5 million in the quarter.", (2, 2)),
               Source("The new warehouse in Leeds opened in August.", (3, 3)),
               Source("Complaints fell to 1,150.", (5, 5))]
    text = "- Complaints dropped to 1,150 [p. 9]\n- A warehouse opened in Leeds.\n- Revenue was $61.5 million"
    out, st = cite(text, sources, (2, 5))
    assert out.splitlines() == ["- Complaints dropped to 1,150 [p. 5]", "- A warehouse opened in Leeds. [p. 3]",
                                "- Revenue was $61.5 million [p. 2]"]
    assert st.lines == st.cited == st.matched == 3


def test_a_paragraph_cites_each_run_of_sentences():
    sources = [Source("北浜市は2024年3月に計画を発表した。", (1, 1)), Source("干潟18ヘクタールを保全区域に指定する。", (9, 9))]
    out, st = cite("北浜市が2024年3月に計画を発表。干潟の18ヘクタールを保全する。", sources, (1, 9))
    assert out == "北浜市が2024年3月に計画を発表。 [p. 1] 干潟の18ヘクタールを保全する。 [p. 9]"
    assert st.lines == 1 and st.matched == 1


def test_a_line_nothing_matches_gets_the_whole_span_and_is_not_counted_as_matched():
    out, st = cite("- Dolphins whistle.", [Source("Revenue rose.", (2, 2))], (2, 4))
    assert out == "- Dolphins whistle. [pp. 2\u20134]" and st.matched == 0 and st.cited == 1


def test_labels_are_mapped_to_pages_and_checked():
    notes = {1: (1, 3), 2: (4, 6)}
    sources = line_sources("- Revenue reached $61.5 million. [p. 2]\n- Staff numbers rose. [p. 3]", (1, 3), 1) + \
        line_sources("- The Leeds warehouse opened. [p. 5]", (4, 6), 2)
    assert [s.pages for s in sources] == [(2, 2), (3, 3), (5, 5)]
    out, st = cite("- Revenue reached $61.5 million [1]\n- The Leeds warehouse opened [1]\n- Something else [2]\n"
                   "- More [7]", sources, (1, 6), notes)
    lines = out.splitlines()
    assert lines[0].endswith("[p. 2]"), "the label agrees with the text: the matching line's page"
    assert lines[1].endswith("[p. 5]"), "the label points elsewhere: corrected to the note the text is from"
    assert lines[2].endswith("[pp. 4\u20136]"), "nothing to compare: the model's label stands"
    assert lines[3].endswith("[pp. 1\u20136]")
    assert st.corrected == 2
    assert "[1]" not in out and "[7]" not in out


def test_strip_refs_leaves_the_text():
    assert strip_refs("- Revenue rose [p. 2]\n- Costs fell [pp. 3\u20134] [p. 7]") == "- Revenue rose\n- Costs fell"


@pytest.mark.parametrize("text", ["", "\n\n", "[p. 1] [p. 2]"])
def test_cite_on_nothing(text):
    out, st = cite(text, [Source("x", (1, 1))], (1, 1))
    assert out == "" and st.lines == 0
