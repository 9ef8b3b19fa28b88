"""The Model hub: browse GGUF repositories, estimate fit, download verified files.

Engine code only (no Qt): the GUI calls these and forwards callbacks to its thread.

- ``HubClient(config).search(query, sort=, limit=)`` -> ``[RepoSummary]``
- ``HubClient(config).repo_files(repo_id, hardware=, n_ctx=)`` -> ``RepoFiles``
  (GGUF models grouped by quant, split files merged, a ``FitEstimate`` each, best flagged)
- ``HubClient(config).model_card(repo_id)`` -> README text
- ``load_curated()`` / ``curated_with_fit(client, hardware)`` -> the first-run list, checked online
- ``catalogue.curated_offline(curated, hardware)`` -> the same list estimated from
  ``resources/curated_catalogue.json`` with no network (what the Welcome page shows first)
- ``DownloadManager(config, on_update=...)``: ``add_from_hub`` / ``add``, ``start``,
  ``pause``, ``resume``, ``cancel``, ``remove``, ``jobs``, ``wait``, ``run_job``, ``shutdown``
- ``token``: ``set_token``, ``clear_token``, ``get_token``, ``token_status``, ``set_session_token``
"""

from engine.hub.api import (CuratedModel, FileEntry, HubClient, RepoFiles, RepoSummary, curated_with_fit,
                            hub_endpoint, load_curated)
from engine.hub.download import (DiskFullError, ChecksumError, DownloadJob, DownloadManager, PartProgress,
                                 RetryPolicy)
from engine.hub.fit import FitEstimate, ModelShape, estimate_fit, pick_best
from engine.hub.quant import RemoteModel, RemotePart, group_gguf_files, quant_from_name

__all__ = [
    "CuratedModel", "FileEntry", "HubClient", "RepoFiles", "RepoSummary", "curated_with_fit",
    "hub_endpoint", "load_curated", "DiskFullError", "ChecksumError", "DownloadJob",
    "DownloadManager", "PartProgress", "RetryPolicy", "FitEstimate", "ModelShape", "estimate_fit",
    "pick_best", "RemoteModel", "RemotePart", "group_gguf_files", "quant_from_name",
]
