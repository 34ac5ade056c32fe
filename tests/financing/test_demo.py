"""The demo's past edition: three years of rounds in several currencies, rates for every date, about 2% of
projects over 50 million yuan; seeding twice writes once."""

from __future__ import annotations

from collections import Counter
from datetime import date

from podium.competitions.financing_demo import seed_demo_financing
from podium.competitions.financing_models import FundingRound, FxRate, Outcome, SurveySchedule
from podium.competitions.models import Project, ProjectStatus
from podium.competitions.services import financing
from podium.competitions.services.financing import Figures
from podium.platform.i18n import utcnow
from tests.factories import make_competition, make_summit, make_user


async def test_the_demo_has_three_years_of_rounds_in_several_currencies(app: object) -> None:
    summit = await make_summit(slug="ges-2026", starts_on=date(2026, 9, 19), ends_on=date(2026, 9, 21))
    competition = await make_competition(summit=summit, slug="gec-2026")
    lead = await make_user(email="lead@example.com")
    await Project.bulk_create(
        [
            Project(
                competition_id=competition.id, lead_id=lead.id, title=f"Startup {n}", status=ProjectStatus.SUBMITTED
            )
            for n in range(400)
        ]
    )
    assert await seed_demo_financing(competition, summit) is True
    rounds = await FundingRound.all()
    assert 250 <= len(rounds) <= 450
    assert {r.currency for r in rounds} == {"CNY", "USD", "EUR", "GBP", "SGD"}
    days = sorted(r.announced_on for r in rounds)
    assert (utcnow().date() - days[0]).days > 2.5 * 365
    assert days[-1] <= utcnow().date()
    assert all(r.amount_reporting is not None and r.amount_usd is not None for r in rounds)
    kinds = Counter(r.kind for r in rounds)
    assert kinds["seed"] + kinds["angel"] + kinds["pre_seed"] > kinds["b"] + kinds["c_plus"]
    statuses = Counter(r.status for r in rounds)
    assert statuses["verified"] > statuses["reported"] > statuses["rejected"] > 0
    projects = await Project.filter(competition_id=competition.id)
    over = await financing.count_raised_at_least(projects, 5_000_000_000, "CNY", figures=Figures.REPORTED)
    assert over == 9  # 2.2% of 400
    assert await financing.count_raised_at_least(projects, 100_000_000, "CNY", figures=Figures.REPORTED) > 100
    assert await FxRate.filter(summit_id=summit.id, currency="CNY").count() > 700
    assert await Outcome.filter(incorporated_locally=True).count() > 50
    assert await SurveySchedule.filter(competition_id=competition.id, months=[6, 12, 24, 36]).exists()
    # Seeding again writes nothing.
    assert await seed_demo_financing(competition, summit) is False
    assert await FundingRound.all().count() == len(rounds)
