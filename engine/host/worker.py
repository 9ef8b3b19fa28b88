"""The host process: one loaded model, driven over a pipe.

Runs in a child process (``multiprocessing`` spawn) so that a llama.cpp abort,
an out-of-memory kill or a hard cancel ends this process, never the app.

The decode loop sits behind ``LlamaDecoder.stream`` — one small interface.
llama-cpp-python's ``Llama`` loads the model and tokenizes; generation uses
the low-level API (``llama_decode`` + llama.cpp's sampler chain) directly,
because ``Llama.generate`` copies the whole logits row into NumPy for every
token, which dominates on fast GPUs and large vocabularies.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
import time
import traceback

from engine.chat import PromptSegments, fit_messages, plain_prompt, render_segments
from engine.errors import EngineError
from engine.host.cpu_fallback import die_by_illegal_instruction, test_switch
from engine.host.protocol import GenerationStats, LoadOptions, SamplingOptions, DEFAULT_CTX_CAP, default_threads
from engine.plan import MIN_CTX, OutOfMemory, load_with_retry

HOST_NICENESS = 5   # see _lower_priority
PENALTY_LAST_N = 64  # tokens the repeat penalty looks back over (llama.cpp's default)

# Text is sent to the parent at most this often (and at the end): batching
# keeps the pipe and the GUI quiet at thousands of tokens per second, and each
# wake-up of the parent can preempt a llama.cpp thread on a 2-core machine.
# 30 per second matches what the GUI shows anyway.
FLUSH_INTERVAL_S = 1 / 30
# While a request runs, the host re-reads the core budget this often and
# changes its thread count in place when another host started or ended.
REBALANCE_INTERVAL_S = 0.2


class _model_params:
    """Give llama.cpp a progress callback and our choice of extra buffer types while ``Llama()`` loads.

    llama-cpp-python builds its model parameters from ``llama_model_default_params()`` and offers
    neither a progress hook nor ``use_extra_bufts``, so for the duration of the load that function
    returns parameters with ours set. ``extra_bufts=False`` is the illegal-instruction fallback
    (engine/host/cpu_fallback.py): no AMX kernels, no repacked weights.
    """

    def __init__(self, on_progress, extra_bufts: bool = True):
        self.on_progress = on_progress
        self.extra_bufts = extra_bufts
        self._orig = None
        self._cb = None

    def __enter__(self):
        if self.on_progress is None and self.extra_bufts:
            return self
        import llama_cpp.llama_cpp as lc

        on_progress = self.on_progress
        if on_progress is not None:
            def progress(fraction, _user_data):
                try:
                    return bool(on_progress(float(fraction)))
                except Exception:
                    return True  # a failing reporter must not abort the load

            self._cb = lc.llama_progress_callback(progress)  # kept alive until __exit__
        self._orig = orig = lc.llama_model_default_params
        cb, extra_bufts = self._cb, self.extra_bufts

        def params():
            p = orig()
            if cb is not None:
                p.progress_callback = cb
            if not extra_bufts:
                p.use_extra_bufts = False
            return p

        lc.llama_model_default_params = params
        return self

    def __exit__(self, *exc):
        if self._orig is not None:
            import llama_cpp.llama_cpp as lc

            lc.llama_model_default_params = self._orig
        return False


class _capture_llama_log:
    """Collect llama.cpp's log lines while a model loads (its own report of where the
    layers and buffers went), then give the log back to llama-cpp-python's handler."""

    def __init__(self):
        self.lines: list[str] = []
        self._cb = None

    def __enter__(self):
        import ctypes

        import llama_cpp

        lines = self.lines

        def collect(_level, text, _user_data):
            try:
                lines.append(text.decode("utf-8", errors="replace"))
            except Exception:
                pass

        self._cb = llama_cpp.llama_log_callback(collect)   # kept alive until __exit__
        llama_cpp.llama_log_set(self._cb, ctypes.c_void_p(0))
        return self

    def __exit__(self, *exc):
        import ctypes

        import llama_cpp

        try:
            from llama_cpp._logger import llama_log_callback as default
        except ImportError:  # pragma: no cover - an older llama-cpp-python
            default = None
        llama_cpp.llama_log_set(default, ctypes.c_void_p(0))
        return False


_OFFLOADED = re.compile(r"offloaded (\d+)/(\d+) layers to GPU")
_BUFFER = re.compile(r"(\S+)\s+(model|KV|compute|output|RS) buffer size\s*=\s*([\d.]+) MiB")


def offload_from_log(lines: list[str]) -> dict:
    """What llama.cpp says it did: layers offloaded (of n_layer + 1, the output layer counting
    as one; 0 when its log says nothing, as on a CPU build) and its buffers per device
    (``CUDA0``, ``CPU``, ``CPU_Mapped``, ``CUDA_Host``...) in bytes."""
    text = "".join(lines)
    out: dict = {"layers_offloaded": 0, "layers_total": None, "buffers": {}}
    m = None
    for m in _OFFLOADED.finditer(text):
        pass
    if m:
        out["layers_offloaded"], out["layers_total"] = int(m.group(1)), int(m.group(2))
    for name, kind, mib in _BUFFER.findall(text):
        b = out["buffers"].setdefault(name, {})
        key = kind.lower()
        b[key] = b.get(key, 0) + int(round(float(mib) * (1 << 20)))
    return out


