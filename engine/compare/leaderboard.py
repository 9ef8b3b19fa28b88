"""The blind-vote leaderboard: a Bradley–Terry fit with bootstrap confidence intervals.

Why not an online Elo: Elo updates after each vote, so the same votes in another order
give other ratings, and the last votes weigh most. Here the ratings are the maximum of
one likelihood over *all* votes: a pure function of how many times each outcome
happened between each pair of models. Shuffling the votes cannot change a single bit of
the result (the votes are first counted, as integers, in a fixed order of model names).

Model
-----
Model ``i`` has a log-strength ``θ_i``; it beats ``j`` with probability
``σ(θ_i − θ_j) = 1 / (1 + e^(θ_j − θ_i))`` (Bradley–Terry).

Ties count as half a win for each side (the convention of Elo, of chess, and of LMSYS's
Chatbot Arena). The fitted likelihood is ``∏ p_ij^(w_ij + t_ij/2) · (1 − p_ij)^(l_ij + t_ij/2)``.
Chosen over Davidson's extension because it needs no extra tie parameter to estimate
(with few votes that parameter is poorly determined and couples with every rating), keeps
the estimating equation "actual score = expected score" that users know from Elo, and is
symmetric: two models that only ever tie get exactly the same rating. The price is that
the fit does not model *how often* ties happen, only what they say about the order —
which is all a leaderboard needs.

"Both bad" votes count as ties in the fit: the voter saw no difference in quality between
the two answers on that prompt, which is what a tie says about their order (LMSYS counts
"tie (bothbad)" the same way). They must not count as a loss for both (that is the
Open WebUI bug this design avoids: two thumbs-down cannot make both models worse than
everybody else). They are still counted apart in ``both_bad`` so the table can show them.

Fit
---
Newton's method on the log-likelihood plus a tiny ridge prior ``−λ/2 · Σ θ_i²``
(``λ = RIDGE = 0.01``, i.e. a Normal(0, 10²) prior on the natural log-strength, about
±1,700 rating points): too weak to move ratings once a model has a handful of votes,
strong enough to keep a model with only wins (or only losses) finite, and it makes the
problem strictly concave, so the maximum is unique and Newton converges from θ = 0. Steps
are halved until the objective does not decrease (logistic Newton can overshoot when a
model is far from the others). The prior also centres the fit (Σ θ_i = 0 at the optimum).

Ratings are on an Elo-like scale: ``1000 + 400 · log10(e^θ)``, so a 400-point gap means
10:1 odds and the average model sits at 1000.

Confidence intervals
--------------------
Non-parametric bootstrap: ``resamples`` (default 1,000) resamples of the N votes drawn
with replacement, each refitted; the interval is the 2.5 and 97.5 percentiles (for the
default 95 %). Drawing N votes with replacement is the same as drawing the *counts* of
each distinct vote type from a multinomial with probabilities count/N, so the resamples
are drawn from the sorted counts: with the same seed, the same multiset of votes gives the
same intervals whatever their order. (A model that no resampled vote mentions sits at the
prior's centre in that resample: with very few votes its interval reaches towards 1000.)
All resamples are fitted at once (vectorised numpy:
1,000 resamples of 10,000 votes take well under a second).

Ranks
-----
As LMSYS: ``rank = 1 + the number of models whose lower bound exceeds this model's upper
bound``. Models whose intervals overlap share a rank.

Position bias
-------------
``left_win_rate`` = votes for the left column / decisive votes (ties and both-bad left
out). With at least ``MIN_DECISIVE_FOR_WARNING`` decisive votes, a rate outside 45–55 %
gives a warning, which says whether the deviation from 50 % is statistically significant
(exact two-sided binomial test at the 5 % level).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np

from engine.errors import BadInputError

OUTCOMES = ("a", "b", "tie", "both_bad")
RIDGE = 0.01
BASE_RATING = 1000.0
SCALE = 400.0 / math.log(10.0)          # natural log-strength → rating points
DEFAULT_RESAMPLES = 1000
MAX_RESAMPLES = 100_000
DEFAULT_SEED = 0
BIAS_BAND = (0.45, 0.55)
MIN_DECISIVE_FOR_WARNING = 30
SIGNIFICANCE = 0.05
_MAX_NEWTON = 100
_TOL = 1e-10


# ---- results ------------------------------------------------------------------------------

@dataclass
class ModelRating:
    model: str
    rating: float
    ci_low: float
    ci_high: float
    rank: int
    votes: int          # all votes the model took part in (wins + losses + ties + both_bad)
    wins: int
    losses: int
    ties: int           # "tie" votes only; both_bad counted apart (the fit treats both as ties)
    both_bad: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class PositionBias:
    left_wins: int
    right_wins: int
    decisive: int
    left_win_rate: float | None     # None without decisive votes
    p_value: float | None           # exact two-sided binomial test against 50 %
    significant: bool
    warning: str | None


@dataclass
class Leaderboard:
    models: list[ModelRating]       # best first (rating, then name)
    votes: int                      # votes used, after the tag filter
    position_bias: PositionBias
    resamples: int
    seed: int
    confidence: float
    tag: str | None = None
    tags: list[str] = field(default_factory=list)   # every tag seen in the votes (for a filter menu)

    @property
    def left_win_rate(self) -> float | None:
        return self.position_bias.left_win_rate

    @property
    def position_bias_warning(self) -> str | None:
        return self.position_bias.warning

    def to_json(self) -> dict:
        """The CLI contract: ``models``, ``votes``, ``left_win_rate``, ``position_bias_warning``
        (plus a few more keys for context)."""
        pb = self.position_bias
        return {"models": [m.to_json() for m in self.models], "votes": self.votes,
                "left_win_rate": pb.left_win_rate, "position_bias_warning": pb.warning,
                "decisive_votes": pb.decisive, "left_wins": pb.left_wins,
                "position_bias_p_value": pb.p_value, "resamples": self.resamples, "seed": self.seed,
                "confidence": self.confidence, "tag": self.tag}


# ---- votes in ---------------------------------------------------------------------------------

def split_tags(tags) -> list[str]:
    """``"hr, Japanese,hr"`` or ``["hr", "Japanese"]`` → ``["hr", "Japanese"]`` (trimmed, no
    empties, first spelling of each kept; case-insensitive duplicates dropped)."""
    if tags is None:
        return []
    if isinstance(tags, str):
        items = tags.split(",")
    else:
        items = [p for t in tags for p in str(t).split(",")]
    out, seen = [], set()
    for t in items:
        t = " ".join(t.split())
        if t and t.casefold() not in seen:
            seen.add(t.casefold())
            out.append(t)
    return out


def has_tag(tags, tag: str) -> bool:
    want = " ".join(str(tag).split()).casefold()
    return any(t.casefold() == want for t in split_tags(tags))


def _vote_fields(v) -> tuple[str, str, str, str]:
    """(model_a, model_b, outcome, tags) from a vote dict (as ``VoteStore`` returns) or a
    tuple ``(left, right, outcome[, tags])``."""
    if isinstance(v, Mapping):
        a, b, o, t = v["model_a"], v["model_b"], v["outcome"], v.get("tags", "")
    else:
        a, b, o = v[0], v[1], v[2]
        t = v[3] if len(v) > 3 else ""
    if o not in OUTCOMES:
        raise BadInputError(f"a vote's outcome must be one of {', '.join(OUTCOMES)}, not {o!r}")
    return str(a), str(b), o, t or ""


# ---- the fit ------------------------------------------------------------------------------------

def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def _objective(theta: np.ndarray, W: np.ndarray, ridge: float) -> np.ndarray:
    d = theta[:, :, None] - theta[:, None, :]
    return (W * _log_sigmoid(d)).sum(axis=(1, 2)) - 0.5 * ridge * (theta * theta).sum(axis=1)


def fit_log_strengths(W: np.ndarray, ridge: float = RIDGE) -> np.ndarray:
    """Penalised Bradley–Terry maximum likelihood for a batch of score matrices.

    ``W``: shape (R, M, M), ``W[r, i, j]`` = the score of i against j in batch r (wins plus
    half the ties). Returns θ of shape (R, M), centred per row. Deterministic: the same W
    gives the same bits.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim == 2:
        return fit_log_strengths(W[None], ridge)[0]
    R, M, _ = W.shape
    theta = np.zeros((R, M))
    if M == 0:
        return theta
    N = W + W.transpose(0, 2, 1)
    eye = np.eye(M)
    f = _objective(theta, W, ridge)
    for _ in range(_MAX_NEWTON):
        d = theta[:, :, None] - theta[:, None, :]
        p = 1.0 / (1.0 + np.exp(-d))                  # p[r, i, j] = P(i beats j)
        grad = (W - N * p).sum(axis=2) - ridge * theta
        c = N * p * p.transpose(0, 2, 1)              # N_ij p_ij p_ji ≥ 0, symmetric
        neg_hess = np.diag(np.full(M, ridge))[None] + eye[None] * c.sum(axis=2)[:, :, None] - c
        step = np.linalg.solve(neg_hess, grad[:, :, None])[:, :, 0]
        # Backtracking: halve the step of each resample until its objective does not fall.
        t = np.ones(R)
        for _ in range(60):
            cand = theta + t[:, None] * step
            fc = _objective(cand, W, ridge)
            bad = fc < f - 1e-12 * np.maximum(1.0, np.abs(f))
            if not bad.any():
                break
            t = np.where(bad, t * 0.5, t)
        t = np.where(bad, 0.0, t)                      # no ascent found: at the optimum already
        theta = theta + t[:, None] * step
        f = np.where(bad, f, fc)
        if np.abs(t[:, None] * step).max() < _TOL:
            break
    return theta - theta.mean(axis=1, keepdims=True)


