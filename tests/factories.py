"""make_<model>: plain async factories with boring, valid defaults; any field can be overridden."""

from __future__ import annotations

import itertools
from datetime import date
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher

from podium.competitions.models import Competition, Round
from podium.platform.i18n import utcnow
from podium.platform.summits.models import Role, Summit, SummitRole
from podium.platform.users.models import User

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


@lru_cache(maxsize=8)
def _hash(password: str) -> str:
    return PasswordHasher().hash(password)


async def make_user(
    *, email: str | None = None, password: str = PASSWORD, verified: bool = True, **fields: Any
) -> User:
    n = next(_seq)
    return await User.create(
        email=email or f"person{n}@example.com",
        password_hash=_hash(password),
        name=fields.pop("name", f"Person {n}"),
        email_verified_at=utcnow() if verified else None,
        **fields,
    )


async def make_summit(**fields: Any) -> Summit:
    n = next(_seq)
    values: dict[str, Any] = {
        "slug": f"summit-{n}",
        "name_en": f"Summit {n}",
        "name_zh": f"峰会{n}",
        "starts_on": date(2026, 9, 18),
        "ends_on": date(2026, 9, 20),
        "timezone": "Asia/Shanghai",
        "currency": "CNY",
    }
    values.update(fields)
    return await Summit.create(**values)


async def grant(summit: Summit, user: User, role: Role = Role.ORGANIZER) -> SummitRole:
    return await SummitRole.create(summit=summit, user=user, email=user.email, role=role)


async def make_competition(*, summit: Summit | None = None, **fields: Any) -> Competition:
    n = next(_seq)
    values: dict[str, Any] = {"slug": f"competition-{n}", "name_en": f"Competition {n}", "name_zh": f"大赛{n}"}
    values.update(fields)
    return await Competition.create(summit=summit or await make_summit(), **values)


async def make_round(*, competition: Competition | None = None, **fields: Any) -> Round:
    competition = competition or await make_competition()
    n = next(_seq)
    values: dict[str, Any] = {"position": n, "name_en": f"Round {n}", "name_zh": f"第{n}轮"}
    values.update(fields)
    return await Round.create(competition=competition, **values)
