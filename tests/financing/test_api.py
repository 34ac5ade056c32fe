"""The financing API: a project's rounds for its team and organizers only, FX rates for organizers only."""

from __future__ import annotations

from datetime import date

import httpx

from podium.competitions.financing_models import FundingRound, FxRate
from podium.competitions.models import Project
from podium.platform.audit import AuditEntry
from podium.platform.auth import mint_api_token
from podium.platform.users.models import User
from tests.conftest import JobRunner
from tests.factories import make_user
from tests.financing.conftest import add_rates, team_and_organizer

NEW = {"kind": "seed", "amount_minor": 300_000_000, "currency": "EUR", "announced_on": "2026-03"}


async def bearer(email: str) -> dict[str, str]:
    user = await User.get_or_none(email=email) or await make_user(email=email)
    _token, secret = await mint_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


async def test_entrants_see_and_report_their_own_rounds_only(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    await add_rates(scene.summit, {("EUR", date(2026, 2, 27)): "0.9200", ("CNY", date(2026, 3, 1)): "7.1234"})
    lead = await bearer("wang@example.com")
    url = f"/api/v1/projects/{scene.project.id}/funding-rounds"
    created = await client.post(url, json=NEW, headers=lead)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["status"], body["source"], body["amount"], body["precision"], body["announced_on"]) == (
        "reported",
        "entrant",
        "3000000.00",
        "month",
        "2026-03-01",
    )
    # Converted at the rates in force on March 1 (the first of the month): 3,000,000 EUR / 0.92 × 7.1234.
    assert body["normalised"] == {
        "fx_date": "2026-03-01",
        "reporting_currency": "CNY",
        "amount_reporting_minor": 2_322_847_826,
        "amount_usd_minor": 326_086_957,
        "usd_rate": "0.92",
        "reporting_rate": "7.1234",
    }
    listed = await client.get(url, headers=lead)
    assert [r["id"] for r in listed.json()["items"]] == [body["id"]]

    # Another entrant's project is not found, for reading and for writing; strangers are not signed in.
    rival = await make_user(email="rival@example.com")
    other = await Project.create(competition_id=scene.competition.id, lead=rival, title="Rival")
    other_url = f"/api/v1/projects/{other.id}/funding-rounds"
    assert (await client.get(other_url, headers=lead)).status_code == 404
    assert (await client.post(other_url, json=NEW, headers=lead)).status_code == 404
    assert (await client.patch(f"{other_url}/{body['id']}", json={"kind": "a"}, headers=lead)).status_code == 404
    assert (
        await client.patch(f"{url}/{body['id']}", json={"kind": "a"}, headers=await bearer("rival@example.com"))
    ).status_code == 404
    anonymous = await httpx.AsyncClient(transport=client._transport, base_url="http://podium.test").get(url)
    assert anonymous.status_code == 401

    # The team changes its report; it may not decide on it.
    changed = await client.patch(f"{url}/{body['id']}", json={"amount_minor": 350_000_000}, headers=lead)
    assert changed.status_code == 200
    assert changed.json()["amount_minor"] == 350_000_000
    decided = await client.patch(f"{url}/{body['id']}", json={"status": "verified"}, headers=lead)
    assert decided.status_code == 403
    assert decided.json() == {"errors": {"__all__": ["Only the competition's organizers verify or reject rounds."]}}


async def test_organizers_see_every_round_and_verify_or_reject(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    lead, organizer = await bearer("wang@example.com"), await bearer("org@ges.example")
    url = f"/api/v1/projects/{scene.project.id}/funding-rounds"
    reported = (await client.post(url, json={**NEW, "currency": "CNY"}, headers=lead)).json()
    recorded = await client.post(url, json={**NEW, "kind": "grant", "confidential": True}, headers=organizer)
    assert (recorded.json()["status"], recorded.json()["source"]) == ("verified", "organizer")
    assert len((await client.get(url, headers=organizer)).json()["items"]) == 2
    refused = await client.patch(f"{url}/{reported['id']}", json={"status": "rejected"}, headers=organizer)
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"note": ["Say why the round is rejected: the team reads this note."]}}
    verified = await client.patch(
        f"{url}/{reported['id']}", json={"status": "verified", "note": "Registry"}, headers=organizer
    )
    assert (verified.json()["status"], verified.json()["note"]) == ("verified", "Registry")
    late = await client.patch(f"{url}/{reported['id']}", json={"amount_minor": 1}, headers=lead)
    assert late.status_code == 403
    assert (await FundingRound.get(id=reported["id"])).amount == 300_000_000


async def test_bad_round_bodies_name_the_field(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    scene = await team_and_organizer(client, other_client)
    lead = await bearer("wang@example.com")
    url = f"/api/v1/projects/{scene.project.id}/funding-rounds"
    response = await client.post(
        url,
        json={"kind": "x", "amount_minor": "12", "currency": "XXX", "announced_on": "2026-99", "investors": "Sequoia"},
        headers=lead,
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"kind", "amount_minor", "currency", "announced_on", "investors"}
    assert (await client.post(url, content=b"[1]", headers=lead)).status_code == 422
    assert (await client.post(url, json={}, headers=lead)).json()["errors"]["kind"] == ["This field is required."]
    assert await FundingRound.all().count() == 0


async def test_fx_rates_are_for_organizers_only(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner
) -> None:
    scene = await team_and_organizer(client, other_client)
    url = f"/api/v1/summits/{scene.summit.slug}/fx-rates"
    organizer, lead = await bearer("org@ges.example"), await bearer("wang@example.com")
    usd_round = await client.post(
        f"/api/v1/projects/{scene.project.id}/funding-rounds",
        json={**NEW, "currency": "USD", "announced_on": "2026-04-02"},
        headers=lead,
    )
    assert usd_round.json()["normalised"]["amount_reporting_minor"] is None
    assert (await client.get(url, headers=lead)).status_code == 404
    assert (
        await client.post(url, json={"currency": "CNY", "on_date": "2026-04-01", "rate": "7"}, headers=lead)
    ).status_code == 404
    bad = await client.post(
        url,
        json={
            "rates": [
                {"currency": "CNY", "on_date": "2026-04-01", "rate": "7.1"},
                {"currency": "USD", "on_date": "x", "rate": "-1"},
            ]
        },
        headers=organizer,
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"rates.1.currency", "rates.1.on_date", "rates.1.rate"}
    assert await FxRate.all().count() == 0
    saved = await client.post(url, json={"currency": "CNY", "on_date": "2026-04-01", "rate": 7.1}, headers=organizer)
    assert saved.json() == {"added": 1, "changed": 0}
    again = await client.post(url, json={"currency": "CNY", "on_date": "2026-04-01", "rate": "7.2"}, headers=organizer)
    assert again.json() == {"added": 0, "changed": 1}
    listed = await client.get(url, params={"currency": "cny"}, headers=organizer)
    assert [(r["currency"], r["on_date"], r["rate"]) for r in listed.json()["items"]] == [("CNY", "2026-04-01", "7.2")]
    # The recomputation job gives the dollar round its yuan figure: 3,000,000 × 7.2.
    await run_jobs.run()
    assert (await FundingRound.get(id=usd_round.json()["id"])).amount_reporting == 2_160_000_000
    assert [e.action for e in await AuditEntry.filter(object_type="summit").order_by("id")] == [
        "fx.rate_set",
        "fx.rate_set",
    ]
