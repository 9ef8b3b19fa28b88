"""What goes into the wheel: the ``engine`` and ``gui`` packages, and ``resources/``.

Metadata and dependencies are in pyproject.toml. This file exists for the one
thing pyproject.toml cannot say: ship the top-level ``resources/`` folder as
the data-only package ``hearth_resources`` (found by engine/resources.py),
while the engine and GUI packages are still discovered automatically.
Documentation-only folders (screenshots) stay out of the wheel.
"""

from pathlib import Path

from setuptools import find_packages, setup

ROOT = Path(__file__).resolve().parent
RESOURCE_DIRS = sorted(d.name for d in (ROOT / "resources").iterdir()
                       if d.is_dir() and d.name not in ("screenshots", "__pycache__"))

setup(
    packages=find_packages(include=["engine", "engine.*", "gui", "gui.*"])
    + ["hearth_resources"] + [f"hearth_resources.{d}" for d in RESOURCE_DIRS],
    package_dir={"hearth_resources": "resources"},
    package_data={
        "*": ["*.json", "*.md", "*.svg", "*.png", "*.qm"],
        "hearth_resources": ["*.json"],
        **{f"hearth_resources.{d}": ["*"] for d in RESOURCE_DIRS},
    },
)
