"""Never a seat sold twice: a thousand buyers at once for five hundred seats, on PostgreSQL, with and without
vouchers that set seats aside, and the database's own CHECK constraint behind the conditional UPDATEs."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from podium.platform.registration.models import Order, OrderStatus, Ticket, TicketType, Voucher, VoucherKind
from podium.tooling.fakestripe import FakeStripe
from tests.factories import make_summit
from tests.registration.conftest import attendee, counters, make_ticket_type


async def _rush(client: httpx.AsyncClient, slug: str, bodies: list[dict[str, object]]) -> list[httpx.Response]:
    return await asyncio.gather(*(client.post(f"/api/v1/summits/{slug}/orders", json=body) for body in bodies))


def _bodies(ticket_type: TicketType, count: int, start: int = 0, **fields: object) -> list[dict[str, object]]:
    return [
        {"ticket_type": ticket_type.id, "quantity": 1, "attendees": [attendee(start + i)], **fields}
        for i in range(count)
    ]


async def test_a_thousand_concurrent_orders_for_five_hundred_seats_sell_exactly_five_hundred(
    client: httpx.AsyncClient,
) -> None:
    summit = await make_summit(slug="rush")
    expo = await make_ticket_type(summit, capacity=500, max_per_order=1)
    started = time.perf_counter()
    responses = await _rush(client, "rush", _bodies(expo, 1000))
    elapsed = time.perf_counter() - started
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 500, 409: 500}, statuses
    refusals = {str(r.json()) for r in responses if r.status_code == 409}
    assert refusals == {str({"errors": {"ticket_type": ["This ticket type is sold out."]}})}
    assert {r.json()["status"] for r in responses if r.status_code == 201} == {"paid"}
    assert await counters(expo) == (500, 0, 0)  # counted in the database, not in this test
    assert await Order.filter(ticket_type_id=expo.id, status=OrderStatus.PAID).count() == 500
    assert await Ticket.filter(ticket_type_id=expo.id).count() == 500
    print(f"\n1000 concurrent orders, 500 seats (free, sold at once): {elapsed:.1f} s")


async def test_paid_rush_with_a_voucher_pool_holds_exactly_the_capacity(
    client: httpx.AsyncClient, fake: FakeStripe
) -> None:
    """500 seats, 100 of them set aside for a partner's voucher (usable 100 times): 1,000 buyers without it and
    200 with it, all at once. Exactly 400 general holds, exactly 100 partner holds, and the rest refused."""
    summit = await make_summit(slug="rush")
    vip = await make_ticket_type(summit, price=128000, capacity=500, max_per_order=1)
    partner = await Voucher.create(
        summit=summit, code="PARTNER", ticket_type=vip, kind=VoucherKind.PERCENT, value=20, max_uses=100, reserved=100
    )
    await TicketType.filter(id=vip.id).update(reserved=100)  # what create_voucher does for the organizer
    general = _bodies(vip, 1000)
    partners = _bodies(vip, 200, start=5000, voucher="partner")
    interleaved = [body for pair in zip(general[:200], partners, strict=True) for body in pair] + general[200:]
    started = time.perf_counter()
    responses = await _rush(client, "rush", interleaved)
    elapsed = time.perf_counter() - started
    with_voucher = [r for r, body in zip(responses, interleaved, strict=True) if "voucher" in body]
    without = [r for r, body in zip(responses, interleaved, strict=True) if "voucher" not in body]
    assert Counter(r.status_code for r in without) == {201: 400, 409: 600}
    assert Counter(r.status_code for r in with_voucher) == {201: 100, 409: 100}
    assert {r.json()["status"] for r in responses if r.status_code == 201} == {"pending"}
    assert {str(r.json()["errors"]) for r in with_voucher if r.status_code == 409} == {
        str({"voucher": ["This voucher code has been used up."]})
    }
    assert await counters(vip) == (0, 500, 0)
    fresh = await Voucher.get(id=partner.id)
    assert (fresh.uses, fresh.reserved_taken) == (100, 100)
    assert await Order.filter(ticket_type_id=vip.id, status=OrderStatus.PENDING).count() == 500
    assert len(fake.sessions) >= 500
    print(f"\n1200 concurrent paid orders, 500 seats of which 100 set aside: {elapsed:.1f} s")


async def test_the_database_refuses_more_seats_than_capacity_even_without_the_where_clause(
    app: object,
) -> None:
    ticket_type = await make_ticket_type(capacity=2, sold=1, held=1)
    with pytest.raises(IntegrityError):
        await TicketType.filter(id=ticket_type.id).update(sold=F("sold") + 1)
    with pytest.raises(IntegrityError):
        await TicketType.filter(id=ticket_type.id).update(held=F("held") - 2)
    voucher = await Voucher.create(summit_id=ticket_type.summit_id, code="X1", max_uses=1, uses=1)
    with pytest.raises(IntegrityError):
        await Voucher.filter(id=voucher.id).update(uses=2)
    names = {
        row["conname"]
        for row in await connections.get("default").execute_query_dict(
            "SELECT conname FROM pg_constraint WHERE contype = 'c' AND conname LIKE 'registration_%'"
        )
    }
    assert names == {
        "registration_ticket_type_seats",
        "registration_voucher_counts",
        "registration_visa_request_erased",  # erased visa requests hold no passport number (test_visas.py)
    }
