"""Nothing a user can send to a ticket page or the ticketing API answers 5xx: every route, with real ids, gets
the same garbage the platform's fuzz test sends, signed in as an administrator and as nobody."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from podium.platform.registration.api import routes as api_routes
from podium.platform.registration.endpoints import routes as page_routes
from podium.platform.registration.models import Ticket, Voucher, VoucherKind, WaitlistEntry
from podium.platform.registration.services import waitlist
from podium.settings import Settings
from podium.tooling.fakestripe import FakeStripe
from tests.factories import make_summit, make_user
from tests.helpers import csrf_token, sign_in
from tests.platform.test_requests import GARBAGE_BODIES
from tests.registration.conftest import make_ticket_type, order_body, post_order

EXTRA_BODIES: list[dict[str, object]] = [
    {"json": {"ticket_type": 10**30, "quantity": 10**30, "attendees": [{"name": "\x00", "email": "a\x00@b.c"}] * 3}},
    {"json": {"ticket_type": [], "quantity": {}, "attendees": [[]], "voucher": ["x"], "email": 7}},
    {"json": {"name": "x" * 5000, "price": "1e400", "capacity": 1.5, "currency": "ZZZ", "sales_start": "tomorrow"}},
    {"data": {"quantity": "-3", "attendees.0.name": "A", "attendees.0.email": "a@b.c", "voucher": "\u202e" * 50}},
    {
        "data": {
            "price": "NaN",
            "capacity": "99999999999999999999",
            "kind": "bogus",
            "value": "-1",
            "ticket_type": "9" * 30,
        }
    },
    {"data": {"kind": "fixed", "value": "1e9999", "ticket_type": "1", "code": "ok-code", "max_uses": "-1"}},
]


async def test_no_ticketing_route_answers_5xx(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient, fake: FakeStripe, settings: Settings
) -> None:
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit, capacity=1)
    paid = await make_ticket_type(summit, price=500)
    voucher = await Voucher.create(summit=summit, code="V", kind=VoucherKind.FREE)
    placed = (await post_order(other_client, summit, order_body(expo))).json()
    ticket = await Ticket.get(order_id=placed["id"])
    entry = await WaitlistEntry.create(
        summit=summit, ticket_type=expo, email="w@example.com", joined_at=ticket.created_at
    )
    offers = await waitlist.offer_freed(ticket_type_id=expo.id, seats=1, now=ticket.created_at, settings=settings)
    assert offers[0].entry_id == entry.id
    params = {
        "slug": "ges",
        "type_id": str(paid.id),
        "id": str(placed["id"]),
        "code": ticket.code,
        "token": offers[0].token,
    }
    await make_user(email="root@example.com", is_superuser=True)
    await sign_in(client, "root@example.com")
    token = await csrf_token(client, "/account")
    checked = 0
    for browser, csrf in ((client, token), (other_client, "")):
        for route in [*page_routes, *api_routes]:
            assert isinstance(route, Route)
            path = route.path
            for name, value in params.items():
                path = path.replace("{" + name + "}", value).replace("{" + name + ":int}", value)
            if "/organize/vouchers/" in path:
                path = path.replace(str(placed["id"]), str(voucher.id))
            if "/organize/ticket-types/" in path:
                path = path.replace(str(placed["id"]), str(paid.id))
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                if method == "GET":
                    response = await browser.get(path, params={"quantity": "x", "voucher": "\x7f", "secret": "a" * 500})
                    assert response.status_code < 500, (method, path, response.status_code)
                    checked += 1
                    continue
                if path.endswith("/cancel"):
                    continue
                for body in [*GARBAGE_BODIES, *EXTRA_BODIES]:
                    kwargs = dict(body)
                    if "data" in kwargs:
                        kwargs["data"] = {**kwargs["data"], "csrf_token": csrf}  # type: ignore[dict-item]
                    response = await browser.request(method, path, **kwargs)  # type: ignore[arg-type]
                    assert response.status_code < 500, (method, path, body, response.status_code, response.text[:300])
                    checked += 1
    assert checked > 150
