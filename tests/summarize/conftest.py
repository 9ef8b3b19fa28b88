"""A tiny chat model whose vocabulary holds the summariser's English words.

The generic tiny model spells unknown words letter by letter, which makes the
instructions ~4x longer than on a real model and leaves no room for text in a
512-token context. With these words it tokenizes like a real model would.
"""

import re

import pytest

from engine.summarize import prompts
from tests.tiny_gguf import CHATML_TEMPLATE, _WORDS, make_tiny_gguf


def _instruction_words() -> list[str]:
    text = " ".join(str(v) for k, v in prompts._EN.items() if isinstance(v, str))
    text += " " + " ".join(" ".join(d.values()) for d in (prompts._EN["length"], prompts._EN["form"]))
    words = {w for w in re.findall(r"[A-Za-z']+", text)}
    words |= {w.lower() for w in words} | {"river", "city", "traders", "exchanged", "salt", "grain", "cloth",
                                           "council", "decided", "Page", "pp", "Read", "pages", "parts",
                                           "tokens"}
    return sorted(w for w in words if w not in _WORDS)


@pytest.fixture(scope="session")
def tiny_model(models_dir):
    """Overrides the generic tiny chat model for the summariser's tests."""
    extra = ["\u2581" + w for w in _instruction_words()] + [".", ",", "[", "]", "\u2013", "(", ")", ":", "'"]
    return make_tiny_gguf(models_dir / "tiny-summary.gguf", chat_template=CHATML_TEMPLATE, extra_tokens=extra,
                          n_ctx=4096)
