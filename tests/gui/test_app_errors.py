"""Unexpected errors in the GUI are logged and shown in a banner; missing X11 libraries are named."""

from __future__ import annotations

import threading

import pytest

from engine import logs
from gui.qt import QtCore, QtWidgets


@pytest.fixture
def log_file(hearth_home):
    path = logs.setup_logging(hearth_home / "cache" / "logs", component="gui")
    yield path
    logs.shutdown_logging()


@pytest.fixture
def hooked_window(main_window, log_file):
    from gui.app import ExceptionHook

    main_window.show()
    hook = ExceptionHook(main_window.show_error, parent=main_window).install()
    yield main_window, hook
    hook.uninstall()


# pytest-qt would capture the exception itself (and fail the test); here the app's hook must see it.
@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_shows_banner_and_is_logged(qtbot, hooked_window, log_file):
    win, hook = hooked_window
    assert not win.banner.isVisible()

    def broken_slot():
        raise RuntimeError("boom in a slot")

    QtCore.QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: win.banner.isVisible(), timeout=5000)
    text = win.banner.text
    assert "Something went wrong: RuntimeError: boom in a slot." in text
    assert f"details in {log_file}" in text and win.banner.kind == "error"
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "in broken_slot" in logged and "RuntimeError: boom in a slot" in logged


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_thread_reaches_the_banner_on_the_gui_thread(qtbot, hooked_window, log_file):
    win, hook = hooked_window
    shown_on = []
    gui_thread = QtWidgets.QApplication.instance().thread()
    original = hook._show
    hook._show = lambda msg: (shown_on.append(QtCore.QThread.currentThread() == gui_thread), original(msg))

    def work():
        raise ValueError("bad value in a worker")

    t = threading.Thread(target=work, name="hearth-test-worker")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: "ValueError: bad value in a worker" in win.banner.text, timeout=5000)
    assert shown_on == [True]
    logged = log_file.read_text(encoding="utf-8")
    assert "unexpected error in thread hearth-test-worker" in logged and "in work" in logged


def test_hook_uninstall_restores_previous_hooks(qapp):
    import sys

    from gui.app import ExceptionHook

    before_sys, before_thread = sys.excepthook, threading.excepthook
    hook = ExceptionHook(lambda m: None).install()
    assert sys.excepthook == hook.handle and threading.excepthook == hook._handle_thread
    hook.uninstall()
    assert sys.excepthook is before_sys and threading.excepthook is before_thread


def test_user_error_nobody_caught_shows_its_own_sentence(qapp):
    from engine.errors import BadInputError
    from gui.app import ExceptionHook

    assert ExceptionHook.message(BadInputError, BadInputError("that file is not a GGUF model")) == \
        "that file is not a GGUF model"


def test_window_icon_has_every_size(qapp):
    from gui.app import ICON_SIZES, app_icon

    icon = app_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == list(ICON_SIZES)


# ---- Qt's X11 plugin: missing system libraries -------------------------------------------

def fake_loader(missing):
    def load(name):
        if any(name.endswith(m) for m in missing):
            raise OSError(f"{name}: cannot open shared object file")
        return object()
    return load


def test_missing_xcb_libraries_named_with_debian_packages():
    from gui.app import platform_problem

    env = {"DISPLAY": ":0"}
    msg = platform_problem(env, "linux", fake_loader({"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}))
    assert msg == ("hearth: the desktop app cannot start because system libraries that Qt needs for X11 are "
                   "missing (libxcb-icccm.so.4, libxcb-keysyms.so.1); on Debian or Ubuntu install them "
                   "with: sudo apt-get install libxcb-icccm4 libxcb-keysyms1")
    msg = platform_problem(env, "linux", fake_loader({"libxcb-cursor.so.0"}))
    assert msg.endswith("sudo apt-get install libxcb-cursor0") and "\n" not in msg
    assert platform_problem(env, "linux", fake_loader(set())) is None


@pytest.mark.parametrize("env,platform,expected", [
    ({"DISPLAY": ":0"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb:nograb"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),   # Qt picks Wayland there
    ({}, "linux", False),                                                  # no display at all
    ({"DISPLAY": ":0"}, "win32", False),
    ({"DISPLAY": ":0"}, "darwin", False),
    ({"DISPLAY": ":0", "HEARTH_SKIP_PLATFORM_CHECK": "1"}, "linux", False),
])
def test_xcb_check_only_where_qt_uses_xcb(env, platform, expected):
    from gui.app import platform_problem, uses_xcb

    assert uses_xcb(env, platform) is expected
    msg = platform_problem(env, platform, fake_loader({"libxcb-cursor.so.0"}))
    assert (msg is not None) is expected


def test_main_exits_2_with_the_sentence_before_creating_the_app(monkeypatch, capsys):
    import gui.app as app_mod
    from gui import platform_check

    monkeypatch.setattr(app_mod.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("HEARTH_SKIP_PLATFORM_CHECK", raising=False)
    monkeypatch.setattr(platform_check.ctypes, "CDLL", fake_loader({"libxcb-keysyms.so.1"}))
    monkeypatch.setattr(app_mod, "MainWindow", lambda *a, **k: pytest.fail("the window must not be built"))
    assert app_mod.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sudo apt-get install libxcb-keysyms1" in err
