"""Bounded GGUF validation and metadata.

A model file is checked here before it ever reaches llama.cpp, whose loader
aborts the whole process on many malformed files. Every length read from the
file is checked against the bytes that are actually there, so a truncated
download or a corrupt header gives one clear sentence, never a crash.

Only the header is read (magic, key/values, tensor infos); tensor data is
checked by arithmetic against the file size, so a folder of models scans fast.
The parser works on any bytes-like buffer, so the hub can check a header it
fetched over HTTP Range requests (``parse_gguf`` raises ``HeaderIncomplete``
with the number of bytes it needs when the buffer is too short).
"""

from __future__ import annotations

import mmap
import os
import struct
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.errors import BadInputError

GGUF_MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32

# Value types of the key/value section: type id -> (struct format, size).
_SCALARS = {
    0: ("<B", 1),  # UINT8
    1: ("<b", 1),  # INT8
    2: ("<H", 2),  # UINT16
    3: ("<h", 2),  # INT16
    4: ("<I", 4),  # UINT32
    5: ("<i", 4),  # INT32
    6: ("<f", 4),  # FLOAT32
    7: ("<?", 1),  # BOOL
    10: ("<Q", 8),  # UINT64
    11: ("<q", 8),  # INT64
    12: ("<d", 8),  # FLOAT64
}
_STRING, _ARRAY = 8, 9
_U64 = struct.Struct("<Q")

# Sanity bounds: far above any real model, far below what would exhaust memory.
MAX_TENSORS = 1_000_000
MAX_KV = 100_000
MAX_DIMS = 8


def _ggml_type_sizes() -> dict[int, tuple[int, int, str]]:
    """ggml type id -> (block size, bytes per block, name), from the gguf package."""
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

    return {int(t): (bs, ts, t.name) for t, (bs, ts) in GGML_QUANT_SIZES.items()
            if isinstance(t, GGMLQuantizationType)}


_TYPE_SIZES: dict[int, tuple[int, int, str]] | None = None


def _type_sizes() -> dict[int, tuple[int, int, str]]:
    global _TYPE_SIZES
    if _TYPE_SIZES is None:
        _TYPE_SIZES = _ggml_type_sizes()
    return _TYPE_SIZES


def _file_type_name(file_type: int) -> str | None:
    """general.file_type enum -> "Q4_K_M" style name."""
    try:
        from gguf.constants import LlamaFileType

        name = LlamaFileType(file_type).name
    except (ImportError, ValueError):
        return None
    return name.removeprefix("MOSTLY_").replace("ALL_", "")


class InvalidGGUF(BadInputError):
    """The file is not a usable GGUF model; ``str()`` says why in one sentence."""


class HeaderIncomplete(Exception):
    """The buffer ends before the header does; fetch ``needed`` bytes and retry."""

    def __init__(self, needed: int):
        super().__init__(f"need {needed} bytes of header")
        self.needed = needed


@dataclass
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int  # relative to the data section
    n_bytes: int

    @property
    def n_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


@dataclass
class GGUFInfo:
    """What Hearth shows about a model, read from its header."""

    path: str | None = None
    file_size: int = 0
    version: int = 0
    architecture: str | None = None
    name: str | None = None
    parameters: int = 0
    quantization: str | None = None
    context_length: int | None = None
    block_count: int | None = None
    head_count: int | None = None
    head_count_kv: int | None = None
    embedding_length: int | None = None
    key_length: int | None = None
    value_length: int | None = None
    vocab_size: int | None = None
    has_chat_template: bool = False
    chat_template: str | None = field(default=None, repr=False)
    tensor_count: int = 0
    header_size: int = 0
    data_offset: int = 0
    split_count: int = 1

    def to_dict(self, *, with_template: bool = False) -> dict:
        d = asdict(self)
        if not with_template:
            d.pop("chat_template")
        return d

    @property
    def parameters_label(self) -> str:
        p = self.parameters
        if p >= 1e9:
            return f"{p / 1e9:.1f}B"
        if p >= 1e6:
            return f"{p / 1e6:.0f}M"
        if p >= 1e3:
            return f"{p / 1e3:.0f}K"
        return str(p)


