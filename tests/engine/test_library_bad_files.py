"""The library scan and import: one bad file never hides the others or raises."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from engine.config import AppConfig
from engine.errors import BadInputError
from engine.gguf_check import InvalidGGUF
from engine.library import ModelLibrary
from tests import bad_headers as B


@pytest.fixture
def library(hearth_home) -> ModelLibrary:
    return ModelLibrary(AppConfig.load())


@pytest.fixture
def models(library) -> Path:
    d = Path(library.config.paths.models_dir)
    d.mkdir(parents=True, exist_ok=True)
    return d


def by_name(entries):
    return {e.name: e for e in entries}


def test_deeply_nested_file_is_listed_with_its_reason(library, models, tiny_model):
    shutil.copy(tiny_model, models / "good.gguf")
    (models / "deep.gguf").write_bytes(B.build([B.ARCH, B.nested_arrays("deep.key", 10_000)]))
    (models / "zero-align.gguf").write_bytes(B.build([B.ARCH, B.kv_u32("general.alignment", 0)]))
    entries = by_name(library.list_models())
    assert entries["good"].ok and entries["good"].info.architecture == "llama"
    assert not entries["deep"].ok and "nests arrays more than 64 levels deep" in entries["deep"].error
    assert "not a power of two" in entries["zero-align"].error
    # The reasons are cached with the file's stamp and come back the same from a new library.
    again = by_name(ModelLibrary(AppConfig.load()).list_models())
    assert again["deep"].error == entries["deep"].error and again["good"].ok


def test_unforeseen_failure_in_one_file_keeps_the_others(library, models, tiny_model, monkeypatch):
    import engine.library as lib_mod

    shutil.copy(tiny_model, models / "good.gguf")
    shutil.copy(tiny_model, models / "cursed.gguf")
    real = lib_mod.check_file

    def check(path):
        if Path(path).name == "cursed.gguf":
            raise RuntimeError("an unforeseen bug\nwith two lines")
        return real(path)

    monkeypatch.setattr(lib_mod, "check_file", check)
    entries = by_name(library.list_models())
    assert entries["good"].ok
    assert entries["cursed"].error == "cannot read the file: RuntimeError: an unforeseen bug with two lines"
    assert entries["cursed"].summary().count("\n") == 0


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_is_listed_not_raised(library, models, tiny_model):
    shutil.copy(tiny_model, models / "good.gguf")
    try:
        os.symlink(models / "loop.gguf", models / "loop.gguf")
    except OSError:
        pytest.skip("cannot create symlinks here")
    entries = by_name(library.list_models())
    assert entries["good"].ok
    assert not entries["loop"].ok and entries["loop"].error


@pytest.mark.parametrize("cache", [
    "[1, 2, 3]",
    "not json at all {",
    "{KEY: 7}",
    '{KEY: {"stamp": STAMP, "info": {"no_such_field": 1}}}',
    '{KEY: {"stamp": STAMP, "info": null}}',
])
def test_damaged_header_cache_costs_only_a_rescan(library, models, tiny_model, cache):
    good = models / "good.gguf"
    shutil.copy(tiny_model, good)
    st = good.stat()
    text = cache.replace("KEY", json.dumps(str(good.resolve()))).replace(
        "STAMP", json.dumps([st.st_size, st.st_mtime_ns]))
    library._cache_file.parent.mkdir(parents=True, exist_ok=True)
    library._cache_file.write_text(text, encoding="utf-8")
    entries = by_name(library.list_models())
    assert entries["good"].ok and entries["good"].info.architecture == "llama"


def test_import_of_a_deeply_nested_file_is_refused(library, models, tmp_path):
    src = tmp_path / "deep.gguf"
    src.write_bytes(B.build([B.ARCH, B.nested_arrays("deep.key", 10_000)]))
    with pytest.raises(InvalidGGUF, match="nests arrays more than 64 levels deep"):
        library.import_file(src)
    with pytest.raises(InvalidGGUF, match="nests arrays"):
        library.import_file(src, copy=False)
    assert list(models.iterdir()) == []
    assert not library.config.settings.get("referenced_models")


def test_import_from_unknown_home_is_bad_input(library):
    with pytest.raises(BadInputError, match="cannot find"):
        library.import_file("~no-such-user-hearth-test/model.gguf")
