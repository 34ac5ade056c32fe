"""The organizers' orders and attendees: filters, search, sorting and one page in a fixed number of queries,
CSV and XLSX exports of the same selection, and tickets e-mailed again on request.

Search is case-insensitive on PostgreSQL and SQLite alike (UPPER(...) LIKE, Tortoise's icontains); every word
must match the buyer's or an attendee's name or e-mail, or be the order's number. Attendee matches come from a
subquery, so a page costs the same queries however many tickets match."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import anyio.to_thread
from openpyxl import Workbook
from tortoise.expressions import Q, Subquery
from tortoise.query_utils import Prefetch
from tortoise.queryset import QuerySet

from podium.platform import audit, i18n, jobs
from podium.platform.audit import AuditEntry
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, NotFound, TooManyRequests
from podium.platform.i18n import UTC, utcnow
from podium.platform.i18n import gettext as _
from podium.platform.notifications.services import notify
from podium.platform.pagination import MAX_PAGE_SIZE, Page
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.registration.models import Order, OrderStatus, Ticket, TicketStatus, TicketType, Voucher
from podium.platform.registration.services import tickets
from podium.platform.summits.models import Summit
from podium.settings import Settings

ORDERS_PAGE_SIZE = 50
EXPORT_BATCH = 2000
MAX_SEARCH_WORDS = 5
RESEND_INTERVAL = timedelta(minutes=10)
RESENT = "registration.ticket_resent"

ORDER_SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "total": ("-total", "-id"),
    "buyer": ("name", "email", "id"),
}
ATTENDEE_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "newest": ("-created_at", "-id"),
    "order": ("order_id", "position"),
}


# ---- filters ----------------------------------------------------------------------------------------


def _number(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _day(params: Mapping[str, str], name: str) -> date | None:
    try:
        return date.fromisoformat(params.get(name, "")[:10])
    except ValueError:
        return None


def page_size(params: Mapping[str, str]) -> int:
    size = _number(params, "size")
    return min(max(1, size), MAX_PAGE_SIZE) if size else ORDERS_PAGE_SIZE


@dataclass(frozen=True)
class OrderFilter:
    ticket_type_id: int | None = None
    status: OrderStatus | None = None
    voucher: str = ""  # "", "none", "any" or a voucher's id
    date_from: date | None = None  # days in the summit's time zone, both included
    date_to: date | None = None
    q: str = ""
    sort: str = "newest"


def order_filter(params: Mapping[str, str]) -> OrderFilter:
    """The filters from a query string; values that make no sense are ignored, not refused."""
    status = params.get("status", "")
    voucher = params.get("voucher", "")
    sort = params.get("sort", "")
    return OrderFilter(
        ticket_type_id=_number(params, "type"),
        status=OrderStatus(status) if status in {s.value for s in OrderStatus} else None,
        voucher=voucher if voucher in {"none", "any"} or _number(params, "voucher") is not None else "",
        date_from=_day(params, "from"),
        date_to=_day(params, "to"),
        q=" ".join(params.get("q", "").split())[:200],
        sort=sort if sort in ORDER_SORTS else "newest",
    )


@dataclass(frozen=True)
class AttendeeFilter:
    ticket_type_id: int | None = None
    status: TicketStatus | None = None
    checked_in: bool | None = None
    country: str = ""
    q: str = ""
    sort: str = "name"


def attendee_filter(params: Mapping[str, str]) -> AttendeeFilter:
    status = params.get("status", "")
    checked = params.get("checked_in", "")
    country = params.get("country", "").strip().upper()
    sort = params.get("sort", "")
    return AttendeeFilter(
        ticket_type_id=_number(params, "type"),
        status=TicketStatus(status) if status in {s.value for s in TicketStatus} else None,
        checked_in={"yes": True, "no": False}.get(checked),
        country=country if len(country) == 2 and country.isalpha() else "",
        q=" ".join(params.get("q", "").split())[:200],
        sort=sort if sort in ATTENDEE_SORTS else "name",
    )


def _words(q: str) -> list[str]:
    return q.split()[:MAX_SEARCH_WORDS]


def _order_number(word: str) -> int | None:
    digits = word.removeprefix("#")
    return int(digits) if digits.isdigit() and len(digits) < 10 else None


def _day_start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def orders_of(summit: Summit, selection: OrderFilter) -> QuerySet[Order]:
    queryset = Order.filter(summit_id=summit.id)
    if selection.ticket_type_id is not None:
        queryset = queryset.filter(ticket_type_id=selection.ticket_type_id)
    if selection.status is not None:
        queryset = queryset.filter(status=selection.status)
    if selection.voucher == "none":
        queryset = queryset.filter(voucher_id__isnull=True)
    elif selection.voucher == "any":
        queryset = queryset.filter(voucher_id__isnull=False)
    elif selection.voucher:
        queryset = queryset.filter(voucher_id=int(selection.voucher))
    if selection.date_from is not None:
        queryset = queryset.filter(created_at__gte=_day_start(selection.date_from, summit.timezone))
    if selection.date_to is not None:
        queryset = queryset.filter(created_at__lt=_day_start(selection.date_to + timedelta(days=1), summit.timezone))
    for word in _words(selection.q):
        attendees = Ticket.filter(Q(name__icontains=word) | Q(email__icontains=word), summit_id=summit.id)
        match = Q(name__icontains=word) | Q(email__icontains=word) | Q(id__in=Subquery(attendees.values("order_id")))
        number = _order_number(word)
        if number is not None:
            match |= Q(id=number)
        queryset = queryset.filter(match)
    return queryset


def attendees_of(summit: Summit, selection: AttendeeFilter) -> QuerySet[Ticket]:
    queryset = Ticket.filter(summit_id=summit.id)
    if selection.ticket_type_id is not None:
        queryset = queryset.filter(ticket_type_id=selection.ticket_type_id)
    if selection.status is not None:
        queryset = queryset.filter(status=selection.status)
    if selection.checked_in is not None:
        queryset = queryset.filter(checked_in_at__isnull=not selection.checked_in)
    if selection.country:
        queryset = queryset.filter(country=selection.country)
    for word in _words(selection.q):
        match = Q(name__icontains=word) | Q(email__icontains=word) | Q(organisation__icontains=word)
        number = _order_number(word)
        if number is not None:
            match |= Q(order_id=number)
        queryset = queryset.filter(match)
    return queryset


async def _page(queryset: QuerySet[Any], order_by: Sequence[str], number: int, size: int) -> tuple[list[Any], int, int]:
    total = await queryset.count()
    number = min(max(1, number), max(1, -(-total // size)))
    items = list(await queryset.order_by(*order_by).offset((number - 1) * size).limit(size))
    return items, number, total


# ---- pages ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """What the filters offer: the summit's ticket types and vouchers, and the attendees' countries."""

    ticket_types: list[TicketType]
    vouchers: list[Voucher]
    countries: list[str]


async def choices(*, actor: Actor, summit: Summit, countries: bool = False) -> Choices:
    ensure(can_manage_summit(actor, summit.id))
    types = await TicketType.filter(summit_id=summit.id).order_by("position", "id")
    vouchers = await Voucher.filter(summit_id=summit.id).order_by("code")
    found: list[str] = []
    if countries:
        listed = Ticket.filter(summit_id=summit.id).exclude(country="").distinct().order_by("country")
        found = list(await listed.values_list("country", flat=True))  # type: ignore[arg-type]
    return Choices(list(types), list(vouchers), found)


async def page_of_orders(
    *, actor: Actor, summit: Summit, selection: OrderFilter, page: int, size: int = ORDERS_PAGE_SIZE
) -> Page[Order]:
    """One page with each order's type, voucher and tickets: a count and two selects, whatever the page."""
    ensure(can_manage_summit(actor, summit.id))
    queryset = (
        orders_of(summit, selection)
        .select_related("ticket_type", "voucher")
        .prefetch_related(Prefetch("tickets", queryset=Ticket.all().order_by("position")))
    )
    items, number, total = await _page(queryset, ORDER_SORTS[selection.sort], page, size)
    return Page(items=items, number=number, size=size, total=total)