class _Cursor:
    """Bounded reader over a buffer: every read checks the buffer end first."""

    __slots__ = ("buf", "pos", "end", "file_size")

    def __init__(self, buf, file_size: int):
        self.buf = buf
        self.pos = 0
        self.end = len(buf)
        self.file_size = file_size

    def need(self, n: int, what: str) -> None:
        if self.pos + n > self.end:
            if self.pos + n > self.file_size:
                raise InvalidGGUF(
                    f"file is truncated: the header's {what} needs bytes up to "
                    f"{self.pos + n} but the file has {self.file_size} bytes"
                )
            # The file is long enough; the caller gave us only part of it.
            raise HeaderIncomplete(self.pos + n)

    def scalar(self, fmt: str, size: int, what: str):
        self.need(size, what)
        (v,) = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return v

    def u32(self, what: str) -> int:
        return self.scalar("<I", 4, what)

    def u64(self, what: str) -> int:
        return self.scalar("<Q", 8, what)

    def string(self, what: str) -> str:
        n = self.u64(f"{what} length")
        if n > self.file_size:
            raise InvalidGGUF(f"corrupt header: {what} claims {n} bytes, more than the whole file")
        self.need(n, what)
        raw = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n
        return raw.decode("utf-8", errors="replace")

    def skip_string(self, what: str) -> None:
        n = self.u64(f"{what} length")
        if n > self.file_size:
            raise InvalidGGUF(f"corrupt header: {what} claims {n} bytes, more than the whole file")
        self.need(n, what)
        self.pos += n


def _read_value(cur: _Cursor, vtype: int, key: str, keep: bool):
    """Read (or skip) one key/value payload; arrays are kept only as a count."""
    if vtype in _SCALARS:
        fmt, size = _SCALARS[vtype]
        return cur.scalar(fmt, size, f"value of {key}")
    if vtype == _STRING:
        if keep:
            return cur.string(f"value of {key}")
        cur.skip_string(f"value of {key}")
        return None
    if vtype == _ARRAY:
        etype = cur.u32(f"array type of {key}")
        count = cur.u64(f"array length of {key}")
        if count > cur.file_size:
            raise InvalidGGUF(f"corrupt header: array {key} claims {count} items, more than the file could hold")
        if etype in _SCALARS:
            _, size = _SCALARS[etype]
            cur.need(count * size, f"array {key}")
            cur.pos += count * size
        elif etype == _STRING:
            # Tight loop: vocabularies hold 100k+ strings (and BPE merges as many again).
            # Bounds are checked once per element by struct itself (IndexError/struct.error),
            # lengths in bulk afterwards: a corrupt length runs past the end and is caught.
            buf, pos = cur.buf, cur.pos
            unpack = _U64.unpack_from
            limit = min(cur.end, cur.file_size)
            n = 0
            try:
                for _ in range(count):
                    n = unpack(buf, pos)[0]
                    pos += 8 + n
                    if pos > limit:
                        break
            except struct.error:
                pos, n = max(pos + 8, limit + 1), 0
            if pos > limit:
                if n > cur.file_size:
                    raise InvalidGGUF(f"corrupt header: a string in array {key} claims {n} bytes, "
                                      "more than the whole file")
                if pos > cur.file_size:
                    raise InvalidGGUF(f"file is truncated: the header's array {key} needs bytes up to {pos} "
                                      f"but the file has {cur.file_size} bytes")
                raise HeaderIncomplete(pos)  # only part of the file was given to us
            cur.pos = pos
        elif etype == _ARRAY:
            for _ in range(count):
                _read_value(cur, _ARRAY, key, False)
        else:
            raise InvalidGGUF(f"corrupt header: array {key} has unknown element type {etype}")
        return ("array", count)
    raise InvalidGGUF(f"corrupt header: key {key} has unknown value type {vtype}")


