"""GGUF validation: good files give metadata, broken files one clear sentence."""

import os
import struct

import pytest

from engine.gguf_check import HeaderIncomplete, InvalidGGUF, check_file, parse_gguf
from tests import bad_headers as B
from tests import tiny_gguf


def test_good_file_metadata(tiny_model):
    info = check_file(tiny_model)
    assert info.architecture == "llama"
    assert info.context_length == 512
    assert info.block_count == 2
    assert info.head_count == 4 and info.head_count_kv == 4
    assert info.has_chat_template is True
    assert info.quantization == "F32"
    assert info.parameters > 100_000
    assert info.vocab_size and info.vocab_size > 256


def test_base_model_has_no_template(tiny_base_model):
    assert check_file(tiny_base_model).has_chat_template is False


@pytest.mark.parametrize("maker, expected", [
    (tiny_gguf.truncated_copy, "file is truncated: tensor"),
    (tiny_gguf.bad_magic_copy, "not a GGUF model"),
    (tiny_gguf.absurd_length_copy, "more than the whole file"),
    (tiny_gguf.tensor_beyond_end_copy, "file is truncated: tensor"),
])
def test_broken_files_one_sentence(tiny_model, tmp_path, maker, expected):
    bad = maker(tiny_model, tmp_path / "bad.gguf")
    with pytest.raises(InvalidGGUF) as e:
        check_file(bad)
    msg = str(e.value)
    assert expected in msg
    assert "\n" not in msg


def test_truncation_message_names_tensor_and_sizes(tiny_model, tmp_path):
    bad = tiny_gguf.truncated_copy(tiny_model, tmp_path / "t.gguf", 0.9)
    msg = str(pytest.raises(InvalidGGUF, check_file, bad).value)
    size = bad.stat().st_size
    assert f"but the file has {size} bytes" in msg
    assert "ends at byte" in msg


def test_truncated_inside_header(tiny_model, tmp_path):
    bad = tiny_gguf.truncated_copy(tiny_model, tmp_path / "h.gguf", 0.005)
    msg = str(pytest.raises(InvalidGGUF, check_file, bad).value)
    assert msg.startswith("file is truncated")


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"),
    (b"GG", "only 2 bytes"),
    (b"<!DOCTYPE html><html>error</html>" * 4, "web page"),
])
def test_not_models(tmp_path, content, expected):
    p = tmp_path / "x.gguf"
    p.write_bytes(content)
    assert expected in str(pytest.raises(InvalidGGUF, check_file, p).value)


def test_missing_and_folder(tmp_path):
    assert "no such file" in str(pytest.raises(InvalidGGUF, check_file, tmp_path / "nope.gguf").value)
    assert "folder" in str(pytest.raises(InvalidGGUF, check_file, tmp_path).value)


def test_partial_buffer_asks_for_more(tiny_model):
    data = tiny_model.read_bytes()
    with pytest.raises(HeaderIncomplete) as e:
        parse_gguf(data[:1000], len(data))
    assert e.value.needed > 1000
    info = parse_gguf(data[:e.value.needed + 20000], len(data))
    assert info.architecture == "llama"


def _foreseen(err: InvalidGGUF) -> str:
    """The sentence of an error a check raised on purpose (not the last-resort wrapper)."""
    msg = str(err)
    assert "\n" not in msg and msg.strip() == msg and msg
    assert "could not be read (" not in msg, f"no check foresaw this header: {msg}"
    return msg


def test_random_corruption_over_the_whole_header(tiny_model):
    """Flip bytes anywhere in the header: always success or a foreseen one-sentence InvalidGGUF.

    Seeded, so a failure reproduces. The tiny model's header (vocabulary, template,
    tensor infos) is ~10 KB; the sweep covers every part of it up to the data section.
    """
    import random

    data = tiny_model.read_bytes()
    header_end = parse_gguf(data).data_offset
    rng = random.Random(1)
    failures = 0
    # Every 4th byte of the header once, with a random value ...
    cases = [[(pos, rng.randrange(256))] for pos in range(rng.randrange(4), header_end, 4)]
    # ... and several bytes at once, anywhere in it.
    cases += [[(rng.randrange(header_end), rng.randrange(256)) for _ in range(rng.randint(2, 8))]
              for _ in range(400)]
    assert max(pos for case in cases for pos, _ in case) >= header_end - 8
    for case in cases:
        buf = bytearray(data)
        for pos, value in case:
            buf[pos] = value
        try:
            parse_gguf(bytes(buf))
        except InvalidGGUF as e:
            _foreseen(e)
            failures += 1
    assert failures > len(cases) // 4  # the flips did hit structure, not only token text


