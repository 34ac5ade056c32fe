"""Sessions of the programme: times entered in the summit's zone and stored in UTC, rooms never double-booked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.i18n import format_date, localized
from podium.platform.i18n import gettext as _
from podium.platform.pagination import PAGE_SIZE, Page
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.programme.forms import SessionForm
from podium.platform.programme.models import Room, Session, SessionSpeaker, Speaker
from podium.platform.programme.queries import is_row_id, published_of, with_details
from podium.platform.programme.schedule import local_day, time_range, to_utc
from podium.platform.registration.models import TicketType
from podium.platform.summits.models import Summit

# Sessions may start this long before the summit's first day and end this long after its last
# (pre-events, side trips); anything further out is a typing mistake.
MARGIN = timedelta(days=3)
FIELDS = (
    "kind",
    "title_en",
    "title_zh",
    "description_en",
    "description_zh",
    "published",
    "needs_registration",
    "ticket_type_id",
)


async def list_sessions(*, actor: Actor, summit: Summit) -> list[Session]:
    """Every session, drafts too, for the summit's organizers."""
    ensure(can_manage_summit(actor, summit.id))
    return await with_details(Session.filter(summit_id=summit.id).order_by("starts_at", "ends_at", "id"))


async def list_published(*, summit: Summit) -> list[Session]:
    return await with_details(published_of(summit.id).order_by("starts_at", "ends_at", "id"))


async def page_published(*, summit: Summit, page: int = 1, size: int = PAGE_SIZE) -> Page[Session]:
    total = await published_of(summit.id).count()
    last = max(1, -(-total // size))
    number = min(max(1, page), last)
    items = await with_details(
        published_of(summit.id).order_by("starts_at", "ends_at", "id").offset((number - 1) * size).limit(size)
    )
    return Page(items=items, number=number, size=size, total=total)


async def get_session(*, actor: Actor, summit: Summit, session_id: int) -> Session:
    """A session of this summit, drafts too, for its organizers; anyone else is told it does not exist."""
    if not can_manage_summit(actor, summit.id) or not is_row_id(session_id):
        raise NotFound()
    found = await with_details(Session.filter(id=session_id, summit_id=summit.id)).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class _Checked:
    starts_at: datetime
    ends_at: datetime
    room: Room | None
    speaker_ids: list[int]


async def _check(summit: Summit, form: SessionForm, session_id: int | None) -> _Checked:
    """Everything about a session that depends on the summit: its dates, room and speakers.

    Call inside a transaction: the room is locked (PostgreSQL) so two organizers cannot book it at once."""
    starts_at, ends_at = to_utc(form.starts_at, summit.timezone), to_utc(form.ends_at, summit.timezone)
    errors: dict[str, list[str]] = {}
    first, last = summit.starts_on - MARGIN, summit.ends_on + MARGIN
    outside = _(
        "Sessions take place between %(first)s and %(last)s: the summit's dates, give or take three days.",
        first=format_date(first),
        last=format_date(last),
    )
    if local_day(starts_at, summit.timezone) < first or local_day(starts_at, summit.timezone) > last:
        errors["starts_at"] = [outside]
    elif local_day(ends_at, summit.timezone) > last:
        errors["ends_at"] = [outside]
    room = None
    if form.room_id is not None:
        room = await Room.filter(id=form.room_id, summit_id=summit.id).select_for_update().first()
        if room is None:
            errors["room_id"] = [_("Choose a room from the list.")]
    if form.ticket_type_id is not None and not await TicketType.exists(id=form.ticket_type_id, summit_id=summit.id):
        errors["ticket_type_id"] = [_("Choose a ticket type from the list.")]
    if form.speakers:
        found = await Speaker.filter(id__in=form.speakers, summit_id=summit.id).values_list("id")
        if {int(speaker_id) for (speaker_id,) in found} != set(form.speakers):
            errors["speakers"] = [_("Choose speakers from the list.")]
    if room is not None and not errors:
        clash = (
            await Session.filter(room_id=room.id, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .exclude(id=session_id or 0)
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            errors["room_id"] = [
                _(
                    "%(room)s is taken then by “%(title)s” (%(time)s). Choose another room or time.",
                    room=localized(room, "name"),
                    title=localized(clash, "title"),
                    time=time_range(clash, summit.timezone),
                )
            ]
    if errors:
        raise InvalidInput(errors)
    return _Checked(starts_at=starts_at, ends_at=ends_at, room=room, speaker_ids=list(form.speakers))


async def _link_speakers(session: Session, speaker_ids: list[int]) -> None:
    await SessionSpeaker.filter(session_id=session.id).delete()
    if speaker_ids:
        await SessionSpeaker.bulk_create(
            [
                SessionSpeaker(session_id=session.id, speaker_id=speaker_id, position=position)
                for position, speaker_id in enumerate(speaker_ids)
            ]
        )


async def add_session(*, actor: Actor, summit: Summit, form: SessionForm) -> Session:
    """Add a session; refuses times outside the summit's dates and a room already in use then."""
    ensure(can_manage_summit(actor, summit.id))
    async with in_transaction():
        checked = await _check(summit, form, None)
        session = await Session.create(
            summit_id=summit.id,
            starts_at=checked.starts_at,
            ends_at=checked.ends_at,
            room_id=checked.room.id if checked.room else None,
            **form.model_dump(include=set(FIELDS)),
        )
        await _link_speakers(session, checked.speaker_ids)
        await audit.record(
            "programme.session_added",
            actor_id=actor.user_id,
            object_type="programme_session",
            object_id=session.id,
            data={"summit": summit.id, "title": session.title_en or session.title_zh, "published": session.published},
        )
    return session


async def update_session(*, actor: Actor, summit: Summit, session: Session, form: SessionForm) -> Session:
    """Change a session found with get_session, with the same checks as add_session."""
    ensure(can_manage_summit(actor, summit.id))
    async with in_transaction():
        checked = await _check(summit, form, session.id)
        values: dict[str, object] = {
            **form.model_dump(include=set(FIELDS)),
            "starts_at": checked.starts_at,
            "ends_at": checked.ends_at,
            "room_id": checked.room.id if checked.room else None,
        }
        changed = [name for name, value in values.items() if getattr(session, name) != value]
        if [link.speaker_id for link in session.speaker_links] != checked.speaker_ids:
            changed.append("speakers")
        changed.sort()
        await session.update_from_dict(values).save()
        await _link_speakers(session, checked.speaker_ids)
        if changed:
            await audit.record(
                "programme.session_changed",
                actor_id=actor.user_id,
                object_type="programme_session",
                object_id=session.id,
                data={"summit": summit.id, "fields": changed},
            )
    return session


async def remove_session(*, actor: Actor, summit: Summit, session_id: int) -> None:
    """Remove a session with its bookmarks."""
    ensure(can_manage_summit(actor, summit.id))
    if not is_row_id(session_id) or not await Session.filter(id=session_id, summit_id=summit.id).delete():
        raise NotFound()
    await audit.record(
        "programme.session_removed",
        actor_id=actor.user_id,
        object_type="programme_session",
        object_id=session_id,
        data={"summit": summit.id},
    )


async def get_published_session(*, summit: Summit, session_id: int) -> Session:
    found = await published_of(summit.id).get_or_none(id=session_id) if is_row_id(session_id) else None
    if found is None:
        raise NotFound()
    return found
