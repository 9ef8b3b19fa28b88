"""Remote endpoints: company inference servers speaking the OpenAI-compatible API.

An endpoint is a name, a base URL (``https://llm.intra.example/v1``), TLS
verification (on by default; a custom CA bundle allowed) and an optional API
key. The user's endpoints are kept in the settings file (``settings.json``,
key ``"endpoints"``), without the key: the key lives only in the OS keyring
(service ``Hearth``, user ``endpoint:NAME``), like the Hugging Face token.
The administrator's policy can add endpoints (``"endpoints"``), allow-list
hosts (``"allow_remote_hosts"``) or forbid remote endpoints entirely
(``"remote_endpoints": false``).

Nothing here opens a connection: listing, adding and removing endpoints is
local; only ``engine.remote.client`` talks to a server, when a remote model is
used or an endpoint is tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from engine.errors import BadInputError, EngineError

SETTINGS_KEY = "endpoints"
MODELS_KEY = "endpoint_models"    # endpoint name -> the model ids it listed last (pickers show them, no contact)
KEYRING_SERVICE = "Hearth"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")   # 2+ characters: "C:" stays a Windows path


def keyring_user(name: str) -> str:
    return f"endpoint:{name.lower()}"


@dataclass
class Endpoint:
    name: str
    url: str                       # base URL, ending in /v1 for most servers, no trailing slash
    verify: bool = True            # TLS certificate verification
    ca_bundle: str | None = None   # a CA bundle file for a company certificate authority
    source: str = "user"           # "user" | "policy"

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int | None:
        try:
            return urlsplit(self.url).port
        except ValueError:
            return None

    @property
    def host_label(self) -> str:
        """The host as shown to the user ("llm.intra.example", with the port when not the default)."""
        parts = urlsplit(self.url)
        return parts.netloc.rsplit("@", 1)[-1] or self.host

    def tls_verify(self) -> bool | str:
        """``requests``' ``verify``: False, True or the CA bundle's path."""
        if not self.verify:
            return False
        return self.ca_bundle or True

    def to_dict(self) -> dict:
        return {"name": self.name, "url": self.url, "verify": self.verify, "ca_bundle": self.ca_bundle}


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise BadInputError(f"{name!r} is not a usable endpoint name: use 2 to 40 letters, digits, '.', '_' "
                            "or '-', starting with a letter or digit")
    return name


def check_url(url: str) -> str:
    """A normalised base URL, or BadInputError."""
    url = (url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInputError(f"{url!r} is not an http:// or https:// URL (for example https://llm.intra.example/v1)")
    if parts.username or parts.password:
        raise BadInputError("put the API key in the keyring (--api-key-stdin), not in the URL")
    if parts.query or parts.fragment:
        raise BadInputError("the endpoint URL must not have a query (?...) or fragment (#...)")
    try:
        parts.port
    except ValueError:
        raise BadInputError(f"{url!r} has an invalid port") from None
    return url


def check_policy_endpoint(e, policy) -> str | None:
    """What is wrong with one of the policy's ``endpoints`` entries (for config's line-numbered errors)."""
    if not isinstance(e, dict) or not isinstance(e.get("name"), str) or not isinstance(e.get("url"), str):
        return '"endpoints" entries must be objects with a "name" and a "url" (strings)'
    unknown = set(e) - {"name", "url", "verify", "ca_bundle"}
    if unknown:
        return f'"endpoints" entry {e["name"]!r} has unknown keys ({", ".join(sorted(unknown))})'
    try:
        check_name(e["name"])
        url = check_url(e["url"])
    except BadInputError as err:
        return f'"endpoints" entry {e.get("name")!r}: {err}'
    if not isinstance(e.get("verify", True), bool):
        return f'"endpoints" entry {e["name"]!r}: "verify" must be true or false'
    if e.get("ca_bundle") is not None and not isinstance(e["ca_bundle"], str):
        return f'"endpoints" entry {e["name"]!r}: "ca_bundle" must be a file path (a string)'
    parts = urlsplit(url)
    if not policy.remote_host_allowed(parts.hostname, parts.port):
        return f'"endpoints" entry {e["name"]!r}: {parts.hostname} is not in "allow_remote_hosts"'
    return None


# ---- the API key (keyring only) ----------------------------------------------------------------

def _keyring():
    import keyring

    return keyring


def set_api_key(name: str, key: str) -> None:
    from engine.hub.token import keyring_backend

    key = (key or "").strip()
    if not key:
        raise BadInputError("the API key is empty")
    if any(c.isspace() for c in key) or len(key) > 4000:
        raise BadInputError("that does not look like an API key (it has spaces or is very long)")
    ok, reason = keyring_backend()
    if not ok:
        raise BadInputError(f"{reason}, so Hearth cannot store the API key safely (it never writes it to a file)")
    try:
        _keyring().set_password(KEYRING_SERVICE, keyring_user(name), key)
    except Exception as e:   # the message could echo the secret: the type only
        raise BadInputError(f"the keyring refused to store the API key ({type(e).__name__})") from None


def get_api_key(name: str) -> str | None:
    from engine.hub.token import keyring_backend

    ok, _ = keyring_backend()
    if not ok:
        return None
    try:
        return _keyring().get_password(KEYRING_SERVICE, keyring_user(name)) or None
    except Exception:
        return None


def delete_api_key(name: str) -> bool:
    """Remove the stored key; True if one was there. EngineError if the keyring keeps it."""
    if get_api_key(name) is None:
        return False
    try:
        _keyring().delete_password(KEYRING_SERVICE, keyring_user(name))
    except Exception as e:
        raise EngineError(f"the keyring refused to delete the API key of {name} ({type(e).__name__})") from None
    if get_api_key(name) is not None:
        raise EngineError(f"the keyring refused to delete the API key of {name}: it is still stored")
    return True


# ---- the registry ---------------------------------------------------------------------------------

class EndpointRegistry:
    """The endpoints this user may use: the administrator's, then the user's own."""

    def __init__(self, config):
        self.config = config

    @property
    def policy(self):
        return self.config.policy

    def _user_raw(self) -> list[dict]:
        raw = self.config.settings.get(SETTINGS_KEY) or []
        return [e for e in raw if isinstance(e, dict) and isinstance(e.get("name"), str)
                and isinstance(e.get("url"), str)]

    def list(self) -> list[Endpoint]:
        out: list[Endpoint] = []
        seen: set[str] = set()
        for e in self.policy.endpoints:
            out.append(Endpoint(e["name"], e["url"], bool(e.get("verify", True)), e.get("ca_bundle"), "policy"))
            seen.add(e["name"].lower())
        for e in self._user_raw():
            if e["name"].lower() in seen:
                continue   # the administrator's endpoint of that name wins
            seen.add(e["name"].lower())
            out.append(Endpoint(e["name"], e["url"], bool(e.get("verify", True)), e.get("ca_bundle"), "user"))
        return out

    def find(self, name: str) -> Endpoint | None:
        n = (name or "").strip().lower()
        return next((e for e in self.list() if e.name.lower() == n), None)

    def get(self, name: str) -> Endpoint:
        ep = self.find(name)
        if ep is None:
            known = ", ".join(e.name for e in self.list()) or "none yet: add one with `endpoints add NAME URL`"
            raise BadInputError(f"there is no endpoint named {name!r} (known: {known})")
        return ep

    def check_allowed(self, ep: Endpoint) -> None:
        block = self.policy.remote_block(ep.host, ep.port)
        if block:
            raise BadInputError(block)

    def add(self, name: str, url: str, *, verify: bool = True, ca_bundle: str | None = None,
            api_key: str | None = None) -> Endpoint:
        name, url = check_name(name), check_url(url)
        ep = Endpoint(name, url, verify, None, "user")
        self.check_allowed(ep)
        existing = self.find(name)
        if existing is not None and existing.source == "policy":
            raise BadInputError(f"{name} is an endpoint set by your administrator; choose another name")
        if ca_bundle:
            p = Path(ca_bundle).expanduser()
            if not p.is_file():
                raise BadInputError(f"the CA bundle {ca_bundle} is not a file")
            ep.ca_bundle = str(p.resolve())
        if api_key is not None:
            set_api_key(name, api_key)      # the keyring first: no endpoint saved without its key
        raw = [e for e in self._user_raw() if e["name"].lower() != name.lower()]
        raw.append(ep.to_dict())
        self.config.settings.set(SETTINGS_KEY, raw)
        return ep

    def remove(self, name: str) -> Endpoint:
        ep = self.get(name)
        if ep.source == "policy":
            raise BadInputError(f"{ep.name} is set by your administrator and cannot be removed here")
        delete_api_key(ep.name)
        raw = [e for e in self._user_raw() if e["name"].lower() != ep.name.lower()]
        self.config.settings.set(SETTINGS_KEY, raw)
        seen = dict(self.config.settings.get(MODELS_KEY) or {})
        if seen.pop(ep.name.lower(), None) is not None:
            self.config.settings.set(MODELS_KEY, seen)
        return ep


# ---- models seen on each endpoint (for pickers, which must not contact a server) --------------------

def remember_models(config, name: str, model_ids: list[str]) -> None:
    seen = dict(config.settings.get(MODELS_KEY) or {})
    seen[name.lower()] = [str(m) for m in model_ids]
    config.settings.set(MODELS_KEY, seen)


def probe_endpoint(config, name: str, on_notice=None) -> tuple[Endpoint, list[str], float]:
    """What ``endpoints test NAME`` does (the CLI and Preferences → Servers): ask the server for its models
    (GET /models), remember them for the pickers; returns (endpoint, model ids, seconds the answer took)."""
    import time

    from engine.remote.client import RemoteAPI

    reg = EndpointRegistry(config)
    ep = reg.get(name)
    reg.check_allowed(ep)
    api = RemoteAPI(ep, on_notice=on_notice)
    try:
        t0 = time.perf_counter()
        models = api.models()
        seconds = time.perf_counter() - t0
    finally:
        api.close()
    ids = [m["id"] for m in models]
    remember_models(config, ep.name, ids)   # the app's model pickers offer them without asking again
    return ep, ids, seconds


def remembered_models(config) -> list[tuple[Endpoint, str]]:
    """(endpoint, model id) for the models each allowed endpoint listed when it was last tested or used."""
    reg = EndpointRegistry(config)
    seen = config.settings.get(MODELS_KEY) or {}
    out = []
    for ep in reg.list():
        if config.policy.remote_block(ep.host, ep.port):
            continue
        for mid in seen.get(ep.name.lower()) or []:
            out.append((ep, mid))
    return out
