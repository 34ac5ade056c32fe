"""The ranking engine on hand-computed tables, the published-precision rules and properties of `auto`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from podium.judging import ranking
from podium.judging.ranking import Round, Rule, advance, aggregate, competition_rank, cumulative, round_half_up

PROPERTY = settings(max_examples=60, deadline=None)


def table(rows: list[tuple[int, int, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p, j, y = zip(*rows, strict=True)
    return np.array(p), np.array(j), np.array(y, dtype=float)


# ---- published precision ------------------------------------------------------------------------------


def test_round_half_up_rounds_the_decimal_written_not_the_binary_float() -> None:
    assert round_half_up([2.675, 0.125, 1.005, 2.665, -2.675, 7.3333], 2).tolist() == [
        2.68,
        0.13,
        1.01,
        2.67,
        -2.68,
        7.33,
    ]
    assert round_half_up([0.5, 1.5, 2.5, 2.4999], 0).tolist() == [1.0, 2.0, 3.0, 2.0]
    assert round_half_up(2.675, 2) == 2.68


@PROPERTY
@given(st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False), st.integers(0, 3))
def test_round_half_up_agrees_with_decimal_quantize(value: Decimal, decimals: int) -> None:
    x = float(value)
    expected = Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert round_half_up([x], decimals)[0] == float(expected)


def test_totals_weigh_criteria_and_leave_out_those_not_counted() -> None:
    scores = [[8.0, 6.0, np.nan], [5.0, 9.0, 4.0]]
    assert ranking.totals(scores, [2, 1, 0]).tolist() == [22.0, 19.0]
    with pytest.raises(ValueError, match="scorecard 0 has no score for counted criterion 2"):
        ranking.totals(scores, [2, 1, 1])


# ---- the methods on one hand-computed table ----------------------------------------------------------

# Project 0 scored 1, 5, 6, 9, 10 by judges 0-4; project 1 scored 4, 6 by judges 0-1.
FIVE = table([(0, 0, 1), (0, 1, 5), (0, 2, 6), (0, 3, 9), (0, 4, 10), (1, 0, 4), (1, 1, 6)])


def test_mean_median_and_trimmed_known_values() -> None:
    assert aggregate(*FIVE, method="mean").score.tolist() == pytest.approx([6.2, 5.0])
    assert aggregate(*FIVE, method="median").score.tolist() == [6.0, 5.0]
    # trimmed drops 1 and 10: (5 + 6 + 9) / 3; with two scores there is nothing to drop, so the mean.
    assert aggregate(*FIVE, method="trimmed").score.tolist() == pytest.approx([20 / 3, 5.0])


def test_clip_pulls_scores_to_within_t_of_the_mean_and_publishes_them() -> None:
    fit = aggregate(*FIVE, method="clip", clip=1.0)
    # mean 6.2: 1 and 5 become 5.2, 9 and 10 become 7.2, 6 stays; project 1's 4 and 6 are within 1 of 5.
    assert fit.corrected is not None
    assert fit.corrected.tolist() == [5.2, 5.2, 6.0, 7.2, 7.2, 4.0, 6.0]
    assert fit.score.tolist() == pytest.approx([6.16, 5.0])


def test_clip_averages_the_rounded_corrected_scores() -> None:
    # Scores 1, 1, 6 (mean 2.667), T = 1, one decimal: corrected 1.667, 1.667, 3.667 are published as 1.7, 1.7,
    # 3.7, whose mean 2.367 is published as 2.4; averaging unrounded would give 2.333 -> 2.3.
    ranked = ranking.rank_round(["a"] * 3, ["j1", "j2", "j3"], [1, 1, 6], method="clip", clip=1.0, decimals=1)
    assert ranked.score.tolist() == [2.4]


def test_zscore_standardises_each_judge_and_maps_back_to_the_score_scale() -> None:
    # Judge 0 gives 1, 2, 3 and judge 1 gives 4, 6, 8: the same z-scores (-1.2247, 0, 1.2247) for both.
    p, j, y = table([(0, 0, 1), (1, 0, 2), (2, 0, 3), (0, 1, 4), (1, 1, 6), (2, 1, 8)])
    fit = aggregate(p, j, y, method="zscore")
    grand_sd = np.sqrt(34 / 6)  # all six scores: mean 4, squared deviations 9, 4, 1, 0, 4, 16
    z = np.sqrt(1.5)
    assert fit.score.tolist() == pytest.approx([4 - grand_sd * z, 4.0, 4 + grand_sd * z])
    assert fit.severity.tolist() == pytest.approx([2.0, -2.0])


def test_auto_recovers_quality_from_noiseless_shifted_and_stretched_judges() -> None:
    # y = a_j + b_j q_i exactly, a = 5, 6, 7 and b = 1, 2, 0.5: the mean judge is 6 + 7/6 q.
    quality = [-1.5, -0.5, 0.5, 1.5]
    a, b = [5.0, 6.0, 7.0], [1.0, 2.0, 0.5]
    rows = [(i, jj, a[jj] + b[jj] * q) for i, q in enumerate(quality) for jj in range(3)]
    fit = aggregate(*table(rows), method="auto")
    assert fit.score.tolist() == pytest.approx([6 + 7 / 6 * q for q in quality], abs=1e-6)
    assert fit.severity.tolist() == pytest.approx([1.0, 0.0, -1.0], abs=1e-6)
    assert fit.scale.tolist() == pytest.approx([6 / 7, 12 / 7, 3 / 7], abs=1e-6)
    assert fit.linked.all()


def test_auto_undoes_a_harsh_judge_that_the_mean_punishes() -> None:
    # Judges 0 and 1 see every project; judge 2 scores 3 points low and sees only projects 2 and 3.
    truth = [5.0, 6.0, 7.0, 8.0]
    rows = [(i, jj, truth[i] + (0.1 if jj == 1 else 0.0)) for i in range(4) for jj in (0, 1)]
    rows += [(2, 2, truth[2] - 3), (3, 2, truth[3] - 3)]
    p, j, y = table(rows)
    # means 5.05, 6.05, 6.03, 7.03: the harsh judge drags project 2 below project 1
    assert competition_rank(aggregate(p, j, y, method="mean").score).tolist() == [4, 2, 3, 1]
    auto = aggregate(p, j, y, method="auto")
    assert competition_rank(auto.score).tolist() == [4, 3, 2, 1]
    assert auto.severity[2] - auto.severity[0] == pytest.approx(3.0, abs=1e-6)  # 3 points harsher than judge 0


def strong_track_round() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Track A (projects 0-11) is truly 1.5 better than track B (12-23). A's four judges (0-3) and B's four
    (4-7) score only their own track, three per project, each with its own severity and scale; three
    cross-track judges (8-10) score six projects of each track."""
    rng = np.random.default_rng(7)
    track_a, track_b = np.arange(12), np.arange(12, 24)
    quality = np.r_[np.full(12, 1.5), np.zeros(12)] + rng.normal(0, 1, 24)
    severity, scale = rng.normal(0, 1, 11), np.exp(rng.normal(0, 0.2, 11))
    pairs = [(i, jj) for i in track_a for jj in rng.choice(4, 3, replace=False)]
    pairs += [(i, 4 + jj) for i in track_b for jj in rng.choice(4, 3, replace=False)]
    for jj in (8, 9, 10):
        pairs += [(i, jj) for i in np.r_[rng.choice(track_a, 6, replace=False), rng.choice(track_b, 6, replace=False)]]
    p = np.array([i for i, _ in pairs])
    j = np.array([jj for _, jj in pairs])
    y = 6 - severity[j] + scale[j] * (quality[p] + rng.normal(0, 0.5, len(p)))
    return p, j, y, quality, track_a, track_b


