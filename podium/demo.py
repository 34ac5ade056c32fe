"""`podium demo`: a realistic bilingual summit with an organizer, judges and entrants. Idempotent."""

from __future__ import annotations

import dataclasses
import logging
import random
import re
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import anyio
from tortoise.transactions import in_transaction

from podium.competitions.models import (
    Competition,
    Division,
    DivisionKind,
    Eligibility,
    EligibilityRule,
    OverseasExperience,
    Project,
    ProjectStatus,
    Round,
    RoundStatus,
    RuleKind,
    TeamMember,
    Track,
)
from podium.competitions.services.eligibility import evaluate_project
from podium.competitions.services.projects import upload_key, upload_path
from podium.judging import solver
from podium.judging.impact_demo import seed_past_edition
from podium.judging.models import (
    Advancement,
    Assignment,
    AssignmentStatus,
    AwardTier,
    Criterion,
    JudgeProfile,
    PitchSlot,
    RankingPolicy,
    RankingRow,
    RankingRun,
    Rubric,
    Score,
)
from podium.judging.services import rankings
from podium.platform import auth
from podium.platform.i18n import utcnow
from podium.platform.programme.demo import seed_demo_programme
from podium.platform.programme.models import Session as ProgrammeSession
from podium.platform.registration.demo import seed_demo_tickets
from podium.platform.registration.models import TicketType
from podium.platform.summits.models import Role, Summit, SummitRole
from podium.platform.users.models import User
from podium.settings import Settings

if TYPE_CHECKING:
    from fpdf import FPDF

log = logging.getLogger(__name__)

# Demo accounts share one password; they exist only in demo databases.
DEMO_PASSWORD = "podium-demo-2026"  # noqa: S105 - printed on purpose


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    name_local: str
    locale: str
    timezone: str
    country: str
    organisation: str
    what: str
    superuser: bool = False
    role: Role | None = None


USERS = (
    DemoUser("admin@podium.example", "Ada Admin", "", "en", "UTC", "GB", "Podium", "administrator", superuser=True),
    DemoUser(
        "organizer@podium.example",
        "Li Na",
        "李娜",
        "zh_Hans",
        "Asia/Shanghai",
        "CN",
        "Zhongguancun Management Committee",
        "organizer",
        role=Role.ORGANIZER,
    ),
    DemoUser(
        "judge.chen@podium.example",
        "Chen Yu",
        "陈宇",
        "zh_Hans",
        "Asia/Shanghai",
        "CN",
        "Sequoia-style Ventures",
        "judge",
        role=Role.JUDGE,
    ),
    DemoUser(
        "judge.miller@podium.example",
        "Sarah Miller",
        "",
        "en",
        "America/Los_Angeles",
        "US",
        "Sand Hill Partners",
        "judge",
        role=Role.JUDGE,
    ),
    DemoUser(
        "judge.weber@podium.example",
        "Jonas Weber",
        "",
        "en",
        "Europe/Berlin",
        "DE",
        "Munich Deep Tech Fund",
        "judge",
        role=Role.JUDGE,
    ),
    DemoUser(
        "staff@podium.example",
        "Zhao Lei",
        "赵磊",
        "zh_Hans",
        "Asia/Shanghai",
        "CN",
        "Summit Operations",
        "door staff",
        role=Role.STAFF,
    ),
    DemoUser(
        "founder.wang@podium.example",
        "Wang Fang",
        "王芳",
        "zh_Hans",
        "Europe/London",
        "GB",
        "Cambridge BioSensing Ltd",
        "entrant",
    ),
    DemoUser(
        "founder.okafor@podium.example",
        "Chidi Okafor",
        "",
        "en",
        "Europe/Amsterdam",
        "NL",
        "GridLoop Energy BV",
        "entrant",
    ),
    DemoUser(
        "founder.tanaka@podium.example",
        "Haruto Tanaka",
        "田中陽翔",
        "en",
        "Asia/Tokyo",
        "JP",
        "Kirin Robotics",
        "entrant",
    ),
)

SUMMITS: tuple[dict[str, Any], ...] = (
    {
        "slug": "ges-2027",
        "name_en": "2027 Global Entrepreneur Summit",
        "name_zh": "2027全球创业者峰会",
        "description_en": (
            "Three days in Beijing for founders from around the world: the finals of the Global "
            "Entrepreneurship Competition, investor matchmaking, and forums on AI, health and advanced "
            "manufacturing.\n\nOverseas teams apply online in English or Chinese; finalists pitch on stage."
        ),
        "description_zh": (
            "为期三天的北京全球创业者盛会：全球创业大赛总决赛、投资对接，以及人工智能、医疗健康和高端制造论坛。"
            "\n\n海外团队可用中文或英文在线报名，入围决赛的项目将登台路演。"
        ),
        "venue_en": "China National Convention Center, Beijing",
        "venue_zh": "北京国家会议中心",
        "starts_on": date(2027, 9, 18),
        "ends_on": date(2027, 9, 20),
        "timezone": "Asia/Shanghai",
        "currency": "CNY",
    },
    {
        "slug": "ges-2026",
        "name_en": "2026 Global Entrepreneur Summit",
        "name_zh": "2026全球创业者峰会",
        "description_en": "Last year's edition: 2,000 projects from 100 countries, 140 awards.",
        "description_zh": "上一届：来自100个国家的2000个项目，140个奖项。",
        "venue_en": "Shougang Park, Beijing",
        "venue_zh": "北京首钢园",
        "starts_on": date(2026, 9, 19),
        "ends_on": date(2026, 9, 21),
        "timezone": "Asia/Shanghai",
        "currency": "CNY",
    },
)


