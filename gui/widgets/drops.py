"""What a drag carries: the local files and folders in its data (the window's drops of models and documents,
the Ask pane's drops of folders onto collections)."""

from __future__ import annotations


def dropped_paths(mime) -> list[str]:
    """Local files and folders in a drag's data (URLs that are not local files are left out)."""
    if mime is None or not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]
