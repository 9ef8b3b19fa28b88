"""What ``main()`` (gui/app.py) sets on the QApplication before the window is built: the default font
size and the interface language. Preferences' theme and font size are gui/settings/appearance.py; the
translations themselves are gui/i18n.py."""

from __future__ import annotations

import logging

from gui.qt import QtWidgets

# One logger for the app's shell (app.py, app_setup.py, exception_hook.py, main_window.py).
log = logging.getLogger("gui.app")


def set_default_font(app: QtWidgets.QApplication) -> None:
    """At least 10 pt: a slightly larger default size reads better for long chats (Japanese and emoji
    come from the platform's font fallback)."""
    f = app.font()
    if f.pointSizeF() < 10:
        f.setPointSizeF(10)
        app.setFont(f)


def install_language(app, settings) -> str:
    """The interface language from Preferences (gui/i18n.py; applies at start-up)."""
    try:
        from gui.i18n import install_translation
    except ImportError:
        return "en"
    try:
        return install_translation(app, settings.get("language", "system") or "system")
    except Exception:
        log.warning("the translation could not be installed", exc_info=True)
        return "en"
