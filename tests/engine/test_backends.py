"""Backends of a portable llama.cpp (engine/host/backends.py) and what the packaged build collects of them."""

from __future__ import annotations

import sys
from pathlib import Path

from engine.host import backends

ROOT = Path(__file__).resolve().parents[2]


def _portable_layout(tmp_path: Path, windows: bool = False) -> Path:
    """site-packages/ as the portable wheel installs it: llama_cpp/lib/ and the variants in bin/."""
    site = tmp_path / "site-packages"
    (site / "llama_cpp" / "lib").mkdir(parents=True)
    (site / "bin").mkdir()
    for v in ("x64", "sse42", "haswell", "icelake", "sapphirerapids"):
        (site / "bin" / (f"ggml-cpu-{v}.dll" if windows else f"libggml-cpu-{v}.so")).write_bytes(b"\0")
    (site / "bin" / ("llama-cli.exe" if windows else "llama-cli")).write_bytes(b"\0")   # a tool, not a module
    return site


def test_cpu_variants_of_a_folder(tmp_path):
    site = _portable_layout(tmp_path)
    assert backends.cpu_variants(site / "bin") == ["haswell", "icelake", "sapphirerapids", "sse42", "x64"]
    assert backends.cpu_variants(site / "llama_cpp" / "lib") == []
    assert backends.cpu_variants(tmp_path / "missing") == []


def test_this_build_reports_whether_it_loaded_backend_modules():
    info = backends.ensure_loaded()
    import llama_cpp

    assert llama_cpp.llama_print_system_info().strip()     # a CPU backend is registered either way
    if info["dynamic"]:         # a portable build: the variant chosen is one the folder carries
        assert info["cpu_variant"] in info["variants"]
        assert backends.loaded_cpu_variant() == info["cpu_variant"]
    else:                       # CPU code linked in: nothing loaded, no variant module mapped
        assert info["cpu_variant"] is None and backends.loaded_cpu_variant() is None


def test_the_packaged_build_collects_the_variants_into_llama_cpp_lib(tmp_path):
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from bundle_rules import llama_cpp_backend_modules
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    site = _portable_layout(tmp_path)
    got = llama_cpp_backend_modules(site / "llama_cpp", platform="linux")
    assert sorted(Path(src).name for src, _ in got) == sorted(
        f"libggml-cpu-{v}.so" for v in ("x64", "sse42", "haswell", "icelake", "sapphirerapids"))
    assert {dest for _, dest in got} == {"llama_cpp/lib"}
    win = _portable_layout(tmp_path / "win", windows=True)
    assert len(llama_cpp_backend_modules(win / "llama_cpp", platform="win32")) == 5
    native = tmp_path / "native"
    (native / "llama_cpp" / "lib").mkdir(parents=True)
    assert llama_cpp_backend_modules(native / "llama_cpp", platform="linux") == []
