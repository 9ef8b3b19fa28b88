"""Score models on a question set.

Every question goes to every model with greedy decoding (temperature 0,
repeat penalty off) and one fixed seed, so a run is repeatable; the answer is
scored by the question's rule (``engine.compare.questions.score``). Models run
per the plan (``engine.compare.plan``): in parallel each model works through
the set in its own thread and host; sequentially one model answers everything,
is unloaded, and the next one loads.

A model whose host crashes gets that question marked with the error and goes
on with a fresh host; after ``MAX_CRASHES_IN_A_ROW`` crashes in a row its
remaining questions are marked unanswered. A model that cannot load gets its
error and the others go on. Answers are stored as they arrive (``eval_runs``,
``eval_answers``) when a store is given, so a cancelled run keeps them.

Accuracy comes with a Wilson score interval (95 %): unlike the normal
approximation it stays inside [0, 1] and is sensible for small sets and for
accuracies near 0 or 1.

Events (besides the runner's ``plan``, ``loading``, ``loaded``, ``failed``)::

    {"type": "answer", "index", "model", "question_id", "position", "text", "correct", "error",
     "seconds", "done", "total", "done_all", "total_all"}
    {"type": "finished", "index", "model", "score"}          # score: ModelScore.to_json()
    {"type": "done", "index": None, "run_id", "cancelled", "total_s"}
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.compare.plan import ModelSpec, RunPlan, plan_run, unique_names
from engine.compare.questions import Question, QuestionSet, score
from engine.compare.runner import EventCallback, ModelJobs, _MemoryMonitor, _StartGate, _one_sentence, _unexpected
from engine.errors import BadInputError, CancelledError, HearthError, HostCrashedError
from engine.host.protocol import SamplingOptions

log = logging.getLogger("engine.compare")

DEFAULT_SEED = 0
DEFAULT_MAX_TOKENS = 256
MAX_CRASHES_IN_A_ROW = 2
Z_95 = 1.959963984540054


def wilson_interval(correct: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for ``correct`` successes out of ``total`` (95 % by default)."""
    if total <= 0:
        return 0.0, 1.0
    p = correct / total
    z2 = z * z
    denom = 1 + z2 / total
    center = (p + z2 / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denom
    return max(0.0, center - half), min(1.0, center + half)


def eval_sampling(seed: int = DEFAULT_SEED, max_tokens: int = DEFAULT_MAX_TOKENS) -> SamplingOptions:
    """Greedy and repeatable: what every model gets for every question."""
    return SamplingOptions(max_tokens=max_tokens, temperature=0.0, top_p=1.0, top_k=0, min_p=0.0,
                           repeat_penalty=1.0, seed=seed)


@dataclass
class Answer:
    question_id: str
    model: str
    text: str = ""
    correct: bool = False
    seconds: float = 0.0
    completion_tokens: int = 0
    gen_tok_s: float = 0.0
    error: str | None = None

    def to_json(self) -> dict:
        return {"text": self.text, "correct": self.correct, "seconds": round(self.seconds, 4),
                "completion_tokens": self.completion_tokens, "gen_tok_s": round(self.gen_tok_s, 3),
                "error": self.error}


@dataclass
class ModelScore:
    index: int
    model: str
    path: str
    correct: int = 0
    total: int = 0                  # questions answered or failed (not those a cancel left out)
    errors: int = 0
    load_s: float | None = None
    peak_rss_bytes: int | None = None
    error: str | None = None        # the model could not run at all (load failed)
    _tokens: int = field(default=0, repr=False)           # generated tokens after the first, all answers
    _gen_seconds: float = field(default=0.0, repr=False)  # and the time they took

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.correct, self.total)

    @property
    def gen_tok_s(self) -> float:
        """Generated tokens per second over all answers (token-weighted)."""
        return self._tokens / self._gen_seconds if self._gen_seconds > 0 else 0.0

    def add(self, a: Answer) -> None:
        self.total += 1
        self.correct += int(a.correct)
        self.errors += int(a.error is not None)
        if a.gen_tok_s > 0 and a.completion_tokens > 1:
            self._tokens += a.completion_tokens - 1
            self._gen_seconds += (a.completion_tokens - 1) / a.gen_tok_s

    def to_json(self) -> dict:
        lo, hi = self.interval
        return {"model": self.model, "accuracy": round(self.accuracy, 4), "correct": self.correct,
                "total": self.total, "gen_tok_s": round(self.gen_tok_s, 3), "ci_low": round(lo, 4),
                "ci_high": round(hi, 4), "errors": self.errors, "load_s": self.load_s,
                "peak_rss_bytes": self.peak_rss_bytes, "error": self.error, "path": self.path}


