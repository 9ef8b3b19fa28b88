"""A model process killed by an illegal instruction recovers by itself (engine/host/cpu_fallback.py).

On Intel CPUs with AMX, llama.cpp's AMX kernels (behind its "extra buffer types") die by SIGILL at the first
decode. No CI machine has AMX, so the test switch HEARTH_TEST_SIGILL makes the model process die the same
way while extra buffer types are on — a real SIGILL of a real process.
"""

from __future__ import annotations

import json
import signal
import sys

import pytest

from engine.errors import HostCrashedError
from engine.host import cpu_fallback
from engine.host.client import EngineClient
from engine.host.protocol import SamplingOptions
from tests.conftest import run_cli

REPLY = SamplingOptions(max_tokens=8, ignore_eos=True, seed=1, temperature=0)
HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture
def fallback_cache(tmp_path):
    return tmp_path / "cache"


def test_sigill_while_generating_loads_again_without_extra_buffer_types(tiny_model, fallback_cache, monkeypatch):
    monkeypatch.setenv(cpu_fallback.TEST_SWITCH, "decode")
    notices: list[str] = []
    with EngineClient(cache_dir=fallback_cache, on_notice=notices.append) as client:
        info = client.load(tiny_model)
        assert info["extra_bufts"] is True and info["cpu_fallback"] is None   # nothing switched off up front
        first_pid = client.pid
        stats = client.chat(HELLO, REPLY)
        assert stats.completion_tokens == 8 and stats.finish_reason == "length"   # the request ran again
        assert client.pid != first_pid               # ... in a fresh model process
        assert client.model_info["extra_bufts"] is False
        assert client.cpu_fallback["extra_buffer_types"] is False
        assert "generating a reply" in client.cpu_fallback["reason"]
    assert notices == [cpu_fallback.WHAT_IS_OFF]     # said once, in words
    saved = json.loads((fallback_cache / cpu_fallback.FALLBACK_FILE).read_text())
    assert [e["extra_buffer_types"] for e in saved.values()] == [False]


def test_the_next_load_goes_straight_to_the_fallback(tiny_model, fallback_cache, monkeypatch):
    monkeypatch.setenv(cpu_fallback.TEST_SWITCH, "decode")
    with EngineClient(cache_dir=fallback_cache) as client:
        client.load(tiny_model)
        client.chat(HELLO, REPLY)
    notices: list[str] = []
    with EngineClient(cache_dir=fallback_cache, on_notice=notices.append) as client:
        info = client.load(tiny_model)
        assert info["extra_bufts"] is False and info["cpu_fallback"]["extra_buffer_types"] is False
        pid = client.pid
        assert client.chat(HELLO, REPLY).completion_tokens == 8
        assert client.pid == pid      # it did not crash first: the same process answered
    assert notices == []              # said once, when it was found out
    assert "plan_note" in info and cpu_fallback.WHAT_IS_OFF not in info["plan_note"]


def test_sigill_while_loading_loads_again(tiny_model, fallback_cache, monkeypatch):
    monkeypatch.setenv(cpu_fallback.TEST_SWITCH, "load")
    with EngineClient(cache_dir=fallback_cache) as client:      # no notice channel: the load result says it
        info = client.load(tiny_model)
        assert info["extra_bufts"] is False
        assert "loading the model" in info["cpu_fallback"]["reason"]
        assert cpu_fallback.WHAT_IS_OFF in info["plan_note"]
        assert client.chat(HELLO, REPLY).completion_tokens == 8


@pytest.mark.skipif("amx_int8" in (cpu_fallback.cpu_flags() or ()),
                    reason="on a CPU with AMX llama.cpp's AMX kernels really crash: the fallback is right there")
def test_nothing_is_switched_off_where_nothing_crashed(tiny_model, fallback_cache, monkeypatch):
    monkeypatch.delenv(cpu_fallback.TEST_SWITCH, raising=False)
    with EngineClient(cache_dir=fallback_cache) as client:
        info = client.load(tiny_model)
        client.chat(HELLO, REPLY)
        assert info["extra_bufts"] is True and client.cpu_fallback is None
    assert not (fallback_cache / cpu_fallback.FALLBACK_FILE).exists()


def test_still_dying_names_the_cause_and_the_remedy(tiny_model, fallback_cache, monkeypatch):
    monkeypatch.setenv(cpu_fallback.TEST_SWITCH, "always")
    with EngineClient(cache_dir=fallback_cache) as client:
        client.load(tiny_model)
        with pytest.raises(HostCrashedError) as err:
            client.chat(HELLO, REPLY)
    msg = str(err.value)
    assert "SIGILL" in msg and "This copy of llama.cpp was built for" in msg
    assert cpu_fallback.BASELINE_BUILD in msg
    assert err.value.exitcode == -signal.SIGILL


def test_the_switch_is_ignored_by_frozen_builds(monkeypatch):
    monkeypatch.setenv(cpu_fallback.TEST_SWITCH, "decode")
    assert cpu_fallback.test_switch() == "decode"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert cpu_fallback.test_switch() is None


def test_illegal_instruction_exit_statuses():
    assert cpu_fallback.died_of_illegal_instruction(-signal.SIGILL)
    assert cpu_fallback.died_of_illegal_instruction(0xC000001D)          # Windows STATUS_ILLEGAL_INSTRUCTION
    assert not cpu_fallback.died_of_illegal_instruction(-signal.SIGKILL)
    assert not cpu_fallback.died_of_illegal_instruction(None)