def _gpu_memory() -> dict[str, tuple[int, int]] | None:
    """Free and total bytes of each GPU llama.cpp sees, now (None when it cannot say)."""
    from engine import hardware

    hw = hardware.detect()
    if hw.error:
        return None
    return {g.name: (g.free_bytes, g.total_bytes) for g in hw.gpus}


class LlamaDecoder:
    """One model in llama-cpp-python."""

    def __init__(self):
        self.llm = None
        self.info: dict = {}
        self._formatter = None
        self._bos_text = ""
        self._template_trims = False
        self.lease = None      # this host's place in the machine's core budget
        self._other_load = None  # cores other programs keep busy (measured while generating)
        self._die_at = None      # the illegal-instruction test switch's stage (cpu_fallback.test_switch)
        self.threads = 0       # threads llama.cpp uses now

    # ---- the core budget ------------------------------------------------------
    def _budget_share(self, free_cores: int | None = None) -> int:
        """Threads to use now: this host's share of the cores among busy Hearth
        hosts, and no more than the cores other programs leave free."""
        try:
            share = self.lease.share()
        except OSError:
            share = self.threads or 1  # an unreadable runtime folder must not stop generation
        if free_cores is not None:
            share = min(share, free_cores)
        return max(1, share)

    def _apply_threads(self, n: int) -> None:
        if n != self.threads and self.llm is not None:
            import llama_cpp as L

            L.llama_set_n_threads(self.llm.ctx, n, n)
            self.threads = n

    # ---- loading ------------------------------------------------------------
    def load(self, path: str, opts: LoadOptions, on_progress=None, on_attempt=None) -> dict:
        """Load the model; ``on_progress(fraction) -> bool`` is called by llama.cpp
        while weights load (returning False aborts the load). ``on_attempt(gpu_layers,
        n_ctx)`` is told each try on a GPU build before llama.cpp starts it, so the
        parent knows what was tried when a GPU driver aborts the whole process."""
        import llama_cpp
        from engine.gguf_check import check_file
        from engine.host.backends import ensure_loaded

        gguf = check_file(path)  # never hand llama.cpp an unchecked file
        try:
            backends = ensure_loaded()   # a portable build: its CPU variant for this machine, GPU backends
        except Exception:   # never block a load on this: a build with its backends linked in needs none of it
            import logging

            logging.getLogger("engine.host").warning("llama.cpp's backend modules could not be looked up",
                                                     exc_info=True)
            backends = {"dynamic": False, "folder": None, "variants": [], "cpu_variant": None}
        # Tests only (ignored by frozen builds): die like an AMX machine while extra buffer types are on.
        stage = test_switch()
        self._die_at = "decode" if stage == "always" else (stage if opts.extra_bufts else None)
        n_ctx = opts.n_ctx or min(gguf.context_length or 4096, DEFAULT_CTX_CAP)
        offload = bool(llama_cpp.llama_supports_gpu_offload())
        n_layer = gguf.block_count or 0
        n_gpu, n_ctx, plan_note, plan = self._plan_offload(gguf, opts, n_ctx, offload)
        from engine.host.budget import CoreLease

        if self.lease is None:
            try:
                self.lease = CoreLease(cap=opts.n_threads)
            except OSError:
                self.lease = None
        if self.lease is not None:
            self.lease.cap = max(0, opts.n_threads)
            threads = self._budget_share()
            if self._other_load is None:
                from engine.host.budget import OtherLoad  # psutil loads here, not in a reply's latency

                self._other_load = OtherLoad(self.lease.total)
        else:
            threads = opts.n_threads or default_threads()
        self.threads = threads
        t0 = time.perf_counter()
        cancelled = [False]

        def progress(fraction):
            ok = on_progress(fraction)
            if not ok:
                cancelled[0] = True
            return ok

        log = _capture_llama_log()
        gpu_before = _gpu_memory() if offload else None
        warmup_s = [0.0]

        def try_load(ngl: int, ctx: int):
            flash_on = opts.flash_attn if opts.flash_attn is not None else (offload and ngl != 0)
            if on_attempt is not None and offload:
                on_attempt(ngl, ctx)
            log.lines.clear()
            try:
                with _model_params(progress if on_progress is not None else None, opts.extra_bufts), log:
                    llm = llama_cpp.Llama(
                        model_path=path, n_ctx=ctx, n_gpu_layers=ngl, n_threads=threads,
                        n_threads_batch=threads, n_batch=min(opts.n_batch, ctx),
                        # an embedding model reads each text in one step (non-causal attention needs it whole)
                        n_ubatch=min(opts.n_batch if opts.embedding else opts.n_ubatch, ctx),
                        flash_attn=bool(flash_on), use_mmap=opts.use_mmap, verbose=False,
                        embedding=opts.embedding,
                    )
            except ValueError as e:
                # llama.cpp says only that the model or context could not be made; on a
                # GPU build that is (after the header check) out of device memory, unless
                # the user cancelled the load.
                if offload and not cancelled[0] and (ngl != 0 or "llama_context" in str(e)):
                    raise OutOfMemory(str(e), context="llama_context" in str(e)) from e
                raise
            if self._die_at == "load":
                die_by_illegal_instruction()
            # The first full-context decode: buffers some backends allocate only when the
            # attention spans the whole cache (CUDA's pool) must fit too; found out now, not
            # in the middle of the user's first long conversation.
            if not opts.embedding and (opts.warmup if opts.warmup is not None else (offload and ngl != 0)):
                t = time.perf_counter()
                rc = _warmup_decode(llm, min(opts.n_batch, ctx))
                warmup_s[0] += time.perf_counter() - t
                if rc != 0:
                    llm.close()
                    if rc in (2, -2, -3) or rc < -1:   # aborted (cancel), allocation or compute failed
                        if cancelled[0]:
                            raise EngineError("loading the model was stopped")
                        raise OutOfMemory(f"llama_decode returned {rc} at the first full-context decode",
                                          context=True, stage="decode")
                    raise EngineError(f"the first decode of the model failed (llama_decode returned {rc})")
            return llm, flash_on

        if offload:
            asked_all = n_gpu == -1
            try:
                (self.llm, flash), n_gpu, n_ctx, note = load_with_retry(try_load, n_gpu, n_ctx, n_layer)
            except OutOfMemory:
                raise EngineError(f"the model does not fit in memory, even with no layers on the GPU and a "
                                  f"context of {MIN_CTX}") from None
            if note:
                plan_note = f"{plan_note}; {note}" if plan_note else note
            elif asked_all:
                n_gpu = -1  # reported as before: all layers
        else:
            self.llm, flash = try_load(n_gpu, n_ctx)  # the CPU: one try, as before
        # llama.cpp may pad the context it allocates; Llama's buffers hold what we asked for.
        self.n_ctx = min(self.llm.n_ctx(), n_ctx)
        self._eog_vocab = self.llm._model.vocab
        self._pieces: dict[int, bytes] = {}
        self._kv_tokens: list[int] = []   # what the KV cache holds, in order
        self.n_batch = min(opts.n_batch, n_ctx)
        self._is_eog = llama_cpp.llama_vocab_is_eog
        template = gguf.chat_template
        if template:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            def tok_text(tid):
                try:
                    return self.llm._model.token_get_text(tid)
                except Exception:
                    return ""

            self._bos_text = tok_text(self.llm.token_bos())
            self._template_trims = "trim" in template
            self._formatter = Jinja2ChatFormatter(
                template=template, eos_token=tok_text(self.llm.token_eos()), bos_token=self._bos_text)
        self.info = {
            "path": path, "n_ctx": self.n_ctx, "gpu_layers": n_gpu, "threads": threads,
            "offload": self._offload_report(log.lines, offload, gpu_before),
            "warmup_s": warmup_s[0],
            "flash_attn": bool(flash), "has_chat_template": bool(template), "extra_bufts": opts.extra_bufts,
            "cpu_variant": backends["cpu_variant"],   # a portable build's CPU module (None: built in)
            "architecture": gguf.architecture, "context_length": gguf.context_length,
            "load_s": time.perf_counter() - t0, "gpu_offload": offload, "plan_note": plan_note,
            "plan": plan,  # the planner's figures for gpu_layers=auto on a GPU (None otherwise)
        }
        return self.info

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One unit-length vector per text, pooled as the model's header says (per-token output, for a
        model without pooling, is averaged); texts longer than a batch are cut to it."""
        import math

        if self._die_at == "decode":     # tests only: as an AMX CPU dies in llama.cpp's matrix kernels
            die_by_illegal_instruction()
        out = []
        for vec in self.llm.embed(list(texts), normalize=False, truncate=True):
            if vec and isinstance(vec[0], list):      # no pooling in the model: one vector per token
                vec = [sum(col) / len(vec) for col in zip(*vec)]
            norm = math.sqrt(sum(x * x for x in vec)) or 1.0
            out.append([x / norm for x in vec])
        return out

    def _offload_report(self, log_lines: list[str], offload: bool, gpu_before) -> dict:
        """Where the model went, from llama.cpp itself (its load log, its model and the
        device memory ggml reports before and after), not from the plan."""
        import llama_cpp

        rep = offload_from_log(log_lines)
        model = self.llm.model
        n_layer = int(llama_cpp.llama_model_n_layer(model))
        rep["n_layer"] = n_layer
        rep["layers_total"] = rep["layers_total"] or n_layer + 1
        rep["model_bytes"] = int(llama_cpp.llama_model_size(model))
        rep["backend"] = "CPU"
        rep["devices"] = []
        if offload:
            from engine import hardware

            hw = hardware.detect()
            rep["backend"] = hw.backend
            after = {g.name: (g.free_bytes, g.total_bytes) for g in hw.gpus}
            for name, (free, total) in after.items():
                before = (gpu_before or {}).get(name)
                rep["devices"].append({"name": name, "free_bytes": free, "total_bytes": total,
                                       "used_bytes": max(0, before[0] - free) if before else None})
        gpu_bufs = {k: v for k, v in rep["buffers"].items() if not k.upper().startswith("CPU")}
        rep["gpu_buffer_bytes"] = sum(sum(v.values()) for v in gpu_bufs.values())
        rep["on_gpu"] = rep["layers_offloaded"] > 0 or bool(gpu_bufs)
        return rep

    @staticmethod
    def _plan_offload(gguf, opts: LoadOptions, n_ctx: int, offload: bool) -> tuple[int, int, str, dict | None]:
        """(n_gpu_layers, n_ctx, note, plan as a dict or None) for this load: 0 without offload (the CPU build: no
        device query, nothing changes); otherwise the planner (engine/plan.py) on the free
        memory llama.cpp reports right now."""
        if not offload:
            return 0, n_ctx, "", None
        # An explicit request goes to llama.cpp as asked: it sees its devices itself (measured on an
        # H200 with llama.cpp's libraries from LLAMA_CPP_LIB_PATH: the device list came back without
        # the GPU while llama.cpp used it; "all" must not quietly become the CPU).
        gl = opts.gpu_layers
        if gl == "all":
            return -1, n_ctx, "", None
        if gl != "auto":
            return int(gl), n_ctx, "", None
        from engine import hardware

        hw = hardware.detect()  # free memory read again right before loading
        gpus = hw.gpus
        if not gpus:
            return 0, n_ctx, (f"llama.cpp was built for {hw.backend} but found no usable GPU, "
                              "so the model runs on the CPU"), None
        from engine.plan import margin_from_env, plan_memory, shape_from_header

        margin = margin_from_env()  # memory kept free on every GPU: 1 GiB unless HEARTH_GPU_MARGIN_GB says otherwise
        try:
            plan = plan_memory(shape_from_header(gguf), n_ctx=n_ctx, gpu_free=[g.free_bytes for g in gpus],
                               gpu_names=[g.name for g in gpus], n_ubatch=min(opts.n_ubatch, n_ctx),
                               flash_attn=opts.flash_attn, margin=margin)
        except Exception as e:  # a header the planner cannot use: the file-size estimate
            head_dim = (gguf.embedding_length or 0) // max(gguf.head_count or 1, 1)
            kv = hardware.kv_cache_bytes(n_ctx, gguf.block_count or 0, gguf.head_count_kv or 0,
                                         gguf.key_length or head_dim, gguf.value_length or head_dim)
            return (hardware.estimate_gpu_layers(gguf.file_size, gguf.block_count or 0, hw.vram_free, n_ctx, kv),
                    n_ctx, f"planned from the file size ({e})", None)
        note = ""
        if plan.n_ctx < n_ctx:
            note = f"context reduced from {n_ctx} to {plan.n_ctx} to fit in memory"
        return plan.gpu_layers, plan.n_ctx, note, plan.to_dict()

    def _piece(self, tok: int) -> bytes:
        """Bytes of one token, cached: the vocabulary is fixed once loaded."""
        b = self._pieces.get(tok)
        if b is None:
            import ctypes
            import llama_cpp

            size = 64
            while True:
                buf = ctypes.create_string_buffer(size)
                n = llama_cpp.llama_token_to_piece(self._eog_vocab, tok, buf, size, 0, False)
                if n >= 0:
                    b = buf.raw[:n]
                    break
                size = -n  # buffer too small: llama.cpp says how much it needs
            self._pieces[tok] = b
        return b

    # ---- prompts ------------------------------------------------------------
    def tokenize(self, text: str, special: bool = False, add_bos: bool = True) -> list[int]:
        """Tokens for ``text``. ``special=False`` reads control-token text such as
        ``<|im_end|>`` as plain characters: user and document text is never
        turned into control tokens; only a chat template's own structure is."""
        # add_bos=True adds BOS only where the model's vocabulary asks for it;
        # a chat template that already writes the BOS text must not get a second one.
        add = add_bos and not (special and self._bos_text and text.startswith(self._bos_text))
        return self.llm.tokenize(text.encode("utf-8"), add_bos=add, special=special)

    def tokenize_prompt(self, prompt) -> list[int]:
        """Tokens of a rendered prompt: template structure with special tokens,
        message text without. Plain strings are text (raw completions)."""
        if isinstance(prompt, str):
            return self.tokenize(prompt, special=False)
        if prompt.tokens is None:
            tokens: list[int] = []
            for i, (text, structure) in enumerate(prompt.segments):
                tokens += self.tokenize(text, special=structure, add_bos=(i == 0))
            prompt.tokens = tokens
        return prompt.tokens

    def _render(self, messages) -> tuple[str, list[str]]:
        r = self._formatter(messages=list(messages))
        return r.prompt, [s for s in (r.stop or []) if s]

    def _render_folding_system(self, messages) -> tuple[str, list[str]]:
        try:
            return self._render(messages)
        except Exception as e:
            # Some templates reject a system message (Gemma's, Mistral's), or two turns of one role in a row
            # (the same ones: user/assistant must alternate, and a reply stopped before its first word leaves two
            # user turns): the system prompt goes into the first user turn, turns of one role are joined.
            merged = _merge_turns(messages)
            if merged == list(messages):
                raise ValueError(f"the model's chat template failed: {e}") from e
            try:
                return self._render(merged)
            except Exception as e2:
                raise ValueError(f"the model's chat template failed: {e2}") from e2

    def render_chat(self, messages) -> tuple[PromptSegments, list[str]]:
        """The conversation as prompt segments (see ``engine.chat.render_segments``)."""
        if self._formatter is None:
            text, stops = plain_prompt(messages)  # a transcript: all of it is text
            return PromptSegments([(text, False)]), stops
        try:
            return render_segments(self._render_folding_system, messages, self._template_trims)
        except ValueError:
            pass
        # The template rewrites message text (rare): render the real text, with
        # any control-token text in it broken up so it stays text.
        safe = [{**m, "content": self._defuse(str(m.get("content") or ""))} for m in messages]
        prompt, stops = self._render_folding_system(safe)
        return PromptSegments([(prompt, True)]), stops

    def _defuse(self, text: str) -> str:
        """Break control-token text (``<|im_end|>``) with a zero-width space so
        that a special-aware tokenizer reads it as characters."""
        as_special = self.tokenize(text, special=True, add_bos=False)
        as_text = self.tokenize(text, special=False, add_bos=False)
        if as_special == as_text:
            return text
        out = text
        for tid in set(as_special) - set(as_text):
            piece = self._piece(tid).decode("utf-8", errors="ignore")
            if len(piece) > 1:
                out = out.replace(piece, piece[0] + "\u200b" + piece[1:])
        return out

    # ---- the decode loop -----------------------------------------------------
    def _make_sampler(self, s: SamplingOptions):
        """llama.cpp's own sampler chain (what llama-cli uses): penalties, top-k, top-p, min-p, temperature."""
        import llama_cpp as L

        chain = L.llama_sampler_chain_init(L.llama_sampler_chain_default_params())
        if s.repeat_penalty and s.repeat_penalty != 1.0:
            L.llama_sampler_chain_add(chain, L.llama_sampler_init_penalties(
                self.llm.n_vocab(), PENALTY_LAST_N, float(s.repeat_penalty), 0.0, 0.0))
        if s.temperature <= 0:
            L.llama_sampler_chain_add(chain, L.llama_sampler_init_greedy())
            return chain
        if s.top_k and s.top_k > 0:
            L.llama_sampler_chain_add(chain, L.llama_sampler_init_top_k(int(s.top_k)))
        if s.top_p and s.top_p < 1.0:
            L.llama_sampler_chain_add(chain, L.llama_sampler_init_top_p(float(s.top_p), 1))
        if s.min_p and s.min_p > 0:
            L.llama_sampler_chain_add(chain, L.llama_sampler_init_min_p(float(s.min_p), 1))
        L.llama_sampler_chain_add(chain, L.llama_sampler_init_temp(float(s.temperature)))
        seed = L.LLAMA_DEFAULT_SEED if s.seed is None else int(s.seed) & 0xFFFFFFFF
        L.llama_sampler_chain_add(chain, L.llama_sampler_init_dist(seed))
        return chain

    def _decode(self, tokens: list[int]) -> None:
        import llama_cpp as L

        if self._die_at == "decode":
            die_by_illegal_instruction()

        arr = (L.llama_token * len(tokens))(*tokens)
        rc = L.llama_decode(self.llm.ctx, L.llama_batch_get_one(arr, len(tokens)))
        if rc != 0:
            self._forget_cache()
            raise RuntimeError(f"llama_decode failed ({rc}): the context may be full or out of memory")
        self._kv_tokens.extend(tokens)

    def _forget_cache(self) -> None:
        """After a failed decode the KV cache's contents are unknown: start the next prompt afresh."""
        import llama_cpp as L

        L.llama_memory_clear(L.llama_get_memory(self.llm.ctx), True)
        self._kv_tokens.clear()

    def stream(self, prompt_tokens: list[int], s: SamplingOptions, cancel_flag, stats: GenerationStats):
        """Yield text pieces; fill ``stats``. Checks ``cancel_flag.value`` once per token
        (and between prompt batches, so a long prompt can be stopped too).

        Low-level llama.cpp: ``llama_decode`` and the sampler chain, no per-token
        copies of the logits into Python. The KV cache keeps the previous
        conversation, so only the new suffix of the prompt is evaluated.
        """
        import llama_cpp as L

        ctx = self.llm.ctx
        n_ctx = self.n_ctx
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        detok = self._piece
        is_eog, vocab = self._is_eog, self._eog_vocab
        max_tokens = s.max_tokens if s.max_tokens > 0 else n_ctx - len(prompt_tokens)
        stats.prompt_tokens = len(prompt_tokens)
        t0 = time.perf_counter()
        t_first = None
        n = 0
        finish = "length"

        # Reuse the cached prefix; at least the last prompt token is evaluated for fresh logits.
        cached = _common_prefix(self._kv_tokens, prompt_tokens)
        mem = L.llama_get_memory(ctx)
        if not L.llama_memory_seq_rm(mem, -1, cached, -1):
            L.llama_memory_clear(mem, True)
            cached = 0
        del self._kv_tokens[cached:]
        chain = self._make_sampler(s)
        lease = self.lease
        if lease is not None:
            lease.set_busy(True)
            self._apply_threads(self._budget_share())
            if self._other_load is not None:
                self._other_load.free_cores()  # start a fresh measuring interval
        threads_seen = [self.threads, self.threads]
        next_check = time.perf_counter() + REBALANCE_INTERVAL_S

        load = self._other_load

        def rebalance(now: float) -> float:
            """Follow the core budget and the load of other programs; returns when to look again."""
            if lease is not None:
                self._apply_threads(self._budget_share(load.free_cores() if load else None))
                threads_seen[0] = min(threads_seen[0], self.threads)
                threads_seen[1] = max(threads_seen[1], self.threads)
            return now + REBALANCE_INTERVAL_S

        try:
            todo = prompt_tokens[cached:]
            for i in range(0, len(todo), self.n_batch):
                if cancel_flag.value:
                    finish = "cancelled"
                    break
                now = time.perf_counter()
                if now >= next_check:
                    next_check = rebalance(now)
                self._decode(todo[i:i + self.n_batch])
            else:
                # Penalties see the recent prompt, as in llama-cli.
                for tok in prompt_tokens[-PENALTY_LAST_N:]:
                    L.llama_sampler_accept(chain, tok)
                sample = L.llama_sampler_sample
                if s.temperature <= 0 and not (s.repeat_penalty and s.repeat_penalty != 1.0):
                    # Plain greedy: an argmax over the logits in place is ~15x cheaper than
                    # the sampler chain sorting a token array of the whole vocabulary.
                    import numpy as np

                    get_logits, n_vocab = L.llama_get_logits_ith, self.llm.n_vocab()

                    def sample(_chain, c, idx):
                        return int(np.ctypeslib.as_array(get_logits(c, idx), shape=(n_vocab,)).argmax())
                one = (L.llama_token * 1)()
                decode, batch_one = L.llama_decode, L.llama_batch_get_one
                kv = self._kv_tokens
                while True:
                    tok = sample(chain, ctx, -1)  # also accepts the token into the chain
                    if t_first is None:
                        t_first = time.perf_counter()
                    if cancel_flag.value:
                        finish = "cancelled"
                        break
                    if not s.ignore_eos and is_eog(vocab, tok):
                        finish = "stop"
                        break
                    n += 1
                    piece = decoder.decode(detok(tok))
                    if piece:
                        yield piece
                    if n >= max_tokens or len(kv) + 1 >= n_ctx:
                        finish = "length"
                        break
                    one[0] = tok
                    now = time.perf_counter()
                    if now >= next_check:
                        next_check = rebalance(now)
                    rc = decode(ctx, batch_one(one, 1))
                    if rc != 0:
                        self._forget_cache()
                        raise RuntimeError(f"llama_decode failed ({rc}) while generating")
                    kv.append(tok)
                tail = decoder.decode(b"", final=True)
                if tail:
                    yield tail
        finally:
            # Runs also when the consumer closes us early (a stop string matched).
            L.llama_sampler_free(chain)
            if lease is not None:
                lease.set_busy(False)
            stats.threads_min, stats.threads_max = threads_seen
            t_end = time.perf_counter()
            t_first = t_first or t_end
            evaluated = max(len(prompt_tokens) - cached, 1)
            stats.completion_tokens = n
            stats.cached_tokens = cached
            stats.ttft_s = t_first - t0
            stats.prompt_tok_s = evaluated / stats.ttft_s if stats.ttft_s > 0 else 0.0
            stats.gen_tok_s = (n - 1) / (t_end - t_first) if n > 1 and t_end > t_first else 0.0
            stats.total_s = t_end - t0
            stats.finish_reason = finish


