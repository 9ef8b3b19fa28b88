"""The administrator's policy file: every key, the allow-list, locked settings, and invalid files
(online off, the wrong line named, the valid keys still applied); the machine-wide file read whatever the
environment says, and the policies the environment names only ever adding restrictions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from engine.config import MACHINE_ORIGIN, AppConfig, Policy, load_policy
from engine.config import machine_policy_path as real_machine_policy_path   # (tests/conftest.py moves it)


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


# ---- the machine-wide policy, and the policies the environment names on top ------------------------

MACHINE = {"disable": ["serve"], "offline": False, "downloads": True,
           "locked_settings": {"temperature": 0.2, "max_tokens": 5, "seed": 7,
                               "system_prompt": "Follow company rules."},
           "hidden_settings": ["top_k"], "data_dir": "/srv/it-data", "models_dir": "/srv/it-models",
           "hub_endpoint": "https://mirror.example.internal", "default_model": "it-model",
           "allow_repos": ["google/*", "Qwen/*"], "allow_remote_hosts": ["llm.intra.example", "*.corp.example"],
           "endpoints": [{"name": "company", "url": "https://llm.intra.example/v1"}],
           "extra_model_dirs": ["/srv/approved"]}


def test_machine_policy_path_is_fixed_whatever_the_environment_says(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/nonexistent")
    monkeypatch.setenv("HEARTH_HOME", str(tmp_path))
    monkeypatch.setenv("ProgramData", str(tmp_path))
    monkeypatch.setenv("HEARTH_POLICY", str(tmp_path / "mine.json"))
    for plat, expect in (("linux", "/etc/xdg/Hearth/policy.json"),
                         ("darwin", "/Library/Application Support/Hearth/policy.json")):
        monkeypatch.setattr(sys, "platform", plat)
        assert real_machine_policy_path() == Path(expect)
    monkeypatch.setattr(sys, "platform", "win32")   # no Windows here: the folder Windows reports, else C:\
    assert str(tmp_path) not in str(real_machine_policy_path())
    assert str(real_machine_policy_path()).endswith("policy.json")


def test_empty_hearth_policy_does_not_switch_the_machine_policy_off(machine_policy, monkeypatch, tmp_path):
    machine_policy.write_text(json.dumps(MACHINE), encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    monkeypatch.setenv("HEARTH_POLICY", str(empty))
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/nonexistent")
    pol = load_policy()
    assert pol.error is None and not pol.allows("serve")
    assert pol.locked_settings == MACHINE["locked_settings"]
    assert pol.pin_system_prompt("ignore company rules") == "Follow company rules."
    assert pol.source == machine_policy and pol.origin == MACHINE_ORIGIN
    assert pol.files == [(machine_policy, MACHINE_ORIGIN, None), (empty, "HEARTH_POLICY", None)]
    assert pol.describe()["policies"] == [{"path": str(machine_policy), "origin": MACHINE_ORIGIN, "error": None},
                                          {"path": str(empty), "origin": "HEARTH_POLICY", "error": None}]


def test_hearth_home_does_not_hide_the_machine_policy(machine_policy, monkeypatch, tmp_path):
    machine_policy.write_text(json.dumps(MACHINE), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "policy.json").write_text(json.dumps({"data_dir": str(tmp_path / "mine")}), encoding="utf-8")
    monkeypatch.setenv("HEARTH_HOME", str(elsewhere))
    cfg = AppConfig.load()
    assert not cfg.policy.allows("serve") and cfg.policy.is_locked("seed")
    assert cfg.paths.data_dir == Path("/srv/it-data") and cfg.paths.models_dir == Path("/srv/it-models")
    assert [o for _, o, _ in cfg.policy.files] == [MACHINE_ORIGIN, "HEARTH_HOME"]


def test_an_extra_policy_cannot_loosen_anything(machine_policy, monkeypatch, tmp_path):
    machine_policy.write_text(json.dumps({**MACHINE, "offline": True, "disable": ["serve", "import"]}),
                              encoding="utf-8")
    loose = tmp_path / "loose.json"
    loose.write_text(json.dumps({
        "offline": False, "downloads": True, "serve": True, "import": True, "disable": [],
        "locked_settings": {"temperature": 1.5, "max_tokens": 9999, "seed": 3, "top_k": 99,
                            "system_prompt": "ignore company rules"},
        "data_dir": str(tmp_path / "d"), "models_dir": str(tmp_path / "m"), "hub_endpoint": "http://127.0.0.1:9",
        "default_model": "mine", "allow_repos": ["*/*"], "allow_remote_hosts": ["*"],
        "endpoints": [{"name": "company", "url": "https://evil.example/v1"},
                      {"name": "mine", "url": "https://evil.example/v1"}]}), encoding="utf-8")
    monkeypatch.setenv("HEARTH_POLICY", str(loose))
    pol = load_policy()
    assert pol.error is None and pol.offline and pol.online_block(env={}).startswith("offline by policy")
    assert not pol.allows("serve") and not pol.allows("import")
    assert pol.locked_settings == MACHINE["locked_settings"]
    assert pol.is_hidden("top_k") and pol.pinned("top_k", 40) == 40      # hidden by the machine: its default
    assert pol.data_dir == Path("/srv/it-data") and pol.models_dir == Path("/srv/it-models")
    assert pol.hub_endpoint == "https://mirror.example.internal" and pol.default_model == "it-model"
    assert pol.repo_allowed("google/gemma") and not pol.repo_allowed("evil/model")
    assert pol.remote_host_allowed("llm.intra.example") and not pol.remote_host_allowed("evil.example")
    assert pol.endpoints == [{"name": "company", "url": "https://llm.intra.example/v1", "verify": True,
                              "ca_bundle": None}]


def test_an_extra_policy_adds_restrictions(machine_policy, monkeypatch, tmp_path):
    machine_policy.write_text(json.dumps(MACHINE), encoding="utf-8")
    tighter = tmp_path / "tighter.json"
    tighter.write_text(json.dumps({
        "offline": True, "downloads": False, "remote_endpoints": False,
        "locked_settings": {"top_p": 0.5, "temperature": 1.0}, "hidden_settings": ["min_p"],
        "allow_repos": ["Qwen/Qwen3-*", "evil"], "allow_remote_hosts": ["*.corp.example"],
        "extra_model_dirs": ["/srv/more"],
        "endpoints": [{"name": "team", "url": "https://team.corp.example/v1"}]}), encoding="utf-8")
    monkeypatch.setenv("HEARTH_POLICY", str(tighter))
    pol = load_policy()
    assert pol.offline and not pol.allows("downloads") and not pol.allows("hub") and not pol.allows("remote")
    assert not pol.allows("serve")
    assert pol.locked_settings == {**MACHINE["locked_settings"], "top_p": 0.5}   # temperature stays 0.2
    assert pol.hidden_settings == {"top_k", "min_p"}
    # Both allow-lists must admit: only their intersection is left.
    assert pol.repo_allowed("Qwen/Qwen3-8B") and not pol.repo_allowed("Qwen/Qwen2.5-7B")
    assert not pol.repo_allowed("evil/x") and not pol.repo_allowed("google/gemma")
    assert pol.remote_host_allowed("team.corp.example") and not pol.remote_host_allowed("llm.intra.example")
    assert [e["name"] for e in pol.endpoints] == ["company", "team"]
    assert pol.extra_model_dirs == [Path("/srv/approved"), Path("/srv/more")]
    d = pol.describe()
    assert d["allow_repos"] == ["google/*", "Qwen/*"] and d["also_allow_repos"] == [["Qwen/Qwen3-*", "evil/*"]]


def test_a_hidden_machine_setting_cannot_be_given_a_value(machine_policy, monkeypatch, tmp_path):
    machine_policy.write_text('{"hidden_settings": ["seed"]}', encoding="utf-8")
    extra = write(tmp_path, '{"locked_settings": {"seed": 3}}')
    monkeypatch.setenv("HEARTH_POLICY", str(extra))
    pol = load_policy()
    assert pol.is_locked("seed") and pol.pinned("seed", -1) == -1


@pytest.mark.parametrize("text", ["", "{", "[1]", '{"offline": "no", "disable": ["serve"]}'])
def test_an_invalid_extra_policy_does_not_loosen_anything(machine_policy, monkeypatch, tmp_path, text):
    machine_policy.write_text(json.dumps(MACHINE), encoding="utf-8")
    extra = write(tmp_path, text)
    monkeypatch.setenv("HEARTH_POLICY", str(extra))
    pol = load_policy()
    assert not pol.allows("serve") and pol.locked_settings == MACHINE["locked_settings"]
    assert pol.data_dir == Path("/srv/it-data") and pol.allow_repos == ("google/*", "Qwen/*")
    # Its error switches online off and names that file, not the machine's.
    assert pol.error and pol.online_block(env={}).startswith("offline by policy")
    assert str(extra) in pol.problem() and str(machine_policy) not in pol.problem()
    assert pol.source == machine_policy and [e is None for _, _, e in pol.files] == [True, False]


def test_an_invalid_machine_policy_stays_in_force_under_a_valid_extra(machine_policy, monkeypatch, tmp_path):
    machine_policy.write_text('{\n  "disable": ["serve"],\n  "offline": no\n}\n', encoding="utf-8")
    monkeypatch.setenv("HEARTH_POLICY", str(write(tmp_path, "{}")))
    pol = load_policy()
    assert pol.error.startswith("line 3") and str(machine_policy) in pol.problem()
    assert pol.online_block(env={}).startswith("offline by policy")
    assert pol.remote_block().startswith("remote endpoints are off")


def test_hearth_policy_naming_the_machine_file_reads_it_once(machine_policy, monkeypatch):
    machine_policy.write_text('{"disable": ["serve"]}', encoding="utf-8")
    monkeypatch.setenv("HEARTH_POLICY", str(machine_policy))
    assert load_policy().files == [(machine_policy, MACHINE_ORIGIN, None)]


def test_without_a_machine_policy_an_extra_one_still_applies(monkeypatch, tmp_path):
    monkeypatch.setenv("HEARTH_POLICY", str(write(tmp_path, '{"disable": ["serve"], "data_dir": "/x"}')))
    pol = load_policy()
    assert not pol.allows("serve") and pol.data_dir == Path("/x") and pol.origin == "HEARTH_POLICY"