TRACKS = (
    ("AI, VR and fintech", "人工智能、虚拟现实与金融科技"),
    ("Next-generation IT", "新一代信息技术"),
    ("High-end equipment", "高端装备"),
    ("Medicine and health", "医药健康"),
    ("New energy and materials", "新能源与新材料"),
    ("Agri-food technology", "农业与食品科技"),
    ("Cultural creativity", "文化创意"),
)
DIVISIONS = (
    ("Overseas", "海外赛区", DivisionKind.REGION),
    ("Domestic", "国内赛区", DivisionKind.REGION),
    ("Maker group (not yet incorporated)", "创客组（未注册公司）", DivisionKind.GROUP),
    ("Growth group (incorporated)", "成长组（已注册公司）", DivisionKind.GROUP),
)
# (English, Chinese, submissions open, submissions close, judging from, judging to), Beijing time
ROUNDS = (
    # Rolling review: judges score submitted projects from mid-November while applications stay open.
    ("Online review", "网络评审", (2026, 11, 1, 9), (2027, 6, 30, 23, 59), (2026, 11, 15, 9), (2027, 7, 20, 18)),
    ("Preliminary pitch", "初赛路演", None, None, (2027, 7, 25, 9), (2027, 8, 5, 18)),
    ("Semi-final", "复赛", None, None, (2027, 8, 15, 9), (2027, 8, 25, 18)),
    ("Final on stage", "总决赛", None, None, (2027, 9, 19, 9), (2027, 9, 19, 18)),
)