def _merge_turns(messages) -> list[dict]:
    """``messages`` with a leading system message folded into the first user turn and consecutive turns of one
    role joined (with a blank line), for templates that refuse a system role or two turns of one role."""
    out: list[dict] = []
    system = None
    for m in messages:
        if not out and system is None and m["role"] == "system":
            system = m
            continue
        if out and out[-1]["role"] == m["role"]:
            out[-1] = {**out[-1], "content": f"{out[-1]['content']}\n\n{m['content']}"}
        else:
            out.append(dict(m))
    if system is not None:   # nowhere to go when the conversation does not start with a user turn
        if out and out[0]["role"] == "user":
            out[0] = {**out[0], "content": f"{system['content']}\n\n{out[0]['content']}"}
        else:
            out.insert(0, dict(system))
    return out


def _warmup_decode(llm, n_batch: int) -> int:
    """Fill the whole context once with a dummy token in batches of ``n_batch``, then empty the
    cache: llama.cpp allocates what attention over a full cache needs. Returns llama_decode's
    status (0: fine)."""
    import llama_cpp as L

    ctx = llm.ctx
    n_ctx = llm.n_ctx()
    tok = llm.token_bos()
    if tok is None or tok < 0:
        tok = 0
    mem = L.llama_get_memory(ctx)
    rc = 0
    try:
        pos = 0
        n_batch = max(1, n_batch)
        while pos < n_ctx and rc == 0:
            n = min(n_batch, n_ctx - pos)
            arr = (L.llama_token * n)(*([tok] * n))
            rc = L.llama_decode(ctx, L.llama_batch_get_one(arr, n))
            pos += n
    finally:
        L.llama_memory_clear(mem, True)
    return int(rc)


