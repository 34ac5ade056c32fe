"""The impact pages and API: who sees what (organizers everything; the public published data only), charts
with their tables in both languages, exports, the editions of a series, a team's listing, and a constant
number of queries whatever the size of the field."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import httpx
from openpyxl import load_workbook

from podium.competitions.models import Project, Round, RoundStatus, TeamMember, Track
from podium.judging.impact import services
from podium.judging.impact.models import ImpactOptIn
from podium.judging.models import Advancement
from podium.platform.audit import AuditEntry
from podium.platform.summits.models import Summit
from podium.platform.users.models import User
from tests.factories import grant, make_competition, make_summit, make_user
from tests.helpers import count_queries, csrf_token, post_form, sign_in
from tests.impact.scenes import add_round, bearer, judge_of, make_project, small_field


def dashboard_url(competition_id: int) -> str:
    return f"/organize/competitions/{competition_id}/impact"


# ---- the organizer's dashboard ----------------------------------------------------------------


async def test_the_dashboard_shows_each_chart_beside_its_table(client: httpx.AsyncClient) -> None:
    field = await small_field()
    await sign_in(client, field.organizer.email)
    page = await client.get(dashboard_url(field.competition.id))
    assert page.status_code == 200
    html = page.text
    for key in ("funnel", "money-tracks", "money-divisions", "money-tiers", "judges"):
        assert f'<table id="{key}">' in html
        assert f'href="{dashboard_url(field.competition.id)}/{key}.csv"' in html
        assert f'href="{dashboard_url(field.competition.id)}/{key}.xlsx"' in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') >= 5
    assert '<title id="chart-funnel-title">Funnel: projects at each stage</title>' in html
    assert "style=" not in html  # the CSP allows no style attributes
    assert "5 projects" not in html  # the headline counts those over the threshold: one
    assert "1 project" in html
    assert "CN¥57,100,000<" in html  # AI's total (p1 and p2), in whole yuan
    assert 'lang="en"' in html


async def test_the_dashboard_reads_in_chinese(client: httpx.AsyncClient) -> None:
    field = await small_field()
    await sign_in(client, field.organizer.email)
    page = await client.get(dashboard_url(field.competition.id), headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    assert '<html lang="zh-Hans">' in page.text
    assert "人工智能" in page.text  # the track, in the viewer's language
    assert "总决赛" in page.text  # the round, as a stage of the funnel
    assert '<table id="funnel">' in page.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in page.text
    assert "¥5710万" in page.text  # a compact amount on the chart


async def test_outsiders_are_told_the_dashboard_does_not_exist(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    field = await small_field()
    url = dashboard_url(field.competition.id)
    anonymous = await client.get(url)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/signin?next=")
    assert (await client.get(f"/api/v1/competitions/{field.competition.id}/impact")).status_code == 401
    judge = await judge_of(field.summit)
    other_summit = await make_summit(slug="elsewhere")
    stranger_organizer = await make_user(email="org@elsewhere.example")
    await grant(other_summit, stranger_organizer)
    for user in (judge, stranger_organizer, await User.get(email="lead@ges-2026.example")):
        await sign_in(other_client, user.email)
        for path in (url, f"{url}/funnel.csv", f"/organize/summits/{field.summit.slug}/impact"):
            assert (await other_client.get(path)).status_code == 404, (user.email, path)
        api = await other_client.get(f"/api/v1/competitions/{field.competition.id}/impact", headers=await bearer(user))
        assert api.status_code == 404
        await other_client.post("/signout", data={"csrf_token": await csrf_token(other_client, "/")})


async def test_the_organizer_api_holds_every_figure(client: httpx.AsyncClient) -> None:
    field = await small_field()
    response = await client.get(
        f"/api/v1/competitions/{field.competition.id}/impact",
        params={"threshold": "7,000,000"},
        headers=await bearer(field.organizer),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["figures"], body["window"], body["currency"]) == ("verified", "all", "CNY")
    assert body["threshold_minor"] == 700_000_000
    assert body["final_on"] == "2026-09-19"
    assert [s["count"] for s in body["funnel"]] == [5, 3, 3, 2, 1, 4, 1]
    assert body["funnel"][0]["name"] == {"en": "Applied", "zh": "报名"}  # both languages, whoever asks
    assert body["funnel"][2]["name"] == {"en": "Online review", "zh": "网络评审"}
    assert body["money"]["total_minor"] == 6_090_000_000
    assert body["money"]["at_least_threshold"] == 2  # p1 and p2
    assert body["money_by_award_tier"][0]["name"] == {"en": "Gold", "zh": "金奖"}
    assert body["rounds_without_figures"] == 1
    assert body["correlation"]["round_id"] == field.rounds[1].id
    assert body["correlation"]["overall"]["n"] == 2
    assert body["correlation"]["overall"]["too_few"] is True
    assert body["judges"] == []


# ---- the public page --------------------------------------------------------------------------


async def test_the_public_page_counts_published_rounds_and_results_only(client: httpx.AsyncClient) -> None:
    # The final is not published yet: its ranking and the awards must not show.
    field = await small_field(final_status=RoundStatus.CLOSED)
    await ImpactOptIn.create(project_id=field.projects["p1"].id, listed=True)
    review, final = field.rounds
    response = await client.get(f"/api/v1/summits/{field.summit.slug}/impact")
    assert response.status_code == 200
    figures = response.json()["competitions"][0]
    assert [s["key"] for s in figures["funnel"]] == [
        "applied",
        "eligible",
        f"round-{review.id}",
        "financed",
        "incorporated",
    ]
    assert figures["figures"] == "published"
    # p1 5,000,000,000 + p2 710,000,000 + p3's EUR round 80,000,000; not p3's confidential round, not p4's
    # report awaiting verification.
    assert figures["money"]["total_minor"] == 5_790_000_000
    assert figures["money"]["financed"] == 3  # p1, p2 and p5 (p3's only round after the final is confidential)
    assert figures["money_by_award_tier"] == []
    assert figures["projects"] == [
        {
            "id": field.projects["p1"].id,
            "title": "Alpha",
            "track_id": field.tracks[0].id,
            "award_tier_id": None,
            "raised_minor": 5_000_000_000,
        }
    ]
    text = response.text
    assert f"round-{final.id}" not in text
    assert "Gold" not in text
    assert "correlation" not in text
    assert "judges" not in text
    page = await client.get(f"/summits/{field.summit.slug}/impact")
    assert page.status_code == 200
    assert "Alpha" in page.text  # listed by its team
    assert "Beta" not in page.text  # not listed
    assert "Final" not in page.text
    assert "Gold" not in page.text
    assert "CN¥57,900,000.00" in page.text

    await Round.filter(id=final.id).update(status=RoundStatus.PUBLISHED)
    figures = (await client.get(f"/api/v1/summits/{field.summit.slug}/impact")).json()["competitions"][0]
    assert [s["key"] for s in figures["funnel"]][3:5] == [f"round-{final.id}", "awarded"]
    assert figures["projects"][0]["award_tier_id"] == field.tier.id


async def test_public_exports_guard_against_spreadsheet_formulas(client: httpx.AsyncClient) -> None:
    field = await small_field()
    await Track.filter(id=field.tracks[0].id).update(name_en="=HYPERLINK(1)")
    await ImpactOptIn.create(project_id=field.projects["p1"].id, listed=True)
    prefix = f"/summits/{field.summit.slug}/impact/c{field.competition.id}"
    response = await client.get(f"{prefix}-money-tracks.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Track", "Projects", "Raised anything", "Total raised (CNY)"]
    assert rows[1][:4] == ["'=HYPERLINK(1)", "3", "2", "57100000.00"]
    book = load_workbook(io.BytesIO((await client.get(f"{prefix}-projects.xlsx")).content))
    sheet = book.active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1] == ["Alpha", "'=HYPERLINK(1)", "Gold", 50000000]
    assert (await client.get(f"{prefix}-nothing.csv")).status_code == 404
    assert (await client.get(f"{prefix}-funnel.pdf")).status_code == 404


async def test_the_organizer_exports_what_the_page_shows(client: httpx.AsyncClient) -> None:
    field = await small_field()
    await sign_in(client, field.organizer.email)
    response = await client.get(
        f"{dashboard_url(field.competition.id)}/money-tiers.csv", params={"figures": "reported"}
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="gec-money-tiers.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:4] == ["Gold", "1", "1", "50000000.00"]
    assert rows[2][:4] == ["No award", "4", "3", "11900000.00"]  # p4's report counts too
    assert rows[-1][0] == "All projects"


# ---- a team's listing -------------------------------------------------------------------------


async def test_a_team_lists_its_project_and_takes_it_off_again(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    field = await small_field()
    project = field.projects["p1"]
    await sign_in(client, "lead@ges-2026.example")
    # The scene's projects have no team yet: the lead joins this one.
    lead = await User.get(email="lead@ges-2026.example")
    await TeamMember.create(project_id=project.id, user_id=lead.id, email=lead.email, is_lead=True)
    url = f"/projects/{project.id}/impact"
    assert (await client.post(url, data={"listed": "1"})).status_code == 403  # no CSRF token
    page = await client.get(url)
    assert page.status_code == 200
    assert "Listed: no" in page.text
    assert "CN¥50,000,000.00" in page.text  # what the public page would show
    done = await post_form(client, url, {"listed": "1"}, page=url)
    assert done.status_code == 303
    assert await ImpactOptIn.filter(project_id=project.id, listed=True).exists()
    assert "Alpha" in (await client.get(f"/summits/{field.summit.slug}/impact")).text
    # The organizers see the choice but cannot make it for the team; strangers see nothing.
    await sign_in(other_client, field.organizer.email)
    assert (await other_client.get(url)).status_code == 200
    assert (await post_form(other_client, url, {"listed": "0"}, page=url)).status_code == 403
    stranger = await make_user(email="nosy@example.com")
    await other_client.post("/signout", data={"csrf_token": await csrf_token(other_client, "/")})
    await sign_in(other_client, stranger.email)
    assert (await other_client.get(url)).status_code == 404
    off = await post_form(client, url, {"listed": "0"}, page=url)
    assert off.headers["location"] == f"{url}?notice=unlisted"
    assert not await ImpactOptIn.filter(project_id=project.id, listed=True).exists()
    assert "Alpha" not in (await client.get(f"/summits/{field.summit.slug}/impact")).text
    assert await AuditEntry.filter(action__in=["impact.listed", "impact.unlisted"]).count() == 2


# ---- editions ---------------------------------------------------------------------------------


async def test_editions_of_a_series_are_compared_side_by_side(client: httpx.AsyncClient) -> None:
    field = await small_field()
    later = await make_summit(slug="ges-2027", currency="CNY", starts_on=date(2027, 9, 18), ends_on=date(2027, 9, 20))
    await grant(later, field.organizer)
    next_edition = await make_competition(summit=later, slug="gec-2027", name_en="GEC 2027")
    lead = await User.get(email="lead@ges-2026.example")
    await make_project(next_edition, lead, title="Newcomer")
    hidden = await make_summit(slug="ges-2025", series="ges")  # not organized by this organizer
    await make_competition(summit=hidden, name_en="GEC 2025")
    await sign_in(client, field.organizer.email)
    url = f"/organize/summits/{field.summit.slug}/impact"
    refused = await post_form(client, url, {"series": "GES 2026!"}, page=url)
    assert refused.status_code == 422
    for summit in (field.summit, later):
        page = f"/organize/summits/{summit.slug}/impact"
        assert (await post_form(client, page, {"series": "ges"}, page=page)).status_code == 303
    assert await Summit.filter(series="ges").count() == 3
    response = await client.get(url)
    assert response.status_code == 200
    assert "GEC 2026" in response.text
    assert "GEC 2027" in response.text
    assert "GEC 2025" not in response.text
    rows = list(csv.reader(io.StringIO((await client.get(f"{url}/editions.csv")).content.decode("utf-8-sig"))))
    assert [(row[0].split(" · ")[1], row[1]) for row in rows[1:]] == [("GEC 2026", "5"), ("GEC 2027", "1")]
    assert rows[1][6] == "60900000.00"


# ---- cost ---------------------------------------------------------------------------------------


async def test_the_dashboard_costs_the_same_queries_whatever_the_size_of_the_field(client: httpx.AsyncClient) -> None:
    field = await small_field()
    await sign_in(client, field.organizer.email)
    url = dashboard_url(field.competition.id)
    await client.get(url)
    services.forget_figures()
    with count_queries() as small:
        assert (await client.get(url)).status_code == 200
    with count_queries() as kept:  # nothing changed: the figures kept from the last page are served
        assert (await client.get(url)).status_code == 200
    assert len(kept.queries) < len(small.queries)
    lead = await User.get(email="lead@ges-2026.example")
    for n in range(30):
        project = await make_project(field.competition, lead, title=f"More {n}", track=field.tracks[n % 2])
        await add_round(field.summit, project, (n + 1) * 1_000_000, "EUR", date(2026, 10, 1))
        await Advancement.create(
            round_id=field.rounds[0].id, project_id=project.id, rank=10 + n, score=Decimal(1), advances=False
        )
    services.forget_figures()
    with count_queries() as large:
        page = await client.get(url)
    assert page.status_code == 200
    assert len(large.queries) == len(small.queries)
    assert '<td class="num">35</td>' in page.text  # 5 + 30 projects applied
    with count_queries() as kept_again:
        assert (await client.get(url)).status_code == 200
    assert len(kept_again.queries) == len(kept.queries)
    services.forget_figures()
    with count_queries() as public_queries:
        await client.get(f"/summits/{field.summit.slug}/impact")
    assert len(public_queries.queries) < len(small.queries)


async def test_figures_kept_in_memory_follow_every_change(client: httpx.AsyncClient) -> None:
    field = await small_field()
    await sign_in(client, field.organizer.email)
    url = f"/api/v1/competitions/{field.competition.id}/impact"
    token = await bearer(field.organizer)
    first = (await client.get(url, headers=token)).json()
    assert first["money"]["total_minor"] == 6_090_000_000
    # A bulk move to another track touches no timestamp; the digest still sees it.
    await Project.filter(id=field.projects["p2"].id).update(track_id=field.tracks[1].id)
    moved = (await client.get(url, headers=token)).json()
    assert [row["total_minor"] for row in moved["money_by_track"]] == [5_000_000_000, 1_090_000_000]
    await add_round(field.summit, field.projects["p2"], 1_000_000, "CNY", date(2026, 12, 1))
    assert (await client.get(url, headers=token)).json()["money"]["total_minor"] == 6_091_000_000
    await Round.filter(id=field.rounds[1].id).update(name_en="Grand final")
    assert (await client.get(url, headers=token)).json()["funnel"][3]["name"]["en"] == "Grand final"
