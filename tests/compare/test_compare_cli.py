"""The compare and eval commands as real subprocesses: JSON keys, exit codes, messages."""

import json
import re

import pytest

from tests.conftest import run_cli
from tests.tiny_gguf import truncated_copy

RESULT_KEYS = {"model", "text", "prompt_tokens", "completion_tokens", "ttft_s", "prompt_tok_s", "gen_tok_s",
               "load_s", "peak_rss_bytes", "error"}
MODEL_KEYS = {"model", "accuracy", "correct", "total", "gen_tok_s", "ci_low", "ci_high"}


@pytest.fixture(autouse=True)
def _private_runtime(runtime):
    """Hosts started by these subprocesses share a private core-budget folder."""


def test_compare_json_contract(model_a, model_b):
    r = run_cli("compare", "--models", model_a, model_b, "--system", "be brief", "--seed", "3", "--max-tokens", "16",
                "--temperature", "0.5", "--ctx", "256", "--json", "hello there")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["plan"] in ("parallel", "sequential") and data["plan_reason"]
    assert len(data["results"]) == 2
    for res in data["results"]:
        assert RESULT_KEYS <= res.keys()
        assert res["error"] is None and 0 < res["completion_tokens"] <= 16 and res["text"]
        assert res["peak_rss_bytes"] > 0 and res["load_s"] > 0
        assert res["n_ctx"] == 256
    assert [res["model"] for res in data["results"]] == ["cmp-a", "cmp-b"]
    assert data["seed"] == 3


def test_compare_plan_flag_and_prompt_right_after_models(model_a, model_b):
    # --models takes words up to the next option: a prompt right after the models is still the prompt
    r = run_cli("compare", "--models", model_a, model_b, "what is this", "--plan", "sequential", "--max-tokens", "4",
                "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["plan"] == "sequential" and len(data["results"]) == 2


def test_compare_plain_output_names_each_model(model_a, model_b):
    r = run_cli("compare", "--models", model_a, model_b, "--max-tokens", "4", "--seed", "1", "hi")
    assert r.returncode == 0, r.stderr
    assert "=== cmp-a ===" in r.stdout and "=== cmp-b ===" in r.stdout
    assert len(re.findall(r"^\[\d+ tokens, [\d.]+ tok/s, first token ", r.stdout, re.M)) == 2
    assert "seed 1" in r.stderr


def test_compare_one_failed_model_exits_0_all_failed_exits_3(model_a, tmp_path):
    bad = truncated_copy(model_a, tmp_path / "broken.gguf")
    r = run_cli("compare", "--models", model_a, bad, "--max-tokens", "4", "--json", "hi")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)["results"]
    assert res[0]["error"] is None and "truncated" in res[1]["error"]
    r = run_cli("compare", "--models", bad, bad, "--max-tokens", "4", "--json", "hi")
    assert r.returncode == 3
    assert all("truncated" in x["error"] for x in json.loads(r.stdout)["results"])
    assert "every model failed" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("args,message", [
    (["--models", "{a}", "hi"], "--models takes 2 to 4 models (got 1; 'hi' is not a model file"),
    (["--models", "{a}", "{a}", "{a}", "{a}", "{a}", "--json", "hi"], "--models takes 2 to 4 models (got 5)"),
    (["--models", "{a}", "/nonexistent/model.gguf", "--json", "hi"], "no such model file"),
    (["--models", "{a}", "{a}", "--json"], "give a prompt"),
    (["--models", "{a}", "{a}", "--gpu-layers", "some", "--json", "hi"], "--gpu-layers must be"),
    (["--models", "{a}", "{a}", "--max-tokens", "-1", "--json", "hi"], "must not be negative"),
])
def test_compare_bad_input_exits_2(model_a, args, message):
    r = run_cli("compare", *[x.format(a=model_a) for x in args], input="")
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert message in r.stderr
    assert r.stderr.strip().count("\n") == 0 and r.stdout == ""


