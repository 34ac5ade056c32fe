"""Tickets: their QR codes, their pages, name corrections, and the e-mails about orders and tickets.

Every e-mail goes through notify() with a key per ticket or order and event, so a job or webhook that runs
twice sends nothing twice. Each attendee's ticket comes in the attendee's own language."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import segno

from podium.platform import audit
from podium.platform.errors import Conflict, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.notifications.services import notify
from podium.platform.registration.forms import NameForm
from podium.platform.registration.models import Order, Ticket, TicketStatus, TicketType
from podium.platform.summits.models import Summit
from podium.settings import Settings


def ticket_url(settings: Settings, code: str) -> str:
    return f"{settings.base_url}/tickets/{code}"


def qr_svg(data: str) -> str:
    """The QR code as inline SVG: attributes only, no style element, so the page's CSP allows it."""
    qr = segno.make(data, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", xmldecl=False, svgns=True, svgclass="qr", lineclass=None, omitsize=True, border=2)
    return out.getvalue().decode()


def qr_png_data_uri(data: str) -> str:
    """For e-mail, where SVG is widely blocked: a PNG in a data: address."""
    return str(segno.make(data, error="m").png_data_uri(scale=6, border=2))


async def get_ticket(*, code: str) -> Ticket:
    """An issued or voided ticket by its code (the code is the key to its page); unpaid ones do not exist yet."""
    if not code or len(code) > 64:
        raise NotFound()
    ticket = await Ticket.get_or_none(code=code, status__in=[TicketStatus.ISSUED, TicketStatus.VOID])
    if ticket is None:
        raise NotFound()
    return ticket


async def summit_and_type(ticket: Ticket) -> tuple[Summit, TicketType]:
    return await Summit.get(id=ticket.summit_id), await TicketType.get(id=ticket.ticket_type_id)


def name_change_deadline(summit: Summit, settings: Settings) -> datetime:
    """Names can be corrected until this many days before the summit's first day begins, in its time zone."""
    first_day = datetime.combine(summit.starts_on, time.min, tzinfo=ZoneInfo(summit.timezone))
    return first_day - timedelta(days=settings.ticket_name_change_days)


async def rename(*, ticket: Ticket, form: NameForm, settings: Settings, now: datetime | None = None) -> Ticket:
    now = now or utcnow()
    summit = await Summit.get(id=ticket.summit_id)
    if ticket.status != TicketStatus.ISSUED:
        raise Conflict(_("This ticket is cancelled."))
    if now >= name_change_deadline(summit, settings):
        raise Conflict(_("Names can no longer be changed: ask the organizers at the registration desk."))
    if form.name != ticket.name:
        await Ticket.filter(id=ticket.id, status=TicketStatus.ISSUED).update(name=form.name, name_changed_at=now)
        await audit.record(
            "registration.ticket_renamed",
            actor_id=None,
            object_type="ticket",
            object_id=ticket.id,
            data={"from": ticket.name, "to": form.name},
        )
    return await Ticket.get(id=ticket.id)


# ---- e-mails ------------------------------------------------------------------------------------------


def _summit_context(summit: Summit) -> dict[str, Any]:
    return {
        "summit_en": summit.name_en,
        "summit_zh": summit.name_zh,
        "venue_en": summit.venue_en,
        "venue_zh": summit.venue_zh,
        "starts_on": summit.starts_on.isoformat(),
        "ends_on": summit.ends_on.isoformat(),
        "timezone": summit.timezone,
    }


def _type_context(ticket_type: TicketType) -> dict[str, Any]:
    return {"type_en": ticket_type.name_en, "type_zh": ticket_type.name_zh}


def order_url(settings: Settings, order: Order) -> str:
    return f"{settings.base_url}/orders/{order.id}"


async def send_ticket_mails(*, order_id: int, settings: Settings) -> int:
    """Each issued ticket of the order to its attendee, once; for a paid order, a receipt to the buyer."""
    order = await Order.get(id=order_id)
    summit = await Summit.get(id=order.summit_id)
    ticket_type = await TicketType.get(id=order.ticket_type_id)
    tickets = await Ticket.filter(order_id=order_id, status=TicketStatus.ISSUED).order_by("position")
    common = {**_summit_context(summit), **_type_context(ticket_type)}
    for ticket in tickets:
        url = ticket_url(settings, ticket.code)
        await notify(
            key=f"ticket-issued:{ticket.id}",
            recipient=ticket.email,
            kind="ticket_issued",
            locale=ticket.locale,
            context={
                **common,
                "name": ticket.name,
                "organisation": ticket.organisation,
                "url": url,
                "code": ticket.code,
                "qr": qr_png_data_uri(url),
            },
        )
    if order.total > 0 and tickets:
        await notify(
            key=f"order-paid:{order.id}",
            recipient=order.email,
            kind="order_paid",
            locale=order.locale,
            context={
                **common,
                "order_id": order.id,
                "quantity": order.quantity,
                "total": order.total,
                "currency": order.currency,
                "tickets": [{"name": t.name, "url": ticket_url(settings, t.code)} for t in tickets],
            },
        )
    return len(tickets)


async def send_apology(*, order: Order, reason: str, settings: Settings) -> None:
    """A payment came in for seats the order no longer held and none were free: it is refunded in full."""
    summit = await Summit.get(id=order.summit_id)
    ticket_type = await TicketType.get(id=order.ticket_type_id)
    await notify(
        key=f"order-apology:{order.id}",
        recipient=order.email,
        kind="order_apology",
        locale=order.locale,
        context={
            **_summit_context(summit),
            **_type_context(ticket_type),
            "order_id": order.id,
            "total": order.total,
            "currency": order.currency,
            "reason": reason,
        },
    )


async def send_cancellation(*, order: Order, refunded: bool, settings: Settings) -> None:
    summit = await Summit.get(id=order.summit_id)
    ticket_type = await TicketType.get(id=order.ticket_type_id)
    await notify(
        key=f"order-cancelled:{order.id}",
        recipient=order.email,
        kind="order_cancelled",
        locale=order.locale,
        context={
            **_summit_context(summit),
            **_type_context(ticket_type),
            "order_id": order.id,
            "quantity": order.quantity,
            "total": order.total,
            "currency": order.currency,
            "refunded": refunded,
        },
    )
