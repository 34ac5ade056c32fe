"""What a summit sells: ticket types and vouchers, set up by its organizers, and what a visitor may buy now.

Counters are never written from a form: capacity and reservations change by conditional UPDATEs that refuse
to go below what is already sold, held or set aside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from podium.platform import audit, jobs
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.i18n import UTC, utcnow
from podium.platform.i18n import gettext as _
from podium.platform.jobs import JobName
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.registration.forms import TicketTypeForm, VoucherForm
from podium.platform.registration.models import Order, TicketType, Voucher, VoucherKind
from podium.platform.summits.models import Summit

TYPE_FIELDS = (
    "name_en",
    "name_zh",
    "description_en",
    "description_zh",
    "price",
    "currency",
    "max_per_order",
    "hidden",
    "position",
)


class SaleState(StrEnum):
    ON_SALE = "on_sale"
    NOT_YET = "not_yet"
    CLOSED = "closed"
    SOLD_OUT = "sold_out"


def sale_state(ticket_type: TicketType, now: datetime | None = None) -> SaleState:
    now = now or utcnow()
    if ticket_type.sales_start and now < ticket_type.sales_start:
        return SaleState.NOT_YET
    if ticket_type.sales_end and now >= ticket_type.sales_end:
        return SaleState.CLOSED
    if ticket_type.remaining <= 0:
        return SaleState.SOLD_OUT
    return SaleState.ON_SALE


def to_utc(local: datetime | None, timezone: str) -> datetime | None:
    """A wall-clock time in the summit's zone, as UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def to_local_input(value: datetime | None, timezone: str) -> str:
    """A stored UTC time as the summit's wall-clock time, as <input type="datetime-local"> takes it."""
    return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M") if value else ""


# ---- what visitors see -----------------------------------------------------------------------------


@dataclass
class Offer:
    """The types a visitor may see: the public ones, plus the hidden one a valid voucher unlocks."""

    ticket_types: list[TicketType]
    voucher: Voucher | None
    voucher_error: str | None


def voucher_problem(voucher: Voucher | None, now: datetime) -> str | None:
    if voucher is None or not voucher.active:
        return _("This voucher code is not valid.")
    if voucher.valid_from and now < voucher.valid_from:
        return _("This voucher code is not valid yet.")
    if voucher.valid_until and now >= voucher.valid_until:
        return _("This voucher code has expired.")
    return None


async def find_voucher(*, summit_id: int, code: str) -> Voucher | None:
    code = code.strip().upper()
    if not code or len(code) > 40:
        return None
    return await Voucher.get_or_none(summit_id=summit_id, code=code)


async def offer(*, summit: Summit, voucher_code: str = "", now: datetime | None = None) -> Offer:
    now = now or utcnow()
    voucher: Voucher | None = None
    error: str | None = None
    if voucher_code.strip():
        voucher = await find_voucher(summit_id=summit.id, code=voucher_code)
        error = voucher_problem(voucher, now)
        if error is not None:
            voucher = None
    types = await TicketType.filter(summit_id=summit.id).order_by("position", "id")
    unlocked = voucher.ticket_type_id if voucher is not None else None
    return Offer([t for t in types if not t.hidden or t.id == unlocked], voucher, error)


async def get_ticket_type(*, summit: Summit, ticket_type_id: int) -> TicketType:
    found = await TicketType.get_or_none(id=ticket_type_id, summit_id=summit.id)
    if found is None:
        raise NotFound()
    return found


# ---- organizers: ticket types ----------------------------------------------------------------------


async def list_ticket_types(*, actor: Actor, summit: Summit) -> list[TicketType]:
    ensure(can_manage_summit(actor, summit.id))
    return await TicketType.filter(summit_id=summit.id).order_by("position", "id")


async def get_managed_ticket_type(*, actor: Actor, ticket_type_id: int) -> TicketType:
    found = await TicketType.get_or_none(id=ticket_type_id).select_related("summit")
    if found is None or not can_manage_summit(actor, found.summit_id):
        raise NotFound()
    return found


def _type_values(form: TicketTypeForm, timezone: str) -> dict[str, Any]:
    values: dict[str, Any] = {field: getattr(form, field) for field in TYPE_FIELDS}
    values["sales_start"] = to_utc(form.sales_start, timezone)
    values["sales_end"] = to_utc(form.sales_end, timezone)
    return values


async def create_ticket_type(*, actor: Actor, summit: Summit, form: TicketTypeForm) -> TicketType:
    ensure(can_manage_summit(actor, summit.id))
    async with in_transaction():
        ticket_type = await TicketType.create(
            summit_id=summit.id, capacity=form.capacity, **_type_values(form, summit.timezone)
        )
        await audit.record(
            "registration.ticket_type_created",
            actor_id=actor.user_id,
            object_type="ticket_type",
            object_id=ticket_type.id,
            data={"capacity": form.capacity, "price": form.price, "currency": form.currency},
        )
    return ticket_type


