"""Preferences → Local API: which requests the API answers (part of ``serve_tab.ServeTab``).

Three settings of the key ``"serve"`` that ``engine.serve.guard.Access.from_settings`` reads when the API
starts (``python main.py serve`` takes them as ``--allow-origin``, ``--allow-host`` and ``--max-body-mb``):

- ``allow_origins``: web pages (``scheme://host[:port]``) whose scripts may call the API (none by default);
- ``allow_hosts``: other names of this computer the API answers to (the address it listens on and
  ``localhost`` always work);
- ``max_body_mb``: the largest request body, 1 to ``guard.MAX_BODY_MB`` (8 by default).

The two lists are edited one entry per line and checked with the engine's own ``normal_origin`` and
``normal_host``: a wrong line is named in a message under its field and nothing of that list is saved
until it is right. A list typed in is saved, when right, as the engine writes it (lower case, no default
port) a moment after typing stops, when the field loses focus, when the page is hidden, and before the
API starts (``commit``); a list not typed in is left as the settings have it. The body limit is saved
when it changes. A running API keeps what it started with: the tab disables this box while it serves,
like its other fields.
"""

from __future__ import annotations

from gui.qt import QtCore, QtWidgets, Signal
from gui.engine_messages import as_sentence

from engine.errors import HearthError

SETTINGS_KEY = "serve"
ORIGINS, HOSTS, BODY = "allow_origins", "allow_hosts", "max_body_mb"
SAVE_AFTER_MS = 800          # a valid list is saved this long after the last key press
ERROR_STYLE = "background:#fdecea; color:#8a1c1c; padding:5px; border-radius:4px;"