def to_rating(theta) -> np.ndarray:
    return BASE_RATING + SCALE * np.asarray(theta, dtype=np.float64)


# ---- counting -------------------------------------------------------------------------------------

@dataclass
class _Counts:
    models: list[str]
    pair_i: np.ndarray        # (P,) index of the first model of each pair (i < j)
    pair_j: np.ndarray
    cat: np.ndarray           # (P, 3) counts: i won, j won, tie (incl. both bad)
    wins: np.ndarray          # per model
    losses: np.ndarray
    ties: np.ndarray
    both_bad: np.ndarray
    left_wins: int
    right_wins: int
    total: int


def _count(votes: Sequence[tuple[str, str, str]]) -> _Counts:
    models = sorted({m for a, b, _ in votes for m in (a, b)})
    index = {m: k for k, m in enumerate(models)}
    M = len(models)
    pairs: dict[tuple[int, int], list[int]] = {}
    wins, losses = np.zeros(M, np.int64), np.zeros(M, np.int64)
    ties, both_bad = np.zeros(M, np.int64), np.zeros(M, np.int64)
    left = right = 0
    for a, b, o in votes:
        ia, ib = index[a], index[b]
        if o == "a":
            left += 1
            wins[ia] += 1
            losses[ib] += 1
        elif o == "b":
            right += 1
            wins[ib] += 1
            losses[ia] += 1
        elif o == "tie":
            ties[ia] += 1
            ties[ib] += 1
        else:
            both_bad[ia] += 1
            both_bad[ib] += 1
        i, j = (ia, ib) if ia < ib else (ib, ia)
        row = pairs.setdefault((i, j), [0, 0, 0])
        if o in ("tie", "both_bad"):
            row[2] += 1
        else:
            winner = ia if o == "a" else ib
            row[0 if winner == i else 1] += 1
    keys = sorted(pairs)
    return _Counts(models=models,
                   pair_i=np.array([k[0] for k in keys], np.int64),
                   pair_j=np.array([k[1] for k in keys], np.int64),
                   cat=np.array([pairs[k] for k in keys], np.int64).reshape(len(keys), 3),
                   wins=wins, losses=losses, ties=ties, both_bad=both_bad,
                   left_wins=left, right_wins=right, total=len(votes))


