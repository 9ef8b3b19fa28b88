"""Side-by-side runs with two tiny models: plans, events, repeatability, failures, cancel, storage."""

import math
import os
import signal
import threading
import time

import pytest

from engine.compare.plan import ModelSpec, plan_run
from engine.compare.runner import CompareRunner, ModelResult
from engine.compare.storage import ComparisonStore
from engine.host.protocol import SamplingOptions
from engine.store import Store
from tests.tiny_gguf import truncated_copy

GB = 10 ** 9


def _plan(specs, mode):
    """Parallel or sequential, chosen by the planner from a made-up machine (deterministic)."""
    if mode == "parallel":
        plan = plan_run(specs, free_ram_bytes=64 * GB, cores=len(specs))
    else:
        plan = plan_run(specs, free_ram_bytes=10 ** 6, cores=len(specs))
    assert plan.mode == mode
    return plan


class Recorder:
    def __init__(self):
        self.events = []
        self.lock = threading.Lock()

    def __call__(self, e):
        with self.lock:
            self.events.append((time.monotonic(), e))

    def of(self, type_, index="any"):
        return [e for _, e in self.events if e["type"] == type_ and (index == "any" or e["index"] == index)]

    def position(self, type_, index):
        return next(k for k, (_, e) in enumerate(self.events) if e["type"] == type_ and e["index"] == index)


@pytest.fixture
def runner(tmp_path, runtime):
    return CompareRunner(tmp_path / "logs")


def _sampling(**kw):
    return SamplingOptions(**({"max_tokens": 48, "temperature": 1.0, "seed": 7, "ignore_eos": True} | kw))


@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_both_columns_fill_with_stats_and_events(runner, model_a, model_b, mode):
    specs = [ModelSpec(model_a), ModelSpec(model_b)]
    rec = Recorder()
    results = runner.run("hello there", specs, _sampling(), system="be brief", plan=_plan(specs, mode),
                         on_event=rec)
    assert [r.model for r in results] == ["cmp-a", "cmp-b"]
    for r in results:
        assert r.error is None and r.finish_reason == "length"
        assert r.completion_tokens == 48 and r.text
        assert r.prompt_tokens > 0 and r.ttft_s > 0 and r.gen_tok_s > 0 and r.prompt_tok_s > 0
        assert r.load_s > 0
        assert r.peak_rss_bytes > 10 * 2 ** 20          # a host process with llama.cpp loaded
        assert r.peak_vram_bytes is None                 # CPU build: unknown, not 0
        # the streamed text is exactly the reply
        assert "".join(e["text"] for e in rec.of("text", r.index)) == r.text
    assert rec.events[0][1]["type"] == "plan" and rec.events[0][1]["mode"] == mode
    assert rec.events[-1][1]["type"] == "done" and rec.events[-1][1]["cancelled"] is False
    assert len(rec.of("finished")) == 2 and not rec.of("failed")
    pids = {e["index"]: e["pid"] for e in rec.of("loaded")}
    assert len(set(pids.values())) == 2                  # one host per model
    if mode == "parallel":
        # both loaded before either finished: they ran side by side
        assert max(rec.position("loaded", i) for i in (0, 1)) < min(rec.position("finished", i) for i in (0, 1))
    else:
        # load, answer, unload, then the next one
        assert rec.position("finished", 0) < rec.position("loading", 1)


def test_text_events_are_batched(runner, long_a, long_b):
    specs = [ModelSpec(long_a, n_ctx=4096), ModelSpec(long_b, n_ctx=4096)]
    rec = Recorder()
    results = runner.run("go", specs, _sampling(max_tokens=3000), plan=_plan(specs, "parallel"), on_event=rec)
    for r in results:
        assert r.error is None and r.completion_tokens == 3000
        times = [t for t, e in rec.events if e["type"] == "text" and e["index"] == r.index]
        span = times[-1] - times[0]
        # at most 30 a second (+1 for the first, +1 for the final flush)
        assert len(times) <= math.floor(span * 30) + 2, (len(times), span)
        assert len(times) < r.completion_tokens / 5     # tokens really were batched


@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_identical_seeds_give_identical_output_on_rerun(runner, model_a, model_b, mode):
    specs = [ModelSpec(model_a), ModelSpec(model_b)]
    first = [r.text for r in runner.run("the word", specs, _sampling(), plan=_plan(specs, mode))]
    again = [r.text for r in runner.run("the word", specs, _sampling(), plan=_plan(specs, mode))]
    assert first == again
    assert first[0] != first[1]                        # two different models
    other_seed = [r.text for r in runner.run("the word", specs, _sampling(seed=8), plan=_plan(specs, mode))]
    assert other_seed != first                         # the seed is what makes them repeat


def test_a_drawn_seed_is_reported_and_shared(runner, model_a):
    specs = [ModelSpec(model_a), ModelSpec(model_a)]   # the same model twice: same seed -> same text
    results = runner.run("hi", specs, _sampling(seed=None), plan=_plan(specs, "parallel"))
    seed = runner.last_run.seed
    assert isinstance(seed, int)
    assert results[0].text == results[1].text
    assert [r.model for r in results] == ["cmp-a", "cmp-a (2)"]
    again = runner.run("hi", specs, _sampling(seed=seed), plan=_plan(specs, "parallel"))
    assert again[0].text == results[0].text


