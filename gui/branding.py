"""The app's name and icon: the window title, the tray tooltip and Qt's application name; the window
icon from resources/icons (the PNG sizes that packaging/render_icons.py renders, else the SVG)."""

from __future__ import annotations

from gui.qt import QtCore, QtGui

APP_TITLE = "Hearth"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


def app_icon() -> QtGui.QIcon:
    """The window icon, from the PNG sizes (the SVG when they are missing)."""
    from engine.resources import resource_path

    icon = QtGui.QIcon()
    for size in ICON_SIZES:
        try:
            icon.addFile(str(resource_path(f"icons/hearth-{size}.png")), QtCore.QSize(size, size))
        except FileNotFoundError:
            continue
    if icon.isNull():
        try:
            icon = QtGui.QIcon(str(resource_path("icons/hearth.svg")))
        except FileNotFoundError:
            pass
    return icon
