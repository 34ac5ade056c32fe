"""Speakers of a summit, with their bios and photos."""

from __future__ import annotations

from starlette.datastructures import UploadFile

from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import NotFound
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.programme import photos
from podium.platform.programme.forms import SpeakerForm
from podium.platform.programme.models import Speaker
from podium.platform.programme.queries import is_row_id
from podium.platform.summits.models import Summit
from podium.settings import Settings

TEXT_FIELDS = ("name", "name_local", "organisation_en", "organisation_zh", "bio_en", "bio_zh")


async def list_speakers(*, summit: Summit) -> list[Speaker]:
    return await Speaker.filter(summit_id=summit.id).order_by("name", "name_local", "id")


async def get_speaker(*, summit: Summit, speaker_id: int) -> Speaker:
    """A speaker of this summit (one of another summit is not found)."""
    speaker = await Speaker.get_or_none(id=speaker_id, summit_id=summit.id) if is_row_id(speaker_id) else None
    if speaker is None:
        raise NotFound()
    return speaker


async def has_photo(*, key: str) -> bool:
    """Whether a stored photo belongs to a speaker (left-over files are never served)."""
    return photos.is_photo_key(key) and await Speaker.exists(photo_key=key)


async def add_speaker(
    *, actor: Actor, summit: Summit, form: SpeakerForm, photo: UploadFile | None, settings: Settings
) -> Speaker:
    """Add a speaker. The photo, if any, is checked first: a refused photo adds nobody."""
    ensure(can_manage_summit(actor, summit.id))
    key = await photos.store_photo(upload=photo, settings=settings) if photo is not None else ""
    speaker = await Speaker.create(summit_id=summit.id, photo_key=key, **form.model_dump(include=set(TEXT_FIELDS)))
    await audit.record(
        "programme.speaker_added",
        actor_id=actor.user_id,
        object_type="summit",
        object_id=summit.id,
        data={"speaker": speaker.id, "name": speaker.name or speaker.name_local, "photo": bool(key)},
    )
    return speaker


async def update_speaker(
    *, actor: Actor, summit: Summit, speaker: Speaker, form: SpeakerForm, photo: UploadFile | None, settings: Settings
) -> Speaker:
    """Change a speaker found with get_speaker: a new photo replaces the old one, remove_photo drops it.
    A refused photo changes nothing."""
    ensure(can_manage_summit(actor, summit.id))
    previous = speaker.photo_key
    if photo is not None:
        speaker.photo_key = await photos.store_photo(upload=photo, settings=settings)
    elif form.remove_photo:
        speaker.photo_key = ""
    values = form.model_dump(include=set(TEXT_FIELDS))
    changed = sorted(name for name, value in values.items() if getattr(speaker, name) != value)
    if speaker.photo_key != previous:
        changed.append("photo")
    await speaker.update_from_dict(values).save()
    if previous and previous != speaker.photo_key:
        photos.delete_photo(settings, previous)
    if changed:
        await audit.record(
            "programme.speaker_changed",
            actor_id=actor.user_id,
            object_type="summit",
            object_id=summit.id,
            data={"speaker": speaker.id, "fields": changed},
        )
    return speaker


async def remove_speaker(*, actor: Actor, summit: Summit, speaker_id: int, settings: Settings) -> None:
    """Remove a speaker, their photo and their places on sessions."""
    ensure(can_manage_summit(actor, summit.id))
    speaker = await get_speaker(summit=summit, speaker_id=speaker_id)
    await speaker.delete()
    photos.delete_photo(settings, speaker.photo_key)
    await audit.record(
        "programme.speaker_removed",
        actor_id=actor.user_id,
        object_type="summit",
        object_id=summit.id,
        data={"speaker": speaker_id, "name": speaker.name or speaker.name_local},
    )
