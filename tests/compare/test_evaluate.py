"""Question-set evaluation with tiny models: scores, Wilson intervals, storage, failures, cancel."""

import json
import threading

import pytest

from engine.compare.evaluate import Evaluator, wilson_interval
from engine.compare.plan import ModelSpec, plan_run
from engine.compare.questions import load_question_set
from engine.compare.storage import ComparisonStore
from engine.store import Store
from tests.tiny_gguf import truncated_copy

GB = 10 ** 9


def test_wilson_interval_known_values():
    lo, hi = wilson_interval(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson_interval(10, 10)
    assert lo == pytest.approx(0.7225, abs=1e-4) and hi == pytest.approx(1.0)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    # more questions, narrower interval around the same accuracy
    assert (lambda a, b: a[1] - a[0] > b[1] - b[0])(wilson_interval(5, 10), wilson_interval(50, 100))


@pytest.fixture
def qset(tmp_path):
    """Two questions any answer gets right (a regex matching anything), two none gets right:
    with random-weight models the accuracy is 0.5 exactly."""
    rows = [
        {"id": "any-1", "prompt": "say something", "expected": r"[\s\S]", "rule": "regex"},
        {"id": "none-1", "prompt": "the word", "expected": "qqqzzzqqq", "rule": "contains"},
        {"id": "any-2", "prompt": "and more", "expected": r"[\s\S]", "rule": "regex", "system": "be brief"},
        {"id": "none-2", "prompt": "a number", "expected": "123456789", "rule": "numeric"},
    ]
    p = tmp_path / "set.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return load_question_set(p)


def _plan(specs, mode):
    plan = plan_run(specs, free_ram_bytes=(64 * GB if mode == "parallel" else 10 ** 6), cores=len(specs))
    assert plan.mode == mode
    return plan


@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_scores_answers_storage_and_repeatability(tmp_path, runtime, qset, model_a, model_b, mode):
    store = Store(tmp_path / "db.sqlite3")
    ev = Evaluator(tmp_path / "logs", store=store)
    specs = [ModelSpec(model_a), ModelSpec(model_b)]
    events = []
    res = ev.run(qset, specs, plan=_plan(specs, mode), max_tokens=12, on_event=events.append)
    for s in res.scores:
        assert (s.correct, s.total, s.errors, s.error) == (2, 4, 0, None)
        assert s.accuracy == 0.5
        lo, hi = s.interval
        assert lo < 0.5 < hi
        assert s.gen_tok_s > 0 and s.load_s > 0 and s.peak_rss_bytes > 0
    answers = [e for e in events if e["type"] == "answer"]
    assert len(answers) == 8 and sorted(e["done_all"] for e in answers) == list(range(1, 9))
    assert events[0]["type"] == "plan" and events[-1]["type"] == "done"
    out = res.to_json()
    assert [m["model"] for m in out["models"]] == ["cmp-a", "cmp-b"]
    assert {"model", "accuracy", "correct", "total", "gen_tok_s", "ci_low", "ci_high"} <= out["models"][0].keys()
    assert [x["id"] for x in out["questions"]] == ["any-1", "none-1", "any-2", "none-2"]
    assert set(out["questions"][0]["answers"]) == {"cmp-a", "cmp-b"}
    assert out["questions"][0]["answers"]["cmp-a"]["correct"] is True
    assert out["questions"][1]["answers"]["cmp-b"]["correct"] is False
    # stored as they came
    stored = ComparisonStore(store).get_eval(res.run_id)
    assert stored["status"] == "done" and stored["set_name"] == "set.jsonl"
    assert len(stored["answers"]) == 8
    by_key = {(a["question_id"], a["model"]): a for a in stored["answers"]}
    assert by_key[("any-1", "cmp-a")]["answer"] == res.answers[("any-1", "cmp-a")].text
    assert by_key[("any-1", "cmp-a")]["correct"] is True
    # greedy and seeded: the same answers again
    again = ev.run(qset, specs, plan=_plan(specs, mode), max_tokens=12)
    assert {k: a.text for k, a in again.answers.items()} == {k: a.text for k, a in res.answers.items()}
    store.close()


def test_a_model_that_cannot_load_scores_zero_and_the_other_runs(tmp_path, runtime, qset, model_a):
    bad = truncated_copy(model_a, tmp_path / "broken.gguf")
    specs = [ModelSpec(bad), ModelSpec(model_a)]
    res = Evaluator(tmp_path / "logs").run(qset, specs, plan=_plan(specs, "parallel"), max_tokens=8)
    broken, good = res.scores
    assert "truncated" in broken.error
    assert (broken.correct, broken.total, broken.errors) == (0, 4, 4)
    assert (good.correct, good.total, good.error) == (2, 4, None)
    assert res.answers[("any-1", "broken")].error.startswith("not asked: ")


def test_cancel_keeps_the_answers_so_far(tmp_path, runtime, long_a):
    rows = [{"id": f"q{i}", "prompt": "go on", "expected": "x", "rule": "contains"} for i in range(50)]
    p = tmp_path / "long.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    qset = load_question_set(p)
    store = Store(tmp_path / "db.sqlite3")
    ev = Evaluator(tmp_path / "logs", store=store)

    def on_event(e):
        if e["type"] == "answer" and e["done"] == 3:
            threading.Thread(target=ev.cancel).start()     # from another thread

    res = ev.run(qset, [ModelSpec(long_a, n_ctx=4096)], max_tokens=2000, on_event=on_event)
    assert res.cancelled
    assert 3 <= res.scores[0].total < 50
    stored = ComparisonStore(store).get_eval(res.run_id)
    assert stored["status"] == "cancelled" and len(stored["answers"]) == res.scores[0].total
    store.close()
