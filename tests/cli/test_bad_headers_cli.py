"""CLI on hostile GGUF headers: one line and exit 2 for a file, the others still listed."""

from __future__ import annotations

import json
import shutil

from tests import bad_headers as B
from tests.conftest import run_cli

DEEP = B.build([B.ARCH, B.nested_arrays("deep.key", 10_000)])


def test_check_model_deeply_nested_exit_2_one_line(tmp_path):
    bad = tmp_path / "deep.gguf"
    bad.write_bytes(DEEP)
    r = run_cli("check-model", bad)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr == "hearth: corrupt header: metadata key deep.key nests arrays more than 64 levels deep\n"
    r = run_cli("check-model", bad, "--json")
    assert r.returncode == 2
    data = json.loads(r.stdout)
    assert data["ok"] is False and "nests arrays" in data["error"]


def test_models_lists_the_others_and_marks_the_bad_ones(tiny_model, hearth_home):
    """README: `models` lists the library (exit 0); an unusable file is listed with its reason."""
    models = hearth_home / "data" / "models"
    models.mkdir(parents=True)
    shutil.copy(tiny_model, models / "good.gguf")
    (models / "deep.gguf").write_bytes(DEEP)
    (models / "overlap.gguf").write_bytes(B.build(tensors=[B.tensor("a.weight", (32,), offset=0),
                                                           B.tensor("b.weight", (32,), offset=64)]))
    r = run_cli("models", "--json")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    data = {m["name"]: m for m in json.loads(r.stdout)}
    assert data["good"]["ok"] is True and data["good"]["architecture"] == "llama"
    assert data["deep"]["ok"] is False
    assert data["deep"]["error"] == "corrupt header: metadata key deep.key nests arrays more than 64 levels deep"
    assert data["overlap"]["ok"] is False and "tensors a.weight and b.weight overlap" in data["overlap"]["error"]
    r = run_cli("models")
    assert r.returncode == 0, r.stderr
    assert "deep — unusable: corrupt header: metadata key deep.key nests arrays" in r.stdout
    assert "good · " in r.stdout


def test_import_model_deeply_nested_exit_2(tmp_path, hearth_home):
    bad = tmp_path / "deep.gguf"
    bad.write_bytes(DEEP)
    r = run_cli("import-model", bad)
    assert r.returncode == 2, r.stderr
    assert r.stderr == "hearth: corrupt header: metadata key deep.key nests arrays more than 64 levels deep\n"
    assert not (hearth_home / "data" / "models" / "deep.gguf").exists()
