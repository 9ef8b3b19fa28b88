"""Trim the ICU data Qt carries (Linux builds): the one part of the build that grows with every language.

    python packaging/trim_icu.py dist/Hearth        # build.py runs it after PyInstaller

Qt Core links ICU, and PySide6's wheel brings ``libicudata.so.73``: 32 MB of data for every locale of the
world. Hearth's interface is English and Japanese and its own text handling is Python's, so the build keeps
what Qt can meet on any desktop and drops the rest:

- kept whole: break iteration (``brkitr/``: line and word breaking, with the Chinese/Japanese dictionary),
  normalisation, case mapping and character properties (``*.icu``, ``*.nrm``, ``*.spp``), time zones,
  the root, English and Japanese locale data in every tree, collation for root/en/ja, and the converters
  for Unicode, Latin, Windows code pages and Japanese (Shift_JIS, EUC-JP, ISO-2022-JP);
- dropped: the other languages' names of currencies, units, zones, languages and regions, their number
  spell-out rules and collations, transliteration, and the converters for other scripts' legacy encodings.
  ICU falls back to root for a locale it does not have (a German desktop sorts by the root collation).

The data lives in the library as one "common data" package (symbol ``icudt73_dat``): it is read, filtered
and written again here (its format: a table of contents of names and offsets, items 16-byte aligned), and
assembled into a library with the same name and SONAME (``gcc``). Without gcc the library stays as it was.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

KEEP_LOCALES = re.compile(r"^(root|en|en_[A-Z]{2}|en_001|en_150|ja|ja_JP|pool|res_index)\.res$")
# Legacy encodings kept: Unicode, Latin/Windows/DOS code pages, Japanese (Shift_JIS, EUC-JP, ISO-2022-JP
# and their IBM/Windows variants), and the Chinese and Korean ones a Japanese office still receives.
# Dropped: EBCDIC and other mainframe code pages, and the scripts' rarer legacy encodings.
KEEP_CONVERTERS = re.compile(
    r"^(cnvalias\.icu|icu-internal-.*|iso-8859_.*|windows-.*|ibm-(437|850|858|1250|1251|1252|1253|1254|1255|"
    r"1256|1257|1258|912|913|914|915|916|920|923|5346|5347|5348|5349|5350|5351|5352|5353|5354)_.*|"
    r"euc-jp-.*|ibm-33722_.*|ibm-943_.*|ibm-942_.*|ibm-954_.*|jisx-.*|"
    r"gb18030|ibm-1386_.*|ibm-1383_.*|ibm-5478_.*|ibm-5471_.*|ibm-1373_.*|ibm-950_.*|euc-tw-.*|"
    r"ibm-970_.*|ibm-949_.*|ibm-1363_.*|ibm-1364_.*|ibm-971_.*|ibm-1375_.*|macos-.*|ibm-1051_.*)(\.cnv)?$")
DROP_TREES = ("curr", "lang", "region", "unit", "zone", "rbnf", "coll")   # per-locale trees: keep KEEP_LOCALES


def keep(name: str) -> bool:
    """Whether an item of the package (``coll/ja.res``, ``ibm-943_P15A-2003.cnv``, ...) stays."""
    if "/" in name:
        tree, leaf = name.split("/", 1)
        if tree == "translit":
            return False
        if tree == "coll" and leaf in ("ucadata.icu", "ucadata-unihan.icu") or leaf.endswith(".icu"):
            return True
        if tree in DROP_TREES:
            return bool(KEEP_LOCALES.match(leaf))
        return True   # brkitr/ and anything new: kept
    if name.endswith(".cnv"):
        return bool(KEEP_CONVERTERS.match(name))
    if name.endswith(".res") and re.match(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$", name):
        return bool(KEEP_LOCALES.match(name))
    return True   # supplemental data, properties, normalisation, zoneinfo, likely subtags ...


def read_package(data: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(header, [(name, item bytes)]) of an ICU common-data package (little-endian, offset ToC)."""
    header_size = struct.unpack_from("<H", data, 0)[0]
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    toc = header_size
    count = struct.unpack_from("<I", data, toc)[0]
    entries = [struct.unpack_from("<II", data, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(entries):
        end = entries[i + 1][1] if i + 1 < count else len(data) - toc
        name = data[toc + name_off:data.index(b"\0", toc + name_off)].decode("ascii")
        items.append((name, data[toc + data_off:toc + end]))
    return data[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The package again: names sorted (ICU looks them up by binary search), items 16-byte aligned."""
    items = sorted(items, key=lambda kv: kv[0].encode("ascii"))
    count = len(items)
    names = b""
    name_offs = []
    base = 4 + 8 * count
    for name, _ in items:
        name_offs.append(base + len(names))
        names += name.encode("ascii") + b"\0"
    pos = base + len(names)
    pad = (-(len(header) + pos)) % 16
    pos += pad
    body, data_offs = b"", []
    for _, blob in items:
        data_offs.append(pos + len(body))
        body += blob + b"\0" * ((-len(blob)) % 16)
    toc = struct.pack("<I", count) + b"".join(struct.pack("<II", n, d) for n, d in zip(name_offs, data_offs))
    return header + toc + names + b"\0" * pad + body


def _symbol(lib: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the data symbol (icudtNN_dat) in the library."""
    out = subprocess.run(["readelf", "-W", "--dyn-syms", str(lib)], capture_output=True, text=True,
                         check=True).stdout
    m = re.search(r"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+(\d+)\s+(icudt\d+_dat)", out)
    if not m:
        raise ValueError("no icudt*_dat symbol")
    vaddr, size, name = int(m.group(1), 16), int(m.group(2), 0), m.group(4)
    sections = subprocess.run(["readelf", "-W", "-S", str(lib)], capture_output=True, text=True,
                              check=True).stdout
    for line in sections.splitlines():
        s = re.search(r"\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if s:
            addr, off, sz = (int(x, 16) for x in s.groups())
            if addr <= vaddr < addr + sz:
                return name, vaddr - addr + off, size
    raise ValueError("the data symbol is in no section")


def trim(lib: Path) -> tuple[int, int] | None:
    """Replace ``lib`` (libicudata.so.NN) with a trimmed one; (bytes before, after), or None if skipped."""
    if not shutil.which("gcc") or not shutil.which("readelf"):
        print("trim_icu: gcc or readelf missing: ICU data kept whole", file=sys.stderr)
        return None
    before = lib.stat().st_size
    symbol, offset, size = _symbol(lib)
    raw = lib.read_bytes()[offset:offset + size]
    header, items = read_package(raw)
    kept = [(n, b) for n, b in items if keep(n.split("/", 1)[1] if n.startswith("icudt") else n)]
    package = write_package(header, kept)
    soname = lib.name
    with tempfile.TemporaryDirectory() as tmp:
        dat = Path(tmp) / "data.dat"
        dat.write_bytes(package)
        asm = Path(tmp) / "data.S"
        asm.write_text(f""".section .rodata
.globl {symbol}
.type {symbol}, @object
.balign 16
{symbol}:
.incbin "{dat}"
.size {symbol}, . - {symbol}
.section .note.GNU-stack,"",@progbits
""", encoding="ascii")
        out = Path(tmp) / soname
        subprocess.run(["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(out), str(asm)],
                       check=True)
        shutil.copymode(lib, out)
        lib.unlink()
        shutil.copy2(out, lib)
    return before, lib.stat().st_size


def main(argv: list[str] | None = None) -> int:
    app = Path((argv or sys.argv[1:] or ["dist/Hearth"])[0])
    libs = [p for p in app.rglob("libicudata.so.*") if p.is_file() and not p.is_symlink()]
    if not libs:
        print(f"trim_icu: no libicudata in {app}")
        return 0
    for lib in libs:
        r = trim(lib)
        if r:
            print(f"trim_icu: {lib.relative_to(app)} {r[0] / 1e6:.1f} MB -> {r[1] / 1e6:.1f} MB "
                  "(English, Japanese and root locale data; see packaging/trim_icu.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
