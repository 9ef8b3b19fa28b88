"""One CPU core budget for every model host on this machine.

Why: llama.cpp's CPU threads spin-wait on each other at every step. Two
thread pools on the same cores stall each other (measured on 2 cores: 50 tok/s
alone, under 10 each when two hosts run with 2 threads; ~28 each with 1 thread
each). So hosts *split* the physical cores instead of each taking all of them.

How: every host process holds a *lease* — a small JSON file in a per-user
runtime folder, locked (``flock`` / ``msvcrt.locking``) for as long as the host
lives. The kernel drops the lock when the process dies, however it dies, so a
crashed host never keeps cores reserved: the next reader finds the file
unlocked and removes it. Any Hearth process (the GUI, a CLI script, a test)
sees every other's hosts through the same folder.

A lease says whether its host is *busy* (evaluating a prompt or generating).
Idle hosts cost no CPU, so only busy hosts share the cores: one model
generating alone gets all of them; when a second starts, both run with half,
and the first gets them back when the second ends. Hosts re-read the folder
when a request starts and a few times a second while it runs, and change their
thread count in place (``llama_set_n_threads``) — no reload.

This module is plain Python (no llama.cpp): the host calls ``share()`` and
applies the number.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

LEASE_SUFFIX = ".lease"
# Windows locks byte ranges (mandatory): lock a byte far past the JSON so others can still read it.
_WIN_LOCK_OFFSET = 1 << 20


def physical_cores() -> int:
    """Cores this process may run on, physical ones only (SMT siblings add contention, not speed).

    ``HEARTH_CPU_CORES`` lowers it (tests; administrators who keep cores for other
    work). It never raises it past the logical CPUs this process may use: more
    spin-waiting llama.cpp threads than CPUs stall each other (a test that claimed
    4 cores on a 2-core CI machine once ran 60 times slower).
    """
    env = os.environ.get("HEARTH_CPU_CORES", "").strip()
    if env.isdigit() and int(env) > 0:
        return min(int(env), _allowed_cpus())
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except Exception:
        physical = None
    logical = os.cpu_count() or 1
    physical = physical or logical
    allowed = _allowed_cpus()  # a container or taskset may allow fewer
    # With SMT, the allowed logical CPUs map onto about allowed * physical/logical cores.
    if allowed < logical:
        physical = max(1, min(physical, round(allowed * physical / logical) or 1))
    return max(1, physical)


def _allowed_cpus() -> int:
    """The logical CPUs this process may run on (its affinity; all of them where the OS has none)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def registry_dir() -> Path:
    """The per-user runtime folder the leases live in (not under HEARTH_HOME:
    cores belong to the machine, not to one data folder)."""
    env = os.environ.get("HEARTH_RUNTIME_DIR")
    if env:
        return Path(env) / "cores"
    base = None
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg and os.path.isdir(xdg) and os.access(xdg, os.W_OK):
        base = Path(xdg) / "Hearth"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or tempfile.gettempdir()) / "Hearth" / "runtime"
    else:
        uid = os.getuid() if hasattr(os, "getuid") else "user"
        base = Path(tempfile.gettempdir()) / f"hearth-runtime-{uid}"
    return base / "cores"


def split_cores(total: int, caps: list[int | None]) -> list[int]:
    """Share ``total`` cores between hosts, each at most its cap (``None``/0: no cap).

    Water-filling: equal shares, what a capped host leaves goes to the others;
    earlier hosts get the remainder. Every host gets at least one thread, so
    the sum exceeds ``total`` only when there are more busy hosts than cores.
    """
    n = len(caps)
    if n == 0:
        return []
    caps_ = [c if c and c > 0 else total for c in caps]
    out = [0] * n
    left = total
    open_ = list(range(n))
    while open_ and left > 0:
        share, extra = divmod(left, len(open_))
        if share == 0:
            for i in open_[:extra]:
                out[i] += 1
            left = 0
            break
        still = []
        given = 0
        for k, i in enumerate(open_):
            want = share + (1 if k < extra else 0)
            give = min(want, caps_[i] - out[i])
            out[i] += give
            given += give
            if out[i] < caps_[i]:
                still.append(i)
        left -= given
        if given == 0:
            break
        open_ = still
    return [max(1, x) for x in out]


