"""Organizer pages of the programme: sessions, rooms and speakers (with photos) of one summit."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput
from podium.platform.forms import parse, values_of, verified_form
from podium.platform.i18n import gettext as _
from podium.platform.i18n import localized
from podium.platform.programme import photos, schedule
from podium.platform.programme.forms import RoomForm, SpeakerForm, parse_session, session_values
from podium.platform.programme.models import Session, SessionKind, Speaker
from podium.platform.programme.services import rooms, sessions, speakers
from podium.platform.registration.models import TicketType
from podium.platform.summits import services as summits
from podium.platform.summits.models import Summit
from podium.platform.web import NOTICES, actor_of, redirect, render, settings_of

NOTICES.update(
    {
        "session-saved": lambda: _("The session is saved."),
        "session-removed": lambda: _("The session is removed."),
        "speaker-saved": lambda: _("The speaker is saved."),
        "speaker-removed": lambda: _("The speaker is removed."),
        "room-saved": lambda: _("The rooms are saved."),
    }
)

BASE = "/organize/summits/{slug}/programme"
SPEAKER_TEXT = speakers.TEXT_FIELDS
# Bios may be long, and Chinese takes three bytes a character.
TEXT_PART_MAX = 128 * 1024


def _base(summit: Summit) -> str:
    return BASE.format(slug=summit.slug)


def _helpers() -> dict[str, Any]:
    return {
        "kind_label": schedule.kind_label,
        "time_range": schedule.time_range,
        "speaker_name": schedule.speaker_name,
        "speakers_of": schedule.speakers_of,
    }


async def _managed(request: Request) -> Summit:
    return await summits.get_managed_summit(actor=actor_of(request), slug=request.path_params["slug"])


# ---- the overview, and rooms on it -------------------------------------------------------------


async def _overview(request: Request, summit: Summit, status_code: int = 200, **extra: Any) -> Response:
    actor = actor_of(request)
    listed = await sessions.list_sessions(actor=actor, summit=summit)
    context: dict[str, Any] = {
        "summit": summit,
        "days": schedule.by_day(listed, summit.timezone),
        "rooms": await rooms.list_rooms(summit=summit),
        "speakers": await speakers.list_speakers(summit=summit),
        "room_errors": {},
        "room_values": {},
        **_helpers(),
        **extra,
    }
    return render(request, "programme/organize.html", context, status_code)


@login_required
async def overview(request: Request) -> Response:
    return await _overview(request, await _managed(request))


@login_required
async def room_endpoint(request: Request) -> Response:
    """Add a room (no room id), change one, or remove one (…/delete)."""
    actor = actor_of(request)
    summit = await _managed(request)
    room_id: int | None = request.path_params.get("room_id")
    key = f"room-{room_id or 'new'}"
    target = f"{_base(summit)}?notice=room-saved#rooms"
    data = await request.form()
    try:
        if request.url.path.endswith("/delete") and room_id is not None:
            await rooms.remove_room(actor=actor, summit=summit, room_id=room_id)
            return redirect(target)
        form = parse(RoomForm, data)
        if room_id is None:
            await rooms.add_room(actor=actor, summit=summit, form=form)
        else:
            room = await rooms.get_room(summit=summit, room_id=room_id)
            await rooms.update_room(actor=actor, summit=summit, room=room, form=form)
    except InvalidInput as exc:
        return await _overview(request, summit, 422, room_errors={key: exc.errors}, room_values={key: values_of(data)})
    return redirect(target)


# ---- sessions ----------------------------------------------------------------------------------


def _session_values(found: Session, timezone: str) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(found, name) for name in sessions.FIELDS}
    values.update(
        kind=found.kind.value,
        starts_at=schedule.to_local_input(found.starts_at, timezone),
        ends_at=schedule.to_local_input(found.ends_at, timezone),
        room_id=str(found.room_id or ""),
        ticket_type_id=str(found.ticket_type_id or ""),
        speakers=[str(link.speaker_id) for link in found.speaker_links],
    )
    return values


async def _session_page(
    request: Request,
    summit: Summit,
    found: Session | None,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "summit": summit,
        "session": found,
        "values": values,
        "errors": errors,
        "kinds": list(schedule.kind_labels().items()),
        "room_choices": [("", _("No room yet"))]
        + [(str(room.id), localized(room, "name")) for room in await rooms.list_rooms(summit=summit)],
        "speakers": await speakers.list_speakers(summit=summit),
        "chosen": [str(value) for value in values.get("speakers", [])],
        "ticket_choices": [("", _("Not sold yet"))]
        + [
            (str(t.id), localized(t, "name"))
            for t in await TicketType.filter(summit_id=summit.id).order_by("position", "id")
        ],
        **_helpers(),
    }
    return render(request, "programme/session_form.html", context, status_code)


@login_required
async def new_session(request: Request) -> Response:
    actor = actor_of(request)
    summit = await _managed(request)
    if request.method == "GET":
        day = summit.starts_on.isoformat()
        values = {"kind": SessionKind.FORUM.value, "starts_at": f"{day}T09:00", "ends_at": f"{day}T10:00"}
        return await _session_page(request, summit, None, values, {})
    data = await request.form()
    try:
        await sessions.add_session(actor=actor, summit=summit, form=parse_session(data))
    except InvalidInput as exc:
        return await _session_page(request, summit, None, session_values(data), exc.errors, 422)
    return redirect(f"{_base(summit)}?notice=session-saved")


@login_required
async def edit_session(request: Request) -> Response:
    actor = actor_of(request)
    summit = await _managed(request)
    found = await sessions.get_session(actor=actor, summit=summit, session_id=request.path_params["session_id"])
    if request.method == "GET":
        return await _session_page(request, summit, found, _session_values(found, summit.timezone), {})
    data = await request.form()
    try:
        await sessions.update_session(actor=actor, summit=summit, session=found, form=parse_session(data))
    except InvalidInput as exc:
        return await _session_page(request, summit, found, session_values(data), exc.errors, 422)
    return redirect(f"{_base(summit)}?notice=session-saved#session-{found.id}")


@login_required
async def remove_session(request: Request) -> Response:
    actor = actor_of(request)
    summit = await _managed(request)
    await sessions.remove_session(actor=actor, summit=summit, session_id=request.path_params["session_id"])
    return redirect(f"{_base(summit)}?notice=session-removed")


# ---- speakers ----------------------------------------------------------------------------------


def _photo(data: FormData) -> UploadFile | None:
    """The chosen photo; browsers send an empty, nameless file part when none was chosen."""
    upload = data.get("photo")
    if isinstance(upload, UploadFile) and (upload.filename or upload.size):
        return upload
    return None


async def _speaker_page(
    request: Request,
    summit: Summit,
    found: Speaker | None,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "summit": summit,
        "speaker": found,
        "values": values,
        "errors": errors,
        "photo_max_mb": photos.PHOTO_MAX_MB,
    }
    return render(request, "programme/speaker_form.html", context, status_code)


@login_required
async def speaker_endpoint(request: Request) -> Response:
    """Add a speaker (…/speakers/new) or change one; the form is multipart, for the photo."""
    actor = actor_of(request)
    summit = await _managed(request)
    speaker_id: int | None = request.path_params.get("speaker_id")
    found = await speakers.get_speaker(summit=summit, speaker_id=speaker_id) if speaker_id is not None else None
    values: dict[str, Any] = {name: getattr(found, name) for name in SPEAKER_TEXT} if found else {}
    if request.method == "GET":
        return await _speaker_page(request, summit, found, values, {})
    settings = settings_of(request)
    try:
        async with verified_form(request, max_files=1, max_fields=12, max_part_size=TEXT_PART_MAX) as data:
            values = values_of(data)
            form = parse(SpeakerForm, data)
            if found is None:
                await speakers.add_speaker(actor=actor, summit=summit, form=form, photo=_photo(data), settings=settings)
            else:
                await speakers.update_speaker(
                    actor=actor, summit=summit, speaker=found, form=form, photo=_photo(data), settings=settings
                )
    except InvalidInput as exc:
        return await _speaker_page(request, summit, found, values, exc.errors, 422)
    return redirect(f"{_base(summit)}?notice=speaker-saved#speakers")


@login_required
async def remove_speaker(request: Request) -> Response:
    actor = actor_of(request)
    summit = await _managed(request)
    await speakers.remove_speaker(
        actor=actor, summit=summit, speaker_id=request.path_params["speaker_id"], settings=settings_of(request)
    )
    return redirect(f"{_base(summit)}?notice=speaker-removed#speakers")


# Multipart posts to these paths are parsed by their handler, with its limits, before it checks the CSRF token.
UPLOAD_PATHS = (r"/organize/summits/[^/]+/programme/speakers/(new|\d+)",)

routes: list[BaseRoute] = [
    Route(BASE, overview, name="programme:organize"),
    Route(f"{BASE}/sessions/new", new_session, methods=["GET", "POST"], name="programme:new-session"),
    Route(f"{BASE}/sessions/{{session_id:int}}", edit_session, methods=["GET", "POST"], name="programme:edit-session"),
    Route(
        f"{BASE}/sessions/{{session_id:int}}/delete", remove_session, methods=["POST"], name="programme:remove-session"
    ),
    Route(f"{BASE}/rooms", room_endpoint, methods=["POST"], name="programme:add-room"),
    Route(f"{BASE}/rooms/{{room_id:int}}", room_endpoint, methods=["POST"], name="programme:edit-room"),
    Route(f"{BASE}/rooms/{{room_id:int}}/delete", room_endpoint, methods=["POST"], name="programme:remove-room"),
    Route(f"{BASE}/speakers/new", speaker_endpoint, methods=["GET", "POST"], name="programme:new-speaker"),
    Route(
        f"{BASE}/speakers/{{speaker_id:int}}", speaker_endpoint, methods=["GET", "POST"], name="programme:edit-speaker"
    ),
    Route(
        f"{BASE}/speakers/{{speaker_id:int}}/delete", remove_speaker, methods=["POST"], name="programme:remove-speaker"
    ),
]
