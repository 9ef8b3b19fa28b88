"""Blind votes and the Bradley–Terry leaderboard: no models, no Qt."""

from __future__ import annotations

import csv
import json
import math
import random
import time

import pytest

from engine.compare.leaderboard import (SCALE, binomial_two_sided_p, compute_leaderboard,
                                        fit_ratings, position_bias)
from engine.compare.votes import BlindError, BlindRound, VoteStore, blind_order
from engine.errors import BadInputError
from engine.store import Store
from tests.conftest import run_cli

TRUE_RATINGS = {"alpha": 1300.0, "bravo": 1150.0, "charlie": 1000.0, "delta": 850.0, "echo": 700.0}


def synthetic_votes(true_ratings: dict[str, float], n: int, seed: int, tie_rate: float = 0.1,
                    left_bonus: float = 0.0, tags: str = "") -> list[dict]:
    """``n`` votes between random pairs, decided by the Bradley–Terry model with the true
    strengths; ``left_bonus`` (natural log-odds) favours whoever is shown on the left."""
    rng = random.Random(seed)
    names = sorted(true_ratings)
    votes = []
    for _ in range(n):
        left, right = rng.sample(names, 2)
        if rng.random() < tie_rate:
            outcome = rng.choice(("tie", "both_bad"))
        else:
            d = (true_ratings[left] - true_ratings[right]) / SCALE + left_bonus
            outcome = "a" if rng.random() < 1.0 / (1.0 + math.exp(-d)) else "b"
        votes.append({"model_a": left, "model_b": right, "outcome": outcome, "tags": tags})
    return votes


def kendall_tau(x: list[float], y: list[float]) -> float:
    """Kendall's tau-b."""
    concordant = discordant = tx = ty = 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                tx += 1
            elif dy == 0:
                ty += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    n0 = concordant + discordant
    return (concordant - discordant) / math.sqrt((n0 + tx) * (n0 + ty))


