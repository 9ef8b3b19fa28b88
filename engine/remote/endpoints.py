"""Remote endpoints: company inference servers speaking the OpenAI-compatible API.

An endpoint (``engine.endpoint_spec.Endpoint``) is a name, a base URL
(``https://llm.intra.example/v1``), TLS verification (on by default; a custom
CA bundle allowed) and an optional API key. The user's endpoints are kept in
the settings file (``settings.json``, key ``"endpoints"``), without the key:
the key lives only in the OS keyring (``engine.remote.keys``: service
``Hearth``, user ``endpoint:NAME``), like the Hugging Face token.
The administrator's policy can add endpoints (``"endpoints"``), allow-list
hosts (``"allow_remote_hosts"``) or forbid remote endpoints entirely
(``"remote_endpoints": false``).

Nothing here opens a connection: listing, adding and removing endpoints is
local; only ``engine.remote.client`` talks to a server, when a remote model is
used or an endpoint is tested.
"""

from __future__ import annotations

from pathlib import Path

from engine.endpoint_spec import (NAME_RE, Endpoint, check_name, check_policy_endpoint, check_url,  # noqa: F401
                                  insecure_key_problem, key_travels_in_clear)
from engine.errors import BadInputError
from engine.remote.keys import KEYRING_SERVICE, delete_api_key, get_api_key, keyring_user, set_api_key  # noqa: F401

SETTINGS_KEY = "endpoints"
MODELS_KEY = "endpoint_models"    # endpoint name -> the model ids it listed last (pickers show them, no contact)


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
            out.append(Endpoint(e["name"], e["url"], bool(e.get("verify", True)), e.get("ca_bundle"), "user",
                                allow_insecure_key=e.get("allow_insecure_key") is True))
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
            api_key: str | None = None, allow_insecure_key: bool = False) -> Endpoint:
        """Add or replace a user endpoint. An API key (given now, or kept from the endpoint it replaces) is
        refused for a plain http:// URL to another computer unless ``allow_insecure_key``."""
        name, url = check_name(name), check_url(url)
        ep = Endpoint(name, url, verify, None, "user",
                      allow_insecure_key=bool(allow_insecure_key) and key_travels_in_clear(url))
        self.check_allowed(ep)
        if ep.key_in_clear and not ep.allow_insecure_key and (api_key is not None or get_api_key(name) is not None):
            raise BadInputError(insecure_key_problem(ep))
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
