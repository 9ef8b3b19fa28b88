"""``doctor`` prints the policy files in force without their escape characters (issue 18, audit): a policy
path, a key or a value holding ``ESC[31m`` or a bell reached the terminal as it was."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_doctor_prints_policy_paths_and_values_without_escapes(tmp_path, machine_policy):
    folder = tmp_path / "it\x1b[31mred\x07"
    folder.mkdir()
    policy = folder / "pol\x1b]0;title\x07icy\u202e.json"
    shared = tmp_path / "shared\x1b[2J"
    policy.write_text(json.dumps({"extra_model_dirs": [str(shared)], "default_model": "m\x1b[5mblink",
                                  "k\x1b[31mey": 1}), encoding="utf-8")
    env = {"HEARTH_HOME": str(tmp_path / "home"), "HEARTH_POLICY": str(policy)}
    r = run_cli("doctor", env=env, machine_policy=machine_policy)   # (no machine-wide file)
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stdout.splitlines() if "policy" in line or line.startswith(" " * 14)]
    text = "\n".join(lines)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text, text
    # the escapes gone, the rest kept
    assert f"      policy: {tmp_path}/itred/policy.json (named by HEARTH_POLICY: it only adds restrictions)" in text
    assert f"offline by policy: the administrator's policy file {tmp_path}/itred/policy.json is invalid" in text
    assert "INVALID: " in text and "unknown key" in text
    assert f"shared folder {tmp_path}/shared (missing)" in text and "default model mblink" in text
    # --json keeps the real path (a program reads it, not a terminal)
    d = json.loads(run_cli("doctor", "--json", env=env, machine_policy=machine_policy).stdout)
    assert d["policies"][0]["path"] == str(policy)


def test_doctor_prints_the_machine_policy_path_without_escapes(tmp_path):
    absent = tmp_path / "etc\x1b[31m" / "policy.json"
    r = run_cli("doctor", env={"HEARTH_HOME": str(tmp_path / "home")}, machine_policy=absent)
    assert r.returncode == 0, r.stderr
    assert f"      policy: none (no machine-wide file at {tmp_path}/etc/policy.json)" in r.stdout.splitlines()
    assert "\x1b" not in r.stdout
