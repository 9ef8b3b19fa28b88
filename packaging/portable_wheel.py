"""Build (once) and install llama-cpp-python compiled for every x86-64 CPU, for packaged builds.

    python packaging/portable_wheel.py                 # build if not cached, print the wheel's path
    python packaging/portable_wheel.py --install       # ... and install it into this environment
    python packaging/portable_wheel.py --cuda 90       # the same for a CUDA build (architectures)

llama-cpp-python compiles llama.cpp for the build machine's CPU by default (GGML_NATIVE): an app frozen
on an AVX-512 server dies by SIGILL on an office laptop. This builds it the way llama.cpp's own releases
and Ollama ship: no native code, backends as loadable modules, one CPU module per x86-64 level
(x64, sse42, sandybridge, haswell, skylakex, icelake, alderlake, sapphirerapids, zen4, ...). The model
process loads them (engine/host/backends.py) and ggml picks the best one this CPU runs.

pip's wheel cache ignores CMAKE_ARGS — a cached native wheel would be reused without a word — so the
wheel is built with --no-cache-dir into a cache of its own, one folder per version and flags:
``$HEARTH_WHEEL_CACHE`` or ``~/.cache/hearth/wheels/llama_cpp_python-<version>-<flags hash>/``.
A build takes about 11 minutes on 2 cores; later runs find it there.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTABLE_FLAGS = ["-DGGML_NATIVE=OFF", "-DGGML_BACKEND_DL=ON", "-DGGML_CPU_ALL_VARIANTS=ON"]


def tested_llama_version() -> str:
    """The llama-cpp-python version pyproject.toml pins (the one CI tests)."""
    import re

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r'"llama-cpp-python>=([0-9.]+),', text)
    if not m:
        raise SystemExit("pyproject.toml has no llama-cpp-python>=X,<Y range")
    return m.group(1)


def cache_root() -> Path:
    env = os.environ.get("HEARTH_WHEEL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "hearth" / "wheels"


def wheel_folder(version: str, flags: list[str]) -> Path:
    key = hashlib.sha256(" ".join([version, *flags]).encode()).hexdigest()[:12]
    return cache_root() / f"llama_cpp_python-{version}-{key}"


def build(version: str, flags: list[str]) -> Path:
    """The cached wheel for this version and these flags, built first if missing."""
    folder = wheel_folder(version, flags)
    wheels = sorted(folder.glob("llama_cpp_python-*.whl"))
    if wheels:
        return wheels[0]
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(folder.name + ".partial")
    tmp.mkdir(parents=True, exist_ok=True)
    for old in tmp.glob("*.whl"):
        old.unlink()
    env = dict(os.environ, CMAKE_ARGS=" ".join(flags))
    print(f"building llama-cpp-python {version} with {' '.join(flags)} into {folder} "
          "(about 11 minutes on 2 cores)", flush=True)
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "--quiet",
                    "-w", str(tmp), f"llama-cpp-python=={version}"], env=env, check=True)
    built = sorted(tmp.glob("llama_cpp_python-*.whl"))
    if not built:
        raise SystemExit("pip wheel finished without a wheel")
    (folder / "flags.txt").write_text(" ".join(flags) + "\n", encoding="utf-8")
    target = folder / built[0].name
    os.replace(built[0], target)       # the folder holds a wheel only once it is whole
    tmp.rmdir()
    print(f"built {target.name} in {time.monotonic() - t0:.0f} s", flush=True)
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--version", help="llama-cpp-python version (default: the one pyproject.toml pins)")
    ap.add_argument("--install", action="store_true", help="install the wheel into this environment")
    ap.add_argument("--cuda", metavar="ARCHS", help="also build the CUDA backend for these architectures")
    ap.add_argument("--hip", metavar="TARGETS", help="also build the ROCm backend for these GPU targets")
    args = ap.parse_args(argv)
    flags = list(PORTABLE_FLAGS)
    if args.cuda:
        flags += ["-DGGML_CUDA=ON", f"-DCMAKE_CUDA_ARCHITECTURES={args.cuda}"]
    if args.hip:
        flags += ["-DGGML_HIP=ON", f"-DAMDGPU_TARGETS={args.hip}"]
    wheel = build(args.version or tested_llama_version(), flags)
    print(wheel)
    if args.install:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                        str(wheel)], check=True)
        print(f"installed {wheel.name} (portable: {' '.join(flags)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
