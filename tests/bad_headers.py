"""Hand-made GGUF headers, written byte by byte with struct, for the parser's error paths.

``build()`` writes a small valid model (one F32 tensor, architecture llama);
each structural test changes one part of it. The layout follows the GGUF spec:
magic, version, tensor count, key/value count, key/values, tensor infos,
padding to the alignment, tensor data.
"""

from __future__ import annotations

import struct

# Value types of the key/value section.
UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)
F32 = 0  # ggml type of a float32 tensor


def s(text: str | bytes) -> bytes:
    """A GGUF string: u64 length, then the bytes."""
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def kv(key: str, vtype: int, payload: bytes) -> bytes:
    return s(key) + struct.pack("<I", vtype) + payload


def kv_str(key: str, value: str) -> bytes:
    return kv(key, STRING, s(value))


def kv_u32(key: str, value: int) -> bytes:
    return kv(key, UINT32, struct.pack("<I", value))


def kv_array(key: str, etype: int, count: int, items: bytes = b"") -> bytes:
    return kv(key, ARRAY, struct.pack("<IQ", etype, count) + items)


def nested_arrays(key: str, depth: int) -> bytes:
    """``key`` holds an array of one array of one array ... ``depth`` levels, the innermost empty."""
    return kv(key, ARRAY, struct.pack("<IQ", ARRAY, 1) * (depth - 1) + struct.pack("<IQ", UINT8, 0))


def tensor(name: str, shape: tuple[int, ...], gtype: int = F32, offset: int = 0,
           n_dims: int | None = None) -> bytes:
    dims = len(shape) if n_dims is None else n_dims
    return s(name) + struct.pack("<I", dims) + b"".join(struct.pack("<Q", d) for d in shape) \
        + struct.pack("<IQ", gtype, offset)


ARCH = kv_str("general.architecture", "llama")
GOOD_TENSORS = [tensor("a.weight", (32,), offset=0), tensor("b.weight", (32, 2), offset=128)]
GOOD_DATA = 128 + 256


def build(kvs: list[bytes] | None = None, tensors: list[bytes] | None = None, *,
          n_kv: int | None = None, n_tensors: int | None = None, data_size: int = GOOD_DATA,
          alignment: int = 32, version: int = 3) -> bytes:
    """A whole file; counts default to the lists' lengths, data is zeros after aligned padding."""
    kvs = [ARCH] if kvs is None else kvs
    tensors = list(GOOD_TENSORS) if tensors is None else tensors
    head = b"GGUF" + struct.pack("<IQQ", version, len(tensors) if n_tensors is None else n_tensors,
                                 len(kvs) if n_kv is None else n_kv)
    head += b"".join(kvs) + b"".join(tensors)
    pad = -len(head) % alignment if alignment > 0 else 0
    return head + b"\0" * pad + b"\0" * data_size
