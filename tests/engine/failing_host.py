"""Loaded into a model host by ``HEARTH_HOST_TEST_HOOK=tests.engine.failing_host`` (tests only): every
reply fails inside the host the way llama-cpp-python 0.3.16 did ("argument 5: TypeError"), from a frame
whose name the log must then show."""

from __future__ import annotations


def install() -> None:
    from engine.host import worker

    def stream_of_an_incompatible_binding(self, prompt_tokens, s, cancel_flag, stats):
        raise TypeError("argument 5: TypeError: Don't know how to convert parameter 5")
        yield ""  # pragma: no cover - a generator, like the real one

    worker.LlamaDecoder.stream = stream_of_an_incompatible_binding
