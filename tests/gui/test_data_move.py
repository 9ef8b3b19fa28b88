"""Preferences → Data → Move…: the move is checked, confirmed with its size and recorded for the next start
(Cancel move forgets it); at start-up the move runs behind a progress dialog before the database opens, and
the window opens on the new folder; a failure says why and Hearth starts with the old folder."""

from __future__ import annotations

import errno
import json
import os

import pytest

from engine import relocate
from engine.config import AppConfig
from engine.store import Store
from gui.qt import QObject, QtWidgets, Slot
from gui.settings.data_move import DataMove, move_at_start
from gui.settings.settings_window import SettingsWindow, managed_tip
from tests.hub.conftest import memory_keyring  # noqa: F401 (fixture: the token control's keyring)

Yes = QtWidgets.QMessageBox.StandardButton.Yes


@pytest.fixture
def prefs(settings_widget, memory_keyring):  # noqa: F811
    return lambda: settings_widget(SettingsWindow)


def stored_chat(data_dir) -> int:
    with Store(data_dir / "hearth.sqlite3") as store:
        cid = store.create_conversation("Trip to Kyoto")
        store.add_message(cid, "user", "Which temples first?")
        store.add_message(cid, "assistant", "Kiyomizu-dera, early.")
    return cid


def pending_in_file():
    path = AppConfig.load().paths.settings_file
    return json.loads(path.read_text()).get("pending_data_move") if path.exists() else None


def test_move_button_records_the_move_for_the_next_start_and_cancel_move_forgets_it(
        qtbot, prefs, hearth_home, tmp_path, monkeypatch):
    stored_chat(hearth_home / "data")
    w = prefs()
    assert w.move_data_button.isEnabled()
    assert w.pending_move_label.isHidden() and w.cancel_move_button.isHidden()
    target = tmp_path / "new-place"
    asked = []
    monkeypatch.setattr(QtWidgets.QFileDialog, "getExistingDirectory",
                        lambda parent, title, start: asked.append(start) or str(target))
    with qtbot.waitSignal(w.confirmShown) as shown:
        w.move_data_button.click()
    assert shown.args == ["move"] and asked == [str(hearth_home)]
    text = w.confirm_box.text()
    assert str(target) in text and "Hearth next starts" in text and str(hearth_home / "data") in text
    n = relocate.check_move(hearth_home / "data", target).files
    assert n >= 1 and (f"in {n} files" if n > 1 else "in 1 file") in text
    w.confirm_box.button(Yes).click()
    qtbot.waitUntil(lambda: w.confirm_box is None)
    assert pending_in_file() == {"to": str(target)}
    assert not w.pending_move_label.isHidden() and not w.cancel_move_button.isHidden()
    assert w.pending_move_label.text() == f"Moves to {target} at the next start."
    assert not target.exists()                                   # nothing moves before the next start
    assert AppConfig.load().paths.data_dir == hearth_home / "data"
    # a new Preferences window shows the pending move too; Cancel move forgets it
    w2 = prefs()
    assert not w2.pending_move_label.isHidden() and str(target) in w2.pending_move_label.text()
    w2.cancel_move_button.click()
    assert pending_in_file() is None
    assert w2.pending_move_label.isHidden() and w2.cancel_move_button.isHidden()


def test_answering_keep_it_here_records_nothing(qtbot, prefs, tmp_path):
    w = prefs()
    with qtbot.waitSignal(w.confirmShown):
        w.ask_move(tmp_path / "elsewhere")
    w.confirm_box.button(QtWidgets.QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: w.confirm_box is None)
    assert pending_in_file() is None and w.pending_move_label.isHidden()


def test_a_folder_that_cannot_take_the_data_is_refused_with_the_reason(qtbot, prefs, hearth_home, tmp_path):
    stored_chat(hearth_home / "data")
    w = prefs()
    with qtbot.waitSignal(w.confirmShown) as shown:
        w.ask_move(hearth_home / "data" / "models")
    assert shown.args == ["move_refused"]
    assert "inside the current data folder" in w.confirm_box.text()
    w.confirm_box.button(QtWidgets.QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: w.confirm_box is None)
    assert pending_in_file() is None and w.pending_move_label.isHidden()


