"""The organizer's financing pages: the competition's rounds with filters and the verification queue, outcome
fields; all closed to entrants."""

from __future__ import annotations

from datetime import date

import httpx

from podium.competitions.financing_models import FundingRound, OutcomeField
from podium.competitions.models import Project
from podium.platform.audit import AuditEntry
from tests.financing.conftest import Scene, team_and_organizer
from tests.helpers import count_queries, post_form


async def rounds_for(scene: Scene, count: int) -> None:
    for n in range(count):
        project = await Project.create(competition_id=scene.competition.id, lead=scene.lead, title=f"Startup {n}")
        await FundingRound.create(
            project_id=project.id,
            kind="seed",
            amount=100_000 * (n + 1),
            currency="CNY",
            announced_on=date(2026, 1, n + 1),
            source="entrant" if n % 2 else "organizer",
            status="rejected" if n == 2 else "reported" if n % 2 else "verified",
            reporting_currency="CNY",
            amount_reporting=100_000 * (n + 1),
        )


async def test_the_list_puts_rounds_awaiting_verification_first_and_filters(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    await rounds_for(scene, 4)
    page = f"/organize/competitions/{scene.competition.id}/financing"
    response = await other_client.get(page)
    assert response.status_code == 200
    assert "Awaiting verification: 2" in response.text
    assert "Verified: 1" in response.text
    assert "Rejected: 1" in response.text
    # The rounds awaiting a decision come first, newest first, then the others, newest first.
    shown = [name for name in ("Startup 3", "Startup 1", "Startup 2", "Startup 0") if name in response.text]
    assert sorted(shown, key=response.text.index) == ["Startup 3", "Startup 1", "Startup 2", "Startup 0"]
    filtered = await other_client.get(page, params={"status": "verified", "currency": "CNY", "kind": "nonsense"})
    assert "Startup 0" in filtered.text
    assert "Startup 1" not in filtered.text
    # Verify from the list and come back to it.
    reported = await FundingRound.filter(status="reported").order_by("id").first()
    assert reported is not None
    back = f"{page}?status=reported"
    verified = await post_form(
        other_client,
        f"/projects/{reported.project_id}/financing/rounds/{reported.id}/decision",
        {"decision": "verified", "back": back},
        page=page,
    )
    assert verified.status_code == 303
    assert verified.headers["location"].startswith(f"{back}&notice=round-decided")
    assert (await FundingRound.get(id=reported.id)).status == "verified"
    assert await AuditEntry.filter(action="funding.verified").count() == 1
    assert (await client.get(page)).status_code == 404


async def test_the_list_costs_the_same_queries_for_one_round_or_three(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    page = f"/organize/competitions/{scene.competition.id}/financing"
    await rounds_for(scene, 1)
    await other_client.get(page)
    with count_queries() as one:
        await other_client.get(page)
    await rounds_for(scene, 2)
    with count_queries() as three:
        assert (await other_client.get(page)).text.count("<tr>") == 4
    assert len(three.queries) == len(one.queries)


async def test_outcome_fields_bad_input_keeps_the_values_and_names_the_field(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    page = f"/organize/competitions/{scene.competition.id}/outcome-fields"
    bad = await post_form(
        other_client,
        page,
        {"key": "Patents Granted", "label_en": "", "label_zh": "", "kind": "colour", "position": "x"},
        page=page,
    )
    assert bad.status_code == 422
    for message, field in (
        ("Use lower-case letters, digits and underscores, starting with a letter, like patents.", "key"),
        ("Give it a name in at least one language.", "label_en"),
        ("Choose a kind of answer from the list.", "kind"),
        ("Enter a whole number; lower numbers come first.", "position"),
    ):
        assert message in bad.text
        assert f'href="#{field}"' in bad.text
    assert 'value="Patents Granted"' in bad.text
    ok = {"key": "revenue_band", "label_en": "Revenue band", "label_zh": "营收区间", "kind": "text"}
    assert (await post_form(other_client, page, ok, page=page)).status_code == 303
    duplicate = await post_form(other_client, page, ok, page=page)
    assert "Another outcome of this competition already uses this key." in duplicate.text
    field = await OutcomeField.get(key="revenue_band")
    assert (await post_form(client, f"{page}/{field.id}/delete", page="/projects")).status_code == 404
    assert (await post_form(other_client, f"{page}/{field.id}/delete", page=page)).status_code == 303
    assert await OutcomeField.all().count() == 0
    assert [e.action for e in await AuditEntry.filter(object_type="competition").order_by("id")] == [
        "outcome.field_added",
        "outcome.field_removed",
    ]
