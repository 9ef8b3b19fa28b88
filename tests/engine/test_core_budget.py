"""The machine-wide CPU core budget: hosts split the cores instead of stalling each other."""

import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from engine.host import budget
from engine.host.budget import CoreLease, read_leases, split_cores
from engine.host.client import EngineClient
from engine.host.protocol import LoadOptions, SamplingOptions


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    """A private lease folder, so other Hearth processes on this machine do not count."""
    monkeypatch.setenv("HEARTH_RUNTIME_DIR", str(tmp_path / "run"))
    return tmp_path / "run" / "cores"


# ---- the split itself ---------------------------------------------------------

def test_split_never_exceeds_the_cores():
    for total in range(1, 17):
        for n in range(1, total + 1):
            shares = split_cores(total, [None] * n)
            assert sum(shares) == total
            assert max(shares) - min(shares) <= 1


def test_split_gives_a_capped_hosts_leftover_to_the_others():
    assert split_cores(8, [2, None]) == [2, 6]
    assert split_cores(8, [1, 1, None]) == [1, 1, 6]
    assert split_cores(4, [8, 8]) == [2, 2]


def test_more_hosts_than_cores_get_one_thread_each():
    assert split_cores(2, [None, None, None]) == [1, 1, 1]


# ---- leases ---------------------------------------------------------------------

def test_only_busy_hosts_share(runtime):
    a = CoreLease(directory=runtime, total=4)
    b = CoreLease(directory=runtime, total=4)
    try:
        a.set_busy(True)
        assert a.share() == 4          # b is loaded but idle: it costs no CPU
        b.set_busy(True)
        assert a.share() == 2 and b.share() == 2
        b.set_busy(False)
        assert a.share() == 4          # the cores come back when b finishes
    finally:
        a.close()
        b.close()
    assert read_leases(runtime) == []


def test_an_explicit_thread_count_is_a_cap(runtime):
    with CoreLease(cap=1, directory=runtime, total=4) as a, CoreLease(directory=runtime, total=4) as b:
        a.set_busy(True)
        assert a.share() == 1
        assert b.share() == 3


def test_a_killed_process_does_not_keep_cores(runtime):
    """A host killed with SIGKILL leaves its file behind, but not its claim."""
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(os.getcwd())!r})
        from engine.host.budget import CoreLease
        lease = CoreLease(directory={str(runtime)!r}, total=4)
        lease.set_busy(True)
        print("ready", flush=True)
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        with CoreLease(directory=runtime, total=4) as mine:
            assert mine.share() == 2            # the other process is alive and busy
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            assert mine.share() == 4            # its lock died with it
        assert read_leases(runtime) == []
        assert not list(runtime.glob("*.lease"))  # and the stale file was cleaned up
    finally:
        if proc.poll() is None:
            proc.kill()


def test_default_folder_is_per_user_and_outside_hearth_home(monkeypatch, tmp_path):
    monkeypatch.delenv("HEARTH_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("HEARTH_HOME", str(tmp_path / "home"))
    assert str(tmp_path / "home") not in str(budget.registry_dir())


def test_physical_cores_override_lowers_the_count(monkeypatch):
    monkeypatch.setenv("HEARTH_CPU_CORES", "1")
    assert budget.physical_cores() == 1


def test_physical_cores_override_never_exceeds_the_cpus(monkeypatch):
    """An administrator's (or a test's) count above the machine's CPUs would put more
    spin-waiting threads than CPUs to work: it is capped at the CPUs allowed."""
    monkeypatch.setattr(budget, "_allowed_cpus", lambda: 2)
    monkeypatch.setenv("HEARTH_CPU_CORES", "64")
    assert budget.physical_cores() == 2


# ---- real hosts -------------------------------------------------------------------

@pytest.mark.skipif(budget._allowed_cpus() < 2, reason="sharing cores needs at least two")
def test_two_hosts_rebalance_without_reloading(runtime, monkeypatch, tmp_path, tiny_long_model):
    """Host A generates alone with all cores; when B starts, A drops to half in place
    (same process, same request), and B gets the other half. (B's reply lasts
    several of A's re-balancing intervals even on the tiny model.)

    Two cores, not more: a budget larger than the machine's cores puts more
    spin-waiting llama.cpp threads than cores on a 2-core CI machine, and a
    noisy one then slows to a crawl (CI once took over 300 s for B's reply)."""
    monkeypatch.setenv("HEARTH_CPU_CORES", "2")
    a = EngineClient(log_dir=tmp_path / "a")
    b = EngineClient(log_dir=tmp_path / "b")
    try:
        info_a = a.load(tiny_long_model, LoadOptions(n_ctx=16384))
        b.load(tiny_long_model, LoadOptions(n_ctx=8704))
        assert info_a["threads"] == 2
        pid_a = a.pid
        result = {}
        started = threading.Event()

        def run_a():
            result["a"] = a.chat([{"role": "user", "content": "go"}],
                                 SamplingOptions(max_tokens=16000, ignore_eos=True, seed=1),
                                 on_text=lambda t: started.set())

        t = threading.Thread(target=run_a)
        t.start()
        assert started.wait(60)
        stats_b = b.chat([{"role": "user", "content": "hi"}],
                         SamplingOptions(max_tokens=8000, ignore_eos=True, seed=2))
        a.cancel()
        t.join(60)
        stats_a = result["a"]
        assert stats_b.threads_max == 1, "B started while A was busy: it must get only its half"
        assert stats_a.threads_max == 2 and stats_a.threads_min == 1, "A shared while B ran"
        assert a.pid == pid_a  # re-balanced in place: no new host, no reload
    finally:
        a.unload()
        b.unload()
    assert read_leases(runtime) == []  # unload gave the cores back
