"""Funding rounds on the project's financing page: reported by the team, recorded and decided by organizers,
with evidence checked by content, normalised to the reporting currency and dollars, and audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
from starlette.applications import Starlette

from podium.competitions.financing_models import (
    FundingRound,
    Outcome,
    OutcomeField,
    OutcomeValue,
    RoundSource,
    Verification,
)
from podium.platform.audit import AuditEntry
from podium.settings import Settings
from tests.conftest import JobRunner, SmtpSink
from tests.factories import make_user
from tests.financing.conftest import ROUND, add_rates, post_round, team_and_organizer
from tests.helpers import body_text, post_form, sign_in

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def stored_evidence(settings: Settings) -> list[Path]:
    folder = settings.upload_dir / "evidence"
    return sorted(folder.iterdir()) if folder.exists() else []


async def actions(project_id: int) -> list[str]:
    entries = await AuditEntry.filter(object_type="project", object_id=str(project_id)).order_by("id")
    return [e.action for e in entries if e.action.startswith(("funding.", "outcome."))]


async def test_team_reports_a_round_that_awaits_verification(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, settings: Settings
) -> None:
    scene = await team_and_organizer(client, other_client)
    await add_rates(scene.summit, {("CNY", date(2026, 5, 13)): "7.2000"})
    response = await post_round(client, scene.project, ROUND, evidence=("term sheet.pdf", PDF, "application/pdf"))
    assert response.status_code == 303, response.text[:500]
    found = await FundingRound.get(project_id=scene.project.id)
    assert (found.kind, found.amount, found.currency, found.announced_on, found.precision) == (
        "a",
        1_250_000_000,
        "CNY",
        date(2026, 5, 14),
        "day",
    )
    assert found.investors == [
        {"name": "Sequoia China", "lead": True},
        {"name": "Zhongguancun Angel Fund", "lead": False},
        {"name": "Haidian Capital", "lead": False},
    ]
    assert (found.source, found.status, found.reported_by_id) == (
        RoundSource.ENTRANT,
        Verification.REPORTED,
        scene.lead.id,
    )
    assert found.source_url == "https://news.example.com/round"
    # Normalised with the rate in force on the day (the 13th's, as the 14th has none): 12,500,000 / 7.2 dollars.
    assert (found.reporting_currency, found.amount_reporting, found.amount_usd) == ("CNY", 1_250_000_000, 173_611_111)
    assert (found.usd_rate, found.fx_date) == (Decimal("7.2"), date(2026, 5, 14))
    assert found.evidence_name == "term sheet.pdf"
    assert len(stored_evidence(settings)) == 1
    evidence = await client.get(f"/projects/{scene.project.id}/financing/rounds/{found.id}/evidence")
    assert (evidence.status_code, evidence.headers["content-type"], evidence.content) == (200, "application/pdf", PDF)
    page = await client.get(f"/projects/{scene.project.id}/financing")
    assert "Series A · CN¥12,500,000.00 · May 14, 2026" in page.text
    assert "awaiting verification" in page.text
    assert "$1,736,111.11" in page.text
    assert await actions(scene.project.id) == ["funding.reported"]


async def test_the_team_changes_its_report_until_an_organizer_decides(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, mailbox: SmtpSink, run_jobs: JobRunner
) -> None:
    scene = await team_and_organizer(client, other_client)
    assert (await post_round(client, scene.project, ROUND)).status_code == 303
    found = await FundingRound.get(project_id=scene.project.id)
    url = f"/projects/{scene.project.id}/financing/rounds/{found.id}"
    edit = await client.get(url)
    assert 'value="12500000.00"' in edit.text
    assert 'value="2026-05-14"' in edit.text
    bad = await post_round(client, scene.project, {**ROUND, "amount": "about 13m", "announced": "May"}, url=url)
    assert bad.status_code == 422
    assert 'href="#round-amount"' in bad.text
    assert 'href="#round-announced"' in bad.text
    assert 'value="about 13m"' in bad.text
    changed = await post_round(client, scene.project, {**ROUND, "amount": "13000000", "announced": "2026-05"}, url=url)
    assert changed.status_code == 303
    found = await FundingRound.get(id=found.id)
    assert (found.amount, found.announced_on, found.precision) == (1_300_000_000, date(2026, 5, 1), "month")

    # An organizer rejects it; a rejection needs a note, and the form says which field is missing.
    page = f"/projects/{scene.project.id}/financing"
    refused = await post_form(other_client, f"{url}/decision", {"decision": "rejected", "note": ""}, page=page)
    assert refused.status_code == 422
    assert "Say why the round is rejected: the team reads this note." in refused.text
    assert f'href="#decision-{found.id}-note"' in refused.text
    decided = await post_form(
        other_client, f"{url}/decision", {"decision": "rejected", "note": "Send the term sheet."}, page=page
    )
    assert decided.status_code == 303
    found = await FundingRound.get(id=found.id)
    assert (found.status, found.note, found.decided_by_id) == ("rejected", "Send the term sheet.", scene.organizer.id)
    await run_jobs.run()
    [mail] = mailbox.messages
    assert mail["To"] == "wang@example.com"
    assert mail["Subject"] == "Funding round not accepted: Quantum Sensing for Farms"
    assert "Their note: Send the term sheet." in body_text(mail)

    # Now the team can no longer change or delete it, on the page or over the API.
    late = await post_round(client, scene.project, {**ROUND, "amount": "1"}, url=url)
    assert late.status_code == 403
    deleted = await post_form(client, f"{url}/delete", page=page)
    assert deleted.status_code == 403
    assert (await FundingRound.get(id=found.id)).amount == 1_300_000_000
    assert await actions(scene.project.id) == ["funding.reported", "funding.changed", "funding.rejected"]
    entry = await AuditEntry.filter(action="funding.changed").first()
    assert entry is not None
    assert entry.data["fields"] == ["amount", "announced_on", "precision"]
    assert entry.data["before"]["amount"] == 1_250_000_000


async def test_organizers_record_rounds_verified_and_delete_any(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    response = await post_round(other_client, scene.project, {**ROUND, "currency": "USD", "amount": "2000000"})
    assert response.status_code == 303
    found = await FundingRound.get(project_id=scene.project.id)
    assert (found.source, found.status, found.decided_by_id) == ("organizer", "verified", scene.organizer.id)
    # No CNY rate yet: the dollar figure is there, the yuan one waits for a rate.
    assert (found.amount_usd, found.amount_reporting) == (200_000_000, None)
    assert "CNY: waiting for an FX rate" in (await client.get(f"/projects/{scene.project.id}/financing")).text
    url = f"/projects/{scene.project.id}/financing/rounds/{found.id}"
    assert (await post_form(client, f"{url}/delete", page=f"/projects/{scene.project.id}")).status_code == 403
    deleted = await post_form(other_client, f"{url}/delete", page=f"/projects/{scene.project.id}/financing")
    assert deleted.status_code == 303
    assert await FundingRound.all().count() == 0
    assert await actions(scene.project.id) == ["funding.recorded", "funding.deleted"]


async def test_bad_round_input_keeps_the_values_and_names_each_field(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    bad = {
        **ROUND,
        "kind": "series-z",
        "amount": "1000.5",
        "currency": "JPY",
        "announced": "2099-01-01",
        "source_url": "not a link",
        "investors": "\n".join(f"Fund {n}" for n in range(40)),
    }
    response = await post_round(client, scene.project, bad)
    assert response.status_code == 422
    for message, field in (
        ("Choose the kind of round from the list.", "kind"),
        ("JPY amounts are whole numbers.", "amount"),
        ("Enter a date that has passed: report a round once it is announced.", "announced"),
        ("Enter a web address, like https://example.com.", "source_url"),
        ("List at most 30 investors.", "investors"),
    ):
        assert message in response.text
        assert f'href="#round-{field}"' in response.text
    assert 'value="1000.5"' in response.text
    assert 'value="2099-01-01"' in response.text
    assert '<option value="JPY" selected>' in response.text
    assert await FundingRound.all().count() == 0


async def test_evidence_that_is_not_a_pdf_or_an_image_or_too_large_is_refused_and_not_stored(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient, settings: Settings
) -> None:
    scene = await team_and_organizer(client, other_client)
    before = stored_evidence(settings)
    renamed = await post_round(
        client, scene.project, ROUND, evidence=("sheet.pdf", b"PK\x03\x04 a zip", "application/pdf")
    )
    assert renamed.status_code == 422
    assert "Upload a PDF, PNG or JPEG file." in renamed.text
    assert 'value="12,500,000"' in renamed.text
    app.state.settings = settings.model_copy(update={"deck_max_mb": 1})
    try:
        large = await post_round(
            client, scene.project, ROUND, evidence=("big.pdf", PDF + b"0" * (1 << 20), "application/pdf")
        )
    finally:
        app.state.settings = settings
    assert large.status_code == 422
    assert "The file is larger than 1 MB. Make it smaller and upload it again." in large.text
    forged = await post_round(client, scene.project, ROUND, evidence=("a.png", PNG, "image/png"), token="forged")
    assert forged.status_code == 403
    assert stored_evidence(settings) == before
    assert await FundingRound.all().count() == 0
    # An image is fine, and a replacement removes the old file.
    assert (await post_round(client, scene.project, ROUND, evidence=("a.png", PNG, "image/png"))).status_code == 303
    found = await FundingRound.get(project_id=scene.project.id)
    url = f"/projects/{scene.project.id}/financing/rounds/{found.id}"
    assert (
        await post_round(client, scene.project, ROUND, url=url, evidence=("b.pdf", PDF, "application/pdf"))
    ).status_code == 303
    assert [p.suffix for p in stored_evidence(settings) if p not in before] == [".pdf"]


async def test_outsiders_see_neither_the_page_nor_the_evidence(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, app: Starlette
) -> None:
    scene = await team_and_organizer(client, other_client)
    await post_round(client, scene.project, ROUND, evidence=("a.png", PNG, "image/png"))
    found = await FundingRound.get(project_id=scene.project.id)
    transport = httpx.ASGITransport(app=app, client=("192.0.2.1", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://podium.test") as stranger:
        await make_user(email="rival@example.com")
        await sign_in(stranger, "rival@example.com")
        for path in ("", f"/rounds/{found.id}", f"/rounds/{found.id}/evidence"):
            assert (await stranger.get(f"/projects/{scene.project.id}/financing{path}")).status_code == 404
        refused = await post_round(stranger, scene.project, ROUND)
        assert refused.status_code == 404
    assert await FundingRound.all().count() == 1


async def test_landing_and_growth_with_custom_outcomes(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    fields_page = f"/organize/competitions/{scene.competition.id}/outcome-fields"
    added = await post_form(
        other_client, fields_page, {"key": "patents", "label_en": "Patents granted", "kind": "number"}, page=fields_page
    )
    assert added.status_code == 303
    page = f"/projects/{scene.project.id}/financing"
    field = await OutcomeField.get(key="patents")
    assert f'name="f_{field.id}"' in (await client.get(page)).text
    bad = await post_form(
        client,
        f"{page}/outcome",
        {"incorporated_locally": "maybe", "headcount": "many", f"f_{field.id}": "three", "district": "Haidian"},
        page=page,
    )
    assert bad.status_code == 422
    for message in (
        "Choose yes or no.",
        "Enter the number of people as a whole number, like 25.",
        "Enter a number, like 12 or 3.5.",
    ):
        assert message in bad.text
    assert 'value="Haidian"' in bad.text
    saved = await post_form(
        client,
        f"{page}/outcome",
        {
            "incorporated_locally": "yes",
            "incorporated_locally_on": "2026-03-01",
            "district": "Haidian",
            "headcount": "42",
            f"f_{field.id}": "3",
        },
        page=page,
    )
    assert saved.status_code == 303
    outcome = await Outcome.get(project_id=scene.project.id)
    assert (outcome.incorporated_locally, outcome.district, outcome.headcount) == (True, "Haidian", 42)
    assert outcome.headcount_as_of is not None
    assert (await OutcomeValue.get(project_id=scene.project.id)).value == {"v": "3"}
    assert await actions(scene.project.id) == ["outcome.changed"]
    # Saving the same values again changes nothing and records nothing.
    again = await post_form(
        client,
        f"{page}/outcome",
        {
            "incorporated_locally": "yes",
            "incorporated_locally_on": "2026-03-01",
            "district": "Haidian",
            "headcount": "42",
            "headcount_as_of": outcome.headcount_as_of.isoformat(),
            f"f_{field.id}": "3",
        },
        page=page,
    )
    assert again.status_code == 303
    assert await actions(scene.project.id) == ["outcome.changed"]
