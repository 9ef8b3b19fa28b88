"""Download manager: a persistent, resumable, verified queue of Hub files.

Why the HTTP is done here rather than by huggingface-hub: it no longer resumes
partial files, and Hearth needs pause/resume across restarts, SHA-256 computed
while the bytes arrive, and an atomic move into the library only after the
checksum matches. URLs and headers still come from huggingface-hub
(``hf_hub_url``, ``build_hf_headers``) with the endpoint passed explicitly.

Layout: partial files live in ``paths.downloads_dir`` (inside the models
folder, so the final ``os.replace`` is atomic) as ``<key>-<name>.part``; a part
whose checksum matched becomes ``.verified`` until all parts of a split model
are there; then all parts move to ``models_dir/<owner>/<repo>/``. The queue is
``queue.json`` in the same folder. Beside each partial file, ``<key>.json``
records where it comes from (repository, revision, checksums), so a partial
file whose queue entry was lost (a damaged queue, a failed download removed
from the list, two processes saving the queue) is found again by
``find_orphan_partials`` and can be resumed or deleted.

Thread model: one worker thread downloads one job at a time (``start()``), or
``run_job()`` runs a job in the calling thread (the CLI). Listeners get a copy
of the job on every state change and at most every ``progress_interval``
seconds during transfer, from the downloading thread; a GUI forwards them to
its own thread.
"""

from __future__ import annotations

import copy
import errno
import hashlib
import json
import os
import shutil
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from engine.errors import BadInputError, CancelledError, EngineError, HearthError
from engine.hub.api import GATED_HINT, TIMEOUT, HubClient, hub_endpoint, http_headers, new_session, \
    require_allowed, require_repo_allowed, validate_repo_id
from engine.hub.quant import RemoteModel, RemotePart

QUEUED, DOWNLOADING, VERIFYING, PAUSED, DONE, FAILED, CANCELLED = (
    "queued", "downloading", "verifying", "paused", "done", "failed", "cancelled")
ACTIVE = (QUEUED, DOWNLOADING, VERIFYING)
QUEUE_FILE = "queue.json"
SIDECAR_SUFFIX = ".json"
ORPHAN_MIN_AGE_S = 30.0          # a partial file written to this recently may belong to another process
DISK_MARGIN = 16 << 20           # keep a little space free beyond the file itself


class DiskFullError(EngineError):
    """Not enough space; the partial file is kept for resuming."""


class ChecksumError(EngineError):
    """The bytes differ from what the Hub published; the file was discarded."""


@dataclass
class RetryPolicy:
    """Network errors, timeouts, 408/429/5xx: retried with exponential backoff.

    ``attempts`` counts consecutive failures without progress, so a long
    download over a flaky link keeps going while a dead server gives up fast.
    """

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, failure: int) -> float:
        return min(self.base_delay * (2 ** max(0, failure - 1)), self.max_delay)


@dataclass
class PartProgress:
    filename: str                  # path inside the repository
    size: int
    sha256: str | None
    downloaded: int = 0
    state: str = QUEUED            # queued, downloading, verified


@dataclass
class DownloadJob:
    id: str
    repo_id: str
    revision: str | None
    name: str
    quant: str | None
    parts: list[PartProgress]
    state: str = QUEUED
    error: str | None = None
    final_path: str | None = None
    speed: float = 0.0             # bytes per second, over the last few seconds
    eta: float | None = None       # seconds
    created: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def total(self) -> int:
        return sum(p.size for p in self.parts)

    @property
    def downloaded(self) -> int:
        return sum(p.downloaded for p in self.parts)

    @property
    def fraction(self) -> float:
        return self.downloaded / self.total if self.total else 0.0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["total"], d["downloaded"] = self.total, self.downloaded
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "DownloadJob":
        d = dict(d)
        d.pop("total", None)
        d.pop("downloaded", None)
        parts = [PartProgress(**p) for p in d.pop("parts")]
        known = set(cls.__dataclass_fields__)
        return cls(parts=parts, **{k: v for k, v in d.items() if k in known})


