"""Model picker: the library in a combo box, with Load/Unload and a busy bar."""

from __future__ import annotations

from gui.qt import Qt, QtWidgets, Signal


class ModelPicker(QtWidgets.QWidget):
    loadClicked = Signal(str)     # model path
    unloadClicked = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QtWidgets.QLabel(self.tr("Model:")))
        self.combo = QtWidgets.QComboBox()
        self.combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(40)
        self.combo.setPlaceholderText(self.tr("No models yet — add one in Models"))
        lay.addWidget(self.combo, 1)
        self.load_button = QtWidgets.QPushButton(self.tr("Load"))
        self.load_button.setToolTip(self.tr("Load the selected model (its own process)"))
        self.load_button.clicked.connect(self._on_load)
        lay.addWidget(self.load_button)
        self.unload_button = QtWidgets.QPushButton(self.tr("Unload"))
        self.unload_button.setToolTip(self.tr("End the model process and free its memory"))
        self.unload_button.clicked.connect(self.unloadClicked)
        self._loading = False
        self.unload_button.setEnabled(False)
        lay.addWidget(self.unload_button)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 0)  # busy until llama.cpp reports how far the weights are
        self.progress.setMaximumWidth(120)
        self.progress.setTextVisible(False)
        self.progress.hide()
        lay.addWidget(self.progress)
        self.state = QtWidgets.QLabel(self.tr("No model loaded"))
        self.state.setMinimumWidth(160)
        lay.addWidget(self.state)
        self.entries = []
        self.remote_models: list[dict] = []   # {"ref", "endpoint", "model", "host"}: run on a company server

    def set_models(self, entries, select_path: str | None = None) -> None:
        current = select_path or self.current_path()
        self.entries = [e for e in entries if e.ok]
        self.combo.clear()
        for e in self.entries:
            label = e.summary()
            if e.source == "starter":
                label = self.tr("★ {label} (starter)").format(label=label)
            self.combo.addItem(label, str(e.path))
            idx = self.combo.count() - 1
            tip = f"{e.path}\n" + (self.tr("Base model: continues text rather than following instructions")
                                   if e.is_base_model else self.tr("Chat model"))
            self.combo.setItemData(idx, tip, Qt.ItemDataRole.ToolTipRole)
        for r in self.remote_models:
            self.combo.addItem(self.tr("{model} — remote ({host})").format(model=r["ref"], host=r["host"]), r["ref"])
            self.combo.setItemData(self.combo.count() - 1,
                                   self.tr("Remote model on {host}: your text is sent to {host}").format(
                                       host=r["host"]), Qt.ItemDataRole.ToolTipRole)
        i = self.combo.findData(current) if current else -1
        # With a placeholder set, QComboBox leaves nothing selected after clear().
        self.combo.setCurrentIndex(i if i >= 0 else (0 if self.combo.count() else -1))
        self.load_button.setEnabled(self.combo.count() > 0)

    def set_remote_models(self, models: list) -> None:
        """Models of the remote endpoints, listed after the local ones and marked with their host."""
        self.remote_models = [dict(m) for m in models]
        self.set_models(self.entries)

    def current_remote(self) -> dict | None:
        p = self.current_path()
        return next((r for r in self.remote_models if r["ref"] == p), None)

    def current_path(self) -> str | None:
        return self.combo.currentData()

    def current_entry(self):
        p = self.current_path()
        return next((e for e in self.entries if str(e.path) == p), None)

    def _on_load(self) -> None:
        p = self.current_path()
        if p:
            self.loadClicked.emit(p)

    def set_load_progress(self, fraction: float) -> None:
        self.progress.setRange(0, 100)
        self.progress.setValue(int(fraction * 100))

    def set_loading(self, name: str) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.load_button.setEnabled(False)
        self.combo.setEnabled(False)
        self.unload_button.setEnabled(True)  # stops the load
        self.unload_button.setText(self.tr("Stop loading"))
        self.state.setText(self.tr("Loading {name}…").format(name=name))

    def set_loaded(self, name: str | None) -> None:
        self.progress.hide()
        self.combo.setEnabled(True)
        self.load_button.setEnabled(self.combo.count() > 0)
        self.unload_button.setEnabled(name is not None)
        self.unload_button.setText(self.tr("Unload"))
        self.state.setText(self.tr("Loaded: {name}").format(name=name) if name else self.tr("No model loaded"))
        self.state.setToolTip("")

    def set_offload(self, where: str, note: str = "") -> None:
        """Where the loaded model really runs (llama.cpp's report) and the plan's note, if any."""
        if where:
            self.state.setText(self.state.text() + " · " + where)
        tip = [self.tr("llama.cpp reports: {where}").format(where=where)] if where else []
        if note:
            tip.append(self.tr("Note: {note}").format(note=note))
        self.state.setToolTip("\n".join(tip))
