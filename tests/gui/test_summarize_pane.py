"""The Summarise pane end to end: drop a document, see the plan, start, progress, cancel, resume,
result, export — the GUI thread never stalls; errors are one-sentence banners."""

from __future__ import annotations

import random
import re
import threading
from pathlib import Path

import pytest

from gui.qt import QtCore, QtGui, QtWidgets, Qt
from tests.gui.test_chat_window import MAX_GUI_STALL_S, Heartbeat
from tests.tiny_gguf import CHATML_TEMPLATE, _WORDS, make_tiny_gguf

pytest.importorskip("reportlab", reason="the pane tests generate PDFs with reportlab (pip install -e '.[test]')")

WORDS = ["the", "river", "city", "traders", "exchanged", "salt", "grain", "and", "cloth", "council", "decided"]
N_CTX = 1024     # small: the document is many times the context, so it is read in many chunks
PAGES = 16


@pytest.fixture(scope="session")
def tiny_model(models_dir):
    """The tiny chat model with the summariser's words in its vocabulary (as tests/summarize uses):
    the generic one spells the instructions letter by letter and leaves no room in a small context."""
    from tests.summarize.conftest import _instruction_words

    extra = ["\u2581" + w for w in _instruction_words()] + [".", ",", "[", "]", "\u2013", "(", ")", ":", "'"]
    assert not set(extra) & {"\u2581" + w for w in _WORDS}
    return make_tiny_gguf(models_dir / "tiny-summary-pane.gguf", chat_template=CHATML_TEMPLATE,
                          extra_tokens=extra, n_ctx=4096)


def make_report_pdf(path: Path, pages: int = PAGES, seed: int = 0) -> Path:
    """A multi-page English PDF (Helvetica), two paragraphs a page, page numbers in the text."""
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    c = canvas.Canvas(str(path))
    for n in range(1, pages + 1):
        y = 790
        c.setFont("Helvetica", 11)
        c.drawString(50, y, f"Page {n}.")
        y -= 22
        for _ in range(2):
            for _ in range(6):
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12)))
                c.drawString(50, y, words.capitalize() + ".")
                y -= 16
            y -= 10
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory):
    return make_report_pdf(tmp_path_factory.mktemp("summarize-docs") / "report.pdf")


# ---- helpers ---------------------------------------------------------------------------------------------

def drop_file(pane, path: Path) -> None:
    """A real drag-enter and drop of ``path`` on the pane (as the window system delivers it)."""
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(path))])
    pos = QtCore.QPointF(40, 40)
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    try:
        enter = QtGui.QDragEnterEvent(pos, *args)
    except TypeError:  # PySide6 before 6.12 takes a QPoint here
        enter = QtGui.QDragEnterEvent(pos.toPoint(), *args)
    QtWidgets.QApplication.sendEvent(pane, enter)
    assert enter.isAccepted(), "the pane accepts a dragged file"
    drop = QtGui.QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(pane, drop)
    assert drop.isAccepted()


def load_small(qtbot, win, pane, n_ctx: int = N_CTX) -> str:
    path = next(str(e.path) for e in win.picker.entries if e.path.name.startswith("tiny-chat"))
    win.load_model(path, {"n_ctx": n_ctx})
    qtbot.waitUntil(lambda: win.loaded_path == path and pane.model_info is not None, timeout=60000)
    assert pane.model_info["n_ctx"] == n_ctx
    return path


def planned(pane) -> bool:
    info = pane.document_info
    return bool(info and info.get("plan"))


def summary_under_way(qtbot, win, pane, document: Path) -> None:
    """The small-context model loaded, ``document`` planned, the summary started and its first part written."""
    load_small(qtbot, win, pane)
    pane.open_document(document)
    qtbot.waitUntil(lambda: planned(pane), timeout=60000)
    assert pane.start()
    qtbot.waitUntil(lambda: pane.parts.count_parts() >= 1, timeout=60000)


# ---- the whole flow --------------------------------------------------------------------------------------------

