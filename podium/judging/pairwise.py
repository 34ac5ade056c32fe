"""Pairwise rounds (expo or hackathon style): Crowd BT, with the priors and pair choice Gavel uses.

Crowd BT (Chen, Bennett, Collins-Thompson and Horvitz, "Pairwise ranking aggregation in a crowdsourced
setting", WSDM 2013) keeps a Gaussian ``N(mu, sigma_sq)`` over each project's Bradley-Terry log-strength and a
Beta ``(alpha, beta)`` over each judge's reliability ``eta`` (the chance that the judge reports the better
project). A vote "w beat l" is applied with one moment-matching step from the current values:

* ``p = 1 / (1 + e^(mu_l - mu_w))`` (Bradley-Terry) and ``pt = 1 / (1 + (beta / alpha) e^(mu_l - mu_w))``;
* ``mu_w += sigma_sq_w * (pt - p)``, ``mu_l -= sigma_sq_l * (pt - p)``;
* ``sigma_sq *= max(1 + sigma_sq * (pt (1 - pt) - p (1 - p)), KAPPA)`` for both;
* judge: ``c1 = p + (sigma_sq_w + sigma_sq_l) / 2 * p (1 - p) (1 - 2p)`` (second-order mean of p),
  ``c = (c1 alpha + (1 - c1) beta) / (alpha + beta)`` (chance of this outcome); the posterior moments of eta,
  ``E1 = (c1 (alpha + 1) alpha + (1 - c1) alpha beta) / (c (alpha + beta + 1) (alpha + beta))`` and
  ``E2 = (c1 (alpha + 2) (alpha + 1) alpha + (1 - c1) (alpha + 1) alpha beta) /
  (c (alpha + beta + 2) (alpha + beta + 1) (alpha + beta))``, are matched by a Beta:
  ``alpha = (E1 - E2) E1 / (E2 - E1^2)``, ``beta = (E1 - E2) (1 - E1) / (E2 - E1^2)``.

A judge who keeps contradicting the consensus sees ``c1`` small on its votes, so its beta grows and its
reliability ``alpha / (alpha + beta)`` falls; a low ``alpha / beta`` shrinks ``pt - p`` and with it the weight
of its votes. The next project a judge sees is, with chance ``EPSILON``, a random candidate, and otherwise the
one whose comparison with the judge's current project has the largest expected information gain: the
outcome-weighted KL divergence of both projects' Gaussians plus ``GAMMA`` times that of the judge's Beta.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

MU_PRIOR = 0.0
SIGMA_SQ_PRIOR = 1.0
ALPHA_PRIOR = 10.0
BETA_PRIOR = 1.0
KAPPA = 1e-4  # floor on the variance shrink factor
GAMMA = 0.1  # weight of what a comparison teaches about the judge
EPSILON = 0.25  # exploration: share of picks made at random

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Item:
    mu: float = MU_PRIOR
    sigma_sq: float = SIGMA_SQ_PRIOR


@dataclass(frozen=True)
class Judge:
    alpha: float = ALPHA_PRIOR
    beta: float = BETA_PRIOR

    @property
    def reliability(self) -> float:
        return self.alpha / (self.alpha + self.beta)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _judge_after(judge: Judge, winner: Item, loser: Item) -> tuple[Judge, float]:
    """The judge's Beta after "winner beat loser", and the chance of that outcome before the vote."""
    a, b = judge.alpha, judge.beta
    p = _sigmoid(winner.mu - loser.mu)
    c1 = p + 0.5 * (winner.sigma_sq + loser.sigma_sq) * p * (1 - p) * (1 - 2 * p)
    c2 = 1 - c1
    c = (c1 * a + c2 * b) / (a + b)
    e1 = (c1 * (a + 1) * a + c2 * a * b) / (c * (a + b + 1) * (a + b))
    e2 = (c1 * (a + 2) * (a + 1) * a + c2 * (a + 1) * a * b) / (c * (a + b + 2) * (a + b + 1) * (a + b))
    var = e2 - e1 * e1
    return Judge((e1 - e2) * e1 / var, (e1 - e2) * (1 - e1) / var), c


