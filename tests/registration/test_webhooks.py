"""Stripe's webhook: signature checked with the SDK on the raw body, each event stored once by its id and
handled in a worker. Duplicates, replays, reordering, unsigned and tampered events: nothing charged, issued
or e-mailed twice."""

from __future__ import annotations

import json
import time

import httpx

from podium.platform import jobs
from podium.platform.registration.models import Order, OrderStatus, SeatState, StripeEvent, Ticket, TicketStatus
from podium.tooling.fakestripe import FakeStripe
from tests.conftest import JobRunner, SmtpSink
from tests.factories import make_summit
from tests.registration.conftest import counters, make_ticket_type, paid_order


async def test_duplicate_and_replayed_events_issue_tickets_and_mail_once(
    client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000, capacity=3)
    order, session = await paid_order(client, fake, summit, vip, 2)
    fake.auto_deliver = False
    event = await fake.pay(session["id"])
    first = await fake.deliver(event)
    assert first.status_code == 200
    again = await fake.deliver(event)  # Stripe retries: the same event id
    assert again.status_code == 200
    assert await StripeEvent.filter(id=event["id"]).count() == 1
    await run_jobs.run()
    # the same event, delivered again after it was handled, and its job run again by hand
    assert (await fake.deliver(event)).status_code == 200
    await jobs.enqueue(jobs.JobName.HANDLE_STRIPE_EVENT, event_id=event["id"])
    await run_jobs.run()
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await counters(vip) == (2, 0, 0)
    await run_jobs.run()
    assert sorted(str(m["To"]) for m in mailbox.messages) == [
        "attendee1@example.com",
        "attendee1@example.com",  # the buyer's receipt (the buyer is the first attendee)
        "attendee2@example.com",
    ]
    # a second, different event for the same payment (Stripe can send several) changes nothing either
    other = fake.event("checkout.session.completed", fake.sessions[session["id"]])
    assert (await fake.deliver(other)).status_code == 200
    await run_jobs.run()
    assert (await StripeEvent.get(id=other["id"])).outcome == "already paid"
    assert await counters(vip) == (2, 0, 0)
    assert len(mailbox.messages) == 3


async def test_unsigned_tampered_and_stale_events_are_refused_and_stored_nowhere(
    client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000)
    order, session = await paid_order(client, fake, summit, vip)
    fake.auto_deliver = False
    event = fake.event("checkout.session.completed", fake.complete_session(session["id"]))
    body = json.dumps(event)
    unsigned = await fake.deliver(payload=body, signature="")
    assert unsigned.status_code == 400
    assert unsigned.json() == {"errors": {"signature": ["The signature is missing or does not match."]}}
    tampered = body.replace('"amount_total": 5000', '"amount_total": 1')
    assert tampered != body
    assert (await fake.deliver(payload=tampered, signature=fake.sign(body))).status_code == 400
    wrong_key = f"t={int(time.time())},v1={'0' * 64}"
    assert (await fake.deliver(payload=body, signature=wrong_key)).status_code == 400
    stale = fake.sign(body, timestamp=int(time.time()) - 3600)  # a replay of an old, genuine delivery
    assert (await fake.deliver(payload=body, signature=stale)).status_code == 400
    garbage = await client.post("/payments/stripe/webhook", content=b"\xff\x00", headers={"stripe-signature": "x"})
    assert garbage.status_code == 400
    not_event = "[1, 2]"
    assert (await fake.deliver(payload=not_event)).status_code == 400
    assert await StripeEvent.all().count() == 0
    await run_jobs.run()
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING
    assert (await fake.deliver(payload=body)).status_code == 200  # the genuine one still works


async def test_expired_after_completed_leaves_the_order_paid(
    client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000, capacity=1)
    order, session = await paid_order(client, fake, summit, vip)
    fake.auto_deliver = False
    completed = await fake.pay(session["id"])
    expired = fake.event("checkout.session.expired", {**fake.sessions[session["id"]], "status": "expired"})
    await fake.deliver(completed)
    await run_jobs.run()
    await fake.deliver(expired)
    await run_jobs.run()
    fresh = await Order.get(id=order.id)
    assert (fresh.status, fresh.seat_state) == (OrderStatus.PAID, SeatState.SOLD)
    assert await counters(vip) == (1, 0, 0)
    assert (await StripeEvent.get(id=expired["id"])).outcome == "left paid"


async def test_completed_after_expired_gets_the_seat_back_when_it_is_free(
    client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000, capacity=1)
    order, session = await paid_order(client, fake, summit, vip)
    fake.auto_deliver = False
    expired = fake.event("checkout.session.expired", {**session, "status": "expired"})
    completed = await fake.pay(session["id"])
    await fake.deliver(expired)  # delivered first, though it happened... whenever: Stripe does not promise order
    await run_jobs.run()
    assert (await Order.get(id=order.id)).status == OrderStatus.EXPIRED
    assert await counters(vip) == (0, 0, 0)
    await fake.deliver(completed)
    await run_jobs.run()
    fresh = await Order.get(id=order.id)
    assert (fresh.status, fresh.seat_state) == (OrderStatus.PAID, SeatState.SOLD)
    assert await counters(vip) == (1, 0, 0)
    assert [t.status for t in await Ticket.filter(order_id=order.id)] == [TicketStatus.ISSUED]


async def test_events_for_unknown_orders_or_sessions_are_recorded_and_ignored(
    client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000)
    order, session = await paid_order(client, fake, summit, vip)
    fake.auto_deliver = False
    foreign = fake.event("checkout.session.completed", {**session, "id": "cs_test_other", "payment_status": "paid"})
    nobody = fake.event("checkout.session.completed", {**session, "client_reference_id": "999999"})
    unrelated = fake.event("customer.created", {"id": "cus_1"})
    for event in (foreign, nobody, unrelated):
        assert (await fake.deliver(event)).status_code == 200
    await run_jobs.run()
    outcomes = {e.id: e.outcome for e in await StripeEvent.all()}
    assert outcomes == {
        foreign["id"]: "no order for this session",
        nobody["id"]: "no order for this session",
        unrelated["id"]: "ignored",
    }
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING
