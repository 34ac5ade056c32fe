"""Scenes for the financing tests: a signed-in team with a project, an organizer in another browser, rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from podium.competitions.financing_models import FxRate
from podium.competitions.models import Competition, Project, ProjectStatus
from podium.platform.summits.models import Summit
from podium.platform.users.models import User
from tests.competitions.test_projects import apply_as, open_competition
from tests.factories import grant, make_user
from tests.helpers import csrf_token, sign_in


@dataclass
class Scene:
    competition: Competition
    summit: Summit
    project: Project
    lead: User
    organizer: User


async def team_and_organizer(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, *, lead_locale: str = "en"
) -> Scene:
    """client: the lead of a submitted project; other_client: an organizer of its summit."""
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    await Project.filter(id=project.id).update(status=ProjectStatus.SUBMITTED)
    lead = await User.get(email="wang@example.com")
    await User.filter(id=lead.id).update(locale=lead_locale)
    summit = await Summit.get(id=competition.summit_id)
    organizer = await make_user(email="org@ges.example")
    await grant(summit, organizer)
    await sign_in(other_client, "org@ges.example")
    return Scene(
        competition=competition, summit=summit, project=await Project.get(id=project.id), lead=lead, organizer=organizer
    )


ROUND = {
    "kind": "a",
    "amount": "12,500,000",
    "currency": "CNY",
    "announced": "2026-05-14",
    "lead_investors": "Sequoia China",
    "investors": "Zhongguancun Angel Fund\nHaidian Capital",
    "source_url": "news.example.com/round",
}


async def post_round(
    client: httpx.AsyncClient,
    project: Project,
    data: dict[str, str],
    *,
    url: str | None = None,
    evidence: tuple[str, bytes, str] | None = None,
    token: str | None = None,
) -> httpx.Response:
    """Post the round form as a browser does: multipart, with the file input empty unless evidence is given."""
    page = f"/projects/{project.id}/financing"
    token = token if token is not None else await csrf_token(client, page)
    files: dict[str, Any] = {"evidence": evidence or ("", b"", "application/octet-stream")}
    return await client.post(url or f"{page}/rounds", data={**data, "csrf_token": token}, files=files)


async def add_rates(summit: Summit, rates: dict[tuple[str, date], str]) -> None:
    for (currency, day), rate in rates.items():
        await FxRate.create(summit_id=summit.id, currency=currency, on_date=day, rate=Decimal(rate), source="test")
