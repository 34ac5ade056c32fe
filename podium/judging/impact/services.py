"""Impact dashboards: who may see which figures, loading them in a fixed number of queries, the comparison of
a summit series' editions, the public impact page, and the teams' consent to be listed on it.

Organizers of a competition's summit see every figure, counting verified rounds (or every round not
rejected), and results of every round. Everyone else sees the public page only: published rounds (verified,
not confidential), results of published rounds only, awards only once the final round is published, no
per-judge figures, and by name only the projects whose teams opted in. Asked for a dashboard, anyone else is
told it does not exist."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from time import monotonic
from typing import Any

from tortoise.transactions import in_transaction

from podium.competitions.financing import money
from podium.competitions.financing_models import SurveySchedule
from podium.competitions.models import Competition, Division, Project, Round, RoundStatus, TeamMember, Track
from podium.competitions.services import competitions
from podium.competitions.services.financing import Figures, raised_by_project
from podium.competitions.services.projects import get_project, is_member
from podium.judging.impact import queries
from podium.judging.impact.figures import (
    DEFAULT_THRESHOLD_MAJOR,
    JUDGES_SHOWN,
    Dashboard,
    Inputs,
    JudgePoints,
    JudgeRow,
    Selection,
    Window,
    compute,
)
from podium.judging.impact.models import ImpactOptIn
from podium.judging.models import Award, AwardTier
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow, zone
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.summits import services as summits
from podium.platform.summits.models import Summit
from podium.platform.users.models import User

SERIES_MAX = 50


# ---- what the figures count -------------------------------------------------------------------


def selection_from(
    params: Mapping[str, str], summit: Summit, *, public: bool
) -> tuple[Selection, dict[str, list[str]]]:
    """The figures asked for in a query string, with the errors of what could not be read (the defaults are
    used instead). The public page always counts published rounds only."""
    errors: dict[str, list[str]] = {}
    figures = Figures.VERIFIED
    if public:
        figures = Figures.PUBLISHED
    elif params.get("figures") == Figures.REPORTED:
        figures = Figures.REPORTED
    window = Window.AFTER if params.get("window") == Window.AFTER else Window.ALL
    currency = money.BASE_CURRENCY if params.get("currency") == money.BASE_CURRENCY else summit.currency
    threshold = DEFAULT_THRESHOLD_MAJOR * 10 ** money.minor_digits(currency)
    raw = str(params.get("threshold", "")).strip()
    if raw:
        try:
            threshold = money.parse_amount(raw, currency)
        except ValueError as exc:
            errors["threshold"] = [str(exc)]
        else:
            if threshold <= 0:
                threshold = DEFAULT_THRESHOLD_MAJOR * 10 ** money.minor_digits(currency)
                errors["threshold"] = [_("Enter an amount above zero, for example 50000000 or 5000万.")]
    return Selection(figures=figures, window=window, threshold=threshold, currency=currency), errors


# ---- loading ----------------------------------------------------------------------------------


@dataclass
class Frame:
    """The small tables around a competition's figures (names, rounds and their states, prizes, the final's
    date), loaded afresh for every page: a handful of rows each."""

    tracks: list[Track]
    divisions: list[Division]
    rounds: list[Round]
    visible: list[Round]  # the rounds whose results may be shown
    tiers: list[AwardTier]
    final_on: date | None
    awards_visible: bool

    def fingerprint(self) -> tuple[Any, ...]:
        return (
            tuple((t.id, t.name_en, t.name_zh, t.position) for t in self.tracks),
            tuple((d.id, d.name_en, d.name_zh, d.kind, d.position) for d in self.divisions),
            tuple((r.id, r.name_en, r.name_zh, r.position, str(r.status)) for r in self.rounds),
            tuple((t.id, t.name_en, t.name_zh, t.position, t.count) for t in self.tiers),
            self.final_on,
            self.awards_visible,
        )


async def load_frame(competition: Competition, summit: Summit, *, public: bool) -> Frame:
    rounds = list(await Round.filter(competition_id=competition.id).order_by("position"))
    schedule = await SurveySchedule.get_or_none(competition_id=competition.id)
    return Frame(
        tracks=list(await Track.filter(competition_id=competition.id).order_by("position", "id")),
        divisions=list(await Division.filter(competition_id=competition.id).order_by("kind", "position", "id")),
        rounds=rounds,
        visible=[r for r in rounds if not public or r.status == RoundStatus.PUBLISHED],
        tiers=list(await AwardTier.filter(competition_id=competition.id).order_by("position", "id")),
        final_on=_final_on(summit, schedule, rounds),
        # The public sees awards once the final round is published.
        awards_visible=not public or (bool(rounds) and rounds[-1].status == RoundStatus.PUBLISHED),
    )


def _final_on(summit: Summit, schedule: SurveySchedule | None, rounds: list[Round]) -> date | None:
    """The final's date as services.surveys.final_date decides it (the organizer's date, else the day the last
    round's judging closes in the summit's time zone), from the rounds already loaded."""
    if schedule is not None and schedule.final_on is not None:
        return schedule.final_on
    if not rounds or rounds[-1].judging_close_at is None:
        return None
    return rounds[-1].judging_close_at.astimezone(zone(summit.timezone)).date()


async def load_inputs(
    competition: Competition,
    summit: Summit,
    selection: Selection,
    frame: Frame,
    *,
    public: bool,
    cards: tuple[str, ...] = (),
) -> Inputs:
    """Everything one competition's figures need: a fixed number of queries, whatever the size of the field.
    public: only published rounds' results, awards once the final round is published. cards: the scorecards'
    digest, to include the judges' figures (organizers only)."""
    entries = await queries.round_entries([r.id for r in frame.visible])
    ranked_ids = {round_id for round_id, *_rest in entries}
    ranked_round = None if public else next((r for r in reversed(frame.visible) if r.id in ranked_ids), None)
    inputs = Inputs(
        tracks=frame.tracks,
        divisions=frame.divisions,
        rounds=frame.visible,
        tiers=frame.tiers,
        final_on=frame.final_on,
        applied=await queries.applied_counts(competition.id),
        entries=entries,
        ranked_round=ranked_round,
        ranks=await queries.ranks(ranked_round.id) if ranked_round is not None else [],
        awards=await queries.awarded(competition.id) if frame.awards_visible else [],
        raised=await queries.raised(
            competition.id,
            figures=selection.figures,
            currency=selection.currency,
            reporting=summit.currency,
            final_on=frame.final_on,
        ),
        incorporated=await queries.incorporated(competition.id),
        listed=await queries.listed(competition.id),
        awards_visible=frame.awards_visible,
    )
    if cards and not public:
        inputs.cards = await judge_points(competition.id, cards)
    return inputs


