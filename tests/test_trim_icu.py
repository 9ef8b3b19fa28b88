"""packaging/trim_icu.py: Qt's ICU data trimmed to English, Japanese and root gives Qt the same answers for
what Hearth's users meet (Japanese and German sorting, line and word breaks in Japanese, Turkish case
mapping, time zones, Japanese/Chinese/Korean/Western legacy encodings)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import trim_icu  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("gcc")
                                or not shutil.which("readelf"), reason="Linux builds with gcc and readelf")

PROBE = r'''
import json, sys
from PySide6.QtCore import (QCollator, QCoreApplication, QDateTime, QLocale, QStringDecoder,
                            QTextBoundaryFinder, QTimeZone)
app = QCoreApplication(sys.argv)
out = {}
out["ja_sort"] = sorted(["さくら", "あめ", "カメラ", "漢字", "abc", "アメ"], key=QCollator(QLocale("ja_JP")).sortKey)
out["de_sort"] = sorted(["Äpfel", "Zebra", "apfel", "Ähre"], key=QCollator(QLocale("de_DE")).sortKey)
text = "日本語の文章を改行する。次の文です。English words here."
for kind in ("Line", "Word", "Sentence"):
    f = QTextBoundaryFinder(getattr(QTextBoundaryFinder.BoundaryType, kind), text)
    pos, p = [], f.toNextBoundary()
    while p != -1:
        pos.append(p)
        p = f.toNextBoundary()
    out[kind] = pos
out["tr_upper"] = QLocale("tr_TR").toUpper("istanbul")
out["tokyo"] = QTimeZone(b"Asia/Tokyo").offsetFromUtc(QDateTime.currentDateTime())
out["decoders"] = {e: QStringDecoder(e).isValid() for e in ("Shift_JIS", "EUC-JP", "ISO-2022-JP", "CP932",
                                                             "windows-1252", "ISO-8859-15", "GB18030", "Big5",
                                                             "EUC-KR", "UTF-16LE")}
out["codecs"] = len(QStringDecoder.availableCodecs())
print(json.dumps(out, ensure_ascii=False))
'''


def _icudata() -> Path:
    import PySide6

    libs = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*[0-9]"))
    if not libs:
        pytest.skip("this PySide6 has no bundled ICU")
    return libs[-1]


def _probe(preload: Path | None = None) -> dict:
    import os

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if preload:
        env["LD_PRELOAD"] = str(preload)
    r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_trimmed_icu_gives_qt_the_same_answers(tmp_path):
    lib = tmp_path / _icudata().name
    shutil.copy2(_icudata(), lib)
    before, after = trim_icu.trim(lib)
    assert after < before * 0.5           # it really is smaller ...
    trimmed = _probe(lib)
    whole = _probe()
    assert trimmed.pop("codecs") < whole.pop("codecs")   # ... really used: EBCDIC and the like are gone
    assert trimmed == whole                # ... and answers as the whole data does


def test_what_is_kept():
    assert trim_icu.keep("brkitr/cjdict.dict") and trim_icu.keep("coll/ja.res") and trim_icu.keep("coll/root.res")
    assert trim_icu.keep("zoneinfo64.res") and trim_icu.keep("uprops.icu") and trim_icu.keep("euc-jp-2007.cnv")
    assert trim_icu.keep("ja.res") and trim_icu.keep("en_GB.res") and trim_icu.keep("curr/pool.res")
    assert not trim_icu.keep("coll/zh.res") and not trim_icu.keep("lang/de.res") and not trim_icu.keep("fr.res")
    assert not trim_icu.keep("translit/root.res") and not trim_icu.keep("ibm-37_P100-1995.cnv")   # EBCDIC


def test_the_package_format_round_trips():
    items = [("icudt73l/b.res", b"\x01" * 5), ("icudt73l/a.res", b"\x02" * 40)]
    header = b"\x20\x00\xda\x27" + b"\x00" * 8 + b"CmnD" + b"\x00" * 16
    header, got = trim_icu.read_package(trim_icu.write_package(header, items))
    assert [n for n, _ in got] == ["icudt73l/a.res", "icudt73l/b.res"]        # sorted by name
    assert got[0][1].rstrip(b"\0") == b"\x02" * 40 and got[1][1].rstrip(b"\0") == b"\x01" * 5
