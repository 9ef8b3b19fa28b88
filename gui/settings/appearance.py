"""Theme (light / dark / follow the system) and font size, applied to the whole application.

The theme asks Qt first (``QStyleHints.setColorScheme``, Qt 6.8+): where the platform honours it,
Qt's own light or dark palette is used. Where it does not (X11 without a desktop theme, the
offscreen platform), the Fusion style's palette is set instead, so "dark" is dark everywhere.
"""

from __future__ import annotations

from gui.qt import QtGui, QtWidgets, Qt

_BASE = {}          # the application's palette and font before Hearth changed them


def _remember(app) -> None:
    if "palette" not in _BASE:
        _BASE["palette"] = QtGui.QPalette(app.palette())
        _BASE["style"] = app.style().name()
    if "font" not in _BASE:
        _BASE["font"] = QtGui.QFont(app.font())


def dark_palette() -> QtGui.QPalette:
    p = QtGui.QPalette()
    C, R = QtGui.QPalette.ColorRole, QtGui.QColor
    for role, color in ((C.Window, "#2b2b2b"), (C.WindowText, "#e6e6e6"), (C.Base, "#1f1f1f"),
                        (C.AlternateBase, "#2f2f2f"), (C.ToolTipBase, "#3a3a3a"), (C.ToolTipText, "#f0f0f0"),
                        (C.Text, "#e6e6e6"), (C.Button, "#353535"), (C.ButtonText, "#e6e6e6"),
                        (C.BrightText, "#ff6b6b"), (C.Link, "#6cb4ff"), (C.Highlight, "#2f6fb5"),
                        (C.HighlightedText, "#ffffff"), (C.PlaceholderText, "#8c8c8c"),
                        (C.Light, "#4a4a4a"), (C.Midlight, "#3e3e3e"), (C.Mid, "#2a2a2a"),
                        (C.Dark, "#1a1a1a"), (C.Shadow, "#000000")):
        p.setColor(role, R(color))
    G = QtGui.QPalette.ColorGroup.Disabled
    for role in (C.WindowText, C.Text, C.ButtonText):
        p.setColor(G, role, R("#7a7a7a"))
    return p


def light_palette(app) -> QtGui.QPalette:
    return QtWidgets.QStyleFactory.create("Fusion").standardPalette()


def is_dark(app=None) -> bool:
    app = app or QtWidgets.QApplication.instance()
    return app.palette().color(QtGui.QPalette.ColorRole.Window).lightness() < 128


def _restyle(app) -> None:
    """Widgets with a style sheet resolved ``palette(base)`` etc. when they were polished: set their
    sheets again so open windows take the new theme's colours, not only windows opened later."""
    for w in app.allWidgets():
        sheet = w.styleSheet()
        if sheet:
            w.setStyleSheet(sheet)


def apply_theme(app, theme: str) -> str:
    """Apply ``system``, ``light`` or ``dark``; returns how it was applied ("qt", "palette" or "system")."""
    how = _apply_theme(app, theme)
    _restyle(app)
    return how


def _apply_theme(app, theme: str) -> str:
    _remember(app)
    hints = app.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(theme)
    can_ask = hasattr(hints, "setColorScheme")
    if wanted is None:
        if can_ask and hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        if app.style().name().lower() != _BASE["style"].lower():
            app.setStyle(_BASE["style"])
        app.setPalette(_BASE["palette"])
        return "system"
    if can_ask:
        hints.setColorScheme(wanted)
        if hints.colorScheme() == wanted:     # the platform follows: its own palette for that scheme
            app.setPalette(QtGui.QPalette())
            return "qt"
    # The platform ignores the request: Fusion's palettes, which every platform has.
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme == "dark" else light_palette(app))
    return "palette"


def base_font_size(app=None) -> float:
    app = app or QtWidgets.QApplication.instance()
    _remember(app)
    return _BASE["font"].pointSizeF()


def apply_font_size(app, points: int | float) -> float:
    """Set the application's font size (0: the size Hearth started with); returns the size in effect."""
    _remember(app)
    f = QtGui.QFont(_BASE["font"])
    if points and points > 0:
        f.setPointSizeF(float(points))
    app.setFont(f)
    return f.pointSizeF()


def apply_appearance(app, settings) -> None:
    """Theme and font size from the settings (at start-up)."""
    theme = settings.get("theme", "system") or "system"
    if theme != "system":
        apply_theme(app, theme)
    else:
        _remember(app)
    size = settings.get("font_size", 0) or 0
    if size:
        apply_font_size(app, size)
