"""What any request gets: CSRF protection, security headers, request ids, and no 500 for anything a user sends."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from podium.competitions.models import Competition, Project, Round, TeamMember, Track
from podium.platform.summits.models import Summit
from podium.platform.users.models import User
from tests.factories import PASSWORD, make_summit, make_user
from tests.helpers import csrf_token, sign_in


async def test_form_post_without_csrf_token_is_refused_and_changes_nothing(client: httpx.AsyncClient) -> None:
    response = await client.post("/signup", data={"email": "a@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert "This form has expired or was not sent from Podium." in response.text
    assert await User.all().count() == 0


async def test_csrf_token_from_another_browser_is_refused(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    stolen = await csrf_token(other_client, "/signup")
    response = await client.post("/signup", data={"email": "a@example.com", "password": PASSWORD, "csrf_token": stolen})
    assert response.status_code == 403
    assert await User.all().count() == 0


async def test_csrf_token_is_bound_to_the_session(client: httpx.AsyncClient) -> None:
    await make_user(email="ada@example.com")
    before = await csrf_token(client, "/signin")
    await sign_in(client, "ada@example.com")
    response = await client.post("/account", data={"name": "Changed", "timezone": "UTC", "csrf_token": before})
    assert response.status_code == 403
    assert (await User.get(email="ada@example.com")).name != "Changed"


async def test_cross_origin_post_is_refused_even_with_a_token(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client, "/signup")
    response = await client.post(
        "/signup",
        data={"email": "a@example.com", "password": PASSWORD, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "This form was sent from another site." in response.text
    assert await User.all().count() == 0


async def test_multipart_form_post_carries_its_csrf_token(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client, "/signup")
    response = await client.post(
        "/signup",
        data={"email": "m@example.com", "password": PASSWORD, "csrf_token": token},
        files={"ignored": ("a.txt", b"hello", "text/plain")},
    )
    assert response.status_code == 200
    assert await User.filter(email="m@example.com").exists()


async def test_every_page_sends_security_headers_and_a_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/signin", headers={"X-Request-ID": "abcdef12-3456"})
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-request-id"] == "abcdef12-3456"
    csrf_cookie = next(c for c in headers.get_list("set-cookie") if c.startswith("podium_csrf="))
    assert "HttpOnly" in csrf_cookie
    assert "SameSite=Lax" in csrf_cookie
    assert "<script>" not in response.text
    assert " onclick=" not in response.text
    generated = (await client.get("/", headers={"X-Request-ID": "<script>"})).headers["x-request-id"]
    assert len(generated) == 32


async def test_pages_answer_html_errors_and_the_api_json_errors(client: httpx.AsyncClient) -> None:
    page = await client.get("/summits/does-not-exist")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "This page does not exist, or you do not have access to it." in page.text
    method = await client.delete("/signin")
    assert method.status_code in (403, 405)
    api = await client.put("/api/v1/me", headers={"Authorization": "Bearer pod_x"})
    assert api.status_code == 401
    assert api.headers["content-type"] == "application/json"


async def test_too_large_body_is_refused_before_it_is_read(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client, "/signup")
    response = await client.post(
        "/signup", data={"email": "a@example.com", "password": PASSWORD, "name": "x" * (2 << 20), "csrf_token": token}
    )
    assert response.status_code == 413
    assert await User.all().count() == 0


GARBAGE_BODIES: list[dict[str, object]] = [
    {"content": b"\xff\xfe\x00garbage", "headers": {"content-type": "application/x-www-form-urlencoded"}},
    {"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data; boundary=x"}},
    {"content": b"{not json", "headers": {"content-type": "application/json"}},
    {
        "data": {
            "email": "a\x00@example.com",
            "name": "nul\x00byte",
            "slug": "a\x00",
            "name_en": "\x00",
            "current_password": "\x00",
            "password_again": "\x00",
            "organisation": "\x1b[31m",
        }
    },
    {
        "data": {
            "email": "\x00",
            "password": "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
            "name": "ü" * 300,
            "starts_on": "9999-99-99",
            "ends_on": "",
            "role": "root",
            "timezone": "../../etc",
            "locale": "xx",
            "lang": "zz",
            "page": "-1",
            "next": "javascript:alert(1)",
            "country": "ZZZ",
        }
    },
]


async def test_no_route_answers_500_to_anything_a_user_can_send(app: Starlette, client: httpx.AsyncClient) -> None:
    """Every route, signed in as an organizer, with and without a CSRF token, gets garbage: never a 5xx."""
    await make_summit(slug="ges")
    await make_user(email="root@example.com", is_superuser=True)
    await sign_in(client, "root@example.com")
    token = await csrf_token(client, "/account")
    summit = await Summit.get(slug="ges")
    competition = await Competition.create(summit_id=summit.id, slug="main", name_en="Main")
    track = await Track.create(competition=competition, name_en="AI")
    first = await Round.create(
        competition=competition,
        position=1,
        name_en="Online review",
        status="open",
        submissions_close_at=datetime(2099, 1, 1, tzinfo=UTC),
    )
    root = await User.get(email="root@example.com")
    project = await Project.create(competition=competition, lead=root, title="Fuzzed")
    member = await TeamMember.create(project=project, user=root, email=root.email, is_lead=True)
    params = {
        "slug": "ges",
        "token": "x.y.z",
        "session_id": "999",
        "token_id": "999",
        "role_id": "999",
        "id": str(competition.id),
        "item_id": str(track.id),
        "round_id": str(first.id),
        "competition": "main",
        "project_id": str(project.id),
        "member_id": str(member.id),
    }
    checked = 0
    for route in app.routes:
        if (
            not isinstance(route, Route)
            or route.path in {"/signout", "/account/delete"}
            or route.path.endswith("/delete")
        ):
            continue
        path = route.path
        for name, value in params.items():
            path = path.replace("{" + name + "}", value).replace("{" + name + ":int}", value)
        for method in sorted(route.methods or {"GET"}):
            if method == "HEAD":
                continue
            if method == "GET":
                response = await client.get(
                    path,
                    params={"page": "x", "lang": "\u202e", "per_page": "0"},
                    headers={"Accept-Language": ";;q=abc,zh-XX;q=2", "Cookie": "a=\x7f"},
                )
                assert response.status_code < 500, (method, path, response.status_code)
                checked += 1
                continue
            for body in GARBAGE_BODIES:
                kwargs = dict(body)
                if "data" in kwargs:
                    kwargs["data"] = {**kwargs["data"], "csrf_token": token}  # type: ignore[dict-item]
                response = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
                assert response.status_code < 500, (method, path, body, response.status_code, response.text[:300])
                checked += 1
    assert checked > 40
    for path in ("/summits/a%00b", "/summits/ges?page=%00", "/api/v1/summits/%00"):
        assert (await client.get(path)).status_code == 400
    assert await Summit.filter(slug="ges").exists()


async def test_static_files_leave_the_session_cookie_alone(client: httpx.AsyncClient) -> None:
    await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    response = await client.get("/static/site.css")
    assert response.status_code == 200
    assert not any(c.startswith("podium_session=") for c in response.headers.get_list("set-cookie"))
    assert (await client.get("/account")).status_code == 200


async def test_an_id_too_large_for_the_database_is_not_found(client: httpx.AsyncClient) -> None:
    for url in ("/organize/rounds/99999999999999999999", "/api/v1/projects/99999999999", "/projects/1234567890"):
        response = await client.get(url)
        assert response.status_code == 404, url
