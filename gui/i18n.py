"""The interface language: Hearth's Qt translation, Qt's own, and locale-aware formatting.

The Japanese translation is ``resources/i18n/hearth_ja.ts`` (the source, kept in git) compiled by
``pyside6-lrelease`` to ``hearth_ja.qm`` (not in git). The packaged build compiles it
(packaging/build.py), the test session compiles it (tests/gui/conftest.py), and a source checkout or an
installed wheel compiles it on first use when the ``.qm`` is missing or older than the ``.ts``
(``compile_translation``) — beside the ``.ts`` when that folder is writable, else in the user cache folder.

The language is chosen once, at start-up (``install_translation``): switching it in the settings takes
effect at the next start. Dates, numbers and sizes go through ``QLocale()`` (the default locale, set here to
match the language in effect).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from gui.qt import QtCore

log = logging.getLogger("gui.i18n")

LANGUAGES = ("system", "en", "ja")
TRANSLATED = ("ja",)          # languages with a Hearth .ts/.qm (English is the source text)
CONTEXT = "i18n"

_installed: list = []         # the translators this module installed (kept alive; removed on re-install)


def tr(text: str) -> str:
    return QtCore.QCoreApplication.translate(CONTEXT, text)


def available_languages() -> list[tuple[str, str]]:
    """(code, name) for the language setting: the system's, then each language in its own name."""
    return [("system", QtCore.QCoreApplication.translate("i18n", "Follow the system")), ("en", "English"), ("ja", "日本語")]


def resolve_language(language: str | None = "system", system_locale: QtCore.QLocale | None = None) -> str:
    """The language in effect: ``en`` or ``ja`` (``system`` follows the system locale's UI languages)."""
    language = (language or "system").strip().lower()
    if language in ("en", "ja"):
        return language
    if language.startswith("ja"):
        return "ja"
    if language != "system":
        return "en"
    loc = system_locale or QtCore.QLocale.system()
    for name in list(loc.uiLanguages()) or [loc.name()]:
        code = name.replace("_", "-").split("-")[0].lower()
        if code == "ja":
            return "ja"
        if code == "en":
            return "en"
    return "ja" if loc.language() == QtCore.QLocale.Language.Japanese else "en"


# ---- where the translation lives -------------------------------------------------------------
def ts_path(language: str = "ja") -> Path | None:
    """The translation source ``resources/i18n/hearth_<language>.ts`` (None when not shipped)."""
    from engine.resources import resource_dirs

    for d in resource_dirs():
        p = d / "i18n" / f"hearth_{language}.ts"
        if p.is_file():
            return p
    return None


def _cache_qm(language: str) -> Path:
    from engine.config import resolve_paths

    try:
        base = resolve_paths().cache_dir
    except Exception:
        import tempfile

        base = Path(tempfile.gettempdir()) / "hearth"
    return base / "i18n" / f"hearth_{language}.qm"


def qm_path(language: str = "ja") -> Path:
    """Where the compiled ``hearth_<language>.qm`` is (or will be written by ``compile_translation``).

    Beside the ``.ts`` (``resources/i18n/``) when it is there or that folder is writable (a checkout,
    a packaged build); otherwise in the user cache folder (a wheel installed into a read-only place).
    """
    from engine.resources import resource_dirs

    for d in resource_dirs():
        p = d / "i18n" / f"hearth_{language}.qm"
        if p.is_file():
            return p
    ts = ts_path(language)
    if ts is not None and os.access(ts.parent, os.W_OK):
        return ts.with_suffix(".qm")
    return _cache_qm(language)


def lrelease_command() -> list[str] | None:
    """How to run Qt's lrelease here: the binary PySide6 ships, else pyside6-lrelease on PATH."""
    try:
        import PySide6

        exe = Path(PySide6.__file__).parent / ("lrelease.exe" if sys.platform == "win32" else "lrelease")
        if exe.is_file():
            return [str(exe)]
    except Exception:
        pass
    for name in ("pyside6-lrelease", "lrelease"):
        found = shutil.which(name) or shutil.which(name, path=os.path.dirname(sys.executable))
        if found:
            return [found]
    return None


