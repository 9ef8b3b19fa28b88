# Hearth's override of PyInstaller's Qt hook: the same collection, with Qt plugins and
# translations limited to what the app uses (packaging/bundle_rules.py), filtered before
# PyInstaller resolves their library dependencies.
import os
import sys

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bundle_rules import keep_qt  # noqa: E402

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(src, dest) for src, dest in binaries if keep_qt(src, dest)]
datas = [(src, dest) for src, dest in datas if keep_qt(src, dest)]
