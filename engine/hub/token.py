"""The Hugging Face token: kept in the OS keyring, never in a file, never logged.

Lookup order: the keyring, then ``HF_TOKEN`` from the environment, then a
session-only token held in memory (for machines without a keyring backend).
The token is always handed to huggingface-hub explicitly (``token=...``) so
it never falls back to a plaintext token file in ``~/.cache/huggingface``.
"""

from __future__ import annotations

import os
import threading

from engine.errors import BadInputError, EngineError

KEYRING_SERVICE = "Hearth"
KEYRING_USER = "huggingface-token"

_session_lock = threading.Lock()
_session_token: str | None = None


def _keyring():
    import keyring

    return keyring


def keyring_backend() -> tuple[bool, str]:
    """(usable, description) of the OS keyring backend."""
    try:
        kr = _keyring()
        backend = kr.get_keyring()
    except Exception as e:  # broken D-Bus, missing module...
        return False, f"the keyring could not be opened ({type(e).__name__})"
    from keyring.backends import fail

    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring):
        return False, "no system keyring backend is available"
    # A chainer with no usable members behaves like the fail backend.
    backends = getattr(backend, "backends", None)
    if backends is not None and not backends:
        return False, "no system keyring backend is available"
    return True, name


def _no_keyring_message(reason: str) -> str:
    return (f"{reason}, so Hearth cannot store the token safely (it never writes it to a file). "
            "For this session only, set the HF_TOKEN environment variable, "
            "or use a session-only token in the app.")


def set_token(token: str) -> None:
    """Store the token in the OS keyring (BadInputError when there is none)."""
    token = (token or "").strip()
    if not token:
        raise BadInputError("the token is empty")
    if any(c.isspace() for c in token) or len(token) > 1000:
        raise BadInputError("that does not look like a Hugging Face token")
    ok, reason = keyring_backend()
    if not ok:
        raise BadInputError(_no_keyring_message(reason))
    kr = _keyring()
    try:
        kr.set_password(KEYRING_SERVICE, KEYRING_USER, token)
    except Exception as e:
        # The exception text could echo the secret in some backends: name the type only.
        raise BadInputError(_no_keyring_message(
            f"the keyring refused to store the token ({type(e).__name__})")) from None


def clear_token() -> bool:
    """Remove the stored and the session token; True if something was removed.

    Raises EngineError when the keyring holds a token but refuses to delete
    it (a locked keyring, a backend without delete, a denied access): the
    user must not believe it is gone.
    """
    global _session_token
    removed = False
    with _session_lock:
        if _session_token:
            _session_token, removed = None, True
    ok, _ = keyring_backend()
    if not ok:
        return removed
    kr = _keyring()
    from keyring.errors import PasswordDeleteError

    try:
        stored = kr.get_password(KEYRING_SERVICE, KEYRING_USER) is not None
    except Exception:
        stored = None   # unknown: try to delete all the same
    if stored is False:
        return removed
    try:
        kr.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except PasswordDeleteError as e:
        # What backends raise when nothing is stored; with a token there, it is a refusal.
        if stored:
            raise EngineError(_refused(e)) from None
        return removed
    except Exception as e:
        raise EngineError(_refused(e)) from None
    try:
        still = kr.get_password(KEYRING_SERVICE, KEYRING_USER) is not None
    except Exception:
        still = False
    if still:
        raise EngineError("the keyring refused to delete the token: it reported success, "
                          "but the token is still stored")
    return True


def _refused(e: Exception) -> str:
    # delete_password is never given the secret, so its message cannot echo it.
    detail = " ".join(str(e).split())[:200]
    return f"the keyring refused to delete the token: {type(e).__name__}{': ' + detail if detail else ''}"


def set_session_token(token: str | None) -> None:
    """A token that lives only in this process (no keyring available)."""
    global _session_token
    with _session_lock:
        _session_token = (token or "").strip() or None


def _from_keyring() -> str | None:
    ok, _ = keyring_backend()
    if not ok:
        return None
    try:
        return _keyring().get_password(KEYRING_SERVICE, KEYRING_USER) or None
    except Exception:
        return None


def get_token() -> str | None:
    """The token to send, or None (anonymous)."""
    return _from_keyring() or os.environ.get("HF_TOKEN") or _session_token or None


def token_status() -> dict:
    """Where the token comes from; never the token itself."""
    ok, backend = keyring_backend()
    source = None
    if _from_keyring():
        source = "keyring"
    elif os.environ.get("HF_TOKEN"):
        source = "environment"
    elif _session_token:
        source = "session"
    status = {"token_set": source is not None, "source": source,
              "keyring_available": ok, "keyring_backend": backend if ok else None}
    if not ok:
        status["note"] = _no_keyring_message(backend)
    return status
