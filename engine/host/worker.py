"""The host process: one loaded model, driven over a pipe.

Runs in a child process (``multiprocessing`` spawn) so that a llama.cpp abort,
an out-of-memory kill or a hard cancel ends this process, never the app.

The decode loop sits behind ``LlamaDecoder.stream`` — one small interface —
so it can move from llama-cpp-python's high-level ``Llama.generate`` to the
low-level API (``llama_decode`` + llama.cpp's sampler chain) without touching
anything that calls it.
"""

from __future__ import annotations

import codecs
import os
import sys
import time
import traceback

from engine.chat import fit_messages, plain_prompt
from engine.host.protocol import GenerationStats, LoadOptions, SamplingOptions, DEFAULT_CTX_CAP, default_threads

# Text is sent to the parent at most this often (and at the end): batching
# keeps the pipe and the GUI quiet at thousands of tokens per second.
FLUSH_INTERVAL_S = 0.010


class LlamaDecoder:
    """One model in llama-cpp-python."""

    def __init__(self):
        self.llm = None
        self.info: dict = {}
        self._formatter = None

    # ---- loading ------------------------------------------------------------
    def load(self, path: str, opts: LoadOptions) -> dict:
        import llama_cpp
        from engine import hardware
        from engine.gguf_check import check_file

        gguf = check_file(path)  # never hand llama.cpp an unchecked file
        n_ctx = opts.n_ctx or min(gguf.context_length or 4096, DEFAULT_CTX_CAP)
        offload = bool(llama_cpp.llama_supports_gpu_offload())
        gl = opts.gpu_layers
        if not offload:
            n_gpu = 0
        elif gl == "all":
            n_gpu = -1
        elif gl == "auto":
            hw = hardware.detect()
            head_dim = (gguf.embedding_length or 0) // max(gguf.head_count or 1, 1)
            kv = hardware.kv_cache_bytes(n_ctx, gguf.block_count or 0, gguf.head_count_kv or 0,
                                         gguf.key_length or head_dim, gguf.value_length or head_dim)
            n_gpu = hardware.estimate_gpu_layers(gguf.file_size, gguf.block_count or 0,
                                                 hw.vram_free, n_ctx, kv)
        else:
            n_gpu = int(gl)
        flash = opts.flash_attn if opts.flash_attn is not None else (offload and n_gpu != 0)
        threads = opts.n_threads or default_threads()
        t0 = time.perf_counter()
        self.llm = llama_cpp.Llama(
            model_path=path, n_ctx=n_ctx, n_gpu_layers=n_gpu, n_threads=threads,
            n_threads_batch=threads, n_batch=min(opts.n_batch, n_ctx), n_ubatch=min(opts.n_ubatch, n_ctx),
            flash_attn=bool(flash), use_mmap=opts.use_mmap, verbose=False,
        )
        # llama.cpp may pad the context it allocates; Llama's buffers hold what we asked for.
        self.n_ctx = min(self.llm.n_ctx(), n_ctx)
        self._eog_vocab = self.llm._model.vocab
        self._pieces: dict[int, bytes] = {}
        self._is_eog = llama_cpp.llama_vocab_is_eog
        template = gguf.chat_template
        if template:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            def tok_text(tid):
                try:
                    return self.llm._model.token_get_text(tid)
                except Exception:
                    return ""

            self._formatter = Jinja2ChatFormatter(
                template=template, eos_token=tok_text(self.llm.token_eos()),
                bos_token=tok_text(self.llm.token_bos()))
        self.info = {
            "path": path, "n_ctx": self.n_ctx, "gpu_layers": n_gpu, "threads": threads,
            "flash_attn": bool(flash), "has_chat_template": bool(template),
            "architecture": gguf.architecture, "context_length": gguf.context_length,
            "load_s": time.perf_counter() - t0, "gpu_offload": offload,
        }
        return self.info

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
    def tokenize(self, text: str) -> list[int]:
        # Chat templates already spell out BOS where the model wants it; the
        # completion path adds it through llama.cpp's own vocab setting.
        return self.llm.tokenize(text.encode("utf-8"), add_bos=self._formatter is None, special=True)

    def render_chat(self, messages) -> tuple[str, list[str]]:
        if self._formatter is None:
            return plain_prompt(messages)
        try:
            r = self._formatter(messages=list(messages))
        except Exception as e:
            # Some templates reject a leading system message etc.: fold it into the first user turn.
            if messages and messages[0]["role"] == "system":
                rest = list(messages[1:])
                if rest and rest[0]["role"] == "user":
                    rest[0] = {"role": "user", "content": messages[0]["content"] + "\n\n" + rest[0]["content"]}
                    r = self._formatter(messages=rest)
                else:
                    raise
            else:
                raise ValueError(f"the model's chat template failed: {e}") from e
        # BOS text in the template is matched by the tokenizer as a special token.
        return r.prompt, [s for s in (r.stop or []) if s]

    # ---- the decode loop -----------------------------------------------------
    def stream(self, prompt_tokens: list[int], s: SamplingOptions, cancel_flag, stats: GenerationStats):
        """Yield text pieces; fill ``stats``. Checks ``cancel_flag.value`` once per token."""
        llm = self.llm
        if s.seed is not None:
            llm.set_seed(int(s.seed))
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        detok = self._piece
        is_eog, vocab = self._is_eog, self._eog_vocab
        max_tokens = s.max_tokens if s.max_tokens > 0 else self.n_ctx - len(prompt_tokens)
        n = 0
        stats.prompt_tokens = len(prompt_tokens)
        t0 = time.perf_counter()
        t_first = None
        cached = _common_prefix(llm.input_ids[:llm.n_tokens], prompt_tokens)
        n_ctx = self.n_ctx
        finish = "length"
        gen = llm.generate(prompt_tokens, top_k=s.top_k, top_p=s.top_p, min_p=s.min_p, temp=s.temperature,
                           repeat_penalty=s.repeat_penalty)
        try:
            for tok in gen:
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
                if n >= max_tokens or llm.n_tokens >= n_ctx - 1:
                    finish = "length"
                    break
            else:
                finish = "stop"
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
        finally:
            # Runs also when the consumer closes us early (a stop string matched).
            gen.close()
            t_end = time.perf_counter()
            t_first = t_first or t_end
            # Tokens actually evaluated for the prompt (Llama.generate reuses a cached prefix).
            evaluated = max(len(prompt_tokens) - cached, 1)
            stats.completion_tokens = n
            stats.ttft_s = t_first - t0
            stats.prompt_tok_s = evaluated / stats.ttft_s if stats.ttft_s > 0 else 0.0
            stats.gen_tok_s = (n - 1) / (t_end - t_first) if n > 1 and t_end > t_first else 0.0
            stats.total_s = t_end - t0
            stats.finish_reason = finish


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


