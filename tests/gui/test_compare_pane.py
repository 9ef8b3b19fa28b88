"""The Compare pane end to end with two tiny models: side by side with stats, blind votes that
hide every name until the vote, the leaderboard, a question set, a broken model in one column —
and the GUI thread never stalls."""

from __future__ import annotations

import json
import threading

import pytest

from gui.qt import QtWidgets, Qt
from tests.gui.test_chat_window import MAX_GUI_STALL_S, Heartbeat
from tests.tiny_gguf import truncated_copy

RUN_TIMEOUT_MS = 120000


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    """A private core-budget folder: hosts of other test runs on this machine do not count."""
    monkeypatch.setenv("HEARTH_RUNTIME_DIR", str(tmp_path / "run"))
    return tmp_path / "run"


@pytest.fixture
def pane(qtbot, main_window, runtime):
    win = main_window
    p = win.compare_pane
    win.tabs.setCurrentWidget(p)
    win.show()
    qtbot.waitExposed(win)
    # The library reached the pane: its first two rows hold the two tiny models.
    qtbot.waitUntil(lambda: len(p.specs()) == 2, timeout=60000)
    p.sampling_overrides = {"ignore_eos": True}   # random tiny weights: always write max_tokens
    p.max_tokens.setValue(40)
    return p


def library_paths(win) -> dict[str, str]:
    return {e.path.stem: str(e.path) for e in win.picker.entries}


def start_run(qtbot, pane, prompt="Write about the river."):
    pane.prompt_edit.setPlainText(prompt)
    with qtbot.waitSignal(pane.runFinished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)


def visible_texts(win, pane) -> list[str]:
    """Every text a user can see or hover in the pane (labels, buttons, fields, combo items,
    table cells, tooltips), the window title and the status bar."""
    out = [win.windowTitle(), win.statusBar().currentMessage()]
    for w in [pane] + pane.findChildren(QtWidgets.QWidget):
        if not w.isVisible():
            continue
        out.append(w.toolTip())
        out.append(w.windowTitle())
        if isinstance(w, (QtWidgets.QLabel, QtWidgets.QAbstractButton, QtWidgets.QLineEdit)):
            out.append(w.text())
        if isinstance(w, (QtWidgets.QPlainTextEdit, QtWidgets.QTextEdit)):
            out.append(w.toPlainText())
            out.append(w.placeholderText())
        if isinstance(w, QtWidgets.QComboBox):
            for i in range(w.count()):
                out += [w.itemText(i), str(w.itemData(i, Qt.ItemDataRole.ToolTipRole) or "")]
        if isinstance(w, QtWidgets.QTabWidget):
            out += [w.tabText(i) for i in range(w.count())] + [w.tabToolTip(i) for i in range(w.count())]
        if isinstance(w, QtWidgets.QAbstractItemView) and w.model() is not None:
            m = w.model()
            for r in range(m.rowCount()):
                for c in range(m.columnCount()):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        out.append(str(m.data(m.index(r, c), role) or ""))
            for c in range(m.columnCount()):
                out.append(str(m.headerData(c, Qt.Orientation.Horizontal) or ""))
    return [t for t in out if t]


# ---- side by side ----------------------------------------------------------------------------------------

def test_two_models_side_by_side_fill_with_text_and_stats(qtbot, main_window, pane):
    win = main_window
    assert [win.tabs.tabText(i) for i in range(win.tabs.count())] == ["Chat", "Summarise", "Compare", "Models", "Ask"]
    paths = library_paths(win)
    pane.set_models([paths["tiny-chat"], paths["tiny-long"]])
    # The plan sentence is there before anything runs (planned on the data thread).
    qtbot.waitUntil(lambda: pane.plan_label.text().startswith("Plan: "), timeout=30000)
    assert pane.data.thread_ident not in (None, threading.get_ident())
    beat = Heartbeat()
    beat.start()
    start_run(qtbot, pane)
    beat.stop()
    assert len(pane.columns) == 2
    assert [c.title.text() for c in pane.columns] == ["tiny-chat", "tiny-long"]
    for col, r in zip(pane.columns, pane.last_run["results"]):
        assert r["error"] is None and r["completion_tokens"] == 40
        assert col.state == "done" and col.received == r["text"] != "" and col.text.toPlainText()
        assert col.stats["gen_tok_s"] > 0 and col.stats["peak_rss_bytes"] > 0 and col.stats["load_s"] > 0
        stats = col.stats_label.text()
        assert "tok/s" in stats and "Peak memory" in stats and "40 out" in stats and "MB" in stats
    plan = pane.plan_label.text()
    assert plan.startswith("Plan: at the same time") or plan.startswith("Plan: one after another")
    assert "Done in" in pane.run_status.text() and "seed" in pane.run_status.text()
    assert pane.runs.thread_ident not in (None, threading.get_ident())   # the run ran on the run thread
    assert not pane.vote_bar.isVisible()      # votes are for blind runs
    assert beat.ticks > 10 and beat.max_gap < MAX_GUI_STALL_S, f"GUI thread stalled {beat.max_gap:.2f} s"


