"""Summits and per-summit roles: who may create, edit and grant what; outsiders get 404."""

from __future__ import annotations

import httpx

from podium.platform.audit import AuditEntry
from podium.platform.summits.models import Role, Summit, SummitRole
from tests.conftest import JobRunner, SmtpSink
from tests.factories import PASSWORD, grant, make_summit, make_user
from tests.helpers import count_queries, links_in, post_form, sign_in

SUMMIT_FORM = {
    "slug": "ges-2027",
    "name_en": "2027 Global Entrepreneur Summit",
    "name_zh": "2027全球创业者峰会",
    "description_en": "Founders meet investors.",
    "description_zh": "创业者与投资人相聚。",
    "venue_en": "Beijing",
    "venue_zh": "北京",
    "starts_on": "2027-09-17",
    "ends_on": "2027-09-19",
    "timezone": "Asia/Shanghai",
    "currency": "cny",
}


async def test_superuser_creates_a_summit(client: httpx.AsyncClient) -> None:
    await make_user(email="root@example.com", is_superuser=True)
    await sign_in(client, "root@example.com")
    response = await post_form(client, "/organize/summits/new", SUMMIT_FORM, page="/organize/summits/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/organize/summits/ges-2027?notice=summit-saved"
    summit = await Summit.get(slug="ges-2027")
    assert (summit.name_zh, summit.currency, str(summit.starts_on)) == ("2027全球创业者峰会", "CNY", "2027-09-17")
    assert await AuditEntry.filter(action="summit.created", object_id=str(summit.id)).count() == 1
    page = await client.get("/summits/ges-2027")
    assert "2027 Global Entrepreneur Summit" in page.text


async def test_summit_form_errors_keep_values_and_name_fields(client: httpx.AsyncClient) -> None:
    await make_user(email="root@example.com", is_superuser=True)
    await make_summit(slug="taken")
    await sign_in(client, "root@example.com")
    bad = {**SUMMIT_FORM, "slug": "Not A Slug!", "ends_on": "2027-09-01", "currency": "XX", "starts_on": "soon"}
    response = await post_form(client, "/organize/summits/new", bad, page="/organize/summits/new")
    assert response.status_code == 422
    assert "Use lower-case letters, digits and dashes, like hicool-2026." in response.text
    assert "Enter the first day, like 2026-09-20." in response.text
    assert "Enter a three-letter currency code, like CNY or USD." in response.text
    assert 'value="2027 Global Entrepreneur Summit"' in response.text
    assert 'value="Not A Slug!"' in response.text

    response = await post_form(
        client, "/organize/summits/new", {**SUMMIT_FORM, "slug": "taken"}, page="/organize/summits/new"
    )
    assert response.status_code == 422
    assert "Another summit already uses this address. Choose another." in response.text
    assert await Summit.all().count() == 1


async def test_summit_with_end_before_start_is_refused(client: httpx.AsyncClient) -> None:
    await make_user(email="root@example.com", is_superuser=True)
    await sign_in(client, "root@example.com")
    response = await post_form(
        client, "/organize/summits/new", {**SUMMIT_FORM, "ends_on": "2027-09-01"}, page="/organize/summits/new"
    )
    assert response.status_code == 422
    assert "The last day cannot be before the first day." in response.text


async def test_only_superusers_can_create_summits(client: httpx.AsyncClient) -> None:
    organizer = await make_user(email="org@example.com")
    await grant(await make_summit(), organizer)
    await sign_in(client, "org@example.com")
    assert (await client.get("/organize/summits/new")).status_code == 404
    response = await post_form(client, "/organize/summits/new", SUMMIT_FORM, page="/organize")
    assert response.status_code == 404
    assert not await Summit.filter(slug="ges-2027").exists()


async def test_organizer_edits_own_summit_but_not_another(client: httpx.AsyncClient) -> None:
    mine, theirs = await make_summit(slug="mine"), await make_summit(slug="theirs", name_en="Theirs")
    await grant(mine, await make_user(email="org@example.com"))
    await sign_in(client, "org@example.com")
    response = await post_form(
        client, "/organize/summits/mine", {**SUMMIT_FORM, "slug": "mine"}, page="/organize/summits/mine"
    )
    assert response.status_code == 303
    assert (await Summit.get(id=mine.id)).name_en == "2027 Global Entrepreneur Summit"

    assert (await client.get("/organize/summits/theirs")).status_code == 404
    response = await post_form(client, "/organize/summits/theirs", {**SUMMIT_FORM, "slug": "theirs"}, page="/organize")
    assert response.status_code == 404
    assert (await client.get("/organize/summits/theirs/roles")).status_code == 404
    assert (await Summit.get(id=theirs.id)).name_en == "Theirs"


async def test_judges_staff_and_strangers_cannot_open_the_organizer_area(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(slug="ges")
    await grant(summit, await make_user(email="judge@example.com"), Role.JUDGE)
    await grant(summit, await make_user(email="staff@example.com"), Role.STAFF)
    await make_user(email="nobody@example.com")
    for email in ("judge@example.com", "staff@example.com", "nobody@example.com"):
        async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as browser:
            await sign_in(browser, email)
            for path in ("/organize", "/organize/summits/ges", "/organize/summits/ges/roles"):
                assert (await browser.get(path)).status_code == 404, (email, path)
            page = await browser.get("/")
            assert 'href="/organize"' not in page.text
    anonymous = await other_client.get("/organize/summits/ges")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/signin?next=%2Forganize%2Fsummits%2Fges"


async def test_grant_role_to_a_verified_account_takes_effect_at_once(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    summit = await make_summit(slug="ges", name_en="GES 2026")
    await grant(summit, await make_user(email="org@example.com"))
    await make_user(email="judge@example.com")
    await sign_in(client, "org@example.com")
    response = await post_form(
        client,
        "/organize/summits/ges/roles",
        {"email": "Judge@Example.com", "role": "judge"},
        page="/organize/summits/ges/roles",
    )
    assert response.status_code == 303
    role = await SummitRole.get(email="judge@example.com")
    assert role.role == Role.JUDGE
    assert role.user_id is not None
    await run_jobs.run()
    assert [m["Subject"] for m in mailbox.messages] == ["You are now judge at GES 2026"]

    again = await post_form(
        client,
        "/organize/summits/ges/roles",
        {"email": "judge@example.com", "role": "judge"},
        page="/organize/summits/ges/roles",
    )
    assert again.status_code == 422
    assert "This person already has this role." in again.text

    bad = await post_form(
        client,
        "/organize/summits/ges/roles",
        {"email": "x@example.com", "role": "king"},
        page="/organize/summits/ges/roles",
    )
    assert bad.status_code == 422
    assert "Choose a role from the list." in bad.text
    assert 'value="x@example.com"' in bad.text


async def test_role_granted_by_email_attaches_only_once_that_address_is_verified(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    summit = await make_summit(slug="ges")
    await grant(summit, await make_user(email="org@example.com"))
    await sign_in(client, "org@example.com")
    await post_form(
        client,
        "/organize/summits/ges/roles",
        {"email": "new.org@example.com", "role": "organizer"},
        page="/organize/summits/ges/roles",
    )
    role = await SummitRole.get(email="new.org@example.com")
    assert role.user_id is None

    await post_form(other_client, "/signup", {"email": "new.org@example.com", "password": PASSWORD}, page="/signup")
    await sign_in(other_client, "new.org@example.com")
    assert (await other_client.get("/organize/summits/ges")).status_code == 404  # not verified yet

    await run_jobs.run()
    verify = next(u for m in mailbox.messages for u in links_in(m) if "/verify/" in u)
    await other_client.get(verify.removeprefix("http://podium.test"))
    await role.refresh_from_db()
    assert role.user_id is not None
    assert (await other_client.get("/organize/summits/ges")).status_code == 200


async def test_organizer_cannot_remove_own_organizer_role_but_can_remove_others(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    mine = await grant(summit, await make_user(email="org@example.com"))
    judge = await grant(summit, await make_user(email="judge@example.com"), Role.JUDGE)
    other = await grant(await make_summit(slug="other"), await make_user(email="x@example.com"), Role.JUDGE)
    await sign_in(client, "org@example.com")
    refused = await post_form(
        client, f"/organize/summits/ges/roles/{mine.id}/revoke", page="/organize/summits/ges/roles"
    )
    assert refused.status_code == 422
    assert "You cannot remove your own organizer role. Ask another organizer." in refused.text
    assert await SummitRole.filter(id=mine.id).exists()

    foreign = await post_form(
        client, f"/organize/summits/ges/roles/{other.id}/revoke", page="/organize/summits/ges/roles"
    )
    assert foreign.status_code == 404
    assert await SummitRole.filter(id=other.id).exists()

    response = await post_form(
        client, f"/organize/summits/ges/roles/{judge.id}/revoke", page="/organize/summits/ges/roles"
    )
    assert response.status_code == 303
    assert not await SummitRole.filter(id=judge.id).exists()


async def test_home_page_costs_the_same_queries_for_one_or_three_summits(client: httpx.AsyncClient) -> None:
    user = await make_user(email="org@example.com")
    await grant(await make_summit(), user)
    await sign_in(client, "org@example.com")
    await client.get("/")
    with count_queries() as one:
        assert (await client.get("/")).status_code == 200
    await make_summit()
    await make_summit()
    with count_queries() as three:
        page = await client.get("/")
    assert page.text.count('class="card"') == 3
    assert len(one.queries) == len(three.queries)


async def test_roles_page_costs_the_same_queries_for_one_or_three_people(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    await grant(summit, await make_user(email="org@example.com"))
    await sign_in(client, "org@example.com")
    with count_queries() as one:
        await client.get("/organize/summits/ges/roles")
    await grant(summit, await make_user(), Role.JUDGE)
    await grant(summit, await make_user(), Role.STAFF)
    with count_queries() as three:
        page = await client.get("/organize/summits/ges/roles")
    assert page.text.count("/revoke") == 3
    assert len(one.queries) == len(three.queries)


async def test_home_page_is_paginated(client: httpx.AsyncClient) -> None:
    for _ in range(21):
        await make_summit()
    first = await client.get("/")
    assert first.text.count('class="card"') == 20
    assert "Page 1 of 2" in first.text
    second = await client.get("/?page=2")
    assert second.text.count('class="card"') == 1
    assert (await client.get("/?page=999")).status_code == 200
    assert (await client.get("/?page=abc")).status_code == 200