def _generate(decoder: LlamaDecoder, conn, cancel_flag, prompt: str, stops: list[str],
              s: SamplingOptions, stats: GenerationStats) -> None:
    tokens = decoder.tokenize(prompt)
    text_parts = []
    pending = []
    last_flush = time.perf_counter()
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


def _handle(decoder: LlamaDecoder, conn, cancel_flag, req: tuple) -> bool:
    """Handle one request; False means shut down."""
    kind = req[0]
    if kind == "shutdown":
        return False
    if kind == "load":
        _, path, opts = req
        info = decoder.load(path, LoadOptions.from_dict(opts))
        conn.send(("loaded", info))
    elif kind in ("chat", "complete"):
        if decoder.llm is None:
            conn.send(("error", "bad_input", "no model is loaded"))
            return True
        _, payload, sopts = req
        s = SamplingOptions.from_dict(sopts)
        stats = GenerationStats()
        n_ctx = decoder.n_ctx
        if kind == "chat":
            fitted = fit_messages(payload, decoder.render_chat, lambda t: len(decoder.tokenize(t)),
                                  n_ctx, s.max_tokens)
            prompt, stops = fitted.prompt, fitted.stops
            s.max_tokens = fitted.max_tokens
            stats.dropped_messages = fitted.dropped_messages
        else:
            prompt, stops = payload, []
            n_prompt = len(decoder.tokenize(prompt))
            if n_prompt >= n_ctx - 1:
                conn.send(("error", "bad_input",
                           f"the prompt is {n_prompt} tokens, more than the context window of {n_ctx}"))
                return True
            room = n_ctx - n_prompt
            s.max_tokens = min(s.max_tokens, room) if s.max_tokens > 0 else room
        _generate(decoder, conn, cancel_flag, prompt, stops, s, stats)
        conn.send(("done", stats.to_dict()))
    elif kind == "tokenize":
        if decoder.llm is None:
            conn.send(("error", "bad_input", "no model is loaded"))
        else:
            conn.send(("result", decoder.tokenize(req[1])))
    else:
        conn.send(("error", "bad_input", f"unknown request {kind!r}"))
    return True


def host_main(conn, cancel_flag, log_path: str | None = None) -> None:
    """Entry point of the host process."""
    if log_path:
        # llama.cpp writes to the C-level stderr: keep it in a log the parent
        # can quote when this process dies.
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 2)
        os.close(fd)
        sys.stderr = open(2, "w", buffering=1, closefd=False)
    from engine.errors import BadInputError

    decoder = LlamaDecoder()
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
            conn.send(("error", "engine", msg))
