"""Question sets: every scoring rule (full-width/half-width Japanese included), file errors with line numbers."""

import json

import pytest

from engine.compare.questions import (Question, answer_number, builtin_sets, chosen_letter, load_question_set,
                                      normalize, numbers_in, score)
from engine.errors import BadInputError


def q(rule, expected, tolerance=0.0):
    return Question(id="q", prompt="p", expected=expected, rule=rule, tolerance=tolerance)


# ---- normalisation ------------------------------------------------------------------------------

def test_normalize_nfkc_trim_case():
    assert normalize("  ＡＢＣ　１２３ ") == "abc 123"
    assert normalize("ｶﾀｶﾅ") == "カタカナ"           # half-width katakana -> full-width
    assert normalize("Tokyo\n\tStation") == "tokyo station"


# ---- exact ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["Tokyo", " tokyo ", "TOKYO.", "ＴＯＫＹＯ", "\"Tokyo\"", "Tokyo!"])
def test_exact_right(answer):
    assert score(q("exact", "Tokyo"), answer)


@pytest.mark.parametrize("answer", ["Tokyo Station", "Kyoto", "", "It is Tokyo"])
def test_exact_wrong(answer):
    assert not score(q("exact", "Tokyo"), answer)


def test_exact_japanese_full_and_half_width():
    assert score(q("exact", "東京"), "「東京」")
    assert score(q("exact", "東京"), "東京。")
    assert score(q("exact", "カタカナ"), "ｶﾀｶﾅ")
    assert score(q("exact", "ＡＢＣ１２"), "abc12")
    assert not score(q("exact", "東京"), "東京都")


# ---- contains -----------------------------------------------------------------------------------

def test_contains():
    rule = q("contains", "Canberra")
    assert score(rule, "The capital is CANBERRA.")
    assert score(rule, "ｃａｎｂｅｒｒａ")
    assert not score(rule, "Sydney")
    assert score(q("contains", "A社"), "最も安いのはＡ社です。")       # full-width letter in the answer
    assert score(q("contains", "１２日"), "変更後は12日です")           # full-width digits in the expected text
    assert not score(q("contains", "12日"), "変更後は2日です")
    assert not score(q("contains", "x"), "")


# ---- choice ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    "B", "b", "(B)", "B.", "[B]", "Ｂ", "（Ｂ）", "答え: Ｂ", "答え：Ｂ", "答えはBです。", "正解は B",
    "The answer is B.", "The correct answer is (B) because .xlsx is a spreadsheet.",
    "Answer: B", "B) .xlsx", "B. .xlsx", "Bです", "選択肢Bが正しい", "I think (B) fits best.",
    "Option A is a document, so the answer is B.",
])
def test_choice_finds_b(answer):
    assert chosen_letter(answer) == "B", answer
    assert score(q("choice", "B"), answer)
    assert score(q("choice", "Ｂ"), answer)      # full-width expected letter
    assert score(q("choice", "(b)"), answer)


@pytest.mark.parametrize("answer", ["", "I am not sure.", "A good question: the answer is a bit unclear", "C",
                                    "The answer is C.", "答え：Ｃ"])
def test_choice_not_b(answer):
    assert not score(q("choice", "B"), answer)


def test_choice_takes_the_last_stated_answer():
    assert chosen_letter("At first the answer is A, but on reflection the answer is D.") == "D"


# ---- regex ------------------------------------------------------------------------------------------

def test_regex():
    rule = q("regex", r"申(す|し)")
    assert score(rule, "申します")
    assert score(rule, "「申し上げる」です")
    assert not score(rule, "おっしゃる")
    time_rule = q("regex", r"15\s*(時|:)\s*15")
    assert score(time_rule, "１５：１５")             # full-width digits and colon
    assert score(time_rule, "15時15分です")
    assert not score(time_rule, "15時05分")
    assert score(q("regex", r"\bAu\b"), "the symbol is au")   # case ignored
    assert not score(q("regex", r"\bAu\b"), "August")


# ---- numeric ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("12000", 12000), ("12,000円", 12000), ("１２，０００円", 12000), ("1万2000円", 12000), ("3億", 3e8),
    ("1億2000万", 1.2e8), ("-5", -5), ("−3.5度", -3.5), ("△500", -500), ("▲1,200万円", -1.2e7),
    ("3.14", 3.14), ("０．５", 0.5),
])
def test_numbers_are_read(text, value):
    assert [v for _, v in numbers_in(text)] == [pytest.approx(value)]


def test_hyphens_are_not_minus_signs():
    assert [v for _, v in numbers_in("2024-05-01")] == [2024, 5, 1]
    assert [v for _, v in numbers_in("A-3")] == [3]


def test_which_number_is_the_answer():
    assert answer_number("15 × 3 = 45") == 45                       # the last number
    assert answer_number("The total is 1,170 dollars") == 1170
    assert answer_number("The answer is 45. (15 × 3)") == 45         # the first after the last marker
    assert answer_number("答え：１，８００円（120円×15個）") == 1800
    assert answer_number("no number") is None


def test_numeric_rule():
    assert score(q("numeric", "1800"), "1,800円です")
    assert score(q("numeric", "1800"), "１８００")
    assert score(q("numeric", "12000"), "1万2000円")
    assert not score(q("numeric", "1800"), "1,900円")
    assert not score(q("numeric", "1800"), "たくさん")
    assert score(q("numeric", "3.14", tolerance=0.01), "about 3.141")
    assert not score(q("numeric", "3.14", tolerance=0.001), "about 3.15")
    assert score(q("numeric", "-5"), "気温はマイナスで −5 度")
    assert score(q("numeric", "０．５"), "0.5")


# ---- files ------------------------------------------------------------------------------------------

