"""Bookmarks, My programme, and the iCalendar feeds: the public one and each person's private one."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from icalendar import Calendar

from podium.platform.audit import AuditEntry
from podium.platform.programme.models import Bookmark, CalendarFeed, Session, SessionKind
from tests.factories import make_summit, make_user
from tests.helpers import count_queries, post_form, sign_in
from tests.programme.conftest import make_room, make_session, make_speaker

PAGE = "/summits/ges/programme"
MINE = "/programme/mine"
_FEED = re.compile(r"<code class=\"token\">http://podium\.test(/programme/feeds/[0-9a-f]{64}\.ics)</code>")


def events_of(body: bytes) -> list[dict[str, object]]:
    """Parse a feed back with icalendar (it raises on anything malformed) and flatten its events."""
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    return [
        {
            "uid": str(event["UID"]),
            "start": event.start,
            "end": event.end,
            "summary": str(event["SUMMARY"]),
            "description": str(event.get("DESCRIPTION", "")),
            "location": str(event.get("LOCATION", "")),
            "url": str(event.get("URL", "")),
        }
        for event in calendar.walk("VEVENT")
    ]


async def _summit_with_programme() -> tuple[Session, Session, Session]:
    summit = await make_summit(slug="ges", venue_en="Shougang Park", venue_zh="首钢园")
    hall = await make_room(summit=summit, name_en="Main Hall", name_zh="主会场")
    li = await make_speaker(
        summit=summit, name="Li Wei", name_local="李伟", organisation_en="GES", organisation_zh="峰会"
    )
    keynote = await make_session(
        summit=summit,
        kind=SessionKind.KEYNOTE,
        title_en="Opening keynote",
        title_zh="开幕主旨演讲",
        description_en="Welcome.",
        description_zh="欢迎。",
        room=hall,
        speakers=(li,),
        starts_at=datetime(2026, 9, 18, 1, 0, tzinfo=UTC),
    )
    matchmaking = await make_session(
        summit=summit,
        kind=SessionKind.SIDE_EVENT,
        title_en="Investor matchmaking",
        title_zh="投资对接会",
        needs_registration=True,
        starts_at=datetime(2026, 9, 20, 1, 30, tzinfo=UTC),
        minutes=150,
    )
    draft = await make_session(summit=summit, title_en="Draft", published=False)
    return keynote, matchmaking, draft


async def test_the_public_feed_is_valid_icalendar_in_utc_in_the_asked_language(client: httpx.AsyncClient) -> None:
    keynote, _matchmaking, _draft = await _summit_with_programme()
    response = await client.get("/summits/ges/programme.ics?lang=en")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    events = events_of(response.content)
    assert [e["summary"] for e in events] == ["Opening keynote", "Investor matchmaking"]
    first = events[0]
    assert first["uid"] == f"programme-session-{keynote.id}@podium.test"
    assert (first["start"], first["end"]) == (
        datetime(2026, 9, 18, 1, 0, tzinfo=UTC),
        datetime(2026, 9, 18, 2, 0, tzinfo=UTC),
    )
    assert b"DTSTART:20260918T010000Z" in response.content  # UTC, not a floating or zoned time
    assert first["location"] == "Main Hall, Shougang Park"
    assert first["description"] == "Welcome.\n\nSpeakers: Li Wei (GES)"
    assert first["url"] == f"http://podium.test/summits/ges/programme#session-{keynote.id}"
    assert events[1]["description"] == "This event needs its own registration: places are limited."
    assert events[1]["location"] == "Shougang Park"

    chinese = events_of((await client.get("/summits/ges/programme.ics?lang=zh")).content)
    assert [e["summary"] for e in chinese] == ["开幕主旨演讲", "投资对接会"]
    assert chinese[0]["location"] == "主会场, 首钢园"
    assert chinese[0]["uid"] == first["uid"]  # the same event whatever the language
    assert (await client.get("/summits/nope/programme.ics")).status_code == 404


async def test_bookmarks_build_my_programme(client: httpx.AsyncClient) -> None:
    keynote, matchmaking, _draft = await _summit_with_programme()
    await make_user(email="ada@example.com")
    anonymous = (await client.get(PAGE)).text
    assert "Sign in to build your own programme" in anonymous
    assert "/bookmark" not in anonymous
    await sign_in(client, "ada@example.com")

    response = await post_form(client, f"{PAGE}/sessions/{keynote.id}/bookmark", page=PAGE)
    assert response.status_code == 303
    assert response.headers["location"] == f"{PAGE}#session-{keynote.id}"
    again = await post_form(client, f"{PAGE}/sessions/{keynote.id}/bookmark", page=PAGE)
    assert again.status_code == 303
    assert await Bookmark.all().count() == 1
    page = (await client.get(PAGE)).text
    assert f'action="{PAGE}/sessions/{keynote.id}/bookmark/delete"' in page
    assert f'action="{PAGE}/sessions/{matchmaking.id}/bookmark"' in page

    mine = (await client.get(MINE)).text
    assert "Opening keynote" in mine
    assert "Investor matchmaking" not in mine
    removed = await post_form(client, f"{PAGE}/sessions/{keynote.id}/bookmark/delete", {"next": MINE}, page=MINE)
    assert removed.headers["location"] == MINE
    assert await Bookmark.all().count() == 0
    assert "You have not added any session yet." in (await client.get(MINE)).text


async def test_bookmarking_needs_a_signed_in_person_and_a_token(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    keynote, _matchmaking, _draft = await _summit_with_programme()
    anonymous = await post_form(other_client, f"{PAGE}/sessions/{keynote.id}/bookmark", page=PAGE)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/signin?next=")
    await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    forged = await client.post(f"{PAGE}/sessions/{keynote.id}/bookmark")
    assert forged.status_code == 403
    assert await Bookmark.all().count() == 0
    assert (await client.get(MINE)).status_code == 200
    assert (await other_client.get(MINE)).status_code == 303


async def _feed_path(client: httpx.AsyncClient) -> str:
    match = _FEED.search((await client.get(MINE)).text)
    assert match, "no feed address on My programme"
    return match.group(1)


async def test_the_personal_feed_opens_by_its_token_without_cookies(client: httpx.AsyncClient) -> None:
    keynote, matchmaking, draft = await _summit_with_programme()
    ada = await make_user(email="ada@example.com", locale="zh_Hans")
    await sign_in(client, "ada@example.com")
    for session in (keynote, draft, matchmaking):
        await Bookmark.create(user=ada, session=session)
    assert 'action="/programme/mine/feed"' in (await client.get(MINE)).text  # the button to create the address
    assert (await post_form(client, "/programme/mine/feed", page=MINE)).status_code == 303
    path = await _feed_path(client)

    calendar_app = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))  # no cookies
    async with calendar_app:
        response = await calendar_app.get(path)
        assert response.status_code == 200
        events = events_of(response.content)
        # Only published sessions, in the person's own language.
        assert [e["summary"] for e in events] == ["开幕主旨演讲", "投资对接会"]
        english = events_of((await calendar_app.get(f"{path}?lang=en")).content)
        assert [e["summary"] for e in english] == ["Opening keynote", "Investor matchmaking"]

        wrong = path.replace(path[-8:-4], "0000" if path[-8:-4] != "0000" else "1111")
        assert (await calendar_app.get(wrong)).status_code == 404
        assert (await calendar_app.get("/programme/feeds/not-a-token.ics")).status_code == 404

        assert (await post_form(client, "/programme/mine/feed", page=MINE)).status_code == 303
        renewed = await _feed_path(client)
        assert renewed != path
        assert (await calendar_app.get(path)).status_code == 404  # the old address stopped working
        assert (await calendar_app.get(renewed)).status_code == 200

        assert (await post_form(client, "/programme/mine/feed/delete", page=MINE)).status_code == 303
        assert (await calendar_app.get(renewed)).status_code == 404
    assert await CalendarFeed.all().count() == 0
    actions = [e.action for e in await AuditEntry.filter(action__startswith="programme.feed").order_by("id")]
    assert actions == ["programme.feed_issued", "programme.feed_issued", "programme.feed_revoked"]


async def test_a_feed_token_is_not_stored_and_other_people_cannot_see_it(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await _summit_with_programme()
    await make_user(email="ada@example.com")
    await make_user(email="bob@example.com")
    await sign_in(client, "ada@example.com")
    await post_form(client, "/programme/mine/feed", page=MINE)
    path = await _feed_path(client)
    feed = await CalendarFeed.get()
    assert feed.nonce in path
    assert path != f"/programme/feeds/{feed.nonce}.ics"  # the stored nonce alone opens nothing
    assert (await client.get(f"/programme/feeds/{feed.nonce}{'0' * 32}.ics")).status_code == 404
    await sign_in(other_client, "bob@example.com")
    assert path not in (await other_client.get(MINE)).text


async def test_my_programme_costs_the_same_queries_for_one_or_three_bookmarks(client: httpx.AsyncClient) -> None:
    keynote, matchmaking, _draft = await _summit_with_programme()
    ada = await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    await post_form(client, "/programme/mine/feed", page=MINE)
    await Bookmark.create(user=ada, session=keynote)
    with count_queries() as one:
        assert (await client.get(MINE)).status_code == 200
    await Bookmark.create(user=ada, session=matchmaking)
    other = await make_summit()
    elsewhere = await make_session(summit=other, speakers=(await make_speaker(summit=other),))
    await Bookmark.create(user=ada, session=elsewhere)
    with count_queries() as three:
        page = await client.get(MINE)
    assert page.text.count('class="session"') == 3
    assert len(one.queries) == len(three.queries)
