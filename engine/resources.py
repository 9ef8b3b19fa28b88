"""Where the files of ``resources/`` are, however Hearth was installed.

The folder ships three ways, looked up in this order:

1. a frozen build (PyInstaller): ``sys._MEIPASS/resources`` (packaging/hearth.spec);
2. a source checkout (``python main.py``, ``pip install -e .``): ``resources/``
   beside ``engine/`` and ``main.py``;
3. an installed wheel (``pip install .``): the ``hearth_resources`` package,
   which pyproject.toml maps onto ``resources/`` (data files only, never
   imported; found through its import spec).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

PACKAGE = "hearth_resources"
_CHECKOUT = Path(__file__).resolve().parent.parent


def resource_dirs() -> list[Path]:
    """Candidate ``resources`` folders that exist, in lookup order."""
    out: list[Path] = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        out.append(Path(meipass) / "resources")
    if (_CHECKOUT / "main.py").is_file() and (_CHECKOUT / "engine").is_dir():
        out.append(_CHECKOUT / "resources")
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        out += [Path(p) for p in (spec.submodule_search_locations or [])]
    seen, dirs = set(), []
    for d in out:
        if d.is_dir() and d not in seen:
            seen.add(d)
            dirs.append(d)
    return dirs


def resource_path(name: str) -> Path:
    """The file ``resources/<name>`` (``name`` may have folders: ``icons/hearth.svg``).

    Raises FileNotFoundError (an OSError) naming the folders searched.
    """
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"not a resource name: {name!r}")
    dirs = resource_dirs()
    for d in dirs:
        p = d / rel
        if p.exists():
            return p
    where = ", ".join(str(d) for d in dirs) or "no resources folder was found"
    raise FileNotFoundError(f"the resource {name} is missing (looked in {where}); reinstall Hearth")
