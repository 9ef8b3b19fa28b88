"""A loopback stand-in for the Hugging Face Hub (the parts Hearth uses).

Serves /api/models (search), /api/models/{repo}[/revision/{rev}] (info, with
sizes and LFS sha256 when ``blobs=True``), /{repo}/resolve/{rev}/{file}
(auth check for gated repos, then a 302 to /cdn/... like the real Hub), and
/cdn/... with Range support. ``plan(filename, *actions)`` scripts misbehaviour
for the next downloads of a file: ``"drop:N"`` (close after N body bytes),
``"ignore_range"``, ``"status:500"``, ``"tamper"``. Every request is logged.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

GOOD_TOKEN = "hf_goodtoken123"
REVISION = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class Repo:
    repo_id: str
    files: dict[str, bytes]
    gated: bool = False
    downloads: int = 0
    likes: int = 0
    last_modified: str = "2026-01-01T00:00:00.000Z"
    license: str = "apache-2.0"
    card: str = "# Model card\n\nA tiny test model."
    sha_override: dict[str, str] = field(default_factory=dict)


class FakeHub:
    def __init__(self):
        self.repos: dict[str, Repo] = {}
        self.log: list[dict] = []
        self.plans: dict[str, list[str]] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def add_repo(self, repo_id: str, files: dict[str, bytes], **kw) -> Repo:
        r = Repo(repo_id, files, **kw)
        self.repos[repo_id] = r
        return r

    def plan(self, filename: str, *actions: str) -> None:
        with self.lock:
            self.plans.setdefault(filename, []).extend(actions)

    def next_action(self, filename: str) -> str | None:
        with self.lock:
            acts = self.plans.get(filename)
            return acts.pop(0) if acts else None

    def requests(self, kind: str | None = None, filename: str | None = None) -> list[dict]:
        with self.lock:
            return [r for r in self.log if (kind is None or r["kind"] == kind)
                    and (filename is None or r.get("file") == filename)]


def _make_handler(hub: FakeHub):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):  # quiet
            pass

        def _send(self, status, body=b"", ctype="application/json", headers=None):
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
            elif isinstance(body, str):
                body = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _log(self, kind, **kw):
            entry = {"kind": kind, "path": self.path, "range": self.headers.get("Range"),
                     "auth": self.headers.get("Authorization"), **kw}
            with hub.lock:
                hub.log.append(entry)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            u = urlparse(self.path)
            q = parse_qs(u.query)
            path = unquote(u.path)
            parts = path.strip("/").split("/")
            if path == "/api/models":
                self._log("search", query=q)
                return self._search(q)
            if parts[:2] == ["api", "models"] and len(parts) >= 4:
                repo_id = "/".join(parts[2:4])
                self._log("info", query=q, repo=repo_id)
                return self._info(repo_id, q)
            if len(parts) >= 5 and parts[2] == "resolve":
                repo_id = "/".join(parts[:2])
                filename = "/".join(parts[4:])
                self._log("resolve", repo=repo_id, file=filename)
                return self._resolve(repo_id, filename)
            if parts[0] == "cdn" and len(parts) >= 4:
                repo_id = "/".join(parts[1:3])
                filename = "/".join(parts[3:])
                self._log("cdn", repo=repo_id, file=filename)
                return self._cdn(repo_id, filename)
            self._send(404, {"error": "not found"})

        def _repo_dict(self, r: Repo, blobs: bool) -> dict:
            sib = []
            for name, data in r.files.items():
                s = {"rfilename": name}
                if blobs:
                    sha = r.sha_override.get(name, hashlib.sha256(data).hexdigest())
                    s.update(size=len(data), blobId=hashlib.sha1(data).hexdigest(),
                             lfs={"size": len(data), "sha256": sha, "pointerSize": 134}
                             if name.endswith(".gguf") else None)
                    if s["lfs"] is None:
                        del s["lfs"]
                sib.append(s)
            return {"_id": "x", "id": r.repo_id, "modelId": r.repo_id, "author": r.repo_id.split("/")[0],
                    "sha": REVISION, "gated": "manual" if r.gated else False, "private": False,
                    "downloads": r.downloads, "likes": r.likes, "lastModified": r.last_modified,
                    "tags": ["gguf", f"license:{r.license}", "text-generation"],
                    "pipeline_tag": "text-generation", "library_name": "gguf",
                    "cardData": {"license": r.license}, "siblings": sib}

        def _search(self, q):
            term = (q.get("search") or [""])[0].lower()
            out = [self._repo_dict(r, False) for r in hub.repos.values() if term in r.repo_id.lower()]
            key = {"downloads": "downloads", "likes": "likes", "lastModified": "lastModified"}.get(
                (q.get("sort") or ["downloads"])[0], "downloads")
            out.sort(key=lambda d: d[key], reverse=True)
            limit = int((q.get("limit") or ["1000"])[0])
            for d in out:
                d.pop("siblings")
            self._send(200, out[:limit])

        def _info(self, repo_id, q):
            r = hub.repos.get(repo_id)
            if r is None:
                return self._send(401, {"error": "Repository not found"},
                                  headers={"X-Error-Code": "RepoNotFound"})
            self._send(200, self._repo_dict(r, (q.get("blobs") or [""])[0].lower() == "true"))

        def _resolve(self, repo_id, filename):
            r = hub.repos.get(repo_id)
            if r is None:
                return self._send(401, {"error": "Repository not found"},
                                  headers={"X-Error-Code": "RepoNotFound"})
            if r.gated:
                auth = self.headers.get("Authorization")
                if not auth:
                    return self._send(401, {"error": "Access to model is restricted"},
                                      headers={"X-Error-Code": "GatedRepo"})
                if auth != f"Bearer {GOOD_TOKEN}":
                    return self._send(403, {"error": "Access to model is restricted"},
                                      headers={"X-Error-Code": "GatedRepo"})
            if filename == "README.md":
                return self._send(200, r.card, ctype="text/markdown")
            if filename not in r.files:
                return self._send(404, {"error": "Entry not found"},
                                  headers={"X-Error-Code": "EntryNotFound"})
            self._send(302, b"", headers={"Location": f"/cdn/{repo_id}/{filename}"})

        def _cdn(self, repo_id, filename):
            r = hub.repos.get(repo_id)
            if r is None or filename not in r.files:
                return self._send(404, "no such object", ctype="text/plain")
            data = r.files[filename]
            action = hub.next_action(filename)
            if action and action.startswith("status:"):
                return self._send(int(action.split(":")[1]), "error", ctype="text/plain")
            if action == "tamper":
                b = bytearray(data)
                b[len(b) // 2] ^= 0xFF
                data = bytes(b)
            start, end = 0, len(data) - 1
            rng = self.headers.get("Range")
            status = 200
            if rng and action != "ignore_range":
                spec = rng.split("=", 1)[1]
                a, _, b = spec.partition("-")
                start = int(a) if a else 0
                end = min(int(b), len(data) - 1) if b else len(data) - 1
                if start >= len(data):
                    return self._send(416, b"", headers={"Content-Range": f"bytes */{len(data)}"})
                status = 206
            body = memoryview(data)[start:end + 1]
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", f'"{hashlib.sha256(r.files[filename]).hexdigest()}"')
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            self.end_headers()
            if self.command == "HEAD":
                return
            limit = len(body)
            if action and action.startswith("drop:"):
                limit = min(limit, int(action.split(":")[1]))
            pos = 0
            try:
                while pos < limit:
                    n = min(65536, limit - pos)
                    self.wfile.write(body[pos:pos + n])
                    pos += n
                if limit < len(body):
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                self.close_connection = True

    return Handler
