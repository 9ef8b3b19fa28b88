"""The engine host process: streaming, cancel, unload, crash recovery."""

import os
import threading
import time

import psutil
import pytest

from engine.errors import BadInputError, HostCrashedError
from engine.host.protocol import LoadOptions, SamplingOptions


def long_reply(n=200):
    return SamplingOptions(max_tokens=n, ignore_eos=True, seed=1)


def test_stream_and_stats(client, tiny_model):
    info = client.load(tiny_model)
    assert info["n_ctx"] == 512 and info["has_chat_template"]
    chunks = []
    stats = client.chat([{"role": "user", "content": "hello"}], long_reply(64), on_text=chunks.append)
    assert stats.completion_tokens == 64
    assert stats.finish_reason == "length"
    assert "".join(chunks) == stats.text
    assert stats.prompt_tokens > 0 and stats.ttft_s > 0 and stats.gen_tok_s > 0 and stats.prompt_tok_s > 0


def test_seed_makes_replies_repeatable(client, tiny_model):
    client.load(tiny_model)
    msgs = [{"role": "user", "content": "the word"}]
    a = client.chat(msgs, SamplingOptions(max_tokens=20, ignore_eos=True, seed=7, temperature=1.0)).text
    b = client.chat(msgs, SamplingOptions(max_tokens=20, ignore_eos=True, seed=7, temperature=1.0)).text
    assert a == b


# A Stop reaches the host at once (a shared flag it reads once per token); between the Stop and that flag there
# are only the pipe and the scheduler, which on a CI machine with 2 busy cores can take a while. A reply
# through the client may run on for as many tokens as the host makes in this long (a quarter of a
# 16000-token reply at most, so that a Stop that is missed, or applied late, fails), and no more.
STOP_REACHES_THE_HOST_S = 1.0


def tokens_after_stop_allowed(client, seconds: float = STOP_REACHES_THE_HOST_S) -> int:
    """How many tokens the loaded model makes in ``seconds`` on this machine, measured now (at least 64: the
    first text of a reply comes a few tokens in; at most 4000)."""
    import math

    stats = client.chat([{"role": "user", "content": "pace"}], long_reply(400))
    return min(4000, max(64, math.ceil(stats.gen_tok_s * seconds)))


def test_cancel_stops_within_a_token(tiny_words_model):
    """The host's decode loop reads the cancel flag once per token: set while the k-th token's text is being
    handled, the reply ends with k tokens, not one more (in-process, so nothing else can add any)."""
    from types import SimpleNamespace

    from engine.host.protocol import GenerationStats
    from engine.host.worker import LlamaDecoder

    dec = LlamaDecoder()
    dec.load(str(tiny_words_model), LoadOptions(n_ctx=4096))
    try:
        prompt = dec.tokenize_prompt(dec.render_chat([{"role": "user", "content": "go"}])[0])
        greedy = SamplingOptions(max_tokens=3000, ignore_eos=True, temperature=0, repeat_penalty=1.0)
        for k in (1, 2, 7, 100):
            flag, stats, pieces = SimpleNamespace(value=False), GenerationStats(), []
            for piece in dec.stream(prompt, greedy, flag, stats):
                pieces.append(piece)
                if len(pieces) == k:
                    flag.value = True
            assert stats.finish_reason == "cancelled"
            assert stats.completion_tokens == k and len(pieces) == k, (k, stats.completion_tokens, len(pieces))
        # The same loop with no Stop runs to its length (so the counts above are the Stop's doing).
        stats = GenerationStats()
        assert len(list(dec.stream(prompt, greedy, SimpleNamespace(value=False), stats))) == 3000
        assert stats.finish_reason == "length"
    finally:
        if dec.lease is not None:
            dec.lease.close()


def test_cancel_through_the_client_stops_at_once_and_keeps_the_model(client, tiny_long_model):
    client.load(tiny_long_model, LoadOptions(n_ctx=16384))
    allowed = tokens_after_stop_allowed(client)
    got = []

    def on_text(t):
        got.append(t)
        if len(got) == 1:
            client.cancel()

    stats = client.chat([{"role": "user", "content": "go"}], long_reply(16000), on_text=on_text)
    assert stats.finish_reason == "cancelled"
    assert stats.completion_tokens <= allowed, (stats.completion_tokens, allowed)
    assert client.alive  # a soft cancel keeps the model loaded
    # and the next request works normally
    assert client.chat([{"role": "user", "content": "again"}], long_reply(5)).completion_tokens == 5


