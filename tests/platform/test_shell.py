"""The app shell: health, languages, headers, errors, OpenAPI."""

from __future__ import annotations

import httpx
from openapi_spec_validator import validate

from tests.factories import make_summit


async def test_healthz_reports_database_and_queue(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}


async def test_home_is_english_by_default_and_lists_summits(client: httpx.AsyncClient) -> None:
    await make_summit(name_en="Global Entrepreneur Summit", name_zh="全球创业者峰会", slug="ges")
    response = await client.get("/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Summits and competitions" in response.text
    assert "Global Entrepreneur Summit" in response.text


async def test_home_is_chinese_with_accept_language_zh_cn(client: httpx.AsyncClient) -> None:
    await make_summit(name_en="Global Entrepreneur Summit", name_zh="全球创业者峰会", slug="ges")
    response = await client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert '<html lang="zh-Hans">' in response.text
    assert "全球创业者峰会" in response.text
    assert "Summits and competitions" not in response.text


async def test_openapi_is_valid_openapi_3(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    assert set(spec["paths"]) == {
        "/api/v1/me",
        "/api/v1/judging/assignments",
        "/api/v1/scorecards/{id}",
        "/api/v1/rounds/{id}/assignments",
        "/api/v1/rounds/{id}/results",
        "/api/v1/summits",
        "/api/v1/summits/{slug}",
        "/api/v1/summits/{slug}/competitions",
        "/api/v1/summits/{slug}/ticket-types",
        "/api/v1/summits/{slug}/orders",
        "/api/v1/orders/{id}",
        "/api/v1/summits/{slug}/sessions",
        "/api/v1/competitions/{id}",
        "/api/v1/competitions/{id}/tracks",
        "/api/v1/competitions/{id}/tracks/{item_id}",
        "/api/v1/competitions/{id}/divisions",
        "/api/v1/competitions/{id}/divisions/{item_id}",
        "/api/v1/competitions/{id}/rounds",
        "/api/v1/competitions/{id}/projects",
        "/api/v1/rounds/{id}",
        "/api/v1/projects",
        "/api/v1/projects/{id}",
        "/api/v1/projects/{id}/funding-rounds",
        "/api/v1/projects/{id}/funding-rounds/{round_id}",
        "/api/v1/summits/{slug}/fx-rates",
        "/api/v1/competitions/{id}/impact",
        "/api/v1/summits/{slug}/impact",
    }
    assert set(spec["paths"]["/api/v1/projects/{id}"]) == {"get", "patch"}
    assert set(spec["paths"]["/api/v1/summits/{slug}/ticket-types"]) == {"get", "post"}
