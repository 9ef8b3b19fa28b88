"""Tiny llama-architecture GGUF models for tests and benchmarks.

A few hundred KB, a SentencePiece-style vocabulary with byte fallback and
random weights: llama.cpp loads it and generates fast nonsense, which is all
the mechanics tests need. Corrupt variants are made from a good file.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# Real templates, verbatim. google/gemma-7b-it (as in llama.cpp's tests/test-chat-template.cpp): no system role
# (it raises on one), user/model turns must alternate, message text trimmed.
GEMMA_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}"
    "{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}"
)
# meta-llama/Meta-Llama-3-8B-Instruct (llama-cpp-python's LLAMA3_INSTRUCT_CHAT_TEMPLATE): a system role, trimmed
# text, the BOS written by the template.
LLAMA3_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim"
    " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)
# mistralai/Mistral-7B-Instruct-v0.1 (llama-cpp-python's MISTRAL_INSTRUCT_CHAT_TEMPLATE): no system role (a
# leading one breaks the alternation check), text not trimmed, EOS after each reply.
MISTRAL_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}"
    "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"
)

# Each template's vocabulary as its models have it: BOS, end of text, the control tokens the template writes
# (Mistral's [INST] and [/INST] are control tokens from v0.3 on), and the token the header names as EOS (Gemma's
# is <eos>: llama.cpp knows <end_of_turn> ends a reply by its name). A template not listed here gets ChatML's.
TEMPLATE_VOCAB = {
    CHATML_TEMPLATE: ("<s>", "</s>", ["<|im_start|>", "<|im_end|>"], "<|im_end|>"),
    GEMMA_TEMPLATE: ("<bos>", "<eos>", ["<start_of_turn>", "<end_of_turn>"], "<eos>"),
    LLAMA3_TEMPLATE: ("<|begin_of_text|>", "<|end_of_text|>", ["<|start_header_id|>", "<|end_header_id|>",
                                                                "<|eot_id|>"], "<|eot_id|>"),
    MISTRAL_TEMPLATE: ("<s>", "</s>", ["[INST]", "[/INST]"], "</s>"),
}

_WORDS = ["the", "a", "of", "and", "to", "in", "is", "it", "you", "that", "he", "was",
          "for", "on", "are", "with", "as", "his", "they", "be", "at", "one", "have",
          "this", "from", "or", "had", "by", "hot", "word", "but", "what", "some", "we",
          "can", "out", "other", "were", "all", "there", "when", "up", "use", "your",
          "how", "said", "an", "each", "she", "which", "do", "their", "time", "if"]


def make_tiny_gguf(path: str | Path, *, n_ctx: int = 512, n_layer: int = 2, n_embd: int = 64,
                   n_head: int = 4, n_ff: int = 128, chat_template: str | None = None,
                   name: str = "Tiny Test Llama", seed: int = 0, extra_words: int = 0,
                   extra_tokens: list[str] | None = None, text_only: bool = False,
                   always_emit: str | None = None) -> Path:
    """Write a valid tiny llama GGUF to ``path`` and return the path.

    ``chat_template``: also the control tokens it writes and its end-of-reply token (``TEMPLATE_VOCAB``).
    ``text_only``: the output layer practically never picks byte-fallback or
    control tokens, so generated text is valid UTF-8 words and syntax, like a
    real model's (benchmarks of text rendering need that).
    ``always_emit``: a token of the vocabulary (``"<end_of_turn>"``) that the model picks first whatever
    the prompt, by far (its layers add nothing, one embedding dimension is large and only that token's
    output row reads it).
    """
    import gguf

    path = Path(path)
    rng = np.random.default_rng(seed)
    bos, end_of_text, controls, eos_token = TEMPLATE_VOCAB.get(chat_template, TEMPLATE_VOCAB[CHATML_TEMPLATE])
    if not chat_template:
        controls = []
    tokens: list[str] = ["<unk>", bos, end_of_text]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
    tokens += controls
    types += [gguf.TokenType.CONTROL] * len(controls)
    for b in range(256):
        tokens.append(f"<0x{b:02X}>")
        types.append(gguf.TokenType.BYTE)
    words = _WORDS + [f"w{i}" for i in range(extra_words)]
    for w in words:
        tokens.append("\u2581" + w)
        types.append(gguf.TokenType.NORMAL)
    for tok in extra_tokens or []:  # e.g. Markdown syntax, so random output contains it
        tokens.append(tok)
        types.append(gguf.TokenType.NORMAL)
    for ch in "abcdefghijklmnopqrstuvwxyz ":
        tokens.append("\u2581" if ch == " " else ch)
        types.append(gguf.TokenType.NORMAL)
    scores = [0.0] * len(tokens)
    for i, t in enumerate(tokens):
        if types[i] == gguf.TokenType.NORMAL:
            scores[i] = -float(i) / 100 + (5.0 if len(t) > 2 else 0.0)
    n_vocab = len(tokens)

    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name(name)
    w.add_context_length(n_ctx)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head)
    w.add_rope_dimension_count(n_embd // n_head)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    eos = 2
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)
    if chat_template:
        w.add_chat_template(chat_template)
        eos = tokens.index(eos_token)
    w.add_eos_token_id(eos)

    def t(name, *shape):
        w.add_tensor(name, (rng.standard_normal(shape) * 0.5).astype(np.float32))

    def zero_if_forced(name, *shape):
        if always_emit is None:
            t(name, *shape)
        else:
            w.add_tensor(name, np.zeros(shape, dtype=np.float32))

    embd = (rng.standard_normal((n_vocab, n_embd)) * 0.5).astype(np.float32)
    if always_emit is not None:
        embd[:, 0] = 50.0
    w.add_tensor("token_embd.weight", embd)
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    out = (rng.standard_normal((n_vocab, n_embd)) * 0.5).astype(np.float32)
    if text_only:
        out *= 6.0  # large logits for normal tokens ...
        for i, ty in enumerate(types):
            if ty != gguf.TokenType.NORMAL:
                out[i] = 0.0  # ... and a logit of 0 for bytes and control tokens
    if always_emit is not None:
        out[:, 0] = 0.0
        out[tokens.index(always_emit), 0] = 10.0
    w.add_tensor("output.weight", out)
    for i in range(n_layer):
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        t(f"blk.{i}.attn_q.weight", n_embd, n_embd)
        t(f"blk.{i}.attn_k.weight", n_embd, n_embd)
        t(f"blk.{i}.attn_v.weight", n_embd, n_embd)
        zero_if_forced(f"blk.{i}.attn_output.weight", n_embd, n_embd)
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        t(f"blk.{i}.ffn_gate.weight", n_ff, n_embd)
        t(f"blk.{i}.ffn_up.weight", n_ff, n_embd)
        zero_if_forced(f"blk.{i}.ffn_down.weight", n_embd, n_ff)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


# ---- corrupt variants -------------------------------------------------------

def truncated_copy(src: Path, dst: Path, keep_fraction: float = 0.6) -> Path:
    data = Path(src).read_bytes()
    Path(dst).write_bytes(data[: int(len(data) * keep_fraction)])
    return Path(dst)


def bad_magic_copy(src: Path, dst: Path) -> Path:
    data = bytearray(Path(src).read_bytes())
    data[0:4] = b"GGML"
    Path(dst).write_bytes(bytes(data))
    return Path(dst)


def absurd_length_copy(src: Path, dst: Path) -> Path:
    """The first key's string length claims ~2**62 bytes."""
    data = bytearray(Path(src).read_bytes())
    # magic(4) version(4) n_tensors(8) n_kv(8) -> first key length at offset 24
    data[24:32] = struct.pack("<Q", 1 << 62)
    Path(dst).write_bytes(bytes(data))
    return Path(dst)


