"""An impact dashboard's figures, computed in memory from the summary rows the queries return.

Definitions (the dashboard and the README say the same):
- applied: submitted projects, including those withdrawn after submitting;
- a round's count: the projects ranked in it (its advancement), or, before it is finalised, those that
  advanced into it from the round before;
- awarded: projects granted any award of the competition;
- financed: projects with at least one counted funding round announced after the final (a round known only
  to its month or year is dated the first day of that period, so a round in the final's month does not
  count). The final is the survey schedule's final date if the organizer set one, else the day the last
  round's judging closes, in the summit's time zone (services.surveys.final_date);
- raised: the sum of a project's counted rounds in the chosen window (every round, or only those after the
  final), normalised to the chosen currency; a round still waiting for an FX rate counts as nothing and is
  reported beside the figures;
- the rank correlation: Spearman's rho between the place in the last finalised round (1 = best, negated so
  that a positive rho means better-placed projects raised more) and the amount raised, 0 for projects that
  raised nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from babel.support import LazyProxy

from podium.competitions.models import Division, Eligibility, Round, Track
from podium.competitions.services.financing import Figures
from podium.judging.impact import queries, stats
from podium.judging.models import AwardTier
from podium.platform.i18n import lazy_gettext, localized, use_locale

# A judge's predictions are only listed with at least this many scored projects behind them.
MIN_JUDGE_PROJECTS = 5
DEFAULT_THRESHOLD_MAJOR = 50_000_000
# With more judges than twice this, a page shows the best and the worst predictors only (exports have all).
JUDGES_SHOWN = 10


class Window(StrEnum):
    ALL = "all"
    AFTER = "after"


@dataclass(frozen=True)
class Selection:
    """What the figures count: which rounds (published, verified or every one not rejected), in which window,
    in which currency (minor units), and the threshold of the headline count."""

    figures: Figures
    window: Window
    threshold: int
    currency: str


@dataclass(frozen=True)
class Named:
    """A row's name in both languages (a track, a division, a tier, or a translated label such as "All")."""

    key: str
    name_en: str
    name_zh: str

    @property
    def name(self) -> str:
        return localized(self, "name")


def named(key: str, obj: Track | Division | AwardTier | Round) -> Named:
    return Named(key, obj.name_en, obj.name_zh)


def label(key: str, text: LazyProxy) -> Named:
    """A translated label in both languages, so that kept figures read in either."""
    names = []
    for locale in ("en", "zh_Hans"):
        with use_locale(locale):
            names.append(str(text))
    return Named(key, names[0], names[1])


@dataclass(frozen=True)
class Stage:
    key: str
    name: Named
    count: int
    # For the stages after the award (financed, incorporated): how many of these projects won an award.
    awarded: int | None = None


@dataclass(frozen=True)
class FunnelRow:
    group: Named
    counts: dict[str, int]


@dataclass(frozen=True)
class MoneyRow:
    group: Named
    projects: int  # applied projects in the group
    raised: int  # of which raised anything (counted rounds in the window)
    total: int  # minor units
    median: int | None  # the median total of those that raised
    at_least: int  # projects whose total reaches the threshold
    financed: int | None  # projects with a counted round after the final (None: the final's date is unknown)
    median_days: float | None  # from the final to each financed project's first round after it


@dataclass(frozen=True)
class Correlation:
    group: Named
    rho: float | None
    n: int

    @property
    def too_few(self) -> bool:
        return self.n < stats.MIN_N


@dataclass(frozen=True)
class JudgeRow:
    judge_id: int
    name: str  # filled in by the service, afresh for each page (only for the judges a page shows)
    rho: float | None
    n: int

    @property
    def too_few(self) -> bool:
        return self.n < stats.MIN_N


@dataclass
class Inputs:
    """What the queries returned for one competition, before any figure is computed."""

    tracks: list[Track]
    divisions: list[Division]
    rounds: list[Round]  # the rounds whose results may be shown, by position
    tiers: list[AwardTier]
    final_on: date | None
    applied: list[tuple[int | None, int | None, str, int]]
    entries: list[tuple[int, int | None, int | None, int, int]]
    ranked_round: Round | None
    ranks: list[tuple[int, int, int | None]]
    awards: list[tuple[int, int, int | None, int | None]]
    raised: list[queries.Raised]
    incorporated: list[tuple[int, int | None, int | None]]
    listed: list[tuple[int, str, int | None]] = field(default_factory=list)
    # False on the public page until the final round is published: no award stage, no figures by award.
    awards_visible: bool = True
    cards: JudgePoints = field(default_factory=lambda: JudgePoints.of([]))


