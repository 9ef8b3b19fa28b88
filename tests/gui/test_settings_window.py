"""Preferences (Ctrl+,): each setting is saved where the CLI reads it and takes effect; settings the
administrator locked are disabled with the reason; clearing stored chats asks first with the counts."""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from engine import logs
from engine.config import AppConfig
from engine.store import Store
from gui.qt import QtWidgets, Qt
from gui.settings import appearance
from tests.gui.conftest import load
from tests.hub.conftest import memory_keyring  # noqa: F401 (fixture: the token control's keyring)


@pytest.fixture(autouse=True)
def restore_look(qapp, memory_keyring):  # noqa: F811
    """Theme and font changes are application-wide: put them back after each test."""
    yield
    appearance.apply_theme(qapp, "system")
    appearance.apply_font_size(qapp, 0)


def prefs(qtbot, win):
    win.show_preferences()
    w = win.settings_window
    qtbot.waitUntil(lambda: w.isVisible(), timeout=5000)
    return w


def saved(key):
    return AppConfig.load().settings.get(key)     # a fresh read of settings.json, as the CLI does


def test_ctrl_comma_opens_preferences(qtbot, main_window):
    act = main_window.actions_by_name["preferences"]
    keys = [k.toString() for k in act.shortcuts()]
    assert "Ctrl+," in keys
    main_window.show()
    qtbot.waitExposed(main_window)
    main_window.activateWindow()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is main_window, timeout=5000)
    assert main_window.settings_window is None
    qtbot.keyClick(main_window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main_window.settings_window is not None and main_window.settings_window.isVisible(),
                    timeout=5000)


def test_theme_persists_and_changes_the_palette(qtbot, main_window):
    app = QtWidgets.QApplication.instance()
    w = prefs(qtbot, main_window)
    assert not appearance.is_dark(app)
    w.theme.setCurrentIndex(w.theme.findData("dark"))
    assert saved("theme") == "dark"
    hints = app.styleHints()
    assert hints.colorScheme() == Qt.ColorScheme.Dark or appearance.is_dark(app)
    assert appearance.is_dark(app)
    assert main_window.actions_by_name["theme_dark"].isChecked()     # the View menu follows
    main_window.actions_by_name["theme_light"].trigger()             # and the menu changes it back
    assert saved("theme") == "light" and not appearance.is_dark(app)
    assert w.theme.currentData() == "light"


def test_font_size_persists_and_changes_the_app_font(qtbot, main_window):
    app = QtWidgets.QApplication.instance()
    w = prefs(qtbot, main_window)
    w.font_size.setValue(15)
    assert saved("font_size") == 15 and app.font().pointSizeF() == 15
    main_window.actions_by_name["font_bigger"].trigger()
    assert saved("font_size") == 16 and app.font().pointSizeF() == 16 and w.font_size.value() == 16
    main_window.actions_by_name["font_default"].trigger()
    assert saved("font_size") == 0 and app.font().pointSizeF() == appearance.base_font_size(app)


