"""The packaged build's rules and what a packaged (frozen) Hearth does differently.

The frozen executable itself is tested by packaging/smoke_test.py (CI runs it after
the test suite); these tests cover the pieces that run without a build: what the
spec keeps and leaves out, the bundled starter model, the first-run hint without
pip, the build information in ``doctor``, and the cold-start switch of the app.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "packaging"))
import bundle_rules  # noqa: E402  (packaging/bundle_rules.py; "packaging" itself is a PyPI name)


# ---- what the build keeps -------------------------------------------------------------------

@pytest.mark.parametrize("src, dest, kept", [
    ("/qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms", True),
    ("/qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/plugins/platforms", True),
    ("/qt/plugins/platforms/libqwayland.so", "PySide6/Qt/plugins/platforms", True),
    ("C:/qt/plugins/platforms/qwindows.dll", "PySide6\\plugins\\platforms", True),
    ("/qt/plugins/platforms/libqvnc.so", "PySide6/Qt/plugins/platforms", False),
    ("/qt/plugins/platforms/libqeglfs.so", "PySide6/Qt/plugins/platforms", False),
    ("/qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/platformthemes", False),
    ("/qt/plugins/platformthemes/libqxdgdesktopportal.so", "PySide6/Qt/plugins/platformthemes", True),
    ("/qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
     "PySide6/Qt/plugins/platforminputcontexts", True),
    ("/qt/plugins/imageformats/libqsvg.so", "PySide6/Qt/plugins/imageformats", True),
    ("/qt/plugins/imageformats/libqico.so", "PySide6/Qt/plugins/imageformats", True),
    ("/qt/plugins/imageformats/libqjpeg.so", "PySide6/Qt/plugins/imageformats", False),
    ("/qt/plugins/tls/libqopensslbackend.so", "PySide6/Qt/plugins/tls", False),
    ("/qt/plugins/wayland-shell-integration/libxdg-shell.so", "PySide6/Qt/plugins/wayland-shell-integration", True),
    ("/qt/plugins/wayland-shell-integration/libivi-shell.so", "PySide6/Qt/plugins/wayland-shell-integration", False),
    ("/qt/translations/qtbase_ja.qm", "PySide6/Qt/translations", False),
    ("/qt/lib/libQt6Core.so.6", "PySide6/Qt/lib", True),
])
def test_qt_plugins_kept_are_the_ones_the_app_uses(src, dest, kept):
    assert bundle_rules.keep_qt(src, dest) is kept


def test_llama_cpp_libraries_one_copy_each_and_no_multimodal(tmp_path):
    """The wheel's three identical copies per library become the one Python loads (the SONAME copy
    comes in as a dependency); a backend module with no versioned twin is kept; mtmd is left out."""
    lib = tmp_path / "lib"
    lib.mkdir()
    for base, size in (("libllama", 40), ("libggml", 5), ("libggml-base", 8), ("libggml-cpu", 15),
                       ("libmtmd", 17)):
        for suffix in (".so", ".so.0", ".so.0.1.2"):
            (lib / f"{base}{suffix}").write_bytes(b"x" * size)
    (lib / "libggml-cuda.so").write_bytes(b"x" * 99)     # GGML_BACKEND_DL module: no twin
    got = sorted(Path(src).name for src, dest in bundle_rules.llama_cpp_libraries(lib, "linux"))
    assert got == ["libggml-cuda.so", "libggml.so", "libllama.so"]
    assert {dest for _, dest in bundle_rules.llama_cpp_libraries(lib, "linux")} == {"llama_cpp/lib"}
    win = tmp_path / "win"
    win.mkdir()
    for name in ("llama.dll", "ggml.dll", "ggml-base.dll", "ggml-cpu.dll", "mtmd.dll", "llama.lib"):
        (win / name).write_bytes(b"x")
    got = sorted(Path(src).name for src, _ in bundle_rules.llama_cpp_libraries(win, "win32"))
    assert got == ["ggml-base.dll", "ggml-cpu.dll", "ggml.dll", "llama.dll"]


@pytest.mark.parametrize("dest, system", [
    ("libX11.so.6", True), ("libxcb.so.1", True), ("libxcb-render.so.0", True), ("libstdc++.so.6", True),
    ("libxcb-cursor.so.0", False), ("libxcb-render-util.so.0", False), ("libssl.so.3", False),
    ("libpython3.11.so.1.0", False), ("libgomp.so.1", False), ("libffi.so.8", False),
    ("PySide6/Qt/lib/libX11.so.6", False),   # only top-level copies PyInstaller took from the system
])
def test_linux_system_libraries_come_from_the_target(dest, system):
    assert bundle_rules.is_linux_system_lib(dest) is system


def test_excluded_modules_are_not_needed_by_hearth():
    """Every engine and gui module imports, and the features that touch the excluded packages' users
    work, with every module the spec excludes made unimportable (as in the frozen build)."""
    code = r"""
