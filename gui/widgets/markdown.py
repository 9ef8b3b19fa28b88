"""Markdown -> the HTML subset QTextDocument understands, with highlighted code.

Code blocks get Pygments colours as inline styles (QTextDocument has no
stylesheet classes) and a "Copy code" link whose target the view chooses.

The text is untrusted (a model's reply, a Hub model card): raw HTML is shown as
text, and only links to ``http``, ``https`` and ``mailto`` targets stay links.
Any other link (``edit:0``, ``file:…``, a relative path, an app action) is shown
as its plain text, so content can never make a link the app would act on.
Images become links to their source (QTextDocument would try to load them).
"""

from __future__ import annotations

import html
import re
from typing import Callable
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from gui.qt import QtCore


def _tr(text: str) -> str:
    return QtCore.QCoreApplication.translate("Markdown", text)


_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(["table", "strikethrough"])
_formatter = HtmlFormatter(noclasses=True, nowrap=True, style="friendly")

CODE_BG = "#f4f5f7"
SAFE_SCHEMES = ("http", "https", "mailto")
FENCE_RE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)


def _lexer(lang: str, code: str):
    if lang:
        try:
            return get_lexer_by_name(lang)
        except ClassNotFound:
            pass
    # No guess_lexer: it tries every lexer and costs tens of ms per block.
    return TextLexer()


def is_safe_link(href: str) -> bool:
    """True for the only link targets content may carry: http, https and mailto."""
    try:
        parts = urlsplit((href or "").strip())
    except ValueError:
        return False
    return parts.scheme.lower() in SAFE_SCHEMES and (parts.scheme.lower() == "mailto" or bool(parts.netloc))


def _neutralise_links(tokens) -> None:
    """Links with an unsafe target become their text; images become links (or their alt text)."""
    for tok in tokens:
        if tok.type != "inline" or not tok.children:
            continue
        children = []
        dropping = False
        for child in tok.children:
            if child.type == "link_open":
                if is_safe_link(child.attrGet("href") or ""):
                    children.append(child)
                else:
                    dropping = True      # keep the text between, drop the link itself
                continue
            if child.type == "link_close":
                if not dropping:
                    children.append(child)
                dropping = False
                continue
            if child.type == "image":
                alt = "".join(c.content for c in (child.children or [])) or child.content or "image"
                src = child.attrGet("src") or ""
                if is_safe_link(src) and not dropping:
                    children.append(_link_token(child, "link_open", src))
                    children.append(_text_token(child, QtCore.QCoreApplication.translate("Markdown", "[image: {alt}]").format(alt=alt)))
                    children.append(_link_token(child, "link_close", None))
                else:
                    children.append(_text_token(child, QtCore.QCoreApplication.translate("Markdown", "[image: {alt}]").format(alt=alt)))
                continue
            children.append(child)
        tok.children = children


def _text_token(like, content: str):
    t = type(like)("text", "", 0)
    t.content = content
    return t


def _link_token(like, kind: str, href: str | None):
    t = type(like)(kind, "a", 1 if kind == "link_open" else -1)
    if href is not None:
        t.attrSet("href", href)
    return t


def render(text: str, code_sink: list[str] | None = None,
           copy_href: Callable[[int], str] | None = None) -> str:
    """HTML for ``text``. Each code block's source is appended to ``code_sink``;
    with ``copy_href`` it also gets a "Copy code" link to ``copy_href(N)``, N being
    its index there (the view picks a target that content cannot produce)."""
    tokens = _md.parse(text)
    _neutralise_links(tokens)
    out = []
    for tok in tokens:
        if tok.type in ("fence", "code_block") and not tok.hidden:
            code = tok.content
            lang = (tok.info or "").strip().split(" ")[0]
            body = highlight(code, _lexer(lang, code), _formatter).rstrip("\n")
            link = ""
            if code_sink is not None:
                code_sink.append(code)
            if code_sink is not None and copy_href is not None:
                lang_label = f' <span style="color:#888; font-size:small;">{html.escape(lang)}</span>' if lang else ""
                href = html.escape(copy_href(len(code_sink) - 1), quote=True)
                copy_label = html.escape(QtCore.QCoreApplication.translate("Markdown", "Copy code"))
                link = (f'<p style="margin:6px 0 0 0;"><a href="{href}" '
                        f'style="font-size:small; text-decoration:none;">{copy_label}</a>{lang_label}</p>')
            tok.content = ""
            out.append((link, f'<pre style="background-color:{CODE_BG}; color:#24292f; font-family:monospace; '
                              f'margin:2px 0 8px 0; padding:6px;">{body}</pre>'))
        else:
            out.append(None)
    # Let markdown-it render everything, then splice in our code blocks.
    html_parts = []
    placeholders = []
    for tok, extra in zip(tokens, out):
        if extra is not None:
            tok.type = "html_block"
            marker = f"<!--hearth-code-{len(placeholders)}-->"
            tok.content = marker
            placeholders.append((marker, extra[0] + extra[1]))
    rendered = _md.renderer.render(tokens, _md.options, {})
    for marker, block in placeholders:
        rendered = rendered.replace(marker, block)
    html_parts.append(rendered)
    result = "".join(html_parts)
    # Tables: QTextDocument needs explicit borders and padding.
    result = result.replace("<table>", '<table border="1" cellspacing="0" cellpadding="4" '
                                       'style="border-collapse:collapse; border-color:#ccc;">')
    return result


def complete_blocks_end(text: str, start: int = 0) -> int:
    """Index just past the last finished Markdown block in ``text[start:]``
    (a blank line outside any code fence), or ``start`` if none is finished."""
    pos = text.rfind("\n\n", start)
    while pos >= start:
        fences = len(FENCE_RE.findall(text, 0, pos))
        if fences % 2 == 0:
            return pos + 2
        pos = text.rfind("\n\n", start, pos)
    return start
