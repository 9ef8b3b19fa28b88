"""Moving Hearth's data folder (the database, the models folder, the starter model) somewhere else.

Preferences → Data → Move… checks the new place (``check_move``) and records the wish in
``settings.json`` (``request_move``: ``pending_data_move: {"to": ...}``). The move itself runs at the
next start, before anything opens the database (``run_pending_move``):

- on the same file system each entry of the folder is renamed (instant, however many GB of models it holds);
- elsewhere it is copied file by file (progress in bytes, a cancel checked between chunks), the copy is
  verified, and only then are the old entries deleted.

What belongs to the settings or cache folders stays where it is: on Windows platformdirs puts data, settings
and the cache (with the log file the app holds open) under one ``%LOCALAPPDATA%\\Hearth``, on macOS data and
settings share ``Application Support/Hearth``; moving those would lose the settings that say where the data
went. So are folders the administrator's policy pins.

Any failure or a cancel puts back what was renamed and removes what was copied: nothing is lost. A move
cut short (the app killed, the power lost) is marked ``started`` in the request and undone at the next start.
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
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.config import DATA_DIR_KEY, DATABASE_FILE, SETTINGS_FILE
from engine.errors import BadInputError, CancelledError, HearthError

PENDING_KEY = "pending_data_move"
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
    entries: tuple[str, ...] = ()       # the names in ``src`` that move
    staying: tuple[str, ...] = ()       # the names in ``src`` that stay (settings, cache, pinned folders)


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


def _measure(paths) -> tuple[int, int]:
    """(bytes, files) of the regular files at or under ``paths`` (links are counted, not followed)."""
    total = files = 0
    for top in paths:
        if top.is_dir() and not top.is_symlink():
            found = [os.path.join(root, n) for root, _dirs, names in os.walk(top) for n in names]
        else:
            found = [str(top)]
        for path in found:
            try:
                st = os.lstat(path)
            except OSError:
                continue
            files += 1
            if not stat.S_ISLNK(st.st_mode):
                total += st.st_size
    return total, files


SETTINGS_PREFIX = Path(SETTINGS_FILE).stem + "."   # settings.json and its .tmp / .broken.json (engine.config.Settings)


def staying_entries(src: Path, present: list[str], stays=()) -> set[str]:
    """The names of ``present`` (directly in ``src``) that must not move with the data: the settings
    folder's files when it is ``src`` itself (macOS, Windows), and the first part of any folder of ``stays``
    inside ``src`` (the cache with the open log file on Windows; a models folder the administrator pinned)."""
    names: set[str] = set()
    key = os.path.normcase(os.path.abspath(src))
    for folder in stays:
        if not folder:
            continue
        f = Path(os.path.abspath(Path(folder).expanduser()))
        if os.path.normcase(str(f)) == key:
            names |= {n for n in present if n.startswith(SETTINGS_PREFIX)}
        elif _inside(f, src):
            names.add(f.relative_to(src).parts[0])
    return {n for n in names if n in present}


def config_stays(config) -> tuple:
    """What stays where it is when ``config``'s data folder moves (see ``staying_entries``)."""
    pol = config.policy
    return (config.paths.config_dir, config.paths.cache_dir, config.paths.log_dir, pol.models_dir,
            *pol.extra_model_dirs)


def destination_for(chosen: str | Path) -> Path:
    """Where the data goes when the user picks ``chosen``: the folder itself when it is empty or new,
    else a ``Hearth`` folder inside it (picking "D:\\" or "Documents" must not need an empty drive)."""
    p = Path(chosen).expanduser()
    if p.is_dir() and any(p.iterdir()):
        return p / "Hearth"
    return p


def check_move(src: str | Path, dst: str | Path, policy=None, stays=()) -> MovePlan:
    """Whether the data folder ``src`` can move to ``dst``; raises BadInputError with one sentence if not.
    ``stays``: folders that do not move with it (``config_stays``)."""
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
    present = os.listdir(src) if src.is_dir() else []
    staying = staying_entries(src, present, stays)
    entries = tuple(sorted(n for n in present if n not in staying))
    total, files = _measure(src / n for n in entries)
    same = same_filesystem(src, dst)
    if not same:
        try:
            free = shutil.disk_usage(where).free
        except OSError:
            free = None
        if free is not None and free < total:
            raise BadInputError(f"there is not enough free space for the data in {dst}: it needs "
                                f"{_human(total)} and {_human(free)} is free")
    return MovePlan(src=src, dst=dst, total_bytes=total, files=files, same_filesystem=same, entries=entries,
                    staying=tuple(sorted(staying)))


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