def _beijing(parts: tuple[int, ...] | None) -> datetime | None:
    if parts is None:
        return None
    year, month, day, hour, *minute = parts
    local = datetime(year, month, day, hour, minute[0] if minute else 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    return local.astimezone(UTC)


async def _seed_competition(summit: Summit) -> bool:
    if await Competition.exists(summit_id=summit.id, slug="gec-2027"):
        return False
    competition = await Competition.create(
        summit=summit,
        slug="gec-2027",
        name_en="2027 Global Entrepreneurship Competition",
        name_zh="2027全球创业大赛",
        description_en="Seven industry tracks, overseas and domestic divisions, four rounds from online review "
        "to the final on stage at the summit.",
        description_zh="七大产业赛道，海外与国内赛区，从网络评审到峰会现场总决赛共四轮。",
        rules_en="Founders must have studied or worked abroad. The lead founder holds at least 30% of the "
        "equity, or the founding team at least 50%.",
        rules_zh="创始人须有海外学习或工作经历。第一创始人持股不低于30%，或创始团队合计持股不低于50%。",
    )
    await Track.bulk_create(
        [Track(competition=competition, name_en=en, name_zh=zh, position=n) for n, (en, zh) in enumerate(TRACKS, 1)]
    )
    await Division.bulk_create(
        [
            Division(competition=competition, name_en=en, name_zh=zh, kind=kind, position=n)
            for n, (en, zh, kind) in enumerate(DIVISIONS, 1)
        ]
    )
    await EligibilityRule.bulk_create(
        [
            EligibilityRule(competition=competition, kind=RuleKind.MAX_TEAM_SIZE, params={"max": 5}),
            EligibilityRule(
                competition=competition,
                kind=RuleKind.OVERSEAS_EXPERIENCE,
                params={"min_years": "1", "returned_within_years": 5},
            ),
            EligibilityRule(
                competition=competition, kind=RuleKind.FOUNDER_EQUITY, params={"lead_min": "30", "team_min": "50"}
            ),
            EligibilityRule(
                competition=competition,
                kind=RuleKind.FOUNDED_AFTER,
                params={"date": "2021-01-01", "allow_unincorporated": True},
            ),
            EligibilityRule(competition=competition, kind=RuleKind.ONE_PROJECT_PER_PERSON, params={}),
        ]
    )
    for n, (en, zh, opens, closes, judging_from, judging_to) in enumerate(ROUNDS, 1):
        await Round.create(
            competition=competition,
            position=n,
            name_en=en,
            name_zh=zh,
            submissions_open_at=_beijing(opens),
            submissions_close_at=_beijing(closes),
            judging_open_at=_beijing(judging_from),
            judging_close_at=_beijing(judging_to),
            status=RoundStatus.OPEN if n == 1 else RoundStatus.DRAFT,
        )
    return True


PROJECT_COUNT = 200
COUNTRIES = (
    "GB",
    "US",
    "DE",
    "FR",
    "NL",
    "CA",
    "AU",
    "SG",
    "JP",
    "KR",
    "IL",
    "SE",
    "CH",
    "CN",
    "IT",
    "ES",
    "FI",
    "DK",
    "IE",
    "NZ",
    "BR",
    "IN",
    "AE",
)
WORDS_EN = (
    ("Quantum", "Soil", "Sensing"),
    ("Neural", "Heart", "Monitor"),
    ("Solid-state", "Battery", "Cells"),
    ("Autonomous", "Farm", "Robots"),
    ("Edge", "Vision", "Chips"),
    ("Carbon", "Capture", "Membranes"),
    ("Gene", "Therapy", "Platform"),
    ("Smart", "Grid", "Storage"),
    ("Digital", "Museum", "Guides"),
    ("Precision", "Fermentation", "Proteins"),
    ("Low-code", "Bank", "Ledger"),
    ("Haptic", "VR", "Gloves"),
)
TITLES_ZH = (
    "智能康复外骨骼",
    "高通量药物筛选平台",
    "氢燃料电池电堆",
    "农业无人机植保",
    "量子加密通信",
    "数字文博导览",
    "柔性显示材料",
    "细胞培养肉",
    "工业视觉质检",
    "心电贴片监测",
    "碳化硅功率器件",
    "跨境支付清算",
)
# The decks are set in the PDF core fonts, which are Latin only: Chinese titles appear under these English names.
TITLES_ZH_EN = {
    "智能康复外骨骼": "Smart Rehabilitation Exoskeleton",
    "高通量药物筛选平台": "High-throughput Drug Screening Platform",
    "氢燃料电池电堆": "Hydrogen Fuel Cell Stacks",
    "农业无人机植保": "Crop-protection Drones",
    "量子加密通信": "Quantum-encrypted Communications",
    "数字文博导览": "Digital Museum Guides",
    "柔性显示材料": "Flexible Display Materials",
    "细胞培养肉": "Cultivated Meat",
    "工业视觉质检": "Machine-vision Quality Inspection",
    "心电贴片监测": "ECG Patch Monitoring",
    "碳化硅功率器件": "Silicon Carbide Power Devices",
    "跨境支付清算": "Cross-border Payment Clearing",
}
TITLE_ENDINGS_EN = {"": "", "系统": "System", "平台": "Platform", "项目": "Project"}
FIRST = ("Alex", "Maria", "Chen", "Priya", "Tomás", "Yuki", "Noah", "Amara", "Lukas", "Sofia", "Wei", "Hana")
LAST = ("Smith", "Garcia", "Li", "Patel", "Novak", "Sato", "Cohen", "Okafor", "Müller", "Rossi", "Zhang", "Kim")


async def _seed_projects(competition: Competition, password_hash: str, settings: Settings) -> bool:
    """A realistic field for the demo: deterministic, so a second run (or another machine) sees the same."""
    if await Project.exists(competition_id=competition.id):
        return False
    rng = random.Random(2026)
    tracks = await Track.filter(competition_id=competition.id).order_by("position")
    divisions = await Division.filter(competition_id=competition.id).order_by("position")
    now = datetime.now(UTC)
    await User.bulk_create(
        [
            User(
                email=f"founder{n:03d}@demo.podium.example",
                password_hash=password_hash,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                locale=rng.choice(("en", "zh_Hans")),
                country=rng.choice(COUNTRIES),
                email_verified_at=now,
            )
            for n in range(1, PROJECT_COUNT + 1)
        ]
    )
    leads = await User.filter(email__endswith="@demo.podium.example").order_by("email")
    projects = []
    for n, lead in enumerate(leads):
        if n % 3 == 0:
            title = f"{rng.choice(TITLES_ZH)}{rng.choice(tuple(TITLE_ENDINGS_EN))}"
        else:
            words = rng.choice(WORDS_EN)
            title = f"{words[0]} {words[1]} {words[2]} {n + 1}"
        submitted = rng.random() < 0.7
        projects.append(
            Project(
                competition_id=competition.id,
                lead_id=lead.id,
                title=title,
                summary=f"{title}: a team from {lead.country} building for customers in China and abroad.",
                website=f"https://project{n + 1}.example",
                country=lead.country,
                track_id=rng.choice(tracks).id,
                division_id=rng.choice(divisions).id,
                incorporated_on=None if rng.random() < 0.3 else date(rng.randint(2018, 2025), rng.randint(1, 12), 1),
                status=ProjectStatus.SUBMITTED if submitted else ProjectStatus.DRAFT,
                submitted_at=now - timedelta(days=rng.randint(1, 40)) if submitted else None,
            )
        )
    await Project.bulk_create(projects, batch_size=500)
    created = await Project.filter(competition_id=competition.id).order_by("id")
    by_lead = {lead.id: lead for lead in leads}
    members = []
    for project in created:
        lead = by_lead[project.lead_id]
        lead_share = Decimal(rng.choice((30, 40, 51, 60, 75)))
        members.append(
            TeamMember(
                project_id=project.id,
                user_id=lead.id,
                email=lead.email,
                name=lead.name,
                role="CEO",
                is_lead=True,
                equity=lead_share,
                overseas=OverseasExperience.STUDY,
                overseas_years=Decimal(rng.randint(2, 9)),
                joined_at=now,
                returned_on=date(rng.randint(2017, 2026), rng.randint(1, 12), 1),
            )
        )
        for k in range(rng.randint(1, 3)):
            members.append(
                TeamMember(
                    project_id=project.id,
                    email=f"cofounder{project.id}-{k}@demo.podium.example",
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    role=rng.choice(("CTO", "COO", "CSO")),
                    equity=Decimal(rng.choice((5, 10, 15))),
                    overseas=rng.choice(list(OverseasExperience)),
                    overseas_years=Decimal(rng.randint(0, 6)),
                    invited_at=now,
                )
            )
    await TeamMember.bulk_create(members, batch_size=1000)
    await _attach_decks(competition, created, members, tracks, settings=settings, now=now)
    for project in created:
        if project.status == ProjectStatus.SUBMITTED:
            await evaluate_project(project=project, now=now)
    return True


CUSTOMERS = (
    "hospitals",
    "power utilities",
    "family farms",
    "contract manufacturers",
    "regional banks",
    "museums",
    "city governments",
    "logistics firms",
)
PAINS = (
    "spend weeks on work that should take hours",
    "pay for equipment they use a tenth of the time",
    "lose a fifth of their output to faults found too late",
    "cannot hire enough specialists to keep up with demand",
)
STAGES = ("pre-seed", "seed", "Series A")
USES = (
    "hiring engineers and a first sales team",
    "certification and a pilot line",
    "two new markets in Asia and Europe",
    "clinical validation and regulatory filings",
)


@dataclass(frozen=True)
class DemoDeck:
    """What one demo pitch deck says; Latin text only."""

    key: str
    competition: str
    title: str
    track: str
    country: str
    website: str
    team: tuple[tuple[str, str], ...]
    customers: str
    pain: str
    traction: tuple[str, ...]
    ask: str


def _english_title(title: str) -> str:
    for zh, en in TITLES_ZH_EN.items():
        if title.startswith(zh):
            ending = TITLE_ENDINGS_EN[title[len(zh) :]]
            return f"{en} {ending}" if ending and not en.endswith(ending) else en
    return title


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


async def _attach_decks(
    competition: Competition,
    projects: list[Project],
    members: list[TeamMember],
    tracks: list[Track],
    *,
    settings: Settings,
    now: datetime,
) -> None:
    """A pitch deck for every submitted project and most drafts: a real four-page PDF, stored under the upload
    directory the way an upload is, so the deck route serves it."""
    rng = random.Random(2027)  # a stream of its own, so the rest of the demo stays as it was
    track_names = {track.id: track.name_en for track in tracks}
    teams: dict[int, list[TeamMember]] = defaultdict(list)
    for member in members:
        teams[member.project_id].append(member)
    decked, decks = [], []
    for project in projects:
        if project.status != ProjectStatus.SUBMITTED and rng.random() < 0.25:
            continue
        title = _english_title(project.title)
        customers = rng.choice(CUSTOMERS)
        project.deck_key = upload_key(str(project.id))
        project.deck_name = f"{_slug(title)}-deck.pdf"
        project.deck_uploaded_at = (project.submitted_at or now) - timedelta(hours=rng.randint(2, 240))
        decked.append(project)
        decks.append(
            DemoDeck(
                key=project.deck_key,
                competition=competition.name_en,
                title=title,
                track=track_names.get(project.track_id or 0, ""),
                country=project.country,
                website=project.website,
                team=tuple((member.name, member.role) for member in teams[project.id]),
                customers=customers,
                pain=rng.choice(PAINS),
                traction=(
                    f"{rng.randint(2, 30)} paying pilots with {customers}",
                    f"Annual revenue run rate: USD {rng.randint(5, 90) * 10}k",
                    f"{rng.randint(8, 40)}% growth month on month",
                ),
                ask=f"Raising CNY {rng.randint(2, 60)} million ({rng.choice(STAGES)}) for {rng.choice(USES)}.",
            )
        )
    sizes = await anyio.to_thread.run_sync(_write_decks, decks, settings)
    for project, size in zip(decked, sizes, strict=True):
        project.deck_size = size
    await Project.bulk_update(decked, fields=["deck_key", "deck_name", "deck_size", "deck_uploaded_at"], batch_size=500)


def _write_decks(decks: list[DemoDeck], settings: Settings) -> list[int]:
    """Render and store the decks (a millisecond or two each); returns their sizes in bytes."""
    sizes = []
    for deck in decks:
        data = _deck_pdf(deck)
        target = upload_path(settings, deck.key)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        sizes.append(len(data))
    return sizes


# A 16:9 slide in points, and the colours of the demo decks.
SLIDE_W, SLIDE_H, MARGIN = 720.0, 405.0, 48.0
INK, ACCENT, MUTED = (24, 33, 54), (196, 30, 58), (110, 116, 128)


def _latin(text: str) -> str:
    """A deck is set in a built-in PDF font, which has Latin characters only: others are left out."""
    return text.encode("latin-1", "ignore").decode("latin-1").strip()


def _put(pdf: Any, x: float, y: float, text: str) -> None:
    pdf.text(x, y, _latin(text))


def _deck_pdf(deck: DemoDeck) -> bytes:
    """Four slides: title and track; problem and solution; the team; traction and the ask.
    Only fixed-position lines, wrapped here: fpdf2's multi_cell would make each deck five times slower."""
    from fpdf import FPDF  # imported here: only seeding needs it

    deck = dataclasses.replace(
        deck,
        title=_latin(deck.title) or "Pitch deck",
        competition=_latin(deck.competition),
        track=_latin(deck.track),
        team=tuple((_latin(name) or "Founder", _latin(role)) for name, role in deck.team),
        customers=_latin(deck.customers),
        pain=_latin(deck.pain),
        traction=tuple(_latin(line) for line in deck.traction),
        ask=_latin(deck.ask),
    )

    pdf = FPDF(orientation="landscape", unit="pt", format=(SLIDE_H, SLIDE_W))
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{deck.title}: pitch deck")
    pdf.set_author(deck.team[0][0] if deck.team else "")
    pdf.set_creator("Podium demo")

    pdf.add_page()
    pdf.set_fill_color(*INK)
    pdf.rect(0, 0, SLIDE_W, SLIDE_H, style="F")
    pdf.set_fill_color(*ACCENT)
    pdf.rect(MARGIN, 150, 64, 6, style="F")
    size = 34.0
    pdf.set_font("Helvetica", "B", size)
    while size > 18 and pdf.get_string_width(deck.title) > SLIDE_W - 2 * MARGIN:
        size -= 2
        pdf.set_font_size(size)
    pdf.set_text_color(255, 255, 255)
    _put(pdf, MARGIN, 130, deck.title)
    pdf.set_font("Helvetica", "", 16)
    _put(pdf, MARGIN, 190, deck.track)
    pdf.set_text_color(190, 196, 208)
    pdf.set_font_size(12)
    _put(pdf, MARGIN, 214, f"{deck.competition} - pitch deck")
    _put(pdf, MARGIN, SLIDE_H - MARGIN, f"{deck.website}  |  {deck.country}")

    _slide(pdf, deck, "Problem and solution")
    y = _paragraph(pdf, 130, "Problem", f"Today {deck.customers} {deck.pain}.")
    _paragraph(
        pdf,
        y + 44,
        "Solution",
        f"{deck.title}: one system that does the job in a fraction of the time and cost, "
        f"built with {deck.customers} and sold as a subscription.",
    )

    _slide(pdf, deck, "Team")
    y = 136
    for n, (name, role) in enumerate(deck.team):
        pdf.set_font("Helvetica", "B", 16)
        pdf.set_text_color(*INK)
        _put(pdf, MARGIN, y, name)
        pdf.set_font("Helvetica", "", 14)
        pdf.set_text_color(*MUTED)
        _put(pdf, MARGIN + 260, y, f"{role}, lead founder" if n == 0 else role)
        y += 34

    _slide(pdf, deck, "Traction and ask")
    pdf.set_font("Helvetica", "", 16)
    pdf.set_text_color(*INK)
    y = 136
    for line in deck.traction:
        pdf.set_fill_color(*ACCENT)
        pdf.rect(MARGIN, y - 9, 6, 6, style="F")
        _put(pdf, MARGIN + 18, y, line)
        y += 30
    _paragraph(pdf, y + 16, "The ask", deck.ask)
    return bytes(pdf.output())


def _slide(pdf: FPDF, deck: DemoDeck, heading: str) -> None:
    pdf.add_page()
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, SLIDE_W, 8, style="F")
    pdf.set_font("Helvetica", "B", 26)
    pdf.set_text_color(*INK)
    _put(pdf, MARGIN, 84, heading)
    pdf.set_font("Helvetica", "", 10)
    pdf.set_text_color(*MUTED)
    _put(pdf, MARGIN, SLIDE_H - 24, deck.title)
    page = f"{pdf.page_no()} / 4"
    pdf.text(SLIDE_W - MARGIN - pdf.get_string_width(page), SLIDE_H - 24, page)


