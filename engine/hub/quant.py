"""Quantization names from GGUF file names, and grouping of split files.

Repositories name files like ``Qwen2.5-7B-Instruct-Q4_K_M.gguf`` or
``model-Q8_0-00001-of-00003.gguf``. The name is only a hint: when the header
has been read, its ``general.file_type`` wins.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from engine.library import SPLIT_RE

_QUANT_RE = re.compile(
    r"(?<![A-Za-z0-9])("
    r"IQ[1-4]_(?:XXS|XS|NL|S|M)"
    r"|Q[2-8]_K(?:_(?:XL|S|M|L))?"
    r"|Q[4-8]_[01](?:_\d_\d)?"
    r"|TQ[12]_0|MXFP4(?:_MOE)?|BF16|FP16|F16|FP32|F32"
    r")(?![A-Za-z0-9])",
    re.IGNORECASE)

# Lower to higher quality; the index is the ranking used for sorting and picking.
QUANT_ORDER = [
    "IQ1_S", "IQ1_M", "TQ1_0", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "TQ2_0", "Q2_K_S", "Q2_K",
    "Q2_K_L", "Q2_K_XL", "IQ3_XXS", "IQ3_XS", "IQ3_S", "IQ3_M", "Q3_K_S", "Q3_K_M", "Q3_K", "Q3_K_L",
    "Q3_K_XL", "IQ4_XS", "IQ4_NL", "Q4_0", "Q4_0_4_4", "Q4_0_4_8", "Q4_0_8_8", "MXFP4",
    "MXFP4_MOE", "Q4_1", "Q4_K_S", "Q4_K", "Q4_K_M", "Q4_K_L", "Q4_K_XL", "Q5_0", "Q5_1", "Q5_K_S",
    "Q5_K", "Q5_K_M", "Q5_K_L", "Q5_K_XL", "Q6_K", "Q6_K_L", "Q6_K_XL", "Q8_0", "Q8_K_XL", "BF16", "F16", "F32",
]
_RANK = {q: i for i, q in enumerate(QUANT_ORDER)}


def quant_from_name(filename: str) -> str | None:
    """"Q4_K_M" for ".../Model-Q4_K_M-00001-of-00002.gguf"; None when absent."""
    base = posixpath.basename(filename)
    m = SPLIT_RE.match(base)
    stem = m["stem"] if m else re.sub(r"\.gguf$", "", base, flags=re.IGNORECASE)
    found = _QUANT_RE.findall(stem)
    if not found:
        return None
    q = found[-1].upper()  # the last one: "Q8_0" in "llama-q4-fix-Q8_0"
    return {"FP16": "F16", "FP32": "F32"}.get(q, q)


def quant_rank(quant: str | None) -> int:
    """Higher is better quality (and bigger); unknown names sort first."""
    return _RANK.get((quant or "").upper(), -1)


@dataclass
class RemotePart:
    """One file in a Hub repository."""

    filename: str                 # path inside the repository
    size: int | None = None
    sha256: str | None = None     # the Hub's LFS checksum


@dataclass
class RemoteModel:
    """One downloadable model: a single GGUF or all parts of a split one."""

    name: str                     # file name of the single file or first part
    parts: list[RemotePart] = field(default_factory=list)
    quant: str | None = None
    kind: str = "model"           # "model" or "mmproj" (a vision projector, not runnable alone)

    @property
    def size(self) -> int | None:
        sizes = [p.size for p in self.parts]
        return None if any(s is None for s in sizes) else sum(sizes)

    @property
    def split_count(self) -> int:
        return len(self.parts)

    @property
    def first(self) -> RemotePart:
        return self.parts[0]

    def to_dict(self) -> dict:
        return {"name": self.name, "quant": self.quant, "kind": self.kind, "size": self.size,
                "split_count": self.split_count,
                "files": [{"filename": p.filename, "size": p.size, "sha256": p.sha256}
                          for p in self.parts]}


def group_gguf_files(parts: list[RemotePart]) -> list[RemoteModel]:
    """GGUF files of a repository, split parts merged, sorted by quality.

    A split model whose parts are not all present is left out: it could never load.
    """
    singles: list[RemoteModel] = []
    splits: dict[tuple[str, str, int], dict[int, RemotePart]] = {}
    for p in parts:
        base = posixpath.basename(p.filename)
        if not base.lower().endswith(".gguf"):
            continue
        m = SPLIT_RE.match(base)
        if m and int(m["total"]) > 1:
            key = (posixpath.dirname(p.filename), m["stem"], int(m["total"]))
            splits.setdefault(key, {})[int(m["idx"])] = p
        else:
            singles.append(RemoteModel(name=base, parts=[p]))
    for (_, _, total), by_idx in splits.items():
        if sorted(by_idx) != list(range(1, total + 1)):
            continue
        ordered = [by_idx[i] for i in range(1, total + 1)]
        singles.append(RemoteModel(name=posixpath.basename(ordered[0].filename), parts=ordered))
    for m in singles:
        m.quant = quant_from_name(m.first.filename)
        if "mmproj" in m.name.lower():
            m.kind = "mmproj"
    singles.sort(key=lambda m: (m.kind != "model", quant_rank(m.quant), m.size or 0, m.name))
    return singles
