"""Eligibility rules at and around their thresholds, the organizer's view and overrides, and re-checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest

from podium.competitions.models import (
    Eligibility,
    EligibilityCheck,
    EligibilityRule,
    OverseasExperience,
    Project,
    RuleKind,
    TeamMember,
)
from podium.competitions.services import eligibility
from podium.competitions.services.eligibility import Facts
from podium.platform.audit import AuditEntry
from podium.platform.summits.models import Summit
from tests.competitions.test_projects import COMPLETE, apply_as, open_competition
from tests.conftest import JobRunner
from tests.factories import grant, make_user
from tests.helpers import csrf_token, post_form, sign_in

TODAY = date(2026, 11, 21)


def member(**fields: object) -> TeamMember:
    values: dict[str, object] = {
        "email": "m@example.com",
        "name": "M",
        "equity": Decimal(0),
        "overseas": OverseasExperience.STUDY,
        "overseas_years": Decimal(0),
        "is_lead": False,
    }
    values.update(fields)
    return TeamMember(**values)


def facts(*members: TeamMember, project: Project | None = None, elsewhere: dict[str, list[int]] | None = None) -> Facts:
    return Facts(project=project or Project(title="P"), members=list(members), today=TODAY, elsewhere=elsewhere or {})


@pytest.mark.parametrize(("size", "passed"), [(2, True), (3, True), (4, False)])
def test_max_team_size_at_the_limit(size: int, passed: bool) -> None:
    verdict, details = eligibility.check_max_team_size({"max": 3}, facts(*[member() for _ in range(size)]))
    assert (verdict, details) == (passed, {"size": size, "max": 3})


@pytest.mark.parametrize(
    ("kind", "years", "passed"),
    [
        (OverseasExperience.STUDY, "0", True),  # a degree from abroad is enough
        (OverseasExperience.BOTH, "0", True),
        (OverseasExperience.WORK, "3", True),  # exactly the minimum
        (OverseasExperience.WORK, "2.9", False),  # just under it
        (OverseasExperience.NONE, "10", False),
    ],
)
def test_overseas_experience_degree_or_years(kind: OverseasExperience, years: str, passed: bool) -> None:
    params = {"min_years": "3", "returned_within_years": None}
    verdict, _details = eligibility.check_overseas_experience(
        params, facts(member(overseas=kind, overseas_years=Decimal(years)))
    )
    assert verdict is passed


@pytest.mark.parametrize(
    ("returned", "passed"),
    [
        (None, True),  # still abroad
        (date(2021, 11, 21), True),  # exactly five years ago
        (date(2021, 11, 20), False),  # a day too early
    ],
)
def test_overseas_experience_returned_within(returned: date | None, passed: bool) -> None:
    params = {"min_years": "0", "returned_within_years": 5}
    verdict, details = eligibility.check_overseas_experience(params, facts(member(returned_on=returned, name="Li")))
    assert verdict is passed
    assert details == {"failing": [] if passed else ["Li"]}


def test_overseas_experience_fails_if_any_founder_fails() -> None:
    verdict, details = eligibility.check_overseas_experience(
        {"min_years": "2"}, facts(member(name="A"), member(name="B", overseas=OverseasExperience.NONE))
    )
    assert (verdict, details) == (False, {"failing": ["B"]})


@pytest.mark.parametrize(
    ("lead", "other", "passed"),
    [
        ("30", "0", True),  # the lead alone meets 30%
        ("29.99", "20.01", True),  # the team together meets 50%
        ("29.99", "20", False),  # neither
    ],
)
def test_founder_equity_lead_or_team(lead: str, other: str, passed: bool) -> None:
    verdict, _details = eligibility.check_founder_equity(
        {"lead_min": "30", "team_min": "50"},
        facts(member(is_lead=True, equity=Decimal(lead)), member(equity=Decimal(other))),
    )
    assert verdict is passed


@pytest.mark.parametrize(
    ("incorporated", "allow", "passed"),
    [
        (date(2021, 1, 1), False, True),
        (date(2020, 12, 31), False, False),
        (None, True, True),
        (None, False, False),
    ],
)
def test_founded_after(incorporated: date | None, allow: bool, passed: bool) -> None:
    verdict, _details = eligibility.check_founded_after(
        {"date": "2021-01-01", "allow_unincorporated": allow}, facts(project=Project(incorporated_on=incorporated))
    )
    assert verdict is passed


def test_one_project_per_person_and_deck_present() -> None:
    shared = facts(member(email="a@example.com", name="A"), elsewhere={"a@example.com": [7]})
    assert eligibility.check_one_project_per_person({}, shared) == (False, {"shared": ["A"]})
    assert eligibility.check_one_project_per_person({}, facts(member()))[0] is True
    assert eligibility.check_deck_present({}, facts(project=Project(deck_key="")))[0] is False
    assert eligibility.check_deck_present({}, facts(project=Project(deck_key="1-x.pdf")))[0] is True


async def _setup(client: httpx.AsyncClient) -> tuple[int, Project]:
    competition, track, division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition, track_id=track.id, division_id=division.id)
    await grant(await Summit.get(id=competition.summit_id), await make_user(email="org@ges.example"))
    return competition.id, project


async def test_organizer_sets_rules_and_a_submission_is_checked_with_reasons(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    competition_id, project = await _setup(client)
    await sign_in(other_client, "org@ges.example")
    setup = f"/organize/competitions/{competition_id}"
    bad = await post_form(other_client, f"{setup}/rules", {"kind": "max_team_size", "max": "zero"}, page=setup)
    assert bad.status_code == 422
    assert "Enter a whole number of people from 1 to 50." in bad.text
    for rule in (
        {"kind": "max_team_size", "max": "3"},
        {"kind": "founder_equity", "lead_min": "30", "team_min": "50"},
        {"kind": "deck_present"},
    ):
        assert (await post_form(other_client, f"{setup}/rules", rule, page=setup)).status_code == 303
    page = await other_client.get(setup)
    assert "The team has at most 3 people." in page.text
    assert "The lead founder holds at least 30% of the equity, or the founders together at least 50%." in page.text

    await TeamMember.filter(project_id=project.id, is_lead=True).update(equity=25)
    response = await post_form(client, f"/projects/{project.id}/submit", page=f"/projects/{project.id}")
    assert response.status_code == 303
    stored = await Project.get(id=project.id)
    assert stored.eligibility == Eligibility.INELIGIBLE
    verdicts = {
        c.rule.kind: c.passed for c in await EligibilityCheck.filter(project_id=project.id).select_related("rule")
    }
    assert verdicts == {RuleKind.MAX_TEAM_SIZE: True, RuleKind.FOUNDER_EQUITY: False, RuleKind.DECK_PRESENT: False}
    view = await other_client.get(f"/projects/{project.id}")
    assert "The lead founder holds 25%; the founders together 25%." in view.text
    assert "No pitch deck is uploaded yet." in view.text
    # The entrant does not see the organizer's panel.
    assert "Organizer&#39;s decision" not in (await client.get(f"/projects/{project.id}")).text
    listed = await other_client.get(f"/organize/competitions/{competition_id}/projects?eligibility=ineligible")
    assert listed.text.count(f'href="/projects/{project.id}"') == 1


async def test_an_override_needs_a_note_is_audited_and_decides(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    competition_id, project = await _setup(client)
    await EligibilityRule.create(competition_id=competition_id, kind=RuleKind.DECK_PRESENT, params={})
    await post_form(client, f"/projects/{project.id}/submit", page=f"/projects/{project.id}")
    check = await EligibilityCheck.get(project_id=project.id)
    assert (await Project.get(id=project.id)).eligibility == Eligibility.INELIGIBLE

    # Not for the entrant.
    refused = await post_form(
        client, f"/organize/checks/{check.id}", {"decision": "pass", "note": "I say so"}, page=f"/projects/{project.id}"
    )
    assert refused.status_code == 404
    await sign_in(other_client, "org@ges.example")
    page = f"/projects/{project.id}"
    silent = await post_form(other_client, f"/organize/checks/{check.id}", {"decision": "pass", "note": ""}, page=page)
    assert silent.status_code == 422
    assert "Say why, in a few words: the note is kept in the audit log." in silent.text
    done = await post_form(
        other_client,
        f"/organize/checks/{check.id}",
        {"decision": "pass", "note": "Deck sent by e-mail before the deadline."},
        page=page,
    )
    assert done.status_code == 303
    assert (await Project.get(id=project.id)).eligibility == Eligibility.ELIGIBLE
    entry = await AuditEntry.get(action="eligibility.overridden")
    assert entry.data["note"] == "Deck sent by e-mail before the deadline."
    view = await other_client.get(page)
    assert "Passed by decision: Deck sent by e-mail before the deadline." in view.text
    back = await post_form(other_client, f"/organize/checks/{check.id}", {"decision": "clear"}, page=page)
    assert back.status_code == 303
    assert (await Project.get(id=project.id)).eligibility == Eligibility.INELIGIBLE


async def test_changing_the_rules_rechecks_submitted_projects_in_a_worker(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner
) -> None:
    competition_id, project = await _setup(client)
    await post_form(client, f"/projects/{project.id}/submit", page=f"/projects/{project.id}")
    assert (await Project.get(id=project.id)).eligibility == Eligibility.ELIGIBLE  # no rules yet
    await sign_in(other_client, "org@ges.example")
    setup = f"/organize/competitions/{competition_id}"
    await post_form(other_client, f"{setup}/rules", {"kind": "max_team_size", "max": "1"}, page=setup)
    await TeamMember.create(project_id=project.id, email="li@example.com", name="Li")
    await run_jobs.run()
    assert (await Project.get(id=project.id)).eligibility == Eligibility.INELIGIBLE
    rule = await EligibilityRule.get(competition_id=competition_id)
    await post_form(other_client, f"{setup}/rules/{rule.id}/delete", page=setup)
    await run_jobs.run()
    assert (await Project.get(id=project.id)).eligibility == Eligibility.ELIGIBLE
    assert await EligibilityCheck.filter(project_id=project.id).count() == 0


async def test_one_project_per_person_sees_the_other_project(client: httpx.AsyncClient) -> None:
    competition_id, project = await _setup(client)
    other_lead = await make_user(email="other@example.com")
    other = await Project.create(competition_id=competition_id, lead=other_lead, title="Other")
    await TeamMember.create(project=other, user=other_lead, email=other_lead.email, is_lead=True)
    await TeamMember.create(project=other, email="wang@example.com", name="Wang")
    await EligibilityRule.create(competition_id=competition_id, kind=RuleKind.ONE_PROJECT_PER_PERSON, params={})
    assert await eligibility.evaluate_project(project=project) == Eligibility.INELIGIBLE
    await Project.filter(id=other.id).update(status="withdrawn")
    assert await eligibility.evaluate_project(project=project) == Eligibility.ELIGIBLE


async def test_incorporation_date_is_entered_on_the_application(client: httpx.AsyncClient) -> None:
    _competition_id, project = await _setup(client)
    page = f"/projects/{project.id}"
    bad = await post_form(client, page, {**COMPLETE, "incorporated_on": "last spring"}, page=page)
    assert bad.status_code == 422
    assert "Enter a date, like 2024-07-01, or leave it empty." in bad.text
    await post_form(client, page, {**COMPLETE, "incorporated_on": "2022-03-01"}, page=page)
    assert (await Project.get(id=project.id)).incorporated_on == date(2022, 3, 1)


async def test_bulk_actions_mark_move_and_return_to_the_rules(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    from podium.competitions.models import Track

    competition_id, project = await _setup(client)
    await EligibilityRule.create(competition_id=competition_id, kind=RuleKind.DECK_PRESENT, params={})
    await post_form(client, f"/projects/{project.id}/submit", page=f"/projects/{project.id}")
    second = await Project.create(competition_id=competition_id, lead=await make_user(), title="Second")
    health = await Track.create(competition_id=competition_id, name_en="Health")
    foreign = await Project.create(
        competition_id=(await open_competition_elsewhere()), lead=await make_user(), title="Elsewhere"
    )
    await sign_in(other_client, "org@ges.example")
    listing = f"/organize/competitions/{competition_id}/projects"
    bulk = f"{listing}/bulk"

    async def act(data: dict[str, object]) -> httpx.Response:

        token = await csrf_token(other_client, listing)
        return await other_client.post(bulk, data={**data, "csrf_token": token})  # type: ignore[arg-type]

    response = await act({"ids": [str(project.id), str(second.id)], "action": "eligible", "back": listing + "?q=x"})
    assert response.status_code == 303
    assert response.headers["location"].startswith(listing + "?q=x&notice=bulk-done")
    assert {p.eligibility for p in await Project.filter(id__in=[project.id, second.id])} == {Eligibility.ELIGIBLE}
    assert await AuditEntry.filter(action="project.bulk_changed").count() == 2
    # The rules no longer change a decision taken by hand...
    assert await eligibility.evaluate_project(project=await Project.get(id=project.id)) == Eligibility.ELIGIBLE
    # ...until the organizer hands it back to them.
    await act({"ids": [str(project.id)], "action": "automatic"})
    assert (await Project.get(id=project.id)).eligibility == Eligibility.INELIGIBLE

    moved = await act({"ids": [str(second.id)], "action": "move", "track": str(health.id)})
    assert moved.status_code == 303
    assert (await Project.get(id=second.id)).track_id == health.id
    no_track = await act({"ids": [str(second.id)], "action": "move"})
    assert no_track.status_code == 422
    assert "Choose the track to move the projects to." in no_track.text
    nothing = await act({"action": "eligible"})
    assert nothing.status_code == 422
    assert "Tick at least one project." in nothing.text
    # A project of another competition cannot be slipped in.
    sneaky = await act({"ids": [str(second.id), str(foreign.id)], "action": "ineligible"})
    assert sneaky.status_code == 404
    assert (await Project.get(id=foreign.id)).eligibility == Eligibility.PENDING
    # Entrants cannot use it at all.
    token = await csrf_token(client, "/projects")
    refused = await client.post(bulk, data={"ids": str(project.id), "action": "eligible", "csrf_token": token})
    assert refused.status_code == 404


async def open_competition_elsewhere() -> int:
    from tests.factories import make_competition, make_summit

    return (await make_competition(summit=await make_summit())).id
