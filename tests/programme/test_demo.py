"""The demo programme: idempotent, consistent with the rules organizers work under, and shown publicly."""

from __future__ import annotations

from datetime import date

import httpx

from podium.platform.programme import photos
from podium.platform.programme.demo import seed_demo_programme
from podium.platform.programme.models import Room, Session, SessionKind, SessionSpeaker, Speaker
from podium.platform.programme.schedule import local_day
from podium.settings import Settings
from tests.factories import make_summit


async def test_the_demo_programme_is_seeded_once_and_holds_together(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    summit = await make_summit(
        slug="ges-2027",
        name_en="2027 Global Entrepreneur Summit",
        venue_en="China National Convention Center, Beijing",
        starts_on=date(2027, 9, 18),
        ends_on=date(2027, 9, 20),
    )
    assert await seed_demo_programme(summit, settings) is True
    counts = (await Room.all().count(), await Speaker.all().count(), await Session.all().count())
    assert await seed_demo_programme(summit, settings) is False
    assert (await Room.all().count(), await Speaker.all().count(), await Session.all().count()) == counts
    assert 6 <= counts[1] <= 10

    sessions = await Session.filter(summit_id=summit.id).order_by("starts_at")
    assert {local_day(s.starts_at, summit.timezone) for s in sessions} == {
        date(2027, 9, 18),
        date(2027, 9, 19),
        date(2027, 9, 20),
    }
    assert {s.kind for s in sessions} >= {
        SessionKind.KEYNOTE,
        SessionKind.FORUM,
        SessionKind.COMPETITION,
        SessionKind.CEREMONY,
        SessionKind.SIDE_EVENT,
    }
    side_events = [s for s in sessions if s.kind == SessionKind.SIDE_EVENT]
    assert all(s.needs_registration for s in side_events)
    assert all(s.published and s.title_en and s.title_zh for s in sessions)
    for first in sessions:  # no room holds two sessions at once
        for second in sessions:
            if first.id < second.id and first.room_id == second.room_id:
                assert first.ends_at <= second.starts_at or second.ends_at <= first.starts_at, (first, second)
    assert await SessionSpeaker.all().count() >= len(sessions)
    for speaker in await Speaker.all():
        assert all((speaker.bio_en, speaker.bio_zh, speaker.name_local)), speaker.name
        assert photos.photo_path(settings, speaker.photo_key).is_file()

    page = await client.get("/summits/ges-2027/programme")
    assert page.status_code == 200
    assert page.text.count('class="session"') == len(sessions)
    assert "This event needs its own registration: places are limited." in page.text