def _common_prefix(previous, tokens: list[int]) -> int:
    """Length of the prompt prefix already in the KV cache (at least one token is re-evaluated)."""
    import numpy as np

    n = min(len(previous), len(tokens))
    if n == 0:
        return 0
    diff = np.nonzero(np.asarray(previous[:n]) != np.asarray(tokens[:n], dtype=np.asarray(previous).dtype))[0]
    same = int(diff[0]) if len(diff) else n
    return max(0, min(same, len(tokens) - 1))


# ---- request handling ----------------------------------------------------------

def _apply_stops(pieces, stops: list[str]):
    """Cut the stream at the first stop string; hold back text that may start one."""
    if not stops:
        yield from pieces
        return
    hold = max(len(s) for s in stops) - 1
    buf = ""
    for piece in pieces:
        buf += piece
        cut = min((i for i in (buf.find(s) for s in stops) if i >= 0), default=-1)
        if cut >= 0:
            if buf[:cut]:
                yield buf[:cut]
            raise _StopHit()
        if len(buf) > hold:
            out, buf = buf[:len(buf) - hold], buf[len(buf) - hold:]
            yield out
    if buf:
        yield buf


class _StopHit(Exception):
    pass


def _generate(decoder: LlamaDecoder, conn, cancel_flag, prompt, stops: list[str],
              s: SamplingOptions, stats: GenerationStats) -> None:
    tokens = decoder.tokenize_prompt(prompt)
    text_parts = []
    pending = []
    # The first text goes out at once (time to first token is what a user and an API client feel);
    # after it, text is batched to at most ~30 messages a second.
    last_flush = float("-inf")
    stream = decoder.stream(tokens, s, cancel_flag, stats)
    try:
        for piece in _apply_stops(stream, list(s.stop) + stops):
            text_parts.append(piece)
            pending.append(piece)
            now = time.perf_counter()
            if now - last_flush >= FLUSH_INTERVAL_S:
                conn.send(("text", "".join(pending)))
                pending.clear()
                last_flush = now
    except _StopHit:
        stream.close()
        stats.finish_reason = "stop"
    if pending:
        conn.send(("text", "".join(pending)))
    stats.text = "".join(text_parts)