def test_a_broken_model_shows_its_error_in_its_column_while_the_other_finishes(qtbot, main_window, pane, tmp_path):
    win = main_window
    bad = truncated_copy(library_paths(win)["tiny-chat"], tmp_path / "broken-model.gguf")
    pane.set_models([str(bad), library_paths(win)["tiny-long"]])
    pane.order_combo.setCurrentIndex(pane.order_combo.findData("parallel"))
    beat = Heartbeat()
    beat.start()
    start_run(qtbot, pane)
    beat.stop()
    broken, good = pane.columns
    assert broken.title.text() == "broken-model"
    assert broken.state == "failed" and broken.error.isVisible()
    assert "truncated" in broken.error.text()
    assert broken.text.toPlainText() == ""
    assert good.state == "done" and good.text.toPlainText() and good.stats["completion_tokens"] == 40
    assert not good.error.isVisible()
    assert pane.plan_label.text().startswith("Plan: at the same time, as chosen")
    assert beat.max_gap < MAX_GUI_STALL_S, f"GUI thread stalled {beat.max_gap:.2f} s"


def test_cancel_stops_every_column(qtbot, main_window, pane):
    paths = library_paths(main_window)
    pane.set_models([paths["tiny-long"], paths["tiny-long"]])
    pane.max_tokens.setValue(30000)
    pane.order_combo.setCurrentIndex(pane.order_combo.findData("parallel"))
    pane.prompt_edit.setPlainText("go on")
    with qtbot.waitSignal(pane.runFinished, timeout=RUN_TIMEOUT_MS):
        pane.run()
        qtbot.waitUntil(lambda: all(len(c.text.toPlainText()) > 20 for c in pane.columns), timeout=60000)
        qtbot.mouseClick(pane.cancel_button, Qt.MouseButton.LeftButton)
    assert pane.last_run["cancelled"]
    assert [c.title.text() for c in pane.columns] == ["tiny-long", "tiny-long (2)"]
    for col, r in zip(pane.columns, pane.last_run["results"]):
        assert r["finish_reason"] == "cancelled" and 0 < r["completion_tokens"] < 30000
        assert col.state == "stopped" and col.received == r["text"]
    assert "Stopped" in pane.run_status.text()
    assert pane.run_button.isEnabled() and not pane.cancel_button.isEnabled()


@pytest.fixture
def locked_policy(hearth_home):
    """The administrator locks the temperature, the context size and the reply length."""
    (hearth_home / "policy.json").write_text(json.dumps(
        {"locked_settings": {"temperature": 0.2, "n_ctx": 2048, "max_tokens": 24}}), encoding="utf-8")


def test_settings_the_administrator_locked_are_shown_and_applied(locked_policy, qtbot, main_window, runtime):
    pane = main_window.compare_pane
    qtbot.waitUntil(lambda: len(pane.specs()) == 2, timeout=60000)
    assert not pane.temperature.isEnabled() and pane.temperature.value() == pytest.approx(0.2)
    assert not pane.max_tokens.isEnabled() and pane.max_tokens.value() == 24
    assert all(not r.ctx.isEnabled() and r.ctx.value() == 2048 for r in pane.model_rows)
    assert pane.seed.isEnabled() and pane.model_rows[0].gpu.isEnabled()
    pane.sampling_overrides = {"ignore_eos": True, "max_tokens": 5000}   # a locked value wins even so
    start_run(qtbot, pane)
    for r in pane.last_run["results"]:
        assert r["error"] is None and r["completion_tokens"] == 24 and r["n_ctx"] == 2048


# ---- blind votes and the leaderboard ---------------------------------------------------------------------

