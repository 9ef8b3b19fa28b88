"""Synthetic llama models of real shape with random weights (speed does not depend on the values).

    python bench/gpu/synth_model.py OUT.gguf --shape 1b|8b|tiny [--type q4_0|q8_0|f16]

Shapes: ``1b`` dim 2048, 16 layers, ff 8192, 32 heads, 8 KV heads, 128,256-token vocabulary (Llama 3.2 1B);
``8b`` dim 4096, 32 layers, ff 14336, 32 heads, 8 KV heads, 128,256 (Llama 3.1 8B); ``tiny`` the same
code path at dim 256, 2 layers, a 1,024-token vocabulary (checks the pipeline on a CPU in seconds).

Fast: one random block of each tensor's type is written once and the tensor is that block tiled
(``np.broadcast_to``; quantized blocks get a small finite f16 scale), so the writer is bound by the disk,
not by NumPy's random generator (f16 1B: 48 s with standard_normal in the issue's figure). Norms are ones.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

SHAPES = {
    "tiny": dict(dim=256, layers=2, ff=768, heads=8, kv_heads=4, vocab=1024),
    "1b": dict(dim=2048, layers=16, ff=8192, heads=32, kv_heads=8, vocab=128256),
    "8b": dict(dim=4096, layers=32, ff=14336, heads=32, kv_heads=8, vocab=128256),
}
# bytes per block of 32 values, and the file type llama.cpp reports
TYPES = {"q4_0": (18, "MOSTLY_Q4_0"), "q8_0": (34, "MOSTLY_Q8_0"), "f16": (64, "MOSTLY_F16")}


def write_model(path: str, shape: str = "1b", qtype: str = "q4_0", n_ctx: int = 8192, seed: int = 0) -> dict:
    import gguf

    s = SHAPES[shape]
    dim, n_layer, ff, heads, kv_heads, vocab = (s[k] for k in ("dim", "layers", "ff", "heads", "kv_heads", "vocab"))
    hd = dim // heads
    rng = np.random.default_rng(seed)
    block_bytes, ftype = TYPES[qtype]
    gtype = {"q4_0": gguf.GGMLQuantizationType.Q4_0, "q8_0": gguf.GGMLQuantizationType.Q8_0,
             "f16": gguf.GGMLQuantizationType.F16}[qtype]

    # a SentencePiece-style vocabulary: specials, 256 byte tokens, then words
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL] + [gguf.TokenType.BYTE] * 256
    n_words = vocab - len(tokens)
    tokens += [f"\u2581w{i}" for i in range(n_words)]
    types += [gguf.TokenType.NORMAL] * n_words
    scores = [0.0] * 259 + [-i / 1000 for i in range(n_words)]

    w = gguf.GGUFWriter(path, "llama")
    w.add_name(f"Random {shape} {qtype}")
    w.add_context_length(n_ctx)
    w.add_embedding_length(dim)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(ff)
    w.add_head_count(heads)
    w.add_head_count_kv(kv_heads)
    w.add_rope_dimension_count(hd)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(getattr(gguf.LlamaFileType, ftype))
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)

    if qtype == "f16":
        block = (rng.standard_normal(32) * 0.02).astype(np.float16).view(np.uint8)
    else:
        block = rng.integers(0, 256, block_bytes, dtype=np.uint8)
        block[:2] = np.frombuffer(np.float16(0.002).tobytes(), dtype=np.uint8)   # the block's scale

    def mat(name, rows, cols):
        """A (rows, cols) weight of ``qtype``: the random block tiled (a read-only view, no copy)."""
        per_row = cols // 32 * block_bytes
        row = np.tile(block, cols // 32)
        data = np.broadcast_to(row, (rows, per_row))
        w.add_tensor(name, data, raw_shape=(rows, per_row), raw_dtype=gtype)

    ones = np.ones(dim, dtype=np.float32)
    mat("token_embd.weight", vocab, dim)
    w.add_tensor("output_norm.weight", ones)
    mat("output.weight", vocab, dim)
    for i in range(n_layer):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", ones)
        mat(p + "attn_q.weight", heads * hd, dim)
        mat(p + "attn_k.weight", kv_heads * hd, dim)
        mat(p + "attn_v.weight", kv_heads * hd, dim)
        mat(p + "attn_output.weight", dim, heads * hd)
        w.add_tensor(p + "ffn_norm.weight", ones)
        mat(p + "ffn_gate.weight", ff, dim)
        mat(p + "ffn_up.weight", ff, dim)
        mat(p + "ffn_down.weight", dim, ff)
    t0 = time.perf_counter()
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return {"path": path, "shape": shape, "type": qtype, "write_s": time.perf_counter() - t0, **s}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--shape", choices=SHAPES, default="1b")
    ap.add_argument("--type", choices=TYPES, default="q4_0")
    ap.add_argument("--ctx", type=int, default=8192)
    a = ap.parse_args()
    r = write_model(a.out, a.shape, a.type, a.ctx)
    print(f"{a.out}: {a.shape} {a.type}, written in {r['write_s']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
