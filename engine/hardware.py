"""What this machine can run: backend, devices, memory, threads.

The backend and device list come from llama.cpp itself (the ggml backend
registry in the libraries llama-cpp-python ships), so what we report is what
the engine will actually use, not a guess from ``nvidia-smi``.
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import asdict, dataclass, field

import psutil

# ggml_backend_dev_type
_DEV_TYPES = {0: "cpu", 1: "gpu", 2: "igpu", 3: "accel"}


@dataclass
class Device:
    name: str
    description: str
    kind: str               # "cpu", "gpu", "igpu", "accel"
    free_bytes: int = 0
    total_bytes: int = 0


@dataclass
class HardwareInfo:
    backend: str = "CPU"                 # CPU, CUDA, ROCm, Metal, Vulkan, SYCL...
    gpu_offload: bool = False
    devices: list[Device] = field(default_factory=list)
    ram_total: int = 0
    ram_available: int = 0
    cpu_threads: int = 0
    cpu_cores: int = 0
    llama_cpp_version: str | None = None
    system_info: str | None = None
    cpu_variant: str | None = None       # a portable build's CPU module in use ("haswell", "icelake"...)
    error: str | None = None

    @property
    def gpus(self) -> list[Device]:
        return [d for d in self.devices if d.kind in ("gpu", "igpu")]

    @property
    def vram_free(self) -> int:
        return sum(d.free_bytes for d in self.gpus)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["gpus"] = [asdict(g) for g in self.gpus]
        return d


def _backend_name(reg_names: list[str], dev_names: list[str]) -> str:
    names = " ".join(reg_names + dev_names).lower()
    for key, label in (("cuda", "CUDA"), ("rocm", "ROCm"), ("hip", "ROCm"), ("metal", "Metal"),
                       ("vulkan", "Vulkan"), ("sycl", "SYCL"), ("opencl", "OpenCL")):
        if key in names:
            return label
    return "CPU"


def _ggml_devices() -> tuple[list[str], list[Device]]:
    """Backend registry names and devices, via the ggml library libllama itself uses.

    Symbols are looked up in the libggml libllama uses (engine/host/backends.py ``libggml``: with
    ``LLAMA_CPP_LIB_PATH`` pointing at a CUDA build, the package's own libggml would list the CPU
    build's devices — seen on an H200: no GPU in the list while llama.cpp used it)."""
    from engine.host.backends import libggml

    lib = libggml()
    vp, sz = ctypes.c_void_p, ctypes.c_size_t
    lib.ggml_backend_reg_count.restype = sz
    lib.ggml_backend_reg_get.restype = vp
    lib.ggml_backend_reg_get.argtypes = [sz]
    lib.ggml_backend_reg_name.restype = ctypes.c_char_p
    lib.ggml_backend_reg_name.argtypes = [vp]
    lib.ggml_backend_dev_count.restype = sz
    lib.ggml_backend_dev_get.restype = vp
    lib.ggml_backend_dev_get.argtypes = [sz]
    lib.ggml_backend_dev_name.restype = ctypes.c_char_p
    lib.ggml_backend_dev_name.argtypes = [vp]
    lib.ggml_backend_dev_description.restype = ctypes.c_char_p
    lib.ggml_backend_dev_description.argtypes = [vp]
    lib.ggml_backend_dev_type.restype = ctypes.c_int
    lib.ggml_backend_dev_type.argtypes = [vp]
    lib.ggml_backend_dev_memory.restype = None
    lib.ggml_backend_dev_memory.argtypes = [vp, ctypes.POINTER(sz), ctypes.POINTER(sz)]

    regs = [(lib.ggml_backend_reg_name(lib.ggml_backend_reg_get(i)) or b"").decode()
            for i in range(lib.ggml_backend_reg_count())]
    devices = []
    for i in range(lib.ggml_backend_dev_count()):
        dev = lib.ggml_backend_dev_get(i)
        free, total = sz(0), sz(0)
        lib.ggml_backend_dev_memory(dev, ctypes.byref(free), ctypes.byref(total))
        devices.append(Device(
            name=(lib.ggml_backend_dev_name(dev) or b"").decode(errors="replace"),
            description=(lib.ggml_backend_dev_description(dev) or b"").decode(errors="replace"),
            kind=_DEV_TYPES.get(lib.ggml_backend_dev_type(dev), "other"),
            free_bytes=free.value, total_bytes=total.value))
    return regs, devices


def detect() -> HardwareInfo:
    vm = psutil.virtual_memory()
    info = HardwareInfo(ram_total=vm.total, ram_available=vm.available,
                        cpu_threads=os.cpu_count() or 1,
                        cpu_cores=psutil.cpu_count(logical=False) or os.cpu_count() or 1)
    try:
        import llama_cpp

        from engine.host.backends import ensure_loaded

        info.cpu_variant = ensure_loaded()["cpu_variant"]   # a portable build loads its backends first
        info.llama_cpp_version = getattr(llama_cpp, "__version__", None)
        info.gpu_offload = bool(llama_cpp.llama_supports_gpu_offload())
        info.system_info = llama_cpp.llama_print_system_info().decode(errors="replace").strip()
        regs, devices = _ggml_devices()
        info.devices = devices
        info.backend = _backend_name(regs, [d.name for d in devices if d.kind != "cpu"])
    except Exception as e:  # a broken llama.cpp install must still let doctor report it
        info.error = f"llama.cpp could not be queried: {e}"
    return info


# ---- memory estimates ---------------------------------------------------------

def kv_cache_bytes(n_ctx: int, n_layer: int, n_head_kv: int, head_dim_k: int, head_dim_v: int,
                   bytes_per_el: int = 2) -> int:
    """f16 K and V for every layer and position."""
    return n_ctx * n_layer * n_head_kv * (head_dim_k + head_dim_v) * bytes_per_el


def estimate_gpu_layers(file_size: int, n_layer: int, vram_free: int, n_ctx: int,
                        kv_bytes: int, reserve: int = 512 << 20) -> int:
    """How many of ``n_layer`` layers fit in free VRAM (-1 = all).

    Layers are taken as equal slices of the file; the KV cache is split the same
    way (it lives with its layer); ``reserve`` covers compute buffers and the
    output layer.
    """
    if n_layer <= 0 or vram_free <= reserve:
        return 0
    per_layer = (file_size + kv_bytes) / (n_layer + 1)
    fit = int((vram_free - reserve) // max(per_layer, 1))
    if fit >= n_layer + 1:
        return -1
    return max(0, min(fit, n_layer))
