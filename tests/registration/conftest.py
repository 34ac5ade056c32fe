"""Ticketing scenes: a summit with ticket types, the development fake of Stripe, and helpers to order."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from podium.platform import auth
from podium.platform.registration.models import Order, TicketType
from podium.platform.summits.models import Summit
from podium.platform.users.models import User
from podium.tooling.fakestripe import FakeStripe
from tests.factories import grant, make_summit, make_user

_seq = itertools.count(1)


@pytest.fixture
async def fake(app: Starlette) -> AsyncIterator[FakeStripe]:
    """The fake Stripe that podium.asgi mounts without a key; the tests' app has no key."""
    stripe_fake: FakeStripe = app.state.fake_stripe
    stripe_fake.reset()
    yield stripe_fake
    stripe_fake.reset()


async def make_ticket_type(summit: Summit | None = None, **fields: Any) -> TicketType:
    n = next(_seq)
    values: dict[str, Any] = {
        "name_en": f"Pass {n}",
        "name_zh": f"通票{n}",
        "price": 0,
        "currency": "CNY",
        "capacity": 100,
    }
    values.update(fields)
    return await TicketType.create(summit=summit or await make_summit(), **values)


def attendee(n: int, **fields: Any) -> dict[str, Any]:
    return {"name": f"Attendee {n}", "email": f"attendee{n}@example.com", **fields}


def order_body(ticket_type: TicketType, quantity: int = 1, **fields: Any) -> dict[str, Any]:
    return {
        "ticket_type": ticket_type.id,
        "quantity": quantity,
        "attendees": [attendee(i) for i in range(1, quantity + 1)],
        **fields,
    }


async def post_order(client: httpx.AsyncClient, summit: Summit, body: Any) -> httpx.Response:
    return await client.post(f"/api/v1/summits/{summit.slug}/orders", json=body)


async def bearer(user: User) -> dict[str, str]:
    _token, secret = await auth.mint_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


async def organizer_of(summit: Summit) -> tuple[User, dict[str, str]]:
    user = await make_user(email=f"org{next(_seq)}@{summit.slug}.example")
    await grant(summit, user)
    return user, await bearer(user)


async def counters(ticket_type: TicketType) -> tuple[int, int, int]:
    """(sold, held, reserved) as stored now."""
    fresh = await TicketType.get(id=ticket_type.id)
    return fresh.sold, fresh.held, fresh.reserved


async def paid_order(
    client: httpx.AsyncClient, fake: FakeStripe, summit: Summit, ticket_type: TicketType, quantity: int = 1
) -> tuple[Order, dict[str, Any]]:
    """A paid order: placed through the API; returns it (pending) and the session the buyer would pay on."""
    response = await post_order(client, summit, order_body(ticket_type, quantity))
    assert response.status_code == 201, response.text
    order = await Order.get(id=response.json()["id"])
    assert order.stripe_session_id is not None
    return order, fake.sessions[order.stripe_session_id]
