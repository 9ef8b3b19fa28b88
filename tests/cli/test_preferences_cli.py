"""The CLI reads the Preferences the app writes (engine/preferences.py; settings.json): default sampling,
load settings, CPU threads and debug logging apply when the flags are absent; a flag still wins; a setting
the administrator locked is never taken from the file."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def write_settings(home, data) -> None:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.json").write_text(json.dumps(data), encoding="utf-8")


def chat(home, model, *flags):
    r = run_cli("chat", "--model", model, "--json", *flags, "hello there", env={"HEARTH_HOME": str(home)})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), r.stderr


def test_chat_uses_the_preferences_when_flags_are_absent(hearth_home, tiny_model):
    write_settings(hearth_home, {"sampling": {"max_tokens": 3, "temperature": 0.0, "seed": 1, "top_k": 1},
                                 "load": {"n_threads": 1, "n_ctx": 256}, "debug_logging": True})
    data, _ = chat(hearth_home, tiny_model)
    assert data["completion_tokens"] == 3 and data["finish_reason"] == "length"   # max_tokens 3, not 512
    assert data["threads_max"] == 1                                               # n_threads from the file
    log = (hearth_home / "cache" / "logs" / "hearth.log").read_text(encoding="utf-8")
    assert "cli started" in log and "debug logging on" in log
    # A flag wins over the file.
    data, _ = chat(hearth_home, tiny_model, "--max-tokens", "5")
    assert data["completion_tokens"] == 5 and data["finish_reason"] == "length"


def test_a_locked_setting_is_not_taken_from_the_preferences(hearth_home, tiny_model):
    write_settings(hearth_home, {"sampling": {"max_tokens": 3, "temperature": 0.0, "top_k": 1}})
    (hearth_home / "policy.json").write_text(json.dumps({"locked_settings": {"max_tokens": 4}}))
    data, err = chat(hearth_home, tiny_model)
    assert data["completion_tokens"] == 4 and data["finish_reason"] == "length"
    assert "managed by your administrator" not in err        # no flag asked otherwise: nothing to say
