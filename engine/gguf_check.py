"""Bounded GGUF validation and metadata.

A model file is checked here before it ever reaches llama.cpp, whose loader
aborts the whole process on many malformed files. Every length read from the
file is checked against the bytes that are actually there, so a truncated
download or a corrupt header gives one clear sentence, never a crash: nothing
recurses (arrays nested in arrays are walked with a list), names from the file
are quoted on one line, and any failure no check foresaw still becomes an
``InvalidGGUF`` sentence (tests/engine/test_gguf_check.py flips bytes over the
whole header and writes damaged headers byte by byte).

Only the header is read (magic, key/values, tensor infos); tensor data is
checked by arithmetic against the file size, so a folder of models scans fast.
The parser works on any bytes-like buffer, so the hub can check a header it
fetched over HTTP Range requests (``parse_gguf`` raises ``HeaderIncomplete``
with the number of bytes it needs when the buffer is too short).
"""

from __future__ import annotations

import mmap
import os
import stat
import struct
from dataclasses import dataclass, field, fields
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
MAX_DIMS = 4                   # GGML_MAX_DIMS: llama.cpp refuses more
MAX_ARRAY_DEPTH = 64           # arrays nested in arrays (llama.cpp itself loads none)
MAX_ALIGNMENT = 1 << 24        # general.alignment: real files use 32
MAX_NAME = 1 << 16             # bytes in a key or tensor name
MAX_KEPT_STRING = 16 << 20     # bytes in a string value Hearth keeps (a chat template)
# String values the header summary uses; other strings are skipped, never copied.
_KEPT_STRINGS = frozenset({"general.architecture", "general.name", "tokenizer.chat_template"})
_TYPE_NAMES = {0: "UINT8", 1: "INT8", 2: "UINT16", 3: "INT16", 4: "UINT32", 5: "INT32", 6: "FLOAT32",
               7: "BOOL", 8: "STRING", 9: "ARRAY", 10: "UINT64", 11: "INT64", 12: "FLOAT64"}
_UINT32 = 4
# llama.cpp's encoder-only architectures: embedding models, never chat models.
EMBEDDING_ARCHITECTURES = frozenset({"bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "jina-bert-v3",
                                     "modern-bert", "neo-bert", "xlm-roberta", "roberta", "t5encoder"})


def _one_line(text: object, limit: int = 160) -> str:
    """``text`` on one line, at most ``limit`` characters (for messages quoting file data)."""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[:limit - 1] + "…"


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
    sliding_window: int | None = None          # {arch}.attention.sliding_window (tokens)
    sliding_window_pattern: int | None = None  # {arch}.attention.sliding_window_pattern, when a number
    expert_count: int | None = None
    expert_used_count: int | None = None
    has_chat_template: bool = False
    pooling_type: int | None = None            # {arch}.pooling_type: an embedding model's (1 mean, 2 CLS, 3 last...)
    chat_template: str | None = field(default=None, repr=False)
    tensor_count: int = 0
    header_size: int = 0
    data_offset: int = 0
    split_count: int = 1
    # Every tensor's name, shape, type and size (engine/plan.py sums them per layer);
    # not part of to_dict(): the library's cache and check-model's JSON stay small.
    tensors: list[TensorInfo] = field(default_factory=list, repr=False, compare=False)

    def to_dict(self, *, with_template: bool = False) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "tensors"}
        if not with_template:
            d.pop("chat_template")
        return d

    @property
    def is_embedding(self) -> bool:
        """An embedding model (text -> vector for search), not a chat model: an encoder architecture
        (BERT and its kin, as converted by llama.cpp) or a header that names a pooling type."""
        return (self.architecture or "").lower() in EMBEDDING_ARCHITECTURES or self.pooling_type is not None

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

    def string(self, what: str, max_len: int = MAX_KEPT_STRING) -> str:
        n = self.u64(f"{what} length")
        if n > self.file_size:
            raise InvalidGGUF(f"corrupt header: {what} claims {n} bytes, more than the whole file")
        if n > max_len:
            raise InvalidGGUF(f"corrupt header: {what} is {n} bytes long, more than the {max_len} "
                              "bytes Hearth accepts")
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


def _label(name: str, limit: int = 60) -> str:
    """A key or tensor name read from the file, fit to quote in a one-line message."""
    if not name.isprintable():
        name = name.encode("unicode_escape").decode("ascii")
    return name if len(name) <= limit else name[:limit - 1] + "…"


def _check_count(cur: _Cursor, what: str, count: int) -> None:
    """Reject a count larger than the file's size in bytes: every item takes at least one.

    (Counts that merely run past the end are left to the reads, which then say the
    file is truncated: that is what a cut-off download looks like.)
    """
    if count > cur.file_size:
        raise InvalidGGUF(f"corrupt header: {what} claims {count} items, more than the file could hold")


def _read_value(cur: _Cursor, vtype: int, key: str, keep: bool):
    """Read (or skip) one key/value payload; arrays are kept only as ``("array", count)``.

    ``key`` is the name as quoted in messages (see ``_label``).
    """
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
        _skip_array(cur, key, etype, count)
        return ("array", count)
    raise InvalidGGUF(f"corrupt header: metadata key {key} has unknown value type {vtype}")