@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_a_corrupt_model_fails_alone(runner, model_a, model_b, tmp_path, mode):
    bad = truncated_copy(model_a, tmp_path / "broken.gguf")
    specs = [ModelSpec(bad), ModelSpec(model_b)]
    rec = Recorder()
    results = runner.run("hello", specs, _sampling(), plan=_plan(specs, mode), on_event=rec)
    assert "truncated" in results[0].error and results[0].finish_reason == "error"
    assert results[0].load_s is None and results[0].text == ""
    assert results[1].error is None and results[1].completion_tokens == 48
    failed = rec.of("failed")
    assert [e["index"] for e in failed] == [0] and "truncated" in failed[0]["error"]
    assert [e["index"] for e in rec.of("finished")] == [1]


@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_a_host_killed_mid_reply_does_not_stop_the_other(runner, long_a, long_b, mode):
    specs = [ModelSpec(long_a, n_ctx=4096), ModelSpec(long_b, n_ctx=4096)]
    pids, killed = {}, []

    def on_event(e):
        if e["type"] == "loaded":
            pids[e["index"]] = e["pid"]
        elif e["type"] == "text" and e["index"] == 0 and not killed:
            killed.append(pids[0])
            os.kill(pids[0], signal.SIGKILL)

    results = runner.run("go", specs, _sampling(max_tokens=3000), plan=_plan(specs, mode), on_event=on_event)
    assert killed
    assert results[0].error and "killed" in results[0].error and results[0].finish_reason == "error"
    assert results[0].text                             # what it wrote before it died is kept
    assert results[1].error is None and results[1].completion_tokens == 3000


def test_cancel_from_another_thread_stops_everything(runner, long_a, long_b):
    specs = [ModelSpec(long_a, n_ctx=16384), ModelSpec(long_b, n_ctx=16384)]
    started = threading.Event()

    def on_event(e):
        if e["type"] == "text":
            started.set()

    out = {}
    t = threading.Thread(target=lambda: out.setdefault(
        "r", runner.run("go", specs, _sampling(max_tokens=16000), plan=_plan(specs, "parallel"),
                        on_event=on_event)))
    t.start()
    assert started.wait(60)
    t0 = time.monotonic()
    runner.cancel()
    t.join(30)
    assert not t.is_alive()
    assert time.monotonic() - t0 < 10
    results = out["r"]
    assert all(r.finish_reason == "cancelled" for r in results)
    assert all(r.completion_tokens < 16000 for r in results)
    assert runner.last_run.cancelled
    # the runner is usable again after a cancelled run
    again = runner.run("hi", specs, _sampling(max_tokens=5), plan=_plan(specs, "parallel"))
    assert all(r.completion_tokens == 5 for r in again)


def test_cancel_in_a_sequential_run_skips_the_models_not_started(runner, long_a, model_b):
    specs = [ModelSpec(long_a, n_ctx=16384), ModelSpec(model_b)]
    rec = Recorder()

    def on_event(e):
        rec(e)
        if e["type"] == "text" and e["index"] == 0:
            runner.cancel()                             # from the runner's own thread, inside an event

    results = runner.run("go", specs, _sampling(max_tokens=16000), plan=_plan(specs, "sequential"),
                         on_event=on_event)
    assert results[0].finish_reason == "cancelled" and results[0].error is None and results[0].text
    assert results[1].finish_reason == "cancelled" and results[1].error == "stopped before it ran"
    assert results[1].load_s is None
    assert not rec.of("loaded", 1)


def test_runs_are_stored(tmp_path, runtime, model_a, model_b):
    store = Store(tmp_path / "db.sqlite3")
    runner = CompareRunner(tmp_path / "logs", store=store)
    bad = truncated_copy(model_a, tmp_path / "broken.gguf")
    specs = [ModelSpec(model_a), ModelSpec(bad)]
    results = runner.run("hello", specs, _sampling(), system="sys", plan=_plan(specs, "parallel"),
                         tags="test", labels=["A", "B"], blind=True)
    cid = runner.last_run.comparison_id
    assert cid is not None
    cs = ComparisonStore(store)
    row = cs.get(cid)
    assert row["prompt"] == "hello" and row["system_prompt"] == "sys" and row["blind"] and row["tags"] == "test"
    assert row["mode"] == "parallel" and row["settings"]["seed"] == 7
    assert [r["model"] for r in row["results"]] == ["cmp-a", "broken"]
    assert [r["label"] for r in row["results"]] == ["A", "B"]
    assert row["results"][0]["text"] == results[0].text
    assert row["results"][0]["stats"]["completion_tokens"] == 48
    assert row["results"][0]["stats"]["peak_rss_bytes"] == results[0].peak_rss_bytes
    assert "truncated" in row["results"][1]["error"]
    listed = cs.list()
    assert listed[0]["id"] == cid and listed[0]["models"] == ["cmp-a", "broken"]
    assert cs.delete(cid) and cs.get(cid) is None
    store.close()


def test_result_json_has_the_contract_keys_first():
    keys = list(ModelResult(index=0, model="m", path="/m.gguf").to_json())
    assert keys[:10] == ["model", "text", "prompt_tokens", "completion_tokens", "ttft_s", "prompt_tok_s",
                         "gen_tok_s", "load_s", "peak_rss_bytes", "error"]
