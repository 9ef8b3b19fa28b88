"""A non-editable install (pip install .) finds resources/: the curated list and the icons.

The wheel is installed with ``pip install --target`` into a temporary folder and
used from another working directory, so neither the source checkout nor the
editable install of the test environment can stand in for it.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = r"""
import json, os, sys
from pathlib import Path
target = Path(sys.argv[1]).resolve()
import engine, gui
from engine.resources import resource_dirs, resource_path
from engine.hub.api import load_curated
from gui.qt import QtWidgets
from gui.app import app_icon, ICON_SIZES
app = QtWidgets.QApplication([])
icon = app_icon()
print(json.dumps({
    "engine": engine.__file__, "gui": gui.__file__,
    "dirs": [str(d) for d in resource_dirs()],
    "curated": str(resource_path("curated_models.json")),
    "curated_models": len(load_curated()),
    "catalogue": len(__import__("engine.hub.catalogue", fromlist=["x"]).load_catalogue()),
    "ico": str(resource_path("icons/hearth.ico")),
    "icon_sizes": sorted(s.width() for s in icon.availableSizes()),
}))
"""


def _version(dist: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in importlib.metadata.version(dist).split(".")[:2] if x.isdigit())
    except importlib.metadata.PackageNotFoundError:
        return ()


def _can_build_here() -> bool:
    """setuptools that builds wheels without the `wheel` package (70.1+), or with it installed."""
    st = _version("setuptools")
    return st >= (70, 1) or (st >= (64,) and _version("wheel") >= (0, 38))


@pytest.mark.timeout(180)
def test_non_editable_install_finds_resources(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("engine", "gui", "resources"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    target = tmp_path / "site"
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(src)]
    if _can_build_here():
        cmd.insert(4, "--no-build-isolation")   # no download of setuptools: faster, works offline
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=170)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (target / "hearth_resources" / "curated_models.json").is_file()
    assert not (target / "hearth_resources" / "screenshots").exists()   # docs stay out of the wheel
    assert not (target / "resources").exists() and not (target / "main.py").exists()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(target), QT_QPA_PLATFORM="offscreen",
               HEARTH_HOME=str(tmp_path / "home"))
    r = subprocess.run([sys.executable, "-c", CHECK, str(target)], cwd=elsewhere, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    # The installed copy is what ran, and it found its own data, not the checkout's.
    assert Path(out["engine"]).is_relative_to(target) and Path(out["gui"]).is_relative_to(target)
    # First the installed data; an editable install of the test environment may only come after it.
    assert Path(out["dirs"][0]) == target / "hearth_resources"
    assert Path(out["curated"]) == target / "hearth_resources" / "curated_models.json"
    assert out["curated_models"] == len(json.loads((ROOT / "resources" / "curated_models.json")
                                                   .read_text(encoding="utf-8"))["models"]) > 0
    assert out["catalogue"] == out["curated_models"]   # the Welcome page's offline estimates ship too
    assert Path(out["ico"]).is_file()
    assert out["icon_sizes"] == [16, 32, 48, 64, 128, 256]


def test_frozen_build_looks_in_meipass_first(tmp_path, monkeypatch):
    from engine import resources

    bundle = tmp_path / "bundle"
    (bundle / "resources").mkdir(parents=True)
    (bundle / "resources" / "curated_models.json").write_text('{"models": []}')
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert resources.resource_dirs()[0] == bundle / "resources"
    assert resources.resource_path("curated_models.json") == bundle / "resources" / "curated_models.json"
    # What the bundle lacks still comes from the next place (here: the source checkout).
    assert resources.resource_path("icons/hearth.svg") == ROOT / "resources" / "icons" / "hearth.svg"


def test_resource_path_errors():
    from engine.resources import resource_path

    with pytest.raises(FileNotFoundError, match="no-such-file.json is missing"):
        resource_path("no-such-file.json")
    for bad in ("../pyproject.toml", "/etc/passwd"):
        with pytest.raises(ValueError):
            resource_path(bad)


def test_icon_files_match_the_svg_sizes():
    """The ICO holds every size, each entry a PNG as rendered by packaging/render_icons.py."""
    import struct

    icons = ROOT / "resources" / "icons"
    data = (icons / "hearth.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 6)
    sizes = []
    for i in range(count):
        w, h, _, _, planes, bpp, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        png = data[offset:offset + length]
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and (planes, bpp) == (1, 32)
        assert png == (icons / f"hearth-{w or 256}.png").read_bytes()
        sizes.append(w or 256)
    assert sizes == [16, 32, 48, 64, 128, 256]
    assert (icons / "hearth.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
