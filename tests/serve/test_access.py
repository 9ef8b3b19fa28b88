"""The local API's checks without a server: request fields (type, range, finite), the default reply length,
the allowed origins / host names / body limit (``serve`` flags and the Preferences settings), the API key
length off loopback, the Host check on a wildcard address."""

from __future__ import annotations

import json

import pytest

from engine.config import Policy
from engine.errors import BadInputError
from engine.serve.app import DEFAULT_MAX_TOKENS, ApiError, messages_from_body, parse_json, sampling_from_body
from engine.serve.background import check_request
from engine.serve.guard import MB, Access, AccessGuard

HI = [{"role": "user", "content": "hi"}]


def refused(fn) -> ApiError:
    with pytest.raises(ApiError) as e:
        fn()
    assert e.value.status == 400
    return e.value


# ---- request fields ---------------------------------------------------------------------------

def test_the_default_reply_length_is_bounded():
    """No max_tokens: DEFAULT_MAX_TOKENS, or the context when it is smaller (it ran until the context was
    full, 32768 tokens on a 32K model)."""
    assert sampling_from_body({}, chat=True, n_ctx=32768).max_tokens == DEFAULT_MAX_TOKENS == 2048
    assert sampling_from_body({}, chat=False, n_ctx=512).max_tokens == 512
    assert sampling_from_body({"max_tokens": 30000}, chat=True, n_ctx=32768).max_tokens == 30000
    assert sampling_from_body({"max_completion_tokens": 7, "max_tokens": 9}, chat=True, n_ctx=512).max_tokens == 7
    assert sampling_from_body({"max_tokens": 5.0}, chat=False, n_ctx=512).max_tokens == 5


@pytest.mark.parametrize("field, value", [
    ("max_tokens", 1e300), ("max_tokens", 10 ** 400), ("max_tokens", 513), ("max_tokens", 0), ("max_tokens", True),
    ("max_tokens", "12"), ("max_completion_tokens", 2.5),
    ("temperature", float("nan")), ("temperature", float("inf")), ("temperature", 10 ** 400), ("temperature", 3),
    ("temperature", "0.5"), ("top_p", -0.1), ("top_p", float("nan")), ("min_p", 2), ("top_k", -1), ("top_k", 1.5),
    ("top_k", 2 ** 40), ("repeat_penalty", float("inf")), ("repeat_penalty", -1),
    ("seed", float("inf")), ("seed", 10 ** 400), ("seed", 1.5), ("seed", "7"),
    ("presence_penalty", float("nan")), ("frequency_penalty", 5),
    ("ignore_eos", "yes"), ("ignore_eos", 1), ("n", True), ("n", 2), ("n", 1e300),
    ("stop", 5), ("stop", ["a", 1]), ("stop", ["a", "b", "c", "d", "e"]),
])
def test_every_sampling_field_is_checked(field, value):
    err = refused(lambda: sampling_from_body({field: value}, chat=True, n_ctx=512))
    assert err.param == field


def test_good_sampling_fields_are_taken():
    s = sampling_from_body({"temperature": 0, "top_p": 1, "top_k": 0, "min_p": 0.5, "repeat_penalty": 1.2,
                            "seed": -(2 ** 63), "stop": "x", "ignore_eos": True, "n": 1, "max_tokens": 512},
                           chat=True, n_ctx=512)
    assert (s.temperature, s.top_p, s.top_k, s.min_p, s.repeat_penalty) == (0, 1, 0, 0.5, 1.2)
    assert (s.seed, s.stop, s.ignore_eos, s.max_tokens) == (-(2 ** 63), ["x"], True, 512)
    assert isinstance(s.temperature, float) and isinstance(s.top_k, int)


@pytest.mark.parametrize("raw, words", [
    (b"[" * 200_000, "nested too deeply"), (b'{"a": NaN}', "NaN"), (b'{"a": Infinity}', "Infinity"),
    (b'{"a": 1' + b"0" * 5000 + b"}", "not valid JSON"), (b"\xff\xfe", "not valid JSON"), (b"[1]", "JSON object"),
])
def test_bodies_that_broke_the_parser_are_400(raw, words):
    assert words in refused(lambda: parse_json(raw)).message


def test_more_messages_than_the_context_holds_are_refused_before_they_are_looked_at():
    err = refused(lambda: messages_from_body({"messages": [None] * 513}, n_ctx=512))
    assert err.param == "messages" and err.code == "context_length_exceeded"
    assert messages_from_body({"messages": HI * 512}, n_ctx=512)[0] == {"role": "user", "content": "hi"}


