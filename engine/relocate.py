"""Moving Hearth's data folder (the database, the models folder, the starter model) somewhere else.

Preferences → Data → Move… checks the new place (``check_move``) and records the wish in
``settings.json`` (``request_move``: ``pending_data_move: {"to": ...}``). The move itself runs at the
next start, before anything opens the database (``run_pending_move``):

- on the same file system the folder is renamed (instant, however many GB of models it holds);
- elsewhere it is copied file by file (progress in bytes, a cancel checked between chunks), the copy is
  verified, and only then is the old folder deleted.

Any failure or a cancel removes what was copied and leaves the old folder as it was: nothing is lost.
Only after a move succeeded is the user's ``data_dir`` written to ``settings.json`` (the config folder
never moves), and ``engine.config.resolve_paths`` — so the GUI and every CLI command — uses it from then on.
An administrator's policy ``data_dir`` pins the folder: it cannot be moved.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.errors import BadInputError, CancelledError, HearthError

PENDING_KEY = "pending_data_move"
DATA_DIR_KEY = "data_dir"
CHUNK = 4 * 1024 * 1024

log = logging.getLogger("engine.relocate")

Progress = Callable[[int, int], None]      # (bytes done, bytes in all)
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class MovePlan:
    src: Path
    dst: Path
    total_bytes: int
    files: int
    same_filesystem: bool


@dataclass
class MoveResult:
    """What ``run_pending_move`` did: ``moved`` and the folder in use now; ``error`` (one sentence) when the
    data stayed where it was; ``note`` when the move succeeded but the old folder could not be fully removed."""

    moved: bool
    src: Path
    dst: Path
    error: str | None = None
    cancelled: bool = False
    note: str | None = None

    @property
    def data_dir(self) -> Path:
        return self.dst if self.moved else self.src


# ---- checks -------------------------------------------------------------------------------------------
def _human(n: int) -> str:
    from engine.library import human_size

    return human_size(n)


def _nearest_existing(p: Path) -> Path:
    while not p.exists() and p.parent != p:
        p = p.parent
    return p


def same_filesystem(a: Path, b: Path) -> bool:
    """Whether ``a`` and the place of ``b`` (its nearest existing folder) are on one file system."""
    try:
        return os.stat(_nearest_existing(a)).st_dev == os.stat(_nearest_existing(b)).st_dev
    except OSError:
        return False


def _inside(child: Path, parent: Path) -> bool:
    c, p = os.path.normcase(str(child)), os.path.normcase(str(parent))
    return c == p or c.startswith(p.rstrip(os.sep) + os.sep)


def _measure(src: Path) -> tuple[int, int]:
    """(bytes, files) of the regular files under ``src`` (links are not followed)."""
    total = files = 0
    if not src.is_dir():
        return 0, 0
    for root, _dirs, names in os.walk(src):
        for name in names:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            files += 1
            if not os.path.islink(os.path.join(root, name)):
                total += st.st_size
    return total, files


def destination_for(chosen: str | Path) -> Path:
    """Where the data goes when the user picks ``chosen``: the folder itself when it is empty or new,
    else a ``Hearth`` folder inside it (picking "D:\\" or "Documents" must not need an empty drive)."""
    p = Path(chosen).expanduser()
    if p.is_dir() and any(p.iterdir()):
        return p / "Hearth"
    return p


def check_move(src: str | Path, dst: str | Path, policy=None) -> MovePlan:
    """Whether the data folder ``src`` can move to ``dst``; raises BadInputError with one sentence if not."""
    if policy is not None and getattr(policy, "data_dir", None):
        raise BadInputError(f"the data folder is set by your administrator ({policy.data_dir}), "
                            "so it cannot be moved")
    src = Path(os.path.abspath(Path(src).expanduser()))
    dst = Path(os.path.abspath(Path(dst).expanduser()))
    real_src, real_dst = src.resolve(), dst.resolve()
    if real_src == real_dst:
        raise BadInputError(f"the data is already in {dst}")
    if _inside(real_dst, real_src):
        raise BadInputError(f"{dst} is inside the current data folder {src}; choose a folder outside it")
    if _inside(real_src, real_dst):
        raise BadInputError(f"the current data folder {src} is inside {dst}; choose an empty folder elsewhere")
    if dst.exists() or dst.is_symlink():
        if not dst.is_dir():
            raise BadInputError(f"{dst} is a file, not a folder; choose an empty folder or a new one")
        try:
            if any(dst.iterdir()):
                raise BadInputError(f"{dst} is not empty; choose an empty folder or a new one")
        except OSError as e:
            raise BadInputError(f"{dst} cannot be read ({e.strerror or e}); choose another folder") from None
    where = _nearest_existing(dst)
    if not where.is_dir() or not os.access(where, os.W_OK | os.X_OK):
        raise BadInputError(f"you cannot write to {where}; choose a folder you can write to")
    total, files = _measure(src)
    same = same_filesystem(src, dst)
    if not same:
        try:
            free = shutil.disk_usage(where).free
        except OSError:
            free = None
        if free is not None and free < total:
            raise BadInputError(f"there is not enough free space for the data in {dst}: it needs "
                                f"{_human(total)} and {_human(free)} is free")
    return MovePlan(src=src, dst=dst, total_bytes=total, files=files, same_filesystem=same)


# ---- the move -----------------------------------------------------------------------------------------
def _copy_file(s: Path, d: Path, on_bytes: Callable[[int], None], cancelled: Cancelled | None) -> None:
    """One file, in chunks: progress after each chunk, a cancel checked between them."""
    with open(s, "rb") as fin, open(d, "wb") as fout:
        while True:
            if cancelled is not None and cancelled():
                raise CancelledError("the move was cancelled")
            chunk = fin.read(CHUNK)
            if not chunk:
                break
            fout.write(chunk)
            on_bytes(len(chunk))
        fout.flush()
        os.fsync(fout.fileno())
    shutil.copystat(s, d)


def _copy_tree(plan: MovePlan, on_progress: Progress | None, cancelled: Cancelled | None) -> None:
    done = 0

    def add(n: int) -> None:
        nonlocal done
        done += n
        if on_progress is not None:
            on_progress(done, plan.total_bytes)

    src, dst = plan.src, plan.dst
    for root, dirs, names in os.walk(src):
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(exist_ok=True)
        for name in sorted(dirs) + sorted(names):
            s, d = Path(root) / name, dst / rel / name
            if s.is_symlink():
                os.symlink(os.readlink(s), d)
            elif name in names:
                if cancelled is not None and cancelled():
                    raise CancelledError("the move was cancelled")
                _copy_file(s, d, add, cancelled)
    # verify: every file there, with its size
    for root, _dirs, names in os.walk(src):
        rel = Path(root).relative_to(src)
        for name in names:
            s, d = Path(root) / name, dst / rel / name
            if s.is_symlink():
                continue
            if not d.is_file() or d.stat().st_size != s.stat().st_size:
                raise OSError(errno.EIO, f"the copy of {s.name} is incomplete")


def _empty(dst: Path, remove_dir: bool) -> None:
    """Remove what a failed move put into ``dst`` (and ``dst`` itself when the move created it)."""
    if not dst.exists():
        return
    if remove_dir:
        shutil.rmtree(dst, ignore_errors=True)
        return
    for child in dst.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            try:
                child.unlink()
            except OSError:
                pass


def _failure(e: BaseException, plan: MovePlan) -> HearthError:
    if isinstance(e, CancelledError):
        return CancelledError(f"the move was cancelled; your data is still in {plan.src}")
    if isinstance(e, HearthError):
        return e
    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return BadInputError(f"there is not enough disk space in {plan.dst} to move the data; nothing was "
                             f"moved and your data is still in {plan.src}")
    if isinstance(e, OSError) and e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BadInputError(f"permission was denied while moving the data to {plan.dst}; nothing was moved "
                             f"and your data is still in {plan.src}")
    reason = (e.strerror or str(e)) if isinstance(e, OSError) else f"{type(e).__name__}: {e}"
    return BadInputError(f"the data could not be moved to {plan.dst} ({reason}); nothing was moved and "
                         f"your data is still in {plan.src}")


def move_data(plan: MovePlan, on_progress: Progress | None = None, cancelled: Cancelled | None = None,
              settings=None) -> str | None:
    """Move the folder as ``plan`` says. On success, ``settings`` (when given) gets the new ``data_dir`` and
    the result is None, or a note when the old folder could not be removed completely. On failure or a
    cancel, what was copied is removed, ``src`` and ``settings`` are untouched, and BadInputError or
    CancelledError (one sentence) is raised."""
    src, dst = plan.src, plan.dst
    created = not dst.exists()
    renamed = False
    try:
        if src.exists() and plan.same_filesystem:
            renamed = _rename(src, dst, created)
        if not renamed:
            dst.mkdir(parents=True, exist_ok=True)
            if src.exists():
                _copy_tree(plan, on_progress, cancelled)
        if settings is not None:
            _record(settings, src, dst)
    except BaseException as e:
        if renamed:
            try:
                os.rename(dst, src)        # the setting could not be written: put the folder back
                if not created:
                    dst.mkdir(exist_ok=True)
            except OSError:
                log.error("the data was moved to %s but could not be put back in %s", dst, src)
                raise _failure(e, plan) from None
        else:
            _empty(dst, remove_dir=created)
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        err = _failure(e, plan)
        log.warning("data move %s -> %s failed: %s", src, dst, err)
        raise err from None
    note = None
    if renamed:
        if on_progress is not None:
            on_progress(plan.total_bytes, plan.total_bytes)
    elif src.exists():
        try:
            shutil.rmtree(src)
        except OSError as e:
            note = (f"the data is now in {dst}, but the old folder {src} could not be removed completely "
                    f"({e.strerror or e}); delete it yourself")
            log.warning("%s", note)
    from engine.config import DATABASE_FILE

    _rebase_conversations(dst / DATABASE_FILE, src, dst)
    log.info("data moved from %s to %s (%d files, %d bytes)", src, dst, plan.files, plan.total_bytes)
    return note


def _rebase_conversations(database: Path, src: Path, dst: Path) -> None:
    """Chats remember the model file they were held with, and summaries the model they were made with (part
    of the key a stopped summary is resumed by): those inside the moved folder follow it. Best effort after
    the move has succeeded (a failure only leaves old paths in old chats, and stopped summaries start afresh)."""
    import sqlite3

    from engine.summarize.storage import job_key

    if not database.is_file():
        return
    old = str(src).rstrip(os.sep) + os.sep
    new = str(dst).rstrip(os.sep) + os.sep
    try:
        conn = sqlite3.connect(str(database), timeout=5)
        try:
            with conn:
                conn.execute("UPDATE conversations SET model_path = ? || substr(model_path, ?) "
                             "WHERE substr(model_path, 1, ?) = ?", (new, len(old) + 1, len(old), old))
                rows = conn.execute("SELECT id, document_sha256, model, options_json, n_ctx FROM summaries "
                                    "WHERE substr(model, 1, ?) = ?", (len(old), old)).fetchall()
                for sid, sha, model, options_json, n_ctx in rows:
                    moved = new + model[len(old):]
                    conn.execute("UPDATE summaries SET model = ?, job_key = ? WHERE id = ?",
                                 (moved, job_key(sha, moved, json.loads(options_json), n_ctx), sid))
        finally:
            conn.close()
    except (sqlite3.Error, ValueError) as e:
        log.warning("chats' and summaries' model paths in %s still name %s: %s", database, src, e)


def _rename(src: Path, dst: Path, created: bool) -> bool:
    """Rename ``src`` to ``dst`` (same file system); False when the system says it crosses file systems."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.is_dir():
        dst.rmdir()          # empty (checked): a folder cannot be renamed onto another everywhere
    try:
        os.rename(src, dst)
        return True
    except OSError as e:
        if not created:
            dst.mkdir(exist_ok=True)
        if e.errno != errno.EXDEV:
            raise
        log.info("renaming to %s crossed file systems; copying instead", dst)
        return False