async def page_of_attendees(
    *, actor: Actor, summit: Summit, selection: AttendeeFilter, page: int, size: int = ORDERS_PAGE_SIZE
) -> Page[Ticket]:
    """One page of tickets with their type and order: a count and one joined select."""
    ensure(can_manage_summit(actor, summit.id))
    queryset = attendees_of(summit, selection).select_related("ticket_type", "order")
    items, number, total = await _page(queryset, ATTENDEE_SORTS[selection.sort], page, size)
    return Page(items=items, number=number, size=size, total=total)


# ---- exports ----------------------------------------------------------------------------------------

ORDER_FIELDS = (
    "id",
    "status",
    "created_at",
    "paid_at",
    "name",
    "email",
    "quantity",
    "unit_price",
    "discount",
    "total",
    "currency",
    "refund_state",
    "refunded_amount",
)
ATTENDEE_FIELDS = (
    "id",
    "order_id",
    "status",
    "name",
    "email",
    "organisation",
    "country",
    "locale",
    "issued_at",
    "checked_in_at",
)


def _local(value: datetime | None, zone: ZoneInfo) -> datetime | str:
    """Wall-clock time in the summit's zone, without tzinfo: spreadsheets cannot store an offset."""
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0) if value else ""


def _amount(minor: int, currency: str) -> object:
    return i18n.minor_to_decimal(minor, currency) if i18n.is_currency(currency) else minor