def tensor_beyond_end_copy(src: Path, dst: Path) -> Path:
    """Rewrite the last tensor's offset so its data lies past the end of the file."""
    from engine.gguf_check import parse_gguf, DEFAULT_ALIGNMENT

    data = bytearray(Path(src).read_bytes())
    info = parse_gguf(bytes(data))
    # The offset of the last tensor info is the 8 bytes before header end.
    pos = info.header_size - 8
    (old,) = struct.unpack_from("<Q", data, pos)
    struct.pack_into("<Q", data, pos, old + DEFAULT_ALIGNMENT * 1024 * 64)
    Path(dst).write_bytes(bytes(data))
    return Path(dst)


# ---- a tiny embedding model -------------------------------------------------------

def make_tiny_bert_gguf(path: str | Path, *, n_ctx: int = 512, n_layer: int = 2, n_embd: int = 32,
                        n_head: int = 2, n_ff: int = 64, pooling: int = 1, seed: int = 0,
                        name: str = "Tiny BERT Embedding") -> Path:
    """Write a valid tiny BERT embedding model (WordPiece vocabulary, mean pooling by default) and
    return the path. llama.cpp loads it with ``embedding=True`` and returns pooled vectors: random
    weights, so the vectors mean nothing, but the same text always gives the same vector."""
    import gguf

    path = Path(path)
    rng = np.random.default_rng(seed)
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    types = [gguf.TokenType.CONTROL] * len(tokens)
    for word in _WORDS:                       # whole words: "\u2581" marks a word start in llama.cpp's WPM
        tokens.append("\u2581" + word)
        types.append(gguf.TokenType.NORMAL)
    for ch in "abcdefghijklmnopqrstuvwxyz0123456789":
        if "\u2581" + ch not in tokens:
            tokens.append("\u2581" + ch)
            types.append(gguf.TokenType.NORMAL)
        tokens.append(ch)                     # a continuation piece ("##x" in BERT's own vocabulary)
        types.append(gguf.TokenType.NORMAL)
    n_vocab = len(tokens)

    w = gguf.GGUFWriter(str(path), "bert")
    w.add_name(name)
    w.add_context_length(n_ctx)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_layer_norm_eps(1e-12)
    w.add_causal_attention(False)
    w.add_pooling_type(gguf.PoolingType(pooling))
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("bert")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_type_count(2)
    w.add_bos_token_id(2)     # [CLS]
    w.add_sep_token_id(3)     # [SEP]
    w.add_unk_token_id(1)
    w.add_pad_token_id(0)
    w.add_mask_token_id(4)

    def t(tensor, *shape, scale=0.3):
        w.add_tensor(tensor, (rng.standard_normal(shape) * scale).astype(np.float32))

    def ones(tensor, n):
        w.add_tensor(tensor, np.ones(n, dtype=np.float32))

    def zeros(tensor, n):
        w.add_tensor(tensor, np.zeros(n, dtype=np.float32))

    t("token_embd.weight", n_vocab, n_embd, scale=1.0)
    t("token_types.weight", 2, n_embd)
    t("position_embd.weight", n_ctx, n_embd, scale=0.1)
    ones("token_embd_norm.weight", n_embd)
    zeros("token_embd_norm.bias", n_embd)
    for i in range(n_layer):
        for k in "qkv":
            t(f"blk.{i}.attn_{k}.weight", n_embd, n_embd)
            zeros(f"blk.{i}.attn_{k}.bias", n_embd)
        t(f"blk.{i}.attn_output.weight", n_embd, n_embd)
        zeros(f"blk.{i}.attn_output.bias", n_embd)
        ones(f"blk.{i}.attn_output_norm.weight", n_embd)
        zeros(f"blk.{i}.attn_output_norm.bias", n_embd)
        t(f"blk.{i}.ffn_up.weight", n_ff, n_embd)
        zeros(f"blk.{i}.ffn_up.bias", n_ff)
        t(f"blk.{i}.ffn_down.weight", n_embd, n_ff)
        zeros(f"blk.{i}.ffn_down.bias", n_embd)
        ones(f"blk.{i}.layer_output_norm.weight", n_embd)
        zeros(f"blk.{i}.layer_output_norm.bias", n_embd)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
