"""Seats: every change to a ticket type's sold, held and reserved counters, each one conditional UPDATE.

Never read, change, save: two buyers would both see the last seat. PostgreSQL re-checks an UPDATE's WHERE
after waiting for the row lock, so the one statement is race-free, and the CHECK constraint of migration 0002
refuses anything past capacity even if a bug tried. Within a transaction rows are locked in one order, voucher
then waitlist entries then ticket type, so concurrent holds and releases cannot deadlock."""

from __future__ import annotations

from tortoise.expressions import F, Q

from podium.platform.errors import Conflict
from podium.platform.i18n import gettext as _
from podium.platform.i18n import ngettext
from podium.platform.registration.models import SeatState, TicketType, Voucher


class SoldOut(Conflict):
    """409 with the message under the field it concerns (the ticket type, or the voucher used up)."""

    def __init__(self, message: str, field: str = "ticket_type") -> None:
        self.field = field
        super().__init__(message)

    @property
    def errors(self) -> dict[str, list[str]]:
        return {self.field: [self.message]}


def sold_out_message(remaining: int) -> str:
    if remaining <= 0:
        return _("This ticket type is sold out.")
    return ngettext(
        "Only %(num)d ticket of this type is left.", "Only %(num)d tickets of this type are left.", remaining
    )


async def use_voucher(*, voucher_id: int, quantity: int, enforce_limit: bool = True) -> int:
    """Count `quantity` uses of the voucher and draw what its reserved pool still has; returns the seats drawn.

    Raises SoldOut on the voucher field when it is used up. Call inside the order's transaction."""
    for _attempt in range(5):
        current = await Voucher.get(id=voucher_id)
        pool = max(0, min(quantity, current.reserved - current.reserved_taken))
        query = Voucher.filter(id=voucher_id)
        if enforce_limit:
            query = query.filter(Q(max_uses__isnull=True) | Q(max_uses__gte=F("uses") + quantity))
        if pool:
            query = query.filter(reserved__gte=F("reserved_taken") + pool)
        if await query.update(uses=F("uses") + quantity, reserved_taken=F("reserved_taken") + pool):
            return pool
        if enforce_limit and current.max_uses is not None and current.uses + quantity > current.max_uses:
            raise SoldOut(_("This voucher code has been used up."), field="voucher")
        # Someone drew from the pool between the read and the update: read again.
    raise SoldOut(_("This voucher code has been used up."), field="voucher")


async def count_seats(*, ticket_type_id: int, quantity: int, pool: int, into: SeatState) -> bool:
    """Count seats as held or sold: `pool` of them move out of the reserved seats, the rest must be free.

    Returns False, changing nothing, when the free seats do not suffice."""
    column = "sold" if into == SeatState.SOLD else "held"
    general = quantity - pool
    updates = {column: F(column) + quantity}
    if pool:
        updates["reserved"] = F("reserved") - pool
    taken = await TicketType.filter(
        id=ticket_type_id, capacity__gte=F("sold") + (F("held") + (F("reserved") + general))
    ).update(**updates)
    return bool(taken)


async def move_held_to_sold(*, ticket_type_id: int, quantity: int) -> None:
    await TicketType.filter(id=ticket_type_id).update(held=F("held") - quantity, sold=F("sold") + quantity)


async def give_back(
    *,
    ticket_type_id: int,
    voucher_id: int | None,
    quantity: int,
    pool: int,
    counted_as: SeatState,
    keep_held: int = 0,
) -> None:
    """Return an order's seats: its voucher's uses and pool seats to the voucher, the rest to general sale,
    except `keep_held` seats that stay held for the waitlist offers made from them."""
    if voucher_id is not None:
        await Voucher.filter(id=voucher_id).update(uses=F("uses") - quantity, reserved_taken=F("reserved_taken") - pool)
    deltas = {"sold": 0, "held": keep_held, "reserved": pool}
    deltas["sold" if counted_as == SeatState.SOLD else "held"] -= quantity
    updates = {column: F(column) + delta for column, delta in deltas.items() if delta}
    if updates:
        await TicketType.filter(id=ticket_type_id).update(**updates)


async def hold_one(*, ticket_type_id: int) -> bool:
    """One more seat held (a waitlist offer), if one is free."""
    return await count_seats(ticket_type_id=ticket_type_id, quantity=1, pool=0, into=SeatState.HELD)


async def drop_held(*, ticket_type_id: int, quantity: int = 1) -> None:
    await TicketType.filter(id=ticket_type_id).update(held=F("held") - quantity)


async def remaining(ticket_type_id: int) -> int:
    found = await TicketType.get_or_none(id=ticket_type_id)
    return found.remaining if found else 0
