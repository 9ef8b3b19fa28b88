"""Screenshots of every pane and the Preferences window: light and dark, English and Japanese, at the
window sizes people use. Re-runnable; for the README and for checking clipping and untranslated text.

    xvfb-run -a -s "-screen 0 1920x1080x24" python packaging/screenshots.py OUTDIR \
        [--languages en ja] [--themes light dark] [--sizes 1366x768 1920x1080] [--no-model]

Files are named ``<pane>-<language>-<theme>-<W>x<H>.png``. Everything runs in a throw-away HEARTH_HOME
with a sample conversation and summary (in the language of the shot) and the starter model when it is
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
    },
}


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

    from gui.app import MainWindow, _fonts, app_icon
    from gui.settings import appearance

    QtCore.QCoreApplication.setApplicationName("Hearth")
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0]])
    _fonts(app)
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
                for key in ("chat", "summarize", "compare", "models"):
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
