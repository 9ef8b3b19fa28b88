"""Help → About Hearth: the version and the llama.cpp build, read off the GUI thread."""

from __future__ import annotations

import llama_cpp


def test_about_shows_version_and_llama_cpp_build(qtbot, main_window):
    from engine import __version__

    menus = [a.text() for a in main_window.menuBar().actions()]
    assert "&Help" in menus
    main_window.about_action.trigger()
    dlg = main_window.about_dialog
    qtbot.waitUntil(lambda: dlg.info is not None, timeout=30000)   # filled in from the worker thread
    text = dlg.details.toPlainText()
    assert f"Hearth {__version__}" in text
    assert f"llama-cpp-python {llama_cpp.__version__}: llama.cpp {llama_cpp.llama_version().decode()}" in text
    assert dlg.info["ggml_commit"] and f"commit {dlg.info['ggml_commit']}" in text
    assert f"backend {dlg.info['backend']}" in text and "run from Python" in text
    dlg.copy_button.click()
    from gui.qt import QtWidgets

    assert QtWidgets.QApplication.clipboard().text() == text
    dlg.close()
