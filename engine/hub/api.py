"""Browsing the Hugging Face Hub: search, repository details, GGUF files with fit.

huggingface-hub reads ``HF_ENDPOINT`` once, at import time, into its
constants; so the endpoint is resolved here on every call (policy first, then
the environment, then huggingface.co) and passed explicitly to ``HfApi`` and
``hf_hub_url``. The token is passed explicitly too (``False`` when there is
none) so huggingface-hub never picks up a plaintext token file.

Privacy: nothing here runs unless the user asked for something online (a
search, a file list, a download, "Check on Hugging Face"). ``require_allowed``
refuses before any connection when the policy is offline or invalid, when
``HF_HUB_OFFLINE`` is set, when the administrator switched the feature off,
or (``require_repo_allowed``) when a repository is not on the allow-list.
huggingface-hub's telemetry is switched off for the whole process.
"""

from __future__ import annotations

import contextlib
import json
import os

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")   # before huggingface_hub is imported anywhere
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from engine.errors import BadInputError, EngineError
from engine.gguf_check import GGUFInfo, HeaderIncomplete, InvalidGGUF, parse_gguf
from engine.hardware import HardwareInfo
from engine.hub.fit import FitEstimate, estimate_fit, pick_best
from engine.hub.quant import RemoteModel, RemotePart, group_gguf_files, quant_rank
from engine.hub import token as _token

DEFAULT_ENDPOINT = "https://huggingface.co"
SORTS = {"downloads": "downloads", "likes": "likes", "updated": "last_modified"}
HEADER_FIRST_READ = 512 << 10     # most headers (without huge vocabularies) fit here
HEADER_MAX_READ = 16 << 20        # a 256k-token vocabulary header is ~6 MB
TIMEOUT = (15.0, 60.0)            # connect, read
GATED_HINT = ("accept the licence on the model page ({url}) while signed in, then give Hearth "
              "an access token: python main.py token set")
CURATED_RESOURCE = "curated_models.json"   # in resources/, found by engine.resources


def hub_endpoint(policy=None) -> str:
    """The policy's endpoint, else HF_ENDPOINT (read now, not at import), else huggingface.co."""
    ep = (policy.hf_endpoint if policy is not None else None) or os.environ.get("HF_ENDPOINT") \
        or DEFAULT_ENDPOINT
    return ep.rstrip("/")


def online_block(policy) -> str | None:
    """Why nothing may go online now (offline policy, invalid policy, HF_HUB_OFFLINE), or None."""
    if policy is None:
        from engine.config import Policy

        policy = Policy()
    return policy.online_block()


def require_allowed(policy, feature: str) -> None:
    """Refuse an online action before any connection, in one sentence (CLI exit 2, GUI banner)."""
    block = online_block(policy)
    if block:
        raise BadInputError(block)
    if policy is not None and not policy.allows(feature):
        what = {"hub": "browsing the Hugging Face Hub", "downloads": "downloading models"}[feature]
        raise BadInputError(f"{what} is switched off by your administrator's policy")


def require_repo_allowed(policy, repo_id: str) -> None:
    refusal = policy.repo_refusal(repo_id) if policy is not None else None
    if refusal:
        raise BadInputError(refusal)


def validate_repo_id(repo_id: str) -> str:
    import re

    repo_id = (repo_id or "").strip().strip("/")
    if not re.fullmatch(r"[\w.\-]{1,96}/[\w.\-]{1,96}", repo_id) or ".." in repo_id:
        raise BadInputError(f"{repo_id!r} is not a Hub repository id (expected owner/name)")
    return repo_id


def new_session():
    """A requests session: proxies from the environment, TLS verification always on."""
    import requests

    s = requests.Session()
    s.trust_env = True     # HTTP(S)_PROXY / NO_PROXY
    s.verify = True
    return s


def http_headers(token: str | None) -> dict:
    from huggingface_hub.utils import build_hf_headers

    from engine import __version__

    return build_hf_headers(token=token or False, library_name="hearth", library_version=__version__)


