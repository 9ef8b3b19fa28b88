"""Where Hearth keeps things, user settings, and the administrator's policy.

Paths come from platformdirs (per-user app-data folders). One environment
variable exists for IT and tests:

- ``HEARTH_HOME``: put every folder (data, config, cache) under this one
  folder. Tests use it so they never touch the real profile; a portable
  install can use it too.

The administrator's policy is the machine-wide ``policy.json``, at a fixed
place per system whatever the environment says (``machine_policy_path``):
``/etc/xdg/Hearth/policy.json`` on Linux and other Unixes,
``%ProgramData%\\Hearth\\policy.json`` on Windows (the folder Windows itself
reports, not the variable) and ``/Library/Application Support/Hearth/policy.json``
on macOS. Tests move it by monkeypatching ``machine_policy_path``.

Policies the user's environment names are read too, but only ever add
restrictions on top of the machine's (``restrict``): ``HEARTH_POLICY`` (a
file that is not there is an error, so online is off) and ``policy.json`` in
``HEARTH_HOME``. How each key combines, the machine's (or the policy read
so far) first:

- ``offline``: true in any policy wins.
- ``disable`` (and ``downloads``/``hub``/``import``/``serve``/``remote``/
  ``remote_endpoints`` false): a feature switched off anywhere stays off.
- ``allow_repos``, ``allow_remote_hosts``: every allow-list must admit a
  repository or host (they intersect); an extra list only narrows.
- ``locked_settings``: a setting the machine locked (or hid) keeps the
  machine's value; an extra policy may lock further settings.
- ``hidden_settings``: the union (a hidden setting is locked at its default
  unless the machine locked it to a value).
- ``data_dir``, ``models_dir``, ``hub_endpoint``, ``default_model``: the
  machine's value wins; an extra policy's applies only where the machine
  set none (as the user's own setting, or ``HF_ENDPOINT``, could).
- ``extra_model_dirs``: the union (shared folders, like the user's own).
- ``endpoints``: the machine's, then an extra policy's whose name is not
  taken and whose host every ``allow_remote_hosts`` list admits.
- An invalid file, machine-wide or extra, switches everything online off
  and says which line is wrong; its valid keys still apply, as restrictions.

``doctor`` lists every policy file in force and where it came from
(``Policy.files``).

Policy keys (all optional; keys starting with "_" are comments)::

    {"models_dir": "...", "data_dir": "...",
     "extra_model_dirs": ["//fileserver/approved-models"],   # shared, may be read-only
     "offline": true,                       # nothing online at all (search, downloads)
     "downloads": false,                    # no downloads and no Hub browsing
     "disable": ["hub", "downloads", "import", "serve"],   # serve: the local API
     "allow_repos": ["google/*", "Qwen/Qwen3-*", "bartowski"],   # an author alone = author/*
     "hub_endpoint": "https://hf-mirror.example.internal",    # "hf_endpoint" is read too
     "default_model": "Qwen2.5-7B-Instruct-Q4_K_M",
     "locked_settings": {"temperature": 0.2, "n_ctx": 8192, "debug_logging": false},
     "hidden_settings": ["seed"],
     "remote_endpoints": true,              # false: no company inference servers at all
     "allow_remote_hosts": ["llm.intra.example", "*.corp.example"],   # host or host:port, * and ?
     "endpoints": [{"name": "company", "url": "https://llm.intra.example/v1",
                    "verify": true, "ca_bundle": "/etc/ssl/corp-ca.pem"}]}   # offered to every user

``locked_settings`` may also be a list of names (locked at their defaults).
An invalid file never stops Hearth: the valid keys still apply, everything
online is switched off, and the GUI, the CLI and ``doctor`` say which line is
wrong. ``HF_HUB_OFFLINE=1`` switches everything online off too.

A policy value always wins over the user's settings.

The data folder: HEARTH_HOME (or the platformdirs default), then the user's ``data_dir`` in
``settings.json`` (written by a move, ``engine.relocate``; the config folder itself never moves),
then the policy's ``data_dir`` over both.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

APP_NAME = "Hearth"


DATABASE_FILE = "hearth.sqlite3"   # chats, summaries and comparison results, inside the data folder
SETTINGS_FILE = "settings.json"    # the user's settings, in the config folder
DATA_DIR_KEY = "data_dir"          # in settings.json: where a move (engine.relocate) put the data


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path
    cache_dir: Path
    models_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / DATABASE_FILE

    @property
    def settings_file(self) -> Path:
        return self.config_dir / SETTINGS_FILE

    @property
    def downloads_dir(self) -> Path:
        """Partial downloads live beside the models, so the final rename is atomic."""
        return self.models_dir / ".partial"


LOCKABLE_SETTINGS = {
    # name in policy.json -> where it lives (chat sampling, model loading, or elsewhere)
    "system_prompt": "chat", "temperature": "sampling", "top_p": "sampling", "top_k": "sampling",
    "min_p": "sampling", "repeat_penalty": "sampling", "max_tokens": "sampling", "seed": "sampling",
    "n_ctx": "load", "gpu_layers": "load", "debug_logging": "app",
}
SETTING_ALIASES = {"context_length": "n_ctx", "ctx": "n_ctx"}
MANAGED = "managed by your administrator"
FEATURES = ("hub", "downloads", "import", "serve", "remote")
HF_OFFLINE_VALUES = ("1", "on", "yes", "true")
POLICY_FILE = "policy.json"
MACHINE_ORIGIN = "machine-wide"      # Policy.origin of the machine-wide file (the others: the variable's name)


@dataclass
class Policy:
    """What an administrator pinned or switched off (``policy.json``; see the module docstring)."""

    source: Path | None = None
    models_dir: Path | None = None
    data_dir: Path | None = None
    extra_model_dirs: list[Path] = field(default_factory=list)
    disabled: frozenset[str] = frozenset()
    hf_endpoint: str | None = None              # "hub_endpoint" in the file ("hf_endpoint" still read)
    offline: bool = False
    allow_repos: tuple[str, ...] | None = None  # None: every repository; patterns with * and ?
    default_model: str | None = None
    locked_settings: dict = field(default_factory=dict)   # name -> pinned value (None: the default)
    hidden_settings: frozenset[str] = frozenset()
    allow_remote_hosts: tuple[str, ...] | None = None   # None: any host; patterns with * and ?
    endpoints: list[dict] = field(default_factory=list)   # administrator-defined remote endpoints
    origin: str | None = None                   # how the file was found (machine-wide, HEARTH_POLICY...)
    error: str | None = None                    # an invalid file: what is wrong and on which line
    # From the policies layered on top (``restrict``): further allow-lists that must admit too,
    # which file the error is about, and every file in force: (path, origin, error).
    also_allow_repos: tuple[tuple[str, ...], ...] = ()
    also_allow_remote_hosts: tuple[tuple[str, ...], ...] = ()
    error_source: Path | None = None
    files: list[tuple[Path, str, str | None]] = field(default_factory=list)

    @property
    def hub_endpoint(self) -> str | None:
        return self.hf_endpoint

    def allows(self, feature: str) -> bool:
        """An administrator switch (hub, downloads, import); going online also needs ``online_block``."""
        return feature not in self.disabled

    def online_block(self, env=None) -> str | None:
        """Why nothing may go online now (one sentence), or None when online actions may run."""
        env = os.environ if env is None else env
        if self.error:
            return "offline by policy: " + self.problem()
        if self.offline:
            return "offline by policy: your administrator has switched off everything online in Hearth"
        if (env.get("HF_HUB_OFFLINE") or "").strip().lower() in HF_OFFLINE_VALUES:
            return "offline: HF_HUB_OFFLINE is set, so Hearth does not go online (unset it to search or download)"
        return None

    def problem(self) -> str | None:
        """For an invalid file: which line is wrong, and what that means (one sentence)."""
        if not self.error:
            return None
        return (f"the administrator's policy file {self.error_source or self.source} is invalid "
                f"({self.error}); everything "
                "online is switched off until it is fixed")

    def repo_allowed(self, repo_id: str) -> bool:
        """Whether the allow-list (if any) admits ``owner/name``; case-insensitive like the Hub."""
        if self.allow_repos is None:
            return True
        rid = (repo_id or "").strip().strip("/").lower()
        return all(any(fnmatch.fnmatchcase(rid, pat.lower()) for pat in pats)
                   for pats in (self.allow_repos, *self.also_allow_repos))

    def repo_refusal(self, repo_id: str) -> str | None:
        if self.repo_allowed(repo_id):
            return None
        return (f"{repo_id} is not on your administrator's list of allowed repositories "
                f"({', '.join(self.allow_repos or ()) or 'none'})")

    def remote_block(self, host: str | None = None, port: int | None = None) -> str | None:
        """Why remote endpoints (or this host) may not be used now (one sentence), or None."""
        if self.error:
            return "remote endpoints are off: " + self.problem()
        if self.offline:
            return "offline by policy: your administrator has switched off everything online in Hearth"
        if not self.allows("remote"):
            return "remote endpoints are switched off by your administrator"
        if host is not None and not self.remote_host_allowed(host, port):
            return (f"{host} is not on your administrator's list of allowed inference servers "
                    f"({', '.join(self.allow_remote_hosts or ()) or 'none'})")
        return None

    def remote_host_allowed(self, host: str, port: int | None = None) -> bool:
        if self.allow_remote_hosts is None:
            return True
        h = (host or "").strip().strip("[]").lower().rstrip(".")
        names = [h] + ([f"{h}:{port}"] if port else [])
        return all(any(fnmatch.fnmatchcase(n, pat.lower()) for pat in pats for n in names)
                   for pats in (self.allow_remote_hosts, *self.also_allow_remote_hosts))

    def is_locked(self, name: str) -> bool:
        name = SETTING_ALIASES.get(name, name)
        return name in self.locked_settings or name in self.hidden_settings

    def is_hidden(self, name: str) -> bool:
        return SETTING_ALIASES.get(name, name) in self.hidden_settings

    def pinned(self, name: str, default=None):
        """The value a locked setting must have: the policy's value, else ``default``."""
        v = self.locked_settings.get(SETTING_ALIASES.get(name, name))
        return default if v is None else v

    def pin_load(self, opts: dict) -> dict:
        """Load options with the locked ones (n_ctx, gpu_layers) set to the policy's values."""
        out = dict(opts or {})
        for name, default in (("n_ctx", 0), ("gpu_layers", "auto")):
            if self.is_locked(name):
                out[name] = self.pinned(name, default)
        return out

    def pin_sampling(self, sampling) -> list[str]:
        """Set locked sampling options (a SamplingOptions) to the policy's values (else the engine's
        defaults); returns the names whose value changed."""
        from engine.host.protocol import SamplingOptions

        defaults = SamplingOptions()
        changed = []
        for name, where in LOCKABLE_SETTINGS.items():
            if where != "sampling" or not self.is_locked(name):
                continue
            value = self.pinned(name, getattr(defaults, name))
            if getattr(sampling, name) != value:
                setattr(sampling, name, value)
                changed.append(name)
        return changed

    def pin_system_prompt(self, text: str | None) -> str | None:
        return self.pinned("system_prompt", "") if self.is_locked("system_prompt") else text

    def describe(self) -> dict:
        """The policy in force, for doctor and support (JSON-safe)."""
        def writable(d: Path) -> bool | None:
            return os.access(d, os.W_OK) if d.exists() else None

        return {
            "source": str(self.source) if self.source else None, "origin": self.origin,
            "error": self.error, "online": self.online_block() is None, "offline_reason": self.online_block(),
            "offline": self.offline or bool(self.error), "downloads": self.allows("downloads"),
            "hub": self.allows("hub"), "import": self.allows("import"), "disabled": sorted(self.disabled),
            "allow_repos": list(self.allow_repos) if self.allow_repos is not None else None,
            "hub_endpoint": self.hf_endpoint, "default_model": self.default_model,
            "models_dir": str(self.models_dir) if self.models_dir else None,
            "data_dir": str(self.data_dir) if self.data_dir else None,
            "extra_model_dirs": [{"path": str(d), "exists": d.is_dir(), "writable": writable(d)}
                                 for d in self.extra_model_dirs],
            "locked_settings": dict(self.locked_settings), "hidden_settings": sorted(self.hidden_settings),
            "remote_endpoints": self.remote_block() is None,
            "allow_remote_hosts": list(self.allow_remote_hosts) if self.allow_remote_hosts is not None else None,
            "endpoints": [dict(e) for e in self.endpoints],
            # allow-lists of the policies layered on top: a repository or host must be on each too
            "also_allow_repos": [list(p) for p in self.also_allow_repos],
            "also_allow_remote_hosts": [list(p) for p in self.also_allow_remote_hosts],
            # every policy file in force, the machine-wide one first
            "policies": [{"path": str(p), "origin": o, "error": e} for p, o, e in self.files],
        }