def test_unload_ends_the_process(client, tiny_model):
    client.load(tiny_model)
    pid = client.pid
    assert psutil.pid_exists(pid)
    client.unload()
    assert not client.alive
    deadline = time.monotonic() + 5
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_host_killed_mid_stream_then_next_request_works(client, tiny_long_model):
    client.load(tiny_long_model, LoadOptions(n_ctx=16384))
    got = []

    def on_text(t):
        got.append(t)
        if len(got) == 1:
            os.kill(client.pid, 9)

    with pytest.raises(HostCrashedError) as e:
        client.chat([{"role": "user", "content": "go"}], SamplingOptions(max_tokens=16000, ignore_eos=True),
                    on_text=on_text)
    assert "model process stopped" in str(e.value)
    assert "killed" in str(e.value)
    # The next request starts a fresh host and reloads the same model.
    stats = client.chat([{"role": "user", "content": "hi"}], long_reply(8))
    assert stats.completion_tokens == 8
    assert client.alive


def test_hard_cancel_ends_a_stuck_host(client, tiny_model, monkeypatch):
    """If the host does not answer a cancel (stuck in prompt evaluation), it is ended."""
    import engine.host.client as client_mod

    monkeypatch.setattr(client_mod, "HARD_CANCEL_AFTER_S", 0.3)
    client.load(tiny_model)
    os.kill(client.pid, 19)  # SIGSTOP: the host is frozen like a long prompt evaluation
    t = threading.Timer(0.2, client.cancel)
    t.start()
    stats = client.chat([{"role": "user", "content": "hi"}], long_reply(10))
    assert stats.finish_reason == "cancelled"
    assert not client.alive
    assert client.chat([{"role": "user", "content": "hi"}], long_reply(4)).completion_tokens == 4


def test_bad_model_refused_before_host_starts(client, tiny_model, tmp_path):
    from tests.tiny_gguf import truncated_copy

    bad = truncated_copy(tiny_model, tmp_path / "bad.gguf")
    with pytest.raises(BadInputError, match="truncated"):
        client.load(bad)
    assert client.pid is None


def test_no_model_loaded(client):
    with pytest.raises(BadInputError, match="no model"):
        client.chat([{"role": "user", "content": "x"}])


def test_stop_strings_cut_the_reply(client, tiny_base_model):
    client.load(tiny_base_model)
    full = client.complete("the", SamplingOptions(max_tokens=60, ignore_eos=True, seed=3, temperature=0)).text
    # pick a substring from the middle as a stop string
    stop = full[20:23]
    assert stop.strip()
    cut = client.complete("the", SamplingOptions(max_tokens=60, ignore_eos=True, seed=3, temperature=0,
                                                 stop=[stop])).text
    assert cut == full[:full.index(stop)]


def test_context_trimming_keeps_system_and_never_overflows(client, tiny_small_ctx_model):
    client.load(tiny_small_ctx_model)
    system = {"role": "system", "content": "be brief and kind to everyone"}
    msgs = [system]
    for i in range(30):
        msgs.append({"role": "user", "content": f"question number {i} about the word"})
        msgs.append({"role": "assistant", "content": "the answer is the word and the word"})
    msgs.append({"role": "user", "content": "last one"})
    greedy = SamplingOptions(max_tokens=32, ignore_eos=True, temperature=0)
    stats = client.chat(msgs, greedy)
    assert stats.dropped_messages > 0
    assert stats.prompt_tokens + stats.completion_tokens <= 128
    assert stats.completion_tokens > 0
    # The system prompt is in the fitted prompt: the host sent exactly as many tokens as the
    # system prompt plus the turns it kept, and more than the kept turns alone.
    kept = msgs[1 + stats.dropped_messages:]
    assert kept[-1]["content"] == "last one" and kept[0]["role"] == "user"
    with_system = client.chat([system, *kept], greedy)
    without_system = client.chat(kept, greedy)
    assert with_system.dropped_messages == 0 and without_system.dropped_messages == 0
    assert stats.prompt_tokens == with_system.prompt_tokens
    assert stats.prompt_tokens > without_system.prompt_tokens


