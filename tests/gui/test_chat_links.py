"""A message's text can never trigger an app action; its web links open only after the
user has seen the real target (issue 7, section 4)."""

import pytest

from gui.qt import QtCore, QtGui, QtWidgets
from gui.widgets import chat_view as chat_view_module
from gui.widgets import markdown
from gui.widgets.chat_view import ChatView

EVIL_REPLY = ("Click [x](edit:0) or [y](copy:0) or [z](msgcopy:0), or <edit:0>, "
              'or <a href="edit:0">h</a>, or ![pic](edit:0).\n\n'
              "```python\nprint('secret')\n```\n\n"
              "| a | b |\n|---|---|\n| [t](edit:0) | 1 |\n")
LEGACY_HREFS = ["edit:0", "copy:0", "msgcopy:0", "earlier:", "edit:1"]


def anchors(view: ChatView) -> list[tuple[str, str]]:
    """(href, text) of every link in the view's document, in order."""
    out = []
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.isValid() and frag.charFormat().isAnchor():
                out.append((frag.charFormat().anchorHref(), frag.text()))
            it += 1
        block = block.next()
    return out


def activate(view: ChatView, href: str) -> None:
    """What a click on the link does: QTextBrowser emits anchorClicked with its URL."""
    view.anchorClicked.emit(QtCore.QUrl(href))


@pytest.fixture
def view(qtbot):
    v = ChatView()
    qtbot.addWidget(v)
    v.resize(600, 400)
    return v


@pytest.fixture
def no_browser(monkeypatch):
    """Records link confirmations and browser opens instead of showing a dialog or a browser."""
    events = []
    answer = {"open": False}

    def confirm(parent, target):
        events.append(("confirm", target))
        return answer["open"]

    def open_url(url):
        events.append(("open", url.toString()))
        return True

    monkeypatch.setattr(chat_view_module, "confirm_open_link", confirm)
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", staticmethod(open_url))
    return events, answer


def _assert_reply_is_inert(qtbot, view, no_browser):
    events, _ = no_browser
    cb = QtWidgets.QApplication.clipboard()
    cb.setText("sentinel")
    own = {view.action_href("msgcopy", 0), view.action_href("edit", 0), view.action_href("msgcopy", 1),
           view.action_href("copy", 0)}
    found = anchors(view)
    content_links = [(h, t) for h, t in found if h not in own]
    # Nothing in the reply became a link to anything but the web.
    assert all(h.startswith(("http://", "https://", "mailto:")) for h, _ in content_links), content_links
    text = view.toPlainText()
    assert "x" in text and "<a href=\"edit:0\">h</a>" in text  # shown as text, not dropped
    with qtbot.assertNotEmitted(view.editRequested), qtbot.assertNotEmitted(view.messageCopied):
        for href, _ in content_links:
            activate(view, href)
        for href in LEGACY_HREFS:   # the old action links, should content ever carry them
            activate(view, href)
            view._on_anchor(QtCore.QUrl(href))
    assert cb.text() == "sentinel"
    assert not [e for e in events if e[0] == "open"]


def test_links_in_a_reply_cannot_trigger_actions(qtbot, view, no_browser):
    view.set_messages([{"role": "user", "content": "hello"},
                       {"role": "assistant", "content": EVIL_REPLY, "complete": True}])
    _assert_reply_is_inert(qtbot, view, no_browser)


def test_links_in_a_streamed_reply_cannot_trigger_actions(qtbot, view, no_browser):
    view.set_messages([{"role": "user", "content": "hello"}])
    view.begin_reply("model.gguf")
    half = len(EVIL_REPLY) // 2
    view.append_tokens(EVIL_REPLY[:half])
    view._render_finished_blocks()          # what the render timer does while streaming
    view.append_tokens(EVIL_REPLY[half:])
    view.finish_reply(EVIL_REPLY, complete=True)
    _assert_reply_is_inert(qtbot, view, no_browser)


def test_real_edit_copy_and_copy_code_links_still_work(qtbot, view, no_browser):
    view.set_messages([{"role": "user", "content": "hello"},
                       {"role": "assistant", "content": EVIL_REPLY, "complete": True}])
    found = anchors(view)
    edit = [h for h, t in found if t == "Edit"]
    assert len(edit) == 1 and edit[0] == view.action_href("edit", 0)
    with qtbot.waitSignal(view.editRequested) as sig:
        activate(view, edit[0])
    assert sig.args == [0]
    copies = [h for h, t in found if t == "Copy"]
    with qtbot.waitSignal(view.messageCopied) as sig:
        activate(view, copies[1])
    assert sig.args == [1] and QtWidgets.QApplication.clipboard().text() == EVIL_REPLY
    code = [h for h, t in found if "Copy code" in t]
    assert len(code) == 1
    activate(view, code[0])
    assert QtWidgets.QApplication.clipboard().text() == "print('secret')\n"
    # While a reply is being written, Edit does nothing.
    view.busy = True
    with qtbot.assertNotEmitted(view.editRequested):
        activate(view, edit[0])


def test_action_links_are_private_to_each_view(qtbot, view, no_browser):
    other = ChatView()
    qtbot.addWidget(other)
    other.set_messages([{"role": "user", "content": "hi"}])
    view.set_messages([{"role": "user", "content": "hi"}])
    assert other.action_href("edit", 0) != view.action_href("edit", 0)
    assert len(view.action_href("edit", 0).split(":")[0]) >= len("hearth-") + 16   # 64 random bits
    with qtbot.assertNotEmitted(view.editRequested):
        activate(view, other.action_href("edit", 0))


def test_web_link_opens_only_after_confirming_its_real_target(qtbot, view, no_browser):
    events, answer = no_browser
    target = "https://evil.example/path?q=1"
    view.set_messages([{"role": "assistant", "content": f"See [https://good.example]({target}).",
                        "complete": True}])
    links = [h for h, t in anchors(view) if t == "https://good.example"]
    assert links == [target]
    activate(view, links[0])                      # the user says no
    assert events == [("confirm", target)]
    answer["open"] = True
    activate(view, links[0])                      # the user says yes
    assert events == [("confirm", target), ("confirm", target), ("open", target)]


def test_confirmation_dialog_shows_the_full_target(qtbot, view, monkeypatch):
    shown = {}

    def fake_exec(box):
        shown["text"] = box.text() + "\n" + box.informativeText()
        return QtWidgets.QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", fake_exec)
    assert chat_view_module.confirm_open_link(view, "https://example.org/a/b?c=d#e") is False
    assert "Open this link in your browser?" in shown["text"]
    assert "https://example.org/a/b?c=d#e" in shown["text"]


def test_markdown_keeps_only_web_links():
    html = markdown.render("[a](https://ok.example) [b](javascript:alert(1)) [c](file:///etc/passwd) "
                           "[d](relative/path) [e](hearth-0123456789abcdef:edit/0) <mailto:me@example.org> "
                           "![img](https://img.example/p.png) ![local](/etc/passwd)")
    import re

    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == ["https://ok.example", "mailto:me@example.org", "https://img.example/p.png"]
    assert "<img" not in html
    for text in ("b", "c", "d", "e", "[image: local]"):
        assert text in html
