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
_RECURSE = ("reason", "detail", "plan_models", "plan_memory")


QT_TRANSLATE_NOOP = QtCore.QT_TRANSLATE_NOOP   # marks a template for lupdate; returns it unchanged

TEMPLATES = (
    # ---- wrappers the GUI's engine thread (gui/bridge.py) puts around an engine sentence
    QT_TRANSLATE_NOOP("EngineMessages", "The model could not be loaded: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "The model library could not be listed: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "The starter model could not be prepared: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "Generation failed: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "The summary could not be planned: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "The summary failed: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "The answer failed: {reason}"),
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
    # the illegal-instruction fallback (engine/host/cpu_fallback.py)
    QT_TRANSLATE_NOOP("EngineMessages",
                      "{reason} The next reply runs without llama.cpp's extra CPU kernels."),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "{reason} This copy of llama.cpp was built for CPU features this processor does not offer "
                      "({missing}; built for {built}): reinstall it for a baseline CPU with {command}."),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "{reason} This copy of llama.cpp was built for {built} and still executed an instruction "
                      "this processor ({cpu}) or its operating system does not allow: reinstall it for a "
                      "baseline CPU with {command}."),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "{reason} This copy of llama.cpp executed an instruction this processor or its operating "
                      "system does not allow: reinstall it for a baseline CPU with {command}."),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "{reason} This packaged build's llama.cpp ({variant}) still executed an instruction this "
                      "processor ({cpu}) or its operating system does not allow: send the log folder (Help → Open "
                      "the log folder) to whoever installed Hearth."),
    QT_TRANSLATE_NOOP("EngineMessages",
                      "The extra CPU kernels of llama.cpp (AMX matrix tiles and repacked weights) crashed this "
                      "processor with an illegal instruction, so Hearth switched them off for this computer: "
                      "replies still work, prompts may be read more slowly."),
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
    QT_TRANSLATE_NOOP("EngineMessages", "page {page} was skipped: reading it takes longer than {n} s"),
    QT_TRANSLATE_NOOP("EngineMessages", "pages {pages} were skipped: reading each takes longer than {n} s"),
    QT_TRANSLATE_NOOP("EngineMessages", "page {page} was not read: reading stopped after {n} pages took too long"),
    QT_TRANSLATE_NOOP("EngineMessages", "pages {pages} were not read: reading stopped after {n} pages took too long"),
    QT_TRANSLATE_NOOP("EngineMessages", "page {page} was not read: the document took longer than {n} s to read"),
    QT_TRANSLATE_NOOP("EngineMessages", "pages {pages} were not read: the document took longer than {n} s to read"),
    QT_TRANSLATE_NOOP("EngineMessages", "only the first {n} paragraphs were read; the rest of the document was "
                                        "left out"),
    QT_TRANSLATE_NOOP("EngineMessages", "only the first {n} characters were read; the rest of the document was "
                                        "left out"),
    QT_TRANSLATE_NOOP("EngineMessages", "the styles were not read (over {n} MB of XML): headings set by a style "
                                        "are not marked"),
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
    QT_TRANSLATE_NOOP("EngineMessages", "the data could not be moved, and part of it could not be put back: "
                                        "move everything in {path} back into {src} before using Hearth"),
    QT_TRANSLATE_NOOP("EngineMessages", "the last data move was cut short and has been undone; your data is "
                                        "still in {src}"),
    # ---- chat and the model process (engine/chat.py, engine/host, engine/serve/worker.py)
    QT_TRANSLATE_NOOP("EngineMessages", "there is no message to send"),
    QT_TRANSLATE_NOOP("EngineMessages", "the message is too long for this model's context window: it needs {n} "
                                        "tokens, the window holds {ctx} with {reply} kept for the reply; shorten it "
                                        "or load the model with a larger context"),
    QT_TRANSLATE_NOOP("EngineMessages", "loading the model was stopped"),
    QT_TRANSLATE_NOOP("EngineMessages", "the first decode of the model failed (llama_decode returned {code})"),
    QT_TRANSLATE_NOOP("EngineMessages", "llama_decode failed ({code}): the context may be full or out of memory"),
    QT_TRANSLATE_NOOP("EngineMessages", "llama_decode failed ({code}) while generating"),
    QT_TRANSLATE_NOOP("EngineMessages", "the model's chat template failed: {error}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the model did not load in time"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is no longer the loaded model"),
    # ---- planning memory (engine/plan.py)
    QT_TRANSLATE_NOOP("EngineMessages", "the model header has no block_count, so its layers cannot be planned"),
    QT_TRANSLATE_NOOP("EngineMessages", "the model header lists no tensors, so its memory cannot be planned"),
    QT_TRANSLATE_NOOP("EngineMessages", "a quantized V cache ({type}) needs flash attention: turn flash attention "
                                        "on or use an f16 V cache"),
    QT_TRANSLATE_NOOP("EngineMessages", "the context must be at least 1 token, not {n}"),
    # ---- the model library (engine/library.py)
    QT_TRANSLATE_NOOP("EngineMessages", "cannot find {path}: {error}"),
    QT_TRANSLATE_NOOP("EngineMessages", "could not copy {name}: {error}"),
    QT_TRANSLATE_NOOP("EngineMessages", "could not delete {name}: {error}"),
    # ---- the Hugging Face Hub, downloads and the token (engine/hub, engine/resources.py)
    QT_TRANSLATE_NOOP("EngineMessages", "{repo} is not a Hub repository id (expected owner/name)"),
    QT_TRANSLATE_NOOP("EngineMessages", "the Hub endpoint {endpoint} is not a URL"),
    QT_TRANSLATE_NOOP("EngineMessages", "that revision of {repo} does not exist"),
    QT_TRANSLATE_NOOP("EngineMessages", "{repo} has no GGUF file {name}; it has: {names}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{repo} has no GGUF files"),
    QT_TRANSLATE_NOOP("EngineMessages", "the curated model list cannot be read: {detail}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the resource {name} is missing (looked in {where}); reinstall Hearth"),
    QT_TRANSLATE_NOOP("EngineMessages", "reading the header failed: HTTP {status}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{file} belongs to a download in the queue: pause or cancel it there "
                                        "instead"),
    QT_TRANSLATE_NOOP("EngineMessages", "there is no partial download named {file} in {folder}"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot delete {path}: {error}"),
    QT_TRANSLATE_NOOP("EngineMessages", "checksum mismatch for {file}: the downloaded bytes differ from the file "
                                        "published on the Hub (expected SHA-256 {expected}…, got {got}…); the "
                                        "download was discarded"),
    QT_TRANSLATE_NOOP("EngineMessages", "that does not look like a Hugging Face token"),
    QT_TRANSLATE_NOOP("EngineMessages", "the keyring refused to delete the token: it reported success, but the "
                                        "token is still stored"),
    # ---- company inference servers and their settings (engine/remote)
    QT_TRANSLATE_NOOP("EngineMessages", "{host} has no OpenAI-compatible API at {url} (HTTP 404 for {what}); check "
                                        "the endpoint's URL (it usually ends in /v1)"),
    QT_TRANSLATE_NOOP("EngineMessages", "the server at {host} has no model {model} (HTTP 404)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{host} answered GET /models with something other than JSON; check the "
                                        "endpoint's URL {url}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{host} answered GET /models without a list of models; check the endpoint's "
                                        "URL {url}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{host} answered tokenize without tokens"),
    QT_TRANSLATE_NOOP("EngineMessages", "the server at {host} has no tokenize route; tokens can only be estimated"),
    QT_TRANSLATE_NOOP("EngineMessages", "the request to {host} failed ({error})"),
    QT_TRANSLATE_NOOP("EngineMessages", "stopped while the server was busy"),
    QT_TRANSLATE_NOOP("EngineMessages", "stopped before the server answered"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is not a usable endpoint name: use 2 to 40 letters, digits, '.', "
                                        "'_' or '-', starting with a letter or digit"),
    QT_TRANSLATE_NOOP("EngineMessages", "{url} is not an http:// or https:// URL (for example "
                                        "https://llm.intra.example/v1)"),
    QT_TRANSLATE_NOOP("EngineMessages", "put the API key in the keyring (--api-key-stdin), not in the URL"),
    QT_TRANSLATE_NOOP("EngineMessages", "the endpoint URL must not have a query (?...) or fragment (#...)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{url} has an invalid port"),
    QT_TRANSLATE_NOOP("EngineMessages", "that does not look like an API key (it has spaces or is very long)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{reason}, so Hearth cannot store the API key safely (it never writes it to "
                                        "a file)"),
    QT_TRANSLATE_NOOP("EngineMessages", "the keyring refused to store the API key ({error})"),
    QT_TRANSLATE_NOOP("EngineMessages", "the keyring refused to delete the API key of {name}: it is still stored"),
    QT_TRANSLATE_NOOP("EngineMessages", "the keyring refused to delete the API key of {name} ({error})"),
    QT_TRANSLATE_NOOP("EngineMessages", "there is no endpoint named {name} (known: {known})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is an endpoint set by your administrator; choose another name"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is set by your administrator and cannot be removed here"),
    QT_TRANSLATE_NOOP("EngineMessages", "the CA bundle {path} is not a file"),
    # ---- the local API (engine/serve/background.py)
    QT_TRANSLATE_NOOP("EngineMessages", "the port must be between 0 and 65535 (got {port})"),
    QT_TRANSLATE_NOOP("EngineMessages", "give an address to listen on (127.0.0.1: this computer only)"),
    QT_TRANSLATE_NOOP("EngineMessages", "serving on {host} (not this computer only) needs an API key"),
    QT_TRANSLATE_NOOP("EngineMessages", "the model file {path} does not exist"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot listen on {host}:{port}: {error}"),
    QT_TRANSLATE_NOOP("EngineMessages", "an API key for serving on {host} must be at least {n} characters long "
                                        "(this one has {count})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{value} is not a host name (like mypc.local or 192.168.1.20)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{value} is not a web origin (like https://app.example or "
                                        "http://localhost:3000)"),
    QT_TRANSLATE_NOOP("EngineMessages", "the largest request body must be between 1 and {max} MB (got {value})"),
    # ---- documents and exported files (engine/documents, engine/files.py)
    # a .docx's budget (engine/documents/docx.py) and a PDF's time budget (engine/documents/pdf.py)
    QT_TRANSLATE_NOOP("EngineMessages", "{name} holds too many parts to be a Word document ({n}; the limit is "
                                        "{limit})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} looks like a zip bomb: its part {part} expands {ratio} times, to "
                                        "{size} MB"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is too large: its parts come to {size} MB uncompressed (the limit "
                                        "is {limit} MB)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is too large: its part {part} is over {n} MB of XML"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is too large: one paragraph or table row in it is over {n} MB of XML"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is too large: one paragraph or table row in it, or what lies "
                                        "between two, holds over {n} XML nodes"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name}: this PDF takes too long to open (over {n} s)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name}: this PDF takes too long to read: no page could be read within {n} s"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name}: this PDF takes too long to read: no text was read within {n} s"),
    QT_TRANSLATE_NOOP("EngineMessages", "stopped reading {name}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is a folder: give a file name to export to"),
    # ---- summaries (engine/summarize)
    QT_TRANSLATE_NOOP("EngineMessages", "the summary was stopped; the parts already summarised are kept"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} has no text to summarise"),
    QT_TRANSLATE_NOOP("EngineMessages", "the context of {n} tokens is too small to summarise in"),
    QT_TRANSLATE_NOOP("EngineMessages", "the context of {n} tokens leaves no room for the document after the "
                                        "instructions; load the model with a larger context"),
    QT_TRANSLATE_NOOP("EngineMessages", "the context of {n} tokens is too small to combine partial summaries after "
                                        "the instructions; load the model with a larger context"),
    QT_TRANSLATE_NOOP("EngineMessages", "a prompt of {n} tokens does not leave room for a reply in the context of "
                                        "{ctx}"),
    QT_TRANSLATE_NOOP("EngineMessages", "combining the partial summaries made no progress"),
    QT_TRANSLATE_NOOP("EngineMessages", "there is no summary {id}"),
    QT_TRANSLATE_NOOP("EngineMessages", "summary {id} is not finished ({status}); run it again to resume"),
    # ---- the conversation database and conversation import (engine/store.py)
    QT_TRANSLATE_NOOP("EngineMessages", "cannot create the folder for the conversation database {path}: {error}"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot open the conversation database {path}: {error}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the conversation database {path} is damaged or is not a Hearth database "
                                        "({error}); {detail}"),
    QT_TRANSLATE_NOOP("EngineMessages", "it was kept as {path} and a new, empty database will be started"),
    QT_TRANSLATE_NOOP("EngineMessages", "it was left in place; move it away to start a new one"),
    QT_TRANSLATE_NOOP("EngineMessages", "the conversation database {path} is damaged ({error}); close Hearth and "
                                        "move the file away to start a new one"),
    QT_TRANSLATE_NOOP("EngineMessages", "the conversation database was written by a newer version of Hearth (schema "
                                        "{version}; this version knows up to {known}): update Hearth"),
    QT_TRANSLATE_NOOP("EngineMessages", "the conversation database is closed"),
    QT_TRANSLATE_NOOP("EngineMessages", "the conversation database refused the change: {error}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the conversation database failed: {error}"),
    QT_TRANSLATE_NOOP("EngineMessages", "no conversation with id {id}"),
    QT_TRANSLATE_NOOP("EngineMessages", "a conversation title cannot be empty"),
    QT_TRANSLATE_NOOP("EngineMessages", "no message with id {id} in conversation {conversation}"),
    QT_TRANSLATE_NOOP("EngineMessages", "no message with id {id}"),
    QT_TRANSLATE_NOOP("EngineMessages", "a preset needs a name"),
    QT_TRANSLATE_NOOP("EngineMessages", "no preset named {name}"),
    QT_TRANSLATE_NOOP("EngineMessages", "this is not a Hearth conversation: expected a JSON object"),
    QT_TRANSLATE_NOOP("EngineMessages", 'this is not a Hearth conversation: "format" must be "{format}"'),
    QT_TRANSLATE_NOOP("EngineMessages", 'this Hearth conversation has no valid "version" number'),
    QT_TRANSLATE_NOOP("EngineMessages", "this conversation was exported by a newer Hearth (format version "
                                        "{version}; this version reads up to {known})"),
    QT_TRANSLATE_NOOP("EngineMessages", "the conversation's \"{field}\" must be text"),
    QT_TRANSLATE_NOOP("EngineMessages", "the conversation's \"{field}\" must be a JSON object"),
    QT_TRANSLATE_NOOP("EngineMessages", 'the conversation has no "messages" list'),
    QT_TRANSLATE_NOOP("EngineMessages", "message {n} of the conversation is not a JSON object"),
    QT_TRANSLATE_NOOP("EngineMessages", 'message {n} has no valid "role" (system, user or assistant)'),
    QT_TRANSLATE_NOOP("EngineMessages", 'message {n} has no text in "content"'),
    QT_TRANSLATE_NOOP("EngineMessages", 'message {n}: "{field}" must be text'),
    QT_TRANSLATE_NOOP("EngineMessages", 'message {n}: "{field}" must be a JSON object'),
    QT_TRANSLATE_NOOP("EngineMessages", 'message {n}: "{field}" must be true or false'),
    QT_TRANSLATE_NOOP("EngineMessages", "this is not a Hearth conversation: it is nested more than {n} levels deep"),
    QT_TRANSLATE_NOOP("EngineMessages", 'the conversation\'s setting "{name}" must be "auto", "all" or a whole number '
                                        "of layers (not {value})"),
    QT_TRANSLATE_NOOP("EngineMessages", 'the conversation\'s setting "{name}" must be a whole number from {lo} to {hi} '
                                        "(not {value})"),
    QT_TRANSLATE_NOOP("EngineMessages", 'the conversation\'s setting "{name}" must be a number from {lo} to {hi} '
                                        "(not {value})"),
    # reading a conversation file (engine/store.py read_export_file)
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is too large for a Hearth conversation (over {n} MB)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is not a Hearth conversation: it holds more than {n} lists and "
                                        "objects"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is not a UTF-8 text file"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is not valid JSON ({error})"),
    QT_TRANSLATE_NOOP("EngineMessages", "no file at {path}"),
    # an API key over plain http:// (engine/endpoint_spec.py insecure_key_problem)
    QT_TRANSLATE_NOOP("EngineMessages", "the API key would be sent unencrypted to {host}: its URL is http://, not "
                                        "https://; use an https:// URL, or allow the key over plain http:// if this "
                                        "network is trusted"),
    # ---- comparisons, blind votes and evaluations (engine/compare)
    QT_TRANSLATE_NOOP("EngineMessages", "give a prompt to compare the models on"),
    QT_TRANSLATE_NOOP("EngineMessages", "choose at least one model to compare"),
    QT_TRANSLATE_NOOP("EngineMessages", "choose at least one model to evaluate"),
    QT_TRANSLATE_NOOP("EngineMessages", "stopped while loading"),
    QT_TRANSLATE_NOOP("EngineMessages", "a blind comparison needs 2 to {max} models, not {n}"),
    QT_TRANSLATE_NOOP("EngineMessages", "a blind comparison needs different models"),
    QT_TRANSLATE_NOOP("EngineMessages", "a vote compares two different models"),
    QT_TRANSLATE_NOOP("EngineMessages", "a vote compares two different columns"),
    QT_TRANSLATE_NOOP("EngineMessages", "this comparison has been revealed: a vote now would not be blind"),
    QT_TRANSLATE_NOOP("EngineMessages", "columns {a} and {b} already have a vote"),
    # ---- question sets (engine/compare/questions.py)
    QT_TRANSLATE_NOOP("EngineMessages", "{name} has no questions"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} has more than {n} questions"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is a folder, not a question set"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is neither UTF-8 nor Shift_JIS text"),
    QT_TRANSLATE_NOOP("EngineMessages", "no such question set: {name} (sample sets: {names})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is too large for a question set ({size} MB; at most {limit} MB)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: not valid JSON ({error})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: expected a JSON object with id, prompt, expected and "
                                        "rule"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: not valid CSV ({error})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: missing column '{key}' (the first row names the "
                                        "fields)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: {n} values for {columns} columns (quote values that "
                                        "contain a comma)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: missing field '{key}'"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: field '{key}' must be text"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: unknown rule '{rule}' (use {rules} or {last})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: 'tolerance' must be a number of at least 0 (got "
                                        "{value})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: a 'choice' answer must be one letter such as B (got "
                                        "{value})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: a 'numeric' answer must be one number (got {value})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: the regular expression does not compile ({error})"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: 'tags' must be a list of words or text separated by "
                                        "commas"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} line {line}: the id '{id}' is already used on line {other}"),
    # ---- how a comparison runs (engine/compare/plan.py: plan_run's reason); specific before general
    QT_TRANSLATE_NOOP("EngineMessages", "one after another, as chosen"),
    QT_TRANSLATE_NOOP("EngineMessages", "at the same time, as chosen, though they may not fit in memory together ({plan_memory})"),
    QT_TRANSLATE_NOOP("EngineMessages", "at the same time, as chosen, though {cores} CPU core cannot be split between {n} models"),
    QT_TRANSLATE_NOOP("EngineMessages", "at the same time, as chosen, though {cores} CPU cores cannot be split between {n} models"),
    QT_TRANSLATE_NOOP("EngineMessages", "at the same time, as chosen ({plan_memory})"),
    QT_TRANSLATE_NOOP("EngineMessages", "one model: nothing to run beside it"),
    QT_TRANSLATE_NOOP("EngineMessages", "one after another: not enough memory for {plan_models} ({plan_memory})"),
    QT_TRANSLATE_NOOP("EngineMessages", "one after another: not enough GPU memory for {plan_models} ({plan_memory})"),
    QT_TRANSLATE_NOOP("EngineMessages", "one after another: {cores} CPU core cannot be split between {n} models"),
    QT_TRANSLATE_NOOP("EngineMessages", "one after another: {cores} CPU cores cannot be split between {n} models"),
    QT_TRANSLATE_NOOP("EngineMessages", "at the same time: {plan_models} fit in memory ({plan_memory}) and the {cores} CPU cores are split between them"),
    QT_TRANSLATE_NOOP("EngineMessages", "needs {need}, {free} free; GPU {gpu_need} of {gpu_free} free"),
    QT_TRANSLATE_NOOP("EngineMessages", "needs {need}, {free} free"),
    QT_TRANSLATE_NOOP("EngineMessages", "both"),
    QT_TRANSLATE_NOOP("EngineMessages", "all {n}"),
    # ---- Ask your documents (engine/ask)
    QT_TRANSLATE_NOOP("EngineMessages", "the answer was stopped"),
    QT_TRANSLATE_NOOP("EngineMessages", "give a question to ask the documents"),
    QT_TRANSLATE_NOOP("EngineMessages", "the context of {n} tokens is too small to answer from documents in; load the model with a larger context"),
    QT_TRANSLATE_NOOP("EngineMessages", "a collection needs a name"),
    QT_TRANSLATE_NOOP("EngineMessages", "a collection name can be at most {n} characters"),
    QT_TRANSLATE_NOOP("EngineMessages", "give at least one file or folder to add to the collection"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot add {path}: no such file or folder"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot add {path}: it is neither a file nor a folder"),
    QT_TRANSLATE_NOOP("EngineMessages", "no collection named {name} (collections: {names})"),
    QT_TRANSLATE_NOOP("EngineMessages", "the document index was written by a newer version of Hearth (schema {n}; this version knows up to {m}): update Hearth"),
    QT_TRANSLATE_NOOP("EngineMessages", "the embedding model {name} cannot be used: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is not an embedding model (its header names no pooling and its architecture is {arch}); pick one made for search, such as {model} or {other}"),
    QT_TRANSLATE_NOOP("EngineMessages", "indexing was stopped; the documents indexed so far are kept: index again to go on"),
    QT_TRANSLATE_NOOP("EngineMessages", "the search mode must be one of {modes}"),
    QT_TRANSLATE_NOOP("EngineMessages", "the fusion must be one of {fusions}"),
    QT_TRANSLATE_NOOP("EngineMessages", "give a question or words to search for"),
    QT_TRANSLATE_NOOP("EngineMessages", "the stored vectors have {n} dimensions but {name} gives {m}: index the collection again"),
    QT_TRANSLATE_NOOP("EngineMessages", "dense search needs an embedding model: download one, such as {model} or {other} (python main.py pull REPO), and index the collection again"),
    QT_TRANSLATE_NOOP("EngineMessages", "the collection {name} has no vectors from {model} yet: index it again to compute them"),
    QT_TRANSLATE_NOOP("EngineMessages", "{path} is not there any more (a removed or unplugged drive?); its documents stay in the index"),
    QT_TRANSLATE_NOOP("EngineMessages", "cannot read the folder {path}: {reason}"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} has no text to search (a scanned document without a text layer?)"),
    QT_TRANSLATE_NOOP("EngineMessages", "{name} is a base model (it has no chat template): it continues text instead of following instructions, so its answers will be poor; download an instruction-tuned model such as {models} or {last} (python main.py pull REPO)"),
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


def as_sentence(message: str) -> str:
    """An engine sentence (lower-case, no final period) as it stands alone in a label or message box:
    capitalised, with its final period, in the interface language."""
    text = (message or "").strip()
    if text and not text.endswith((".", "。")):
        text += "."
    return translate(text[:1].upper() + text[1:])


def is_known(message: str) -> bool:
    """Whether ``message`` matches a template of the catalogue."""
    return bool(message and message.strip()) and _lookup(message.strip()) is not None


# lupdate: the final-period wrapper used by ``translate``
QT_TRANSLATE_NOOP("EngineMessages", "{sentence}.")
