"""Files only this user may read: the conversation database, ``settings.json`` and the logs.

They hold chats, prompts and (with debug logging) replies, so on POSIX they are created 0600 in folders
created 0700, whatever the umask (``os.open`` with the mode, then ``chmod``, as the umask masks a mode given at
creation). A file or folder an older version created 0644 / 0755 is tightened when Hearth opens it again
(only when this user owns it: a shared folder set by an administrator is left as it is). On Windows these
are no-ops: the user's profile folders are private already.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

POSIX = os.name == "posix"
FILE_MODE = 0o600
DIR_MODE = 0o700


def tighten(path: str | Path) -> None:
    """Take group and other permissions off ``path`` when this user owns it (POSIX; errors ignored)."""
    if not POSIX:
        return
    try:
        st = os.stat(path)
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077)
    except OSError:
        pass


def private_dir(path: str | Path, *, tighten_existing: bool = True) -> Path:
    """``path`` as a folder: every folder created for it is 0700 (POSIX); an existing ``path`` itself is
    tightened too unless ``tighten_existing`` is false (a folder the user chose). OSError as ``mkdir``."""
    p = Path(path)
    missing = []
    q = p
    while not q.is_dir() and q != q.parent:
        missing.append(q)
        q = q.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, DIR_MODE)
        except FileExistsError:
            if not d.is_dir():
                raise
            continue
        if POSIX:
            try:
                os.chmod(d, DIR_MODE)     # the umask may have taken bits off; never added any
            except OSError:
                pass
    if tighten_existing and not missing:
        tighten(p)
    return p


def open_private(path: str | Path, flags: int) -> int:
    """``os.open(path, flags)``: a file it creates is 0600 (POSIX), an existing one is tightened."""
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0), FILE_MODE)
    if POSIX:
        try:
            st = os.fstat(fd)
            if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
                os.fchmod(fd, stat.S_IMODE(st.st_mode) & ~0o077)
        except OSError:
            pass
    return fd


def write_private_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file beside it (0600), then rename it into place."""
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    fd = open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        with open(fd, "w", encoding=encoding, closefd=True) as f:
            f.write(text)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    os.replace(tmp, target)


def create_private_file(path: str | Path) -> None:
    """Create ``path`` empty and 0600 (POSIX); FileExistsError if something is there already."""
    os.close(open_private(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