def test_a_non_empty_folder_gets_a_hearth_folder_inside_it(qtbot, prefs, tmp_path):
    docs = tmp_path / "Documents"
    docs.mkdir()
    (docs / "mine.txt").write_text("keep")
    w = prefs()
    with qtbot.waitSignal(w.confirmShown) as shown:
        w.ask_move(docs)
    assert shown.args == ["move"] and str(docs / "Hearth") in w.confirm_box.text()
    w.confirm_box.button(Yes).click()
    qtbot.waitUntil(lambda: w.confirm_box is None)
    assert pending_in_file() == {"to": str(docs / "Hearth")}


def test_move_is_disabled_when_the_administrator_sets_the_data_folder(qtbot, prefs, tmp_path, machine_policy):
    machine_policy.write_text(json.dumps({"data_dir": str(tmp_path / "it-data")}))
    w = prefs()
    assert not w.move_data_button.isEnabled()
    assert w.move_data_button.toolTip() == managed_tip()
    assert w.data_path.text() == str(tmp_path / "it-data")


def test_start_up_runs_the_pending_move_and_the_window_opens_on_the_new_folder(qtbot, hearth_home, tmp_path):
    from gui.app import MainWindow

    old = hearth_home / "data"
    cid = stored_chat(old)
    target = tmp_path / "big-disk" / "Hearth"
    relocate.request_move(AppConfig.load().settings, target)

    config, result = move_at_start(AppConfig.load())
    assert result is not None and result.moved and result.error is None
    assert config.paths.data_dir == target and config.paths.database == target / "hearth.sqlite3"
    assert not old.exists() and (target / "hearth.sqlite3").is_file()
    assert pending_in_file() is None
    win = MainWindow(config, auto_load=False)
    qtbot.addWidget(win)
    try:
        assert win.chat.conversation_id == cid
        assert "Kiyomizu-dera" in win.chat.view.toPlainText()
        assert not old.exists()                                # nothing was opened at the old place
    finally:
        win.shutdown()
    assert AppConfig.load().paths.data_dir == target           # and every later start (and the CLI)


def test_start_up_with_a_failing_move_says_why_and_keeps_the_old_folder(qtbot, hearth_home, tmp_path,
                                                                         monkeypatch):
    old = hearth_home / "data"
    cid = stored_chat(old)
    monkeypatch.setattr(relocate, "same_filesystem", lambda a, b: False)

    def no_space(s, d, on_bytes, cancelled):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(relocate, "_copy_file", no_space)
    shown = []

    def fake_exec(box):
        shown.append(box.text())
        return QtWidgets.QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", fake_exec)
    target = tmp_path / "usb" / "Hearth"
    relocate.request_move(AppConfig.load().settings, target)
    config, result = move_at_start(AppConfig.load())
    assert result is not None and not result.moved
    assert config.paths.data_dir == old and AppConfig.load().paths.data_dir == old
    assert len(shown) == 1 and "not enough disk space" in shown[0] and str(old) in shown[0]
    assert pending_in_file() is None and not target.exists()
    with Store(old / "hearth.sqlite3") as store:
        assert store.get_conversation(cid)["title"] == "Trip to Kyoto"


def test_cancel_in_the_progress_dialog_puts_everything_back(qtbot, hearth_home, tmp_path, monkeypatch):
    old = hearth_home / "data"
    stored_chat(old)
    models = old / "models"
    models.mkdir()
    for name in ("a.gguf", "b.gguf", "c.gguf"):
        (models / name).write_bytes(os.urandom(100_000))
    before = sorted(p.relative_to(old) for p in old.rglob("*"))
    monkeypatch.setattr(relocate, "same_filesystem", lambda a, b: False)
    move = DataMove(AppConfig.load())
    real_copy = relocate._copy_file

    def copy_then_wait(s, d, on_bytes, cancelled):
        real_copy(s, d, on_bytes, cancelled)
        move.cancel_event.wait(30)          # hold the worker until the user's Cancel has arrived

    monkeypatch.setattr(relocate, "_copy_file", copy_then_wait)
    class User(QObject):
        """Presses the dialog's Cancel button once the first progress has reached it (GUI thread)."""

        pressed = 0

        @Slot(object, object)
        def on_progress(self, done, total):
            if move.dialog is not None and not self.pressed:
                self.pressed += 1
                move.dialog.findChild(QtWidgets.QPushButton).click()

    user = User()
    move.progressed.connect(user.on_progress)
    target = tmp_path / "target"
    relocate.request_move(move.config.settings, target)
    result = move.run()
    assert user.pressed == 1
    assert result.cancelled and not result.moved
    assert sorted(p.relative_to(old) for p in old.rglob("*")) == before
    assert not target.exists() and pending_in_file() is None
    assert AppConfig.load().paths.data_dir == old


