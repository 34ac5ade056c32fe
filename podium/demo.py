"""`podium demo`: a realistic bilingual summit with an organizer, judges and entrants. Idempotent."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from podium.platform import auth
from podium.platform.i18n import utcnow
from podium.platform.summits.models import Role, Summit, SummitRole
from podium.platform.users.models import User

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
        "slug": "ges-2026",
        "name_en": "2026 Global Entrepreneur Summit",
        "name_zh": "2026全球创业者峰会",
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
        "starts_on": date(2026, 9, 18),
        "ends_on": date(2026, 9, 20),
        "timezone": "Asia/Shanghai",
        "currency": "CNY",
    },
    {
        "slug": "ges-2025",
        "name_en": "2025 Global Entrepreneur Summit",
        "name_zh": "2025全球创业者峰会",
        "description_en": "Last year's edition: 2,000 projects from 100 countries, 140 awards.",
        "description_zh": "上一届：来自100个国家的2000个项目，140个奖项。",
        "venue_en": "Shougang Park, Beijing",
        "venue_zh": "北京首钢园",
        "starts_on": date(2025, 9, 19),
        "ends_on": date(2025, 9, 21),
        "timezone": "Asia/Shanghai",
        "currency": "CNY",
    },
)


async def seed(*, only_if_empty: bool = False) -> bool:
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
        current = summits["ges-2026"]
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
    log.info("demo %s", "seeded" if wrote else "already present")
    return wrote


def logins_text() -> str:
    width = max(len(u.email) for u in USERS)
    lines = ["", "Demo logins (password for all: " + DEMO_PASSWORD + ")"]
    lines += [f"  {u.email.ljust(width)}  {u.what}" for u in USERS]
    return "\n".join(lines)
