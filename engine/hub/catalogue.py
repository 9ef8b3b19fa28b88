"""The curated catalogue: how each suggested model would run here, without going online.

``resources/curated_catalogue.json`` holds, per curated repository, the numbers
a fit estimate needs (layers, heads, KV heads, head size, embedding,
vocabulary, trained context, parameters) and the file size of each common
quantization (most of them estimated as parameters × bits per weight / 8, each
marked). The Welcome page estimates from it at once and offline; only the
user's "Check on Hugging Face" reads the real files and headers
(``curated_with_fit`` in ``engine.hub.api``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.hardware import HardwareInfo
from engine.hub.fit import FitEstimate, ModelShape, estimate_fit, pick_best
from engine.hub.quant import RemoteModel, RemotePart

CATALOGUE_RESOURCE = "curated_catalogue.json"   # in resources/, found by engine.resources
SOURCE_LABEL = "estimated from the catalogue"


@dataclass
class CatalogueModel:
    repo_id: str
    architecture: str | None
    parameters: int | None
    layers: int
    heads: int
    kv_heads: int
    embedding: int
    head_dim: int
    vocab: int
    context: int
    files: dict[str, dict] = field(default_factory=dict)   # quant -> {"size": bytes, "estimated": bool}

    def shape(self) -> ModelShape:
        return ModelShape(n_layer=self.layers, n_head=self.heads, n_head_kv=self.kv_heads,
                          n_embd=self.embedding, head_dim_k=self.head_dim, head_dim_v=self.head_dim,
                          n_vocab=self.vocab, ctx_train=self.context)

    def find_quant(self, quant: str | None) -> str | None:
        """The catalogue's spelling of ``quant`` (case-insensitive), or None."""
        q = (quant or "").upper()
        return next((k for k in self.files if k.upper() == q), None)

    def size(self, quant: str) -> int | None:
        k = self.find_quant(quant)
        return int(self.files[k]["size"]) if k else None

    def size_estimated(self, quant: str) -> bool:
        k = self.find_quant(quant)
        return bool(self.files[k].get("estimated", True)) if k else True


def _model(repo_id: str, d: dict) -> CatalogueModel:
    files = {}
    for q, f in (d.get("files") or {}).items():
        size = f.get("size") if isinstance(f, dict) else f
        if isinstance(size, int) and size > 0:
            files[q] = {"size": size, "estimated": bool(f.get("estimated", True)) if isinstance(f, dict) else True}
    return CatalogueModel(repo_id=repo_id, architecture=d.get("architecture"), parameters=d.get("parameters"),
                          layers=int(d["layers"]), heads=int(d["heads"]), kv_heads=int(d.get("kv_heads") or d["heads"]),
                          embedding=int(d["embedding"]),
                          head_dim=int(d.get("head_dim") or int(d["embedding"]) // int(d["heads"])),
                          vocab=int(d.get("vocab") or 32000), context=int(d.get("context") or 4096), files=files)


def load_catalogue(path: Path | None = None) -> dict[str, CatalogueModel]:
    """Catalogue entries by lower-cased repository id; empty when the file is missing or unreadable
    (the Welcome page then offers only the online check)."""
    try:
        if path is None:
            from engine.resources import resource_path

            path = resource_path(CATALOGUE_RESOURCE)
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for repo_id, d in (raw.get("models") or {}).items() if isinstance(raw, dict) else ():
        try:
            out[repo_id.lower()] = _model(repo_id, d)
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            continue   # one malformed entry must not hide the others
    return out


@dataclass
class CatalogueEstimate:
    """One curated model's fit here, estimated from the catalogue (no network)."""

    repo_id: str
    quant: str                        # the recommended quantization
    size: int | None
    size_estimated: bool
    fit: FitEstimate | None
    best_quant: str | None = None     # the quantization that suits this machine best, per the catalogue
    best_size: int | None = None
    context: int | None = None
    parameters: int | None = None
    source: str = SOURCE_LABEL

    def to_dict(self) -> dict:
        return {"repo_id": self.repo_id, "quant": self.quant, "size": self.size,
                "size_estimated": self.size_estimated, "fit": self.fit.to_dict() if self.fit else None,
                "best_quant": self.best_quant, "best_size": self.best_size, "context": self.context,
                "parameters": self.parameters, "source": self.source}


def estimate_from_catalogue(entry: CatalogueModel, quant: str, hardware: HardwareInfo,
                            n_ctx: int | None = None) -> CatalogueEstimate:
    shape = entry.shape()
    size = entry.size(quant)
    fit = estimate_fit(size, shape, hardware, n_ctx) if size else None
    candidates = []
    for q, f in entry.files.items():
        m = RemoteModel(name=q, parts=[RemotePart(q, int(f["size"]))], quant=q)
        candidates.append((m, estimate_fit(int(f["size"]), shape, hardware, n_ctx)))
    best = pick_best(candidates)
    best_q = candidates[best][0].quant if best is not None else None
    return CatalogueEstimate(repo_id=entry.repo_id, quant=entry.find_quant(quant) or quant, size=size,
                             size_estimated=entry.size_estimated(quant), fit=fit, best_quant=best_q,
                             best_size=entry.size(best_q) if best_q else None, context=entry.context,
                             parameters=entry.parameters)


def curated_offline(curated: list, hardware: HardwareInfo, catalogue: dict[str, CatalogueModel] | None = None,
                    n_ctx: int | None = None) -> list[dict]:
    """Each curated model (``CuratedModel``) with its catalogue estimate, or why there is none."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    rows = []
    for c in curated:
        row = {"curated": c.to_dict(), "estimate": None, "entry": None, "error": None, "revision": None}
        entry = catalogue.get(c.repo_id.lower())
        if entry is None:
            row["note"] = "not in the catalogue: check on Hugging Face to see how it fits"
        elif entry.size(c.quant) is None:
            row["note"] = f"the catalogue has no {c.quant} size: check on Hugging Face to see how it fits"
        else:
            row["estimate"] = estimate_from_catalogue(entry, c.quant, hardware, n_ctx)
        rows.append(row)
    return rows