def test_eval_json_contract(model_a, model_b, tmp_path):
    p = tmp_path / "qs.jsonl"
    p.write_text('{"id": "1", "prompt": "say it", "expected": "[\\\\s\\\\S]", "rule": "regex"}\n'
                 '{"id": "2", "prompt": "what", "expected": "zzqqzz", "rule": "contains"}\n', encoding="utf-8")
    r = run_cli("eval", "--models", model_a, model_b, "--set", p, "--max-tokens", "8", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [m["model"] for m in data["models"]] == ["cmp-a", "cmp-b"]
    for m in data["models"]:
        assert MODEL_KEYS <= m.keys()
        assert (m["correct"], m["total"], m["accuracy"]) == (1, 2, 0.5)
        assert 0 < m["ci_low"] < 0.5 < m["ci_high"] < 1
    assert [q["id"] for q in data["questions"]] == ["1", "2"]
    for q in data["questions"]:
        assert {"id", "prompt", "expected", "answers"} <= q.keys()
        assert set(q["answers"]) == {"cmp-a", "cmp-b"}
        assert all({"text", "correct"} <= a.keys() for a in q["answers"].values())
    assert data["questions"][0]["answers"]["cmp-a"]["correct"] is True


def test_eval_shipped_set_by_name_and_plain_output(model_a):
    r = run_cli("eval", "--models", model_a, "--set", "office_ja", "--max-tokens", "2", "--plan", "sequential")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("cmp-a ") and "95 % interval" in r.stdout
    assert "ja-date-01: cmp-a: " in r.stdout


def test_eval_bad_set_names_the_line(model_a, tmp_path):
    p = tmp_path / "broken.jsonl"
    p.write_text('{"id": "1", "prompt": "x", "expected": "y", "rule": "exact"}\n'
                 '{"id": "2", "prompt": "x", "rule": "exact"}\n', encoding="utf-8")
    r = run_cli("eval", "--models", model_a, "--set", p, "--json")
    assert r.returncode == 2
    assert r.stderr.strip() == "hearth: broken.jsonl line 2: missing field 'expected'"
    r = run_cli("eval", "--models", model_a, "--set", tmp_path / "none.jsonl")
    assert r.returncode == 2 and "no such question set" in r.stderr


def test_eval_all_models_failed_exits_3(model_a, tmp_path):
    bad = truncated_copy(model_a, tmp_path / "broken.gguf")
    r = run_cli("eval", "--models", bad, "--set", "office_en", "--json")
    assert r.returncode == 3
    data = json.loads(r.stdout)
    assert data["models"][0]["error"] and data["models"][0]["correct"] == 0


def test_ctrl_c_stops_prints_what_was_written_and_exits_130(endless, model_b, hearth_home):
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    args = [sys.executable, str(ROOT / "main.py"), "compare", "--models", str(endless), str(model_b),
            "--plan", "sequential", "--ctx", "16384", "--max-tokens", "16000", "go"]
    proc = subprocess.Popen(args, cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        # Interrupt once the first model has written something: a Ctrl+C between its load and its first
        # token is a different case ("stopped before it answered"), reached by this test once in CI.
        for line in proc.stderr:
            if "[cmp-endless: answering…]" in line:
                proc.send_signal(signal.SIGINT)
                break
        else:
            pytest.fail("the first model never started answering")
        rest = proc.stderr.read()
        assert proc.wait(60) == 130, rest
        out = proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "hearth: cancelled" in rest
    first, second = out.split("=== cmp-b ===")
    assert "=== cmp-endless ===" in first and ", cancelled]" in first
    assert "[failed: stopped before it ran]" in second


# ---- base models (no chat template) are named before anything runs ----------------------------

def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("hearth: warning: ")]


def test_compare_names_a_base_model_before_running(model_a, tiny_base_model):
    r = run_cli("compare", "--models", model_a, tiny_base_model, "--max-tokens", "4", "--json", "hi")
    assert r.returncode == 0, r.stderr
    warnings = _warnings(r.stderr)
    assert len(warnings) == 1, r.stderr          # the chat model is not named
    assert warnings[0].startswith("hearth: warning: tiny-base is a base model (it has no chat template)")
    assert "instruction-tuned" in warnings[0] and "Instruct" in warnings[0], "the suggested models are named"
    assert r.stderr.splitlines()[0] == warnings[0], "said before the run's own lines"
    json.loads(r.stdout)   # stdout stays one JSON object


def test_compare_of_chat_models_warns_of_nothing(model_a, model_b):
    r = run_cli("compare", "--models", model_a, model_b, "--max-tokens", "4", "--json", "hi")
    assert r.returncode == 0, r.stderr
    assert _warnings(r.stderr) == []


def test_eval_names_a_base_model_before_running(model_a, tiny_base_model, tmp_path):
    p = tmp_path / "qs.jsonl"
    p.write_text('{"id": "1", "prompt": "say it", "expected": "zz", "rule": "contains"}\n', encoding="utf-8")
    r = run_cli("eval", "--models", model_a, tiny_base_model, "--set", p, "--max-tokens", "4", "--json")
    assert r.returncode == 0, r.stderr
    warnings = _warnings(r.stderr)
    assert len(warnings) == 1 and "tiny-base is a base model" in warnings[0], r.stderr
    json.loads(r.stdout)


# ---- the CPU fallback (an illegal instruction in llama.cpp's extra kernels) is said once per run -------------

def test_compare_answers_and_says_the_cpu_fallback_once_on_a_cpu_whose_kernels_die(model_a, model_b):
    from engine.host import cpu_fallback

    # A fixed seed: with a random one the tiny random-weight models sometimes stop at their first token.
    r = run_cli("compare", "--models", model_a, model_b, "--max-tokens", "4", "--plan", "sequential", "--seed", "3",
                "--temperature", "0.5", "--json", "hello there", env={cpu_fallback.TEST_SWITCH: "decode"})
    assert r.returncode == 0, r.stderr
    results = json.loads(r.stdout)["results"]
    assert [(res["error"], res["completion_tokens"] > 0) for res in results] == [(None, True)] * 2, results
    assert r.stderr.count(cpu_fallback.WHAT_IS_OFF) == 1, r.stderr


def test_eval_answers_and_says_the_cpu_fallback_once(model_a, tmp_path):
    from engine.host import cpu_fallback

    p = tmp_path / "qs.jsonl"
    p.write_text('{"id": "1", "prompt": "say it", "expected": "[\\\\s\\\\S]", "rule": "regex"}\n', encoding="utf-8")
    r = run_cli("eval", "--models", model_a, "--set", p, "--max-tokens", "4", "--json",
                env={cpu_fallback.TEST_SWITCH: "decode"})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["models"][0]["total"] == 1
    assert r.stderr.count(cpu_fallback.WHAT_IS_OFF) == 1, r.stderr
