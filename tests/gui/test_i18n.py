"""The Japanese interface: the compiled translation, every widget translated, engine sentences, locale.

The tests use the .qm compiled from resources/i18n/hearth_ja.ts in this session (gui/i18n.py compiles it
when it is missing or older than the .ts, as the packaged build does with pyside6-lrelease).
Language switching: the language is chosen at start-up; a change in Preferences applies at the next start
(test_language_setting_applies_at_next_start).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "hearth_ja.ts"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")

# Names and tokens that stay as they are in a Japanese interface.
ALLOWED_WORDS = {
    "gguf", "hugging", "face", "hearth", "hf", "token", "tok", "gpu", "cpu", "ram", "vram", "json", "jsonl",
    "csv", "markdown", "md", "pdf", "word", "docx", "html", "txt", "ctrl", "enter", "esc", "top", "min", "p",
    "k", "auto", "all", "id", "kb", "mb", "gb", "tb", "pt", "llama", "cpp", "sigkill", "sigsegv", "sigabrt",
    "bradley", "terry", "vs", "ok", "utf", "q", "bf", "f", "iq", "xs", "xxs", "s", "m", "l", "k_m", "k_s",
    "tiny", "chat", "long", "starter", "mmproj", "api", "http", "https", "url", "dns", "sha", "ocr", "b",
    "ctx", "english",        # the engine's short model summary; a language named in its own language
}


def _ts_messages() -> list[tuple[str, str, str, bool]]:
    """(context, source, translation, numerus) for every message of the .ts."""
    out = []
    for ctx in ET.parse(TS).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            tr = m.find("translation")
            numerus = m.get("numerus") == "yes"
            text = (tr.findtext("numerusform") if numerus else tr.text) or ""
            out.append((name, m.findtext("source"), text, tr.get("type") or ""))
    return out


@pytest.fixture(scope="session")
def ja_qm():
    """The .qm the tests use: compiled from the current .ts (by pyside6-lrelease) if stale or missing."""
    from gui import i18n

    qm = i18n.compile_translation("ja")
    assert qm is not None and qm.is_file(), "pyside6-lrelease could not compile resources/i18n/hearth_ja.ts"
    return qm


@pytest.fixture
def japanese(qapp, ja_qm):
    """The Japanese translation installed for one test (English again afterwards)."""
    from gui import i18n

    assert i18n.install_translation(qapp, "ja") == "ja"
    yield ja_qm
    assert i18n.install_translation(qapp, "en") == "en"


# ---- the translation files ---------------------------------------------------------------------------
def test_every_message_has_a_japanese_translation_with_the_same_placeholders():
    msgs = _ts_messages()
    assert len(msgs) > 700
    placeholders = re.compile(r"\{\w+\}|%\d|%n")
    untranslated = [(c, s) for c, s, t, kind in msgs if not t or kind in ("unfinished", "vanished", "obsolete")]
    assert untranslated == []
    wrong = [(c, s, t) for c, s, t, _ in msgs if sorted(placeholders.findall(s)) != sorted(placeholders.findall(t))]
    assert wrong == []
    # A natural UI vocabulary, not word for word.
    table = {s: t for _, s, t, _ in msgs}
    for src, ja in {"Send": "送信", "Stop": "停止", "Regenerate": "再生成", "Summarise": "要約", "Compare": "比較",
                    "Download": "ダウンロード", "Cancel": "キャンセル", "Preferences": "設定", "Models": "モデル"}.items():
        assert table[src] == ja


def test_the_qm_the_tests_use_is_compiled_from_the_current_ts(qapp, ja_qm):
    from gui import i18n
    from gui.qt import QtCore

    assert ja_qm == i18n.qm_path("ja")
    assert ja_qm.stat().st_mtime >= TS.stat().st_mtime
    t = QtCore.QTranslator()
    assert t.load(str(ja_qm))
    # Every message of the .ts, as the compiled file answers it: the same text (the file is not an old build).
    for context, source, text, _ in _ts_messages():
        got = t.translate(context, source, None, 1 if "%n" in source else -1)
        assert got == text, (context, source, got)


def test_a_stale_qm_is_compiled_again(tmp_path, monkeypatch):
    """A .ts newer than its .qm is compiled again (how a dev checkout and a wheel get a current file)."""
    from gui import i18n

    ts = tmp_path / "i18n" / "hearth_ja.ts"
    ts.parent.mkdir()
    shutil.copy(TS, ts)
    qm = ts.with_suffix(".qm")
    qm.write_bytes(b"old")
    import os

    os.utime(qm, (ts.stat().st_mtime - 100, ts.stat().st_mtime - 100))
    monkeypatch.setattr(i18n, "ts_path", lambda language="ja": ts)
    assert i18n.is_stale(ts, qm)
    out = i18n.compile_translation("ja", out=qm)
    assert out == qm and not i18n.is_stale(ts, qm) and qm.stat().st_size > 10_000
    # A .qm a QTranslator has loaded (memory-mapped) is replaced, never rewritten in place: the old file
    # keeps its bytes for whoever has it open, and nothing is left beside it.
    with open(qm, "rb") as loaded:
        before = loaded.read()
        assert i18n.compile_translation("ja", out=qm, force=True) == qm
        assert os.fstat(loaded.fileno()).st_ino != qm.stat().st_ino
        loaded.seek(0)
        assert loaded.read() == before
    assert sorted(p.name for p in qm.parent.iterdir()) == ["hearth_ja.qm", "hearth_ja.ts"]


def test_lupdate_finds_no_string_missing_from_the_ts(tmp_path):
    """Every tr()/translate() text in gui/ is in the committed .ts (run pyside6-lupdate over gui/ again)."""
    import sys

    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists():
        pytest.skip("pyside6-lupdate is not installed next to this Python")
    files = sorted(str(p) for p in (ROOT / "gui").rglob("*.py"))
    fresh = tmp_path / "fresh.ts"
    r = subprocess.run([str(lupdate), *files, "-ts", str(fresh)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    have = {(c, s) for c, s, _, _ in _ts_messages()}
    found = set()
    for ctx in ET.parse(fresh).getroot().iter("context"):
        for m in ctx.iter("message"):
            found.add((ctx.findtext("name") or "", m.findtext("source")))
    assert sorted(found - have) == []
    assert all(c for c, _ in found), "a tr() call lupdate cannot place in a context"


# ---- installing and the locale -----------------------------------------------------------------------
def test_install_translation_languages_and_system_locale(qapp, ja_qm):
    from gui import i18n
    from gui.qt import QtCore

    assert [c for c, _ in i18n.available_languages()] == ["system", "en", "ja"]
    assert dict(i18n.available_languages())["ja"] == "日本語"
    assert i18n.resolve_language("system", QtCore.QLocale("ja_JP")) == "ja"
    assert i18n.resolve_language("system", QtCore.QLocale("de_DE")) == "en"
    assert i18n.resolve_language("ja") == "ja" and i18n.resolve_language("en") == "en"
    try:
        assert i18n.install_translation(qapp, "ja") == "ja"
        assert QtCore.QCoreApplication.translate("ChatPane", "Send") == "送信"
        # Qt's own strings (standard buttons) come from qtbase_ja when Qt ships it.
        base = Path(QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)) / "qtbase_ja.qm"
        if base.is_file():
            assert QtCore.QCoreApplication.translate("QPlatformTheme", "Cancel") == "キャンセル"
        assert QtCore.QLocale().language() == QtCore.QLocale.Language.Japanese
        assert i18n.format_datetime("2025-06-03T05:07:00+00:00").startswith("2025/06/03")
    finally:
        assert i18n.install_translation(qapp, "en") == "en"
    assert QtCore.QCoreApplication.translate("ChatPane", "Send") == "Send"


def test_locale_formatting_helpers(qapp):
    from gui import i18n
    from gui.qt import QtCore
    from engine.library import human_size

    old = QtCore.QLocale()
    try:
        QtCore.QLocale.setDefault(QtCore.QLocale("en_US"))
        for n in (0, 999, 12_345, 3_456_789, 7_400_000_000, 2.5e12):
            assert i18n.format_size(n) == human_size(n)
        assert i18n.format_number(1234567) == "1,234,567"
        assert i18n.format_datetime("2025-06-03T05:07:00") == QtCore.QDateTime(
            QtCore.QDate(2025, 6, 3), QtCore.QTime(5, 7), QtCore.QTimeZone.UTC).toLocalTime().toString("yyyy-MM-dd HH:mm")
        QtCore.QLocale.setDefault(QtCore.QLocale("de_DE"))
        assert i18n.format_size(3_456_789) == "3,5 MB" and i18n.format_number(1234567) == "1.234.567"
    finally:
        QtCore.QLocale.setDefault(old)


# ---- engine sentences --------------------------------------------------------------------------------
def test_engine_sentences_are_translated_through_one_catalogue(qapp, japanese):
    from gui import engine_messages as em

    cases = {
        "The model could not be loaded: not a GGUF model: the file has only 12 bytes":
            "モデルを読み込めませんでした: GGUF モデルではありません: ファイルが 12 バイトしかありません",
        "The model process stopped: it was killed (SIGKILL — often the system running out of memory). "
        "The model could not be loaded.":
            "モデルのプロセスが停止しました: 強制終了されました(SIGKILL — 多くはシステムのメモリ不足が原因です)。"
            "モデルを読み込めませんでした。",
        "the disk is full (/data/dl); the partial download is kept: free some space and start it again to resume":
            "ディスクがいっぱいです(/data/dl)。途中までのダウンロードは残しています。空き容量を作ってからもう一度開始すると再開します",
        "Offline by policy: your administrator has switched off everything online in Hearth.":
            "ポリシーによりオフライン: 管理者が Hearth のオンライン機能をすべて無効にしています。",
        "report.pdf: this PDF has no text layer: it is a scan; run text recognition (OCR) on it and open the result":
            "report.pdf: この PDF にはテキスト層がありません(スキャン画像です)。文字認識 (OCR) をかけてから、その結果を開いてください",
    }
    for english, japanese_text in cases.items():
        assert em.translate(english) == japanese_text
    # Unknown sentences stay as they are, never lost.
    assert em.translate("a sentence no catalogue knows") == "a sentence no catalogue knows"
    assert not em.is_known("a sentence no catalogue knows") and em.is_known("no model is loaded")


def test_engine_catalogue_matches_what_the_engine_raises(tmp_path):
    """The templates match the engine's real sentences (a reworded engine message fails here)."""
    from engine.errors import HearthError
    from engine.gguf_check import check_file
    from engine.documents import read_document
    from gui import engine_messages as em

    tiny = tmp_path / "tiny.gguf"
    tiny.write_bytes(b"GGU")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    for fn in (lambda: check_file(tiny), lambda: check_file(tmp_path / "missing.gguf"),
               lambda: read_document(empty), lambda: read_document(binary), lambda: read_document(tmp_path)):
        with pytest.raises(HearthError) as e:
            fn()
        assert em.is_known(str(e.value)), str(e.value)