def test_drop_plan_start_cancel_resume_export(qtbot, main_window, report_pdf, tmp_path, monkeypatch):
    import docx

    import engine.documents

    reads: list[str] = []
    real_read = engine.documents.read_document

    def counting_read(path, **kwargs):
        reads.append(threading.get_ident())
        return real_read(path, **kwargs)

    monkeypatch.setattr(engine.documents, "read_document", counting_read)
    win = main_window
    pane = win.summarize_pane
    bridge = win.bridge
    assert win.tabs.tabText(1) == "Summarise" and win.tabs.widget(1) is pane   # after Chat
    assert win.tabs.tabText(0) == "Chat" and "Models" in [win.tabs.tabText(i) for i in range(win.tabs.count())]
    win.tabs.setCurrentWidget(pane)
    beat = Heartbeat()
    beat.start()
    load_small(qtbot, win, pane)

    # Drop → the document's pages, characters, tokens and the plan, before anything is generated.
    drop_file(pane, report_pdf)
    qtbot.waitUntil(lambda: planned(pane), timeout=60000)
    info = pane.document_info
    assert info["path"] == str(report_pdf) and info["pages"] == PAGES
    assert info["characters"] > 1000 and info["document_tokens"] > 4 * N_CTX
    assert not info["one_pass"] and info["chunks"] >= 8 and info["n_ctx"] == N_CTX
    header = pane.doc_label.text() + " " + pane.plan_label.text()
    assert f"{PAGES} pages" in header and f"{info['document_tokens']:,} tokens" in header
    assert f"{info['characters']:,} characters" in header
    assert f"{info['chunks']} chunks" in pane.plan_label.text()
    assert pane.banner.text == ""

    # (The test waits on the pane, never on bridge signals directly: those are emitted on the
    # bridge thread, where a waiting helper would run.)
    # A Cancel pressed before the bridge thread even starts the request still applies to it.
    assert pane.start()
    pane.cancel()
    qtbot.waitUntil(lambda: not pane.running, timeout=30000)
    assert pane.banner.text == "Stopped before the first part was finished; start again to begin."
    assert pane.parts.count_parts() == 0 and pane.last_result is None

    # Start → progress advances, partial summaries with their pages arrive, the step's text streams in.
    texts: list[str] = []
    bridge.summaryTextArrived.connect(texts.append)
    formats: list[str] = []
    pane.progress.valueChanged.connect(lambda _v: formats.append(pane.progress.format()))
    qtbot.mouseClick(pane.start_button, Qt.MouseButton.LeftButton)
    assert pane.running and pane.cancel_button.isEnabled() and not pane.start_button.isEnabled()
    qtbot.waitUntil(lambda: pane.progress.value() > 0 and pane.parts.count_parts() >= 2, timeout=60000)
    assert any(re.search(r"chunk \d+/%d" % info["chunks"], f) for f in formats + [pane.progress.format()])
    first = pane.parts.parts[(0, 0)]
    assert first["page_start"] == 1 and first["pages"].startswith(("p. 1", "pp. 1\u2013"))
    assert pane.progress.maximum() >= info["chunks"]

    # Cancel → immediate; the parts are kept and counted in the banner.
    qtbot.mouseClick(pane.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not pane.running, timeout=5000)
    kept = pane.parts.count_parts()
    assert 2 <= kept < info["chunks"], "cancelled midway"
    assert pane.banner.text == f"Stopped: {kept} parts kept; start again to resume."
    assert pane.banner.kind == "warning" and pane.last_result is None
    assert pane.start_button.isEnabled() and not pane.cancel_button.isEnabled()
    assert "Stopped" in pane.progress.format()
    assert texts, "the text of the steps streamed in"

    # Start again → resumes from the kept parts, then finishes: result shown with citations.
    with qtbot.waitSignal(pane.summaryShown, timeout=180000) as shown:
        qtbot.mouseClick(pane.start_button, Qt.MouseButton.LeftButton)
    result = pane.last_result
    assert result is not None and shown.args[0] == result["summary_id"]
    assert result["resumed_parts"] == kept, "the kept parts were not redone"
    assert result["chunks"] == info["chunks"] and result["pages"] == PAGES
    assert result["max_prompt_tokens"] <= N_CTX
    qtbot.waitUntil(lambda: not pane.running and pane.summary_id == result["summary_id"], timeout=10000)
    assert f"Read all {PAGES} pages in {info['chunks']} parts" in result["summary"]
    shown = pane.result.toPlainText()
    assert f"Read all {PAGES} pages" in shown and pane.result_stack.currentWidget() is pane.result
    assert pane.summary_text == result["summary"]
    assert pane.parts.count_parts() == len(result["parts"]) > info["chunks"]   # chunks + combining steps
    assert "Done in" in pane.progress.format() and f"{kept} parts resumed" in pane.progress.format()
    assert pane.copy_button.isEnabled() and pane.export_md_button.isEnabled()
    assert pane.banner.text == ""
    # The history lists it, finished.
    qtbot.waitUntil(lambda: result["summary_id"] in pane.history.ids(), timeout=5000)
    beat.stop()

    # Copy puts the summary on the clipboard.
    pane.copy_summary()
    assert QtWidgets.QApplication.clipboard().text() == result["summary"]

    # Export → Markdown and Word files holding the summary (written off the GUI thread).
    md, docx_path = tmp_path / "out" / "summary.md", tmp_path / "out" / "summary.docx"
    md.parent.mkdir()
    with qtbot.waitSignal(pane.exported, timeout=20000) as ex:
        pane.export_summary(md)
    assert ex.args[0] == str(md)
    text = md.read_text(encoding="utf-8")
    assert "# Summary of report.pdf" in text and f"Read all {PAGES} pages" in text
    assert result["summary"].split("\n\n")[-1] in text
    with qtbot.waitSignal(pane.exported, timeout=20000):
        pane.export_summary(docx_path, "docx")
    paragraphs = "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
    assert "Summary of report.pdf" in paragraphs and f"Read all {PAGES} pages" in paragraphs

    # The GUI thread kept running its timers throughout (load, read, plan, run, cancel, resume) ...
    assert beat.ticks > 0
    assert beat.max_gap < MAX_GUI_STALL_S, f"the GUI thread stalled for {beat.max_gap:.2f} s"
    # ... because reading, planning and summarising ran on the bridge thread.
    assert bridge.engine_thread_ident not in (None, threading.main_thread().ident)
    # The document was read once (on the bridge thread) for the plan and all three runs.
    assert reads == [bridge.engine_thread_ident]
    # Streamed text came batched: far fewer signals than generated tokens.
    assert len(texts) < max(result["completion_tokens"], 2)


