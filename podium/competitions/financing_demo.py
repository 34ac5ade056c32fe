"""Demo financing for a past edition: three years of funding rounds in several currencies, the FX rates they
convert with, landing and growth, and a follow-up survey schedule.

The shapes are those of a real field: most projects raise nothing or a small seed round, a few go on to
series A, B and later, and about 2% raise more than 50 million yuan in total. Seeded from the competition's
id, so every run draws the same numbers."""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from podium.competitions.financing import money
from podium.competitions.financing_models import (
    DatePrecision,
    FundingKind,
    FundingRound,
    FxRate,
    Outcome,
    RoundSource,
    SurveySchedule,
    Verification,
)
from podium.competitions.models import Competition, Project
from podium.competitions.services.fx import RateBook, normalise
from podium.competitions.services.surveys import DEFAULT_MONTHS, add_months
from podium.platform.i18n import utcnow
from podium.platform.summits.models import Summit

log = logging.getLogger(__name__)

YEARS = 3
STAR_SHARE = 0.022  # projects that raise more than 50 million yuan in total
BIG = Decimal(50_000_000)
# Units per US dollar where the walk starts, and how far it may wander.
BASE_RATES = {
    "CNY": Decimal("7.12"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "SGD": Decimal("1.34"),
    "JPY": Decimal("149.5"),
    "HKD": Decimal("7.81"),
}
# The currency a round is reported in, with its share of rounds.
CURRENCY_SHARES = (("CNY", 0.55), ("USD", 0.25), ("EUR", 0.08), ("GBP", 0.06), ("SGD", 0.06))
# Typical sizes in yuan (the median of a log-normal draw) for each kind of round.
TYPICAL_CNY = {
    FundingKind.PRE_SEED: 1_200_000,
    FundingKind.ANGEL: 3_000_000,
    FundingKind.SEED: 5_000_000,
    FundingKind.SERIES_A: 20_000_000,
    FundingKind.SERIES_B: 60_000_000,
    FundingKind.SERIES_C_PLUS: 180_000_000,
    FundingKind.STRATEGIC: 15_000_000,
    FundingKind.GRANT: 500_000,
}
INVESTORS = (
    "Zhongguancun Angel Fund",
    "Beijing Hi-Tech Venture",
    "Haidian Innovation Capital",
    "Yizhuang Industrial Fund",
    "Tsinghua Alumni Ventures",
    "Peking University Science Park Fund",
    "Shenzhen Hardware Capital",
    "Suzhou Biotech Partners",
    "Imperial Innovations",
    "Paris Health Ventures",
    "Tokyo Deep Tech Partners",
    "Gulf Energy Capital",
    "Warsaw Robotics Fund",
    "Singapore Frontier Capital",
    "Boston Life Science Partners",
    "Berlin Climate Ventures",
    "London Fintech Angels",
    "Silicon Valley Seed Partners",
)
NEWS = "https://news.example.com/funding"
DISTRICTS = ("Haidian", "Chaoyang", "Yizhuang", "Shijingshan", "Changping", "Fengtai", "Shunyi")
REJECTION_NOTES = (
    "The registry shows a smaller amount; please send the signed term sheet.",
    "This is the same round as the one already verified.",
)


@dataclass
class _Plan:
    kind: FundingKind
    cny: Decimal
    on: date


def _business_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _rates(rng: random.Random, days: list[date]) -> dict[str, list[tuple[date, Decimal]]]:
    """A mean-reverting random walk per currency, four decimal places (two for the yen)."""
    walks: dict[str, list[tuple[date, Decimal]]] = {}
    for currency, base in BASE_RATES.items():
        level, series = 1.0, []
        places = Decimal("0.01") if currency == "JPY" else Decimal("0.0001")
        for day in days:
            level = level + 0.04 * (1.0 - level) + rng.gauss(0, 0.003)
            series.append((day, (base * Decimal(str(round(level, 6)))).quantize(places, rounding=ROUND_HALF_EVEN)))
        walks[currency] = series
    return walks


def _nice(amount: Decimal) -> Decimal:
    """Round to two significant digits, as announcements do (12,000,000 rather than 12,345,678)."""
    if amount <= 0:
        return Decimal(0)
    step = Decimal(10) ** max(0, len(str(int(amount))) - 2)
    return max(step, (amount / step).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * step)


def _plans(rng: random.Random, star: bool, start: date, span: int) -> list[_Plan]:
    """The rounds one project raises over the window, in order, with sizes in yuan."""
    if star:
        kinds = [FundingKind.SERIES_A, FundingKind.SERIES_B] + (
            [FundingKind.SERIES_C_PLUS] if rng.random() < 0.5 else []
        )
        if rng.random() < 0.5:
            kinds.insert(0, rng.choice((FundingKind.ANGEL, FundingKind.SEED)))
    else:
        draw = rng.random()
        count = 0 if draw < 0.55 else 1 if draw < 0.85 else 2 if draw < 0.96 else 3
        ladder = [rng.choice((FundingKind.PRE_SEED, FundingKind.ANGEL, FundingKind.SEED)), FundingKind.SERIES_A]
        extras = [FundingKind.GRANT, FundingKind.STRATEGIC, FundingKind.SEED]
        kinds = [*ladder, rng.choice(extras)][:count]
        if count == 1 and rng.random() < 0.15:
            kinds = [FundingKind.GRANT]
    offsets = sorted(rng.randrange(span) for _ in kinds)
    plans = []
    for kind, offset in zip(kinds, offsets, strict=True):
        cny = Decimal(str(TYPICAL_CNY[kind] * math.exp(rng.gauss(0, 0.6))))
        plans.append(_Plan(kind=kind, cny=cny, on=start + timedelta(days=offset)))
    total = sum((p.cny for p in plans), Decimal(0))
    if star and total < BIG * Decimal("1.3"):  # a star clears the bar with room to spare, whatever the rates
        scale = BIG * Decimal("1.3") / total
        for plan in plans:
            plan.cny *= scale
    if not star and total > BIG * Decimal("0.7"):
        scale = BIG * Decimal("0.7") / total
        for plan in plans:
            plan.cny *= scale
    return plans


def _currency(rng: random.Random) -> str:
    draw, running = rng.random(), 0.0
    for currency, share in CURRENCY_SHARES:
        running += share
        if draw < running:
            return currency
    return "CNY"


def _precision(rng: random.Random) -> DatePrecision:
    draw = rng.random()
    return DatePrecision.DAY if draw < 0.8 else DatePrecision.MONTH if draw < 0.95 else DatePrecision.YEAR


async def seed_demo_financing(competition: Competition, summit: Summit) -> bool:
    """Seed financing for the competition's projects unless it has some already. Returns True if it wrote."""
    projects = await Project.filter(competition_id=competition.id).order_by("id").values_list("id", "lead_id")
    if not projects or await FundingRound.filter(project__competition_id=competition.id).exists():
        return False
    rng = random.Random(f"podium-demo-financing-{competition.id}")
    end = min(utcnow().date(), add_months(summit.ends_on, 12 * YEARS))
    start = add_months(end, -12 * YEARS)
    # Rates from a week before the first year begins: a round known only to its year converts on January 1.
    first_rate = date(start.year, 1, 1) - timedelta(days=7)
    await _seed_rates(rng, summit, _business_days(first_rate, end))
    book = RateBook.of(await FxRate.filter(summit_id=summit.id, on_date__gte=first_rate, on_date__lte=end))

    stars = set(rng.sample([p for p, _lead in projects], max(1, round(len(projects) * STAR_SHARE))))
    rounds: list[FundingRound] = []
    outcomes: list[Outcome] = []
    for project_id, lead_id in projects:
        plans = _plans(rng, project_id in stars, start, (end - start).days + 1)
        for plan in plans:
            rounds.append(_round(rng, project_id, lead_id, plan, book, summit.currency, star=project_id in stars))
        local = rng.random() < (0.45 if plans else 0.08)
        landed = start + timedelta(days=rng.randrange((end - start).days + 1))
        if plans or local or rng.random() < 0.2:
            headcount = max(2, int(math.exp(rng.gauss(2.6 + 0.5 * len(plans), 0.6))))
            outcomes.append(
                Outcome(
                    project_id=project_id,
                    incorporated_locally=local,
                    incorporated_locally_on=landed if local else None,
                    district=rng.choice(DISTRICTS) if local else "",
                    headcount=headcount,
                    headcount_as_of=end - timedelta(days=rng.randrange(120)),
                )
            )
    await FundingRound.bulk_create(rounds, batch_size=500)
    await Outcome.bulk_create(outcomes, batch_size=500, ignore_conflicts=True)
    if not await SurveySchedule.exists(competition_id=competition.id):
        await SurveySchedule.create(competition_id=competition.id, months=list(DEFAULT_MONTHS))
    log.info("demo financing: %d rounds for %d projects of %s", len(rounds), len(projects), competition.slug)
    return True


async def _seed_rates(rng: random.Random, summit: Summit, days: list[date]) -> None:
    if not days:
        return
    have = set(
        await FxRate.filter(summit_id=summit.id, on_date__gte=days[0], on_date__lte=days[-1]).values_list(
            "currency", "on_date"
        )
    )
    rates = [
        FxRate(summit_id=summit.id, currency=currency, on_date=day, rate=rate, source="Demo reference rates")
        for currency, series in _rates(rng, days).items()
        for day, rate in series
        if (currency, day) not in have
    ]
    await FxRate.bulk_create(rates, batch_size=1000)


def _round(
    rng: random.Random,
    project_id: int,
    lead_id: int,
    plan: _Plan,
    book: RateBook,
    reporting: str,
    *,
    star: bool,
) -> FundingRound:
    currency = _currency(rng)
    precision = _precision(rng)
    on = money.period_start(plan.on, precision)
    # The yuan figure the plan wants, expressed in the round's currency at that day's rates.
    cny = book.find("CNY", on)
    other = book.find(currency, on)
    per_usd = Decimal(1) if currency == "USD" else other.rate if other else None
    amount_major = plan.cny
    if currency != "CNY" and cny is not None and per_usd is not None:
        amount_major = plan.cny / cny.rate * per_usd
    amount = int(_nice(amount_major).scaleb(money.minor_digits(currency)))
    draw = rng.random()
    # A star's rounds are never rejected, so that the share over 50 million yuan is what STAR_SHARE says.
    rejected = 1.0 if star else 0.95
    status = (
        Verification.VERIFIED if draw < 0.8 else Verification.REPORTED if draw < rejected else Verification.REJECTED
    )
    source = RoundSource.ORGANIZER if status == Verification.VERIFIED and rng.random() < 0.5 else RoundSource.ENTRANT
    names = rng.sample(INVESTORS, rng.randint(1, 3))
    found = FundingRound(
        project_id=project_id,
        kind=plan.kind,
        amount=max(1, amount),
        currency=currency,
        announced_on=on,
        precision=precision,
        investors=[{"name": name, "lead": position == 0} for position, name in enumerate(names)],
        source_url=f"https://news.example.com/funding/{project_id}-{plan.kind}"
        if source == RoundSource.ORGANIZER
        else "",
        confidential=rng.random() < 0.05,
        source=source,
        reported_by_id=lead_id if source == RoundSource.ENTRANT else None,
        status=status,
        note=rng.choice(REJECTION_NOTES) if status == Verification.REJECTED else "",
        decided_at=utcnow() if status != Verification.REPORTED else None,
    )
    normalise(found, book=book, reporting=reporting, now=utcnow())
    return found
