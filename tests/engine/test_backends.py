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


def test_ggml_symbols_come_from_libggml_where_libllama_does_not_export_them(monkeypatch):
    """Windows' GetProcAddress looks in llama.dll alone (dlsym on Linux also searches its dependencies):
    without ggml_backend_reg_count on libllama's handle, the ggml library itself answers."""
    from llama_cpp import _ggml
    from llama_cpp import llama_cpp as lc

    class OnlyLlama:   # a handle that, like llama.dll's on Windows, has no ggml_* symbols
        def __getattr__(self, name):
            raise AttributeError(f"function '{name}' not found")

    monkeypatch.setattr(lc, "_lib", OnlyLlama())
    assert backends.libggml() is _ggml.libggml
    assert _ggml.libggml.ggml_backend_reg_count     # and it has the symbol


def test_a_failing_backend_lookup_never_blocks_a_load(tiny_model, monkeypatch):
    """ensure_loaded() raising (an unexpected library layout) is logged; the model still loads and answers."""
    from types import SimpleNamespace

    from engine.host.protocol import GenerationStats, LoadOptions, SamplingOptions
    from engine.host.worker import LlamaDecoder

    def broken():
        raise OSError("no such symbol")

    monkeypatch.setattr(backends, "ensure_loaded", broken)
    dec = LlamaDecoder()
    info = dec.load(str(tiny_model), LoadOptions(n_ctx=256))
    try:
        assert info["n_ctx"] == 256
        prompt = dec.tokenize_prompt(dec.render_chat([{"role": "user", "content": "go"}])[0])
        stats = GenerationStats()
        pieces = list(dec.stream(prompt, SamplingOptions(max_tokens=3, ignore_eos=True), SimpleNamespace(value=False),
                                 stats))
        assert stats.completion_tokens == 3 and pieces
    finally:
        if dec.lease is not None:
            dec.lease.close()
