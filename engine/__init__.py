"""Hearth engine: the Qt-free library behind the GUI and the command line.

Nothing in this package may import Qt (tests/engine/test_no_qt.py and the
import-linter contract in pyproject.toml enforce it).
"""

__version__ = "0.1.0"
