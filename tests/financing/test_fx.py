"""FX rates kept by organizers (by hand or from a file) and the normalised figures: the rate in force on the
round's date, decimal arithmetic, recomputed when rates change, and threshold counts at the boundary."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import httpx
import pytest
from openpyxl import Workbook

from podium.competitions.financing_models import FundingRound, FxRate, Verification
from podium.competitions.models import Project
from podium.competitions.services import financing, fx
from podium.competitions.services.financing import Figures
from podium.platform.audit import AuditEntry
from podium.platform.summits.models import Summit
from tests.conftest import JobRunner
from tests.financing.conftest import Scene, add_rates, team_and_organizer
from tests.helpers import csrf_token, post_form


async def recorded(scene: Scene, project: Project | None = None, **fields: object) -> FundingRound:
    """A verified round, normalised with the summit's rates as the service does."""
    values: dict[str, object] = {
        "kind": "a",
        "amount": 100_000_000,
        "currency": "CNY",
        "announced_on": date(2026, 5, 14),
        "source": "organizer",
        "status": Verification.VERIFIED,
    }
    values.update(fields)
    found = FundingRound(project_id=(project or scene.project).id, **values)
    await fx.normalise_one(found, summit=scene.summit)
    await found.save()
    return found


async def test_a_round_converts_at_the_latest_rate_on_or_before_the_start_of_its_period(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    await add_rates(
        scene.summit,
        {
            ("EUR", date(2025, 12, 31)): "0.9000",
            ("CNY", date(2025, 12, 31)): "7.0000",
            ("EUR", date(2026, 1, 2)): "0.5000",
            ("EUR", date(2026, 5, 13)): "0.9200",
            ("CNY", date(2026, 5, 13)): "7.1234",
            ("EUR", date(2026, 5, 15)): "2.0000",  # after every round: never used
        },
    )
    day = await recorded(scene, currency="EUR", announced_on=date(2026, 5, 14), precision="day")
    month = await recorded(scene, currency="EUR", announced_on=date(2026, 5, 1), precision="month")
    year = await recorded(scene, currency="EUR", announced_on=date(2026, 1, 1), precision="year")
    # May 14 converts with May 13's rates; "May 2026" with those in force on May 1; "2026" with December 31's.
    assert [(r.usd_rate, r.reporting_rate) for r in (day, month, year)] == [
        (Decimal("0.92"), Decimal("7.1234")),
        (Decimal("0.5"), Decimal("7")),
        (Decimal("0.9"), Decimal("7")),
    ]
    assert [r.amount_reporting for r in (day, month, year)] == [
        774_282_609,  # 1,000,000 EUR / 0.92 × 7.1234 = 7,742,826.0869… CNY
        1_400_000_000,  # / 0.5 × 7
        777_777_778,  # / 0.9 × 7 = 7,777,777.777…
    ]
    assert [r.amount_usd for r in (day, month, year)] == [108_695_652, 200_000_000, 111_111_111]
    rates = {r.id: r for r in await FxRate.all()}
    assert (rates[day.usd_rate_source_id or 0].on_date, rates[day.reporting_rate_source_id or 0].on_date) == (
        date(2026, 5, 13),
        date(2026, 5, 13),
    )
    # Before the first rate there is no figure, rather than a guess.
    early = await recorded(scene, currency="EUR", announced_on=date(2025, 6, 1))
    assert (early.amount_usd, early.amount_reporting, early.usd_rate) == (None, None, None)
    # A round in the reporting currency needs no rate for its reporting figure.
    local = await recorded(scene, currency="CNY", announced_on=date(2025, 6, 1))
    assert (local.amount_reporting, local.amount_usd) == (100_000_000, None)


async def test_changing_a_rate_recomputes_the_figures_that_use_it(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner
) -> None:
    scene = await team_and_organizer(client, other_client)
    await add_rates(scene.summit, {("CNY", date(2026, 5, 1)): "8.0000"})
    found = await recorded(scene, currency="USD", amount=100_000, announced_on=date(2026, 5, 14))
    assert found.amount_reporting == 800_000
    page = f"/organize/summits/{scene.summit.slug}/fx-rates"
    saved = await post_form(other_client, page, {"currency": "CNY", "on_date": "2026-05-10", "rate": "7.25"}, page=page)
    assert saved.status_code == 303
    await run_jobs.run()
    found = await FundingRound.get(id=found.id)
    assert (found.amount_reporting, found.reporting_rate) == (725_000, Decimal("7.25"))
    rate = await FxRate.get(on_date=date(2026, 5, 10))
    deleted = await post_form(other_client, f"{page}/{rate.id}/delete", page=page)
    assert deleted.status_code == 303
    await run_jobs.run()
    assert (await FundingRound.get(id=found.id)).amount_reporting == 800_000
    # The summit's reporting currency changes: the daily run recomputes everything in the new currency.
    await add_rates(scene.summit, {("EUR", date(2026, 5, 1)): "0.9"})
    await Summit.filter(id=scene.summit.id).update(currency="EUR")
    assert await fx.recompute_all() == 1
    found = await FundingRound.get(id=found.id)
    assert (found.reporting_currency, found.amount_reporting) == ("EUR", 90_000)
    actions = [e.action for e in await AuditEntry.filter(object_type="summit").order_by("id")]
    assert actions == ["fx.rate_set", "fx.rate_deleted"]


async def test_bad_rate_input_keeps_the_values_and_names_the_field(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    page = f"/organize/summits/{scene.summit.slug}/fx-rates"
    response = await post_form(
        other_client, page, {"currency": "USD", "on_date": "2099-01-01", "rate": "7,1", "source": "PBOC"}, page=page
    )
    assert response.status_code == 422
    for message, field in (
        ("Rates are per US dollar, so the dollar needs none.", "currency"),
        ("Enter a day that has passed or is today.", "on_date"),
    ):
        assert message in response.text
        assert f'href="#{field}"' in response.text
    assert 'value="PBOC"' in response.text
    assert 'value="2099-01-01"' in response.text
    assert await FxRate.all().count() == 0
    assert (await client.get(page)).status_code == 404  # the team is not an organizer


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _import(http: httpx.AsyncClient, summit: Summit, name: str, content: bytes) -> httpx.Response:
    page = f"/organize/summits/{summit.slug}/fx-rates"
    token = await csrf_token(http, page)
    return await http.post(f"{page}/import", data={"csrf_token": token}, files={"file": (name, content, "text/csv")})


async def test_a_rate_file_with_any_bad_row_imports_nothing_and_says_where(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    csv = (
        "date,currency,rate,source\n"
        "2026-05-13,CNY,7.1234,PBOC\n"
        "2026-05-13,USD,1,\n"  # the dollar at 1: skipped, not an error
        "2026-05-13,XXX,1.5,\n"
        "2026-13-01,EUR,0.92,\n"
        "2026-05-14,EUR,-0.92,\n"
        "2026-05-13,cny,7.2,\n"
    )
    response = await _import(other_client, scene.summit, "rates.csv", csv.encode())
    assert response.status_code == 422
    assert "Nothing was imported: 4 problems in the file. Correct them and import it again." in response.text
    for row, message in (
        ("4", "Choose a currency from the list"),
        ("5", "Enter the day of the rate, like 2026-07-01."),
        ("6", "Enter the rate: units of the currency for one US dollar, like 7.1234."),
        ("7", "This currency already has a rate for this day in row 2."),
    ):
        assert f"<td>{row}</td>" in response.text
        assert message in response.text
    assert await FxRate.all().count() == 0
    wrong_header = await _import(other_client, scene.summit, "rates.csv", b"day,code,value\n2026-05-13,CNY,7\n")
    assert "Use the columns date, currency, rate and, if you like, source." in wrong_header.text
    not_a_table = await _import(other_client, scene.summit, "rates.csv", b"\x00\x01binary")
    assert "Upload a CSV file (UTF-8) or an Excel workbook (.xlsx)." in not_a_table.text


async def test_rates_import_from_csv_and_xlsx_and_replace_the_same_day(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner
) -> None:
    scene = await team_and_organizer(client, other_client)
    found = await recorded(scene, currency="GBP", amount=1_000_000, announced_on=date(2026, 5, 20))
    assert found.amount_reporting is None
    csv = "\ufeffDate,Currency,Rate\n2026-05-13,CNY,7.1234\n2026-05-13,GBP,0.7900\n"
    assert (await _import(other_client, scene.summit, "rates.csv", csv.encode())).status_code == 303
    workbook = _xlsx(
        [
            ["date", "currency", "rate", "source"],
            [date(2026, 5, 13), "GBP", 0.8, "BoE"],
            [date(2026, 5, 14), "JPY", 151.25, "BoJ"],
        ]
    )
    assert (await _import(other_client, scene.summit, "rates.xlsx", workbook)).status_code == 303
    rates = sorted((r.currency, r.on_date.isoformat(), r.rate, r.source) for r in await FxRate.all())
    assert rates == [
        ("CNY", "2026-05-13", Decimal("7.1234"), ""),
        ("GBP", "2026-05-13", Decimal("0.8"), "BoE"),
        ("JPY", "2026-05-14", Decimal("151.25"), "BoJ"),
    ]
    await run_jobs.run()
    # 10,000 GBP / 0.8 × 7.1234 = 89,042.50 CNY
    assert (await FundingRound.get(id=found.id)).amount_reporting == 8_904_250
    imported = await AuditEntry.filter(action="fx.rates_imported").order_by("id")
    assert [e.data["added"] for e in imported] == [2, 1]
    assert [e.data["changed"] for e in imported] == [0, 1]


async def test_threshold_counts_use_normalised_totals_and_count_the_boundary(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    scene = await team_and_organizer(client, other_client)
    await add_rates(scene.summit, {("CNY", date(2026, 1, 1)): "7.0000", ("EUR", date(2026, 1, 1)): "0.7000"})
    lead = scene.lead
    projects = [scene.project]
    for n in range(3):
        projects.append(await Project.create(competition_id=scene.competition.id, lead=lead, title=f"P{n}"))
    fifty_million = 5_000_000_000  # fen
    # Exactly 50 million yuan, in two rounds: counts.
    await recorded(scene, projects[0], amount=3_000_000_000)
    await recorded(scene, projects[0], amount=2_000_000_000)
    # 5,000,000 EUR at 0.7 and 7.0 per dollar: 50,000,000.00 CNY exactly, through Decimal: counts.
    await recorded(scene, projects[1], currency="EUR", amount=500_000_000)
    # One fen short: does not count.
    await recorded(scene, projects[2], amount=fifty_million - 1)
    # Well over, but only reported (not verified), or confidential.
    await recorded(scene, projects[3], amount=9_000_000_000, status=Verification.REPORTED, source="entrant")
    await recorded(scene, projects[3], amount=100, confidential=True)
    assert await financing.count_raised_at_least(projects, fifty_million, "CNY") == 2
    assert (
        await financing.count_raised_at_least([p.id for p in projects], fifty_million, "CNY", figures=Figures.REPORTED)
        == 3
    )
    assert await financing.count_raised_at_least(projects, fifty_million - 1, "CNY") == 3
    assert await financing.count_raised_at_least(projects, fifty_million + 1, "CNY") == 0
    # In dollars each round is converted and rounded on its own, then added up: 30,000,000 / 7 rounds up and
    # 20,000,000 / 7 rounds up, so the first project's two rounds make a cent more than one round of 50 million.
    assert await financing.raised_by_project(projects, "USD") == {
        projects[0].id: 428_571_429 + 285_714_286,
        projects[1].id: 714_285_714,
        projects[2].id: 714_285_714,  # 49,999,999.99 / 7 = 7,142,857.1414…
        projects[3].id: 14,
    }
    assert await financing.count_raised_at_least(projects, 714_285_714, "USD") == 3
    assert await financing.count_raised_at_least(projects, 714_285_715, "USD") == 1
    totals = await financing.raised_by_project(projects, "CNY", figures=Figures.PUBLISHED)
    assert totals == {projects[0].id: fifty_million, projects[1].id: fifty_million, projects[2].id: fifty_million - 1}
    assert (await financing.raised_by_project(projects, "CNY"))[projects[3].id] == 100  # confidential still verified
    with pytest.raises(ValueError, match="not to EUR"):
        await financing.count_raised_at_least(projects, 1, "EUR")
    assert await financing.count_raised_at_least([], 1, "CNY") == 0
