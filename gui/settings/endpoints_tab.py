"""Preferences → Servers: company inference servers (OpenAI-compatible) as model sources.

The list (name, URL, host, TLS verification, API key set or not, who added it) comes from
``engine.remote.endpoints.EndpointRegistry``: the administrator's endpoints (locked: they cannot be
removed here) and the user's own. Add stores the API key in the OS keyring through the engine
(never in a file); Remove deletes it. Only **Test** contacts a server (``GET /v1/models``, the
same as ``python main.py endpoints test NAME``); after a successful test the models are remembered
and ``remoteModelsChanged`` hands the pickers their new list. An API key for a plain http:// URL to
another computer would cross the network unencrypted: the Add dialog says so and the engine refuses it
unless “Send the API key over plain http://” is ticked (``endpoints add --allow-insecure-key``).

Keyring calls and tests never run on the GUI thread: they run on worker threads (``KeyringCalls``,
one job at a time each) and come back as queued signals. When the policy forbids remote endpoints
the page says so and is disabled; an allow-list of hosts is enforced by the engine (its sentence is
shown).
"""

from __future__ import annotations

from pathlib import Path

from gui.qt import Qt, QtWidgets, Signal
from gui.engine_messages import as_sentence
from gui.panes.models.token_dialog import KeyringCalls

from engine.errors import HearthError

COLUMNS = ("name", "url", "host", "tls", "key", "source")


def _sentence(e: BaseException) -> str:
    if isinstance(e, HearthError):
        return str(e)
    return f"{type(e).__name__}: {e}"


# ---- work done on the worker threads (no Qt) ----------------------------------------------------

def _key_states(names: list[str]) -> dict:
    from engine.remote.endpoints import get_api_key

    out = {}
    for n in names:
        try:
            out[n] = get_api_key(n) is not None
        except Exception:
            out[n] = None
    return out


def _add(config, name, url, verify, ca_bundle, api_key, allow_insecure_key=False):
    from engine.remote.endpoints import EndpointRegistry

    try:
        ep = EndpointRegistry(config).add(name, url, verify=verify, ca_bundle=ca_bundle or None,
                                          api_key=api_key or None, allow_insecure_key=allow_insecure_key)
    except Exception as e:
        return {"ok": False, "error": _sentence(e)}
    return {"ok": True, "name": ep.name, "host": ep.host_label}


def _remove(config, name):
    from engine.remote.endpoints import EndpointRegistry

    try:
        ep = EndpointRegistry(config).remove(name)
    except Exception as e:
        return {"ok": False, "error": _sentence(e)}
    return {"ok": True, "name": ep.name}


def _test(config, name):
    """What ``endpoints test NAME`` does (engine.remote.endpoints.probe_endpoint), as a result dict."""
    from engine.remote.endpoints import probe_endpoint

    notices: list[str] = []
    try:
        ep, ids, seconds = probe_endpoint(config, name, on_notice=notices.append)
    except Exception as e:
        return {"ok": False, "name": name, "error": _sentence(e), "notices": notices}
    return {"ok": True, "name": ep.name, "host": ep.host_label, "models": ids, "seconds": seconds,
            "notices": notices}


# ---- the Add dialog ----------------------------------------------------------------------------