import importlib, pkgutil, sys
sys.path.insert(0, sys.argv[1])
from bundle_rules import EXCLUDES
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if any(name == e or name.startswith(e + ".") for e in EXCLUDES):
            raise ImportError(f"{name} is excluded from the packaged build")
sys.meta_path.insert(0, Blocker())
for pkg in ("engine", "gui"):
    mod = importlib.import_module(pkg)
    for info in pkgutil.walk_packages(mod.__path__, pkg + "."):
        if any(info.name == e or info.name.startswith(e + ".") for e in EXCLUDES):
            continue  # a part of Hearth left out on purpose; its command says so
        importlib.import_module(info.name)
from engine.commands import serve  # the command itself stays and reports the missing packages
import numpy as np, docx, pypdf, yaml, keyring
from huggingface_hub import HfApi
np.linalg.solve(np.eye(2), np.ones(2)); np.random.default_rng(0).normal(size=2)
docx.Document(); HfApi(); keyring.get_keyring(); yaml.safe_load("a: 1")
import llama_cpp
print("ok")
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-c", code, str(ROOT / "packaging")], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-3000:]


# ---- a packaged Hearth ----------------------------------------------------------------------

@pytest.fixture
def frozen_app(tmp_path, monkeypatch):
    """Pretend to be the packaged build in ``tmp_path/Hearth`` (sys.frozen, sys.executable)."""
    app = tmp_path / "Hearth"
    app.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app / "Hearth"))
    return app


@pytest.fixture
def no_starter_package(monkeypatch):
    """The starter model's pip package is not there (as in a packaged build)."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a, **k: None if name.startswith("gemma3_270m") else real(name, *a, **k))


def test_bundled_starter_model_is_listed_and_used(frozen_app, no_starter_package, tiny_model, tiny_base_model):
    from engine.config import AppConfig
    from engine.library import ModelLibrary
    from engine.packaged import STARTER_FILE, bundled_starter

    lib = ModelLibrary(AppConfig.load())
    assert not lib.starter_available() and lib.ensure_starter() is None and bundled_starter() is None
    models = frozen_app / "models"
    models.mkdir()
    shutil.copy(tiny_model, models / STARTER_FILE)              # build.py --with-starter-model
    shutil.copy(tiny_base_model, models / "approved-by-it.gguf")   # a model IT added to the build
    assert lib.starter_available()
    assert lib.ensure_starter() == models / STARTER_FILE       # used in place: nothing copied
    sources = {e.path.name: e.source for e in lib.list_models()}
    assert sources == {STARTER_FILE: "starter", "approved-by-it.gguf": "shared"}
    assert not (lib.starter_path).exists()


def test_first_run_hint_without_pip(frozen_app, no_starter_package):
    """A packaged build never tells the user to pip install: Models pane or the administrator."""
    from engine.packaged import PACKAGED_HINT, no_model_hint

    assert no_model_hint() == PACKAGED_HINT and "pip" not in PACKAGED_HINT
    assert "Models pane" in PACKAGED_HINT and "administrator" in PACKAGED_HINT


def test_first_run_hint_from_source(monkeypatch):
    from engine.packaged import PIP_HINT, no_model_hint

    monkeypatch.delattr(sys, "frozen", raising=False)
    assert no_model_hint() == PIP_HINT and "pip install 'hearth[starter]'" in PIP_HINT


def test_doctor_reports_the_llama_cpp_build():
    import llama_cpp

    r = run_cli("doctor", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    b = d["build"]
    assert b["packaged"] is False and b["manifest"] is None and b["error"] is None
    assert b["llama_cpp_python"] == llama_cpp.__version__
    assert b["llama_cpp"] == llama_cpp.llama_version().decode()
    assert b["ggml"] and b["ggml_commit"]
    assert "CPU" in b["ggml_backends"] and b["backend"] == d["backend"]
    assert b["system_info"] == llama_cpp.llama_print_system_info().decode().strip(" |\n")
    for key in ("backend", "devices", "paths", "keyring_backend", "versions", "starter_model_installed"):
        assert key in d   # the keys that were there before stay
    text = run_cli("doctor")
    assert text.returncode == 0
    assert f"llama.cpp {b['llama_cpp']} (ggml {b['ggml']}, commit {b['ggml_commit']})" in text.stdout


def test_exit_after_shown_prints_the_start_time_and_exits_cleanly(tmp_path):
    """HEARTH_EXIT_AFTER_SHOWN=1: the app prints the seconds to its window and closes it (exit 0)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HEARTH_EXIT_AFTER_SHOWN="1")
    r = subprocess.run([sys.executable, str(ROOT / "main.py")], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    line = next(ln for ln in r.stdout.splitlines() if "window shown" in ln)
    seconds = float(line.split("shown ")[1].split(" s")[0])
    assert 0 < seconds < 120
    assert "Traceback" not in r.stderr


# ---- starting the app again ("Restart now" after a language change) ----------------------------

def test_app_command_from_a_checkout_and_from_a_packaged_build(monkeypatch):
    from engine import packaged

    cmd = packaged.app_command()
    assert cmd[0] == sys.executable and Path(cmd[1]) == ROOT / "main.py" and len(cmd) == 2
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert packaged.app_command() == [sys.executable]   # the packaged executable starts the app itself


def test_app_command_of_a_pip_install_starts_the_window(tmp_path, monkeypatch):
    """Installed with pip there is no main.py beside engine/ (the wheel holds the packages only): Restart now
    used to start `python site-packages/main.py`, which failed at once, and Hearth closed for good."""
    from engine import packaged

    fake = tmp_path / "site-packages" / "engine" / "packaged.py"   # where a wheel's copy would live
    fake.parent.mkdir(parents=True)
    monkeypatch.setattr(packaged, "__file__", str(fake))
    cmd = packaged.app_command()
    assert cmd[0] == sys.executable and not any(c.endswith("main.py") for c in cmd)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HEARTH_EXIT_AFTER_SHOWN="1")
    r = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert any("window shown" in ln for ln in r.stdout.splitlines()), r.stdout[-2000:]