class _Stop(Exception):
    """The job was asked to stop: reason is "pause", "cancel" or "shutdown"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Retry(Exception):
    """A transient failure worth another try."""


class _Restart(Exception):
    """The partial file cannot be continued (server ignored Range, bad Content-Range)."""


def _default_writer(f, data: memoryview) -> None:
    while data:
        n = f.write(data)
        data = data[n:]


class _HashPipe:
    """Feeds a hasher from a second thread so hashing overlaps the network and disk I/O.

    hashlib releases the GIL for large updates, so on two or more cores the
    checksum costs almost no wall time. ``close()`` drains the queue: after it
    the hasher holds exactly the bytes given to ``update``.
    """

    def __init__(self, hasher):
        import queue

        self.hasher = hasher
        self.q: "queue.Queue[bytes | None]" = queue.Queue(maxsize=16)
        self.t = threading.Thread(target=self._run, name="hearth-sha256", daemon=True)
        self.t.start()

    def _run(self) -> None:
        while (b := self.q.get()) is not None:
            self.hasher.update(b)

    def update(self, b: bytes) -> None:
        self.q.put(b)

    def close(self) -> None:
        self.q.put(None)
        self.t.join()


def fetch_to_file(session, url: str, path: Path, size: int, *, headers: dict, offset: int = 0,
                  hasher=None, chunk_size: int = 1 << 20, timeout=TIMEOUT,
                  writer: Callable = _default_writer, on_chunk: Callable[[int], None] | None = None,
                  should_stop: Callable[[], str | None] | None = None) -> int:
    """Append bytes [offset, size) of ``url`` to ``path``; return the new offset.

    The hasher (if any) must already hold bytes [0, offset). Raises ``_Restart``
    when the server does not honour the Range (the caller resets file and
    hasher), ``_Retry`` for transient trouble, HearthError otherwise.
    """
    import requests

    headers = dict(headers)
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        r = session.get(url, headers=headers, stream=True, timeout=timeout)
    except requests.exceptions.SSLError as e:
        raise EngineError(f"secure connection to the Hub failed (certificate not trusted?): {e}") from None
    except (requests.ConnectionError, requests.Timeout) as e:
        raise _Retry(f"{type(e).__name__}") from None
    with r:
        st = r.status_code
        if st in (401, 403):
            raise BadInputError("the Hub refused the download (HTTP %d): %s" % (
                st, GATED_HINT.format(url=url.split("/resolve/")[0])))
        if st == 404:
            raise BadInputError(f"the file is gone from the Hub (HTTP 404): {url}")
        if st in (408, 429) or st >= 500:
            raise _Retry(f"HTTP {st}")
        if st == 416:
            raise _Restart("the server rejected the resume position")
        if st == 206:
            cr = r.headers.get("Content-Range", "")
            try:
                start = int(cr.split()[1].split("-")[0])
            except (IndexError, ValueError):
                start = -1
            if start != offset:
                raise _Restart(f"the server resumed at the wrong byte ({cr!r})")
        elif st == 200:
            if offset:
                raise _Restart("the server ignored the resume request")
        else:
            raise EngineError(f"the Hub answered HTTP {st} for {url}")
        pipe = _HashPipe(hasher) if hasher is not None else None
        try:
            with open(path, "r+b" if path.exists() else "wb", buffering=0) as f:
                f.seek(offset)
                f.truncate()
                for chunk in r.iter_content(chunk_size):
                    if should_stop is not None:
                        reason = should_stop()
                        if reason:
                            raise _Stop(reason)
                    if offset + len(chunk) > size:
                        raise _Restart("the server sent more bytes than the file has")
                    try:
                        writer(f, memoryview(chunk))
                    except OSError as e:
                        if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
                            raise DiskFullError(
                                f"the disk is full ({path.parent}); the partial download is kept: "
                                "free some space and start it again to resume") from None
                        raise EngineError(f"cannot write {path}: {e.strerror or e}") from None
                    if pipe is not None:
                        pipe.update(chunk)
                    offset += len(chunk)
                    if on_chunk is not None:
                        on_chunk(len(chunk))
        except (requests.ConnectionError, requests.Timeout,
                requests.exceptions.ChunkedEncodingError) as e:
            raise _Retry(f"connection lost ({type(e).__name__})") from None
        finally:
            if pipe is not None:
                pipe.close()
    return offset


def part_key(repo_id: str, filename: str, sha256: str | None) -> str:
    """The partial file's name without suffix: checksum prefix and file name."""
    base = sha256 or hashlib.sha1(f"{repo_id}/{filename}".encode()).hexdigest()
    return f"{base[:16]}-{os.path.basename(filename)}"


