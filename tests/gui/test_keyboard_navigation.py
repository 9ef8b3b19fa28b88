"""Keyboard navigation: in every pane, Tab walks through the controls and comes back round, never stuck
in a text box (Tab moves on instead of typing a tab character), and reaches each pane's main controls."""

from __future__ import annotations

import pytest

from gui.qt import QtWidgets, Qt

MAX_TABS = 200


def tab_cycle(qtbot, win, start: QtWidgets.QWidget) -> list[QtWidgets.QWidget]:
    """Press Tab from ``start`` until focus is back on it; the widgets visited, in order."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QtWidgets.QApplication.focusWidget() is start)
    seen = [start]
    for _ in range(MAX_TABS):
        current = QtWidgets.QApplication.focusWidget()
        qtbot.keyClick(current, Qt.Key.Key_Tab)
        now = QtWidgets.QApplication.focusWidget()
        assert now is not current, f"Tab is stuck in {type(current).__name__} {current.objectName()!r}"
        if now is start:
            return seen
        seen.append(now)
    pytest.fail(f"Tab did not come back to the start in {MAX_TABS} presses")


@pytest.fixture
def active_window(qtbot, main_window):
    main_window.show()
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow)
    return main_window


def test_tab_leaves_the_chat_input_without_typing_a_tab(qtbot, active_window):
    win = active_window
    win.show_pane("chat")
    win.chat.input.setPlainText("hello")
    seen = tab_cycle(qtbot, win, win.chat.input)
    assert win.chat.input.toPlainText() == "hello"
    assert win.chat.send_button in seen
    assert win.chat.settings_panel.system in seen  # the system prompt box is passed through, not a trap
    assert win.picker.combo in seen            # the model picker above the panes is reachable too


@pytest.mark.parametrize("key, start, main", [
    ("summarize", "open_button", "start_button"),
    ("compare", "prompt_edit", "run_button"),
    ("models", "nav", None),
])
def test_tab_cycles_through_each_pane(qtbot, active_window, key, start, main):
    win = active_window
    win.show_pane(key)
    pane = win.pane(key)
    first = getattr(pane, start)
    seen = tab_cycle(qtbot, win, first)
    inside = [w for w in seen if pane.isAncestorOf(w)]
    assert len(inside) >= 3, [type(w).__name__ for w in seen]
    if main is not None and getattr(pane, main).isEnabled():
        assert getattr(pane, main) in seen
