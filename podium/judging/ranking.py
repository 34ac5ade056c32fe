"""The ranking engine: pure functions on numpy arrays, no database (issue 5).

Pipeline for one round: scorecard totals (:func:`totals`) -> one score per project (:func:`aggregate`, by the
round's method) -> published numbers rounded half-up (:func:`round_half_up`) -> cumulative score over rounds
(:func:`cumulative`) -> competition ranking (:func:`competition_rank`) -> who advances (:func:`advance`).
:func:`rank_rounds` runs all of it, with bootstrap intervals; :func:`rank_round` is the one-round case.

Published precision. Every published number (a corrected score under ``clip``, a round score, a cumulative
score, an interval bound) is rounded half-up at ``decimals`` as ``Decimal(repr(x)).quantize(...,
ROUND_HALF_UP)`` would round it, so 2.675 -> 2.68 although the float 2.675 lies below 2.675. Each later step
uses the rounded numbers, and ranks and ties are decided on them, so anyone holding the published numbers can
recompute the table.

``auto``: each score is the project's quality plus noise, shifted by the judge's severity and stretched by the
judge's scale, ``y_ij = a_j + b_j * (q_i + e_ij)``, ``e ~ N(0, s2)``: the noise stretches with the judge, so
each judge's view ``(y_ij - a_j) / b_j`` counts equally. Joint maximum likelihood, alternating two exact steps:

* quality: ``q_i`` = mean of its views ``qbar_j + u_j * (y_ij - ybar_j)`` (``ybar_j`` the judge's mean score,
  ``qbar_j`` the mean quality of the projects it scored, ``u_j = 1 / b_j``), then standardised (mean 0, sd 1:
  the gauge); ``s2`` = the mean squared residual of the views;
* judges: ``u_j`` maximises ``n log u - sum((u (y - ybar) - (q - qbar))^2) / (2 s2)``, the positive root
  ``u = (Syq + sqrt(Syq^2 + 4 Syy n s2)) / (2 Syy)``. A judge at odds with the rest gets a small ``u``, so its
  views are damped, never inverted or amplified.

Properties. Equivariance is exact: adding c to one judge's scores or multiplying them by k > 0 maps that
judge's (a, b) along and leaves every q, hence the order, unchanged (the start, per-judge z-scores, is invariant
too). That rules out priors pulling a judge toward the panel: they would let one judge's shift leak into the
others' scores. So a judge's level is always corrected, and a judge with one score adds nothing. Severity is
identified only through shared projects: the judge-project graph is split into connected components, the one
with most scores is fitted, and projects outside it get their plain mean and ``linked=False``. Published
scores are the mean judge's prediction ``abar + bbar * q`` (judges weighted by their number of scores, those
with one score left out), on the score scale like ``mean``; as the mean judge includes a transformed judge,
those numbers move by one common increasing affine map. Unlike per-judge z-scores the fit keeps real
differences between groups of projects that different judges saw (a strong track judged mostly by its own
judges stays strong when a few judges cross over). The mean-squared ``s2`` matters there: the
degrees-of-freedom-corrected one over-weights the noise and flattens such groups by a third or more.

Bootstrap: scorecards are resampled within each project and each replicate is refitted; ``auto`` warm-starts
from the full fit and stops once no score moves by a quarter of the last published digit. Intervals are the
2.5 and 97.5 percentiles of the replicates' published scores and ranks, and ``p_advance`` is the share of
replicates in which the project advances under the rule.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, TypeVar, cast, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.intp]
Bools = NDArray[np.bool_]
G = TypeVar("G", bound=Hashable)
Method = Literal["auto", "mean", "median", "trimmed", "clip", "zscore"]
METHODS: tuple[Method, ...] = get_args(Method)

FULL_TOL = 1e-10  # largest change of q (in sd units) at which the full fit stops
BOOTSTRAP_STEP = 0.25  # warm-started refits stop once no score moves by a quarter of the last published digit
MAX_ITER = 5000
MIN_NOISE = 1e-9  # floor of s2: data that fit exactly would otherwise make it 0
FLAT = 1e-12  # a judge whose scores spread less than this (relative) gave every project the same score
OUTLIER_Z = 3.0


# ---- published numbers --------------------------------------------------------------------------------


def round_half_up(values: ArrayLike, decimals: int) -> Floats:
    """Round half away from zero on the decimal representation, as ``Decimal(repr(x)).quantize`` does."""
    shape = np.shape(values)
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    scaled = np.abs(x) * 10.0**decimals
    out = np.floor(scaled)
    frac = scaled - out
    out += frac >= 0.5
    # Within float error of a half: let Decimal decide on the shortest repr (2.675 is stored as 2.67499...).
    frac -= 0.5
    np.abs(frac, out=frac)
    scaled += 1.0
    scaled *= 1e-9
    quantum = Decimal(1).scaleb(-decimals)
    for i in np.flatnonzero(frac <= scaled):
        exact = Decimal(repr(abs(float(x[i])))).quantize(quantum, rounding=ROUND_HALF_UP)
        out[i] = float(exact.scaleb(decimals))
    out /= 10.0**decimals
    return np.copysign(out, x, out=out).reshape(shape)


def totals(criterion_scores: ArrayLike, weights: ArrayLike) -> Floats:
    """Weighted sum of each scorecard (row) over the criteria (columns): ``sum(w_c * s_c)``.

    A weight of 0 marks a criterion "not counted": it is left out, and its column may hold NaN. A missing
    (NaN) score for a counted criterion raises ``ValueError``."""
    s = np.asarray(criterion_scores, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if s.ndim != 2 or w.shape != (s.shape[1],):
        raise ValueError(f"expected scorecards x criteria and one weight per criterion, got {s.shape}, {w.shape}")
    if not np.all(np.isfinite(w) & (w >= 0)):
        raise ValueError("criterion weights must be finite and not negative")
    counted = w > 0
    kept = s[:, counted]
    missing = np.argwhere(~np.isfinite(kept))
    if len(missing):
        card, col = missing[0]
        raise ValueError(f"scorecard {card} has no score for counted criterion {np.flatnonzero(counted)[col]}")
    return cast(Floats, (kept * w[counted]).sum(axis=1))


def cumulative(round_scores: ArrayLike, weights: ArrayLike, decimals: int) -> Floats:
    """Published cumulative scores from published round scores (projects x rounds, last axis = rounds).

    ``sum(w_r * s_r) / sum(w_r)`` over the rounds a project has a score in (NaN = absent, its weight is left
    out), rounded half-up. Weights such as 10/20/35/35 need not sum to 1."""
    s = np.asarray(round_scores, dtype=np.float64)
    w = np.broadcast_to(np.asarray(weights, dtype=np.float64), s.shape)
    present = np.isfinite(s)
    total_w = np.where(present, w, 0.0).sum(axis=-1)
    weighted = np.where(present, w * np.where(present, s, 0.0), 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return round_half_up(np.where(total_w > 0, weighted / total_w, np.nan), decimals)


# ---- ranks and advancement ----------------------------------------------------------------------------


def competition_rank(scores: ArrayLike, *, groups: ArrayLike | None = None, tie_break: ArrayLike | None = None) -> Ints:
    """Competition ranks ("1, 2, 2, 4"), higher score first, within each group; rows of a 2-D array are ranked
    separately. With ``tie_break`` (higher wins) equal scores are ordered by it, and only projects equal on
    both share a rank."""
    s = np.asarray(scores, dtype=np.float64)
    two_d = s.ndim == 2
    s2 = s if two_d else s[None, :]
    n = s2.shape[1]
    new_group = np.zeros(s2.shape, dtype=bool)
    new_group[:, 0] = True
    if groups is None and tie_break is None:
        order = np.argsort(-s2, axis=-1, kind="stable")
        ss = np.take_along_axis(s2, order, axis=-1)
        new_key = new_group.copy()
        new_key[:, 1:] = ss[:, 1:] != ss[:, :-1]
    else:
        g = np.broadcast_to(np.zeros(n, np.intp) if groups is None else np.asarray(groups), s2.shape)
        t = np.broadcast_to(np.zeros(n) if tie_break is None else np.asarray(tie_break, np.float64), s2.shape)
        order = np.lexsort((-t, -s2, g), axis=-1)
        ss, gs, ts = (np.take_along_axis(a, order, axis=-1) for a in (s2, g, t))
        new_group[:, 1:] = gs[:, 1:] != gs[:, :-1]
        new_key = new_group.copy()
        new_key[:, 1:] |= (ss[:, 1:] != ss[:, :-1]) | (ts[:, 1:] != ts[:, :-1])
    pos = np.arange(1, n + 1)
    sorted_rank = np.maximum.accumulate(np.where(new_key, pos, 0), axis=-1)
    if groups is not None:
        sorted_rank -= np.maximum.accumulate(np.where(new_group, pos, 0), axis=-1) - 1
    ranks = np.empty(s2.shape, dtype=np.intp)
    np.put_along_axis(ranks, order, sorted_rank, axis=-1)
    return ranks if two_d else ranks[0]


def advance(
    scores: ArrayLike,
    *,
    top: int | None = None,
    groups: Sequence[G] | None = None,
    quotas: Mapping[G, int] | None = None,
    threshold: float | None = None,
    tie_break: ArrayLike | None = None,
) -> Bools:
    """Who advances, from published scores (1-D, or replicates x projects).

    A project advances when its competition rank within its group (track, division, or a (track, division)
    pair: any hashable key; one group when ``groups`` is None) is within the group's quota (``quotas[g]``,
    else ``top``; no limit when both are None) and, with ``threshold``, its score is at least the threshold.
    Ties at the cut-off all advance, unless ``tie_break`` (a named criterion's values, higher wins) separates
    them; projects still tied on it all advance."""
    if top is None and quotas is None and threshold is None:
        raise ValueError("an advancement rule needs top, quotas or a threshold")
    s = np.asarray(scores, dtype=np.float64)
    n = s.shape[-1]
    if groups is None:
        codes = np.zeros(n, dtype=np.intp)
        limits = np.full(n, np.inf if top is None else float(top))
    else:
        if len(groups) != n:
            raise ValueError(f"{len(groups)} group keys for {n} projects")
        index: dict[G, int] = {}
        codes = np.fromiter((index.setdefault(k, len(index)) for k in groups), dtype=np.intp, count=n)
        per_group = [top if quotas is None else quotas.get(k, top) for k in index]
        limits = np.array([np.inf if q is None else float(q) for q in per_group])[codes]
    passes = competition_rank(s, groups=codes, tie_break=tie_break) <= limits
    if threshold is not None:
        passes &= s >= threshold
    return passes


@dataclass(frozen=True)
class Rule:
    """An advancement rule for :func:`rank_rounds`; groups and tie-break values are keyed by project id."""

    top: int | None = None
    quotas: Mapping[Any, int] | None = None  # group key -> quota
    threshold: float | None = None
    groups: Mapping[Any, Hashable] | None = None  # project id -> group key
    tie_break: Mapping[Any, float] | None = None  # project id -> value of the tie-break criterion

    def apply(self, project_ids: Sequence[Hashable], scores: ArrayLike) -> Bools:
        return advance(
            scores,
            top=self.top,
            groups=None if self.groups is None else [self.groups[p] for p in project_ids],
            quotas=self.quotas,
            threshold=self.threshold,
            tie_break=None if self.tie_break is None else [self.tie_break.get(p, -np.inf) for p in project_ids],
        )


# ---- aggregation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """One round aggregated. Per project: ``score`` (not yet rounded, except that under ``clip`` it is the
    mean of the published corrected scores), ``linked`` (False: its judges share no project with the fitted
    part of the round, so its score is uncorrected) and, for ``auto``, ``quality`` (standardised q, NaN when not
    linked). Per judge: ``severity`` (> 0 is harsh: points below the mean judge for ``auto`` and ``zscore``, else
    below the projects' scores on average), ``scale`` (spread relative to the mean judge; NaN for methods that
    do not model it), ``n`` (scores). Per score row: ``corrected``
    (``clip`` only, published). ``noise`` is the fitted s2 of ``auto``."""

    score: Floats
    linked: Bools
    severity: Floats
    scale: Floats
    n: Ints
    corrected: Floats | None = None
    quality: Floats | None = None
    noise: float | None = None


def aggregate(
    project_idx: ArrayLike,
    judge_idx: ArrayLike,
    score: ArrayLike,
    *,
    method: Method = "auto",
    clip: float | None = None,
    decimals: int = 2,
) -> Fit:
    """One score per project from its scores (parallel arrays, indices from 0).

    ``mean``, ``median``; ``trimmed`` drops each project's highest and lowest score (a project with fewer than
    three gets its mean); ``clip`` pulls each score to within ``clip`` of the project's mean, rounds the
    corrected scores to ``decimals`` (they are published) and averages them; ``zscore`` averages each judge's
    standardised scores and maps the mean back to the score scale (grand mean + grand sd x mean z; a judge whose
    scores are all equal contributes z = 0); ``auto`` is the model described in the module docstring."""
    p = np.asarray(project_idx, dtype=np.intp)
    j = np.asarray(judge_idx, dtype=np.intp)
    y = np.asarray(score, dtype=np.float64)
    if not (p.shape == j.shape == y.shape and p.ndim == 1):
        raise ValueError("project_idx, judge_idx and score must be 1-D arrays of one length")
    if len(y) and (p.min() < 0 or j.min() < 0):
        raise ValueError("indices start at 0")
    if not np.all(np.isfinite(y)):
        raise ValueError("scores must be finite numbers")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    n_p = int(p.max()) + 1 if len(p) else 0
    n_j = int(j.max()) + 1 if len(j) else 0
    if method == "auto":
        return _aggregate_auto(p, j, y, n_p, n_j)
    if method == "zscore":
        return _aggregate_zscore(p, j, y, n_p, n_j)
    corrected = None
    if method == "clip":
        if clip is None or not clip >= 0:
            raise ValueError("method 'clip' needs a clip distance T >= 0")
        centre = _means(p, y, n_p).take(p)
        corrected = round_half_up(np.clip(y, centre - clip, centre + clip), decimals)
        value = _means(p, corrected, n_p)
    elif method == "mean":
        value = _means(p, y, n_p)
    else:
        value = _order_statistic(p, y, n_p, trimmed=method == "trimmed")
    counts = np.bincount(j, minlength=n_j)
    with np.errstate(invalid="ignore"):
        severity = np.bincount(j, value.take(p) - y, minlength=n_j) / counts
    return Fit(value, np.ones(n_p, bool), severity, np.full(n_j, np.nan), counts, corrected=corrected)


def _means(p: Ints, y: Floats, n_p: int) -> Floats:
    with np.errstate(invalid="ignore"):
        return np.bincount(p, y, minlength=n_p) / np.bincount(p, minlength=n_p)


def _order_statistic(p: Ints, y: Floats, n_p: int, *, trimmed: bool) -> Floats:
    order = np.lexsort((y, p))
    ys = y[order]
    counts = np.bincount(p, minlength=n_p)
    start = np.cumsum(counts) - counts
    has = counts > 0
    c, st = counts[has], start[has]
    out = np.full(n_p, np.nan)
    if trimmed:
        sums = np.bincount(p, y, minlength=n_p)[has]
        middle = (sums - ys[st] - ys[st + c - 1]) / np.maximum(c - 2, 1)
        out[has] = np.where(c >= 3, middle, sums / c)
    else:
        out[has] = (ys[st + (c - 1) // 2] + ys[st + c // 2]) / 2
    return out


def _aggregate_zscore(p: Ints, j: Ints, y: Floats, n_p: int, n_j: int) -> Fit:
    counts = np.bincount(j, minlength=n_j)
    mean_j = np.bincount(j, y, minlength=n_j) / np.maximum(counts, 1)
    dev = y - mean_j.take(j)
    sd_j = np.sqrt(np.bincount(j, dev * dev, minlength=n_j) / np.maximum(counts, 1))
    spread = sd_j > FLAT * (1.0 + np.abs(mean_j))
    z = np.where(spread.take(j), dev / np.where(spread, sd_j, 1.0).take(j), 0.0)
    grand, grand_sd = float(y.mean()), float(y.std())
    value = grand + grand_sd * _means(p, z, n_p)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(counts > 0, sd_j / grand_sd, np.nan)
    severity = np.where(counts > 0, grand - mean_j, np.nan)
    return Fit(value, np.ones(n_p, bool), severity, scale, counts)


def components(project_idx: ArrayLike, judge_idx: ArrayLike, n_projects: int, n_judges: int) -> tuple[Ints, Ints]:
    """Connected components of the bipartite project-judge graph: a label per project and per judge (the
    smallest node number in the component, projects numbered first). Min-label hooking with pointer jumping,
    vectorised; a handful of passes over the edges."""
    u = np.asarray(project_idx, dtype=np.intp)
    v = np.asarray(judge_idx, dtype=np.intp) + n_projects
    label = np.arange(n_projects + n_judges, dtype=np.intp)
    while True:
        lu, lv = label[u], label[v]
        if np.array_equal(lu, lv):
            break
        low = np.minimum(lu, lv)
        np.minimum.at(label, lu, low)
        np.minimum.at(label, lv, low)
        while True:  # pointer jumping: every node points at its root
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
    return label[:n_projects], label[n_projects:]


@dataclass(frozen=True)
class _Auto:
    q: Floats  # standardised quality of the fitted projects
    noise: float
    a: Floats  # per fitted judge
    b: Floats
    n: Floats

    def anchor(self) -> tuple[float, float] | None:
        """The mean judge ``(abar, bbar)``, weighted by scores; judges with one score say nothing of their scale."""
        w = np.where(self.n >= 2, self.n, 0.0)
        if w.sum() <= 0:
            return None
        abar, bbar = float((w * self.a).sum() / w.sum()), float((w * self.b).sum() / w.sum())
        return (abar, bbar) if bbar > 0 else None


def _fit_auto(
    p: Ints, j: Ints, y: Floats, n_p: int, n_j: int, q: Floats | None, noise: float, tol: float
) -> _Auto | None:
    """The alternating maximum-likelihood fit on one connected design (p, j compact). None when degenerate:
    the judges' standardised scores separate no projects, so there is nothing to correct."""
    cnt = np.bincount(p, minlength=n_p).astype(np.float64)
    n = np.bincount(j, minlength=n_j).astype(np.float64)
    ybar = np.bincount(j, y, minlength=n_j) / np.maximum(n, 1.0)
    yc = y - ybar.take(j)
    syy = np.bincount(j, yc * yc, minlength=n_j)
    spread = syy > FLAT * n * (1.0 + ybar * ybar)
    syy2 = np.where(spread, 2.0 * syy, 1.0)
    c4 = 4.0 * syy * n
    if q is None:  # per-judge z-scores: a start that is itself invariant to each judge's shift and stretch
        z = np.where(spread.take(j), yc / np.sqrt(np.where(spread, syy, 1.0) / np.maximum(n, 1.0)).take(j), 0.0)
        q = np.bincount(p, z, minlength=n_p) / cnt
        if not q.std() > FLAT:
            return None
        q = (q - q.mean()) / q.std()
    for _ in range(MAX_ITER):
        qr = q.take(p)
        qbar = np.bincount(j, qr, minlength=n_j) / np.maximum(n, 1.0)
        syq = np.bincount(j, yc * qr, minlength=n_j)
        u = np.where(spread, (syq + np.sqrt(syq * syq + c4 * noise)) / syy2, 0.0)
        views = qbar.take(j) + u.take(j) * yc
        new = np.bincount(p, views, minlength=n_p) / cnt
        rss = float(np.square(views).sum() - (cnt * new * new).sum())
        sd = float(new.std())
        if not sd > FLAT:
            return None
        new = (new - new.mean()) / sd
        noise = max(rss / len(y) / (sd * sd), MIN_NOISE)
        step = float(np.abs(new - q).max())
        q = new
        if step < tol:
            break
    qr = q.take(p)
    qbar = np.bincount(j, qr, minlength=n_j) / np.maximum(n, 1.0)
    syq = np.bincount(j, yc * qr, minlength=n_j)
    b = np.where(spread, 2.0 * syy / (syq + np.sqrt(syq * syq + c4 * noise) + ~spread), 0.0)
    return _Auto(q, noise, ybar - b * qbar, b, n)


