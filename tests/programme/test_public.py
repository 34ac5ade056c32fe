"""The public programme: days in the viewer's time zone, both languages, drafts hidden; the sessions API."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx

from podium.platform.programme.models import Session
from tests.factories import make_summit, make_user
from tests.helpers import count_queries, post_form, sign_in
from tests.programme.conftest import make_room, make_session, make_speaker

PAGE = "/summits/ges/programme"


def days_on(html: str) -> dict[str, str]:
    """Each day heading on the page, with the HTML of its section."""
    sections = html.split('<section class="day"')[1:]
    return {re.search(r"<h2 [^>]*>([^<]+)</h2>", section).group(1): section for section in sections}  # type: ignore[union-attr]


async def _late_night_programme() -> None:
    """Two sessions around midnight in Beijing: 23:00-23:45 on the 19th and 00:30-01:30 on the 20th."""
    summit = await make_summit(slug="ges", venue_en="Shougang Park", venue_zh="首钢园")
    await make_session(
        summit=summit, title_en="Night owls", starts_at=datetime(2026, 9, 19, 15, 0, tzinfo=UTC), minutes=45
    )
    await make_session(
        summit=summit, title_en="After midnight", starts_at=datetime(2026, 9, 19, 16, 30, tzinfo=UTC), minutes=60
    )


async def test_a_session_late_in_beijing_is_on_the_right_day_for_each_viewer(client: httpx.AsyncClient) -> None:
    await _late_night_programme()
    client.cookies.set("podium_tz", "Asia/Shanghai")
    beijing = days_on((await client.get(PAGE)).text)
    assert list(beijing) == ["Saturday, September 19, 2026", "Sunday, September 20, 2026"]
    assert "Night owls" in beijing["Saturday, September 19, 2026"]
    assert "11:00\u2009–\u200911:45\u202fPM" in beijing["Saturday, September 19, 2026"]
    assert "After midnight" in beijing["Sunday, September 20, 2026"]

    client.cookies.set("podium_tz", "Europe/Berlin")
    page = (await client.get(PAGE)).text
    berlin = days_on(page)
    assert list(berlin) == ["Saturday, September 19, 2026"]  # both are on Saturday evening in Berlin
    assert "5:00\u2009–\u20095:45\u202fPM" in berlin["Saturday, September 19, 2026"]
    assert "6:30\u2009–\u20097:30\u202fPM" in berlin["Saturday, September 19, 2026"]
    assert "(11:00\u2009–\u200911:45\u202fPM in Shanghai)" in page  # the summit's own time beside it
    assert "Times are shown in your time zone: Berlin." in page


async def test_a_signed_in_viewer_sees_times_in_their_profile_zone(client: httpx.AsyncClient) -> None:
    await _late_night_programme()
    await make_user(email="ny@example.com", timezone="America/New_York")
    await sign_in(client, "ny@example.com")
    days = days_on((await client.get(PAGE)).text)
    assert list(days) == ["Saturday, September 19, 2026"]
    assert "11:00\u2009–\u200911:45\u202fAM" in days["Saturday, September 19, 2026"]


async def test_the_programme_speaks_the_viewers_language_with_fallback(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    speaker = await make_speaker(
        summit=summit, name="Li Wei", name_local="李伟", organisation_en="GES", organisation_zh="", bio_en="", bio_zh=""
    )
    await make_session(summit=summit, title_en="AI forum", title_zh="人工智能论坛", speakers=(speaker,))
    await make_session(summit=summit, title_en="Only in English", title_zh="")
    english = (await client.get(PAGE)).text
    assert "AI forum" in english
    assert "<strong>Li Wei</strong>" in english
    chinese = (await client.get(PAGE, headers={"Accept-Language": "zh-CN"})).text
    assert "人工智能论坛" in chinese
    assert "AI forum" not in chinese
    assert "Only in English" in chinese
    assert "<strong>李伟</strong>" in chinese
    assert "GES" in chinese  # no Chinese organisation: the English one is shown


async def test_the_programme_by_room_lists_rooms_in_their_order(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    second, first = (
        await make_room(summit=summit, name_en="Hall B", position=2),
        await make_room(summit=summit, name_en="Hall A", position=1),
    )
    start = datetime(2026, 9, 19, 2, 0, tzinfo=UTC)
    await make_session(summit=summit, room=second, title_en="In B", starts_at=start)
    await make_session(summit=summit, room=first, title_en="In A", starts_at=start)
    await make_session(summit=summit, title_en="Nowhere yet", starts_at=start)
    page = (await client.get(f"{PAGE}?by=room")).text
    order = [
        page.index(text) for text in ("<h3>Hall A</h3>", "In A", "<h3>Hall B</h3>", "In B", "Room to be announced")
    ]
    assert order == sorted(order)


async def test_drafts_are_invisible_to_the_public_and_the_api(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    await make_session(summit=summit, title_en="Announced")
    draft = await make_session(summit=summit, title_en="Secret draft", published=False)
    await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    page = (await client.get(PAGE)).text
    assert "Announced" in page
    assert "Secret draft" not in page
    api = (await client.get("/api/v1/summits/ges/sessions")).json()
    assert [item["title"]["en"] for item in api["items"]] == ["Announced"]
    assert api["total"] == 1
    assert "Secret draft" not in (await client.get("/summits/ges/programme.ics")).text
    assert (await post_form(client, f"{PAGE}/sessions/{draft.id}/bookmark", page=PAGE)).status_code == 404


async def test_the_public_page_costs_the_same_queries_for_one_or_three_sessions(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")

    async def add() -> None:
        photo = await make_speaker(summit=summit, photo_key="0" * 32 + ".jpg")
        plain = await make_speaker(summit=summit)
        await make_session(summit=summit, room=await make_room(summit=summit), speakers=(photo, plain))

    await add()
    await make_user(email="ada@example.com")
    for browser in ("anonymous", "signed in"):
        if browser == "signed in":
            await sign_in(client, "ada@example.com")
        with count_queries() as one:
            assert (await client.get(PAGE)).status_code == 200
        await add()
        await add()
        with count_queries() as three:
            page = await client.get(PAGE)
        assert page.text.count('class="session"') == await Session.filter(summit_id=summit.id).count()
        assert len(one.queries) == len(three.queries), browser


async def test_sessions_api_is_public_paginated_and_in_utc(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    hall = await make_room(summit=summit, name_en="Main Hall", name_zh="主会场")
    speaker = await make_speaker(summit=summit, name="Li Wei", name_local="李伟", photo_key="a" * 32 + ".jpg")
    for hour in (1, 3, 5):
        await make_session(
            summit=summit,
            room=hall,
            speakers=(speaker,),
            title_en=f"At {hour}",
            starts_at=datetime(2026, 9, 19, hour, 0, tzinfo=UTC),
        )
    first = await client.get("/api/v1/summits/ges/sessions?per_page=2")
    assert first.status_code == 200
    body = first.json()
    assert (body["total"], body["page"], body["per_page"]) == (3, 1, 2)
    item = body["items"][0]
    assert item["title"] == {"en": "At 1", "zh": item["title"]["zh"]}
    assert item["starts_at"] == "2026-09-19T01:00:00+00:00"
    assert item["room"] == {"id": hall.id, "name": {"en": "Main Hall", "zh": "主会场"}}
    assert item["speakers"][0]["name_local"] == "李伟"
    assert item["speakers"][0]["photo_url"] == f"http://podium.test/programme/photos/{'a' * 32}.jpg"
    assert (item["kind"], item["needs_registration"], item["ticket_type_id"]) == ("forum", False, None)
    second = (await client.get("/api/v1/summits/ges/sessions?per_page=2&page=2")).json()
    assert [i["title"]["en"] for i in second["items"]] == ["At 5"]
    bad = await client.get("/api/v1/summits/ges/sessions?per_page=0")
    assert bad.status_code == 422
    assert bad.json() == {"errors": {"per_page": ["Use a whole number from 1 to 100."]}}
    assert (await client.get("/api/v1/summits/nope/sessions")).status_code == 404


async def test_the_summit_page_links_to_its_programme(client: httpx.AsyncClient) -> None:
    await make_summit(slug="ges")
    assert 'href="/summits/ges/programme"' in (await client.get("/summits/ges")).text
    assert "The programme has not been published yet." in (await client.get(PAGE)).text
