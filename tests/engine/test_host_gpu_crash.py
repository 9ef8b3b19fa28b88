"""A GPU driver that aborts the host process while a model loads (CUDA can, instead of
returning an out-of-memory error) is retried with fewer layers in a fresh host, and the
load result says what happened. The GPU is simulated inside the real host process."""

from __future__ import annotations

import pytest

from engine.errors import HostCrashedError
from engine.host.client import EngineClient
from engine.host.protocol import LoadOptions, SamplingOptions


@pytest.fixture
def fake_gpu(monkeypatch, tmp_path):
    tries = tmp_path / "tries.txt"
    monkeypatch.setenv("HEARTH_HOST_TEST_HOOK", "tests.engine.fake_gpu_host")
    monkeypatch.setenv("HEARTH_FAKE_GPU_LOG", str(tries))

    def setup(abort_above: int):
        monkeypatch.setenv("HEARTH_FAKE_GPU_ABORT_ABOVE", str(abort_above))
        return lambda: [tuple(map(int, line.split())) for line in tries.read_text().splitlines()]
    return setup


def test_a_host_that_aborts_at_load_is_restarted_with_fewer_layers(fake_gpu, tiny_model, tmp_path):
    tries = fake_gpu(abort_above=1)
    with EngineClient(log_dir=tmp_path) as client:
        info = client.load(tiny_model, LoadOptions(gpu_layers="auto"))
        # 8 GiB free: the planner puts both layers and the output layer on the GPU (3); that host
        # dies; the next host gets 3 * 3 // 4 = 2, dies too; then 1 loads.
        assert [t[0] for t in tries()] == [3, 2, 1]
        assert info["gpu_layers"] == 1
        assert info["plan_note"] == ("loaded with 1 layer on the GPU after the model process crashed at "
                                     "2 layers (most likely out of GPU memory)")
        stats = client.complete("Once upon a time", SamplingOptions(max_tokens=4, seed=1))
        assert stats.completion_tokens > 0 and client.alive


def test_a_host_that_aborts_even_with_no_gpu_layers_reports_the_crash(fake_gpu, tiny_model, tmp_path):
    tries = fake_gpu(abort_above=-1)    # even 0 layers aborts: nothing left to take off the GPU
    with EngineClient(log_dir=tmp_path) as client:
        with pytest.raises(HostCrashedError, match="could not be loaded"):
            client.load(tiny_model, LoadOptions(gpu_layers="auto"))
        # every GPU layer count was tried once, down to none, then the crash is reported
        assert [t[0] for t in tries()] == [3, 2, 1, 0]
