"""A round's rubric: settings and weighted criteria. Frozen once scores exist, except by an audited reset."""

from __future__ import annotations

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from podium.competitions.models import Round
from podium.judging.forms import CriterionForm, RubricForm
from podium.judging.models import Assignment, AssignmentStatus, Criterion, Rubric, Score
from podium.judging.permissions import can_run_judging
from podium.judging.services import rankings
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.permissions import ensure


async def rubric_of(round_id: int) -> Rubric:
    """The round's rubric with its criteria (created empty on first use)."""
    rubric, _created = await Rubric.get_or_create(round_id=round_id)
    await rubric.fetch_related("criteria")
    return rubric


async def has_scores(round_id: int) -> bool:
    return await Score.filter(assignment__round_id=round_id).exists()


async def _ensure_editable(round_id: int) -> None:
    if await has_scores(round_id):
        raise Conflict(
            _("Judges have started scoring with this rubric. Reset the scores first if it really must change.")
        )


async def update_settings(*, actor: Actor, round: Round, form: RubricForm) -> Rubric:
    ensure(can_run_judging(actor, round.competition.summit_id))
    rubric = await rubric_of(round.id)
    await rubric.update_from_dict(form.model_dump()).save()
    await audit.record(
        "round.rubric_changed", actor_id=actor.user_id, object_type="round", object_id=round.id, data=form.model_dump()
    )
    return rubric


async def add_criterion(*, actor: Actor, round: Round, form: CriterionForm) -> Criterion:
    ensure(can_run_judging(actor, round.competition.summit_id))
    await _ensure_editable(round.id)
    rubric = await rubric_of(round.id)
    criterion = await Criterion.create(rubric_id=rubric.id, **form.model_dump())
    await audit.record(
        "round.criterion_added",
        actor_id=actor.user_id,
        object_type="round",
        object_id=round.id,
        data={"criterion": criterion.id, "name": criterion.name_en or criterion.name_zh},
    )
    return criterion


async def update_criterion(*, actor: Actor, round: Round, criterion_id: int, form: CriterionForm) -> Criterion:
    ensure(can_run_judging(actor, round.competition.summit_id))
    await _ensure_editable(round.id)
    criterion = await Criterion.get_or_none(id=criterion_id, rubric__round_id=round.id)
    if criterion is None:
        raise NotFound()
    await criterion.update_from_dict(form.model_dump()).save()
    await audit.record(
        "round.criterion_changed",
        actor_id=actor.user_id,
        object_type="round",
        object_id=round.id,
        data={"criterion": criterion.id},
    )
    return criterion


async def remove_criterion(*, actor: Actor, round: Round, criterion_id: int) -> None:
    ensure(can_run_judging(actor, round.competition.summit_id))
    await _ensure_editable(round.id)
    rubric = await rubric_of(round.id)
    if not await Criterion.filter(id=criterion_id, rubric_id=rubric.id).delete():
        raise NotFound()
    await audit.record(
        "round.criterion_removed",
        actor_id=actor.user_id,
        object_type="round",
        object_id=round.id,
        data={"criterion": criterion_id},
    )


async def reset_scores(*, actor: Actor, round: Round, note: str) -> int:
    """Delete every score of the round and reopen submitted scorecards, so the rubric can change. Audited."""
    ensure(can_run_judging(actor, round.competition.summit_id))
    async with in_transaction():
        deleted = await Score.filter(
            assignment_id__in=Subquery(Assignment.filter(round_id=round.id).values("id"))
        ).delete()
        await Assignment.filter(round_id=round.id, status=AssignmentStatus.SUBMITTED).update(
            status=AssignmentStatus.ASSIGNED, submitted_at=None
        )
        await audit.record(
            "round.scores_reset",
            actor_id=actor.user_id,
            object_type="round",
            object_id=round.id,
            data={"scores": deleted, "note": note},
        )
    await rankings.queue(round.id)
    return deleted
