"""`endpoints add|list|remove|test` through the CLI, against real servers on loopback."""

from __future__ import annotations

import json

import pytest

from tests.remote.conftest import API_KEY, MODEL_ID, add_endpoint, free_port


def test_add_list_test_remove(hearth, llama_server, hearth_home, tmp_path):
    r = add_endpoint(hearth, "lab", llama_server.url)
    assert "Nothing was contacted" in r.stdout
    r = hearth("endpoints", "list", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [(x["name"], x["url"], x["host"], x["verify"], x["source"], x["api_key"]) for x in rows] == \
        [("lab", llama_server.url, f"127.0.0.1:{llama_server.port}", True, "user", False)]
    r = hearth("endpoints", "test", "lab", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["models"] == [MODEL_ID]
    r = hearth("endpoints", "test", "lab")
    assert r.returncode == 0 and f"lab:{MODEL_ID}" in r.stdout
    # The app's model picker offers what the test listed, without asking the server again.
    settings = json.loads((hearth_home / "config" / "settings.json").read_text())
    assert settings["endpoint_models"] == {"lab": [MODEL_ID]}
    r = hearth("endpoints", "remove", "lab")
    assert r.returncode == 0, r.stderr
    assert json.loads(hearth("endpoints", "list", "--json").stdout) == []
    r = hearth("endpoints", "remove", "lab")
    assert r.returncode == 2 and "no endpoint named 'lab'" in r.stderr


def test_add_and_list_contact_nothing(hearth, fake_server):
    add_endpoint(hearth, "quiet", fake_server.url("plain"))
    assert hearth("endpoints", "list").returncode == 0
    assert hearth("endpoints", "remove", "quiet").returncode == 0
    assert fake_server.requests["plain"] == 0


def test_bad_input_is_exit_2(hearth):
    r = hearth("endpoints", "add", "lab", "ftp://example.org/v1")
    assert r.returncode == 2 and "not an http:// or https:// URL" in r.stderr
    r = hearth("endpoints", "add", "x", "http://127.0.0.1:1/v1")
    assert r.returncode == 2 and "not a usable endpoint name" in r.stderr
    r = hearth("endpoints", "add", "lab", "http://user:pw@127.0.0.1:1/v1")
    assert r.returncode == 2 and "keyring" in r.stderr
    r = hearth("endpoints", "test", "nothere")
    assert r.returncode == 2


def test_unreachable_port_is_one_sentence_exit_3(hearth):
    port = free_port()   # nothing listens there
    add_endpoint(hearth, "gone", f"http://127.0.0.1:{port}/v1")
    r = hearth("endpoints", "test", "gone")
    assert r.returncode == 3
    assert r.stderr.strip() == (f"hearth: cannot reach 127.0.0.1:{port} (connection refused: nothing listens on "
                                f"that port); check the endpoint's URL http://127.0.0.1:{port}/v1 and the network")
    r = hearth("chat", "--model", "gone:tiny", "hello")
    assert r.returncode == 3 and "cannot reach" in r.stderr and "Traceback" not in r.stderr


def test_api_key_kept_in_keyring_only_and_401(hearth, keyed_server, hearth_home, cli_env):
    # No key: the server answers 401, said in one sentence with what to do.
    add_endpoint(hearth, "sec", keyed_server.url)
    r = hearth("endpoints", "test", "sec")
    assert r.returncode == 2, r.stderr
    assert "needs an API key (HTTP 401)" in r.stderr and "--api-key-stdin" in r.stderr
    # A wrong key: refused.
    add_endpoint(hearth, "sec", keyed_server.url, key="sk-wrong")
    r = hearth("endpoints", "test", "sec")
    assert r.returncode == 2 and "refused the API key (HTTP 401)" in r.stderr
    r = hearth("chat", "--model", f"sec:{MODEL_ID}", "--max-tokens", "4", "hi")
    assert r.returncode == 2 and "refused the API key" in r.stderr
    # The right key works, and lives only in the keyring, never in Hearth's files.
    add_endpoint(hearth, "sec", keyed_server.url, key=API_KEY)
    r = hearth("endpoints", "test", "sec", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["models"] == [MODEL_ID]
    assert json.loads(hearth("endpoints", "list", "--json").stdout)[0]["api_key"] is True
    for f in hearth_home.rglob("*"):
        if f.is_file():
            assert API_KEY.encode() not in f.read_bytes(), f
    keyring_file = cli_env["HEARTH_TEST_KEYRING_FILE"]
    assert json.load(open(keyring_file)) == {"Hearth/endpoint:sec": API_KEY}
    r = hearth("chat", "--model", f"sec:{MODEL_ID}", "--max-tokens", "4", "--json", "hi")
    assert r.returncode == 0, r.stderr
    # Removing the endpoint removes its key.
    assert hearth("endpoints", "remove", "sec").returncode == 0
    assert json.load(open(keyring_file)) == {}


def _policy(hearth_home, text: str):
    (hearth_home / "policy.json").write_text(text)


def test_policy_forbids_remote_endpoints(hearth, hearth_home, fake_server):
    add_endpoint(hearth, "lab", fake_server.url("plain"))
    _policy(hearth_home, '{\n  "remote_endpoints": false\n}\n')
    r = hearth("endpoints", "add", "other", fake_server.url("plain"))
    assert r.returncode == 2 and "switched off by your administrator" in r.stderr
    r = hearth("chat", "--model", "lab:fake", "hi")
    assert r.returncode == 2 and "switched off by your administrator" in r.stderr
    assert fake_server.requests["plain"] == 0


def test_policy_allow_list_of_hosts(hearth, hearth_home, fake_server):
    add_endpoint(hearth, "lab", fake_server.url("plain"))
    _policy(hearth_home, '{\n  "allow_remote_hosts": ["llm.intra.example"]\n}\n')
    r = hearth("chat", "--model", "lab:fake", "hi")
    assert r.returncode == 2
    assert "127.0.0.1 is not on your administrator's list of allowed inference servers (llm.intra.example)" \
        in r.stderr
    r = hearth("endpoints", "add", "other", fake_server.url("plain"))
    assert r.returncode == 2
    assert fake_server.requests["plain"] == 0
    _policy(hearth_home, '{\n  "allow_remote_hosts": ["127.0.0.1"]\n}\n')
    r = hearth("chat", "--model", "lab:fake", "--json", "hi")
    assert r.returncode == 0, r.stderr


def test_policy_endpoints_listed_and_validated(hearth, hearth_home, fake_server):
    _policy(hearth_home, json.dumps({"endpoints": [{"name": "company", "url": fake_server.url("plain")}]},
                                    indent=1))
    rows = json.loads(hearth("endpoints", "list", "--json").stdout)
    assert [(x["name"], x["source"]) for x in rows] == [("company", "policy")]
    r = hearth("endpoints", "remove", "company")
    assert r.returncode == 2 and "set by your administrator" in r.stderr
    r = hearth("chat", "--model", "company:fake", "--json", "hi")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["remote"] == {"endpoint": "company", "host": f"127.0.0.1:{fake_server.port}"}
    # An invalid entry names its line; the policy is then invalid and remote endpoints are off.
    _policy(hearth_home, '{\n  "allow_remote_hosts": ["llm.intra.example"],\n'
                         f'  "endpoints": [{{"name": "company", "url": "{fake_server.url("plain")}"}}]\n}}\n')
    r = hearth("endpoints", "list", "--json")
    assert "line 3:" in r.stderr and "not in \"allow_remote_hosts\"" in r.stderr
    assert json.loads(r.stdout) == []


def test_tls_failure_and_ca_bundle(hearth, tls_fake_server):
    """A server with a certificate no public authority signed: refused in one sentence; trusted with
    the company's CA bundle (here the self-signed certificate itself)."""
    srv, cert = tls_fake_server
    add_endpoint(hearth, "secure", srv.url("plain"))
    r = hearth("endpoints", "test", "secure")
    assert r.returncode == 2
    assert r.stderr.strip() == (f"hearth: the secure connection to 127.0.0.1:{srv.port} failed: its "
                                "certificate could not be verified; give the company's CA bundle with "
                                "`endpoints add NAME URL --ca-bundle FILE`")
    r = hearth("endpoints", "add", "secure", srv.url("plain"), "--ca-bundle", str(cert))
    assert r.returncode == 0, r.stderr
    r = hearth("endpoints", "test", "secure", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["models"] == ["fake"]
    r = hearth("chat", "--model", "secure:fake", "--json", "over TLS")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["text"] == "Summary: over TLS [p. 1]"


# ---- an API key over plain http:// (issue 18 part 5) -------------------------------------------------------

def test_a_key_over_plain_http_to_another_computer_needs_an_explicit_flag(hearth, hearth_home):
    url = "http://192.0.2.10:8080/v1"       # TEST-NET: never contacted (add contacts nothing)
    r = hearth("endpoints", "add", "lan", url, "--api-key-stdin", input="sk-lan-secret\n")
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == ("hearth: http://192.0.2.10:8080/v1 is plain http:// to another computer, so the API "
                                "key would cross the network unencrypted: use an https:// URL, or add "
                                "--allow-insecure-key if this network is trusted")
    assert json.loads(hearth("endpoints", "list", "--json").stdout) == []
    settings_file = hearth_home / "config" / "settings.json"
    assert not settings_file.exists() or "sk-lan-secret" not in settings_file.read_text()
    # Without a key, or to this computer, http:// is fine.
    assert hearth("endpoints", "add", "nokey", url).returncode == 0
    r = hearth("endpoints", "add", "local", "http://localhost:8080/v1", "--api-key-stdin", input="k1\n")
    assert r.returncode == 0, r.stderr
    # With the flag it is stored, and said so.
    r = hearth("endpoints", "add", "lan", url, "--api-key-stdin", "--allow-insecure-key", input="sk-lan-secret\n")
    assert r.returncode == 0, r.stderr
    assert "the API key is sent unencrypted over http://" in r.stdout
    rows = {x["name"]: x for x in json.loads(hearth("endpoints", "list", "--json").stdout)}
    assert rows["lan"]["allow_insecure_key"] is True and rows["lan"]["key_in_clear"] is True
    assert rows["local"]["allow_insecure_key"] is False and rows["local"]["key_in_clear"] is False
    assert "the key is sent unencrypted (http://)" in hearth("endpoints", "list").stdout
    # Replacing it without the flag keeps the stored key: refused too.
    r = hearth("endpoints", "add", "lan", url)
    assert r.returncode == 2 and "would be sent unencrypted to 192.0.2.10:8080" in r.stderr


def test_a_key_stored_before_the_check_is_not_sent_over_plain_http(hearth, hearth_home):
    """An endpoint an older version saved (http:// to another computer, with a key): using it is refused in one
    sentence before anything is sent, instead of sending the key in clear without a word."""
    r = hearth("endpoints", "add", "old", "https://192.0.2.10:8443/v1", "--api-key-stdin", input="sk-old\n")
    assert r.returncode == 0, r.stderr
    settings_file = hearth_home / "config" / "settings.json"
    settings = json.loads(settings_file.read_text())
    settings["endpoints"] = [{"name": "old", "url": "http://192.0.2.10:8080/v1", "verify": True, "ca_bundle": None}]
    settings_file.write_text(json.dumps(settings))
    for args in (("endpoints", "test", "old"), ("chat", "--model", "old:m", "hello")):
        r = hearth(*args, timeout=60)
        assert r.returncode == 2, (args, r.stderr)
        assert "the API key would be sent unencrypted to 192.0.2.10:8080: its URL is http://, not https://" \
            in r.stderr and "Traceback" not in r.stderr
    assert "the key is not sent over http://" in hearth("endpoints", "list").stdout


def test_the_remote_client_never_puts_a_key_in_clear_without_the_users_word():
    from engine.endpoint_spec import Endpoint, key_travels_in_clear
    from engine.errors import BadInputError
    from engine.remote.client import RemoteAPI

    assert key_travels_in_clear("http://llm.intra.example/v1") and key_travels_in_clear("HTTP://10.0.0.2/v1")
    assert not any(key_travels_in_clear(u) for u in ("https://llm.intra.example/v1", "http://127.0.0.1:8080/v1",
                                                     "http://localhost/v1", "http://[::1]:80/v1"))
    ep = Endpoint("lan", "http://192.0.2.10/v1")
    with pytest.raises(BadInputError, match="would be sent unencrypted"):
        RemoteAPI(ep, api_key="sk-x")
    RemoteAPI(ep, api_key="").close()                     # no key: nothing secret to send
    ep.allow_insecure_key = True
    api = RemoteAPI(ep, api_key="sk-x")
    assert api.session.headers["Authorization"] == "Bearer sk-x"
    api.close()
