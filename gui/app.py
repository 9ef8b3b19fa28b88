"""The desktop app's entry point: ``main()`` starts Hearth. ``hearth-gui``, ``python main.py``, the
packaged build and Preferences' Restart now (engine/packaged.py) all run ``gui.app.main``.

The order in ``main()`` matters: the X11 library check runs before any QApplication exists; the
language, theme and logging are set up before the window is built; a data move asked for in
Preferences runs before anything opens the database.

The rest of the app's shell lives beside this file:
  gui/platform_check.py   whether Qt's X11 (xcb) plugin can load here, checked before Qt starts
  gui/branding.py         the app's name and icon
  gui/app_setup.py        the QApplication's default font and interface language
  gui/main_window.py      MainWindow: panes, menus and shortcuts, status bar, drops, window state, shutdown
  gui/notifier.py         desktop notifications when a long job finishes in the background
  gui/model_check.py      Models → Check a model file, read off the GUI thread
  gui/exception_hook.py   errors nobody caught: logged, shown in the window's banner
"""

from __future__ import annotations

import logging
import os
import sys

from gui.qt import QtCore, QtGui, QtWidgets

from engine import logs
from engine.config import AppConfig
from engine.errors import HearthError
from gui.settings import appearance
from gui.app_setup import install_language, set_default_font
from gui.branding import APP_TITLE, app_icon
from gui.exception_hook import ExceptionHook
from gui.main_window import MainWindow
from gui.platform_check import platform_problem

# Also imported from gui.app by the tests (tests/gui/test_app_errors.py, tests/test_install.py).
from gui.branding import ICON_SIZES  # noqa: F401
from gui.platform_check import uses_xcb  # noqa: F401

# One logger for the app's shell (app.py, app_setup.py, exception_hook.py, main_window.py).
log = logging.getLogger("gui.app")


def main(argv: list[str] | None = None) -> int:
    """Start the desktop app and run it until its window closes. Returns the exit code: Qt's, or 2 when
    Hearth cannot start here (missing X11 libraries, unreadable settings), 3 when the window could not be built."""
    problem = platform_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from engine.packaged import wait_for_previous

    if not wait_for_previous():    # Restart now: the old window's process must let go of the data first
        log.warning("the Hearth that restarted this one is still running after 30 s; starting anyway")
    QtCore.QCoreApplication.setApplicationName(APP_TITLE)
    QtCore.QCoreApplication.setOrganizationName(APP_TITLE)
    QtGui.QGuiApplication.setDesktopFileName("hearth")   # Wayland app id: packaging/hearth.desktop
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0], *(argv or [])])
    set_default_font(app)
    app.setWindowIcon(app_icon())
    try:
        config = AppConfig.load()
    except HearthError as e:
        QtWidgets.QMessageBox.critical(None, APP_TITLE, str(e))
        return 2
    language = install_language(app, config.settings)
    appearance.apply_appearance(app, config.settings)    # theme and font size from Preferences
    try:
        logs.setup_logging(config.paths.log_dir, debug=logs.debug_enabled(config.settings, config.policy),
                           component="gui")
    except Exception:
        pass  # no log file: the app still runs; error banners say so
    try:
        # A data move asked for in Preferences → Data runs now, before anything opens the database.
        from gui.settings.data_move import move_at_start

        config, _moved = move_at_start(config)
    except Exception:
        log.error("the data move did not finish normally", exc_info=True)
        try:
            config = AppConfig.load()      # settings.json says where the data is now
        except HearthError:
            pass
    try:
        win = MainWindow(config)
    except Exception as e:
        log.error("the main window could not be built", exc_info=True)
        detail = str(e) if isinstance(e, HearthError) else f"{type(e).__name__}: {e}"
        QtWidgets.QMessageBox.critical(None, APP_TITLE, QtCore.QCoreApplication.translate(
            "MainWindow", "Hearth could not start (%1); %2.").replace("%1", detail).replace("%2", logs.where()))
        return 3
    hook = ExceptionHook(win.show_error, parent=win).install()
    win.show()
    if os.environ.get("HEARTH_SCREENSHOT"):
        # For docs and visual checks: grab the window after a delay and quit.
        out, _, delay = os.environ["HEARTH_SCREENSHOT"].partition(":")

        def grab():
            win.grab().save(out)
            win.close()

        QtCore.QTimer.singleShot(int(delay or 4000), grab)
    if os.environ.get("HEARTH_EXIT_AFTER_SHOWN"):
        # Cold start (packaging/smoke_test.py, bench/RESULTS.md): once the window is on screen
        # (exposed), print the seconds since the process started, then close it normally (exit 0).
        from engine.packaged import seconds_since_start

        def exit_when_shown():
            handle = win.windowHandle()
            if handle is None or not handle.isExposed():
                QtCore.QTimer.singleShot(5, exit_when_shown)
                return
            # the language in effect and the first pane's title (ASCII-escaped): the smoke test checks the
            # frozen build really translates
            print(f"hearth: window shown {seconds_since_start():.3f} s after start "
                  f"(language {language}, first pane {ascii(win.tabs.tabText(0))})", flush=True)
            win.close()

        QtCore.QTimer.singleShot(0, exit_when_shown)
    try:
        rc = app.exec()
    finally:
        win.shutdown()
        hook.uninstall()
    if getattr(win, "restart_requested", False):
        # Started only now, after this process let go of its model hosts and database.
        from engine.packaged import start_app_again

        try:
            start_app_again()
            log.info("started again (Restart now)")
        except OSError:
            log.error("could not start Hearth again", exc_info=True)
    return rc
