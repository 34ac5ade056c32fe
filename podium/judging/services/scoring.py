"""Judges score their assigned projects: an autosaved scorecard per project and round, locked by submitting.
Every change is kept (who, when, old and new value)."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
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


# The judge's autosave loads its scorecard on every save, so get_light_scorecard does it in one query (what
# get_scorecard needs five or six for, each costing Tortoise ~120 µs of CPU to build): one row per criterion,
# with the assignment, round, summit, project, rubric, live slot, conflict and current score repeated on each.
_LIGHT_PARTS: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "a": (Assignment, ("id", "round_id", "project_id", "judge_id", "status", "comment", "version")),
    "r": (Round, ("id", "competition_id", "status", "judging_open_at", "judging_close_at")),
    "p": (Project, ("id", "competition_id", "title")),
    "ru": (Rubric, ("id", "round_id", "live", "grace_minutes", "blind", "comment_required", "comment_min_length")),
    "ps": (PitchSlot, ("id", "round_id", "project_id", "position", "pitch_seconds", "qa_seconds", "started_at")),
    "cr": (
        Criterion,
        (
            "id",
            "rubric_id",
            "position",
            "name_en",
            "name_zh",
            "weight",
            "scale_min",
            "scale_max",
            "scale_step",
            "counted",
        ),
    ),
}
_LIGHT_COLUMNS = ", ".join(
    f"{alias}.{name} AS {alias}_{name}" for alias, (_model, names) in _LIGHT_PARTS.items() for name in names
)
_LIGHT_SQL = f"""
SELECT {_LIGHT_COLUMNS},
       c.summit_id AS summit_id, sc.value AS score,
       EXISTS (SELECT 1 FROM judging_conflict x WHERE x.judge_id = a.judge_id AND x.project_id = a.project_id
               AND x.status = '{ConflictStatus.CONFIRMED.value}') AS blocked
