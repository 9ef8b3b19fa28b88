"""The Ask pane driven with pytest-qt: collections from a folder (the pane's API and a real drop), indexing
with its counts and Cancel, questions in Japanese and English with the tiny chat model, the passages with
their pages and scores, citation links that show the passage and open the document at its page, the
not-found path that asks no model, and the base-model note. Real SQLite in the test's HEARTH_HOME, real PDFs."""

from __future__ import annotations

import json

import shutil
from pathlib import Path

import pytest

from gui.qt import QtCore, QtGui, QtWidgets, Qt
from tests.gui.conftest import load
from tests.gui.test_chat_window import MAX_GUI_STALL_S, Heartbeat

pytest.importorskip("reportlab", reason="the pane tests generate PDFs with reportlab (pip install -e '.[test]')")

from tests.ask.corpus import write_pdf  # noqa: E402
from tests.documents import make_docs  # noqa: E402
from tests.gui.test_i18n import ja_qm  # noqa: E402,F401  (the compiled Japanese catalogue, a fixture)

EN_PAGES = [
    ["Meetings are held on Monday mornings and minutes are shared the same afternoon.",
     "All visitors must sign in at the reception desk and wear a badge."],
    ["The quarterly report follows the standard template approved by the board.",
     "The annual budget of Cedar Finance was raised by 12 percent after the March review."],
    ["The cafeteria is open from eleven until two on weekdays.",
     "Staff at Maple Support may work from home up to three days each week since the new policy."],
]
JA_QUESTION = "業務時間は何パーセント短縮されましたか"          # report.pdf p. 3
EN_QUESTION = "What was the rise in the annual budget of Cedar Finance?"   # handbook.pdf p. 2
NOTHING_QUESTION = "What is the capital of Mars?"

WAIT_MS = 60000


@pytest.fixture(scope="session")
def ask_templates(tmp_path_factory) -> Path:
    """A folder of a Japanese PDF (CID font, 3 pages) and an English PDF (3 pages), made once."""
    d = tmp_path_factory.mktemp("ask-pane-docs")
    make_docs.make_cid_pdf(d / "report.pdf")
    write_pdf(d / "handbook.pdf", EN_PAGES, japanese=False)
    return d


@pytest.fixture
def docs(tmp_path, ask_templates) -> Path:
    d = tmp_path / "docs"
    shutil.copytree(ask_templates, d)
    return d


@pytest.fixture
def pane(main_window):
    main_window.show_pane("ask")
    return main_window.ask_pane


def add_and_index(qtbot, pane, folder: Path, name: str | None = None) -> dict:
    with qtbot.waitSignal(pane.indexFinished, timeout=WAIT_MS) as blocker:
        pane.add_paths(name, [folder])
    expected = name or folder.name
    qtbot.waitUntil(lambda: (pane.rows.get(expected) or {}).get("indexed_at") is not None, timeout=WAIT_MS)
    return blocker.args[1]


def item_text(pane, name: str) -> str:
    item = pane.collections.item_for(name)
    assert item is not None, pane.collections.names()
    return item.text()


def ask(qtbot, pane, question: str) -> dict:
    with qtbot.waitSignal(pane.answerFinished, timeout=WAIT_MS) as blocker:
        assert pane.ask(question)
    return blocker.args[0]


def drop_paths(widget, paths: list[Path], pos=QtCore.QPointF(30, 30)) -> None:
    """A real drag-enter, drag-move and drop of ``paths`` on ``widget`` (as the window system sends them)."""
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(p)) for p in paths])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    try:
        enter = QtGui.QDragEnterEvent(pos, *args)
    except TypeError:   # PySide6 before 6.12 takes a QPoint here
        enter = QtGui.QDragEnterEvent(pos.toPoint(), *args)
    QtWidgets.QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the list accepts dragged files"
    try:
        move = QtGui.QDragMoveEvent(pos, *args)
    except TypeError:
        move = QtGui.QDragMoveEvent(pos.toPoint(), *args)
    QtWidgets.QApplication.sendEvent(widget, move)
    assert move.isAccepted()
    drop = QtGui.QDropEvent(pos, *args)
    QtWidgets.QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()


