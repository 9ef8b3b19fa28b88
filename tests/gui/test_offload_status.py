"""The model status shows where llama.cpp really put the model, and the plan's note."""

from __future__ import annotations


def test_loaded_model_status_shows_llama_cpps_offload_and_the_note(qtbot, main_window):
    win = main_window
    info = {"path": "/models/big-8b.gguf", "n_ctx": 4096, "gpu_layers": 24, "threads": 8, "load_s": 2.0,
            "gpu_offload": True,
            "plan_note": "loaded with 24 of 32 layers on the GPU after running out of GPU memory at 33 layers",
            "offload": {"layers_offloaded": 24, "layers_total": 33, "backend": "CUDA", "on_gpu": True,
                        "gpu_buffer_bytes": 5 << 30, "devices": [{"name": "CUDA0", "used_bytes": 6 << 30}]}}
    win._on_loaded(info)
    where = "24 of 33 layers on the GPU (CUDA): 5.00 GiB in llama.cpp's buffers, 6.00 GiB used on CUDA0"
    assert win.picker.state.text().endswith(" · " + where)
    assert info["plan_note"] in win.picker.state.toolTip() and where in win.picker.state.toolTip()
    assert where in win.statusBar().currentMessage()
    assert win.banner.kind == "info" and info["plan_note"] in win.banner.label.text()


def test_cpu_build_status_is_unchanged_in_the_picker(qtbot, main_window):
    win = main_window
    win._on_loaded({"path": "/models/small.gguf", "n_ctx": 512, "gpu_layers": 0, "threads": 2, "gpu_offload": False,
                    "plan_note": "", "offload": {"on_gpu": False, "backend": "CPU"}})
    assert win.picker.state.text() == "Loaded: small" and win.picker.state.toolTip() == ""
    assert "on the CPU" in win.statusBar().currentMessage()