def machine_policy_path() -> Path:
    """The machine-wide policy file, fixed per system: no environment variable moves it (tests
    monkeypatch this function)."""
    if sys.platform == "win32":
        return _windows_program_data() / APP_NAME / POLICY_FILE
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME / POLICY_FILE
    return Path("/etc/xdg") / APP_NAME / POLICY_FILE


def _windows_program_data() -> Path:
    """C:\\ProgramData as Windows reports it (CSIDL_COMMON_APPDATA), not the user's %ProgramData%."""
    try:
        import ctypes

        buf = ctypes.create_unicode_buffer(1024)
        if ctypes.windll.shell32.SHGetFolderPathW(None, 0x23, None, 0, buf) == 0 and buf.value:
            return Path(buf.value)
    except Exception:
        pass
    return Path("C:\\ProgramData")


def policy_locations() -> list[tuple[Path, str]]:
    """(path, origin) of every policy file Hearth reads: the machine-wide one, then those the
    environment names (``HEARTH_POLICY``, ``policy.json`` in ``HEARTH_HOME``), which only restrict."""
    out = [(machine_policy_path(), MACHINE_ORIGIN)]
    if os.environ.get("HEARTH_POLICY"):
        out.append((Path(os.environ["HEARTH_POLICY"]), "HEARTH_POLICY"))
    if os.environ.get("HEARTH_HOME"):
        out.append((Path(os.environ["HEARTH_HOME"]) / POLICY_FILE, "HEARTH_HOME"))
    return out


