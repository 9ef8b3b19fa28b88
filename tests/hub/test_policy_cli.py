"""The administrator's policy from the command line (real subprocesses, the loopback fake Hub):
offline and HF_HUB_OFFLINE refuse every online command before any request, downloads off, the
allow-list, an internal mirror as the Hub endpoint, an invalid file, a read-only shared folder,
locked settings and the default model."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.hub.test_token_cli import cli_env  # noqa: F401 (fixture)

REPO = "acme/Tiny-GGUF"


@pytest.fixture
def policy(machine_policy, cli_env):  # noqa: F811
    """Write the machine-wide policy (dict or raw text); returns the env to run with. ``policy.run``: the CLI
    reading that policy (its location is moved in the subprocess: no environment variable moves it)."""
    path = machine_policy

    def write(content) -> dict:
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=1), encoding="utf-8")
        return dict(cli_env)

    write.path = path
    write.run = lambda *args, **kw: run_cli(*args, machine_policy=path, **kw)
    return write


def refused(r, *phrases) -> None:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    for p in phrases:
        assert p in r.stderr, r.stderr


def test_offline_policy_refuses_search_files_pull_without_a_request(policy, fake_hub):
    env = policy({"offline": True})
    for args in (("search", "tiny"), ("files", REPO), ("pull", REPO, "--quant", "Q4_K_M")):
        refused(policy.run(*args, env=env), "offline by policy")
    assert fake_hub.requests() == []
    # Local commands still work, and doctor says why nothing goes online.
    r = policy.run("doctor", "--json", env=env)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)["policy_details"]
    assert d["offline"] is True and d["online"] is False and d["offline_reason"].startswith("offline by policy")
    assert d["source"] == str(policy.path) and d["origin"] == "machine-wide"


def test_hf_hub_offline_refuses_with_its_own_sentence(cli_env, fake_hub):  # noqa: F811
    env = {**cli_env, "HF_HUB_OFFLINE": "1"}
    refused(run_cli("search", "tiny", env=env), "offline: HF_HUB_OFFLINE is set")
    refused(run_cli("pull", REPO, "--quant", "Q4_K_M", env=env), "offline: HF_HUB_OFFLINE is set")
    assert fake_hub.requests() == []


def test_downloads_off_refuses_search_and_pull(policy, fake_hub):
    env = policy({"downloads": False})
    refused(policy.run("search", "tiny", env=env), "switched off by your administrator")
    refused(policy.run("pull", REPO, "--quant", "Q4_K_M", env=env), "switched off by your administrator")
    assert fake_hub.requests() == []
    r = policy.run("doctor", env=env)
    assert r.returncode == 0 and "downloads off" in r.stdout and "hub browsing off" in r.stdout


def test_allow_list_filters_search_and_refuses_other_repositories(policy, fake_hub, hearth_home):
    env = policy({"allow_repos": ["acme/Split-*", "gated"]})
    r = policy.run("search", "", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert sorted(x["repo_id"] for x in json.loads(r.stdout)) == ["acme/Split-GGUF", "gated/Locked-GGUF"]
    refused(policy.run("files", REPO, env=env), "not on your administrator's list of allowed repositories",
            "acme/Split-*")
    refused(policy.run("pull", REPO, "--quant", "Q4_K_M", env=env), "not on your administrator's list")
    assert not [q for q in fake_hub.requests() if q.get("repo") == REPO]   # refused before any request
    r = policy.run("pull", "acme/Split-GGUF", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert Path(json.loads(r.stdout)["path"]).is_file()


def test_internal_mirror_from_the_policy(policy, fake_hub, monkeypatch, hearth_home):
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    env = policy({"hub_endpoint": fake_hub.url + "/"})
    env.pop("HF_ENDPOINT")
    r = policy.run("search", "tiny", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert [x["repo_id"] for x in json.loads(r.stdout)] == [REPO]
    r = policy.run("pull", REPO, "--quant", "Q8_0", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert fake_hub.requests("search") and fake_hub.requests("cdn", "Tiny-Q8_0.gguf")
    r = policy.run("doctor", "--json", env=env)
    assert json.loads(r.stdout)["policy_details"]["hub_endpoint"] == fake_hub.url
    # The old key name still works.
    env = policy({"hf_endpoint": fake_hub.url})
    env.pop("HF_ENDPOINT")
    before = len(fake_hub.requests("search"))
    r = policy.run("search", "split", "--json", env=env)
    assert r.returncode == 0 and len(fake_hub.requests("search")) == before + 1


def test_invalid_policy_names_the_line_and_switches_online_off(policy, fake_hub, tiny_model, hearth_home):
    env = policy('{\n  "extra_model_dirs": [],\n  "offline": no\n}\n')
    r = policy.run("search", "tiny", env=env)
    refused(r, "offline by policy", "is invalid (line 3, column 14", str(policy.path))
    r = policy.run("doctor", "--json", env=env)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["policy"] == str(policy.path) and d["policy_details"]["error"].startswith("line 3")
    assert d["policy_details"]["online"] is False
    assert "warning: the administrator's policy file" in r.stderr and "line 3" in r.stderr
    r = policy.run("doctor", env=env)
    assert "INVALID: line 3" in r.stdout
    # A wrong key: the key and its line are named, local commands go on.
    env = policy('{\n  "models_dir": 5,\n  "download": false\n}\n')
    r = policy.run("models", "--json", env=env)
    assert r.returncode == 0 and isinstance(json.loads(r.stdout), list)
    assert 'line 2: "models_dir" must be a folder path' in r.stderr and 'line 3: unknown key "download"' in r.stderr
    refused(policy.run("pull", REPO, env=env), "offline by policy")
    assert fake_hub.requests() == []


def test_read_only_shared_folder_is_listed_and_loadable(policy, tmp_path, tiny_model):
    shared = tmp_path / "approved"
    shared.mkdir()
    shutil.copy(tiny_model, shared / "it-approved.gguf")
    for p in (shared / "it-approved.gguf", shared):
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))   # chmod a-w
    before = {p.name: p.stat().st_mtime_ns for p in shared.iterdir()}
    try:
        env = policy({"extra_model_dirs": [str(shared)], "offline": True})
        r = policy.run("models", "--json", env=env)
        assert r.returncode == 0, r.stderr
        entry = next(m for m in json.loads(r.stdout) if m["name"] == "it-approved")
        assert entry["source"] == "shared"
        r = policy.run("chat", "--model", "it-approved", "--max-tokens", "4", "--json", "hello", env=env)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["completion_tokens"] > 0
        r = policy.run("delete-model", "it-approved", env=env)
        assert r.returncode == 2 and "administrator" in r.stderr
        # Hearth wrote nothing into the shared folder (no caches, no sidecars).
        assert {p.name: p.stat().st_mtime_ns for p in shared.iterdir()} == before
        r = policy.run("doctor", env=env)
        assert f"shared folder {shared}" in r.stdout
    finally:
        shared.chmod(0o755)


def test_locked_settings_and_default_model_in_cli_chat(policy, tiny_model, hearth_home):
    models = Path(hearth_home) / "data" / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, models / "tiny-chat.gguf")
    env = policy({"default_model": "tiny-chat", "offline": True,
                  "locked_settings": {"max_tokens": 3, "temperature": 0.0, "n_ctx": 256}})
    r = policy.run("chat", "--max-tokens", "40", "--ctx", "1024", "--json", "tell me a story", env=env)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["model"].endswith("tiny-chat.gguf")                     # the administrator's default model
    assert 0 < d["completion_tokens"] <= 3 and (d["finish_reason"] == "length" or d["completion_tokens"] < 3)
    assert "max_tokens is managed by your administrator; using 3" in r.stderr
    assert "--ctx is managed by your administrator; using 256" in r.stderr
    assert "temperature" not in r.stderr                              # not asked for: nothing to say


def test_a_flag_equal_to_the_engine_default_is_still_told_it_is_pinned(policy, tiny_model):
    # --max-tokens 512 is SamplingOptions' default: the notice used to be decided by comparing with it.
    env = policy({"offline": True, "locked_settings": {"max_tokens": 3}})
    r = policy.run("chat", "--model", tiny_model, "--max-tokens", "512", "--json", "hello", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["completion_tokens"] <= 3
    assert "max_tokens is managed by your administrator; using 3" in r.stderr


def test_compare_and_eval_keep_the_locked_settings(policy, tiny_model):
    env = policy({"offline": True, "locked_settings": {"max_tokens": 3, "n_ctx": 256, "gpu_layers": 0,
                                                        "system_prompt": "Answer briefly."}})
    r = policy.run("compare", "--models", tiny_model, tiny_model, "--plan", "sequential", "--max-tokens", "40",
                "--ctx", "1024", "--system", "Be verbose.", "--json", "hello", env=env)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    for m in data["results"]:
        assert m["n_ctx"] == 256 and m["gpu_layers"] == 0 and 0 < m["completion_tokens"] <= 3, m
    assert data["system"] == "Answer briefly."
    assert "max_tokens is managed by your administrator; using 3" in r.stderr
    assert "--ctx is managed by your administrator; using 256" in r.stderr
    assert "the system prompt is managed by your administrator" in r.stderr
    assert "--gpu-layers" not in r.stderr                       # not asked for: nothing to say
    r = policy.run("eval", "--models", tiny_model, "--set", "office_en", "--max-tokens", "2", "--ctx", "1024",
                "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert "--ctx is managed by your administrator; using 256" in r.stderr


def test_summarize_keeps_the_locked_context(policy, tiny_model, tmp_path):
    doc = tmp_path / "memo.txt"
    doc.write_text("The council decided the river budget.\n\nTraders exchanged salt and grain.", encoding="utf-8")
    env = policy({"offline": True, "locked_settings": {"n_ctx": 512}})
    r = policy.run("summarize", doc, "--model", tiny_model, "--ctx", "2048", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ctx"] == 512
    assert "--ctx is managed by your administrator; using 512" in r.stderr
