"""Check-in at the door: two devices admitting one ticket at once, tickets that are not valid, who may work the
door, search by name, e-mail or code, the live counts, the plain-form page without JavaScript, and undo."""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
from typing import Any

import httpx
from starlette.applications import Starlette

from podium.platform.audit import AuditEntry
from podium.platform.i18n import utcnow
from podium.platform.registration.models import Order, OrderStatus, Ticket, TicketStatus, TicketType
from podium.platform.summits.models import Role, Summit
from podium.platform.users.models import User
from tests.conftest import BASE_URL
from tests.factories import grant, make_summit, make_user
from tests.helpers import count_queries, csrf_token, sign_in
from tests.registration.conftest import make_ticket_type

_seq = itertools.count(1)
JSON = {"Accept": "application/json"}
_NAME = re.compile(r'<div class="checkin-who">\s*<strong>([^<]*)</strong>')


async def make_ticket(
    ticket_type: TicketType,
    *,
    name: str | None = None,
    email: str | None = None,
    status: TicketStatus = TicketStatus.ISSUED,
    order_status: OrderStatus = OrderStatus.PAID,
    **fields: Any,
) -> Ticket:
    n = next(_seq)
    order = await Order.create(
        summit_id=ticket_type.summit_id,
        ticket_type=ticket_type,
        email=email or f"buyer{n}@example.com",
        quantity=1,
        unit_price=ticket_type.price,
        total=ticket_type.price,
        currency=ticket_type.currency,
        status=order_status,
        secret_hash=secrets.token_hex(32),
        checkout_key=f"test-{n}",
    )
    return await Ticket.create(
        order=order,
        summit_id=ticket_type.summit_id,
        ticket_type=ticket_type,
        code=fields.pop("code", secrets.token_urlsafe(18)),
        name=name or f"Guest {n}",
        email=email or f"guest{n}@example.com",
        status=status,
        issued_at=utcnow() if status == TicketStatus.ISSUED else None,
        **fields,
    )


async def door_person(client: httpx.AsyncClient, summit: Summit, role: Role = Role.STAFF, **fields: Any) -> User:
    user = await make_user(**fields)
    await grant(summit, user, role)
    await sign_in(client, user.email)
    return user


async def scan(client: httpx.AsyncClient, summit: Summit, code: str, token: str) -> httpx.Response:
    return await client.post(f"/staff/summits/{summit.slug}/checkin/{code}", headers={**JSON, "X-CSRF-Token": token})


async def test_two_devices_scanning_one_ticket_at_once_admit_it_exactly_once(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit, name_en="Expo pass")
    ticket = await make_ticket(expo, name="Ada Lovelace", organisation="Analytical Engines")
    north = await door_person(client, summit, name="North Door")
    south = await door_person(other_client, summit, name="South Door")
    page = f"/staff/summits/{summit.slug}/checkin"
    tokens = await csrf_token(client, page), await csrf_token(other_client, page)

    for attempt in range(3):  # the same ticket, freshly unchecked, three times over
        if attempt:
            await Ticket.filter(id=ticket.id).update(checked_in_at=None, checked_in_by_id=None)
        first, second = await asyncio.gather(
            scan(client, summit, ticket.code, tokens[0]), scan(other_client, summit, ticket.code, tokens[1])
        )
        assert (first.status_code, second.status_code) == (200, 200)
        results = sorted([first.json(), second.json()], key=lambda r: r["status"])
        admitted, already = results
        assert (admitted["status"], already["status"]) == ("admitted", "already")
        stored = await Ticket.get(id=ticket.id)
        winner = north if stored.checked_in_by_id == north.id else south
        assert admitted["by"] == winner.name
        assert admitted["name"] == "Ada Lovelace"
        assert admitted["ticket_type"] == "Expo pass"
        assert already["by"] == winner.name
        assert already["checked_in_at"] == admitted["checked_in_at"] == stored.checked_in_at.isoformat()
        assert already["message"].startswith("Already checked in at ")
        assert already["message"].endswith(f" by {winner.name}.")
    assert await AuditEntry.filter(action="registration.ticket_checked_in", object_id=str(ticket.id)).count() == 3