class _RequestCancel:
    """The shared cancel array as one request sees it (``value`` is read once
    per token): set when the parent cancels everything up to this request's id
    or later ([0]), or this request by its id ([1])."""

    __slots__ = ("flag", "request_id")

    def __init__(self, flag, request_id: int):
        self.flag, self.request_id = flag, request_id

    @property
    def value(self) -> bool:
        flag = self.flag
        return flag[0] >= self.request_id or flag[1] == self.request_id


def _handle(decoder: LlamaDecoder, conn, shared_cancel, req: tuple) -> bool:
    """Handle one request; False means shut down."""
    kind = req[0]
    if kind == "shutdown":
        return False
    # Requests carry their id last; the cancel flag applies to ids up to its value.
    rid = req[-1] if kind in ("load", "chat", "complete") and len(req) >= 4 else None
    cancel_flag = _RequestCancel(shared_cancel, rid if isinstance(rid, int) else 1 << 62)
    if kind == "load":
        _, path, opts = req[:3]
        last = [0.0]

        def on_progress(fraction: float) -> bool:
            # At most ~20 updates; a cancel (Stop/Unload while loading) aborts the load.
            if fraction - last[0] >= 0.05 or fraction >= 1.0:
                last[0] = fraction
                conn.send(("progress", fraction))
            return not cancel_flag.value

        conn.send(("system_info", _system_info()))   # for the parent's sentence if this process dies
        info = decoder.load(path, LoadOptions.from_dict(opts), on_progress,
                            on_attempt=lambda ngl, ctx: conn.send(("attempt", ngl, ctx)))
        conn.send(("loaded", info))
    elif kind in ("chat", "complete"):
        if decoder.llm is None:
            conn.send(("error", "bad_input", "no model is loaded"))
            return True
        _, payload, sopts = req[:3]
        s = SamplingOptions.from_dict(sopts)
        stats = GenerationStats()
        n_ctx = decoder.n_ctx
        if kind == "chat":
            fitted = fit_messages(payload, decoder.render_chat, lambda p: len(decoder.tokenize_prompt(p)),
                                  n_ctx, s.max_tokens)
            prompt, stops = fitted.prompt, fitted.stops
            s.max_tokens = fitted.max_tokens
            stats.dropped_messages = fitted.dropped_messages
        else:
            prompt, stops = payload, []
            n_prompt = len(decoder.tokenize_prompt(prompt))
            if n_prompt >= n_ctx - 1:
                conn.send(("error", "bad_input",
                           f"the prompt is {n_prompt} tokens, more than the context window of {n_ctx}"))
                return True
            room = n_ctx - n_prompt
            s.max_tokens = min(s.max_tokens, room) if s.max_tokens > 0 else room
        _generate(decoder, conn, cancel_flag, prompt, stops, s, stats)
        conn.send(("done", stats.to_dict()))
    elif kind in ("count_tokens", "count_chat"):
        if decoder.llm is None:
            conn.send(("error", "bad_input", "no model is loaded"))
        elif kind == "count_tokens":
            conn.send(("result", [len(decoder.tokenize(t, special=False, add_bos=False)) for t in req[1]]))
        else:
            prompt, _ = decoder.render_chat(req[1])
            conn.send(("result", len(decoder.tokenize_prompt(prompt))))
    elif kind == "embed":
        if decoder.llm is None or not decoder.llm.context_params.embeddings:
            conn.send(("error", "bad_input", "the model is not loaded as an embedding model"))
        else:
            conn.send(("result", decoder.embed(req[1])))
    elif kind == "tokenize":
        if decoder.llm is None:
            conn.send(("error", "bad_input", "no model is loaded"))
        else:
            special = bool(req[2]) if len(req) > 2 else False
            conn.send(("result", decoder.tokenize(req[1], special=special)))
    else:
        conn.send(("error", "bad_input", f"unknown request {kind!r}"))
    return True


