"""Rankings in the platform: computed in a worker from submitted scorecards (once per input), finalised
into advancement, hidden until published, then shown to the public and to each team; awards and certificates."""

from __future__ import annotations

import httpx

from podium.competitions.models import Project, Round, RoundStatus
from podium.judging.models import (
    Advancement,
    Assignment,
    AssignmentStatus,
    Award,
    AwardTier,
    Criterion,
    RankingPolicy,
    RankingRow,
    RankingRun,
    Score,
)
from podium.judging.services import assignments, rankings
from podium.platform.auth import Actor, load_roles
from podium.platform.users.models import User
from podium.settings import Settings
from tests.conftest import JobRunner, SmtpSink
from tests.factories import grant, make_summit, make_user
from tests.helpers import post_form, sign_in
from tests.judging.test_judging import _assign, _judged_round

# Each project's (team, market) scores from every judge: project 0 is best, project 3 worst.
QUALITY = [(10, 5), (8, 4), (6, 3), (3, 1)]


async def _scored_round(client: httpx.AsyncClient, *, advance: int = 2) -> tuple[Round, list[User], list[Project]]:
    review, judges, field = await _judged_round(judges=3, projects=4, k=3)
    await _assign(client, review)
    team, market = await Criterion.filter(rubric__round_id=review.id).order_by("position")
    for card in await Assignment.filter(round_id=review.id):
        t, m = QUALITY[[p.id for p in field].index(card.project_id)]
        await Score.create(assignment=card, criterion=team, value=t)
        await Score.create(assignment=card, criterion=market, value=m)
        await Assignment.filter(id=card.id).update(
            status=AssignmentStatus.SUBMITTED, comment=f"Judge {card.judge_id} thinks it is fine."
        )
    await RankingPolicy.create(round=review, method="mean", advance_count=advance, bootstrap=50, share_comments=True)
    return review, judges, field


async def test_a_ranking_is_computed_once_per_input_and_shown_to_organizers(
    client: httpx.AsyncClient, run_jobs: JobRunner
) -> None:
    review, _judges, field = await _scored_round(client)
    await rankings.queue(review.id)
    await rankings.queue(review.id)  # debounced: one job for both changes
    await run_jobs.run()
    assert await RankingRun.filter(round_id=review.id).count() == 1
    again = await rankings.compute(round_id=review.id)  # the job running twice writes one run
    assert again is not None
    assert await RankingRun.filter(round_id=review.id).count() == 1
    rows = await RankingRow.filter(run_id=again.id).order_by("rank")
    assert [r.project_id for r in rows] == [p.id for p in field]
    assert [r.advances for r in rows] == [True, True, False, False]
    assert rows[0].score == 100  # 10/10 and 5/5: the top of the 0-100 scale
    assert all(r.ci_low is not None and r.ci_low <= float(r.score) <= r.ci_high for r in rows)

    await sign_in(client, "org@ges.example")
    page = await client.get(f"/organize/rounds/{review.id}/results")
    assert page.status_code == 200
    assert "Computed" in page.text
    assert field[0].title in page.text
    bad = await post_form(
        client, f"/organize/rounds/{review.id}/results", {"method": "clip", "decimals": "9"}, page=page.url.path
    )
    assert bad.status_code == 422
    assert "Enter a whole number of decimals, from 0 to 4." in bad.text