@dataclass
class OrphanPartial:
    """A partial download in ``downloads_dir`` that no queue entry refers to."""

    file: str                      # its name in the downloads folder ("<key>.part" or "<key>.verified")
    size: int                      # bytes on disk
    name: str                      # the model file it would become
    verified: bool = False         # a complete, checked part of a split model
    repo_id: str | None = None     # from the sidecar record; None when it was lost too
    filename: str | None = None    # path inside the repository
    total: int | None = None       # the whole file's size
    revision: str | None = None
    modified: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def _queued_keys(downloads_dir: Path) -> set[str]:
    """Part keys of the jobs in the queue file on disk (another process's queue too)."""
    try:
        raw = json.loads((downloads_dir / QUEUE_FILE).read_text(encoding="utf-8"))
        return {part_key(j["repo_id"], p["filename"], p.get("sha256"))
                for j in raw.get("jobs", []) for p in j.get("parts", [])}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return set()


def _read_sidecar(downloads_dir: Path, key: str) -> dict | None:
    try:
        d = json.loads((downloads_dir / (key + SIDECAR_SUFFIX)).read_text(encoding="utf-8"))
        validate_repo_id(d["repo_id"])
        if not isinstance(d.get("parts"), list) or not d["parts"]:
            return None
        return d
    except (OSError, ValueError, TypeError, KeyError, HearthError):
        return None


def _split_name(file: str) -> tuple[str, bool] | None:
    if file.endswith(".part"):
        return file[:-len(".part")], False
    if file.endswith(".verified"):
        return file[:-len(".verified")], True
    return None


def find_orphan_partials(downloads_dir: Path | str, known_keys: set[str] | None = None, *,
                         min_age: float = ORPHAN_MIN_AGE_S) -> list[OrphanPartial]:
    """Partial files without a queue entry, newest first.

    ``known_keys`` are the part keys of jobs held in memory; the queue file on
    disk is always consulted too. Files written to in the last ``min_age``
    seconds are left out: another Hearth process may be downloading them.
    """
    downloads_dir = Path(downloads_dir)
    known = set(known_keys or ()) | _queued_keys(downloads_dir)
    now = time.time()
    out: list[OrphanPartial] = []
    try:
        entries = list(os.scandir(downloads_dir))
    except OSError:
        return []
    for entry in entries:
        split = _split_name(entry.name)
        if split is None or split[0] in known:
            continue
        try:
            if not entry.is_file():
                continue
            st = entry.stat()
        except OSError:
            continue
        if now - st.st_mtime < min_age:
            continue
        key, verified = split
        name = key.split("-", 1)[1] if "-" in key else key
        o = OrphanPartial(file=entry.name, size=st.st_size, name=name, verified=verified,
                          modified=st.st_mtime)
        meta = _read_sidecar(downloads_dir, key)
        if meta is not None:
            part = next((p for p in meta["parts"] if isinstance(p, dict) and part_key(
                meta["repo_id"], str(p.get("filename", "")), p.get("sha256")) == key), None)
            if part is not None:
                o.repo_id, o.revision = meta["repo_id"], meta.get("revision")
                o.filename, o.total = part.get("filename"), part.get("size")
        out.append(o)
    out.sort(key=lambda o: o.modified, reverse=True)
    return out


def _orphan_named(downloads_dir: Path, file: str, known_keys: set[str] | None) -> OrphanPartial:
    if not file or "/" in file or "\\" in file or file.startswith(".") or _split_name(file) is None:
        raise BadInputError(f"{file!r} is not the name of a partial download "
                            "(see `python main.py downloads`)")
    key = _split_name(file)[0]
    if key in (set(known_keys or ()) | _queued_keys(downloads_dir)):
        raise BadInputError(f"{file} belongs to a download in the queue: pause or cancel it there instead")
    found = [o for o in find_orphan_partials(downloads_dir, known_keys, min_age=0) if o.file == file]
    if not found:
        raise BadInputError(f"there is no partial download named {file} in {downloads_dir}")
    return found[0]