def _as_text(value) -> str:
    """A saved list as the editor shows it, one entry per line (anything else as it is, to be pointed at)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return str(value)


class ListEdit(QtWidgets.QPlainTextEdit):
    """One entry per line; ``left`` when it loses focus."""

    left = Signal()

    def __init__(self, lines: int, parent=None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QtWidgets.QPlainTextEdit.LineWrapMode.NoWrap)
        self._lines = lines

    def sizeHint(self) -> QtCore.QSize:
        hint = super().sizeHint()
        m = self.contentsMargins()
        height = self.fontMetrics().lineSpacing() * self._lines + 2 * int(self.document().documentMargin()) \
            + m.top() + m.bottom()
        return QtCore.QSize(hint.width(), height)

    def minimumSizeHint(self) -> QtCore.QSize:
        return self.sizeHint()

    def focusOutEvent(self, e) -> None:
        super().focusOutEvent(e)
        self.left.emit()


class ServeAccessBox(QtWidgets.QGroupBox):
    saved = Signal()             # allowed origins, host names or the body limit were written to the settings
    refused = Signal(str)        # a list has a wrong line: the message shown under it

    def __init__(self, settings, parent=None):
        from engine.serve.guard import DEFAULT_MAX_BODY_MB, MAX_BODY_MB

        super().__init__(parent)
        self.settings = settings
        self.setTitle(self.tr("Requests the API answers"))
        saved = self._saved()
        lay = QtWidgets.QVBoxLayout(self)

        origins_label = QtWidgets.QLabel(self.tr("Allowed web page origins (one per line)"))
        lay.addWidget(origins_label)
        self.origins_edit = ListEdit(3)
        self.origins_edit.setObjectName("serveAllowOrigins")
        self.origins_edit.setPlaceholderText(self.tr("for example https://intranet.example.com"))
        self.origins_edit.setPlainText(_as_text(saved.get(ORIGINS)))
        origins_label.setBuddy(self.origins_edit)
        lay.addWidget(self.origins_edit)
        self.origins_error = self._error_label("serveAllowOriginsError")
        lay.addWidget(self.origins_error)
        self.origins_note = self._note(self.tr(
            "Web pages cannot use the API unless their origin is listed here. Add one only when a page you "
            "trust, such as a company intranet tool, should call the API from the browser: every script on "
            "that page can then use your models and read the replies. Leave it empty if unsure."))
        lay.addWidget(self.origins_note)

        hosts_label = QtWidgets.QLabel(self.tr("Extra allowed host names (one per line)"))
        lay.addWidget(hosts_label)
        self.hosts_edit = ListEdit(2)
        self.hosts_edit.setObjectName("serveAllowHosts")
        self.hosts_edit.setPlaceholderText(self.tr("for example mypc.local"))
        self.hosts_edit.setPlainText(_as_text(saved.get(HOSTS)))
        hosts_label.setBuddy(self.hosts_edit)
        lay.addWidget(self.hosts_edit)
        self.hosts_error = self._error_label("serveAllowHostsError")
        lay.addWidget(self.hosts_error)
        self.hosts_note = self._note(self.tr(
            "Other names of this computer that apps use to reach the API. The address above and localhost "
            "always work."))
        lay.addWidget(self.hosts_note)

        row = QtWidgets.QHBoxLayout()
        body_label = QtWidgets.QLabel(self.tr("Largest request body"))
        self.body_spin = QtWidgets.QSpinBox()
        self.body_spin.setObjectName("serveMaxBody")
        self.body_spin.setRange(1, MAX_BODY_MB)
        self.body_spin.setSuffix(" MB")
        self.body_spin.setKeyboardTracking(False)
        self.body_spin.setValue(self._body_in_settings() or DEFAULT_MAX_BODY_MB)
        self.body_spin.setToolTip(self.tr(
            "A request with a larger body is refused. Raise it only if an app sends very long texts in one "
            "request."))
        body_label.setBuddy(self.body_spin)
        body_label.setToolTip(self.body_spin.toolTip())
        row.addWidget(body_label)
        row.addWidget(self.body_spin)
        row.addStretch(1)
        lay.addLayout(row)

        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(lambda: self.commit(quiet=True))
        self._tidy: dict[str, list[str]] = {}              # lists saved since focus last left one
        self._edited = {ORIGINS: False, HOSTS: False}   # typed in since last saved: what ``commit`` saves
        for which in (ORIGINS, HOSTS):
            edit = self._edit(which)
            edit.textChanged.connect(lambda w=which: self._typed(w))
            edit.left.connect(self._left)
        self.body_spin.valueChanged.connect(self._save_body)
        # A hand-edited settings.json with a wrong entry: say so at once (nothing is saved here).
        for which in (ORIGINS, HOSTS):
            _values, error = self.check(which)
            self._show(which, error)

    # ---- widgets ------------------------------------------------------------------------------
    @staticmethod
    def _note(text: str) -> QtWidgets.QLabel:
        lab = QtWidgets.QLabel(text)
        lab.setWordWrap(True)
        return lab

    @staticmethod
    def _error_label(name: str) -> QtWidgets.QLabel:
        lab = QtWidgets.QLabel("")
        lab.setObjectName(name)
        lab.setWordWrap(True)
        lab.setStyleSheet(ERROR_STYLE)
        lab.hide()
        return lab

    def _edit(self, which: str) -> ListEdit:
        return self.origins_edit if which == ORIGINS else self.hosts_edit

    def _error(self, which: str) -> QtWidgets.QLabel:
        return self.origins_error if which == ORIGINS else self.hosts_error

    def _show(self, which: str, error: str | None) -> None:
        label = self._error(which)
        label.setText(error or "")
        label.setVisible(bool(error))

    # ---- the settings -------------------------------------------------------------------------
    def _saved(self) -> dict:
        saved = self.settings.get(SETTINGS_KEY) or {}
        return saved if isinstance(saved, dict) else {}

    def _body_in_settings(self) -> int | None:
        """The saved body limit in whole MB, or None when there is none or the engine would refuse it."""
        from engine.serve.guard import Access

        value = self._saved().get(BODY)
        if value is None:
            return None
        try:
            Access.make(max_body_mb=value)
        except HearthError:
            return None
        return int(value)

    def _write(self, values: dict) -> None:
        saved = self._saved()
        new = dict(saved)
        for key, value in values.items():
            if value in (None, [], ()):
                new.pop(key, None)
            else:
                new[key] = value
        if new != saved:
            self.settings.set(SETTINGS_KEY, new)
            self.saved.emit()

    def check(self, which: str) -> tuple[list[str] | None, str | None]:
        """The list in the editor as the engine reads it, or None and the message for its first wrong line."""
        from engine.serve.guard import normal_host, normal_origin

        normal = normal_origin if which == ORIGINS else normal_host
        out: list[str] = []
        for n, line in enumerate(self._edit(which).toPlainText().splitlines(), 1):
            if not line.strip():
                continue
            try:
                value = normal(line.strip())
            except HearthError as e:
                if which == ORIGINS:
                    text = self.tr("Line {n}: {reason} An origin is scheme://host or scheme://host:port, "
                                   "without a path.")
                else:
                    text = self.tr("Line {n}: {reason}")
                return None, text.format(n=n, reason=as_sentence(str(e)))
            if value not in out:
                out.append(value)
        return out, None

    def _typed(self, which: str) -> None:
        self._edited[which] = True
        self._timer.start()

    def commit(self, quiet: bool = False) -> str | None:
        """Save the lists typed in when they are right; else the first message (shown under its list,
        ``refused``). ``quiet`` (while typing): a wrong list is neither saved nor pointed at yet, a right one
        clears its message. A list not typed in is left as the settings have it."""
        self._timer.stop()
        first = None
        for which in (ORIGINS, HOSTS):
            if not self._edited[which]:
                continue
            values, error = self.check(which)
            if error is None:
                self._show(which, None)
                self._edited[which] = False
                if values != self._saved_list(which):
                    self._write({which: values})
                self._tidy[which] = values
            elif not quiet:
                self._show(which, error)
                self.refused.emit(error)
                first = first or error
        return first

    def _saved_list(self, which: str) -> list[str] | None:
        value = self._saved().get(which)
        if value is None:
            return []
        return list(value) if isinstance(value, (list, tuple)) else None   # anything else: write it again

    def _left(self) -> None:
        """Focus left a list: save or point at the wrong line, and show a list saved as it was saved."""
        self.commit()
        for which, values in self._tidy.items():
            edit = self._edit(which)
            text = "\n".join(values)
            if edit.toPlainText() != text and not edit.hasFocus() and not self._edited[which]:
                edit.blockSignals(True)
                edit.setPlainText(text)
                edit.blockSignals(False)
        self._tidy.clear()

    def _save_body(self, value: int) -> None:
        self._write({BODY: int(value)})

    def commit_body(self) -> None:
        """A saved limit the engine would refuse (hand-edited) is replaced by the one shown."""
        if self._saved().get(BODY) is not None and self._body_in_settings() is None:
            self._save_body(self.body_spin.value())

    def hideEvent(self, e) -> None:
        super().hideEvent(e)
        if self._timer.isActive():
            self.commit()
