"""Programme factories and scenes: rooms, speakers and sessions with boring, valid defaults (times in UTC)."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from PIL import Image

from podium.platform.programme.models import Room, Session, SessionKind, SessionSpeaker, Speaker
from podium.platform.summits.models import Summit
from tests.factories import grant, make_summit, make_user
from tests.helpers import sign_in

_seq = itertools.count(1)
# make_summit's default summit runs 2026-09-18 to 2026-09-20 in Beijing (UTC+8).
DAY_ONE_9AM_BEIJING = datetime(2026, 9, 18, 1, 0, tzinfo=UTC)


async def make_room(*, summit: Summit, **fields: Any) -> Room:
    n = next(_seq)
    values: dict[str, Any] = {"name_en": f"Hall {n}", "name_zh": f"{n}号厅", "position": n}
    values.update(fields)
    return await Room.create(summit=summit, **values)


async def make_speaker(*, summit: Summit, **fields: Any) -> Speaker:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Speaker {n}",
        "name_local": f"讲者{n}",
        "organisation_en": f"Company {n}",
        "organisation_zh": f"公司{n}",
        "bio_en": f"Bio {n}.",
        "bio_zh": f"简介{n}。",
    }
    values.update(fields)
    return await Speaker.create(summit=summit, **values)


async def make_session(
    *,
    summit: Summit,
    starts_at: datetime | None = None,
    minutes: int = 60,
    speakers: tuple[Speaker, ...] = (),
    **fields: Any,
) -> Session:
    n = next(_seq)
    start = starts_at or DAY_ONE_9AM_BEIJING + timedelta(hours=n % 8)
    values: dict[str, Any] = {
        "kind": SessionKind.FORUM,
        "title_en": f"Session {n}",
        "title_zh": f"议程{n}",
        "published": True,
        "starts_at": start,
        "ends_at": start + timedelta(minutes=minutes),
    }
    values.update(fields)
    session = await Session.create(summit=summit, **values)
    for position, speaker in enumerate(speakers):
        await SessionSpeaker.create(session=session, speaker=speaker, position=position)
    return session


async def organizer_of(client: httpx.AsyncClient, slug: str = "ges", **summit_fields: Any) -> Summit:
    """A summit (make_summit's dates, Beijing time) and the client signed in as its organizer."""
    summit = await make_summit(slug=slug, **summit_fields)
    email = f"org@{slug}.example"
    await grant(summit, await make_user(email=email))
    await sign_in(client, email)
    return summit


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(out, format=fmt)
    return out.getvalue()