def test_blind_run_hides_names_until_the_vote_then_reveals_stores_and_ranks(qtbot, main_window, pane):
    from engine.compare.votes import VoteStore
    from engine.store import Store

    win = main_window
    paths = library_paths(win)
    names = ("tiny-chat", "tiny-long")
    pane.set_models([paths["tiny-chat"], paths["tiny-long"]])
    pane.blind_box.setChecked(True)
    pane.tags_edit.setText("office")
    assert pane.board_table.rowCount() == 0

    def assert_hidden():
        texts = visible_texts(win, pane)
        leaks = [t for t in texts if any(n in t for n in names) or "gguf" in t.lower()]
        assert not leaks, f"model names visible before the vote: {leaks}"

    beat = Heartbeat()
    beat.start()
    pane.prompt_edit.setPlainText("Which is better?")
    with qtbot.waitSignal(pane.runFinished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
        assert_hidden()     # while it runs, too
    assert [c.title.text() for c in pane.columns] == ["Model A", "Model B"]
    assert all(c.state == "done" and c.text.toPlainText() for c in pane.columns)
    assert pane.vote_bar.isVisible() and pane.vote_buttons["a"].isEnabled()
    assert pane.vote_buttons["a"].text() == "A is better" and pane.vote_buttons["b"].text() == "B is better"
    assert not pane.models_box.isVisible() and pane.blind_note.isVisible()
    assert_hidden()
    # The other tabs of the pane hide nothing they should not show either.
    for i in range(pane.tabs.count()):
        pane.tabs.setCurrentIndex(i)
        assert_hidden()
    pane.tabs.setCurrentIndex(0)

    column_models = pane.round.column_models()      # the test may look; the screen may not
    with qtbot.waitSignal(pane.leaderboardShown, timeout=60000):
        with qtbot.waitSignal(pane.voted, timeout=30000) as voted:
            qtbot.mouseClick(pane.vote_buttons["a"], Qt.MouseButton.LeftButton)
    beat.stop()
    # Revealed: the names are in the titles, the model choices are back.
    assert pane.round.revealed
    assert [c.title.text() for c in pane.columns] == [f"Model A: {column_models[0]}", f"Model B: {column_models[1]}"]
    assert pane.models_box.isVisible() and not pane.blind_note.isVisible()
    assert not pane.vote_buttons["a"].isVisible()
    assert column_models[0] in pane.vote_label.text() and column_models[1] in pane.vote_label.text()
    # The vote is in the database with the real models and sides, linked to the stored comparison.
    store = Store(win.config.paths.database)
    try:
        rows = VoteStore(store).list_votes()
    finally:
        store.close()
    assert len(rows) == 1 and rows[0]["id"] == voted.args[0]
    assert (rows[0]["model_a"], rows[0]["model_b"], rows[0]["outcome"]) == (column_models[0], column_models[1], "a")
    assert rows[0]["comparison_id"] == pane.last_run["comparison_id"] and rows[0]["tags"] == "office"
    # The leaderboard refitted: two models, the winner first.
    t = pane.board_table
    assert t.rowCount() == 2
    assert t.item(0, 1).text() == column_models[0] and t.item(1, 1).text() == column_models[1]
    assert t.item(0, 4).text() == "1" and t.item(0, 5).text() == "1 / 0 / 0"
    assert "–" in t.item(0, 3).text()
    assert "1 vote" in pane.board_line.text() and "Left column won 100% of 1 decisive vote" in pane.board_line.text()
    assert pane.leaderboard.resamples == 1000
    assert [pane.tag_combo.itemText(i) for i in range(pane.tag_combo.count())] == ["All votes", "office"]
    assert beat.max_gap < MAX_GUI_STALL_S, f"GUI thread stalled {beat.max_gap:.2f} s"


def test_blind_error_texts_stay_hidden_until_the_reveal_and_votes_export(qtbot, main_window, pane, tmp_path):
    win = main_window
    bad = truncated_copy(library_paths(win)["tiny-chat"], tmp_path / "secret-name.gguf")
    pane.set_models([str(bad), library_paths(win)["tiny-long"]])
    pane.blind_box.setChecked(True)
    start_run(qtbot, pane)
    failed = next(i for i, c in enumerate(pane.columns) if c.state == "failed")
    err = pane.columns[failed].error.text()
    assert err.startswith(f"Model {'AB'[failed]} could not answer") and "secret" not in err
    texts = visible_texts(win, pane)
    assert not [t for t in texts if "secret-name" in t or "tiny-long" in t]
    with qtbot.waitSignal(pane.revealed, timeout=5000):
        qtbot.mouseClick(pane.reveal_button, Qt.MouseButton.LeftButton)
    assert "truncated" in pane.columns[failed].error.text()
    assert pane.columns[failed].title.text().endswith("secret-name")
    # No vote was cast: nothing to export but the header.
    out = tmp_path / "votes.csv"
    with qtbot.waitSignal(pane.votesExported, timeout=30000):
        pane.export_votes(str(out))
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("id,created_at,model_a,model_b")


def test_blind_with_three_columns_votes_pairs_then_reveals_and_filters_by_tag(qtbot, main_window, pane, tmp_path):
    import shutil

    from engine.compare.votes import VoteStore
    from engine.store import Store

    win = main_window
    paths = library_paths(win)
    third = tmp_path / "tiny-third.gguf"
    shutil.copy(paths["tiny-chat"], third)
    pane.set_models([paths["tiny-chat"], paths["tiny-long"], str(third)])
    pane.blind_box.setChecked(True)
    pane.tags_edit.setText("hr")
    start_run(qtbot, pane)
    assert [c.title.text() for c in pane.columns] == ["Model A", "Model B", "Model C"]
    texts = visible_texts(win, pane)
    assert not [t for t in texts if "tiny-" in t or "gguf" in t.lower()]
    assert pane.pair_left.isVisible() and pane.reveal_button.text() == "Reveal"
    column_models = pane.round.column_models()
    # A vs C: C better (stored with the real sides: A left, C right).
    pane.pair_left.setCurrentText("A")
    pane.pair_right.setCurrentText("C")
    assert pane.vote_buttons["b"].text() == "C is better"
    with qtbot.waitSignal(pane.voted, timeout=30000):
        qtbot.mouseClick(pane.vote_buttons["b"], Qt.MouseButton.LeftButton)
    assert not pane.round.revealed and pane.columns[0].title.text() == "Model A"
    assert not pane.vote_buttons["a"].isEnabled()          # that pair has its vote
    pane.pair_left.setCurrentText("B")
    assert pane.vote_buttons["a"].isEnabled()
    with qtbot.waitSignal(pane.voted, timeout=30000):
        qtbot.mouseClick(pane.vote_buttons["tie"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(pane.revealed, timeout=5000):
        qtbot.mouseClick(pane.reveal_button, Qt.MouseButton.LeftButton)
    assert [c.title.text() for c in pane.columns] == [f"Model {lab}: {m}" for lab, m in zip("ABC", column_models)]
    store = Store(win.config.paths.database)
    try:
        rows = VoteStore(store).list_votes()
    finally:
        store.close()
    assert [(r["model_a"], r["model_b"], r["outcome"], r["tags"]) for r in rows] == [
        (column_models[0], column_models[2], "b", "hr"), (column_models[1], column_models[2], "tie", "hr")]
    # The leaderboard: three models, C (a win and a tie) first.
    qtbot.waitUntil(lambda: pane.board_table.rowCount() == 3, timeout=30000)
    assert pane.board_table.item(0, 1).text() == column_models[2]
    # A vote with another tag (from the CLI, say): all votes show five models, the tag filter three.
    store = Store(win.config.paths.database)
    try:
        VoteStore(store).add_vote("other-x", "other-y", "a", tags="legal")
    finally:
        store.close()
    with qtbot.waitSignal(pane.leaderboardShown, timeout=30000):
        qtbot.mouseClick(pane.refresh_button, Qt.MouseButton.LeftButton)
    assert pane.board_table.rowCount() == 5
    assert [pane.tag_combo.itemText(i) for i in range(pane.tag_combo.count())] == ["All votes", "hr", "legal"]
    with qtbot.waitSignal(pane.leaderboardShown, timeout=30000):
        pane.tag_combo.setCurrentIndex(pane.tag_combo.findData("hr"))
    assert pane.board_table.rowCount() == 3 and "tagged 'hr'" in pane.board_line.text()
    assert {pane.board_table.item(r, 1).text() for r in range(3)} == set(column_models)


# ---- question sets ---------------------------------------------------------------------------------------------

def test_question_set_run_fills_the_results_table(qtbot, main_window, pane, tmp_path):
    rows = [
        {"id": "q1", "prompt": "say something", "expected": r"[\s\S]", "rule": "regex"},
        {"id": "q2", "prompt": "the word", "expected": "qqqzzzqqq", "rule": "contains"},
        {"id": "q3", "prompt": "a number", "expected": "123456789", "rule": "numeric"},
    ]
    qfile = tmp_path / "tiny-set.jsonl"
    qfile.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    pane.tabs.setCurrentIndex(1)
    pane.eval_max_tokens.setValue(16)
    pane.add_question_set(str(qfile))
    qtbot.waitUntil(lambda: pane.set_info.text().startswith("3 questions"), timeout=30000)
    beat = Heartbeat()
    beat.start()
    with qtbot.waitSignal(pane.evalFinished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(pane.eval_button, Qt.MouseButton.LeftButton)
    beat.stop()
    out = pane.last_eval
    assert out is not None and not out["cancelled"]
    t = pane.results_table
    assert t.rowCount() == 3 and t.columnCount() == 3 + 2
    assert [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())] == \
        ["ID", "Question", "Expected", "tiny-chat", "tiny-long"]
    for r in range(3):
        for c in (3, 4):
            cell = t.item(r, c)
            assert cell is not None and cell.text()[0] in "✓✗"
    # Row q1 matches anything: ✓ for both models; q2 no answer contains the nonsense word.
    assert t.item(0, 3).text().startswith("✓") and t.item(1, 4).text().startswith("✗")
    assert pane.score_table.rowCount() == 2
    for i, m in enumerate(out["models"]):
        assert m["total"] == 3 and pane.score_table.item(i, 3).text() == f"{m['correct']} / 3"
        assert "%" in pane.score_table.item(i, 2).text()
    assert [s["model"] for s in pane.chart.scores] == ["tiny-chat", "tiny-long"]
    assert "Done: 6 answers" in pane.eval_progress.format()
    assert beat.max_gap < MAX_GUI_STALL_S, f"GUI thread stalled {beat.max_gap:.2f} s"


def test_a_bad_question_file_is_one_sentence_naming_the_line(qtbot, main_window, pane, tmp_path):
    qfile = tmp_path / "bad.jsonl"
    qfile.write_text('{"id": "1", "prompt": "p", "expected": "e", "rule": "exact"}\n{"id": "2"}\n', encoding="utf-8")
    pane.tabs.setCurrentIndex(1)
    pane.add_question_set(str(qfile))
    qtbot.waitUntil(lambda: pane.banner.text != "", timeout=30000)
    assert "line 2" in pane.banner.text and pane.banner.kind == "error"


def test_a_plan_asked_just_before_run_does_not_replace_the_runs_plan(qtbot, main_window, pane):
    """Models chosen, then Run at once: the plan still waiting for its debounce is dropped, and a plan asked
    during the run leaves the run's own plan on screen (it used to turn back to "Planning…")."""
    paths = library_paths(main_window)
    pane.set_models([paths["tiny-long"], paths["tiny-chat"]])   # starts the debounced plan request
    pane.order_combo.setCurrentIndex(pane.order_combo.findData("parallel"))
    pane.prompt_edit.setPlainText("Write about the river.")
    with qtbot.waitSignal(pane.runFinished, timeout=RUN_TIMEOUT_MS):
        pane.run()
        assert not pane._plan_timer.isActive()      # the pending request is dropped with the run
        qtbot.waitUntil(lambda: pane.plan_label.text().startswith("Plan: "), timeout=RUN_TIMEOUT_MS)
        pane.request_plan()                         # asked while the run goes: nothing changes
        assert pane.plan_label.text().startswith("Plan: ")
    assert pane.plan_label.text().startswith("Plan: at the same time, as chosen")


def test_a_cpu_whose_kernels_die_still_compares_and_the_pane_says_it_once(qtbot, main_window, pane, monkeypatch):
    """As on an AMX CPU (the test switch): each model's process dies at its first decode, is loaded again
    with extra buffer types off, both columns answer, and one info banner says what was switched off."""
    from engine.host import cpu_fallback

    monkeypatch.setenv(cpu_fallback.TEST_SWITCH, "decode")
    pane.max_tokens.setValue(4)
    start_run(qtbot, pane)
    assert [c.stats.get("completion_tokens") for c in pane.columns] == [4, 4], [c.stats for c in pane.columns]
    assert pane.banner.kind == "info" and "illegal instruction" in pane.banner.text
