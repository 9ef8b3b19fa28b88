"""Compare models: the same prompt side by side, and scored question sets.

Everything here is Qt-free and shared by the CLI (``compare``, ``eval``) and
the GUI's comparison pane. The public API, in the order a pane uses it:

Planning (``engine.compare.plan``)
    ``ModelSpec(path, n_ctx=0, gpu_layers="auto", name=None)`` — one model and
    how to load it. ``plan_run(specs, free_ram_bytes=None, cores=None,
    force=None) -> RunPlan`` — ``mode`` is ``"parallel"`` (every model loaded
    at once, one host each, the core budget splitting the CPU cores) or
    ``"sequential"`` (load, answer, unload, one model after another);
    ``reason`` is the sentence to show ("one after another: not enough memory
    for both (needs 9.1 GB, 6.2 GB free)").

Side by side (``engine.compare.runner``)
    ``CompareRunner(log_dir, store=None)``; ``run(prompt, specs, sampling,
    system=None, plan=None, on_event=None) -> list[ModelResult]`` blocks until
    every model finished or failed (call it from a worker thread);
    ``cancel()`` from any thread. Events are dicts with ``type`` and ``index``
    (see ``runner`` for the list). ``ModelResult.to_json()`` is the CLI's
    per-model object.

Question sets (``engine.compare.questions``, ``engine.compare.evaluate``)
    ``load_question_set(path_or_name) -> QuestionSet`` (JSONL or CSV; a bad
    line is a ``BadInputError`` naming it); ``score(question, answer) ->
    bool``; ``Evaluator(log_dir, store=None).run(question_set, specs, ...) ->
    EvalResult``, with the same events, plan and ``cancel()``.

Storage (``engine.compare.storage``)
    ``ComparisonStore(store)``: ``save_comparison``, ``list``, ``get``, and
    the evaluation runs (``list_evals``, ``get_eval``).

Blind votes and the Bradley–Terry leaderboard (``engine.compare.votes``,
``engine.compare.leaderboard``): ``BlindRound``, ``VoteStore``,
``compute_leaderboard`` — see those modules.

Names are imported lazily, so importing one module of this package never
loads the others.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "ModelSpec": "plan", "RunPlan": "plan", "plan_run": "plan",
    "CompareRunner": "runner", "ModelResult": "runner", "CompareRun": "runner",
    "Question": "questions", "QuestionSet": "questions", "load_question_set": "questions",
    "score": "questions", "normalize": "questions", "builtin_sets": "questions",
    "Evaluator": "evaluate", "EvalResult": "evaluate", "ModelScore": "evaluate", "wilson_interval": "evaluate",
    "ComparisonStore": "storage",
    "Leaderboard": "leaderboard", "ModelRating": "leaderboard", "compute_leaderboard": "leaderboard",
    "fit_ratings": "leaderboard", "VoteStore": "votes", "BlindRound": "votes", "blind_order": "votes",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'engine.compare' has no attribute {name!r}")
    return getattr(importlib.import_module(f"engine.compare.{module}"), name)