# ---- every widget in Japanese ------------------------------------------------------------------------
def _strip_mnemonic(text: str) -> str:
    return re.sub(r"&(?=\w)", "", text).replace("&&", "&")


def _english_phrases() -> list[str]:
    """The .ts sources of three words or more, as they would appear inside a longer text."""
    out = set()
    for _, source, _, _ in _ts_messages():
        for part in re.split(r"\{\w+\}|%\d|%n|<[^>]+>", source):
            part = part.strip(" .:;,·—()")
            if len(re.findall(r"[A-Za-z]{2,}", part)) >= 3:
                out.add(part)
    return sorted(out)


PHRASES = None


def _english_left(text: str, names: set[str]) -> bool:
    """True when ``text`` reads as untranslated English: no Japanese and words outside the allow-list,
    or a Japanese text with an English source phrase of three words or more left inside it."""
    global PHRASES
    text = _strip_mnemonic(re.sub(r"<[^>]+>", " ", text or "")).strip()
    if not text:
        return False
    if JAPANESE.search(text):
        PHRASES = PHRASES or _english_phrases()
        return any(p in text for p in PHRASES)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"(?:[A-Za-z]:)?[\\/][^\s]*", " ", text)                          # paths
    text = re.sub(r"\S+\.(gguf|pdf|docx|txt|md|json|jsonl|csv)\b", " ", text, flags=re.I)   # file names
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z_]*", text)]
    return any(w not in ALLOWED_WORDS for w in words)


