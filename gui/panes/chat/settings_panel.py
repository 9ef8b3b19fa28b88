"""Per-conversation settings: system prompt (with presets), sampling and load options.

Values start from the model's defaults (engine defaults, overridden by what
the user saved as defaults for that model) and are stored with the
conversation. Load options (context, GPU layers) take effect on the next load.

Settings the administrator locked (``locked_settings`` in the policy) show the
policy's value (or the default) in a disabled widget whose tooltip says
"Managed by your administrator"; ``hidden_settings`` are not shown at all and
keep the same pinned value. The panel's getters always return pinned values.
"""

from __future__ import annotations

from gui.qt import QtCore, QtWidgets, Signal

from engine.host.protocol import LoadOptions, SamplingOptions

MANAGED_TIP = QtCore.QT_TRANSLATE_NOOP("ChatSettingsPanel", "Managed by your administrator")

SAMPLING_FIELDS = [
    # name, label, kind, min, max, step/decimals
    ("temperature", QtCore.QT_TRANSLATE_NOOP("ChatSettingsPanel", "Temperature"), float, 0.0, 2.0, 2),
    ("top_p", QtCore.QT_TRANSLATE_NOOP("ChatSettingsPanel", "Top-p"), float, 0.0, 1.0, 2),
    ("top_k", QtCore.QT_TRANSLATE_NOOP("ChatSettingsPanel", "Top-k"), int, 0, 1000, 1),
    ("min_p", QtCore.QT_TRANSLATE_NOOP("ChatSettingsPanel", "Min-p"), float, 0.0, 1.0, 2),
    ("repeat_penalty", QtCore.QT_TRANSLATE_NOOP("ChatSettingsPanel", "Repeat penalty"), float, 0.5, 2.0, 2),
    ("max_tokens", QtCore.QT_TRANSLATE_NOOP("ChatSettingsPanel", "Max tokens"), int, 1, 32768, 1),
]


def model_defaults(settings, model_path: str | None) -> dict:
    """Engine defaults, then the Preferences' defaults (engine.preferences), then what the user saved
    for this model."""
    from engine.preferences import default_load, default_sampling

    app_load = default_load(settings)
    d = {"sampling": default_sampling(settings).to_dict(),
         "load": {"n_ctx": app_load.n_ctx, "gpu_layers": app_load.gpu_layers}}
    saved = (settings.get("model_defaults", {}) or {}).get(model_path or "", {})
    d["sampling"].update(saved.get("sampling", {}))
    d["load"].update(saved.get("load", {}))
    return d


