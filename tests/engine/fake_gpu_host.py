"""Loaded into a model host by ``HEARTH_HOST_TEST_HOOK=tests.engine.fake_gpu_host`` (tests only).

The host then believes llama.cpp was built for CUDA with one GPU of
``HEARTH_FAKE_GPU_FREE`` bytes free, and ``Llama()`` aborts the whole process
(as a CUDA driver can on out-of-memory) when more than
``HEARTH_FAKE_GPU_ABORT_ABOVE`` layers are offloaded; otherwise the model loads
on this machine's CPU. Each try is appended to ``HEARTH_FAKE_GPU_LOG``.
"""

from __future__ import annotations

import os


def install() -> None:
    import llama_cpp

    from engine import hardware

    free = int(os.environ.get("HEARTH_FAKE_GPU_FREE", str(8 << 30)))
    abort_above = int(os.environ["HEARTH_FAKE_GPU_ABORT_ABOVE"])
    log = os.environ.get("HEARTH_FAKE_GPU_LOG")
    real = llama_cpp.Llama
    hw = hardware.HardwareInfo(backend="CUDA", gpu_offload=True,
                               devices=[hardware.Device("CUDA0", "sim", "gpu", free, free),
                                        hardware.Device("CPU", "cpu", "cpu")])
    llama_cpp.llama_supports_gpu_offload = lambda: True
    hardware.detect = lambda: hw

    def llama(**kw):
        if log:
            with open(log, "a") as f:
                f.write(f"{kw['n_gpu_layers']} {kw['n_ctx']}\n")
        if kw["n_gpu_layers"] > abort_above:
            os.abort()    # what a driver abort looks like to the parent: SIGABRT, no reply
        return real(**dict(kw, n_gpu_layers=0))

    llama_cpp.Llama = llama
