"""What a remote endpoint is, checked without the network or the keyring.

An endpoint is a name, a base URL (``https://llm.intra.example/v1``), TLS
verification (on by default; a custom CA bundle allowed) and where it came
from (the user or the administrator's policy). ``engine.config`` checks the
policy's ``"endpoints"`` with these; ``engine.remote`` (the registry, the
keyring's API keys, the HTTP client) builds on them. Nothing here imports
``engine.remote``: the policy is read below it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from engine.errors import BadInputError

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")   # 2+ characters: "C:" stays a Windows path


@dataclass
class Endpoint:
    name: str
    url: str                       # base URL, ending in /v1 for most servers, no trailing slash
    verify: bool = True            # TLS certificate verification
    ca_bundle: str | None = None   # a CA bundle file for a company certificate authority
    source: str = "user"           # "user" | "policy"
    allow_insecure_key: bool = False   # the user allowed the API key over plain http:// to another computer

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

    @property
    def key_in_clear(self) -> bool:
        """Whether an API key sent to this endpoint would cross the network unencrypted."""
        return key_travels_in_clear(self.url)

    def to_dict(self) -> dict:
        return {"name": self.name, "url": self.url, "verify": self.verify, "ca_bundle": self.ca_bundle,
                "allow_insecure_key": self.allow_insecure_key}


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` is this computer (localhost, 127.x, ::1): traffic to it never leaves the machine."""
    h = (host or "").strip().strip("[]").rstrip(".").lower()
    if h == "localhost" or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def key_travels_in_clear(url: str) -> bool:
    """Whether a key sent to ``url`` would cross the network unencrypted: plain http:// to another computer."""
    parts = urlsplit(url or "")
    return parts.scheme.lower() == "http" and not is_loopback_host(parts.hostname)


def insecure_key_problem(ep: "Endpoint") -> str:
    """The sentence refusing to send ``ep``'s API key over plain http:// (the user did not allow it)."""
    return (f"the API key would be sent unencrypted to {ep.host_label}: its URL is http://, not https://; "
            "use an https:// URL, or allow the key over plain http:// if this network is trusted")


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