class ChatSettingsPanel(QtWidgets.QWidget):
    settingsChanged = Signal()          # any value edited by the user
    reloadRequested = Signal()          # load options changed: reload the model with them
    saveDefaultsRequested = Signal()
    presetSaveRequested = Signal(str, str)   # name, text
    presetDeleteRequested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._loading = False
        self._policy = None
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(6, 0, 4, 0)
        form = QtWidgets.QFormLayout()
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        outer.addStretch(1)
        self._form = form
        # System prompt and presets
        self.system = QtWidgets.QPlainTextEdit()
        self.system.setTabChangesFocus(True)   # keyboard navigation: Tab moves on
        self.system.setPlaceholderText(self.tr("System prompt (optional): how the assistant should behave"))
        self.system.setMaximumHeight(100)
        self.system.textChanged.connect(self._changed)
        self.system_heading = QtWidgets.QLabel("<b>" + self.tr("System prompt") + "</b>")
        form.addRow(self.system_heading)
        form.addRow(self.system)
        prow = QtWidgets.QHBoxLayout()
        self.presets = QtWidgets.QComboBox()
        self.presets.setPlaceholderText(self.tr("Presets…"))
        self.presets.setMinimumContentsLength(8)
        self.presets.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.presets.activated.connect(self._apply_preset)
        prow.addWidget(self.presets, 1)
        self.save_preset_button = save_p = QtWidgets.QToolButton()
        save_p.setText(self.tr("Save"))
        save_p.setToolTip(self.tr("Save this system prompt as a preset"))
        save_p.clicked.connect(self._save_preset)
        prow.addWidget(save_p)
        self.delete_preset_button = del_p = QtWidgets.QToolButton()
        del_p.setText(self.tr("Delete"))
        del_p.setToolTip(self.tr("Delete the selected preset"))
        del_p.clicked.connect(self._delete_preset)
        prow.addWidget(del_p)
        form.addRow(prow)
        # Sampling
        form.addRow(QtWidgets.QLabel("<b>" + self.tr("Sampling") + "</b>"))
        self.fields: dict[str, QtWidgets.QAbstractSpinBox] = {}
        for name, label, kind, lo, hi, prec in SAMPLING_FIELDS:
            if kind is float:
                w = QtWidgets.QDoubleSpinBox()
                w.setDecimals(prec)
                w.setSingleStep(0.05)
            else:
                w = QtWidgets.QSpinBox()
            w.setRange(lo, hi)
            w.valueChanged.connect(self._changed)
            self.fields[name] = w
            form.addRow(self.tr(label), w)
        self.seed = QtWidgets.QLineEdit()
        self.seed.setPlaceholderText(self.tr("random"))
        self.seed.textChanged.connect(self._changed)
        form.addRow(self.tr("Seed"), self.seed)
        # Load options
        form.addRow(QtWidgets.QLabel("<b>" + self.tr("Model loading") + "</b>"))
        self.ctx = QtWidgets.QSpinBox()
        self.ctx.setRange(0, 1_048_576)
        self.ctx.setSingleStep(1024)
        self.ctx.setSpecialValueText(self.tr("model default"))
        self.ctx.valueChanged.connect(self._changed)
        form.addRow(self.tr("Context length"), self.ctx)
        self.gpu = QtWidgets.QComboBox()
        self.gpu.setEditable(True)
        self.gpu.addItems(["auto", "all", "0"])
        self.gpu.setToolTip(self.tr("GPU layers: auto fits free VRAM, all offloads everything, or a number"))
        self.gpu.currentTextChanged.connect(self._changed)
        form.addRow(self.tr("GPU layers"), self.gpu)
        brow = QtWidgets.QHBoxLayout()
        self.reload_button = QtWidgets.QPushButton(self.tr("Reload model"))
        self.reload_button.setToolTip(self.tr("Load the model again with these context and GPU settings"))
        self.reload_button.clicked.connect(self.reloadRequested)
        brow.addWidget(self.reload_button)
        form.addRow(brow)
        self.reset_button = QtWidgets.QPushButton(self.tr("Reset to defaults"))
        self.reset_button.clicked.connect(self.reset)
        form.addRow(self.reset_button)
        self.save_defaults_button = QtWidgets.QPushButton(self.tr("Save as this model's defaults"))
        self.save_defaults_button.clicked.connect(self.saveDefaultsRequested)
        form.addRow(self.save_defaults_button)
        self._defaults = {"sampling": SamplingOptions().to_dict(), "load": {"n_ctx": 0, "gpu_layers": "auto"}}
        self.set_values("", self._defaults)

    # ---- values ----------------------------------------------------------------
    def set_defaults(self, defaults: dict) -> None:
        self._defaults = defaults

    def set_values(self, system_prompt: str, settings: dict) -> None:
        """Show a conversation's values over the defaults. A value of the wrong kind or out of range (a chat
        imported by an older version, a hand-edited settings.json) is left out and the default shows."""
        from engine.store import conversation_settings

        defaults, given = conversation_settings(self._defaults), conversation_settings(settings)
        self._loading = True
        try:
            self.system.setPlainText(system_prompt or "")
            s = defaults.get("sampling", {}) | given.get("sampling", {})
            for name, w in self.fields.items():
                if s.get(name) is not None:
                    w.setValue(s[name])
            self.seed.setText("" if s.get("seed") is None else str(s["seed"]))
            ld = {"n_ctx": 0, "gpu_layers": "auto"} | defaults.get("load", {}) | given.get("load", {})
            self.ctx.setValue(int(ld.get("n_ctx") or 0))
            self.gpu.setCurrentText(str(ld.get("gpu_layers", "auto")))
            self._show_pinned()
        finally:
            self._loading = False

    # ---- administrator policy ------------------------------------------------------
    def _widgets(self) -> dict:
        """Setting name -> the widgets that edit it."""
        w = {name: [f] for name, f in self.fields.items()}
        w["seed"] = [self.seed]
        w["n_ctx"] = [self.ctx]
        w["gpu_layers"] = [self.gpu]
        w["system_prompt"] = [self.system, self.presets, self.save_preset_button, self.delete_preset_button]
        return w

    def apply_policy(self, policy) -> None:
        """Lock (disable, tooltip) or hide the settings the administrator manages; show their values."""
        self._policy = policy
        for name, widgets in self._widgets().items():
            if not policy.is_locked(name):
                continue
            for w in widgets:
                w.setEnabled(False)
                w.setToolTip(self.tr(MANAGED_TIP))
            if policy.is_hidden(name):
                for w in widgets:
                    w.hide()
                label = self._form.labelForField(widgets[0])
                if label is not None:
                    label.hide()
                if name == "system_prompt":
                    self.system_heading.hide()
            elif name == "system_prompt":
                self.system_heading.setText("<b>" + self.tr("System prompt") + "</b> <i>"
                                            + self.tr("(managed by your administrator)") + "</i>")
            else:
                label = self._form.labelForField(widgets[0])
                if label is not None:
                    label.setToolTip(self.tr(MANAGED_TIP))
        was, self._loading = self._loading, True
        try:
            self._show_pinned()
        finally:
            self._loading = was

    def _show_pinned(self) -> None:
        """Put the locked values into their (disabled) widgets."""
        p = self._policy
        if p is None:
            return
        s = SamplingOptions()
        p.pin_sampling(s)
        for name, w in self.fields.items():
            if p.is_locked(name):
                w.setValue(getattr(s, name))
        if p.is_locked("seed"):
            self.seed.setText("" if s.seed is None else str(s.seed))
        ld = p.pin_load({})
        if p.is_locked("n_ctx"):
            self.ctx.setValue(int(ld["n_ctx"] or 0))
        if p.is_locked("gpu_layers"):
            self.gpu.setCurrentText(str(ld["gpu_layers"]))
        if p.is_locked("system_prompt"):
            self.system.setPlainText(p.pin_system_prompt(None) or "")

    def system_prompt(self) -> str:
        text = self.system.toPlainText()
        return (self._policy.pin_system_prompt(text) or "") if self._policy is not None else text

    def sampling(self) -> SamplingOptions:
        s = SamplingOptions()
        for name, w in self.fields.items():
            setattr(s, name, w.value())
        txt = self.seed.text().strip()
        s.seed = int(txt) if txt.lstrip("-").isdigit() else None
        if self._policy is not None:
            self._policy.pin_sampling(s)
        return s

    def load_options(self) -> dict:
        gl = self.gpu.currentText().strip().lower() or "auto"
        opts = LoadOptions(n_ctx=self.ctx.value(), gpu_layers=gl if gl in ("auto", "all") else
                           (int(gl) if gl.isdigit() else "auto")).to_dict()
        return self._policy.pin_load(opts) if self._policy is not None else opts

    def settings(self) -> dict:
        s = self.sampling().to_dict()
        return {"sampling": {k: s[k] for k in [f[0] for f in SAMPLING_FIELDS] + ["seed"]},
                "load": {k: v for k, v in self.load_options().items() if k in ("n_ctx", "gpu_layers")}}

    def reset(self) -> None:
        self.set_values(self.system_prompt(), {})
        self.settingsChanged.emit()

    def _changed(self, *_) -> None:
        if not self._loading:
            self.settingsChanged.emit()

    # ---- presets -----------------------------------------------------------------
    def set_presets(self, presets: list[dict]) -> None:
        self.presets.clear()
        for p in presets:
            self.presets.addItem(p["name"], p["text"])
        self.presets.setCurrentIndex(-1)

    def _apply_preset(self, index: int) -> None:
        text = self.presets.itemData(index)
        if text is not None:
            self.system.setPlainText(text)

    def _save_preset(self) -> None:
        text = self.system_prompt().strip()
        if not text:
            return
        name, ok = QtWidgets.QInputDialog.getText(self, self.tr("Save preset"), self.tr("Preset name:"))
        if ok and name.strip():
            self.presetSaveRequested.emit(name.strip(), text)

    def _delete_preset(self) -> None:
        if self.presets.currentIndex() >= 0:
            self.presetDeleteRequested.emit(self.presets.currentText())
