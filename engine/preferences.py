"""The user's preferences that the GUI's Preferences window and the CLI share (Qt-free).

They live in the same ``settings.json`` as everything else (``engine.config.Settings``);
these are the keys and the helpers that turn them into engine options:

- ``sampling``: default generation options (``temperature``, ``top_p``, ``top_k``, ``min_p``,
  ``repeat_penalty``, ``max_tokens``, ``seed``) — a new conversation starts from them, and
  ``python main.py chat`` uses them where a flag is absent;
- ``load``: default load options (``n_ctx``, ``gpu_layers``, ``n_threads``: 0 = automatic, the
  host's share of the core budget);
- ``debug_logging``: prompts and replies in the log file (``engine.logs.debug_enabled``);
- ``theme`` (``system`` | ``light`` | ``dark``), ``language`` (``system`` | ``en`` | ``ja``),
  ``font_size`` (points, 0 = the system's): the desktop app only;
- ``extra_model_dirs``: folders the user added to the library (``AppConfig.model_dirs``).

Settings the administrator locked (``Policy.is_locked``) are never taken from here: the
policy's value wins, and the GUI shows them disabled.
"""

from __future__ import annotations

from engine.host.protocol import LoadOptions, SamplingOptions

SAMPLING_KEYS = ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "max_tokens", "seed")
LOAD_KEYS = ("n_ctx", "gpu_layers", "n_threads")
THEMES = ("system", "light", "dark")
LANGUAGES = ("system", "en", "ja")
MIN_FONT, MAX_FONT = 7, 24


def _get(settings, key, default=None):
    if settings is None:
        return default
    try:
        return settings.get(key, default)
    except Exception:
        return default


def _number(value, like):
    """``value`` as the type of ``like`` (int or float), or None when it is not a finite number of that kind
    (a hand-edited settings.json must not reach llama.cpp as text)."""
    import math

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(like, int) and not isinstance(like, bool):
        return int(value) if float(value).is_integer() else None
    return float(value) if math.isfinite(value) else None


def default_sampling(settings, policy=None) -> SamplingOptions:
    """Engine defaults, then the user's defaults (``sampling``), then the policy's locked values.
    A saved value of the wrong kind is ignored (logged), never passed on."""
    s = SamplingOptions()
    saved = _get(settings, "sampling", {}) or {}
    if isinstance(saved, dict):
        for name in SAMPLING_KEYS:
            if name in saved and not (policy is not None and policy.is_locked(name)):
                value = saved[name]
                if name == "seed":
                    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                        _ignored(name, value)
                        continue
                else:
                    value = _number(value, getattr(s, name))
                    if value is None or value < 0:
                        _ignored(name, saved[name])
                        continue
                setattr(s, name, value)
    if policy is not None:
        policy.pin_sampling(s)
    return s


def _ignored(name: str, value) -> None:
    import logging

    logging.getLogger("engine.preferences").warning("settings.json: %s = %r is not usable; the default is used",
                                                    name, value)


def default_load(settings, policy=None) -> LoadOptions:
    """Engine defaults, then the user's defaults (``load``), then the policy's locked values.
    A saved value of the wrong kind is ignored (logged), never passed on."""
    from engine.host.protocol import parse_gpu_layers

    opts = LoadOptions()
    saved = _get(settings, "load", {}) or {}
    if isinstance(saved, dict):
        for name in LOAD_KEYS:
            if name in saved and saved[name] is not None:
                value = saved[name]
                if name == "gpu_layers":
                    try:
                        value = parse_gpu_layers(value)
                    except (TypeError, ValueError):
                        value = None
                else:
                    value = _number(value, 0)
                    if value is not None and value < 0:
                        value = None
                if value is None:
                    _ignored(name, saved[name])
                    continue
                setattr(opts, name, value)
    if policy is not None:
        for name, value in policy.pin_load({"n_ctx": opts.n_ctx, "gpu_layers": opts.gpu_layers}).items():
            setattr(opts, name, value)
    return opts


def threads(settings) -> int:
    """The CPU threads setting: 0 = automatic (the host's share of the core budget)."""
    try:
        return max(0, int((_get(settings, "load", {}) or {}).get("n_threads") or 0))
    except (TypeError, ValueError, AttributeError):
        return 0


# ---- stored data: what clearing would delete -----------------------------------------------

def stored_counts(store) -> dict:
    """How much is stored, for the confirmations: chats (and their messages), summaries,
    comparisons and question-set runs (votes are counted too; clearing keeps them)."""
    with store._guard() as c:
        one = lambda sql: int(c.execute(sql).fetchone()[0])   # noqa: E731
        return {"chats": one("SELECT COUNT(*) FROM conversations"),
                "messages": one("SELECT COUNT(*) FROM messages"),
                "summaries": one("SELECT COUNT(*) FROM summaries"),
                "comparisons": one("SELECT COUNT(*) FROM comparisons"),
                "eval_runs": one("SELECT COUNT(*) FROM eval_runs"),
                "votes": one("SELECT COUNT(*) FROM votes")}


def clear_chats(store) -> int:
    """Delete every conversation and its messages (presets are kept); returns how many chats."""
    with store._tx() as c:
        return c.execute("DELETE FROM conversations").rowcount


def clear_summaries(store) -> int:
    """Delete every stored summary and its parts; returns how many."""
    with store._tx() as c:
        return c.execute("DELETE FROM summaries").rowcount


def clear_comparisons(store) -> int:
    """Delete every side-by-side comparison and question-set run (votes and so the leaderboard
    are kept; their link to the comparison is cleared); returns how many were deleted."""
    with store._tx() as c:
        n = c.execute("DELETE FROM comparisons").rowcount
        return n + c.execute("DELETE FROM eval_runs").rowcount