def _paragraph(pdf: FPDF, y: float, label: str, text: str) -> float:
    """A label over text wrapped to the slide; returns the baseline of the last line."""
    pdf.set_font("Helvetica", "B", 13)
    pdf.set_text_color(*ACCENT)
    pdf.text(MARGIN, y, label.upper())
    pdf.set_font("Helvetica", "", 16)
    pdf.set_text_color(*INK)
    for line in textwrap.wrap(text, 68):
        y += 24
        pdf.text(MARGIN, y, line)
    return y


async def seed(*, settings: Settings, only_if_empty: bool = False) -> bool:
    """Create whatever part of the demo is missing; never changes what exists. Returns True if it wrote."""
    if only_if_empty and await User.exists():
        return False
    wrote = False
    password_hash: str | None = None
    async with in_transaction():
        summits = {}
        for data in SUMMITS:
            summit = await Summit.get_or_none(slug=data["slug"])
            if summit is None:
                summit = await Summit.create(**data)
                wrote = True
            summits[summit.slug] = summit
        current = summits["ges-2027"]
        wrote = await _seed_competition(current) or wrote
        competition = await Competition.get(summit_id=current.id, slug="gec-2027")
        password_hash = password_hash or await auth.hash_password(DEMO_PASSWORD)
        wrote = await _seed_projects(competition, password_hash, settings) or wrote
        for demo_user in USERS:
            user = await User.get_or_none(email=demo_user.email)
            if user is None:
                password_hash = password_hash or await auth.hash_password(DEMO_PASSWORD)
                user = await User.create(
                    email=demo_user.email,
                    password_hash=password_hash,
                    name=demo_user.name,
                    name_local=demo_user.name_local,
                    locale=demo_user.locale,
                    timezone=demo_user.timezone,
                    country=demo_user.country,
                    organisation=demo_user.organisation,
                    is_superuser=demo_user.superuser,
                    email_verified_at=utcnow(),
                )
                wrote = True
            if demo_user.role is not None:
                _role, created = await SummitRole.get_or_create(
                    summit=current, email=demo_user.email, role=demo_user.role, defaults={"user": user}
                )
                wrote = wrote or created
        password_hash = password_hash or await auth.hash_password(DEMO_PASSWORD)
        wrote = await _seed_judging(current, competition, password_hash) or wrote
        wrote = await _seed_sprint(current, password_hash, settings) or wrote
        wrote = await seed_demo_programme(current, settings) or wrote
        wrote = await seed_demo_tickets(current) or wrote
        await _link_side_events(current)
        if await seed_past_edition(summits["ges-2026"], settings):
            wrote = True
            past = await Competition.get(summit_id=summits["ges-2026"].id)
            past_projects = await Project.filter(competition_id=past.id).order_by("id")
            await _attach_decks(
                past,
                past_projects,
                await TeamMember.filter(project_id__in=[p.id for p in past_projects]),
                await Track.filter(competition_id=past.id),
                settings=settings,
                now=utcnow(),
            )
    log.info("demo %s", "seeded" if wrote else "already present")
    return wrote