@pytest.mark.skipif(os.name == "nt", reason="POSIX sessions")
def test_the_app_started_again_outlives_this_process_in_its_own_session(tmp_path):
    from engine import packaged

    out = tmp_path / "started.json"
    code = ("import json, os, sys; json.dump({'sid': os.getsid(0), 'ppid': os.getppid()}, "
            f"open({str(out)!r}, 'w'))")
    proc = packaged.start_app_again([sys.executable, "-c", code])
    assert proc.wait(30) == 0
    started = json.loads(out.read_text())
    assert started["sid"] != os.getsid(0)           # a Ctrl+C or a closed terminal of the old app does not reach it
    assert started["ppid"] == os.getpid()


@pytest.mark.skipif(os.name == "nt", reason="POSIX sessions")
def test_the_app_started_again_waits_for_the_old_one_to_end(tmp_path):
    """The old app starts the new one as its last act, but is still ending (closing files, the log) when the
    new one starts; a pending data move must not run before it has gone."""
    import time

    out = tmp_path / "seen.json"
    ended = tmp_path / "old-app-ended"
    child = ("import json, os; from engine.packaged import wait_for_previous; "
             f"waited = wait_for_previous(60); json.dump({{'waited': waited, 'old_ended': os.path.exists({str(ended)!r}), "
             f"'env_left': os.environ.get('HEARTH_RESTARTED_FROM')}}, open({str(out)!r} + '.tmp', 'w')); "
             f"os.replace({str(out)!r} + '.tmp', {str(out)!r})")     # whole, or not there yet
    old_app = ("import sys, time; from engine.packaged import start_app_again; "
               f"p = start_app_again([sys.executable, '-c', {child!r}]); "
               f"time.sleep(1.0); open({str(ended)!r}, 'w').close()")    # still ending for a second
    r = subprocess.run([sys.executable, "-c", old_app], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    deadline = time.monotonic() + 60
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.05)                                              # the new app writes when it has waited
    seen = json.loads(out.read_text())
    assert seen == {"waited": True, "old_ended": True, "env_left": None}


