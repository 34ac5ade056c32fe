"""Competition set-up: competitions, tracks, divisions and rounds; who may touch them; time zones; states."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from podium.competitions.models import Competition, Division, Round, RoundStatus, Track
from podium.platform.audit import AuditEntry
from podium.platform.summits.models import Role, Summit
from tests.factories import grant, make_competition, make_round, make_summit, make_user
from tests.helpers import count_queries, post_form, sign_in

FORM = {
    "slug": "gec-2026",
    "name_en": "Global Entrepreneurship Competition",
    "name_zh": "全球创业大赛",
    "description_en": "For founders worldwide.",
    "description_zh": "",
    "rules_en": "",
    "rules_zh": "比赛规则。",
}


async def _organizer(client: httpx.AsyncClient, summit_slug: str = "ges", timezone: str = "Asia/Shanghai") -> None:
    summit = await make_summit(slug=summit_slug, timezone=timezone)
    await grant(summit, await make_user(email=f"org@{summit_slug}.example"))
    await sign_in(client, f"org@{summit_slug}.example")


async def test_organizer_creates_a_competition_and_the_public_sees_it_in_their_language(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await _organizer(client)
    response = await post_form(
        client, "/organize/summits/ges/competitions", FORM, page="/organize/summits/ges/competitions"
    )
    assert response.status_code == 303
    competition = await Competition.get(slug="gec-2026")
    assert response.headers["location"] == f"/organize/competitions/{competition.id}?notice=competition-saved"
    assert await AuditEntry.filter(action="competition.created", object_id=str(competition.id)).exists()

    english = await other_client.get("/summits/ges/competitions/gec-2026")
    assert "Global Entrepreneurship Competition" in english.text
    assert "比赛规则。" in english.text  # no English rules: the Chinese ones are shown
    chinese = await other_client.get("/summits/ges/competitions/gec-2026", headers={"Accept-Language": "zh-CN"})
    assert "全球创业大赛" in chinese.text
    assert "For founders worldwide." in chinese.text  # no Chinese description: the English one is shown


async def test_competition_form_errors_keep_values(client: httpx.AsyncClient) -> None:
    await _organizer(client)
    await make_competition(summit=await make_summit(slug="other"), slug="gec-2026")  # another summit may reuse it
    bad = {**FORM, "name_en": "", "name_zh": "", "slug": "Bad Slug"}
    response = await post_form(
        client, "/organize/summits/ges/competitions", bad, page="/organize/summits/ges/competitions"
    )
    assert response.status_code == 422
    assert "Use lower-case letters, digits and dashes, like hicool-2026." in response.text
    assert 'value="Bad Slug"' in response.text
    ok = await post_form(client, "/organize/summits/ges/competitions", FORM, page="/organize/summits/ges/competitions")
    assert ok.status_code == 303
    again = await post_form(
        client, "/organize/summits/ges/competitions", FORM, page="/organize/summits/ges/competitions"
    )
    assert again.status_code == 422
    assert "Another competition of this summit already uses this address." in again.text


async def test_tracks_and_divisions_are_added_changed_and_removed(client: httpx.AsyncClient) -> None:
    await _organizer(client)
    competition = await make_competition(summit=await make_summit(slug="x"))  # not ours
    ours = await make_competition(summit=await Summit.get(slug="ges"))
    page = f"/organize/competitions/{ours.id}"
    assert (
        await post_form(client, f"{page}/tracks", {"name_en": "AI", "name_zh": "人工智能", "position": "1"}, page=page)
    ).status_code == 303
    track = await Track.get(competition_id=ours.id)
    assert (track.name_zh, track.position) == ("人工智能", 1)
    bad = await post_form(
        client, f"{page}/tracks/{track.id}", {"name_en": "", "name_zh": "", "position": "x"}, page=page
    )
    assert bad.status_code == 422
    assert "Enter a whole number; lower numbers come first." in bad.text
    assert (
        await post_form(client, f"{page}/tracks/{track.id}", {"name_en": "AI and VR", "position": "2"}, page=page)
    ).status_code == 303
    assert (await Track.get(id=track.id)).name_en == "AI and VR"
    assert (
        await post_form(client, f"{page}/divisions", {"name_en": "Maker group", "kind": "group"}, page=page)
    ).status_code == 303
    division = await Division.get(competition_id=ours.id)
    assert division.kind == "group"
    assert (await post_form(client, f"{page}/divisions/{division.id}/delete", page=page)).status_code == 303
    assert not await Division.filter(id=division.id).exists()
    # A track of another competition cannot be reached through ours.
    foreign = await Track.create(competition=competition, name_en="Theirs")
    response = await post_form(client, f"{page}/tracks/{foreign.id}/delete", page=page)
    assert response.status_code == 404
    assert await Track.filter(id=foreign.id).exists()


async def test_outsiders_get_404_on_every_organizer_page_and_change_nothing(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(slug="ges")
    competition = await make_competition(summit=summit, name_en="Untouched")
    track = await Track.create(competition=competition, name_en="AI")
    first = await make_round(competition=competition)
    await grant(await make_summit(slug="other"), await make_user(email="org@other.example"))
    await grant(summit, await make_user(email="judge@ges.example"), Role.JUDGE)
    await make_user(email="entrant@example.com")
    base = f"/organize/competitions/{competition.id}"
    posts = [
        (base, {**FORM, "name_en": "Hijacked"}),
        (f"{base}/tracks", {"name_en": "Hijack"}),
        (f"{base}/tracks/{track.id}", {"name_en": "Hijack"}),
        (f"{base}/tracks/{track.id}/delete", {}),
        (f"{base}/divisions", {"name_en": "Hijack"}),
        (f"{base}/rounds/new", {"name_en": "Hijack"}),
        (f"/organize/rounds/{first.id}", {"name_en": "Hijack"}),
        (f"/organize/rounds/{first.id}/status", {"to": "open"}),
        ("/organize/summits/ges/competitions", {**FORM, "slug": "hijack"}),
    ]
    for email in ("org@other.example", "judge@ges.example", "entrant@example.com"):
        async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as browser:
            await sign_in(browser, email)
            for path in (
                base,
                f"{base}/rounds/new",
                f"/organize/rounds/{first.id}",
                "/organize/summits/ges/competitions",
            ):
                assert (await browser.get(path)).status_code == 404, (email, path)
            for path, data in posts:
                assert (await post_form(browser, path, data)).status_code == 404, (email, path)
    for path, data in posts:
        response = await post_form(other_client, path, data)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/signin?next=")
    assert (await Competition.get(id=competition.id)).name_en == "Untouched"
    assert await Track.filter(competition_id=competition.id).count() == 1
    assert (await Round.get(id=first.id)).status == RoundStatus.DRAFT
    assert await Competition.all().count() == 1


async def test_round_windows_are_entered_in_the_summits_zone_and_stored_in_utc(client: httpx.AsyncClient) -> None:
    await _organizer(client, timezone="Asia/Shanghai")
    competition = await make_competition(summit=await Summit.get(slug="ges"))
    page = f"/organize/competitions/{competition.id}/rounds/new"
    response = await post_form(
        client,
        page,
        {
            "name_en": "Online review",
            "name_zh": "网评",
            "submissions_open_at": "2026-05-01T09:00",
            "submissions_close_at": "2026-06-30T23:59",
            "judging_open_at": "2026-07-01T09:00",
            "judging_close_at": "2026-07-20T18:00",
        },
        page=page,
    )
    assert response.status_code == 303
    stored = await Round.get(competition_id=competition.id)
    assert stored.position == 1
    assert stored.submissions_close_at == datetime(2026, 6, 30, 15, 59, tzinfo=UTC)
    assert stored.submissions_open_at == datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    edit = await client.get(f"/organize/rounds/{stored.id}")
    assert 'value="2026-06-30T23:59"' in edit.text  # shown back in Beijing time
    public = await client.get(f"/summits/ges/competitions/{competition.slug}")
    assert "6/30/26, 11:59\u202fPM" in public.text


async def test_round_windows_must_be_in_order(client: httpx.AsyncClient) -> None:
    await _organizer(client)
    competition = await make_competition(summit=await Summit.get(slug="ges"))
    page = f"/organize/competitions/{competition.id}/rounds/new"
    response = await post_form(
        client,
        page,
        {
            "name_en": "Final",
            "submissions_open_at": "2026-07-01T09:00",
            "submissions_close_at": "2026-06-01T09:00",
            "judging_close_at": "not a date",
        },
        page=page,
    )
    assert response.status_code == 422
    assert "Enter a date and time, like 2026-07-20 18:00." in response.text
    response = await post_form(
        client,
        page,
        {"name_en": "Final", "submissions_open_at": "2026-07-01T09:00", "submissions_close_at": "2026-06-01T09:00"},
        page=page,
    )
    assert response.status_code == 422
    assert "Submissions must close after they open." in response.text
    assert 'value="2026-06-01T09:00"' in response.text
    assert await Round.all().count() == 0


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        (["open", "judging", "closed", "published"], True),
        (["open", "draft", "open", "judging", "closed", "judging", "closed", "published"], True),
    ],
)
async def test_round_state_machine_legal_paths(client: httpx.AsyncClient, path: list[str], ok: bool) -> None:
    await _organizer(client)

    competition = await make_competition(summit=await Summit.get(slug="ges"))
    stage = await make_round(competition=competition, submissions_close_at=datetime(2026, 6, 30, tzinfo=UTC))
    for target in path:
        response = await post_form(
            client,
            f"/organize/rounds/{stage.id}/status",
            {"to": target},
            page=f"/organize/competitions/{competition.id}",
        )
        assert response.status_code == 303, (target, response.text[:300])
        assert (await Round.get(id=stage.id)).status == target
    assert await AuditEntry.filter(action="round.status_changed", object_id=str(stage.id)).count() == len(path)


@pytest.mark.parametrize(
    ("start", "target", "message"),
    [
        ("draft", "closed", "A round that is draft cannot become closed."),
        ("draft", "published", "A round that is draft cannot become results published."),
        ("open", "closed", "A round that is open for submissions cannot become closed."),
        ("judging", "open", "A round that is judging cannot become open for submissions."),
        ("published", "closed", "A round that is results published cannot become closed."),
        ("published", "judging", "A round that is results published cannot become judging."),
        ("draft", "king", "Choose a state from the list."),
    ],
)
async def test_round_state_machine_refuses_illegal_moves(
    client: httpx.AsyncClient, start: str, target: str, message: str
) -> None:
    await _organizer(client)

    competition = await make_competition(summit=await Summit.get(slug="ges"))
    stage = await make_round(
        competition=competition, status=start, submissions_close_at=datetime(2026, 6, 30, tzinfo=UTC)
    )
    response = await post_form(
        client, f"/organize/rounds/{stage.id}/status", {"to": target}, page=f"/organize/competitions/{competition.id}"
    )
    assert response.status_code == 422
    assert message in response.text
    assert (await Round.get(id=stage.id)).status == start


async def test_a_round_without_a_deadline_cannot_open(client: httpx.AsyncClient) -> None:
    await _organizer(client)

    competition = await make_competition(summit=await Summit.get(slug="ges"))
    stage = await make_round(competition=competition)
    response = await post_form(
        client, f"/organize/rounds/{stage.id}/status", {"to": "open"}, page=f"/organize/competitions/{competition.id}"
    )
    assert response.status_code == 422
    assert "Set the submission deadline before opening the round." in response.text


async def test_api_lists_a_summits_competitions_with_their_set_up(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    competition = await make_competition(summit=summit, slug="gec")
    await Track.create(competition=competition, name_en="AI", name_zh="人工智能", position=1)
    await Division.create(competition=competition, name_en="Overseas", kind="region")
    await make_round(competition=competition, submissions_close_at=datetime(2026, 6, 30, 15, 59, tzinfo=UTC))
    body = (await client.get("/api/v1/summits/ges/competitions")).json()
    [item] = body["items"]
    assert item["slug"] == "gec"
    assert item["tracks"][0]["name"] == {"en": "AI", "zh": "人工智能"}
    assert item["divisions"][0]["kind"] == "region"
    assert item["rounds"][0]["submissions_close_at"] == "2026-06-30T15:59:00+00:00"
    assert item["rounds"][0]["status"] == "draft"
    one = await client.get(f"/api/v1/competitions/{competition.id}")
    assert one.json() == item
    missing = await client.get("/api/v1/competitions/999999")
    assert missing.status_code == 404
    assert list(missing.json()["errors"]) == ["__all__"]
    assert (await client.get("/api/v1/summits/nope/competitions")).status_code == 404


async def test_competition_lists_cost_the_same_queries_for_one_or_three(client: httpx.AsyncClient) -> None:
    await _organizer(client)

    summit = await Summit.get(slug="ges")
    competition = await make_competition(summit=summit)
    await Track.create(competition=competition, name_en="T1")
    await make_round(competition=competition)
    with count_queries() as one_api:
        await client.get("/api/v1/summits/ges/competitions")
    with count_queries() as one_page:
        await client.get(f"/organize/competitions/{competition.id}")
    for n in range(2):
        other = await make_competition(summit=summit)
        await Track.create(competition=other, name_en=f"T{n}")
        await Track.create(competition=competition, name_en=f"U{n}")
        await make_round(competition=competition)
    with count_queries() as three_api:
        body = (await client.get("/api/v1/summits/ges/competitions")).json()
    with count_queries() as three_page:
        page = await client.get(f"/organize/competitions/{competition.id}")
    assert len(body["items"]) == 3
    assert page.text.count("/status") >= 3
    assert len(one_api.queries) == len(three_api.queries)
    assert len(one_page.queries) == len(three_page.queries)