FROM judging_assignment a
JOIN competitions_round r ON r.id = a.round_id
JOIN competitions_competition c ON c.id = r.competition_id
JOIN competitions_project p ON p.id = a.project_id
LEFT JOIN judging_rubric ru ON ru.round_id = a.round_id
LEFT JOIN judging_pitch_slot ps ON ps.round_id = a.round_id AND ps.project_id = a.project_id
LEFT JOIN judging_criterion cr ON cr.rubric_id = ru.id
LEFT JOIN judging_score sc ON sc.assignment_id = a.id AND sc.criterion_id = cr.id
WHERE a.id = ?
ORDER BY cr.position, cr.id
"""  # noqa: S608 (names and constants of this module, no input)


def _part(alias: str, row: Mapping[str, Any]) -> Any:
    """The partial model of one alias of a _LIGHT_SQL row, its values converted as Tortoise converts them."""
    model, names = _LIGHT_PARTS[alias]
    return model._init_from_db(**{name: row[f"{alias}_{name}"] for name in names})


async def get_light_scorecard(*, actor: Actor, assignment_id: int) -> Scorecard:
    """get_scorecard in one query, for the autosave and the API: the same checks, the same answer. Its models
    are partial (what the checks, a save and the API's answer read): never save them through the ORM."""
    user = actor.require_user()
    rows = await connections.get("default").execute_query_dict(_markers(_LIGHT_SQL), [assignment_id])
    if not rows:
        raise NotFound()
    first = rows[0]
    if first["ru_id"] is None:  # no rubric yet: get_scorecard creates it
        return await get_scorecard(actor=actor, assignment_id=assignment_id)
    assignment: Assignment = _part("a", first)
    if (
        assignment.judge_id != user.id
        or assignment.status not in OPEN_CARD
        or not actor.has_role(int(first["summit_id"]), Role.JUDGE)
        or first["blocked"]
    ):
        raise NotFound()
    rubric: Rubric = _part("ru", first)
    criteria: list[Criterion] = []
    scores: dict[int, Decimal] = {}
    to_value = Score._meta.fields_map["value"].to_python_value
    for row in rows:
        if row["cr_id"] is not None:
            criteria.append(_part("cr", row))
            if row["score"] is not None:
                scores[row["cr_id"]] = to_value(row["score"])
    return Scorecard(
        assignment=assignment,
        round=_part("r", first),
        project=_part("p", first),
        rubric=rubric,
        criteria=criteria,
        scores=scores,
        slot=_part("ps", first) if rubric.live and first["ps_id"] is not None else None,
    )


def _markers(sql: str) -> str:
    """sql, written with ? markers, for the current database."""
    return _numbered(sql) if connections.get("default").capabilities.dialect == "postgres" else sql


@functools.cache
def _numbered(sql: str) -> str:
    """PostgreSQL's markers: $1, $2 … for the ? in sql (none of which are inside quotes)."""
    number = itertools.count(1)
    return re.sub(r"\?", lambda _match: f"${next(number)}", sql)


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
    scorecard's new version, and leaves the card as saved. A submitted scorecard refuses changes, even from a
    tab opened before the submit."""
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
    if not _changes(card.assignment.id, card.scores, card.assignment.comment, parsed, comment, user.id):
        # Nothing to write as the card was loaded a moment ago: the save happened then.
        if card.assignment.status != AssignmentStatus.ASSIGNED:
            raise _submitted()
        return card.assignment.version
    try:
        async with in_transaction() as connection:
            version, saved_comment, scores = await _write(connection, card.assignment.id, parsed, comment, user.id)
    except _Unchanged as unchanged:  # another save wrote the same meanwhile: rolled back, version unbumped
        version, saved_comment, scores = unchanged.version, unchanged.comment, unchanged.scores
    card.assignment.status, card.assignment.version, card.assignment.comment = (
        AssignmentStatus.ASSIGNED,
        version,
        saved_comment,
    )
    card.scores = scores
    return version


# A save's writes, in raw SQL (no query building): the UPDATE that bumps the version is the lock that orders
# the save against a submit of the same scorecard (on PostgreSQL; SQLite runs one writer at a time), and its
# status condition refuses a submitted one.
_LOCK_SQL = f"""
UPDATE judging_assignment SET version = version + 1, updated_at = ?
WHERE id = ? AND status = '{AssignmentStatus.ASSIGNED.value}' RETURNING version, comment
"""  # noqa: S608 (a constant)
_SCORES_SQL = "SELECT criterion_id, value FROM judging_score WHERE assignment_id = ?"
_UPSERT_SQL = (
    "INSERT INTO judging_score (assignment_id, criterion_id, value) VALUES {rows}"
    " ON CONFLICT (assignment_id, criterion_id) DO UPDATE SET value = excluded.value"
)
_CLEAR_SQL = "DELETE FROM judging_score WHERE assignment_id = ? AND criterion_id IN ({ids})"
_COMMENT_SQL = "UPDATE judging_assignment SET comment = ? WHERE id = ?"
_TRAIL_SQL = (
    'INSERT INTO judging_score_change (assignment_id, criterion_id, what, "old", "new", changed_by_id, changed_at)'
    " VALUES {rows}"
)


def _submitted() -> Conflict:
    return Conflict(_("This scorecard is submitted. Ask an organizer to unlock it to change it."))


class _Unchanged(Exception):
    """Rolls back a save that, under the lock, changes nothing."""

    def __init__(self, version: int, comment: str, scores: dict[int, Decimal]) -> None:
        self.version, self.comment, self.scores = version, comment, scores


# A row of the trail: assignment, criterion (None for the comment), what, old, new, changed by.
_Change = tuple[int, int | None, str, str | None, str | None, int]


def _changes(
    assignment_id: int,
    current: Mapping[int, Decimal],
    current_comment: str,
    parsed: Mapping[int, Decimal | None],
    comment: str | None,
    user_id: int,
) -> list[_Change]:
    """The trail of a save: the scores it changes, then the comment."""
    changes: list[_Change] = []
    for criterion_id, value in parsed.items():
        old = current.get(criterion_id)
        if old != value:
            plain_old = None if old is None else _plain(old)
            plain_new = None if value is None else _plain(value)
            changes.append((assignment_id, criterion_id, "score", plain_old, plain_new, user_id))
    if comment is not None and comment != current_comment:
        changes.append((assignment_id, None, "comment", current_comment, comment, user_id))
    return changes


async def _write(
    connection: BaseDBAsyncClient,
    assignment_id: int,
    parsed: Mapping[int, Decimal | None],
    comment: str | None,
    user_id: int,
) -> tuple[int, str, dict[int, Decimal]]:
    """Inside a transaction: lock the assignment, write what changed and its trail. Returns the new version,
    comment and scores. Raises Conflict when the scorecard is submitted, _Unchanged when nothing changes."""
    now = utcnow()
    locked = await connection.execute_query_dict(_markers(_LOCK_SQL), [now, assignment_id])
    if not locked:
        raise _submitted()
    version, old_comment = int(locked[0]["version"]), str(locked[0]["comment"])
    to_value = Score._meta.fields_map["value"].to_python_value
    scores: dict[int, Decimal] = {
        int(row["criterion_id"]): to_value(row["value"])
        for row in await connection.execute_query_dict(_markers(_SCORES_SQL), [assignment_id])
    }
    changes = _changes(assignment_id, scores, old_comment, parsed, comment, user_id)
    if not changes:
        raise _Unchanged(version - 1, old_comment, scores)
    changed = {criterion_id: parsed[criterion_id] for _a, criterion_id, *_rest in changes if criterion_id is not None}
    kept = {criterion_id: value for criterion_id, value in changed.items() if value is not None}
    cleared = [criterion_id for criterion_id, value in changed.items() if value is None]
    writes: list[tuple[str, list[object]]] = []
    if kept:
        rows = ", ".join(["(?, ?, ?)"] * len(kept))
        writes.append((_UPSERT_SQL.format(rows=rows), [x for pair in kept.items() for x in (assignment_id, *pair)]))
    if cleared:
        writes.append((_CLEAR_SQL.format(ids=", ".join(["?"] * len(cleared))), [assignment_id, *cleared]))
    if comment is not None and comment != old_comment:
        writes.append((_COMMENT_SQL, [comment, assignment_id]))
    rows = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(changes))
    writes.append((_TRAIL_SQL.format(rows=rows), [x for change in changes for x in (*change, now)]))
    if connection.capabilities.dialect == "postgres":
        # One round trip: the writes as one statement (they touch different rows, so none needs another's result).
        ctes = ", ".join(f"w{n} AS ({sql})" for n, (sql, _params) in enumerate(writes[:-1]))
        writes = [(f"WITH {ctes} {writes[-1][0]}" if ctes else writes[-1][0], [x for w in writes for x in w[1]])]
    for sql, params in writes:
        await connection.execute_query(_markers(sql), params)
    scores.update(kept)
    for criterion_id in cleared:
        scores.pop(criterion_id, None)
    return version, old_comment if comment is None else comment, scores


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
        raise _submitted()
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
