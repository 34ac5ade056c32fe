"""Judges score their assigned projects: an autosaved scorecard per project and round, locked by submitting.
Every change is kept (who, when, old and new value)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from tortoise.transactions import in_transaction

from podium.competitions.models import Project, Round, RoundStatus
from podium.judging.models import (
    Assignment,
    AssignmentStatus,
    ConflictStatus,
    Criterion,
    PitchSlot,
    Rubric,
    Score,
    ScoreChange,
)
from podium.judging.models import Conflict as ConflictOfInterest
from podium.judging.permissions import can_run_judging
from podium.judging.services import conflicts, live, rankings, rubrics
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.permissions import ensure
from podium.platform.summits.models import Role

OPEN_CARD = (AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED)


@dataclass
class Scorecard:
    assignment: Assignment
    round: Round
    project: Project
    rubric: Rubric
    criteria: list[Criterion]
    scores: dict[int, Decimal]
    slot: PitchSlot | None = None


async def get_scorecard(*, actor: Actor, assignment_id: int) -> Scorecard:
    """The judge's own scorecard. Anyone else, a removed assignment or a conflicted project: not found."""
    user = actor.require_user()
    assignment = await Assignment.get_or_none(id=assignment_id).select_related("round__competition", "project")
    if (
        assignment is None
        or assignment.judge_id != user.id
        or assignment.status not in OPEN_CARD
        or not actor.has_role(assignment.round.competition.summit_id, Role.JUDGE)
        or await conflicts.is_blocked(user.id, assignment.project_id)
    ):
        raise NotFound()
    rubric = await rubrics.rubric_of(assignment.round_id)
    scores = {s.criterion_id: s.value for s in await Score.filter(assignment_id=assignment.id)}
    return Scorecard(
        assignment=assignment,
        round=assignment.round,
        project=assignment.project,
        rubric=rubric,
        criteria=list(rubric.criteria),
        scores=scores,
        slot=await live.slot_of(assignment.round_id, assignment.project_id) if rubric.live else None,
    )


def judging_open(round: Round, now: datetime) -> bool:
    """Scores change while the round is judging, inside its judging window if one is set. A round still open
    for submissions takes scores too once its judging window has started (rolling review)."""
    if round.status == RoundStatus.OPEN:
        if round.judging_open_at is None or now < round.judging_open_at:
            return False
    elif round.status != RoundStatus.JUDGING:
        return False
    if round.judging_open_at and now < round.judging_open_at:
        return False
    return not (round.judging_close_at and now >= round.judging_close_at)


def why_locked(card: Scorecard, now: datetime) -> str | None:
    """Why the scorecard cannot change now (the round's window, or a live round's pitch slot), or None."""
    if not judging_open(card.round, now):
        return _("Judging for this round is not open, so scores cannot change.")
    return live.scoring_problem(card.rubric, card.slot, now)


def _parse(criterion: Criterion, raw: object) -> Decimal | None:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    low, high, step = criterion.scale_min, criterion.scale_max, criterion.scale_step
    if not value.is_finite() or not low <= value <= high or (value - low) % step:
        raise ValueError(
            _(
                "Give a score from %(low)s to %(high)s in steps of %(step)s.",
                low=_plain(low),
                high=_plain(high),
                step=_plain(step),
            )
        )
    return value


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def field_name(criterion: Criterion) -> str:
    return f"c_{criterion.id}"


async def save(
    *, actor: Actor, card: Scorecard, values: Mapping[str, object], comment: str | None, now: datetime | None = None
) -> int:
    """Save the values sent (an autosave sends what changed; an empty value clears a score). Returns the
    scorecard's new version. A submitted scorecard refuses changes, even from a tab opened before the submit."""
    user = actor.require_user()
    problem = why_locked(card, now or utcnow())
    if problem:
        raise Conflict(problem)
    parsed: dict[int, Decimal | None] = {}
    errors: dict[str, list[str]] = {}
    for criterion in card.criteria:
        name = field_name(criterion)
        if name in values:
            try:
                parsed[criterion.id] = _parse(criterion, values[name])
            except ValueError as exc:
                errors[name] = [str(exc)]
    if comment is not None and len(comment) > 20000:
        errors["comment"] = [_("Use at most %(max)d characters.", max=20000)]
    if errors:
        raise InvalidInput(errors)
    async with in_transaction():
        # The row lock orders this save against a submit of the same scorecard.
        assignment = await Assignment.select_for_update().get(id=card.assignment.id)
        if assignment.status != AssignmentStatus.ASSIGNED:
            raise Conflict(_("This scorecard is submitted. Ask an organizer to unlock it to change it."))
        current = {s.criterion_id: s for s in await Score.filter(assignment_id=assignment.id)}
        changes: list[ScoreChange] = []
        for criterion_id, value in parsed.items():
            existing = current.get(criterion_id)
            old = existing.value if existing else None
            if old == value:
                continue
            if value is None and existing is not None:
                await existing.delete()
            elif existing is not None and value is not None:
                existing.value = value
                await existing.save(update_fields=["value"])
            elif value is not None:
                await Score.create(assignment_id=assignment.id, criterion_id=criterion_id, value=value)
            changes.append(
                ScoreChange(
                    assignment_id=assignment.id,
                    criterion_id=criterion_id,
                    what="score",
                    old=None if old is None else _plain(old),
                    new=None if value is None else _plain(value),
                    changed_by_id=user.id,
                )
            )
        fields = ["version", "updated_at"]
        if comment is not None and comment != assignment.comment:
            changes.append(
                ScoreChange(
                    assignment_id=assignment.id,
                    what="comment",
                    old=assignment.comment,
                    new=comment,
                    changed_by_id=user.id,
                )
            )
            assignment.comment = comment
            fields.append("comment")
        if changes:
            await ScoreChange.bulk_create(changes)
            assignment.version += 1
            await assignment.save(update_fields=fields)
    card.assignment = assignment
    return assignment.version