def test_threads_and_default_sampling_reach_the_load_and_new_chats(qtbot, main_window):
    w = prefs(qtbot, main_window)
    w.threads.setValue(1)
    w.sampling_fields["temperature"].setValue(0.3)
    w.ctx.setValue(1024)
    assert saved("load")["n_threads"] == 1 and saved("load")["n_ctx"] == 1024
    assert saved("sampling")["temperature"] == pytest.approx(0.3)
    requested = []
    # Direct: recorded on the emitting (GUI) thread as it is asked. A plain lambda connected to a bridge
    # signal would run later on the bridge thread (gui/bridge.py), racing this test's assertion.
    main_window.bridge.loadRequested.connect(lambda path, opts: requested.append(opts),
                                             Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(main_window.bridge.loaded, timeout=60000) as sig:
        load(qtbot, main_window)
    assert requested[-1]["n_threads"] == 1 and requested[-1]["n_ctx"] == 1024
    assert sig.args[0]["threads"] == 1                        # the host ran with one thread
    # A new conversation starts from the Preferences' defaults.
    main_window.chat.new_conversation()
    assert main_window.chat.sampling.temperature == pytest.approx(0.3)


def test_debug_logging_toggles_the_logger_level(qtbot, main_window, hearth_home):
    w = prefs(qtbot, main_window)
    try:
        w.debug.setChecked(True)
        assert saved("debug_logging") is True
        assert logs.is_debug() and logging.getLogger("engine").level == logging.DEBUG
        w.debug.setChecked(False)
        assert saved("debug_logging") is False
        assert not logs.is_debug() and logging.getLogger("engine").level == logging.INFO
    finally:
        logs.shutdown_logging()


def test_model_folders_add_and_remove(qtbot, main_window, tmp_path, tiny_model):
    folder = tmp_path / "more-models"
    folder.mkdir()
    shutil.copy(tiny_model, folder / "extra-model.gguf")
    w = prefs(qtbot, main_window)
    assert w.add_folder(folder)
    assert saved("extra_model_dirs") == [str(folder)]
    qtbot.waitUntil(lambda: any(e.path.name == "extra-model.gguf" for e in main_window.picker.entries),
                    timeout=30000)
    kinds = [w.folders.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(w.folders.topLevelItemCount())]
    assert kinds == ["library", "folder"]
    w.folders.setCurrentItem(w.folders.topLevelItem(0))
    assert not w.remove_folder_button.isEnabled()              # Hearth's own folder cannot be removed
    w.folders.setCurrentItem(w.folders.topLevelItem(1))
    assert w.remove_folder_button.isEnabled()
    w.remove_folder_button.click()
    assert saved("extra_model_dirs") == []
    assert (folder / "extra-model.gguf").is_file()             # removing a folder deletes nothing
    qtbot.waitUntil(lambda: not any(e.path.name == "extra-model.gguf" for e in main_window.picker.entries),
                    timeout=30000)


def test_locked_settings_are_disabled_with_the_reason(qtbot, hearth_home, tiny_model, tmp_path):
    from gui.app import MainWindow

    shared = tmp_path / "shared"
    shared.mkdir()
    (hearth_home / "policy.json").write_text(json.dumps({
        "locked_settings": {"temperature": 0.2, "debug_logging": False}, "hidden_settings": ["seed"],
        "extra_model_dirs": [str(shared)]}))
    (hearth_home / "config").mkdir(exist_ok=True)
    (hearth_home / "config" / "settings.json").write_text(json.dumps({"sampling": {"temperature": 1.5}}))
    win = MainWindow(AppConfig.load(), auto_load=False)
    qtbot.addWidget(win)
    try:
        w = prefs(qtbot, win)
        t = w.sampling_fields["temperature"]
        assert not t.isEnabled() and t.value() == pytest.approx(0.2)     # the policy's value, not 1.5
        assert t.toolTip() == "Managed by your administrator"
        form_label = w.generation_form.labelForField(t)
        assert form_label.toolTip() == "Managed by your administrator"
        assert "managed by your administrator" in w.generation_note.text()
        assert w.sampling_fields["top_p"].isEnabled()
        assert not w.debug.isEnabled() and not w.debug.isChecked()
        assert w.debug.toolTip() == "Managed by your administrator"
        assert w.seed.isHidden()
        shared_rows = [w.folders.topLevelItem(i) for i in range(w.folders.topLevelItemCount())
                       if w.folders.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == "shared"]
        assert [r.text(0) for r in shared_rows] == [str(shared)]
        w.folders.setCurrentItem(shared_rows[0])
        assert not w.remove_folder_button.isEnabled()
        assert shared_rows[0].toolTip(0) == "Managed by your administrator"
        w.sampling_fields["top_p"].setValue(0.5)              # saving never stores the locked one
        assert "temperature" not in saved("sampling") and saved("sampling")["top_p"] == pytest.approx(0.5)
    finally:
        win.shutdown()


def _chats(home, n):
    cfg = AppConfig.load()
    with Store(cfg.paths.database) as s:
        for i in range(n):
            cid = s.create_conversation(title=f"chat {i}")
            s.add_message(cid, "user", "hello")
            s.add_message(cid, "assistant", "hi there")


def _count_chats():
    with Store(AppConfig.load().paths.database) as s:
        return len(s.list_conversations())


def test_clear_chats_asks_with_the_counts_and_deletes_only_after_yes(qtbot, hearth_home, tiny_model):
    from gui.app import MainWindow

    _chats(hearth_home, 3)
    win = MainWindow(AppConfig.load(), auto_load=False)
    qtbot.addWidget(win)
    try:
        qtbot.waitUntil(lambda: win.chat.sidebar.list.count() == 3, timeout=10000)
        w = prefs(qtbot, win)
        qtbot.waitUntil(lambda: w.counts.get("chats") == 3, timeout=10000)
        assert w.count_labels["chats"].text() == "Chats: 3 · messages: 6"
        # No: nothing is deleted.
        with qtbot.waitSignal(w.confirmShown, timeout=10000):
            w.clear_buttons["chats"].click()
        box = w.confirm_box
        text = box.text()
        assert "Chats: 3" in text and "Messages in them: 6" in text and "lost for good" in text
        box.button(QtWidgets.QMessageBox.StandardButton.No).click()
        qtbot.waitUntil(lambda: w.clear_status.text() == "Nothing was deleted.", timeout=5000)
        assert _count_chats() == 3
        # Yes: deleted, and the chat list is emptied.
        with qtbot.waitSignal(w.confirmShown, timeout=10000):
            w.clear_buttons["chats"].click()
        with qtbot.waitSignal(w.dataCleared, timeout=10000) as sig:
            w.confirm_box.button(QtWidgets.QMessageBox.StandardButton.Yes).click()
        assert sig.args == ["chats", 3]
        assert _count_chats() == 0
        qtbot.waitUntil(lambda: win.chat.sidebar.list.count() == 0, timeout=10000)
        qtbot.waitUntil(lambda: w.counts.get("chats") == 0, timeout=10000)
    finally:
        win.shutdown()


def test_clear_summaries_and_comparisons_name_what_is_lost(qtbot, main_window):
    w = prefs(qtbot, main_window)
    counts = {"chats": 0, "messages": 0, "summaries": 4, "comparisons": 2, "eval_runs": 1, "votes": 5}
    s = w.confirmation_text("summaries", counts)
    assert "Summaries: 4" in s and "documents are not touched" in s
    c = w.confirmation_text("comparisons", counts)
    assert "Side-by-side comparisons: 2" in c and "Question-set runs: 1" in c and "Votes and the leaderboard are kept" in c
    qtbot.waitUntil(lambda: w.counts.get("summaries") == 0, timeout=10000)
    w.clear_buttons["summaries"].click()                      # nothing stored: no question, nothing done
    qtbot.waitUntil(lambda: w.clear_status.text() == "There is nothing stored to delete.", timeout=5000)
    assert w.confirm_box is None


def _mean_lightness(widget) -> float:
    img = widget.grab().toImage()
    pts = [(x, y) for x in range(2, img.width() - 2, max(1, img.width() // 24))
           for y in range(2, img.height() - 2, max(1, img.height() // 8))]
    return sum(img.pixelColor(x, y).lightness() for x, y in pts) / len(pts)


def test_an_open_window_takes_the_new_theme_in_its_styled_widgets(qtbot, main_window):
    """Widgets styled with palette(base) (the Welcome page's model cards) follow a theme switch at once,
    not only in windows opened afterwards."""
    app = QtWidgets.QApplication.instance()
    main_window.show()
    main_window.show_pane("models")
    main_window.models_pane.show_welcome()

    def cards():
        return [c for c in main_window.findChildren(QtWidgets.QFrame, "curatedCard") if c.isVisible()]
    qtbot.waitUntil(lambda: bool(cards()), timeout=30000)   # the Welcome page shows the curated model cards
    card = cards()[0]
    assert _mean_lightness(card) > 160
    try:
        appearance.apply_theme(app, "dark")
        assert _mean_lightness(card) < 110
    finally:
        appearance.apply_theme(app, "light")
    assert _mean_lightness(card) > 160


def test_restart_now_appears_for_a_new_language_and_closes_the_window_to_start_again(qtbot, main_window):
    from gui.i18n import installed_language

    assert installed_language() == "en"
    main_window.show()
    w = prefs(qtbot, main_window)
    assert w.restart_for_language_button.isHidden()            # nothing to restart for yet
    w.language.setCurrentIndex(w.language.findData("ja"))
    assert saved("language") == "ja"
    assert not w.restart_for_language_button.isHidden()
    w.language.setCurrentIndex(w.language.findData("en"))      # back to what is on screen
    assert w.restart_for_language_button.isHidden()
    w.language.setCurrentIndex(w.language.findData("ja"))
    assert not getattr(main_window, "restart_requested", False)
    with qtbot.waitSignal(w.restartRequested):
        w.restart_for_language_button.click()
    qtbot.waitUntil(lambda: not main_window.isVisible(), timeout=5000)
    assert main_window.restart_requested                      # gui.app.main starts the app again after exec()


def test_restart_now_is_offered_with_a_pending_data_move(qtbot, main_window, tmp_path):
    from engine import relocate

    w = prefs(qtbot, main_window)
    assert w.restart_for_move_button.isHidden()
    relocate.request_move(w.settings, tmp_path / "elsewhere")
    w._show_pending_move()
    assert not w.restart_for_move_button.isHidden()
    w.cancel_move()
    assert w.restart_for_move_button.isHidden()
