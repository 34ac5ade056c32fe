"""The demo's past edition: the 2026 competition, judged, published and awarded, with three years of funding
rounds, so that every impact dashboard shows real shapes.

About 500 submitted projects go through online review (120 advance), a semi-final (30 advance) and the final.
The story the figures tell: the judges saw something real. Each project's place follows a hidden quality that
also drives what it raised, blurred by noise that differs from judge to judge, so awarded projects raise
more and the final ranking correlates with later financing, positively but far from perfectly. Seeded from
fixed numbers: every run draws the same field."""

from __future__ import annotations

import logging
import math
import random
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from statistics import NormalDist
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from podium.competitions.financing_demo import seed_demo_financing
from podium.competitions.models import (
    Competition,
    Division,
    DivisionKind,
    Eligibility,
    Project,
    ProjectStatus,
    Round,
    RoundStatus,
    TeamMember,
    Track,
)
from podium.competitions.services.financing import Figures, raised_by_project
from podium.judging.impact.models import ImpactOptIn
from podium.judging.models import (
    Advancement,
    Assignment,
    AssignmentStatus,
    Award,
    AwardTier,
    Criterion,
    JudgeProfile,
    Method,
    RankingRow,
    RankingRun,
    Rubric,
    Score,
)
from podium.platform.summits.models import Role, Summit, SummitRole
from podium.platform.users.models import User
from podium.settings import Settings

log = logging.getLogger(__name__)

SLUG = "gec-2026"
SERIES = "ges"
PROJECTS = 500
EMAIL = "founder{n:03d}@past.podium.example"
JUDGE_EMAIL = "juror{n:02d}@past.podium.example"
ORGANIZER_EMAIL = "organizer@podium.example"  # podium.demo's organizer
BEIJING = ZoneInfo("Asia/Shanghai")

TRACKS = (
    ("AI and fintech", "人工智能与金融科技"),
    ("Next-generation IT", "新一代信息技术"),
    ("High-end equipment", "高端装备"),
    ("Medicine and health", "医药健康"),
    ("New energy and materials", "新能源与新材料"),
    ("Agri-food technology", "农业与食品科技"),
)
DIVISIONS = (("Overseas", "海外赛区"), ("Domestic", "国内赛区"))
# (English, Chinese, judging opens, judging closes (Beijing time), projects that advance, judges per project)
ROUNDS = (
    ("Online review", "网络评审", (2026, 5, 10, 9), (2026, 6, 30, 18), 120, 3),
    ("Semi-final", "复赛", (2026, 7, 20, 9), (2026, 7, 25, 18), 30, 4),
    ("Final on stage", "总决赛", (2026, 9, 19, 9), (2026, 9, 19, 18), 0, 6),
)
# How blurred each round's view of a project is: judges see more of a project as the field narrows.
ROUND_NOISE = (0.6, 0.45, 0.35)
TIERS = (
    ("Gold award", "金奖", 3, 50_000_000),
    ("Silver award", "银奖", 5, 20_000_000),
    ("Bronze award", "铜奖", 7, 10_000_000),
)
CRITERIA = (("Team", "团队", "0.4"), ("Technology", "技术", "0.35"), ("Market", "市场", "0.25"))
FIRST = ("Alex", "Maria", "Chen", "Priya", "Tomás", "Yuki", "Noah", "Amara", "Lukas", "Sofia", "Wei", "Hana")
LAST = ("Smith", "Garcia", "Li", "Patel", "Novak", "Sato", "Cohen", "Okafor", "Müller", "Rossi", "Zhang", "Kim")
WORDS = (
    ("Quantum", "Sensor", "Labs"),
    ("Deep", "Vision", "Robotics"),
    ("Green", "Hydrogen", "Systems"),
    ("Smart", "Grid", "Analytics"),
    ("Precision", "Oncology", "Diagnostics"),
    ("Vertical", "Farm", "Tech"),
    ("Solid-state", "Battery", "Cells"),
    ("Edge", "AI", "Chips"),
    ("Synthetic", "Biology", "Works"),
    ("Autonomous", "Drone", "Logistics"),
)
TITLES_ZH = ("智能传感", "精准医疗", "氢能科技", "柔性电子", "数字农业", "量子计算", "机器人视觉", "碳中和材料")
ENDINGS_ZH = ("科技", "实验室", "智能", "生物", "能源")
# Judges: (name, name in Chinese, locale, country, organisation); the later ones read the projects better.
JUDGES = (
    ("Grace Hopper-Lin", "", "en", "US", "Sand Hill Seed"),
    ("Zhao Ming", "赵明", "zh_Hans", "CN", "Haidian Innovation Capital"),
    ("Lena Fischer", "", "en", "DE", "Berlin Climate Ventures"),
    ("Qian Hui", "钱慧", "zh_Hans", "CN", "Yizhuang Industrial Fund"),
    ("Kenji Mori", "", "en", "JP", "Osaka Robotics Partners"),
    ("Fatima Noor", "", "en", "AE", "Gulf Energy Capital"),
    ("He Jun", "何军", "zh_Hans", "CN", "Suzhou Biotech Partners"),
    ("Tom O'Neill", "", "en", "IE", "Dublin Fintech Angels"),
    ("Xu Lan", "徐岚", "zh_Hans", "CN", "Zhongguancun Angel Fund"),
    ("Isabel Costa", "", "en", "PT", "Lisbon Health Ventures"),
    ("Ma Tao", "马涛", "zh_Hans", "CN", "Beijing Hi-Tech Venture"),
    ("Rachel Adler", "", "en", "IL", "Tel Aviv Deep Tech"),
)