def _texts(root) -> list[tuple[str, str]]:
    """(where, text) for every user-visible text under ``root``."""
    from gui.qt import QtWidgets

    out = []

    def add(w, what, text):
        if text:
            out.append((f"{type(w).__name__}#{w.objectName() or '?'}.{what}", text))

    widgets = [root] + root.findChildren(QtWidgets.QWidget)
    for w in widgets:
        if w.isWindow():
            add(w, "windowTitle", w.windowTitle())
        add(w, "toolTip", w.toolTip())
        if isinstance(w, QtWidgets.QLabel):
            add(w, "text", w.text())
        if isinstance(w, QtWidgets.QAbstractButton):
            add(w, "text", w.text())
        if isinstance(w, (QtWidgets.QLineEdit, QtWidgets.QPlainTextEdit, QtWidgets.QTextEdit)):
            add(w, "placeholder", w.placeholderText())
        if isinstance(w, QtWidgets.QAbstractSpinBox):
            add(w, "specialValueText", w.specialValueText())
        if isinstance(w, QtWidgets.QGroupBox):
            add(w, "title", w.title())
        if isinstance(w, QtWidgets.QProgressBar) and w.format() not in ("%p%", ""):
            add(w, "format", w.text())
        if isinstance(w, QtWidgets.QTabWidget):
            for i in range(w.count()):
                add(w, f"tab{i}", w.tabText(i))
                add(w, f"tabToolTip{i}", w.tabToolTip(i))
        if isinstance(w, QtWidgets.QComboBox) and not w.isEditable():
            add(w, "placeholder", w.placeholderText())
            for i in range(w.count()):
                add(w, f"item{i}", w.itemText(i))
        if isinstance(w, QtWidgets.QListWidget):
            for i in range(w.count()):
                add(w, f"item{i}", w.item(i).text())
        if isinstance(w, (QtWidgets.QTableWidget,)):
            for c in range(w.columnCount()):
                h = w.horizontalHeaderItem(c)
                add(w, f"header{c}", h.text() if h else "")
        if isinstance(w, QtWidgets.QTreeWidget):
            h = w.headerItem()
            for c in range(w.columnCount()):
                add(w, f"header{c}", h.text(c))
        if isinstance(w, QtWidgets.QMenu):
            add(w, "title", w.title())
        for a in w.actions():
            add(w, f"action[{a.objectName()}]", a.text())
            add(w, f"actionTip[{a.objectName()}]", a.toolTip() if a.toolTip() != a.text().replace("&", "") else "")
            if a.menu() is not None:
                out.extend(_texts(a.menu()))
    return out