JUDGE_NAMES = (
    ("Olivia Brown", "", "en", "GB", "Imperial Innovations"),
    ("Liu Yang", "刘洋", "zh_Hans", "CN", "Zhongguancun Angel Fund"),
    ("Hiroshi Sato", "", "en", "JP", "Tokyo Deep Tech Partners"),
    ("Marie Dubois", "", "en", "FR", "Paris Health Ventures"),
    ("Zhang Wei", "张伟", "zh_Hans", "CN", "Beijing Industrial Investment"),
    ("Ahmed Hassan", "", "en", "AE", "Gulf Energy Capital"),
    ("Anna Kowalska", "", "en", "PL", "Warsaw Robotics Fund"),
    ("Wang Jing", "王静", "zh_Hans", "CN", "Tsinghua Alumni Ventures"),
    ("Carlos Mendes", "", "en", "BR", "São Paulo Agritech"),
    ("Sun Li", "孙丽", "zh_Hans", "CN", "Shenzhen Hardware Capital"),
    ("David Cohen", "", "en", "IL", "Tel Aviv Cyber Partners"),
    ("Zhou Min", "周敏", "zh_Hans", "CN", "Peking University Science Park"),
)
CRITERIA = (
    ("Team", "团队", 3, "Can this team build it?", "团队能否实现？"),
    (
        "Technology and innovation",
        "技术与创新",
        3,
        "How new and defensible is the technology?",
        "技术有多新、壁垒多高？",
    ),
    ("Market", "市场", 2, "How large and reachable is the market?", "市场规模多大、能否触达？"),
    ("Business model", "商业模式", 2, "Does the money work?", "商业模式是否成立？"),
)


