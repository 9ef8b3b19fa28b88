"""A policy file the JSON parser itself chokes on (issue 18, audit): ``[`` × 200,000 gave
``hearth: unexpected error: RecursionError`` and exit 3 for every command. It is an invalid policy like any
other: online off (and remote endpoints), the file named, nothing loosened."""

from __future__ import annotations

import json

import pytest

from engine.config import load_policy
from tests.conftest import run_cli

NESTED = "[" * 200_000
HUGE_NUMBER = '{"offline": 1' + "0" * 5000 + "}"   # past Python's limit on the digits of an int


def write(tmp_path, text: str):
    p = tmp_path / "policy.json"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("text, words", [(NESTED, "nested too deeply"), (HUGE_NUMBER, "not valid JSON")])
def test_an_unparsable_policy_is_invalid_and_switches_online_off(tmp_path, text, words):
    p = write(tmp_path, text)
    pol = load_policy(p)
    assert words in pol.error and "\n" not in pol.error
    assert pol.online_block(env={}).startswith("offline by policy") and str(p) in pol.problem()
    assert pol.remote_block().startswith("remote endpoints are off")


def test_an_unparsable_extra_policy_loosens_nothing(machine_policy, monkeypatch, tmp_path):
    machine_policy.write_text(json.dumps({"disable": ["serve"], "locked_settings": {"seed": 7}}), encoding="utf-8")
    extra = write(tmp_path, NESTED)
    monkeypatch.setenv("HEARTH_POLICY", str(extra))
    pol = load_policy()
    assert not pol.allows("serve") and pol.locked_settings == {"seed": 7}
    assert "nested too deeply" in pol.error and str(extra) in pol.problem()
    assert pol.online_block(env={}).startswith("offline by policy")


def test_an_unparsable_machine_policy_stays_restrictive(machine_policy, monkeypatch, tmp_path):
    machine_policy.write_text(NESTED, encoding="utf-8")
    monkeypatch.setenv("HEARTH_POLICY", str(write(tmp_path, "{}")))
    pol = load_policy()
    assert "nested too deeply" in pol.error and str(machine_policy) in pol.problem()
    assert pol.online_block(env={}).startswith("offline by policy")
    assert pol.remote_block().startswith("remote endpoints are off")


def test_commands_still_run_under_an_unparsable_policy(tmp_path, machine_policy):
    p = write(tmp_path, NESTED)
    env = {"HEARTH_HOME": str(tmp_path / "home"), "HEARTH_POLICY": str(p)}
    r = run_cli("doctor", env=env, machine_policy=machine_policy)   # (no machine-wide file)
    assert r.returncode == 0, r.stderr
    assert "RecursionError" not in r.stderr + r.stdout
    assert "INVALID: it is nested too deeply to be read" in r.stdout
    r = run_cli("doctor", "--json", env=env, machine_policy=machine_policy)
    assert r.returncode == 0, r.stderr
    assert [p["error"] for p in json.loads(r.stdout)["policies"]] == ["it is nested too deeply to be read"]