def click_link(view, href: str) -> None:
    """Click a link in a QTextBrowser as a user does (the anchor's own signal)."""
    view.anchorClicked.emit(QtCore.QUrl(href))


# ---- collections and indexing ----------------------------------------------------------------------------

def test_a_folder_added_through_the_pane_is_indexed_with_its_counts(qtbot, pane, docs):
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    result = add_and_index(qtbot, pane, docs, "handbook")
    assert result["name"] == "handbook" and result["files"] == 3 and result["indexed"] == 2
    assert [f["file"] for f in result["failed"]] == [str(docs / "broken.pdf")]
    row = pane.rows["handbook"]
    assert (row["files"], row["indexed"], row["failed"]) == (3, 2, 1) and row["passages"] == result["passages"] > 0
    text = item_text(pane, "handbook")
    assert "2 documents" in text and f"{row['passages']} passages" in text and "1 could not be read" in text
    tip = pane.collections.item_for("handbook").toolTip()
    assert str(docs) in tip and "broken.pdf:" in tip          # the reason for the failure is in the tooltip
    assert "broken.pdf" in pane.index_note.text()
    assert pane.selected_collection() == "handbook"
    assert pane.index_progress.isHidden() and pane.cancel_index_button.isHidden()
    # Update index: nothing changed, nothing read again.
    with qtbot.waitSignal(pane.indexFinished, timeout=WAIT_MS) as blocker:
        pane.index_collection("handbook")
    assert blocker.args[1]["skipped"] == 2 and blocker.args[1]["indexed"] == 0
    # Indexing ran on the pane's index thread, the listing on its data thread: never the GUI thread.
    gui = QtCore.QThread.currentThread()
    assert pane.threads.index_thread is not gui and pane.threads.index.thread_ident is not None
    assert pane.threads.index.thread() is pane.threads.index_thread
    assert pane.threads.data.thread() is pane.threads.data_thread


def test_dropping_a_folder_on_the_list_makes_a_collection_and_indexes_it(qtbot, pane, docs):
    with qtbot.waitSignal(pane.indexFinished, timeout=WAIT_MS) as blocker:
        drop_paths(pane.collections.viewport(), [docs])
    assert blocker.args[0] == "docs" and blocker.args[1]["indexed"] == 2
    qtbot.waitUntil(lambda: "docs" in pane.collections.names(), timeout=WAIT_MS)
    # A file dropped on that collection's row is added to it.
    extra = docs.parent / "extra.pdf"
    write_pdf(extra, [["The printers on every floor need a staff card."]], japanese=False)
    qtbot.waitUntil(lambda: pane.collections.item_for("docs") is not None)
    rect = pane.collections.visualItemRect(pane.collections.item_for("docs"))
    with qtbot.waitSignal(pane.indexFinished, timeout=WAIT_MS) as blocker:
        drop_paths(pane.collections.viewport(), [extra], QtCore.QPointF(rect.center()))
    assert blocker.args[0] == "docs" and blocker.args[1]["indexed"] == 1 and blocker.args[1]["skipped"] == 2
    qtbot.waitUntil(lambda: pane.rows["docs"]["indexed"] == 3, timeout=WAIT_MS)
    assert pane.rows["docs"]["paths"] == [str(docs), str(extra)]