def test_kendall_tau_helper():
    assert kendall_tau([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert kendall_tau([1, 2, 3, 4], [40, 30, 20, 10]) == -1.0
    assert kendall_tau([1, 2, 3, 4, 5], [1, 2, 3, 5, 4]) == pytest.approx(0.8)


# ---- the fit ----------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_recovers_the_order_of_five_known_strengths_from_300_votes(seed):
    votes = synthetic_votes(TRUE_RATINGS, 300, seed)
    ratings = fit_ratings(votes)
    names = sorted(TRUE_RATINGS)
    tau = kendall_tau([TRUE_RATINGS[m] for m in names], [ratings[m] for m in names])
    assert tau >= 0.9, (seed, ratings)
    # the scale is the true one: Elo-like points centred on 1000
    assert sum(ratings.values()) / len(ratings) == pytest.approx(1000.0, abs=1e-6)
    assert ratings["alpha"] - ratings["echo"] == pytest.approx(600.0, abs=250.0)


def test_shuffled_votes_give_identical_ratings_and_intervals():
    votes = synthetic_votes(TRUE_RATINGS, 400, seed=11)
    board = compute_leaderboard(votes, resamples=1000, seed=5)
    rng = random.Random(99)
    for _ in range(3):
        shuffled = list(votes)
        rng.shuffle(shuffled)
        other = compute_leaderboard(shuffled, resamples=1000, seed=5)
        assert other.models == board.models           # exact: ratings, intervals, ranks, counts
        assert other.to_json() == board.to_json()
    # the intervals do depend on the seed (so the equality above is not vacuous)
    reseeded = compute_leaderboard(votes, resamples=1000, seed=6)
    assert [m.rating for m in reseeded.models] == [m.rating for m in board.models]
    assert [(m.ci_low, m.ci_high) for m in reseeded.models] != [(m.ci_low, m.ci_high) for m in board.models]


def test_two_models_that_only_tie_get_equal_ratings():
    votes = [("x", "y", "tie")] * 7 + [("y", "x", "tie")] * 3
    board = compute_leaderboard(votes, resamples=200)
    by = {m.model: m for m in board.models}
    assert by["x"].rating == by["y"].rating == 1000.0
    assert by["x"].ties == by["y"].ties == 10 and by["x"].wins == by["x"].losses == 0
    assert by["x"].rank == by["y"].rank == 1


def test_ties_pull_ratings_together():
    decisive = [("x", "y", "a")] * 8 + [("x", "y", "b")] * 2
    with_ties = decisive + [("x", "y", "tie")] * 20
    gap = lambda r: r["x"] - r["y"]  # noqa: E731
    r1, r2 = fit_ratings(decisive), fit_ratings(with_ties)
    assert gap(r1) > 0 and gap(r2) > 0
    assert gap(r2) < gap(r1) / 2        # 9 of 30 expected score vs 8 of 10: a much smaller gap
    # half a win each: x scored 8 + 10 = 18 of 30 → odds 18:12
    assert gap(r2) == pytest.approx(SCALE * math.log(18 / 12), rel=2e-3)   # the ridge prior moves it ~0.1 %


def test_both_bad_counts_as_a_tie_in_the_fit_and_apart_in_the_counts():
    base = [("x", "y", "a")] * 6 + [("y", "z", "a")] * 6 + [("x", "z", "b")] * 2
    tie = fit_ratings(base + [("x", "y", "tie")] * 5)
    bad = fit_ratings(base + [("x", "y", "both_bad")] * 5)
    assert tie == bad
    board = compute_leaderboard(base + [("x", "y", "both_bad")] * 5, resamples=0)
    x = next(m for m in board.models if m.model == "x")
    assert (x.wins, x.losses, x.ties, x.both_bad, x.votes) == (6, 2, 0, 5, 13)


def test_a_model_with_only_wins_stays_finite_and_ranks_first():
    votes = [("champ", other, "a") for other in ("p", "q", "r") for _ in range(4)]
    votes += [("q", "champ", "b")] * 3
    votes += synthetic_votes({"p": 1000, "q": 1000, "r": 1000}, 60, seed=3)
    board = compute_leaderboard(votes, resamples=1000)
    top = board.models[0]
    assert top.model == "champ" and top.rank == 1 and top.losses == 0 and top.wins == 15
    for m in board.models:
        assert all(math.isfinite(v) for v in (m.rating, m.ci_low, m.ci_high))
    assert top.rating > max(m.rating for m in board.models[1:]) + 200
    # and a model with only losses stays finite too
    loser = compute_leaderboard([("a", "b", "a")] * 10, resamples=100)
    assert all(math.isfinite(m.rating) for m in loser.models)
    assert loser.models[0].model == "a" and loser.models[1].model == "b"


def test_bootstrap_interval_contains_the_estimate_and_narrows_with_more_votes():
    small = compute_leaderboard(synthetic_votes(TRUE_RATINGS, 200, seed=1), resamples=1000)
    large = compute_leaderboard(synthetic_votes(TRUE_RATINGS, 3000, seed=1), resamples=1000)
    for board in (small, large):
        for m in board.models:
            assert m.ci_low <= m.rating <= m.ci_high, m
            assert m.ci_low < m.ci_high
    width = lambda b: sum(m.ci_high - m.ci_low for m in b.models) / len(b.models)  # noqa: E731
    assert width(large) < width(small) / 2      # ~sqrt(15) ≈ 3.9x narrower expected


def test_ranks_are_shared_where_intervals_overlap():
    votes = synthetic_votes({"top": 1600, "twin1": 1000, "twin2": 1000, "low": 400}, 2000, seed=4, tie_rate=0)
    board = compute_leaderboard(votes, resamples=1000)
    rank = {m.model: m.rank for m in board.models}
    assert rank["top"] == 1
    assert rank["twin1"] == rank["twin2"] == 2
    assert rank["low"] == 4
    # the rule itself: 1 + the number of models whose lower bound exceeds this upper bound
    for m in board.models:
        assert m.rank == 1 + sum(o.ci_low > m.ci_high for o in board.models)


def test_bootstrap_of_10000_votes_is_fast():
    names = {f"m{i}": 800 + 50 * i for i in range(8)}
    votes = synthetic_votes(names, 10_000, seed=2)
    t0 = time.perf_counter()
    board = compute_leaderboard(votes, resamples=1000)
    elapsed = time.perf_counter() - t0
    assert board.votes == 10_000 and board.resamples == 1000
    assert elapsed < 5.0, f"1,000 resamples of 10,000 votes took {elapsed:.1f} s"


def test_tag_filter():
    ja = synthetic_votes({"x": 1200, "y": 800}, 50, seed=1, tags="ja, office")
    en = [{"model_a": "z", "model_b": "x", "outcome": "a", "tags": "EN"}] * 5
    board = compute_leaderboard(ja + en, tag="JA", resamples=100)
    assert board.votes == 50 and {m.model for m in board.models} == {"x", "y"}
    assert compute_leaderboard(ja + en, tag="en", resamples=100).votes == 5
    assert compute_leaderboard(ja + en, tag="nothing", resamples=100).models == []
    assert board.tags == ["EN", "ja", "office"]


def test_bad_outcome_and_resamples_are_refused():
    with pytest.raises(BadInputError):
        compute_leaderboard([("x", "y", "left")])
    with pytest.raises(BadInputError):
        compute_leaderboard([("x", "y", "a")], resamples=-1)


# ---- position bias ---------------------------------------------------------------------------------

def test_binomial_test():
    assert binomial_two_sided_p(50, 100) == 1.0
    assert binomial_two_sided_p(60, 100) == pytest.approx(0.056887, abs=1e-5)
    assert binomial_two_sided_p(40, 100) == pytest.approx(0.056887, abs=1e-5)
    assert binomial_two_sided_p(10, 10) == pytest.approx(2 / 1024)


def test_position_bias_warning_for_left_biased_votes_only():
    equal = {"x": 1000, "y": 1000, "z": 1000}
    biased = compute_leaderboard(synthetic_votes(equal, 300, seed=1, left_bonus=1.5), resamples=100)
    assert biased.left_win_rate > 0.7
    assert biased.position_bias.significant
    warning = biased.position_bias_warning
    assert warning and "statistically significant" in warning and "not statistically" not in warning
    assert biased.to_json()["position_bias_warning"] == biased.position_bias_warning

    balanced = compute_leaderboard(synthetic_votes(equal, 3000, seed=1), resamples=100)
    assert 0.45 <= balanced.left_win_rate <= 0.55
    assert balanced.position_bias_warning is None

    few = position_bias(left_wins=20, right_wins=0)        # strongly biased but too few votes
    assert few.left_win_rate == 1.0 and few.warning is None
    mild = position_bias(left_wins=19, right_wins=12)      # 61 % of 31: warned, not significant
    assert mild.warning and "not statistically significant" in mild.warning
    assert position_bias(0, 0).left_win_rate is None


# ---- the vote store --------------------------------------------------------------------------------

@pytest.fixture
def votes(tmp_path):
    store = Store(tmp_path / "hearth.sqlite3")
    yield VoteStore(store)
    store.close()


def _add_comparison(store: Store, prompt: str, tags: str = "") -> int:
    with store._tx() as c:
        return c.execute("INSERT INTO comparisons (prompt, tags, created_at) VALUES (?, ?, '2025-01-01')",
                         (prompt, tags)).lastrowid


def test_vote_store_add_list_filter_delete(votes):
    v1 = votes.add_vote("x", "y", "a", tags="ja, Office")
    v2 = votes.add_vote("y", "z", "tie", tags=["en"])
    cid = _add_comparison(votes.store, "What is 2+2?", tags="math")
    v3 = votes.add_vote("z", "x", "both_bad", comparison_id=cid)
    assert [v["id"] for v in votes.list_votes()] == [v1, v2, v3]
    assert votes.get(v1)["tags"] == "ja,Office" and votes.get(v3)["tags"] == "math"
    assert [v["id"] for v in votes.list_votes(tag="office")] == [v1]
    assert [v["id"] for v in votes.list_votes(model="z")] == [v2, v3]
    assert [v["id"] for v in votes.list_votes(comparison_id=cid)] == [v3]
    assert votes.tags() == ["en", "ja", "math", "Office"]
    assert votes.models() == ["x", "y", "z"]
    assert votes.count() == 3 and votes.count(tag="EN") == 1
    votes.delete(v2)
    assert votes.count() == 2
    with pytest.raises(BadInputError):
        votes.delete(v2)
    with pytest.raises(BadInputError):
        votes.add_vote("x", "x", "a")
    with pytest.raises(BadInputError):
        votes.add_vote("x", "y", "left")
    with pytest.raises(BadInputError):
        votes.add_vote("x", "y", "a", comparison_id=9999)
    board = votes.leaderboard(resamples=100)
    assert board.votes == 2


def test_vote_store_exports(votes, tmp_path):
    cid = _add_comparison(votes.store, "東京の人口は?", tags="ja")
    votes.add_vote("x", "y", "a", comparison_id=cid)
    votes.add_vote("y", "x", "b", tags="en")
    votes.add_vote("x", "y", "both_bad")
    n = votes.export_csv(tmp_path / "v.csv")
    assert n == 3
    raw = (tmp_path / "v.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")        # a BOM, for Excel
    rows = list(csv.DictReader((tmp_path / "v.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [r["outcome"] for r in rows] == ["a", "b", "both_bad"]
    assert rows[0]["prompt"] == "東京の人口は?" and rows[0]["comparison_id"] == str(cid)
    assert rows[0]["winner"] == "x" and rows[1]["winner"] == "x" and rows[2]["winner"] == ""
    assert rows[1]["model_a"] == "y" and rows[1]["model_b"] == "x" and rows[1]["tags"] == "en"
    assert votes.export_jsonl(tmp_path / "v.jsonl", tag="ja") == 1
    lines = (tmp_path / "v.jsonl").read_text(encoding="utf-8").splitlines()
    obj = json.loads(lines[0])
    assert len(lines) == 1 and obj["prompt"] == "東京の人口は?" and obj["winner"] == "x"
    assert obj["model_a"] == "x" and obj["outcome"] == "a" and obj["tags"] == "ja"


# ---- blind rounds ---------------------------------------------------------------------------------

def test_blind_order_is_shuffled():
    models = ["model-one", "model-two", "model-three"]
    orders = {tuple(m for _, m in blind_order(models, random.Random(s))) for s in range(40)}
    assert len(orders) == 6                         # every order of three models shows up
    assert [label for label, _ in blind_order(models, random.Random(0))] == ["A", "B", "C"]
    with pytest.raises(BadInputError):
        blind_order(["only-one"])
    with pytest.raises(BadInputError):
        blind_order(["same", "same"])


def test_blind_round_hides_names_until_the_vote(votes):
    models = ["qwen2.5-1.5b-instruct-q4_k_m.gguf", "gemma-3-270m-q4_k_m.gguf"]
    lefts = set()
    for seed in range(20):
        rnd = BlindRound(models, rng=random.Random(seed))
        visible = [*rnd.labels, *(rnd.title(label) for label in rnd.labels), repr(rnd), str(rnd)]
        for text in visible:
            for name in models:
                assert name not in text and "qwen" not in text.lower() and "gemma" not in text.lower()
        with pytest.raises(BlindError):
            rnd.model("A")
        with pytest.raises(BlindError):
            rnd.mapping
        assert rnd.revealed is False
        lefts.add(rnd.column_models()[0])
    assert lefts == set(models)                     # either model can be on the left


def test_blind_vote_records_the_real_sides_and_reveals(votes):
    rnd = BlindRound(["m1", "m2"], rng=random.Random(3), tags="blind")
    left, right = rnd.column_models()
    rec = rnd.vote("b", votes)                      # B (the right column) better
    assert rnd.revealed and rnd.mapping == {"A": left, "B": right}
    assert rnd.title("A") == f"Model A: {left}"
    stored = votes.get(rec["id"])
    assert (stored["model_a"], stored["model_b"], stored["outcome"], stored["tags"]) == (left, right, "b", "blind")
    with pytest.raises(BlindError):
        rnd.vote("a", votes)                        # no votes once the names are known

    four = BlindRound(["w", "x", "y", "z"], rng=random.Random(8))
    cols = four.column_models()
    r1 = four.vote("a", left="C", right="A", reveal=False)   # C better than A, given right-to-left
    assert (r1["model_left"], r1["model_right"], r1["outcome"]) == (cols[0], cols[2], "b")
    assert not four.revealed
    with pytest.raises(BadInputError):
        four.vote("tie", left="A", right="C", reveal=False)  # that pair already has a vote
    four.vote("tie", left="B", right="D")
    assert four.revealed and len(four.votes) == 2 and "_pair" not in four.votes[0]
    assert votes.count() == 1                       # records without a store are not stored


# ---- the CLI --------------------------------------------------------------------------------------

def test_cli_vote_leaderboard_and_exports(tmp_path):
    plan = ([("x", "y", "a")] * 6 + [("y", "z", "a")] * 5 + [("z", "x", "b")] * 2 + [("y", "z", "tie")] * 2
            + [("x", "y", "both_bad")])
    for left, right, outcome in plan:
        r = run_cli("vote", "--left", left, "--right", right, "--outcome", outcome, "--tag", "ja")
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip().isdigit()
    r = run_cli("vote", "--left", "y", "--right", "x", "--outcome", "b", "--tag", "en", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["outcome"] == "b"

    r = run_cli("leaderboard", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"models", "votes", "left_win_rate", "position_bias_warning"} <= set(out)
    assert out["votes"] == len(plan) + 1
    assert out["left_win_rate"] == pytest.approx(11 / 14)
    assert out["position_bias_warning"] is None                 # too few decisive votes to warn
    assert [m["model"] for m in out["models"]] == ["x", "y", "z"]
    for m in out["models"]:
        assert set(m) >= {"model", "rating", "ci_low", "ci_high", "rank", "votes", "wins", "losses", "ties"}
        assert m["ci_low"] <= m["rating"] <= m["ci_high"]
    x = out["models"][0]
    assert (x["wins"], x["losses"], x["ties"], x["both_bad"], x["votes"]) == (9, 0, 0, 1, 10)

    r = run_cli("leaderboard", "--json", "--tag", "en", "--resamples", "200")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["votes"] == 1

    r = run_cli("leaderboard")
    assert r.returncode == 0 and "x" in r.stdout and "Rating" in r.stdout

    r = run_cli("votes", "export", "--format", "csv", "--output", tmp_path / "votes.csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader((tmp_path / "votes.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == len(plan) + 1 and rows[0]["model_a"] == "x" and rows[0]["outcome"] == "a"
    assert rows[-1]["tags"] == "en" and rows[-1]["winner"] == "x"

    r = run_cli("votes", "export", "--format", "jsonl", "--output", tmp_path / "votes.jsonl", "--tag", "en")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(s) for s in (tmp_path / "votes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1 and lines[0]["model_a"] == "y" and lines[0]["outcome"] == "b"


def test_cli_bad_input_exits_2(tmp_path):
    r = run_cli("vote", "--left", "x", "--right", "x", "--outcome", "a")
    assert r.returncode == 2 and "two different models" in r.stderr
    r = run_cli("vote", "--left", "x", "--right", "y", "--outcome", "left")
    assert r.returncode == 2
    r = run_cli("leaderboard", "--resamples", "5")
    assert r.returncode == 2 and "--resamples" in r.stderr
    r = run_cli("votes", "export", "--output", tmp_path / "votes.txt")
    assert r.returncode == 2 and "--format" in r.stderr
    r = run_cli("votes", "delete", "12")
    assert r.returncode == 2 and "no vote 12" in r.stderr
    r = run_cli("leaderboard", "--json")
    assert r.returncode == 0
    out = json.loads(r.stdout)
    assert (out["models"], out["votes"], out["left_win_rate"], out["position_bias_warning"]) == ([], 0, None, None)
