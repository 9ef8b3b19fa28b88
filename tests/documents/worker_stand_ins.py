"""Stand-ins for the PDF worker (engine/documents/pdf.py ``_worker_main``), spawned by reference (so they
live at a module's top level): the real worker, made to crash — as a segfault or an out-of-memory kill
would — on files whose name has "crash" in it."""

from __future__ import annotations

import os


def crash_reading_crash_files(conn, path):
    """The worker, dying on every page of a "crash" file."""
    from engine.documents import pdf

    read = pdf._Pages.read

    def crashing_read(self, i):
        if "crash" in os.path.basename(self.path):
            os._exit(3)
        return read(self, i)

    pdf._Pages.read = crashing_read
    pdf._worker_main(conn, path)


def crash_opening_crash_files(conn, path):
    """The worker, dying as it opens a "crash" file."""
    from engine.documents import pdf

    open_ = pdf._Pages.open

    def crashing_open(self):
        if "crash" in os.path.basename(self.path):
            os._exit(3)
        return open_(self)

    pdf._Pages.open = crashing_open
    pdf._worker_main(conn, path)
