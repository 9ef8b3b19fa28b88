"""The versions of the libraries Hearth calls into that CI installs and tests (pyproject.toml says the same;
tests/engine/test_dependency_ranges.py keeps the two in step).

An application pins what it tested: llama-cpp-python changes its ctypes signatures between patch releases
(0.3.16 fails every chat with "argument 5: TypeError: Don't know how to convert parameter 5"), so the range
is the version CI builds. To raise it, run ``python packaging/try_newer_llama.py`` (the newest release in a
scratch environment, with the real-model tests) and move both places.
"""

from __future__ import annotations

# (floor, cap): floor <= version < cap
LLAMA_CPP_PYTHON_TESTED = ("0.3.36", "0.3.37")


def _parse(v: str) -> tuple:
    out = []
    for part in v.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        out.append(int(digits) if digits else 0)
        if digits != part:
            break   # a pre-release or local suffix ends the comparison
    return tuple(out)


def llama_cpp_python_note(installed: str | None) -> str:
    """"" when ``installed`` is in the tested range, else one sentence saying it is not."""
    if not installed:
        return ""
    lo, hi = LLAMA_CPP_PYTHON_TESTED
    if _parse(lo) <= _parse(installed) < _parse(hi):
        return ""
    return (f"llama-cpp-python {installed} is outside the range Hearth is tested with (>={lo},<{hi}); "
            f"if chats fail, install the tested version: pip install \"llama-cpp-python>={lo},<{hi}\"")
