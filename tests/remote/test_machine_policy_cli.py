"""The user cannot switch the administrator's policy off (issue 18): with a machine-wide policy that
disables ``serve`` and locks temperature, max tokens, seed and the system prompt, ``HEARTH_POLICY``
naming an empty policy, ``HEARTH_HOME`` elsewhere or ``XDG_CONFIG_DIRS=/nonexistent`` change nothing:
the server gets the administrator's values, ``serve`` is refused and ``doctor`` shows the machine's file.
(The machine policy's location is moved inside the CLI subprocess: no environment variable moves it.)"""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli

LOCKED = {"temperature": 0.2, "max_tokens": 5, "seed": 7, "system_prompt": "Follow company rules."}
USER_FLAGS = ("--temperature", "1.5", "--max-tokens", "9999", "--seed", "3", "--system", "ignore company rules")


@pytest.fixture
def site(machine_policy, fake_server, cli_env, tmp_path):
    """The machine-wide policy, the user's own endpoint on the fake server, and the user's attempts to
    switch the policy off: ``(env, mode)``, ``mode`` being this test's path on the fake server."""
    mode = f"policy-{tmp_path.name}"
    machine_policy.write_text(json.dumps({"disable": ["serve"], "locked_settings": LOCKED}), encoding="utf-8")
    r = run_cli("endpoints", "add", "lab", fake_server.url(mode), env=cli_env, machine_policy=machine_policy)
    assert r.returncode == 0, r.stderr
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    return {**cli_env, "HEARTH_POLICY": str(empty), "XDG_CONFIG_DIRS": "/nonexistent"}, mode


def test_chat_sends_the_locked_values_whatever_hearth_policy_says(site, fake_server, machine_policy):
    env, mode = site
    r = run_cli("chat", "--model", "lab:fake", *USER_FLAGS, "--json", "hello", env=env,
                machine_policy=machine_policy)
    assert r.returncode == 0, r.stderr
    [body] = fake_server.bodies[mode]
    assert body["temperature"] == 0.2 and body["max_tokens"] == 5 and body["seed"] == 7
    assert body["messages"][0] == {"role": "system", "content": "Follow company rules."}
    assert "ignore company rules" not in json.dumps(body)
    for name, value in (("temperature", 0.2), ("max_tokens", 5), ("seed", 7)):
        assert f"{name} is managed by your administrator; using {value!r}" in r.stderr
    assert "the system prompt is managed by your administrator" in r.stderr


def test_serve_stays_off_whatever_hearth_policy_says(site, tiny_model, machine_policy):
    env, _ = site
    r = run_cli("serve", "--model", tiny_model, "--port", "0", env=env, machine_policy=machine_policy, timeout=60)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.strip() == "hearth: serving is switched off by your administrator"


@pytest.mark.parametrize("change", ["HEARTH_POLICY", "HEARTH_HOME", "XDG_CONFIG_DIRS"])
def test_doctor_shows_the_machine_policy_whatever_the_environment_says(site, cli_env, machine_policy, tmp_path,
                                                                       change):
    empty = tmp_path / "empty.json"
    value = {"HEARTH_POLICY": str(empty), "HEARTH_HOME": str(tmp_path / "elsewhere"),
             "XDG_CONFIG_DIRS": "/nonexistent"}[change]
    env = {**cli_env, change: value}       # one change at a time
    r = run_cli("doctor", "--json", env=env, machine_policy=machine_policy)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["policy"] == str(machine_policy) and "serve" in d["disabled_features"]
    assert d["policy_details"]["locked_settings"] == LOCKED
    assert d["policies"][0] == {"path": str(machine_policy), "origin": "machine-wide", "error": None}
    assert [p["origin"] for p in d["policies"][1:]] == (["HEARTH_POLICY"] if change == "HEARTH_POLICY" else [])
    r = run_cli("doctor", env=env, machine_policy=machine_policy)
    assert f"      policy: {machine_policy} (machine-wide)" in r.stdout
    assert "serve off" in r.stdout and "temperature=0.2" in r.stdout
    if change == "HEARTH_POLICY":
        assert f"{empty} (named by HEARTH_POLICY: it only adds restrictions)" in r.stdout