def _check(root, names, seen_where: list) -> list[str]:
    bad = []
    for where, text in _texts(root):
        seen_where.append(where)
        if _english_left(text, names):
            bad.append(f"{where}: {text!r}")
    return bad


def _names(win) -> set[str]:
    """Model names and file names the library and the curated catalogue show (data, not interface text)."""
    import json

    names = {m["name"] for m in json.loads((ROOT / "resources" / "curated_models.json").read_text(
        encoding="utf-8"))["models"]}
    for e in getattr(win.picker, "entries", []):
        names |= {e.name, e.path.name, e.path.stem, e.summary(), str(e.path)}
    return {n for n in names if n}


def test_main_window_panes_and_preferences_are_japanese(qtbot, japanese, main_window):
    from gui.qt import QtWidgets

    win = main_window
    qtbot.waitUntil(lambda: win.picker.combo.count() > 0, timeout=60000)
    names = _names(win)
    bad, seen = [], []
    assert win.tabs.count() >= 4
    for i in range(win.tabs.count()):
        win.tabs.setCurrentIndex(i)
        qtbot.wait(10)
        bad += _check(win, names, seen)
    models = win.models_pane
    from gui.panes.models.models_pane import SECTIONS

    for name in SECTIONS:            # Welcome, Library, Discover, Downloads
        models.show_section(name)
        qtbot.wait(10)
        bad += _check(models, names, seen)
    compare = win.compare_pane
    for i in range(compare.tabs.count()):   # side by side, question sets, leaderboard
        compare.tabs.setCurrentIndex(i)
        bad += _check(compare, names, seen)
    # The menu bar and each of its menus.
    bar = win.menuBar()
    bad += _check(bar, names, seen)
    assert any("action[" in w for w in seen), "the walk saw no menu actions"
    # Preferences (gui/settings/): every page.
    settings_dir = Path(__file__).resolve().parents[2] / "gui" / "settings"
    if not (settings_dir / "settings_window.py").exists():
        pytest.skip("gui/settings/settings_window.py does not exist yet")
    win.show_preferences()
    prefs = win.settings_window
    qtbot.waitUntil(prefs.isVisible, timeout=5000)
    tabs = prefs.findChildren(QtWidgets.QTabWidget)
    lists = prefs.findChildren(QtWidgets.QListWidget)
    pages = prefs.findChildren(QtWidgets.QStackedWidget)
    bad += _check(prefs, names, seen)
    for t in tabs:
        for i in range(t.count()):
            t.setCurrentIndex(i)
            bad += _check(prefs, names, seen)
    for lw, st in zip(lists, pages):
        for i in range(lw.count()):
            lw.setCurrentRow(i)
            bad += _check(prefs, names, seen)
    prefs.close()
    assert len(seen) > 300, "the walk saw too few texts to mean anything"
    assert sorted(set(bad)) == [], "\n".join(sorted(set(bad)))
    # And the Japanese really is on screen: a few anchors.
    assert win.chat.send_button.text() == "送信" and win.chat.stop_button.text() == "停止"
    assert win.chat.regen_button.text() == "再生成"
    assert [win.tabs.tabText(i).replace("&", "") for i in range(4)][:2] == ["チャット", "要約"]


