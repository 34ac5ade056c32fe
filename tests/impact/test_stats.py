"""Rank statistics against values worked out by hand and scipy's documented examples."""

from __future__ import annotations

import math

import pytest

from podium.judging.impact import stats


def test_rankdata_gives_tied_values_the_mean_of_their_ranks() -> None:
    assert stats.rankdata([10, 20, 20, 5, 20]).tolist() == [2.0, 4.0, 4.0, 1.0, 4.0]
    assert stats.rankdata([0, 0, 0]).tolist() == [2.0, 2.0, 2.0]
    assert stats.rankdata([]).tolist() == []


def test_spearman_of_monotonic_samples_is_one_or_minus_one() -> None:
    assert stats.spearman([1, 2, 3, 4], [10, 100, 1000, 10_000]) == pytest.approx(1.0)
    assert stats.spearman([1, 2, 3, 4], [9, 7, 5, 1]) == pytest.approx(-1.0)


def test_spearman_without_ties_matches_the_textbook_formula() -> None:
    x, y = [1, 2, 3, 4, 5], [2, 1, 4, 3, 5]
    d2 = sum((a - b) ** 2 for a, b in zip(x, y, strict=True))  # 1 + 1 + 1 + 1 + 0 = 4
    assert stats.spearman(x, y) == pytest.approx(1 - 6 * d2 / (5 * (25 - 1)))  # 0.8


def test_spearman_with_ties_matches_scipy() -> None:
    # scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).statistic (its documentation's example)
    assert stats.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(0.8207826816681233)
    # Two projects that raised nothing share ranks 1 and 2: y ranks [1.5, 1.5, 3, 4] against x ranks [1, 2, 3, 4].
    # Centred: [-1, -1, 0.5, 1.5] and [-1.5, -0.5, 0.5, 1.5]; rho = 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10).
    rho = stats.spearman([-4, -3, -2, -1], [0, 0, 5, 9])
    assert rho == pytest.approx(3 / math.sqrt(10))


def test_spearman_is_undefined_for_a_constant_sample_or_a_single_pair() -> None:
    assert stats.spearman([1, 2, 3], [0, 0, 0]) is None
    assert stats.spearman([1], [5]) is None
    with pytest.raises(ValueError, match="same length"):
        stats.spearman([1, 2], [1, 2, 3])


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert stats.median([1, 9, 3, 7]) == 5.0
    assert stats.median([]) is None