def _aggregate_auto(p: Ints, j: Ints, y: Floats, n_p: int, n_j: int) -> Fit:
    label_p, label_j = components(p, j, n_p, n_j)
    row_label = label_p.take(p)
    main_label = int(np.argmax(np.bincount(row_label, minlength=n_p + n_j)))
    linked, judge_in = label_p == main_label, label_j == main_label
    counts = np.bincount(j, minlength=n_j)
    value = _means(p, y, n_p)  # unlinked projects keep their plain mean
    severity, scale = np.full(n_j, np.nan), np.full(n_j, np.nan)
    main = _MainDesign.of(p, j, y, linked, judge_in)
    fitted = _fit_auto(main.p, main.j, main.y, main.n_p, main.n_j, None, 0.5, FULL_TOL)
    anchor = fitted.anchor() if fitted is not None else None
    if fitted is None or anchor is None:  # no information to correct with: mean scores throughout
        return Fit(value, linked, severity, scale, counts, quality=None)
    abar, bbar = anchor
    value[main.projects] = abar + bbar * fitted.q
    severity[main.judges] = abar - fitted.a
    scale[main.judges] = fitted.b / bbar
    quality = np.full(n_p, np.nan)
    quality[main.projects] = fitted.q
    return Fit(value, linked, severity, scale, counts, quality=quality, noise=fitted.noise)


