"""Remote endpoints and `serve`: what Hearth's HTTP paths cost in streaming speed.

1. Hearth's remote path (``engine.remote.RemoteClient``: requests + its SSE
   reader) vs the official ``openai`` client, both streaming from the same
   ``python -m llama_cpp.server`` on loopback: time to first token and tok/s,
   measured on the client, and their ratios (Hearth / openai for tok/s,
   openai / Hearth for TTFT: ≥ 0.97 means Hearth costs at most 3 %).
2. ``python main.py serve`` (streamed through the ``openai`` client) vs the
   in-process engine (``EngineClient.chat``), same model and prompt.

Same prompt, greedy sampling, fixed seed; the order rotates every run so
machine noise hits all sides alike; medians are reported.

    python bench/remote.py                          # the starter model, 5 runs of 128 tokens
    python bench/remote.py --model M.gguf --runs 3 --tokens 64 [--route chat] [--skip-serve] [--json]

Do not run it beside other heavy work: it measures milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROMPT = ("Write a long story about a lighthouse keeper who finds a map in an old book, "
          "and tell it in many short chapters.")
MODEL_ID = "bench"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc, timeout: float = 120) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in {timeout:.0f} s")


def _stop(proc) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def openai_stream(base_url: str, model: str, tokens: int, seed: int, route: str = "chat") -> dict:
    """TTFT and tok/s with the official client, measured the same way Hearth measures them.
    ``route``: "chat" (/chat/completions) or "completions" (/completions, a raw prompt)."""
    from openai import OpenAI

    # The very request Hearth's RemoteClient sends for these sampling options (llama.cpp's top_k, min_p
    # and repeat_penalty included): the server must do the same work for both sides.
    from engine.host.protocol import SamplingOptions

    s = SamplingOptions(max_tokens=tokens, temperature=0.0, seed=seed)
    common = dict(model=model, max_tokens=tokens, temperature=s.temperature, top_p=s.top_p, seed=seed, stream=True,
                  stream_options={"include_usage": True},
                  extra_body={"top_k": s.top_k, "min_p": s.min_p, "repeat_penalty": s.repeat_penalty})
    client = OpenAI(base_url=base_url, api_key="none", max_retries=0)
    t0 = time.perf_counter()
    first = last = None
    n = 0
    text = []
    if route == "chat":
        stream = client.chat.completions.create(messages=[{"role": "user", "content": PROMPT}], **common)
    else:
        stream = client.completions.create(prompt=PROMPT, **common)
    usage = None
    for chunk in stream:
        if getattr(chunk, "usage", None) is not None:
            usage = chunk.usage.completion_tokens
        for c in chunk.choices or []:
            piece = (c.delta.content if c.delta else None) if route == "chat" else c.text
            if piece:
                now = time.perf_counter()
                first = first or now
                last = now
                n += 1
                text.append(piece)
    client.close()
    n = usage or n      # `serve` batches several tokens per chunk and says how many in its usage
    return {"ttft_s": (first or time.perf_counter()) - t0,
            "tok_s": (n - 1) / (last - first) if n > 1 and last > first else 0.0, "tokens": n,
            "text": "".join(text)}


def hearth_remote_stream(base_url: str, model: str, tokens: int, seed: int, route: str = "chat") -> dict:
    from engine.host.protocol import LoadOptions, SamplingOptions
    from engine.remote.client import RemoteClient
    from engine.remote.endpoints import Endpoint

    client = RemoteClient(Endpoint("bench", base_url), model, api_key="")
    client.load(None, LoadOptions(n_ctx=2048))
    # Both sides count streamed chunks: the server sends one token per chunk.
    chunks = []
    sampling = SamplingOptions(max_tokens=tokens, temperature=0.0, seed=seed)
    if route == "chat":
        stats = client.chat([{"role": "user", "content": PROMPT}], sampling, on_text=chunks.append)
    else:
        stats = client.complete(PROMPT, sampling, on_text=chunks.append)
    client.unload()
    n = len(chunks)
    return {"ttft_s": stats.ttft_s, "tok_s": stats.gen_tok_s if n == stats.completion_tokens else 0.0,
            "tokens": n, "text": stats.text}


def in_process(model_path: Path, tokens: int, seed: int, client) -> dict:
    from engine.host.protocol import SamplingOptions

    # TTFT as the caller sees it (the first text handed to on_text), like the HTTP sides measure it.
    first = []
    t0 = time.perf_counter()
    stats = client.chat([{"role": "user", "content": PROMPT}],
                        SamplingOptions(max_tokens=tokens, temperature=0.0, seed=seed),
                        on_text=lambda t: first or first.append(time.perf_counter()))
    return {"ttft_s": (first[0] if first else time.perf_counter()) - t0, "tok_s": stats.gen_tok_s,
            "tokens": stats.completion_tokens, "text": stats.text}


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows) if rows else 0.0


def _ratios(a: list[dict], b: list[dict]) -> dict:
    """a relative to b: tok/s a/b, TTFT b/a (both ≥ 1 when a is faster)."""
    ta, tb = _median(a, "ttft_s"), _median(b, "ttft_s")
    sa, sb = _median(a, "tok_s"), _median(b, "tok_s")
    return {"tok_s_ratio": round(sa / sb, 3) if sb else None, "ttft_ratio": round(tb / ta, 3) if ta else None}


def _summary(rows: list[dict]) -> dict:
    return {"ttft_s": round(_median(rows, "ttft_s"), 4), "tok_s": round(_median(rows, "tok_s"), 1),
            "tokens": int(_median(rows, "tokens")), "runs": len(rows)}


def bench_remote(model: Path, runs: int, tokens: int, threads: int, route: str) -> dict:
    port = _free_port()
    log = open(Path(tempfile.gettempdir()) / f"hearth-bench-llama-server-{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias",
                             MODEL_ID, "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
                             "--n_threads", str(threads)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_http(f"{base}/models", proc)
        openai_stream(base, MODEL_ID, 8, 1, route)          # warm up both paths (first request loads caches)
        hearth_remote_stream(base, MODEL_ID, 8, 1, route)
        sides = {"hearth": [], "openai": []}
        for i in range(runs):
            order = ["hearth", "openai"] if i % 2 == 0 else ["openai", "hearth"]
            for side in order:
                fn = hearth_remote_stream if side == "hearth" else openai_stream
                sides[side].append(fn(base, MODEL_ID, tokens, 7, route))
        for side, rows in sides.items():
            if not all(r["tokens"] > 1 for r in rows):
                raise SystemExit(f"the {side} side streamed {[r['tokens'] for r in rows]} tokens: nothing to "
                                 f"measure (a base model on /chat may stop at once: --route completions)")
        same = sides["hearth"][0]["text"] == sides["openai"][0]["text"]
        return {"hearth_remote": _summary(sides["hearth"]), "openai_client": _summary(sides["openai"]),
                "same_text": same, **_ratios(sides["hearth"], sides["openai"])}
    finally:
        _stop(proc)
        log.close()


def bench_serve(model: Path, runs: int, tokens: int) -> dict:
    from engine.host.client import EngineClient
    from engine.host.protocol import LoadOptions

    home = Path(tempfile.mkdtemp(prefix="hearth-bench-serve-"))
    env = dict(os.environ, HEARTH_HOME=str(home))
    env.pop("HEARTH_POLICY", None)
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "serve", "--model", str(model), "--port", "0",
                             "--ctx", "2048"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    client = EngineClient(log_dir=home)
    try:
        line = proc.stdout.readline().strip()
        m = re.match(r"^Hearth serves .+ at (http://\S+/v1)$", line)
        if not m:
            raise SystemExit(f"serve did not start: {line!r}")
        base = m.group(1)
        from openai import OpenAI

        oc = OpenAI(base_url=base, api_key="none", max_retries=0)
        served_id = oc.models.list().data[0].id
        oc.close()
        client.load(model, LoadOptions(n_ctx=2048))
        openai_stream(base, served_id, 8, 1)
        in_process(model, 8, 1, client)
        sides = {"serve": [], "engine": []}
        for i in range(runs):
            order = ["serve", "engine"] if i % 2 == 0 else ["engine", "serve"]
            for side in order:
                if side == "serve":
                    sides[side].append(openai_stream(base, served_id, tokens, 7))
                else:
                    sides[side].append(in_process(model, tokens, 7, client))
        return {"serve_openai_client": _summary(sides["serve"]), "in_process_engine": _summary(sides["engine"]),
                **_ratios(sides["serve"], sides["engine"])}
    finally:
        client.unload()
        proc.send_signal(2)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="GGUF file (default: the starter model)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=0, help="llama_cpp.server threads (default: physical cores)")
    ap.add_argument("--route", choices=("completions", "chat"), default="completions",
                    help="the API route both remote sides stream from (default: completions, which a base "
                         "model such as the starter model continues; chat for instruction-tuned models)")
    ap.add_argument("--skip-serve", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.model:
        model = Path(args.model)
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        from common import starter_model

        model = starter_model()
    from engine.host.protocol import default_threads

    threads = args.threads or default_threads()
    result = {"machine": platform.platform(), "python": platform.python_version(), "model": model.name,
              "runs": args.runs, "tokens": args.tokens, "date": time.strftime("%Y-%m-%d %H:%M"),
              "route": args.route,
              "remote": bench_remote(model, args.runs, args.tokens, threads, args.route)}
    if not args.skip_serve:
        result["serve"] = bench_serve(model, args.runs, args.tokens)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    r = result["remote"]
    print(f"{result['model']}, {args.runs} runs of {args.tokens} tokens ({result['machine']})")
    print(f"remote: Hearth TTFT {r['hearth_remote']['ttft_s'] * 1000:.1f} ms, {r['hearth_remote']['tok_s']:.1f} tok/s; "
          f"openai client TTFT {r['openai_client']['ttft_s'] * 1000:.1f} ms, {r['openai_client']['tok_s']:.1f} tok/s; "
          f"ratios tok/s {r['tok_s_ratio']}, TTFT {r['ttft_ratio']} (target ≥ 0.97; same text: {r['same_text']})")
    if "serve" in result:
        s = result["serve"]
        print(f"serve: TTFT {s['serve_openai_client']['ttft_s'] * 1000:.1f} ms, {s['serve_openai_client']['tok_s']:.1f} "
              f"tok/s; in-process engine TTFT {s['in_process_engine']['ttft_s'] * 1000:.1f} ms, "
              f"{s['in_process_engine']['tok_s']:.1f} tok/s; ratios tok/s {s['tok_s_ratio']}, TTFT {s['ttft_ratio']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
