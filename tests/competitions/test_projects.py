"""Entrants apply with a team until the deadline; organizers see and search the field; outsiders see nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from podium.competitions.models import (
    Competition,
    Division,
    Project,
    ProjectStatus,
    Round,
    RoundStatus,
    TeamMember,
    Track,
)
from podium.competitions.project_forms import ProjectForm
from podium.competitions.services import projects
from podium.platform.audit import AuditEntry
from podium.platform.auth import Actor
from podium.platform.errors import Conflict
from podium.platform.i18n import utcnow
from podium.platform.summits.models import Role
from tests.conftest import JobRunner, SmtpSink
from tests.factories import grant, make_competition, make_summit, make_user
from tests.helpers import count_queries, csrf_token, links_in, post_form, sign_in

COMPLETE = {
    "title": "Quantum Sensing for Farms",
    "summary": "Soil sensors that read nitrogen.",
    "website": "quantumfarm.example",
    "country": "gb",
    "referral": "HC-2026-17",
}


async def open_competition(**round_fields: object) -> tuple[Competition, Track, Division]:
    summit = await make_summit(slug="ges", timezone="Asia/Shanghai")
    competition = await make_competition(summit=summit, slug="gec")
    track = await Track.create(competition=competition, name_en="AI", name_zh="人工智能")
    division = await Division.create(competition=competition, name_en="Overseas", name_zh="海外赛区")
    fields: dict[str, object] = {"status": RoundStatus.OPEN, "submissions_close_at": utcnow() + timedelta(days=30)}
    fields.update(round_fields)
    await Round.create(competition=competition, position=1, name_en="Online review", **fields)
    return competition, track, division


async def apply_as(client: httpx.AsyncClient, email: str, competition: Competition, **values: object) -> Project:
    await make_user(email=email)
    await sign_in(client, email)
    page = f"/competitions/{competition.id}/apply"
    response = await post_form(client, page, {**COMPLETE, **{k: str(v) for k, v in values.items()}}, page=page)
    assert response.status_code == 303, response.text[:400]
    return await Project.filter(lead__email=email).order_by("-id").first()  # type: ignore[return-value]


async def test_entrant_creates_a_draft_and_becomes_its_lead(client: httpx.AsyncClient) -> None:
    competition, track, division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition, track_id=track.id, division_id=division.id)
    assert (project.title, project.country, project.website, project.status) == (
        "Quantum Sensing for Farms",
        "GB",
        "https://quantumfarm.example",
        ProjectStatus.DRAFT,
    )
    [lead] = await TeamMember.filter(project_id=project.id)
    assert (lead.is_lead, lead.email, lead.user_id is not None) == (True, "wang@example.com", True)
    mine = await client.get("/projects")
    assert "Quantum Sensing for Farms" in mine.text
    public = await client.get("/summits/ges/competitions/gec")
    assert f'href="/competitions/{competition.id}/apply"' in public.text


async def test_bad_project_input_keeps_values_and_names_fields(client: httpx.AsyncClient) -> None:
    competition, _track, _division = await open_competition()
    other = await make_competition(summit=await make_summit())
    foreign_track = await Track.create(competition=other, name_en="Not here")
    await make_user(email="wang@example.com")
    await sign_in(client, "wang@example.com")
    page = f"/competitions/{competition.id}/apply"
    response = await post_form(
        client,
        page,
        {**COMPLETE, "website": "not a url", "summary": "x" * 5001, "track_id": str(foreign_track.id)},
        page=page,
    )
    assert response.status_code == 422
    assert "Enter a web address, like https://example.com." in response.text
    assert "Use at most 5000 characters." in response.text
    assert 'value="Quantum Sensing for Farms"' in response.text
    assert await Project.all().count() == 0
    response = await post_form(client, page, {**COMPLETE, "track_id": str(foreign_track.id)}, page=page)
    assert response.status_code == 422
    assert "Choose a track from the list." in response.text


@pytest.mark.parametrize(
    "round_fields",
    [
        {"status": RoundStatus.DRAFT},
        {"submissions_close_at": utcnow() - timedelta(seconds=1)},
        {"submissions_open_at": utcnow() + timedelta(days=1)},
    ],
)
async def test_no_application_outside_the_window(client: httpx.AsyncClient, round_fields: dict[str, object]) -> None:
    competition, _track, _division = await open_competition(**round_fields)
    await make_user(email="late@example.com")
    await sign_in(client, "late@example.com")
    page = f"/competitions/{competition.id}/apply"
    response = await post_form(client, page, COMPLETE, page=page)
    assert response.status_code == 409
    assert "Applications for this competition are closed." in response.text
    assert await Project.all().count() == 0


async def test_the_deadline_is_the_second_in_the_summits_time_zone(client: httpx.AsyncClient) -> None:
    deadline = datetime(2026, 6, 30, 23, 59, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
    competition, _track, _division = await open_competition(submissions_close_at=deadline.astimezone(UTC))
    user = await make_user(email="wang@example.com")
    actor = Actor(user=user)
    before = deadline - timedelta(seconds=1)
    project = await projects.create_project(
        actor=actor, competition=competition, form=ProjectForm(title="Early"), now=before
    )
    members = await TeamMember.filter(project_id=project.id)
    await projects.update_project(
        actor=actor, project=project, members=members, form=ProjectForm(title="Edited at 23:59:58"), now=before
    )
    with pytest.raises(Conflict):
        await projects.update_project(
            actor=actor, project=project, members=members, form=ProjectForm(title="Too late"), now=deadline
        )
    with pytest.raises(Conflict):
        await projects.create_project(
            actor=actor, competition=competition, form=ProjectForm(title="Late"), now=deadline + timedelta(seconds=1)
        )
    assert (await Project.get(id=project.id)).title == "Edited at 23:59:58"


async def test_submit_needs_the_essentials_then_sends_a_receipt(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    competition, track, division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition, summary="")
    page = f"/projects/{project.id}"
    refused = await post_form(client, f"{page}/submit", page=page)
    assert refused.status_code == 422
    assert "Write a summary before submitting." in refused.text
    assert "Choose a track before submitting." in refused.text
    assert (await Project.get(id=project.id)).status == ProjectStatus.DRAFT
    await post_form(client, page, {**COMPLETE, "track_id": str(track.id), "division_id": str(division.id)}, page=page)
    response = await post_form(client, f"{page}/submit", page=page)
    assert response.status_code == 303
    stored = await Project.get(id=project.id)
    assert stored.status == ProjectStatus.SUBMITTED
    assert stored.submitted_at is not None
    await run_jobs.run()
    assert [m["Subject"] for m in mailbox.messages] == ["Received: Quantum Sensing for Farms"]


async def test_after_the_deadline_the_project_is_read_only(client: httpx.AsyncClient) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    await Round.filter(competition_id=competition.id).update(submissions_close_at=utcnow() - timedelta(seconds=1))
    page = await client.get(f"/projects/{project.id}")
    assert "Applications are closed: the project can no longer be changed." in page.text
    assert "data-autosave" not in page.text
    response = await post_form(
        client, f"/projects/{project.id}", {**COMPLETE, "title": "Changed"}, page=f"/projects/{project.id}"
    )
    assert response.status_code == 409
    assert (await Project.get(id=project.id)).title == "Quantum Sensing for Farms"


async def test_withdrawn_projects_cannot_be_edited(client: httpx.AsyncClient) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    page = f"/projects/{project.id}"
    assert (await post_form(client, f"{page}/withdraw", page=page)).status_code == 303
    assert (await Project.get(id=project.id)).status == ProjectStatus.WITHDRAWN
    response = await post_form(client, page, {**COMPLETE, "title": "Back"}, page=page)
    assert response.status_code == 409
    assert await AuditEntry.filter(action="project.withdrawn", object_id=str(project.id)).exists()


async def test_autosave_api_saves_with_the_csrf_header_only(client: httpx.AsyncClient) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    token = await csrf_token(client, f"/projects/{project.id}")
    response = await client.patch(
        f"/api/v1/projects/{project.id}", json={"summary": "Autosaved words."}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 200
    assert response.json()["summary"] == "Autosaved words."
    assert (await Project.get(id=project.id)).summary == "Autosaved words."
    forged = await client.patch(f"/api/v1/projects/{project.id}", json={"summary": "Forged."})
    assert forged.status_code == 403
    bad = await client.patch(
        f"/api/v1/projects/{project.id}", json={"website": "nope"}, headers={"X-CSRF-Token": token}
    )
    assert bad.status_code == 422
    assert bad.json() == {"errors": {"website": ["Enter a web address, like https://example.com."]}}
    garbage = await client.patch(
        f"/api/v1/projects/{project.id}",
        content=b"[1,2",
        headers={"X-CSRF-Token": token, "Content-Type": "application/json"},
    )
    assert garbage.status_code == 422
    assert (await Project.get(id=project.id)).summary == "Autosaved words."


async def test_team_invitation_joins_the_invited_address_only(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    page = f"/projects/{project.id}"
    too_much = await post_form(client, f"{page}/team", {"email": "li@example.com", "equity": "100.5"}, page=page)
    assert too_much.status_code == 422
    assert "Enter the share in percent, from 0 to 100, like 35 or 12.5." in too_much.text
    response = await post_form(
        client,
        f"{page}/team",
        {
            "email": "Li@Example.com",
            "name": "Li Wei",
            "role": "CTO",
            "equity": "20",
            "overseas": "study",
            "overseas_years": "3",
            "returned_on": "2024-07-01",
        },
        page=page,
    )
    assert response.status_code == 303
    await run_jobs.run()
    link = next(u for m in mailbox.messages for u in links_in(m) if "/invitations/" in u)
    path = link.removeprefix("http://podium.test")

    await make_user(email="someone.else@example.com")
    await sign_in(other_client, "someone.else@example.com")
    wrong = await post_form(other_client, path, page=path)
    assert wrong.status_code == 409
    assert "This invitation was sent to li@example.com." in wrong.text

    async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as li:
        await make_user(email="li@example.com")
        await sign_in(li, "li@example.com")
        joined = await post_form(li, path, page=path)
        assert joined.status_code == 303
        assert (await li.get(page)).status_code == 200
        assert (await post_form(li, path, page="/")).status_code == 404  # used once
    member = await TeamMember.get(project_id=project.id, email="li@example.com")
    assert member.user_id is not None
    assert str(member.equity) == "20.00"


async def test_lead_hands_over_and_removes_members(client: httpx.AsyncClient) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    li = await make_user(email="li@example.com")
    member = await TeamMember.create(project_id=project.id, user=li, email=li.email, equity=10, joined_at=utcnow())
    pending = await TeamMember.create(project_id=project.id, email="later@example.com")
    page = f"/projects/{project.id}"
    lead = await TeamMember.get(project_id=project.id, is_lead=True)
    refused = await post_form(client, f"{page}/team/{lead.id}/remove", page=page)
    assert refused.status_code == 422
    assert "The lead founder cannot be removed. Hand over leadership first." in refused.text
    assert (await post_form(client, f"{page}/team/{pending.id}/remove", page=page)).status_code == 303
    assert not await TeamMember.filter(id=pending.id).exists()
    assert (await post_form(client, f"{page}/team/{member.id}/lead", page=page)).status_code == 303
    assert (await Project.get(id=project.id)).lead_id == li.id
    assert (await TeamMember.get(id=member.id)).is_lead


async def test_nobody_outside_the_team_sees_or_changes_a_project(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    summit_id = competition.summit_id
    await grant(await make_summit(slug="other"), await make_user(email="org@other.example"))
    from podium.platform.summits.models import Summit

    await grant(await Summit.get(id=summit_id), await make_user(email="judge@ges.example"), Role.JUDGE)
    await make_user(email="rival@example.com")
    page = f"/projects/{project.id}"
    attempts = [
        (page, {**COMPLETE, "title": "Hijacked"}),
        (f"{page}/submit", {}),
        (f"{page}/withdraw", {}),
        (f"{page}/team", {"email": "x@example.com"}),
    ]
    for email in ("rival@example.com", "judge@ges.example", "org@other.example"):
        async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as browser:
            await sign_in(browser, email)
            assert (await browser.get(page)).status_code == 404, email
            assert (await browser.get(f"/api/v1/projects/{project.id}")).status_code == 404, email
            for path, data in attempts:
                assert (await post_form(browser, path, data)).status_code == 404, (email, path)
            assert (await browser.get(f"/organize/competitions/{competition.id}/projects")).status_code == 404
            assert "Quantum" not in (await browser.get("/projects")).text
    anonymous = await other_client.get(page)
    assert anonymous.status_code == 303
    assert (await other_client.get(f"/api/v1/projects/{project.id}")).status_code == 401
    stored = await Project.get(id=project.id)
    assert (stored.title, stored.status) == ("Quantum Sensing for Farms", ProjectStatus.DRAFT)
    assert await TeamMember.filter(project_id=project.id).count() == 1


async def test_organizer_filters_and_searches_the_field(client: httpx.AsyncClient) -> None:
    competition, track, division = await open_competition()
    other_track = await Track.create(competition=competition, name_en="Health")
    for n, (title, summary, chosen, country) in enumerate(
        [
            ("Quantum Sensing for Farms", "Soil sensors", track, "GB"),
            ("Heart Monitor", "Wearable cardiology patch", other_track, "DE"),
            ("Farm Robots", "Autonomous weeding", track, "JP"),
        ]
    ):
        lead = await make_user(email=f"lead{n}@example.com")
        await Project.create(
            competition=competition,
            lead=lead,
            title=title,
            summary=summary,
            track=chosen,
            division=division,
            country=country,
        )
    from podium.platform.summits.models import Summit

    await grant(await Summit.get(id=competition.summit_id), await make_user(email="org@ges.example"))
    await sign_in(client, "org@ges.example")
    base = f"/organize/competitions/{competition.id}/projects"
    everything = await client.get(base)
    assert "3 projects" in everything.text
    assert everything.text.count('href="/projects/') == 3
    by_track = await client.get(f"{base}?track={track.id}")
    assert by_track.text.count('href="/projects/') == 2
    by_country = await client.get(f"{base}?country=de")
    assert "Heart Monitor" in by_country.text
    assert by_country.text.count('href="/projects/') == 1
    found = await client.get(f"{base}?q=farms")
    assert "Quantum Sensing for Farms" in found.text
    assert "Heart Monitor" not in found.text
    words = await client.get(f"{base}?q=cardiology+patch")
    assert words.text.count('href="/projects/') == 1
    odd = await client.get(f"{base}?q=%27%3B+drop+table&track=x&status=king&sort=evil&page=-3")
    assert odd.status_code == 200
    assert "No project matches." in odd.text
    organizer_view = await client.get(f"/projects/{(await Project.get(title='Heart Monitor')).id}")
    assert organizer_view.status_code == 200


async def test_organizer_list_costs_the_same_queries_for_one_or_three(client: httpx.AsyncClient) -> None:
    competition, track, division = await open_competition()
    from podium.platform.summits.models import Summit

    await grant(await Summit.get(id=competition.summit_id), await make_user(email="org@ges.example"))
    await sign_in(client, "org@ges.example")
    await Project.create(competition=competition, lead=await make_user(), title="One", track=track, division=division)
    base = f"/organize/competitions/{competition.id}/projects"
    with count_queries() as one:
        await client.get(base)
    for title in ("Two", "Three"):
        await Project.create(
            competition=competition, lead=await make_user(), title=title, track=track, division=division
        )
    with count_queries() as three:
        page = await client.get(base)
    assert page.text.count('href="/projects/') == 3
    assert len(one.queries) == len(three.queries)


async def test_organizers_see_the_full_history_and_the_team_sees_the_timeline(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    competition, track, division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition, track_id=track.id, division_id=division.id)
    page = f"/projects/{project.id}"
    await post_form(
        client,
        page,
        {**COMPLETE, "title": "Renamed", "track_id": str(track.id), "division_id": str(division.id)},
        page=page,
    )
    await post_form(client, f"{page}/submit", page=page)
    mine = await client.get(page)
    assert "Where the project stands" in mine.text
    assert "your application is in" in mine.text
    assert 'id="history"' not in mine.text  # the history is for organizers
    from podium.platform.summits.models import Summit

    await grant(await Summit.get(id=competition.summit_id), await make_user(email="org@ges.example"))
    await sign_in(other_client, "org@ges.example")
    view = await other_client.get(page)
    history = view.text.split('id="history"')[1].split("</section>")[0]
    assert history.index("Draft created") < history.index("Application edited") < history.index("Submitted")
    assert "(title)" in history


async def test_a_co_founder_can_be_invited_with_only_an_e_mail(client: httpx.AsyncClient) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    page = f"/projects/{project.id}"
    blank = {
        "email": "li@example.com",
        "name": "",
        "role": "",
        "equity": "",
        "overseas": "none",
        "overseas_years": "",
        "returned_on": "",
    }
    assert (await post_form(client, f"{page}/team", blank, page=page)).status_code == 303
    member = await TeamMember.get(project_id=project.id, email="li@example.com")
    assert (str(member.equity), str(member.overseas_years), member.returned_on) == ("0.00", "0.0", None)