def test_auto_keeps_a_strong_track_strong_where_a_per_judge_zscore_flattens_it() -> None:
    p, j, y, quality, track_a, track_b = strong_track_round()
    true_gap = quality[track_a].mean() - quality[track_b].mean()

    def gap(method: ranking.Method) -> float:
        fit = aggregate(p, j, y, method=method)
        # in units of the spread the method gives the projects, so the scales compare
        spread = fit.score.std() / quality.std()
        return float((fit.score[track_a].mean() - fit.score[track_b].mean()) / spread)

    # zscore centres each track judge's scores on 0, so the tracks meet in the middle; only the three
    # cross-track judges pull them apart a little. auto corrects each judge's level through the projects it
    # shares with the others, so the gap the cross-track judges saw survives.
    assert gap("zscore") < 0.5 * true_gap
    assert gap("auto") > 0.8 * true_gap


def test_auto_flags_projects_whose_judges_share_no_project_with_the_rest() -> None:
    # Projects 0-2 share judges 0 and 1; project 3 was scored only by judges 2 and 3, who scored nothing else.
    rows = [(i, jj, 5.0 + i + jj) for i in range(3) for jj in (0, 1)] + [(3, 2, 9.0), (3, 3, 6.0)]
    fit = aggregate(*table(rows), method="auto")
    assert fit.linked.tolist() == [True, True, True, False]
    assert fit.score[3] == 7.5
    assert np.isnan(fit.severity[2:]).all()
    assert fit.quality is not None
    assert np.isnan(fit.quality[3])


