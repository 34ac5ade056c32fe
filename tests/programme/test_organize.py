"""Organizer pages: sessions, rooms and speakers; bad input kept and named; rooms never double-booked; who may."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx

from podium.platform.audit import AuditEntry
from podium.platform.programme.models import Bookmark, Room, Session, SessionSpeaker, Speaker
from podium.platform.summits.models import Role
from tests.factories import grant, make_summit, make_user
from tests.helpers import count_queries, post_form, sign_in
from tests.programme.conftest import make_room, make_session, make_speaker, organizer_of

BASE = "/organize/summits/ges/programme"
NEW = f"{BASE}/sessions/new"


def session_form(**fields: str | list[str]) -> dict[str, str | list[str]]:
    values: dict[str, str | list[str]] = {
        "kind": "forum",
        "title_en": "AI forum",
        "title_zh": "人工智能论坛",
        "description_en": "Models and markets.",
        "description_zh": "",
        "starts_at": "2026-09-19T10:00",
        "ends_at": "2026-09-19T11:30",
        "room_id": "",
        "published": "1",
    }
    values.update(fields)
    return values


async def test_organizer_adds_a_session_in_beijing_time_and_it_is_stored_in_utc(client: httpx.AsyncClient) -> None:
    summit = await organizer_of(client)
    hall = await make_room(summit=summit, name_en="Main Hall")
    first, second = await make_speaker(summit=summit), await make_speaker(summit=summit)
    response = await post_form(
        client,
        NEW,
        session_form(
            starts_at="2026-09-19T23:30",
            ends_at="2026-09-20T00:30",
            room_id=str(hall.id),
            speakers=[str(second.id), str(first.id)],
        ),
        page=NEW,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{BASE}?notice=session-saved"
    stored = await Session.get(summit_id=summit.id)
    assert (stored.starts_at, stored.ends_at) == (
        datetime(2026, 9, 19, 15, 30, tzinfo=UTC),
        datetime(2026, 9, 19, 16, 30, tzinfo=UTC),
    )
    assert (stored.room_id, stored.published, stored.title_zh) == (hall.id, True, "人工智能论坛")
    links = await SessionSpeaker.filter(session_id=stored.id).order_by("position").values_list("speaker_id", flat=True)
    assert links == [second.id, first.id]
    assert await AuditEntry.filter(action="programme.session_added", object_id=str(stored.id)).exists()

    edit = await client.get(f"{BASE}/sessions/{stored.id}")
    assert 'value="2026-09-19T23:30"' in edit.text  # shown back in Beijing time
    assert f'value="{first.id}" checked' in edit.text
    overview = await client.get(BASE)
    assert "Saturday, September 19, 2026" in overview.text  # grouped by the day it starts in Beijing
    assert "AI forum" in overview.text


async def test_organizer_changes_and_removes_a_session(client: httpx.AsyncClient) -> None:
    summit = await organizer_of(client)
    speaker = await make_speaker(summit=summit)
    session = await make_session(summit=summit, speakers=(speaker,), title_en="Old title")
    page = f"{BASE}/sessions/{session.id}"
    response = await post_form(client, page, session_form(title_en="New title", published=""), page=page)
    assert response.status_code == 303
    changed = await Session.get(id=session.id)
    assert (changed.title_en, changed.published) == ("New title", False)
    assert not await SessionSpeaker.filter(session_id=session.id).exists()  # no speakers ticked: none left
    entry = await AuditEntry.get(action="programme.session_changed", object_id=str(session.id))
    assert entry.data["fields"] == [
        "description_en",
        "ends_at",
        "published",
        "speakers",
        "starts_at",
        "title_en",
        "title_zh",
    ]

    removed = await post_form(client, f"{page}/delete", page=BASE)
    assert removed.status_code == 303
    assert not await Session.filter(id=session.id).exists()


async def test_session_form_errors_keep_the_values_and_name_the_fields(client: httpx.AsyncClient) -> None:
    summit = await organizer_of(client)
    other = await make_summit(slug="other")
    foreign_room, foreign_speaker = await make_room(summit=other), await make_speaker(summit=other)

    untitled = await post_form(
        client,
        NEW,
        session_form(title_en="", title_zh="", description_en="Keep me", ends_at="2026-09-19T09:00"),
        page=NEW,
    )
    assert untitled.status_code == 422
    assert "Give the session a title in at least one language." in untitled.text
    assert "The session must end after it starts." in untitled.text
    assert ">Keep me</textarea>" in untitled.text
    assert 'value="2026-09-19T09:00"' in untitled.text

    garbled = await post_form(client, NEW, session_form(kind="party", starts_at="next tuesday"), page=NEW)
    assert garbled.status_code == 422
    assert "Choose a kind of session from the list." in garbled.text
    assert "Enter a date and time, like 2026-09-19 09:30." in garbled.text
    assert 'value="next tuesday"' in garbled.text
    assert 'href="#starts_at"' in garbled.text

    strangers = await post_form(
        client, NEW, session_form(room_id=str(foreign_room.id), speakers=[str(foreign_speaker.id)]), page=NEW
    )
    assert strangers.status_code == 422
    assert "Choose a room from the list." in strangers.text
    assert "Choose speakers from the list." in strangers.text

    far_away = await post_form(client, NEW, session_form(starts_at="2026-10-01T09:00", ends_at="2026-10-01T10:00"))
    assert far_away.status_code == 422
    assert (
        "Sessions take place between Sep 15, 2026 and Sep 23, 2026: the summit&#39;s dates, give or take three days."
        in far_away.text
    )
    runs_over = await post_form(client, NEW, session_form(starts_at="2026-09-23T23:00", ends_at="2026-09-24T01:00"))
    assert runs_over.status_code == 422
    assert 'id="ends_at-error"' in runs_over.text

    forum_with_tickets = await post_form(client, NEW, session_form(needs_registration="1"), page=NEW)
    assert forum_with_tickets.status_code == 422
    assert "Only side events take their own registration." in forum_with_tickets.text
    assert await Session.filter(summit_id=summit.id).count() == 0

    side_event = await post_form(
        client, NEW, session_form(kind="side-event", title_en="Investor matchmaking", needs_registration="1")
    )
    assert side_event.status_code == 303
    assert (await Session.get(summit_id=summit.id)).needs_registration is True


async def test_a_room_cannot_hold_two_sessions_at_once(client: httpx.AsyncClient) -> None:
    summit = await organizer_of(client)
    hall, other_hall = await make_room(summit=summit, name_en="Main Hall"), await make_room(summit=summit)
    keynote = await make_session(
        summit=summit,
        room=hall,
        title_en="Opening keynote",
        starts_at=datetime(2026, 9, 19, 2, 0, tzinfo=UTC),  # 10:00-11:00 in Beijing
        published=False,  # drafts hold their room too
    )
    clash = await post_form(
        client, NEW, session_form(room_id=str(hall.id), starts_at="2026-09-19T10:30", ends_at="2026-09-19T11:30")
    )
    assert clash.status_code == 422
    assert "Main Hall is taken then by “Opening keynote” (10:00\u2009–\u200911:00\u202fAM)." in clash.text
    assert 'id="room_id-error"' in clash.text
    assert await Session.filter(summit_id=summit.id).count() == 1

    elsewhere = await post_form(
        client, NEW, session_form(room_id=str(other_hall.id), starts_at="2026-09-19T10:30", ends_at="2026-09-19T11:30")
    )
    assert elsewhere.status_code == 303
    back_to_back = await post_form(
        client, NEW, session_form(room_id=str(hall.id), starts_at="2026-09-19T11:00", ends_at="2026-09-19T12:00")
    )
    assert back_to_back.status_code == 303
    # Saving a session again does not clash with itself.
    page = f"{BASE}/sessions/{keynote.id}"
    same = await post_form(
        client,
        page,
        session_form(
            title_en="Opening keynote", room_id=str(hall.id), starts_at="2026-09-19T10:00", ends_at="2026-09-19T11:00"
        ),
    )
    assert same.status_code == 303


async def test_rooms_are_added_changed_and_a_room_in_use_is_kept(client: httpx.AsyncClient) -> None:
    summit = await organizer_of(client)
    added = await post_form(client, f"{BASE}/rooms", {"name_en": "Main Hall", "name_zh": "主会场", "position": "1"})
    assert added.status_code == 303
    room = await Room.get(summit_id=summit.id)
    bad = await post_form(client, f"{BASE}/rooms/{room.id}", {"name_en": "", "name_zh": "", "position": "first"})
    assert bad.status_code == 422
    assert "Enter a whole number; lower numbers come first." in bad.text
    assert 'value="first"' in bad.text
    nameless = await post_form(client, f"{BASE}/rooms", {"name_en": "", "position": "2"})
    assert "Give the room a name in at least one language." in nameless.text
    renamed = await post_form(client, f"{BASE}/rooms/{room.id}", {"name_en": "Hall A", "position": "3"})
    assert renamed.status_code == 303
    assert ((await Room.get(id=room.id)).name_en, (await Room.get(id=room.id)).position) == ("Hall A", 3)

    await make_session(summit=summit, room=room)
    kept = await post_form(client, f"{BASE}/rooms/{room.id}/delete")
    assert kept.status_code == 422
    assert "Sessions take place in this room. Move or remove them first." in kept.text
    assert await Room.filter(id=room.id).exists()
    await Session.filter(room_id=room.id).delete()
    assert (await post_form(client, f"{BASE}/rooms/{room.id}/delete")).status_code == 303
    assert not await Room.filter(id=room.id).exists()

    foreign = await make_room(summit=await make_summit(slug="other"))
    assert (await post_form(client, f"{BASE}/rooms/{foreign.id}/delete")).status_code == 404
    assert (await post_form(client, f"{BASE}/rooms/{foreign.id}", {"name_en": "Mine now"})).status_code == 404
    assert (await Room.get(id=foreign.id)).name_en != "Mine now"


async def test_speakers_are_added_changed_and_removed_with_their_places(client: httpx.AsyncClient) -> None:
    summit = await organizer_of(client)
    page = f"{BASE}/speakers/new"
    token_page = await client.get(page)
    assert token_page.status_code == 200
    nameless = await post_form(client, page, {"organisation_en": "Helix AI Lab", "bio_zh": "简介"}, page=page)
    assert nameless.status_code == 422
    assert "Enter the speaker&#39;s name." in nameless.text
    assert 'value="Helix AI Lab"' in nameless.text
    assert ">简介</textarea>" in nameless.text
    added = await post_form(
        client, page, {"name": "Li Wei", "name_local": "李伟", "bio_en": "Chair.", "bio_zh": "主席。"}, page=page
    )
    assert added.status_code == 303
    speaker = await Speaker.get(summit_id=summit.id)
    assert (speaker.name_local, speaker.bio_zh, speaker.photo_key) == ("李伟", "主席。", "")
    edit = f"{BASE}/speakers/{speaker.id}"
    assert 'value="李伟"' in (await client.get(edit)).text
    assert (await post_form(client, edit, {"name": "Li Wei", "organisation_en": "GES"}, page=edit)).status_code == 303
    assert (await Speaker.get(id=speaker.id)).organisation_en == "GES"

    session = await make_session(summit=summit, speakers=(speaker,))
    assert (await post_form(client, f"{edit}/delete", page=BASE)).status_code == 303
    assert not await Speaker.filter(id=speaker.id).exists()
    assert not await SessionSpeaker.filter(session_id=session.id).exists()


async def test_removing_a_session_removes_its_bookmarks(client: httpx.AsyncClient) -> None:
    summit = await organizer_of(client)
    session = await make_session(summit=summit)
    await Bookmark.create(user=await make_user(), session=session)
    assert (await post_form(client, f"{BASE}/sessions/{session.id}/delete", page=BASE)).status_code == 303
    assert await Bookmark.all().count() == 0


async def test_outsiders_get_404_on_every_organizer_page_and_change_nothing(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(slug="ges")
    room = await make_room(summit=summit, name_en="Untouched")
    speaker = await make_speaker(summit=summit, name="Untouched")
    session = await make_session(summit=summit, title_en="Untouched", room=room)
    await grant(await make_summit(slug="other"), await make_user(email="org@other.example"))
    await grant(summit, await make_user(email="judge@ges.example"), Role.JUDGE)
    await make_user(email="visitor@example.com")
    pages = [BASE, NEW, f"{BASE}/sessions/{session.id}", f"{BASE}/speakers/new", f"{BASE}/speakers/{speaker.id}"]
    posts = [
        (NEW, session_form(title_en="Hijack")),
        (f"{BASE}/sessions/{session.id}", session_form(title_en="Hijack")),
        (f"{BASE}/sessions/{session.id}/delete", {}),
        (f"{BASE}/rooms", {"name_en": "Hijack"}),
        (f"{BASE}/rooms/{room.id}", {"name_en": "Hijack"}),
        (f"{BASE}/rooms/{room.id}/delete", {}),
        (f"{BASE}/speakers/new", {"name": "Hijack"}),
        (f"{BASE}/speakers/{speaker.id}", {"name": "Hijack"}),
        (f"{BASE}/speakers/{speaker.id}/delete", {}),
    ]
    for email in ("org@other.example", "judge@ges.example", "visitor@example.com"):
        async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as browser:
            await sign_in(browser, email)
            for path in pages:
                assert (await browser.get(path)).status_code == 404, (email, path)
            for path, data in posts:
                assert (await post_form(browser, path, data)).status_code == 404, (email, path)
    for path, data in posts:
        response = await post_form(other_client, path, data)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/signin?next=")
    assert (await Session.get(id=session.id)).title_en == "Untouched"
    assert (await Room.get(id=room.id)).name_en == "Untouched"
    assert (await Speaker.get(id=speaker.id)).name == "Untouched"
    assert (await Session.all().count(), await Room.all().count(), await Speaker.all().count()) == (1, 1, 1)


async def test_organizer_overview_costs_the_same_queries_for_one_or_three_sessions(client: httpx.AsyncClient) -> None:
    summit = await organizer_of(client)
    await make_session(
        summit=summit, room=await make_room(summit=summit), speakers=(await make_speaker(summit=summit),)
    )
    with count_queries() as one:
        assert (await client.get(BASE)).status_code == 200
    for _ in range(2):
        await make_session(
            summit=summit, room=await make_room(summit=summit), speakers=(await make_speaker(summit=summit),)
        )
    with count_queries() as three:
        page = await client.get(BASE)
    assert page.text.count(f'href="{BASE}/sessions/') == 4  # three sessions and the "Add a session" button
    assert len(one.queries) == len(three.queries)


async def test_numbers_too_large_to_be_ids_name_nothing(client: httpx.AsyncClient) -> None:
    summit = await organizer_of(client)
    await make_session(summit=summit)
    big = "9" * 25
    for path in (f"{BASE}/sessions/{big}", f"{BASE}/speakers/{big}"):
        assert (await client.get(path)).status_code == 404
    for path in (f"{BASE}/sessions/{big}/delete", f"{BASE}/rooms/{big}", f"{BASE}/speakers/{big}/delete"):
        assert (await post_form(client, path, {"name_en": "x"})).status_code == 404
    assert (await post_form(client, f"/summits/ges/programme/sessions/{big}/bookmark")).status_code == 404
    response = await post_form(client, NEW, session_form(room_id=big, speakers=[big]))
    assert response.status_code == 422
    assert "Choose a room from the list." in response.text
    assert "Choose speakers from the list." in response.text
    assert await Session.filter(summit_id=summit.id).count() == 1


async def test_a_summit_goes_with_its_whole_programme() -> None:
    summit = await make_summit(slug="gone")
    room, speaker = await make_room(summit=summit), await make_speaker(summit=summit)
    session = await make_session(summit=summit, room=room, speakers=(speaker,))
    await Bookmark.create(user=await make_user(), session=session)
    await summit.delete()
    assert (await Room.all().count(), await Session.all().count(), await Bookmark.all().count()) == (0, 0, 0)


async def test_times_follow_the_summits_zone_across_a_daylight_saving_change(client: httpx.AsyncClient) -> None:
    summit = await organizer_of(
        client, timezone="Europe/Berlin", starts_on=date(2026, 10, 24), ends_on=date(2026, 10, 25)
    )
    for day in ("2026-10-24", "2026-10-25"):  # summer time ends overnight
        response = await post_form(
            client, NEW, session_form(title_en=day, starts_at=f"{day}T10:00", ends_at=f"{day}T11:00")
        )
        assert response.status_code == 303
    stored = {s.title_en: s.starts_at for s in await Session.filter(summit_id=summit.id)}
    assert stored == {
        "2026-10-24": datetime(2026, 10, 24, 8, 0, tzinfo=UTC),
        "2026-10-25": datetime(2026, 10, 25, 9, 0, tzinfo=UTC),
    }


async def test_a_side_event_sells_its_places_through_a_ticket_type_of_the_summit(client: httpx.AsyncClient) -> None:
    from podium.platform.registration.models import TicketType

    summit = await organizer_of(client)
    other = await make_summit(slug="elsewhere")
    theirs = await TicketType.create(summit=other, name_en="Their pass", currency="CNY", capacity=10)
    ours = await TicketType.create(summit=summit, name_en="Matchmaking seat", currency="CNY", capacity=40)
    side = {"kind": "side-event", "title_en": "Investor matchmaking", "needs_registration": "1"}
    foreign = await post_form(client, NEW, session_form(**side, ticket_type_id=str(theirs.id)), page=NEW)
    assert foreign.status_code == 422
    assert "Choose a ticket type from the list." in foreign.text
    assert "Matchmaking seat" in foreign.text  # the summit's own types are offered
    unticked = await post_form(client, NEW, session_form(kind="side-event", ticket_type_id=str(ours.id)), page=NEW)
    assert unticked.status_code == 422
    linked = await post_form(client, NEW, session_form(**side, ticket_type_id=str(ours.id)), page=NEW)
    assert linked.status_code == 303
    assert (await Session.get(summit_id=summit.id)).ticket_type_id == ours.id
    public = await client.get(f"/summits/{summit.slug}/programme")
    assert f'href="/summits/{summit.slug}/tickets/{ours.id}/order"' in public.text
