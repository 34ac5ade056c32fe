"""Live pitch rounds: the organizer runs a running order of pitch slots; judges' phones follow the running
slot; a slot's scores lock a grace period after its questions end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from podium.competitions.models import Project, Round
from podium.judging.forms import ScheduleForm
from podium.judging.models import Assignment, AssignmentStatus, PitchSlot, Rubric, Score
from podium.judging.permissions import can_run_judging
from podium.judging.services import assignments
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.permissions import ensure


@dataclass(frozen=True)
class SlotTimes:
    pitch_ends_at: datetime
    qa_ends_at: datetime
    locks_at: datetime


def times(slot: PitchSlot, grace_minutes: int) -> SlotTimes | None:
    if slot.started_at is None:
        return None
    pitch_ends = slot.started_at + timedelta(seconds=slot.pitch_seconds)
    qa_ends = pitch_ends + timedelta(seconds=slot.qa_seconds)
    return SlotTimes(pitch_ends_at=pitch_ends, qa_ends_at=qa_ends, locks_at=qa_ends + timedelta(minutes=grace_minutes))


def scoring_problem(rubric: Rubric, slot: PitchSlot | None, now: datetime) -> str | None:
    """Why a live round's scorecard cannot change now, or None when it can."""
    if not rubric.live:
        return None
    if slot is None or slot.started_at is None:
        return _("This team has not pitched yet; score it when its slot starts.")
    window = times(slot, rubric.grace_minutes)
    assert window is not None
    if now >= window.locks_at:
        return _("This pitch slot has ended and its scores are locked.")
    return None


async def slot_of(round_id: int, project_id: int) -> PitchSlot | None:
    return await PitchSlot.get_or_none(round_id=round_id, project_id=project_id)


async def schedule(*, actor: Actor, round: Round, form: ScheduleForm) -> int:
    """Build the running order from the round's field (by track, then title); slots already run are kept."""
    ensure(can_run_judging(actor, round.competition.summit_id))
    field = sorted(await assignments.field_of(round), key=lambda p: (p.track_id or 0, p.title, p.id))
    async with in_transaction():
        existing = {s.project_id: s for s in await PitchSlot.filter(round_id=round.id)}
        position = max((s.position for s in existing.values()), default=0)
        created = 0
        for project in field:
            if project.id in existing:
                continue
            position += 1
            await PitchSlot.create(
                round_id=round.id,
                project_id=project.id,
                position=position,
                pitch_seconds=form.pitch_minutes * 60,
                qa_seconds=form.qa_minutes * 60,
            )
            created += 1
    await audit.record(
        "round.schedule_built", actor_id=actor.user_id, object_type="round", object_id=round.id, data={"slots": created}
    )
    return created


async def start(*, actor: Actor, round: Round, slot_id: int) -> PitchSlot:
    """Put a slot on stage now (the organizer's "start" button); a slot already run cannot start again."""
    ensure(can_run_judging(actor, round.competition.summit_id))
    slot = await PitchSlot.get_or_none(id=slot_id, round_id=round.id)
    if slot is None:
        raise NotFound()
    if slot.started_at is not None:
        raise Conflict(_("This slot has already run."))
    slot.started_at = utcnow()
    await slot.save(update_fields=["started_at"])
    await audit.record(
        "round.slot_started",
        actor_id=actor.user_id,
        object_type="round",
        object_id=round.id,
        data={"slot": slot.id, "project": slot.project_id},
    )
    return slot


async def running(round_id: int) -> PitchSlot | None:
    """The slot on stage: the last one started."""
    return await PitchSlot.filter(round_id=round_id, started_at__not_isnull=True).order_by("-started_at", "-id").first()


@dataclass(frozen=True)
class StageRow:
    slot: PitchSlot
    title: str
    times: SlotTimes | None
    scored: list[str]
    waiting: list[str]


async def stage(round: Round) -> list[StageRow]:
    """The running order with, per slot, which judges have scored and which not (four queries)."""
    rubric = await Rubric.get_or_none(round_id=round.id)
    grace = rubric.grace_minutes if rubric else 5
    slots = await PitchSlot.filter(round_id=round.id)
    titles = {p.id: p.title for p in await Project.filter(id__in=[s.project_id for s in slots])}
    cards = await Assignment.filter(
        round_id=round.id, status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED]
    ).select_related("judge")
    has_scores: set[int] = {
        row["assignment_id"]
        for row in await Score.filter(assignment_id__in=[a.id for a in cards]).distinct().values("assignment_id")
    }
    rows = []
    for slot in slots:
        own = [a for a in cards if a.project_id == slot.project_id]
        done = [a.judge.display_name for a in own if a.status == AssignmentStatus.SUBMITTED or a.id in has_scores]
        rows.append(
            StageRow(
                slot=slot,
                title=titles.get(slot.project_id, ""),
                times=times(slot, grace),
                scored=sorted(done),
                waiting=sorted(a.judge.display_name for a in own if a.judge.display_name not in done),
            )
        )
    return rows