def _system_info() -> str:
    """llama.cpp's ``llama_print_system_info()``: the CPU features this build uses (after a portable
    build's backend modules are loaded: the CPU variant chosen for this machine)."""
    try:
        import llama_cpp

        from engine.host.backends import ensure_loaded

        ensure_loaded()

        return llama_cpp.llama_print_system_info().decode(errors="replace").strip()
    except Exception:
        return ""


def _lower_priority() -> None:
    """Run the model a notch below the app: llama.cpp keeps every core busy,
    and on a small machine the GUI thread must still win the CPU when it needs it."""
    try:
        if os.name == "nt":
            import psutil

            psutil.Process().nice(psutil.BELOW_NORMAL_PRIORITY_CLASS)
        else:
            os.nice(HOST_NICENESS)
    except (OSError, ImportError, AttributeError):
        pass


# How llama.cpp's idle CPU threads wait for work (OpenMP builds read this when
# the library loads). Measured with bench/contention.py (RESULTS.md): telling
# them to sleep at once (OMP_WAIT_POLICY=PASSIVE) costs 45 % of single-model
# speed; a short spin (GOMP_SPINCOUNT=10000) gained nothing beside a busy
# program. So Hearth keeps OpenMP's default and instead runs on the cores other
# programs leave free (budget.OtherLoad). HEARTH_OMP_WAIT=passive|active|spin
# exists for measuring; an OMP_WAIT_POLICY or GOMP_SPINCOUNT the user set is kept.
SHORT_SPINCOUNT = "10000"


