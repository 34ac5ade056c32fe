"""The JSON API: bearer tokens, the error shape, /me, public summits."""

from __future__ import annotations

import httpx

from podium.platform import auth
from podium.platform.summits.models import Role
from tests.factories import grant, make_summit, make_user
from tests.helpers import count_queries, sign_in


async def test_me_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"errors": {"__all__": ["Sign in to continue."]}}


async def test_me_with_a_malformed_or_unknown_token_is_401(client: httpx.AsyncClient) -> None:
    for value in ("Bearer nonsense", "Bearer pod_unknown", "Bearer " + "x" * 5000):
        response = await client.get("/api/v1/me", headers={"Authorization": value})
        assert response.status_code == 401
        assert response.json() == {"errors": {"authorization": ["Invalid or revoked token."]}}


async def test_me_answers_the_tokens_owner_and_roles(client: httpx.AsyncClient) -> None:
    user = await make_user(email="ada@example.com", name="Ada", timezone="Europe/London")
    summit = await make_summit()
    await grant(summit, user, Role.JUDGE)
    _token, secret = await auth.mint_api_token(user=user, name="t")
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert body["timezone"] == "Europe/London"
    assert body["roles"] == [{"summit_id": summit.id, "role": "judge"}]
    assert "password_hash" not in body


async def test_bearer_requests_skip_csrf_but_session_requests_to_the_api_do_not(client: httpx.AsyncClient) -> None:
    await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    response = await client.post("/api/v1/summits")
    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["__all__"]


async def test_summits_are_public_and_paginated(client: httpx.AsyncClient) -> None:
    for n in range(3):
        await make_summit(slug=f"s{n}", name_en=f"Summit {n}", name_zh=f"峰会{n}")
    response = await client.get("/api/v1/summits?per_page=2")
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (3, 1, 2, 2)
    assert set(body["items"][0]) == {"id", "slug", "name", "venue", "starts_on", "ends_on", "timezone", "currency"}
    assert body["items"][0]["name"]["zh"].startswith("峰会")
    second = (await client.get("/api/v1/summits?per_page=2&page=2")).json()
    seen = [s["slug"] for s in body["items"]] + [s["slug"] for s in second["items"]]
    assert sorted(seen) == ["s0", "s1", "s2"]


async def test_bad_paging_parameters_name_the_field(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/summits?per_page=1000")
    assert response.status_code == 422
    assert response.json() == {"errors": {"per_page": ["Use a whole number from 1 to 100."]}}
    response = await client.get("/api/v1/summits?page=-1")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["page"]


async def test_unknown_summit_and_unknown_api_path_are_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/summits/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert list(response.json()["errors"]) == ["__all__"]
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"


async def test_summit_list_costs_the_same_queries_for_one_or_three(client: httpx.AsyncClient) -> None:
    await make_summit()
    with count_queries() as one:
        await client.get("/api/v1/summits")
    await make_summit()
    await make_summit()
    with count_queries() as three:
        body = (await client.get("/api/v1/summits")).json()
    assert body["total"] == 3
    assert len(one.queries) == len(three.queries)
