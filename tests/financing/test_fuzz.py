"""Garbage to every financing route, with ids that exist (a real round, rate, field and survey link): never a 5xx."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from podium.competitions.financing_endpoints import routes
from podium.competitions.financing_models import FundingRound, FxRate, OutcomeField, OutcomeSurvey
from podium.competitions.services import surveys
from podium.platform.i18n import utcnow
from podium.platform.users.models import User
from podium.settings import Settings
from tests.factories import make_user
from tests.financing.conftest import team_and_organizer
from tests.helpers import csrf_token, sign_in
from tests.platform.test_requests import GARBAGE_BODIES


async def test_no_financing_route_answers_500_to_garbage(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient, settings: Settings
) -> None:
    scene = await team_and_organizer(client, other_client)
    await User.filter(id=scene.organizer.id).update(is_superuser=True)
    found = await FundingRound.create(
        project_id=scene.project.id,
        kind="seed",
        amount=100,
        currency="CNY",
        announced_on=date(2026, 1, 1),
        source="entrant",
    )
    rate = await FxRate.create(summit_id=scene.summit.id, currency="EUR", on_date=date(2026, 1, 1), rate=Decimal("0.9"))
    field = await OutcomeField.create(
        competition_id=scene.competition.id, key="patents", label_en="Patents", kind="number"
    )
    survey = await OutcomeSurvey.create(
        project_id=scene.project.id,
        competition_id=scene.competition.id,
        due_month=6,
        due_on=date(2026, 1, 1),
        recipient_id=scene.lead.id,
        token_nonce="abc",
        open_project_id=scene.project.id,
        expires_at=utcnow() + timedelta(days=30),
    )
    params = {
        "project_id": str(scene.project.id),
        "round_id": str(found.id),
        "id": str(scene.competition.id),
        "slug": scene.summit.slug,
        "token": surveys.make_token(settings.secret(), survey),
    }
    await make_user(email="nobody@example.com")
    checked = 0
    for http, email in ((other_client, "org@ges.example"), (client, "wang@example.com")):
        await sign_in(http, email)
        token = await csrf_token(http, "/account")
        for route in routes:
            assert isinstance(route, Route)
            path = route.path
            for name, value in {**params, "item_id": str(field.id if "outcome" in route.path else rate.id)}.items():
                path = path.replace("{" + name + "}", value).replace("{" + name + ":int}", value)
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                if method == "GET":
                    response = await http.get(path, params={"page": "x", "status": "\x00", "currency": "\u202e"})
                    assert response.status_code < 500, (method, path, response.status_code)
                    checked += 1
                    continue
                for body in GARBAGE_BODIES:
                    kwargs = dict(body)
                    if "data" in kwargs:
                        kwargs["data"] = {**kwargs["data"], "csrf_token": token}  # type: ignore[dict-item]
                    response = await http.request(method, path, **kwargs)  # type: ignore[arg-type]
                    assert response.status_code < 500, (method, path, body, response.status_code, response.text[:300])
                    checked += 1
                for bad_json in (
                    {"kind": ["x"], "amount_minor": 1e30, "investors": [{"name": None}]},
                    {"rates": [None]},
                ):
                    response = await http.request(method, path, json=bad_json, headers={"x-csrf-token": token})
                    assert response.status_code < 500, (
                        method,
                        path,
                        bad_json,
                        response.status_code,
                        response.text[:300],
                    )
    assert checked > 100
