"""Scenes for the impact tests: a small competition whose every figure is known by hand.

The field (summit in CNY, the final on 2026-09-19 in Beijing):
  p1 AI / Overseas    eligible   online review 1st (advances), final 1st, Gold award
  p2 AI / Domestic    eligible   online review 3rd
  p3 Health / Overseas eligible  online review 2nd (advances), final 2nd, incorporated locally
  p4 Health / Domestic ineligible
  p5 AI / Overseas    pending    withdrawn after submitting
  p6 AI / Overseas    a draft: never applied
Funding (reporting currency CNY, fen):
  p1 CNY 50,000,000 verified 2026-10-01                       5,000,000,000
  p2 USD 1,000,000 verified 2026-11-02 at 7.1                   710,000,000
  p2 CNY 9,000,000 rejected                                    (never counted)
  p3 EUR 100,000 verified 2026-03-01 at 0.9 and 7.2              80,000,000 (before the final)
  p3 CNY 3,000,000 verified, confidential, 2026-10-10           300,000,000
  p4 CNY 1,000,000 reported (awaiting verification) 2026-10-20  100,000,000
  p5 GBP 200,000 verified 2026-10-05, no GBP rate: no figure
  p6 CNY 90,000,000 verified (a draft: not counted)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from podium.competitions.financing_models import (
    FundingKind,
    FundingRound,
    FxRate,
    Outcome,
    RoundSource,
    Verification,
)
from podium.competitions.models import (
    Competition,
    Division,
    Eligibility,
    Project,
    ProjectStatus,
    Round,
    RoundStatus,
    Track,
)
from podium.competitions.services import fx
from podium.judging.models import Advancement, Award, AwardTier
from podium.platform import auth
from podium.platform.summits.models import Role, Summit
from podium.platform.users.models import User
from tests.factories import grant, make_competition, make_summit, make_user

SUBMITTED = datetime(2026, 5, 1, tzinfo=UTC)


@dataclass
class Field:
    summit: Summit
    competition: Competition
    organizer: User
    tracks: list[Track]
    divisions: list[Division]
    rounds: list[Round]
    projects: dict[str, Project]
    tier: AwardTier


async def bearer(user: User) -> dict[str, str]:
    _token, secret = await auth.mint_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


async def add_round(
    summit: Summit,
    project: Project,
    amount: int,
    currency: str,
    on: date,
    *,
    status: Verification = Verification.VERIFIED,
    confidential: bool = False,
    kind: FundingKind = FundingKind.SEED,
) -> FundingRound:
    found = FundingRound(
        project_id=project.id,
        kind=kind,
        amount=amount,
        currency=currency,
        announced_on=on,
        source=RoundSource.ORGANIZER,
        status=status,
        confidential=confidential,
    )
    await fx.normalise_one(found, summit=summit)
    await found.save()
    return found


async def make_project(competition: Competition, lead: User, **fields: object) -> Project:
    values: dict[str, object] = {
        "title": "A project",
        "status": ProjectStatus.SUBMITTED,
        "submitted_at": SUBMITTED,
        "eligibility": Eligibility.ELIGIBLE,
    }
    values.update(fields)
    return await Project.create(competition_id=competition.id, lead_id=lead.id, **values)


async def small_field(*, final_status: RoundStatus = RoundStatus.PUBLISHED, slug: str = "ges-2026") -> Field:
    summit = await make_summit(slug=slug, currency="CNY", timezone="Asia/Shanghai")
    organizer = await make_user(email=f"org@{slug}.example")
    await grant(summit, organizer)
    competition = await make_competition(summit=summit, slug="gec", name_en="GEC 2026", name_zh="2026大赛")
    ai = await Track.create(competition=competition, name_en="AI", name_zh="人工智能", position=1)
    health = await Track.create(competition=competition, name_en="Health", name_zh="医疗健康", position=2)
    overseas = await Division.create(competition=competition, name_en="Overseas", name_zh="海外", position=1)
    domestic = await Division.create(competition=competition, name_en="Domestic", name_zh="国内", position=2)
    review = await Round.create(
        competition=competition,
        position=1,
        name_en="Online review",
        name_zh="网络评审",
        judging_close_at=datetime(2026, 6, 30, 10, tzinfo=UTC),
        status=RoundStatus.PUBLISHED,
    )
    final = await Round.create(
        competition=competition,
        position=2,
        name_en="Final",
        name_zh="总决赛",
        # 18:00 in Beijing on September 19: the final's date is 2026-09-19.
        judging_close_at=datetime(2026, 9, 19, 10, tzinfo=UTC),
        status=final_status,
    )
    lead = await make_user(email=f"lead@{slug}.example")
    p = {
        "p1": await make_project(competition, lead, title="Alpha", track=ai, division=overseas),
        "p2": await make_project(competition, lead, title="Beta", track=ai, division=domestic),
        "p3": await make_project(competition, lead, title="Gamma", track=health, division=overseas),
        "p4": await make_project(
            competition, lead, title="Delta", track=health, division=domestic, eligibility=Eligibility.INELIGIBLE
        ),
        "p5": await make_project(
            competition,
            lead,
            title="Epsilon",
            track=ai,
            division=overseas,
            status=ProjectStatus.WITHDRAWN,
            eligibility=Eligibility.PENDING,
        ),
        "p6": await make_project(
            competition, lead, title="Zeta", track=ai, division=overseas, status=ProjectStatus.DRAFT, submitted_at=None
        ),
    }
    await Advancement.bulk_create(
        [
            Advancement(round_id=review.id, project_id=p["p1"].id, rank=1, score=Decimal(90), advances=True),
            Advancement(round_id=review.id, project_id=p["p3"].id, rank=2, score=Decimal(80), advances=True),
            Advancement(round_id=review.id, project_id=p["p2"].id, rank=3, score=Decimal(70), advances=False),
            Advancement(round_id=final.id, project_id=p["p1"].id, rank=1, score=Decimal(95), advances=False),
            Advancement(round_id=final.id, project_id=p["p3"].id, rank=2, score=Decimal(85), advances=False),
        ]
    )
    tier = await AwardTier.create(competition_id=competition.id, position=1, name_en="Gold", name_zh="金奖", count=1)
    await Award.create(tier_id=tier.id, project_id=p["p1"].id, rank=1)
    await Outcome.create(project_id=p["p3"].id, incorporated_locally=True)
    for currency, day, rate in (("CNY", date(2026, 2, 27), "7.2"), ("EUR", date(2026, 2, 27), "0.9")):
        await FxRate.create(summit_id=summit.id, currency=currency, on_date=day, rate=Decimal(rate))
    await FxRate.create(summit_id=summit.id, currency="CNY", on_date=date(2026, 11, 1), rate=Decimal("7.1"))
    await add_round(summit, p["p1"], 5_000_000_000, "CNY", date(2026, 10, 1))
    await add_round(summit, p["p2"], 100_000_000, "USD", date(2026, 11, 2))
    await add_round(summit, p["p2"], 900_000_000, "CNY", date(2026, 10, 3), status=Verification.REJECTED)
    await add_round(summit, p["p3"], 10_000_000, "EUR", date(2026, 3, 1))
    await add_round(summit, p["p3"], 300_000_000, "CNY", date(2026, 10, 10), confidential=True)
    await add_round(summit, p["p4"], 100_000_000, "CNY", date(2026, 10, 20), status=Verification.REPORTED)
    await add_round(summit, p["p5"], 20_000_000, "GBP", date(2026, 10, 5))
    await add_round(summit, p["p6"], 9_000_000_000, "CNY", date(2026, 10, 1))
    return Field(
        summit=summit,
        competition=competition,
        organizer=organizer,
        tracks=[ai, health],
        divisions=[overseas, domestic],
        rounds=[review, final],
        projects=p,
        tier=tier,
    )


async def judge_of(summit: Summit, email: str = "judge@example.com") -> User:
    user = await make_user(email=email)
    await grant(summit, user, Role.JUDGE)
    return user
