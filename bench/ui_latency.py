"""GUI responsiveness while a reply streams: lateness of a 10 ms timer on the GUI thread.

A precise 10 ms QTimer on the GUI thread records how late each tick fires,
first while idle, then while a fast tiny model streams replies of 2,000 tokens
(five by default, ticks pooled so that p99 means something) — words
and Markdown syntax, so paragraphs, code fences and lists are rendered
incrementally — into the real chat window. (Its output layer avoids byte
tokens: random bytes make Qt search fallback fonts for every odd glyph, which
real model output does not do.) Also times opening a
500-message (~200 KB) conversation.

Target: streaming p99 lateness <= 16 ms and max <= 50 ms.

    QT_QPA_PLATFORM=offscreen python bench/ui_latency.py [--tokens 2000]
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MARKDOWN_TOKENS = ["\n\n", "\n", "```", "```python\n", "**", "# ", "## ", "- ", "1. ", "| ", " |", "`",
                   "\n- ", "\n\n```\n", "> "]


def percentile(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q / 100 * (len(v) - 1))))] if v else 0.0


class LatenessProbe:
    def __init__(self, QtCore, interval_ms=10):
        self.interval = interval_ms / 1000
        self.samples: list[float] = []
        self.timer = QtCore.QTimer()
        self.timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self._last = None

    def _tick(self):
        now = time.perf_counter()
        if self._last is not None:
            self.samples.append(max(0.0, (now - self._last) - self.interval) * 1000)
        self._last = now

    def start(self):
        self.samples = []
        self._last = None
        self.timer.start()

    def stop(self):
        self.timer.stop()
        s = self.samples
        return {"ticks": len(s), "p50_ms": percentile(s, 50), "p99_ms": percentile(s, 99),
                "max_ms": max(s) if s else 0.0, "mean_ms": statistics.fmean(s) if s else 0.0}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", type=int, default=2000)
    ap.add_argument("--idle-s", type=float, default=3.0)
    ap.add_argument("--replies", type=int, default=5, help="streamed replies (ticks are pooled)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="hearth-uibench-"))
    os.environ["HEARTH_HOME"] = str(home)

    from tests.tiny_gguf import CHATML_TEMPLATE, make_tiny_gguf
    from gui.qt import QtCore, QtWidgets
    from engine.config import AppConfig
    from engine.store import Store
    from gui.app import MainWindow

    models = home / "data" / "models"
    models.mkdir(parents=True)
    model = make_tiny_gguf(models / "tiny-markdown.gguf", chat_template=CHATML_TEMPLATE, n_ctx=8192,
                           extra_tokens=MARKDOWN_TOKENS, text_only=True)
    app = QtWidgets.QApplication([])
    cfg = AppConfig.load()
    cfg.settings.set("load", {"n_ctx": 8192})
    win = MainWindow(cfg, auto_load=False)
    win.resize(1100, 760)
    win.show()
    loop = QtCore.QEventLoop()
    # A GUI-thread slot (not a lambda: bridge signals would run it on the bridge thread).
    win.chat.model_ready_probe = QtCore.QTimer(interval=20)
    def quit_when_loaded() -> None:
        if win.chat.model_info:
            loop.quit()

    win.chat.model_ready_probe.timeout.connect(quit_when_loaded)
    win.chat.model_ready_probe.start()
    win.load_model(str(model))
    loop.exec()
    win.chat.model_ready_probe.stop()

    probe = LatenessProbe(QtCore)
    # Idle
    probe.start()
    QtCore.QTimer.singleShot(int(args.idle_s * 1000), loop.quit)
    loop.exec()
    idle = probe.stop()
    # Streaming
    win.chat.sampling_overrides = {"max_tokens": args.tokens, "ignore_eos": True, "temperature": 1.0}
    batches = []
    win.bridge.tokensArrived.connect(batches.append)
    result = {}
    def on_reply(stats: dict) -> None:
        result.update(stats)
        loop.quit()

    win.chat.replyFinished.connect(on_reply)
    probe.start()
    t0 = time.perf_counter()
    for i in range(args.replies):
        win.chat.input.setPlainText(f"Write a long answer with headings, lists and code. ({i})")
        win.chat.send()
        loop.exec()
    streaming = probe.stop()
    wall = time.perf_counter() - t0
    # Opening a long conversation (500 messages, ~200 KB)
    store = Store(cfg.paths.database)
    cid = store.create_conversation(title="long")
    para = "A paragraph of **Markdown** text with `code`, 東京 and emoji 🙂. " * 6
    for i in range(250):
        store.add_message(cid, "user", f"Question {i}: {para}")
        store.add_message(cid, "assistant", f"## Answer {i}\n\n{para}\n\n```python\nprint({i})\n```\n\n- a\n- b")
    size = sum(len(m["content"]) for m in store.messages(cid))
    win.chat.refresh_conversations()
    t1 = time.perf_counter()
    win.chat.open_conversation(cid)
    app.processEvents()
    open_s = time.perf_counter() - t1
    win.shutdown()

    res = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
           "qpa": os.environ.get("QT_QPA_PLATFORM"), "replies": args.replies,
           "tokens": result.get("completion_tokens"),
           "gen_tok_s": result.get("gen_tok_s"), "signal_batches": len(batches), "stream_wall_s": wall,
           "idle": idle, "streaming": streaming, "open_500_messages_s": open_s, "open_chars": size}
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        print(f"streamed {args.replies} replies of {res['tokens']} tokens at {res['gen_tok_s']:.0f} tok/s in {wall:.2f} s, "
              f"{len(batches)} signal batches ({len(batches) / wall:.1f}/s)")
        for k in ("idle", "streaming"):
            r = res[k]
            print(f"  {k:9}: p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, max {r['max_ms']:.2f} ms "
                  f"({r['ticks']} ticks)")
        print(f"  open 500 messages ({size // 1000} KB): {open_s * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    rc = main()
    sys.stdout.flush()
    # Skip interpreter finalization: PySide6 6.12 can abort while garbage-collecting
    # Qt objects after the QApplication is gone; the results are already printed.
    os._exit(rc)
