"""Chat messages -> prompt, and fitting a conversation into the context window.

Pure functions: the host process calls them with the model's tokenizer and
chat-template renderer, tests call them with stand-ins.

Models with a chat template get it (rendered by llama-cpp-python's sandboxed
Jinja formatter in the host). Base models (no template, like the starter
model) get a plain transcript format instead, and the UI says so, because they
continue text rather than follow instructions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from engine.errors import BadInputError

Message = dict  # {"role": "system"|"user"|"assistant", "content": str}

BASE_MODEL_NOTE = "base model: continues text rather than following instructions"
TRANSCRIPT_STOPS = ["\nUser:", "\nuser:", "\nAssistant:"]  # one turn, not an invented dialogue


def pin_system(messages: list[dict], pinned: str) -> list[dict]:
    """``messages`` with an administrator's locked system prompt in force: every system message in them
    (a client's, a stored or imported conversation's) is left out and ``pinned``, when not blank, comes first."""
    rest = [m for m in messages if m["role"] != "system"]
    return ([{"role": "system", "content": pinned}] if pinned.strip() else []) + rest


def plain_prompt(messages: Sequence[Message]) -> tuple[str, list[str]]:
    """Completion format for base models: raw text for a lone prompt, else a transcript."""
    system = [m["content"] for m in messages if m["role"] == "system"]
    turns = [m for m in messages if m["role"] != "system"]
    if not system and len(turns) == 1 and turns[0]["role"] == "user":
        return turns[0]["content"], []
    parts = []
    if system:
        parts.append("\n".join(system).strip() + "\n\n")
    for m in turns:
        who = "User" if m["role"] == "user" else "Assistant"
        parts.append(f"{who}: {m['content'].strip()}\n")
    parts.append("Assistant:")
    return "".join(parts), list(TRANSCRIPT_STOPS)


# ---- template structure vs message text ------------------------------------------
#
# A chat template writes control tokens (``<start_of_turn>``, ``<|im_end|>`` …)
# around the messages. Those must be tokenized as control tokens; the messages
# themselves never: a user typing ``<|im_end|>`` or a document containing
# ``<start_of_turn>`` must not end the turn or fake a system message. So the
# template is rendered with a unique mark in place of each message's text, and
# the result is split into structure (special tokens allowed) and text.

_MARK_RE = re.compile("\ue000(\\d+)\ue001")


def _mark(i: int) -> str:
    # Private-use code points: never produced by a template, rare in real text.
    return f"\ue000{i}\ue001"


@dataclass
class PromptSegments:
    """A rendered prompt as pieces: ``(text, is_structure)``. Structure is the
    template's own text (control tokens allowed); the rest is message text."""

    segments: list[tuple[str, bool]]
    tokens: list[int] | None = None   # filled by whoever tokenizes it, to count once

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.segments)

    def __str__(self) -> str:
        return self.text


def render_segments(render: Callable[[Sequence[Message]], tuple[str, list[str]]],
                    messages: Sequence[Message], trims_content: bool = False) -> tuple[PromptSegments, list[str]]:
    """Render ``messages`` with ``render`` (a chat template) and split the result
    into template structure and message text.

    ``trims_content``: the template strips message text (Jinja ``| trim``); the
    text put back is stripped the same way. Raises ``ValueError`` when the
    template transforms the text so the marks do not come back intact (the
    caller then falls back to neutralising control-token text).
    """
    marked = [{**m, "content": _mark(i)} for i, m in enumerate(messages)]
    prompt, stops = render(marked)
    parts = _MARK_RE.split(prompt)
    # parts: structure, index, structure, index, ..., structure
    segments: list[tuple[str, bool]] = []
    seen = set()
    for k, part in enumerate(parts):
        if k % 2 == 0:
            if "\ue000" in part or "\ue001" in part:
                raise ValueError("the chat template changed the message text")
            if part:
                segments.append((part, True))
        else:
            i = int(part)
            if i >= len(messages):
                raise ValueError("the chat template changed the message text")
            seen.add(i)
            content = str(messages[i].get("content") or "")
            if trims_content:
                content = content.strip()
            if content:
                segments.append((content, False))
    return PromptSegments(segments), stops


@dataclass
class FittedPrompt:
    prompt: str | PromptSegments   # whatever ``render`` returns
    stops: list[str]
    prompt_tokens: int
    max_tokens: int          # reply budget actually left
    dropped_messages: int    # oldest turns left out of the model's memory


def fit_messages(
    messages: Sequence[Message],
    render: Callable[[Sequence[Message]], tuple[str, list[str]]],
    count_tokens: Callable[[str], int],
    n_ctx: int,
    max_tokens: int,
    min_reply_tokens: int = 16,
) -> FittedPrompt:
    """Drop the oldest turns (never the system prompt, never the last message)
    until the prompt plus the reply budget fits ``n_ctx``.

    Raises ``BadInputError`` when even the system prompt and the last message
    alone do not leave room for a reply: we never send a prompt that overflows.
    """
    if not messages:
        raise BadInputError("there is no message to send")
    reply_budget = max(min_reply_tokens, min(max_tokens, n_ctx // 2)) if max_tokens > 0 else n_ctx // 4
    limit = n_ctx - reply_budget
    head = [m for m in messages[:1] if m["role"] == "system"]
    body = list(messages[len(head):])

    def attempt(drop: int):
        kept = head + body[drop:]
        prompt, stops = render(kept)
        return prompt, stops, count_tokens(prompt)

    prompt, stops, n = attempt(0)
    dropped = 0
    if n > limit:
        # Binary search the smallest number of oldest messages to drop.
        lo, hi = 1, len(body) - 1
        best = None
        while lo <= hi:
            mid = (lo + hi) // 2
            p, s, k = attempt(mid)
            if k <= limit:
                best, hi = (mid, p, s, k), mid - 1
            else:
                lo = mid + 1
        if best is None:
            p, s, k = attempt(len(body) - 1) if len(body) > 1 else (prompt, stops, n)
            raise BadInputError(
                f"the message is too long for this model's context window: it needs {k} tokens, "
                f"the window holds {n_ctx} with {reply_budget} kept for the reply; "
                "shorten it or load the model with a larger context"
            )
        dropped, prompt, stops, n = best
        # Do not start the kept history on an assistant turn.
        while dropped < len(body) - 1 and body[dropped]["role"] == "assistant":
            dropped += 1
            prompt, stops, n = attempt(dropped)
    room = n_ctx - n
    budget = min(max_tokens, room) if max_tokens > 0 else room
    return FittedPrompt(prompt, stops, n, budget, dropped)
