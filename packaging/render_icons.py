"""Render the app icon's PNG sizes and the Windows ICO from resources/icons/hearth.svg.

    python packaging/render_icons.py        # after editing the SVG; commit the outputs

Uses Qt's SVG renderer (PySide6, already a dependency) offscreen, and writes
the ICO itself (PNG-compressed entries, read by Windows Vista and later), so
no extra package is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

SIZES = (16, 32, 48, 64, 128, 256)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render_png(svg: Path, size: int) -> bytes:
    from PySide6 import QtCore, QtGui, QtSvg

    renderer = QtSvg.QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    img = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    p = QtGui.QPainter(img)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(p, QtCore.QRectF(0, 0, size, size))
    p.end()
    buf = QtCore.QBuffer()
    buf.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    img.convertToFormat(QtGui.QImage.Format.Format_ARGB32).save(buf, "PNG")
    return bytes(buf.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file holding each size as a PNG entry."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, data = b"", b""
    for s in sizes:
        png = pngs[s]
        dim = 0 if s >= 256 else s
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + entries + data


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtGui

    app = QtGui.QGuiApplication.instance() or QtGui.QGuiApplication(sys.argv[:1])  # noqa: F841
    svg = ICONS / "hearth.svg"
    pngs = {s: render_png(svg, s) for s in SIZES}
    for s, png in pngs.items():
        (ICONS / f"hearth-{s}.png").write_bytes(png)
    (ICONS / "hearth.ico").write_bytes(ico_bytes(pngs))
    print(f"wrote {len(pngs)} PNGs and hearth.ico to {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