def test_components_label_each_connected_group() -> None:
    labels_p, labels_j = ranking.components([0, 1, 2, 3, 4], [0, 1, 1, 2, 2], 5, 3)
    assert labels_p.tolist() == [0, 1, 1, 3, 3]
    assert labels_j.tolist() == [0, 1, 3]


@st.composite
def connected_rounds(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_projects = draw(st.integers(4, 10))
    n_judges = draw(st.integers(2, 5))
    seen = draw(
        st.lists(
            st.lists(st.booleans(), min_size=n_judges, max_size=n_judges), min_size=n_projects, max_size=n_projects
        )
    )
    pairs = [(i, jj) for i in range(n_projects) for jj in range(n_judges) if seen[i][jj] or jj == i % n_judges]
    p = np.array([i for i, _ in pairs])
    j = np.array([jj for _, jj in pairs])
    y = np.array(draw(st.lists(st.integers(1, 10), min_size=len(pairs), max_size=len(pairs))), dtype=float)
    labels, _ = ranking.components(p, j, n_projects, n_judges)
    assume(len(set(labels.tolist())) == 1)
    return p, j, y


@PROPERTY
@given(connected_rounds(), st.data(), st.floats(-20, 20), st.floats(0.1, 10))
def test_auto_is_unchanged_when_one_judge_is_shifted_or_stretched(
    round_: tuple[np.ndarray, np.ndarray, np.ndarray], data: st.DataObject, shift: float, stretch: float
) -> None:
    p, j, y = round_
    judge = data.draw(st.sampled_from(sorted(set(j.tolist()))))
    moved = np.where(j == judge, stretch * y + shift, y)
    before, after = aggregate(p, j, y, method="auto"), aggregate(p, j, moved, method="auto")
    if before.quality is None:  # the judges' z-scores separate no project: both fall back to plain means
        assert after.quality is None
        return
    assert after.quality is not None
    assert after.quality == pytest.approx(before.quality, abs=1e-6)
    # Published scores are the mean judge's view, which the moved judge is part of: one increasing affine map.
    slope, intercept = np.polyfit(before.score, after.score, 1)
    assert slope > 0
    assert after.score == pytest.approx(intercept + slope * before.score, abs=1e-6)


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4), st.floats(0, 100)), min_size=1, max_size=40))
def test_mean_is_the_naive_mean(rows: list[tuple[int, int, float]]) -> None:
    fit = aggregate(*table(rows), method="mean")
    for project in {r[0] for r in rows}:
        scores = [s for pp, _, s in rows if pp == project]
        assert fit.score[project] == pytest.approx(sum(scores) / len(scores))


# ---- ranks, rounds and advancement --------------------------------------------------------------------


def test_equal_scores_share_a_rank_and_the_next_rank_skips() -> None:
    assert competition_rank([3, 5, 5, 1, 5]).tolist() == [4, 1, 1, 5, 1]
    assert competition_rank([[1, 2, 2], [2, 2, 1]]).tolist() == [[3, 1, 1], [1, 1, 3]]
    assert competition_rank([9, 8, 7, 6], groups=[0, 1, 0, 1]).tolist() == [1, 1, 2, 2]


@PROPERTY
@given(st.lists(st.integers(0, 5), min_size=1, max_size=30))
def test_ranks_are_a_competition_ranking(scores: list[int]) -> None:
    ranks = competition_rank(scores).tolist()
    assert ranks == [1 + sum(other > s for other in scores) for s in scores]