def _copy_entry(s_top: Path, d_top: Path, add: Callable[[int], None], cancelled: Cancelled | None,
                src: Path, dst: Path) -> None:
    """Copy one entry of the data folder ``src`` into ``dst`` (a file, a link or a folder tree), then verify
    every file's size. A link that points into ``src`` is made to point to the same place in ``dst``; what is
    neither a file, a folder nor a link (a FIFO would block the copy for ever) is left out, logged."""
    copied: list[tuple[Path, Path]] = []

    def copy(s: Path, d: Path) -> None:
        mode = s.lstat().st_mode
        if stat.S_ISLNK(mode):
            target = os.readlink(s)
            if os.path.isabs(target) and _inside(Path(target), src):
                target = str(dst / Path(target).relative_to(src))
            os.symlink(target, d)
        elif not stat.S_ISREG(mode):
            log.warning("%s is not a regular file; it is left out of the data move", s)
        else:
            if cancelled is not None and cancelled():
                raise CancelledError("the move was cancelled")
            _copy_file(s, d, add, cancelled)
            copied.append((s, d))

    if s_top.is_dir() and not s_top.is_symlink():
        for root, dirs, names in os.walk(s_top):
            rel = Path(root).relative_to(s_top)
            (d_top / rel).mkdir(exist_ok=True)
            for name in sorted(dirs) + sorted(names):
                s = Path(root) / name
                if name in names or s.is_symlink():     # a link to a folder is listed among the folders
                    copy(s, d_top / rel / name)
    else:
        copy(s_top, d_top)
    for s, d in copied:   # verify: every file there, with its size
        if not d.is_file() or d.stat().st_size != s.stat().st_size:
            raise OSError(errno.EIO, f"the copy of {s.name} is incomplete")


def _remove(p: Path) -> None:
    """Remove a file, link or folder tree (read-only files too: Windows will not delete them otherwise)."""
    def writable_then_retry(func, path, _exc):
        os.chmod(path, stat.S_IWRITE | stat.S_IREAD | (stat.S_IEXEC if os.path.isdir(path) else 0))
        func(path)

    if p.is_dir() and not p.is_symlink():
        if sys.version_info >= (3, 12):
            shutil.rmtree(p, onexc=writable_then_retry)
        else:
            shutil.rmtree(p, onerror=writable_then_retry)
    else:
        try:
            p.unlink()
        except PermissionError:
            os.chmod(p, stat.S_IWRITE | stat.S_IREAD)
            p.unlink()


def _empty(dst: Path, names, remove_dir: bool) -> None:
    """Remove what a failed move copied into ``dst`` (and ``dst`` itself when the move created it)."""
    for name in names:
        p = dst / name
        if p.exists() or p.is_symlink():
            try:
                _remove(p)
            except OSError:
                log.warning("could not remove %s after the failed move", p, exc_info=True)
    if remove_dir:
        try:
            dst.rmdir()
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
    """Move the folder's entries as ``plan`` says. On success, ``settings`` (when given) gets the new
    ``data_dir`` and the result is None, or a note when the old entries could not be removed completely. On
    failure or a cancel, renamed entries are put back and copies removed, ``src`` and ``settings`` are as
    they were, and BadInputError or CancelledError (one sentence) is raised."""
    src, dst = plan.src, plan.dst
    created = not dst.exists()
    renamed: list[str] = []
    copied: list[str] = []
    done = 0

    def add(n: int) -> None:
        nonlocal done
        done += n
        if on_progress is not None:
            on_progress(done, plan.total_bytes)

    request = settings.get(PENDING_KEY) if settings is not None else None
    try:
        if settings is not None:   # a move cut short is found (and undone) at the next start
            settings.set(PENDING_KEY, {"to": str(dst), "started": True})
        dst.mkdir(parents=True, exist_ok=True)
        for name in plan.entries:
            s, d = src / name, dst / name
            if not (s.exists() or s.is_symlink()):
                continue
            if plan.same_filesystem and _rename(s, d):
                renamed.append(name)
                continue
            copied.append(name)
            _copy_entry(s, d, add, cancelled, src, dst)
        if settings is not None:
            _record(settings, src, dst)
    except BaseException as e:
        try:
            _put_back(plan, renamed)
        except OSError as put_back_error:
            log.error("the data move to %s failed and %s could not be put back in %s: %s", dst, renamed, src,
                      put_back_error)
            raise BadInputError(   # the data is split between two folders: say where
                f"the data could not be moved, and part of it could not be put back: move everything in {dst} "
                f"back into {src} before using Hearth") from None
        _empty(dst, copied, remove_dir=created)
        if settings is not None and not isinstance(e, (KeyboardInterrupt, SystemExit)):
            try:
                if request is None:   # undone: the settings are as they were
                    settings.update({}, remove=(PENDING_KEY,))
                else:
                    settings.set(PENDING_KEY, request)
            except Exception:
                log.warning("the move request could not be reset after the failed move", exc_info=True)
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        err = _failure(e, plan)
        log.warning("data move %s -> %s failed: %s", src, dst, err)
        raise err from None
    note = None
    if on_progress is not None:
        on_progress(plan.total_bytes, plan.total_bytes)
    left = []
    for name in copied:
        try:
            _remove(src / name)
        except OSError as e:
            left.append(f"{name} ({e.strerror or e})")
    if not plan.staying:
        try:
            src.rmdir()
        except OSError as e:
            if not left:
                left.append(f"the folder itself ({e.strerror or e})")
    if left:
        note = (f"the data is now in {dst}, but the old folder {src} could not be removed completely "
                f"({'; '.join(left)}); delete it yourself")
        log.warning("%s", note)
    _rebase_database(dst / DATABASE_FILE, src, dst)
    log.info("data moved from %s to %s (%d files, %d bytes; %d entries renamed, %d copied; staying: %s)", src,
             dst, plan.files, plan.total_bytes, len(renamed), len(copied), ", ".join(plan.staying) or "none")
    return note


