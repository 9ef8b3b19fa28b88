"""The window never waits on the keyring (issue 7, section 6): a keyring that blocks (a locked
keyring waiting on its unlock prompt, a stuck D-Bus) leaves the event loop running."""

import threading
import time

import keyring
import keyring.backend
import pytest
from keyring.compat import properties

from gui.qt import Qt, QtCore


class BlockingKeyring(keyring.backend.KeyringBackend):
    """Every call waits until ``gate`` is set, as a keyring waiting for its unlock prompt does.

    keyring registers every KeyringBackend subclass it sees: outside the fixture
    this one must not be viable, or a later test's default keyring (keyring's
    chainer) would include a fresh instance whose gate nobody opens.
    """

    active = False

    @properties.classproperty
    def priority(cls):
        if not cls.active:
            raise RuntimeError("only inside the blocking_keyring fixture")
        return 1

    def __init__(self):
        super().__init__()
        self.gate = threading.Event()
        self.store: dict = {}
        self.threads: set[str] = set()

    def _wait(self):
        self.threads.add(threading.current_thread().name)
        assert self.gate.wait(30), "the test never opened the gate"

    def get_password(self, service, username):
        self._wait()
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self._wait()
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self._wait()
        self.store.pop((service, username), None)


@pytest.fixture
def blocking_keyring(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    old = keyring.get_keyring()
    BlockingKeyring.active = True
    kr = BlockingKeyring()
    keyring.set_keyring(kr)
    try:
        yield kr
    finally:
        kr.gate.set()
        BlockingKeyring.active = False
        keyring.set_keyring(old)


class Ticks(QtCore.QObject):
    def __init__(self):
        super().__init__()
        self.count = 0
        self.timer = QtCore.QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self):
        self.count += 1


def test_token_control_never_blocks_on_the_keyring(qtbot, blocking_keyring):
    from gui.panes.models.token_dialog import TokenControl

    started = time.perf_counter()
    tc = TokenControl()                       # reads the status: the keyring blocks
    qtbot.addWidget(tc)
    assert time.perf_counter() - started < 1.0
    assert tc.busy and "Checking the keyring" in tc.status_label.text()
    assert not tc.set_btn.isEnabled()
    ticks = Ticks()
    qtbot.waitUntil(lambda: ticks.count >= 20, timeout=5000)   # the event loop runs meanwhile
    assert tc.busy
    with qtbot.waitSignal(tc.finished, timeout=10000) as done:
        blocking_keyring.gate.set()
    assert done.args == ["refresh", True]
    assert "Not set" in tc.status_label.text() and tc.set_btn.isEnabled()

    blocking_keyring.gate.clear()
    started = time.perf_counter()
    tc.apply("hf_goodtoken123")               # the keyring blocks again
    assert time.perf_counter() - started < 1.0
    before = ticks.count
    qtbot.waitUntil(lambda: ticks.count >= before + 20, timeout=5000)
    assert tc.busy and not blocking_keyring.store
    with qtbot.waitSignal(tc.tokenChanged, timeout=10000), qtbot.waitSignal(tc.finished, timeout=10000) as done:
        blocking_keyring.gate.set()
    assert done.args == ["set", True]
    assert blocking_keyring.store[("Hearth", "huggingface-token")] == "hf_goodtoken123"
    assert "keyring" in tc.status_label.text()
    assert threading.main_thread().name not in blocking_keyring.threads