def test_fitting_keeps_the_system_prompt_text():
    """fit_messages with stand-ins: the dropped turns are the oldest, the system prompt stays first."""
    from engine.chat import fit_messages

    def render(messages):
        return "".join(f"[{m['role']}] {m['content']}\n" for m in messages), []

    msgs = [{"role": "system", "content": "SYSTEM RULES"}]
    for i in range(20):
        msgs += [{"role": "user", "content": f"q{i} " * 5}, {"role": "assistant", "content": f"a{i} " * 5}]
    msgs.append({"role": "user", "content": "final question"})
    fitted = fit_messages(msgs, render, lambda text: len(text.split()), n_ctx=120, max_tokens=40)
    assert fitted.dropped_messages > 0
    assert fitted.prompt.startswith("[system] SYSTEM RULES\n")
    assert fitted.prompt.count("SYSTEM RULES") == 1
    assert fitted.prompt.endswith("[user] final question\n")
    assert "q0 " not in fitted.prompt  # the oldest turn went first
    assert fitted.prompt == render([msgs[0], *msgs[1 + fitted.dropped_messages:]])[0]
    assert fitted.prompt_tokens + fitted.max_tokens <= 120


def test_too_long_single_message_is_a_clear_error(client, tiny_small_ctx_model):
    client.load(tiny_small_ctx_model)
    with pytest.raises(BadInputError, match="too long"):
        client.chat([{"role": "user", "content": "the word " * 200}], SamplingOptions(max_tokens=16))
    assert client.alive


def test_japanese_round_trip(client, tiny_model):
    """Japanese and emoji survive tokenize -> tokens -> text, also token by token as a reply streams."""
    import codecs

    import llama_cpp

    text = "東京の天気は晴れです 🙂"
    client.load(tiny_model)
    toks = client.tokenize(text)
    assert len(toks) > 5  # byte fallback tokens
    vocab = llama_cpp.Llama(model_path=str(tiny_model), vocab_only=True, verbose=False)
    assert vocab.detokenize(toks).decode("utf-8") == text
    # Streamed one token at a time (multi-byte characters split across byte tokens).
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    pieces = [decoder.decode(vocab.detokenize([t])) for t in toks]
    pieces.append(decoder.decode(b"", final=True))
    streamed = "".join(pieces)
    # A SentencePiece tokenizer marks the start of the text with a space ("▁"); nothing else changes.
    assert streamed in (text, " " + text)
    assert "\ufffd" not in streamed


@pytest.mark.starter
def test_starter_model_generates_real_text(client, starter_model):
    info = client.load(starter_model, LoadOptions(n_ctx=1024))
    assert info["has_chat_template"] is False
    stats = client.chat([{"role": "user", "content": "The capital of France is"}],
                        SamplingOptions(max_tokens=24, temperature=0, seed=1))
    assert stats.completion_tokens > 0
    assert any(ch.isalpha() for ch in stats.text)
    assert stats.gen_tok_s > 0


CAPITAL_OF = "What is the capital of {}? Answer with the city name only."


@pytest.mark.instruct
def test_instruct_model_names_paris_then_rome_greedily(client, instruct_model):
    """A real instruction-tuned model through the host (its own chat template, greedy): the answer is right,
    the reply ends at the template's end of turn, and a second question is read with the first as history."""
    info = client.load(instruct_model, LoadOptions(n_ctx=1024))
    assert info["has_chat_template"]
    greedy = SamplingOptions(max_tokens=32, temperature=0)
    first = [{"role": "user", "content": CAPITAL_OF.format("France")}]
    stats = client.chat(first, greedy)
    assert "Paris" in stats.text, stats.text
    assert stats.finish_reason == "stop" and stats.completion_tokens < 32   # it ended its turn itself
    follow = client.chat([*first, {"role": "assistant", "content": stats.text},
                          {"role": "user", "content": CAPITAL_OF.format("Italy")}], greedy)
    assert "Rome" in follow.text and "Paris" not in follow.text, follow.text


def test_load_reports_progress(client, tiny_model):
    fractions = []
    client.load(tiny_model, on_progress=fractions.append)
    assert fractions and fractions[-1] == 1.0
    assert fractions == sorted(fractions)


def test_cancel_during_load_stops_it(client, tiny_model):
    from engine.errors import CancelledError

    def on_progress(f):
        client.cancel()

    with pytest.raises(CancelledError):
        client.load(tiny_model, on_progress=on_progress)
    assert not client.alive
    client.load(tiny_model)  # a later load works
    assert client.chat([{"role": "user", "content": "x"}], long_reply(3)).completion_tokens == 3
