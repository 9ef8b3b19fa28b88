"""The transcript: messages rendered as Markdown, the reply streaming in.

Streaming never re-renders the whole message per token: new text is appended
as plain text at the end with a QTextCursor, and finished Markdown blocks
(paragraphs, closed code fences) are turned into HTML at a bounded rate.
The whole reply is rendered once more when it finishes.

Links: the view's own actions (copy, edit, show earlier messages) use a URL
scheme made of a random token chosen per view, so no message text can name
them; the Markdown renderer only keeps http, https and mailto links from
message text anyway. Those are never opened directly: the user first sees the
real target and confirms.
"""

from __future__ import annotations

import html
import secrets

from gui.qt import QtCore, QtGui, QtWidgets, QTimer, Signal
from gui.i18n import apply_cjk_fallback
from gui.widgets import markdown

RENDER_INTERVAL_MS = 250  # finished blocks are rendered at most 4 times a second
RENDER_CHUNK_CHARS = 2000  # ... and about this much text per tick at most
INCOMPLETE_NOTE = '<p style="color:#b00020; font-size:small;">{text}</p>'
INCOMPLETE_TEXT = QtCore.QT_TRANSLATE_NOOP("ChatView", "(incomplete) — the reply was cut short")

MEMORY_MARKER = '<p align="center" style="color:#8a6d00; margin:12px 0;">── {text} ──</p>'
MEMORY_TEXT = QtCore.QT_TRANSLATE_NOOP("ChatView",
                                       "messages above are outside the model's memory (context window full)")

INITIAL_MESSAGES = 60  # rendered when a conversation opens; older ones on request

ROLE_LABEL = {"user": QtCore.QT_TRANSLATE_NOOP("ChatView", "You"),
              "assistant": QtCore.QT_TRANSLATE_NOOP("ChatView", "Assistant"),
              "system": QtCore.QT_TRANSLATE_NOOP("ChatView", "System")}
ROLE_COLOR = {"user": "#1f5fa8", "assistant": "#2d7d46", "system": "#8a6d00"}


