"""Every organizer page is reachable from the organizer area, and each link opens for the summit's organizer."""

from __future__ import annotations

import re

import httpx

from tests.factories import grant, make_competition, make_round, make_summit, make_user
from tests.helpers import sign_in


async def test_the_organizer_area_links_every_tool_of_a_summit_and_its_competition(
    client: httpx.AsyncClient,
) -> None:
    summit = await make_summit(slug="ges")
    competition = await make_competition(summit=summit)
    found = await make_round(competition=competition, position=1)
    await grant(summit, await make_user(email="org@ges.example"))
    await sign_in(client, "org@ges.example")
    hub = await client.get("/organize")
    setup = await client.get(f"/organize/competitions/{competition.id}")
    links = set(re.findall(r'href="(/(?:organize|staff)/[^"#?]+)"', hub.text + setup.text))
    expected = {
        f"/organize/summits/{summit.slug}/{tool}"
        for tool in ("judges", "programme", "tickets", "orders", "visas", "fx-rates", "impact")
    } | {
        f"/staff/summits/{summit.slug}/checkin",
        f"/organize/competitions/{competition.id}/awards",
        f"/organize/competitions/{competition.id}/financing",
        f"/organize/competitions/{competition.id}/impact",
        f"/organize/rounds/{found.id}/judging",
        f"/organize/rounds/{found.id}/results",
    }
    assert expected <= links
    for link in sorted(expected):
        assert (await client.get(link)).status_code == 200, link