@dataclass(frozen=True)
class _MainDesign:
    """The rows of the fitted component, with compact project and judge numbers."""

    p: Ints
    j: Ints
    y: Floats
    projects: Ints  # original project number of each compact one
    judges: Ints
    rows: Bools

    @property
    def n_p(self) -> int:
        return len(self.projects)

    @property
    def n_j(self) -> int:
        return len(self.judges)

    @classmethod
    def of(cls, p: Ints, j: Ints, y: Floats, linked: Bools, judge_in: Bools) -> _MainDesign:
        rows = linked.take(p)
        projects, judges = np.flatnonzero(linked), np.flatnonzero(judge_in)
        p_map = np.cumsum(linked) - 1
        j_map = np.cumsum(judge_in) - 1
        return cls(p_map.take(p[rows]), j_map.take(j[rows]), y[rows], projects, judges, rows)


# ---- bootstrap ----------------------------------------------------------------------------------------


def _resampler(p: Ints, n_p: int) -> tuple[Ints, Ints, Ints]:
    order = np.argsort(p, kind="stable")
    counts = np.bincount(p, minlength=n_p)
    start = np.cumsum(counts) - counts
    ps = p[order]
    return order, start.take(ps), counts.take(ps)


def _draw(resampler: tuple[Ints, Ints, Ints], rng: np.random.Generator) -> Ints:
    """Row numbers of one stratified resample: each project's scorecards drawn with replacement."""
    order, start, count = resampler
    return order.take(start + (rng.random(len(order)) * count).astype(np.intp))


