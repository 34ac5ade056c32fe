"""Who judges what in a round: automatic assignment (a min-cost flow over the judge pool, previewed then
committed), manual additions and removals, and the e-mails that tell judges."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio.to_thread
from tortoise.exceptions import IntegrityError

from podium.competitions.models import Eligibility, Project, ProjectStatus, Round, RoundStatus
from podium.judging import solver
from podium.judging.models import Assignment, AssignmentStatus, JudgeProfile, Rubric
from podium.judging.permissions import can_run_judging
from podium.judging.services import conflicts, rankings, rubrics
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.notifications.services import notify
from podium.platform.pagination import Page
from podium.platform.permissions import ensure
from podium.platform.users.models import User
from podium.settings import Settings

ACTIVE = (AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED)
_WORD = re.compile(r"[a-z][a-z0-9+-]{2,}")


async def get_managed_round(*, actor: Actor, round_id: int) -> Round:
    found = await Round.get_or_none(id=round_id).select_related("competition__summit")
    if found is None or not can_run_judging(actor, found.competition.summit_id):
        raise NotFound()
    return found


async def field_of(round: Round) -> list[Project]:
    """The projects a round judges: in the first round, every submitted project not found ineligible; in a
    later round, those that advanced from the round before."""
    advanced = await rankings.advanced_from(round)
    query = Project.filter(competition_id=round.competition_id, status=ProjectStatus.SUBMITTED).exclude(
        eligibility=Eligibility.INELIGIBLE
    )
    if advanced is not None:
        query = query.filter(id__in=sorted(advanced))
    return await query


def _languages(project: Project) -> frozenset[str]:
    text = project.title + project.summary
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    has_latin = any("a" <= ch.lower() <= "z" for ch in text)
    return frozenset({"zh"} if has_cjk and not has_latin else {"en"} if not has_cjk else {"en", "zh"})


@dataclass(frozen=True)
class Preview:
    plan: solver.Plan
    judges: dict[int, str]
    projects: int
    kept: int

    @property
    def new_pairs(self) -> int:
        return len(self.plan.pairs)


async def plan(*, actor: Actor, round: Round, by_track: bool = False) -> Preview:
    """Compute (without saving) the assignments that would fill every project's gap up to k judges."""
    ensure(can_run_judging(actor, round.competition.summit_id))
    return await _plan(round=round, by_track=by_track)


async def _plan(*, round: Round, by_track: bool) -> Preview:
    rubric = await rubrics.rubric_of(round.id)
    projects = await field_of(round)
    judges = await conflicts.judges_of(round.competition.summit_id)
    assignments = await Assignment.filter(round_id=round.id)
    existing = [(a.project_id, a.judge_id) for a in assignments if a.status in ACTIVE]
    forbidden = {(a.project_id, a.judge_id) for a in assignments if a.status not in ACTIVE}
    forbidden |= await conflicts.blocked_pairs([p.id for p in projects])
    project_slots = [
        solver.ProjectSlot(
            id=p.id,
            track_id=p.track_id,
            tags=frozenset(_WORD.findall((p.title + " " + p.summary).lower())),
            languages=_languages(p),
        )
        for p in projects
    ]
    judge_slots = [
        solver.JudgeSlot(
            id=j.user.id,
            capacity=j.profile.max_projects if j.profile else 50,
            track_ids=frozenset(j.profile.track_ids if j.profile else ()),
            tags=frozenset(j.profile.tags if j.profile else ()),
            languages=frozenset(j.profile.languages if j.profile else ()),
        )
        for j in judges
    ]
    result = await anyio.to_thread.run_sync(
        lambda: solver.plan_assignments(
            project_slots,
            judge_slots,
            per_project=rubric.judges_per_project,
            existing=existing,
            forbidden=forbidden,
            by_track=by_track,
            seed=round.id,
        )
    )
    return Preview(
        plan=result,
        judges={j.user.id: j.user.display_name for j in judges},
        projects=len(projects),
        kept=len(existing),
    )


