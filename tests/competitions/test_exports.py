"""Exports of the project field: CSV and XLSX, with the list's filters, only for the competition's organizers."""

from __future__ import annotations

import csv
import io

import httpx
from openpyxl import load_workbook

from podium.competitions.models import Project, TeamMember
from podium.platform.summits.models import Summit
from tests.competitions.test_projects import open_competition
from tests.factories import grant, make_summit, make_user
from tests.helpers import count_queries, sign_in


async def _field(n: int = 3) -> int:
    competition, track, division = await open_competition()
    titles = ["Heart Monitor", "智能康复外骨骼", '=HYPERLINK("http://evil")'][:n]
    for number, title in enumerate(titles):
        lead = await make_user(email=f"lead{number}@example.com", name=f"Lead {number}")
        project = await Project.create(
            competition=competition, lead=lead, title=title, track=track, division=division, country="GB"
        )
        await TeamMember.create(
            project=project, user=lead, email=lead.email, name=lead.name, is_lead=True, equity=60, role="CEO"
        )
        await TeamMember.create(
            project=project, email=f"cto{number}@example.com", name="Co Founder", role="CTO", equity=20
        )
    await grant(await Summit.get(id=competition.summit_id), await make_user(email="org@ges.example"))
    return competition.id


async def test_csv_export_has_every_project_and_its_team(client: httpx.AsyncClient) -> None:
    competition_id = await _field()
    await sign_in(client, "org@ges.example")
    response = await client.get(f"/organize/competitions/{competition_id}/projects/export.csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="gec-projects.csv"'
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["title"] for row in table] == ["Heart Monitor", "智能康复外骨骼", '\'=HYPERLINK("http://evil")']
    assert table[0]["team"] == "Lead 0 <lead0@example.com> CEO 60.00% (lead); Co Founder <cto0@example.com> CTO 20.00%"
    assert table[0]["track"] == "AI"


async def test_xlsx_export_opens_in_a_spreadsheet_and_follows_the_filters(client: httpx.AsyncClient) -> None:
    competition_id = await _field()
    await sign_in(client, "org@ges.example")
    response = await client.get(f"/organize/competitions/{competition_id}/projects/export.xlsx?q=heart")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["id", "title", "summary"]
    assert [row[1] for row in values[1:]] == ["Heart Monitor"]


async def test_only_the_competitions_organizers_can_export(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    competition_id = await _field()
    await grant(await make_summit(slug="other"), await make_user(email="org@other.example"))
    await sign_in(client, "org@other.example")
    assert (await client.get(f"/organize/competitions/{competition_id}/projects/export.csv")).status_code == 404
    await sign_in(other_client, "lead0@example.com")
    assert (await other_client.get(f"/organize/competitions/{competition_id}/projects/export.xlsx")).status_code == 404
    async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as anonymous:
        response = await anonymous.get(f"/organize/competitions/{competition_id}/projects/export.csv")
        assert response.status_code == 303
    await sign_in(other_client, "org@ges.example")
    assert (await other_client.get(f"/organize/competitions/{competition_id}/projects/export.pdf")).status_code == 404


async def test_export_costs_the_same_queries_for_one_or_three_projects(client: httpx.AsyncClient) -> None:
    competition_id = await _field(1)
    await sign_in(client, "org@ges.example")
    with count_queries() as one:
        await client.get(f"/organize/competitions/{competition_id}/projects/export.csv")
    competition = await Project.filter(competition_id=competition_id).first()
    assert competition is not None
    for n in (7, 8):
        lead = await make_user(email=f"more{n}@example.com")
        project = await Project.create(competition_id=competition_id, lead=lead, title=f"More {n}")
        await TeamMember.create(project=project, user=lead, email=lead.email, is_lead=True)
    with count_queries() as three:
        response = await client.get(f"/organize/competitions/{competition_id}/projects/export.csv")
    assert response.content.decode("utf-8-sig").count("\n") == 4
    assert len(one.queries) == len(three.queries)
