"""``NAME:MODEL_ID`` -> a remote model, and the right engine client for any model.

A model reference is remote when the part before the first ``:`` names a
known endpoint (endpoint names have 2+ characters, so ``C:\\models\\x.gguf``
stays a path). Resolving contacts nothing; the policy is checked here and
again when the model is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import BadInputError
from engine.remote.endpoints import NAME_RE, Endpoint, EndpointRegistry


@dataclass
class RemoteModel:
    """A model on a remote endpoint; quacks like a library entry where the commands need it."""

    endpoint: Endpoint
    model_id: str
    policy: object = None     # checked again when the model is used

    is_remote = True
    is_base_model = False
    ok = True
    error = None

    @property
    def name(self) -> str:
        return f"{self.endpoint.name}:{self.model_id}"

    @property
    def path(self) -> str:   # what commands print and store as the model ("NAME:MODEL_ID")
        return self.name

    @property
    def host(self) -> str:
        return self.endpoint.host_label

    def describe(self) -> dict:
        return {"endpoint": self.endpoint.name, "host": self.host}

    def client(self, *, policy=None, on_notice=None):
        from engine.remote.client import RemoteClient

        return RemoteClient(self.endpoint, self.model_id, policy=policy or self.policy, on_notice=on_notice)


def split_ref(text: str | None) -> tuple[str, str] | None:
    """("NAME", "MODEL_ID") when ``text`` looks like a remote reference, else None."""
    if not text or ":" not in text:
        return None
    name, model_id = text.split(":", 1)
    if not NAME_RE.match(name) or not model_id or model_id.startswith(("/", "\\")):
        return None
    return name, model_id


def resolve_remote(config, text: str | None) -> RemoteModel | None:
    """The remote model ``text`` names, or None when it is not a remote reference.

    BadInputError when the endpoint is known but the policy forbids it."""
    parts = split_ref(text)
    if parts is None:
        return None
    reg = EndpointRegistry(config)
    ep = reg.find(parts[0])
    if ep is None:
        return None
    reg.check_allowed(ep)
    return RemoteModel(ep, parts[1], config.policy)


def is_remote_ref(config, text: str | None) -> bool:
    try:
        return resolve_remote(config, text) is not None
    except BadInputError:
        return True   # a remote model the policy forbids: still a model reference (it fails on use)


def make_client(entry, *, config=None, log_dir=None, lower_priority: bool = False, on_notice=None):
    """The engine client for a library entry, a ``RemoteModel`` or a ModelSpec with ``remote`` set."""
    remote = entry if isinstance(entry, RemoteModel) else getattr(entry, "remote", None)
    if remote is not None:
        return remote.client(policy=config.policy if config is not None else None, on_notice=on_notice)
    from engine.host.client import EngineClient

    return EngineClient(log_dir=log_dir, lower_priority=lower_priority,
                        cache_dir=config.paths.cache_dir if config is not None else None, on_notice=on_notice)


def picker_entries(config) -> list[dict]:
    """Remote models for the app's pickers, from what each endpoint listed last (contacts nothing):
    ``{"ref": "NAME:MODEL_ID", "endpoint", "model", "host"}``."""
    from engine.remote.endpoints import remembered_models

    return [{"ref": f"{ep.name}:{mid}", "endpoint": ep.name, "model": mid, "host": ep.host_label}
            for ep, mid in remembered_models(config)]