async def test_refunded_cancelled_and_unpaid_tickets_are_refused_and_stay_unchecked(client: httpx.AsyncClient) -> None:
    summit = await make_summit()
    other = await make_summit()
    expo = await make_ticket_type(summit)
    refunded = await make_ticket(expo, status=TicketStatus.VOID, order_status=OrderStatus.REFUNDED)
    cancelled = await make_ticket(expo, status=TicketStatus.VOID, order_status=OrderStatus.CANCELLED)
    unpaid = await make_ticket(expo, status=TicketStatus.PENDING, order_status=OrderStatus.PENDING)
    elsewhere = await make_ticket(await make_ticket_type(other))
    await door_person(client, summit)
    token = await csrf_token(client, f"/staff/summits/{summit.slug}/checkin")

    answers = {
        ticket.code: (await scan(client, summit, ticket.code, token)).json()
        for ticket in (refunded, cancelled, unpaid, elsewhere)
    }
    assert {code: (a["status"], a["reason"]) for code, a in answers.items()} == {
        refunded.code: ("invalid", "refunded"),
        cancelled.code: ("invalid", "cancelled"),
        unpaid.code: ("invalid", "pending"),
        elsewhere.code: ("invalid", "other_summit"),
    }
    assert answers[refunded.code]["message"] == "Not valid: this ticket was refunded."
    assert answers[unpaid.code]["message"] == "Not valid: this ticket's payment has not arrived."
    assert answers[elsewhere.code]["name"] == ""  # nothing about another event's attendee
    unknown = (await scan(client, summit, "no-such-ticket-code", token)).json()
    assert (unknown["status"], unknown["reason"], unknown["message"]) == (
        "invalid",
        "unknown",
        "No ticket has this code.",
    )
    assert await Ticket.filter(checked_in_at__isnull=False).count() == 0
    assert await AuditEntry.filter(action="registration.ticket_checked_in").count() == 0