def _skip_array(cur: _Cursor, key: str, etype: int, count: int) -> None:
    """Skip an array's payload; arrays of arrays are walked with a list, never recursion.

    A file may nest arrays as deep as its bytes allow: a recursive reader would run out
    of Python's stack long before the bytes run out.
    """
    open_levels: list[int] = []  # per open array of arrays: inner arrays still to read
    while True:
        if etype in _SCALARS:
            size = _SCALARS[etype][1]
            _check_count(cur, f"array {key}", count)
            cur.need(count * size, f"array {key}")
            cur.pos += count * size
        elif etype == _STRING:
            _check_count(cur, f"array {key}", count)
            _skip_strings(cur, key, count)
        elif etype == _ARRAY:
            _check_count(cur, f"array {key}", count)
            if count:
                if len(open_levels) + 1 >= MAX_ARRAY_DEPTH:
                    raise InvalidGGUF(f"corrupt header: metadata key {key} nests arrays more than "
                                      f"{MAX_ARRAY_DEPTH} levels deep")
                open_levels.append(count)
        else:
            raise InvalidGGUF(f"corrupt header: array {key} has unknown element type {etype}")
        while open_levels and open_levels[-1] == 0:
            open_levels.pop()
        if not open_levels:
            return
        open_levels[-1] -= 1
        etype = cur.u32(f"array type in {key}")
        count = cur.u64(f"array length in {key}")


def _skip_strings(cur: _Cursor, key: str, count: int) -> None:
    """Skip ``count`` strings: the tight loop for vocabularies (100k+ strings, BPE merges as many)."""
    # Bounds are checked once per element by struct itself (struct.error),
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


def parse_gguf(buf, file_size: int | None = None, *, check_data: bool = True,
               path: str | None = None) -> GGUFInfo:
    """Parse and validate a GGUF header held in ``buf`` (bytes, memoryview, mmap).

    ``file_size`` is the size of the whole file (defaults to ``len(buf)``);
    with ``check_data`` every tensor must end inside the file.

    Raises ``InvalidGGUF`` with one sentence for any header it cannot use (whatever
    went wrong while reading it), or ``HeaderIncomplete`` when ``buf`` is too short.
    """
    try:
        return _parse_gguf(buf, file_size, check_data=check_data, path=path)
    except (InvalidGGUF, HeaderIncomplete):
        raise
    except MemoryError:
        raise InvalidGGUF("the header could not be read: not enough memory") from None
    except Exception as e:  # a header no check above foresaw: still one sentence, never a traceback
        raise InvalidGGUF(f"corrupt header: it could not be read ({type(e).__name__}: {_one_line(e)})") from e


