"""Whether Qt's X11 (xcb) platform plugin can load here, checked before any QApplication exists.

Qt aborts with a hard-to-read message when a library its xcb plugin links against is missing (a
minimal desktop often lacks libxcb-cursor). ``main()`` (gui/app.py) calls ``platform_problem()``
first and prints one sentence naming the Debian/Ubuntu packages to install instead.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Callable

from gui.qt import QtCore

# What Qt's xcb platform plugin links against (ldd libqxcb.so / libQt6XcbQpa.so.6), with the
# Debian/Ubuntu package for each. A minimal desktop often lacks the first three.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def uses_xcb(env=None, platform: str | None = None) -> bool:
    """Whether Qt will start its X11 (xcb) platform plugin here."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") or env.get("HEARTH_SKIP_PLATFORM_CHECK"):
        return False
    qpa = (env.get("QT_QPA_PLATFORM") or "").strip()
    if qpa:
        return qpa.split(";")[0].split(":")[0].strip() == "xcb"
    # Unset: Qt takes Wayland in a Wayland session (xcb only as its fallback), X11 with DISPLAY.
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_xcb_libraries(load: Callable[[str], object] | None = None,
                          extra_dirs: list[str] | None = None) -> list[tuple[str, str]]:
    """(library, package) for each library of Qt's xcb plugin that cannot be loaded."""
    load = load or ctypes.CDLL
    if extra_dirs is None:
        try:
            extra_dirs = [QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.LibrariesPath)]
        except Exception:
            extra_dirs = []
    missing = []
    for lib, package in XCB_LIBRARIES.items():
        for candidate in [lib] + [os.path.join(d, lib) for d in extra_dirs if d]:
            try:
                load(candidate)
                break
            except OSError:
                continue
        else:
            missing.append((lib, package))
    return missing


def platform_problem(env=None, platform: str | None = None,
                     load: Callable[[str], object] | None = None) -> str | None:
    """One sentence naming the packages to install when Qt's X11 plugin could not load, else None."""
    if not uses_xcb(env, platform):
        return None
    missing = missing_xcb_libraries(load, extra_dirs=None if load is None else [])
    if not missing:
        return None
    libs = ", ".join(lib for lib, _ in missing)
    packages = " ".join(pkg for _, pkg in missing)
    return (f"hearth: the desktop app cannot start because system libraries that Qt needs for X11 are "
            f"missing ({libs}); on Debian or Ubuntu install them with: sudo apt-get install {packages}")