def is_stale(ts: Path, qm: Path) -> bool:
    """Whether ``qm`` is missing or older than ``ts`` (then it must be compiled again)."""
    return not qm.is_file() or qm.stat().st_mtime < ts.stat().st_mtime


def compile_translation(language: str = "ja", *, force: bool = False, out: Path | None = None) -> Path | None:
    """Compile ``hearth_<language>.ts`` to ``.qm`` when missing or older than the ``.ts``; the ``.qm`` path.

    Returns the existing ``.qm`` when nothing needs doing, None when there is neither a usable ``.qm``
    nor a way to build one (the interface then stays in English).
    """
    ts = ts_path(language)
    qm = out or qm_path(language)
    if ts is None:
        return qm if qm.is_file() else None
    if not force and not is_stale(ts, qm):
        return qm
    cmd = lrelease_command()
    if cmd is None:
        log.warning("cannot compile %s: lrelease not found", ts)
        return qm if qm.is_file() else None
    for target in ([qm] if out else [qm, _cache_qm(language)]):
        # lrelease rewrites its output in place, and a QTranslator (this process or a running app) maps the
        # .qm it loaded into memory: build beside it and rename, so a loaded file is never changed under it.
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            r = subprocess.run(cmd + ["-silent", str(ts), "-qm", str(tmp)],
                               capture_output=True, text=True, timeout=120)
            if r.returncode == 0 and tmp.is_file():
                os.replace(tmp, target)
                return target
        except (OSError, subprocess.SubprocessError) as e:
            log.warning("lrelease failed for %s: %s", ts, e)
            continue
        finally:
            tmp.unlink(missing_ok=True)
        log.warning("lrelease failed for %s: %s", ts, (r.stderr or r.stdout).strip())
    return qm if qm.is_file() else None


def _qt_base_qm(language: str) -> tuple[str, str] | None:
    """(file name, folder) of Qt's own qtbase translation (standard buttons, dialogs), if present."""
    dirs = [QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)]
    from engine.resources import resource_dirs

    dirs += [str(d / "i18n") for d in resource_dirs()]   # a packaged build carries it there
    for d in dirs:
        if d and os.path.isfile(os.path.join(d, f"qtbase_{language}.qm")):
            return f"qtbase_{language}", d
    return None


# ---- installing ------------------------------------------------------------------------------
def install_translation(app, language: str = "system") -> str:
    """Install Hearth's translation and Qt's base translation for ``language``; the language in effect.

    ``language`` is ``system`` (follow the system locale), ``en`` or ``ja``. Returns ``en`` or ``ja``:
    ``en`` also when the Japanese ``.qm`` could not be found or built. Calling it again replaces what
    an earlier call installed. The default ``QLocale`` is set to match, for dates, numbers and sizes.
    """
    app = app or QtCore.QCoreApplication.instance()
    for t in _installed:
        QtCore.QCoreApplication.removeTranslator(t)
    _installed.clear()
    lang = resolve_language(language)
    if lang in TRANSLATED:
        qm = compile_translation(lang)
        hearth = QtCore.QTranslator(app)
        if qm is not None and hearth.load(str(qm)):
            QtCore.QCoreApplication.installTranslator(hearth)
            _installed.append(hearth)
            base = _qt_base_qm(lang)
            if base is not None:
                qt = QtCore.QTranslator(app)
                if qt.load(*base):
                    QtCore.QCoreApplication.installTranslator(qt)
                    _installed.append(qt)
        else:
            log.warning("no usable Japanese translation (%s); the interface stays in English", qm)
            lang = "en"
    _set_locale(lang)
    return lang


def installed_language() -> str:
    """``ja`` while Hearth's Japanese translation is installed by ``install_translation``, else ``en``."""
    return "ja" if _installed else "en"


def _set_locale(lang: str) -> None:
    system = QtCore.QLocale.system()
    if lang == "ja":
        loc = system if system.language() == QtCore.QLocale.Language.Japanese else QtCore.QLocale("ja_JP")
    elif system.language() == QtCore.QLocale.Language.Japanese:
        loc = QtCore.QLocale("en_US")
    else:
        loc = system
    QtCore.QLocale.setDefault(loc)