# ---- history without a model ------------------------------------------------------------------------------------

def _store_summary(config, name="minutes.pdf", status="done") -> int:
    from engine.store import Store
    from engine.summarize.storage import SummaryStore

    with Store.open_default(config) as store:
        ss = SummaryStore(store)
        sid = ss.start("key-" + name, name, "0" * 64, "/models/m.gguf|1", {"length": "short", "form": "bullets",
                       "language": "en", "instruction": ""}, 512, 3, 900)
        ss.save_part(sid, 0, 0, "h0", 1, 2, "First part about the budget.", 100, 20, 0.1)
        ss.save_part(sid, 0, 1, "h1", 3, 3, "Second part about the staff.", 100, 20, 0.1)
        if status == "done":
            ss.finish(sid, "- The budget grew [pp. 1\u20132]\n- Staff were hired [p. 3]\n\n(Read all 3 pages.)",
                      {"seconds": 4.2})
        else:
            ss.mark(sid, status)
    return sid


def test_history_shows_deletes_and_exports(qtbot, main_window, tmp_path):
    win = main_window
    pane = win.summarize_pane
    win.show()
    qtbot.waitExposed(win)
    win.tabs.setCurrentWidget(pane)
    done_id = _store_summary(win.config)
    stopped_id = _store_summary(win.config, "notes.txt", status="cancelled")
    pane.refresh_history()
    assert pane.history.ids() == [stopped_id, done_id]   # newest first
    assert "stopped" in pane.history.item(0).text() and "notes.txt" in pane.history.item(0).text()

    # Clicking a finished one shows it, with clickable citations selecting the cited parts.
    item = pane.history.item(1)
    with qtbot.waitSignal(pane.summaryShown, timeout=5000):
        qtbot.mouseClick(pane.history.viewport(), Qt.MouseButton.LeftButton,
                         pos=pane.history.visualItemRect(item).center())
    assert pane.summary_id == done_id
    assert "The budget grew [pp. 1\u20132]" in pane.result.toPlainText()
    assert pane.result.toHtml().count(pane.result.citation_href(1, 2)) == 1
    assert pane.parts.count_parts() == 2
    assert pane.length_combo.currentData() == "short" and pane.form_combo.currentData() == "bullets"
    pane.result.anchorClicked.emit(QtCore.QUrl(pane.result.citation_href(3, 3)))
    assert [i.text(0) for i in pane.parts.selectedItems()] == ["p. 3"]
    assert pane.part_text.toPlainText() == "Second part about the staff."

    # A stopped one says how to resume; nothing to export.
    pane.show_summary(stopped_id)
    assert pane.summary_id is None and not pane.export_md_button.isEnabled()
    assert "was stopped after 2 parts" in pane.result.toPlainText()
    assert "Start" in pane.result.toPlainText()

    pane.show_summary(done_id)
    out = tmp_path / "minutes.md"
    with qtbot.waitSignal(pane.exported, timeout=20000):
        pane.export_summary(out)
    assert "Staff were hired [p. 3]" in out.read_text(encoding="utf-8")

    # An export that cannot be written: a banner with the sentence.
    pane.export_summary(tmp_path / "no-such-folder" / "x.md")
    qtbot.waitUntil(lambda: "Could not export the summary: cannot write" in pane.banner.text, timeout=20000)

    # Delete (off the GUI thread) → gone from the history and from the screen.
    with qtbot.waitSignal(pane.historyChanged, timeout=20000):
        pane.delete_summary(done_id)
    assert pane.history.ids() == [stopped_id]
    assert pane.summary_id is None and pane.parts.count_parts() == 0


