"""GGUF validation: good files give metadata, broken files one clear sentence."""

import pytest

from engine.gguf_check import HeaderIncomplete, InvalidGGUF, check_file, parse_gguf
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


def test_random_corruption_never_crashes(tiny_model):
    """Flip bytes all over the header: always a clean InvalidGGUF or success."""
    import random

    data = tiny_model.read_bytes()
    rng = random.Random(1)
    for _ in range(300):
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(0, 12000)] = rng.randrange(256)
        try:
            parse_gguf(bytes(buf))
        except InvalidGGUF:
            pass
