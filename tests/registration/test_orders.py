"""Ordering through the API: free orders confirm at once with one ticket mail per attendee, paid ones pay
through Stripe Checkout (the development fake), and nothing a buyer sends produces a 500."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import httpx
import pytest

from podium.platform.i18n import utcnow
from podium.platform.registration.models import (
    Order,
    OrderStatus,
    SeatState,
    StripeEvent,
    Ticket,
    TicketStatus,
    Voucher,
    VoucherKind,
)
from podium.tooling.fakestripe import FakeStripe
from tests.conftest import JobRunner, SmtpSink
from tests.factories import make_summit
from tests.helpers import body_text
from tests.registration.conftest import (
    attendee,
    counters,
    make_ticket_type,
    order_body,
    paid_order,
    post_order,
)


async def test_free_order_confirms_at_once_with_a_ticket_mail_per_attendee_in_their_language(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    summit = await make_summit(slug="ges", name_en="Global Summit", name_zh="全球峰会")
    expo = await make_ticket_type(summit, name_en="Expo pass", name_zh="展览通票", capacity=10)
    body = {
        "ticket_type": expo.id,
        "quantity": 2,
        "attendees": [
            attendee(1, name="Ada Lovelace", locale="en"),
            attendee(2, name="李娜", email="li.na@example.com", locale="zh_Hans"),
        ],
    }
    response = await post_order(client, summit, body)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["status"] == "paid"
    assert answer["checkout_url"] is None
    assert len(answer["secret"]) >= 32
    order = await Order.get(id=answer["id"])
    assert (order.status, order.seat_state, order.total) == (OrderStatus.PAID, SeatState.SOLD, 0)
    assert order.email == "attendee1@example.com"  # the first attendee's, as no buyer e-mail was sent
    assert await counters(expo) == (2, 0, 0)
    assert [t.status for t in await Ticket.filter(order_id=order.id)] == [TicketStatus.ISSUED] * 2

    await run_jobs.run()
    await run_jobs.run()  # running the jobs again sends nothing twice
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["attendee1@example.com", "li.na@example.com"]
    english = next(m for m in mailbox.messages if m["To"] == "attendee1@example.com")
    chinese = next(m for m in mailbox.messages if m["To"] == "li.na@example.com")
    assert str(english["Subject"]) == "Your ticket to Global Summit"
    assert "全球峰会" in str(chinese["Subject"])
    ada = await Ticket.get(order_id=order.id, name="Ada Lovelace")
    assert f"http://podium.test/tickets/{ada.code}" in body_text(english)
    html = english.get_body(("html",)).get_content()  # type: ignore[union-attr]
    qr = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert qr is not None
    assert base64.b64decode(qr.group(1)).startswith(b"\x89PNG")
    assert len(ada.code) >= 22  # token_urlsafe(18): 144 random bits


async def test_paid_order_waits_for_stripe_then_issues_tickets_once(
    client: httpx.AsyncClient, fake: FakeStripe, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, name_en="Summit pass", price=128000, capacity=5)
    response = await post_order(client, summit, order_body(vip, 2, email="buyer@example.com"))
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["status"] == "pending"
    session = fake.sessions[answer["checkout_url"].rsplit("/", 1)[1]]
    assert session["amount_total"] == 256000
    assert session["currency"] == "cny"
    assert session["client_reference_id"] == str(answer["id"])
    created = [r for r in fake.requests if r[1] == "/v1/checkout/sessions"]
    assert len(created) == 1
    assert created[0][2].startswith("podium-order-")  # an idempotency key
    assert await counters(vip) == (0, 2, 0)
    polled = await client.get(f"/api/v1/orders/{answer['id']}", headers={"X-Order-Secret": answer["secret"]})
    assert polled.json()["status"] == "pending"
    assert polled.json()["tickets"][0]["code"] is None  # not issued before payment

    await fake.pay(session["id"])  # the buyer pays: the fake posts a signed checkout.session.completed
    assert await StripeEvent.all().count() == 1
    await run_jobs.run()
    order = await Order.get(id=answer["id"])
    assert (order.status, order.seat_state) == (OrderStatus.PAID, SeatState.SOLD)
    assert order.stripe_payment_intent == fake.sessions[session["id"]]["payment_intent"]
    assert await counters(vip) == (2, 0, 0)
    await run_jobs.run()
    assert sorted(str(m["To"]) for m in mailbox.messages) == [
        "attendee1@example.com",
        "attendee2@example.com",
        "buyer@example.com",
    ]
    polled = await client.get(f"/api/v1/orders/{answer['id']}?secret={answer['secret']}")
    assert polled.json()["status"] == "paid"
    assert [t["status"] for t in polled.json()["tickets"]] == ["issued", "issued"]


async def test_voucher_prices_and_unlocks_a_hidden_type(client: httpx.AsyncClient, fake: FakeStripe) -> None:
    summit = await make_summit(slug="ges")
    investor = await make_ticket_type(summit, price=198000, hidden=True)
    partner = await make_ticket_type(summit, price=10000)
    await Voucher.create(summit=summit, code="INVEST", ticket_type=investor, kind=VoucherKind.FREE)
    await Voucher.create(summit=summit, code="TWENTY", kind=VoucherKind.PERCENT, value=20)
    listed = await client.get("/api/v1/summits/ges/ticket-types")
    assert [t["id"] for t in listed.json()["items"]] == [partner.id]
    unlocked = await client.get("/api/v1/summits/ges/ticket-types?voucher=invest")
    assert [t["id"] for t in unlocked.json()["items"]] == [investor.id, partner.id]

    refused = await post_order(client, summit, order_body(investor))
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"voucher": ["Enter the voucher code for this ticket type."]}}
    free = await post_order(client, summit, order_body(investor, voucher="invest"))
    assert free.json()["status"] == "paid"
    discounted = await post_order(client, summit, order_body(partner, 2, voucher="TWENTY"))
    order = await Order.get(id=discounted.json()["id"])
    assert (order.unit_price, order.discount, order.total) == (8000, 4000, 16000)
    assert (await Voucher.get(code="TWENTY")).uses == 2


ONE = [{"name": "A", "email": "a@example.com"}]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"ticket_type": "x", "attendees": []}, {"ticket_type", "quantity", "email", "attendees"}),
        ({"ticket_type": "TT", "quantity": -1, "attendees": ONE}, {"quantity"}),
        ({"ticket_type": "TT", "quantity": 2.5, "attendees": ONE}, {"quantity"}),
        ({"ticket_type": 999999, "attendees": ONE}, {"ticket_type"}),
        ({"ticket_type": "TT", "attendees": "many"}, {"quantity", "email", "attendees"}),
        (
            {"ticket_type": "TT", "attendees": [{"name": "", "email": "nope"}]},
            {"email", "attendees.0.name", "attendees.0.email"},
        ),
        ({"ticket_type": "TT", "attendees": ONE, "quantity": 2}, {"attendees"}),
        ({"ticket_type": "TT", "attendees": [None], "quantity": True}, {"quantity", "email", "attendees.0"}),
        ({"ticket_type": "TT", "attendees": ONE, "voucher": 5}, {"voucher"}),
        (
            {"ticket_type": "TT", "attendees": [{"name": "A", "email": "a@example.com", "country": "XX"}]},
            {"attendees.0.country"},
        ),
        ([1, 2], {"__all__"}),
        ("just text", {"__all__"}),
    ],
)
async def test_bad_order_bodies_answer_422_naming_the_field(
    client: httpx.AsyncClient, body: object, errors: set[str]
) -> None:
    summit = await make_summit(slug="ges")
    ticket_type = await make_ticket_type(summit)
    if isinstance(body, dict) and body.get("ticket_type") == "TT":
        body = {**body, "ticket_type": ticket_type.id}
    response = await client.post("/api/v1/summits/ges/orders", json=body)
    assert response.status_code == 422, response.text
    assert set(response.json()["errors"]) == errors
    assert "Check this value." not in str(response.json()) or "attendees.0" in errors
    assert await Order.all().count() == 0


async def test_orders_refused_for_every_reason_a_buyer_can_hit(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    now = utcnow()
    open_type = await make_ticket_type(summit, capacity=3, max_per_order=2)
    closed = await make_ticket_type(summit, sales_end=now - timedelta(hours=1))
    later = await make_ticket_type(summit, sales_start=now + timedelta(days=1))
    await Voucher.create(summit=summit, code="OLD", kind=VoucherKind.FREE, valid_until=now - timedelta(days=1))
    await Voucher.create(summit=summit, code="SOON", kind=VoucherKind.FREE, valid_from=now + timedelta(days=1))
    await Voucher.create(summit=summit, code="ONCE", kind=VoucherKind.FREE, max_uses=1)
    await Voucher.create(summit=summit, code="OTHER", kind=VoucherKind.FREE, ticket_type=closed)

    async def refused(body: object) -> tuple[int, dict[str, list[str]]]:
        response = await post_order(client, summit, body)
        return response.status_code, response.json()["errors"]

    not_json = await client.post(
        "/api/v1/summits/ges/orders", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422
    assert await refused(order_body(open_type, 3)) == (
        422,
        {"quantity": ["You can buy at most 2 tickets of this type in one order."]},
    )
    assert await refused(order_body(closed)) == (409, {"ticket_type": ["Sales for this ticket type have closed."]})
    assert await refused(order_body(later)) == (
        409,
        {"ticket_type": ["Sales for this ticket type have not started yet."]},
    )
    assert await refused(order_body(open_type, voucher="NOPE")) == (
        422,
        {"voucher": ["This voucher code is not valid."]},
    )
    assert await refused(order_body(open_type, voucher="old")) == (422, {"voucher": ["This voucher code has expired."]})
    assert await refused(order_body(open_type, voucher="soon")) == (
        422,
        {"voucher": ["This voucher code is not valid yet."]},
    )
    assert await refused(order_body(open_type, voucher="other")) == (
        422,
        {"voucher": ["This voucher code is not valid for this ticket type."]},
    )
    assert (await post_order(client, summit, order_body(open_type, voucher="ONCE"))).status_code == 201
    assert await refused(order_body(open_type, voucher="ONCE")) == (
        409,
        {"voucher": ["This voucher code has been used up."]},
    )
    assert (await post_order(client, summit, order_body(open_type, 2))).status_code == 201
    assert await refused(order_body(open_type, 1)) == (409, {"ticket_type": ["This ticket type is sold out."]})
    assert await Order.all().count() == 2


async def test_payment_provider_down_releases_the_hold_and_answers_503(
    client: httpx.AsyncClient, fake: FakeStripe
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000, capacity=1)
    fake.fail_next.append(500)
    response = await post_order(client, summit, order_body(vip))
    assert response.status_code == 503
    assert await counters(vip) == (0, 0, 0)
    assert (await Order.get()).status == OrderStatus.CANCELLED
    again = await post_order(client, summit, order_body(vip))
    assert again.status_code == 201


async def test_paid_order_page_polls_and_shows_pay_now(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, fake: FakeStripe
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=5000)
    order, session = await paid_order(client, fake, summit, vip)
    # the buyer comes back from Stripe to the success_url, which carries the order's secret
    page = await client.get(session["success_url"].removeprefix("http://podium.test"))
    assert page.status_code == 200
    assert "waiting for payment" in page.text
    assert f'href="{session["url"]}"' in page.text
    assert "data-order-poll" in page.text
    state = await client.get(f"/orders/{order.id}/state", params={"secret": session["success_url"].split("=")[1]})
    assert state.json() == {"status": "pending"}
    assert (await other_client.get(f"/orders/{order.id}")).status_code == 404
    assert (await other_client.get(f"/orders/{order.id}/state?secret=wrong")).status_code == 404