def _replicates(
    p: Ints,
    j: Ints,
    y: Floats,
    fit: Fit,
    *,
    method: Method,
    clip: float | None,
    decimals: int,
    bootstrap: int,
    rng: np.random.Generator,
) -> Floats:
    """Bootstrap scores, replicates x projects. (Threads do not help: np.bincount holds the GIL.)"""
    n_p = len(fit.score)
    out = np.empty((bootstrap, n_p))
    if method != "auto" or fit.quality is None:
        draw = _resampler(p, n_p)
        for r in range(bootstrap):
            idx = _draw(draw, rng)
            out[r] = aggregate(p[idx], j[idx], y[idx], method=method, clip=clip, decimals=decimals).score
        return out
    main = _MainDesign.of(p, j, y, fit.linked, np.isfinite(fit.severity))  # fitted judges have a severity
    q0 = fit.quality[main.projects]
    noise = fit.noise if fit.noise is not None else 0.5
    points_per_sd = float(fit.score[main.projects].std())  # q has sd 1, so this is the mean judge's bbar
    tol = BOOTSTRAP_STEP * 10.0**-decimals / max(points_per_sd, FLAT)
    others = np.flatnonzero(~main.rows)
    op, oy = p[others], y[others]
    draw_main, draw_other = _resampler(main.p, main.n_p), _resampler(op, n_p)
    plain = np.bincount(p, minlength=n_p).astype(np.float64)
    for r in range(bootstrap):
        idx = _draw(draw_main, rng)
        mp, mj, my = main.p.take(idx), main.j.take(idx), main.y.take(idx)
        refit = _fit_auto(mp, mj, my, main.n_p, main.n_j, q0, noise, tol)
        anchor = refit.anchor() if refit is not None else None
        oidx = _draw(draw_other, rng)
        with np.errstate(invalid="ignore"):
            out[r] = np.bincount(op.take(oidx), oy.take(oidx), minlength=n_p) / plain
        if refit is None or anchor is None:
            out[r, main.projects] = np.bincount(mp, my, minlength=main.n_p) / np.bincount(mp, minlength=main.n_p)
        else:
            out[r, main.projects] = anchor[0] + anchor[1] * refit.q
    return out