class ChatView(QtWidgets.QTextBrowser):
    """Shows a list of messages; the last assistant message may be streaming."""

    editRequested = Signal(int)        # index of a user message to edit and resend
    messageCopied = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.setObjectName("chatView")
        self.setFont(apply_cjk_fallback(self.font()))   # kana and kanji from a Japanese font
        self.document().setDocumentMargin(12)
        self.messages: list[dict] = []
        self._code_blocks: list[str] = []
        self._streaming = False
        self._reply_start = 0          # document position where the reply's header starts
        self._rendered_chars = 0       # reply text already turned into HTML
        self._tail_start = 0           # document position of the plain-text tail
        self._render_timer = QTimer(self)
        self._render_timer.setInterval(RENDER_INTERVAL_MS)
        self._render_timer.timeout.connect(self._render_finished_blocks)
        self._plain = QtGui.QTextCharFormat()
        self.busy = False  # while True, edit/regenerate links are ignored
        self._memory_start = 0
        # The view's own actions: an unguessable scheme, new for every view.
        self._action_scheme = f"hearth-{secrets.token_hex(8)}"

    def action_href(self, action: str, arg: int | str = "") -> str:
        """The link target of one of the view's own actions (``copy``, ``msgcopy``, ``edit``, ``earlier``)."""
        return f"{self._action_scheme}:{action}/{arg}"

    def _copy_href(self, n: int) -> str:
        return self.action_href("copy", n)

    # ---- whole transcript --------------------------------------------------------
    def set_messages(self, messages: list[dict], memory_start: int = 0) -> None:
        """Show a stored conversation (one document build, not one per message).

        ``memory_start``: how many of the first messages no longer fit the
        model's context; a marker line says so after them.
        """
        self._render_timer.stop()
        self._streaming = False
        self.messages = [dict(m) for m in messages]
        self._memory_start = memory_start
        self._render_all(show_all=False)

    def _render_all(self, show_all: bool) -> None:
        # Long chats open at once: only the latest messages are rendered until
        # the user asks for the earlier ones.
        self._code_blocks = []
        first = 0 if show_all else max(0, len(self.messages) - INITIAL_MESSAGES)
        parts = [self._message_html(i, self.messages[i]) for i in range(first, len(self.messages))]
        if first:
            parts.insert(0, f'<p align="center"><a href="{self.action_href("earlier")}">↑ '
                            + html.escape(self.tr("Show {n} earlier messages").format(n=first)) + '</a></p>')
        ms = self._memory_start - first
        if 0 < ms < len(parts) and self._memory_start > 0:
            parts.insert(ms + (1 if first else 0), MEMORY_MARKER.format(text=html.escape(self.tr(MEMORY_TEXT))))
        self.setHtml("".join(parts))
        if show_all:
            self.verticalScrollBar().setValue(0)
        else:
            self._scroll_to_end()

    def clear_messages(self) -> None:
        self.set_messages([])

    def _header_html(self, i: int, m: dict) -> str:
        role = m.get("role", "user")
        label = html.escape(self.tr(ROLE_LABEL[role])) if role in ROLE_LABEL else html.escape(role)
        if role == "assistant" and m.get("model"):
            label += f" · {html.escape(_short_model(m['model']))}"
        copy_text, edit_text = html.escape(self.tr("Copy")), html.escape(self.tr("Edit"))
        links = [f'<a href="{self.action_href("msgcopy", i)}" style="text-decoration:none;">{copy_text}</a>']
        if role == "user":
            links.append(f'<a href="{self.action_href("edit", i)}" style="text-decoration:none;">{edit_text}</a>')
        note = ""
        if role == "assistant" and m.get("complete") is False:
            incomplete = html.escape(self.tr("(incomplete)"))
            note = f' <span style="color:#b00020;">{incomplete}</span>'
        return (f'<p style="margin-top:14px; margin-bottom:2px;"><b style="color:{ROLE_COLOR.get(role, "#444")};">'
                f'{label}</b>{note} &nbsp; <span style="font-size:small;">{" · ".join(links)}</span></p>')

    def _message_html(self, i: int, m: dict) -> str:
        body = markdown.render(m.get("content", ""), self._code_blocks, self._copy_href) if m.get("content") else "<p></p>"
        return self._header_html(i, m) + body

    # ---- adding and streaming ----------------------------------------------------
    def _end_cursor(self) -> QtGui.QTextCursor:
        c = QtGui.QTextCursor(self.document())
        c.movePosition(QtGui.QTextCursor.MoveOperation.End)
        return c

    def _new_message_cursor(self) -> QtGui.QTextCursor:
        """A cursor in a fresh block at the end: inserted HTML must not merge into the previous message."""
        c = self._end_cursor()
        if not self.document().isEmpty():
            c.insertBlock(QtGui.QTextBlockFormat(), self._plain)
        return c

    def _at_bottom(self) -> bool:
        sb = self.verticalScrollBar()
        return sb.value() >= sb.maximum() - 4

    def _scroll_to_end(self) -> None:
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def add_message(self, message: dict) -> None:
        follow = self._at_bottom()
        self.messages.append(dict(message))
        i = len(self.messages) - 1
        c = self._new_message_cursor()
        c.insertHtml(self._message_html(i, self.messages[-1]))
        if follow:
            self._scroll_to_end()

    def begin_reply(self, model: str | None = None) -> None:
        """Start an empty assistant message that tokens will stream into."""
        follow = self._at_bottom()
        self.messages.append({"role": "assistant", "content": "", "model": model, "complete": False})
        c = self._new_message_cursor()
        self._reply_start = c.position()
        c.insertHtml(self._header_html(len(self.messages) - 1, {"role": "assistant", "model": model}))
        c.insertBlock(QtGui.QTextBlockFormat(), self._plain)
        self._tail_start = c.position()
        self._rendered_chars = 0
        self._streaming = True
        self._render_timer.start()
        if follow:
            self._scroll_to_end()

    def append_tokens(self, text: str) -> None:
        if not self._streaming or not text:
            return
        follow = self._at_bottom()
        self.messages[-1]["content"] += text
        c = self._end_cursor()
        c.insertText(text, self._plain)
        if follow:
            self._scroll_to_end()

    def _render_finished_blocks(self) -> None:
        """Turn newly finished Markdown blocks of the reply into HTML.

        At most about RENDER_CHUNK_CHARS per tick, so a very fast model never
        makes one tick long: the rest waits for the next tick.
        """
        if not self._streaming:
            return
        text = self.messages[-1]["content"]
        window = text[:self._rendered_chars + RENDER_CHUNK_CHARS]
        end = markdown.complete_blocks_end(window, self._rendered_chars)
        if end <= self._rendered_chars:
            # No boundary inside the window: take the first one after it, if any.
            nxt = text.find("\n\n", self._rendered_chars + RENDER_CHUNK_CHARS)
            if nxt < 0:
                return
            end = markdown.complete_blocks_end(text[:nxt + 2], self._rendered_chars)
            if end <= self._rendered_chars:
                return
        self._replace_tail(text[self._rendered_chars:end], text[end:])
        self._rendered_chars = end

    def _replace_tail(self, markdown_part: str, plain_rest: str, final: bool = False) -> None:
        """Replace the plain tail with ``markdown_part`` rendered, then ``plain_rest`` as plain text."""
        follow = self._at_bottom()
        c = QtGui.QTextCursor(self.document())
        c.setPosition(self._tail_start)
        c.movePosition(QtGui.QTextCursor.MoveOperation.End, QtGui.QTextCursor.MoveMode.KeepAnchor)
        c.removeSelectedText()
        if markdown_part:
            c.insertHtml(markdown.render(markdown_part, self._code_blocks, self._copy_href))
        if not final:
            c.insertBlock(QtGui.QTextBlockFormat(), self._plain)
            self._tail_start = c.position()
            c.insertText(plain_rest, self._plain)
        if follow:
            self._scroll_to_end()

    def finish_reply(self, text: str | None = None, complete: bool = True, stats: dict | None = None) -> None:
        """Render what is still plain text of the reply (earlier blocks are HTML already)."""
        if not self._streaming:
            return
        self._render_timer.stop()
        self._streaming = False
        m = self.messages[-1]
        streamed = m["content"]
        if text is not None:
            m["content"] = text
        m["complete"] = complete
        if stats:
            m["stats"] = stats
        follow = self._at_bottom()
        if m["content"].startswith(streamed[:self._rendered_chars]):
            self._replace_tail(m["content"][self._rendered_chars:], "", final=True)
        else:  # the final text differs from what streamed: render it whole
            c = QtGui.QTextCursor(self.document())
            c.setPosition(self._reply_start)
            c.movePosition(QtGui.QTextCursor.MoveOperation.End, QtGui.QTextCursor.MoveMode.KeepAnchor)
            c.removeSelectedText()
            c.insertHtml(self._message_html(len(self.messages) - 1, m))
        if not complete:
            self._end_cursor().insertHtml(INCOMPLETE_NOTE.format(text=html.escape(self.tr(INCOMPLETE_TEXT))))
        if follow:
            self._scroll_to_end()

    @property
    def streaming(self) -> bool:
        return self._streaming

    # ---- links ------------------------------------------------------------------
    def _on_anchor(self, url: QtCore.QUrl) -> None:
        if url.scheme() == self._action_scheme:
            action, _, arg = url.path().partition("/")
            self._run_action(action, arg)
        elif url.scheme().lower() in markdown.SAFE_SCHEMES and markdown.is_safe_link(url.toString()):
            self._open_external(url)
        # Anything else (a scheme of an older build, a relative path...) does nothing.

    def _run_action(self, action: str, arg: str) -> None:
        cb = QtWidgets.QApplication.clipboard()
        if action == "earlier" and not self._streaming:
            self._render_all(show_all=True)
        elif action == "copy" and arg.isdigit() and int(arg) < len(self._code_blocks):
            cb.setText(self._code_blocks[int(arg)])
        elif action == "msgcopy" and arg.isdigit() and int(arg) < len(self.messages):
            cb.setText(self.messages[int(arg)]["content"])
            self.messageCopied.emit(int(arg))
        elif action == "edit" and arg.isdigit() and int(arg) < len(self.messages) \
                and self.messages[int(arg)].get("role") == "user" and not self.busy:
            self.editRequested.emit(int(arg))

    def _open_external(self, url: QtCore.QUrl) -> None:
        """A link in a message: show where it really goes, open it only if the user agrees."""
        target = bytes(url.toEncoded()).decode("ascii", "replace")  # exact, punycode host: no look-alikes
        if confirm_open_link(self, target):
            QtGui.QDesktopServices.openUrl(url)


def confirm_open_link(parent, target: str) -> bool:
    """Ask before a link from a message leaves the app; ``target`` is shown in full."""
    if target.lower().startswith("mailto:"):
        question = QtCore.QCoreApplication.translate("ChatView", "Write an email with your email program?")
    else:
        question = QtCore.QCoreApplication.translate("ChatView", "Open this link in your browser?")
    box = QtWidgets.QMessageBox(parent)
    box.setIcon(QtWidgets.QMessageBox.Icon.Question)
    box.setWindowTitle(QtCore.QCoreApplication.translate("ChatView", "Open link"))
    box.setText(question)
    box.setInformativeText(target)
    box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
    box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Open | QtWidgets.QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Cancel)
    return box.exec() == QtWidgets.QMessageBox.StandardButton.Open

def _short_model(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name[:-5] if name.lower().endswith(".gguf") else name