def _parse_gguf(buf, file_size: int | None, *, check_data: bool, path: str | None) -> GGUFInfo:
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
    for count, what, limit in ((info.tensor_count, "tensors", MAX_TENSORS), (kv_count, "metadata entries", MAX_KV)):
        if count > file_size:
            raise InvalidGGUF(f"corrupt header: it claims {count} {what}, more than the file could hold")
        if count > limit:
            raise InvalidGGUF(f"corrupt header: it claims {count} {what}, more than the {limit} Hearth accepts")

    kv: dict[str, object] = {}
    kv_types: dict[str, int] = {}
    for i in range(kv_count):
        key = cur.string(f"metadata key #{i}", MAX_NAME)
        if not key:
            raise InvalidGGUF(f"corrupt header: metadata key #{i} is empty")
        label = _label(key)
        if key in kv:
            raise InvalidGGUF(f"corrupt header: metadata key {label} appears twice")
        vtype = cur.u32(f"type of {label}")
        kv[key] = _read_value(cur, vtype, label, keep=key in _KEPT_STRINGS)
        kv_types[key] = vtype

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
            # Sizes are small whole numbers; anything else (NaN, inf, negative, 2**64-1)
            # is left unknown rather than handed to code that does arithmetic with it.
            v = kv.get(f"{a}.{k}")
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < 2**31:
                return None
            return int(v)

        info.context_length = num("context_length")
        info.block_count = num("block_count")
        info.head_count = num("attention.head_count")
        info.head_count_kv = num("attention.head_count_kv") or info.head_count
        info.embedding_length = num("embedding_length")
        info.key_length = num("attention.key_length")
        info.value_length = num("attention.value_length")
        info.sliding_window = num("attention.sliding_window")
        info.sliding_window_pattern = num("attention.sliding_window_pattern")
        info.expert_count = num("expert_count")
        info.expert_used_count = num("expert_used_count")
        info.pooling_type = num("pooling_type")
    split = kv.get("split.count")
    if isinstance(split, int) and not isinstance(split, bool) and 1 < split < 2**16:
        info.split_count = split

    alignment = DEFAULT_ALIGNMENT
    if "general.alignment" in kv:
        alignment = kv["general.alignment"]
        atype = kv_types["general.alignment"]
        if atype != _UINT32:
            raise InvalidGGUF(f"corrupt header: general.alignment is a {_TYPE_NAMES.get(atype, atype)} "
                              "value, not a UINT32 number")
        if alignment <= 0 or alignment & (alignment - 1):
            raise InvalidGGUF(f"corrupt header: general.alignment is {alignment}, not a power of two")
        if alignment > MAX_ALIGNMENT:
            raise InvalidGGUF(f"corrupt header: general.alignment is {alignment} bytes, more than the "
                              f"{MAX_ALIGNMENT} Hearth accepts")

    sizes = _type_sizes()
    tensors: list[TensorInfo] = []
    names: set[str] = set()
    bytes_by_type: dict[str, int] = {}
    for i in range(info.tensor_count):
        name = cur.string(f"name of tensor #{i}", MAX_NAME)
        label = _label(name)
        if name in names:
            raise InvalidGGUF(f"corrupt header: two tensors are named {label}")
        names.add(name)
        n_dims = cur.u32(f"dimension count of tensor {label}")
        if n_dims == 0 or n_dims > MAX_DIMS:
            raise InvalidGGUF(f"corrupt header: tensor {label} has {n_dims} dimensions "
                              f"(1 to {MAX_DIMS} are possible)")
        shape = tuple(cur.u64(f"shape of tensor {label}") for _ in range(n_dims))
        gtype = cur.u32(f"type of tensor {label}")
        offset = cur.u64(f"offset of tensor {label}")
        if gtype not in sizes:
            raise InvalidGGUF(f"unknown tensor type {gtype} for tensor {label} (a newer format than Hearth knows?)")
        if 0 in shape:
            raise InvalidGGUF(f"corrupt header: tensor {label} has a dimension of size 0 {list(shape)}")
        block, type_size, tname = sizes[gtype]
        n_el = 1
        for d in shape:
            n_el *= d
        if n_el > file_size * 64:
            raise InvalidGGUF(f"corrupt header: tensor {label} claims {n_el} elements")
        if shape[0] % block:
            raise InvalidGGUF(f"corrupt header: tensor {label} row of {shape[0]} is not a multiple of {tname} blocks of {block}")
        if offset % alignment:
            raise InvalidGGUF(f"corrupt header: tensor {label} offset {offset} is not aligned to {alignment} bytes")
        n_bytes = n_el // block * type_size
        tensors.append(TensorInfo(name, shape, gtype, offset, n_bytes))
        info.parameters += n_el
        bytes_by_type[tname] = bytes_by_type.get(tname, 0) + n_bytes

    info.tensors = tensors
    info.header_size = cur.pos
    info.data_offset = (cur.pos + alignment - 1) // alignment * alignment

    by_offset = sorted(tensors, key=lambda t: t.offset)
    for a, b in zip(by_offset, by_offset[1:]):
        if b.offset < a.offset + a.n_bytes:
            raise InvalidGGUF(f"corrupt header: tensors {_label(a.name)} and {_label(b.name)} overlap (bytes {b.offset} "
                              f"to {a.offset + a.n_bytes} of the data belong to both)")
    if check_data:
        for t in tensors:
            end = info.data_offset + t.offset + t.n_bytes
            if end > file_size:
                raise InvalidGGUF(
                    f"file is truncated: tensor {_label(t.name)} ends at byte {end} "
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

    Raises ``InvalidGGUF`` (a ``BadInputError``) with one clear sentence, whatever
    is wrong with the file: callers (CLI, library scan, import, download check)
    never see another exception.
    """
    p = Path(path)
    try:
        st = p.stat()
        size = st.st_size
        if stat.S_ISDIR(st.st_mode):
            raise InvalidGGUF(f"{p} is a folder, not a model file")
        if not stat.S_ISREG(st.st_mode):  # a pipe or device would block or never end
            raise InvalidGGUF(f"{p} is not a regular file")
        with open(p, "rb") as f:
            if size == 0:
                raise InvalidGGUF("not a GGUF model: the file is empty")
            # mmap reads only the pages the parser touches: the header.
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                try:
                    return parse_gguf(mm, size, path=str(p))
                except HeaderIncomplete as e:  # cannot happen with the whole file mapped
                    raise InvalidGGUF(f"file is truncated at byte {size}") from e
    except InvalidGGUF:
        raise
    except FileNotFoundError:
        raise InvalidGGUF(f"no such file: {p}") from None
    except PermissionError:
        raise InvalidGGUF(f"cannot read {p}: permission denied") from None
    except IsADirectoryError:
        raise InvalidGGUF(f"{p} is a folder, not a model file") from None
    except OSError as e:
        raise InvalidGGUF(f"cannot read {p}: {_one_line(e.strerror or e)}") from None
    except ValueError as e:  # e.g. a path with a NUL byte, or mmap refusing the file
        raise InvalidGGUF(f"cannot read {_one_line(p)}: {_one_line(e)}") from None
    except MemoryError:
        raise InvalidGGUF(f"cannot read {p}: not enough memory") from None
    except Exception as e:  # whatever else: one sentence, never a traceback
        raise InvalidGGUF(f"cannot read {p}: {type(e).__name__}: {_one_line(e)}") from e