async def _seed_judging(summit: Summit, competition: Competition, password_hash: str) -> bool:
    """Judge profiles, a pool of judges, a rubric for every round (the final is a live pitch round), and the
    online review assigned, with part of the pool's scorecards already submitted."""
    first = await Round.get(competition_id=competition.id, position=1)
    if await Rubric.exists(round_id=first.id):
        return False
    rng = random.Random(2027)
    tracks = [t.id for t in await Track.filter(competition_id=competition.id).order_by("position")]
    pool = []
    for n, (name, local, locale, country, organisation) in enumerate(JUDGE_NAMES, 1):
        user = await User.get_or_none(email=f"judge{n:02d}@demo.podium.example")
        if user is None:
            user = await User.create(
                email=f"judge{n:02d}@demo.podium.example",
                password_hash=password_hash,
                name=name,
                name_local=local,
                locale=locale,
                country=country,
                organisation=organisation,
                email_verified_at=utcnow(),
            )
        await SummitRole.get_or_create(summit=summit, email=user.email, role=Role.JUDGE, defaults={"user": user})
        pool.append(user)
    demo_judges = await User.filter(email__in=[u.email for u in USERS if u.role == Role.JUDGE])
    for user in [*demo_judges, *pool]:
        await JudgeProfile.get_or_create(
            summit=summit,
            user=user,
            defaults={
                "affiliation": user.organisation,
                "track_ids": rng.sample(tracks, 2),
                "languages": ["en", "zh"] if user.locale == "zh_Hans" else ["en"],
                "tags": rng.sample(["ai", "batteries", "biotech", "robotics", "saas", "sensors", "food"], 2),
                "max_projects": 40,
            },
        )
    for found in await Round.filter(competition_id=competition.id).order_by("position"):
        rubric = await Rubric.create(
            round=found,
            judges_per_project=5 if found.position == 1 else 7,
            comment_required=found.position == 1,
            comment_min_length=20 if found.position == 1 else 0,
            live=found.position == 4,
        )
        for position, (en, zh, weight, help_en, help_zh) in enumerate(CRITERIA, 1):
            await Criterion.create(
                rubric=rubric,
                position=position,
                name_en=en,
                name_zh=zh,
                description_en=help_en,
                description_zh=help_zh,
                anchor_low_en="Weak",
                anchor_low_zh="较弱",
                anchor_mid_en="Solid",
                anchor_mid_zh="扎实",
                anchor_high_en="Outstanding",
                anchor_high_zh="出色",
                weight=weight,
            )
    projects = await Project.filter(competition_id=competition.id, status=ProjectStatus.SUBMITTED).exclude(
        eligibility=Eligibility.INELIGIBLE
    )
    profiles = {p.user_id: p for p in await JudgeProfile.filter(summit_id=summit.id)}
    plan = solver.plan_assignments(
        [solver.ProjectSlot(id=p.id, track_id=p.track_id) for p in projects],
        [
            solver.JudgeSlot(id=user_id, capacity=profile.max_projects, track_ids=frozenset(profile.track_ids))
            for user_id, profile in profiles.items()
        ],
        per_project=5,
        seed=first.id,
    )
    await Assignment.bulk_create(
        [Assignment(round=first, project_id=p, judge_id=j, due_at=first.judging_close_at) for p, j in plan.pairs]
    )
    criteria = await Criterion.filter(rubric__round_id=first.id)
    pool_ids = {u.id for u in pool}
    scored = [a for a in await Assignment.filter(round_id=first.id) if a.judge_id in pool_ids and rng.random() < 0.6]
    scores = []
    for card in scored:
        quality = rng.gauss(6.5, 1.5)
        for criterion in criteria:
            scores.append(
                Score(assignment=card, criterion=criterion, value=max(1, min(10, round(quality + rng.gauss(0, 1.2)))))
            )
        card.status, card.submitted_at = AssignmentStatus.SUBMITTED, utcnow() - timedelta(hours=rng.randint(1, 200))
        card.comment = rng.choice(
            [
                "Strong founders with a clear plan for the first customers.",
                "Impressive technology, but the market entry is not yet convincing.",
                "Solid team; the business model needs more evidence.",
            ]
        )
    await Score.bulk_create(scores, batch_size=1000)
    for card in scored:
        await card.save(update_fields=["status", "submitted_at", "comment"])
    return True


