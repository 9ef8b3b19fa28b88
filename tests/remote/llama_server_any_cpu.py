"""``python -m llama_cpp.server`` with llama.cpp's extra buffer types off, so the stand-in
company server runs on every CPU.

Why: on Intel CPUs with AMX, llama.cpp's AMX kernels (an extra buffer type) die by SIGILL
on the first reply (issue 17). Hearth's own model host recovers from that by itself
(engine/host/cpu_fallback.py); llama-cpp-python's server, which the remote tests use as a
company inference server, does not — and it is not the code under test. Extra buffer types
off is the same setting Hearth's fallback uses: no AMX kernels, no repacked weights.
"""

import runpy
import sys

import llama_cpp.llama_cpp as lc

_default_params = lc.llama_model_default_params


def _params_without_extra_bufts():
    params = _default_params()
    params.use_extra_bufts = False
    return params


lc.llama_model_default_params = _params_without_extra_bufts  # llama_cpp.Llama builds its params here

if __name__ == "__main__":
    sys.argv[0] = "llama_cpp.server"
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