class _PolicyProblem(Exception):
    pass


def _key_line(text: str, key: str) -> int | None:
    """The line where ``"key":`` first appears in the file (1-based), for messages."""
    m = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _parse_policy(raw: dict, text: str, path: Path, origin: str) -> tuple[Policy, list[str]]:
    """A Policy from the file's object; problems (key and line) are collected, valid keys still apply."""
    problems: list[str] = []

    def bad(key: str, what: str) -> None:
        line = _key_line(text, key)
        problems.append(f"line {line}: {what}" if line else what)

    def as_path(v) -> Path:
        return Path(os.path.expandvars(os.path.expanduser(v)))

    def get(key, kinds, what):
        v = raw.get(key)
        if v is None:
            return None
        if not isinstance(v, kinds):
            bad(key, f'"{key}" must be {what}')
            return None
        return v

    def str_list(key, what="a list of strings"):
        v = raw.get(key)
        if v is None:
            return None
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            bad(key, f'"{key}" must be {what}')
            return None
        return [x.strip() for x in v]

    known = {"models_dir", "data_dir", "extra_model_dirs", "shared_model_dirs", "disable", "downloads",
             "hub", "import", "serve", "hub_endpoint", "hf_endpoint", "offline", "allow_repos", "default_model",
             "locked_settings", "hidden_settings", "version", "remote", "remote_endpoints",
             "allow_remote_hosts", "endpoints"}
    for key in raw:
        if key not in known and not key.startswith("_") and key not in ("comment", "about"):
            bad(key, f'unknown key "{key}"')

    pol = Policy(source=path, origin=origin)
    for key in ("models_dir", "data_dir"):
        v = get(key, str, "a folder path (a string)")
        if v:
            setattr(pol, key, as_path(v))
    extra = (str_list("extra_model_dirs", "a list of folder paths") or []) + \
        (str_list("shared_model_dirs", "a list of folder paths") or [])
    pol.extra_model_dirs = [as_path(x) for x in extra]
    disabled = set()
    for f in str_list("disable") or []:
        if f not in FEATURES:
            bad("disable", f'"disable" names an unknown feature "{f}" (known: {", ".join(FEATURES)})')
        else:
            disabled.add(f)
    for f in FEATURES:
        v = get(f, bool, "true or false")
        if v is False:
            disabled.add(f)
    if get("remote_endpoints", bool, "true or false") is False:
        disabled.add("remote")     # no company inference servers
    if raw.get("downloads") is False:
        disabled.add("hub")   # no downloads: no browsing of the Hub either (nothing online for models)
    pol.disabled = frozenset(disabled)
    pol.offline = bool(get("offline", bool, "true or false"))
    endpoint = None
    for key in ("hub_endpoint", "hf_endpoint"):
        v = get(key, str, "a URL (a string)")
        if v is not None:
            if not re.match(r"^https?://[^\s/]+", v.strip()):
                bad(key, f'"{key}" must be an http:// or https:// URL (got {v!r})')
            elif endpoint is None:
                endpoint = v.strip().rstrip("/")
    pol.hf_endpoint = endpoint
    allow = str_list("allow_repos", "a list of repositories or authors, e.g. [\"google/*\", \"Qwen/Qwen3-*\"]")
    if allow is not None:
        pats = []
        for a in allow:
            a = a.strip("/")
            if "/" not in a:
                a += "/*"      # an author alone: all of that author's repositories
            if a.count("/") != 1:
                bad("allow_repos", f'"allow_repos" entry {a!r} is not owner/name (wildcards * and ? allowed)')
                continue
            pats.append(a)
        pol.allow_repos = tuple(pats)
    dm = get("default_model", str, "a model name or file path (a string)")
    pol.default_model = dm.strip() if dm and dm.strip() else None

    locked = raw.get("locked_settings")
    if locked is not None:
        items = {}
        if isinstance(locked, list) and all(isinstance(x, str) for x in locked):
            items = {x: None for x in locked}
        elif isinstance(locked, dict):
            items = dict(locked)
        else:
            bad("locked_settings", '"locked_settings" must be a list of setting names or an object '
                "of setting: value")
        for name, value in items.items():
            canon = SETTING_ALIASES.get(name, name)
            if canon not in LOCKABLE_SETTINGS:
                bad("locked_settings", f'"locked_settings" names an unknown setting "{name}" '
                    f'(known: {", ".join(sorted(LOCKABLE_SETTINGS))})')
                continue
            problem = _check_setting_value(canon, value)
            if problem:
                bad("locked_settings", f'"locked_settings": {name} {problem}')
                continue
            pol.locked_settings[canon] = value
    hidden = str_list("hidden_settings", "a list of setting names")
    if hidden is not None:
        hs = set()
        for name in hidden:
            canon = SETTING_ALIASES.get(name, name)
            if canon not in LOCKABLE_SETTINGS:
                bad("hidden_settings", f'"hidden_settings" names an unknown setting "{name}"')
            else:
                hs.add(canon)
        pol.hidden_settings = frozenset(hs)
    hosts = str_list("allow_remote_hosts", 'a list of host names, e.g. ["llm.intra.example", "*.corp.example"]')
    if hosts is not None:
        pol.allow_remote_hosts = tuple(h.lower().rstrip(".") for h in hosts)
    eps = raw.get("endpoints")
    if eps is not None:
        if not isinstance(eps, list):
            bad("endpoints", '"endpoints" must be a list of {"name": ..., "url": ...} objects')
        else:
            from engine.endpoint_spec import check_policy_endpoint

            seen_names: set[str] = set()
            for e in eps:
                problem = check_policy_endpoint(e, pol)
                if problem is None and e["name"].strip().lower() in seen_names:
                    problem = f'"endpoints" names {e["name"]!r} twice'
                if problem:
                    bad("endpoints", problem)
                    continue
                seen_names.add(e["name"].strip().lower())
                pol.endpoints.append({"name": e["name"].strip(), "url": e["url"].strip().rstrip("/"),
                                      "verify": e.get("verify", True), "ca_bundle": e.get("ca_bundle")})
    return pol, problems