async def commit(*, actor: Actor, round: Round, by_track: bool, settings: Settings) -> int:
    """Plan again and save the new assignments (the plan is cheap, and a fresh one cannot be stale)."""
    ensure(can_run_judging(actor, round.competition.summit_id))
    if round.status not in {RoundStatus.OPEN, RoundStatus.JUDGING, RoundStatus.DRAFT}:
        raise Conflict(_("This round is closed; its assignments can no longer change."))
    return await fill(round=round, by_track=by_track, settings=settings, actor_id=actor.user_id)


async def fill(*, round: Round, by_track: bool, settings: Settings, actor_id: int | None) -> int:
    preview = await _plan(round=round, by_track=by_track)
    rows = [
        Assignment(round_id=round.id, project_id=p, judge_id=j, due_at=round.judging_close_at)
        for p, j in preview.plan.pairs
    ]
    if rows:
        await Assignment.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    await audit.record(
        "round.assigned",
        actor_id=actor_id,
        object_type="round",
        object_id=round.id,
        data={"new": len(rows), "by_track": by_track, "shortfall": sum(preview.plan.shortfall.values())},
    )
    await tell_judges(round=round, judge_ids=Counter(j for _p, j in preview.plan.pairs), settings=settings)
    return len(rows)


async def tell_judges(*, round: Round, judge_ids: Counter[int], settings: Settings) -> None:
    stamp = utcnow().strftime("%Y%m%d%H%M%S")
    for user in await User.filter(id__in=list(judge_ids)):
        await notify(
            key=f"assigned:{round.id}:{user.id}:{stamp}",
            recipient=user.email,
            kind="judge_assigned",
            locale=user.locale or "en",
            context={
                "count": judge_ids[user.id],
                "round_en": round.name_en,
                "round_zh": round.name_zh,
                "deadline": round.judging_close_at.isoformat() if round.judging_close_at else "",
                "timezone": user.timezone,
                "url": f"{settings.base_url}/judging",
            },
        )


async def add(*, actor: Actor, round: Round, project_id: int, judge_id: int, settings: Settings) -> Assignment:
    ensure(can_run_judging(actor, round.competition.summit_id))
    if not await Project.exists(id=project_id, competition_id=round.competition_id):
        raise InvalidInput({"project": [_("Choose a project of this competition.")]})
    judges = {j.user.id for j in await conflicts.judges_of(round.competition.summit_id)}
    if judge_id not in judges:
        raise InvalidInput({"judge": [_("Choose one of the summit's judges.")]})
    if await conflicts.is_blocked(judge_id, project_id):
        raise InvalidInput({"judge": [_("This judge has a conflict of interest with the project.")]})
    existing = await Assignment.get_or_none(round_id=round.id, project_id=project_id, judge_id=judge_id)
    if existing is not None and existing.status in ACTIVE:
        raise InvalidInput({"judge": [_("This judge already has the project.")]})
    if existing is not None:
        existing.status = AssignmentStatus.ASSIGNED
        await existing.save(update_fields=["status", "updated_at"])
        assignment = existing
    else:
        try:
            assignment = await Assignment.create(
                round_id=round.id, project_id=project_id, judge_id=judge_id, due_at=round.judging_close_at
            )
        except IntegrityError:
            raise InvalidInput({"judge": [_("This judge already has the project.")]}) from None
    await audit.record(
        "round.assignment_added",
        actor_id=actor.user_id,
        object_type="round",
        object_id=round.id,
        data={"project": project_id, "judge": judge_id},
    )
    await tell_judges(round=round, judge_ids=Counter({judge_id: 1}), settings=settings)
    return assignment


async def remove(*, actor: Actor, round: Round, assignment_id: int) -> None:
    ensure(can_run_judging(actor, round.competition.summit_id))
    if not await Assignment.filter(id=assignment_id, round_id=round.id).update(status=AssignmentStatus.REMOVED):
        raise NotFound()
    await rankings.queue(round.id)
    await audit.record(
        "round.assignment_removed",
        actor_id=actor.user_id,
        object_type="round",
        object_id=round.id,
        data={"assignment": assignment_id},
    )