# ---- locale-aware formatting -----------------------------------------------------------------
def _english(loc: QtCore.QLocale) -> bool:
    return loc.language() in (QtCore.QLocale.Language.English, QtCore.QLocale.Language.C)


def _locale() -> QtCore.QLocale:
    loc = QtCore.QLocale()
    # The C locale (no LANG) has no digit grouping: English separators, as Python's f"{n:,}".
    return QtCore.QLocale("en_US") if loc.language() == QtCore.QLocale.Language.C else loc


def format_number(value: float, decimals: int = 0) -> str:
    """A number in the current locale's digits and separators (``1,234.5`` / ``1.234,5``)."""
    loc = _locale()
    if decimals <= 0:
        return loc.toString(int(round(value)))
    return loc.toString(float(value), "f", decimals)


def format_size(n: float | None, empty: str = "—") -> str:
    """Bytes as ``812 KB``, ``1.2 GB`` (decimal units, as engine.library.human_size) in the locale."""
    if n is None:
        return empty
    n = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{format_number(n, 0 if unit in ('B', 'KB') else 1)} {unit}"
        n /= 1000
    return f"{format_number(n, 1)} TB"


def _to_qdatetime(value) -> QtCore.QDateTime | None:
    if value is None or value == "":
        return None
    if isinstance(value, QtCore.QDateTime):
        return value.toLocalTime()
    if isinstance(value, (int, float)):
        return QtCore.QDateTime.fromSecsSinceEpoch(int(value)).toLocalTime()
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return QtCore.QDateTime.fromSecsSinceEpoch(int(value.timestamp())).toLocalTime()
    raise TypeError(f"not a date and time: {value!r}")


def format_datetime(value) -> str:
    """A date and time (datetime, ISO text — UTC when naive — epoch seconds or QDateTime) in local time
    to the minute: ``2025-06-03 14:05`` in English, the locale's short form elsewhere (``2025/06/03 14:05``)."""
    dt = _to_qdatetime(value)
    if dt is None:
        return ""
    loc = QtCore.QLocale()
    if _english(loc):
        return loc.toString(dt, "yyyy-MM-dd HH:mm")
    return loc.toString(dt, QtCore.QLocale.FormatType.ShortFormat)


def format_date(value) -> str:
    """A date alone, in the same style as ``format_datetime``."""
    dt = _to_qdatetime(value)
    if dt is None:
        return ""
    loc = QtCore.QLocale()
    if _english(loc):
        return loc.toString(dt.date(), "yyyy-MM-dd")
    return loc.toString(dt.date(), QtCore.QLocale.FormatType.ShortFormat)


# ---- CJK fonts -------------------------------------------------------------------------------
CJK_FAMILIES = ("Noto Sans CJK JP", "Noto Sans JP", "Yu Gothic UI", "Yu Gothic", "Meiryo UI", "Meiryo",
                "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Source Han Sans JP", "IPAexGothic",
                "IPAGothic", "TakaoGothic", "VL Gothic")


def cjk_fallback_families() -> list[str]:
    """The installed Japanese font families, in order of preference (may be empty); with none of the known ones,
    whichever families the font database says write Japanese (a machine's only CJK font may be one the list
    does not name: Droid Sans Fallback, WenQuanYi Zen Hei, Noto Sans CJK SC...)."""
    from gui.qt import QtGui

    have = set(QtGui.QFontDatabase.families())
    known = [f for f in CJK_FAMILIES if f in have]
    return known or [f for f in QtGui.QFontDatabase.families(QtGui.QFontDatabase.WritingSystem.Japanese)
                     if not QtGui.QFontDatabase.isPrivateFamily(f)]


def apply_cjk_fallback(font) -> "object":
    """``font`` with Japanese fonts added after its own family, so kana and kanji never fall back to boxes
    or a mismatched font (Qt 6's QFont.setFamilies: each character from the first family that has it)."""
    fams = [f for f in (font.families() or [font.family()]) if f]
    extra = [f for f in cjk_fallback_families() if f not in fams]
    if extra:
        font.setFamilies(fams + extra)
    return font
