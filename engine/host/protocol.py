"""Messages between the engine client (parent) and the host process (child).

Requests and replies are plain tuples of picklable values sent over a
``multiprocessing`` pipe. The cancel flag is *not* a message: it is a byte of
shared memory the parent sets directly and the child reads once per token.

Requests (parent -> child)::

    ("load", model_path, LoadOptions-as-dict)
    ("chat", messages, SamplingOptions-as-dict)      # chat template or base-model format
    ("complete", prompt, SamplingOptions-as-dict)     # raw text continuation
    ("tokenize", text, special)
    ("count_tokens", [text, ...])                     # token counts of plain text, no BOS
    ("count_chat", messages)                           # exact prompt tokens a chat request would send
    ("embed", [text, ...])                             # vectors of an embedding model (loaded with embedding=True)
    ("shutdown",)

Replies (child -> parent)::

    ("loaded", info_dict)       ("text", chunk)       ("done", stats_dict)
    ("result", value)           ("error", kind, message)

The load result (``info_dict``): ``path, n_ctx, gpu_layers`` (what was asked of llama.cpp:
-1 all, else 0..n_layer + 1), ``threads, flash_attn, has_chat_template, architecture,
context_length, load_s, gpu_offload`` (a GPU build), ``extra_bufts`` (False: the illegal-instruction
fallback), ``cpu_fallback`` (added by the client: None, or what was switched off, why and since when,
with ``new`` True on the load that found it out), ``plan`` (the planner's figures for
``auto`` on a GPU, else None), ``plan_note`` (a sentence when the load did something the user
did not ask for: fewer layers or less context after running out of memory, a GPU build
without a usable GPU; "" otherwise), ``warmup_s`` (the first full-context decode), and
``offload``: what llama.cpp itself reports after loading, not the plan —
``layers_offloaded`` of ``layers_total`` (n_layer + 1: the output layer counts as one; from
llama.cpp's load log, 0 on a CPU build), ``n_layer`` and ``model_bytes`` (llama_model_n_layer,
llama_model_size), ``backend``, ``buffers`` (llama.cpp's buffers per device in bytes:
``{"CUDA0": {"model": .., "kv": .., "compute": .., "output": ..}, "CPU_Mapped": {...}}``),
``gpu_buffer_bytes`` (their sum on the GPUs), ``on_gpu``, and ``devices`` (each GPU's
``name, free_bytes, total_bytes, used_bytes``: free memory before loading less after, as
ggml reports it). ``describe_offload(info)`` says it in one line.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields

# ---- load options -------------------------------------------------------------

# Defaults chosen for speed on ordinary office machines:
DEFAULT_CTX_CAP = 8192    # the model's trained context, capped: KV memory grows with it
DEFAULT_BATCH = 512       # prompt tokens per decode call (llama.cpp's default, good on CPU and GPU)
DEFAULT_UBATCH = 512


def default_threads() -> int:
    """Physical cores: llama.cpp's generation is memory-bound and SMT threads only add contention."""
    try:
        import psutil

        n = psutil.cpu_count(logical=False)
    except Exception:
        n = None
    return max(1, n or os.cpu_count() or 1)


class _Record:
    """Dataclasses that cross the pipe as plain dicts (unknown keys ignored, for old/new peers)."""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict | None):
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (d or {}).items() if k in names})


@dataclass
class LoadOptions(_Record):
    n_ctx: int = 0                 # 0: the model's own context length, capped at DEFAULT_CTX_CAP
    gpu_layers: str | int = "auto"  # "auto" (fit free VRAM), "all", or a number of layers
    n_threads: int = 0             # 0: the host's share of the core budget; N: at most N
    flash_attn: bool | None = None  # None: llama.cpp decides (on where supported)
    n_batch: int = DEFAULT_BATCH
    n_ubatch: int = DEFAULT_UBATCH
    use_mmap: bool = True
    # After loading, fill the whole context once (then empty it) so that an out-of-memory at the
    # first full-context decode shows now and is retried with fewer layers, then less context.
    # None: only when layers are offloaded to a GPU (where it is fast and where it happens).
    warmup: bool | None = None
    # llama.cpp's extra buffer types (AMX kernels, repacked weights for AVX2/AVX-512). The client turns
    # them off only for a machine and build where they died by an illegal instruction
    # (engine/host/cpu_fallback.py); never switched off where nothing crashed.
    extra_bufts: bool = True
    # An embedding model (engine/ask): llama.cpp computes pooled vectors (the model's own pooling) instead of
    # logits; the "embed" request then answers with one vector per text.
    embedding: bool = False


def parse_gpu_layers(value: str | int) -> str | int:
    """CLI/GUI value -> "auto" | "all" | int >= 0; ValueError otherwise."""
    if isinstance(value, int):
        if value < 0:
            return "all"
        return value
    v = str(value).strip().lower()
    if v in ("auto", "all"):
        return v
    n = int(v)
    if n < 0:
        return "all"
    return n


# ---- sampling options --------------------------------------------------------------

@dataclass
class SamplingOptions(_Record):
    max_tokens: int = 512
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    seed: int | None = None
    stop: list[str] = field(default_factory=list)
    ignore_eos: bool = False       # benchmarks: always generate max_tokens


# ---- results -------------------------------------------------------------------

@dataclass
class GenerationStats(_Record):
    text: str = ""
    prompt_tokens: int = 0          # tokens in the prompt sent to the model
    completion_tokens: int = 0
    ttft_s: float = 0.0             # request -> first token
    prompt_tok_s: float = 0.0       # prompt tokens evaluated per second
    gen_tok_s: float = 0.0          # tokens per second after the first
    finish_reason: str = "stop"     # "stop" | "length" | "cancelled" | "error"
    dropped_messages: int = 0       # oldest turns left out to fit the context
    total_s: float = 0.0
    cached_tokens: int = 0          # prompt tokens reused from the KV cache (a shared prefix), not evaluated
    threads_min: int = 0            # CPU threads used (the core budget may change them mid-reply)
    threads_max: int = 0



# ---- the load result in words ------------------------------------------------------

def describe_offload(info: dict | None) -> str:
    """One line on where the loaded model runs, from llama.cpp's own report (``info["offload"]``):
    "17 of 17 layers on the GPU (CUDA): 2.3 GiB in llama.cpp's buffers, 2.6 GiB used on CUDA0"
    or "on the CPU". "" when the host sent no report (an older host)."""
    rep = (info or {}).get("offload")
    if not rep:
        return ""
    gib = 1 << 30
    if not rep.get("on_gpu"):
        return "on the CPU" + (f" ({rep['backend']} build)" if rep.get("backend") not in (None, "CPU") else "")
    text = f"{rep.get('layers_offloaded', 0)} of {rep.get('layers_total')} layers on the GPU ({rep.get('backend')})"
    bits = []
    if rep.get("gpu_buffer_bytes"):
        bits.append(f"{rep['gpu_buffer_bytes'] / gib:.2f} GiB in llama.cpp's buffers")
    for d in rep.get("devices") or []:
        if d.get("used_bytes"):
            bits.append(f"{d['used_bytes'] / gib:.2f} GiB used on {d['name']}")
    return text + (": " + ", ".join(bits) if bits else "")