@dataclass
class Dashboard:
    selection: Selection
    final_on: date | None
    stages: list[Stage]
    funnel_tracks: list[FunnelRow]
    funnel_divisions: list[FunnelRow]
    money: MoneyRow
    money_tracks: list[MoneyRow]
    money_divisions: list[MoneyRow]
    money_tiers: list[MoneyRow]
    ranked_round: Round | None
    correlation: Correlation | None
    correlation_tracks: list[Correlation]
    points: list[tuple[int, int]]  # (place in the ranked round, raised) for the scatter plot
    judges: list[JudgeRow]
    without_figures: int  # counted rounds left out while they wait for an FX rate
    listed: list[tuple[int, str, int | None]]
    raised_of: dict[int, int]  # project → raised, for the projects that raised anything
    tier_of: dict[int, int]  # project → its best award tier


Key = Callable[[int | None, int | None], int | None]


def _by_track(track: int | None, _division: int | None) -> int | None:
    return track


def _by_division(_track: int | None, division: int | None) -> int | None:
    return division


def _groups(
    items: Iterable[Track | Division], prefix: str, present: set[int | None], none_label: LazyProxy
) -> list[tuple[int | None, Named]]:
    """The tracks (or divisions) in their order, then projects without one if there are any."""
    groups: list[tuple[int | None, Named]] = [(item.id, named(f"{prefix}-{item.id}", item)) for item in items]
    if None in present:
        groups.append((None, label(f"{prefix}-none", none_label)))
    return groups


def raised_in(row: queries.Raised, window: Window) -> int:
    return row.after if window == Window.AFTER else row.total


def best_tiers(awards: list[tuple[int, int, int | None, int | None]], tiers: list[AwardTier]) -> dict[int, int]:
    order = {tier.id: n for n, tier in enumerate(tiers)}
    best: dict[int, int] = {}
    for project_id, tier_id, _track, _division in awards:
        if tier_id in order and (project_id not in best or order[tier_id] < order[best[project_id]]):
            best[project_id] = tier_id
    return best


@dataclass
class Funds:
    """The projects' raised rows as arrays, so that each group's sums and medians need no loop over rows."""

    projects: npt.NDArray[np.int64]
    tracks: npt.NDArray[np.int64]  # -1: no track
    divisions: npt.NDArray[np.int64]  # -1: no division
    amounts: npt.NDArray[np.int64]  # raised in the selection's window, minor units
    days: npt.NDArray[np.float64]  # from the final to the first counted round after it (NaN: none)
    final_known: bool

    @classmethod
    def of(cls, rows: list[queries.Raised], window: Window, final_on: date | None) -> Funds:
        n = len(rows)

        def ints(values: Iterable[int]) -> npt.NDArray[np.int64]:
            return np.fromiter(values, dtype=np.int64, count=n)

        return cls(
            projects=ints(r.project_id for r in rows),
            tracks=ints(-1 if r.track_id is None else r.track_id for r in rows),
            divisions=ints(-1 if r.division_id is None else r.division_id for r in rows),
            amounts=ints(raised_in(r, window) for r in rows),
            days=np.fromiter(
                (
                    (r.first_after - final_on).days if final_on is not None and r.first_after is not None else np.nan
                    for r in rows
                ),
                dtype=float,
                count=n,
            ),
            final_known=final_on is not None,
        )

    def row(self, group: Named, projects: int, mask: npt.NDArray[np.bool_] | None, threshold: int) -> MoneyRow:
        amounts = self.amounts if mask is None else self.amounts[mask]
        days = self.days if mask is None else self.days[mask]
        positive = amounts[amounts > 0]
        days = days[~np.isnan(days)]
        middle = stats.median(positive.astype(float))
        return MoneyRow(
            group=group,
            projects=projects,
            raised=int(positive.size),
            # Python integers for the sum: many large rounds could overflow 64 bits.
            total=sum(positive.tolist()),
            median=round(middle) if middle is not None else None,
            at_least=int((positive >= threshold).sum()),
            financed=int(days.size) if self.final_known else None,
            median_days=stats.median(days) if days.size else None,
        )


def _round_counts(inputs: Inputs, key: Key) -> dict[int, Counter[int | None]]:
    """Per visible round: projects ranked in it, or those that advanced into it while it is not finalised."""
    ranked: dict[int, Counter[int | None]] = defaultdict(Counter)
    advanced: dict[int, Counter[int | None]] = defaultdict(Counter)
    for round_id, track, division, n, moved_on in inputs.entries:
        ranked[round_id][key(track, division)] += n
        advanced[round_id][key(track, division)] += moved_on
    counts: dict[int, Counter[int | None]] = {}
    previous: Round | None = None
    for found in inputs.rounds:
        if found.id in ranked:
            counts[found.id] = ranked[found.id]
        elif previous is not None and previous.id in advanced and previous.position == found.position - 1:
            counts[found.id] = advanced[previous.id]
        previous = found
    return counts


