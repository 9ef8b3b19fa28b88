"""One catalogue of the engine's user-facing sentences, translatable for the GUI.

The engine (Qt-free; the CLI and its tests depend on its English) raises ``BadInputError`` /
``EngineError`` with one English sentence. The GUI shows those sentences through ``translate``:
each template below is the engine's sentence with its variable parts as ``{name}``; it is matched as
a whole (a regex made from the template), and the Japanese template (``EngineMessages`` context in
``resources/i18n/hearth_ja.ts``) is filled with the captured parts. Parts named ``reason`` or
``detail`` are themselves engine sentences and are translated in turn. Anything unknown keeps its
English text, so a new engine message is never lost, only untranslated.

Keep the templates in the order given: specific sentences before the general ones they would also match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from gui.qt import QtCore

CONTEXT = "EngineMessages"
_RECURSE = ("reason", "detail")


QT_TRANSLATE_NOOP = QtCore.QT_TRANSLATE_NOOP   # marks a template for lupdate; returns it unchanged

TEMPLATES = (
    # ---- wrappers the GUI's engine thread (gui/bridge.py) puts around an engine sentence
    QT_TRANSLATE_NOOP("EngineMessages", "The model could not be loaded: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "The model library could not be listed: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "The starter model could not be prepared: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "Generation failed: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "The summary could not be planned: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "The summary failed: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "{reason} The parts already summarised are kept; start again to resume."),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "{reason} Your conversation is kept; send again to restart the model."),
    QT_TRANSLATE_NOOP("EngineMessages", "Load a model first: pick one above and press Load."),
    QT_TRANSLATE_NOOP("EngineMessages", "Stopped: {n} part kept; start again to resume."),
    QT_TRANSLATE_NOOP("EngineMessages", "Stopped: {n} parts kept; start again to resume."),
    QT_TRANSLATE_NOOP("EngineMessages", "Stopped before the first part was finished; start again to begin."),
    QT_TRANSLATE_NOOP("EngineMessages", "the summary was stopped before it started"),
    # ---- the model process (engine/host)
    QT_TRANSLATE_NOOP("EngineMessages", "{reason} The model could not be loaded."),
    QT_TRANSLATE_NOOP("EngineMessages", "The model process stopped: {reason}. Last message from llama.cpp: {clue}"),
    QT_TRANSLATE_NOOP("EngineMessages", "The model process stopped: {reason}."),
    QT_TRANSLATE_NOOP("EngineMessages", "it stopped responding"),
    QT_TRANSLATE_NOOP("EngineMessages", "it was killed (SIGKILL — often the system running out of memory)"),
    QT_TRANSLATE_NOOP("EngineMessages", "llama.cpp aborted (SIGABRT)"),
    QT_TRANSLATE_NOOP("EngineMessages", "it crashed (SIGSEGV)"),
    QT_TRANSLATE_NOOP("EngineMessages", "it was ended by {signal}"),
    QT_TRANSLATE_NOOP("EngineMessages", "it exited with code {code}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the model process did not answer in time and was stopped"),
    QT_TRANSLATE_NOOP("EngineMessages", "no model is loaded"),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "the model does not fit in memory, even with no layers on the GPU and a context of {n}"),
    # ---- how a model would run here (engine/hub/fit.py)
    QT_TRANSLATE_NOOP("EngineMessages", "will not fit"),
    QT_TRANSLATE_NOOP("EngineMessages", "runs fully on GPU"),
    # ---- where a loaded model runs (engine/host/protocol.py describe_offload) and the load notes
    QT_TRANSLATE_NOOP("EngineMessages", "on the CPU ({backend} build)"),
    QT_TRANSLATE_NOOP("EngineMessages", "on the CPU"),
    QT_TRANSLATE_NOOP("EngineMessages", "{layers} of {total} layers on the GPU ({backend}): {figures}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{layers} of {total} layers on the GPU ({backend})"),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "llama.cpp was built for {backend} but found no usable GPU, so the model runs on the CPU"),
    QT_TRANSLATE_NOOP("EngineMessages", "context reduced from {asked} to {got} to fit in memory"),
    QT_TRANSLATE_NOOP("EngineMessages", "loaded with no layers on the GPU after the model process crashed at {n} "
                                        "layers (most likely out of GPU memory)"),
    QT_TRANSLATE_NOOP("EngineMessages", "loaded with {got} layer on the GPU after the model process crashed at {n} "
                                        "layers (most likely out of GPU memory)"),
    QT_TRANSLATE_NOOP("EngineMessages", "loaded with {got} layers on the GPU after the model process crashed at {n} "
                                        "layers (most likely out of GPU memory)"),
    QT_TRANSLATE_NOOP("EngineMessages", "loaded with {got} of {total} layers on the GPU after running out of GPU "
                                        "memory at {n} layers in the first full-context decode"),
    QT_TRANSLATE_NOOP("EngineMessages", "loaded with {got} of {total} layers on the GPU after running out of GPU "
                                        "memory at {n} layers"),
    QT_TRANSLATE_NOOP("EngineMessages", "loaded with no layers on the GPU after running out of GPU memory at {n} "
                                        "layers in the first full-context decode"),
    QT_TRANSLATE_NOOP("EngineMessages", "loaded with no layers on the GPU after running out of GPU memory at {n} "
                                        "layers"),
    QT_TRANSLATE_NOOP("EngineMessages", "{layers} of {total} layers on GPU"),
    QT_TRANSLATE_NOOP("EngineMessages", "CPU only"),
    # ---- model files (engine/gguf_check.py, engine/library.py)
    QT_TRANSLATE_NOOP("EngineMessages", "not a GGUF model: the file is empty"),
    QT_TRANSLATE_NOOP("EngineMessages", "not a GGUF model: the file has only {n} bytes"),
    QT_TRANSLATE_NOOP("EngineMessages", "not a GGUF model: {detail}"),
    QT_TRANSLATE_NOOP("EngineMessages", "unsupported GGUF version {version} (Hearth reads versions 2 and 3)"),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "unknown tensor type {type} for tensor {tensor} (a newer format than Hearth knows?)"),
    QT_TRANSLATE_NOOP("EngineMessages", "the header could not be read: not enough memory"),
    QT_TRANSLATE_NOOP("EngineMessages", "not a usable model: the header has no general.architecture"),
    QT_TRANSLATE_NOOP("EngineMessages", "corrupt header: {detail}"),
    QT_TRANSLATE_NOOP("EngineMessages", "file is truncated at byte {n}"),
    QT_TRANSLATE_NOOP("EngineMessages", "file is truncated: {detail}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is a folder, not a model file"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is a folder, not a document"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is not a regular file"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot read {path}: permission denied"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot read {path}: no such file"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot read the file: {detail}"),
    QT_TRANSLATE_NOOP("EngineMessages", "no such model file: {path}"),
    QT_TRANSLATE_NOOP("EngineMessages", "no such file: {path}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the library already has a model named {name}"),
    QT_TRANSLATE_NOOP("EngineMessages", "not enough free disk space in {folder} to copy {name}"),
    # ---- downloads (engine/hub/download.py)
    QT_TRANSLATE_NOOP("EngineMessages", "the disk is full ({folder}); the partial download is kept: "
                                        "free some space and start it again to resume"),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "not enough disk space for {name}: it needs {need} more, {free} is free on {folder}"),
    QT_TRANSLATE_NOOP("EngineMessages", "downloading {file} failed after {n} tries ({detail}); "
                                        "the partial file is kept: run it again to resume"),
    QT_TRANSLATE_NOOP("EngineMessages", "downloading {file} keeps failing; giving up"),
    QT_TRANSLATE_NOOP("EngineMessages", "the file is gone from the Hub (HTTP 404): {url}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the Hub answered HTTP {status} for {url}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the Hub gave no size for {file}"),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "the Hub gave no SHA-256 for {file}; Hearth only installs files it can verify"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} matches the Hub's checksum but is not a model Hearth can load "
                                        "({reason}); it was not added to the library"),
    QT_TRANSLATE_NOOP("EngineMessages", "secure connection to the Hub failed (certificate not trusted?): {detail}"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot write {path}: {detail}"),
    # ---- company inference servers (engine/remote)
    QT_TRANSLATE_NOOP("EngineMessages", "the connection to {host} was cut mid-reply; the reply is incomplete "
                                        "({n} tokens kept)"),
    QT_TRANSLATE_NOOP("EngineMessages", "the server at {host} stopped the reply with an error: {detail}"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot reach {host}: it did not answer within {seconds} s"),
    QT_TRANSLATE_NOOP("EngineMessages", "{host} did not answer within {seconds} s"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot reach {host} ({why}); check the endpoint's URL {url} and the network"),
    QT_TRANSLATE_NOOP("EngineMessages", "the server at {host} needs an API key (HTTP {code}); set it with {command}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the server at {host} refused the API key (HTTP {code}); set the right one "
                                        "with {command}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the server at {host} has no model {model} (it has: {models})"),
    QT_TRANSLATE_NOOP("EngineMessages", "the server at {host} is busy (HTTP {code}) and still was after {n} tries; "
                                        "try again later"),
    QT_TRANSLATE_NOOP("EngineMessages", "the server at {host} refused the request (HTTP {detail})"),
    QT_TRANSLATE_NOOP("EngineMessages", "the server at {host} failed (HTTP {detail})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{model} is no longer loaded in Hearth"),
    # ---- the Hugging Face Hub (engine/hub/api.py)
    QT_TRANSLATE_NOOP("EngineMessages", "cannot reach the Hub at {endpoint}: the name {host} cannot be "
                                        "resolved (no network, or a DNS problem)"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot reach the Hub at {endpoint}: the connection was refused"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot reach the Hub at {endpoint}: no answer within {seconds} s"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot reach the Hub at {endpoint}: {detail}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{repo} is gated: accept the licence on the model page ({url}) while "
                                        "signed in, then give Hearth an access token: python main.py token set"),
    QT_TRANSLATE_NOOP("EngineMessages", "the Hub refused the download (HTTP {status}): accept the licence on the "
                                        "model page ({url}) while signed in, then give Hearth an access token: "
                                        "python main.py token set"),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "no repository {repo} on the Hub (or it is private and your token cannot see it)"),
    QT_TRANSLATE_NOOP("EngineMessages", "the Hub cannot be reached: HF_HUB_OFFLINE is set"),
    QT_TRANSLATE_NOOP("EngineMessages", "the Hub answered with an error ({status}); try again later"),
    QT_TRANSLATE_NOOP("EngineMessages", "{reason}, so Hearth cannot store the token safely (it never writes it to "
                                        "a file). For this session only, set the HF_TOKEN environment variable, "
                                        "or use a session-only token in the app."),
    QT_TRANSLATE_NOOP("EngineMessages", "no system keyring backend is available"),
    # ---- the administrator's policy (engine/config.py)
    QT_TRANSLATE_NOOP("EngineMessages", "browsing the Hugging Face Hub is switched off by your administrator's policy"),
    QT_TRANSLATE_NOOP("EngineMessages", "downloading models is switched off by your administrator's policy"),
    QT_TRANSLATE_NOOP("EngineMessages", "importing models is switched off by your administrator"),
    QT_TRANSLATE_NOOP("EngineMessages", "serving is switched off by your administrator"),
    QT_TRANSLATE_NOOP("EngineMessages", "this model is in a shared folder managed by your administrator"),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "offline by policy: your administrator has switched off everything online in Hearth"),
    QT_TRANSLATE_NOOP("EngineMessages", "offline by policy: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "offline: HF_HUB_OFFLINE is set, so Hearth does not go online "
                                        "(unset it to search or download)"),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "{repo} is not on your administrator's list of allowed repositories ({allowed})"),
    QT_TRANSLATE_NOOP("EngineMessages", "the administrator's policy file {path} is invalid ({detail}); "
                                        "everything online is switched off until it is fixed"),
    # ---- summaries (engine/summarize): the plan, and the reader's notes on a document
    QT_TRANSLATE_NOOP("EngineMessages",
                      "one pass: the whole document ({tokens} tokens) fits the context of {ctx}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{n} chunks: the document ({tokens} tokens) is larger than the context "
                                        "of {ctx}; each chunk is summarised, then the summaries are combined"),
    QT_TRANSLATE_NOOP("EngineMessages", "page {page} has no text layer"),
    QT_TRANSLATE_NOOP("EngineMessages", "pages {pages} have no text layer"),
    QT_TRANSLATE_NOOP("EngineMessages", "page {page} is damaged and was left out"),
    QT_TRANSLATE_NOOP("EngineMessages", "pages {pages} are damaged and were left out"),
    # ---- documents (engine/documents)
    QT_TRANSLATE_NOOP("EngineMessages", "{name}: Hearth cannot read {kind}; it reads PDF, Word (.docx), "
                                        "text (.txt), Markdown (.md) and HTML documents"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is too large to read with the memory this computer has free"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} cannot be read: the file is damaged or is not {format} ({error})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is not a Word .docx document: the file is damaged or has the "
                                        "wrong extension"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name}: this Word document is damaged and cannot be read"),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "{name}: this Word document is encrypted: remove the password in Word and open that copy"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is an old Word 97–2003 document, not a .docx: save it as .docx "
                                        "in Word and open that copy"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is not a PDF: the file is damaged or has the wrong extension"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name}: this PDF is encrypted: remove the password (for example by "
                                        "printing it to a new PDF) and open that copy"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name}: this PDF has no pages"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name}: this PDF is damaged and cannot be read"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name}: this PDF has no text layer: it is a scan; run text recognition "
                                        "(OCR) on it and open the result"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is not a text file: it contains binary data"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is not a text file Hearth can read: it is not UTF-8, UTF-16, "
                                        "Shift_JIS, EUC-JP or another known text encoding"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is too large to read as text ({size} MB; the limit is {limit} MB)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} has no text"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is empty"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} could not be read: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot read {path}: {detail}"),
    # ---- moving the data folder (engine/relocate.py)
    QT_TRANSLATE_NOOP("EngineMessages", "the data folder is set by your administrator ({path}), so it cannot be moved"),
    QT_TRANSLATE_NOOP("EngineMessages", "the data is already in {path}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is inside the current data folder {src}; choose a folder outside it"),
    QT_TRANSLATE_NOOP("EngineMessages", "the current data folder {src} is inside {path}; choose an empty "
                                        "folder elsewhere"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is a file, not a folder; choose an empty folder or a new one"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is not empty; choose an empty folder or a new one"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} cannot be read ({error}); choose another folder"),
    QT_TRANSLATE_NOOP("EngineMessages", "you cannot write to {path}; choose a folder you can write to"),
    QT_TRANSLATE_NOOP("EngineMessages", "there is not enough free space for the data in {path}: it needs "
                                        "{size} and {free} is free"),
    QT_TRANSLATE_NOOP("EngineMessages", "the move was cancelled; your data is still in {src}"),
    QT_TRANSLATE_NOOP("EngineMessages", "there is not enough disk space in {path} to move the data; nothing "
                                        "was moved and your data is still in {src}"),
    QT_TRANSLATE_NOOP("EngineMessages", "permission was denied while moving the data to {path}; nothing was "
                                        "moved and your data is still in {src}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the data could not be moved to {path} ({error}); nothing was moved "
                                        "and your data is still in {src}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the data is now in {path}, but the old folder {src} could not be "
                                        "removed completely ({error}); delete it yourself"),
)

_FIELD = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=None)
def _pattern(template: str) -> re.Pattern:
    parts, pos, seen = [], 0, set()
    for m in _FIELD.finditer(template):
        parts.append(re.escape(template[pos:m.start()]))
        name = m.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        pos = m.end()
    parts.append(re.escape(template[pos:]))
    return re.compile("".join(parts), re.DOTALL)


def _tr(template: str) -> str:
    return QtCore.QCoreApplication.translate(CONTEXT, template)


def _fill(template: str, m: re.Match) -> str:
    values = {k: (translate(v) if k in _RECURSE else v) for k, v in m.groupdict().items()}
    try:
        return _tr(template).format(**values)
    except (KeyError, IndexError, ValueError):   # a translation with a wrong placeholder: keep English
        return template.format(**values)


def _lookup(text: str) -> str | None:
    """The translation of ``text``, also when it begins with a capital or ends with a period that the
    engine's sentence does not have; None when no template matches. Templates are tried in order, each
    against every form of the text, so a specific sentence wins over a general one."""
    forms = [(text, False, False)]
    if text[:1].isupper():
        forms.append((text[:1].lower() + text[1:], True, False))
    if text.endswith("."):
        bare = text[:-1]
        forms.append((bare, False, True))
        if bare[:1].isupper():
            forms.append((bare[:1].lower() + bare[1:], True, True))
    for template in TEMPLATES:
        pattern = _pattern(template)
        for form, lowered, stripped in forms:
            m = pattern.fullmatch(form)
            if m is None:
                continue
            out = _fill(template, m)
            if lowered:
                out = out[:1].upper() + out[1:]      # the sentence began a banner: keep its capital
            if stripped:
                out = _tr("{sentence}.").format(sentence=out)
            return out
    return None


def translate(message: str) -> str:
    """``message`` (an engine sentence, maybe capitalised or with a final period) in the interface language;
    unchanged when it is not in the catalogue or no translation is installed."""
    if not message or not message.strip():
        return message
    out = _lookup(message.strip())
    return message if out is None else out


def is_known(message: str) -> bool:
    """Whether ``message`` matches a template of the catalogue."""
    return bool(message and message.strip()) and _lookup(message.strip()) is not None


# lupdate: the final-period wrapper used by ``translate``
QT_TRANSLATE_NOOP("EngineMessages", "{sentence}.")
