"""The waitlist: join a sold-out type; a freed seat is offered to the next person and held for them; an offer
nobody claims passes on; a claimed offer becomes an order for that seat."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from podium.platform import jobs
from podium.platform.i18n import utcnow
from podium.platform.registration.models import Order, OrderStatus, WaitlistEntry, WaitlistStatus
from podium.platform.registration.services import orders, waitlist
from podium.settings import Settings
from podium.tooling.fakestripe import FakeStripe
from tests.conftest import JobRunner, SmtpSink
from tests.factories import make_summit
from tests.helpers import body_text, csrf_token, post_form, sign_in
from tests.registration.conftest import counters, make_ticket_type, order_body, organizer_of, paid_order, post_order


def _claim_path(mailbox: SmtpSink, to: str) -> str:
    offers = [m for m in mailbox.messages if m["To"] == to and "seat is free" in str(m["Subject"])]
    assert len(offers) == 1, [str(m["Subject"]) for m in mailbox.messages]
    found = re.search(r"http://podium\.test(/waitlist/\S+)", body_text(offers[0]))
    assert found is not None
    return found.group(1)


async def _join(client: httpx.AsyncClient, path: str, email: str) -> httpx.Response:
    return await post_form(client, path, {"email": email, "name": email.split("@")[0]}, page=path)


async def test_offers_pass_down_the_queue_and_the_claim_buys_the_held_seat(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    fake: FakeStripe,
    run_jobs: JobRunner,
    mailbox: SmtpSink,
    settings: Settings,
) -> None:
    summit = await make_summit(slug="ges")
    gala = await make_ticket_type(summit, name_en="Gala dinner", price=68000, capacity=1)
    holder, _session = await paid_order(other_client, fake, summit, gala)
    page = await client.get("/summits/ges/tickets")
    assert "Sold out" in page.text
    path = f"/summits/ges/tickets/{gala.id}/waitlist"
    first = await _join(client, path, "first@example.com")
    assert first.status_code == 200
    assert "Your place in the queue: 1" in first.text
    await _join(client, path, "second@example.com")
    await _join(client, path, "first@example.com")  # joining again keeps the first place
    assert await WaitlistEntry.filter(status=WaitlistStatus.WAITING).count() == 2

    await Order.filter(id=holder.id).update(hold_expires_at=utcnow() - timedelta(seconds=1))
    await orders.release_lapsed(settings=settings)
    assert await counters(gala) == (0, 1, 0)  # the freed seat stays held, for the first in line
    assert (await post_order(other_client, summit, order_body(gala))).status_code == 409
    await run_jobs.run()
    _claim_path(mailbox, "first@example.com")

    # the first offer lapses unclaimed: the seat passes to the second person
    await WaitlistEntry.filter(email="first@example.com").update(offer_expires_at=utcnow() - timedelta(seconds=1))
    assert await waitlist.expire_offers(settings=settings) == 1
    assert await counters(gala) == (0, 1, 0)
    await run_jobs.run()
    claim = _claim_path(mailbox, "second@example.com")
    assert (await client.get(_claim_path(mailbox, "first@example.com"))).status_code == 404

    form = await client.get(claim)
    assert form.status_code == 200
    assert "A seat is held for you" in form.text
    token = await csrf_token(client, claim)
    taken = await client.post(
        claim,
        data={
            "csrf_token": token,
            "email": "second@example.com",
            "attendees.0.name": "Second Person",
            "attendees.0.email": "second@example.com",
        },
    )
    assert taken.status_code == 303
    assert taken.headers["location"].startswith("http://podium.test/_fake-stripe/pay/")
    entry = await WaitlistEntry.get(email="second@example.com")
    assert (entry.status, entry.seat_held) == (WaitlistStatus.CLAIMED, False)
    assert entry.order_id is not None
    assert await counters(gala) == (0, 1, 0)  # still the same one seat, now held by the order
    assert (await client.get(claim)).status_code == 404  # the link works once

    pay_page = await client.get(taken.headers["location"].removeprefix("http://podium.test"))
    assert "Test payment: no money moves" in pay_page.text
    token = await csrf_token(client, taken.headers["location"].removeprefix("http://podium.test"))
    paid = await client.post(taken.headers["location"], data={"csrf_token": token, "action": "pay"})
    assert paid.status_code == 303
    await run_jobs.run()
    order = await Order.get(id=entry.order_id)
    assert order.status == OrderStatus.PAID
    assert await counters(gala) == (1, 0, 0)


async def test_joining_is_for_sold_out_types_only(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit, capacity=10)
    refused = await _join(client, f"/summits/ges/tickets/{expo.id}/waitlist", "a@example.com")
    assert refused.status_code == 422
    assert "not sold out" in refused.text
    bad = await post_form(
        client, f"/summits/ges/tickets/{expo.id}/waitlist", {"email": "nope"}, page="/summits/ges/tickets"
    )
    assert bad.status_code == 422
    assert await WaitlistEntry.all().count() == 0


async def test_more_capacity_goes_to_the_waitlist_first(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit, capacity=1)
    assert (await post_order(client, summit, order_body(expo))).status_code == 201
    path = f"/summits/ges/tickets/{expo.id}/waitlist"
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        await _join(client, path, email)
    user, _headers = await organizer_of(summit)
    await sign_in(client, user.email)
    page = f"/organize/ticket-types/{expo.id}"
    token = await csrf_token(client, page)
    saved = await client.post(
        page,
        data={"csrf_token": token, "name_en": expo.name_en, "price": "0", "currency": "CNY", "capacity": "3"},
    )
    assert saved.status_code == 303, saved.text
    await run_jobs.run()
    assert await counters(expo) == (1, 2, 0)
    statuses = {e.email: e.status for e in await WaitlistEntry.all()}
    assert statuses == {
        "a@example.com": WaitlistStatus.OFFERED,
        "b@example.com": WaitlistStatus.OFFERED,
        "c@example.com": WaitlistStatus.WAITING,
    }
    await jobs.enqueue(jobs.JobName.OFFER_WAITLIST, ticket_type_id=expo.id)
    await run_jobs.run()  # nothing free: nothing more offered
    assert await counters(expo) == (1, 2, 0)
    assert sorted(str(m["To"]) for m in mailbox.messages if "seat is free" in str(m["Subject"])) == [
        "a@example.com",
        "b@example.com",
    ]
