"""Rounds: their schedule (entered in the summit's time zone, stored in UTC) and their state machine."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from podium.competitions.forms import WINDOW_FIELDS as WINDOW_FIELDS  # defined with the form; callers use it here
from podium.competitions.forms import RoundForm
from podium.competitions.models import Competition, Round, RoundStatus
from podium.competitions.permissions import can_manage_competition
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.permissions import ensure

# Every legal move. Anything else is refused with a message that names both states.
TRANSITIONS: dict[RoundStatus, frozenset[RoundStatus]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.OPEN}),
    RoundStatus.OPEN: frozenset({RoundStatus.DRAFT, RoundStatus.JUDGING}),
    RoundStatus.JUDGING: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset({RoundStatus.JUDGING, RoundStatus.PUBLISHED}),
    RoundStatus.PUBLISHED: frozenset(),
}


def parse_status(value: str) -> RoundStatus:
    try:
        return RoundStatus(value)
    except ValueError:
        raise InvalidInput({"status": [_("Choose a state from the list.")]}) from None


def status_label(status: RoundStatus) -> str:
    return {
        RoundStatus.DRAFT: _("draft"),
        RoundStatus.OPEN: _("open for submissions"),
        RoundStatus.JUDGING: _("judging"),
        RoundStatus.CLOSED: _("closed"),
        RoundStatus.PUBLISHED: _("results published"),
    }[status]


def to_utc(local: datetime | None, timezone: str) -> datetime | None:
    """A wall-clock time in the summit's zone, as UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def to_wall_clock(value: datetime | None, timezone: str) -> datetime | None:
    """A stored UTC time as the summit's wall-clock time (naive), the way RoundForm holds it."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def to_local_input(value: datetime | None, timezone: str) -> str:
    """A stored UTC time as the summit's wall-clock time, in the form <input type="datetime-local"> takes."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def _windows(form: RoundForm, timezone: str) -> dict[str, Any]:
    return {field: to_utc(getattr(form, field), timezone) for field in WINDOW_FIELDS}


async def get_managed_round(*, actor: Actor, round_id: int) -> Round:
    found = await Round.get_or_none(id=round_id).select_related("competition__summit")
    if found is None or not can_manage_competition(actor, found.competition):
        raise NotFound()
    return found


async def add_round(*, actor: Actor, competition: Competition, form: RoundForm, timezone: str) -> Round:
    ensure(can_manage_competition(actor, competition))
    last = await Round.filter(competition_id=competition.id).order_by("-position").first()
    position = (last.position if last else 0) + 1
    try:
        created = await Round.create(
            competition_id=competition.id,
            position=position,
            name_en=form.name_en,
            name_zh=form.name_zh,
            **_windows(form, timezone),
        )
    except IntegrityError:  # another organizer added a round at the same moment
        raise Conflict(_("Someone added a round meanwhile. Reload the page and try again.")) from None
    await audit.record(
        "round.created",
        actor_id=actor.user_id,
        object_type="round",
        object_id=created.id,
        data={"competition": competition.id, "position": position},
    )
    return created


async def update_round(*, actor: Actor, round: Round, form: RoundForm, timezone: str) -> Round:
    ensure(can_manage_competition(actor, round.competition))
    values: dict[str, object] = {"name_en": form.name_en, "name_zh": form.name_zh, **_windows(form, timezone)}
    if round.status != RoundStatus.DRAFT and values["submissions_close_at"] is None:
        raise InvalidInput({"submissions_close_at": [_("An open round needs a submission deadline.")]})
    changed = sorted(field for field, value in values.items() if getattr(round, field) != value)
    await round.update_from_dict(values).save()
    if changed:
        await audit.record(
            "round.updated", actor_id=actor.user_id, object_type="round", object_id=round.id, data={"fields": changed}
        )
    return round


async def move_round(*, actor: Actor, round: Round, to: RoundStatus) -> Round:
    """Change the round's state if the move is legal; refuses illegal moves with a message."""
    ensure(can_manage_competition(actor, round.competition))
    current = RoundStatus(round.status)
    if to not in TRANSITIONS[current]:
        raise InvalidInput(
            {
                "status": [
                    _(
                        "A round that is %(current)s cannot become %(target)s.",
                        current=status_label(current),
                        target=status_label(to),
                    )
                ]
            }
        )
    if to == RoundStatus.OPEN and round.submissions_close_at is None:
        raise InvalidInput({"status": [_("Set the submission deadline before opening the round.")]})
    moved = await Round.filter(id=round.id, status=current).update(status=to)
    if not moved:
        raise Conflict(_("Someone changed this round meanwhile. Reload the page and try again."))
    round.status = to
    await audit.record(
        "round.status_changed",
        actor_id=actor.user_id,
        object_type="round",
        object_id=round.id,
        data={"from": str(current), "to": str(to)},
    )
    return round


async def change_round(
    *, actor: Actor, round: Round, form: RoundForm | None, to: RoundStatus | None, timezone: str
) -> Round:
    """Save new fields, then move the state, as one change: if the move is refused, the fields are not saved."""
    async with in_transaction():
        if form is not None:
            await update_round(actor=actor, round=round, form=form, timezone=timezone)
        if to is not None:
            await move_round(actor=actor, round=round, to=to)
    return round