def _stage_counts(inputs: Inputs, key: Key, tier_of: dict[int, int]) -> dict[str, Counter[int | None]]:
    counts: dict[str, Counter[int | None]] = {"applied": Counter(), "eligible": Counter()}
    for track, division, eligibility, n in inputs.applied:
        counts["applied"][key(track, division)] += n
        if eligibility == Eligibility.ELIGIBLE:
            counts["eligible"][key(track, division)] += n
    for round_id, counter in _round_counts(inputs, key).items():
        counts[f"round-{round_id}"] = counter
    seen: set[int] = set()
    counts["awarded"] = Counter()
    for project_id, _tier, track, division in inputs.awards:
        if project_id in tier_of and project_id not in seen:
            seen.add(project_id)
            counts["awarded"][key(track, division)] += 1
    if inputs.final_on is not None:
        counts["financed"] = Counter(key(r.track_id, r.division_id) for r in inputs.raised if r.first_after)
    counts["incorporated"] = Counter(key(track, division) for _p, track, division in inputs.incorporated)
    return counts


def _stages(inputs: Inputs, tier_of: dict[int, int]) -> list[Stage]:
    counts = _stage_counts(inputs, _by_track, tier_of)
    stages = [
        Stage("applied", label("applied", lazy_gettext("Applied")), counts["applied"].total()),
        Stage("eligible", label("eligible", lazy_gettext("Eligible")), counts["eligible"].total()),
    ]
    for found in inputs.rounds:
        key = f"round-{found.id}"
        if key in counts:
            stages.append(Stage(key, named(key, found), counts[key].total()))
    if inputs.awards_visible:
        stages.append(Stage("awarded", label("awarded", lazy_gettext("Awarded")), counts["awarded"].total()))
    if "financed" in counts:
        financed = [r.project_id for r in inputs.raised if r.first_after]
        stages.append(
            Stage(
                "financed",
                label("financed", lazy_gettext("Financed after the final")),
                len(financed),
                sum(1 for p in financed if p in tier_of) if inputs.awards_visible else None,
            )
        )
    local = [p for p, _t, _d in inputs.incorporated]
    stages.append(
        Stage(
            "incorporated",
            label("incorporated", lazy_gettext("Incorporated locally")),
            len(local),
            sum(1 for p in local if p in tier_of) if inputs.awards_visible else None,
        )
    )
    return stages


def _funnel_rows(
    inputs: Inputs, key: Key, groups: list[tuple[int | None, Named]], stages: list[Stage], tier_of: dict[int, int]
) -> list[FunnelRow]:
    counts = _stage_counts(inputs, key, tier_of)
    return [
        FunnelRow(group=name, counts={s.key: counts.get(s.key, Counter())[group_id] for s in stages})
        for group_id, name in groups
    ]


def _money_rows(
    inputs: Inputs, selection: Selection, funds: Funds, by: str, groups: list[tuple[int | None, Named]]
) -> list[MoneyRow]:
    applied: Counter[int | None] = Counter()
    for track, division, _eligibility, n in inputs.applied:
        applied[track if by == "track" else division] += n
    keys = funds.tracks if by == "track" else funds.divisions
    return [
        funds.row(name, applied[group_id], keys == (-1 if group_id is None else group_id), selection.threshold)
        for group_id, name in groups
    ]


def _tier_rows(
    inputs: Inputs, selection: Selection, funds: Funds, tier_of: dict[int, int], applied: int
) -> list[MoneyRow]:
    members: Counter[int] = Counter(tier_of.values())
    tiers = np.fromiter(
        (tier_of.get(p, -1) for p in funds.projects.tolist()), dtype=np.int64, count=funds.projects.size
    )
    result = [
        funds.row(named(f"tier-{tier.id}", tier), members[tier.id], tiers == tier.id, selection.threshold)
        for tier in inputs.tiers
    ]
    result.append(
        funds.row(
            label("tier-none", lazy_gettext("No award")), applied - len(tier_of), tiers == -1, selection.threshold
        )
    )
    return result


def correlation(group: Named, places: list[int], amounts: list[int]) -> Correlation:
    return Correlation(group=group, rho=stats.spearman([-p for p in places], amounts), n=len(places))


def _correlations(
    inputs: Inputs, raised_of: dict[int, int], tracks: list[tuple[int | None, Named]]
) -> tuple[Correlation | None, list[Correlation]]:
    if inputs.ranked_round is None or not inputs.ranks:
        return None, []
    overall = correlation(
        label("all", lazy_gettext("All ranked projects")),
        [rank for _p, rank, _t in inputs.ranks],
        [raised_of.get(p, 0) for p, _rank, _t in inputs.ranks],
    )
    per_track: list[Correlation] = []
    for track_id, name in tracks:
        members = [(rank, raised_of.get(p, 0)) for p, rank, t in inputs.ranks if t == track_id]
        if members:
            per_track.append(correlation(name, [m[0] for m in members], [m[1] for m in members]))
    return overall, per_track