def _set_thread_wait_policy() -> None:
    if "OMP_WAIT_POLICY" in os.environ or "GOMP_SPINCOUNT" in os.environ:
        return
    policy = os.environ.get("HEARTH_OMP_WAIT", "default").lower()
    if policy == "passive":
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    elif policy == "active":
        os.environ["OMP_WAIT_POLICY"] = "ACTIVE"
    elif policy == "spin":
        os.environ["GOMP_SPINCOUNT"] = SHORT_SPINCOUNT


def host_main(conn, cancel_flag, log_path: str | None = None, lower_priority: bool = False) -> None:
    """Entry point of the host process."""
    _set_thread_wait_policy()  # before llama.cpp (and its OpenMP runtime) loads
    if log_path:
        # llama.cpp writes to the C-level stderr: keep it in a log the parent
        # can quote when this process dies.
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 2)
        os.close(fd)
        sys.stderr = open(2, "w", buffering=1, closefd=False)
    if lower_priority:
        _lower_priority()
    hook = os.environ.get("HEARTH_HOST_TEST_HOOK")
    if hook:
        # Tests only: a module whose install() simulates hardware this machine lacks
        # (e.g. a GPU driver that aborts the process on out-of-memory).
        import importlib

        importlib.import_module(hook).install()
    decoder = LlamaDecoder()
    try:
        _serve(decoder, conn, cancel_flag)
    finally:
        if decoder.lease is not None:
            decoder.lease.close()  # give the cores back at once (a crash frees them too, later)


def _serve(decoder: "LlamaDecoder", conn, cancel_flag) -> None:
    from engine.errors import BadInputError

    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            if not _handle(decoder, conn, cancel_flag, req):
                return
        except BadInputError as e:
            conn.send(("error", "bad_input", str(e)))
        except MemoryError:
            conn.send(("error", "engine", "out of memory while running the model"))
        except KeyboardInterrupt:
            return
        except Exception as e:
            traceback.print_exc()
            msg = str(e) or type(e).__name__
            if req[0] == "load":
                msg = f"llama.cpp could not load the model: {msg}"
            # The traceback goes to the parent, which logs it at every log level: the host's own log is
            # deleted with the process, and "argument 5: TypeError" alone says nothing of where.
            conn.send(("error", "engine", msg, traceback.format_exc(limit=30)))