def _score_matrices(cat: np.ndarray, pi: np.ndarray, pj: np.ndarray, M: int) -> np.ndarray:
    """(R, P, 3) category counts → (R, M, M) score matrices (ties as half a win each)."""
    cat = np.asarray(cat, dtype=np.float64)
    W = np.zeros((cat.shape[0], M, M))
    half_ties = 0.5 * cat[:, :, 2]
    W[:, pi, pj] = cat[:, :, 0] + half_ties
    W[:, pj, pi] = cat[:, :, 1] + half_ties
    return W


# ---- position bias -------------------------------------------------------------------------------

def binomial_two_sided_p(k: int, n: int) -> float:
    """Exact two-sided binomial test of k successes in n trials against p = 1/2."""
    if n <= 0:
        return 1.0
    m = min(k, n - k)
    ks = np.arange(m + 1, dtype=np.float64)
    lg = np.vectorize(math.lgamma)
    log_pmf = math.lgamma(n + 1) - lg(ks + 1) - lg(n - ks + 1) - n * math.log(2.0)
    top = log_pmf.max()
    tail = math.exp(top) * float(np.exp(log_pmf - top).sum())
    return min(1.0, 2.0 * tail)


def position_bias(left_wins: int, right_wins: int) -> PositionBias:
    n = left_wins + right_wins
    if n == 0:
        return PositionBias(left_wins, right_wins, 0, None, None, False, None)
    rate = left_wins / n
    p = binomial_two_sided_p(left_wins, n)
    significant = p < SIGNIFICANCE
    warning = None
    if n >= MIN_DECISIVE_FOR_WARNING and not (BIAS_BAND[0] <= rate <= BIAS_BAND[1]):
        side = "left" if rate > 0.5 else "right"
        verdict = ("statistically significant" if significant
                   else "not statistically significant yet")
        warning = (f"The left column won {rate:.0%} of {n} decisive votes, outside the expected "
                   f"{BIAS_BAND[0]:.0%}–{BIAS_BAND[1]:.0%}: voters may favour the {side} position "
                   f"({verdict}, binomial test p = {p:.2g}); use blind mode's random column order.")
    return PositionBias(left_wins, right_wins, n, rate, p, significant, warning)