def discard_orphan_partial(downloads_dir: Path | str, file: str, known_keys: set[str] | None = None) -> int:
    """Delete an orphan partial file (and its record); returns the bytes freed."""
    downloads_dir = Path(downloads_dir)
    o = _orphan_named(downloads_dir, file, known_keys)
    try:
        (downloads_dir / o.file).unlink()
    except FileNotFoundError:
        pass
    except OSError as e:
        raise EngineError(f"cannot delete {downloads_dir / o.file}: {e.strerror or e}") from None
    key = _split_name(o.file)[0]
    if not any((downloads_dir / (key + sfx)).exists() for sfx in (".part", ".verified")):
        (downloads_dir / (key + SIDECAR_SUFFIX)).unlink(missing_ok=True)
    return o.size


def load_queue(downloads_dir: Path | str) -> list[DownloadJob]:
    """The jobs of the queue file, read only (for listing without a manager)."""
    try:
        raw = json.loads((Path(downloads_dir) / QUEUE_FILE).read_text(encoding="utf-8"))
        jobs = [DownloadJob.from_dict(d) for d in raw.get("jobs", [])]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
    return sorted(jobs, key=lambda j: j.created)


class DownloadManager:
    """Queue of model downloads with progress, pause, resume and cancel."""

    def __init__(self, config, *, endpoint: str | None = None, token: str | None | bool = None,
                 retry: RetryPolicy | None = None, chunk_size: int = 1 << 20, timeout=TIMEOUT,
                 writer: Callable = _default_writer, disk_usage: Callable = shutil.disk_usage,
                 progress_interval: float = 0.2, on_update: Callable[[DownloadJob], None] | None = None):
        self.config = config
        require_allowed(config.policy, "downloads")
        self.endpoint = (endpoint or hub_endpoint(config.policy)).rstrip("/")
        if token is None:
            from engine.hub.token import get_token

            token = get_token()
        self._token = token or None
        self.retry = retry or RetryPolicy()
        self.chunk_size = chunk_size
        self.timeout = timeout
        self._writer = writer
        self._disk_usage = disk_usage
        self.progress_interval = progress_interval
        self.downloads_dir = Path(config.paths.downloads_dir)
        self.models_dir = Path(config.paths.models_dir)
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._jobs: dict[str, DownloadJob] = {}
        self._stop: dict[str, str] = {}
        self._listeners: list[Callable[[DownloadJob], None]] = [on_update] if on_update else []
        self._worker: threading.Thread | None = None
        self._shutdown = False
        self._active: str | None = None
        self._last_save = 0.0
        self._load()

    # ---- persistence ------------------------------------------------------------
    @property
    def queue_file(self) -> Path:
        return self.downloads_dir / QUEUE_FILE

    def _load(self) -> None:
        try:
            raw = json.loads(self.queue_file.read_text(encoding="utf-8"))
            jobs = [DownloadJob.from_dict(d) for d in raw.get("jobs", [])]
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, KeyError):
            # A damaged queue must not block downloads; partial files are found by name again.
            try:
                self.queue_file.replace(self.queue_file.with_suffix(".broken.json"))
            except OSError:
                pass
            return
        for j in jobs:
            if j.state in (DOWNLOADING, VERIFYING):
                j.state = QUEUED  # interrupted by a quit or crash: continue
            j.speed, j.eta = 0.0, None
            self._jobs[j.id] = j

    def _save(self, force: bool = True) -> None:
        now = time.monotonic()
        if not force and now - self._last_save < 2.0:
            return
        self._last_save = now
        with self._lock:
            data = {"version": 1, "jobs": [j.to_dict() for j in self._jobs.values()]}
        try:
            self.downloads_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.queue_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(tmp, self.queue_file)
        except OSError:
            pass  # a full disk is reported by the download itself; the queue is rebuilt from parts

    # ---- listeners ----------------------------------------------------------------
    def add_listener(self, fn: Callable[[DownloadJob], None]) -> None:
        with self._lock:
            self._listeners.append(fn)

    def remove_listener(self, fn) -> None:
        with self._lock:
            if fn in self._listeners:
                self._listeners.remove(fn)

    def _notify(self, job: DownloadJob) -> None:
        with self._lock:
            snap, listeners = copy.deepcopy(job), list(self._listeners)
        for fn in listeners:
            try:
                fn(snap)
            except Exception:
                pass  # a broken listener must not break the download

    def _set_state(self, job: DownloadJob, state: str, error: str | None = None) -> None:
        with self._cond:
            job.state, job.error = state, error
            if state in (DONE, FAILED, CANCELLED):
                job.finished = time.time()
            if state != DOWNLOADING:
                job.speed, job.eta = 0.0, None
            self._cond.notify_all()
        self._save()
        self._notify(job)

    # ---- queue ----------------------------------------------------------------------
    def jobs(self) -> list[DownloadJob]:
        with self._lock:
            return [copy.deepcopy(j) for j in sorted(self._jobs.values(), key=lambda j: j.created)]

    def get(self, job_id: str) -> DownloadJob:
        with self._lock:
            if job_id not in self._jobs:
                raise BadInputError(f"no download {job_id}")
            return copy.deepcopy(self._jobs[job_id])

    def add(self, repo_id: str, model: RemoteModel, revision: str | None = None) -> DownloadJob:
        """Queue a model (all parts); the same model again returns the existing job."""
        repo_id = validate_repo_id(repo_id)
        require_repo_allowed(self.config.policy, repo_id)
        for p in model.parts:
            if p.size is None:
                raise EngineError(f"the Hub gave no size for {p.filename}")
            if not p.sha256:
                raise EngineError(f"the Hub gave no SHA-256 for {p.filename}; Hearth only installs "
                                  "files it can verify")
        key = "|".join([repo_id] + [f"{p.filename}:{p.sha256}" for p in model.parts])
        job_id = hashlib.sha1(key.encode()).hexdigest()[:12]
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None:
                job = DownloadJob(id=job_id, repo_id=repo_id, revision=revision, name=model.name,
                                  quant=model.quant,
                                  parts=[PartProgress(p.filename, p.size, p.sha256) for p in model.parts])
                self._jobs[job_id] = job
            elif job.state in (FAILED, CANCELLED, PAUSED) or (
                    job.state == DONE and not (job.final_path and Path(job.final_path).is_file())):
                job.state, job.error, job.final_path = QUEUED, None, None
            self._refresh_progress(job)
            self._cond.notify_all()
        self._save()
        self._notify(job)
        return copy.deepcopy(job)

    def add_from_hub(self, repo_id: str, filename: str | None = None, quant: str | None = None,
                     client: HubClient | None = None) -> DownloadJob:
        client = client or HubClient(self.config, endpoint=self.endpoint, token=self._token or False)
        files = client.repo_files(repo_id, read_headers=False)
        entry = files.find(filename, quant) if (filename or quant) else files.find()
        return self.add(repo_id, entry.model, files.revision)

    def pause(self, job_id: str) -> None:
        with self._cond:
            job = self._jobs[job_id]
            if job.state == QUEUED:
                job.state = PAUSED
            elif job.state in (DOWNLOADING, VERIFYING):
                self._stop[job_id] = "pause"
                return
            else:
                return
        self._save()
        self._notify(job)

    def resume(self, job_id: str) -> None:
        with self._cond:
            job = self._jobs[job_id]
            self._stop.pop(job_id, None)
            if job.state in (PAUSED, FAILED):
                job.state, job.error = QUEUED, None
                self._cond.notify_all()
            else:
                return
        self._save()
        self._notify(job)

    def cancel(self, job_id: str) -> None:
        """Stop and forget the job's partial files (the job stays listed as cancelled)."""
        with self._cond:
            job = self._jobs[job_id]
            if job.state in (DOWNLOADING, VERIFYING):
                self._stop[job_id] = "cancel"
                return
            if job.state == DONE:
                return
            job.state = CANCELLED
        self._delete_partials(job)
        self._set_state(job, CANCELLED)

    def remove(self, job_id: str) -> None:
        """Drop a finished, failed or cancelled job from the list."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None or job.state in ACTIVE:
                return
            if job.state == PAUSED:
                self._delete_partials(job)
            del self._jobs[job_id]
        self._save()

    def clear_finished(self) -> None:
        with self._cond:
            for jid in [j.id for j in self._jobs.values() if j.state in (DONE, CANCELLED)]:
                del self._jobs[jid]
        self._save()

    # ---- partial files without a queue entry --------------------------------------------
    def _known_keys(self) -> set[str]:
        with self._lock:
            return {self._key(j, p) for j in self._jobs.values() for p in j.parts}

    def find_orphan_partials(self, min_age: float = ORPHAN_MIN_AGE_S) -> list[OrphanPartial]:
        """Partial files in the downloads folder that no job (here or in the queue file) refers to."""
        return find_orphan_partials(self.downloads_dir, self._known_keys(), min_age=min_age)

    def resume_orphan(self, file: str) -> DownloadJob:
        """Queue the download an orphan partial file belongs to again; it continues from the file."""
        o = _orphan_named(self.downloads_dir, file, self._known_keys())
        meta = _read_sidecar(self.downloads_dir, _split_name(o.file)[0]) if o.repo_id else None
        if meta is None:
            raise BadInputError(
                f"{o.file} has no record of the repository it came from; resume it with "
                f"`python main.py pull REPO {o.name}` (the same file from the same repository "
                "continues from the partial file), or delete it")
        model = RemoteModel(name=meta.get("name") or o.name, quant=meta.get("quant"),
                            parts=[RemotePart(p["filename"], p.get("size"), p.get("sha256"))
                                   for p in meta["parts"]])
        return self.add(meta["repo_id"], model, meta.get("revision"))

    def discard_orphan(self, file: str) -> int:
        """Delete an orphan partial file; returns the bytes freed."""
        return discard_orphan_partial(self.downloads_dir, file, self._known_keys())

    # ---- worker -----------------------------------------------------------------------
    def start(self) -> None:
        """Start the background worker (queued jobs from a previous run continue)."""
        with self._cond:
            if self._worker and self._worker.is_alive():
                return
            self._shutdown = False
            self._worker = threading.Thread(target=self._work, name="hearth-downloads", daemon=True)
            self._worker.start()

    def shutdown(self, wait: bool = True, timeout: float | None = 30) -> None:
        """Stop the worker; an active job goes back to the queue with its partial file kept."""
        with self._cond:
            self._shutdown = True
            if self._active:
                self._stop.setdefault(self._active, "shutdown")
            self._cond.notify_all()
            worker = self._worker
        if wait and worker is not None:
            worker.join(timeout)

    def wait(self, job_id: str, timeout: float | None = None) -> DownloadJob:
        """Block until the job is no longer queued or running."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._jobs[job_id].state in ACTIVE:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._cond.wait(left if left is not None else 1.0)
            return copy.deepcopy(self._jobs[job_id])

    def _next_job(self) -> DownloadJob | None:
        queued = [j for j in self._jobs.values() if j.state == QUEUED]
        return min(queued, key=lambda j: j.created) if queued else None

    def _work(self) -> None:
        while True:
            with self._cond:
                job = None
                while not self._shutdown and (job := self._next_job()) is None:
                    self._cond.wait()
                if self._shutdown:
                    return
                self._active = job.id
            try:
                self._execute(job)
            except HearthError:
                pass  # recorded on the job
            except Exception as e:  # never let the worker die silently
                self._set_state(job, FAILED, f"unexpected error: {type(e).__name__}: {e}")
            finally:
                with self._cond:
                    self._active = None

    def run_job(self, job_id: str) -> DownloadJob:
        """Download in the calling thread; raises the job's error. Ctrl+C pauses it."""
        with self._cond:
            job = self._jobs[job_id]
            if job.state == DONE and job.final_path and Path(job.final_path).is_file():
                return copy.deepcopy(job)
            job.state = QUEUED
            self._active = job_id
        try:
            self._execute(job)
        except KeyboardInterrupt:
            self._set_state(job, PAUSED, None)
            raise CancelledError("download paused; run the same command again to resume") from None
        finally:
            with self._cond:
                self._active = None
        return copy.deepcopy(job)

    # ---- one job --------------------------------------------------------------------------
    def _key(self, job: DownloadJob, part: PartProgress) -> str:
        return part_key(job.repo_id, part.filename, part.sha256)

    def _sidecar_path(self, job: DownloadJob, part: PartProgress) -> Path:
        return self.downloads_dir / (self._key(job, part) + SIDECAR_SUFFIX)

    def _write_sidecars(self, job: DownloadJob) -> None:
        """Where each partial file comes from, so it can be resumed if the queue entry is lost."""
        record = {"version": 1, "repo_id": job.repo_id, "revision": job.revision, "name": job.name,
                  "quant": job.quant,
                  "parts": [{"filename": p.filename, "size": p.size, "sha256": p.sha256} for p in job.parts]}
        text = json.dumps(record, indent=1)
        for p in job.parts:
            path = self._sidecar_path(job, p)
            if path.is_file():
                continue
            try:
                tmp = path.with_suffix(".tmp")
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, path)
            except OSError:
                pass  # only a convenience; a full disk is reported by the download itself

    def _delete_sidecars(self, job: DownloadJob) -> None:
        for p in job.parts:
            self._sidecar_path(job, p).unlink(missing_ok=True)

    def part_path(self, job: DownloadJob, part: PartProgress) -> Path:
        return self.downloads_dir / (self._key(job, part) + ".part")

    def _verified_path(self, job: DownloadJob, part: PartProgress) -> Path:
        return self.downloads_dir / (self._key(job, part) + ".verified")

    def dest_dir(self, job: DownloadJob) -> Path:
        owner, name = job.repo_id.split("/", 1)
        return self.models_dir / owner / name

    def _refresh_progress(self, job: DownloadJob) -> None:
        for p in job.parts:
            if self._verified_path(job, p).is_file():
                p.downloaded, p.state = p.size, "verified"
            else:
                pp = self.part_path(job, p)
                p.downloaded = min(pp.stat().st_size, p.size) if pp.is_file() else 0
                p.state = QUEUED

    def _delete_partials(self, job: DownloadJob) -> None:
        for p in job.parts:
            for path in (self.part_path(job, p), self._verified_path(job, p)):
                try:
                    path.unlink()
                except OSError:
                    pass
            p.downloaded, p.state = 0, QUEUED
        self._delete_sidecars(job)

    def _should_stop(self, job: DownloadJob) -> str | None:
        return self._stop.get(job.id)

    def _execute(self, job: DownloadJob) -> None:
        """Download, verify and install one job; the outcome is recorded on the job."""
        self._stop.pop(job.id, None)
        try:
            # The policy may have changed since the job was queued (a queue from an earlier run).
            require_allowed(self.config.policy, "downloads")
            require_repo_allowed(self.config.policy, job.repo_id)
        except HearthError as e:
            self._set_state(job, FAILED, str(e))
            raise
        self._set_state(job, DOWNLOADING)
        try:
            self.downloads_dir.mkdir(parents=True, exist_ok=True)
            self._write_sidecars(job)
            self._refresh_progress(job)
            self._check_space(job)
            session = new_session()
            try:
                for part in job.parts:
                    if part.state != "verified":
                        self._fetch_part(job, part, session)
            finally:
                session.close()
            self._set_state(job, VERIFYING)
            self._install(job)
            self._delete_sidecars(job)
        except _Stop as s:
            if s.reason == "cancel":
                self._delete_partials(job)
                self._set_state(job, CANCELLED)
            else:
                self._set_state(job, PAUSED if s.reason == "pause" else QUEUED)
            self._stop.pop(job.id, None)
            return
        except HearthError as e:
            self._set_state(job, FAILED, str(e))
            raise
        except KeyboardInterrupt:
            raise
        self._set_state(job, DONE)

    def _check_space(self, job: DownloadJob) -> None:
        need = sum(p.size - p.downloaded for p in job.parts if p.state != "verified")
        if need <= 0:
            return
        free = self._disk_usage(self.downloads_dir).free
        if free < need + DISK_MARGIN:
            raise DiskFullError(f"not enough disk space for {job.name}: it needs {_mb(need)} more, "
                                f"{_mb(free)} is free on {self.downloads_dir}")

    def _fetch_part(self, job: DownloadJob, part: PartProgress, session) -> None:
        from huggingface_hub import hf_hub_url

        url = hf_hub_url(job.repo_id, part.filename, revision=job.revision, endpoint=self.endpoint)
        headers = http_headers(self._token)
        path = self.part_path(job, part)
        offset = path.stat().st_size if path.is_file() else 0
        if offset > part.size:
            path.unlink()
            offset = 0
        hasher = hashlib.sha256()
        if offset:
            # Hash what is already on disk once; the rest is hashed as it arrives.
            with open(path, "rb") as f:
                left = offset
                while left:
                    if self._should_stop(job):
                        raise _Stop(self._should_stop(job))
                    b = f.read(min(self.chunk_size * 4, left))
                    if not b:
                        break
                    hasher.update(b)
                    left -= len(b)
        part.downloaded, part.state = offset, DOWNLOADING
        samples: deque = deque(maxlen=64)
        last_note = [0.0]

        def on_chunk(n: int) -> None:
            part.downloaded += n
            now = time.monotonic()
            samples.append((now, part.downloaded))
            while len(samples) > 2 and now - samples[0][0] > 3.0:
                samples.popleft()
            if now - last_note[0] >= self.progress_interval:
                last_note[0] = now
                t0, b0 = samples[0]
                if now > t0:
                    job.speed = (part.downloaded - b0) / (now - t0)
                    job.eta = (job.total - job.downloaded) / job.speed if job.speed > 0 else None
                self._notify(job)
                self._save(force=False)

        failures = 0
        while offset < part.size:
            before = offset
            try:
                offset = fetch_to_file(session, url, path, part.size, headers=headers, offset=offset,
                                       hasher=hasher, chunk_size=self.chunk_size, timeout=self.timeout,
                                       writer=self._writer, on_chunk=on_chunk,
                                       should_stop=lambda: self._should_stop(job))
                if offset < part.size:
                    raise _Retry("the connection ended early")
            except _Restart:
                offset, hasher = 0, hashlib.sha256()
                part.downloaded = 0
                path.unlink(missing_ok=True)
                failures += 1
            except _Retry as e:
                offset = path.stat().st_size if path.is_file() else 0
                # Progress in this try starts a new streak: only stalls count towards giving up.
                failures = 1 if offset > before else failures + 1
                if failures > self.retry.attempts:
                    raise EngineError(f"downloading {part.filename} failed after {failures} tries "
                                      f"({e}); the partial file is kept: run it again to resume") from None
                self._sleep(job, self.retry.delay(failures))
                continue
            if failures > self.retry.attempts:
                raise EngineError(f"downloading {part.filename} keeps failing; giving up")
        digest = hasher.hexdigest()
        if digest != part.sha256:
            path.unlink(missing_ok=True)
            part.downloaded, part.state = 0, QUEUED
            raise ChecksumError(
                f"checksum mismatch for {part.filename}: the downloaded bytes differ from the file "
                f"published on the Hub (expected SHA-256 {part.sha256[:16]}…, got {digest[:16]}…); "
                "the download was discarded")
        os.replace(path, self._verified_path(job, part))
        part.state = "verified"
        self._notify(job)

    def _sleep(self, job: DownloadJob, seconds: float) -> None:
        end = time.monotonic() + seconds
        while True:
            reason = self._should_stop(job)
            if reason:
                raise _Stop(reason)
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.05))

    def _install(self, job: DownloadJob) -> None:
        from engine.gguf_check import InvalidGGUF, check_file

        dest = self.dest_dir(job)
        dest.mkdir(parents=True, exist_ok=True)
        finals = []
        for part in job.parts:
            final = dest / os.path.basename(part.filename)
            os.replace(self._verified_path(job, part), final)
            finals.append(final)
        try:
            check_file(finals[0])
        except InvalidGGUF as e:
            for f in finals:
                f.unlink(missing_ok=True)
            raise BadInputError(f"{job.name} matches the Hub's checksum but is not a model Hearth "
                                f"can load ({e}); it was not added to the library") from None
        job.final_path = str(finals[0])


def _mb(n: int) -> str:
    from engine.library import human_size

    return human_size(n)