def test_cancel_while_indexing_keeps_what_was_indexed(qtbot, pane, docs, monkeypatch):
    for i in range(4):
        shutil.copy(docs / "handbook.pdf", docs / f"copy-{i}.pdf")
    monkeypatch.setenv("HEARTH_TEST_INDEX_DELAY", "1.0")      # one second after each file
    beat = Heartbeat()
    beat.start()                                               # the GUI thread never waits for indexing
    with qtbot.waitSignal(pane.indexCancelled, timeout=WAIT_MS) as blocker:
        pane.add_paths("slow", [docs])
        qtbot.waitUntil(lambda: not pane.index_progress.isHidden() and pane.index_progress.value() >= 1,
                        timeout=WAIT_MS)
        assert not pane.cancel_index_button.isHidden() and pane.cancel_index_button.isEnabled()
        assert "slow" in item_text(pane, "slow") and "Indexing" in item_text(pane, "slow")
        qtbot.mouseClick(pane.cancel_index_button, Qt.MouseButton.LeftButton)
    beat.stop()
    assert blocker.args == ["slow"] and beat.max_gap < MAX_GUI_STALL_S
    qtbot.waitUntil(lambda: pane.rows.get("slow", {}).get("indexed", 0) >= 1, timeout=WAIT_MS)
    kept = pane.rows["slow"]["indexed"]
    assert 1 <= kept < 6                                       # stopped early; finished files kept
    assert "stopped" in pane.index_note.text() and not pane.indexing
    assert pane.index_progress.isHidden()
    assert f"{kept} document" in item_text(pane, "slow")
    # Going on reads only the rest.
    monkeypatch.setenv("HEARTH_TEST_INDEX_DELAY", "0")
    with qtbot.waitSignal(pane.indexFinished, timeout=WAIT_MS) as blocker:
        pane.index_collection("slow")
    assert blocker.args[1]["skipped"] == kept and blocker.args[1]["indexed"] == 6 - kept


# ---- asking ------------------------------------------------------------------------------------------------