# ---- rounds and the published ranking -----------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    """One round's scores: parallel sequences of project id, judge id and scorecard total."""

    project_ids: Sequence[Hashable]
    judge_ids: Sequence[Hashable]
    scores: ArrayLike
    method: Method = "auto"
    clip: float | None = None


@dataclass(frozen=True)
class Judges:
    """A round's judges (see :class:`Fit`); ``outlier``: robust z (median, 1.4826 MAD) of the severity or of the
    log-scale beyond 3, or a scale of 0 (the judge gave every project the same score)."""

    judge_ids: tuple[Hashable, ...]
    severity: Floats
    scale: Floats
    n: Ints
    outlier: Bools


@dataclass(frozen=True)
class Ranking:
    """The published ranking, in rank order (rank 1 best; ties share a rank, then by project id).

    ``score`` is the published cumulative score (the round score with one round); ``round_scores`` the
    published per-round scores (projects x rounds, NaN where absent). Interval fields are None without a
    bootstrap, ``advances`` and ``p_advance`` None without a rule. ``n_judges`` and ``linked`` describe the
    last round; ``judges`` holds one table per round."""

    project_ids: tuple[Hashable, ...]
    rank: Ints
    score: Floats
    round_scores: Floats
    n_judges: Ints
    linked: Bools
    ci_low: Floats | None
    ci_high: Floats | None
    rank_low: Ints | None
    rank_high: Ints | None
    advances: Bools | None
    p_advance: Floats | None
    judges: tuple[Judges, ...]

    def rows(self) -> list[dict[str, Any]]:
        fields = ("rank", "score", "n_judges", "linked", "ci_low", "ci_high", "rank_low", "rank_high")
        cols = {f: getattr(self, f) for f in (*fields, "advances", "p_advance")}
        return [
            {"project_id": pid} | {f: None if a is None else a[i].item() for f, a in cols.items()}
            for i, pid in enumerate(self.project_ids)
        ]