# ---- errors ----------------------------------------------------------------------------------------------------

def test_corrupt_pdf_banner(qtbot, main_window, report_pdf, tmp_path):
    from engine.documents import read_document
    from engine.errors import BadInputError

    pane = main_window.summarize_pane
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(report_pdf.read_bytes()[:2000])
    with pytest.raises(BadInputError) as e:
        read_document(bad)
    drop_file(pane, bad)
    qtbot.waitUntil(lambda: bool(pane.banner.text), timeout=30000)
    assert pane.banner.text == str(e.value) and pane.banner.kind == "error"
    assert "broken.pdf" in pane.banner.text
    assert pane.path is None and pane.document_info is None   # nothing half-open
    assert not pane.start()
    # Another (good) document afterwards opens normally.
    txt = tmp_path / "memo.txt"
    txt.write_text("The council decided the river tax.\n\nThe traders exchanged salt.", encoding="utf-8")
    drop_file(pane, txt)
    qtbot.waitUntil(lambda: pane.document_info is not None, timeout=30000)
    assert pane.document_info["pages"] == 1 and pane.banner.text == ""


def test_unsupported_file_banner(qtbot, main_window, tmp_path):
    pane = main_window.summarize_pane
    odd = tmp_path / "sheet.xlsx"
    odd.write_bytes(b"PK\x03\x04 not really")
    drop_file(pane, odd)
    qtbot.waitUntil(lambda: bool(pane.banner.text), timeout=30000)
    assert pane.banner.text.startswith("sheet.xlsx: Hearth cannot read .xlsx files")


def test_no_model_loaded_banner(qtbot, main_window, tmp_path):
    from gui.bridge import NO_MODEL_MESSAGE

    pane = main_window.summarize_pane
    txt = tmp_path / "memo.txt"
    txt.write_text("The council decided the river tax.\n\nThe traders exchanged salt.", encoding="utf-8")
    drop_file(pane, txt)
    qtbot.waitUntil(lambda: pane.document_info is not None, timeout=30000)
    # Without a model: pages and characters, and what is missing for the tokens and the plan.
    assert pane.document_info["document_tokens"] is None and pane.document_info["plan"] is None
    assert "1 page" in pane.doc_label.text() and "Load a model" in pane.plan_label.text()
    qtbot.mouseClick(pane.start_button, Qt.MouseButton.LeftButton)
    assert pane.banner.text == "Load a model first: pick one above and press Load."
    assert not pane.running
    # The bridge refuses too (a request that slipped past the pane), with the same sentence.
    pane.banner.dismiss()
    main_window.bridge.summarizeRequested.emit(str(txt), pane.options(), False)
    qtbot.waitUntil(lambda: bool(pane.banner.text), timeout=30000)
    assert pane.banner.text == NO_MODEL_MESSAGE


def test_closing_the_window_mid_run_keeps_the_parts(qtbot, main_window, report_pdf):
    import time

    from engine.store import Store
    from engine.summarize.storage import SummaryStore

    win = main_window
    pane = win.summarize_pane
    summary_under_way(qtbot, win, pane, report_pdf)
    t0 = time.monotonic()
    win.close()   # shuts the window down: the summary is stopped, not waited for
    assert time.monotonic() - t0 < 5.0
    assert not win.engine.thread.isRunning() and not win.bridge.client.alive
    with Store.open_default(win.config) as store:
        rows = SummaryStore(store).list()
        assert [r["status"] for r in rows] == ["cancelled"]
        assert len(SummaryStore(store).parts(rows[0]["id"])) >= pane.parts.count_parts()