def test_answer_with_citations_that_show_the_passage_and_open_the_page(qtbot, main_window, pane, docs,
                                                                      monkeypatch):
    add_and_index(qtbot, pane, docs, "handbook")
    load(qtbot, main_window, "tiny-long")
    asked = []
    main_window.bridge.askStarted.connect(lambda job: asked.append(job))
    r = ask(qtbot, pane, JA_QUESTION)
    assert r["asked_model"] and r["found"] and r["prompt_tokens"] > 0 and r["completion_tokens"] > 0
    assert asked, "the model was asked"
    # The passages, best first, with their pages and scores; the right page on top.
    top = pane.hits[0]
    assert (top["file"], top["page"]) == ("report.pdf", 3)
    item = pane.passages.topLevelItem(0)
    assert "report.pdf p. 3" in item.text(0) and float(item.text(1)) == pytest.approx(top["score"], abs=1e-2)
    # The citations are links (the tiny model cites nothing itself: the passages it was given are listed).
    hrefs = pane.answer.citation_hrefs()
    assert hrefs and pane.answer.citation_href(0) in hrefs
    assert "report.pdf p. 3" in pane.answer.toPlainText()
    # Clicking a citation shows that passage in its page, selected in the list, highlighted.
    pane.passages.setCurrentItem(None)
    with qtbot.waitSignal(pane.passageShown, timeout=WAIT_MS) as shown:
        click_link(pane.answer, pane.answer.citation_href(0))
    assert shown.args == [0] and pane.passages.selected_index() == 0
    assert "page 3" in pane.page_label.text()
    qtbot.waitUntil(lambda: "八パーセント" in pane.page_view.toPlainText(), timeout=WAIT_MS)
    assert "八パーセント" in pane.page_view.highlighted
    # "Open at page": the file with #page=3, opened without a question (it is in the collection).
    opened = []
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    qtbot.mouseClick(pane.open_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1
    url = opened[0]
    assert url.isLocalFile() and url.toLocalFile() == str(docs / "report.pdf") and url.fragment() == "page=3"
    assert url.toString().endswith("report.pdf#page=3")


def test_open_at_page_asks_first_for_a_document_outside_the_collection(qtbot, pane, docs, monkeypatch):
    from gui.panes.ask import ask_pane

    add_and_index(qtbot, pane, docs, "handbook")
    ask(qtbot, pane, JA_QUESTION)                 # no model: the passages are listed all the same
    qtbot.waitUntil(lambda: pane.shown_index == 0)
    opened, asked = [], []
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    monkeypatch.setattr(ask_pane, "confirm_open_link", lambda parent, target: asked.append(target) or False)
    pane.rows["handbook"]["paths"] = [str(docs.parent / "elsewhere")]     # the folder left the collection
    assert not pane.open_passage()
    assert asked == [pane.open_url(0).toString()] and opened == []
    pane.rows["handbook"]["paths"] = [str(docs)]
    assert pane.open_passage() and asked == [pane.open_url(0).toString()] and len(opened) == 1


def test_an_embedding_model_in_the_library_is_used_to_index_and_search(qtbot, main_window, pane, docs):
    from tests.tiny_gguf import make_tiny_bert_gguf

    make_tiny_bert_gguf(main_window.config.paths.models_dir / "tiny-bert-embed.gguf")
    result = add_and_index(qtbot, pane, docs, "handbook")
    assert result["embedded"] == result["passages"] > 0 and result["embed_model"].startswith("tiny-bert-embed.gguf|")
    assert list(pane.rows["handbook"]["vectors"].values()) == [result["passages"]]
    r = ask(qtbot, pane, JA_QUESTION)
    assert r["mode"] == "hybrid" and ("report.pdf", 3) in [(h["file"], h["page"]) for h in pane.hits]
    assert pane.threads.data._embedder is not None          # started once on the data thread, kept


def test_an_embedding_model_killed_by_an_illegal_instruction_indexes_anyway_and_says_so_once(
        qtbot, main_window, pane, docs, monkeypatch):
    """As on an AMX CPU (the test switch): the embedding batch runs again with extra buffer types off, the
    collection gets its vectors, and the pane says what was switched off, in words."""
    from engine.host import cpu_fallback
    from tests.tiny_gguf import make_tiny_bert_gguf

    monkeypatch.setenv(cpu_fallback.TEST_SWITCH, "decode")
    make_tiny_bert_gguf(main_window.config.paths.models_dir / "tiny-bert-embed.gguf")
    result = add_and_index(qtbot, pane, docs, "handbook")
    assert result["embedded"] == result["passages"] > 0
    assert "illegal instruction" in pane.banner.text and pane.banner.kind == "info"
    remembered = json.loads((main_window.config.paths.cache_dir / cpu_fallback.FALLBACK_FILE).read_text())
    assert [e["extra_buffer_types"] for e in remembered.values()] == [False]


def test_english_question_finds_the_english_pdf_page(qtbot, main_window, pane, docs):
    add_and_index(qtbot, pane, docs, "handbook")
    load(qtbot, main_window, "tiny-long")
    r = ask(qtbot, pane, EN_QUESTION)
    assert r["asked_model"] and r["found"]
    assert (pane.hits[0]["file"], pane.hits[0]["page"]) == ("handbook.pdf", 2)
    assert pane.open_url(0).fragment() == "page=2"


@pytest.mark.instruct
def test_a_real_instruction_model_answers_both_languages_with_citations_that_open_the_right_page(
        qtbot, main_window, pane, docs, instruct_model, monkeypatch):
    """Issue 19's "done when": a folder of a Japanese and an English PDF, a question in each language, an
    answer whose citation links open the right page (SmolLM2-135M-Instruct: small, so only where it points is
    checked, not what it writes)."""
    shutil.copy(instruct_model, main_window.config.paths.models_dir / instruct_model.name)
    main_window.bridge.refreshLibraryRequested.emit()
    qtbot.waitUntil(lambda: any(e.path.name == instruct_model.name for e in main_window.picker.entries),
                    timeout=WAIT_MS)
    add_and_index(qtbot, pane, docs, "handbook")
    load(qtbot, main_window, instruct_model.stem)
    assert pane.base_note.isHidden()
    opened = []
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    answered = []
    for question, name, page in ((EN_QUESTION, "handbook.pdf", 2), (JA_QUESTION, "report.pdf", 3)):
        r = ask(qtbot, pane, question)
        assert r["asked_model"] and r["completion_tokens"] > 0
        if not r["found"]:
            continue          # a small model may say "not found": nothing to open
        answered.append(name)
        first = r["citations"][0]
        assert (first["file"], first["page"]) == (name, page), r["citations"]
        index = pane._hit_index(first)
        assert pane.answer.citation_href(index) in pane.answer.citation_hrefs()
        click_link(pane.answer, pane.answer.citation_href(index))
        qtbot.waitUntil(lambda: pane.shown_index == index)
        qtbot.mouseClick(pane.open_button, Qt.MouseButton.LeftButton)
        assert opened[-1].toLocalFile() == str(docs / name) and opened[-1].fragment() == f"page={page}"
    assert answered, "the model answered neither question"      # greedy-ish sampling: the same every run


def test_a_question_with_nothing_relevant_asks_no_model(qtbot, main_window, pane, docs):
    add_and_index(qtbot, pane, docs, "handbook")
    load(qtbot, main_window, "tiny-long")
    started = []
    main_window.bridge.askStarted.connect(lambda job: started.append(job))
    r = ask(qtbot, pane, NOTHING_QUESTION)
    assert r == {**r, "found": False, "asked_model": False, "relevant": False}
    assert "Not found in these documents." in pane.answer.toPlainText()
    assert "well enough to ask a model" in pane.answer.toPlainText()
    r = ask(qtbot, pane, "量子コンピュータの冷却方式は？")
    assert r["answer"] == "これらの文書には見つかりませんでした。" and not r["asked_model"]
    qtbot.wait(200)
    assert started == [] and not pane.asking and pane.ask_button.isEnabled()


def test_without_a_model_the_passages_are_shown_and_loading_one_is_suggested(qtbot, pane, docs):
    add_and_index(qtbot, pane, docs, "handbook")
    r = ask(qtbot, pane, JA_QUESTION)
    assert r["no_model"] and not r["asked_model"]
    assert pane.passages.topLevelItemCount() >= 1 and "report.pdf p. 3" in pane.passages.topLevelItem(0).text(0)
    assert "Load a model" in pane.answer.toPlainText() and not pane.banner.isHidden()


def test_esc_stops_an_answer_waiting_for_the_model_and_leaves_the_chat_alone(qtbot, main_window, pane, docs):
    """The model is busy with a long chat reply, so the answer waits for it; Esc on the Ask pane stops the
    answer (it never starts) and not the chat's reply."""
    main_window.show()
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow)      # shortcuts reach the active window only
    add_and_index(qtbot, pane, docs, "handbook")
    main_window.config.settings.set("load", {"n_ctx": 32768})
    load(qtbot, main_window, "tiny-long")
    bridge, chat = main_window.bridge, main_window.chat
    started = []
    bridge.askStarted.connect(lambda job: started.append(job))
    chat.sampling_overrides = {"max_tokens": 30000, "ignore_eos": True}     # far longer than the test
    chat.send("hello there")
    qtbot.waitUntil(lambda: bridge.busy, timeout=WAIT_MS)
    with qtbot.waitSignal(pane.answerFinished, timeout=WAIT_MS) as blocker:
        assert pane.ask(JA_QUESTION)
        qtbot.waitUntil(lambda: pane._phase == "answer", timeout=WAIT_MS)
        assert not pane.stop_button.isHidden() and pane.stop_button.isEnabled()
        pane.question_edit.setFocus()
        qtbot.waitUntil(lambda: QtWidgets.QApplication.focusWidget() is pane.question_edit)
        qtbot.keyClick(pane.question_edit, Qt.Key.Key_Escape)
        assert chat.generating, "Esc on the Ask pane does not stop the chat"
        with qtbot.waitSignal(chat.replyFinished, timeout=WAIT_MS):
            chat.stop()
    r = blocker.args[0]
    assert r.get("cancelled") and r["asked_model"] and started == [], r
    assert "Stopped." in pane.answer.toPlainText()
    assert not pane.asking and pane.ask_button.isEnabled() and not pane.stop_button.isEnabled()


