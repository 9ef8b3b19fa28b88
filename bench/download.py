"""Benchmark: Hearth's download path vs curl, and the cost of hashing while downloading.

Serves a 500 MB GGUF-shaped file (a tiny valid GGUF followed by random
padding, so the post-download check passes) from a loopback HTTP server that
uses sendfile, then alternates:

- curl -o FILE URL
- Hearth: DownloadManager.run_job (Range-capable GET, SHA-256 while the bytes
  arrive, checksum compare, atomic move into the library, GGUF header check)
- raw fetch_to_file with and without the SHA-256 hasher (hashing overhead)

Reports medians. Usage: python bench/download.py [--mb 500] [--runs 3]
Everything is created in a temp dir and deleted afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPO, REV, NAME = "bench/Big-GGUF", "0" * 40, "Big-Q4_K_M.gguf"


def make_file(path: Path, size: int) -> str:
    from tests.tiny_gguf import make_tiny_gguf

    make_tiny_gguf(path)
    h = hashlib.sha256(path.read_bytes())
    block = os.urandom(8 << 20)
    with open(path, "ab") as f:
        left = size - path.stat().st_size
        while left > 0:
            b = block[:min(len(block), left)]
            f.write(b)
            h.update(b)
            left -= len(b)
    return h.hexdigest()


def serve(path: Path) -> ThreadingHTTPServer:
    size = path.stat().st_size

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            start = 0
            rng = self.headers.get("Range")
            if rng:
                start = int(rng.split("=")[1].split("-")[0])
            self.send_response(206 if rng else 200)
            self.send_header("Content-Length", str(size - start))
            self.send_header("Content-Type", "application/octet-stream")
            if rng:
                self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
            self.end_headers()
            self.wfile.flush()
            with open(path, "rb") as f:
                self.connection.sendfile(f, start, size - start)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("curl"):
        print("curl is missing (apt-get install -y curl)", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    os.environ["HEARTH_HOME"] = str(tmp / "home")
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1"
    try:
        src = tmp / "src.gguf"
        size = args.mb * 1000 * 1000
        sha = make_file(src, size)
        srv = serve(src)
        url = f"http://127.0.0.1:{srv.server_address[1]}"
        os.environ["HF_ENDPOINT"] = url
        file_url = f"{url}/{REPO}/resolve/{REV}/{NAME}"

        from engine.config import AppConfig
        from engine.hub.api import new_session
        from engine.hub.download import DownloadManager, fetch_to_file
        from engine.hub.quant import RemoteModel, RemotePart

        def run_curl():
            out = tmp / "curl.out"
            t = time.perf_counter()
            subprocess.run(["curl", "-sS", "--noproxy", "*", "-o", str(out), file_url], check=True)
            dt = time.perf_counter() - t
            assert out.stat().st_size == size
            out.unlink()
            return dt

        def run_hearth():
            cfg = AppConfig.load()
            mgr = DownloadManager(cfg, token=False)
            job = mgr.add(REPO, RemoteModel(NAME, [RemotePart(NAME, size, sha)], "Q4_K_M"), REV)
            t = time.perf_counter()
            job = mgr.run_job(job.id)
            dt = time.perf_counter() - t
            assert job.state == "done", job.error
            shutil.rmtree(cfg.paths.models_dir)
            return dt

        def run_raw(hash_it: bool):
            out = tmp / "raw.out"
            s = new_session()
            t = time.perf_counter()
            fetch_to_file(s, file_url, out, size, headers={},
                          hasher=hashlib.sha256() if hash_it else None)
            dt = time.perf_counter() - t
            s.close()
            out.unlink()
            return dt

        res = {"curl": [], "hearth": [], "raw_nohash": [], "raw_hash": []}
        run_curl(), run_hearth()  # warm the page cache and imports
        for _ in range(args.runs):
            res["curl"].append(run_curl())
            res["hearth"].append(run_hearth())
            res["raw_nohash"].append(run_raw(False))
            res["raw_hash"].append(run_raw(True))
        srv.shutdown()
        med = {k: statistics.median(v) for k, v in res.items()}
        mbps = {k: size / v / 1e6 for k, v in med.items()}
        print(f"file {args.mb} MB, {args.runs} runs each (alternating), medians:")
        for k in res:
            print(f"  {k:11} {med[k]:.2f} s  {mbps[k]:7.0f} MB/s   runs: "
                  + ", ".join(f"{x:.2f}" for x in res[k]))
        print(f"  ratio hearth/curl throughput: {mbps['hearth'] / mbps['curl']:.2f}")
        print(f"  hashing overhead (raw hash vs no hash): "
              f"{(med['raw_hash'] / med['raw_nohash'] - 1) * 100:+.0f}% time")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
