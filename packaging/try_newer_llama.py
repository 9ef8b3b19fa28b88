"""Try the newest llama-cpp-python before raising the cap in pyproject.toml.

    python packaging/try_newer_llama.py                 # the newest release on the package index
    python packaging/try_newer_llama.py --version 0.3.40
    python packaging/try_newer_llama.py --keep          # keep the scratch environment afterwards

Makes a scratch virtual environment (never this one), installs that llama-cpp-python (compiled for this
machine: ~7 minutes on 2 cores, cached by pip afterwards) and everything else Hearth declares, then runs
the tests that drive real llama.cpp: the host process, the CPU fallback, the CLI end to end and every test
marked ``starter`` (the real starter model). Exit 0 when they pass, with the two lines to change; the
failing tests' output otherwise. The declared range stays what CI proves: change it only after this passes.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_MODEL_TESTS = ["tests/engine/test_host.py", "tests/engine/test_cpu_fallback.py",
                    "tests/engine/test_cancel_and_tokens.py", "tests/cli/test_core_cli.py"]


def newest_release() -> str:
    out = subprocess.run([sys.executable, "-m", "pip", "index", "versions", "llama-cpp-python"],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"llama-cpp-python \(([^)]+)\)", out)
    if not m:
        raise SystemExit(f"pip could not say the newest llama-cpp-python:\n{out}")
    return m.group(1)


def requirements(version: str) -> list[str]:
    """Hearth's declared dependencies and test extras, with llama-cpp-python replaced by ``version``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [r for r in project["dependencies"] + project["optional-dependencies"]["test"]
            if not r.startswith("llama-cpp-python")]
    return [f"llama-cpp-python=={version}", *reqs]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--version", help="the llama-cpp-python release to try (default: the newest)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch environment")
    args = ap.parse_args(argv)
    version = args.version or newest_release()
    scratch = Path(tempfile.mkdtemp(prefix="hearth-llama-"))
    venv = scratch / "venv"
    py = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    print(f"trying llama-cpp-python {version} in {venv}", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", *requirements(version)], check=True)
        # Hearth itself without its declared range (which would put the tested version back).
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", "-e", str(ROOT)], check=True)
        r = subprocess.run([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", *REAL_MODEL_TESTS], cwd=ROOT)
        r_starter = subprocess.run([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "starter",
                                    "tests"], cwd=ROOT)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    if r.returncode or r_starter.returncode:
        print(f"\nllama-cpp-python {version} FAILS Hearth's real-model tests (output above): keep the cap.")
        return 1
    major, minor, patch = (version.split(".") + ["0", "0"])[:3]
    patch_number = int(re.match(r"\d+", patch).group())
    cap = f"{major}.{minor}.{patch_number + 1}"
    print(f"\nllama-cpp-python {version} passes the real-model tests. To declare it, set\n"
          f'  pyproject.toml:      "llama-cpp-python>={version},<{cap}"\n'
          f'  engine/versions.py:  LLAMA_CPP_PYTHON_TESTED = ("{version}", "{cap}")\n'
          "and let CI (which builds exactly that version) prove the whole suite.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