async def add_one_more(*, actor: Actor, round: Round, project_ids: list[int], settings: Settings) -> int:
    """One more judge for each of these projects (the ones too close to call at the cut line)."""
    ensure(can_run_judging(actor, round.competition.summit_id))
    if not project_ids:
        return 0
    judges = await conflicts.judges_of(round.competition.summit_id)
    cards = await Assignment.filter(round_id=round.id)
    existing = [(a.project_id, a.judge_id) for a in cards if a.status in ACTIVE]
    forbidden = {(a.project_id, a.judge_id) for a in cards if a.status not in ACTIVE}
    forbidden |= await conflicts.blocked_pairs(project_ids)
    projects = {p.id: p for p in await Project.filter(id__in=project_ids, competition_id=round.competition_id)}
    pairs: list[tuple[int, int]] = []
    loads = Counter(j for _p, j in existing)
    for project_id, project in projects.items():
        have = sum(1 for p, _j in existing if p == project_id)
        plan = solver.plan_assignments(
            [solver.ProjectSlot(id=project_id, track_id=project.track_id)],
            [
                solver.JudgeSlot(
                    id=j.user.id,
                    # What the judge may still take, given the scorecards they hold on other projects.
                    capacity=max(0, (j.profile.max_projects if j.profile else 50) - loads[j.user.id])
                    + sum(1 for p, jj in existing if p == project_id and jj == j.user.id),
                    track_ids=frozenset(j.profile.track_ids if j.profile else ()),
                )
                for j in judges
            ],
            per_project=have + 1,
            existing=[(p, j) for p, j in existing if p == project_id],
            forbidden=forbidden,
            seed=round.id,
        )
        pairs += plan.pairs
        loads.update(j for _p, j in plan.pairs)
    if pairs:
        await Assignment.bulk_create(
            [Assignment(round_id=round.id, project_id=p, judge_id=j, due_at=round.judging_close_at) for p, j in pairs],
            ignore_conflicts=True,
        )
    await audit.record(
        "round.judges_added",
        actor_id=actor.user_id,
        object_type="round",
        object_id=round.id,
        data={"projects": project_ids, "new": len(pairs)},
    )
    await tell_judges(round=round, judge_ids=Counter(j for _p, j in pairs), settings=settings)
    return len(pairs)


async def swap(*, actor: Actor, round: Round, assignment_id: int, judge_id: int, settings: Settings) -> Assignment:
    """Give one judge's scorecard (not yet submitted) to another judge: for a declined or overdue card."""
    ensure(can_run_judging(actor, round.competition.summit_id))
    card = await Assignment.get_or_none(id=assignment_id, round_id=round.id)
    if card is None:
        raise NotFound()
    if card.status == AssignmentStatus.SUBMITTED:
        raise InvalidInput({"judge": [_("This scorecard is submitted; it stays with its judge.")]})
    replacement = await add(actor=actor, round=round, project_id=card.project_id, judge_id=judge_id, settings=settings)
    if card.status == AssignmentStatus.ASSIGNED:
        await Assignment.filter(id=card.id).update(status=AssignmentStatus.REMOVED)
    await audit.record(
        "round.assignment_swapped",
        actor_id=actor.user_id,
        object_type="round",
        object_id=round.id,
        data={"from": card.judge_id, "to": judge_id, "project": card.project_id},
    )
    return replacement