def test_every_move_sentence_is_in_the_engine_catalogue_and_shows_in_japanese(qtbot, qapp, prefs, hearth_home,
                                                                             tmp_path, monkeypatch):
    from engine.errors import BadInputError, HearthError
    from engine.config import Policy
    from gui import engine_messages as em, i18n

    src = hearth_home / "data"
    stored_chat(src)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    (tmp_path / "a-file").write_text("x")
    sentences = []
    for dst, policy in ((src / "models", None), (src.parent, None), (src, None), (tmp_path / "full", None),
                        (tmp_path / "a-file", None), (tmp_path / "ok", Policy(data_dir=tmp_path / "it"))):
        with pytest.raises(BadInputError) as e:
            relocate.check_move(src, dst, policy)
        sentences.append(str(e.value))
    monkeypatch.setattr(relocate, "same_filesystem", lambda a, b: False)
    with monkeypatch.context() as m:
        m.setattr(relocate.shutil, "disk_usage", lambda p: relocate.shutil._ntuple_diskusage(10, 9, 1))
        with pytest.raises(BadInputError) as e:
            relocate.check_move(src, tmp_path / "small")
        sentences.append(str(e.value))
    plan = relocate.check_move(src, tmp_path / "new")
    for error in (OSError(errno.ENOSPC, "No space left on device"), OSError(errno.EACCES, "Permission denied"),
                  OSError(errno.EIO, "Input/output error"), relocate.CancelledError("cancelled")):
        def fail(s, d, on_bytes, cancelled, error=error):
            raise error

        monkeypatch.setattr(relocate, "_copy_file", fail)
        with pytest.raises(HearthError) as e:
            relocate.move_data(plan)
        sentences.append(str(e.value))
    assert len(set(sentences)) == len(sentences) == 11
    for s in sentences:
        assert em.is_known(s) and em.is_known(s[:1].upper() + s[1:] + "."), s
    assert i18n.compile_translation("ja") is not None
    try:
        assert i18n.install_translation(qapp, "ja") == "ja"
        w = prefs()
        assert w.move_data_button.text() == "移動…"
        with qtbot.waitSignal(w.confirmShown):
            w.ask_move(src / "models")
        assert w.confirm_box.text().startswith(f"{src / 'models'} は現在のデータフォルダー {src} の中にあります。")
        assert w.confirm_box.text().endswith("。")
        w.confirm_box.close()
    finally:
        assert i18n.install_translation(qapp, "en") == "en"


def test_the_app_runs_the_pending_move_before_it_opens_anything(hearth_home, tmp_path):
    """The real start-up (python main.py): the move runs first, the window opens on the new folder (nothing is
    created at the old one), and the CLI finds the data there afterwards."""
    import subprocess
    import sys

    from tests.conftest import ROOT, run_cli

    old = hearth_home / "data"
    cid = stored_chat(old)
    target = tmp_path / "other-disk" / "Hearth"
    relocate.request_move(AppConfig.load().settings, target)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HEARTH_EXIT_AFTER_SHOWN="1")
    r = subprocess.run([sys.executable, str(ROOT / "main.py")], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "window shown" in r.stdout
    assert not old.exists()                       # the window did not open (or create) a database there
    assert (target / "hearth.sqlite3").is_file() and pending_in_file() is None
    with Store(target / "hearth.sqlite3") as store:
        assert store.get_conversation(cid)["title"] == "Trip to Kyoto"
    doctor = run_cli("doctor", "--json")
    assert doctor.returncode == 0, doctor.stderr
    assert json.loads(doctor.stdout)["paths"]["database"] == str(target / "hearth.sqlite3")