# Scorecard totals by competition, with the digest they were computed for: the one costly query of a dashboard
# (every score of every round), while its inputs change only when a judge submits. Kept per process, a few
# competitions at a time; every read checks the digest against the database, so no process serves stale totals.
_TOTALS: OrderedDict[int, tuple[tuple[Any, ...], JudgePoints]] = OrderedDict()
_TOTALS_KEPT = 8


async def judge_points(competition_id: int, digest: tuple[str, ...]) -> JudgePoints:
    kept = _TOTALS.get(competition_id)
    if kept is not None and kept[0] == digest:
        _TOTALS.move_to_end(competition_id)
        return kept[1]
    totals = JudgePoints.of(await queries.scorecard_totals(competition_id))
    _TOTALS[competition_id] = (digest, totals)
    _TOTALS.move_to_end(competition_id)
    while len(_TOTALS) > _TOTALS_KEPT:
        _TOTALS.popitem(last=False)
    return totals


@dataclass
class Report:
    """One competition's dashboard, with what the page shows around it."""

    competition: Competition
    summit: Summit
    dashboard: Dashboard
    tiers: list[AwardTier]
    tracks: list[Track]


async def organizer_dashboard(
    *, actor: Actor, competition_id: int, params: Mapping[str, str], every_judge: bool = True
) -> tuple[Report, dict[str, list[str]]]:
    """Every figure of a competition, for its organizers (anyone else gets NotFound), counted as the query
    string asks; with the errors of the parameters that could not be read. every_judge=False: the page's
    view, which names only the judges it shows."""
    competition = await competitions.get_managed_competition(actor=actor, competition_id=competition_id)
    selection, errors = selection_from(params, competition.summit, public=False)
    report = await _report(
        competition, competition.summit, selection, public=False, judges=True, every_judge=every_judge
    )
    return report, errors


