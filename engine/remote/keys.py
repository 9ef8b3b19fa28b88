"""Endpoints' API keys: in the OS keyring only (service ``Hearth``, user ``endpoint:NAME``), never in a file,
like the Hugging Face token. ``engine.remote.client`` reads them; ``engine.remote.endpoints`` stores and
removes them with the endpoint."""

from __future__ import annotations

from engine.errors import BadInputError, EngineError

KEYRING_SERVICE = "Hearth"


def keyring_user(name: str) -> str:
    return f"endpoint:{name.lower()}"


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