def _write(path, lines):
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x for x in lines)
                    + "\n", encoding="utf-8")
    return path


GOOD = {"id": "1", "prompt": "2+2?", "expected": "4", "rule": "numeric"}


def test_jsonl_loads_with_optional_fields(tmp_path):
    p = _write(tmp_path / "set.jsonl", [
        GOOD, "", {"id": 2, "prompt": "pick", "expected": "Ｃ", "rule": "CHOICE", "tags": ["a", "b"],
                   "system": "Answer with a letter.", "source": "ignored"},
        {"id": "3", "prompt": "pi", "expected": 3.14, "rule": "numeric", "tolerance": "0.01", "tags": "x, y"},
    ])
    s = load_question_set(p)
    assert s.name == "set.jsonl" and len(s) == 3 and len(s.sha256) == 64
    a, b, c = s.questions
    assert (a.id, a.line) == ("1", 1)
    assert (b.id, b.rule, b.tags, b.system, b.line) == ("2", "choice", ["a", "b"], "Answer with a letter.", 3)
    assert (c.expected, c.tolerance, c.tags) == ("3.14", 0.01, ["x", "y"])


@pytest.mark.parametrize("bad_line,message", [
    ({"id": "2", "prompt": "x", "rule": "exact"}, "q.jsonl line 3: missing field 'expected'"),
    ({"id": "2", "prompt": "x", "expected": "y"}, "q.jsonl line 3: missing field 'rule'"),
    ({"id": "2", "prompt": " ", "expected": "y", "rule": "exact"}, "q.jsonl line 3: field 'prompt' is empty"),
    ({"id": "2", "prompt": "x", "expected": "y", "rule": "fuzzy"}, "q.jsonl line 3: unknown rule 'fuzzy'"),
    ({"id": "2", "prompt": "x", "expected": "(", "rule": "regex"}, "q.jsonl line 3: the regular expression"),
    ({"id": "2", "prompt": "x", "expected": "AB", "rule": "choice"}, "q.jsonl line 3: a 'choice' answer"),
    ({"id": "2", "prompt": "x", "expected": "many", "rule": "numeric"}, "q.jsonl line 3: a 'numeric' answer"),
    ({"id": "2", "prompt": "x", "expected": "1", "rule": "numeric", "tolerance": "-1"},
     "q.jsonl line 3: 'tolerance' must be"),
    ({"id": "1", "prompt": "x", "expected": "y", "rule": "exact"},
     "q.jsonl line 3: the id '1' is already used on line 1"),
    ({"id": "2", "prompt": ["x"], "expected": "y", "rule": "exact"}, "q.jsonl line 3: field 'prompt' must be text"),
    ('{"id": "2", "prompt": "x",', "q.jsonl line 3: not valid JSON"),
    ('["a", "b"]', "q.jsonl line 3: expected a JSON object"),
])
def test_a_broken_line_is_named(tmp_path, bad_line, message):
    p = _write(tmp_path / "q.jsonl", [GOOD, "", bad_line])
    with pytest.raises(BadInputError) as e:
        load_question_set(p)
    assert str(e.value).startswith(message), str(e.value)


def test_empty_and_missing_files(tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="empty.jsonl has no questions"):
        load_question_set(tmp_path / "empty.jsonl")
    with pytest.raises(BadInputError, match="no such question set"):
        load_question_set(tmp_path / "nope.jsonl")
    (tmp_path / "bin.jsonl").write_bytes(b"\xff\xfe\x00\xd8" * 10 + b"\x81")
    with pytest.raises(BadInputError):
        load_question_set(tmp_path / "bin.jsonl")


def test_csv_with_bom_quotes_and_line_numbers(tmp_path):
    text = ("\ufeffid,prompt,expected,rule,tags\n"
            "1,\"2+2, please\",4,numeric,\"math,easy\"\n"
            "2,\"a prompt\non two lines\",B,choice,\n"
            "\n"
            "3,x,,exact,\n")
    p = tmp_path / "q.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(BadInputError) as e:
        load_question_set(p)
    # the header is line 1; the second question spans lines 3-4; a blank line 5; the bad row is line 6
    assert str(e.value) == "q.csv line 6: field 'expected' is empty"
    p.write_text(text.replace("3,x,,exact,", "3,x,y,exact,"), encoding="utf-8")
    s = load_question_set(p)
    assert [x.id for x in s] == ["1", "2", "3"]
    assert s.questions[0].prompt == "2+2, please" and s.questions[0].tags == ["math", "easy"]
    assert s.questions[1].prompt == "a prompt\non two lines" and s.questions[2].line == 6


def test_csv_missing_column_and_shift_jis(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text("id,prompt,rule\n1,x,exact\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="q.csv line 1: missing column 'expected'"):
        load_question_set(p)
    p.write_bytes("id,prompt,expected,rule\n1,日本の首都は？,東京,contains\n".encode("cp932"))
    s = load_question_set(p)
    assert s.questions[0].expected == "東京" and score(s.questions[0], "東京です")


SHIPPED_ANSWERS = {   # a right answer for each question whose expected text is a pattern
    "en-time-02": "00:00", "en-read-02": "A manager's approval.", "en-fact-01": "Au",
    "ja-time-01": "15時15分", "ja-fact-02": "申し上げる",
}


@pytest.mark.parametrize("name", ["office_en", "office_ja"])
def test_shipped_sets_load_and_their_answers_score(name):
    sets = builtin_sets()
    assert name in sets
    s = load_question_set(name)
    assert 18 <= len(s) <= 25
    assert {x.rule for x in s} == {"exact", "contains", "choice", "regex", "numeric"}
    for x in s:
        right = SHIPPED_ANSWERS.get(x.id, x.expected)
        assert score(x, right), x.id
        assert not score(x, "I do not know."), x.id
