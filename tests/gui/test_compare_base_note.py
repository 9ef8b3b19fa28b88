"""Issue 20 §4 in the Compare pane: a chosen local base model (no chat template) is named before anything runs,
with the engine's sentence (its answers will be poor; which instruction-tuned models to download), as the CLI's
``compare`` says on stderr — for a library model at once, for a file picked elsewhere once the data thread has
read its header — and never while a blind round hides the names."""

from __future__ import annotations

import shutil

import pytest

from gui.qt import Qt
from tests.gui.test_compare_pane import library_paths, start_run
from tests.gui.test_i18n import JAPANESE, ja_qm, japanese  # noqa: F401  (fixtures)

NOTE_TIMEOUT_MS = 30000


@pytest.fixture
def base_in_library(hearth_home, tiny_base_model):
    """The tiny base model in the library too (before the window lists it)."""
    models = hearth_home / "data" / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_base_model, models / "tiny-base.gguf")
    return models / "tiny-base.gguf"


def _warning(name: str) -> str:
    from engine.library import base_model_warning

    return base_model_warning(name)


def test_a_library_base_model_is_named_before_running_and_the_note_goes_with_it(qtbot, base_in_library,
                                                                                   main_window):
    win = main_window
    pane = win.compare_pane
    paths = library_paths(win)
    assert "tiny-base" in paths
    pane.set_models([paths["tiny-chat"], paths["tiny-long"]])       # both instruction-tuned (a chat template)
    assert pane.base_note.isHidden() and pane.base_note.text() == ""
    pane.set_models([paths["tiny-base"], paths["tiny-chat"]])
    assert not pane.base_note.isHidden(), "a library model is known at once: named before any Run"
    assert pane.base_note.text() == _warning("tiny-base")
    text = pane.base_note.text()
    assert text.startswith("tiny-base is a base model (it has no chat template)") and "will be poor" in text
    assert "Qwen2.5 0.5B Instruct" in text, "names the suggested instruction-tuned models"
    assert "tiny-chat" not in text
    assert pane.findChild(type(pane.base_note), "compareBaseNote") is pane.base_note
    pane.set_models([paths["tiny-chat"], paths["tiny-long"]])
    assert pane.base_note.isHidden()


def test_a_base_model_file_outside_the_library_is_named_once_its_header_is_read(qtbot, main_window,
                                                                                  tiny_base_model, tmp_path):
    win = main_window
    pane = win.compare_pane
    paths = library_paths(win)
    assert "tiny-base" not in paths
    second = tmp_path / "other-base.gguf"
    shutil.copy(tiny_base_model, second)
    pane.set_models([str(tiny_base_model), paths["tiny-chat"], str(second), str(tiny_base_model)])
    qtbot.waitUntil(lambda: not pane.base_note.isHidden(), timeout=NOTE_TIMEOUT_MS)
    assert pane.data.thread_ident is not None       # read on the data thread
    # Each base model file once, by the name its column has, in row order.
    qtbot.waitUntil(lambda: pane.base_note.text().count("is a base model") == 2, timeout=NOTE_TIMEOUT_MS)
    assert pane.base_note.text().splitlines() == [_warning("tiny-base"), _warning("other-base")]
    pane.set_models([paths["tiny-chat"], paths["tiny-long"]])
    assert pane.base_note.isHidden()
    pane.set_models([paths["tiny-chat"], str(second)])             # read before: named at once
    assert not pane.base_note.isHidden() and pane.base_note.text() == _warning("other-base")


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_RUNTIME_DIR", str(tmp_path / "run"))


def test_a_blind_round_hides_the_note_until_the_reveal(qtbot, base_in_library, main_window, runtime):
    """The note names the models: during a blind round it goes with the model choices, and comes back."""
    win = main_window
    pane = win.compare_pane
    win.tabs.setCurrentWidget(pane)
    win.show()
    qtbot.waitExposed(win)
    paths = library_paths(win)
    pane.set_models([paths["tiny-base"], paths["tiny-chat"]])
    assert pane.base_note.isVisible()
    pane.sampling_overrides = {"ignore_eos": True}
    pane.max_tokens.setValue(8)
    pane.blind_box.setChecked(True)
    start_run(qtbot, pane)
    assert pane.round is not None and not pane.round.revealed
    assert not pane.base_note.isVisible() and not pane.models_box.isVisible()
    with qtbot.waitSignal(pane.revealed, timeout=5000):
        qtbot.mouseClick(pane.reveal_button, Qt.MouseButton.LeftButton)
    assert pane.base_note.isVisible() and pane.base_note.text() == _warning("tiny-base")


def test_the_note_is_japanese(qtbot, japanese, base_in_library, main_window):  # noqa: F811
    pane = main_window.compare_pane
    paths = library_paths(main_window)
    pane.set_models([paths["tiny-base"], paths["tiny-chat"]])
    text = pane.base_note.text()
    assert not pane.base_note.isHidden() and text.startswith("tiny-base")
    assert JAPANESE.search(text) and "base model" not in text