# Computed figures by competition and what was asked, kept per process with the fingerprint of everything they
# were computed from: the frame's rows and a digest of the large tables (one statement, see
# queries.digests). A page whose fingerprint matches is served without computing again; any change that
# goes through Podium changes the fingerprint. FIGURES_TTL bounds how long a change made behind Podium's back
# (a hand-written UPDATE that touches no timestamp) could go unseen.
FIGURES_TTL = 300.0
FIGURES_KEPT = 32
_FIGURES: OrderedDict[tuple[Any, ...], tuple[float, tuple[Any, ...], Dashboard]] = OrderedDict()


def forget_figures() -> None:
    _FIGURES.clear()
    _TOTALS.clear()


async def _report(
    competition: Competition,
    summit: Summit,
    selection: Selection,
    *,
    public: bool,
    judges: bool,
    every_judge: bool = True,
) -> Report:
    frame = await load_frame(competition, summit, public=public)
    with_cards = judges and not public
    tables, cards = await queries.digests(competition.id, with_cards=with_cards)
    fingerprint = (frame.fingerprint(), tables, cards)
    key = (competition.id, summit.currency, public, with_cards, selection)
    kept = _FIGURES.get(key)
    if kept is not None and kept[1] == fingerprint and monotonic() - kept[0] < FIGURES_TTL:
        _FIGURES.move_to_end(key)
        dashboard = kept[2]
    else:
        inputs = await load_inputs(competition, summit, selection, frame, public=public, cards=cards)
        dashboard = compute(inputs, selection)
        _FIGURES[key] = (monotonic(), fingerprint, dashboard)
        _FIGURES.move_to_end(key)
        while len(_FIGURES) > FIGURES_KEPT:
            _FIGURES.popitem(last=False)
    if dashboard.judges:
        dashboard = replace(dashboard, judges=await _named(dashboard.judges, every=every_judge))
    return Report(competition=competition, summit=summit, dashboard=dashboard, tiers=frame.tiers, tracks=frame.tracks)


async def _named(judges: list[JudgeRow], *, every: bool) -> list[JudgeRow]:
    """The judges with their names as they are now (names are not part of the kept figures): every judge, or
    only the best and the worst predictors a page shows."""
    wanted: list[int] | range = range(len(judges))
    if not every and len(judges) > 2 * JUDGES_SHOWN:
        wanted = [*range(JUDGES_SHOWN), *range(len(judges) - JUDGES_SHOWN, len(judges))]
    ids = [judges[n].judge_id for n in wanted]
    found = await User.filter(id__in=ids).values_list("id", "name", "name_local", "email")
    names = {int(i): str(name or local or email) for i, name, local, email in found}
    named = list(judges)
    for n in wanted:
        named[n] = replace(judges[n], name=names.get(judges[n].judge_id, str(judges[n].judge_id)))
    return named


# ---- the public page --------------------------------------------------------------------------


@dataclass
class PublicImpact:
    summit: Summit
    reports: list[Report]


async def public_impact(*, slug: str, params: Mapping[str, str]) -> tuple[PublicImpact, dict[str, list[str]]]:
    """A summit's public figures, per competition: published data only (see the module's docstring)."""
    summit = await summits.get_summit(slug=slug)
    chosen, errors = selection_from(params, summit, public=True)
    found = await Competition.filter(summit_id=summit.id).order_by("id")
    reports = []
    for competition in found:
        competition.summit = summit
        reports.append(await _report(competition, summit, chosen, public=True, judges=False))
    return PublicImpact(summit=summit, reports=reports), errors


# ---- editions of a series ---------------------------------------------------------------------


@dataclass
class Editions:
    summit: Summit
    editions: list[Summit]
    reports: list[Report]
    selection: Selection