def check_reachable(endpoint: str, timeout: float = 5.0) -> None:
    """Fail in one sentence, at once, when the Hub's host does not accept connections.

    huggingface-hub retries network errors five times with backoff (about 23 s
    before it gives up on a refused connection or an unknown host), which leaves
    a user staring at a search that cannot work. One TCP connect decides it
    first. Behind a proxy the direct connect proves nothing, so it is skipped.
    """
    import socket
    import urllib.parse
    import urllib.request

    u = urllib.parse.urlsplit(endpoint)
    host = u.hostname
    if not host:
        raise BadInputError(f"the Hub endpoint {endpoint!r} is not a URL")
    port = u.port or (443 if u.scheme == "https" else 80)
    proxies = urllib.request.getproxies()
    if proxies.get(u.scheme) or proxies.get("all"):
        if not urllib.request.proxy_bypass(host):
            return
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except socket.gaierror:
        raise EngineError(f"cannot reach the Hub at {endpoint}: the name {host} cannot be resolved "
                          "(no network, or a DNS problem)") from None
    except ConnectionRefusedError:
        raise EngineError(f"cannot reach the Hub at {endpoint}: the connection was refused") from None
    except (socket.timeout, TimeoutError):
        raise EngineError(f"cannot reach the Hub at {endpoint}: no answer within {timeout:g} s") from None
    except OSError as e:
        raise EngineError(f"cannot reach the Hub at {endpoint}: {e.strerror or e}") from None


@contextlib.contextmanager
def hub_errors(endpoint: str, repo_id: str | None = None):
    """huggingface-hub and network exceptions -> one sentence the user can act on."""
    from huggingface_hub import errors as hfe

    page = f"{endpoint}/{repo_id}" if repo_id else endpoint
    try:
        yield
    except hfe.GatedRepoError:
        raise BadInputError(f"{repo_id} is gated: " + GATED_HINT.format(url=page)) from None
    except hfe.RepositoryNotFoundError:
        raise BadInputError(f"no repository {repo_id} on the Hub (or it is private and your token "
                            "cannot see it)") from None
    except hfe.RevisionNotFoundError:
        raise BadInputError(f"that revision of {repo_id} does not exist") from None
    except hfe.OfflineModeIsEnabled:
        raise BadInputError("the Hub cannot be reached: HF_HUB_OFFLINE is set") from None
    except hfe.HfHubHTTPError as e:
        status = e.response.status_code if getattr(e, "response", None) is not None else None
        if status in (401, 403):
            raise BadInputError(f"the Hub refused access to {repo_id or 'the request'}: "
                                + GATED_HINT.format(url=page)) from None
        raise EngineError(f"the Hub answered with an error ({status}); try again later") from None
    except (OSError, ValueError) as e:
        # httpx2 / requests transport errors are OSError subclasses or carry the cause.
        raise EngineError(f"cannot reach the Hub at {endpoint}: {type(e).__name__}: {e}") from None
    except Exception as e:
        if type(e).__module__.split(".")[0] in ("httpx2", "httpx", "httpcore2", "httpcore",
                                                "requests", "urllib3"):
            raise EngineError(f"cannot reach the Hub at {endpoint}: {type(e).__name__}") from None
        raise


@dataclass
class RepoSummary:
    """One search result."""

    repo_id: str
    author: str | None
    downloads: int | None
    likes: int | None
    last_modified: str | None
    license: str | None
    tags: list[str]
    gated: bool | str
    pipeline_tag: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _license(tags, card_data) -> str | None:
    if card_data is not None:
        lic = card_data.get("license") if hasattr(card_data, "get") else None
        if lic:
            return lic if isinstance(lic, str) else ", ".join(map(str, lic))
    for t in tags or []:
        if t.startswith("license:"):
            return t.split(":", 1)[1]
    return None


def _iso(dt) -> str | None:
    return dt.isoformat() if isinstance(dt, datetime) else (str(dt) if dt else None)


def _summary(mi) -> RepoSummary:
    return RepoSummary(repo_id=mi.id, author=mi.author or mi.id.split("/")[0], downloads=mi.downloads,
                       likes=mi.likes, last_modified=_iso(mi.last_modified),
                       license=_license(mi.tags, getattr(mi, "card_data", None)),
                       tags=list(mi.tags or []), gated=mi.gated or False, pipeline_tag=mi.pipeline_tag)


@dataclass
class FileEntry:
    """A downloadable model in a repository with its fit on this machine."""

    model: RemoteModel
    header: GGUFInfo | None = None
    header_error: str | None = None
    fit: FitEstimate | None = None

    def to_dict(self) -> dict:
        d = self.model.to_dict()
        h = self.header
        if h is not None:
            d["quant"] = self.model.quant
            d["header"] = {k: getattr(h, k) for k in (
                "architecture", "name", "parameters", "quantization", "context_length",
                "block_count", "has_chat_template", "header_size")}
        d["header_error"] = self.header_error
        d["fit"] = self.fit.to_dict() if self.fit else None
        d["best"] = bool(self.fit and self.fit.best)
        return d