async def test_results_stay_hidden_until_published_then_everyone_sees_them_once(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    review, judges, field = await _scored_round(client)
    await rankings.compute(round_id=review.id)
    lead = await User.get(id=field[0].lead_id)
    hidden = [f"/rounds/{review.id}/results", f"/api/v1/rounds/{review.id}/results"]
    for url in hidden:
        assert (await other_client.get(url)).status_code == 404, url  # anonymous
    await sign_in(other_client, lead.email)
    for url in hidden:
        assert (await other_client.get(url)).status_code == 404, url  # the entrant
    own = await other_client.get(f"/projects/{field[0].id}/results")
    assert "No results are published yet" in own.text
    assert (await other_client.get(f"/organize/rounds/{review.id}/results")).status_code == 404
    other_client.cookies.clear()
    await sign_in(other_client, judges[0].email)
    for url in [*hidden, f"/organize/rounds/{review.id}/results"]:
        assert (await other_client.get(url)).status_code == 404, url  # a judge
    other_client.cookies.clear()
    await grant(await make_summit(slug="elsewhere"), await make_user(email="other-org@example.com"))
    await sign_in(other_client, "other-org@example.com")
    assert (await other_client.get(f"/organize/rounds/{review.id}/results")).status_code == 404
    other_client.cookies.clear()

    await sign_in(client, "org@ges.example")
    page = f"/organize/rounds/{review.id}/results"
    early = await post_form(client, f"/organize/rounds/{review.id}/finalise", page=page)
    assert early.status_code == 409
    assert "Close judging before finalising the round." in early.text
    unfinalised = await post_form(client, f"/organize/rounds/{review.id}/publish", page=page)
    assert unfinalised.status_code == 409
    await Round.filter(id=review.id).update(status=RoundStatus.CLOSED)
    assert (await post_form(client, f"/organize/rounds/{review.id}/finalise", page=page)).status_code == 303
    outcomes = {a.project_id: a.advances for a in await Advancement.filter(round_id=review.id)}
    assert outcomes == {field[0].id: True, field[1].id: True, field[2].id: False, field[3].id: False}
    semi = await Round.create(competition_id=review.competition_id, position=2, name_en="Semi-final")
    assert {p.id for p in await assignments.field_of(semi)} == {field[0].id, field[1].id}
    for url in hidden:
        assert (await other_client.get(url)).status_code == 404, url  # finalised is not published

    assert (await post_form(client, f"/organize/rounds/{review.id}/publish", page=page)).status_code == 303
    await run_jobs.run()
    public = await other_client.get(f"/rounds/{review.id}/results")
    assert public.status_code == 200
    assert field[3].title in public.text
    api = (await other_client.get(f"/api/v1/rounds/{review.id}/results")).json()
    assert [item["project_id"] for item in api["items"]] == [p.id for p in field]
    sent = [m for m in mailbox.messages if m["To"] == lead.email]
    assert len(sent) == 1
    await rankings.send_results(round_id=review.id, settings=run_jobs.settings)  # the job again: no second mail
    await run_jobs.run()
    assert len([m for m in mailbox.messages if m["To"] == lead.email]) == 1

    other_client.cookies.clear()
    await sign_in(other_client, lead.email)
    own = await other_client.get(f"/projects/{field[0].id}/results")
    assert "Place 1 of 4" in own.text
    assert "thinks it is fine" in own.text  # the comments, shared by the organizer
    assert judges[0].display_name not in own.text  # without the judges' names
    stranger = await other_client.get(f"/projects/{field[1].id}/results")
    assert stranger.status_code == 404


async def test_awards_are_granted_from_the_final_ranking_with_referrer_credit_and_certificates(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    review, _judges, field = await _scored_round(client)
    await Project.filter(id=field[1].id).update(referral="Scout Lin")
    await sign_in(client, "org@ges.example")
    awards_page = f"/organize/competitions/{review.competition_id}/awards"
    early = await post_form(client, awards_page, {"action": "grant"}, page=awards_page)
    assert early.status_code == 409
    bad = await post_form(
        client, awards_page, {"action": "add", "name_en": "First prize", "count": "0"}, page=awards_page
    )
    assert bad.status_code == 422
    assert 'value="First prize"' in bad.text
    for name, count, money, share in (("First prize", "1", "50000000", "10"), ("Second prize", "2", "2000000", "5")):
        response = await post_form(
            client,
            awards_page,
            {
                "action": "add",
                "name_en": name,
                "count": count,
                "prize_amount": money,
                "referrer_share_percent": share,
                "position": count,
            },
            page=awards_page,
        )
        assert response.status_code == 303
    await rankings.compute(round_id=review.id)
    await Round.filter(id=review.id).update(status=RoundStatus.CLOSED)
    await post_form(client, f"/organize/rounds/{review.id}/finalise", page=awards_page)
    granted = await post_form(client, awards_page, {"action": "grant"}, page=awards_page)
    assert granted.status_code == 303
    won = {(a.tier_id, a.project_id): a for a in await Award.all()}
    first, second = await AwardTier.all().order_by("position")
    assert set(won) == {(first.id, field[0].id), (second.id, field[1].id), (second.id, field[2].id)}
    credited = won[(second.id, field[1].id)]
    assert (credited.referrer, credited.referrer_amount) == ("Scout Lin", 100000)  # 5% of 20,000.00
    page = await client.get(awards_page)
    assert "Scout Lin" in page.text

    certificate = won[(first.id, field[0].id)]
    pdf = await client.get(f"/awards/{certificate.id}/certificate.pdf")
    assert pdf.content.startswith(b"%PDF-")
    lead = await User.get(id=field[0].lead_id)
    await sign_in(other_client, lead.email)
    # The final round here is the only round: until it is published the team cannot see its certificate.
    assert (await other_client.get(f"/awards/{certificate.id}/certificate.pdf")).status_code == 404
    await post_form(client, f"/organize/rounds/{review.id}/publish", page=awards_page)
    assert (await other_client.get(f"/awards/{certificate.id}/certificate.pdf")).status_code == 200
    other = won[(second.id, field[1].id)]
    assert (await other_client.get(f"/awards/{other.id}/certificate.pdf")).status_code == 404  # not their award


async def test_projects_too_close_to_call_get_one_more_judge(client: httpx.AsyncClient, settings: Settings) -> None:
    review, judges, field = await _judged_round(judges=4, projects=3, k=2)
    await _assign(client, review)
    before = await Assignment.filter(round_id=review.id).count()
    await sign_in(client, "org@ges.example")
    organizer = await User.get(email="org@ges.example")
    actor = Actor(user=organizer, roles=await load_roles(organizer.id))
    loaded = await assignments.get_managed_round(actor=actor, round_id=review.id)
    added = await assignments.add_one_more(actor=actor, round=loaded, project_ids=[field[0].id], settings=settings)
    assert added == 1
    assert await Assignment.filter(round_id=review.id).count() == before + 1
    assert await Assignment.filter(round_id=review.id, project_id=field[0].id).count() == 3
    assert len(judges) == 4


async def test_a_pairwise_round_ranks_projects_from_judges_choices(client: httpx.AsyncClient) -> None:
    import re

    from podium.judging.models import Comparison, JudgeEffect, Rubric

    review, judges, field = await _judged_round(judges=2, projects=4, k=2)
    await Rubric.filter(round_id=review.id).update(pairwise=True, judges_per_project=2)
    await _assign(client, review)
    order = [p.id for p in field]  # truth: project 0 is best
    for judge in judges:
        client.cookies.clear()
        await sign_in(client, judge.email)
        assert "Compare the projects" in (await client.get("/judging")).text
        for _ in range(10):
            page = await client.get(f"/judging/compare/{review.id}")
            assert page.status_code == 200
            shown = [int(x) for x in re.findall(r'name="winner" value="(\d+)"', page.text)]
            if not shown:
                assert "You have compared all your projects" in page.text
                break
            better, worse = sorted(shown, key=order.index)
            stale = await post_form(
                client, page.url.path, {"winner": str(better), "loser": "999999"}, page=page.url.path
            )
            assert stale.status_code == 422
            voted = await post_form(
                client, page.url.path, {"winner": str(better), "loser": str(worse)}, page=page.url.path
            )
            assert voted.status_code == 303
    assert await Comparison.filter(round_id=review.id).count() >= 2
    run = await rankings.compute(round_id=review.id)
    assert run is not None
    assert run.method == "pairwise"
    rows = await RankingRow.filter(run_id=run.id).order_by("rank")
    ranked = [r.project_id for r in rows]
    assert ranked == sorted(ranked, key=order.index)  # the choices' order, for the projects compared
    assert all(e.reliability is not None for e in await JudgeEffect.filter(run_id=run.id))
    client.cookies.clear()
    entrant = await User.get(id=field[0].lead_id)
    await sign_in(client, entrant.email)
    assert (await client.get(f"/judging/compare/{review.id}")).status_code == 404


async def test_the_results_page_of_a_pairwise_round(client: httpx.AsyncClient) -> None:
    from podium.judging.models import Comparison, Rubric

    review, judges, field = await _judged_round(judges=1, projects=2, k=2)
    await Rubric.filter(round_id=review.id).update(pairwise=True)
    await Comparison.create(round=review, judge=judges[0], winner=field[1], loser=field[0])
    await rankings.compute(round_id=review.id)
    await sign_in(client, "org@ges.example")
    page = await client.get(f"/organize/rounds/{review.id}/results")
    assert page.status_code == 200
    assert "pairwise comparisons (Crowd BT)" in page.text
    refused = await post_form(client, page.url.path, {"method": "pairwise"}, page=page.url.path)
    assert refused.status_code == 422