async def editions(*, actor: Actor, slug: str, params: Mapping[str, str]) -> tuple[Editions, dict[str, list[str]]]:
    """Every competition of every edition in the summit's series that the actor organizes, side by side.
    Editions reporting in different currencies are compared in US dollars."""
    summit = await summits.get_managed_summit(actor=actor, slug=slug)
    chosen = [summit]
    if summit.series:
        chosen = [
            s
            for s in await Summit.filter(series=summit.series).order_by("starts_on", "id")
            if can_manage_summit(actor, s.id)
        ]
    query = dict(params)
    if len({s.currency for s in chosen}) > 1:
        query["currency"] = money.BASE_CURRENCY
    selection, errors = selection_from(query, summit, public=False)
    by_summit = {s.id: s for s in chosen}
    reports = []
    for competition in await Competition.filter(summit_id__in=list(by_summit)).order_by("id"):
        edition = by_summit[competition.summit_id]
        competition.summit = edition
        local = selection
        if selection.currency != money.BASE_CURRENCY and edition.currency != selection.currency:
            local = Selection(selection.figures, selection.window, selection.threshold, money.BASE_CURRENCY)
        reports.append(await _report(competition, edition, local, public=False, judges=False))
    order = {s.id: n for n, s in enumerate(chosen)}
    reports.sort(key=lambda r: (order[r.summit.id], r.competition.id))
    return Editions(summit=summit, editions=chosen, reports=reports, selection=selection), errors


def clean_series(raw: str) -> str:
    """A series name: lower-case letters, digits and hyphens ("ges"); empty leaves the series."""
    text = raw.strip().lower()
    if len(text) > SERIES_MAX or any(not (c.isascii() and (c.isalnum() or c == "-")) for c in text):
        raise InvalidInput(
            {
                "series": [
                    _("Use at most %(max)d lower-case letters, digits and hyphens, for example ges.", max=SERIES_MAX)
                ]
            }
        )
    return text


async def set_series(*, actor: Actor, slug: str, raw: str) -> Summit:
    summit = await summits.get_managed_summit(actor=actor, slug=slug)
    series = clean_series(raw)
    if series != summit.series:
        async with in_transaction():
            await Summit.filter(id=summit.id).update(series=series, updated_at=utcnow())
            await audit.record(
                "summit.series_set",
                actor_id=actor.user_id,
                object_type="summit",
                object_id=summit.id,
                data={"series": series, "was": summit.series},
            )
        summit.series = series
    return summit


# ---- a team's consent -------------------------------------------------------------------------


@dataclass
class Listing:
    project: Project
    members: list[TeamMember]
    organizer: bool
    team: bool
    listed: bool
    changed_at: datetime | None
    # What the public page would show beside the name.
    award: AwardTier | None
    raised: int
    currency: str


async def get_listing(*, actor: Actor, project_id: int) -> Listing:
    """Whether the project is listed on its summit's public impact page, and what would be shown: for the
    team and the organizers only (anyone else gets NotFound)."""
    project, members, organizer = await get_project(actor=actor, project_id=project_id)
    opt_in = await ImpactOptIn.get_or_none(project_id=project.id)
    summit = project.competition.summit
    last = await Round.filter(competition_id=project.competition_id).order_by("-position").first()
    award = None
    if last is not None and last.status == RoundStatus.PUBLISHED:
        best = await Award.filter(project_id=project.id).select_related("tier").order_by("tier__position").first()
        award = best.tier if best is not None else None
    totals = await raised_by_project([project.id], summit.currency, figures=Figures.PUBLISHED)
    return Listing(
        project=project,
        members=members,
        organizer=organizer,
        team=is_member(actor, project, members),
        listed=bool(opt_in and opt_in.listed),
        changed_at=opt_in.changed_at if opt_in else None,
        award=award,
        raised=totals.get(project.id, 0),
        currency=summit.currency,
    )


async def set_listing(*, actor: Actor, listing: Listing, listed: bool) -> None:
    """The team lists its project on the public impact page, or takes it off (audited)."""
    ensure(listing.team, _("Only the project's team decides whether it is listed on the public impact page."))
    if listed == listing.listed:
        return
    async with in_transaction():
        await ImpactOptIn.update_or_create(
            defaults={"listed": listed, "changed_by_id": actor.user_id}, project_id=listing.project.id
        )
        await audit.record(
            "impact.listed" if listed else "impact.unlisted",
            actor_id=actor.user_id,
            object_type="project",
            object_id=listing.project.id,
        )
    listing.listed = listed
