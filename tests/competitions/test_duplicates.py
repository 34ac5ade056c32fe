"""Duplicate detection: shared team e-mail, same website, near-identical title; flagged for review, dismissable."""

from __future__ import annotations

import httpx
import pytest

from podium.competitions.models import DuplicateFlag, DuplicateReason, Project, ProjectStatus, TeamMember
from podium.competitions.services import duplicates
from podium.platform.summits.models import Summit
from tests.competitions.test_projects import apply_as, open_competition
from tests.conftest import JobRunner
from tests.factories import grant, make_user
from tests.helpers import post_form, sign_in


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Quantum Sensing for Farms", "quantum sensing for farms!", True),
        ("Quantum Sensing for Farms", "Quantum Sensing for Farm", True),
        ("ＱＵＡＮＴＵＭ ＳＥＮＳＩＮＧ", "Quantum Sensing", True),  # full-width letters
        ("智能康复外骨骼", "智能康复外骨骼！", True),
        ("Quantum Sensing for Farms", "Quantum Sensing for Factories", False),
        ("Heart Monitor", "Farm Robots", False),
    ],
)
def test_title_similarity(a: str, b: str, same: bool) -> None:
    assert duplicates.similar_titles(duplicates.title_key(a), duplicates.title_key(b)) is same


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.Example.com/", "example.com"),
        ("http://example.com/app", "https://www.example.com/app/"),
    ],
)
def test_websites_are_compared_by_host_and_path(a: str, b: str) -> None:
    assert duplicates.website_key(a) == duplicates.website_key(b)


async def test_a_submission_is_compared_with_the_field_in_a_worker(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner
) -> None:
    competition, track, division = await open_competition()
    earlier_lead = await make_user(email="earlier@example.com")
    earlier = await Project.create(
        competition=competition,
        lead=earlier_lead,
        title="Quantum sensing for farms!",
        website="https://www.quantumfarm.example/",
        status=ProjectStatus.SUBMITTED,
    )
    await TeamMember.create(project=earlier, user=earlier_lead, email=earlier_lead.email, is_lead=True)
    await TeamMember.create(project=earlier, email="shared@example.com")
    unrelated = await Project.create(
        competition=competition, lead=await make_user(), title="Heart Monitor", website="https://heart.example"
    )
    withdrawn = await Project.create(
        competition=competition,
        lead=await make_user(),
        title="Quantum Sensing for Farms",
        status=ProjectStatus.WITHDRAWN,
    )

    project = await apply_as(client, "wang@example.com", competition, track_id=track.id, division_id=division.id)
    await TeamMember.create(project=project, email="shared@example.com")
    page = f"/projects/{project.id}"
    await post_form(client, f"{page}/submit", page=page)
    await run_jobs.run()
    flags = await DuplicateFlag.all()
    assert {(f.project_a_id, f.project_b_id, f.reason) for f in flags} == {
        (earlier.id, project.id, DuplicateReason.EMAIL),
        (earlier.id, project.id, DuplicateReason.WEBSITE),
        (earlier.id, project.id, DuplicateReason.TITLE),
    }
    assert unrelated.id not in {f.project_a_id for f in flags} | {f.project_b_id for f in flags}
    assert withdrawn.id not in {f.project_a_id for f in flags} | {f.project_b_id for f in flags}
    # Running the detection again adds nothing.
    assert await duplicates.detect(project_id=project.id) == 0

    await grant(await Summit.get(id=competition.summit_id), await make_user(email="org@ges.example"))
    await sign_in(other_client, "org@ges.example")
    view = await other_client.get(page)
    assert "Possible duplicates" in view.text
    assert "shares the team member shared@example.com" in view.text
    assert "has the same website, quantumfarm.example" in view.text
    flagged = await other_client.get(f"/organize/competitions/{competition.id}/projects?flagged=1")
    assert flagged.text.count('href="/projects/') == 2
    assert "Possible duplicates" not in (await client.get(page)).text  # entrants do not see flags

    title_flag = next(f for f in flags if f.reason == DuplicateReason.TITLE)
    entrant_try = await post_form(client, f"/organize/duplicates/{title_flag.id}/dismiss", page=page)
    assert entrant_try.status_code == 404
    dismissed = await post_form(other_client, f"/organize/duplicates/{title_flag.id}/dismiss", page=page)
    assert dismissed.status_code == 303
    assert (await DuplicateFlag.get(id=title_flag.id)).dismissed
    assert "has a nearly identical title" not in (await other_client.get(page)).text
