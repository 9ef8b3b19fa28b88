"""Welcome: what Hearth does, the starter model, and curated models with their fit here."""

from __future__ import annotations

from gui.panes.models.common import ADMIN_OFF, fit_text, heading, note, policy_label, size_text
from gui.qt import Qt, QtWidgets, Signal

INTRO = ("Hearth runs AI language models entirely on this computer: your conversations never leave it, "
         "and once a model is downloaded it works offline. Models are GGUF files from Hugging Face; "
         "Hearth shows how well each one will run on this machine before you download it.")


class CuratedCard(QtWidgets.QFrame):
    """One curated model: name, description, recommended file with its fit, Download."""

    downloadClicked = Signal(object)   # the row dict

    def __init__(self, row: dict, downloads_allowed: bool, parent=None):
        super().__init__(parent)
        self.row = row
        c = row["curated"]
        self.setObjectName("curatedCard")
        self.setStyleSheet("#curatedCard { border:1px solid #dadce0; border-radius:6px; background:palette(base); }")
        lay = QtWidgets.QGridLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setHorizontalSpacing(12)
        lay.setVerticalSpacing(2)
        title = QtWidgets.QLabel(f"<b>{c['name']}</b>")
        meta_bits = [c.get("params"), c.get("licence") and f"licence {c['licence']}",
                     "gated" if c.get("gated") else None, c["repo_id"]]
        meta = note(" · ".join(b for b in meta_bits if b))
        desc = note(c.get("description", ""), muted=False)
        self.fit_label = QtWidgets.QLabel()
        self.fit_label.setWordWrap(True)
        fe = row.get("entry")
        if row.get("error"):
            self.fit_label.setText(f"<span style='color:#a50e0e'>{row['error']}</span>")
        elif fe is not None:
            fit = fit_text(fe.fit, fe.header_error)
            colour = {"gpu": "#137333", "partial": "#8a6d00", "cpu": "#1a4f8b",
                      "no_fit": "#a50e0e"}.get(fe.fit.verdict if fe.fit else "", "#202124")
            self.fit_label.setText(f"{fe.model.quant or ''} · {size_text(fe.model.size)} · "
                                   f"<span style='color:{colour}'>{fit}</span>")
        else:
            self.fit_label.setText("<i>Checking how it fits this machine…</i>")
        self.button = QtWidgets.QPushButton("Download")
        self.button.setEnabled(downloads_allowed and fe is not None)
        if not downloads_allowed:
            self.button.setToolTip(ADMIN_OFF["downloads"])
        elif fe is not None and fe.fit is not None and not fe.fit.fits:
            self.button.setToolTip("This file will probably not fit in memory here")
        self.button.clicked.connect(lambda: self.downloadClicked.emit(self.row))
        lay.addWidget(title, 0, 0)
        lay.addWidget(meta, 0, 1)
        lay.addWidget(desc, 1, 0, 1, 2)
        lay.addWidget(self.fit_label, 2, 0, 1, 2)
        lay.addWidget(self.button, 0, 2, 3, 1, Qt.AlignmentFlag.AlignVCenter)
        lay.setColumnStretch(1, 1)


class WelcomeView(QtWidgets.QScrollArea):
    tryStarterRequested = Signal(str)    # path of the starter model
    downloadRequested = Signal(object)   # curated row dict (with "entry" and "revision")
    browseRequested = Signal()

    def __init__(self, config, parent=None):
        super().__init__(parent)
        self.hub_allowed = config.policy.allows("hub")
        self.downloads_allowed = config.policy.allows("downloads")
        self.cards: list[CuratedCard] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        body = QtWidgets.QWidget()
        self.setWidget(body)
        lay = QtWidgets.QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 12, 4)
        lay.addWidget(heading("Welcome to Hearth", 17))
        lay.addWidget(note(INTRO, muted=False))

        self.starter_box = QtWidgets.QFrame()
        self.starter_box.setObjectName("starterBox")
        self.starter_box.setStyleSheet("#starterBox { background:#e8f4fd; border:1px solid #b6dcf7; "
                                       "border-radius:6px; }")
        sl = QtWidgets.QHBoxLayout(self.starter_box)
        sl.setContentsMargins(10, 8, 10, 8)
        self.starter_label = note("", muted=False)
        sl.addWidget(self.starter_label, 1)
        self.starter_btn = QtWidgets.QPushButton("Chat with it")
        sl.addWidget(self.starter_btn)
        self.starter_btn.clicked.connect(lambda: self._starter_path and
                                         self.tryStarterRequested.emit(self._starter_path))
        self._starter_path: str | None = None
        lay.addWidget(self.starter_box)
        self.set_starter(None)

        lay.addSpacing(6)
        hrow = QtWidgets.QHBoxLayout()
        hrow.addWidget(heading("Suggested models", 13))
        hrow.addStretch(1)
        self.browse_btn = QtWidgets.QPushButton("Browse all models…")
        self.browse_btn.clicked.connect(self.browseRequested)
        self.browse_btn.setEnabled(self.hub_allowed)
        hrow.addWidget(self.browse_btn)
        lay.addLayout(hrow)
        self.curated_note = note("Well-known chat models, smallest first, with the recommended file and "
                                 "how it would run here.")
        lay.addWidget(self.curated_note)
        if not self.hub_allowed:
            lay.addWidget(policy_label("hub"))
        elif not self.downloads_allowed:
            lay.addWidget(policy_label("downloads"))
        self.cards_box = QtWidgets.QVBoxLayout()
        self.cards_box.setSpacing(6)
        lay.addLayout(self.cards_box)
        lay.addStretch(1)

    def set_starter(self, entry) -> None:
        """The starter model entry from the library, or None."""
        if entry is not None and entry.ok:
            self._starter_path = str(entry.path)
            self.starter_label.setText(
                f"<b>The starter model is ready to try.</b> {entry.summary()} — a very small model "
                "that runs anywhere: good for trying Hearth out, not for serious work. "
                "Download a larger model below for better answers.")
            self.starter_btn.show()
        else:
            self._starter_path = None
            self.starter_label.setText(
                "<b>No model yet.</b> Download one of the suggested models below to start chatting "
                "(the smallest take a minute or two), or import a GGUF file in Library.")
            self.starter_btn.hide()

    def set_loading(self) -> None:
        self.curated_note.setText("Checking which suggested models fit this machine…")

    def set_curated(self, rows: list[dict]) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        for row in rows:
            card = CuratedCard(row, self.downloads_allowed)
            card.downloadClicked.connect(self.downloadRequested)
            self.cards_box.addWidget(card)
            self.cards.append(card)
        ok = sum(1 for r in rows if r.get("entry") is not None and r["entry"].fit and r["entry"].fit.fits)
        checked = sum(1 for r in rows if r.get("entry") is not None)
        if rows and not checked:
            # Offline (or the Hub refused every request): don't claim that nothing fits.
            self.curated_note.setText("Well-known chat models, smallest first. Hearth could not reach Hugging "
                                      "Face to check them; connect to the internet to see how each would run here.")
            return
        self.curated_note.setText(f"Well-known chat models, smallest first: {ok} of {len(rows)} fit this "
                                  "machine. Each shows the recommended file and how it would run here.")

    def curated_failed(self, message: str) -> None:
        self.curated_note.setText(f"The suggested models could not be checked: {message}")
