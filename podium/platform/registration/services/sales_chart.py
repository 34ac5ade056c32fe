"""Tickets sold per ticket type over time: the numbers, and the geometry of a server-drawn SVG chart.

A sale counts on the day its order was paid, in the summit's time zone, for as long as its seats stay sold:
a cancelled or refunded order leaves the history, so the last day of each line is the type's sold counter.
The page draws the chart from plain numbers and coordinates (no script, no style attribute: the CSP allows
SVG presentation attributes only), with the same numbers in a table beside it and as CSV."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel import dates, numbers

from podium.platform import i18n
from podium.platform.auth import Actor
from podium.platform.i18n import utcnow
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.registration.models import Order, SeatState, TicketType
from podium.platform.registration.services.orders_admin import csv_chunk
from podium.platform.summits.models import Summit

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56
# Okabe and Ito's palette, told apart by most colour-blind readers; dashes tell the lines apart in print.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "8 4", "2 3", "10 3 2 3")
MAX_X_LABELS = 6
MAX_Y_STEPS = 5


@dataclass(frozen=True)
class Line:
    ticket_type: TicketType
    colour: str
    dash: str
    points: str  # the polyline's "x,y x,y ..." in the chart's coordinates
    total: int


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in the chart's coordinates
    label: str


@dataclass(frozen=True)
class SalesChart:
    timezone: str
    ticket_types: list[TicketType]
    rows: list[tuple[date, list[int], int]]  # each day with sales: the running totals per type, and overall
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.rows


def daily_sales(rows: Iterable[tuple[int, datetime, int]], timezone: str) -> dict[date, dict[int, int]]:
    """(ticket type, paid at, tickets) rows as tickets per type per day of the summit's calendar."""
    zone = ZoneInfo(timezone)
    days: dict[date, dict[int, int]] = {}
    for type_id, paid_at, quantity in rows:
        day = paid_at.astimezone(zone).date()
        per_type = days.setdefault(day, {})
        per_type[type_id] = per_type.get(type_id, 0) + quantity
    return days


def nice_step(maximum: int, steps: int = MAX_Y_STEPS) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 ... that covers `maximum` in at most `steps` steps."""
    if maximum <= steps:
        return 1
    magnitude = int(10 ** int(math.log10(maximum / steps)))
    for factor in (1, 2, 5, 10):
        if factor * magnitude * steps >= maximum:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def build_chart(
    ticket_types: list[TicketType],
    sales: dict[date, dict[int, int]],
    timezone: str,
    until: date,
    locale: str,
) -> SalesChart:
    """The running totals from the day before the first sale to `until` (or the last sale, if later)."""
    if not sales:
        return SalesChart(timezone, ticket_types, [], [], [], [])
    first, last = min(sales) - timedelta(days=1), max(max(sales), until)
    span = (last - first).days
    days = [first + timedelta(days=n) for n in range(span + 1)]
    running = dict.fromkeys((t.id for t in ticket_types), 0)
    series: dict[int, list[int]] = {t.id: [] for t in ticket_types}
    rows: list[tuple[date, list[int], int]] = []
    for day in days:
        sold = sales.get(day, {})
        for type_id in running:
            running[type_id] += sold.get(type_id, 0)
            series[type_id].append(running[type_id])
        if sold:
            totals = [running[t.id] for t in ticket_types]
            rows.append((day, totals, sum(totals)))
    step = nice_step(max(max(running.values(), default=0), 1))
    top_value = step * max(1, -(-max(running.values(), default=0) // step))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return round(LEFT + plot_w * index / span, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h * (1 - value / top_value), 1)

    lines = [
        Line(
            ticket_type=t,
            colour=COLOURS[n % len(COLOURS)],
            dash=DASHES[n % len(DASHES)],
            points=" ".join(f"{x(i)},{y(v)}" for i, v in enumerate(series[t.id])),
            total=running[t.id],
        )
        for n, t in enumerate(ticket_types)
    ]
    every = max(1, -(-span // (MAX_X_LABELS - 1)))
    x_ticks = [
        Tick(x(i), dates.format_skeleton("MMMd", days[i], locale=i18n.babel_locale(locale)))
        for i in range(0, span + 1, every)
    ]
    y_ticks = [
        Tick(y(value), numbers.format_decimal(value, locale=i18n.babel_locale(locale)))
        for value in range(0, top_value + 1, step)
    ]
    return SalesChart(timezone, ticket_types, rows, lines, x_ticks, y_ticks)


async def sales_of(*, actor: Actor, summit: Summit, now: datetime | None = None) -> SalesChart:
    """The summit's chart, up to today or the summit's last day, whichever comes first. Two queries."""
    ensure(can_manage_summit(actor, summit.id))
    ticket_types = list(await TicketType.filter(summit_id=summit.id).order_by("position", "id"))
    rows = await Order.filter(summit_id=summit.id, seat_state=SeatState.SOLD, paid_at__isnull=False).values_list(
        "ticket_type_id", "paid_at", "quantity"
    )
    today = (now or utcnow()).astimezone(ZoneInfo(summit.timezone)).date()
    sales = daily_sales(rows, summit.timezone)
    return build_chart(ticket_types, sales, summit.timezone, min(today, summit.ends_on), i18n.get_locale())


def chart_csv(chart: SalesChart) -> bytes:
    """The table as CSV: a day per row, the running total of each type (both names) and of all."""
    header = ["date", *(f"{t.name_en} / {t.name_zh}".strip(" /") for t in chart.ticket_types), "total"]
    body = [(day.isoformat(), *totals, total) for day, totals, total in chart.rows]
    return "\ufeff".encode() + csv_chunk([header, *body])