def _items_after(judge: Judge, winner: Item, loser: Item) -> tuple[Item, Item]:
    p = _sigmoid(winner.mu - loser.mu)
    pt = 1.0 / (1.0 + (judge.beta / judge.alpha) * math.exp(loser.mu - winner.mu))
    step = pt - p
    shrink = pt * (1 - pt) - p * (1 - p)
    return (
        Item(winner.mu + winner.sigma_sq * step, winner.sigma_sq * max(1 + winner.sigma_sq * shrink, KAPPA)),
        Item(loser.mu - loser.sigma_sq * step, loser.sigma_sq * max(1 + loser.sigma_sq * shrink, KAPPA)),
    )


def update(judge: Judge, winner: Item, loser: Item) -> tuple[Judge, Item, Item]:
    """One vote, every new value computed from the values before it."""
    new_judge, _ = _judge_after(judge, winner, loser)
    new_winner, new_loser = _items_after(judge, winner, loser)
    return new_judge, new_winner, new_loser


def _kl_normal(mu_1: float, var_1: float, mu_2: float, var_2: float) -> float:
    ratio = var_1 / var_2
    return (mu_1 - mu_2) ** 2 / (2 * var_2) + (ratio - 1 - math.log(ratio)) / 2


def digamma(x: float) -> float:
    """psi(x) for x > 0: recurrence up to x >= 10, then the asymptotic series (error below 1e-13)."""
    shift = 0.0
    while x < 10:
        shift -= 1 / x
        x += 1
    f = 1 / (x * x)
    series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))))
    return shift + math.log(x) - 0.5 / x - series


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _kl_beta(a1: float, b1: float, a2: float, b2: float) -> float:
    return (
        _log_beta(a2, b2)
        - _log_beta(a1, b1)
        + (a1 - a2) * digamma(a1)
        + (b1 - b2) * digamma(b1)
        + (a2 - a1 + b2 - b1) * digamma(a1 + b1)
    )


def expected_information_gain(judge: Judge, a: Item, b: Item) -> float:
    """What the judge's vote between a and b is expected to teach, averaged over both outcomes."""
    gain = 0.0
    for first, second in ((a, b), (b, a)):
        new_judge, chance = _judge_after(judge, first, second)
        new_first, new_second = _items_after(judge, first, second)
        gain += chance * (
            _kl_normal(new_first.mu, new_first.sigma_sq, first.mu, first.sigma_sq)
            + _kl_normal(new_second.mu, new_second.sigma_sq, second.mu, second.sigma_sq)
            + GAMMA * _kl_beta(new_judge.alpha, new_judge.beta, judge.alpha, judge.beta)
        )
    return gain


def choose_next(judge: Judge, current: Item | None, candidates: Mapping[K, Item], rng: random.Random) -> K | None:
    """The next project for a judge now at ``current`` (None before the first): a random candidate with chance
    EPSILON or when there is no current project, else the one of largest expected information gain. Candidates
    are shuffled first, so equal gains are broken at random; None when there is no candidate."""
    keys = list(candidates)
    if not keys:
        return None
    rng.shuffle(keys)
    if current is None or rng.random() < EPSILON:
        return keys[0]
    return max(keys, key=lambda k: expected_information_gain(judge, current, candidates[k]))


@dataclass(frozen=True)
class PairwiseRanking:
    """Projects by mu, highest first, with competition ranks; judges as they ended."""

    project_ids: tuple[Hashable, ...]
    rank: tuple[int, ...]
    items: Mapping[Hashable, Item]
    judges: Mapping[Hashable, Judge]


def rank_comparisons(comparisons: Iterable[tuple[Hashable, Hashable, Hashable]]) -> PairwiseRanking:
    """Apply ``(judge_id, winner_id, loser_id)`` votes in order, from the priors."""
    items: dict[Hashable, Item] = {}
    judges: dict[Hashable, Judge] = {}
    for judge_id, winner_id, loser_id in comparisons:
        if winner_id == loser_id:
            raise ValueError(f"project {winner_id!r} cannot beat itself")
        judge = judges.get(judge_id, Judge())
        winner, loser = items.get(winner_id, Item()), items.get(loser_id, Item())
        judges[judge_id], items[winner_id], items[loser_id] = update(judge, winner, loser)
    order = sorted(items, key=lambda k: (-items[k].mu, str(k)))
    ranks: list[int] = []
    for i, key in enumerate(order):
        tied = i > 0 and items[key].mu == items[order[i - 1]].mu
        ranks.append(ranks[-1] if tied else i + 1)
    return PairwiseRanking(tuple(order), tuple(ranks), items, judges)
