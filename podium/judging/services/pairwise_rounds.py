"""Pairwise rounds: each judge compares two of their assigned projects at a time; Crowd BT turns the votes
into a ranking and weighs each judge by how reliably they agree with the consensus."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from podium.competitions.models import Project, Round
from podium.judging import pairwise
from podium.judging.models import Assignment, AssignmentStatus, Comparison, PairCursor
from podium.judging.services import rankings, rubrics, scoring
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.summits.models import Role

ACTIVE = (AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED)


@dataclass(frozen=True)
class Pair:
    round: Round
    seen: Project | None
    upcoming: Project | None
    votes: int
    remaining: int


async def _round_for_judge(actor: Actor, round_id: int) -> Round:
    user = actor.require_user()
    found = await Round.get_or_none(id=round_id).select_related("competition")
    if (
        found is None
        or not actor.has_role(found.competition.summit_id, Role.JUDGE)
        or not await Assignment.exists(round_id=found.id, judge_id=user.id, status__in=ACTIVE)
    ):
        raise NotFound()
    rubric = await rubrics.rubric_of(found.id)
    if not rubric.pairwise:
        raise NotFound()
    return found


async def _state(round_id: int) -> tuple[dict[int, pairwise.Item], dict[int, pairwise.Judge]]:
    ranked = pairwise.rank_comparisons(
        (c.judge_id, c.winner_id, c.loser_id) for c in await Comparison.filter(round_id=round_id).order_by("id")
    )
    return dict(ranked.items), dict(ranked.judges)  # type: ignore[arg-type]


async def _candidates(round_id: int, judge_id: int) -> list[int]:
    """The judge's projects not yet seen in this round (a project leaves once the judge has compared it)."""
    mine = [
        a.project_id
        for a in await Assignment.filter(round_id=round_id, judge_id=judge_id, status__in=ACTIVE).order_by("id")
    ]
    seen = set()
    for c in await Comparison.filter(round_id=round_id, judge_id=judge_id):
        seen |= {c.winner_id, c.loser_id}
    return [p for p in mine if p not in seen]


async def _choose(round_id: int, judge_id: int, seen_id: int | None, exclude: set[int]) -> int | None:
    items, judges = await _state(round_id)
    candidates = {p: items.get(p, pairwise.Item()) for p in await _candidates(round_id, judge_id) if p not in exclude}
    rng = random.Random(f"{round_id}:{judge_id}:{len(items)}:{seen_id}")
    current = items.get(seen_id, pairwise.Item()) if seen_id is not None else None
    return pairwise.choose_next(judges.get(judge_id, pairwise.Judge()), current, candidates, rng)


async def current_pair(*, actor: Actor, round_id: int) -> Pair:
    """The two projects the judge compares now (choosing them on the first visit)."""
    found = await _round_for_judge(actor, round_id)
    user = actor.require_user()
    cursor, _created = await PairCursor.get_or_create(round_id=found.id, judge_id=user.id)
    if cursor.seen_id is None:
        cursor.seen_id = await _choose(found.id, user.id, None, set())
    if cursor.upcoming_id is None and cursor.seen_id is not None:
        cursor.upcoming_id = await _choose(found.id, user.id, cursor.seen_id, {cursor.seen_id})
    await cursor.save()
    projects = {p.id: p for p in await Project.filter(id__in=[i for i in (cursor.seen_id, cursor.upcoming_id) if i])}
    remaining = len(await _candidates(found.id, user.id))
    return Pair(
        round=found,
        seen=projects.get(cursor.seen_id or 0),
        upcoming=projects.get(cursor.upcoming_id or 0),
        votes=cursor.votes,
        remaining=remaining,
    )


async def vote(*, actor: Actor, round_id: int, winner_id: int, loser_id: int) -> Comparison:
    """Record which of the two shown projects is better, then move on: the later project becomes the one seen,
    and the next one is chosen for the most information. A stale page (another pair shown since) is refused."""
    found = await _round_for_judge(actor, round_id)
    user = actor.require_user()
    if not scoring.judging_open(found, utcnow()):
        raise Conflict(_("Judging for this round is not open, so scores cannot change."))
    async with in_transaction():
        cursor = await PairCursor.select_for_update().get_or_none(round_id=found.id, judge_id=user.id)
        if cursor is None or {winner_id, loser_id} != {cursor.seen_id, cursor.upcoming_id} or winner_id == loser_id:
            raise InvalidInput(
                {"winner": [_("These two projects are no longer the pair to compare. Reload the page.")]}
            )
        comparison = await Comparison.create(
            round_id=found.id, judge_id=user.id, winner_id=winner_id, loser_id=loser_id
        )
        cursor.seen_id = cursor.upcoming_id
        cursor.votes += 1
        cursor.upcoming_id = None
        await cursor.save()
    cursor.upcoming_id = await _choose(found.id, user.id, cursor.seen_id, {cursor.seen_id or 0})
    await cursor.save(update_fields=["upcoming_id"])
    await rankings.queue(found.id)
    return comparison