def _check_setting_value(name: str, value) -> str | None:
    """None when ``value`` suits the setting (None always does: locked at the default)."""
    if value is None:
        return None
    num = isinstance(value, (int, float)) and not isinstance(value, bool)
    if name in ("temperature", "top_p", "min_p", "repeat_penalty"):
        return None if num and value >= 0 else "must be a number ≥ 0"
    if name in ("top_k", "max_tokens", "n_ctx"):
        return None if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
            else "must be a whole number ≥ 0"
    if name == "seed":
        return None if isinstance(value, int) and not isinstance(value, bool) else "must be a whole number"
    if name == "gpu_layers":
        ok = value in ("auto", "all") or (isinstance(value, int) and not isinstance(value, bool) and value >= -1)
        return None if ok else 'must be "auto", "all" or a number of layers'
    if name == "system_prompt":
        return None if isinstance(value, str) else "must be a string"
    if name == "debug_logging":
        return None if isinstance(value, bool) else "must be true or false"
    return None


def load_policy(path: Path | None = None) -> Policy:
    """The administrator's policy; never raises. ``path``: that one file alone; without it, the
    machine-wide file with the environment's policies on top, each only restricting (``restrict``).

    A file that cannot be read or parsed, or holds unknown keys or wrong types,
    gives a policy with ``error`` set (naming the line) and everything online
    switched off (``online_block``); the keys that were valid still apply.
    """
    if path is not None:
        return _read_policy(path, "given path") or Policy()
    policy, seen = None, set()
    for where, origin in policy_locations():
        key = os.path.normcase(os.path.abspath(where))
        if key in seen:
            continue      # HEARTH_POLICY naming the machine's own file: read once
        seen.add(key)
        # IT named a file that is not there: a mistake (online off), not "no policy"
        extra = _read_policy(where, origin, required=origin == "HEARTH_POLICY")
        if extra is not None:
            policy = extra if policy is None else restrict(policy, extra)
    return policy or Policy()


