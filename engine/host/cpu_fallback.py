"""When llama.cpp's CPU code dies by an illegal instruction: what to switch off, and remembering it.

llama.cpp compiles kernels for the CPU it is built on (or, in a portable build, picks a variant at run
time). Some of them still die on real machines: on Intel Xeons with AMX, llama.cpp's AMX matrix kernels
run tile instructions in worker threads that have no tile configuration, and the first reply ends by
SIGILL (measured with llama-cpp-python 0.3.36, native and portable builds alike). Those kernels, and the
weight repacking for AVX2/AVX-512, sit behind llama.cpp's *extra buffer types*; with them off
(``llama_model_params.use_extra_bufts = false``) the same build generates correctly.

So: a model process that ends by an illegal instruction while extra buffer types are on is loaded again
with them off, the request is run again, and the fallback is remembered for this machine and this
llama.cpp build (``cpu_fallback.json`` in the cache folder), so later loads go straight to the path that
works. Nothing is switched off where nothing crashed. If the process still dies, the client (``still_dies_facts``)
names the CPU features llama.cpp was built for that this CPU (or its operating system) lacks, and the
remedy: a baseline build.

No llama.cpp is loaded here: the parent (the GUI) identifies the build by its library files.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import re
import signal
import sys
from pathlib import Path

from engine.versions import LLAMA_CPP_PYTHON_TESTED

FALLBACK_FILE = "cpu_fallback.json"
# Exit statuses of a process killed by an illegal instruction: POSIX signal, Windows exception code.
_WINDOWS_ILLEGAL_INSTRUCTION = 0xC000001D
ILLEGAL_INSTRUCTION_EXITS = frozenset(
    {-int(getattr(signal, "SIGILL", 4)), _WINDOWS_ILLEGAL_INSTRUCTION, _WINDOWS_ILLEGAL_INSTRUCTION - (1 << 32)})

# What the fallback costs, for the user (bench/RESULTS.md: "CPU fallback").
WHAT_IS_OFF = ("the extra CPU kernels of llama.cpp (AMX matrix tiles and repacked weights) crashed this "
               "processor with an illegal instruction, so Hearth switched them off for this computer: replies "
               "still work, prompts may be read more slowly")

# The README's baseline build: the version CI tests, compiled for any x86-64 CPU. GGML_NATIVE=off alone is not
# one: ggml then still turns AVX, AVX2, FMA, F16C and BMI2 on by default (SSE4.2 stays, as every x86-64 CPU
# since 2008 has it).
BASELINE_BUILD = ('CMAKE_ARGS="-DGGML_NATIVE=off -DGGML_AVX=off -DGGML_AVX2=off -DGGML_FMA=off -DGGML_F16C=off '
                  '-DGGML_BMI2=off" pip install --force-reinstall --no-cache-dir '
                  f'"llama-cpp-python=={LLAMA_CPP_PYTHON_TESTED[0]}"')

# A packaged build chose its CPU variant for this processor at run time: no command helps, a person does.
FROZEN_STILL_DIES = ("This packaged build's llama.cpp ({variant}) still executed an instruction this processor "
                     "({cpu}) or its operating system does not allow: send the log folder (Help → Open the log "
                     "folder) to whoever installed Hearth")

# Test-only: makes the model process die by SIGILL while extra buffer types are on ("decode": at its first
# decode, "load": while loading), as on an AMX machine; "always": at the first decode even with them off, as
# on a CPU that lacks what the build needs. Ignored by frozen (packaged) builds.
TEST_SWITCH = "HEARTH_TEST_SIGILL"


def died_of_illegal_instruction(exitcode: int | None) -> bool:
    return exitcode is not None and exitcode in ILLEGAL_INSTRUCTION_EXITS


def test_switch() -> str | None:
    """The test switch's stage ("decode" or "load"), or None (unset, or a frozen build)."""
    if getattr(sys, "frozen", False):
        return None
    value = os.environ.get(TEST_SWITCH, "").strip().lower()
    if value in ("1", "decode", "generate"):
        return "decode"
    if value in ("load", "always"):   # always: dies with extra buffer types off too
        return value
    return None


def die_by_illegal_instruction() -> None:
    """End this process the way an illegal instruction does (the test switch)."""
    if os.name == "nt":
        os._exit(_WINDOWS_ILLEGAL_INSTRUCTION)
    signal.signal(signal.SIGILL, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGILL)