# ---- origins, host names, the body limit -----------------------------------------------------------

def test_flags_and_settings_make_the_same_access():
    a = Access.make(["https://App.Example/", "http://localhost:80", "http://[::1]:3000"], ["MyPC.local.", "10.0.0.2"],
                    2)
    assert a.allow_origins == ("https://app.example", "http://localhost", "http://[::1]:3000")
    assert a.allow_hosts == ("mypc.local", "10.0.0.2")
    assert a.max_body_bytes == 2 * MB
    assert Access.from_settings({"model": "m.gguf", "allow_origins": ["https://app.example/", "http://localhost"],
                                 "allow_hosts": ["mypc.local", "10.0.0.2"], "max_body_mb": 2}) == \
        Access.make(["https://app.example", "http://localhost"], ["mypc.local", "10.0.0.2"], 2)
    assert Access.from_settings(None) == Access.from_settings({"model": "m"}) == Access() == Access.make()
    assert Access().max_body_bytes == 8 * MB and Access().allow_origins == ()


@pytest.mark.parametrize("settings, words", [
    ({"allow_origins": ["*"]}, "is not a web origin"),
    ({"allow_origins": ["https://app.example/x"]}, "is not a web origin"),
    ({"allow_origins": ["ftp://app.example"]}, "is not a web origin"),
    ({"allow_origins": ["https://app.example:99999"]}, "is not a web origin"),
    ({"allow_origins": 5}, "is not a web origin"),
    ({"allow_hosts": ["bad host"]}, "is not a host name"),
    ({"allow_hosts": [""]}, "is not a host name"),
    ({"max_body_mb": 0}, "between 1 and 1024 MB"),
    ({"max_body_mb": "8"}, "between 1 and 1024 MB"),
    ({"max_body_mb": 5000}, "between 1 and 1024 MB"),
])
def test_a_wrong_setting_is_one_sentence(settings, words):
    with pytest.raises(BadInputError) as e:
        Access.from_settings(settings)
    assert words in str(e.value)


def test_the_host_check_answers_to_the_bound_address_localhost_and_allowed_names():
    guard = AccessGuard(None, Access.make(hosts=["mypc.local"]), ("127.0.0.1", "127.0.0.1"))
    for ok in ("127.0.0.1", "127.0.0.1:8765", "localhost:8765", "LocalHost.", "mypc.local:1", "MYPC.LOCAL"):
        assert guard.host_allowed(ok), ok
    for bad in ("attacker.rebind.example", "attacker.rebind.example:8765", "10.0.0.2:8765", "127.0.0.1.evil.example",
                "[::1]:8765", ""):
        assert not guard.host_allowed(bad), bad
    # Every address (0.0.0.0): any IP address (what other computers use; a rebinding always uses a name).
    wild = AccessGuard(None, Access(), ("0.0.0.0", "0.0.0.0"))
    assert wild.host_allowed("192.168.1.20:8765") and wild.host_allowed("[fe80::1]:8765")
    assert wild.host_allowed("localhost") and not wild.host_allowed("attacker.rebind.example")
    v6 = AccessGuard(None, Access(), ("::1", "::1"))
    assert v6.host_allowed("[::1]:8765") and not v6.host_allowed("127.0.0.1")


# ---- the API key off loopback (the app's switch uses check_request) --------------------------------

def test_an_api_key_off_loopback_needs_16_characters():
    with pytest.raises(BadInputError) as e:
        check_request(Policy(), "0.0.0.0", 8080, "short-key")
    assert str(e.value) == "an API key for serving on 0.0.0.0 must be at least 16 characters long (this one has 9)"
    assert check_request(Policy(), "0.0.0.0", 8080, "k" * 16) is False
    assert check_request(Policy(), "127.0.0.1", 8080, "k") is True   # loopback: any key, or none


def test_settings_survive_a_json_round_trip():
    """What Preferences writes under "serve" reads back as the same Access."""
    saved = {"model": "m.gguf", "host": "127.0.0.1", "port": 8765, "allow_origins": ["http://localhost:3000"],
             "allow_hosts": [], "max_body_mb": 16}
    assert Access.from_settings(json.loads(json.dumps(saved))).max_body_bytes == 16 * MB