def _beijing(parts: tuple[int, int, int, int]) -> datetime:
    year, month, day, hour = parts
    return datetime(year, month, day, hour, tzinfo=BEIJING).astimezone(UTC)


def _title(rng: random.Random, n: int) -> str:
    if n % 3 == 0:
        return f"{rng.choice(TITLES_ZH)}{rng.choice(ENDINGS_ZH)}"
    words = rng.choice(WORDS)
    return f"{words[0]} {words[1]} {words[2]} {n}"


async def seed_past_edition(summit_2026: Summit, settings: Settings) -> bool:
    """Seed the past competition unless it exists. Returns True if it wrote. Everything is written in one
    transaction, so an interrupted run leaves nothing behind and the next one starts over."""
    if await Competition.exists(summit_id=summit_2026.id, slug=SLUG):
        return False
    async with in_transaction():
        await _series(summit_2026)
        competition = await Competition.create(
            summit_id=summit_2026.id,
            slug=SLUG,
            name_en="2026 Global Entrepreneurship Competition",
            name_zh="2026全球创业大赛",
            description_en="Last year's competition: online review, semi-final and the final on stage.",
            description_zh="上一届大赛：网络评审、复赛与现场总决赛。",
        )
        competition.summit = summit_2026
        rng = random.Random(20260919)
        projects = await _field(rng, competition)
        await seed_demo_financing(competition, summit_2026)
        totals = await raised_by_project(projects, summit_2026.currency, figures=Figures.REPORTED)
        quality = _quality(rng, projects, totals)
        finalists = await _rounds(rng, competition, projects, quality)
        await _awards(competition, finalists)
        await _opt_ins(rng, projects, totals, set(finalists[:15]))
    log.info("demo past edition: %d projects in %s", len(projects), SLUG)
    return True


async def _series(summit_2026: Summit) -> None:
    """The 2026 and 2027 summits are editions of one series, compared side by side, and the demo's organizer
    ran both (the role is granted by e-mail: it attaches to the account whenever that exists)."""
    await Summit.filter(slug__in=[summit_2026.slug, "ges-2027"], series="").update(series=SERIES)
    summit_2026.series = summit_2026.series or SERIES
    organizer = await User.get_or_none(email=ORGANIZER_EMAIL)
    await SummitRole.get_or_create(
        summit_id=summit_2026.id,
        email=ORGANIZER_EMAIL,
        role=Role.ORGANIZER,
        defaults={"user_id": organizer.id if organizer else None},
    )


