"""Judging end to end: rubric, automatic assignment, scorecards with autosave and submit, conflicts of
interest, and every refusal of the access matrix."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import httpx
import pytest

from podium.competitions.models import Eligibility, Project, ProjectStatus, Round, RoundStatus, TeamMember, Track
from podium.judging.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    ConflictStatus,
    Criterion,
    JudgeProfile,
    Rubric,
    Score,
    ScoreChange,
)
from podium.platform.audit import AuditEntry
from podium.platform.auth import Actor, load_roles
from podium.platform.errors import Conflict as Refused
from podium.platform.i18n import utcnow
from podium.platform.summits.models import Role, Summit, SummitRole
from podium.platform.users.models import User
from podium.settings import Settings
from tests.competitions.test_projects import open_competition
from tests.conftest import JobRunner, SmtpSink
from tests.factories import grant, make_summit, make_user
from tests.helpers import csrf_token, post_form, sign_in

_CSRF = re.compile(r'data-csrf="([^"]+)"')


async def _judged_round(*, judges: int = 3, projects: int = 4, k: int = 2) -> tuple[Round, list[User], list[Project]]:
    """A competition whose online review is judging, with a two-criterion rubric, judges and projects."""
    competition, track, division = await open_competition()
    summit = await Summit.get(id=competition.summit_id)
    await grant(summit, await make_user(email="org@ges.example"))
    review = await Round.get(competition_id=competition.id)
    review.status = RoundStatus.JUDGING
    review.judging_close_at = utcnow() + timedelta(days=10)
    await review.save()
    rubric = await Rubric.create(round=review, judges_per_project=k, comment_required=True, comment_min_length=10)
    await Criterion.create(rubric=rubric, position=1, name_en="Team", name_zh="团队", weight=2)
    await Criterion.create(
        rubric=rubric, position=2, name_en="Market", name_zh="市场", scale_min=0, scale_max=5, scale_step="0.5"
    )
    people = []
    for n in range(judges):
        judge = await make_user(email=f"judge{n}@fund{n}.example", name=f"Judge {n}")
        await grant(summit, judge, Role.JUDGE)
        await JudgeProfile.create(summit=summit, user=judge, track_ids=[track.id], languages=["en"], max_projects=10)
        people.append(judge)
    field = []
    for n in range(projects):
        lead = await make_user(email=f"lead{n}@startup{n}.example")
        project = await Project.create(
            competition=competition,
            lead=lead,
            title=f"Project {n}",
            summary="Batteries for boats.",
            track=track,
            division=division,
            status=ProjectStatus.SUBMITTED,
            eligibility=Eligibility.ELIGIBLE,
            website=f"https://startup{n}.example",
            referral="Judge 0" if n == 3 else "",
        )
        await TeamMember.create(project=project, user=lead, email=lead.email, name="Lead", is_lead=True, equity=60)
        field.append(project)
    return review, people, field


async def _assign(client: httpx.AsyncClient, review: Round) -> None:
    await sign_in(client, "org@ges.example")
    page = f"/organize/rounds/{review.id}/judging?preview=1"
    preview = await client.get(page)
    assert preview.status_code == 200
    assert "new assignments for" in preview.text
    response = await post_form(client, f"/organize/rounds/{review.id}/assign", {"by_track": "0"}, page=page)
    assert response.status_code == 303
    client.cookies.clear()


async def test_automatic_assignment_gives_every_project_k_judges_and_tells_them(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    review, judges, field = await _judged_round(judges=3, projects=4, k=2)
    await _assign(client, review)
    active = await Assignment.filter(round_id=review.id, status=AssignmentStatus.ASSIGNED)
    per_project = {p.id: sum(1 for a in active if a.project_id == p.id) for p in field}
    assert set(per_project.values()) == {2}
    loads = sorted(sum(1 for a in active if a.judge_id == j.id) for j in judges)
    assert loads[-1] - loads[0] <= 1  # balanced: 8 scorecards over 3 judges
    await run_jobs.run()
    assert {m["To"] for m in mailbox.messages} == {j.email for j in judges}

    # Running it again keeps what exists and adds nothing; a late project gets its judges.
    await _assign(client, review)
    assert await Assignment.filter(round_id=review.id).count() == 8
    late = await Project.create(
        competition_id=review.competition_id,
        lead=await make_user(email="late@example.com"),
        title="Late",
        summary="Late.",
        track_id=field[0].track_id,
        division_id=field[0].division_id,
        status=ProjectStatus.SUBMITTED,
    )
    await _assign(client, review)
    assert await Assignment.filter(round_id=review.id).count() == 10
    assert await Assignment.filter(round_id=review.id, project_id=late.id).count() == 2
    assert await AuditEntry.filter(action="round.assigned").count() == 3


async def _scorecard_of(judge: User, review: Round) -> Assignment:
    return await Assignment.filter(round_id=review.id, judge_id=judge.id).order_by("id").first()  # type: ignore[return-value]


async def test_a_judge_scores_with_autosave_then_submits_and_the_card_locks(client: httpx.AsyncClient) -> None:
    review, judges, _field = await _judged_round()
    await _assign(client, review)
    judge = judges[0]
    card = await _scorecard_of(judge, review)
    team, market = await Criterion.filter(rubric__round_id=review.id).order_by("position")

    await sign_in(client, judge.email)
    queue = await client.get("/judging")
    assert f"/judging/assignments/{card.id}" in queue.text
    page = await client.get(f"/judging/assignments/{card.id}")
    assert page.status_code == 200
    assert "Batteries for boats." in page.text
    csrf = _CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    url = f"/api/v1/scorecards/{card.id}"

    saved = await client.patch(url, json={f"c_{team.id}": "8"}, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200
    assert saved.json()["scores"] == {f"c_{team.id}": "8"}
    bad = await client.patch(url, json={f"c_{market.id}": "4.3"}, headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 422
    assert bad.json()["errors"] == {f"c_{market.id}": ["Give a score from 0 to 5 in steps of 0.5."]}
    no_token = await client.patch(url, json={f"c_{team.id}": "1"})
    assert no_token.status_code == 403

    reloaded = await client.get(f"/judging/assignments/{card.id}")
    assert 'value="8"' in reloaded.text  # the autosaved value is back after a reload

    early = await client.patch(url, json={"submit": True, "comment": "Short"}, headers={"X-CSRF-Token": csrf})
    assert early.status_code == 422
    assert set(early.json()["errors"]) == {f"c_{market.id}", "comment"}

    token = await csrf_token(client, f"/judging/assignments/{card.id}")
    done = await client.post(
        f"/judging/assignments/{card.id}",
        data={
            "csrf_token": token,
            f"c_{market.id}": "3.5",
            "comment": "A strong team in a real market.",
            "action": "submit",
        },
    )
    assert done.status_code == 303
    card = await Assignment.get(id=card.id)
    assert card.status == AssignmentStatus.SUBMITTED
    late = await client.patch(url, json={f"c_{team.id}": "2"}, headers={"X-CSRF-Token": csrf})
    assert late.status_code == 409
    assert {s.value for s in await Score.filter(assignment_id=card.id)} == {8, 3.5}
    trail = await ScoreChange.filter(assignment_id=card.id).order_by("id")
    assert [(c.what, c.old, c.new) for c in trail] == [
        ("score", None, "8"),
        ("comment", "", "Short"),
        ("score", None, "3.5"),
        ("comment", "Short", "A strong team in a real market."),
        ("submitted", None, "submitted"),
    ]

    # An organizer unlocks it; the judge can change it again.
    client.cookies.clear()
    await sign_in(client, "org@ges.example")
    unlocked = await post_form(
        client, f"/organize/assignments/{card.id}/unlock", page=f"/organize/rounds/{review.id}/assignments"
    )
    assert unlocked.status_code == 303
    assert (await Assignment.get(id=card.id)).status == AssignmentStatus.ASSIGNED


async def test_autosave_racing_a_submit_never_changes_a_submitted_card(client: httpx.AsyncClient) -> None:
    from podium.judging.services import scoring

    review, judges, _field = await _judged_round()
    await _assign(client, review)
    judge = judges[0]
    team, market = await Criterion.filter(rubric__round_id=review.id).order_by("position")
    actor = Actor(user=judge, roles=await load_roles(judge.id))
    for attempt in range(8):
        card_row = (await Assignment.filter(round_id=review.id, judge_id=judge.id).order_by("id"))[attempt % 2]
        await Assignment.filter(id=card_row.id).update(status=AssignmentStatus.ASSIGNED, comment="Ten chars or more.")
        card = await scoring.get_scorecard(actor=actor, assignment_id=card_row.id)
        await scoring.save(actor=actor, card=card, values={f"c_{team.id}": "5", f"c_{market.id}": "2"}, comment=None)

        async def autosave(card: scoring.Scorecard = card, value: str = str(attempt % 10 + 1)) -> str:
            try:
                await scoring.save(actor=actor, card=card, values={f"c_{team.id}": value}, comment=None)
            except Refused:
                return "refused"
            return "saved"

        baseline = await ScoreChange.filter(assignment_id=card_row.id).order_by("-id").first()
        results = await asyncio.gather(autosave(), scoring.submit(actor=actor, card=card), autosave())
        after = await ScoreChange.filter(assignment_id=card_row.id, id__gt=baseline.id if baseline else 0).order_by(
            "id"
        )
        assert [c.what for c in after].count("submitted") == 1
        assert after[-1].what == "submitted"  # nothing was written after the submit
        assert (await Assignment.get(id=card_row.id)).status == AssignmentStatus.SUBMITTED
        assert len(results) == 3


async def test_conflicts_are_detected_decided_and_keep_the_judge_away(
    client: httpx.AsyncClient, run_jobs: JobRunner
) -> None:
    review, judges, field = await _judged_round(judges=3, projects=4, k=2)
    summit = await Summit.get(id=(await review.competition).summit_id)
    # judge1 works where project 1's co-founder works (same e-mail domain); judge2 invested in project 2.
    await TeamMember.create(project=field[1], email="cto@fund1.example", name="CTO")
    await JudgeProfile.filter(user_id=judges[2].id).update(portfolio=["startup2.example"])
    await sign_in(client, "org@ges.example")
    page = f"/organize/rounds/{review.id}/judging"
    assert (await post_form(client, f"{page.replace('/judging', '')}/detect-conflicts", page=page)).status_code == 303
    await run_jobs.run()
    pending = {(c.judge_id, c.project_id): c for c in await Conflict.filter(status=ConflictStatus.PENDING)}
    assert set(pending) == {(judges[1].id, field[1].id), (judges[2].id, field[2].id), (judges[0].id, field[3].id)}
    listed = await client.get(page)
    assert "shares an e-mail domain" in listed.text
    assert "referred the project" in listed.text

    # Pending conflicts are never assigned; the organizer confirms one and dismisses another.
    client.cookies.clear()
    await _assign(client, review)
    pairs = {(a.judge_id, a.project_id) for a in await Assignment.filter(round_id=review.id)}
    assert not set(pending) & pairs
    await sign_in(client, "org@ges.example")
    first = pending[(judges[1].id, field[1].id)]
    await post_form(
        client, f"/organize/conflicts/{first.id}", {"decision": "confirm", "round": str(review.id)}, page=page
    )
    second = pending[(judges[2].id, field[2].id)]
    await post_form(
        client, f"/organize/conflicts/{second.id}", {"decision": "dismiss", "round": str(review.id)}, page=page
    )
    assert (await Conflict.get(id=first.id)).status == ConflictStatus.CONFIRMED
    assert (await Conflict.get(id=second.id)).status == ConflictStatus.DISMISSED

    # A judge declares a conflict on an assigned project: the card closes and the project leaves the queue.
    client.cookies.clear()
    judge = judges[0]
    card = await _scorecard_of(judge, review)
    await sign_in(client, judge.email)
    declared = await post_form(
        client,
        f"/judging/assignments/{card.id}/conflict",
        {"reason": "I mentor the founder."},
        page=f"/judging/assignments/{card.id}",
    )
    assert declared.status_code == 303
    assert (await Assignment.get(id=card.id)).status == AssignmentStatus.CONFLICTED
    assert (await client.get(f"/judging/assignments/{card.id}")).status_code == 404
    assert f'/judging/assignments/{card.id}"' not in (await client.get("/judging")).text
    assert summit.id


async def test_the_rubric_freezes_once_scores_exist_until_an_audited_reset(client: httpx.AsyncClient) -> None:
    review, judges, _field = await _judged_round()
    await _assign(client, review)
    card = await _scorecard_of(judges[0], review)
    team = await Criterion.filter(rubric__round_id=review.id).order_by("position").first()
    assert team is not None
    await Score.create(assignment=card, criterion=team, value=7)
    await sign_in(client, "org@ges.example")
    page = f"/organize/rounds/{review.id}/judging"
    refused = await post_form(client, f"/organize/rounds/{review.id}/criteria", {"name_en": "Vision"}, page=page)
    assert refused.status_code == 409
    assert "Reset the scores first" in refused.text
    unconfirmed = await post_form(client, f"/organize/rounds/{review.id}/reset-scores", {"confirm": "yes"}, page=page)
    assert unconfirmed.status_code == 422
    assert await Score.exists()
    reset = await post_form(
        client, f"/organize/rounds/{review.id}/reset-scores", {"confirm": "reset", "note": "Add vision"}, page=page
    )
    assert reset.status_code == 303
    assert not await Score.exists()
    assert (await AuditEntry.get(action="round.scores_reset")).data["note"] == "Add vision"
    added = await post_form(client, f"/organize/rounds/{review.id}/criteria", {"name_en": "Vision"}, page=page)
    assert added.status_code == 303
    bad = await post_form(
        client,
        f"/organize/rounds/{review.id}/criteria",
        {"name_en": "X", "scale_min": "5", "scale_max": "1"},
        page=page,
    )
    assert bad.status_code == 422
    assert "The highest score must be above the lowest." in bad.text
    assert 'value="X"' in bad.text  # the form keeps what was typed


async def test_nobody_reaches_a_scorecard_or_a_round_that_is_not_theirs(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    review, judges, field = await _judged_round()
    await _assign(client, review)
    mine = await _scorecard_of(judges[0], review)
    others = await Assignment.filter(round_id=review.id).exclude(judge_id=judges[0].id).first()
    assert others is not None

    anonymous = await other_client.get(f"/judging/assignments/{mine.id}")
    assert anonymous.status_code in {302, 303}
    assert (await other_client.get(f"/api/v1/scorecards/{mine.id}")).status_code == 401

    await sign_in(client, judges[0].email)
    assert (await client.get(f"/judging/assignments/{others.id}")).status_code == 404  # another judge's card
    assert (await client.get(f"/api/v1/scorecards/{others.id}")).status_code == 404
    assert (await client.get(f"/organize/rounds/{review.id}/judging")).status_code == 404  # judges don't organize
    assert (await client.get(f"/api/v1/rounds/{review.id}/assignments")).status_code == 404
    client.cookies.clear()

    # The project's own lead (an entrant) sees no scores.
    lead = await User.get(id=field[0].lead_id)
    await sign_in(client, lead.email)
    for url in (
        f"/judging/assignments/{mine.id}",
        f"/api/v1/scorecards/{mine.id}",
        f"/organize/rounds/{review.id}/judging",
    ):
        assert (await client.get(url)).status_code == 404, url
    client.cookies.clear()

    # The organizer of another summit, and a judge whose role was revoked.
    elsewhere = await make_summit(slug="elsewhere")
    await grant(elsewhere, await make_user(email="other-org@example.com"))
    await sign_in(client, "other-org@example.com")
    assert (await client.get(f"/organize/rounds/{review.id}/judging")).status_code == 404
    assert (await client.get(f"/organize/rounds/{review.id}/assignments")).status_code == 404
    client.cookies.clear()

    # After judging closes, the judge can read but not change.
    await Round.filter(id=review.id).update(status=RoundStatus.CLOSED)
    await sign_in(client, judges[0].email)
    page = await client.get(f"/judging/assignments/{mine.id}")
    assert page.status_code == 200
    assert "Judging for this round is not open" in page.text
    token = await csrf_token(client, f"/judging/assignments/{mine.id}")
    team = await Criterion.filter(rubric__round_id=review.id).first()
    assert team is not None
    closed = await client.patch(
        f"/api/v1/scorecards/{mine.id}", json={f"c_{team.id}": "5"}, headers={"X-CSRF-Token": token}
    )
    assert closed.status_code == 409


async def test_a_blind_round_hides_the_team_from_judges(client: httpx.AsyncClient) -> None:
    review, judges, field = await _judged_round()
    await Rubric.filter(round_id=review.id).update(blind=True)
    await Project.filter(id__in=[p.id for p in field]).update(referral="Scout Lin")
    await _assign(client, review)
    card = await _scorecard_of(judges[0], review)
    await sign_in(client, judges[0].email)
    page = await client.get(f"/judging/assignments/{card.id}")
    assert "Batteries for boats." in page.text
    assert not re.search(r"startup\d\.example", page.text)  # no website
    assert "Scout Lin" not in page.text


async def test_judges_keep_a_profile_and_bad_input_is_named(client: httpx.AsyncClient) -> None:
    review, judges, _field = await _judged_round()
    summit = await Summit.get(id=(await review.competition).summit_id)
    track = await Track.filter(competition_id=review.competition_id).first()
    assert track is not None
    await sign_in(client, judges[0].email)
    page = f"/judging/profile/{summit.slug}"
    bad = await post_form(client, page, {"affiliation": "Sequoia", "max_projects": "lots", "tags": "AI"}, page=page)
    assert bad.status_code == 422
    assert "Enter a whole number of projects" in bad.text
    assert 'value="Sequoia"' in bad.text
    good = await post_form(
        client,
        page,
        {
            "affiliation": "Sequoia",
            "max_projects": "25",
            "tags": "Batteries, SaaS",
            "portfolio": "acme.example",
            "track_ids": str(track.id),
            "languages": "zh",
        },
        page=page,
    )
    assert good.status_code == 303
    profile = await JudgeProfile.get(user_id=judges[0].id)
    assert (profile.max_projects, profile.tags, profile.portfolio, profile.languages) == (
        25,
        ["batteries", "saas"],
        ["acme.example"],
        ["zh"],
    )
    client.cookies.clear()
    entrant = await make_user(email="entrant@example.com")
    await sign_in(client, entrant.email)
    assert (await client.get(page)).status_code == 404


async def test_judges_are_invited_in_bulk_and_a_bad_line_loses_nothing(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    review, _judges, _field = await _judged_round(judges=1)
    summit = await Summit.get(id=(await review.competition).summit_id)
    await sign_in(client, "org@ges.example")
    page = f"/organize/summits/{summit.slug}/judges"
    pasted = "anna@vc.example, Anna Berg\nnot an address\nliu@fund.example\tLiu Yang\njudge0@fund0.example"
    bad = await post_form(client, page, {"emails": pasted}, page=page)
    assert bad.status_code == 422
    assert "Line 2: “not an address” is not an e-mail address." in bad.text
    assert "Liu Yang" in bad.text  # the pasted text is kept
    assert await SummitRole.filter(role=Role.JUDGE).count() == 1
    good = await post_form(client, page, {"emails": pasted.replace("not an address\n", "")}, page=page)
    assert good.status_code == 303
    listed = await client.get(good.headers["location"])
    assert "2 judges invited. 1 was already a judge." in listed.text
    assert {r.email for r in await SummitRole.filter(role=Role.JUDGE)} == {
        "anna@vc.example",
        "liu@fund.example",
        "judge0@fund0.example",
    }
    await run_jobs.run()
    assert {m["To"] for m in mailbox.messages} == {"anna@vc.example", "liu@fund.example"}
    client.cookies.clear()
    await sign_in(client, "judge0@fund0.example")
    assert (await client.get(page)).status_code == 404  # judges don't invite judges


async def test_late_judges_are_reminded_once_a_day_and_nudged_by_hand(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    from podium.judging.services import assignments

    review, judges, _field = await _judged_round(judges=2, projects=2, k=1)
    await _assign(client, review)
    await run_jobs.run()
    mailbox.messages.clear()
    await Round.filter(id=review.id).update(judging_close_at=utcnow() + timedelta(days=2))
    settings = run_jobs.settings
    assert await assignments.remind_judges(settings=settings) == 2
    assert await assignments.remind_judges(settings=settings) == 2  # recorded once per day by key
    await run_jobs.run()
    assert sorted(m["To"] for m in mailbox.messages) == sorted(j.email for j in judges)
    mailbox.messages.clear()
    await sign_in(client, "org@ges.example")
    page = f"/organize/rounds/{review.id}/judging"
    nudged = await post_form(client, f"/organize/rounds/{review.id}/judges/{judges[0].id}/nudge", page=page)
    assert nudged.status_code == 303
    await run_jobs.run()
    assert [m["To"] for m in mailbox.messages] == [judges[0].email]
    assert "still waiting for your scores" in mailbox.messages[0].get_body(("plain",)).get_content()


async def test_scores_export_and_judge_statistics(client: httpx.AsyncClient) -> None:
    import csv
    import io

    review, judges, field = await _judged_round(judges=2, projects=1, k=2)
    await _assign(client, review)
    team, market = await Criterion.filter(rubric__round_id=review.id).order_by("position")
    for judge, (t, m) in zip(judges, [(10, 5), (1, 0)], strict=True):
        card = await _scorecard_of(judge, review)
        await Score.create(assignment=card, criterion=team, value=t)
        await Score.create(assignment=card, criterion=market, value=m)
        await Assignment.filter(id=card.id).update(status=AssignmentStatus.SUBMITTED, comment="=cmd|' /C calc'!A0")
    await sign_in(client, "org@ges.example")
    exported = await client.get(f"/organize/rounds/{review.id}/scores.csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    totals = sorted(float(r["total_0_100"]) for r in rows)
    assert totals == [0.0, 100.0]  # team (weight 2) and market, each scaled to 0–100
    assert all(r["comment"].startswith("'=") for r in rows)  # no formula runs in a spreadsheet
    assert {r["project"] for r in rows} == {field[0].title}
    xlsx = await client.get(f"/organize/rounds/{review.id}/scores.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    page = await client.get(f"/organize/rounds/{review.id}/judging")
    assert "+100.0" in page.text
    assert "-100.0" in page.text  # each judge against the other


async def test_declined_projects_go_to_other_judges_after_the_delay(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    from podium.judging.services import assignments

    review, judges, field = await _judged_round(judges=3, projects=1, k=1)
    await _assign(client, review)
    [card] = await Assignment.filter(round_id=review.id)
    judge = next(j for j in judges if j.id == card.judge_id)
    await sign_in(client, judge.email)
    declined = await post_form(
        client,
        f"/judging/assignments/{card.id}/decline",
        {"reason": "Too busy"},
        page=f"/judging/assignments/{card.id}",
    )
    assert declined.status_code == 303
    assert (await Assignment.get(id=card.id)).status == AssignmentStatus.DECLINED
    await Rubric.filter(round_id=review.id).update(reassign_after_hours=2)
    assert await assignments.refill_declined(settings=settings, now=utcnow()) == 0  # not yet
    later = utcnow() + timedelta(hours=3)
    assert await assignments.refill_declined(settings=settings, now=later) == 1
    replacement = await Assignment.get(round_id=review.id, status=AssignmentStatus.ASSIGNED)
    assert replacement.judge_id != judge.id
    assert replacement.project_id == field[0].id


async def test_a_live_round_follows_the_stage_and_locks_each_slot_after_its_grace(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    from podium.judging.models import PitchSlot
    from podium.judging.services import live, scoring

    review, judges, field = await _judged_round(judges=2, projects=2, k=2)
    await Rubric.filter(round_id=review.id).update(live=True, grace_minutes=2)
    await _assign(client, review)
    await sign_in(client, "org@ges.example")
    page = f"/organize/rounds/{review.id}/judging"
    built = await post_form(
        client, f"/organize/rounds/{review.id}/schedule", {"pitch_minutes": "7", "qa_minutes": "3"}, page=page
    )
    assert built.status_code == 303
    slots = await PitchSlot.filter(round_id=review.id).order_by("position")
    assert [s.pitch_seconds + s.qa_seconds for s in slots] == [600, 600]

    judge = judges[0]
    await sign_in(other_client, judge.email)
    waiting = await other_client.get(f"/judging/live/{review.id}")
    assert "Waiting for the first pitch" in waiting.text
    card = await Assignment.get(round_id=review.id, judge_id=judge.id, project_id=slots[0].project_id)
    team = await Criterion.filter(rubric__round_id=review.id).order_by("position").first()
    assert team is not None
    token = _CSRF.search((await other_client.get(f"/judging/assignments/{card.id}")).text)
    assert token is None  # not on stage yet: the scorecard is read-only

    started = await post_form(
        client, f"/organize/rounds/{review.id}/slots/{slots[0].id}/start", page=f"/organize/rounds/{review.id}/stage"
    )
    assert started.status_code == 303
    state = (await other_client.get(f"/judging/live/{review.id}/state")).json()
    assert state["slot"] == slots[0].id
    phone = await other_client.get(f"/judging/live/{review.id}")
    assert field[0].title in phone.text or field[1].title in phone.text
    assert f'data-autosave="/api/v1/scorecards/{card.id}"' in phone.text

    # At the boundary: a second before the lock a save goes through; at the lock it is refused.
    actor = Actor(user=judge, roles=await load_roles(judge.id))
    slot = await PitchSlot.get(id=slots[0].id)
    locks_at = live.times(slot, 2).locks_at  # type: ignore[union-attr]
    assert locks_at == slot.started_at + timedelta(minutes=12)  # type: ignore[operator]
    scorecard = await scoring.get_scorecard(actor=actor, assignment_id=card.id)
    await scoring.save(
        actor=actor, card=scorecard, values={f"c_{team.id}": "6"}, comment=None, now=locks_at - timedelta(seconds=1)
    )
    with pytest.raises(Refused, match="locked"):
        await scoring.save(actor=actor, card=scorecard, values={f"c_{team.id}": "9"}, comment=None, now=locks_at)
    assert [s.value for s in await Score.filter(assignment_id=card.id)] == [6]

    stage = await client.get(f"/organize/rounds/{review.id}/stage")
    assert stage.status_code == 200
    assert judge.display_name in stage.text  # who has scored the running slot
    again = await post_form(
        client, f"/organize/rounds/{review.id}/slots/{slots[0].id}/start", page=f"/organize/rounds/{review.id}/stage"
    )
    assert again.status_code == 409
    # Judges can't run the stage.
    assert (await other_client.get(f"/organize/rounds/{review.id}/stage")).status_code == 404


async def _bearer(user: User) -> dict[str, str]:
    from podium.platform import auth

    _token, secret = await auth.mint_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


async def test_the_judging_api_for_judges_and_organizers(client: httpx.AsyncClient) -> None:
    review, judges, field = await _judged_round(judges=2, projects=2, k=1)
    organizer = await User.get(email="org@ges.example")
    org = await _bearer(organizer)
    url = f"/api/v1/rounds/{review.id}/assignments"
    added = await client.post(url, json={"project_id": field[0].id, "judge_id": judges[0].id}, headers=org)
    assert added.status_code == 201
    assert added.json()["status"] == "assigned"
    twice = await client.post(url, json={"project_id": field[0].id, "judge_id": judges[0].id}, headers=org)
    assert twice.status_code == 422
    assert twice.json()["errors"] == {"judge_id": ["This judge already has the project."]}
    assert (await client.post(url, json={"project_id": "x"}, headers=org)).json()["errors"].keys() == {
        "project_id",
        "judge_id",
    }
    await Conflict.create(
        judge=judges[1], project=field[0], source="declared", status=ConflictStatus.CONFIRMED, reason="Investor"
    )
    conflicted = await client.post(url, json={"project_id": field[0].id, "judge_id": judges[1].id}, headers=org)
    assert conflicted.status_code == 422
    assert conflicted.json()["errors"] == {"judge_id": ["This judge has a conflict of interest with the project."]}
    listed = await client.get(url, headers=org)
    assert [a["judge_id"] for a in listed.json()["items"]] == [judges[0].id]

    judge = await _bearer(judges[0])
    mine = await client.get("/api/v1/judging/assignments", headers=judge)
    [item] = mine.json()["items"]
    team = await Criterion.filter(rubric__round_id=review.id).order_by("position").first()
    assert team is not None
    card = await client.patch(f"/api/v1/scorecards/{item['id']}", json={f"c_{team.id}": "7"}, headers=judge)
    assert card.status_code == 200
    assert card.json()["scores"] == {f"c_{team.id}": "7"}
    assert (await client.get(url, headers=judge)).status_code == 404  # judges don't see the round's matrix
    other = await _bearer(judges[1])
    assert (await client.get(f"/api/v1/scorecards/{item['id']}", headers=other)).status_code == 404
    assert (await client.get("/api/v1/judging/assignments", headers=other)).json() == {"items": []}
    bad = await client.patch(f"/api/v1/scorecards/{item['id']}", content=b"[1]", headers=judge)
    assert bad.status_code == 422


async def test_an_organizer_gives_a_card_to_another_judge_and_the_matrix_pages(client: httpx.AsyncClient) -> None:
    from tests.helpers import count_queries

    review, judges, _field = await _judged_round(judges=3, projects=3, k=1)
    await _assign(client, review)
    card = await _scorecard_of(judges[0], review)
    if card is None:  # judge 0 got nothing: take any card
        card = await Assignment.filter(round_id=review.id).first()
    assert card is not None
    target = next(j for j in judges if j.id != card.judge_id)
    await sign_in(client, "org@ges.example")
    page = f"/organize/rounds/{review.id}/assignments"
    with count_queries() as few:
        listed = await client.get(page)
    assert listed.status_code == 200
    swapped = await post_form(client, page, {"assignment": str(card.id), "judge": str(target.id)}, page=page)
    assert swapped.status_code == 303
    assert (await Assignment.get(id=card.id)).status == AssignmentStatus.REMOVED
    assert await Assignment.exists(round_id=review.id, project_id=card.project_id, judge_id=target.id)
    with count_queries() as more:
        await client.get(page)
    assert len(more.queries) == len(few.queries)  # one more row, no more queries
    bad = await post_form(client, page, {"assignment": str(card.id), "judge": "nobody"}, page=page)
    assert bad.status_code == 422
    assert "Choose one of the summit&#39;s judges." in bad.text or "Choose one of the summit's judges." in bad.text


async def test_rolling_review_scores_while_applications_stay_open(client: httpx.AsyncClient) -> None:
    review, judges, _field = await _judged_round()
    await _assign(client, review)
    card = await _scorecard_of(judges[0], review)
    team = await Criterion.filter(rubric__round_id=review.id).order_by("position").first()
    assert team is not None
    await sign_in(client, judges[0].email)
    url = f"/api/v1/scorecards/{card.id}"
    token = await csrf_token(client, f"/judging/assignments/{card.id}")
    # Still open for submissions, and judging has not started: read-only.
    await Round.filter(id=review.id).update(status=RoundStatus.OPEN, judging_open_at=utcnow() + timedelta(hours=1))
    early = await client.patch(url, json={f"c_{team.id}": "5"}, headers={"X-CSRF-Token": token})
    assert early.status_code == 409
    # Judging has started while submissions stay open: judges score as projects come in.
    await Round.filter(id=review.id).update(judging_open_at=utcnow() - timedelta(hours=1))
    rolling = await client.patch(url, json={f"c_{team.id}": "5"}, headers={"X-CSRF-Token": token})
    assert rolling.status_code == 200
    # A draft round shows nothing to judges.
    await Round.filter(id=review.id).update(status=RoundStatus.DRAFT)
    assert f"/judging/assignments/{card.id}" not in (await client.get("/judging")).text


async def test_an_organizer_adds_and_removes_a_judge_by_hand(client: httpx.AsyncClient) -> None:
    review, judges, field = await _judged_round(judges=2, projects=1, k=1)
    await sign_in(client, "org@ges.example")
    page = f"/organize/rounds/{review.id}/assignments"
    added = await post_form(
        client, page, {"action": "add", "project": str(field[0].id), "judge": str(judges[1].id)}, page=page
    )
    assert added.status_code == 303
    card = await Assignment.get(round_id=review.id, judge_id=judges[1].id)
    unknown = await post_form(
        client, page, {"action": "add", "project": "999999", "judge": str(judges[0].id)}, page=page
    )
    assert unknown.status_code == 422
    assert "Choose a project of this competition." in unknown.text
    removed = await post_form(client, page, {"action": "remove", "assignment": str(card.id)}, page=page)
    assert removed.status_code == 303
    assert (await Assignment.get(id=card.id)).status == AssignmentStatus.REMOVED