def test_missing_features_compare_the_build_with_this_cpu():
    info = "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | AVX512 = 1 | AMX_INT8 = 1 | " \
           "AVX512_BF16 = 0 | OPENMP = 1 | REPACK = 1 |"
    assert cpu_fallback.built_for(info) == ["SSE3", "SSSE3", "AVX", "AVX2", "F16C", "FMA", "AVX512", "AMX_INT8"]
    laptop = {"pni", "ssse3", "avx", "avx2", "f16c", "fma"}
    assert cpu_fallback.missing_features(info, laptop) == ["AVX512", "AMX_INT8"]
    assert cpu_fallback.still_dies_facts(info, laptop) == (["AVX512", "AMX_INT8"], cpu_fallback.built_for(info))


def test_cli_chat_answers_reports_cpu_fallback_and_doctor_remembers(tiny_model):
    env = {cpu_fallback.TEST_SWITCH: "decode"}
    r = run_cli("chat", "--model", tiny_model, "--max-tokens", "6", "--json", "hello", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["completion_tokens"] > 0
    assert out["cpu_fallback"]["extra_buffer_types"] is False
    assert r.stderr.count(cpu_fallback.WHAT_IS_OFF) == 1           # said once, on stderr
    d = run_cli("doctor", "--json", env=env)
    assert json.loads(d.stdout)["cpu_fallback"]["extra_buffer_types"] is False
    assert out["cpu_fallback"] == json.loads(d.stdout)["cpu_fallback"]   # the same record, same keys
    again = run_cli("chat", "--model", tiny_model, "--max-tokens", "6", "--json", "hello", env=env)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["cpu_fallback"]["extra_buffer_types"] is False
    assert cpu_fallback.WHAT_IS_OFF not in again.stderr


@pytest.mark.starter
def test_starter_model_answers_on_a_machine_whose_kernels_die(starter_model):
    """What a user on an AMX workstation runs first: the starter model answers, correctly."""
    r = run_cli("chat", "--model", starter_model, "--max-tokens", "12", "--temperature", "0", "--json",
                "Complete the sentence: The capital of France is", env={cpu_fallback.TEST_SWITCH: "decode"},
                timeout=300)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert "Paris" in out["text"]
    assert out["cpu_fallback"]["extra_buffer_types"] is False
    # The load reported is the one that answered: llama.cpp repacks this Q4_K_M model's weights only with
    # extra buffer types on, so no repacked buffer may show.
    assert out["offload"] and "REPACK" not in json.dumps(out["offload"]), out["offload"]


def test_sigill_while_embedding_loads_again_and_embeds(models_dir, fallback_cache, monkeypatch):
    """Embedding a batch is matrix work too (an AMX CPU dies there when no chat model found the fallback
    first): the batch runs again in a model process with extra buffer types off, and it is said once."""
    from engine.host.protocol import LoadOptions
    from tests.tiny_gguf import make_tiny_bert_gguf

    model = make_tiny_bert_gguf(models_dir / "tiny-bert-fallback.gguf")
    texts = ["the council decided the budget", "traders exchanged salt"]
    with EngineClient(cache_dir=fallback_cache) as client:       # the vectors it gives without any crash
        client.load(model, LoadOptions(embedding=True))
        expected = client.embed(texts)
    monkeypatch.setenv(cpu_fallback.TEST_SWITCH, "decode")
    notices: list[str] = []
    with EngineClient(cache_dir=fallback_cache / "sigill", on_notice=notices.append) as client:
        info = client.load(model, LoadOptions(embedding=True))
        assert info["extra_bufts"] is True
        first_pid = client.pid
        vectors = client.embed(texts)
        assert client.pid != first_pid and client.model_info["extra_bufts"] is False
        assert "computing embeddings" in client.cpu_fallback["reason"]
    assert notices == [cpu_fallback.WHAT_IS_OFF]
    assert len(vectors) == 2
    assert all(abs(a - b) < 1e-4 for va, vb in zip(vectors, expected) for a, b in zip(va, vb))


def test_the_remedy_is_a_true_baseline_build_of_the_tested_version():
    """GGML_NATIVE=off alone still compiles AVX2/FMA code in (ggml's defaults): the command turns them off,
    and installs the version CI tests, not whatever is newest."""
    from engine.versions import LLAMA_CPP_PYTHON_TESTED

    cmd = cpu_fallback.BASELINE_BUILD
    for flag in ("-DGGML_NATIVE=off", "-DGGML_AVX=off", "-DGGML_AVX2=off", "-DGGML_FMA=off", "-DGGML_F16C=off",
                 "-DGGML_BMI2=off"):
        assert flag in cmd, flag
    assert f'"llama-cpp-python=={LLAMA_CPP_PYTHON_TESTED[0]}"' in cmd


def test_a_packaged_build_that_still_dies_asks_for_the_log_not_a_rebuild(fallback_cache, monkeypatch):
    """A frozen build has no pip to run: the sentence names its CPU variant and who can help."""
    client = EngineClient(cache_dir=fallback_cache)
    client._sent_extra_bufts = False                  # the fallback was on already
    client.model_info = {"cpu_variant": "haswell"}
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    crash = HostCrashedError("The model process stopped: it was ended by SIGILL.", exitcode=-signal.SIGILL)
    with pytest.raises(HostCrashedError) as err:
        client._after_illegal_instruction(crash, "generating a reply")
    msg = str(err.value)
    assert "(haswell)" in msg and "send the log folder" in msg and "pip install" not in msg
    assert err.value.exitcode == -signal.SIGILL