def _codes(ids: Sequence[Hashable]) -> tuple[list[Hashable], Ints]:
    """Distinct ids and each one's number; plain int or str ids take numpy's fast path."""
    arr = ids if isinstance(ids, np.ndarray) else np.asarray(ids) if len(ids) else np.array([], dtype=np.intp)
    if arr.ndim == 1 and arr.dtype.kind in "iuU":
        uniq, inverse = np.unique(arr, return_inverse=True)
        return cast(list[Hashable], uniq.tolist()), inverse.astype(np.intp)
    index: dict[Hashable, int] = {}
    codes = np.fromiter((index.setdefault(k, len(index)) for k in ids), dtype=np.intp, count=len(ids))
    return list(index), codes


def _robust_outliers(values: Floats) -> Bools:
    ok = np.isfinite(values)
    out = np.zeros(len(values), dtype=bool)
    if ok.sum() < 3:
        return out
    med = np.median(values[ok])
    mad = 1.4826 * np.median(np.abs(values[ok] - med))
    if mad > 0:
        out[ok] = np.abs(values[ok] - med) / mad > OUTLIER_Z
    return out


def _judges(ids: list[Hashable], fit: Fit) -> Judges:
    positive = fit.scale > 0
    log_scale = np.log(np.where(positive, fit.scale, 1.0))
    log_scale[~positive] = np.nan
    outlier = _robust_outliers(fit.severity) | _robust_outliers(log_scale) | (fit.scale == 0)
    return Judges(tuple(ids), fit.severity, fit.scale, fit.n, outlier)


