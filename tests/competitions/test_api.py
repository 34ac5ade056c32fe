"""The organizer's competitions API: set-up writes with a bearer token, round windows in UTC, round states,
who is refused, and the project list."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from openapi_spec_validator import validate

from podium.competitions.models import Competition, Division, Project, ProjectStatus, Round, RoundStatus, Track
from podium.platform import auth
from podium.platform.audit import AuditEntry
from podium.platform.summits.models import Role, Summit
from podium.platform.users.models import User
from tests.factories import grant, make_competition, make_round, make_summit, make_user
from tests.helpers import count_queries, csrf_token, sign_in

BODY = {
    "slug": "gec-2026",
    "name_en": "Global Entrepreneurship Competition",
    "name_zh": "全球创业大赛",
    "description_en": "For founders worldwide.",
    "rules_zh": "比赛规则。",
}
NO_OFFSET = "Enter a date and time with its offset from UTC, like 2026-06-30T15:59:00Z."
NOT_JSON = {"errors": {"__all__": ["Send a JSON object."]}}


async def bearer(user: User) -> dict[str, str]:
    _token, secret = await auth.mint_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


async def organizer(slug: str = "ges", timezone: str = "Asia/Shanghai") -> tuple[Summit, dict[str, str]]:
    summit = await make_summit(slug=slug, timezone=timezone)
    user = await make_user(email=f"org@{slug}.example")
    await grant(summit, user)
    return summit, await bearer(user)


# ---- competitions, tracks, divisions ----------------------------------------------------------


async def test_organizer_sets_up_a_competition_and_the_public_reads_it(client: httpx.AsyncClient) -> None:
    _summit, token = await organizer()
    created = await client.post("/api/v1/summits/ges/competitions", json={**BODY, "id": 99, "x": 1}, headers=token)
    assert created.status_code == 201, created.text
    competition = await Competition.get(slug="gec-2026")
    assert created.headers["location"] == f"/api/v1/competitions/{competition.id}"
    assert created.json()["id"] == competition.id != 99  # unknown and read-only fields are ignored
    assert (created.json()["tracks"], created.json()["rounds"]) == ([], [])
    base = f"/api/v1/competitions/{competition.id}"

    changed = await client.patch(base, json={"name_en": "GEC"}, headers=token)
    assert changed.status_code == 200
    # Only what was sent changes.
    assert changed.json()["name"] == {"en": "GEC", "zh": "全球创业大赛"}
    assert changed.json()["description"]["en"] == "For founders worldwide."
    assert changed.json()["slug"] == "gec-2026"

    track = await client.post(
        f"{base}/tracks", json={"name_en": "AI", "name_zh": "人工智能", "position": 1}, headers=token
    )
    assert track.status_code == 201
    track_id = track.json()["id"]
    assert track.json() == {"id": track_id, "name": {"en": "AI", "zh": "人工智能"}, "position": 1}
    moved = await client.patch(f"{base}/tracks/{track_id}", json={"position": 2}, headers=token)
    assert moved.json() == {"id": track_id, "name": {"en": "AI", "zh": "人工智能"}, "position": 2}
    second = await client.post(f"{base}/tracks", json={"name_zh": "医疗健康"}, headers=token)
    assert second.json()["position"] == 0

    division = await client.post(f"{base}/divisions", json={"name_en": "Makers", "kind": "group"}, headers=token)
    assert division.status_code == 201
    division_id = division.json()["id"]
    assert division.json()["kind"] == "group"
    regional = await client.patch(f"{base}/divisions/{division_id}", json={"kind": "region"}, headers=token)
    assert (regional.json()["kind"], regional.json()["name"]["en"]) == ("region", "Makers")

    removed = await client.delete(f"{base}/tracks/{second.json()['id']}", headers=token)
    assert removed.status_code == 204
    assert removed.content == b""
    assert (await client.delete(f"{base}/tracks/{second.json()['id']}", headers=token)).status_code == 404

    public = (await client.get(base)).json()  # no token
    assert public["name"]["en"] == "GEC"
    assert public["tracks"] == [moved.json()]
    assert public["divisions"] == [regional.json()]
    listed = (await client.get("/api/v1/summits/ges/competitions")).json()
    assert listed["items"] == [public]
    actions = set(
        await AuditEntry.filter(object_type="competition", object_id=str(competition.id)).values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "competition.created",
        "competition.updated",
        "competition.track_added",
        "competition.track_changed",
        "competition.track_removed",
        "competition.division_added",
        "competition.division_changed",
    }


async def test_bad_fields_are_refused_with_messages_that_name_them(client: httpx.AsyncClient) -> None:
    summit, token = await organizer()
    await make_competition(summit=await make_summit(slug="other"), slug="gec-2026")  # another summit may reuse it
    bad = await client.post("/api/v1/summits/ges/competitions", json={"slug": "Bad Slug", "name_en": ""}, headers=token)
    assert bad.status_code == 422
    assert bad.json()["errors"]["slug"] == ["Use lower-case letters, digits and dashes, like hicool-2026."]
    nameless = await client.post("/api/v1/summits/ges/competitions", json={"slug": "nameless"}, headers=token)
    assert nameless.json() == {"errors": {"__all__": ["Give it a name in at least one language."]}}
    assert (await client.post("/api/v1/summits/ges/competitions", json=BODY, headers=token)).status_code == 201
    again = await client.post("/api/v1/summits/ges/competitions", json=BODY, headers=token)
    assert again.status_code == 422
    assert again.json() == {"errors": {"slug": ["Another competition of this summit already uses this address."]}}

    competition = await make_competition(summit=summit, slug="taken-later")
    clash = await client.patch(f"/api/v1/competitions/{competition.id}", json={"slug": "gec-2026"}, headers=token)
    assert clash.status_code == 422
    assert list(clash.json()["errors"]) == ["slug"]
    track = await Track.create(competition=competition, name_en="AI")
    base = f"/api/v1/competitions/{competition.id}"
    for position in ("x", 10**12, None):
        response = await client.patch(f"{base}/tracks/{track.id}", json={"position": position}, headers=token)
        assert response.status_code == 422, position
        assert response.json() == {"errors": {"position": ["Enter a whole number; lower numbers come first."]}}
    kind = await client.post(f"{base}/divisions", json={"name_en": "X", "kind": "king"}, headers=token)
    assert kind.json() == {"errors": {"kind": ["Choose a region or a group."]}}
    assert (await Track.get(id=track.id)).position == 0
    assert not await Division.filter(competition_id=competition.id).exists()


async def test_bodies_that_are_not_json_objects_are_refused(client: httpx.AsyncClient) -> None:
    summit, token = await organizer()
    competition = await make_competition(summit=summit, name_en="Untouched")
    track = await Track.create(competition=competition, name_en="AI")
    stage = await make_round(competition=competition)
    base = f"/api/v1/competitions/{competition.id}"
    writes = [
        ("POST", "/api/v1/summits/ges/competitions"),
        ("PATCH", base),
        ("POST", f"{base}/tracks"),
        ("PATCH", f"{base}/tracks/{track.id}"),
        ("POST", f"{base}/rounds"),
        ("PATCH", f"/api/v1/rounds/{stage.id}"),
    ]
    bodies = [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000]
    for method, path in writes:
        for body in bodies:
            response = await client.request(
                method, path, content=body, headers={**token, "Content-Type": "application/json"}
            )
            assert response.status_code == 422, (method, path, body[:10])
            assert response.json() == NOT_JSON
    assert (await Competition.get(id=competition.id)).name_en == "Untouched"
    assert await Competition.all().count() == 1


# ---- rounds -----------------------------------------------------------------------------------


async def test_round_windows_are_iso_8601_with_an_offset_and_answered_in_utc(client: httpx.AsyncClient) -> None:
    summit, token = await organizer(timezone="Asia/Shanghai")
    competition = await make_competition(summit=summit)
    created = await client.post(
        f"/api/v1/competitions/{competition.id}/rounds",
        json={
            "name_en": "Online review",
            "name_zh": "网评",
            "submissions_open_at": "2026-05-01T09:00:00+08:00",
            "submissions_close_at": "2026-06-30T15:59:00Z",
            "judging_open_at": "2026-07-01T01:00:00+00:00",
        },
        headers=token,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "draft"
    assert body["position"] == 1
    assert (body["submissions_open_at"], body["submissions_close_at"], body["judging_open_at"]) == (
        "2026-05-01T01:00:00+00:00",
        "2026-06-30T15:59:00+00:00",
        "2026-07-01T01:00:00+00:00",
    )
    assert body["judging_close_at"] is None
    stored = await Round.get(id=body["id"])
    assert stored.submissions_close_at == datetime(2026, 6, 30, 15, 59, tzinfo=UTC)

    changed = await client.patch(
        f"/api/v1/rounds/{stored.id}",
        json={"judging_close_at": "2026-07-20T18:00:00-04:00", "submissions_open_at": None},
        headers=token,
    )
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert after["judging_close_at"] == "2026-07-20T22:00:00+00:00"
    assert after["submissions_open_at"] is None
    # What was not sent is kept to the second, through the summit's wall clock and back.
    assert after["submissions_close_at"] == "2026-06-30T15:59:00+00:00"
    assert after["name"] == {"en": "Online review", "zh": "网评"}
    public = (await client.get(f"/api/v1/competitions/{competition.id}")).json()
    assert public["rounds"] == [after]
    assert await AuditEntry.filter(action="round.updated", object_id=str(stored.id)).exists()


@pytest.mark.parametrize(
    "instant", ["2026-03-29T01:30:00+00:00", "2026-10-25T00:30:00+00:00", "2026-10-25T01:30:00+00:00"]
)
async def test_round_windows_survive_daylight_saving_changes(client: httpx.AsyncClient, instant: str) -> None:
    # Europe/London: 01:00 does not exist on 29 March; 01:30 happens twice on 25 October.
    summit, token = await organizer(timezone="Europe/London")
    competition = await make_competition(summit=summit)
    created = await client.post(
        f"/api/v1/competitions/{competition.id}/rounds",
        json={"name_en": "R", "submissions_close_at": instant},
        headers=token,
    )
    assert created.json()["submissions_close_at"] == instant
    renamed = await client.patch(f"/api/v1/rounds/{created.json()['id']}", json={"name_en": "S"}, headers=token)
    assert renamed.json()["submissions_close_at"] == instant


async def test_round_times_without_an_offset_or_not_times_are_refused(client: httpx.AsyncClient) -> None:
    summit, token = await organizer()
    competition = await make_competition(summit=summit)
    path = f"/api/v1/competitions/{competition.id}/rounds"
    naive = await client.post(path, json={"name_en": "R", "submissions_close_at": "2026-06-30T23:59"}, headers=token)
    assert naive.status_code == 422
    assert naive.json() == {"errors": {"submissions_close_at": [NO_OFFSET]}}
    mixed = await client.post(
        path,
        json={
            "name_en": "R",
            "submissions_open_at": "soon",
            "judging_open_at": 20260701,
            "judging_close_at": "2026-07-20",
        },
        headers=token,
    )
    assert mixed.json() == {
        "errors": {"submissions_open_at": [NO_OFFSET], "judging_open_at": [NO_OFFSET], "judging_close_at": [NO_OFFSET]}
    }
    for extreme in ("0001-01-01T07:00:00+08:00", "9999-12-31T23:59:00Z"):
        response = await client.post(path, json={"name_en": "R", "judging_open_at": extreme}, headers=token)
        assert response.json() == {"errors": {"judging_open_at": [NO_OFFSET]}}, extreme
    backwards = await client.post(
        path,
        json={"name_en": "R", "submissions_open_at": "2026-07-01T00:00Z", "submissions_close_at": "2026-06-01T00:00Z"},
        headers=token,
    )
    assert backwards.json() == {"errors": {"submissions_close_at": ["Submissions must close after they open."]}}
    stage = await make_round(competition=competition, submissions_close_at=datetime(2026, 6, 30, tzinfo=UTC))
    patched = await client.patch(
        f"/api/v1/rounds/{stage.id}", json={"submissions_close_at": "2026-07-30 12:00"}, headers=token
    )
    assert patched.json() == {"errors": {"submissions_close_at": [NO_OFFSET]}}
    assert (await Round.get(id=stage.id)).submissions_close_at == datetime(2026, 6, 30, tzinfo=UTC)
    assert await Round.all().count() == 1


async def test_round_states_move_through_the_api_and_illegal_moves_are_refused(client: httpx.AsyncClient) -> None:
    summit, token = await organizer()
    competition = await make_competition(summit=summit)
    stage = await make_round(competition=competition, name_en="Online review")
    path = f"/api/v1/rounds/{stage.id}"
    # Fields are saved before the move, so a deadline and the opening can be sent together.
    opened = await client.patch(
        path, json={"status": "open", "submissions_close_at": "2026-06-30T15:59Z"}, headers=token
    )
    assert opened.status_code == 200, opened.text
    assert (opened.json()["status"], opened.json()["submissions_close_at"]) == ("open", "2026-06-30T15:59:00+00:00")

    illegal = await client.patch(path, json={"status": "published", "name_en": "Renamed"}, headers=token)
    assert illegal.status_code == 422
    assert illegal.json() == {
        "errors": {"status": ["A round that is open for submissions cannot become results published."]}
    }
    unknown = await client.patch(path, json={"status": "king"}, headers=token)
    assert unknown.json() == {"errors": {"status": ["Choose a state from the list."]}}
    assert (await client.patch(path, json={"status": 3}, headers=token)).status_code == 422
    still = await Round.get(id=stage.id)
    assert (still.status, still.name_en) == (RoundStatus.OPEN, "Online review")  # the refused move saved nothing

    assert (await client.patch(path, json={"status": "judging"}, headers=token)).json()["status"] == "judging"
    moves = await AuditEntry.filter(action="round.status_changed", object_id=str(stage.id)).values_list(
        "data", flat=True
    )
    assert sorted((m["from"], m["to"]) for m in moves) == [("draft", "open"), ("open", "judging")]

    no_deadline = await make_round(competition=competition)
    refused = await client.patch(f"/api/v1/rounds/{no_deadline.id}", json={"status": "open"}, headers=token)
    assert refused.json() == {"errors": {"status": ["Set the submission deadline before opening the round."]}}


# ---- who may write ----------------------------------------------------------------------------


async def test_only_the_summits_organizers_may_write_or_list_projects(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    competition = await make_competition(summit=summit, name_en="Untouched")
    track = await Track.create(competition=competition, name_en="AI")
    division = await Division.create(competition=competition, name_en="Overseas")
    stage = await make_round(competition=competition, name_en="Untouched")
    await Project.create(competition=competition, lead=await make_user(), title="Secret")
    other_organizer = await make_user(email="org@other.example")
    await grant(await make_summit(slug="other"), other_organizer)
    judge = await make_user(email="judge@ges.example")
    await grant(summit, judge, Role.JUDGE)
    entrant = await make_user(email="entrant@example.com")
    base = f"/api/v1/competitions/{competition.id}"
    calls = [
        ("POST", "/api/v1/summits/ges/competitions", {**BODY, "slug": "hijack"}),
        ("PATCH", base, {"name_en": "Hijacked"}),
        ("POST", f"{base}/tracks", {"name_en": "Hijack"}),
        ("PATCH", f"{base}/tracks/{track.id}", {"name_en": "Hijack"}),
        ("DELETE", f"{base}/tracks/{track.id}", None),
        ("POST", f"{base}/divisions", {"name_en": "Hijack"}),
        ("PATCH", f"{base}/divisions/{division.id}", {"name_en": "Hijack"}),
        ("DELETE", f"{base}/divisions/{division.id}", None),
        ("POST", f"{base}/rounds", {"name_en": "Hijack"}),
        ("PATCH", f"/api/v1/rounds/{stage.id}", {"name_en": "Hijack", "status": "open"}),
        ("GET", f"{base}/projects", None),
    ]
    for method, path, body in calls:
        response = await client.request(method, path, json=body)
        assert response.status_code == 401, (method, path)
        assert response.json() == {"errors": {"__all__": ["Sign in to continue."]}}
    for user in (other_organizer, judge, entrant):
        token = await bearer(user)
        for method, path, body in calls:
            response = await client.request(method, path, json=body, headers=token)
            assert response.status_code == 404, (user.email, method, path)
            assert list(response.json()["errors"]) == ["__all__"]
    assert (await Competition.get(id=competition.id)).name_en == "Untouched"
    assert await Competition.all().count() == 1
    assert [t.name_en for t in await Track.filter(competition_id=competition.id)] == ["AI"]
    assert [d.name_en for d in await Division.filter(competition_id=competition.id)] == ["Overseas"]
    assert [(r.name_en, r.status) for r in await Round.all()] == [("Untouched", RoundStatus.DRAFT)]
    assert not await AuditEntry.exists()


async def test_a_part_of_another_competition_cannot_be_reached_through_ours(client: httpx.AsyncClient) -> None:
    summit, token = await organizer()
    ours = await make_competition(summit=summit)
    theirs = await make_competition(summit=await make_summit(slug="x"))
    foreign = await Track.create(competition=theirs, name_en="Theirs")
    path = f"/api/v1/competitions/{ours.id}/tracks/{foreign.id}"
    assert (await client.patch(path, json={"name_en": "Mine"}, headers=token)).status_code == 404
    assert (await client.delete(path, headers=token)).status_code == 404
    assert (await Track.get(id=foreign.id)).name_en == "Theirs"


async def test_session_writes_need_the_csrf_header_but_bearer_writes_do_not(client: httpx.AsyncClient) -> None:
    summit, _token = await organizer()
    competition = await make_competition(summit=summit)
    await sign_in(client, "org@ges.example")
    path = f"/api/v1/competitions/{competition.id}/tracks"
    forged = await client.post(path, json={"name_en": "Forged"})
    assert forged.status_code == 403
    assert list(forged.json()["errors"]) == ["__all__"]
    csrf = await csrf_token(client, f"/organize/competitions/{competition.id}")
    sent = await client.post(path, json={"name_en": "AI"}, headers={"X-CSRF-Token": csrf})
    assert sent.status_code == 201
    assert [t.name_en for t in await Track.filter(competition_id=competition.id)] == ["AI"]


# ---- the organizer's project list -------------------------------------------------------------


async def _field(competition: Competition) -> tuple[Track, Track]:
    ai = await Track.create(competition=competition, name_en="AI")
    health = await Track.create(competition=competition, name_en="Health")
    for title, track, country, status in [
        ("Quantum Sensing for Farms", ai, "GB", ProjectStatus.SUBMITTED),
        ("Heart Monitor", health, "DE", ProjectStatus.SUBMITTED),
        ("Autonomous Tractors", ai, "CN", ProjectStatus.DRAFT),
    ]:
        await Project.create(
            competition=competition,
            lead=await make_user(),
            title=title,
            summary=f"{title}, in short.",
            track=track,
            country=country,
            status=status,
        )
    return ai, health


async def test_organizer_lists_projects_with_filters_and_pages(client: httpx.AsyncClient) -> None:
    summit, token = await organizer()
    competition = await make_competition(summit=summit)
    ai, _health = await _field(competition)
    await Project.create(competition=await make_competition(summit=summit), lead=await make_user(), title="Elsewhere")
    path = f"/api/v1/competitions/{competition.id}/projects"

    async def titles(query: str) -> list[str]:
        response = await client.get(f"{path}?{query}", headers=token)
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    first = (await client.get(f"{path}?per_page=2&sort=title", headers=token)).json()
    assert (first["total"], first["page"], first["per_page"]) == (3, 1, 2)
    assert set(first["items"][0]) == {
        "id",
        "competition_id",
        "title",
        "summary",
        "website",
        "video_url",
        "country",
        "referral",
        "track_id",
        "division_id",
        "status",
        "submitted_at",
        "updated_at",
    }
    second = (await client.get(f"{path}?per_page=2&sort=title&page=2", headers=token)).json()
    assert [p["title"] for p in first["items"] + second["items"]] == [
        "Autonomous Tractors",
        "Heart Monitor",
        "Quantum Sensing for Farms",
    ]
    assert (await client.get(f"{path}?per_page=2&page=9", headers=token)).json()["page"] == 2  # past the end
    assert sorted(await titles(f"track={ai.id}")) == ["Autonomous Tractors", "Quantum Sensing for Farms"]
    assert await titles("country=de") == ["Heart Monitor"]
    assert sorted(await titles("status=submitted")) == ["Heart Monitor", "Quantum Sensing for Farms"]
    assert await titles(f"status=draft&track={ai.id}") == ["Autonomous Tractors"]
    assert await titles("q=farms") == ["Quantum Sensing for Farms"]
    assert await titles("eligibility=eligible") == []
    # Filters that make no sense are ignored, as on the organizer's page.
    assert len(await titles("track=x&status=king&sort=evil&eligibility=maybe")) == 3
    for query, field in [("per_page=1000", "per_page"), ("per_page=0", "per_page"), ("page=-1", "page")]:
        response = await client.get(f"{path}?{query}", headers=token)
        assert response.status_code == 422
        assert list(response.json()["errors"]) == [field]


async def test_project_list_costs_the_same_queries_for_one_or_three(client: httpx.AsyncClient) -> None:
    summit, token = await organizer()
    competition = await make_competition(summit=summit)
    track = await Track.create(competition=competition, name_en="AI")
    await Project.create(competition=competition, lead=await make_user(), title="One", track=track)
    path = f"/api/v1/competitions/{competition.id}/projects"
    await client.get(path, headers=token)  # the token's first use stamps its last_used_at; later ones do not
    with count_queries() as one:
        assert len((await client.get(path, headers=token)).json()["items"]) == 1
    for title in ("Two", "Three"):
        await Project.create(competition=competition, lead=await make_user(), title=title, track=track)
    with count_queries() as three:
        assert len((await client.get(path, headers=token)).json()["items"]) == 3
    assert len(one.queries) == len(three.queries)


# ---- the documentation ------------------------------------------------------------------------


async def test_every_write_is_documented_in_the_openapi_spec(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    validate(spec)
    paths = spec["paths"]
    assert set(paths["/api/v1/summits/{slug}/competitions"]) == {"get", "post"}
    assert set(paths["/api/v1/competitions/{id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/competitions/{id}/tracks"]) == {"post"}
    assert set(paths["/api/v1/competitions/{id}/tracks/{item_id}"]) == {"patch", "delete"}
    assert set(paths["/api/v1/competitions/{id}/divisions/{item_id}"]) == {"patch", "delete"}
    assert set(paths["/api/v1/competitions/{id}/rounds"]) == {"post"}
    assert set(paths["/api/v1/rounds/{id}"]) == {"patch"}
    assert set(paths["/api/v1/competitions/{id}/projects"]) == {"get"}
    assert "division" in paths["/api/v1/competitions/{id}/divisions"]["post"]["summary"]
    assert "security" not in paths["/api/v1/competitions/{id}"]["get"]
    assert paths["/api/v1/competitions/{id}"]["patch"]["security"] == [{"bearer": []}]