def _read_policy(path: Path, origin: str, required: bool = False) -> Policy | None:
    """One policy file; None when it is not there (and not ``required``)."""
    try:
        if not path.is_file():
            if required:
                return _invalid(path, origin, "it cannot be read: there is no such file")
            return None
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        return _invalid(path, origin, f"it cannot be read: {reason}")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        return _invalid(path, origin, f"line {e.lineno}, column {e.colno}: {e.msg}")
    except RecursionError:   # "[[[[…": nested deeper than the parser goes
        return _invalid(path, origin, "it is nested too deeply to be read")
    except ValueError as e:  # a number of thousands of digits, and the like
        return _invalid(path, origin, f"it is not valid JSON: {str(e).splitlines()[0] if str(e) else 'a bad value'}")
    if not isinstance(raw, dict):
        return _invalid(path, origin, "line 1: it must hold a JSON object {...}")
    pol, problems = _parse_policy(raw, text, path, origin)
    if problems:
        pol.error = "; ".join(problems)
    pol.error_source = path if pol.error else None
    pol.files = [(path, origin, pol.error)]
    return pol


def _invalid(path: Path, origin: str, error: str) -> Policy:
    return Policy(source=path, origin=origin, error=error, error_source=path, files=[(path, origin, error)])


def restrict(base: Policy, extra: Policy) -> Policy:
    """``base`` (the machine's policy, or those read so far) with ``extra`` layered on top: ``extra`` only
    ever adds restrictions (how each key combines: the module docstring)."""
    def narrowed(first, also, other, other_also):
        """(first allow-list, further lists): every list must admit."""
        lists = [x for x in (first, *also, other, *other_also) if x is not None]
        return (lists[0], tuple(lists[1:])) if lists else (None, ())

    allow_repos, also_repos = narrowed(base.allow_repos, base.also_allow_repos,
                                       extra.allow_repos, extra.also_allow_repos)
    allow_hosts, also_hosts = narrowed(base.allow_remote_hosts, base.also_allow_remote_hosts,
                                       extra.allow_remote_hosts, extra.also_allow_remote_hosts)
    locked = dict(base.locked_settings)
    for name, value in extra.locked_settings.items():
        if not base.is_locked(name):          # a machine lock keeps the machine's value
            locked[name] = value
    dirs, seen = [], set()
    for d in (*base.extra_model_dirs, *extra.extra_model_dirs):
        key = os.path.normcase(os.path.abspath(d))
        if key not in seen:
            seen.add(key)
            dirs.append(d)
    error, error_source = base.error, base.error_source
    if extra.error and error:
        error = f"{error}; {extra.error_source or extra.source} is invalid too: {extra.error}"
    elif extra.error:
        error, error_source = extra.error, extra.error_source or extra.source
    out = Policy(
        source=base.source or extra.source, origin=base.origin if base.source else extra.origin,
        models_dir=base.models_dir or extra.models_dir, data_dir=base.data_dir or extra.data_dir,
        extra_model_dirs=dirs, disabled=base.disabled | extra.disabled,
        hf_endpoint=base.hf_endpoint or extra.hf_endpoint, offline=base.offline or extra.offline,
        allow_repos=allow_repos, also_allow_repos=also_repos,
        default_model=base.default_model or extra.default_model,
        locked_settings=locked, hidden_settings=base.hidden_settings | extra.hidden_settings,
        allow_remote_hosts=allow_hosts, also_allow_remote_hosts=also_hosts,
        error=error, error_source=error_source, files=[*base.files, *extra.files])
    out.endpoints = [dict(e) for e in base.endpoints]
    taken = {e["name"].lower() for e in out.endpoints}
    for e in extra.endpoints:
        parts = urlsplit(e["url"])
        if e["name"].lower() not in taken and out.remote_host_allowed(parts.hostname or "", _port(parts)):
            taken.add(e["name"].lower())
            out.endpoints.append(dict(e))
    return out