@dataclass
class RepoFiles:
    """A repository's details and GGUF files, best file for this machine flagged."""

    repo: RepoSummary
    revision: str | None                      # the commit the files were listed at
    files: list[FileEntry] = field(default_factory=list)
    card: str | None = None

    @property
    def best(self) -> FileEntry | None:
        return next((f for f in self.files if f.fit and f.fit.best), None)

    def find(self, name: str | None = None, quant: str | None = None) -> FileEntry:
        models = [f for f in self.files if f.model.kind == "model"] or self.files
        if name:
            for f in self.files:
                if name in (f.model.name, *(p.filename for p in f.model.parts)):
                    return f
            raise BadInputError(f"{self.repo.repo_id} has no GGUF file {name!r}; "
                                f"it has: {', '.join(f.model.name for f in self.files) or 'none'}")
        if quant:
            hits = [f for f in models if (f.model.quant or "").upper() == quant.upper()]
            if not hits:
                have = sorted({f.model.quant for f in models if f.model.quant}, key=quant_rank)
                raise BadInputError(f"{self.repo.repo_id} has no {quant} file; "
                                    f"quantizations available: {', '.join(have) or 'none'}")
            return min(hits, key=lambda f: len(f.model.name))
        if not models:
            raise BadInputError(f"{self.repo.repo_id} has no GGUF files")
        best = self.best
        if best is None and len(models) > 1:
            raise BadInputError(f"{self.repo.repo_id} has several GGUF files; name one or pass --quant")
        return best or models[0]

    def to_dict(self) -> dict:
        return {"repo": self.repo.to_dict(), "revision": self.revision,
                "files": [f.to_dict() for f in self.files],
                "best": self.best.model.name if self.best else None}