# ---- the smoke test's process watcher ---------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork then exec is how POSIX spawns")
def test_smoke_watcher_reports_a_child_as_it_is_after_exec():
    """multiprocessing's spawn forks, then execs; a child first seen between the two shows its parent's
    command line. The watcher must report what the child became (stop 16's CI failed on this)."""
    import threading

    import smoke_test  # packaging/smoke_test.py

    # the child sleeps 0.5 s after the fork before it execs, so the watcher surely sees it first as a copy
    script = ("import os, sys, time\n"
              "pid = os.fork()\n"
              "if pid == 0:\n"
              "    time.sleep(0.5)\n"
              "    os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(0.5)', 'became-host'])\n"
              "os.waitpid(pid, 0)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, "the-parent"])
    seen: list = []
    stop = threading.Event()
    watcher = threading.Thread(target=smoke_test._watch, args=(proc.pid, seen, stop), daemon=True)
    watcher.start()
    try:
        assert proc.wait(30) == 0
    finally:
        stop.set()
        watcher.join(5)
    assert len(seen) == 1, seen
    assert seen[0][1][-1] == "became-host", f"the watcher kept the command line from before exec: {seen}"


# ---- the portable default never drops a GPU ---------------------------------------------------

def _build_module():
    """packaging/build.py as a module of its own (the name "build" is also a PyPI package's)."""
    spec = importlib.util.spec_from_file_location("hearth_packaging_build", ROOT / "packaging" / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def build_script(monkeypatch):
    """packaging/build.py with llama-cpp-python's probes replaced (``build_script.set(portable=, offload=,
    libraries=)``); any subprocess (portable_wheel.py, PyInstaller) fails the test."""
    mod = _build_module()

    def set_(portable=False, offload=False, libraries=()):
        monkeypatch.setattr(mod, "installed_llama_is_portable", lambda: portable)
        monkeypatch.setattr(mod, "installed_llama_gpu_offload", lambda: offload)
        monkeypatch.setattr(mod, "installed_llama_gpu_libraries", lambda: list(libraries))

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"the build ran {args[0] if args else kwargs}")

    monkeypatch.setattr(mod.subprocess, "run", no_subprocess)
    mod.set = set_
    return mod


def test_a_native_cuda_build_is_not_replaced_by_the_cpu_only_portable_one(build_script, monkeypatch, capsys):
    build_script.set(offload=True, libraries=["cuda"])
    step, line = build_script.llama_build_step(native=False)
    assert step == "refuse" and "\n" not in line
    assert 'python packaging/portable_wheel.py --cuda "75;86;89" --install' in line
    assert "python packaging/build.py --native" in line and "CUDA" in line
    # main() stops there: no portable wheel, no PyInstaller (subprocess.run would raise)
    monkeypatch.setattr(build_script.sys, "path", list(sys.path))
    assert build_script.main([]) == 1
    assert capsys.readouterr().err.strip() == line


@pytest.mark.parametrize("offload, libraries, option", [
    (None, ["cuda"], "--cuda"),     # the probe could not load it (no driver where the build runs): its library
    (True, ["hip"], "--hip"),
    (True, [], "--cuda"),           # offloads, to a backend no library names: CUDA's command, ROCm's too
])
def test_other_gpu_builds_are_refused_with_the_command_that_builds_them_portably(build_script, offload, libraries,
                                                                                   option):
    build_script.set(offload=offload, libraries=libraries)
    step, line = build_script.llama_build_step(native=False)
    assert step == "refuse" and f"portable_wheel.py {option} " in line and "--native" in line


def test_a_gpu_backend_portable_wheel_cannot_build_leaves_only_native(build_script):
    build_script.set(offload=True, libraries=["vulkan"])
    step, line = build_script.llama_build_step(native=False)
    assert step == "refuse" and "Vulkan" in line and "portable_wheel.py --" not in line and "--native" in line


@pytest.mark.parametrize("portable, native, offload, libraries, platform, step", [
    (False, False, False, [], "linux", "install"),       # CPU-only for this CPU: the portable wheel replaces it
    (True, False, True, ["cuda"], "linux", "keep"),      # a portable CUDA build (portable_wheel.py --cuda)
    (False, True, True, ["cuda"], "linux", "keep"),      # --native: bundled as it is
    (False, False, True, ["metal"], "darwin", "install"),  # the portable wheel keeps Metal (ggml's Apple default)
])
def test_what_the_build_does_with_the_installed_llama(build_script, portable, native, offload, libraries, platform,
                                                      step):
    build_script.set(portable=portable, offload=offload, libraries=libraries)
    assert build_script.llama_build_step(native=native, platform=platform) == (step, "")


def test_only_a_gpu_the_portable_wheel_would_lose_is_refused():
    mod = _build_module()
    assert mod.gpu_build_refusal(False, []) == ""
    assert mod.gpu_build_refusal(True, ["metal"], platform="darwin") == ""
    assert "Metal" in mod.gpu_build_refusal(True, ["metal"], platform="linux")


def test_gpu_libraries_are_found_without_loading_them(tmp_path):
    mod = _build_module()
    lib = tmp_path / "llama_cpp" / "lib"
    lib.mkdir(parents=True)
    for name in ("libggml.so", "libggml-base.so", "libggml-cpu.so", "libllama.so"):
        (lib / name).write_bytes(b"")
    assert mod.installed_llama_gpu_libraries(tmp_path / "llama_cpp") == []
    (lib / "libggml-cuda.so").write_bytes(b"")
    assert mod.installed_llama_gpu_libraries(tmp_path / "llama_cpp") == ["cuda"]


@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="needs llama-cpp-python")
def test_the_gpu_probe_answers_from_a_child_process():
    assert _build_module().installed_llama_gpu_offload() in (True, False)   # not None: the probe ran, answered
