"""The desktop finish of the main window: menus with their shortcuts, keyboard pane switching, window
state restored across two windows, drops (.gguf imports, documents open on Summarise), and a
notification when a long job finishes while the window is in the background."""

from __future__ import annotations

import shutil


from engine.config import AppConfig
from gui.qt import QtCore, QtGui, QtWidgets, Qt
from tests.gui.conftest import load


def shortcut_texts(act) -> list[str]:
    return [k.toString() for k in act.shortcuts()]


def test_menus_exist_with_their_shortcuts(main_window):
    titles = [a.text() for a in main_window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Models", "&Help"]
    a = main_window.actions_by_name
    expect = {"import_model": "Ctrl+I", "open_document": "Ctrl+O", "export": "Ctrl+E", "preferences": "Ctrl+,",
              "quit": "Ctrl+Q", "copy": "Ctrl+C", "select_all": "Ctrl+A", "find": "Ctrl+F",
              "pane_chat": "Ctrl+1", "pane_summarize": "Ctrl+2", "pane_compare": "Ctrl+3", "pane_models": "Ctrl+4",
              "font_bigger": "Ctrl++", "font_smaller": "Ctrl+-", "font_default": "Ctrl+0",
              "load_model": "Ctrl+L", "unload_model": "Ctrl+Shift+L", "docs": "F1"}
    for name, key in expect.items():
        assert key in shortcut_texts(a[name]), (name, shortcut_texts(a[name]))
    for name in ("theme_system", "theme_light", "theme_dark", "manage_models", "check_model", "log_folder", "about"):
        assert name in a
    # Every action sits in a menu of the bar.
    in_menus = {act.objectName() for m in main_window.menuBar().findChildren(QtWidgets.QMenu) for act in m.actions()}
    assert set(expect) <= in_menus


def test_ctrl_number_switches_panes_and_focuses_inside(qtbot, main_window):
    main_window.show()
    qtbot.waitExposed(main_window)
    main_window.activateWindow()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is main_window, timeout=5000)
    qtbot.keyClick(main_window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert main_window.tabs.currentWidget() is main_window.models_pane
    qtbot.waitUntil(lambda: main_window.models_pane.isAncestorOf(QtWidgets.QApplication.focusWidget()),
                    timeout=5000)
    qtbot.keyClick(main_window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert main_window.tabs.currentWidget() is main_window.summarize_pane
    qtbot.keyClick(main_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert main_window.tabs.currentWidget() is main_window.chat
    qtbot.waitUntil(lambda: QtWidgets.QApplication.focusWidget() is main_window.chat.input, timeout=5000)


def test_size_splitters_and_pane_are_restored(qtbot, hearth_home, tiny_model):
    from gui.app import MainWindow

    models = hearth_home / "data" / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, models / "tiny-chat.gguf")
    first = MainWindow(AppConfig.load(), auto_load=False)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(1200, 700)
    first.chat.splitter.setSizes([300, 600, 300])
    qtbot.waitUntil(lambda: first.size() == QtCore.QSize(1200, 700), timeout=5000)
    sizes = first.chat.splitter.sizes()
    first.tabs.setCurrentWidget(first.compare_pane)
    first.close()                                   # saves on close, like quitting
    second = MainWindow(AppConfig.load(), auto_load=False)
    qtbot.addWidget(second)
    try:
        second.show()
        qtbot.waitExposed(second)
        assert second.size() == QtCore.QSize(1200, 700)
        assert second.tabs.currentWidget() is second.compare_pane
        second.show_pane("chat")
        qtbot.waitUntil(lambda: second.chat.splitter.sizes() == sizes, timeout=5000)
        assert sizes[0] == 300 and sizes != [220, 700, 290]   # not the pane's default split
    finally:
        second.shutdown()


def _drop(widget, paths) -> None:
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QtCore.QPointF(5, 5)
    enter = QtGui.QDragEnterEvent(QtCore.QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                  Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()


def test_dropped_gguf_is_imported(qtbot, main_window, tiny_model, tmp_path):
    src = tmp_path / "dropped-model.gguf"
    shutil.copy(tiny_model, src)
    _drop(main_window.chat.view, [src])        # anywhere on the window, here the chat transcript
    qtbot.waitUntil(lambda: any(e.path.name == "dropped-model.gguf" for e in main_window.picker.entries),
                    timeout=30000)
    assert (main_window.config.paths.models_dir / "dropped-model.gguf").is_file()   # copied into the library
    assert src.is_file()


def test_dropped_document_opens_on_the_summarise_pane(qtbot, main_window, tmp_path):
    doc = tmp_path / "notes.txt"
    doc.write_text("Hearth keeps everything on this computer.\n" * 20, encoding="utf-8")
    main_window.show_pane("summarize")
    _drop(main_window.picker, [doc])          # dropped above the pane, on the model picker
    assert main_window.summarize_pane.path == str(doc)
    # On another pane a document is not taken.
    main_window.show_pane("chat")
    assert main_window._drop_target([str(doc)]) is None


def test_finished_load_notifies_when_the_window_is_in_the_background(qtbot, main_window, monkeypatch):
    alerts = []
    gui_thread = QtWidgets.QApplication.instance().thread()
    # QApplication.alert (and a tray icon) must be used on the GUI thread: the load finishes on the bridge's
    alerts_thread = []
    monkeypatch.setattr(QtWidgets.QApplication, "alert", staticmethod(
        lambda w, ms=0: (alerts.append(w), alerts_thread.append(QtCore.QThread.currentThread()))))
    monkeypatch.setattr(QtWidgets.QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    assert not main_window.isActiveWindow()
    with qtbot.waitSignal(main_window.notifier.notified, timeout=60000) as sig:
        load(qtbot, main_window)
    title, message, how = sig.args
    assert title == "Model loaded" and "tiny-chat" in message and how == "alert"
    assert alerts == [main_window]
    assert alerts_thread == [gui_thread]
    # In front: nothing.
    monkeypatch.setattr(main_window, "isActiveWindow", lambda: True)
    assert main_window.notifier.notify("Model loaded", "x") is None
    assert alerts == [main_window]


def _record_notifications(main_window, monkeypatch) -> tuple[list, list]:
    """The notifications the window gives while in the background ((title, message, how) each), and the
    threads QApplication.alert was called on."""
    got, alert_threads = [], []
    main_window.notifier.notified.connect(lambda t, m, how: got.append((t, m, how)))
    monkeypatch.setattr(QtWidgets.QApplication, "alert", staticmethod(
        lambda w, ms=0: alert_threads.append(QtCore.QThread.currentThread())))
    monkeypatch.setattr(QtWidgets.QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    assert not main_window.isActiveWindow()
    return got, alert_threads


def test_download_and_evaluation_finishing_notify_in_the_background(qtbot, main_window, monkeypatch):
    """The Models pane's "downloaded" and the Compare pane's "evaluation finished" signals each notify once."""
    got, _ = _record_notifications(main_window, monkeypatch)
    main_window.models_pane.modelDownloaded.emit("/tmp/some-model.gguf")
    main_window.compare_pane.evalFinished.emit()
    assert got == [("Download finished", "some-model.gguf was downloaded and verified.", "alert"),
                   ("Evaluation finished", "The question-set scores are ready.", "alert")]


def test_a_finished_summary_notifies_in_the_background(qtbot, main_window, monkeypatch, tmp_path):
    """A real summary (the tiny model, a short document) run to its end: "Summary finished", naming the
    document, told on the GUI thread."""
    got, alert_threads = _record_notifications(main_window, monkeypatch)
    load(qtbot, main_window)
    pane = main_window.summarize_pane
    doc = tmp_path / "quarterly-note.txt"
    doc.write_text("The quarterly report is due on Friday. The budget grew by 12 percent.\n", encoding="utf-8")
    assert pane.open_document(doc)
    qtbot.waitUntil(lambda: bool(pane.document_info and pane.document_info.get("plan")), timeout=60000)
    with qtbot.waitSignal(main_window.bridge.summaryFinished, timeout=180000):
        assert pane.start()
    qtbot.waitUntil(lambda: any(t == "Summary finished" for t, _, _ in got), timeout=10000)
    assert ("Summary finished", "The summary of quarterly-note.txt is ready.", "alert") in got
    assert [t for t, _, _ in got].count("Summary finished") == 1
    assert alert_threads and set(alert_threads) == {QtWidgets.QApplication.instance().thread()}


def test_a_finished_comparison_notifies_in_the_background(qtbot, main_window, monkeypatch, tmp_path):
    """A real comparison of the two tiny models run to its end: "Comparison finished", once."""
    monkeypatch.setenv("HEARTH_RUNTIME_DIR", str(tmp_path / "run"))   # other test runs' hosts do not count
    got, alert_threads = _record_notifications(main_window, monkeypatch)
    pane = main_window.compare_pane
    qtbot.waitUntil(lambda: len(pane.specs()) == 2, timeout=60000)
    pane.sampling_overrides = {"ignore_eos": True}
    pane.max_tokens.setValue(8)
    pane.prompt_edit.setPlainText("Write about the river.")
    with qtbot.waitSignal(pane.runFinished, timeout=120000):
        assert pane.run() is not None
    assert all(r["error"] is None and r["completion_tokens"] == 8 for r in pane.last_run["results"])
    qtbot.waitUntil(lambda: any(t == "Comparison finished" for t, _, _ in got), timeout=10000)
    assert [g for g in got if g[0] == "Comparison finished"] == [
        ("Comparison finished", "Every model has answered.", "alert")]
    assert set(alert_threads) == {QtWidgets.QApplication.instance().thread()}


def test_about_names_version_backend_and_licences(qtbot, main_window):
    from engine import __version__

    main_window.actions_by_name["about"].trigger()
    dlg = main_window.about_dialog
    qtbot.waitUntil(lambda: dlg.info is not None, timeout=30000)
    text = dlg.details.toPlainText()
    assert f"Hearth {__version__}" in text and "backend" in text
    for licence in ("Apache-2.0", "llama.cpp", "MIT", "Qt", "LGPL"):
        assert licence in text
    dlg.close()