def test_ties_are_decided_on_published_numbers() -> None:
    ids, judges = ["a", "b", "c"], ["j", "j", "j"]
    two = ranking.rank_round(ids, judges, [7.334, 7.3349, 7.2], method="mean", decimals=2)
    assert two.rank.tolist() == [1, 1, 3]
    assert two.score.tolist() == [7.33, 7.33, 7.2]
    three = ranking.rank_round(ids, judges, [7.334, 7.3349, 7.2], method="mean", decimals=3)
    assert three.project_ids == ("b", "a", "c")
    assert three.rank.tolist() == [1, 2, 3]


def test_cumulative_uses_the_published_round_scores() -> None:
    # Round 1 mean 20/3 is published 6.67, round 2 mean 7.125 is published 7.13 (half up); weights 1 and 3:
    # (6.67 + 3 x 7.13) / 4 = 7.015 -> 7.02. From unrounded round scores it would be 7.0104 -> 7.01.
    rounds = [
        Round(["a"] * 3, ["j1", "j2", "j3"], [6, 7, 7], method="mean"),
        Round(["a"] * 4, ["j1", "j2", "j3", "j4"], [7, 7, 7.25, 7.25], method="mean"),
    ]
    ranked = ranking.rank_rounds(rounds, weights=[1, 3], decimals=2)
    assert ranked.round_scores.tolist() == [[6.67, 7.13]]
    assert ranked.score.tolist() == [7.02]


def test_cumulative_weights_only_the_rounds_a_project_has() -> None:
    scores = np.array([[7.33, 8.12, 6.5, 9.01], [np.nan, 8.0, 7.0, 9.0]])
    # 0.733 + 1.624 + 2.275 + 3.1535 = 7.7855; the second leaves round 1 out: (1.6 + 2.45 + 3.15) / 0.9 = 8.0
    assert cumulative(scores, [10, 20, 35, 35], 2).tolist() == [7.79, 8.0]


def test_only_projects_of_the_last_round_are_ranked() -> None:
    rounds = [
        Round(["a", "b", "c"], ["j1", "j1", "j1"], [9, 5, 7], method="mean"),
        Round(["a", "c"], ["j2", "j2"], [6, 8], method="mean"),
    ]
    ranked = ranking.rank_rounds(rounds, weights=[1, 1], decimals=1)
    assert ranked.project_ids == ("a", "c")  # tied on (9 + 6) / 2 and (7 + 8) / 2, so by id
    assert ranked.score.tolist() == [7.5, 7.5]
    assert ranked.rank.tolist() == [1, 1]


def test_advance_top_n_lets_every_project_tied_at_the_cut_through() -> None:
    assert advance([9, 8, 8, 7], top=2).tolist() == [True, True, True, False]
    assert advance([9, 8, 8, 7], top=1).tolist() == [True, False, False, False]


def test_advance_breaks_ties_at_the_cut_by_a_named_criterion_then_lets_remaining_ties_through() -> None:
    assert advance([9, 8, 8, 8, 7], top=2, tie_break=[0, 3, 5, 3, 9]).tolist() == [True, False, True, False, False]
    assert advance([9, 8, 8, 8, 7], top=3, tie_break=[0, 3, 5, 3, 9]).tolist() == [True, True, True, True, False]


def test_advance_per_group_with_quotas_and_a_threshold() -> None:
    scores = [9, 8, 8, 7, 6, 5]
    groups = [("ai", "eu"), ("ai", "eu"), ("bio", "us"), ("bio", "us"), ("bio", "us"), ("ai", "eu")]
    quotas = {("ai", "eu"): 1, ("bio", "us"): 2}
    assert advance(scores, groups=groups, quotas=quotas).tolist() == [True, False, True, True, False, False]
    assert advance(scores, threshold=7.5).tolist() == [True, True, True, False, False, False]
    assert advance(scores, top=3, groups=groups, threshold=8).tolist() == [True, True, True, False, False, False]
    with pytest.raises(ValueError, match="needs top, quotas or a threshold"):
        advance(scores)