# ---- this CPU ----------------------------------------------------------------------------------------------

def cpu_name() -> str:
    if sys.platform.startswith("linux"):
        try:
            for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
    return platform.processor() or platform.machine()


def cpu_flags() -> set[str] | None:
    """The instruction-set flags this CPU has *and the operating system enables* (Linux lists AMX or
    AVX-512 in /proc/cpuinfo only when the kernel saves their state); None where it cannot be read."""
    if sys.platform.startswith("linux"):
        try:
            for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
        except OSError:
            return None
    if sys.platform == "darwin":
        import subprocess

        try:
            out = subprocess.run(["sysctl", "-n", "machdep.cpu.features", "machdep.cpu.leaf7_features"],
                                 capture_output=True, text=True, timeout=5).stdout
            return {f.lower().replace(".", "_") for f in out.split()} or None
        except (OSError, subprocess.SubprocessError):
            return None
    return None


# llama_print_system_info's names -> /proc/cpuinfo's
_FEATURE_FLAGS = {
    "SSE3": "pni", "SSSE3": "ssse3", "AVX": "avx", "AVX_VNNI": "avx_vnni", "AVX2": "avx2", "F16C": "f16c",
    "FMA": "fma", "BMI2": "bmi2", "AVX512": "avx512f", "AVX512_VBMI": "avx512vbmi",
    "AVX512_VNNI": "avx512_vnni", "AVX512_BF16": "avx512_bf16", "AMX_INT8": "amx_int8", "SSE42": "sse4_2",
}


def built_for(system_info: str) -> list[str]:
    """The x86 features a llama.cpp build uses, from ``llama_print_system_info()`` ("AVX2 = 1 | ...")."""
    return [name for name, on in re.findall(r"([A-Z0-9_]+) = (\d)", system_info or "")
            if on == "1" and name in _FEATURE_FLAGS]


def missing_features(system_info: str, flags: set[str] | None = None) -> list[str]:
    """Features the build uses that this CPU (or its operating system) does not offer."""
    flags = cpu_flags() if flags is None else flags
    if not flags:
        return []
    return [name for name in built_for(system_info) if _FEATURE_FLAGS[name] not in flags]


def still_dies_facts(system_info: str | None, flags: set[str] | None = None) -> tuple[list[str], list[str]]:
    """For a model process that dies by an illegal instruction with the fallback on: (the features the
    build uses that this CPU or its operating system lacks, the features the build uses). The client
    says them in one sentence with the remedy, BASELINE_BUILD."""
    flags = cpu_flags() if flags is None else flags
    built = built_for(system_info or "")
    return (missing_features(system_info or "", flags) if flags else []), built


# ---- this llama.cpp build ----------------------------------------------------------------------------------

def build_fingerprint() -> str:
    """This machine's CPU and this llama.cpp build, as a short key: a different CPU, a reinstalled or
    upgraded llama-cpp-python, or another LLAMA_CPP_LIB_PATH each get a fresh start."""
    h = hashlib.sha256()
    h.update(cpu_name().encode())
    h.update(" ".join(sorted(cpu_flags() or ())).encode())
    from engine.host.backends import backend_dirs   # llama.cpp's libraries, found without loading them

    for d in backend_dirs():
        for p in sorted(d.iterdir()):
            if p.name.startswith(("libggml", "libllama", "ggml", "llama")) and p.is_file():
                st = p.stat()
                h.update(f"{p.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


class FallbackMemory:
    """``cpu_fallback.json`` in the cache folder: which builds on this machine need the fallback."""

    def __init__(self, cache_dir: Path | None):
        self.path = Path(cache_dir) / FALLBACK_FILE if cache_dir else None

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError, AttributeError):
            return {}

    def recall(self, key: str | None = None) -> dict | None:
        """The remembered fallback for this machine and build, or None."""
        entry = self._read().get(key or build_fingerprint())
        return entry if isinstance(entry, dict) else None

    def remember(self, where: str, key: str | None = None) -> dict:
        entry = {"extra_buffer_types": False, "reason": f"the model process died by an illegal instruction "
                                                        f"while {where}",
                 "since": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                 "cpu": cpu_name(), "message": WHAT_IS_OFF}
        if self.path is None:
            return entry
        data = self._read()
        data[key or build_fingerprint()] = entry
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass   # not remembered: the next load finds out again, and falls back again
        return entry

    def forget(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