@dataclass(frozen=True)
class JudgePoints:
    """Each judge's mean scorecard total per project they scored (in any round): the arrays judge_rows reads,
    prepared once per set of scorecards (services keep them while the scorecards do not change)."""

    judges: npt.NDArray[np.int64]
    projects: npt.NDArray[np.int64]
    means: npt.NDArray[np.float64]

    @classmethod
    def of(cls, cards: list[tuple[int, int, float]]) -> JudgePoints:
        if not cards:
            empty = np.empty(0, dtype=np.int64)
            return cls(judges=empty, projects=empty, means=np.empty(0, dtype=float))
        n = len(cards)
        judges = np.fromiter((c[0] for c in cards), dtype=np.int64, count=n)
        projects = np.fromiter((c[1] for c in cards), dtype=np.int64, count=n)
        totals = np.fromiter((c[2] for c in cards), dtype=float, count=n)
        pairs, index = np.unique(np.stack((judges, projects), axis=1), axis=0, return_inverse=True)
        index = index.ravel()
        return cls(judges=pairs[:, 0], projects=pairs[:, 1], means=np.bincount(index, totals) / np.bincount(index))


def amounts_of(projects: npt.NDArray[np.int64], funds: Funds) -> npt.NDArray[np.float64]:
    """What each of the projects raised (0 when nothing), looked up without a Python loop."""
    if not funds.projects.size:
        return np.zeros(projects.size, dtype=float)
    order = np.argsort(funds.projects)
    known, amounts = funds.projects[order], funds.amounts[order]
    at = np.minimum(np.searchsorted(known, projects), known.size - 1)
    return np.where(known[at] == projects, np.maximum(amounts[at], 0), 0).astype(float)


def judge_rows(points: JudgePoints, funds: Funds) -> list[JudgeRow]:
    """Each judge with at least MIN_JUDGE_PROJECTS scored projects: rho between their totals (a project they
    scored in several rounds counts once, at its mean) and what the projects raised. Best predictors first."""
    if not points.judges.size:
        return []
    _keys, index, scored = np.unique(points.judges, return_inverse=True, return_counts=True)
    keep = (scored >= MIN_JUDGE_PROJECTS)[index.ravel()]
    found = stats.grouped_spearman(points.judges[keep], points.means[keep], amounts_of(points.projects[keep], funds))
    rows = [JudgeRow(judge_id=judge_id, name="", rho=rho, n=count) for judge_id, (rho, count) in found.items()]
    return sorted(rows, key=lambda r: (r.rho is None, -(r.rho or 0.0), -r.n, r.judge_id))


def compute(inputs: Inputs, selection: Selection) -> Dashboard:
    tier_of = best_tiers(inputs.awards, inputs.tiers)
    funds = Funds.of(inputs.raised, selection.window, inputs.final_on)
    raised_of = {r.project_id: raised_in(r, selection.window) for r in inputs.raised}
    raised_of = {p: amount for p, amount in raised_of.items() if amount > 0}
    present_tracks = {t for t, _d, _e, _n in inputs.applied} | {t for _r, t, _d, _n, _a in inputs.entries}
    present_divisions = {d for _t, d, _e, _n in inputs.applied} | {d for _r, _t, d, _n, _a in inputs.entries}
    tracks = _groups(inputs.tracks, "track", present_tracks, lazy_gettext("No track"))
    divisions = _groups(inputs.divisions, "division", present_divisions, lazy_gettext("No division"))
    stages = _stages(inputs, tier_of)
    applied = sum(n for _t, _d, _e, n in inputs.applied)
    overall, per_track = _correlations(inputs, raised_of, tracks)
    return Dashboard(
        selection=selection,
        final_on=inputs.final_on,
        stages=stages,
        funnel_tracks=_funnel_rows(inputs, _by_track, tracks, stages, tier_of),
        funnel_divisions=_funnel_rows(inputs, _by_division, divisions, stages, tier_of),
        money=funds.row(label("all", lazy_gettext("All projects")), applied, None, selection.threshold),
        money_tracks=_money_rows(inputs, selection, funds, "track", tracks),
        money_divisions=_money_rows(inputs, selection, funds, "division", divisions),
        money_tiers=_tier_rows(inputs, selection, funds, tier_of, applied) if inputs.awards_visible else [],
        ranked_round=inputs.ranked_round,
        correlation=overall,
        correlation_tracks=per_track,
        points=[(rank, raised_of.get(p, 0)) for p, rank, _t in inputs.ranks],
        judges=judge_rows(inputs.cards, funds),
        without_figures=sum(r.without_figure for r in inputs.raised),
        listed=inputs.listed,
        raised_of=raised_of,
        tier_of=tier_of,
    )
