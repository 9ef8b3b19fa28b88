"""Welcome: what Hearth does, the starter model, and curated models with their fit here.

The fit shown at first is estimated from the catalogue shipped with Hearth
(``resources/curated_catalogue.json``): nothing goes online until the user
presses "Check on Hugging Face" (the real files and headers) or Download.
"""

from __future__ import annotations

from gui.engine_messages import translate as translate_message
from gui.panes.models.common import admin_off, fit_text, heading, note, policy_label, size_text
from gui.qt import Qt, QtCore, QtWidgets, Signal

INTRO = QtCore.QT_TRANSLATE_NOOP("WelcomeView", "Hearth runs AI language models entirely on this computer: your conversations never "
                                          "leave it, and once a model is downloaded it works offline. Models are "
                                          "GGUF files from Hugging Face; Hearth shows how well each one will run "
                                          "on this machine before you download it.")

# The descriptions in resources/curated_models.json, for lupdate (a new one shows in English until translated).
CURATED_DESCRIPTIONS = (
    QtCore.QT_TRANSLATE_NOOP("CuratedModels", "Tiny and fast; runs on any machine. Good for quick tests and simple rewriting."),
    QtCore.QT_TRANSLATE_NOOP("CuratedModels", "Meta's smallest chat model; quick answers and summaries on laptops."),
    QtCore.QT_TRANSLATE_NOOP("CuratedModels", "Small multilingual assistant with a long context; fine on CPU."),
    QtCore.QT_TRANSLATE_NOOP("CuratedModels", "Google's compact chat model; fluent writing for its size."),
    QtCore.QT_TRANSLATE_NOOP("CuratedModels", "A capable everyday assistant that still runs well without a GPU."),
    QtCore.QT_TRANSLATE_NOOP("CuratedModels", "Meta's 3B chat model: good summaries and instruction following."),
    QtCore.QT_TRANSLATE_NOOP("CuratedModels", "Microsoft's small model, strong at reasoning and code for its size."),
    QtCore.QT_TRANSLATE_NOOP("CuratedModels", "A well-rounded 7B assistant; best with 8 GB of free memory or a GPU."),
    QtCore.QT_TRANSLATE_NOOP("CuratedModels", "Strong general, multilingual and coding assistant; wants a GPU or plenty of RAM."),
    QtCore.QT_TRANSLATE_NOOP("CuratedModels", "Meta's popular 8B chat model with a 128K context."),
)


def _colour(fit) -> str:
    return {"gpu": "#137333", "partial": "#8a6d00", "cpu": "#1a4f8b",
            "no_fit": "#a50e0e"}.get(fit.verdict if fit else "", "#202124")


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
        meta_bits = [c.get("params"), c.get("licence") and self.tr("licence {licence}").format(licence=c["licence"]),
                     self.tr("gated") if c.get("gated") else None, c["repo_id"]]
        meta = note(" · ".join(b for b in meta_bits if b))
        desc = note(QtCore.QCoreApplication.translate("CuratedModels", c.get("description", "")) if c.get("description")
                    else "", muted=False)
        self.fit_label = QtWidgets.QLabel()
        self.fit_label.setWordWrap(True)
        fe, est = row.get("entry"), row.get("estimate")
        if row.get("error"):
            self.fit_label.setText(f"<span style='color:#a50e0e'>{translate_message(row['error'])}</span>")
        elif fe is not None:
            fit = fit_text(fe.fit, fe.header_error)
            self.fit_label.setText(f"{fe.model.quant or ''} · {size_text(fe.model.size)} · "
                                   f"<span style='color:{_colour(fe.fit)}'>{fit}</span> · "
                                   "<i>" + self.tr("checked on Hugging Face") + "</i>")
        elif est is not None:
            size = ("≈ " if est.size_estimated else "") + size_text(est.size)
            source = self.tr("estimated from the catalogue")
            text = (f"{est.quant} · {size} · <span style='color:{_colour(est.fit)}'>{fit_text(est.fit)}</span>"
                    f" · <i>{source}</i>")
            if est.best_quant and est.best_quant != est.quant:
                text += "<br>" + self.tr("Best here: {quant} (≈ {size})").format(quant=est.best_quant,
                                                                                 size=size_text(est.best_size))
            self.fit_label.setText(text)
        elif row.get("note"):
            note_text = translate_message(row["note"])
            self.fit_label.setText(f"<span style='color:#5f6368'>{note_text[:1].upper() + note_text[1:]}</span>")
        else:
            self.fit_label.setText(self.tr("<i>Estimating how it fits this machine…</i>"))
        self.fit_label.setToolTip(
            self.tr("Estimated from the catalogue shipped with Hearth (file sizes and model shape), without "
                    "going online. Check on Hugging Face reads the real files.") if est is not None and fe is None
            else "")
        self.button = QtWidgets.QPushButton(self.tr("Download"))
        self.button.setEnabled(downloads_allowed and not row.get("error"))
        if not downloads_allowed:
            self.button.setToolTip(admin_off("downloads"))
        else:
            fit = fe.fit if fe is not None else (est.fit if est is not None else None)
            if fit is not None and not fit.fits:
                self.button.setToolTip(self.tr("This file will probably not fit in memory here"))
        self.button.clicked.connect(lambda: self.downloadClicked.emit(self.row))
        lay.addWidget(title, 0, 0)
        lay.addWidget(meta, 0, 1)
        lay.addWidget(desc, 1, 0, 1, 2)
        lay.addWidget(self.fit_label, 2, 0, 1, 2)
        lay.addWidget(self.button, 0, 2, 3, 1, Qt.AlignmentFlag.AlignVCenter)
        lay.setColumnStretch(1, 1)


