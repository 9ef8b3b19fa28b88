"""Preferences → Local API: serve a model to other apps (OpenAI-compatible), off by default.

The switch runs ``engine.serve.background.BackgroundServer`` inside the app: the model gets its own
Hearth host process (the machine-wide core budget applies), uvicorn runs on a background thread
and the status line shows the URL, or what went wrong in one sentence (a port in use...). Loopback
(127.0.0.1) by default; another address needs an API key and a confirmation. The administrator's
policy (``"disable": ["serve"]``) switches it off. Switching off stops it, and so does quitting
Hearth (``SettingsWindow.shutdown``). The switch is never on when Hearth starts; the model, address
and port are remembered (settings key ``"serve"``), the API key is not. The same key may hold
``allow_origins`` (web pages allowed to use the API), ``allow_hosts`` (other names of this computer)
and ``max_body_mb`` (the request body limit): ``engine.serve.guard.Access.from_settings`` reads them, and
the page's "Requests the API answers" box (``serve_access.ServeAccessBox``) edits them, checked with the
engine's own rules. While the API runs, every field is disabled (a note says to switch it off to change
them): the server keeps the settings it started with.
"""

from __future__ import annotations

from pathlib import Path

from gui.qt import QtWidgets, Qt, Signal
from gui.engine_messages import as_sentence
from gui.panes.models.token_dialog import KeyringCalls

from engine.errors import HearthError

SETTINGS_KEY = "serve"
DEFAULT_PORT = 8765


def _list_models(config):
    from engine.library import ModelLibrary

    try:
        return [e for e in ModelLibrary(config).list_models() if e.ok and not e.is_embedding]
    except Exception:
        return []


