"""Check-in at the door: find a ticket, admit it once, count who is in.

Admission is one conditional UPDATE (issued and not yet checked in), so any number of staff devices scanning the
same ticket at once admit it exactly once: PostgreSQL re-checks the WHERE clause after the row lock, and every
other device is told when and by whom it was admitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from podium.platform import audit, i18n
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.pagination import PAGE_SIZE, Page
from podium.platform.permissions import can_manage_summit, can_work_at_summit, ensure
from podium.platform.registration.models import Order, OrderStatus, Ticket, TicketStatus, TicketType
from podium.platform.summits.models import Summit

MIN_QUERY = 2
MAX_CODE = 64


class Outcome(StrEnum):
    ADMITTED = "admitted"
    ALREADY = "already"
    INVALID = "invalid"


@dataclass(frozen=True)
class Admission:
    outcome: Outcome
    message: str  # translated, for the person at the door
    ticket: Ticket | None = None
    ticket_type: TicketType | None = None
    checked_in_at: datetime | None = None
    by: str = ""  # who checked the ticket in (a display name), for "already"
    reason: str = ""  # for "invalid": unknown, other_summit, pending, refunded, cancelled, expired, void

    def as_json(self) -> dict[str, object]:
        return {
            "status": str(self.outcome),
            "message": self.message,
            "reason": self.reason,
            "code": self.ticket.code if self.ticket else "",
            "name": self.ticket.name if self.ticket else "",
            "organisation": self.ticket.organisation if self.ticket else "",
            "ticket_type": i18n.localized(self.ticket_type, "name") if self.ticket_type else "",
            "checked_in_at": self.checked_in_at.isoformat() if self.checked_in_at else None,
            "checked_in_at_display": i18n.format_datetime(self.checked_in_at, "short") if self.checked_in_at else "",
            "by": self.by,
        }


@dataclass(frozen=True)
class TypeCount:
    ticket_type: TicketType
    checked_in: int
    issued: int


async def get_door(*, actor: Actor, slug: str) -> Summit:
    """A summit whose door the actor works (organizers and door staff); anyone else is told it does not exist."""
    summit = await Summit.get_or_none(slug=slug)
    if summit is None or not can_work_at_summit(actor, summit.id):
        raise NotFound()
    return summit


def _by(ticket: Ticket) -> str:
    user = ticket.checked_in_by
    return str(user.display_name) if user is not None else ""


async def _with_people(ticket_id: int) -> Ticket:
    return await Ticket.get(id=ticket_id).select_related("ticket_type", "checked_in_by")


async def _refusal(ticket: Ticket) -> Admission:
    if ticket.status == TicketStatus.PENDING:
        return Admission(
            Outcome.INVALID,
            _("Not valid: this ticket's payment has not arrived."),
            ticket,
            ticket.ticket_type,
            reason="pending",
        )
    order = await Order.get(id=ticket.order_id).only("id", "status")
    messages = {
        OrderStatus.REFUNDED: ("refunded", _("Not valid: this ticket was refunded.")),
        OrderStatus.CANCELLED: ("cancelled", _("Not valid: this ticket was cancelled.")),
        OrderStatus.EXPIRED: ("expired", _("Not valid: this ticket's order expired unpaid.")),
    }
    reason, message = messages.get(order.status, ("void", _("Not valid: this ticket is void.")))
    return Admission(Outcome.INVALID, message, ticket, ticket.ticket_type, reason=reason)


def _already(ticket: Ticket) -> Admission:
    assert ticket.checked_in_at is not None
    when = i18n.format_datetime(ticket.checked_in_at, "short")
    by = _by(ticket)
    if by:
        message = _("Already checked in at %(when)s by %(by)s.", when=when, by=by)
    else:
        message = _("Already checked in at %(when)s.", when=when)
    return Admission(Outcome.ALREADY, message, ticket, ticket.ticket_type, ticket.checked_in_at, by)


async def admit(*, actor: Actor, summit: Summit, code: str, now: datetime | None = None) -> Admission:
    """Check a ticket in, once. Never raises for a bad ticket: the door is told why it is not valid."""
    ensure(can_work_at_summit(actor, summit.id))
    now = now or utcnow()
    code = code.strip()
    ticket = await Ticket.get_or_none(code=code) if 0 < len(code) <= MAX_CODE else None
    if ticket is None:
        return Admission(Outcome.INVALID, _("No ticket has this code."), reason="unknown")
    if ticket.summit_id != summit.id:
        return Admission(Outcome.INVALID, _("Not valid: this ticket is for another event."), reason="other_summit")
    for _attempt in range(3):
        async with in_transaction():
            admitted = await Ticket.filter(id=ticket.id, status=TicketStatus.ISSUED, checked_in_at__isnull=True).update(
                checked_in_at=now, checked_in_by_id=actor.user_id
            )
            if admitted:
                await audit.record(
                    "registration.ticket_checked_in",
                    actor_id=actor.user_id,
                    object_type="ticket",
                    object_id=ticket.id,
                    data={"summit": summit.id},
                )
        fresh = await _with_people(ticket.id)
        if admitted:
            return Admission(
                Outcome.ADMITTED,
                _("Admitted: %(name)s.", name=fresh.name),
                fresh,
                fresh.ticket_type,
                fresh.checked_in_at,
                _by(fresh),
            )
        if fresh.status != TicketStatus.ISSUED:
            return await _refusal(fresh)
        if fresh.checked_in_at is not None:
            return _already(fresh)
        # An organizer undid the check-in between the UPDATE and the read: try again.
    raise Conflict(_("This ticket keeps changing. Try again."))


async def undo(*, actor: Actor, summit: Summit, code: str) -> Ticket:
    """Organizers only: take a check-in back (someone was admitted on the wrong ticket)."""
    ensure(can_manage_summit(actor, summit.id), _("Only organizers can undo a check-in."))
    ticket = await Ticket.get_or_none(code=code, summit_id=summit.id) if 0 < len(code) <= MAX_CODE else None
    if ticket is None:
        raise NotFound()
    async with in_transaction():
        undone = await Ticket.filter(id=ticket.id, checked_in_at__isnull=False).update(
            checked_in_at=None, checked_in_by_id=None
        )
        if not undone:
            raise Conflict(_("This ticket is not checked in."))
        await audit.record(
            "registration.ticket_check_in_undone",
            actor_id=actor.user_id,
            object_type="ticket",
            object_id=ticket.id,
            data={
                "summit": summit.id,
                "checked_in_at": ticket.checked_in_at.isoformat() if ticket.checked_in_at else None,
                "checked_in_by": ticket.checked_in_by_id,
            },
        )
    return await _with_people(ticket.id)


async def search(*, actor: Actor, summit: Summit, query: str, page: int = 1, size: int = PAGE_SIZE) -> Page[Ticket]:
    """Tickets of the summit whose name or e-mail contains the query, or whose code starts with it, in any case.
    An empty or one-letter query finds nothing (a door has no use for the whole list)."""
    ensure(can_work_at_summit(actor, summit.id))
    query = query.strip()[:200]
    number = max(1, page)
    if len(query) < MIN_QUERY:
        return Page(items=[], number=1, size=size, total=0)
    matches = Ticket.filter(
        Q(name__icontains=query) | Q(email__icontains=query) | Q(code__istartswith=query),
        summit_id=summit.id,
    )
    total = await matches.count()
    last = max(1, -(-total // size))
    number = min(number, last)
    items = (
        await matches.select_related("ticket_type", "checked_in_by")
        .order_by("name", "id")
        .offset((number - 1) * size)
        .limit(size)
    )
    return Page(items=list(items), number=number, size=size, total=total)


async def counts(*, actor: Actor, summit: Summit) -> list[TypeCount]:
    """Checked in and issued, per ticket type of the summit (two queries, whatever the number of types)."""
    ensure(can_work_at_summit(actor, summit.id))
    types = await TicketType.filter(summit_id=summit.id).order_by("position", "id")
    rows = (
        await Ticket.filter(summit_id=summit.id, status=TicketStatus.ISSUED)
        .annotate(issued=Count("id"), checked_in=Count("id", _filter=Q(checked_in_at__isnull=False)))
        .group_by("ticket_type_id")
        .values("ticket_type_id", "issued", "checked_in")
    )
    by_type = {int(row["ticket_type_id"]): row for row in rows}
    return [
        TypeCount(
            ticket_type=ticket_type,
            checked_in=int(by_type.get(ticket_type.id, {}).get("checked_in", 0)),
            issued=int(by_type.get(ticket_type.id, {}).get("issued", 0)),
        )
        for ticket_type in types
    ]
