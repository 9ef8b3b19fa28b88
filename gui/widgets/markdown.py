"""Markdown -> the HTML subset QTextDocument understands, with highlighted code.

Code blocks get Pygments colours as inline styles (QTextDocument has no
stylesheet classes) and a "Copy code" link whose target the view resolves.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(["table", "strikethrough"])
_formatter = HtmlFormatter(noclasses=True, nowrap=True, style="friendly")

CODE_BG = "#f4f5f7"
FENCE_RE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)


def _lexer(lang: str, code: str):
    if lang:
        try:
            return get_lexer_by_name(lang)
        except ClassNotFound:
            pass
    # No guess_lexer: it tries every lexer and costs tens of ms per block.
    return TextLexer()


def render(text: str, code_sink: list[str] | None = None) -> str:
    """HTML for ``text``. Each code block's source is appended to ``code_sink``
    and gets a ``copy:N`` link, N being its index there."""
    tokens = _md.parse(text)
    out = []
    for tok in tokens:
        if tok.type in ("fence", "code_block") and not tok.hidden:
            code = tok.content
            lang = (tok.info or "").strip().split(" ")[0]
            body = highlight(code, _lexer(lang, code), _formatter).rstrip("\n")
            link = ""
            if code_sink is not None:
                code_sink.append(code)
                lang_label = f' <span style="color:#888; font-size:small;">{html.escape(lang)}</span>' if lang else ""
                link = (f'<p style="margin:6px 0 0 0;"><a href="copy:{len(code_sink) - 1}" '
                        f'style="font-size:small; text-decoration:none;">⧉ Copy code</a>{lang_label}</p>')
            tok.content = ""
            out.append((link, f'<pre style="background-color:{CODE_BG}; font-family:monospace; '
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