class WelcomeView(QtWidgets.QScrollArea):
    tryStarterRequested = Signal(str)    # path of the starter model
    downloadRequested = Signal(object)   # curated row dict (with "entry" and "revision", or "estimate")
    browseRequested = Signal()
    checkOnlineRequested = Signal()      # the user asked to check the suggestions on Hugging Face

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
        lay.addWidget(heading(self.tr("Welcome to Hearth"), 17))
        lay.addWidget(note(self.tr(INTRO), muted=False))

        self.starter_box = QtWidgets.QFrame()
        self.starter_box.setObjectName("starterBox")
        # a light callout in both themes, so its text colour is fixed too (the dark theme's is light)
        self.starter_box.setStyleSheet("#starterBox { background:#e8f4fd; border:1px solid #b6dcf7; "
                                       "border-radius:6px; } #starterBox QLabel { color:#0d3c61; }")
        sl = QtWidgets.QHBoxLayout(self.starter_box)
        sl.setContentsMargins(10, 8, 10, 8)
        self.starter_label = note("", muted=False)
        sl.addWidget(self.starter_label, 1)
        self.starter_btn = QtWidgets.QPushButton(self.tr("Chat with it"))
        sl.addWidget(self.starter_btn)
        self.starter_btn.clicked.connect(lambda: self._starter_path and
                                         self.tryStarterRequested.emit(self._starter_path))
        self._starter_path: str | None = None
        lay.addWidget(self.starter_box)
        self.set_starter(None)

        lay.addSpacing(6)
        hrow = QtWidgets.QHBoxLayout()
        hrow.addWidget(heading(self.tr("Suggested models"), 13))
        hrow.addStretch(1)
        self.browse_btn = QtWidgets.QPushButton(self.tr("Browse all models…"))
        self.browse_btn.clicked.connect(self.browseRequested)
        self.browse_btn.setEnabled(self.hub_allowed)
        self.check_btn = QtWidgets.QPushButton(self.tr("Check on Hugging Face"))
        self.check_btn.setToolTip(self.tr("Read the real files and headers of the suggested models from Hugging Face "
                                  "for exact sizes and fit (this goes online)"))
        self.check_btn.clicked.connect(self.checkOnlineRequested)
        self.check_btn.setEnabled(self.hub_allowed)
        if not self.hub_allowed:
            self.check_btn.setToolTip(admin_off("hub"))
            self.browse_btn.setToolTip(admin_off("hub"))
        hrow.addWidget(self.check_btn)
        hrow.addWidget(self.browse_btn)
        lay.addLayout(hrow)
        self.curated_note = note(self.tr("Well-known chat models, smallest first, with the recommended file and "
                                 "how it would run here."))
        lay.addWidget(self.curated_note)
        offline = config.policy.online_block()
        if not self.hub_allowed:
            lay.addWidget(policy_label("hub"))
        elif not self.downloads_allowed:
            lay.addWidget(policy_label("downloads"))
        elif offline:
            lay.addWidget(policy_label("hub", offline[:1].upper() + offline[1:] + "."))
        self.cards_box = QtWidgets.QVBoxLayout()
        self.cards_box.setSpacing(6)
        lay.addLayout(self.cards_box)
        lay.addStretch(1)

    def set_starter(self, entry) -> None:
        """The starter model entry from the library, or None."""
        if entry is not None and entry.ok:
            self._starter_path = str(entry.path)
            self.starter_label.setText(
                self.tr("<b>The starter model is ready to try.</b> {model} — a very small model that runs "
                        "anywhere: good for trying Hearth out, not for serious work. Download a larger model "
                        "below for better answers.").format(model=entry.summary()))
            self.starter_btn.show()
        else:
            self._starter_path = None
            self.starter_label.setText(self.tr("<b>No model yet.</b> Download one of the suggested models below to start chatting "
                "(the smallest take a minute or two), or import a GGUF file in Library."))
            self.starter_btn.hide()

    def set_loading(self) -> None:
        self.curated_note.setText(self.tr("Estimating how the suggested models fit this machine…"))

    def set_checking(self) -> None:
        self.curated_note.setText(self.tr("Checking the suggested models on Hugging Face…"))
        self.check_btn.setEnabled(False)

    def set_curated(self, rows: list[dict], hidden: int = 0) -> None:
        """Show the cards: rows carry an ``estimate`` (catalogue), an ``entry`` (checked online), or neither."""
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        for row in rows:
            card = CuratedCard(row, self.downloads_allowed)
            card.downloadClicked.connect(self.downloadRequested)
            self.cards_box.addWidget(card)
            self.cards.append(card)
        self.check_btn.setEnabled(self.hub_allowed)
        more = (" " + (self.tr("{n} other suggestion is hidden: not on your administrator's list of allowed "
                               "repositories.") if hidden == 1 else
                       self.tr("{n} other suggestions are hidden: not on your administrator's list of allowed "
                               "repositories.")).format(n=hidden)) if hidden else ""
        online = [r["entry"] for r in rows if r.get("entry") is not None]
        estimated = [r["estimate"] for r in rows if r.get("estimate") is not None]
        if online:
            ok = sum(1 for e in online if e.fit and e.fit.fits)
            self.curated_note.setText(self.tr("Well-known chat models, smallest first: {ok} of {n} fit this "
                                              "machine (checked on Hugging Face). Each shows the recommended "
                                              "file and how it would run here.").format(ok=ok, n=len(rows)) + more)
        elif estimated:
            ok = sum(1 for e in estimated if e.fit and e.fit.fits)
            self.curated_note.setText(
                self.tr("Well-known chat models, smallest first: {ok} of {n} should fit this machine, estimated "
                        "from the catalogue (sizes and model shapes shipped with Hearth; nothing was looked up "
                        "online). Check on Hugging Face reads the real files.").format(ok=ok, n=len(rows)) + more)
        elif rows and any(r.get("error") for r in rows) and not any(r.get("note") for r in rows):
            # Offline (or the Hub refused every request): don't claim that nothing fits.
            self.curated_note.setText(self.tr("Well-known chat models, smallest first. Hearth could not reach "
                                              "Hugging Face to check them; connect to the internet to see how "
                                              "each would run here.") + more)
        else:
            self.curated_note.setText(self.tr("Well-known chat models, smallest first, with the recommended "
                                              "file and how it would run here.") + more)

    def curated_failed(self, message: str) -> None:
        self.curated_note.setText(self.tr("The suggested models could not be checked: {error}").format(
            error=translate_message(message)))
        self.check_btn.setEnabled(self.hub_allowed)
