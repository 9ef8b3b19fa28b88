"""Where Hearth keeps things, user settings, and the administrator's policy.

Paths come from platformdirs (per-user app-data folders). Two environment
variables exist for IT and tests:

- ``HEARTH_HOME``: put every folder (data, config, cache) under this one
  folder. Tests use it so they never touch the real profile; a portable
  install can use it too.
- ``HEARTH_POLICY``: path of the administrator's policy file. Without it,
  ``policy.json`` in the site config folder (e.g. ``/etc/xdg/Hearth`` or
  ``C:\\ProgramData\\Hearth``) is read when present.

Policy keys (all optional)::

    {"models_dir": "...", "data_dir": "...", "extra_model_dirs": ["..."],
     "disable": ["hub", "downloads", "import"], "hf_endpoint": "..."}

A policy value always wins over the user's settings.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from engine.errors import BadInputError

APP_NAME = "Hearth"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path
    cache_dir: Path
    models_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "hearth.sqlite3"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def downloads_dir(self) -> Path:
        """Partial downloads live beside the models, so the final rename is atomic."""
        return self.models_dir / ".partial"


@dataclass
class Policy:
    """What an administrator pinned or switched off."""

    source: Path | None = None
    models_dir: Path | None = None
    data_dir: Path | None = None
    extra_model_dirs: list[Path] = field(default_factory=list)
    disabled: frozenset[str] = frozenset()
    hf_endpoint: str | None = None

    def allows(self, feature: str) -> bool:
        return feature not in self.disabled


def policy_path() -> Path:
    env = os.environ.get("HEARTH_POLICY")
    if env:
        return Path(env)
    if os.environ.get("HEARTH_HOME"):
        return Path(os.environ["HEARTH_HOME"]) / "policy.json"
    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / "policy.json"


def load_policy(path: Path | None = None) -> Policy:
    path = path or policy_path()
    if not path.is_file():
        return Policy()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BadInputError(f"the administrator's policy file {path} cannot be read: {e}") from None
    if not isinstance(raw, dict):
        raise BadInputError(f"the administrator's policy file {path} must hold a JSON object")

    def p(key):
        v = raw.get(key)
        return Path(os.path.expandvars(os.path.expanduser(v))) if isinstance(v, str) and v else None

    extra = [Path(os.path.expandvars(os.path.expanduser(x))) for x in raw.get("extra_model_dirs", [])
             if isinstance(x, str)]
    return Policy(source=path, models_dir=p("models_dir"), data_dir=p("data_dir"),
                  extra_model_dirs=extra, disabled=frozenset(raw.get("disable", []) or []),
                  hf_endpoint=raw.get("hf_endpoint") if isinstance(raw.get("hf_endpoint"), str) else None)


def resolve_paths(policy: Policy | None = None) -> Paths:
    policy = policy if policy is not None else load_policy()
    home = os.environ.get("HEARTH_HOME")
    if home:
        base = Path(home)
        data, config, cache = base / "data", base / "config", base / "cache"
    else:
        data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        config = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
        cache = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    if policy.data_dir:
        data = policy.data_dir
    models = policy.models_dir or data / "models"
    return Paths(data_dir=data, config_dir=config, cache_dir=cache, models_dir=models,
                 log_dir=cache / "logs")


# ---- user settings ----------------------------------------------------------

DEFAULT_SETTINGS: dict = {
    "extra_model_dirs": [],   # folders the user added to the library
    "last_model": None,       # path of the model loaded last
    "load": {},               # default load options (see engine.host.protocol.LoadOptions)
    "sampling": {},           # default sampling options
}


class Settings:
    """A small JSON settings file, written atomically."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self.data = dict(DEFAULT_SETTINGS)
        if path.is_file():
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
        with self._lock:
            self.data[key] = value
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.data, indent=2, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)


@dataclass
class AppConfig:
    """Everything a command or the GUI needs to find its data."""

    paths: Paths
    policy: Policy
    settings: Settings

    @classmethod
    def load(cls) -> "AppConfig":
        policy = load_policy()
        paths = resolve_paths(policy)
        return cls(paths=paths, policy=policy, settings=Settings(paths.settings_file))

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