class AddEndpointDialog(QtWidgets.QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add a server"))
        lay = QtWidgets.QVBoxLayout(self)
        note = QtWidgets.QLabel(self.tr(
            "A company inference server that speaks the OpenAI-compatible API (llama-server, vLLM, Ollama, "
            "LM Studio). Adding it contacts nothing; press Test afterwards to list its models."))
        note.setWordWrap(True)
        lay.addWidget(note)
        form = QtWidgets.QFormLayout()
        self.name_edit = QtWidgets.QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("company"))
        form.addRow(self.tr("Name"), self.name_edit)
        self.url_edit = QtWidgets.QLineEdit()
        self.url_edit.setPlaceholderText("https://llm.intra.example/v1")
        form.addRow(self.tr("Base URL"), self.url_edit)
        self.key_edit = QtWidgets.QLineEdit()
        self.key_edit.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("optional; kept in the system keyring only"))
        form.addRow(self.tr("API key"), self.key_edit)
        self.verify_box = QtWidgets.QCheckBox(self.tr("Verify the server's TLS certificate (recommended)"))
        self.verify_box.setChecked(True)
        form.addRow(self.tr("TLS"), self.verify_box)
        ca_row = QtWidgets.QHBoxLayout()
        self.ca_edit = QtWidgets.QLineEdit()
        self.ca_edit.setPlaceholderText(self.tr("optional: your company's CA bundle (.pem)"))
        ca_row.addWidget(self.ca_edit, 1)
        self.ca_button = QtWidgets.QPushButton(self.tr("Browse…"))
        self.ca_button.clicked.connect(self._browse_ca)
        ca_row.addWidget(self.ca_button)
        form.addRow(self.tr("CA bundle"), ca_row)
        self.verify_box.toggled.connect(self.ca_edit.setEnabled)
        self.verify_box.toggled.connect(self.ca_button.setEnabled)
        lay.addLayout(form)
        # Plain http:// to another computer: the key would travel unencrypted (loopback is fine).
        self.insecure_note = QtWidgets.QLabel(self.tr(
            "This URL is plain http://: an API key would cross the network unencrypted, readable by anyone on "
            "the way. Use https://, or, only on a network you trust, allow it below."))
        self.insecure_note.setWordWrap(True)
        self.insecure_note.setObjectName("endpointsInsecureNote")
        self.insecure_note.setStyleSheet("background:#fff4e5; color:#663c00; padding:5px; border-radius:4px;")
        lay.addWidget(self.insecure_note)
        self.insecure_box = QtWidgets.QCheckBox(self.tr("Send the API key over plain http:// (trusted network only)"))
        lay.addWidget(self.insecure_box)
        self.url_edit.textChanged.connect(self._url_changed)
        self._url_changed()
        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.ok_button = self.buttons.addButton(self.tr("Add"), QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def _browse_ca(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Choose a CA bundle"), str(Path.home()),
                                                        self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"))
        if path:
            self.ca_edit.setText(path)

    def _url_changed(self, *_) -> None:
        from engine.endpoint_spec import key_travels_in_clear

        in_clear = key_travels_in_clear(self.url_edit.text().strip())
        self.insecure_note.setVisible(in_clear)
        self.insecure_box.setVisible(in_clear)
        if not in_clear:
            self.insecure_box.setChecked(False)

    def values(self) -> dict:
        return {"name": self.name_edit.text().strip(), "url": self.url_edit.text().strip(),
                "api_key": self.key_edit.text().strip() or None, "verify": self.verify_box.isChecked(),
                "ca_bundle": (self.ca_edit.text().strip() or None) if self.verify_box.isChecked() else None,
                "allow_insecure_key": self.insecure_box.isChecked()}


# ---- the page ------------------------------------------------------------------------------------

class EndpointsTab(QtWidgets.QWidget):
    remoteModelsChanged = Signal(list)   # engine.remote.resolve.picker_entries(): what the pickers offer
    endpointsChanged = Signal()          # an endpoint was added or removed
    listed = Signal()                    # the list (with the API key states) is on screen
    testFinished = Signal(str, bool, str)  # endpoint name, succeeded, the sentence shown
    actionFinished = Signal(str, bool, str)  # "add" | "remove", succeeded, the sentence shown
    dialogShown = Signal()               # the Add dialog is open (``add_dialog``)

    def __init__(self, config, parent=None):
        super().__init__(parent)
        self.config = config
        self.policy = config.policy
        self.endpoints: list = []
        self.key_states: dict = {}
        self.add_dialog: AddEndpointDialog | None = None
        self.testing: str | None = None
        self.last_models: list[str] = []
        self._calls: KeyringCalls | None = None     # keyring and settings (add, remove, key states)
        self._net: KeyringCalls | None = None       # tests (network)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(QtWidgets.QLabel(self.tr("<b>Company inference servers</b>")))
        self.intro = QtWidgets.QLabel(self.tr(
            "Servers that speak the OpenAI-compatible API can be model sources beside your own models; their "
            "models are marked “remote” with the host name. Your text is sent to that server when you use one. "
            "Nothing is contacted until you press Test or pick a remote model."))
        self.intro.setWordWrap(True)
        lay.addWidget(self.intro)
        self.policy_note = QtWidgets.QLabel("")
        self.policy_note.setWordWrap(True)
        self.policy_note.setObjectName("endpointsPolicyNote")
        self.policy_note.setStyleSheet("background:#fff4e5; color:#663c00; padding:5px; border-radius:4px;")
        self.policy_note.hide()
        lay.addWidget(self.policy_note)
        self.table = QtWidgets.QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels([self.tr("Name"), self.tr("URL"), self.tr("Host"), self.tr("TLS verification"),
                                    self.tr("API key"), self.tr("Added by")])
        self.table.header().setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.table.currentItemChanged.connect(self._selected)
        lay.addWidget(self.table, 1)
        row = QtWidgets.QHBoxLayout()
        self.add_button = QtWidgets.QPushButton(self.tr("Add…"))
        self.add_button.clicked.connect(self.open_add_dialog)
        self.remove_button = QtWidgets.QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self._remove_selected)
        self.test_button = QtWidgets.QPushButton(self.tr("Test"))
        self.test_button.setToolTip(self.tr("Ask the server for its models (GET /v1/models)"))
        self.test_button.clicked.connect(self._test_selected)
        for b in (self.add_button, self.remove_button, self.test_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.status = QtWidgets.QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("endpointsStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.status)
        self.models_list = QtWidgets.QListWidget()
        self.models_list.setMaximumHeight(110)
        self.models_list.hide()
        lay.addWidget(self.models_list)
        self.block = self.policy.remote_block()
        if self.block:
            self.policy_note.setText(as_sentence(self.block))
            self.policy_note.show()
            for w in (self.table, self.add_button, self.remove_button, self.test_button, self.models_list):
                w.setEnabled(False)
        self.refresh()

    # ---- workers ------------------------------------------------------------------------------
    def _keyring(self) -> KeyringCalls:
        if self._calls is None:
            self._calls = KeyringCalls(self)
        return self._calls

    def _network(self) -> KeyringCalls:
        if self._net is None:
            self._net = KeyringCalls(self)
        return self._net

    def shutdown(self) -> None:
        for calls in (self._calls, self._net):
            if calls is not None:
                calls.shutdown()
        self._calls = self._net = None

    # ---- the list -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """The registry now (contacts nothing); the API key states follow from the keyring thread."""
        from engine.remote.endpoints import EndpointRegistry

        try:
            self.endpoints = EndpointRegistry(self.config).list()
        except Exception as e:
            self.endpoints = []
            self.status.setText(as_sentence(_sentence(e)))
        self._fill()
        names = [ep.name for ep in self.endpoints]
        self._keyring().submit(lambda: _key_states(names), self._keys_read)

    def _keys_read(self, states) -> None:
        if isinstance(states, dict):
            self.key_states = states
        self._fill()
        self.listed.emit()

    def _fill(self) -> None:
        current = self.selected_name()
        self.table.clear()
        for ep in self.endpoints:
            if not ep.verify:
                tls = self.tr("off")
            elif ep.ca_bundle:
                tls = self.tr("on (CA bundle {file})").format(file=Path(ep.ca_bundle).name)
            else:
                tls = self.tr("on")
            key = self.key_states.get(ep.name)
            key_text = "…" if ep.name not in self.key_states else (
                self.tr("set") if key else (self.tr("none") if key is False else self.tr("unknown")))
            if key and ep.key_in_clear:
                key_text = (self.tr("set, sent unencrypted (http://)") if ep.allow_insecure_key
                            else self.tr("set, not sent over http://"))
            source = self.tr("you") if ep.source == "user" else self.tr("🔒 administrator")
            item = QtWidgets.QTreeWidgetItem([ep.name, ep.url, ep.host_label, tls, key_text, source])
            item.setData(0, Qt.ItemDataRole.UserRole, ep.name)
            block = self.policy.remote_block(ep.host, ep.port)
            if ep.source != "user":
                tip = self.tr("Set by your administrator: it cannot be removed here.")
                for c in range(len(COLUMNS)):
                    item.setToolTip(c, tip)
            if block and not self.block:
                item.setToolTip(0, as_sentence(block))
                item.setText(0, ep.name + " ⛔")
            self.table.addTopLevelItem(item)
            if ep.name == current:
                self.table.setCurrentItem(item)
        for c in (0, 2, 3, 4, 5):
            self.table.resizeColumnToContents(c)
        if self.table.currentItem() is None and self.table.topLevelItemCount():
            self.table.setCurrentItem(self.table.topLevelItem(0))
        self._selected()

    def endpoint(self, name: str | None):
        n = (name or "").lower()
        return next((ep for ep in self.endpoints if ep.name.lower() == n), None)

    def selected_name(self) -> str | None:
        item = self.table.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, name: str) -> bool:
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole).lower() == name.lower():
                self.table.setCurrentItem(item)
                return True
        return False

    def _selected(self, *_) -> None:
        ep = self.endpoint(self.selected_name())
        usable = not self.block
        self.add_button.setEnabled(usable)
        self.remove_button.setEnabled(usable and ep is not None and ep.source == "user")
        self.remove_button.setToolTip(
            self.tr("Set by your administrator: it cannot be removed here.")
            if ep is not None and ep.source != "user" else self.tr("Remove the server and its API key"))
        self.test_button.setEnabled(usable and ep is not None and self.testing is None)

    # ---- Add --------------------------------------------------------------------------------------
    def open_add_dialog(self) -> None:
        if self.block:
            return
        d = self.add_dialog = AddEndpointDialog(self)
        d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        d.accepted.connect(lambda dlg=d: self.add_endpoint(**dlg.values()))
        d.finished.connect(self._dialog_closed)
        d.open()
        self.dialogShown.emit()

    def _dialog_closed(self, *_) -> None:
        self.add_dialog = None

    def add_endpoint(self, name: str, url: str, api_key: str | None = None, verify: bool = True,
                     ca_bundle: str | None = None, allow_insecure_key: bool = False) -> None:
        """Add (or replace) a user endpoint on the keyring thread; ``actionFinished`` says how it went."""
        if self.block:
            return
        self.status.setText(self.tr("Adding {name}…").format(name=name))
        config = self.config
        self._keyring().submit(lambda: _add(config, name, url, verify, ca_bundle, api_key, allow_insecure_key),
                               self._added)

    def _failure(self, r) -> str | None:
        """A worker's result: None when it went well, else its sentence, shown in the status line."""
        if isinstance(r, dict) and r.get("ok"):
            return None
        text = as_sentence(r.get("error", "") if isinstance(r, dict) else _sentence(r))
        self.status.setText(text)
        return text

    def _added(self, r) -> None:
        failure = self._failure(r)
        if failure is not None:
            self.actionFinished.emit("add", False, failure)
            return
        text = self.tr("Added {name}. Nothing was contacted: press Test to list its models. Your text is sent "
                       "to {host} when you use them.").format(name=r["name"], host=r["host"])
        self.status.setText(text)
        self.refresh()
        self.select(r["name"])
        self.endpointsChanged.emit()
        self._emit_models()
        self.actionFinished.emit("add", True, text)

    # ---- Remove ----------------------------------------------------------------------------------
    def _remove_selected(self) -> None:
        name = self.selected_name()
        if name:
            self.remove_endpoint(name)

    def remove_endpoint(self, name: str) -> None:
        ep = self.endpoint(name)
        if self.block or ep is None:
            return
        if ep.source != "user":
            text = self.tr("{name} is set by your administrator and cannot be removed here.").format(name=ep.name)
            self.status.setText(text)
            self.actionFinished.emit("remove", False, text)
            return
        config = self.config
        self._keyring().submit(lambda: _remove(config, name), self._removed)

    def _removed(self, r) -> None:
        failure = self._failure(r)
        if failure is not None:
            self.actionFinished.emit("remove", False, failure)
            return
        text = self.tr("Removed {name} and its API key.").format(name=r["name"])
        self.status.setText(text)
        self.models_list.hide()
        self.refresh()
        self.endpointsChanged.emit()
        self._emit_models()
        self.actionFinished.emit("remove", True, text)

    # ---- Test ------------------------------------------------------------------------------------
    def _test_selected(self) -> None:
        name = self.selected_name()
        if name:
            self.test_endpoint(name)

    def test_endpoint(self, name: str) -> bool:
        """Ask the server for its models on the network thread; returns at once (``testFinished``)."""
        if self.block or self.testing is not None:
            return False
        self.testing = name
        self.models_list.hide()
        self.status.setText(self.tr("Testing {name}…").format(name=name))
        self._selected()
        config = self.config
        self._network().submit(lambda: _test(config, name), self._tested)
        return True

    def _tested(self, r) -> None:
        name = self.testing or ""
        self.testing = None
        self._selected()
        failure = self._failure(r)
        if failure is not None:
            self.testFinished.emit(name, False, failure)
            return
        ids = list(r["models"])
        self.last_models = ids
        text = self.tr("{name}: {host} answered in {ms} ms with %n model(s).", "", len(ids)).format(
            name=r["name"], host=r["host"], ms=round(r["seconds"] * 1000))
        self.status.setText(text)
        self.models_list.clear()
        for mid in ids:
            self.models_list.addItem(f"{r['name']}:{mid}")
        self.models_list.setVisible(bool(ids))
        self._emit_models()
        self.testFinished.emit(r["name"], True, text)

    def _emit_models(self) -> None:
        from engine.remote.resolve import picker_entries

        try:
            entries = picker_entries(self.config)
        except Exception:
            return
        self.remoteModelsChanged.emit(entries)