async def _field(rng: random.Random, competition: Competition) -> list[int]:
    """Tracks, divisions, leads and about 500 submitted projects; returns the projects' ids."""
    await Track.bulk_create(
        [Track(competition=competition, name_en=en, name_zh=zh, position=n) for n, (en, zh) in enumerate(TRACKS, 1)]
    )
    await Division.bulk_create(
        [
            Division(competition=competition, name_en=en, name_zh=zh, kind=DivisionKind.REGION, position=n)
            for n, (en, zh) in enumerate(DIVISIONS, 1)
        ]
    )
    tracks = list(await Track.filter(competition_id=competition.id).order_by("position").values_list("id", flat=True))
    divisions = list(
        await Division.filter(competition_id=competition.id).order_by("position").values_list("id", flat=True)
    )
    # Nobody signs in as these founders: the hash matches no password.
    unusable = "!" + secrets.token_hex(16)
    submitted_at = _beijing((2026, 4, 30, 12))
    await User.bulk_create(
        [
            User(
                email=EMAIL.format(n=n),
                password_hash=unusable,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                locale=rng.choice(("en", "zh_Hans")),
                email_verified_at=submitted_at,
            )
            for n in range(1, PROJECTS + 1)
        ],
        batch_size=500,
    )
    leads = await User.filter(email__endswith="@past.podium.example", email__startswith="founder").order_by("email")
    await Project.bulk_create(
        [
            Project(
                competition_id=competition.id,
                lead_id=lead.id,
                title=_title(rng, n),
                summary="A team from the 2026 field.",
                track_id=rng.choice(tracks),
                division_id=divisions[0] if rng.random() < 0.6 else divisions[1],
                status=ProjectStatus.SUBMITTED,
                submitted_at=submitted_at - timedelta(days=rng.randint(0, 60)),
                eligibility=Eligibility.ELIGIBLE
                if rng.random() < 0.94
                else rng.choice((Eligibility.INELIGIBLE, Eligibility.PENDING)),
            )
            for n, lead in enumerate(leads, 1)
        ],
        batch_size=500,
    )
    created = await Project.filter(competition_id=competition.id).order_by("id").values_list("id", "lead_id")
    by_id = {lead.id: lead for lead in leads}
    await TeamMember.bulk_create(
        [
            TeamMember(
                project_id=project_id,
                user_id=lead_id,
                email=by_id[lead_id].email,
                name=by_id[lead_id].name,
                role="CEO",
                is_lead=True,
                equity=Decimal(51),
                joined_at=submitted_at,
            )
            for project_id, lead_id in created
        ],
        batch_size=500,
    )
    return [project_id for project_id, _lead in created]


def _quality(rng: random.Random, projects: list[int], totals: dict[int, int]) -> dict[int, float]:
    """A hidden quality: the project's place by what it went on to raise, as a normal score (projects that
    raised nothing in a random order among themselves), plus the share of success nobody could see coming."""
    order = sorted(projects, key=lambda p: (totals.get(p, 0), rng.random()))
    normal = NormalDist()
    return {p: normal.inv_cdf((k + 0.5) / len(order)) + rng.gauss(0, 0.4) for k, p in enumerate(order)}


async def _judges(rng: random.Random, summit_id: int) -> list[tuple[int, float]]:
    """The jury: (user id, how blurred the judge's view is), the sharpest last in JUDGES."""
    unusable = "!" + secrets.token_hex(16)
    await User.bulk_create(
        [
            User(
                email=JUDGE_EMAIL.format(n=n),
                password_hash=unusable,
                name=name,
                name_local=local,
                locale=locale,
                country=country,
                organisation=organisation,
                email_verified_at=_beijing((2026, 4, 1, 9)),
            )
            for n, (name, local, locale, country, organisation) in enumerate(JUDGES, 1)
        ]
    )
    users = await User.filter(email__startswith="juror", email__endswith="@past.podium.example").order_by("email")
    await SummitRole.bulk_create(
        [SummitRole(summit_id=summit_id, user_id=u.id, email=u.email, role=Role.JUDGE) for u in users]
    )
    await JudgeProfile.bulk_create(
        [JudgeProfile(summit_id=summit_id, user_id=u.id, affiliation=u.organisation) for u in users]
    )
    return [(u.id, 1.6 - 1.3 * n / (len(users) - 1) + rng.uniform(-0.1, 0.1)) for n, u in enumerate(users)]


