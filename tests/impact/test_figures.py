"""The dashboard's figures on a field known by hand (tests/impact/scenes.py): the funnel, money with FX, the
threshold at its boundary, which rounds count, the rank correlation and the judges' predictions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest

from podium.competitions.financing_models import SurveySchedule
from podium.competitions.models import Competition, Project, ProjectStatus, Round, RoundStatus
from podium.competitions.services import financing, surveys
from podium.judging.impact import services
from podium.judging.impact.figures import Dashboard
from podium.judging.models import (
    Advancement,
    Assignment,
    AssignmentStatus,
    Conflict,
    ConflictSource,
    ConflictStatus,
    Criterion,
    Rubric,
    Score,
)
from podium.platform.auth import Actor, load_roles
from podium.platform.users.models import User
from tests.factories import make_user
from tests.impact.scenes import Field, add_round, bearer, make_project, small_field


async def board_of(field: Field, **params: str) -> Dashboard:
    actor = Actor(user=field.organizer, roles=await load_roles(field.organizer.id))
    report, errors = await services.organizer_dashboard(actor=actor, competition_id=field.competition.id, params=params)
    assert errors == {}
    return report.dashboard


async def test_funnel_counts_each_stage_of_a_small_field(app: object) -> None:
    field = await small_field()
    board = await board_of(field)
    review, final = field.rounds
    assert [(s.key, s.count, s.awarded) for s in board.stages] == [
        ("applied", 5, None),  # the draft never applied; the withdrawn project did
        ("eligible", 3, None),
        (f"round-{review.id}", 3, None),
        (f"round-{final.id}", 2, None),
        ("awarded", 1, None),
        # p1, p2, p3 (its confidential round counts for organizers) and p5 (its round has no figure yet but
        # was verified); p1 won.
        ("financed", 4, 1),
        ("incorporated", 1, 0),
    ]
    by_track = {row.group.name_en: row.counts for row in board.funnel_tracks}
    assert by_track["AI"] == {
        "applied": 3,
        "eligible": 2,
        f"round-{review.id}": 2,
        f"round-{final.id}": 1,
        "awarded": 1,
        "financed": 3,
        "incorporated": 0,
    }
    assert by_track["Health"]["applied"] == 2
    assert by_track["Health"][f"round-{final.id}"] == 1
    by_division = {row.group.name_en: row.counts for row in board.funnel_divisions}
    assert (by_division["Overseas"]["applied"], by_division["Domestic"]["applied"]) == (3, 2)


async def test_a_round_not_finalised_counts_the_projects_that_advanced_into_it(app: object) -> None:
    field = await small_field()
    third = await Round.create(competition=field.competition, position=3, name_en="Gala", status=RoundStatus.DRAFT)
    await Advancement.filter(round_id=field.rounds[1].id, project_id=field.projects["p1"].id).update(advances=True)
    board = await board_of(field)
    assert [s.count for s in board.stages if s.key == f"round-{third.id}"] == [1]


async def test_money_totals_and_medians_convert_every_currency(app: object) -> None:
    field = await small_field()
    board = await board_of(field)
    money = board.money
    # p1 5,000,000,000 + p2 USD 1,000,000 at 7.1 = 710,000,000 + p3 EUR 100,000 at 7.2 / 0.9 = 80,000,000
    # + p3's confidential 300,000,000 (fen). p4's round awaits verification, p2's was rejected, p6 is a draft.
    assert (money.projects, money.raised) == (5, 3)
    assert money.total == 5_000_000_000 + 710_000_000 + 380_000_000
    assert money.median == 710_000_000
    assert money.financed == 4
    assert money.median_days == 18.5  # 12 (p1), 16 (p5), 21 (p3) and 44 (p2) days after September 19
    assert board.without_figures == 1  # p5's pound round waits for a GBP rate
    tracks = {row.group.name_en: row for row in board.money_tracks}
    assert (tracks["AI"].total, tracks["AI"].median, tracks["AI"].raised) == (5_710_000_000, 2_855_000_000, 2)
    assert tracks["Health"].total == 380_000_000
    tiers = {row.group.name_en: row for row in board.money_tiers}
    assert (tiers["Gold"].projects, tiers["Gold"].total) == (1, 5_000_000_000)
    assert (tiers["No award"].projects, tiers["No award"].total) == (4, 1_090_000_000)
    # In US dollars, each round at the rate of its day: 694,444,444 + 100,000,000 + 11,111,111 + 41,666,667 cents.
    in_usd = await board_of(field, currency="USD")
    assert in_usd.money.total == 847_222_222
    ids = [p.id for p in field.projects.values() if p.title != "Zeta"]
    assert sum((await financing.raised_by_project(ids, "USD")).values()) == 847_222_222


async def test_which_rounds_count_follows_the_choice(app: object) -> None:
    field = await small_field()
    reported = await board_of(field, figures="reported")
    assert (reported.money.raised, reported.money.total) == (4, 6_190_000_000)  # p4's report counts too
    after = await board_of(field, window="after")
    assert after.money.total == 5_000_000_000 + 710_000_000 + 300_000_000  # p3's March round is left out
    assert after.money.financed == 4


async def test_threshold_counts_exactly_the_threshold_and_not_one_fen_less(app: object) -> None:
    field = await small_field()
    lead = await User.get(email="lead@ges-2026.example")
    just_under = await make_project(field.competition, lead, title="Just under")
    await add_round(field.summit, just_under, 4_999_999_999, "CNY", date(2026, 12, 1))
    board = await board_of(field, threshold="50,000,000")
    assert board.selection.threshold == 5_000_000_000
    assert board.money.at_least == 1  # p1 raised exactly 50,000,000 yuan
    # The financing service agrees on the projects that applied (the draft p6 raised 90,000,000 but never applied).
    applied = await Project.filter(competition_id=field.competition.id).exclude(status=ProjectStatus.DRAFT)
    assert await financing.count_raised_at_least(applied, 5_000_000_000, "CNY") == 1
    lower = await board_of(field, threshold="49999999.99")
    assert lower.money.at_least == 2
    assert (await board_of(field, threshold="5000万")).money.at_least == 1


async def test_a_threshold_that_cannot_be_read_is_refused_by_name(client: httpx.AsyncClient) -> None:
    field = await small_field()
    url = f"/api/v1/competitions/{field.competition.id}/impact"
    token = await bearer(field.organizer)
    response = await client.get(url, params={"threshold": "lots"}, headers=token)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["threshold"]
    assert (await client.get(url, params={"threshold": "0"}, headers=token)).status_code == 422


async def test_rank_correlation_of_the_final_ranking_with_money_raised(app: object) -> None:
    field = await small_field()
    lead = await User.get(email="lead@ges-2026.example")
    final = field.rounds[1]
    await Advancement.filter(round_id=final.id).delete()
    rows = []
    for place in range(1, 13):
        project = await make_project(field.competition, lead, title=f"F{place}", track=field.tracks[place % 2])
        # Better places raised more, except that the last two swapped.
        amount = (100 - place) * 1_000_000 if place < 11 else (90 + place) * 10_000
        await add_round(field.summit, project, amount, "CNY", date(2026, 10, 1))
        rows.append(Advancement(round_id=final.id, project_id=project.id, rank=place, score=Decimal(1), advances=False))
    await Advancement.bulk_create(rows)
    board = await board_of(field)
    assert board.ranked_round is not None
    assert board.ranked_round.id == final.id
    assert board.correlation is not None
    assert board.correlation.n == 12
    assert board.correlation.too_few is False
    assert 0.9 < (board.correlation.rho or 0) < 1.0
    per_track = {c.group.name_en: c for c in board.correlation_tracks}
    assert (per_track["AI"].n, per_track["Health"].n) == (6, 6)
    assert per_track["AI"].too_few is True


async def test_judges_are_ranked_by_how_well_their_scores_predicted_the_money(app: object) -> None:
    field = await small_field()
    lead = await User.get(email="lead@ges-2026.example")
    review = field.rounds[0]
    rubric = await Rubric.create(round_id=review.id)
    team = await Criterion.create(rubric=rubric, position=1, name_en="Team", weight=Decimal(2))
    market = await Criterion.create(rubric=rubric, position=2, name_en="Market", weight=Decimal(1))
    await Criterion.create(rubric=rubric, position=3, name_en="Fun", weight=Decimal(1), counted=False)
    projects = []
    for n in range(6):
        project = await make_project(field.competition, lead, title=f"J{n}")
        await add_round(field.summit, project, (n + 1) * 100_000_000, "CNY", date(2026, 10, 1))
        projects.append(project)
    sharp = await make_user(email="sharp@example.com", name="Sharp")
    contrary = await make_user(email="contrary@example.com", name="Contrary")
    busy = await make_user(email="busy@example.com", name="Busy")

    async def card(judge: User, project: Project, values: tuple[int, int], status: AssignmentStatus) -> None:
        a = await Assignment.create(round_id=review.id, project_id=project.id, judge_id=judge.id, status=status)
        await Score.create(assignment=a, criterion=team, value=values[0])
        await Score.create(assignment=a, criterion=market, value=values[1])

    for n, project in enumerate(projects):
        await card(sharp, project, (n + 2, n + 1), AssignmentStatus.SUBMITTED)
        await card(contrary, project, (9 - n, 8), AssignmentStatus.SUBMITTED)
        # Busy scored all six, but one card is not submitted and one is a confirmed conflict: four count.
        await card(busy, project, (5, 5), AssignmentStatus.ASSIGNED if n == 0 else AssignmentStatus.SUBMITTED)
    await Conflict.create(
        judge=busy, project=projects[1], source=ConflictSource.DECLARED, status=ConflictStatus.CONFIRMED
    )
    board = await board_of(field)
    assert [(j.name, j.rho, j.n) for j in board.judges] == [
        ("Sharp", pytest.approx(1.0), 6),
        ("Contrary", pytest.approx(-1.0), 6),
    ]
    assert board.judges[0].too_few is True


async def test_the_final_is_the_schedules_date_when_the_organizer_set_one(app: object) -> None:
    field = await small_field()
    competition = await Competition.get(id=field.competition.id).select_related("summit")
    board = await board_of(field)
    assert board.final_on == await surveys.final_date(competition=competition, schedule=None) == date(2026, 9, 19)
    schedule = await SurveySchedule.create(competition_id=competition.id, months=[6], final_on=date(2026, 10, 4))
    board = await board_of(field)
    assert board.final_on == await surveys.final_date(competition=competition, schedule=schedule)
    # After October 4: p2 (November 2), p3 (October 10) and p5 (October 5); p1's round of October 1 is before.
    assert (board.money.financed, board.money.median_days) == (3, 6)
