"""Crowd BT: votes from the priors against the published formulas, judge reliability, the choice of pairs."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest

from podium.judging import pairwise
from podium.judging.pairwise import Item, Judge, choose_next, expected_information_gain, rank_comparisons, update


def published_update(
    alpha: float, beta: float, mu_w: float, var_w: float, mu_l: float, var_l: float
) -> tuple[float, float, float, float, float, float]:
    """Chen et al. (2013), eqs. as Gavel writes them, in terms of e^mu (the module uses logistic forms)."""
    ew, el = math.exp(mu_w), math.exp(mu_l)
    c1 = ew / (ew + el) + 0.5 * (var_w + var_l) * (ew * el * (el - ew)) / (ew + el) ** 3
    c2 = 1 - c1
    c = (c1 * alpha + c2 * beta) / (alpha + beta)
    e1 = (c1 * (alpha + 1) * alpha + c2 * alpha * beta) / (c * (alpha + beta + 1) * (alpha + beta))
    e2 = (c1 * (alpha + 2) * (alpha + 1) * alpha + c2 * (alpha + 1) * alpha * beta) / (
        c * (alpha + beta + 2) * (alpha + beta + 1) * (alpha + beta)
    )
    var = e2 - e1**2
    step = alpha * ew / (alpha * ew + beta * el) - ew / (ew + el)
    shrink = alpha * ew * beta * el / (alpha * ew + beta * el) ** 2 - ew * el / (ew + el) ** 2
    return (
        (e1 - e2) * e1 / var,
        (e1 - e2) * (1 - e1) / var,
        mu_w + var_w * step,
        var_w * max(1 + var_w * shrink, 1e-4),
        mu_l - var_l * step,
        var_l * max(1 + var_l * shrink, 1e-4),
    )


def test_first_vote_from_the_priors_matches_the_closed_form() -> None:
    judge, winner, loser = update(Judge(), Item(), Item())
    # Equal means: p = 1/2, so the vote says nothing about the judge (alpha, beta stay 10, 1) and
    # step = 10/11 - 1/2 = 9/22, shrink = 10/121 - 1/4 = -81/484.
    assert (judge.alpha, judge.beta) == pytest.approx((10.0, 1.0), rel=1e-9)
    assert winner.mu == pytest.approx(float(Fraction(9, 22)), rel=1e-12)
    assert loser.mu == pytest.approx(-float(Fraction(9, 22)), rel=1e-12)
    assert winner.sigma_sq == loser.sigma_sq == pytest.approx(float(1 - Fraction(81, 484)), rel=1e-12)


def test_a_sequence_of_votes_matches_the_published_formulas() -> None:
    rng = random.Random(4)
    judges = {name: Judge() for name in "xy"}
    items = [Item() for _ in range(5)]
    ref_judges = {name: (10.0, 1.0) for name in "xy"}
    ref_items = [(0.0, 1.0)] * 5
    for _ in range(30):
        name = rng.choice("xy")
        w, lose = rng.sample(range(5), 2)
        judges[name], items[w], items[lose] = update(judges[name], items[w], items[lose])
        a, b, mw, vw, ml, vl = published_update(*ref_judges[name], *ref_items[w], *ref_items[lose])
        ref_judges[name], ref_items[w], ref_items[lose] = (a, b), (mw, vw), (ml, vl)
    for item, (mu, var) in zip(items, ref_items, strict=True):
        assert (item.mu, item.sigma_sq) == pytest.approx((mu, var), rel=1e-9)
    for name, judge in judges.items():
        assert (judge.alpha, judge.beta) == pytest.approx(ref_judges[name], rel=1e-6)


def test_a_judge_who_inverts_outcomes_loses_reliability_and_weight() -> None:
    strength = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    rng = random.Random(11)
    votes = []
    for _ in range(300):
        i, k = rng.sample(range(6), 2)
        better, worse = (i, k) if strength[i] > strength[k] else (k, i)
        judge = rng.choice(["fair-1", "fair-2", "fair-3", "inverter"])
        votes.append((judge, worse, better) if judge == "inverter" else (judge, better, worse))
    result = rank_comparisons(votes)
    assert result.project_ids == (5, 4, 3, 2, 1, 0)
    inverter = result.judges["inverter"].reliability
    assert all(result.judges[f"fair-{n}"].reliability > inverter + 0.2 for n in (1, 2, 3))
    # A vote moves means by sigma_sq * (pt - p), and pt - p shrinks with alpha / beta.
    fair = result.judges["fair-1"]
    item = Item(0.0, 0.5)
    _, moved_fair, _ = update(fair, item, item)
    _, moved_inverter, _ = update(result.judges["inverter"], item, item)
    assert moved_fair.mu > moved_inverter.mu


def test_ranks_put_the_highest_mean_first_and_share_equal_means() -> None:
    result = rank_comparisons([("j", "a", "b"), ("k", "c", "d")])
    assert result.project_ids == ("a", "c", "b", "d")
    assert result.rank == (1, 1, 3, 3)
    with pytest.raises(ValueError, match="cannot beat itself"):
        rank_comparisons([("j", "a", "a")])


def test_digamma_known_values() -> None:
    euler = 0.5772156649015329
    assert pairwise.digamma(1.0) == pytest.approx(-euler, abs=1e-13)
    assert pairwise.digamma(0.5) == pytest.approx(-euler - 2 * math.log(2), abs=1e-13)
    assert pairwise.digamma(11.0) == pytest.approx(sum(1 / k for k in range(1, 11)) - euler, abs=1e-13)


def test_information_gain_prefers_the_uncertain_close_project() -> None:
    judge, current = Judge(), Item(0.0, 0.3)
    close_unknown, far_known = Item(0.1, 1.0), Item(3.0, 0.05)
    assert expected_information_gain(judge, current, close_unknown) > expected_information_gain(
        judge, current, far_known
    )
    assert expected_information_gain(judge, current, far_known) > 0


def test_choose_next_explores_a_quarter_of_the_time_and_otherwise_takes_the_best_gain() -> None:
    judge, current = Judge(), Item(0.0, 0.3)
    candidates = {"best": Item(0.1, 1.0), "b": Item(3.0, 0.05), "c": Item(-3.0, 0.05), "d": Item(4.0, 0.05)}
    rng = random.Random(5)
    picks = [choose_next(judge, current, candidates, rng) for _ in range(4000)]
    # With chance 1/4 a random one of four (so "best" 1/16 of the time), else "best".
    others = sum(p != "best" for p in picks) / len(picks)
    assert others == pytest.approx(pairwise.EPSILON * 3 / 4, abs=0.03)
    again = [choose_next(judge, current, candidates, random.Random(5)) for _ in range(3)]
    assert again[0] == again[1] == again[2]
    assert choose_next(judge, current, {}, rng) is None
    first = choose_next(judge, None, candidates, rng)
    assert first is not None
    assert first in candidates
