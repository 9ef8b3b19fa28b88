"""GUI test helpers: a main window on an isolated home with a chosen model."""

import shutil

import pytest


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp):
    """Garbage is collected on the GUI thread only (as the app does; see gui/gc_guard.py):
    a Qt widget freed by a collection on a worker thread crashes the process."""
    from gui import gc_guard

    gc_guard.install()
    yield
    gc_guard.uninstall()


@pytest.fixture
def main_window(qtbot, hearth_home, tiny_model, tiny_long_model):
    """A MainWindow whose library holds the tiny chat model (no auto-load)."""
    from engine.config import AppConfig
    from gui.app import MainWindow

    models = hearth_home / "data" / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, models / "tiny-chat.gguf")
    shutil.copy(tiny_long_model, models / "tiny-long.gguf")
    win = MainWindow(AppConfig.load(), auto_load=False)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.picker.combo.count() > 0, timeout=60000)
    yield win
    win.shutdown()


@pytest.fixture
def settings_widget(qtbot):
    """``settings_widget(cls)``: a Preferences window or page built on this test's home
    (``cls(AppConfig.load())``), shut down after the test so its worker threads end."""
    from engine.config import AppConfig

    made = []

    def make(cls):
        w = cls(AppConfig.load())
        qtbot.addWidget(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.shutdown()


def load(qtbot, win, name="tiny-chat"):
    """Load the library model whose file name starts with ``name`` (or a path)."""
    path = str(name)
    if "/" not in path:
        path = next(str(e.path) for e in win.picker.entries if e.path.name.startswith(name))
    win.load_model(path)
    # Wait for the window itself: bridge signals reach a test's waitSignal
    # before the window's queued slots have run.
    qtbot.waitUntil(lambda: win.loaded_path == path and win.chat.model_info is not None, timeout=60000)
