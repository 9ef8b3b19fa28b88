"""Writing user-chosen files (exports) whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, TextIO

from engine.errors import BadInputError


def write_file_atomically(path: str | Path, write: Callable[[TextIO], None], *, encoding: str = "utf-8",
                          newline: str = "\n") -> Path:
    """Call ``write(f)`` on a temporary file beside ``path``, then rename it into place: a full disk
    or a crash never leaves half a file where the user expects one. Errors are one sentence."""
    target = Path(path)
    if target.is_dir():
        raise BadInputError(f"{target} is a folder: give a file name to export to")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding=encoding, newline=newline) as f:
            write(f)
        os.replace(tmp, target)
    except OSError as e:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise BadInputError(f"cannot write {target}: {e.strerror or e}") from None
    return target
