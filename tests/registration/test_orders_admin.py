"""The organizers' orders and attendees: filters, search and sorting in a fixed number of queries, CSV and XLSX
exports of what is shown, the sales chart, capacity edits that never go below what is taken (even racing
buyers), resending tickets at most once in ten minutes, and who may see any of it."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from podium.platform import jobs
from podium.platform.audit import AuditEntry
from podium.platform.auth import Actor, load_roles
from podium.platform.errors import InvalidInput, TooManyRequests
from podium.platform.notifications.models import Notification
from podium.platform.registration.forms import TicketTypeForm
from podium.platform.registration.models import (
    Order,
    OrderStatus,
    SeatState,
    Ticket,
    TicketStatus,
    TicketType,
    Voucher,
)
from podium.platform.registration.services import catalog, orders_admin, sales_chart
from podium.platform.summits.models import Role, Summit
from podium.platform.users.models import User
from podium.settings import Settings
from podium.tooling.fakestripe import FakeStripe
from tests.conftest import JobRunner, SmtpSink
from tests.factories import grant, make_summit, make_user
from tests.helpers import count_queries, post_form, sign_in
from tests.registration.conftest import attendee, counters, make_ticket_type, order_body, post_order

_seq = itertools.count(1)


async def make_order(
    ticket_type: TicketType,
    *people: dict[str, Any],
    status: OrderStatus = OrderStatus.PAID,
    created_at: datetime | None = None,
    voucher: Voucher | None = None,
    **fields: Any,
) -> Order:
    """An order written directly (no seats counted, no mail), with a ticket per attendee."""
    n = next(_seq)
    people = people or (attendee(n),)
    paid = status == OrderStatus.PAID
    order = await Order.create(
        summit_id=ticket_type.summit_id,
        ticket_type_id=ticket_type.id,
        voucher_id=voucher.id if voucher else None,
        email=fields.pop("email", f"buyer{n}@example.com"),
        name=fields.pop("name", f"Buyer {n}"),
        quantity=len(people),
        unit_price=ticket_type.price,
        total=ticket_type.price * len(people),
        currency=ticket_type.currency,
        status=status,
        seat_state=SeatState.SOLD if paid else SeatState.HELD if status == OrderStatus.PENDING else SeatState.RELEASED,
        secret_hash=f"hash-{n}",
        checkout_key=f"key-{n}",
        paid_at=fields.pop("paid_at", created_at) if paid else None,
        **fields,
    )
    if created_at is not None:
        await Order.filter(id=order.id).update(created_at=created_at)
    ticket_status = {OrderStatus.PAID: TicketStatus.ISSUED, OrderStatus.PENDING: TicketStatus.PENDING}
    await Ticket.bulk_create(
        [
            Ticket(
                order_id=order.id,
                summit_id=ticket_type.summit_id,
                ticket_type_id=ticket_type.id,
                position=i,
                code=f"code-{n}-{i}",
                name=person["name"],
                email=person["email"],
                organisation=person.get("organisation", ""),
                country=person.get("country", ""),
                locale=person.get("locale", "en"),
                status=ticket_status.get(status, TicketStatus.VOID),
            )
            for i, person in enumerate(people, start=1)
        ]
    )
    return await Order.get(id=order.id)


async def organizer_session(client: httpx.AsyncClient, summit: Summit, role: Role = Role.ORGANIZER) -> User:
    user = await make_user(email=f"{role.value}{next(_seq)}@{summit.slug}.example")
    await grant(summit, user, role)
    await sign_in(client, user.email)
    return user


async def actor_for(user: User) -> Actor:
    return Actor(user=user, roles=await load_roles(user.id))


def ids_on(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td><a href="/orders/(\d+)">', html)]


# ---- orders ----------------------------------------------------------------------------------------


async def test_orders_are_filtered_searched_and_sorted_case_insensitively(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges", timezone="Asia/Shanghai")
    expo = await make_ticket_type(summit, name_en="Expo pass")
    vip = await make_ticket_type(summit, name_en="VIP pass", price=50000)
    partner = await Voucher.create(summit=summit, code="PARTNER", ticket_type=vip, value=10)
    # 2026-05-01 23:30 in Shanghai is 15:30 UTC; 2026-05-02 00:30 there is 16:30 UTC on the 1st.
    ada = await make_order(
        expo,
        attendee(1, name="Ada Lovelace", email="ada@example.com"),
        name="Charles Babbage",
        email="Charles@Engine.example",
        created_at=datetime(2026, 5, 1, 15, 30, tzinfo=UTC),
    )
    li = await make_order(
        vip,
        attendee(2, name="李娜", email="li.na@example.cn"),
        attendee(3, name="Grace Hopper", email="grace@navy.example"),
        voucher=partner,
        created_at=datetime(2026, 5, 1, 16, 30, tzinfo=UTC),
    )
    pending = await make_order(vip, status=OrderStatus.PENDING, created_at=datetime(2026, 5, 3, 2, tzinfo=UTC))
    other_summit = await make_ticket_type(await make_summit(slug="other"), name_en="Elsewhere")
    await make_order(other_summit, attendee(9, name="Ada Elsewhere"))
    await organizer_session(client, summit)

    async def shown(query: str) -> list[int]:
        page = await client.get(f"/organize/summits/ges/orders?{query}")
        assert page.status_code == 200, page.text
        return ids_on(page.text)

    assert await shown("") == [pending.id, li.id, ada.id]  # newest first
    assert await shown("sort=oldest") == [ada.id, li.id, pending.id]
    assert await shown("sort=total") == [li.id, pending.id, ada.id]
    assert await shown("q=charles%40ENGINE") == [ada.id]  # the buyer's e-mail, any case
    assert await shown("q=babbage") == [ada.id]  # the buyer's name
    assert await shown("q=LOVELACE") == [ada.id]  # an attendee's name
    assert await shown("q=grace+HOPPER") == [li.id]  # every word, in one attendee or another
    assert await shown("q=李娜") == [li.id]
    assert await shown("q=NAVY.example") == [li.id]  # an attendee's e-mail
    assert await shown(f"q=%23{pending.id}") == [pending.id]  # the order number
    assert await shown("q=ada+nobody") == []
    assert await shown(f"type={vip.id}") == [pending.id, li.id]
    assert await shown("status=pending") == [pending.id]
    assert await shown("voucher=any") == [li.id]
    assert await shown("voucher=none") == [pending.id, ada.id]
    assert await shown(f"voucher={partner.id}") == [li.id]
    # days in the summit's time zone, both ends included
    assert await shown("from=2026-05-01&to=2026-05-01") == [ada.id]
    assert await shown("from=2026-05-02&to=2026-05-02") == [li.id]
    assert await shown("from=2026-05-02") == [pending.id, li.id]
    # nonsense is ignored, not refused
    assert await shown("status=bogus&type=x&from=never&sort=drop+table") == [pending.id, li.id, ada.id]
    page = await client.get("/organize/summits/ges/orders?q=ada")
    assert "Charles Babbage" in page.text
    assert "Ada Lovelace" in page.text
    assert 'value="ada"' in page.text
    assert f'href="/orders/{ada.id}"' in page.text
    assert "Ada Elsewhere" not in page.text


async def test_orders_page_costs_the_same_queries_whatever_the_page_size_or_rows(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit)
    voucher = await Voucher.create(summit=summit, code="V1", ticket_type=expo, value=10)
    await make_order(expo, attendee(1))
    await organizer_session(client, summit)
    path = "/organize/summits/ges/orders"
    assert (await client.get(path)).status_code == 200  # warm: roles and templates cached alike

    async def cost(query: str, expected_rows: int) -> int:
        with count_queries() as counted:
            page = await client.get(f"{path}?{query}")
        assert page.status_code == 200
        assert len(ids_on(page.text)) == expected_rows
        return len(counted.queries)

    one = await cost("size=1", 1)
    for n in range(2, 5):
        await make_order(expo, attendee(n), attendee(n + 10), voucher=voucher if n % 2 else None)
    assert await cost("size=1", 1) == one
    assert await cost("size=100", 4) == one
    assert await cost("size=100&q=attendee&voucher=any&type=" + str(expo.id), 1) == one


# ---- attendees -------------------------------------------------------------------------------------


async def test_attendees_are_filtered_by_type_state_check_in_and_country_and_searched(
    client: httpx.AsyncClient,
) -> None:
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit, name_en="Expo pass")
    vip = await make_ticket_type(summit, name_en="VIP pass")
    paid = await make_order(
        expo,
        attendee(1, name="Ada Lovelace", country="GB", organisation="Analytical Engines"),
        attendee(2, name="Wang Fang", country="CN"),
    )
    pending = await make_order(vip, attendee(3, name="Grace Hopper", country="US"), status=OrderStatus.PENDING)
    await make_order(vip, attendee(4, name="Void Person", country="CN"), status=OrderStatus.CANCELLED)
    await Ticket.filter(order_id=paid.id, name="Wang Fang").update(checked_in_at=datetime(2026, 9, 18, 1, tzinfo=UTC))
    await organizer_session(client, summit)

    async def names(query: str) -> list[str]:
        page = await client.get(f"/organize/summits/ges/attendees?{query}")
        assert page.status_code == 200, page.text
        return re.findall(r"<tr>\s*<td>([^<]+)", page.text)

    assert await names("") == ["Ada Lovelace", "Grace Hopper", "Void Person", "Wang Fang"]
    assert await names("status=issued") == ["Ada Lovelace", "Wang Fang"]
    assert await names("status=pending") == ["Grace Hopper"]
    assert await names("status=void") == ["Void Person"]
    assert await names("checked_in=yes") == ["Wang Fang"]
    assert await names("checked_in=no&status=issued") == ["Ada Lovelace"]
    assert await names("country=cn") == ["Void Person", "Wang Fang"]
    assert await names(f"type={vip.id}") == ["Grace Hopper", "Void Person"]
    assert await names("q=ANALYTICAL") == ["Ada Lovelace"]
    assert await names(f"q=%23{pending.id}") == ["Grace Hopper"]  # "#2": the order, not attendee2@
    page = await client.get("/organize/summits/ges/attendees")
    assert page.text.count('action="/organize/tickets/') == 2  # resend: issued tickets only
    assert '<option value="CN"' in page.text  # the countries the attendees come from
    assert '<option value="FR"' not in page.text

    with count_queries() as few:
        await client.get("/organize/summits/ges/attendees?size=1")
    for n in range(5, 9):
        await make_order(expo, attendee(n, country="DE"))
    with count_queries() as many:
        await client.get("/organize/summits/ges/attendees?size=100&q=attendee")
    assert len(many.queries) == len(few.queries)


# ---- exports ---------------------------------------------------------------------------------------


async def test_exports_follow_the_filters_and_quote_formulas(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges", timezone="Asia/Shanghai")
    expo = await make_ticket_type(summit, name_en="Expo pass", name_zh="展览通票")
    vip = await make_ticket_type(summit, name_en="=VIP", price=128050, currency="CNY")
    evil = await make_order(
        expo,
        attendee(1, name='=HYPERLINK("http://evil.example","x")', email="evil@example.com"),
        attendee(2, name="李娜", email="li@example.cn", country="CN"),
        name="+Buyer",
        created_at=datetime(2026, 5, 1, 16, 30, tzinfo=UTC),
    )
    paid = await make_order(vip, attendee(3, name="Grace"), created_at=datetime(2026, 5, 2, 1, tzinfo=UTC))
    await organizer_session(client, summit)

    listing = await client.get(f"/organize/summits/ges/orders?type={expo.id}")
    assert f'href="/organize/summits/ges/orders/export.csv?type={expo.id}"' in listing.text

    response = await client.get(f"/organize/summits/ges/orders/export.csv?type={expo.id}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="ges-orders.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["order", "status", "ordered_at (Asia/Shanghai)", "paid_at (Asia/Shanghai)"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["order"] == str(evil.id)
    assert row["ordered_at (Asia/Shanghai)"] == "2026-05-02 00:30:00"
    assert row["buyer_name"] == "'+Buyer"
    assert row["ticket_type_zh"] == "展览通票"
    assert row["attendees"] == '\'=HYPERLINK("http://evil.example","x") <evil@example.com>; 李娜 <li@example.cn>'

    xlsx = await client.get("/organize/summits/ges/orders/export.xlsx?sort=oldest")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [[cell.value for cell in line] for line in sheet.iter_rows()]
    header = cells[0]
    assert [line[0] for line in cells[1:]] == [evil.id, paid.id]
    vip_row = dict(zip(header, cells[2], strict=True))
    assert vip_row["ticket_type_en"] == "'=VIP"
    assert str(vip_row["total"]) == "1280.5"
    assert vip_row["ordered_at (Asia/Shanghai)"] == datetime(2026, 5, 2, 9, 0)
    assert all(not (isinstance(v, str) and v.startswith("=")) for line in cells for v in line)

    people = await client.get("/organize/summits/ges/attendees/export.csv?country=CN")
    people_rows = list(csv.reader(io.StringIO(people.content.decode("utf-8-sig"))))
    assert [r[3] for r in people_rows] == ["name", "李娜"]
    everyone = await client.get("/organize/summits/ges/attendees/export.xlsx")
    book = load_workbook(io.BytesIO(everyone.content)).active
    assert book is not None
    names = [line[3].value for line in book.iter_rows()]
    assert names == ["name", '\'=HYPERLINK("http://evil.example","x")', "李娜", "Grace"]
    assert (await client.get("/organize/summits/ges/orders/export.pdf")).status_code == 404


async def test_large_csv_export_streams_every_row_in_batches(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(orders_admin, "EXPORT_BATCH", 3)
    summit = await make_summit(slug="ges")
    expo = await make_ticket_type(summit)
    made = [await make_order(expo, attendee(n)) for n in range(7)]
    await organizer_session(client, summit)
    with count_queries() as counted:
        response = await client.get("/organize/summits/ges/orders/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [int(r[0]) for r in rows[1:]] == [o.id for o in made]
    batches = [q for q in counted.queries if "registration_order" in q and "LIMIT" in q.upper()]
    assert len(batches) == 3  # 3 + 3 + 1 rows


# ---- the sales chart -------------------------------------------------------------------------------


def test_sales_count_on_the_summits_calendar_day() -> None:
    rows = [
        (1, datetime(2026, 5, 1, 15, 59, tzinfo=UTC), 2),  # 23:59 in Shanghai
        (1, datetime(2026, 5, 1, 16, 0, tzinfo=UTC), 1),  # 00:00 on the 2nd there
        (2, datetime(2026, 5, 1, 17, 0, tzinfo=UTC), 4),
    ]
    assert sales_chart.daily_sales(rows, "Asia/Shanghai") == {date(2026, 5, 1): {1: 2}, date(2026, 5, 2): {1: 1, 2: 4}}
    assert sales_chart.daily_sales(rows, "UTC") == {date(2026, 5, 1): {1: 3, 2: 4}}


@pytest.mark.parametrize(
    ("maximum", "step"), [(1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (26, 10), (500, 100), (501, 200), (9999, 2000)]
)
def test_nice_step_covers_the_maximum_in_at_most_five_steps(maximum: int, step: int) -> None:
    assert sales_chart.nice_step(maximum) == step
    assert step * 5 >= maximum


async def test_sales_chart_draws_running_totals_per_type_with_a_table_and_a_csv(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges", timezone="Asia/Shanghai", ends_on=date(2026, 5, 5))
    expo = await make_ticket_type(summit, name_en="Expo pass", name_zh="展览通票")
    vip = await make_ticket_type(summit, name_en="VIP pass", name_zh="贵宾通票", price=100)
    await make_order(expo, attendee(1), attendee(2), created_at=datetime(2026, 5, 1, 2, tzinfo=UTC))
    await make_order(vip, attendee(3), created_at=datetime(2026, 5, 1, 16, 30, tzinfo=UTC))  # the 2nd there
    await make_order(expo, attendee(4), created_at=datetime(2026, 5, 3, 3, tzinfo=UTC))
    await make_order(expo, attendee(5), status=OrderStatus.REFUNDED, created_at=datetime(2026, 5, 3, 3, tzinfo=UTC))
    await make_order(vip, attendee(6), status=OrderStatus.PENDING)
    await organizer_session(client, summit)

    page = await client.get("/organize/summits/ges/sales")
    assert page.status_code == 200
    html = page.text
    assert 'role="img"' in html
    assert " style=" not in html  # the CSP allows no inline style; presentation attributes only
    assert "<script" not in html.split("<main", 1)[1]
    assert html.count("<polyline") == 2
    assert "Day of payment (Asia/Shanghai)" in html
    assert "Tickets sold, running total" in html
    assert "May 1" in html
    table = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>((?:<td>\d+</td>)+)</tr>", html)
    assert [(day, re.findall(r"\d+", cells)) for day, cells in table] == [
        ("May 1, 2026", ["2", "0", "2"]),
        ("May 2, 2026", ["2", "1", "3"]),
        ("May 3, 2026", ["3", "1", "4"]),
    ]
    assert "Expo pass: 3 tickets sold" in html

    chinese = await client.get("/organize/summits/ges/sales?lang=zh_Hans")
    assert "5月1日" in chinese.text
    assert "贵宾通票" in chinese.text

    exported = await client.get("/organize/summits/ges/sales.csv")
    assert exported.headers["content-disposition"] == 'attachment; filename="ges-sales.csv"'
    assert list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))) == [
        ["date", "Expo pass / 展览通票", "VIP pass / 贵宾通票", "total"],
        ["2026-05-01", "2", "0", "2"],
        ["2026-05-02", "2", "1", "3"],
        ["2026-05-03", "3", "1", "4"],
    ]
    chart = await sales_chart.sales_of(
        actor=await actor_for(await User.get(email__startswith="organizer")), summit=summit
    )
    assert [line.total for line in chart.lines] == [3, 1]
    assert chart.lines[0].points.split()[0] == f"{sales_chart.LEFT}.0,{sales_chart.HEIGHT - sales_chart.BOTTOM}.0"
    assert len(chart.lines[0].points.split()) == 6  # 30 April (nothing yet) to 5 May, the summit's last day


async def test_sales_chart_without_sales_says_so(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges")
    await make_ticket_type(summit)
    await organizer_session(client, summit)
    page = await client.get("/organize/summits/ges/sales")
    assert "No tickets are sold yet." in page.text
    assert "<svg" not in page.text.split("<main", 1)[1]


# ---- capacity --------------------------------------------------------------------------------------


def _type_form(ticket_type: TicketType, capacity: int) -> TicketTypeForm:
    return TicketTypeForm(
        name_en=ticket_type.name_en, price=ticket_type.price, currency=ticket_type.currency, capacity=capacity
    )


async def test_capacity_never_drops_below_sold_held_and_set_aside(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, fake: FakeStripe
) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=100, capacity=10)
    free = await make_ticket_type(summit, capacity=10)
    user = await organizer_session(client, summit)
    assert (await post_order(other_client, summit, order_body(vip, 2))).status_code == 201  # held
    await TicketType.filter(id=vip.id).update(sold=3, reserved=2)
    edit = f"/organize/ticket-types/{vip.id}"
    fields = {"name_en": vip.name_en, "price": "1", "currency": "CNY"}
    refused = await post_form(client, edit, {**fields, "capacity": "6"}, page=edit)
    assert refused.status_code == 422
    assert "7 seats are sold, held or set aside: the capacity cannot be lower." in refused.text
    assert 'aria-invalid="true" aria-describedby="capacity-error"' in refused.text
    assert (await TicketType.get(id=vip.id)).capacity == 10
    assert (await post_form(client, edit, {**fields, "capacity": "7"}, page=edit)).status_code == 303
    assert (await TicketType.get(id=vip.id)).capacity == 7
    actor = await actor_for(user)
    await catalog.update_ticket_type(actor=actor, ticket_type=free, form=_type_form(free, 2))  # nothing taken
    assert (await post_order(other_client, summit, order_body(free, 2))).status_code == 201
    with pytest.raises(InvalidInput) as refusal:
        await catalog.update_ticket_type(actor=actor, ticket_type=free, form=_type_form(free, 1))
    assert refusal.value.errors == {"capacity": ["2 seats are sold, held or set aside: the capacity cannot be lower."]}
    assert await counters(await TicketType.get(id=free.id)) == (2, 0, 0)
    assert (await TicketType.get(id=free.id)).capacity == 2


@pytest.mark.parametrize("delay_ms", [0, 10, 25, 50, 100])
async def test_capacity_cut_racing_a_rush_of_buyers_never_oversells(client: httpx.AsyncClient, delay_ms: int) -> None:
    """60 buyers and an organizer lowering 100 seats to 30 a few milliseconds into their rush: either the cut
    lands while at most 30 are taken and no more are sold, or it is refused; never more sold than the capacity.
    (Both outcomes occur across the delays here.)"""
    summit = await make_summit(slug=f"race-{delay_ms}")
    expo = await make_ticket_type(summit, capacity=100, max_per_order=1)
    user = await make_user()
    await grant(summit, user)
    actor = await actor_for(user)
    fresh = await TicketType.get(id=expo.id)

    async def cut() -> dict[str, list[str]] | None:
        await asyncio.sleep(delay_ms / 1000)
        try:
            await catalog.update_ticket_type(actor=actor, ticket_type=fresh, form=_type_form(fresh, 30))
        except InvalidInput as exc:
            return exc.errors
        return None

    bodies = [{"ticket_type": expo.id, "quantity": 1, "attendees": [attendee(n)]} for n in range(60)]
    cutting = asyncio.create_task(cut())
    responses = await asyncio.gather(*(post_order(client, summit, body) for body in bodies))
    refused = await cutting
    sold = sum(1 for r in responses if r.status_code == 201)
    final = await TicketType.get(id=expo.id)
    assert final.sold == sold
    assert final.sold + final.held + final.reserved <= final.capacity
    assert await Ticket.filter(ticket_type_id=expo.id).count() == sold
    if refused is None:
        assert final.capacity == 30
        assert sold <= 30
    else:
        assert list(refused) == ["capacity"]
        assert final.capacity == 100
        assert sold > 30
    assert {r.status_code for r in responses} <= {201, 409}


# ---- resending tickets -----------------------------------------------------------------------------


async def test_resend_mails_the_tickets_again_at_most_once_in_ten_minutes_and_audits_it(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink, settings: Settings
) -> None:
    summit = await make_summit(slug="ges", name_en="Global Summit")
    expo = await make_ticket_type(summit)
    placed = await post_order(client, summit, order_body(expo, 2))
    order = await Order.get(id=placed.json()["id"])
    await run_jobs.run()
    assert len(mailbox.messages) == 2
    mailbox.messages.clear()
    user = await organizer_session(client, summit)

    page = await client.get(f"/orders/{order.id}")
    assert f'action="/organize/orders/{order.id}/resend"' in page.text
    done = await post_form(client, f"/organize/orders/{order.id}/resend", page=f"/orders/{order.id}")
    assert done.status_code == 303
    assert done.headers["location"] == f"/orders/{order.id}?notice=tickets-resent"
    assert "The tickets are e-mailed to their attendees again." in (await client.get(done.headers["location"])).text
    await run_jobs.run()
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["attendee1@example.com", "attendee2@example.com"]
    assert {str(m["Subject"]) for m in mailbox.messages} == {"Your ticket to Global Summit"}
    entries = await AuditEntry.filter(action=orders_admin.RESENT).order_by("id")
    tickets = await Ticket.filter(order_id=order.id).order_by("position")
    assert [(e.actor_id, e.object_id) for e in entries] == [(user.id, str(t.id)) for t in tickets]
    assert await Notification.filter(key__startswith="ticket-resent:").count() == 2

    again = await post_form(client, f"/organize/orders/{order.id}/resend", page=f"/orders/{order.id}")
    assert again.headers["location"] == f"/orders/{order.id}?notice=resend-too-soon"
    assert "less than 10 minutes ago" in (await client.get(again.headers["location"])).text
    back = "/organize/summits/ges/attendees?q=attendee&page=1"
    row = await post_form(client, f"/organize/tickets/{tickets[0].id}/resend", {"back": back}, page=back)
    assert row.headers["location"] == back + "&notice=resend-too-soon"
    assert await Notification.filter(key__startswith="ticket-resent:").count() == 2

    # Ten minutes on: Redis has let its keys go, and the audit entries are old enough.
    await jobs.redis().delete(*(f"podium:ticket-resend:{t.id}" for t in tickets))
    await AuditEntry.filter(action=orders_admin.RESENT).update(at=datetime.now(UTC) - timedelta(minutes=11))
    row = await post_form(client, f"/organize/tickets/{tickets[0].id}/resend", {"back": back}, page=back)
    assert row.headers["location"] == back + "&notice=tickets-resent"
    actor = await actor_for(user)
    with pytest.raises(TooManyRequests):  # that one again at once: Redis remembers
        await orders_admin.resend_tickets(actor=actor, order=order, ticket_id=tickets[0].id, settings=settings)
    await jobs.redis().delete(f"podium:ticket-resend:{tickets[0].id}")
    with pytest.raises(TooManyRequests):  # Redis forgot (a restart): the audit trail still says too soon
        await orders_admin.resend_tickets(actor=actor, order=order, ticket_id=tickets[0].id, settings=settings)
    # the whole order again: only the other ticket is due
    assert await orders_admin.resend_tickets(actor=actor, order=order, settings=settings) == 1
    keys = await Notification.filter(key__startswith="ticket-resent:").values_list("key", flat=True)
    assert len(set(keys)) == 4
    assert await AuditEntry.filter(action=orders_admin.RESENT).count() == 4


async def test_only_issued_tickets_are_resent(client: httpx.AsyncClient, fake: FakeStripe) -> None:
    summit = await make_summit(slug="ges")
    vip = await make_ticket_type(summit, price=100)
    pending = await make_order(vip, status=OrderStatus.PENDING)
    cancelled = await make_order(vip, status=OrderStatus.CANCELLED)
    await organizer_session(client, summit)
    for order in (pending, cancelled):
        refused = await post_form(client, f"/organize/orders/{order.id}/resend", page=f"/orders/{order.id}")
        assert refused.status_code == 409
        assert "Only issued tickets can be sent again" in refused.text
        assert f'action="/organize/orders/{order.id}/resend"' not in (await client.get(f"/orders/{order.id}")).text
    assert await AuditEntry.filter(action=orders_admin.RESENT).count() == 0


# ---- who may see what ------------------------------------------------------------------------------


async def test_only_the_summits_organizers_see_orders_attendees_sales_and_exports(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(slug="ges")
    elsewhere = await make_summit(slug="other")
    expo = await make_ticket_type(summit)
    order = await make_order(expo)
    ticket = await Ticket.get(order_id=order.id)
    pages = [
        "/organize/summits/ges/orders",
        "/organize/summits/ges/orders/export.csv",
        "/organize/summits/ges/orders/export.xlsx",
        "/organize/summits/ges/attendees",
        "/organize/summits/ges/attendees/export.csv",
        "/organize/summits/ges/attendees/export.xlsx",
        "/organize/summits/ges/sales",
        "/organize/summits/ges/sales.csv",
    ]
    posts = [f"/organize/orders/{order.id}/resend", f"/organize/tickets/{ticket.id}/resend"]
    for path in pages:
        anonymous = await other_client.get(path)
        assert anonymous.status_code == 303, path
        assert anonymous.headers["location"].startswith("/signin?next=")
    for path in posts:
        anonymous = await post_form(other_client, path, page="/signin")
        assert anonymous.status_code == 303, path
        assert anonymous.headers["location"].startswith("/signin?next=")

    door = await organizer_session(other_client, summit, Role.STAFF)
    for path in pages:
        assert (await other_client.get(path)).status_code == 404, path
    for path in posts:
        assert (await post_form(other_client, path, page="/")).status_code == 404, path
    await other_client.post("/signout", data={})  # a fresh browser for the next person
    other_client.cookies.clear()
    await organizer_session(other_client, elsewhere)
    for path in pages:
        assert (await other_client.get(path)).status_code == 404, path
    for path in posts:
        assert (await post_form(other_client, path, page="/")).status_code == 404, path
    assert door.id != 0

    await organizer_session(client, summit)
    for path in pages:
        assert (await client.get(path)).status_code == 200, path
    assert await AuditEntry.filter(action=orders_admin.RESENT).count() == 0
    assert await counters(expo) == (0, 0, 0)
