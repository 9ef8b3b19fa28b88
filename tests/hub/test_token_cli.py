"""Token storage (keyring only) and the search/files/pull/token CLI as subprocesses."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from engine.errors import BadInputError
from engine.hub import token as tk
from tests.conftest import run_cli
from tests.hub.fakehub import GOOD_TOKEN


# ---- token functions ----------------------------------------------------------

def test_token_set_status_clear_memory_keyring(memory_keyring, monkeypatch, caplog, hearth_home):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    caplog.set_level(logging.DEBUG)
    assert tk.token_status()["token_set"] is False
    tk.set_token("  hf_secret_value \n")
    assert memory_keyring.store[(tk.KEYRING_SERVICE, tk.KEYRING_USER)] == "hf_secret_value"
    st = tk.token_status()
    assert st == {"token_set": True, "source": "keyring", "keyring_available": True,
                  "keyring_backend": st["keyring_backend"]}
    assert tk.get_token() == "hf_secret_value"
    assert "hf_secret_value" not in json.dumps(st) and "hf_secret_value" not in caplog.text
    # Never on disk in plaintext.
    for p in Path(hearth_home).rglob("*"):
        if p.is_file():
            assert b"hf_secret_value" not in p.read_bytes()
    assert tk.clear_token() is True
    assert tk.get_token() is None and tk.clear_token() is False
    with pytest.raises(BadInputError):
        tk.set_token("   ")


def test_no_keyring_backend_offers_session_token(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(BadInputError, match="no system keyring.*HF_TOKEN.*session-only"):
            tk.set_token("hf_abc")
        st = tk.token_status()
        assert st["keyring_available"] is False and "HF_TOKEN" in st["note"]
        tk.set_session_token("hf_session")
        assert tk.get_token() == "hf_session" and tk.token_status()["source"] == "session"
        monkeypatch.setenv("HF_TOKEN", "hf_env")
        assert tk.get_token() == "hf_env"
        assert tk.clear_token() is True
    finally:
        tk.set_session_token(None)
        keyring.set_keyring(old)


def test_token_is_passed_to_hub_calls(fake_hub, config, memory_keyring):
    from engine.hub.api import HubClient

    tk.set_token(GOOD_TOKEN)
    files = HubClient(config).repo_files("gated/Locked-GGUF")
    assert files.files[0].header is not None  # the header Range read passed the gated check
    assert {r["auth"] for r in fake_hub.requests("info")} == {f"Bearer {GOOD_TOKEN}"}


# ---- CLI subprocesses ---------------------------------------------------------

@pytest.fixture
def cli_env(fake_hub, tmp_path, hearth_home):
    return {"HF_ENDPOINT": fake_hub.url, "HEARTH_HOME": str(hearth_home), "NO_PROXY": "127.0.0.1",
            "no_proxy": "127.0.0.1", "HEARTH_DOWNLOAD_RETRY_DELAY": "0.01",
            "PYTHON_KEYRING_BACKEND": "tests.hub.file_keyring.FileKeyring",
            "HEARTH_TEST_KEYRING_FILE": str(tmp_path / "keyring.json"), "HF_TOKEN": "",
            "HEARTH_FAKE_HARDWARE": json.dumps({"backend": "CPU", "ram_available": 8 << 30,
                                                "ram_total": 16 << 30, "cpu_threads": 4})}


def test_cli_search_and_files(cli_env):
    r = run_cli("search", "tiny", "--json", env=cli_env)
    assert r.returncode == 0, r.stderr
    assert [x["repo_id"] for x in json.loads(r.stdout)] == ["acme/Tiny-GGUF"]
    r = run_cli("search", "gguf", "--sort", "likes", "--limit", "1", env=cli_env)
    assert r.returncode == 0 and r.stdout.startswith("acme/Split-GGUF")
    r = run_cli("files", "acme/Tiny-GGUF", "--json", "--ctx", "256", env=cli_env)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["best"] == "Tiny-Q4_K_M.gguf"
    assert [f["quant"] for f in d["files"]] == ["Q4_K_M", "Q8_0", "F16"]
    assert all(f["fit"]["verdict"] == "cpu" and f["fit"]["n_ctx"] == 256 for f in d["files"])
    r = run_cli("files", "acme/Tiny-GGUF", env=cli_env)
    assert r.returncode == 0 and "CPU only" in r.stdout and "★" in r.stdout
    r = run_cli("files", "acme/Missing", env=cli_env)
    assert r.returncode == 2 and "no repository" in r.stderr and "Traceback" not in r.stderr


def test_cli_pull_json_resume_and_errors(cli_env, fake_hub, hearth_home):
    data = fake_hub.repos["acme/Tiny-GGUF"].files["Tiny-Q8_0.gguf"]
    fake_hub.plan("Tiny-Q8_0.gguf", "status:500", "drop:65536")
    r = run_cli("pull", "acme/Tiny-GGUF", "--quant", "Q8_0", "--json", env=cli_env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert Path(out["path"]).read_bytes() == data and out["size"] == len(data)
    import hashlib

    assert out["sha256"] == hashlib.sha256(data).hexdigest()
    assert "Tiny-Q8_0.gguf" in r.stderr  # progress on stderr
    assert len(fake_hub.requests("cdn", "Tiny-Q8_0.gguf")) == 3  # 500 retried, drop resumed
    # Pulling again is a no-op success.
    r = run_cli("pull", "acme/Tiny-GGUF", "Tiny-Q8_0.gguf", "--json", env=cli_env)
    assert r.returncode == 0 and json.loads(r.stdout)["path"] == out["path"]
    # Bad input: unknown quant, both FILE and --quant.
    r = run_cli("pull", "acme/Tiny-GGUF", "--quant", "Q3_K_S", env=cli_env)
    assert r.returncode == 2 and "Q4_K_M" in r.stderr
    r = run_cli("pull", "acme/Tiny-GGUF", "x.gguf", "--quant", "Q8_0", env=cli_env)
    assert r.returncode == 2 and "give either a FILE or --quant, not both" in r.stderr
    # Gated without a token: exit 2 with the licence/token hint.
    r = run_cli("pull", "gated/Locked-GGUF", env=cli_env)
    assert r.returncode == 2 and "token set" in r.stderr and "Traceback" not in r.stderr


def test_cli_pull_tampered_and_persistent_500(cli_env, fake_hub, hearth_home):
    fake_hub.plan("Tiny-F16.gguf", "tamper")
    r = run_cli("pull", "acme/Tiny-GGUF", "Tiny-F16.gguf", "--json", env=cli_env)
    assert r.returncode == 3 and "checksum mismatch" in r.stderr and r.stdout == ""
    assert not list(Path(hearth_home).rglob("Tiny-F16.gguf"))
    fake_hub.plan("Tiny-Q4_K_M.gguf", *["status:500"] * 20)
    r = run_cli("pull", "acme/Tiny-GGUF", "Tiny-Q4_K_M.gguf", env=cli_env)
    assert r.returncode == 3 and "failed after" in r.stderr and "Traceback" not in r.stderr


def test_cli_token(cli_env, tmp_path):
    r = run_cli("token", "status", "--json", env=cli_env)
    assert r.returncode == 0 and json.loads(r.stdout)["token_set"] is False
    r = run_cli("token", "set", env=cli_env, input="hf_from_stdin\n")
    assert r.returncode == 0, r.stderr
    assert "hf_from_stdin" not in r.stdout + r.stderr
    r = run_cli("token", "status", env=cli_env)
    assert r.returncode == 0 and "keyring" in r.stdout and "hf_from_stdin" not in r.stdout
    r = run_cli("token", "clear", env=cli_env)
    assert r.returncode == 0 and "removed" in r.stdout
    r = run_cli("token", "set", "--token", "", env=cli_env)
    assert r.returncode == 2 and r.stderr.strip() == "hearth: the token is empty"
    no_keyring = dict(cli_env, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    r = run_cli("token", "set", "--token", "hf_x", env=no_keyring)
    assert r.returncode == 2 and "HF_TOKEN" in r.stderr and "hf_x" not in r.stderr


def test_cli_policy_disables_hub(cli_env, hearth_home):
    (Path(hearth_home) / "policy.json").write_text(json.dumps({"disable": ["hub", "downloads"]}))
    for args in (("search", "x"), ("files", "acme/Tiny-GGUF"), ("pull", "acme/Tiny-GGUF")):
        r = run_cli(*args, env=cli_env)
        assert r.returncode == 2 and "administrator" in r.stderr


def test_cli_token_clear_says_when_the_keyring_refuses(cli_env, tmp_path):
    keyring_file = tmp_path / "keyring.json"
    # Nothing stored: the backend raises PasswordDeleteError, which means "no token was stored".
    r = run_cli("token", "clear", env=cli_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "no token was stored"
    r = run_cli("token", "clear", "--json", env=cli_env)
    assert r.returncode == 0 and json.loads(r.stdout)["removed"] is False
    # A stored token the keyring refuses to delete: exit 3, one line naming the refusal, token kept.
    r = run_cli("token", "set", "--token", "hf_kept_secret", env=cli_env)
    assert r.returncode == 0, r.stderr
    refusing = dict(cli_env, PYTHON_KEYRING_BACKEND="tests.hub.file_keyring.RefusingFileKeyring")
    r = run_cli("token", "clear", env=refusing)
    assert r.returncode == 3, (r.stdout, r.stderr)
    assert r.stderr.strip() == ("hearth: the keyring refused to delete the token: "
                                "KeyringError: the collection is locked")
    assert "removed" not in r.stdout and "Traceback" not in r.stderr and "hf_kept_secret" not in r.stderr
    assert "hf_kept_secret" in keyring_file.read_text()
    # A backend that claims "no such password" while the token is still there is a refusal too.
    odd = dict(cli_env, PYTHON_KEYRING_BACKEND="tests.hub.file_keyring.NotFoundOnDeleteFileKeyring")
    r = run_cli("token", "clear", env=odd)
    assert r.returncode == 3 and "refused to delete the token: PasswordDeleteError" in r.stderr
    # The ordinary backend deletes it.
    r = run_cli("token", "clear", env=cli_env)
    assert r.returncode == 0 and r.stdout.strip() == "token removed"
    assert "hf_kept_secret" not in keyring_file.read_text()


def test_clear_token_refusal_in_process(monkeypatch):
    """The function itself: EngineError on refusal, False when nothing was stored."""
    from keyring.errors import KeyringError, PasswordDeleteError

    from engine.errors import EngineError
    from tests.hub.conftest import MemoryKeyring

    monkeypatch.delenv("HF_TOKEN", raising=False)

    class Refusing(MemoryKeyring):
        def delete_password(self, service, username):
            raise KeyringError("denied")

    class NothingThere(MemoryKeyring):
        def delete_password(self, service, username):
            raise PasswordDeleteError("No such password!")

    old = keyring.get_keyring()
    try:
        kr = Refusing()
        keyring.set_keyring(kr)
        assert tk.clear_token() is False          # nothing stored: no delete attempted
        tk.set_token("hf_abc")
        with pytest.raises(EngineError, match="refused to delete the token: KeyringError: denied"):
            tk.clear_token()
        assert tk.get_token() == "hf_abc"
        keyring.set_keyring(NothingThere())
        assert tk.clear_token() is False
    finally:
        keyring.set_keyring(old)


def test_cli_token_from_standard_input_and_the_visible_flag(cli_env, tmp_path):
    """Issue 18 part 5: `token set --token hf_…` shows the token to every user in `ps`. --token-stdin reads it
    from standard input; --token still works for existing scripts but says on stderr what it exposes."""
    keyring_file = tmp_path / "keyring.json"
    r = run_cli("token", "set", "--token-stdin", "--json", env=cli_env, input="hf_piped_secret\n")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["stored"] is True and r.stderr == ""
    assert "hf_piped_secret" in keyring_file.read_text() and "hf_piped_secret" not in r.stdout
    r = run_cli("token", "set", "--token", "hf_visible_secret", env=cli_env)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == ("hearth: warning: --token puts the token on the command line, where other users "
                                "of this computer can see it (ps, shell history); use --token-stdin or the prompt "
                                "instead")
    assert "hf_visible_secret" in keyring_file.read_text() and "hf_visible_secret" not in r.stderr
    r = run_cli("token", "set", "--token-stdin", "--token", "hf_x", env=cli_env, input="hf_y\n")
    assert r.returncode == 2 and r.stderr.strip() == "hearth: give the token with --token-stdin or --token, not both"
    r = run_cli("token", "set", "--token-stdin", env=cli_env, input="")
    assert r.returncode == 2 and r.stderr.strip() == "hearth: the token is empty"