async def matrix(*, round: Round, page: int) -> Page[Assignment]:
    """One page of the round's scorecards, by project: a count and a joined select."""
    query = Assignment.filter(round_id=round.id)
    total = await query.count()
    number = min(max(1, page), max(1, -(-total // MATRIX_PAGE)))
    items = (
        await query.select_related("project", "judge")
        .order_by("project_id", "judge_id")
        .offset((number - 1) * MATRIX_PAGE)
        .limit(MATRIX_PAGE)
    )
    return Page(items=list(items), number=number, size=MATRIX_PAGE, total=total)


MATRIX_PAGE = 100


@dataclass(frozen=True)
class JudgeProgress:
    judge_id: int
    name: str
    assigned: int
    submitted: int
    overdue: bool


async def progress(*, round: Round, now: datetime | None = None) -> list[JudgeProgress]:
    """Per judge: active assignments and submitted scorecards (one grouped query)."""
    moment = now or utcnow()
    judges = {j.user.id: j.user.display_name for j in await conflicts.judges_of(round.competition.summit_id)}
    counts: dict[int, list[int]] = {}
    for a in await Assignment.filter(round_id=round.id, status__in=ACTIVE).values("judge_id", "status"):
        entry = counts.setdefault(a["judge_id"], [0, 0])
        entry[0] += 1
        entry[1] += a["status"] == AssignmentStatus.SUBMITTED
    late = round.judging_close_at is not None and round.judging_close_at < moment
    return sorted(
        (
            JudgeProgress(
                judge_id=judge_id,
                name=judges.get(judge_id, str(judge_id)),
                assigned=assigned,
                submitted=submitted,
                overdue=late and submitted < assigned,
            )
            for judge_id, (assigned, submitted) in counts.items()
        ),
        key=lambda p: (p.submitted / p.assigned if p.assigned else 1, p.name),
    )


async def profile_of(*, summit_id: int, user_id: int) -> JudgeProfile:
    profile, _created = await JudgeProfile.get_or_create(summit_id=summit_id, user_id=user_id)
    return profile


REMIND_BEFORE = timedelta(days=3)


async def _remind(round: Round, judge: User, open_cards: int, key: str, settings: Settings) -> None:
    await notify(
        key=key,
        recipient=judge.email,
        kind="judge_reminder",
        locale=judge.locale or "en",
        context={
            "count": open_cards,
            "round_en": round.name_en,
            "round_zh": round.name_zh,
            "deadline": round.judging_close_at.isoformat() if round.judging_close_at else "",
            "timezone": judge.timezone,
            "url": f"{settings.base_url}/judging",
        },
    )


async def _open_cards(round_id: int) -> Counter[int]:
    rows = await Assignment.filter(round_id=round_id, status=AssignmentStatus.ASSIGNED).values("judge_id")
    return Counter(int(row["judge_id"]) for row in rows)


async def remind_judges(*, settings: Settings, now: datetime | None = None) -> int:
    """Remind judges with unscored projects when judging closes within three days: at most once a day."""
    moment = now or utcnow()
    closing = await Round.filter(
        status=RoundStatus.JUDGING, judging_close_at__gt=moment, judging_close_at__lte=moment + REMIND_BEFORE
    )
    sent = 0
    for found in closing:
        waiting = await _open_cards(found.id)
        for judge in await User.filter(id__in=list(waiting)):
            await _remind(
                found, judge, waiting[judge.id], f"judge-reminder:{found.id}:{judge.id}:{moment:%Y%m%d}", settings
            )
            sent += 1
    return sent


async def nudge(*, actor: Actor, round: Round, judge_id: int, settings: Settings) -> bool:
    """An organizer reminds one late judge now (at most once an hour)."""
    ensure(can_run_judging(actor, round.competition.summit_id))
    waiting = await _open_cards(round.id)
    judge = await User.get_or_none(id=judge_id)
    if judge is None or not waiting[judge_id]:
        raise NotFound()
    await _remind(round, judge, waiting[judge_id], f"judge-nudge:{round.id}:{judge_id}:{utcnow():%Y%m%d%H}", settings)
    await audit.record(
        "round.judge_nudged", actor_id=actor.user_id, object_type="round", object_id=round.id, data={"judge": judge_id}
    )
    return True


async def refill_declined(*, settings: Settings, now: datetime | None = None) -> int:
    """Give declined scorecards to other judges once the round's delay has passed (rounds that ask for it)."""
    moment = now or utcnow()
    created = 0
    for rubric in await Rubric.filter(reassign_after_hours__gt=0).select_related("round__competition__summit"):
        found = rubric.round
        if found.status != RoundStatus.JUDGING:
            continue
        due = moment - timedelta(hours=rubric.reassign_after_hours)
        if not await Assignment.exists(round_id=found.id, status=AssignmentStatus.DECLINED, updated_at__lte=due):
            continue
        created += await fill(round=found, by_track=False, settings=settings, actor_id=None)
    return created