def test_model_process_dying_mid_run_is_a_banner_and_start_resumes(qtbot, main_window, report_pdf):
    import os

    win = main_window
    pane = win.summarize_pane
    summary_under_way(qtbot, win, pane, report_pdf)
    os.kill(win.bridge.client.pid, 9)
    qtbot.waitUntil(lambda: not pane.running, timeout=30000)
    kept = pane.parts.count_parts()
    assert "model process stopped" in pane.banner.text and pane.banner.kind == "error"
    assert pane.banner.text.endswith("The parts already summarised are kept; start again to resume.")
    assert pane.start_button.isEnabled() and pane.last_result is None
    # Start again: the model is loaded again by itself and the kept parts are not redone.
    with qtbot.waitSignal(pane.summaryShown, timeout=180000):
        assert pane.start()
    assert pane.last_result["resumed_parts"] == kept >= 1
    assert f"Read all {PAGES} pages" in pane.result.toPlainText()


def test_a_chat_message_sent_during_a_summary_says_it_waits_and_is_answered_after(qtbot, main_window, report_pdf):
    """One model process answers one request at a time: a chat message sent while a summary is written
    gets an info banner saying why its reply waits, and is answered once the summary is stopped."""
    win = main_window
    pane = win.summarize_pane
    summary_under_way(qtbot, win, pane, report_pdf)
    assert win.bridge.summary_running
    win.show_pane("chat")
    with qtbot.waitSignal(win.chat.replyFinished, timeout=120000) as sig:
        win.chat.send("hello while summarising")
        assert not win.banner.isHidden()
        assert "The model is writing a summary" in win.banner.text
        pane.cancel()
    assert sig.args[0].get("finish_reason") in ("stop", "length")
    assert not win.bridge.summary_running


# ---- small models: base models named, unusable replies marked -------------------------------------------

def test_a_base_model_is_named_in_the_pane_before_running(qtbot, main_window, tiny_base_model):
    win = main_window
    pane = win.summarize_pane
    assert pane.base_note.isHidden()
    win.load_model(str(tiny_base_model), {"n_ctx": 512})
    qtbot.waitUntil(lambda: pane.model_info is not None, timeout=60000)
    assert not pane.base_note.isHidden(), "shown as soon as the model is loaded, before any Start"
    text = pane.base_note.text()
    assert text.startswith("tiny-base is a base model (it has no chat template)")
    assert "Qwen2.5 0.5B Instruct" in text, "names the suggested instruction-tuned models"
    load_small(qtbot, win, pane)   # an instruction-tuned model: the note goes
    qtbot.waitUntil(lambda: pane.base_note.isHidden(), timeout=10000)


def test_parts_that_needed_a_second_try_or_an_extract_are_marked(qtbot, main_window):
    pane = main_window.summarize_pane
    pane.parts.set_parts([
        {"level": 0, "position": 0, "page_start": 1, "page_end": 2, "text": "- Salt [p. 1]", "note": "", "reason": ""},
        {"level": 0, "position": 1, "page_start": 3, "page_end": 4, "text": "- Grain [p. 3]", "note": "retried",
         "reason": "loop"},
        # as the database gives a stored part back
        {"level": 0, "position": 2, "page_start": 5, "page_end": 6, "text": "- Cloth [p. 5]",
         "flags": "extractive:copy"},
    ])
    items = pane.parts._items
    assert items[(0, 0)].text(0) == "pp. 1\u20132" and items[(0, 0)].toolTip(0) == ""
    assert items[(0, 1)].text(0) == "pp. 3\u20134 · retried"
    assert "went round in a loop" in items[(0, 1)].toolTip(0)
    assert items[(0, 2)].text(0) == "pp. 5\u20136 · extract" and "copied its text" in items[(0, 2)].toolTip(0)
    pane._show_part(pane.parts.parts[(0, 2)])
    assert pane.part_label.text().endswith("[pp. 5\u20136] · extract")
    assert pane.part_label.toolTip().startswith("An extract: the model's replies were unusable (it copied its text)")
    pane._show_result("report.pdf", "- Salt [p. 1]\n\n(Read all 6 pages in 3 parts; 900 tokens.)",
                      stats={"degenerate_parts": 2, "retried_parts": 1, "extractive_parts": 1,
                             "facts": {"kept": ["Salt"], "dropped": ["$41.5 million", "3 March 2027"]}})
    assert not pane.quality_label.isHidden()
    assert pane.quality_label.text() == ("Unusable replies: 2 (1 written again, 1 replaced by extracts; marked in "
                                         "the parts). Facts not in the summary: $41.5 million, 3 March 2027")
    pane._show_result("report.pdf", "- Salt [p. 1]", stats={"degenerate_parts": 0, "facts": {"dropped": []}})
    assert pane.quality_label.isHidden()