def test_enter_and_ctrl_enter_in_the_question_box_ask(qtbot, main_window, pane, docs):
    main_window.show()
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow)      # shortcuts reach the active window only
    add_and_index(qtbot, pane, docs, "handbook")
    pane.question_edit.setFocus()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.focusWidget() is pane.question_edit)
    pane.question_edit.setText(NOTHING_QUESTION)
    finished = []
    pane.answerFinished.connect(finished.append)
    for modifier in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier):
        with qtbot.waitSignal(pane.answerFinished, timeout=WAIT_MS):
            qtbot.keyClick(pane.question_edit, Qt.Key.Key_Return, modifier)
    qtbot.wait(100)
    assert len(finished) == 2 and all(r["answer"] == "Not found in these documents." for r in finished)


# ---- the model's notes -----------------------------------------------------------------------------------

def test_a_base_model_is_named_with_the_suggested_models(qtbot, main_window, pane, tiny_base_model):
    from engine.library import suggested_models

    models = main_window.config.paths.models_dir
    shutil.copy(tiny_base_model, models / "tiny-base.gguf")
    main_window.bridge.refreshLibraryRequested.emit()
    qtbot.waitUntil(lambda: any(e.path.name == "tiny-base.gguf" for e in main_window.picker.entries),
                    timeout=WAIT_MS)
    load(qtbot, main_window, "tiny-base")
    assert not pane.base_note.isHidden()
    text = pane.base_note.text()
    assert "tiny-base is a base model" in text and "answers will be poor" in text
    for m in suggested_models(3):
        assert m["repo_id"] in text
    load(qtbot, main_window, "tiny-chat")
    assert pane.base_note.isHidden()