def test_walk_flags_english_that_is_left(qtbot, japanese):
    """The walk fails on an untranslated text: a label with English source text is caught."""
    from gui.qt import QtWidgets

    w = QtWidgets.QWidget()
    qtbot.addWidget(w)
    lay = QtWidgets.QVBoxLayout(w)
    lay.addWidget(QtWidgets.QLabel("Stop the reply"))
    lay.addWidget(QtWidgets.QLabel("tiny-chat.gguf · 3.0 MB · GGUF"))
    lay.addWidget(QtWidgets.QLabel("送信"))
    lay.addWidget(QtWidgets.QLabel("Q4_K_M · 303.0 MB · CPU のみ · estimated from the catalogue"))
    bad = _check(w, set(), [])
    assert len(bad) == 2 and "Stop the reply" in bad[0] and "estimated from the catalogue" in bad[1]


def _need_japanese_font(have) -> None:
    """CI installs a Japanese font (.ci/run: fonts-ipafont-gothic), so there no font is a failure (Japanese text
    would show as boxes); a developer's minimal machine without one skips, saying what to install."""
    import os

    if have:
        return
    message = ("no Japanese font is installed (apt-get install fonts-ipafont-gothic, or fonts-noto-cjk): "
               "Japanese text would show as boxes")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def test_japanese_reply_and_summary_render_with_a_japanese_font(qtbot, japanese):
    """Chat, summary and comparison views put Japanese fonts in their family list (never tofu boxes)."""
    from gui import i18n
    from gui.qt import QtGui
    from gui.widgets.chat_view import ChatView
    from gui.panes.summarize.widgets import ResultView
    from gui.panes.compare.widgets import ColumnView

    have = i18n.cjk_fallback_families()
    _need_japanese_font(have)
    view, result = ChatView(), ResultView()
    for w in (view, result):
        qtbot.addWidget(w)
        assert have[0] in w.font().families()
    col = ColumnView("tiny-chat")
    qtbot.addWidget(col)
    assert have[0] in col.text.font().families()
    fm = QtGui.QFontMetrics(view.font())
    assert all(fm.inFontUcs4(ord(ch)) or QtGui.QFontMetrics(QtGui.QFont(have[0])).inFontUcs4(ord(ch))
               for ch in "日本語の応答です")


def test_a_japanese_font_the_list_does_not_name_is_used(qapp, monkeypatch):
    """A machine whose only Japanese font is none of the known families (here: the known list emptied) still
    gets one: whichever family the font database says writes Japanese, and it has the characters."""
    from gui import i18n
    from gui.qt import QtGui

    monkeypatch.setattr(i18n, "CJK_FAMILIES", ())
    have = i18n.cjk_fallback_families()
    _need_japanese_font(have)
    assert QtGui.QFontMetrics(QtGui.QFont(have[0])).inFontUcs4(ord("語"))
    font = i18n.apply_cjk_fallback(QtGui.QFont("DejaVu Sans"))
    assert font.families()[0] == "DejaVu Sans" and have[0] in font.families()