def _put_back(plan: MovePlan, renamed) -> None:
    for name in reversed(list(renamed)):
        os.rename(plan.dst / name, plan.src / name)


def _rebase_database(database: Path, src: Path, dst: Path) -> None:
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
    except Exception as e:   # the data has moved: a surprise here must not make the caller think it did not
        log.warning("chats' and summaries' model paths in %s still name %s: %s", database, src, e)


def _rename(src: Path, dst: Path) -> bool:
    """Rename ``src`` to ``dst`` (same file system); False when the system says it crosses file systems
    (a folder inside the data folder can be another disk's mount point)."""
    try:
        os.rename(src, dst)
        return True
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        log.info("renaming %s to %s crossed file systems; copying instead", src, dst)
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
    cleared whatever happens; on failure the old folder stays in use and ``error`` says why. A move the
    last run started but never finished (killed, power lost) is undone instead, and ``error`` says so."""
    dst = pending_move(config.settings)
    if dst is None:
        if config.settings.get(PENDING_KEY) is not None:
            cancel_pending(config.settings)       # a hand-edited, unusable entry
        return None
    src = config.paths.data_dir
    if (config.settings.get(PENDING_KEY) or {}).get("started"):
        error = undo_interrupted_move(Path(src), dst)
        cancel_pending(config.settings)
        return MoveResult(moved=False, src=Path(src), dst=dst, error=error)
    try:
        plan = check_move(src, dst, config.policy, stays=config_stays(config))
        note = move_data(plan, on_progress, cancelled, settings=config.settings)
    except HearthError as e:
        cancel_pending(config.settings)
        return MoveResult(moved=False, src=Path(src), dst=dst, error=str(e),
                          cancelled=isinstance(e, CancelledError))
    return MoveResult(moved=True, src=plan.src, dst=plan.dst, note=note)


def undo_interrupted_move(src: Path, dst: Path) -> str:
    """Put back a move that was cut short; returns the sentence for the user.

    The destination was empty when the move began (checked), so all of it came from the move: an entry
    whose original is still in ``src`` was being copied (the copy goes), any other was renamed (it comes
    back). The old entries are deleted only after the new folder was recorded, which also clears the mark."""
    problems = []
    try:
        names = sorted(os.listdir(dst)) if dst.is_dir() else []
    except OSError as e:
        names, problems = [], [f"{dst} ({e.strerror or e})"]
    for name in names:
        s, d = src / name, dst / name
        try:
            if s.exists() or s.is_symlink():
                _remove(d)
            else:
                src.mkdir(parents=True, exist_ok=True)
                os.rename(d, s)
        except OSError as e:
            problems.append(f"{name} ({e.strerror or e})")
    if problems:
        log.error("undoing the interrupted move %s -> %s left: %s", src, dst, "; ".join(problems))
        return (f"the data could not be moved, and part of it could not be put back: move everything in {dst} "
                f"back into {src} before using Hearth")
    log.warning("the data move %s -> %s was cut short last time; undone (%d entries)", src, dst, len(names))
    return f"the last data move was cut short and has been undone; your data is still in {src}"


def describe_pending(config) -> dict | None:
    """For doctor: the requested move, or None."""
    dst = pending_move(config.settings)
    if dst is None:
        return None
    return {"from": str(config.paths.data_dir), "to": str(dst),
            "when": "the next time the desktop app starts"}
