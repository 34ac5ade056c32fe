"""Mail to entrants: draft reminders before the deadline and eligibility outcomes, each sent once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from podium.competitions.models import Eligibility, Project, ProjectStatus, Round
from podium.competitions.services import mailings
from podium.platform.i18n import utcnow
from podium.platform.summits.models import Summit
from podium.settings import Settings
from tests.competitions.test_projects import open_competition
from tests.conftest import JobRunner, SmtpSink
from tests.factories import grant, make_user
from tests.helpers import body_text, post_form, sign_in


async def test_drafts_are_reminded_once_in_the_last_three_days(
    app: object, run_jobs: JobRunner, mailbox: SmtpSink, settings: Settings
) -> None:
    deadline = datetime(2027, 6, 30, 15, 59, tzinfo=UTC)
    competition, _track, _division = await open_competition(submissions_close_at=deadline)
    draft = await Project.create(
        competition=competition,
        title="Still a draft",
        lead=await make_user(email="late@example.com", timezone="Asia/Shanghai"),
    )
    await Project.create(
        competition=competition,
        title="Done",
        status=ProjectStatus.SUBMITTED,
        lead=await make_user(email="early@example.com"),
    )
    assert await mailings.remind_drafts(settings=settings, now=deadline - timedelta(days=4)) == 0
    assert await mailings.remind_drafts(settings=settings, now=deadline - timedelta(days=2)) == 1
    assert await mailings.remind_drafts(settings=settings, now=deadline - timedelta(days=1)) == 1  # same key
    await run_jobs.run()
    assert [m["To"] for m in mailbox.messages] == ["late@example.com"]
    mail = mailbox.messages[0]
    assert mail["Subject"] == "Applications close soon: Still a draft is still a draft"
    assert "Applications close June 30, 2027, 11:59:00\u202fPM +0800." in body_text(mail)  # the lead's time zone
    assert f"/projects/{draft.id}" in body_text(mail)
    assert await mailings.remind_drafts(settings=settings, now=deadline + timedelta(seconds=1)) == 0


async def test_eligibility_outcomes_go_to_every_decided_team_once(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    competition, _track, _division = await open_competition()
    await Round.filter(competition_id=competition.id).update(submissions_close_at=utcnow() + timedelta(days=30))
    for email, outcome in (
        ("yes@example.com", Eligibility.ELIGIBLE),
        ("no@example.com", Eligibility.INELIGIBLE),
        ("wait@example.com", Eligibility.PENDING),
    ):
        await Project.create(
            competition=competition,
            title=email.split("@")[0].title(),
            eligibility=outcome,
            status=ProjectStatus.SUBMITTED,
            lead=await make_user(email=email),
        )
    await grant(await Summit.get(id=competition.summit_id), await make_user(email="org@ges.example"))
    listing = f"/organize/competitions/{competition.id}/projects"

    await make_user(email="entrant@example.com")
    await sign_in(client, "entrant@example.com")
    assert (await post_form(client, f"{listing}/outcomes", page="/projects")).status_code == 404

    await sign_in(other_client, "org@ges.example")
    for _ in range(2):
        response = await post_form(other_client, f"{listing}/outcomes", page=listing)
        assert response.status_code == 303
        await run_jobs.run()
    subjects = sorted((m["To"], m["Subject"]) for m in mailbox.messages)
    assert subjects == [("no@example.com", "No: eligibility outcome"), ("yes@example.com", "Yes is eligible")]