def test_random_corruption_of_a_partial_buffer(tiny_model):
    """The hub parses a header from the first bytes only: more bytes wanted, or one sentence."""
    import random

    data = tiny_model.read_bytes()
    header_end = parse_gguf(data).data_offset
    rng = random.Random(2)
    for _ in range(200):
        buf = bytearray(data[:rng.randrange(8, header_end + 64)])
        for _ in range(rng.randint(1, 4)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        try:
            parse_gguf(memoryview(bytes(buf)), len(data), check_data=False)
        except HeaderIncomplete as e:
            assert e.needed > len(buf)
        except InvalidGGUF as e:
            _foreseen(e)


# ---- structural cases, written byte by byte --------------------------------------

STRUCTURAL = {
    # nesting
    "arrays nested 10,000 deep": (
        lambda: B.build([B.ARCH, B.nested_arrays("deep.key", 10_000)]),
        "metadata key deep.key nests arrays more than 64 levels deep"),
    "arrays nested 65 deep": (
        lambda: B.build([B.ARCH, B.nested_arrays("deep.key", 65)]), "nests arrays more than 64 levels"),
    "array of arrays, inner type unknown": (
        lambda: B.build([B.ARCH, B.kv_array("k", B.ARRAY, 1, struct.pack("<IQ", 99, 0))]),
        "array k has unknown element type 99"),
    # counts
    "array count 2**62 (bytes)": (
        lambda: B.build([B.ARCH, B.kv_array("big", B.UINT8, 1 << 62)]),
        f"array big claims {1 << 62} items, more than the file could hold"),
    "array count 2**62 (strings)": (
        lambda: B.build([B.ARCH, B.kv_array("big", B.STRING, 1 << 62)]), "array big claims"),
    "array count 2**62 (arrays)": (
        lambda: B.build([B.ARCH, B.kv_array("big", B.ARRAY, 1 << 62)]), "array big claims"),
    "array count runs past the end": (
        lambda: B.build([B.ARCH, B.kv_array("big", B.UINT64, 100)]), "file is truncated: the header's array big needs"),
    "tensor count 2**40": (
        lambda: B.build(n_tensors=1 << 40), f"it claims {1 << 40} tensors, more than the file could hold"),
    "key/value count 2**40": (
        lambda: B.build(n_kv=1 << 40), f"it claims {1 << 40} metadata entries"),
    "key/value count 2**64-1": (
        lambda: B.build(n_kv=2**64 - 1), "metadata entries"),
    "tensor count over the limit, in a big enough file": (
        lambda: B.build(n_tensors=1_000_001, data_size=1_000_001),
        "it claims 1000001 tensors, more than the 1000000 Hearth accepts"),
    "string value length 2**62": (
        lambda: B.build([B.ARCH, B.kv("general.name", B.STRING, struct.pack("<Q", 1 << 62))]),
        f"value of general.name claims {1 << 62} bytes, more than the whole file"),
    "string in an array, length 2**62": (
        lambda: B.build([B.ARCH, B.kv_array("tokenizer.ggml.tokens", B.STRING, 2,
                                            B.s("ok") + struct.pack("<Q", 1 << 62))]),
        "a string in array tokenizer.ggml.tokens claims"),
    "key name 70,000 bytes": (
        lambda: B.build([B.ARCH, B.kv_u32("k" * 70_000, 1)]), "is 70000 bytes long, more than the 65536"),
    "tensor name 70,000 bytes": (
        lambda: B.build(tensors=[B.tensor("t" * 70_000, (32,))]), "is 70000 bytes long"),
    # alignment
    "alignment 0": (
        lambda: B.build([B.ARCH, B.kv_u32("general.alignment", 0)]),
        "general.alignment is 0, not a power of two"),
    "alignment 48": (
        lambda: B.build([B.ARCH, B.kv_u32("general.alignment", 48)]),
        "general.alignment is 48, not a power of two"),
    "alignment 2**31": (
        lambda: B.build([B.ARCH, B.kv_u32("general.alignment", 1 << 31)]),
        f"general.alignment is {1 << 31} bytes, more than"),
    "alignment as a string": (
        lambda: B.build([B.ARCH, B.kv_str("general.alignment", "32")]),
        "general.alignment is a STRING value, not a UINT32 number"),
    "alignment as a bool": (
        lambda: B.build([B.ARCH, B.kv("general.alignment", B.BOOL, b"\x01")]), "is a BOOL value"),
    "alignment as UINT64 2**40": (
        lambda: B.build([B.ARCH, B.kv("general.alignment", B.UINT64, struct.pack("<Q", 1 << 40))]),
        "is a UINT64 value"),
    # unknown types
    "unknown value type 13": (
        lambda: B.build([B.ARCH, B.kv("odd", 13, b"")]), "metadata key odd has unknown value type 13"),
    "unknown value type 2**32-1": (
        lambda: B.build([B.ARCH, B.kv("odd", 2**32 - 1, b"")]), f"unknown value type {2**32 - 1}"),
    "unknown array element type": (
        lambda: B.build([B.ARCH, B.kv_array("odd", 77, 1)]), "array odd has unknown element type 77"),
    "unknown tensor ggml type": (
        lambda: B.build(tensors=[B.tensor("a.weight", (32,), gtype=9999)]),
        "unknown tensor type 9999 for tensor a.weight"),
    "tensor ggml type 2**32-1": (
        lambda: B.build(tensors=[B.tensor("a.weight", (32,), gtype=2**32 - 1)]), "unknown tensor type"),
    # tensor layout
    "tensors overlap": (
        lambda: B.build(tensors=[B.tensor("a.weight", (32,), offset=0), B.tensor("b.weight", (32,), offset=64)]),
        "tensors a.weight and b.weight overlap"),
    "two tensors at one offset": (
        lambda: B.build(tensors=[B.tensor("a.weight", (32,), offset=128), B.tensor("b.weight", (32,), offset=128)]),
        "overlap"),
    "tensor offset past the end": (
        lambda: B.build(tensors=[B.tensor("a.weight", (32,), offset=1 << 40)]),
        "file is truncated: tensor a.weight ends at byte"),
    "tensor offset 2**64-32": (
        lambda: B.build(tensors=[B.tensor("a.weight", (32,), offset=2**64 - 32)]),
        "file is truncated: tensor a.weight ends at byte"),
    "tensor offset not aligned": (
        lambda: B.build(tensors=[B.tensor("a.weight", (32,), offset=4)]), "offset 4 is not aligned to 32 bytes"),
    "5 dimensions": (
        lambda: B.build(tensors=[B.tensor("a.weight", (32, 1, 1, 1, 1))]),
        "tensor a.weight has 5 dimensions (1 to 4 are possible)"),
    "2**31 dimensions": (
        lambda: B.build(tensors=[B.tensor("a.weight", (), n_dims=1 << 31)]), f"has {1 << 31} dimensions"),
    "0 dimensions": (
        lambda: B.build(tensors=[B.tensor("a.weight", ())]), "has 0 dimensions"),
    "a zero-size dimension": (
        lambda: B.build(tensors=[B.tensor("a.weight", (32, 0))]),
        "tensor a.weight has a dimension of size 0"),
    "a zero-size first dimension": (
        lambda: B.build(tensors=[B.tensor("a.weight", (0, 8, 8))]), "dimension of size 0"),
    "2**80 elements": (
        lambda: B.build(tensors=[B.tensor("a.weight", (1 << 40, 1 << 40))]), f"claims {1 << 80} elements"),
    "dimension 2**64-1": (
        lambda: B.build(tensors=[B.tensor("a.weight", (2**64 - 1,))]), "elements"),
    # names and keys
    "duplicate key": (
        lambda: B.build([B.ARCH, B.kv_u32("llama.block_count", 2), B.kv_u32("llama.block_count", 3)]),
        "metadata key llama.block_count appears twice"),
    "empty key": (
        lambda: B.build([B.ARCH, B.kv_u32("", 1)]), "metadata key #1 is empty"),
    "duplicate tensor name": (
        lambda: B.build(tensors=[B.tensor("a.weight", (32,), offset=0), B.tensor("a.weight", (32,), offset=128)]),
        "two tensors are named a.weight"),
    "a key with a newline, unknown type": (
        lambda: B.build([B.ARCH, B.kv("bad\nkey\x00", 42, b"")]), "metadata key bad\\nkey\\x00 has unknown"),
    "version 1": (lambda: B.build(version=1), "unsupported GGUF version 1"),
    "no architecture": (lambda: B.build([B.kv_u32("general.alignment", 32)]), "no general.architecture"),
}


def test_hand_made_good_file_parses():
    """The base the structural cases change is itself valid (so each case tests its one change)."""
    info = parse_gguf(B.build())
    assert info.architecture == "llama" and info.tensor_count == 2 and info.parameters == 96


@pytest.mark.parametrize("case", list(STRUCTURAL))
def test_structural_damage_one_sentence(case, tmp_path):
    make, expected = STRUCTURAL[case]
    p = tmp_path / "bad.gguf"
    p.write_bytes(make())
    with pytest.raises(InvalidGGUF) as e:
        check_file(p)
    assert expected in _foreseen(e.value)
    # The hub reads headers from a buffer without checking the data: same sentence or
    # (data checks only) success, never another exception.
    try:
        parse_gguf(memoryview(p.read_bytes()), check_data=False)
    except InvalidGGUF as e2:
        assert str(e2) == str(e.value)


def test_shallow_nested_arrays_still_parse():
    """Arrays of arrays are valid GGUF: a few levels (and a wide one) parse fine."""
    wide = B.kv_array("wide", B.ARRAY, 3, struct.pack("<IQ", B.UINT8, 2) + b"ab"
                      + struct.pack("<IQ", B.STRING, 1) + B.s("x") + struct.pack("<IQ", B.ARRAY, 0))
    info = parse_gguf(B.build([B.ARCH, B.nested_arrays("n", 64), wide, B.kv_u32("llama.block_count", 7)]))
    assert info.block_count == 7  # everything after the nested arrays was read in step


def test_alignment_64_is_used():
    info = parse_gguf(B.build([B.ARCH, B.kv_u32("general.alignment", 64)],
                              [B.tensor("a.weight", (32,), offset=0), B.tensor("b.weight", (32,), offset=128)],
                              alignment=64))
    assert info.data_offset % 64 == 0


@pytest.mark.parametrize("value, vtype", [
    (float("nan"), B.FLOAT32), (float("inf"), B.FLOAT64), (-5, B.INT32), (2**64 - 1, B.UINT64)])
def test_absurd_sizes_are_unknown_not_errors(value, vtype):
    """A NaN, infinite, negative or 2**64-1 context length is left unknown (int(inf) would raise)."""
    fmt = {B.FLOAT32: "<f", B.FLOAT64: "<d", B.INT32: "<i", B.UINT64: "<Q"}[vtype]
    info = parse_gguf(B.build([B.ARCH, B.kv("llama.context_length", vtype, struct.pack(fmt, value))]))
    assert info.context_length is None


def test_unforeseen_failure_is_still_one_sentence(tiny_model, monkeypatch):
    """Whatever goes wrong inside the parser (here: Python's stack runs out) is an InvalidGGUF."""
    from engine import gguf_check

    def boom(*a, **k):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(gguf_check, "_skip_array", boom)
    with pytest.raises(InvalidGGUF) as e:
        check_file(tiny_model)
    assert str(e.value) == "corrupt header: it could not be read (RecursionError: maximum recursion depth exceeded)"


def test_check_file_turns_any_failure_into_one_sentence(tiny_model, monkeypatch):
    from engine import gguf_check

    def boom(*a, **k):
        raise RuntimeError("surprise\nsecond line")

    monkeypatch.setattr(gguf_check, "parse_gguf", boom)
    with pytest.raises(InvalidGGUF) as e:
        check_file(tiny_model)
    assert str(e.value) == f"cannot read {tiny_model}: RuntimeError: surprise second line"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.gguf"
    os.mkfifo(fifo)
    assert "not a regular file" in str(pytest.raises(InvalidGGUF, check_file, fifo).value)