def test_transcript_links_and_notes_are_japanese(qtbot, japanese):
    """Texts the views write into their documents (message headers, copy links, notes) are translated."""
    from gui.widgets.chat_view import ChatView

    view = ChatView()
    qtbot.addWidget(view)
    view.set_messages([{"role": "user", "content": "こんにちは"},
                       {"role": "assistant", "content": "はい。\n\n```python\nprint(1)\n```", "complete": False}],
                      memory_start=1)
    text = view.toPlainText()
    for ja in ("あなた", "アシスタント", "コピー", "編集", "(未完)", "コードをコピー", "モデルの記憶の範囲外"):
        assert ja in text
    for en in ("You", "Assistant", "Copy", "Edit", "(incomplete)", "outside the model's memory"):
        assert en not in text


# ---- switching language ------------------------------------------------------------------------------
def test_language_setting_applies_at_next_start(qtbot, qapp, ja_qm, hearth_home, tiny_model, tiny_long_model):
    """Live switching is not supported: Preferences stores the language; the next start installs it."""
    from engine.config import AppConfig
    from gui import i18n
    from gui.app import MainWindow, install_language

    cfg = AppConfig.load()
    cfg.settings.set("language", "ja")
    try:
        started = AppConfig.load()                       # the next start reads the stored setting
        assert started.settings.get("language") == "ja"
        assert install_language(qapp, started.settings) == "ja"
        win = MainWindow(started, auto_load=False)
        qtbot.addWidget(win)
        assert win.chat.send_button.text() == "送信"
        win.shutdown()
        cfg.settings.set("language", "en")
        assert install_language(qapp, AppConfig.load().settings) == "en"
        win2 = MainWindow(AppConfig.load(), auto_load=False)
        qtbot.addWidget(win2)
        assert win2.chat.send_button.text() == "Send"
        win2.shutdown()
    finally:
        i18n.install_translation(qapp, "en")


# ---- fitting the screen ---------------------------------------------------------------------------------
def _assert_fits_and_reflows(qtbot, win, narrow_columns: int) -> None:
    """The window can be as narrow as a 1366-pixel screen (with room to spare), and the comparison's model
    rows go to one per line when two no longer fit, never squeezed below their own minimum."""
    assert win.minimumSizeHint().width() <= 1280, win.minimumSizeHint()
    win.show()
    win.show_pane("compare")
    box, rows = win.compare_pane.models_box, win.compare_pane.model_rows
    win.resize(1366, 768)
    qtbot.waitUntil(lambda: box.columns == 2)
    win.resize(win.minimumSizeHint().width(), 768)
    qtbot.waitUntil(lambda: box.columns == narrow_columns)
    qtbot.waitUntil(lambda: all(r.width() >= r.minimumSizeHint().width() for r in rows))
    assert box.width() <= win.width()
    win.resize(1366, 768)
    qtbot.waitUntil(lambda: box.columns == 2)


def test_the_window_fits_a_small_screen_in_japanese(japanese, qtbot, main_window):
    assert main_window.compare_pane.models_box.title() != "Models to compare (2–4)"   # really Japanese
    # Japanese labels are wider: at the narrowest window the rows stack
    _assert_fits_and_reflows(qtbot, main_window, narrow_columns=1)


def test_the_window_fits_a_small_screen_in_english(qtbot, main_window):
    # English rows are narrow enough to stay two to a line even in the narrowest window
    _assert_fits_and_reflows(qtbot, main_window, narrow_columns=2)


def test_where_a_model_runs_and_the_load_notes_are_translated(japanese):
    """The engine's own sentences (describe_offload, the planner's retry notes) come out in Japanese."""
    from engine.host.protocol import describe_offload
    from engine.plan import OutOfMemory, load_with_retry
    from gui.engine_messages import translate

    assert translate(describe_offload({"offload": {"on_gpu": False, "backend": "CPU"}})) == "CPU で動作"
    on_gpu = describe_offload({"offload": {"on_gpu": True, "layers_offloaded": 17, "layers_total": 17,
                                           "backend": "CUDA", "gpu_buffer_bytes": 2 << 30}})
    assert translate(on_gpu).startswith("17 層中 17 層を GPU（CUDA）で実行: ")

    def fails_above(limit, stage="load"):
        def try_load(ngl, ctx):
            if ngl > limit:
                raise OutOfMemory("oom", stage=stage)
            return "model"
        return try_load

    for limit, stage in ((10, "load"), (10, "decode"), (0, "load"), (0, "decode")):
        note = load_with_retry(fails_above(limit, stage), 32, 4096, 32)[3]
        out = translate(note)
        assert out != note and "GPU メモリが足りなかった" in out, (note, out)
        assert not any(w in out for w in ("loaded", "layers", "memory")), out
