"""Follow-up surveys: due months after the final, one open survey per project, mailed once (a job run twice
sends once) in the lead's language, reminded once; a signed sign-in-free link that refuses tampering, expiry
and reuse; answers become reported rounds and outcomes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from tortoise.exceptions import IntegrityError

from podium.competitions.financing_models import (
    FundingRound,
    Outcome,
    OutcomeField,
    OutcomeSurvey,
    OutcomeValue,
    SurveySchedule,
)
from podium.competitions.models import Project
from podium.competitions.services import surveys
from podium.platform import jobs
from podium.platform.audit import AuditEntry
from podium.platform.i18n import utcnow
from podium.platform.jobs import JobName
from podium.platform.notifications.models import Notification
from podium.settings import Settings
from tests.conftest import BASE_URL, JobRunner, SmtpSink
from tests.financing.conftest import Scene, team_and_organizer
from tests.helpers import body_text, csrf_token, links_in, post_form


@pytest.fixture
async def stranger(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A browser that never signed in (the lead opening the mail on a phone)."""
    transport = httpx.ASGITransport(app=app, client=("192.0.2.44", 40000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


async def scheduled(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, months: str = "6, 12", **lead: str
) -> Scene:
    """A submitted project whose competition's final was six months and a day ago, and a schedule."""
    scene = await team_and_organizer(client, other_client, **lead)
    final = surveys.add_months(utcnow().date(), -6) - timedelta(days=1)
    page = f"/organize/competitions/{scene.competition.id}/surveys"
    saved = await post_form(
        other_client,
        page,
        {"months": months, "final_on": final.isoformat(), "reminder_days": "14", "enabled": "1"},
        page=page,
    )
    assert saved.status_code == 303, saved.text[:300]
    return scene


async def survey_link(mailbox: SmtpSink) -> str:
    [mail] = mailbox.messages
    [link] = [url for url in links_in(mail) if "/surveys/" in url]
    return link.removeprefix(BASE_URL)


async def test_bad_schedule_input_keeps_the_values_and_names_the_field(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    page = f"/organize/competitions/{scene.competition.id}/surveys"
    response = await post_form(
        other_client, page, {"months": "6, twelve", "final_on": "soon", "reminder_days": "0"}, page=page
    )
    assert response.status_code == 422
    for message, field in (
        ("List months after the final from 1 to 120, separated by commas, like 6, 12, 24, 36.", "months"),
        ("Enter a date, like 2026-07-01, or leave it empty.", "final_on"),
        ("Enter a number of days from 1 to 59.", "reminder_days"),
    ):
        assert message in response.text
        assert f'href="#{field}"' in response.text
    assert 'value="6, twelve"' in response.text
    assert await SurveySchedule.all().count() == 0
    assert (await client.get(page)).status_code == 404


async def test_the_daily_job_run_twice_mails_each_due_survey_once(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    scene = await scheduled(client, other_client)
    await Project.create(competition_id=scene.competition.id, lead=scene.lead, title="Still a draft")
    for _ in range(2):
        await jobs.enqueue(JobName.SEND_OUTCOME_SURVEYS)
        await run_jobs.run()
    [survey] = await OutcomeSurvey.all()
    assert (survey.project_id, survey.due_month, survey.open_project_id) == (scene.project.id, 6, scene.project.id)
    assert survey.sent_at is not None
    assert await Notification.filter(kind="survey_invitation").count() == 1
    [mail] = mailbox.messages
    assert mail["To"] == "wang@example.com"
    assert mail["Subject"] == "How is Quantum Sensing for Farms doing? A two-minute survey"
    assert "6 months have passed since the final of" in body_text(mail)
    # The same run again a day later: nothing new is due, nothing is sent.
    assert await surveys.send_due_surveys(settings=run_jobs.settings, now=utcnow() + timedelta(days=1)) == 0
    # A project has one open survey: the database refuses a second.
    with pytest.raises(IntegrityError):
        await OutcomeSurvey.create(
            project_id=scene.project.id,
            competition_id=scene.competition.id,
            due_month=12,
            due_on=date(2030, 1, 1),
            token_nonce="x",
            open_project_id=scene.project.id,
            expires_at=utcnow(),
        )


async def test_the_link_opens_the_form_without_signing_in_and_takes_answers_once(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    stranger: httpx.AsyncClient,
    run_jobs: JobRunner,
    mailbox: SmtpSink,
) -> None:
    scene = await scheduled(client, other_client)
    field = await OutcomeField.create(
        competition_id=scene.competition.id, key="patents", label_en="Patents", kind="number"
    )
    await surveys.send_due_surveys(settings=run_jobs.settings)
    await run_jobs.run()
    link = await survey_link(mailbox)
    page = await stranger.get(link)
    assert page.status_code == 200
    assert "How is Quantum Sensing for Farms doing?" in page.text
    assert 'name="r1_amount"' in page.text
    assert f'name="f_{field.id}"' in page.text

    bad = await post_form(
        stranger, link, {"r1_kind": "seed", "r1_amount": "lots", "r1_currency": "USD", "headcount": "x"}, page=link
    )
    assert bad.status_code == 422
    assert "Enter the amount in digits, for example 12500000 or 1250万." in bad.text
    assert 'href="#r1_amount"' in bad.text
    assert 'href="#r1_announced"' in bad.text
    assert 'href="#headcount"' in bad.text
    assert 'value="lots"' in bad.text
    assert await FundingRound.all().count() == 0

    answers = {
        "r1_kind": "seed",
        "r1_amount": "5,000,000",
        "r1_currency": "USD",
        "r1_announced": "2026-10",
        "r1_lead_investors": "Frontier Capital",
        "r2_currency": "CNY",  # an untouched row: skipped
        "incorporated_locally": "yes",
        "district": "Haidian",
        "headcount": "30",
        f"f_{field.id}": "4",
    }
    done = await post_form(stranger, link, answers, page=link)
    assert done.status_code == 200
    assert "Thank you: your answers are recorded." in done.text
    found = await FundingRound.get(project_id=scene.project.id)
    assert (found.kind, found.amount, found.currency, found.precision, found.status, found.source) == (
        "seed",
        500_000_000,
        "USD",
        "month",
        "reported",
        "entrant",
    )
    assert (found.reported_by_id, found.investors) == (scene.lead.id, [{"name": "Frontier Capital", "lead": True}])
    outcome = await Outcome.get(project_id=scene.project.id)
    assert (outcome.incorporated_locally, outcome.district, outcome.headcount) == (True, "Haidian", 30)
    assert (await OutcomeValue.get(project_id=scene.project.id)).value == {"v": "4"}
    survey = await OutcomeSurvey.get(project_id=scene.project.id)
    assert (survey.answered_at is not None, survey.open_project_id, found.survey_id) == (True, None, survey.id)
    entries = await AuditEntry.filter(object_type="project", object_id=str(scene.project.id)).order_by("id")
    assert [e.action for e in entries if e.action.startswith(("funding", "outcome", "survey"))] == [
        "funding.reported",
        "outcome.changed",
        "survey.answered",
    ]

    # The link again: already answered, and a second post changes nothing.
    again = await stranger.get(link)
    assert again.status_code == 200
    assert "This survey was already answered. Thank you." in again.text
    resent = await post_form(stranger, link, answers, page="/")
    assert resent.status_code == 409
    assert await FundingRound.all().count() == 1
    # The organizers see the response rate.
    rates = await other_client.get(f"/organize/competitions/{scene.competition.id}/surveys")
    assert "<td>6</td>" in rates.text
    assert "<td>100%</td>" in rates.text


async def test_tampered_unknown_and_expired_links_are_refused(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    stranger: httpx.AsyncClient,
    run_jobs: JobRunner,
    mailbox: SmtpSink,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scene = await scheduled(client, other_client)
    await surveys.send_due_surveys(settings=settings)
    await run_jobs.run()
    link = await survey_link(mailbox)
    token = link.removeprefix("/surveys/")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (f"/surveys/{tampered}", "/surveys/x.y.z", f"/surveys/{'a' * 400}"):
        response = await stranger.get(bad)
        assert response.status_code == 404
        assert "This survey link is not valid." in response.text
    survey = await OutcomeSurvey.get(project_id=scene.project.id)
    # A link signed with another nonce (the survey was issued again) is not found either.
    other = OutcomeSurvey(id=survey.id, token_nonce="0" * 16)
    assert (await stranger.get(f"/surveys/{surveys.make_token(settings.secret(), other)}")).status_code == 404
    # Signed too long ago: closed, whatever the database says.
    signed_at = time.time() - (surveys.LINK_DAYS + 1) * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: signed_at)
    old = surveys.make_token(settings.secret(), survey)
    monkeypatch.undo()
    response = await stranger.get(f"/surveys/{old}")
    assert response.status_code == 410
    assert "This survey has closed." in response.text
    # Past its expiry in the database: closed too, and a post records nothing.
    await OutcomeSurvey.filter(id=survey.id).update(expires_at=utcnow() - timedelta(seconds=1))
    assert (await stranger.get(link)).status_code == 410
    posted = await post_form(stranger, link, {"headcount": "10"}, page="/")
    assert posted.status_code == 410
    assert await Outcome.all().count() == 0
    # The next daily run closes it, so the project is free for its next survey.
    await surveys.send_due_surveys(settings=settings)
    survey = await OutcomeSurvey.get(id=survey.id)
    assert (survey.open_project_id, survey.closed_at is not None) == (None, True)


async def test_one_reminder_and_the_next_survey_replaces_an_unanswered_one(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    run_jobs: JobRunner,
    mailbox: SmtpSink,
    settings: Settings,
) -> None:
    scene = await scheduled(client, other_client, months="6, 7")
    now = utcnow()
    assert await surveys.send_due_surveys(settings=settings, now=now) == 1
    for days in (13, 15, 16):
        await surveys.send_due_surveys(settings=settings, now=now + timedelta(days=days))
    await run_jobs.run()
    assert [m["Subject"] for m in mailbox.messages] == [
        "How is Quantum Sensing for Farms doing? A two-minute survey",
        "Reminder: how is Quantum Sensing for Farms doing?",
    ]
    first = await OutcomeSurvey.get(due_month=6)
    assert first.reminded_at is not None
    # Month 7 falls due while the month-6 survey is still open: it closes, and the new one is the open one.
    later = now + timedelta(days=32)
    assert await surveys.send_due_surveys(settings=settings, now=later) == 1
    first, second = await OutcomeSurvey.all().order_by("due_month")
    assert (first.open_project_id, first.closed_at is not None) == (None, True)
    assert (second.due_month, second.open_project_id) == (7, scene.project.id)
    assert await OutcomeSurvey.filter(open_project_id__not_isnull=True).count() == 1


async def test_the_survey_speaks_the_leads_language(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    stranger: httpx.AsyncClient,
    run_jobs: JobRunner,
    mailbox: SmtpSink,
) -> None:
    scene = await scheduled(client, other_client, lead_locale="zh_Hans")
    await surveys.send_due_surveys(settings=run_jobs.settings)
    await run_jobs.run()
    assert (await Notification.get(kind="survey_invitation")).locale == "zh_Hans"
    [mail] = mailbox.messages
    html = mail.get_body(("html",))
    assert html is not None
    assert '<html lang="zh-Hans">' in html.get_content()
    assert scene.competition.name_zh in body_text(mail)
    assert scene.competition.name_en not in body_text(mail)
    link = await survey_link(mailbox)
    assert '<html lang="zh-Hans">' in (await stranger.get(link)).text
    # The visitor's own choice wins: ?lang= (remembered in a cookie), or the language switch.
    assert '<html lang="en">' in (await stranger.get(f"{link}?lang=en")).text
    assert '<html lang="en">' in (await stranger.get(link)).text
    token = await csrf_token(stranger, link)
    switched = await stranger.post("/lang", data={"lang": "zh_Hans", "next": link, "csrf_token": token})
    assert switched.headers["location"] == link
    assert '<html lang="zh-Hans">' in (await stranger.get(link)).text