def _port(parts) -> int | None:
    try:
        return parts.port
    except ValueError:
        return None


def resolve_paths(policy: Policy | None = None, settings: "Settings | None" = None) -> Paths:
    """The folders in use. ``settings``: the user's settings already read (AppConfig.load), else the
    ``data_dir`` a move wrote is read from settings.json here."""
    policy = policy if policy is not None else load_policy()
    data, config, cache = _default_dirs()
    saved = settings.get(DATA_DIR_KEY) if settings is not None else _saved_data_dir(config / SETTINGS_FILE)
    moved = _absolute_dir(saved)
    if moved is not None:
        data = moved                      # the user moved the data (Preferences → Data → Move…)
    if policy.data_dir:
        data = policy.data_dir            # the administrator's folder wins over both
    models = policy.models_dir or data / "models"
    return Paths(data_dir=data, config_dir=config, cache_dir=cache, models_dir=models,
                 log_dir=cache / "logs")


def _default_dirs() -> tuple[Path, Path, Path]:
    """(data, config, cache): under HEARTH_HOME when set, else the platformdirs folders."""
    home = os.environ.get("HEARTH_HOME")
    if home:
        base = Path(home)
        return base / "data", base / "config", base / "cache"
    return (Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)))


def _saved_data_dir(settings_file: Path):
    """The raw ``data_dir`` of settings.json, read cheaply (``resolve_paths`` is called often); None when the
    file is missing or broken."""
    try:
        raw = json.loads(settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return raw.get(DATA_DIR_KEY) if isinstance(raw, dict) else None


def _absolute_dir(value) -> Path | None:
    """The ``data_dir`` the user moved their data to (see ``engine.relocate``), or None: a value that is not
    a string, or a relative path, is ignored."""
    if not isinstance(value, str) or not value.strip():
        return None
    path = Path(os.path.expanduser(value.strip()))
    return path if path.is_absolute() else None


# ---- user settings ----------------------------------------------------------

DEFAULT_SETTINGS: dict = {
    "extra_model_dirs": [],   # folders the user added to the library
    "last_model": None,       # path of the model loaded last
    "load": {},               # default load options (see engine.host.protocol.LoadOptions)
    "sampling": {},           # default sampling options
}


class Settings:
    """A small JSON settings file, written atomically, readable by this user only (0600 in a 0700 folder on
    POSIX; a file an older version wrote 0644 is tightened when it is read)."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self.data = dict(DEFAULT_SETTINGS)
        if path.is_file():
            from engine.private_files import tighten

            tighten(path)
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self.data.update(loaded)
            except (OSError, ValueError):
                # A broken settings file must not stop the app: keep it aside.
                try:
                    path.replace(path.with_suffix(".broken.json"))
                except OSError:
                    pass

    def get(self, key, default=None):
        return self.data.get(key, default)

    def set(self, key, value) -> None:
        self.update({key: value})

    def update(self, values: dict, remove: tuple = ()) -> None:
        """Set several keys and remove others in one atomic write."""
        with self._lock:
            self.data.update(values)
            for key in remove:
                self.data.pop(key, None)
            from engine.private_files import private_dir, write_private_text

            private_dir(self.path.parent)
            write_private_text(self.path, json.dumps(self.data, indent=2, ensure_ascii=False))


@dataclass
class AppConfig:
    """Everything a command or the GUI needs to find its data."""

    paths: Paths
    policy: Policy
    settings: Settings

    @classmethod
    def load(cls) -> "AppConfig":
        policy = load_policy()
        settings = Settings(_default_dirs()[1] / SETTINGS_FILE)   # the settings folder never moves
        return cls(paths=resolve_paths(policy, settings), policy=policy, settings=settings)

    def model_dirs(self) -> list[tuple[Path, str]]:
        """(folder, source) pairs: the own models folder, policy folders, user folders."""
        dirs: list[tuple[Path, str]] = [(self.paths.models_dir, "library")]
        dirs += [(d, "shared") for d in self.policy.extra_model_dirs]
        dirs += [(Path(d), "folder") for d in self.settings.get("extra_model_dirs", []) or []]
        seen, out = set(), []
        for d, src in dirs:
            key = os.path.normcase(os.path.abspath(d))
            if key not in seen:
                seen.add(key)
                out.append((d, src))
        return out
