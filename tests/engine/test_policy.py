"""The administrator's policy file: every key, the allow-list, locked settings, and invalid files
(online off, the wrong line named, the valid keys still applied)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.config import AppConfig, Policy, load_policy


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "policy.json"
    p.write_text(text, encoding="utf-8")
    return p


def test_no_file_means_no_policy(tmp_path):
    pol = load_policy(tmp_path / "absent.json")
    assert pol.source is None and pol.error is None and pol.online_block(env={}) is None
    assert pol.allows("hub") and pol.allows("downloads") and pol.repo_allowed("anyone/anything")


def test_every_key(tmp_path):
    shared = tmp_path / "shared"
    p = write(tmp_path, json.dumps({
        "_comment": "deployed by IT",
        "models_dir": str(tmp_path / "models"), "extra_model_dirs": [str(shared)],
        "offline": False, "downloads": True, "disable": ["import"],
        "allow_repos": ["google/*", "Qwen/Qwen3-*", "bartowski"],
        "hub_endpoint": "https://mirror.example.internal/", "default_model": "tiny-chat",
        "locked_settings": {"temperature": 0.2, "context_length": 4096, "debug_logging": False},
        "hidden_settings": ["seed"],
    }, indent=1))
    pol = load_policy(p)
    assert pol.error is None and pol.source == p and pol.origin == "given path"
    assert pol.models_dir == tmp_path / "models" and pol.extra_model_dirs == [shared]
    assert not pol.allows("import") and pol.allows("hub") and pol.allows("downloads")
    assert pol.hf_endpoint == pol.hub_endpoint == "https://mirror.example.internal"
    assert pol.default_model == "tiny-chat"
    assert pol.locked_settings == {"temperature": 0.2, "n_ctx": 4096, "debug_logging": False}
    assert pol.is_locked("n_ctx") and pol.is_locked("ctx") and pol.is_locked("seed") and pol.is_hidden("seed")
    assert not pol.is_locked("top_p")
    # The allow-list: wildcards, an author alone, case-insensitive like the Hub.
    assert pol.allow_repos == ("google/*", "Qwen/Qwen3-*", "bartowski/*")
    assert pol.repo_allowed("google/gemma-3-1b-it-GGUF") and pol.repo_allowed("qwen/qwen3-8b-gguf")
    assert pol.repo_allowed("bartowski/Llama-3.2-1B-Instruct-GGUF")
    assert not pol.repo_allowed("Qwen/Qwen2.5-7B-Instruct-GGUF") and not pol.repo_allowed("evil/google")
    assert "not on your administrator's list of allowed repositories" in pol.repo_refusal("acme/x")
    d = pol.describe()
    assert d["allow_repos"] == ["google/*", "Qwen/Qwen3-*", "bartowski/*"] and d["online"] is True
    assert d["extra_model_dirs"] == [{"path": str(shared), "exists": False, "writable": None}]


def test_hf_endpoint_is_an_alias_and_downloads_off_means_no_hub(tmp_path):
    pol = load_policy(write(tmp_path, '{"hf_endpoint": "http://127.0.0.1:9/", "downloads": false}'))
    assert pol.error is None and pol.hub_endpoint == "http://127.0.0.1:9"
    assert not pol.allows("downloads") and not pol.allows("hub")


def test_offline_policy_and_hf_hub_offline(tmp_path):
    pol = load_policy(write(tmp_path, '{"offline": true}'))
    assert pol.online_block(env={}).startswith("offline by policy")
    free = Policy()
    assert free.online_block(env={}) is None
    assert free.online_block(env={"HF_HUB_OFFLINE": "1"}).startswith("offline: HF_HUB_OFFLINE is set")
    assert free.online_block(env={"HF_HUB_OFFLINE": "0"}) is None


def test_broken_json_names_the_line_and_switches_online_off(tmp_path):
    p = write(tmp_path, '{\n  "offline": false,\n  "allow_repos": ["google/*",]\n}\n')
    pol = load_policy(p)
    assert pol.error.startswith("line 3, column ")
    block = pol.online_block(env={})
    assert block.startswith("offline by policy") and "line 3" in block and str(p) in block
    assert "line 3" in pol.problem() and "everything online is switched off" in pol.problem()
    # Hearth still starts: the config loads with the default folders.
    cfg = AppConfig.load()
    assert cfg.policy.error is None   # (HEARTH_HOME's own policy.json does not exist)


def test_unknown_key_and_wrong_types_name_key_and_line(tmp_path):
    shared = tmp_path / "shared"
    text = ('{\n'
            f'  "extra_model_dirs": ["{shared}"],\n'
            '  "downlods": false,\n'
            '  "offline": "yes",\n'
            '  "locked_settings": {"temperature": "hot", "colour": 1},\n'
            '  "allow_repos": ["a/b/c"]\n'
            '}\n')
    pol = load_policy(write(tmp_path, text))
    err = pol.error
    assert 'line 3: unknown key "downlods"' in err
    assert 'line 4: "offline" must be true or false' in err
    assert 'line 5: "locked_settings": temperature must be a number' in err
    assert 'line 5: "locked_settings" names an unknown setting "colour"' in err
    assert "line 6:" in err and "a/b/c" in err
    # Online is off; what was valid still applies (the shared folder is listed).
    assert pol.online_block(env={}).startswith("offline by policy")
    assert pol.extra_model_dirs == [shared]


def test_not_an_object_and_unreadable(tmp_path):
    assert load_policy(write(tmp_path, "[1, 2]")).error == "line 1: it must hold a JSON object {...}"
    p = tmp_path / "policy.json"
    p.write_bytes(b"\xff\xfe\x00bad")
    assert load_policy(p).error.startswith("it cannot be read")


def test_hearth_policy_naming_a_missing_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_POLICY", str(tmp_path / "nowhere.json"))
    pol = load_policy()
    assert pol.origin == "HEARTH_POLICY" and "no such file" in pol.error
    assert pol.online_block(env={}).startswith("offline by policy")


def test_bad_endpoint_is_refused(tmp_path):
    pol = load_policy(write(tmp_path, '{\n"hub_endpoint": "ftp://mirror"\n}'))
    assert 'line 2: "hub_endpoint" must be an http:// or https:// URL' in pol.error
    assert pol.hub_endpoint is None


def test_locked_sampling_and_load_are_pinned():
    from engine.host.protocol import SamplingOptions

    pol = Policy(locked_settings={"temperature": 0.2, "max_tokens": None, "n_ctx": 4096,
                                  "system_prompt": "Be brief."})
    s = SamplingOptions(temperature=1.5, max_tokens=99, top_p=0.5)
    assert sorted(pol.pin_sampling(s)) == ["max_tokens", "temperature"]
    assert s.temperature == 0.2 and s.max_tokens == SamplingOptions().max_tokens and s.top_p == 0.5
    assert pol.pin_load({"n_ctx": 8192, "gpu_layers": "all"}) == {"n_ctx": 4096, "gpu_layers": "all"}
    assert pol.pin_system_prompt("Be verbose.") == "Be brief."
    assert Policy().pin_system_prompt("mine") == "mine"


@pytest.mark.parametrize("policy, env, expect", [
    ({"locked_settings": ["debug_logging"]}, {"HEARTH_DEBUG": "1"}, False),
    ({"locked_settings": {"debug_logging": True}}, {}, True),
    ({}, {"HEARTH_DEBUG": "1"}, True),
])
def test_debug_logging_lock(tmp_path, monkeypatch, policy, env, expect):
    from engine import logs

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    pol = load_policy(write(tmp_path, json.dumps(policy)))
    assert logs.debug_enabled({}, pol) is expect