def parse_gguf(buf, file_size: int | None = None, *, check_data: bool = True,
               path: str | None = None) -> GGUFInfo:
    """Parse and validate a GGUF header held in ``buf`` (bytes, memoryview, mmap).

    ``file_size`` is the size of the whole file (defaults to ``len(buf)``);
    with ``check_data`` every tensor must end inside the file.
    """
    if file_size is None:
        file_size = len(buf)
    cur = _Cursor(buf, file_size)
    info = GGUFInfo(path=path, file_size=file_size)

    if file_size < 4:
        raise InvalidGGUF(f"not a GGUF model: the file has only {file_size} bytes")
    cur.need(4, "magic")
    magic = bytes(buf[0:4])
    if magic != GGUF_MAGIC:
        hint = ""
        if magic[:2] == b"PK":
            hint = " (it looks like a zip archive)"
        elif magic.lstrip()[:1] in (b"<", b"{"):
            hint = " (it looks like a web page or JSON, perhaps an error page saved by a download)"
        raise InvalidGGUF(f"not a GGUF model: the file starts with {magic!r} instead of b'GGUF'{hint}")
    cur.pos = 4
    info.version = cur.u32("version")
    if info.version not in (2, 3):
        raise InvalidGGUF(f"unsupported GGUF version {info.version} (Hearth reads versions 2 and 3)")
    info.tensor_count = cur.u64("tensor count")
    kv_count = cur.u64("key/value count")
    if info.tensor_count > MAX_TENSORS:
        raise InvalidGGUF(f"corrupt header: it claims {info.tensor_count} tensors")
    if kv_count > MAX_KV:
        raise InvalidGGUF(f"corrupt header: it claims {kv_count} metadata entries")

    kv: dict[str, object] = {}
    for i in range(kv_count):
        key = cur.string(f"key #{i}")
        vtype = cur.u32(f"type of {key}")
        kv[key] = _read_value(cur, vtype, key, keep=True)

    arch = kv.get("general.architecture")
    info.architecture = arch if isinstance(arch, str) else None
    info.name = kv.get("general.name") if isinstance(kv.get("general.name"), str) else None
    tmpl = kv.get("tokenizer.chat_template")
    info.has_chat_template = isinstance(tmpl, str) and bool(tmpl.strip())
    info.chat_template = tmpl if info.has_chat_template else None
    tokens = kv.get("tokenizer.ggml.tokens")
    if isinstance(tokens, tuple):
        info.vocab_size = tokens[1]
    if info.architecture:
        a = info.architecture

        def num(k):
            v = kv.get(f"{a}.{k}")
            return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

        info.context_length = num("context_length")
        info.block_count = num("block_count")
        info.head_count = num("attention.head_count")
        info.head_count_kv = num("attention.head_count_kv") or info.head_count
        info.embedding_length = num("embedding_length")
        info.key_length = num("attention.key_length")
        info.value_length = num("attention.value_length")
    split = kv.get("split.count")
    if isinstance(split, int) and split > 1:
        info.split_count = split

    alignment = kv.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise InvalidGGUF(f"corrupt header: general.alignment is {alignment!r}, not a power of two")

    sizes = _type_sizes()
    tensors: list[TensorInfo] = []
    bytes_by_type: dict[str, int] = {}
    for i in range(info.tensor_count):
        name = cur.string(f"name of tensor #{i}")
        n_dims = cur.u32(f"dimension count of tensor {name}")
        if n_dims == 0 or n_dims > MAX_DIMS:
            raise InvalidGGUF(f"corrupt header: tensor {name} has {n_dims} dimensions")
        shape = tuple(cur.u64(f"shape of tensor {name}") for _ in range(n_dims))
        gtype = cur.u32(f"type of tensor {name}")
        offset = cur.u64(f"offset of tensor {name}")
        if gtype not in sizes:
            raise InvalidGGUF(f"unknown tensor type {gtype} for tensor {name} (a newer format than Hearth knows?)")
        block, type_size, tname = sizes[gtype]
        n_el = 1
        for d in shape:
            n_el *= d
        if n_el > file_size * 64:
            raise InvalidGGUF(f"corrupt header: tensor {name} claims {n_el} elements")
        if shape[0] % block:
            raise InvalidGGUF(f"corrupt header: tensor {name} row of {shape[0]} is not a multiple of {tname} blocks of {block}")
        if offset % alignment:
            raise InvalidGGUF(f"corrupt header: tensor {name} offset {offset} is not aligned to {alignment} bytes")
        n_bytes = n_el // block * type_size
        tensors.append(TensorInfo(name, shape, gtype, offset, n_bytes))
        info.parameters += n_el
        bytes_by_type[tname] = bytes_by_type.get(tname, 0) + n_bytes

    info.header_size = cur.pos
    info.data_offset = (cur.pos + alignment - 1) // alignment * alignment

    if check_data:
        for t in tensors:
            end = info.data_offset + t.offset + t.n_bytes
            if end > file_size:
                raise InvalidGGUF(
                    f"file is truncated: tensor {t.name} ends at byte {end} "
                    f"but the file has {file_size} bytes"
                )

    ft = kv.get("general.file_type")
    info.quantization = _file_type_name(ft) if isinstance(ft, int) else None
    if not info.quantization and bytes_by_type:
        info.quantization = max(bytes_by_type, key=bytes_by_type.get)
    if info.architecture is None:
        raise InvalidGGUF("not a usable model: the header has no general.architecture")
    return info


def check_file(path: str | os.PathLike) -> GGUFInfo:
    """Validate a GGUF file on disk (header reads only) and return its metadata.

    Raises ``InvalidGGUF`` (a ``BadInputError``) with one clear sentence.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise InvalidGGUF(f"{p} is a folder, not a model file")
        with open(p, "rb") as f:
            if size == 0:
                raise InvalidGGUF("not a GGUF model: the file is empty")
            # mmap reads only the pages the parser touches: the header.
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                try:
                    return parse_gguf(mm, size, path=str(p))
                except HeaderIncomplete as e:  # cannot happen with the whole file mapped
                    raise InvalidGGUF(f"file is truncated at byte {size}") from e
    except FileNotFoundError:
        raise InvalidGGUF(f"no such file: {p}") from None
    except PermissionError:
        raise InvalidGGUF(f"cannot read {p}: permission denied") from None
    except IsADirectoryError:
        raise InvalidGGUF(f"{p} is a folder, not a model file") from None
    except OSError as e:
        raise InvalidGGUF(f"cannot read {p}: {e.strerror or e}") from None
