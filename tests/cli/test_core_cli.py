"""The command-line contract: names, flags, exit codes, JSON keys."""

import json
import re

import pytest

from tests.conftest import run_cli
from tests.tiny_gguf import truncated_copy

CHECK_KEYS = {"ok", "error", "architecture", "parameters", "quantization", "context_length", "has_chat_template"}
CHAT_KEYS = {"text", "prompt_tokens", "completion_tokens", "ttft_s", "prompt_tok_s", "gen_tok_s", "finish_reason"}


def test_check_model_ok_json(tiny_model):
    r = run_cli("check-model", tiny_model, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert CHECK_KEYS <= data.keys()
    assert data["ok"] is True and data["error"] is None
    assert data["architecture"] == "llama" and data["has_chat_template"] is True


def test_check_model_bad_exit_2_one_line(tiny_model, tmp_path):
    bad = truncated_copy(tiny_model, tmp_path / "bad.gguf")
    r = run_cli("check-model", bad)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0
    assert "truncated" in r.stderr
    assert "Traceback" not in r.stderr
    r = run_cli("check-model", bad, "--json")
    assert r.returncode == 2
    data = json.loads(r.stdout)
    assert data["ok"] is False and "truncated" in data["error"]


def test_check_model_missing_file():
    r = run_cli("check-model", "/nonexistent/model.gguf")
    assert r.returncode == 2 and "no such file" in r.stderr


def test_chat_json_contract(tiny_model):
    r = run_cli("chat", "--model", tiny_model, "--max-tokens", "12", "--seed", "1", "--temperature", "0.5",
                "--ctx", "256", "--gpu-layers", "auto", "--system", "be brief", "--json", "hello")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert CHAT_KEYS <= data.keys()
    assert data["completion_tokens"] <= 12
    assert data["finish_reason"] in ("stop", "length")
    # how it was loaded, from llama.cpp's own report (this CPU build: nothing offloaded)
    assert data["n_ctx"] == 256 and data["gpu_layers"] == 0 and data["plan_note"] == ""
    off = data["offload"]
    assert off["backend"] == "CPU" and off["layers_offloaded"] == 0 and off["n_layer"] == 2
    assert off["buffers"]["CPU"]["kv"] > 0 and off["model_bytes"] > 0


@pytest.mark.starter
def test_chat_streams_plain_text(starter_model):
    """The reply streams to stdout as plain text; the stats line on stderr counts its tokens."""
    args = ("chat", "--model", starter_model, "--max-tokens", "16", "--seed", "7", "--temperature", "0",
            "The capital of France is")
    r = run_cli(*args)
    assert r.returncode == 0, r.stderr
    text = r.stdout.removesuffix("\n")
    assert text.strip(), (r.stdout, r.stderr)
    stats = re.search(r"^\[(\d+) tokens, [\d.]+ tok/s, first token [\d.]+ s, (stop|length)\]$", r.stderr, re.M)
    assert stats, r.stderr
    n, finish = int(stats[1]), stats[2]
    assert 0 < n <= 16 and (finish == "stop" or n == 16)
    assert_text_matches_tokens(starter_model, text, n)
    # --quiet: the same reply (same seed, greedy) and nothing else.
    q = run_cli(*args, "--quiet")
    assert q.returncode == 0, q.stderr
    assert q.stdout == r.stdout
    assert "tokens," not in q.stderr and "base model" not in q.stderr


def vocab_of(model):
    """The model's tokenizer alone (no weights), in this process."""
    import llama_cpp

    return llama_cpp.Llama(model_path=str(model), vocab_only=True, verbose=False)


def assert_text_matches_tokens(model, text: str, n_tokens: int) -> None:
    """The text is what ``n_tokens`` generated tokens spell: at least a byte per token, and
    re-tokenized it comes back to about as many tokens (a model may pick a non-canonical split)."""
    assert len(text.encode("utf-8")) >= n_tokens
    again = len(vocab_of(model).tokenize(text.encode("utf-8"), add_bos=False, special=False))
    assert abs(again - n_tokens) <= max(2, n_tokens // 8), (text, again, n_tokens)


def test_chat_bad_model_exit_2(tiny_model, tmp_path):
    bad = truncated_copy(tiny_model, tmp_path / "bad.gguf")
    r = run_cli("chat", "--model", bad, "hi")
    assert r.returncode == 2 and "truncated" in r.stderr and "Traceback" not in r.stderr


def test_chat_unknown_model_name_exit_2():
    r = run_cli("chat", "--model", "no-such-model-anywhere", "hi")
    assert r.returncode == 2 and "no model named" in r.stderr


def test_chat_bad_gpu_layers_exit_2(tiny_model):
    r = run_cli("chat", "--model", tiny_model, "--gpu-layers", "lots", "hi")
    assert r.returncode == 2 and "--gpu-layers" in r.stderr


def test_chat_host_crash_exit_3(tiny_model, tmp_path):
    """A model that makes llama.cpp fail to load is an engine failure (exit 3), not a traceback."""

    from engine.gguf_check import parse_gguf

    # A structurally valid GGUF whose architecture llama.cpp does not know.
    data = bytearray(tiny_model.read_bytes())
    i = data.index(b"llama", 24)
    data[i:i + 5] = b"lxama"
    p = tmp_path / "weird.gguf"
    p.write_bytes(bytes(data))
    parse_gguf(bytes(data))  # passes the header check
    r = run_cli("chat", "--model", p, "hi")
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("hearth: ")


def test_models_lists_library(tiny_model, hearth_home):
    import shutil

    models = hearth_home / "data" / "models"
    models.mkdir(parents=True)
    shutil.copy(tiny_model, models / "mine.gguf")
    (models / "broken.gguf").write_bytes(b"GGUF\x03\x00\x00\x00")
    r = run_cli("models", "--json")
    assert r.returncode == 0, r.stderr
    data = {m["name"]: m for m in json.loads(r.stdout)}
    assert data["mine"]["ok"] and data["mine"]["architecture"] == "llama"
    assert not data["broken"]["ok"] and data["broken"]["error"]


def test_doctor_json():
    r = run_cli("doctor", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    for k in ("backend", "devices", "ram_total", "cpu_threads", "paths", "keyring_backend", "llama_cpp_python"):
        assert k in d
    assert d["backend"] in ("CPU", "CUDA", "ROCm", "Metal", "Vulkan", "SYCL", "OpenCL")
    # a GPU build without a usable GPU would say so here; this CPU build has nothing to say
    assert d["gpu_note"] == "" or d["gpu_offload"]


def test_doctor_says_a_gpu_build_without_a_gpu_runs_on_the_cpu(monkeypatch, capsys):
    from engine import hardware
    from engine.cli import main

    hw = hardware.HardwareInfo(backend="CUDA", gpu_offload=True, devices=[hardware.Device("CPU", "cpu", "cpu")],
                               ram_total=8 << 30, ram_available=4 << 30, cpu_threads=2, cpu_cores=2)
    monkeypatch.setattr(hardware, "detect", lambda: hw)
    assert main(["doctor", "--json"]) == 0
    note = "llama.cpp was built for CUDA but sees no usable GPU, so models run on the CPU"
    assert json.loads(capsys.readouterr().out)["gpu_note"] == note
    assert main(["doctor"]) == 0
    assert f"note: {note}" in capsys.readouterr().out.splitlines()


# The command names are a contract (IT scripts call them).
COMMANDS = ["doctor", "check-model", "models", "import-model", "delete-model", "chat", "conversations", "export",
            "import-conversation", "rename-conversation", "delete-conversation", "search-conversations",
            "search", "files", "pull", "token"]
CHAT_OPTIONS = ["--model", "--system", "--max-tokens", "--temperature", "--top-p", "--top-k", "--min-p",
                "--repeat-penalty", "--seed", "--ctx", "--gpu-layers", "--threads", "--flash-attn",
                "--batch-size", "--conversation", "--quiet", "--json"]


def listed_commands(help_text: str) -> list[str]:
    """Command names in argparse's help listing (one per line, indented, before its description)."""
    return re.findall(r"^ {4}([a-z][a-z-]+)(?: |$)", help_text, re.M)


def test_no_command_prints_help_for_unknown():
    r = run_cli("frobnicate")
    assert r.returncode == 2
    assert r.stdout == "" and "Traceback" not in r.stderr
    assert r.stderr.startswith("usage: hearth ")
    assert "invalid choice: 'frobnicate'" in r.stderr
    for name in COMMANDS:
        assert f"'{name}'" in r.stderr, name


def test_no_command_prints_help():
    """The CLI without a command prints the command list on stderr (main.py without one starts the app)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    r = subprocess.run([sys.executable, "-m", "engine.cli"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("usage: hearth ")
    assert set(COMMANDS) <= set(listed_commands(r.stderr)), r.stderr


def test_help_names_every_command_and_option():
    r = run_cli("--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: hearth ")
    assert "Without a command, the desktop app starts." in " ".join(r.stdout.split())  # wrapped to the terminal
    assert set(COMMANDS) <= set(listed_commands(r.stdout)), r.stdout
    r = run_cli("chat", "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: hearth chat ")
    for opt in CHAT_OPTIONS:
        assert re.search(rf"^ +{opt}\b", r.stdout, re.M), opt
    assert "N, auto or all" in r.stdout  # --gpu-layers explains its values


def test_policy_pins_models_dir(tmp_path, tiny_model, hearth_home, machine_policy):
    import shutil

    shared = tmp_path / "shared-models"
    shared.mkdir()
    shutil.copy(tiny_model, shared / "it-approved.gguf")
    machine_policy.write_text(json.dumps({"models_dir": str(shared), "disable": ["import"]}))
    r = run_cli("models", "--json", machine_policy=machine_policy)
    assert r.returncode == 0, r.stderr
    assert any(m["name"] == "it-approved" for m in json.loads(r.stdout))
    r = run_cli("import-model", tiny_model, machine_policy=machine_policy)
    assert r.returncode == 2 and "administrator" in r.stderr


@pytest.mark.starter
def test_chat_with_starter_model_end_to_end(starter_model):
    r = run_cli("chat", "--model", starter_model, "--max-tokens", "16", "--temperature", "0", "--seed", "1",
                "--json", "The capital of France is")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert CHAT_KEYS <= data.keys()
    assert data["completion_tokens"] > 0 and data["text"].strip()
    assert data["finish_reason"] == "stop" or data["completion_tokens"] == 16
    assert_text_matches_tokens(starter_model, data["text"], data["completion_tokens"])
    # A base model gets the lone prompt as raw text: BOS plus the prompt's own tokens.
    prompt = vocab_of(starter_model).tokenize(b"The capital of France is", add_bos=False, special=False)
    assert data["prompt_tokens"] == 1 + len(prompt)


def test_chat_load_option_flags(tiny_model):
    r = run_cli("chat", "--model", tiny_model, "--threads", "1", "--flash-attn", "off", "--batch-size", "64",
                "--max-tokens", "4", "--json", "hi")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert CHAT_KEYS <= data.keys() and data["completion_tokens"] <= 4
    assert data["finish_reason"] in ("stop", "length")
    r = run_cli("chat", "--model", tiny_model, "--batch-size", "0", "hi")
    assert r.returncode == 2 and "--batch-size" in r.stderr