@dataclass
class EvalResult:
    question_set: QuestionSet
    plan: RunPlan
    sampling: SamplingOptions
    scores: list[ModelScore]
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)   # (question id, model) -> answer
    run_id: int | None = None
    cancelled: bool = False
    total_s: float = 0.0

    def to_json(self) -> dict:
        """The CLI's ``eval --json`` object (``models`` and ``questions`` are the contract)."""
        questions = []
        for q in self.question_set.questions:
            answers = {s.model: self.answers[(q.id, s.model)].to_json()
                       for s in self.scores if (q.id, s.model) in self.answers}
            questions.append({"id": q.id, "prompt": q.prompt, "expected": q.expected, "rule": q.rule,
                              "tags": q.tags, "answers": answers})
        return {"models": [s.to_json() for s in self.scores], "questions": questions,
                "set": self.question_set.name, "set_sha256": self.question_set.sha256,
                "plan": self.plan.mode, "plan_reason": self.plan.reason, "seed": self.sampling.seed,
                "max_tokens": self.sampling.max_tokens, "run_id": self.run_id, "cancelled": self.cancelled,
                "total_s": round(self.total_s, 3)}


class Evaluator(ModelJobs):
    """Run a question set across models. ``Evaluator(log_dir, store=None)``;
    ``run(...)`` blocks (call it from a worker thread); ``cancel()`` from any thread."""

    def __init__(self, log_dir: str | Path | None = None, store=None, *, lower_priority: bool = False):
        super().__init__(log_dir, store, lower_priority=lower_priority)
        self._answers_lock = threading.Lock()

    def run(self, question_set: QuestionSet, specs: list[ModelSpec], *, plan: RunPlan | None = None,
            seed: int = DEFAULT_SEED, max_tokens: int = DEFAULT_MAX_TOKENS, system: str | None = None,
            on_event: EventCallback | None = None) -> EvalResult:
        """Ask every question of ``question_set`` to every model. ``system``: a
        system prompt for questions that have none of their own."""
        specs = list(specs)
        if not specs:
            raise BadInputError("choose at least one model to evaluate")
        if not question_set.questions:
            raise BadInputError(f"{question_set.name} has no questions")
        if max_tokens < 1:
            raise BadInputError("--max-tokens must be at least 1")
        if plan is None:
            plan = plan_run(specs)
        names = unique_names(specs)
        sampling = eval_sampling(seed, max_tokens)
        result = EvalResult(question_set=question_set, plan=plan, sampling=sampling,
                            scores=[ModelScore(index=i, model=names[i], path=str(s.path))
                                    for i, s in enumerate(specs)])
        self._on_event = on_event
        self._progress = {"done_all": 0, "total_all": len(question_set.questions) * len(specs)}
        cstore = None
        if self.store is not None:
            from engine.compare.storage import ComparisonStore

            cstore = ComparisonStore(self.store)
            result.run_id = cstore.start_eval(question_set.name, question_set.sha256,
                                              [s.to_dict() | {"name": n} for s, n in zip(specs, names)],
                                              {"sampling": sampling.to_dict(), "plan": plan.mode,
                                               "plan_reason": plan.reason, "system": system or ""})
        status = "failed"
        try:
            self._emit({"type": "plan", "index": None, "mode": plan.mode, "reason": plan.reason, "models": names,
                        "seed": seed, "questions": len(question_set.questions), "run_id": result.run_id})
            log.info("evaluation of %d models on %d questions, %s", len(specs), len(question_set.questions),
                     plan.mode)
            t0 = time.monotonic()
            if plan.parallel and len(specs) > 1:
                gate = _StartGate(len(specs))
                load_lock = threading.Lock() if plan.stagger_loads else None
                self._threads(len(specs), lambda i: self._run_model(i, specs[i], result, system, cstore, gate,
                                                                    load_lock), "hearth-eval")
            else:
                for i, spec in enumerate(specs):
                    self._run_model(i, spec, result, system, cstore, None, None)
            result.total_s = time.monotonic() - t0
            result.cancelled = self._cancelled.is_set()
            status = "cancelled" if result.cancelled else "done"
            self._emit({"type": "done", "index": None, "run_id": result.run_id, "cancelled": result.cancelled,
                        "total_s": result.total_s})
        finally:
            if cstore is not None and result.run_id is not None:
                try:
                    cstore.finish_eval(result.run_id, status)
                except HearthError as e:
                    log.warning("the evaluation's status could not be saved: %s", e)
            self._on_event = None
            self._cancelled.clear()
        return result

    def _messages(self, q: Question, system: str | None) -> list[dict]:
        sys_prompt = q.system or system
        return ([{"role": "system", "content": sys_prompt}] if sys_prompt else []) + \
            [{"role": "user", "content": q.prompt}]

    def _run_model(self, i: int, spec: ModelSpec, result: EvalResult, system: str | None, cstore,
                   gate: _StartGate | None, load_lock) -> None:
        sc = result.scores[i]
        name = sc.model
        questions = result.question_set.questions
        client = monitor = None

        def arrive() -> None:
            if gate is not None:
                gate.arrive(i)

        try:
            client = self._new_client(spec, i, name)
            monitor = _MemoryMonitor(client)
            monitor.start()
            try:
                _, sc.load_s = self._load(client, i, name, spec, load_lock)
            finally:
                arrive()
            if gate is not None:
                gate.wait(self._cancelled)
            crashes = 0
            for pos, q in enumerate(questions):
                rid = client.new_request_id()
                if self._cancelled.is_set():
                    break
                if crashes >= MAX_CRASHES_IN_A_ROW:
                    self._record(result, cstore, i, pos, Answer(
                        q.id, name, error="not asked: the model process stopped repeatedly"))
                    continue
                t = time.monotonic()
                ans = Answer(q.id, name)
                try:
                    stats = client.chat(self._messages(q, system), result.sampling, request_id=rid)
                    if stats.finish_reason == "cancelled":
                        break        # an unfinished answer is not scored
                    ans.text, ans.completion_tokens, ans.gen_tok_s = stats.text, stats.completion_tokens, \
                        stats.gen_tok_s
                    ans.correct = score(q, stats.text)
                    crashes = 0
                except HostCrashedError as e:
                    crashes += 1
                    ans.error = _one_sentence(e)
                except HearthError as e:
                    ans.error = _one_sentence(e)
                ans.seconds = time.monotonic() - t
                self._record(result, cstore, i, pos, ans)
        except CancelledError as e:
            sc.error = str(e)
        except HearthError as e:
            sc.error = _one_sentence(e)
        except Exception as e:
            sc.error = _unexpected(e)
        finally:
            arrive()
            if monitor is not None:
                monitor.stop()
                sc.peak_rss_bytes = monitor.peak_rss
            if client is not None:
                self._drop_client(client)
        if sc.error:
            log.info("evaluation model %d failed", i + 1)
            self._emit({"type": "failed", "index": i, "model": name, "error": sc.error, "score": sc.to_json()})
            if not self._cancelled.is_set():
                # A model that could not run got every question wrong: counting them keeps its accuracy honest.
                for pos, q in enumerate(questions):
                    if (q.id, name) not in result.answers:
                        self._record(result, cstore, i, pos, Answer(q.id, name, error=f"not asked: {sc.error}"),
                                     emit=False)
        else:
            self._emit({"type": "finished", "index": i, "model": name, "score": sc.to_json()})

    def _record(self, result: EvalResult, cstore, i: int, pos: int, ans: Answer, emit: bool = True) -> None:
        sc = result.scores[i]
        with self._answers_lock:
            result.answers[(ans.question_id, ans.model)] = ans
            sc.add(ans)
            self._progress["done_all"] += 1
            done_all = self._progress["done_all"]
        if cstore is not None and result.run_id is not None:
            try:
                cstore.save_answer(result.run_id, ans.question_id, ans.model, ans.text, ans.correct, ans.seconds,
                                   ans.completion_tokens, ans.gen_tok_s, ans.error)
            except HearthError as e:
                log.warning("an evaluation answer could not be saved: %s", e)
        if emit:
            self._emit({"type": "answer", "index": i, "model": ans.model, "question_id": ans.question_id,
                        "position": pos, "text": ans.text, "correct": ans.correct, "error": ans.error,
                        "seconds": ans.seconds, "done": sc.total, "total": len(result.question_set.questions),
                        "done_all": done_all, "total_all": self._progress["total_all"]})
