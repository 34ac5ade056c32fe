"""Rooms of the venue, set up by the summit's organizers."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import NON_FIELD, InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.programme.forms import RoomForm
from podium.platform.programme.models import Room, Session
from podium.platform.programme.queries import is_row_id
from podium.platform.summits.models import Summit


async def list_rooms(*, summit: Summit) -> list[Room]:
    return await Room.filter(summit_id=summit.id).order_by("position", "id")


async def get_room(*, summit: Summit, room_id: int) -> Room:
    """A room of this summit (one of another summit is not found)."""
    room = await Room.get_or_none(id=room_id, summit_id=summit.id) if is_row_id(room_id) else None
    if room is None:
        raise NotFound()
    return room


async def add_room(*, actor: Actor, summit: Summit, form: RoomForm) -> Room:
    ensure(can_manage_summit(actor, summit.id))
    room = await Room.create(summit_id=summit.id, **form.model_dump())
    await audit.record(
        "programme.room_added",
        actor_id=actor.user_id,
        object_type="summit",
        object_id=summit.id,
        data={"room": room.id, "name": room.name_en or room.name_zh},
    )
    return room


async def update_room(*, actor: Actor, summit: Summit, room: Room, form: RoomForm) -> Room:
    """Change a room found with get_room."""
    ensure(can_manage_summit(actor, summit.id))
    await room.update_from_dict(form.model_dump()).save()
    await audit.record(
        "programme.room_changed",
        actor_id=actor.user_id,
        object_type="summit",
        object_id=summit.id,
        data={"room": room.id},
    )
    return room


async def remove_room(*, actor: Actor, summit: Summit, room_id: int) -> None:
    """Remove an unused room; a room with sessions is kept, with a message saying why."""
    ensure(can_manage_summit(actor, summit.id))
    room = await get_room(summit=summit, room_id=room_id)
    in_use = _("Sessions take place in this room. Move or remove them first.")
    if await Session.exists(room_id=room.id):
        raise InvalidInput({NON_FIELD: [in_use]})
    try:
        await room.delete()
    except IntegrityError:  # a session was put in the room meanwhile
        raise InvalidInput({NON_FIELD: [in_use]}) from None
    await audit.record(
        "programme.room_removed",
        actor_id=actor.user_id,
        object_type="summit",
        object_id=summit.id,
        data={"room": room_id},
    )
