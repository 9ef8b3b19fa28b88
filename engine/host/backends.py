"""llama.cpp's backends in a portable build: load them, and say which CPU variant this machine got.

A portable llama.cpp (``-DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON``, what
packaging/portable_wheel.py builds and the packaged app ships) has no backend linked in: the CPU code is one
module per x86-64 level (``libggml-cpu-x64.so`` ... ``libggml-cpu-sapphirerapids.so``, ``ggml-cpu-*.dll`` on
Windows) and nothing is loaded until someone calls ``ggml_backend_load_all_from_path``. llama-cpp-python does
not bind it (its issue #2069), so the model process (and doctor) call it here, through ctypes, on the libggml
that libllama itself links against: loading it from another copy of the library (the wheel's lib/ holds three
files, ``libggml.so``, ``.so.0``, ``.so.0.x.y``) registers the backends where llama.cpp never looks, and the
model load fails. ggml scores every CPU variant against this CPU and keeps the best one it can run.

A build with its backends linked in (pip's default, native) has them registered already: nothing to do.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
from pathlib import Path

_CPU_VARIANT = re.compile(r"(?:lib)?ggml-cpu-([A-Za-z0-9_]+)\.(?:so|dll|dylib)")
_loaded: dict | None = None


def backend_dirs() -> list[Path]:
    """Folders that may hold backend modules: LLAMA_CPP_LIB_PATH (the packaged app sets it to its own
    llama_cpp/lib), the package's lib/, and the wheel's top-level bin/ (where pip puts the CPU variants)."""
    dirs: list[Path] = []
    env = os.environ.get("LLAMA_CPP_LIB_PATH")
    if env:
        dirs.append(Path(env))
    spec = importlib.util.find_spec("llama_cpp")
    if spec and spec.submodule_search_locations:
        pkg = Path(list(spec.submodule_search_locations)[0])
        dirs += [pkg / "lib", pkg.parent / "bin"]
    seen, out = set(), []
    for d in dirs:
        if d.is_dir() and d.resolve() not in seen:
            seen.add(d.resolve())
            out.append(d)
    return out


def cpu_variants(folder: Path) -> list[str]:
    """The CPU variants a folder carries ("x64", "haswell", "icelake", ...), sorted by name."""
    try:
        names = [m.group(1) for p in folder.iterdir() if (m := _CPU_VARIANT.fullmatch(p.name))]
    except OSError:
        return []
    return sorted(set(names))


def libggml():
    """The libggml that libllama uses. On Linux and macOS its symbols resolve through libllama's own handle
    (dlsym searches the dependencies) — not through ``llama_cpp._ggml`` first: that one always opens the
    package's own libggml, so with ``LLAMA_CPP_LIB_PATH`` pointing at a CUDA build it would list the CPU
    build's devices (seen on an H200). Windows' GetProcAddress looks in llama.dll alone, so there the ggml
    library llama-cpp-python loads itself from the same folder (the same module) answers."""
    from llama_cpp import llama_cpp as lc

    lib = lc._lib
    try:
        lib.ggml_backend_reg_count
        return lib
    except AttributeError:
        from llama_cpp import _ggml

        return _ggml.libggml


def loaded_cpu_variant() -> str | None:
    """The CPU variant module mapped into this process, or None (a build with the CPU code linked in)."""
    maps = Path("/proc/self/maps")
    paths: list[str] = []
    if maps.exists():
        try:
            paths = [line.rsplit(None, 1)[-1] for line in maps.read_text(errors="replace").splitlines()
                     if "ggml-cpu-" in line]
        except OSError:
            paths = []
    else:
        try:
            import psutil

            paths = [m.path for m in psutil.Process().memory_maps() if "ggml-cpu-" in m.path]
        except Exception:
            paths = []
    for p in paths:
        m = _CPU_VARIANT.fullmatch(os.path.basename(p))
        if m:
            return m.group(1)
    return None


def ensure_loaded() -> dict:
    """Load the backend modules of a portable build, once per process. Returns what happened:
    ``{"dynamic": bool, "folder": str | None, "variants": [...], "cpu_variant": str | None}`` —
    ``dynamic`` False for a build with its backends linked in (then nothing was loaded)."""
    global _loaded
    if _loaded is not None:
        return _loaded
    lib = libggml()
    lib.ggml_backend_reg_count.restype = ctypes.c_size_t
    info: dict = {"dynamic": False, "folder": None, "variants": [], "cpu_variant": None}
    if lib.ggml_backend_reg_count() == 0:      # nothing linked in: a GGML_BACKEND_DL build
        info["dynamic"] = True
        try:   # ggml says "load_backend: loaded CPU backend from ..." at INFO: not on the user's terminal
            from llama_cpp import _logger

            _logger.set_verbose(False)
        except (ImportError, AttributeError):
            pass
        folder = next((d for d in backend_dirs() if cpu_variants(d)), None)
        if folder is not None:
            info["folder"], info["variants"] = str(folder), cpu_variants(folder)
            fn = lib.ggml_backend_load_all_from_path
            fn.argtypes, fn.restype = [ctypes.c_char_p], None
            fn(os.fsencode(str(folder)))
        else:   # let ggml search beside the executable and the working folder, as llama.cpp's tools do
            fn = lib.ggml_backend_load_all
            fn.argtypes, fn.restype = [], None
            fn()
        info["cpu_variant"] = loaded_cpu_variant()
    _loaded = info
    return info