def order_header(timezone: str) -> tuple[str, ...]:
    return (
        "order",
        "status",
        f"ordered_at ({timezone})",
        f"paid_at ({timezone})",
        "buyer_name",
        "buyer_email",
        "ticket_type_en",
        "ticket_type_zh",
        "quantity",
        "unit_price",
        "discount",
        "total",
        "currency",
        "voucher",
        "refund",
        "refunded",
        "attendees",
    )


def attendee_header(timezone: str) -> tuple[str, ...]:
    return (
        "ticket",
        "order",
        "status",
        "name",
        "email",
        "organisation",
        "country",
        "language",
        "ticket_type_en",
        "ticket_type_zh",
        f"issued_at ({timezone})",
        f"checked_in_at ({timezone})",
    )


async def order_rows(summit: Summit, selection: OrderFilter) -> AsyncIterator[list[tuple[object, ...]]]:
    """The header, then the matching orders by number, EXPORT_BATCH at a time (two queries a batch)."""
    zone = ZoneInfo(summit.timezone)
    yield [order_header(summit.timezone)]
    last = 0
    while True:
        batch = await (
            orders_of(summit, selection)
            .filter(id__gt=last)
            .order_by("id")
            .limit(EXPORT_BATCH)
            .values(*ORDER_FIELDS, type_en="ticket_type__name_en", type_zh="ticket_type__name_zh", code="voucher__code")
        )
        if not batch:
            return
        ids = [row["id"] for row in batch]
        people: dict[int, list[str]] = {}
        for order_id, name, email in await (
            Ticket.filter(order_id__in=ids).order_by("order_id", "position").values_list("order_id", "name", "email")
        ):
            people.setdefault(order_id, []).append(f"{name} <{email}>")
        yield [
            (
                row["id"],
                str(row["status"]),
                _local(row["created_at"], zone),
                _local(row["paid_at"], zone),
                row["name"],
                row["email"],
                row["type_en"],
                row["type_zh"],
                row["quantity"],
                _amount(row["unit_price"], row["currency"]),
                _amount(row["discount"], row["currency"]),
                _amount(row["total"], row["currency"]),
                row["currency"],
                row["code"] or "",
                str(row["refund_state"]),
                _amount(row["refunded_amount"], row["currency"]),
                "; ".join(people.get(row["id"], [])),
            )
            for row in batch
        ]
        if len(batch) < EXPORT_BATCH:
            return
        last = ids[-1]


async def attendee_rows(summit: Summit, selection: AttendeeFilter) -> AsyncIterator[list[tuple[object, ...]]]:
    """The header, then the matching tickets by number, EXPORT_BATCH at a time (one query a batch)."""
    zone = ZoneInfo(summit.timezone)
    yield [attendee_header(summit.timezone)]
    last = 0
    while True:
        batch = await (
            attendees_of(summit, selection)
            .filter(id__gt=last)
            .order_by("id")
            .limit(EXPORT_BATCH)
            .values(*ATTENDEE_FIELDS, type_en="ticket_type__name_en", type_zh="ticket_type__name_zh")
        )
        if not batch:
            return
        yield [
            (
                row["id"],
                row["order_id"],
                str(row["status"]),
                row["name"],
                row["email"],
                row["organisation"],
                row["country"],
                row["locale"],
                row["type_en"],
                row["type_zh"],
                _local(row["issued_at"], zone),
                _local(row["checked_in_at"], zone),
            )
            for row in batch
        ]
        if len(batch) < EXPORT_BATCH:
            return
        last = batch[-1]["id"]


def export_orders(*, actor: Actor, summit: Summit, selection: OrderFilter) -> AsyncIterator[list[tuple[object, ...]]]:
    ensure(can_manage_summit(actor, summit.id))
    return order_rows(summit, selection)


def export_attendees(
    *, actor: Actor, summit: Summit, selection: AttendeeFilter
) -> AsyncIterator[list[tuple[object, ...]]]:
    ensure(can_manage_summit(actor, summit.id))
    return attendee_rows(summit, selection)


