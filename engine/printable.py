"""Names that are safe to store and to print.

Conversation titles, model and file names, repository ids, document names come from files, servers
and imports that anyone may have written: a title can hold an ANSI escape (``ESC[31m`` recolours the
terminal that lists it), a right-to-left override (``U+202E`` shows ``gpj.exe`` as ``exe.jpg``), a NUL
or a lone UTF-16 surrogate (``"\\ud800"`` in JSON; SQLite and a UTF-8 terminal both refuse it).

- ``clean_text``: lone surrogates become U+FFFD; everything else kept (message text, prompts).
- ``clean_name``: one line for a name: terminal escape sequences, control characters (C0, DEL, C1),
  bidirectional embeddings, overrides and isolates and other invisible format characters removed, line
  breaks and tabs made spaces, lone surrogates U+FFFD. Joiners (ZWJ, ZWNJ) stay: emoji and Indic or
  Persian text need them.
- ``clean_title``: ``clean_name`` with runs of spaces collapsed (what the store keeps as a title).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"   # line and field breaks: a space in a name
_KEEP = "\u200c\u200d"                                    # ZWNJ, ZWJ
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"            # CSI: colours, cursor moves
                      r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"   # OSC: titles, links
                      r"|\x1b[ -/]*[0-~]")                              # other ESC sequences
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
                      "\u202a-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb\ud800-\udfff"
                      "\U000e0000-\U000e0fff]")


def clean_text(text) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (nothing else changes)."""
    text = "" if text is None else str(text)
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _name_char(ch: str) -> str:
    if ch in _SPACES:
        return " "
    if ch in _KEEP:
        return ch
    cat = unicodedata.category(ch)
    if cat == "Cs":
        return "\ufffd"
    if cat in ("Cc", "Cf") or ch in "\u115f\u1160\u3164":   # controls, invisible formatting, Hangul fillers
        return ""
    return ch


def clean_name(text) -> str:
    """``text`` as a name on one line: no terminal escapes, no direction overrides, no invisible characters."""
    text = "" if text is None else str(text)
    if not _SUSPECT.search(text):
        return text
    text = _ESCAPES.sub("", text)
    return "".join(_name_char(ch) for ch in text)


def clean_title(text) -> str:
    """A name with its whitespace collapsed (leading and trailing spaces removed)."""
    return " ".join(clean_name(text).split())