async def update_ticket_type(*, actor: Actor, ticket_type: TicketType, form: TicketTypeForm) -> TicketType:
    """Change a type. The capacity never drops below the seats sold, held or set aside (checked in the UPDATE)."""
    ensure(can_manage_summit(actor, ticket_type.summit_id))
    summit = await Summit.get(id=ticket_type.summit_id)
    values = _type_values(form, summit.timezone)
    if form.currency != ticket_type.currency and await Order.filter(ticket_type_id=ticket_type.id).exists():
        raise InvalidInput({"currency": [_("Orders exist in this currency: it can no longer change.")]})
    async with in_transaction():
        if form.capacity != ticket_type.capacity:
            changed = await TicketType.filter(
                id=ticket_type.id, sold__lte=form.capacity - F("held") - F("reserved")
            ).update(capacity=form.capacity)
            if not changed:
                current = await TicketType.get(id=ticket_type.id)
                taken = current.sold + current.held + current.reserved
                raise InvalidInput(
                    {
                        "capacity": [
                            _(
                                "%(taken)d seats are sold, held or set aside: the capacity cannot be lower.",
                                taken=taken,
                            )
                        ]
                    }
                )
        await TicketType.filter(id=ticket_type.id).update(**values)
        await audit.record(
            "registration.ticket_type_updated",
            actor_id=actor.user_id,
            object_type="ticket_type",
            object_id=ticket_type.id,
            data={"capacity": form.capacity, "price": form.price, "currency": form.currency},
        )
    if form.capacity > ticket_type.capacity:
        await jobs.enqueue(JobName.OFFER_WAITLIST, ticket_type_id=ticket_type.id)
    return await TicketType.get(id=ticket_type.id)


# ---- organizers: vouchers --------------------------------------------------------------------------


async def list_vouchers(*, actor: Actor, summit: Summit) -> list[Voucher]:
    ensure(can_manage_summit(actor, summit.id))
    return await Voucher.filter(summit_id=summit.id).select_related("ticket_type").order_by("code")


async def get_managed_voucher(*, actor: Actor, voucher_id: int) -> Voucher:
    found = await Voucher.get_or_none(id=voucher_id).select_related("summit")
    if found is None or not can_manage_summit(actor, found.summit_id):
        raise NotFound()
    return found


async def _check_type(summit: Summit, form: VoucherForm) -> None:
    if form.ticket_type is not None and not await TicketType.exists(id=form.ticket_type, summit_id=summit.id):
        raise InvalidInput({"ticket_type": [_("Choose a ticket type of this summit.")]})


async def _set_aside(ticket_type_id: int, seats: int) -> None:
    """More seats set aside from general sale, if that many are free (inside the voucher's transaction)."""
    if seats > 0:
        taken = await TicketType.filter(
            id=ticket_type_id, capacity__gte=F("sold") + (F("held") + (F("reserved") + seats))
        ).update(reserved=F("reserved") + seats)
        if not taken:
            current = await TicketType.get(id=ticket_type_id)
            raise InvalidInput({"reserved": [_("Only %(free)d seats are free to set aside.", free=current.remaining)]})
    elif seats < 0:
        await TicketType.filter(id=ticket_type_id).update(reserved=F("reserved") + seats)


def _voucher_values(form: VoucherForm, timezone: str) -> dict[str, Any]:
    return {
        "kind": form.kind,
        "value": 0 if form.kind == VoucherKind.FREE else form.value,
        "max_uses": form.max_uses,
        "valid_from": to_utc(form.valid_from, timezone),
        "valid_until": to_utc(form.valid_until, timezone),
        "active": form.active,
        "note": form.note,
    }


async def create_voucher(*, actor: Actor, summit: Summit, form: VoucherForm) -> Voucher:
    ensure(can_manage_summit(actor, summit.id))
    await _check_type(summit, form)
    try:
        async with in_transaction():
            voucher = await Voucher.create(
                summit_id=summit.id,
                code=form.code,
                ticket_type_id=form.ticket_type,
                reserved=form.reserved,
                **_voucher_values(form, summit.timezone),
            )
            if form.ticket_type is not None:
                await _set_aside(form.ticket_type, form.reserved)
            await audit.record(
                "registration.voucher_created",
                actor_id=actor.user_id,
                object_type="voucher",
                object_id=voucher.id,
                data={"code": form.code, "reserved": form.reserved},
            )
    except IntegrityError:
        raise InvalidInput({"code": [_("Another voucher of this summit already has this code.")]}) from None
    return voucher


async def update_voucher(*, actor: Actor, voucher: Voucher, form: VoucherForm) -> Voucher:
    """Change a voucher. Its uses limit never drops below its uses, nor its set-aside seats below those drawn."""
    ensure(can_manage_summit(actor, voucher.summit_id))
    summit = await Summit.get(id=voucher.summit_id)
    await _check_type(summit, form)
    if form.ticket_type != voucher.ticket_type_id and (voucher.uses or voucher.reserved):
        raise InvalidInput(
            {"ticket_type": [_("This voucher has been used or sets seats aside: its ticket type cannot change.")]}
        )
    delta = form.reserved - voucher.reserved
    try:
        async with in_transaction():
            query = Voucher.filter(id=voucher.id, reserved_taken__lte=form.reserved)
            if form.max_uses is not None:
                query = query.filter(uses__lte=form.max_uses)
            changed = await query.update(
                code=form.code,
                ticket_type_id=form.ticket_type,
                reserved=F("reserved") + delta,
                **_voucher_values(form, summit.timezone),
            )
            if not changed:
                current = await Voucher.get(id=voucher.id)
                if form.max_uses is not None and current.uses > form.max_uses:
                    message = _("It has already been used for %(uses)d tickets.", uses=current.uses)
                    raise InvalidInput({"max_uses": [message]})
                message = _("%(taken)d of its seats are already taken.", taken=current.reserved_taken)
                raise InvalidInput({"reserved": [message]})
            if form.ticket_type is not None:
                await _set_aside(form.ticket_type, delta)
            await audit.record(
                "registration.voucher_updated",
                actor_id=actor.user_id,
                object_type="voucher",
                object_id=voucher.id,
                data={"code": form.code, "reserved": form.reserved, "max_uses": form.max_uses},
            )
    except IntegrityError:
        raise InvalidInput({"code": [_("Another voucher of this summit already has this code.")]}) from None
    if delta < 0 and form.ticket_type is not None:
        await jobs.enqueue(JobName.OFFER_WAITLIST, ticket_type_id=form.ticket_type)
    return await Voucher.get(id=voucher.id)
