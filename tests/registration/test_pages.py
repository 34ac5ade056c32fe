"""The ticket pages: the summit's tickets, the order form (re-rendered with values and errors), the ticket
page with its QR code and the name correction until the cut-off, the organizers' pages, who may see what,
and the demo's tickets."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from podium.platform.audit import AuditEntry
from podium.platform.i18n import utcnow
from podium.platform.registration.demo import seed_demo_tickets
from podium.platform.registration.models import (
    Order,
    OrderStatus,
    Ticket,
    TicketType,
    Voucher,
    VoucherKind,
    WaitlistEntry,
)
from podium.tooling.fakestripe import FakeStripe
from tests.factories import make_summit, make_user
from tests.helpers import csrf_token, post_form, sign_in
from tests.registration.conftest import bearer, counters, make_ticket_type, order_body, organizer_of, post_order


async def test_buying_through_the_pages_reshows_the_form_with_errors_then_confirms(
    client: httpx.AsyncClient,
) -> None:
    summit = await make_summit(slug="ges", name_en="Global Summit")
    expo = await make_ticket_type(summit, name_en="Expo pass", capacity=10, max_per_order=3)
    detail = await client.get("/summits/ges")
    assert 'href="/summits/ges/tickets"' in detail.text
    listing = await client.get("/summits/ges/tickets")
    assert "Expo pass" in listing.text
    assert "10 seats left" in listing.text
    path = f"/summits/ges/tickets/{expo.id}/order?quantity=2"
    form = await client.get(path)
    assert 'name="attendees.1.email"' in form.text
    token = await csrf_token(client, path)
    data = {
        "csrf_token": token,
        "email": "buyer@example.com",
        "attendees.0.name": "Ada",
        "attendees.0.email": "ada@example.com",
        "attendees.1.name": "",
        "attendees.1.email": "not-an-address",
    }
    bad = await client.post(path, data=data)
    assert bad.status_code == 422
    assert 'value="Ada"' in bad.text
    assert 'value="not-an-address"' in bad.text
    assert "Enter a valid e-mail address" in bad.text
    assert 'href="#attendees.1.name"' in bad.text
    ok = await client.post(path, data={**data, "attendees.1.name": "Grace", "attendees.1.email": "grace@example.com"})
    assert ok.status_code == 303
    assert ok.headers["location"].startswith("/orders/")
    page = await client.get(ok.headers["location"])
    assert "confirmed" in page.text
    assert "Grace" in page.text
    assert await counters(expo) == (2, 0, 0)


async def test_ticket_page_shows_the_qr_code_and_takes_a_name_correction_until_the_cutoff(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(
        slug="ges", starts_on=date.today() + timedelta(days=30), ends_on=date.today() + timedelta(days=31)
    )
    expo = await make_ticket_type(summit)
    placed = await post_order(client, summit, order_body(expo))
    ticket = await Ticket.get(order_id=placed.json()["id"])
    page = await other_client.get(f"/tickets/{ticket.code}")  # the code alone opens the ticket, in any browser
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text
    assert "<style" not in page.text
    assert "Correct the name" in page.text
    renamed = await post_form(
        other_client, f"/tickets/{ticket.code}/name", {"name": "Ada King"}, page=f"/tickets/{ticket.code}"
    )
    assert renamed.status_code == 303
    assert (await Ticket.get(id=ticket.id)).name == "Ada King"
    assert await AuditEntry.filter(action="registration.ticket_renamed").count() == 1
    empty = await post_form(other_client, f"/tickets/{ticket.code}/name", {"name": ""}, page=f"/tickets/{ticket.code}")
    assert empty.status_code == 422

    await summit.__class__.filter(id=summit.id).update(starts_on=date.today() + timedelta(days=1))
    late = await post_form(
        other_client, f"/tickets/{ticket.code}/name", {"name": "Someone Else"}, page=f"/tickets/{ticket.code}"
    )
    assert late.status_code == 409
    assert "Names can no longer be changed" in late.text
    assert (await Ticket.get(id=ticket.id)).name == "Ada King"
    assert (await other_client.get("/tickets/not-a-real-code")).status_code == 404


async def test_unpaid_tickets_have_no_page(client: httpx.AsyncClient, fake: FakeStripe) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=100)
    placed = await post_order(client, summit, order_body(vip))
    ticket = await Ticket.get(order_id=placed.json()["id"])
    assert (await client.get(f"/tickets/{ticket.code}")).status_code == 404


async def test_access_to_orders_and_ticket_types(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    elsewhere = await make_summit(slug="other")
    expo = await make_ticket_type(summit)
    placed = (await post_order(client, summit, order_body(expo))).json()
    order_id, secret = placed["id"], placed["secret"]
    # another buyer, without the secret: the order does not exist
    assert (await other_client.get(f"/api/v1/orders/{order_id}")).status_code == 404
    assert (
        await other_client.get(f"/api/v1/orders/{order_id}", headers={"X-Order-Secret": "guess"})
    ).status_code == 404
    assert (await other_client.get(f"/orders/{order_id}")).status_code == 404
    assert (await other_client.get(f"/orders/{order_id}?secret={secret}")).status_code == 200
    assert (await other_client.get(f"/api/v1/orders/{order_id}", headers={"X-Order-Secret": secret})).status_code == 200
    # organizers see every order of their summit, with their token; others' organizers do not
    _user, headers = await organizer_of(summit)
    assert (await other_client.get(f"/api/v1/orders/{order_id}", headers=headers)).status_code == 200
    _other, other_headers = await organizer_of(elsewhere)
    assert (await other_client.get(f"/api/v1/orders/{order_id}", headers=other_headers)).status_code == 404
    # creating ticket types: anonymous 401, a signed-in stranger or another summit's organizer 404
    body = {"name": "Day pass", "price": 0, "currency": "CNY", "capacity": 500}
    assert (await other_client.post("/api/v1/summits/ges/ticket-types", json=body)).status_code == 401
    stranger = await bearer(await make_user(email="stranger@example.com"))
    assert (await other_client.post("/api/v1/summits/ges/ticket-types", json=body, headers=stranger)).status_code == 404
    denied = await other_client.post("/api/v1/summits/ges/ticket-types", json=body, headers=other_headers)
    assert denied.status_code == 404
    created = await other_client.post("/api/v1/summits/ges/ticket-types", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert set(created.json()) >= {"id", "name", "price", "currency", "remaining"}
    made = await TicketType.get(id=created.json()["id"])
    assert (made.name_en, made.price, made.currency, made.capacity) == ("Day pass", 0, "CNY", 500)
    listed = (await other_client.get("/api/v1/summits/ges/ticket-types")).json()["items"]
    assert [(t["id"], t["name"], t["price"], t["currency"], t["remaining"]) for t in listed] == [
        (expo.id, expo.name_en, 0, "CNY", 99),
        (made.id, "Day pass", 0, "CNY", 500),
    ]
    bad = await other_client.post(
        "/api/v1/summits/ges/ticket-types", json={"name": "X", "price": -5, "capacity": 0}, headers=headers
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"price", "capacity"}
    # the organizer pages
    stranger_user = await make_user(email="pages@example.com")
    await sign_in(other_client, stranger_user.email)
    for page in (
        "/organize/summits/ges/tickets",
        "/organize/summits/ges/vouchers",
        f"/organize/ticket-types/{expo.id}",
    ):
        assert (await other_client.get(page)).status_code == 404, page


async def test_organizer_sets_up_types_and_vouchers_and_capacity_never_drops_below_what_is_taken(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, fake: FakeStripe
) -> None:
    summit = await make_summit(slug="ges", currency="USD")
    user, _headers = await organizer_of(summit)
    await sign_in(client, user.email)
    page = "/organize/summits/ges/tickets"
    created = await post_form(
        client,
        page,
        {"name_en": "Delegate", "price": "499.50", "currency": "usd", "capacity": "3", "max_per_order": "2"},
        page=page,
    )
    assert created.status_code == 303, created.text
    delegate = await TicketType.get(summit_id=summit.id)
    assert (delegate.price, delegate.currency, delegate.capacity) == (49950, "USD", 3)
    bad = await post_form(client, page, {"name_en": "", "price": "abc", "capacity": "0"}, page=page)
    assert bad.status_code == 422
    assert "Enter an amount like 1280 or 99.50" in bad.text
    assert "Enter the number of seats" in bad.text

    assert (await post_order(other_client, summit, order_body(delegate, 2))).status_code == 201
    vouchers = "/organize/summits/ges/vouchers"
    too_many = await post_form(
        client,
        vouchers,
        {"code": "vip", "ticket_type": str(delegate.id), "kind": "free", "reserved": "2"},
        page=vouchers,
    )
    assert too_many.status_code == 422
    assert "Only 1 seats are free to set aside." in too_many.text
    made = await post_form(
        client,
        vouchers,
        {
            "code": "vip",
            "ticket_type": str(delegate.id),
            "kind": "fixed",
            "value": "100",
            "reserved": "1",
            "active": "on",
        },
        page=vouchers,
    )
    assert made.status_code == 303, made.text
    voucher = await Voucher.get(code="VIP")
    assert (voucher.kind, voucher.value, voucher.reserved) == (VoucherKind.FIXED, 10000, 1)
    assert await counters(delegate) == (0, 2, 1)
    listing = await client.get(vouchers)
    assert "VIP" in listing.text
    duplicate = await post_form(client, vouchers, {"code": "VIP", "kind": "percent", "value": "10"}, page=vouchers)
    assert duplicate.status_code == 422
    assert "already has this code" in duplicate.text

    edit = f"/organize/ticket-types/{delegate.id}"
    lowered = await post_form(
        client, edit, {"name_en": "Delegate", "price": "499.50", "currency": "USD", "capacity": "2"}, page=edit
    )
    assert lowered.status_code == 422
    assert "3 seats are sold, held or set aside: the capacity cannot be lower." in lowered.text
    assert (await TicketType.get(id=delegate.id)).capacity == 3
    raised = await post_form(
        client, edit, {"name_en": "Delegate", "price": "450", "currency": "USD", "capacity": "10"}, page=edit
    )
    assert raised.status_code == 303
    assert (await TicketType.get(id=delegate.id)).price == 45000
    voucher_page = f"/organize/vouchers/{voucher.id}"
    assert "VIP" in (await client.get(voucher_page)).text
    released = await post_form(
        client,
        voucher_page,
        {
            "code": "VIP",
            "ticket_type": str(delegate.id),
            "kind": "fixed",
            "value": "100",
            "reserved": "0",
            "active": "on",
        },
        page=voucher_page,
    )
    assert released.status_code == 303, released.text
    assert await counters(delegate) == (0, 2, 0)


async def test_demo_tickets_are_seeded_once(app: object) -> None:
    summit = await make_summit(
        slug="ges-2027", starts_on=date.today() + timedelta(days=90), ends_on=date.today() + timedelta(days=92)
    )
    assert await seed_demo_tickets(summit) is True
    assert await seed_demo_tickets(summit) is False
    types = {t.name_en: t for t in await TicketType.filter(summit_id=summit.id)}
    assert types["Expo pass"].price == 0
    assert types["Summit pass"].price > 0
    assert types["Investor pass"].hidden
    gala = types["Gala dinner"]
    assert gala.remaining == 0
    assert await WaitlistEntry.filter(ticket_type_id=gala.id).count() == 4
    assert await Voucher.filter(summit_id=summit.id).count() == 3
    for ticket_type in types.values():
        sold = sum(o.quantity for o in await Order.filter(ticket_type_id=ticket_type.id, status=OrderStatus.PAID))
        assert ticket_type.sold == sold
        assert ticket_type.sold + ticket_type.held + ticket_type.reserved <= ticket_type.capacity
    partner = await Voucher.get(code="PARTNER-2027")
    assert types["Summit pass"].reserved == partner.reserved - partner.reserved_taken
    assert utcnow() < (types["Expo pass"].sales_end or utcnow())