def missing(card: Scorecard, scores: Mapping[int, Decimal], comment: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for criterion in card.criteria:
        if criterion.id not in scores:
            problems[field_name(criterion)] = [_("Give this criterion a score before submitting.")]
    rubric = card.rubric
    if rubric.comment_required and not comment.strip():
        problems["comment"] = [_("Write a comment before submitting.")]
    elif rubric.comment_min_length and comment.strip() and len(comment.strip()) < rubric.comment_min_length:
        problems["comment"] = [
            _(
                "Write at least %(min)d characters (now %(now)d).",
                min=rubric.comment_min_length,
                now=len(comment.strip()),
            )
        ]
    return problems


async def submit(*, actor: Actor, card: Scorecard, now: datetime | None = None) -> Assignment:
    user = actor.require_user()
    problem = why_locked(card, now or utcnow())
    if problem:
        raise Conflict(problem)
    if not card.criteria:
        raise Conflict(_("This round has no criteria yet. The organizers will tell you when scoring starts."))
    async with in_transaction():
        assignment = await Assignment.select_for_update().get(id=card.assignment.id)
        if assignment.status == AssignmentStatus.SUBMITTED:
            card.assignment = assignment
            return assignment
        if assignment.status != AssignmentStatus.ASSIGNED:
            raise NotFound()
        scores = {s.criterion_id: s.value for s in await Score.filter(assignment_id=assignment.id)}
        problems = missing(card, scores, assignment.comment)
        if problems:
            raise InvalidInput(problems)
        assignment.status, assignment.submitted_at = AssignmentStatus.SUBMITTED, utcnow()
        assignment.version += 1
        await assignment.save(update_fields=["status", "submitted_at", "version", "updated_at"])
        await ScoreChange.create(
            assignment_id=assignment.id, what="submitted", old=None, new="submitted", changed_by_id=user.id
        )
    card.assignment, card.scores = assignment, scores
    await rankings.queue(card.round.id)
    return assignment


async def decline(*, actor: Actor, card: Scorecard, reason: str) -> None:
    user = actor.require_user()
    if card.assignment.status != AssignmentStatus.ASSIGNED:
        raise Conflict(_("This scorecard is submitted. Ask an organizer to unlock it to change it."))
    await Assignment.filter(id=card.assignment.id, status=AssignmentStatus.ASSIGNED).update(
        status=AssignmentStatus.DECLINED
    )
    await audit.record(
        "judging.assignment_declined",
        actor_id=user.id,
        object_type="round",
        object_id=card.round.id,
        data={"project": card.project.id, "reason": reason},
    )


async def unlock(*, actor: Actor, assignment_id: int) -> Assignment:
    """An organizer reopens a submitted scorecard so its judge can change it."""
    assignment = await Assignment.get_or_none(id=assignment_id).select_related("round__competition")
    if assignment is None or not can_run_judging(actor, assignment.round.competition.summit_id):
        raise NotFound()
    ensure(assignment.status == AssignmentStatus.SUBMITTED, _("Only a submitted scorecard can be unlocked."))
    assignment.status, assignment.submitted_at = AssignmentStatus.ASSIGNED, None
    assignment.version += 1
    await assignment.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    await ScoreChange.create(
        assignment_id=assignment.id, what="unlocked", old="submitted", new=None, changed_by_id=actor.user_id
    )
    await rankings.queue(assignment.round_id)
    return assignment


@dataclass(frozen=True)
class QueueItem:
    assignment: Assignment
    title: str
    round_name: str


async def queue(*, actor: Actor, status: str = "") -> list[Assignment]:
    """The judge's assignments in rounds past their draft, newest round first (one joined query)."""
    user = actor.require_user()
    query = Assignment.filter(judge_id=user.id, status__in=OPEN_CARD).exclude(round__status=RoundStatus.DRAFT)
    if status in {s.value for s in OPEN_CARD}:
        query = query.filter(status=status)
    blocked: set[int] = {
        c.project_id for c in await ConflictOfInterest.filter(judge_id=user.id, status=ConflictStatus.CONFIRMED)
    }
    items = await query.select_related("round__competition__summit", "project").order_by("-round_id", "status", "id")
    return [
        a for a in items if a.project_id not in blocked and actor.has_role(a.round.competition.summit_id, Role.JUDGE)
    ]
