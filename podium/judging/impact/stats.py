"""Rank statistics on numpy arrays: average ranks for ties, Spearman's rank correlation, medians.

scipy is not a dependency: these few lines give the same numbers as scipy.stats.rankdata (method "average")
and scipy.stats.spearmanr (without the p-value)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

# Fewer projects than this behind a correlation: it is shown, flagged as too few to read anything into.
MIN_N = 10


def rankdata(values: Sequence[float] | npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """1-based ranks, smallest first; tied values share the mean of the ranks they span."""
    data = np.asarray(values, dtype=float)
    n = data.size
    if n == 0:
        return np.empty(0, dtype=float)
    order = np.argsort(data, kind="mergesort")
    ordered = data[order]
    # Where each run of equal values starts, and the end of the last run.
    bounds = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1], [True])))
    average = (bounds[:-1] + 1 + bounds[1:]) / 2.0
    ranks = np.empty(n, dtype=float)
    ranks[order] = np.repeat(average, np.diff(bounds))
    return ranks


def spearman(
    x: Sequence[float] | npt.NDArray[np.float64], y: Sequence[float] | npt.NDArray[np.float64]
) -> float | None:
    """Spearman's rho: the Pearson correlation of the two samples' average ranks. None when it is undefined
    (fewer than two pairs, or one sample that does not vary)."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if a.shape != b.shape:
        raise ValueError("x and y must have the same length")
    if a.size < 2:
        return None
    ra, rb = rankdata(a), rankdata(b)
    ra -= ra.mean()
    rb -= rb.mean()
    scale = float(np.sqrt((ra * ra).sum() * (rb * rb).sum()))
    if scale == 0.0:
        return None
    return float(np.clip((ra * rb).sum() / scale, -1.0, 1.0))


def median(values: Sequence[float] | npt.NDArray[np.float64]) -> float | None:
    data = np.asarray(values, dtype=float)
    return float(np.median(data)) if data.size else None


def grouped_spearman(
    groups: npt.NDArray[np.int64], x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> dict[int, tuple[float | None, int]]:
    """Spearman's rho within each group at once (a judge's scorecards against what the projects raised):
    {group: (rho or None, pairs)}. The same numbers as spearman() per group, without a Python loop over them."""
    if groups.size == 0:
        return {}
    keys, index, counts = np.unique(groups, return_inverse=True, return_counts=True)
    rx, ry = _grouped_ranks(index, x), _grouped_ranks(index, y)
    result: dict[int, tuple[float | None, int]] = {}
    mean_x = np.bincount(index, rx) / counts
    mean_y = np.bincount(index, ry) / counts
    dx, dy = rx - mean_x[index], ry - mean_y[index]
    cross = np.bincount(index, dx * dy)
    scale = np.sqrt(np.bincount(index, dx * dx) * np.bincount(index, dy * dy))
    defined = (counts >= 2) & (scale > 0)
    rho = np.clip(np.divide(cross, scale, out=np.zeros_like(cross), where=defined), -1.0, 1.0)
    for key, value, ok, n in zip(keys.tolist(), rho.tolist(), defined.tolist(), counts.tolist(), strict=True):
        result[int(key)] = (value if ok else None, int(n))
    return result


def _grouped_ranks(index: npt.NDArray[np.int64], values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Average ranks of values within each group (index: the group of each value, 0..k-1)."""
    order = np.lexsort((values, index))
    g, v = index[order], values[order]
    n = v.size
    # Where a run of equal values within one group starts, and where each group starts.
    new_run = np.concatenate(([True], (g[1:] != g[:-1]) | (v[1:] != v[:-1])))
    group_start = np.concatenate(([True], g[1:] != g[:-1]))
    position = np.arange(n)
    first_of_group = np.maximum.accumulate(np.where(group_start, position, 0))
    run_starts = np.flatnonzero(new_run)
    run_ends = np.concatenate((run_starts[1:], [n]))
    # Ranks within the group are 1-based from the group's first position; a run shares their mean.
    average = (run_starts + run_ends - 1) / 2.0 - first_of_group[run_starts] + 1
    ranks = np.empty(n, dtype=float)
    ranks[order] = np.repeat(average, run_ends - run_starts)
    return ranks
