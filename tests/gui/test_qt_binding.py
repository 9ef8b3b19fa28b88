"""The Qt binding itself: a release that breaks reference counting aborts the app at exit.

PySide6 6.12.0 drops a reference to ``True``/``False`` on every emit of a
``Signal(bool)``; after a few hundred emits (the toolbar toggles, checkboxes)
the interpreter aborts while exiting ("bool_dealloc"). pyproject.toml excludes
that release; this test keeps a future upgrade honest.
"""

import subprocess
import sys
import textwrap


def test_bool_signals_keep_python_alive_through_exit():
    code = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QCoreApplication, QObject, Signal

        app = QCoreApplication([])

        class Emitter(QObject):
            toggled = Signal(bool)

            def __init__(self):
                super().__init__()
                self.seen = 0
                self.toggled.connect(self.on_toggled)

            def on_toggled(self, value):
                self.seen += 1

        e = Emitter()
        before = sys.getrefcount(True)
        for i in range(2000):
            e.toggled.emit(i % 2 == 0)
        after = sys.getrefcount(True)
        print(e.seen, before - after)
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"the interpreter aborted at exit: {r.stderr[-500:]}"
    seen, lost = map(int, r.stdout.split())
    assert seen == 2000
    assert lost < 10, f"{lost} references to True were lost by 2000 emits"