class OtherLoad:
    """How many cores programs *other than this one* keep busy, measured over
    the time since the last call (system CPU time minus this process's own).

    llama.cpp's threads wait on each other at every step, so one thread sharing
    a core with a busy program slows all of them: it is faster to run on the
    cores that are free (measured on 2 cores beside a busy loop: 2 threads
    ~29 tok/s, 1 thread ~45). Hosts use ``free_cores()`` as a second cap.
    """

    # A program must keep at least this much of a core busy to take the core away.
    BUSY_CORE = 0.6

    def __init__(self, total: int):
        self.total = total
        self._last = self._sample()

    @staticmethod
    def _sample():
        try:
            import psutil

            t = psutil.cpu_times()
            busy = sum(t) - t.idle - getattr(t, "iowait", 0.0)
            own = sum(os.times()[:2])
            return time.monotonic(), busy, own
        except Exception:
            return None

    def free_cores(self) -> int:
        now = self._sample()
        last, self._last = self._last, now
        if now is None or last is None or now[0] - last[0] < 0.05:
            return self.total
        others = ((now[1] - last[1]) - (now[2] - last[2])) / (now[0] - last[0])
        logical = os.cpu_count() or self.total
        # System CPU time counts logical CPUs; scale to the cores of the budget.
        busy_cores = others * self.total / logical
        taken = int(busy_cores + (1 - self.BUSY_CORE))
        return max(1, self.total - taken)


@dataclass
class LeaseInfo:
    name: str
    pid: int
    busy: bool
    cap: int
    since: float


def _lock(fd: int) -> bool:
    """Take the lease's lock without waiting; False if someone holds it."""
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _unlock(fd: int) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass


class CoreLease:
    """This host's place in the budget. Create it in the host process; it lasts
    until ``close()`` or the process's death."""

    def __init__(self, cap: int = 0, directory: Path | None = None, total: int | None = None):
        self.directory = Path(directory) if directory else registry_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.total = total or physical_cores()
        self.cap = max(0, int(cap or 0))
        self.busy = False
        self.since = time.time()
        # Created under a temporary name and locked *before* it appears under its
        # real name, so nobody can mistake a new lease for a dead one.
        self.name = f"{os.getpid()}-{secrets.token_hex(4)}{LEASE_SUFFIX}"
        tmp = self.directory / (self.name + ".new")
        self._fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        if not _lock(self._fd):  # pragma: no cover - a fresh random name is never locked
            raise OSError("could not lock a new core lease")
        self._write()
        os.replace(tmp, self.directory / self.name)

    @property
    def path(self) -> Path:
        return self.directory / self.name

    def _write(self) -> None:
        data = json.dumps({"pid": os.getpid(), "busy": self.busy, "cap": self.cap,
                           "since": self.since}).encode()
        os.lseek(self._fd, 0, os.SEEK_SET)
        os.write(self._fd, data.ljust(256))  # fixed size: a reader never sees a torn tail
        if os.name == "nt":
            os.lseek(self._fd, 0, os.SEEK_SET)

    def set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            if busy:
                self.since = time.time()
            try:
                self._write()
            except OSError:
                pass  # advisory: a full runtime folder must not stop a reply

    def others(self) -> list[LeaseInfo]:
        """Live leases of other hosts; dead ones are removed on the way."""
        return [info for info in read_leases(self.directory) if info.name != self.name]

    def share(self) -> int:
        """Threads this host should use now, counting itself as busy."""
        busy = [i for i in self.others() if i.busy]
        me = LeaseInfo(self.name, os.getpid(), True, self.cap, self.since)
        # A stable order (oldest first) so every host computes the same split.
        everyone = sorted(busy + [me], key=lambda i: (i.since, i.name))
        shares = split_cores(self.total, [i.cap for i in everyone])
        return shares[everyone.index(me)]

    def close(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink()
        except OSError:
            pass
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_leases(directory: Path | None = None) -> list[LeaseInfo]:
    """Every live lease in the folder (for ``doctor`` and tests); removes dead ones."""
    directory = Path(directory) if directory else registry_dir()
    out = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return out
    for entry in entries:
        if not entry.name.endswith(LEASE_SUFFIX):
            continue
        try:
            fd = os.open(entry.path, os.O_RDWR)
        except OSError:
            continue
        try:
            if _lock(fd):
                # Nobody holds it: its host is gone (crashed, killed). Forget it.
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
                _unlock(fd)
                continue
            os.lseek(fd, 0, os.SEEK_SET)
            raw = os.read(fd, 256)
        finally:
            os.close(fd)
        try:
            d = json.loads(raw.decode().strip())
            out.append(LeaseInfo(entry.name, int(d.get("pid", 0)), bool(d.get("busy")),
                                 int(d.get("cap") or 0), float(d.get("since") or 0)))
        except (ValueError, UnicodeDecodeError):
            continue
    return out
