"""Holds that lapse are released by the worker; a payment that arrives after its hold lapsed keeps its seat
if one is free, and is otherwise refunded in full with an apology. Organizers cancel and refund."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from podium.platform import jobs
from podium.platform.audit import AuditEntry
from podium.platform.i18n import utcnow
from podium.platform.registration.models import (
    Order,
    OrderStatus,
    RefundState,
    SeatState,
    Ticket,
    TicketStatus,
    Voucher,
    VoucherKind,
)
from podium.platform.registration.services import checkout, orders
from podium.settings import Settings
from podium.tooling.fakestripe import FakeStripe
from tests.conftest import JobRunner, SmtpSink
from tests.factories import make_summit, make_user
from tests.helpers import body_text, csrf_token, sign_in
from tests.registration.conftest import counters, make_ticket_type, order_body, organizer_of, paid_order, post_order

LATER = timedelta(minutes=16)


async def _lapse(order: Order) -> None:
    await Order.filter(id=order.id).update(hold_expires_at=utcnow() - timedelta(seconds=1))


async def test_lapsed_holds_are_released_by_the_worker_and_their_session_closed(
    client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000, capacity=2)
    order, session = await paid_order(client, fake, summit, vip, 2)
    assert await counters(vip) == (0, 2, 0)
    assert order.hold_expires_at is not None
    assert timedelta(minutes=14) < order.hold_expires_at - utcnow() <= timedelta(minutes=15)
    await jobs.enqueue(jobs.JobName.RELEASE_LAPSED_HOLDS)
    await run_jobs.run()
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING  # not lapsed yet
    await _lapse(order)
    await jobs.enqueue(jobs.JobName.RELEASE_LAPSED_HOLDS)
    await run_jobs.run()
    fresh = await Order.get(id=order.id)
    assert (fresh.status, fresh.seat_state) == (OrderStatus.EXPIRED, SeatState.RELEASED)
    assert await counters(vip) == (0, 0, 0)
    assert fake.sessions[session["id"]]["status"] == "expired"  # closed in Stripe too
    assert {t.status for t in await Ticket.filter(order_id=order.id)} == {TicketStatus.VOID}
    await run_jobs.run()  # the checkout.session.expired event that closing it sent changes nothing more
    assert (await Order.get(id=order.id)).status == OrderStatus.EXPIRED


async def test_a_buyer_refused_while_lapsed_holds_count_gets_them_released_at_once(
    client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000, capacity=1)
    order, _session = await paid_order(client, fake, summit, vip)
    await _lapse(order)
    refused = await post_order(client, summit, order_body(vip))
    assert refused.status_code == 409
    await run_jobs.run()  # the release the refusal queued
    assert (await Order.get(id=order.id)).status == OrderStatus.EXPIRED
    assert (await post_order(client, summit, order_body(vip))).status_code == 201


async def test_payment_after_the_hold_lapsed_keeps_the_seat_when_one_is_free(
    client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner, mailbox: SmtpSink, settings: Settings
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000, capacity=3)
    order, session = await paid_order(client, fake, summit, vip)
    fake.auto_deliver = False
    paid = await fake.pay(session["id"])  # the buyer pays at the last moment; Stripe's event is on its way
    await _lapse(order)
    assert await orders.release_lapsed(settings=settings) == 1  # closing the session fails: it is complete
    assert await counters(vip) == (0, 0, 0)
    await fake.deliver(paid)
    await run_jobs.run()
    fresh = await Order.get(id=order.id)
    assert (fresh.status, fresh.seat_state, fresh.refund_state) == (OrderStatus.PAID, SeatState.SOLD, RefundState.NONE)
    assert await counters(vip) == (1, 0, 0)
    await run_jobs.run()
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["attendee1@example.com"] * 2  # ticket and receipt


async def test_payment_after_the_hold_lapsed_and_the_seat_was_sold_is_refunded_with_an_apology(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    fake: FakeStripe,
    run_jobs: JobRunner,
    mailbox: SmtpSink,
    settings: Settings,
) -> None:
    summit = await make_summit(slug="ges", name_en="Global Summit")
    vip = await make_ticket_type(summit, price=5000, capacity=1)
    late, session = await paid_order(client, fake, summit, vip)
    fake.auto_deliver = False
    paid_late = await fake.pay(session["id"])  # paid at the last moment, but the event is delayed
    fake.auto_deliver = True
    await _lapse(late)
    await orders.release_lapsed(settings=settings)
    _quick, quick_session = await paid_order(other_client, fake, summit, vip)  # someone else takes the seat
    await fake.pay(quick_session["id"])
    await run_jobs.run()
    await fake.deliver(paid_late)  # the first buyer's payment arrives after all
    await run_jobs.run()
    await run_jobs.run()  # the refund job, then the charge.refunded event it causes
    fresh = await Order.get(id=late.id)
    assert (fresh.status, fresh.refund_state, fresh.refunded_amount) == (
        OrderStatus.REFUNDED,
        RefundState.SUCCEEDED,
        5000,
    )
    assert fresh.refund_id.startswith("re_test_")
    assert await counters(vip) == (1, 0, 0)  # the quick buyer keeps the seat
    assert len(fake.refunds) == 1
    refunds = [r for r in fake.requests if r[1] == "/v1/refunds"]
    assert [r[2] for r in refunds] == [checkout.refund_key(late)]
    apology = [m for m in mailbox.messages if "sorry" in str(m["Subject"])]
    assert len(apology) == 1
    assert str(apology[0]["Subject"]) == "We are sorry: your order for Global Summit is refunded"
    assert "the last seats had been sold" in body_text(apology[0])
    assert {t.status for t in await Ticket.filter(order_id=late.id)} == {TicketStatus.VOID}


async def test_refund_retries_when_stripe_is_unreachable(
    client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner, settings: Settings
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000, capacity=1)
    order, session = await paid_order(client, fake, summit, vip)
    await fake.pay(session["id"])
    await run_jobs.run()
    user, _headers = await organizer_of(summit)
    await sign_in(client, user.email)
    fake.fail_next.append(503)
    token = await csrf_token(client, f"/orders/{order.id}")
    cancelled = await client.post(f"/orders/{order.id}/cancel", data={"csrf_token": token})
    assert cancelled.status_code == 303
    assert (await Order.get(id=order.id)).refund_state == RefundState.REQUESTED
    await run_jobs.run()  # the 503 is retried (arq Retry), the retry succeeds
    await run_jobs.run()
    assert (await Order.get(id=order.id)).refund_state == RefundState.SUCCEEDED
    assert len(fake.refunds) == 1


async def test_organizer_cancels_and_refunds_a_paid_order(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=12800, capacity=2)
    order, session = await paid_order(other_client, fake, summit, vip, 2)
    await fake.pay(session["id"])
    await run_jobs.run()
    assert await counters(vip) == (2, 0, 0)
    stranger = await make_user(email="stranger@example.com")
    await sign_in(client, stranger.email)
    token = await csrf_token(client, "/account")
    assert (await client.post(f"/orders/{order.id}/cancel", data={"csrf_token": token})).status_code == 404
    user, _headers = await organizer_of(summit)
    await sign_in(client, user.email)
    page = await client.get(f"/orders/{order.id}")
    assert "Cancel and refund" in page.text
    token = await csrf_token(client, f"/orders/{order.id}")
    cancelled = await client.post(f"/orders/{order.id}/cancel", data={"csrf_token": token})
    assert cancelled.status_code == 303
    fresh = await Order.get(id=order.id)
    assert (fresh.status, fresh.seat_state, fresh.refund_state) == (
        OrderStatus.REFUNDED,
        SeatState.RELEASED,
        RefundState.REQUESTED,
    )
    assert await counters(vip) == (0, 0, 0)
    again = await client.post(f"/orders/{order.id}/cancel", data={"csrf_token": token})
    assert again.status_code == 409
    await run_jobs.run()
    await run_jobs.run()
    fresh = await Order.get(id=order.id)
    assert (fresh.refund_state, fresh.refunded_amount) == (RefundState.SUCCEEDED, 25600)
    assert len(fake.refunds) == 1
    assert await AuditEntry.filter(action="registration.order_cancelled", object_id=str(order.id)).count() == 1
    cancelled_mail = [m for m in mailbox.messages if "cancelled" in str(m["Subject"])]
    assert len(cancelled_mail) == 1
    assert "refunded the full" in body_text(cancelled_mail[0])


async def test_organizer_cancels_a_free_order_and_a_pending_one(
    client: httpx.AsyncClient, fake: FakeStripe, settings: Settings
) -> None:
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit, capacity=5)
    vip = await make_ticket_type(summit, price=5000, capacity=5)
    free = await post_order(client, summit, order_body(expo, 2))
    pending, session = await paid_order(client, fake, summit, vip)
    user, _headers = await organizer_of(summit)
    actor = await _actor(user)
    await orders.cancel_order(actor=actor, order=await Order.get(id=free.json()["id"]), settings=settings)
    await orders.cancel_order(actor=actor, order=pending, settings=settings)
    assert await counters(expo) == (0, 0, 0)
    assert await counters(vip) == (0, 0, 0)
    assert {o.status for o in await Order.all()} == {OrderStatus.CANCELLED}
    assert fake.sessions[session["id"]]["status"] == "expired"
    assert len(fake.refunds) == 0


async def _actor(user: object) -> object:
    from podium.platform.auth import Actor, load_roles

    return Actor(user=user, roles=await load_roles(user.id))  # type: ignore[arg-type, attr-defined]


async def test_voucher_pool_seats_go_back_to_the_pool(
    client: httpx.AsyncClient, fake: FakeStripe, settings: Settings
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000, capacity=10, reserved=3)
    voucher = await Voucher.create(
        summit=summit, code="P", ticket_type=vip, kind=VoucherKind.PERCENT, value=10, reserved=3
    )
    placed = await post_order(client, summit, order_body(vip, 2, voucher="p"))
    assert placed.status_code == 201
    assert await counters(vip) == (0, 2, 1)
    order = await Order.get(id=placed.json()["id"])
    assert order.pool_quantity == 2
    await _lapse(order)
    await orders.release_lapsed(settings=settings)
    assert await counters(vip) == (0, 0, 3)
    fresh = await Voucher.get(id=voucher.id)
    assert (fresh.uses, fresh.reserved_taken) == (0, 0)


@pytest.mark.parametrize("status", [OrderStatus.EXPIRED, OrderStatus.REFUNDED])
async def test_orders_that_are_over_cannot_be_cancelled(
    client: httpx.AsyncClient, fake: FakeStripe, settings: Settings, status: OrderStatus
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000)
    order, _session = await paid_order(client, fake, summit, vip)
    await Order.filter(id=order.id).update(status=status, seat_state=SeatState.RELEASED)
    user, _headers = await organizer_of(summit)
    with pytest.raises(orders.Conflict):
        await orders.cancel_order(actor=await _actor(user), order=await Order.get(id=order.id), settings=settings)  # type: ignore[arg-type]