def _rebase(value: str, src: Path, dst: Path) -> str:
    p = Path(value)
    if _inside(p, src):
        return str(dst / p.relative_to(src)) if p != src else str(dst)
    return value


def _record(settings, src: Path, dst: Path) -> None:
    """The new ``data_dir`` and the remembered paths that pointed into the old folder, in one write;
    the pending request is cleared in the same write."""
    values: dict = {DATA_DIR_KEY: str(dst)}
    last = settings.get("last_model")
    if isinstance(last, str) and last:
        values["last_model"] = _rebase(last, src, dst)
    defaults = settings.get("model_defaults")
    if isinstance(defaults, dict):
        values["model_defaults"] = {_rebase(k, src, dst): v for k, v in defaults.items()}
    serve = settings.get("serve")            # Preferences → Local API remembers the model it serves
    if isinstance(serve, dict) and isinstance(serve.get("model"), str) and serve["model"]:
        values["serve"] = dict(serve, model=_rebase(serve["model"], src, dst))
    folders = settings.get("extra_model_dirs")
    if isinstance(folders, list):
        values["extra_model_dirs"] = [_rebase(f, src, dst) if isinstance(f, str) else f for f in folders]
    settings.update(values, remove=(PENDING_KEY,))


# ---- the pending move (recorded by Preferences, run at the next start) ----------------------------------
def pending_move(settings) -> Path | None:
    """The folder a move was requested to, or None."""
    entry = settings.get(PENDING_KEY) if settings is not None else None
    to = entry.get("to") if isinstance(entry, dict) else None
    if isinstance(to, str) and to.strip() and Path(to.strip()).expanduser().is_absolute():
        return Path(to.strip()).expanduser()
    return None