# ---- the leaderboard ---------------------------------------------------------------------------------

def compute_leaderboard(votes: Iterable, *, tag: str | None = None,
                        resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED,
                        confidence: float = 0.95, ridge: float = RIDGE) -> Leaderboard:
    """The leaderboard for ``votes`` (dicts with ``model_a``, ``model_b``, ``outcome`` and
    optionally ``tags``, or tuples ``(left, right, outcome[, tags])``).

    ``tag``: only votes carrying this tag (case-insensitive). ``resamples``: bootstrap
    resamples (0: no intervals, they equal the rating). Votes of a model against itself
    are ignored. The result depends only on the multiset of votes, ``resamples``, ``seed``
    and ``confidence`` — never on the order of the votes.
    """
    resamples = int(resamples)
    if resamples < 0 or resamples > MAX_RESAMPLES:
        raise BadInputError(f"the number of bootstrap resamples must be between 0 and {MAX_RESAMPLES:,}")
    if not 0.0 < confidence < 1.0:
        raise BadInputError("the confidence level must be between 0 and 1 (e.g. 0.95)")
    all_tags: dict[str, str] = {}
    chosen: list[tuple[str, str, str]] = []
    for v in votes:
        a, b, o, t = _vote_fields(v)
        for name in split_tags(t):
            all_tags.setdefault(name.casefold(), name)
        if a == b or (tag is not None and str(tag).strip() and not has_tag(t, tag)):
            continue
        chosen.append((a, b, o))
    c = _count(chosen)
    M = len(c.models)
    point = to_rating(fit_log_strengths(_score_matrices(c.cat[None], c.pair_i, c.pair_j, M), ridge)[0])
    low, high = point.copy(), point.copy()
    if resamples and M:
        flat = c.cat.reshape(-1)
        n = int(flat.sum())
        rng = np.random.default_rng(seed)
        boot = rng.multinomial(n, flat / n, size=resamples).reshape(resamples, -1, 3)
        ratings = to_rating(fit_log_strengths(_score_matrices(boot, c.pair_i, c.pair_j, M), ridge))
        alpha = (1.0 - confidence) / 2.0
        low, high = np.quantile(ratings, [alpha, 1.0 - alpha], axis=0)
    order = sorted(range(M), key=lambda k: (-point[k], c.models[k]))
    rows = []
    for k in order:
        rank = 1 + int(np.sum(low > high[k]))
        rows.append(ModelRating(
            model=c.models[k], rating=float(point[k]), ci_low=float(low[k]), ci_high=float(high[k]),
            rank=rank, votes=int(c.wins[k] + c.losses[k] + c.ties[k] + c.both_bad[k]),
            wins=int(c.wins[k]), losses=int(c.losses[k]), ties=int(c.ties[k]),
            both_bad=int(c.both_bad[k])))
    return Leaderboard(models=rows, votes=c.total, position_bias=position_bias(c.left_wins, c.right_wins),
                       resamples=resamples, seed=int(seed), confidence=float(confidence),
                       tag=(str(tag).strip() or None) if tag is not None else None,
                       tags=sorted(all_tags.values(), key=str.casefold))


def fit_ratings(votes: Iterable, ridge: float = RIDGE) -> dict[str, float]:
    """Point ratings only: ``{model: rating}``."""
    board = compute_leaderboard(votes, resamples=0, ridge=ridge)
    return {m.model: m.rating for m in board.models}