async def _link_side_events(summit: Summit) -> None:
    """The demo's investor matchmaking sells its places through the investor pass."""
    investor = await TicketType.get_or_none(summit_id=summit.id, name_en="Investor pass")
    if investor is not None:
        await ProgrammeSession.filter(summit_id=summit.id, needs_registration=True, ticket_type_id=None).update(
            ticket_type_id=investor.id
        )


SPRINT_PROJECTS = 40
SPRINT_FINALISTS = 10


async def _seed_sprint(summit: Summit, password_hash: str, settings: Settings) -> bool:
    """A smaller competition further along: its online review ranked, finalised and published, and its final
    on stage in progress (a live round with three teams done and the fourth pitching now)."""
    if await Competition.exists(summit_id=summit.id, slug="sprint-2027"):
        return False
    rng = random.Random(1127)
    now = utcnow()
    sprint = await Competition.create(
        summit=summit,
        slug="sprint-2027",
        name_en="2027 Overseas Talent Sprint",
        name_zh="2027海外人才创业冲刺赛",
        description_en="A fast track for teams returning from abroad: online review in October, final on stage.",
        description_zh="面向海归团队的快速赛道：十月网络评审，现场路演决赛。",
    )
    tracks = [
        await Track.create(competition=sprint, name_en=en, name_zh=zh, position=n)
        for n, (en, zh) in enumerate(TRACKS[:3], 1)
    ]
    division = await Division.create(
        competition=sprint, name_en="Overseas", name_zh="海外赛区", kind=DivisionKind.REGION
    )
    review = await Round.create(
        competition=sprint,
        position=1,
        name_en="Online review",
        name_zh="网络评审",
        status=RoundStatus.PUBLISHED,
        submissions_open_at=now - timedelta(days=60),
        submissions_close_at=now - timedelta(days=40),
        judging_open_at=now - timedelta(days=39),
        judging_close_at=now - timedelta(days=20),
    )
    final = await Round.create(
        competition=sprint,
        position=2,
        name_en="Final on stage",
        name_zh="现场决赛",
        status=RoundStatus.JUDGING,
        judging_open_at=now - timedelta(hours=1),
        judging_close_at=now + timedelta(hours=6),
    )
    founders = [
        await User.create(
            email=f"sprint{n:02d}@demo.podium.example",
            password_hash=password_hash,
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            locale=rng.choice(("en", "zh_Hans")),
            country=rng.choice(COUNTRIES),
            email_verified_at=now,
        )
        for n in range(1, SPRINT_PROJECTS + 1)
    ]
    projects = []
    for n, lead in enumerate(founders, 1):
        words = rng.choice(WORDS_EN)
        project = await Project.create(
            competition=sprint,
            lead=lead,
            title=f"{words[0]} {words[1]} {words[2]} S{n}",
            summary=f"A returning team from {lead.country} with a product for Chinese and global customers.",
            country=lead.country,
            track=rng.choice(tracks),
            division=division,
            status=ProjectStatus.SUBMITTED,
            submitted_at=now - timedelta(days=rng.randint(41, 59)),
            eligibility=Eligibility.ELIGIBLE,
            referral=rng.choice(("", "", "HC-Partner London", "HC-Partner Toronto")),
        )
        await TeamMember.create(
            project=project,
            user=lead,
            email=lead.email,
            name=lead.name,
            role="CEO",
            is_lead=True,
            equity=60,
            joined_at=now,
        )
        projects.append((project, rng.gauss(6.5, 1.6)))
    await _attach_decks(
        sprint,
        [p for p, _q in projects],
        await TeamMember.filter(project_id__in=[p.id for p, _q in projects]),
        tracks,
        settings=settings,
        now=now,
    )
    panel = await User.filter(email__in=[f"judge{n:02d}@demo.podium.example" for n in range(1, 13)])
    demo_judges = await User.filter(email__in=[u.email for u in USERS if u.role == Role.JUDGE])
    severity = {j.id: rng.gauss(0, 0.8) for j in [*panel, *demo_judges]}
    for found, live in ((review, False), (final, True)):
        rubric = await Rubric.create(round=found, judges_per_project=5, live=live, grace_minutes=5)
        for position, (en, zh, weight, help_en, help_zh) in enumerate(CRITERIA, 1):
            await Criterion.create(
                rubric=rubric,
                position=position,
                name_en=en,
                name_zh=zh,
                description_en=help_en,
                description_zh=help_zh,
                weight=weight,
            )
    await RankingPolicy.create(
        round=review, method="auto", advance_count=SPRINT_FINALISTS, share_comments=True, bootstrap=100
    )
    await RankingPolicy.create(round=final, method="auto", cumulative_weight=60)
    await RankingPolicy.filter(round_id=review.id).update(cumulative_weight=40)
    review_criteria = await Criterion.filter(rubric__round_id=review.id)

    def score_of(quality: float, judge_id: int) -> int:
        return max(1, min(10, round(quality - severity[judge_id] + rng.gauss(0, 1))))

    for project, quality in projects:
        for judge in rng.sample(list(panel), 5):
            card = await Assignment.create(
                round=review,
                project=project,
                judge=judge,
                status=AssignmentStatus.SUBMITTED,
                submitted_at=now - timedelta(days=rng.randint(21, 38)),
                comment=rng.choice(
                    (
                        "A clear plan and a capable team.",
                        "Good technology; the market needs more proof.",
                        "Promising, but early.",
                    )
                ),
            )
            await Score.bulk_create(
                [Score(assignment=card, criterion=c, value=score_of(quality, judge.id)) for c in review_criteria]
            )
    run = await rankings.compute(round_id=review.id)
    assert run is not None
    rows = await RankingRow.filter(run_id=run.id)
    await RankingRun.filter(id=run.id).update(final=True)
    await Advancement.bulk_create(
        [
            Advancement(round=review, project_id=r.project_id, rank=r.rank, score=r.score, advances=r.advances)
            for r in rows
        ]
    )
    finalists = sorted((r for r in rows if r.advances), key=lambda r: r.rank)
    final_criteria = await Criterion.filter(rubric__round_id=final.id)
    quality_of = {p.id: q for p, q in projects}
    final_panel = [*demo_judges, *list(panel)[:4]]
    for position, row in enumerate(finalists, 1):
        started = now - timedelta(minutes=10 * (4 - position)) if position <= 4 else None
        await PitchSlot.create(round=final, project_id=row.project_id, position=position, started_at=started)
        for judge in final_panel:
            done = position <= 3 and judge not in demo_judges
            card = await Assignment.create(
                round=final,
                project_id=row.project_id,
                judge=judge,
                status=AssignmentStatus.SUBMITTED if done else AssignmentStatus.ASSIGNED,
                submitted_at=now if done else None,
            )
            if done:
                await Score.bulk_create(
                    [
                        Score(assignment=card, criterion=c, value=score_of(quality_of[row.project_id], judge.id))
                        for c in final_criteria
                    ]
                )
    for n, (en, zh, count) in enumerate(
        (("First prize", "一等奖", 1), ("Second prize", "二等奖", 2), ("Third prize", "三等奖", 3)), 1
    ):
        await AwardTier.create(
            competition=sprint,
            position=n,
            name_en=en,
            name_zh=zh,
            count=count,
            prize_amount=[0, 50_000_000, 20_000_000, 10_000_000][n],
            referrer_share_percent=10,
        )
    return True


def logins_text() -> str:
    width = max(len(u.email) for u in USERS)
    lines = ["", "Demo logins (password for all: " + DEMO_PASSWORD + ")"]
    lines += [f"  {u.email.ljust(width)}  {u.what}" for u in USERS]
    return "\n".join(lines)