class ServeTab(QtWidgets.QWidget):
    serving = Signal(str)        # the URL (http://HOST:PORT/v1): requests are answered
    stopped = Signal()           # nothing is served any more (switched off, or it failed)
    failed = Signal(str)         # the sentence shown
    confirmShown = Signal()      # the "other computers can reach it" confirmation is open (``confirm_box``)
    modelsListed = Signal()      # the model list is filled

    _ready = Signal(str)         # from the server thread
    _ended = Signal(object)      # from the server thread: None or the error sentence
    _notice = Signal(str)        # from the server thread: its model process did something by itself

    def __init__(self, config, parent=None, bridge=None):
        """``bridge``: the app's EngineBridge. When the chosen model is the one the chat has loaded, the API
        shares that model process (one copy in memory; requests take turns with the chat's) and stops
        when the chat loads another model or unloads it."""
        super().__init__(parent)
        self.config = config
        self.bridge = bridge
        if bridge is not None:
            bridge.loadStarted.connect(self._on_chat_model_changing)
            bridge.unloaded.connect(self._on_chat_model_changing)
        self.settings = config.settings
        self.policy = config.policy
        self.server = None
        self.url: str | None = None
        self.confirm_box: QtWidgets.QMessageBox | None = None
        self._calls: KeyringCalls | None = None
        self._ready.connect(self._on_ready)
        self._ended.connect(self._on_ended)
        self._notice.connect(self._on_notice)
        saved = self.settings.get(SETTINGS_KEY) or {}
        if not isinstance(saved, dict):
            saved = {}
        # The page scrolls when the window is too short for it (a larger font, a longer translation).
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page = QtWidgets.QWidget()
        scroll.setWidget(page)
        outer.addWidget(scroll)
        self.scroll = scroll
        lay = QtWidgets.QVBoxLayout(page)
        lay.addWidget(QtWidgets.QLabel(self.tr("<b>Hearth's models as a local API</b>")))
        intro = QtWidgets.QLabel(self.tr(
            "Editors, scripts and other apps that speak the OpenAI API can use a model of yours: "
            "GET /v1/models, POST /v1/chat/completions and /v1/completions. When the chat has the same model "
            "loaded, both use its model process (one copy in memory, requests take turns); otherwise the API "
            "starts its own. Either way it shares the CPU cores with every other model Hearth runs."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.policy_note = QtWidgets.QLabel("")
        self.policy_note.setWordWrap(True)
        self.policy_note.setStyleSheet("background:#fff4e5; color:#663c00; padding:5px; border-radius:4px;")
        self.policy_note.hide()
        lay.addWidget(self.policy_note)
        self.switch = QtWidgets.QCheckBox(self.tr("Serve models to other apps (OpenAI-compatible API)"))
        self.switch.setObjectName("serveSwitch")
        lay.addWidget(self.switch)
        form = QtWidgets.QFormLayout()
        self.model_combo = QtWidgets.QComboBox()
        self.model_combo.setPlaceholderText(self.tr("No models yet — add one in Models"))
        self._wanted_model = saved.get("model") or self.settings.get("last_model")
        form.addRow(self.tr("Model"), self.model_combo)
        self.host_edit = QtWidgets.QLineEdit(str(saved.get("host") or "127.0.0.1"))
        self.host_edit.setToolTip(self.tr("127.0.0.1: this computer only. Another address lets other computers "
                                          "reach it, and needs an API key."))
        form.addRow(self.tr("Address"), self.host_edit)
        self.port_spin = QtWidgets.QSpinBox()
        self.port_spin.setRange(0, 65535)
        self.port_spin.setSpecialValueText(self.tr("any free port"))
        port = saved.get("port", DEFAULT_PORT)
        self.port_spin.setValue(int(port) if isinstance(port, int) and 0 <= port <= 65535 else DEFAULT_PORT)
        form.addRow(self.tr("Port"), self.port_spin)
        self.key_edit = QtWidgets.QLineEdit()
        self.key_edit.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("optional on 127.0.0.1; kept for this session only"))
        form.addRow(self.tr("API key"), self.key_edit)
        lay.addLayout(form)
        self.status = QtWidgets.QLabel(self.tr("Off."))
        self.status.setObjectName("serveStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.status)
        self.running_note = QtWidgets.QLabel(self.tr(
            "Switch the API off to change these settings; they apply the next time it starts."))
        self.running_note.setObjectName("serveRunningNote")
        self.running_note.setWordWrap(True)
        self.running_note.hide()
        lay.addWidget(self.running_note)
        from gui.settings.serve_access import ServeAccessBox

        self.access_box = ServeAccessBox(self.settings)
        self.access_box.setObjectName("serveAccess")
        lay.addSpacing(6)
        lay.addWidget(self.access_box)
        lay.addStretch(1)
        self.fields = (self.model_combo, self.host_edit, self.port_spin, self.key_edit, self.access_box)
        block = None
        if not self.policy.allows("serve"):
            block = self.tr("Serving is switched off by your administrator.")
        else:
            from engine.serve.background import missing_extra

            missing = missing_extra()
            if missing:
                block = as_sentence(missing)
        self.block = block
        if block:
            self.policy_note.setText(block)
            self.policy_note.show()
            self.switch.setEnabled(False)
            self.switch.setToolTip(block)
            for w in self.fields:
                w.setEnabled(False)
            self.access_box.setToolTip(block)
        self.switch.toggled.connect(self._switched)
        self.refresh_models()

    # ---- models -------------------------------------------------------------------------------
    def refresh_models(self) -> None:
        """List the library's models on a worker thread (reading GGUF headers is not for the GUI thread)."""
        if self._calls is None:
            self._calls = KeyringCalls(self)
        config = self.config
        self._calls.submit(lambda: _list_models(config), self._fill_models)

    def _fill_models(self, entries) -> None:
        current = self.model_combo.currentData() or self._wanted_model
        self.model_combo.clear()
        for e in entries if isinstance(entries, list) else []:
            self.model_combo.addItem(e.summary(), str(e.path))
            self.model_combo.setItemData(self.model_combo.count() - 1, str(e.path), Qt.ItemDataRole.ToolTipRole)
        if current and self.model_combo.findData(current) < 0 and str(current).lower().endswith(".gguf"):
            from pathlib import Path

            if Path(current).is_file():   # a file chosen outside the library stays chosen
                self.model_combo.addItem(Path(current).stem, str(current))
        i = self.model_combo.findData(current) if current else -1
        self.model_combo.setCurrentIndex(i if i >= 0 else (0 if self.model_combo.count() else -1))
        self.modelsListed.emit()

    def showEvent(self, e) -> None:
        super().showEvent(e)
        if self.server is None and self._calls is not None and not self._calls.in_flight:
            self.refresh_models()   # models downloaded or imported since the page was made

    def set_model(self, path: str) -> None:
        """Choose the model to serve (a library model, or any GGUF file)."""
        path = str(path)
        if self.model_combo.findData(path) < 0:
            from pathlib import Path

            self.model_combo.addItem(Path(path).stem, path)
        self.model_combo.setCurrentIndex(self.model_combo.findData(path))

    # ---- the switch ---------------------------------------------------------------------------
    def _set_switch(self, on: bool) -> None:
        self.switch.blockSignals(True)
        self.switch.setChecked(on)
        self.switch.blockSignals(False)

    def _switched(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

    def _refuse(self, text: str) -> None:
        self._set_switch(False)
        self.status.setText(text)
        self.failed.emit(text)

    def start(self) -> bool:
        """Switch on: check, ask when other computers could reach it, then serve. False when refused."""
        from engine.serve.background import check_request

        if self.block:
            self._refuse(self.block)
            return False
        if self.server is not None and self.server.running:
            return True
        if not self.model_combo.currentData():
            self._refuse(self.tr("Choose a model to serve first."))
            return False
        host, port, key = self.host_edit.text().strip(), self.port_spin.value(), self.key_edit.text().strip()
        wrong = self.access_box.commit()       # what was typed in the page is saved first, when right
        if wrong:
            self._refuse(wrong)
            return False
        self.access_box.commit_body()
        try:
            loopback = check_request(self.policy, host, port, key)
            self._access()
        except HearthError as e:
            self._refuse(as_sentence(str(e)))
            return False
        self._set_switch(True)
        if loopback:
            self._begin()
            return True
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Warning, self.tr("Serve to other computers?"),
            self.tr("Serving on {host} lets other computers on the network reach this model. Every request "
                    "needs the API key. Serve on {host}?").format(host=host),
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No, self)
        yes = box.button(QtWidgets.QMessageBox.StandardButton.Yes)
        yes.setText(self.tr("Serve on the network"))
        box.button(QtWidgets.QMessageBox.StandardButton.No).setText(self.tr("Cancel"))
        box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r, b=box, y=yes: self._confirmed(b.clickedButton() is y))
        self.confirm_box = box
        self.status.setText(self.tr("Waiting for your confirmation…"))
        box.open()
        self.confirmShown.emit()
        return True

    def _confirmed(self, yes: bool) -> None:
        self.confirm_box = None
        if yes:
            self._begin()
        else:
            self._set_switch(False)
            self.status.setText(self.tr("Off: nothing is served."))
            self.stopped.emit()

    def _saved(self) -> dict:
        saved = self.settings.get(SETTINGS_KEY) or {}
        return saved if isinstance(saved, dict) else {}

    def _access(self):
        """Allowed origins and host names, the body limit: from the settings (BadInputError when wrong)."""
        from engine.serve.guard import Access

        return Access.from_settings(self._saved())

    def _begin(self) -> None:
        from engine.preferences import default_load
        from engine.serve.background import BackgroundServer

        path = self.model_combo.currentData()
        host, port, key = self.host_edit.text().strip(), self.port_spin.value(), self.key_edit.text().strip()
        try:
            access = self._access()
        except HearthError as e:
            self._refuse(as_sentence(str(e)))
            self.stopped.emit()
            return
        # The page's fields; what else the key holds (allowed origins, hosts, body limit) is kept.
        self.settings.set(SETTINGS_KEY, self._saved() | {"model": path, "host": host, "port": port})
        server = BackgroundServer(self.config, path, host=host, port=port, api_key=key or None,
                                  load_options=default_load(self.settings, self.policy),
                                  on_ready=self._ready.emit, on_stopped=self._ended.emit,
                                  client=self._chat_client_for(path), access=access,
                                  on_notice=self._notice.emit)
        try:
            server.start()
        except HearthError as e:
            self._refuse(as_sentence(str(e)))
            self.stopped.emit()
            return
        self.server = server
        for w in self.fields:
            w.setEnabled(False)
        self.running_note.show()
        self.status.setText(self.tr("Starting: loading {model}…").format(model=server.model_name))

    def _chat_client_for(self, path: str):
        """The chat's EngineClient when it has ``path`` loaded in a live model process, else None."""
        client = getattr(self.bridge, "client", None)
        if client is None or getattr(client, "is_remote", False):
            return None
        try:
            same = client.alive and client.model_path is not None and \
                Path(client.model_path).resolve() == Path(path).resolve()
        except OSError:
            same = False
        return client if same else None

    def _on_chat_model_changing(self, *_args) -> None:
        """The chat loads another model or unloads: an API sharing its process stops, and says why."""
        server = self.server
        if server is None or not server.shared:
            return
        self._stop_reason = self.tr("Stopped: the chat loaded another model or unloaded it; switch on again "
                                    "to serve.")
        self.stop()

    def _on_notice(self, message: str) -> None:
        """Said once, under the serving status: e.g. the CPU fallback its own model process needed."""
        self.status.setText(f"{self.status.text()}\n{as_sentence(message)}")

    def _on_ready(self, url: str) -> None:
        if self.server is None:
            return
        self.url = url
        if self.server.shared:
            text = self.tr("Serving {model} at {url} (sharing the chat's model process)")
        else:
            text = self.tr("Serving {model} at {url}")
        self.status.setText(text.format(model=self.server.model_name, url=url))
        self.serving.emit(url)

    def _on_ended(self, error) -> None:
        self.server = None
        self.url = None
        self._set_switch(False)
        self.running_note.hide()
        if not self.block:
            for w in self.fields:
                w.setEnabled(True)
        reason, self._stop_reason = getattr(self, "_stop_reason", None), None
        if error:
            text = as_sentence(str(error))
            self.status.setText(text)
            self.failed.emit(text)
        else:
            self.status.setText(reason or self.tr("Off: nothing is served."))
        self.stopped.emit()

    def stop(self) -> None:
        """Switch off: returns at once; ``stopped`` when the server has ended."""
        self._set_switch(False)
        if self.server is not None:
            self.status.setText(self.tr("Stopping…"))
            self.server.stop()

    def shutdown(self) -> None:
        """Hearth quits: stop serving and wait for it (the model process ends with it)."""
        self.access_box.commit(quiet=True)     # a list still being typed, when it is right
        server, self.server = self.server, None
        if server is not None:
            server.on_ready = server.on_stopped = None
            server.stop(wait=True)
        if self._calls is not None:
            self._calls.shutdown()
            self._calls = None