async def test_only_the_summits_organizers_and_door_staff_reach_the_door(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(slug="ges")
    other = await make_summit(slug="other")
    ticket = await make_ticket(await make_ticket_type(summit))
    page = "/staff/summits/ges/checkin"

    anonymous = await client.get(page)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/signin?next=%2Fstaff%2Fsummits%2Fges%2Fcheckin"

    refused = [
        ("entrant@example.com", None, None),
        ("judge@example.com", summit, Role.JUDGE),
        ("other-door@example.com", other, Role.STAFF),
        ("other-organizer@example.com", other, Role.ORGANIZER),
    ]
    for email, where, role in refused:
        user = await make_user(email=email)
        if where is not None and role is not None:
            await grant(where, user, role)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as browser:
            await sign_in(browser, email)
            token = await csrf_token(browser, "/")
            assert (await browser.get(page)).status_code == 404, email
            assert (await browser.get(f"{page}/counts")).status_code == 404, email
            assert (await scan(browser, summit, ticket.code, token)).status_code == 404, email
    assert (await Ticket.get(id=ticket.id)).checked_in_at is None

    await door_person(client, summit, email="door@example.com")
    assert (await client.get(page)).status_code == 200
    await door_person(other_client, summit, Role.ORGANIZER, email="organizer@example.com")
    assert (await other_client.get(page)).status_code == 200


async def test_search_by_name_email_or_code_prefix_in_any_case_one_page_at_a_time(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit, name_en="Expo pass")
    ada = await make_ticket(expo, name="Ada Lovelace", email="ada@engines.example", code="AbCdEfGh12345678")
    await make_ticket(expo, name="Grace Hopper", email="grace@navy.example")
    await make_ticket(await make_ticket_type(await make_summit()), name="Ada Elsewhere")  # another summit
    for n in range(23):
        await make_ticket(expo, name=f"Crowd {n:02d}", email=f"crowd{n}@example.com")
    await door_person(client, summit)
    page = "/staff/summits/ges/checkin"

    async def names(query: str, number: int = 1) -> list[str]:
        response = await client.get(page, params={"q": query, "page": str(number)})
        assert response.status_code == 200
        return _NAME.findall(response.text)

    assert (await names("lovelace")) == ["Ada Lovelace"]
    assert (await names("ADA")) == ["Ada Lovelace"]
    assert (await names("NAVY.example")) == ["Grace Hopper"]
    assert (await names("abcdef")) == ["Ada Lovelace"]  # the code's start, in any case
    assert (await names("12345678")) == []  # the middle of a code finds nothing
    assert (await names("a")) == []  # too short to search
    first, second = (await names("crowd")), (await names("crowd", 2))
    assert first == [f"Crowd {n:02d}" for n in range(20)]
    assert second == [f"Crowd {n:02d}" for n in range(20, 23)]
    assert 'rel="next"' in (await client.get(page, params={"q": "crowd"})).text
    response = await client.get(page, params={"q": "Lovelace"})
    assert f'action="/staff/summits/ges/checkin/{ada.code}?q=Lovelace"' in response.text


async def test_search_costs_the_same_queries_for_one_or_three_tickets(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit)
    door = await door_person(client, summit)
    await make_ticket(expo, name="Solo Match", checked_in_at=utcnow(), checked_in_by_id=door.id)
    for n in range(3):
        await make_ticket(expo, name=f"Trio Match {n}", checked_in_at=utcnow(), checked_in_by_id=door.id)

    async def cost(query: str) -> int:
        with count_queries() as counter:
            response = await client.get("/staff/summits/ges/checkin", params={"q": query})
        assert response.status_code == 200
        return len(counter.queries)

    assert await cost("Solo") == await cost("Trio")


async def test_counts_per_ticket_type_follow_admissions(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit, name_en="Expo pass", position=1)
    vip = await make_ticket_type(summit, name_en="VIP", position=2)
    tickets = [await make_ticket(expo) for _ in range(3)]
    await make_ticket(expo, status=TicketStatus.VOID, order_status=OrderStatus.REFUNDED)  # not counted
    await make_ticket(expo, status=TicketStatus.PENDING, order_status=OrderStatus.PENDING)  # not counted
    await door_person(client, summit)
    token = await csrf_token(client, "/staff/summits/ges/checkin")
    assert (await scan(client, summit, tickets[0].code, token)).json()["status"] == "admitted"

    counts = await client.get("/staff/summits/ges/checkin/counts")
    assert counts.status_code == 200
    assert counts.headers["cache-control"] == "no-store"
    assert counts.json() == {
        "types": [
            {"id": expo.id, "name": "Expo pass", "checked_in": 1, "issued": 3},
            {"id": vip.id, "name": "VIP", "checked_in": 0, "issued": 0},
        ],
        "checked_in": 1,
        "issued": 3,
    }
    page = await client.get("/staff/summits/ges/checkin")
    assert f'<tr data-type="{expo.id}">' in page.text
    assert 'data-counts="/staff/summits/ges/checkin/counts"' in page.text


async def test_the_page_admits_with_a_plain_form_without_javascript(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    ticket = await make_ticket(await make_ticket_type(summit), name="Grace Hopper")
    await door_person(client, summit, name="North Door")
    page = await client.get("/staff/summits/ges/checkin", params={"q": "grace"})
    assert "<script" not in page.text.split("</head>")[1]  # no inline script: the CSP allows none
    token = await csrf_token(client, "/staff/summits/ges/checkin?q=grace")

    admitted = await client.post(f"/staff/summits/ges/checkin/{ticket.code}?q=grace", data={"csrf_token": token})
    assert admitted.status_code == 200
    assert '<p class="result-status">Admitted</p>' in admitted.text
    assert "Admitted: Grace Hopper." in admitted.text
    again = await client.post(f"/staff/summits/ges/checkin/{ticket.code}?q=grace", data={"csrf_token": token})
    assert '<p class="result-status">Already checked in</p>' in again.text
    assert " by North Door." in again.text
    unsigned = await client.post(f"/staff/summits/ges/checkin/{ticket.code}", headers=JSON)
    assert unsigned.status_code == 403  # no CSRF token, no admission


async def test_organizers_undo_a_check_in_and_door_staff_cannot(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(slug="ges")
    ticket = await make_ticket(await make_ticket_type(summit), name="Grace Hopper")
    door = await door_person(client, summit)
    await door_person(other_client, summit, Role.ORGANIZER)
    door_token = await csrf_token(client, "/staff/summits/ges/checkin")
    assert (await scan(client, summit, ticket.code, door_token)).json()["status"] == "admitted"

    staff_page = await client.get("/staff/summits/ges/checkin", params={"q": "grace"})
    assert "Undo the check-in" not in staff_page.text
    refused = await client.post(f"/staff/summits/ges/checkin/{ticket.code}/undo", data={"csrf_token": door_token})
    assert refused.status_code == 403
    assert (await Ticket.get(id=ticket.id)).checked_in_by_id == door.id

    organizer_page = await other_client.get("/staff/summits/ges/checkin", params={"q": "grace"})
    assert "Undo the check-in" in organizer_page.text
    token = await csrf_token(other_client, "/staff/summits/ges/checkin")
    undone = await other_client.post(f"/staff/summits/ges/checkin/{ticket.code}/undo", data={"csrf_token": token})
    assert undone.status_code == 303
    assert (await Ticket.get(id=ticket.id)).checked_in_at is None
    entry = await AuditEntry.get(action="registration.ticket_check_in_undone")
    assert entry.data["checked_in_by"] == door.id
    again = await scan(client, summit, ticket.code, door_token)
    assert again.json()["status"] == "admitted"
