"""Chat messages -> prompt, and fitting a conversation into the context window.

Pure functions: the host process calls them with the model's tokenizer and
chat-template renderer, tests call them with stand-ins.

Models with a chat template get it (rendered by llama-cpp-python's sandboxed
Jinja formatter in the host). Base models (no template, like the starter
model) get a plain transcript format instead, and the UI says so, because they
continue text rather than follow instructions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from engine.errors import BadInputError

Message = dict  # {"role": "system"|"user"|"assistant", "content": str}

BASE_MODEL_NOTE = "base model: continues text rather than following instructions"
TRANSCRIPT_STOPS = ["\nUser:", "\nuser:", "\nAssistant:"]  # one turn, not an invented dialogue


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


@dataclass
class FittedPrompt:
    prompt: str
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