def rank_rounds(
    rounds: Sequence[Round],
    *,
    weights: Sequence[float] | None = None,
    decimals: int = 2,
    rule: Rule | None = None,
    bootstrap: int = 0,
    seed: int = 0,
) -> Ranking:
    """Rank the projects of the last round on their cumulative score over ``rounds`` (oldest first, weighted
    by ``weights``, equal when None). Published numbers are rounded half-up at ``decimals`` at every step."""
    if not rounds:
        raise ValueError("no rounds to rank")
    if weights is not None and (len(weights) != len(rounds) or min(weights) < 0 or sum(weights) <= 0):
        raise ValueError("one weight per round, none negative, not all zero")
    if decimals < 0 or bootstrap < 0:
        raise ValueError("decimals and bootstrap must not be negative")
    rng = np.random.default_rng(seed)
    last_ids, _ = _codes(rounds[-1].project_ids)
    column = {pid: i for i, pid in enumerate(last_ids)}
    published = np.full((len(last_ids), len(rounds)), np.nan)
    replicas = np.full((bootstrap, len(last_ids), len(rounds)), np.nan)
    tables = []
    for r, rnd in enumerate(rounds):
        pids, p = _codes(rnd.project_ids)
        jids, j = _codes(rnd.judge_ids)
        y = np.asarray(rnd.scores, dtype=np.float64)
        fit = aggregate(p, j, y, method=rnd.method, clip=rnd.clip, decimals=decimals)
        tables.append(_judges(jids, fit))
        here = np.array([column.get(pid, -1) for pid in pids], dtype=np.intp)
        keep = here >= 0
        published[here[keep], r] = round_half_up(fit.score[keep], decimals)
        if bootstrap:
            reps = _replicates(
                p, j, y, fit, method=rnd.method, clip=rnd.clip, decimals=decimals, bootstrap=bootstrap, rng=rng
            )
            replicas[:, here[keep], r] = round_half_up(reps[:, keep], decimals)
    w = np.ones(len(rounds)) if weights is None else np.asarray(weights, dtype=np.float64)
    score = cumulative(published, w, decimals)
    rank = competition_rank(score)
    # The loop ended on the last round, whose project numbers are the columns of `published`.
    distinct_pairs = np.unique(p * len(jids) + j) // len(jids)
    n_judges = np.bincount(distinct_pairs, minlength=len(last_ids))
    ci_low = ci_high = p_adv = None
    rank_low = rank_high = None
    if bootstrap:
        rep_scores = cumulative(replicas, w, decimals)
        ci_low, ci_high = (round_half_up(b, decimals) for b in np.percentile(rep_scores, [2.5, 97.5], axis=0))
        rep_ranks = competition_rank(rep_scores)
        rank_low = np.percentile(rep_ranks, 2.5, axis=0, method="lower").astype(np.intp)
        rank_high = np.percentile(rep_ranks, 97.5, axis=0, method="higher").astype(np.intp)
        if rule is not None and rule.groups is None and rule.tie_break is None:  # reuse the ranks
            passes = rep_ranks <= (np.inf if rule.top is None else rule.top)
            p_adv = (passes & (rep_scores >= (-np.inf if rule.threshold is None else rule.threshold))).mean(axis=0)
        elif rule is not None:
            p_adv = rule.apply(last_ids, rep_scores).mean(axis=0)
    advances = rule.apply(last_ids, score) if rule is not None else None
    order = sorted(range(len(last_ids)), key=lambda i: (rank[i], _sort_key(last_ids[i])))
    o = np.asarray(order, dtype=np.intp)

    def pick(a: Any) -> Any:
        return None if a is None else a[o]

    return Ranking(
        project_ids=tuple(last_ids[i] for i in order),
        rank=rank[o],
        score=score[o],
        round_scores=published[o],
        n_judges=n_judges[o],
        linked=fit.linked[o],
        ci_low=pick(ci_low),
        ci_high=pick(ci_high),
        rank_low=pick(rank_low),
        rank_high=pick(rank_high),
        advances=pick(advances),
        p_advance=pick(p_adv),
        judges=tuple(tables),
    )


def _sort_key(pid: Hashable) -> tuple[int, Any]:
    return (0, pid) if isinstance(pid, int | float) else (1, str(pid))


def rank_round(
    project_ids: Sequence[Hashable],
    judge_ids: Sequence[Hashable],
    scores: ArrayLike,
    *,
    method: Method = "auto",
    clip: float | None = None,
    decimals: int = 2,
    rule: Rule | None = None,
    bootstrap: int = 0,
    seed: int = 0,
) -> Ranking:
    """One round ranked: :func:`rank_rounds` with a single round."""
    return rank_rounds(
        [Round(project_ids, judge_ids, scores, method, clip)],
        decimals=decimals,
        rule=rule,
        bootstrap=bootstrap,
        seed=seed,
    )