def test_a_remote_model_says_where_the_passages_go(qtbot, pane):
    pane._on_loaded({"path": "company:qwen", "remote": True, "host": "llm.intra.example",
                     "has_chat_template": True, "n_ctx": 4096})
    assert not pane.remote_note.isHidden()
    assert pane.remote_note.text() == "Your question and the passages found are sent to llm.intra.example"
    assert pane.base_note.isHidden()
    pane._on_unloaded()
    assert pane.remote_note.isHidden()


# ---- the window ----------------------------------------------------------------------------------------------

def test_ctrl_5_shows_the_ask_pane_and_focuses_the_question(qtbot, main_window):
    act = main_window.actions_by_name["pane_ask"]
    assert QtGui.QKeySequence("Ctrl+5") in act.shortcuts()
    main_window.show_pane("chat")
    act.trigger()
    assert main_window.tabs.currentWidget() is main_window.ask_pane
    assert main_window.tabs.tabText(main_window.tabs.count() - 1) == "Ask"


def test_tab_cycles_through_the_ask_pane(qtbot, main_window):
    from tests.gui.test_keyboard_navigation import tab_cycle

    main_window.show()
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow)
    pane = main_window.ask_pane
    main_window.show_pane("ask")
    assert QtWidgets.QApplication.focusWidget() is pane.question_edit
    pane.question_edit.setText("a question")
    seen = tab_cycle(qtbot, main_window, pane.question_edit)
    assert pane.question_edit.text() == "a question"
    for w in (pane.collections, pane.new_button, pane.ask_button, pane.passages):
        assert w in seen, type(w).__name__


def test_the_pane_in_use_is_japanese(qtbot, main_window, docs, ja_qm):
    """Collections, their state, the passages, a not-found answer and the page: no English left on screen."""
    from gui import i18n
    from tests.gui.test_i18n import _check, _english_left, _names

    app = QtWidgets.QApplication.instance()
    assert i18n.install_translation(app, "ja") == "ja"
    try:
        from gui.app import MainWindow
        from engine.config import AppConfig

        win = MainWindow(AppConfig.load(), auto_load=False)     # built in Japanese
        qtbot.addWidget(win)
        try:
            pane = win.ask_pane
            win.show_pane("ask")
            (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
            add_and_index(qtbot, pane, docs, "handbook")
            assert "文書 2 件" in item_text(pane, "handbook") and "読めなかった文書 1 件" in item_text(pane, "handbook")
            r = ask(qtbot, pane, JA_QUESTION)                      # no model: the passages, and a note
            assert r["no_model"]
            qtbot.waitUntil(lambda: "八パーセント" in pane.page_view.toPlainText(), timeout=WAIT_MS)
            bad = _check(pane, _names(win), [])
            assert not _english_left(pane.answer.toPlainText(), set()), pane.answer.toPlainText()
            r = ask(qtbot, pane, "量子コンピュータの冷却方式は？")
            bad += _check(pane, _names(win), [])
            assert "これらの文書には見つかりませんでした。" in pane.answer.toPlainText()
            assert not _english_left(pane.answer.toPlainText(), set()), pane.answer.toPlainText()
            assert sorted(set(bad)) == [], "\n".join(sorted(set(bad)))
            assert pane.ask_button.text() == "質問" and win.tabs.tabText(win.tabs.count() - 1) == "文書に質問"
        finally:
            win.shutdown()
    finally:
        assert i18n.install_translation(app, "en") == "en"