def safe_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (= + - @, tab, CR) is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def csv_chunk(rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_text(safe_cell(value)) for value in row])
    return out.getvalue().encode("utf-8")


def _text(value: object) -> object:
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value


async def stream_csv(batches: AsyncIterator[list[tuple[object, ...]]]) -> AsyncIterator[bytes]:
    """The rows as CSV, a batch at a time: memory stays flat however many rows there are."""
    yield "\ufeff".encode()  # the BOM makes Excel read Chinese correctly
    async for rows in batches:
        yield csv_chunk(rows)


def to_xlsx(rows: list[tuple[object, ...]], sheet: str) -> bytes:
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    for row in rows:
        worksheet.append([safe_cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def build_xlsx(batches: AsyncIterator[list[tuple[object, ...]]], sheet: str) -> bytes:
    """The rows read from the database, then the workbook built in a worker thread, off the event loop."""
    rows = [row async for batch in batches for row in batch]
    return await anyio.to_thread.run_sync(to_xlsx, rows, sheet)


# ---- resending tickets ------------------------------------------------------------------------------


async def get_managed_order(*, actor: Actor, order_id: int) -> Order:
    order = await Order.get_or_none(id=order_id)
    if order is None or not can_manage_summit(actor, order.summit_id):
        raise NotFound()
    return order


async def get_managed_ticket(*, actor: Actor, ticket_id: int) -> Ticket:
    ticket = await Ticket.get_or_none(id=ticket_id)
    if ticket is None or not can_manage_summit(actor, ticket.summit_id):
        raise NotFound()
    return ticket


def _lock_key(ticket_id: int) -> str:
    return f"podium:ticket-resend:{ticket_id}"


async def resend_tickets(
    *, actor: Actor, order: Order, ticket_id: int | None = None, settings: Settings, now: datetime | None = None
) -> int:
    """E-mail the order's issued tickets (or the one `ticket_id`) to their attendees again; returns how many.

    Each ticket at most once per RESEND_INTERVAL: a Redis key set only if absent (atomic across processes)
    and the audit entry of the last resend (durable when Redis forgets) both stand in the way. Tickets sent
    too recently are skipped; TooManyRequests if that leaves none. Each resend is audited and goes through
    notify() under a key of its own (the audit entry's id), so it is a new message, sent once."""
    ensure(can_manage_summit(actor, order.summit_id))
    now = now or utcnow()
    query = Ticket.filter(order_id=order.id, status=TicketStatus.ISSUED)
    if ticket_id is not None:
        query = query.filter(id=ticket_id)
    issued = list(await query.order_by("position"))
    if not issued:
        raise Conflict(_("Only issued tickets can be sent again: this order has none."))
    recent: set[str] = set(
        await AuditEntry.filter(
            action=RESENT,
            object_type="ticket",
            object_id__in=[str(t.id) for t in issued],
            at__gt=now - RESEND_INTERVAL,
        ).values_list("object_id", flat=True)  # type: ignore[arg-type]
    )
    redis = jobs.redis()
    seconds = int(RESEND_INTERVAL.total_seconds())
    due = [
        t
        for t in issued
        if str(t.id) not in recent and await redis.set(_lock_key(t.id), now.isoformat(), nx=True, ex=seconds)
    ]
    if not due:
        minutes = int(RESEND_INTERVAL.total_seconds() // 60)
        raise TooManyRequests(
            _("These tickets were e-mailed less than %(minutes)d minutes ago. Try again later.", minutes=minutes),
            retry_after=seconds,
        )
    summit = await Summit.get(id=order.summit_id)
    ticket_type = await TicketType.get(id=order.ticket_type_id)
    # The same context as the first mail (podium.platform.registration.services.tickets), so one template serves.
    common = {**tickets._summit_context(summit), **tickets._type_context(ticket_type)}
    for ticket in due:
        entry = await audit.record(
            RESENT,
            actor_id=actor.user_id,
            object_type="ticket",
            object_id=ticket.id,
            data={"order": order.id, "email": ticket.email},
        )
        url = tickets.ticket_url(settings, ticket.code)
        await notify(
            key=f"ticket-resent:{ticket.id}:{entry.id}",
            recipient=ticket.email,
            kind="ticket_issued",
            locale=ticket.locale,
            context={
                **common,
                "name": ticket.name,
                "organisation": ticket.organisation,
                "url": url,
                "code": ticket.code,
                "qr": tickets.qr_png_data_uri(url),
            },
        )
    return len(due)