def test_rank_round_reports_advancement_and_its_probability() -> None:
    ids = ["a", "a", "b", "b", "c", "c", "d", "d"]
    judges = ["j1", "j2"] * 4
    scores = [9, 9.5, 7, 8, 7.5, 7.5, 3, 4]
    ranked = ranking.rank_round(ids, judges, scores, method="mean", rule=Rule(top=2), bootstrap=200, seed=1)
    assert ranked.project_ids == ("a", "b", "c", "d")
    assert ranked.rank.tolist() == [1, 2, 2, 4]
    assert ranked.advances is not None
    assert ranked.advances.tolist() == [True, True, True, False]
    assert ranked.p_advance is not None
    assert ranked.p_advance[0] == 1.0
    assert ranked.p_advance[3] == 0.0
    assert 0 < ranked.p_advance[1] < 1
    assert ranked.ci_low is not None
    assert ranked.ci_high is not None
    assert ranked.ci_low[0] == 9.0
    assert ranked.ci_high[0] == 9.5
    assert ranked.rank_low is not None
    assert ranked.rank_high is not None
    assert ranked.rank_low[3] == ranked.rank_high[3] == 4
    again = ranking.rank_round(ids, judges, scores, method="mean", rule=Rule(top=2), bootstrap=200, seed=1)
    assert again.p_advance is not None
    assert again.p_advance.tolist() == ranked.p_advance.tolist()


def test_rule_by_track_uses_project_groups_and_tie_break_values() -> None:
    ids = ["a", "b", "c", "d"]
    rule = Rule(top=1, groups={"a": "ai", "b": "ai", "c": "bio", "d": "bio"}, tie_break={"c": 2.0, "d": 4.0})
    ranked = ranking.rank_round(ids, ["j"] * 4, [9, 8, 6, 6], method="mean", rule=rule, bootstrap=20)
    rows = {row["project_id"]: row for row in ranked.rows()}
    assert {pid: row["advances"] for pid, row in rows.items()} == {"a": True, "b": False, "c": False, "d": True}
    # one score per project, so every replicate is the same ranking
    assert {pid: row["p_advance"] for pid, row in rows.items()} == {"a": 1.0, "b": 0.0, "c": 0.0, "d": 1.0}
    assert rows["d"]["rank"] == 3
    assert rows["d"]["ci_low"] == 6.0


def test_auto_bootstrap_intervals_surround_the_scores_of_a_large_round() -> None:
    rng = np.random.default_rng(0)
    n, k = 60, 4
    p = np.repeat(np.arange(n), k)
    j = (p * 7 + np.tile(np.arange(k), n) * 4) % 15
    quality = rng.normal(0, 1, n)
    y = 6 + rng.normal(0, 1, 15)[j] + quality[p] + rng.normal(0, 0.3, n * k)
    ranked = ranking.rank_round(p.tolist(), j.tolist(), y, bootstrap=100, seed=3, rule=Rule(top=10))
    assert ranked.ci_low is not None
    assert ranked.ci_high is not None
    assert ranked.p_advance is not None
    inside = (ranked.ci_low <= ranked.score) & (ranked.score <= ranked.ci_high)
    assert inside.mean() > 0.9
    assert ranked.p_advance[0] > 0.5 > ranked.p_advance[-1]
    assert ranked.linked.all()


def test_judges_table_flags_an_outlying_severity() -> None:
    rows = [(i, jj, 5.0 + i * 0.5 + (4.0 if jj == 5 else 0.1 * jj)) for i in range(8) for jj in range(6)]
    p, j, y = table(rows)
    ranked = ranking.rank_round(p.tolist(), [f"j{x}" for x in j], y, method="mean")
    judges = ranked.judges[0]
    assert judges.judge_ids[judges.outlier.argmax()] == "j5"
    assert judges.outlier.sum() == 1
    assert judges.n.tolist() == [8] * 6


def test_the_ranking_bench_times_a_small_synthetic_round() -> None:
    from podium.tooling.bench_ranking import time_ranking

    timing = time_ranking(projects=300, judges_per_project=4, criteria=3, bootstrap=5)
    assert (timing["projects"], timing["scorecards"], timing["bootstrap"]) == (300.0, 1200.0, 5.0)
    assert timing["total_s"] == pytest.approx(timing["totals_s"] + timing["rank_s"])