def request_move(settings, dst: str | Path) -> Path:
    dst = Path(os.path.abspath(Path(dst).expanduser()))
    settings.set(PENDING_KEY, {"to": str(dst)})
    return dst


def cancel_pending(settings) -> None:
    if PENDING_KEY in getattr(settings, "data", {}) or settings.get(PENDING_KEY) is not None:
        settings.update({}, remove=(PENDING_KEY,))


def run_pending_move(config, on_progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> MoveResult | None:
    """The move Preferences asked for, if any (call before anything opens the database). The request is
    cleared whatever happens; on failure the old folder stays in use and ``error`` says why."""
    dst = pending_move(config.settings)
    if dst is None:
        if config.settings.get(PENDING_KEY) is not None:
            cancel_pending(config.settings)       # a hand-edited, unusable entry
        return None
    src = config.paths.data_dir
    try:
        plan = check_move(src, dst, config.policy)
        note = move_data(plan, on_progress, cancelled, settings=config.settings)
    except HearthError as e:
        cancel_pending(config.settings)
        return MoveResult(moved=False, src=Path(src), dst=dst, error=str(e),
                          cancelled=isinstance(e, CancelledError))
    return MoveResult(moved=True, src=plan.src, dst=plan.dst, note=note)


def describe_pending(config) -> dict | None:
    """For doctor: the requested move, or None."""
    dst = pending_move(config.settings)
    if dst is None:
        return None
    return {"from": str(config.paths.data_dir), "to": str(dst),
            "when": "the next time the desktop app starts"}