class HubClient:
    """Hub access with Hearth's endpoint, token and policy applied."""

    def __init__(self, config=None, *, endpoint: str | None = None, token: str | None | bool = None,
                 session=None):
        self.policy = config.policy if config is not None else None
        require_allowed(self.policy, "hub")
        self.endpoint = (endpoint or hub_endpoint(self.policy)).rstrip("/")
        self.token = (token or None) if token is not None else _token.get_token()
        self._session = session
        self._reached_at = float("-inf")

    def _reachable(self) -> None:
        """check_reachable once per client every 30 s (a search then a file list probe once)."""
        import time

        now = time.monotonic()
        if now - self._reached_at > 30.0:
            check_reachable(self.endpoint)
            self._reached_at = now

    @property
    def session(self):
        if self._session is None:
            self._session = new_session()
        return self._session

    def api(self):
        from huggingface_hub import HfApi

        return HfApi(endpoint=self.endpoint, token=self.token or False, library_name="hearth")

    # ---- browse ---------------------------------------------------------------
    def search(self, query: str = "", *, sort: str = "downloads", limit: int = 20) -> list[RepoSummary]:
        if sort not in SORTS:
            raise BadInputError(f"sort must be one of {', '.join(SORTS)}")
        if not 1 <= limit <= 1000:
            raise BadInputError("limit must be between 1 and 1000")
        allow_list = self.policy is not None and self.policy.allow_repos is not None
        self._reachable()
        with hub_errors(self.endpoint):
            it = self.api().list_models(
                search=query or None, filter="gguf", sort=SORTS[sort],
                # An allow-list hides most results: ask for more so the page is not empty.
                limit=min(1000, limit * 10) if allow_list else limit,
                expand=["author", "downloads", "likes", "lastModified", "tags", "gated",
                        "pipeline_tag", "cardData"])
            out = [_summary(mi) for mi in it]
        if allow_list:
            out = [r for r in out if self.policy.repo_allowed(r.repo_id)]
        return out[:limit]

    def model_card(self, repo_id: str, revision: str | None = None) -> str | None:
        """README.md text, or None when the repository has none."""
        from huggingface_hub import hf_hub_url

        require_repo_allowed(self.policy, repo_id)
        url = hf_hub_url(repo_id, "README.md", revision=revision, endpoint=self.endpoint)
        self._reachable()
        with hub_errors(self.endpoint, repo_id):
            r = self.session.get(url, headers=http_headers(self.token), timeout=TIMEOUT)
            if r.status_code != 200:
                return None
            return r.content[:1 << 20].decode("utf-8", errors="replace")

    def _model_info(self, repo_id: str, revision: str | None):
        require_repo_allowed(self.policy, repo_id)
        self._reachable()
        with hub_errors(self.endpoint, repo_id):
            return self.api().model_info(repo_id, revision=revision, files_metadata=True)

    def read_header(self, repo_id: str, part: RemotePart, revision: str | None = None) -> GGUFInfo:
        """Parse a remote GGUF header from HTTP Range reads (a few MB at most)."""
        from huggingface_hub import hf_hub_url

        require_repo_allowed(self.policy, repo_id)
        url = hf_hub_url(repo_id, part.filename, revision=revision, endpoint=self.endpoint)
        buf = bytearray()
        want = HEADER_FIRST_READ
        size = part.size
        while True:
            if size is not None:
                want = min(want, size)
            if want > len(buf):
                buf += self._read_range(url, len(buf), want, repo_id)
            try:
                return parse_gguf(memoryview(buf), size if size is not None else max(len(buf), want * 2),
                                  check_data=False, path=part.filename)
            except HeaderIncomplete as e:
                if e.needed > HEADER_MAX_READ:
                    raise InvalidGGUF(f"the header of {part.filename} is larger than "
                                      f"{HEADER_MAX_READ >> 20} MB; not read") from None
                want = min(max(e.needed + (64 << 10), len(buf) * 2), HEADER_MAX_READ)

    def _read_range(self, url: str, start: int, end: int, repo_id: str) -> bytes:
        """Bytes [start, end); a server ignoring Range is read only up to ``end``."""
        headers = http_headers(self.token)
        headers["Range"] = f"bytes={start}-{end - 1}"
        with hub_errors(self.endpoint, repo_id):
            with self.session.get(url, headers=headers, timeout=TIMEOUT, stream=True) as r:
                if r.status_code in (401, 403):
                    raise BadInputError(f"{repo_id} is gated: " + GATED_HINT.format(
                        url=f"{self.endpoint}/{repo_id}"))
                if r.status_code not in (200, 206):
                    raise EngineError(f"reading the header failed: HTTP {r.status_code}")
                skip = start if r.status_code == 200 else 0
                out = bytearray()
                for chunk in r.iter_content(64 << 10):
                    out += chunk
                    if len(out) >= skip + (end - start):
                        break
                return bytes(out[skip:skip + (end - start)])

    def repo_files(self, repo_id: str, *, revision: str | None = None,
                   hardware: HardwareInfo | None = None, n_ctx: int | None = None,
                   read_headers: bool = True, with_card: bool = False) -> RepoFiles:
        """The repository's GGUF models with size, quant and a fit estimate each."""
        repo_id = validate_repo_id(repo_id)
        mi = self._model_info(repo_id, revision)
        parts = [RemotePart(s.rfilename, s.size if s.size is not None else (s.lfs.size if s.lfs else None),
                            s.lfs.sha256 if s.lfs else None) for s in (mi.siblings or [])]
        out = RepoFiles(repo=_summary(mi), revision=mi.sha or revision)
        for model in group_gguf_files(parts):
            entry = FileEntry(model)
            if read_headers and model.kind == "model":
                try:
                    entry.header = self.read_header(repo_id, model.first, out.revision)
                    # The file name is more specific (Q4_K_L, Q4_K_XL share file_type Q4_K_M).
                    model.quant = model.quant or entry.header.quantization
                except (InvalidGGUF, EngineError) as e:
                    entry.header_error = str(e)
            out.files.append(entry)
        if hardware is not None:
            fits = []
            for entry in out.files:
                entry.fit = estimate_fit(entry.model.size or 0, entry.header, hardware, n_ctx)
                fits.append((entry.model, entry.fit))
            best = pick_best(fits)
            if best is not None:
                out.files[best].fit.best = True
        if with_card:
            out.card = self.model_card(repo_id, out.revision)
        return out


# ---- curated first-run list ------------------------------------------------------

@dataclass
class CuratedModel:
    repo_id: str
    name: str
    description: str
    quant: str
    params: str | None = None
    licence: str | None = None
    gated: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def load_curated(path: Path | None = None) -> list[CuratedModel]:
    try:
        if path is None:
            from engine.resources import resource_path

            path = resource_path(CURATED_RESOURCE)
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise EngineError(f"the curated model list cannot be read: {e}") from None
    fields = set(CuratedModel.__dataclass_fields__)
    return [CuratedModel(**{k: v for k, v in m.items() if k in fields}) for m in raw.get("models", [])]


def curated_with_fit(client: HubClient, hardware: HardwareInfo, *, n_ctx: int | None = None,
                     path: Path | None = None) -> list[dict]:
    """Each curated model with its recommended file and fit here; errors kept per entry."""
    out = []
    for c in load_curated(path):
        row = {"curated": c.to_dict(), "file": None, "error": None}
        try:
            files = client.repo_files(c.repo_id, hardware=hardware, n_ctx=n_ctx)
            entry = files.find(quant=c.quant)
            row["file"] = entry.to_dict()
            row["best_here"] = files.best.model.name if files.best else None
            row["revision"] = files.revision
        except (BadInputError, EngineError) as e:
            row["error"] = str(e)
        out.append(row)
    return out