async def _rounds(
    rng: random.Random, competition: Competition, projects: list[int], quality: dict[int, float]
) -> list[int]:
    """The three rounds, published, with rubrics, submitted scorecards, a final ranking run and advancement.
    Returns the finalists, best first."""
    judges = await _judges(rng, competition.summit_id)
    ids = await Project.filter(competition_id=competition.id, eligibility=Eligibility.ELIGIBLE).values_list(
        "id", flat=True
    )
    eligible = {int(str(i)) for i in ids}
    field = [p for p in projects if p in eligible]
    for position, (en, zh, opens, closes, advance, per_project) in enumerate(ROUNDS, 1):
        found = await Round.create(
            competition_id=competition.id,
            position=position,
            name_en=en,
            name_zh=zh,
            judging_open_at=_beijing(opens),
            judging_close_at=_beijing(closes),
            status=RoundStatus.PUBLISHED,
        )
        rubric = await Rubric.create(round_id=found.id, judges_per_project=per_project)
        await Criterion.bulk_create(
            [
                Criterion(rubric_id=rubric.id, position=n, name_en=c_en, name_zh=c_zh, weight=Decimal(weight))
                for n, (c_en, c_zh, weight) in enumerate(CRITERIA)
            ]
        )
        criteria = list(await Criterion.filter(rubric_id=rubric.id).order_by("position"))
        means = await _scorecards(
            rng, found, field, quality, judges, criteria, per_project, ROUND_NOISE[position - 1], closes
        )
        ranked = sorted(field, key=lambda p: (-means[p], p))
        run = await RankingRun.create(
            round_id=found.id, method=Method.MEAN, input_digest=f"demo-{found.id}", scorecards=0, final=True
        )
        await RankingRow.bulk_create(
            [
                RankingRow(
                    run_id=run.id,
                    project_id=p,
                    rank=n,
                    score=Decimal(f"{means[p]:.2f}"),
                    plain_mean=Decimal(f"{means[p]:.2f}"),
                    advances=n <= advance,
                )
                for n, p in enumerate(ranked, 1)
            ],
            batch_size=500,
        )
        await Advancement.bulk_create(
            [
                Advancement(
                    round_id=found.id, project_id=p, rank=n, score=Decimal(f"{means[p]:.2f}"), advances=n <= advance
                )
                for n, p in enumerate(ranked, 1)
            ],
            batch_size=500,
        )
        field = ranked[:advance] if advance else ranked
    return field


async def _scorecards(
    rng: random.Random,
    found: Round,
    field: list[int],
    quality: dict[int, float],
    judges: list[tuple[int, float]],
    criteria: list[Criterion],
    per_project: int,
    noise: float,
    closes: tuple[int, int, int, int],
) -> dict[int, float]:
    """Each project scored by per_project judges, each seeing its quality through their own blur; returns each
    project's mean total on 0-100."""
    submitted = _beijing(closes) - timedelta(hours=6)
    panels = {p: rng.sample(judges, per_project) for p in field}
    await Assignment.bulk_create(
        [
            Assignment(
                round_id=found.id,
                project_id=p,
                judge_id=judge_id,
                status=AssignmentStatus.SUBMITTED,
                version=1,
                submitted_at=submitted,
            )
            for p, panel in panels.items()
            for judge_id, _blur in panel
        ],
        batch_size=1000,
    )
    cards = {
        (p, j): a for a, p, j in await Assignment.filter(round_id=found.id).values_list("id", "project_id", "judge_id")
    }
    blur = dict(judges)
    scores, totals = [], {p: 0.0 for p in field}
    weight = sum(float(c.weight) for c in criteria)
    for p, panel in panels.items():
        for judge_id, _b in panel:
            seen = quality[p] + rng.gauss(0, math.hypot(noise, blur[judge_id]))
            total = 0.0
            for criterion in criteria:
                value = min(10, max(1, round(5.5 + 1.6 * seen + rng.gauss(0, 0.5))))
                scores.append(Score(assignment_id=cards[(p, judge_id)], criterion_id=criterion.id, value=value))
                total += float(criterion.weight) * (value - 1) / 9 * 100
            totals[p] += total / weight / len(panel)
    await Score.bulk_create(scores, batch_size=2000)
    return totals


async def _awards(competition: Competition, finalists: list[int]) -> None:
    await AwardTier.bulk_create(
        [
            AwardTier(
                competition_id=competition.id,
                position=n,
                name_en=en,
                name_zh=zh,
                count=count,
                prize_amount=prize,
            )
            for n, (en, zh, count, prize) in enumerate(TIERS, 1)
        ]
    )
    tiers = list(await AwardTier.filter(competition_id=competition.id).order_by("position"))
    awards, place = [], 0
    for tier in tiers:
        for project_id in finalists[place : place + tier.count]:
            place += 1
            awards.append(Award(tier_id=tier.id, project_id=project_id, rank=place))
    await Award.bulk_create(awards)


async def _opt_ins(rng: random.Random, projects: list[int], totals: dict[int, int], awarded: set[int]) -> None:
    """Most award winners and some of the teams that raised money list themselves on the public page."""
    listed = [
        p
        for p in projects
        if (p in awarded and rng.random() < 0.7) or (p not in awarded and totals.get(p, 0) and rng.random() < 0.12)
    ]
    await ImpactOptIn.bulk_create([ImpactOptIn(project_id=p, listed=True) for p in listed], batch_size=500)
