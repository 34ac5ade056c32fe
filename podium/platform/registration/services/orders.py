"""Orders: hold seats, confirm the payment, let a hold lapse, cancel and refund.

Each transition is a conditional UPDATE of the order's status and seat_state that moves the seats in the same
transaction, so a retried job, a duplicate or reordered webhook, or two workers at once change nothing the
second time. Free orders are paid at once. Paid orders hold their seats for TICKET_HOLD_MINUTES while the
buyer pays on Stripe Checkout."""

from __future__ import annotations

import hmac
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from podium.platform import audit, i18n, jobs
from podium.platform.auth import Actor, digest
from podium.platform.errors import NON_FIELD, AppError, Conflict, InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.jobs import JobName
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.registration.forms import OrderForm
from podium.platform.registration.models import (
    Order,
    OrderStatus,
    RefundState,
    SeatState,
    Ticket,
    TicketStatus,
    TicketType,
    Voucher,
    VoucherKind,
    WaitlistEntry,
    WaitlistStatus,
)
from podium.platform.registration.services import catalog, checkout, inventory, tickets, waitlist
from podium.platform.registration.services.catalog import SaleState
from podium.platform.registration.services.inventory import SoldOut
from podium.platform.summits.models import Summit
from podium.settings import Settings

log = logging.getLogger(__name__)


class PaymentUnavailable(AppError):
    status_code = 503

    def default_message(self) -> str:
        return _("Payments are not available right now. Nothing was charged: please try again in a few minutes.")


@dataclass
class Placed:
    order: Order
    secret: str  # shown once: the order page and API take it, Podium keeps only its hash
    checkout_url: str | None


def unit_price(ticket_type: TicketType, voucher: Voucher | None) -> int:
    price = ticket_type.price
    if voucher is None:
        return price
    if voucher.kind == VoucherKind.FREE:
        return 0
    if voucher.kind == VoucherKind.PERCENT:
        off = (Decimal(price) * voucher.value / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return max(0, price - int(off))
    return max(0, price - voucher.value)


async def _checked_voucher(*, summit: Summit, ticket_type: TicketType, code: str, now: datetime) -> Voucher | None:
    if not code.strip():
        return None
    voucher = await catalog.find_voucher(summit_id=summit.id, code=code)
    problem = catalog.voucher_problem(voucher, now)
    if problem is not None:
        raise InvalidInput({"voucher": [problem]})
    assert voucher is not None
    if voucher.ticket_type_id not in (None, ticket_type.id):
        raise InvalidInput({"voucher": [_("This voucher code is not valid for this ticket type.")]})
    return voucher


def _check_sale(ticket_type: TicketType, voucher: Voucher | None, quantity: int, now: datetime) -> None:
    if ticket_type.hidden and (voucher is None or voucher.ticket_type_id != ticket_type.id):
        raise InvalidInput({"voucher": [_("Enter the voucher code for this ticket type.")]})
    state = catalog.sale_state(ticket_type, now)
    if state == SaleState.NOT_YET:
        raise SoldOut(_("Sales for this ticket type have not started yet."))
    if state == SaleState.CLOSED:
        raise SoldOut(_("Sales for this ticket type have closed."))
    if quantity > ticket_type.max_per_order:
        raise InvalidInput(
            {
                "quantity": [
                    _(
                        "You can buy at most %(max)d tickets of this type in one order.",
                        max=ticket_type.max_per_order,
                    )
                ]
            }
        )
    if voucher is not None and voucher.max_uses is not None and voucher.uses + quantity > voucher.max_uses:
        raise SoldOut(_("This voucher code has been used up."), field="voucher")


async def place_order(
    *,
    actor: Actor,
    summit: Summit,
    form: OrderForm,
    settings: Settings,
    entry: WaitlistEntry | None = None,
    now: datetime | None = None,
) -> Placed:
    """Hold the seats (or take them, for a free order) and open the payment. Raises InvalidInput for bad input,
    SoldOut (409) when the seats are gone, PaymentUnavailable (503, seats released) when Stripe fails.

    With `entry`, the order claims the seat a waitlist offer holds instead of taking a new one."""
    now = now or utcnow()
    ticket_type = await TicketType.get_or_none(id=form.ticket_type, summit_id=summit.id)
    if ticket_type is None:
        raise InvalidInput({"ticket_type": [_("Choose a ticket type of this summit.")]})
    voucher: Voucher | None = None
    if entry is None:
        voucher = await _checked_voucher(summit=summit, ticket_type=ticket_type, code=form.voucher, now=now)
        _check_sale(ticket_type, voucher, form.quantity, now)
    elif entry.ticket_type_id != ticket_type.id or form.quantity != 1:
        raise InvalidInput({"quantity": [_("This offer is for one ticket.")]})
    unit = unit_price(ticket_type, voucher)
    free = unit == 0
    secret = secrets.token_urlsafe(24)
    locale = form.locale or i18n.get_locale()
    try:
        async with in_transaction():
            pool = 0
            if voucher is not None:
                pool = await inventory.use_voucher(voucher_id=voucher.id, quantity=form.quantity)
            if entry is not None:
                claimed = await WaitlistEntry.filter(
                    id=entry.id, status=WaitlistStatus.OFFERED, seat_held=True, offer_expires_at__gt=now
                ).update(status=WaitlistStatus.CLAIMED, seat_held=False, claim_hash=None)
                if not claimed:
                    raise SoldOut(_("This offer has expired or was already used."), field=NON_FIELD)
            order = await Order.create(
                summit_id=summit.id,
                ticket_type_id=ticket_type.id,
                voucher_id=voucher.id if voucher else None,
                user_id=actor.user_id,
                email=form.email,
                name=form.name,
                locale=locale,
                quantity=form.quantity,
                pool_quantity=pool,
                unit_price=unit,
                discount=(ticket_type.price - unit) * form.quantity,
                total=unit * form.quantity,
                currency=ticket_type.currency,
                status=OrderStatus.PAID if free else OrderStatus.PENDING,
                seat_state=SeatState.SOLD if free else SeatState.HELD,
                secret_hash=digest(secret),
                hold_expires_at=None if free else now + timedelta(minutes=settings.ticket_hold_minutes),
                checkout_key=f"podium-order-{uuid.uuid4().hex}",
                paid_at=now if free else None,
            )
            await Ticket.bulk_create(
                [
                    Ticket(
                        order_id=order.id,
                        summit_id=summit.id,
                        ticket_type_id=ticket_type.id,
                        position=index,
                        code=secrets.token_urlsafe(18),
                        name=attendee.name,
                        email=attendee.email,
                        organisation=attendee.organisation,
                        country=attendee.country,
                        locale=attendee.locale or locale,
                        status=TicketStatus.ISSUED if free else TicketStatus.PENDING,
                        issued_at=now if free else None,
                    )
                    for index, attendee in enumerate(form.attendees, start=1)
                ]
            )
            if entry is not None:
                await WaitlistEntry.filter(id=entry.id).update(order_id=order.id)
                if free:
                    await inventory.move_held_to_sold(ticket_type_id=ticket_type.id, quantity=1)
            elif not await inventory.count_seats(
                ticket_type_id=ticket_type.id,
                quantity=form.quantity,
                pool=pool,
                into=SeatState.SOLD if free else SeatState.HELD,
            ):
                left = await inventory.remaining(ticket_type.id)
                raise SoldOut(inventory.sold_out_message(left + pool))
    except SoldOut:
        await _release_lapsed_soon(ticket_type_id=ticket_type.id, now=now)
        raise
    except IntegrityError as exc:  # the CHECK constraint: never reached while the UPDATEs above are right
        log.error("order for ticket type %s refused by the database: %s", ticket_type.id, exc)
        raise SoldOut(inventory.sold_out_message(0)) from None
    if free:
        await tickets.send_ticket_mails(order_id=order.id, settings=settings)
        return Placed(order, secret, None)
    try:
        url = await checkout.create_session(
            order=order, ticket_type=ticket_type, summit=summit, secret=secret, settings=settings, now=now
        )
    except checkout.PaymentError:
        await _release(
            order, to_status=OrderStatus.CANCELLED, from_status=OrderStatus.PENDING, now=now, settings=settings
        )
        raise PaymentUnavailable() from None
    order = await Order.get(id=order.id)
    return Placed(order, secret, url)


async def _release_lapsed_soon(*, ticket_type_id: int, now: datetime) -> None:
    """Someone was refused while lapsed holds still count against the type: release them now rather than at
    the next minute's sweep (one job at a time, whoever asks)."""
    if await Order.exists(ticket_type_id=ticket_type_id, status=OrderStatus.PENDING, hold_expires_at__lte=now):
        await jobs.enqueue(JobName.RELEASE_LAPSED_HOLDS, job_id="release-lapsed-holds")


# ---- reading ------------------------------------------------------------------------------------------


def secret_matches(order: Order, secret: str | None) -> bool:
    return bool(secret) and len(secret or "") <= 100 and hmac.compare_digest(order.secret_hash, digest(secret or ""))


async def get_order(*, actor: Actor, order_id: int, secret: str | None) -> Order:
    """An order for its buyer (the secret, or the account that placed it) or its summit's organizers.
    Anyone else is told it does not exist."""
    order = await Order.get_or_none(id=order_id)
    if order is None:
        raise NotFound()
    if secret_matches(order, secret):
        return order
    if actor.user_id is not None and order.user_id == actor.user_id:
        return order
    if can_manage_summit(actor, order.summit_id):
        return order
    raise NotFound()


@dataclass
class OrderView:
    order: Order
    summit: Summit
    ticket_type: TicketType
    tickets: list[Ticket]


async def view(order: Order) -> OrderView:
    return OrderView(
        order=order,
        summit=await Summit.get(id=order.summit_id),
        ticket_type=await TicketType.get(id=order.ticket_type_id),
        tickets=await Ticket.filter(order_id=order.id).order_by("position"),
    )


# ---- releasing seats ----------------------------------------------------------------------------------


async def _release(
    order: Order,
    *,
    to_status: OrderStatus,
    from_status: OrderStatus,
    now: datetime,
    settings: Settings,
    refund_state: RefundState | None = None,
    cancelled_by: int | None = None,
) -> bool:
    """Move the order from `from_status` to `to_status`, void its tickets and give its seats back, the freed
    ones first to the waitlist. False, changing nothing, if the order is no longer as read."""
    counted = order.seat_state
    fields: dict[str, object] = {"status": to_status, "seat_state": SeatState.RELEASED, "hold_expires_at": None}
    if to_status == OrderStatus.EXPIRED:
        fields["expired_at"] = now
    else:
        fields.update(cancelled_at=now, cancelled_by_id=cancelled_by)
    if refund_state is not None:
        fields["refund_state"] = refund_state
    offers: list[waitlist.MadeOffer] = []
    async with in_transaction():
        changed = await Order.filter(id=order.id, status=from_status, seat_state=counted).update(**fields)
        if not changed:
            return False
        await Ticket.filter(order_id=order.id).update(status=TicketStatus.VOID)
        if counted != SeatState.RELEASED:
            general = order.quantity - order.pool_quantity
            offers = await waitlist.offer_freed(
                ticket_type_id=order.ticket_type_id, seats=general, now=now, settings=settings
            )
            await inventory.give_back(
                ticket_type_id=order.ticket_type_id,
                voucher_id=order.voucher_id,
                quantity=order.quantity,
                pool=order.pool_quantity,
                counted_as=counted,
                keep_held=len(offers),
            )
    await waitlist.send_offers(offers, settings)
    return True


async def expire_order(*, order_id: int, settings: Settings, now: datetime | None = None) -> bool:
    """Let a lapsed hold go. The Checkout Session is closed too, so the buyer cannot pay for seats now free."""
    now = now or utcnow()
    order = await Order.get_or_none(id=order_id)
    if order is None or order.status != OrderStatus.PENDING:
        return False
    if order.hold_expires_at is None or order.hold_expires_at > now:
        return False
    if not await _release(
        order, to_status=OrderStatus.EXPIRED, from_status=OrderStatus.PENDING, now=now, settings=settings
    ):
        return False
    if order.stripe_session_id:
        await checkout.expire_session(session_id=order.stripe_session_id, settings=settings)
    return True


async def release_lapsed(*, settings: Settings, now: datetime | None = None) -> int:
    """The sweep behind the per-order expiry jobs: every pending order whose hold has lapsed."""
    now = now or utcnow()
    ids: list[Any] = (
        await Order.filter(status=OrderStatus.PENDING, hold_expires_at__lte=now)
        .order_by("hold_expires_at")
        .limit(500)
        .values_list("id", flat=True)
    )
    released = 0
    for order_id in ids:
        released += await expire_order(order_id=int(order_id), settings=settings, now=now)
    return released


async def expire_session_order(*, session_id: str, settings: Settings, now: datetime | None = None) -> str:
    """Stripe expired the Checkout Session: the order's hold ends now, whatever its own timer says."""
    now = now or utcnow()
    order = await Order.get_or_none(stripe_session_id=session_id)
    if order is None:
        return "no such order"
    released = await _release(
        order, to_status=OrderStatus.EXPIRED, from_status=OrderStatus.PENDING, now=now, settings=settings
    )
    return "expired" if released else f"left {order.status}"


# ---- payment ----------------------------------------------------------------------------------------


class _Changed(Exception):
    """The order changed between reading it and updating it."""


async def confirm_payment(
    *, order_id: int, payment_intent: str, settings: Settings, now: datetime | None = None
) -> str:
    """Stripe says the order is paid. A held order is confirmed. One whose hold lapsed gets its seats again
    if they are free, and is otherwise refunded in full with an apology. Nothing happens twice."""
    now = now or utcnow()
    await Order.filter(id=order_id, stripe_payment_intent__isnull=True).update(stripe_payment_intent=payment_intent)
    for _attempt in range(5):
        order = await Order.get(id=order_id)
        if order.status == OrderStatus.PAID:
            return "already paid"
        if order.status == OrderStatus.PENDING and order.seat_state == SeatState.HELD:
            async with in_transaction():
                confirmed = await Order.filter(
                    id=order.id, status=OrderStatus.PENDING, seat_state=SeatState.HELD
                ).update(status=OrderStatus.PAID, seat_state=SeatState.SOLD, paid_at=now, hold_expires_at=None)
                if confirmed:
                    await inventory.move_held_to_sold(ticket_type_id=order.ticket_type_id, quantity=order.quantity)
                    await Ticket.filter(order_id=order.id, status=TicketStatus.PENDING).update(
                        status=TicketStatus.ISSUED, issued_at=now
                    )
            if confirmed:
                await tickets.send_ticket_mails(order_id=order.id, settings=settings)
                return "paid"
            continue
        if order.seat_state != SeatState.RELEASED or order.refund_state != RefundState.NONE:
            return f"nothing to do ({order.status})"
        if order.status == OrderStatus.EXPIRED:
            try:
                await _take_seats_again(order, now)
            except _Changed:
                continue
            except SoldOut:
                pass
            else:
                await tickets.send_ticket_mails(order_id=order.id, settings=settings)
                return "paid after the hold lapsed"
        if order.status in (OrderStatus.EXPIRED, OrderStatus.CANCELLED):
            refunding = await Order.filter(
                id=order.id, status=order.status, seat_state=SeatState.RELEASED, refund_state=RefundState.NONE
            ).update(status=OrderStatus.REFUNDED, refund_state=RefundState.REQUESTED)
            if not refunding:
                continue
            await jobs.enqueue(JobName.REFUND_ORDER, job_id=f"refund:{order.id}", order_id=order.id)
            reason = "sold_out" if order.status == OrderStatus.EXPIRED else "cancelled"
            await tickets.send_apology(order=order, reason=reason, settings=settings)
            return "refunding a late payment"
        return f"nothing to do ({order.status})"
    return "gave up: the order kept changing"


async def _take_seats_again(order: Order, now: datetime) -> None:
    """A late payment takes seats afresh (its voucher's pool first), into sold. Raises SoldOut if none are free."""
    async with in_transaction():
        revived = await Order.filter(id=order.id, status=OrderStatus.EXPIRED, seat_state=SeatState.RELEASED).update(
            status=OrderStatus.PAID, seat_state=SeatState.SOLD, paid_at=now
        )
        if not revived:
            raise _Changed
        pool = 0
        if order.voucher_id is not None:
            pool = await inventory.use_voucher(
                voucher_id=order.voucher_id, quantity=order.quantity, enforce_limit=False
            )
        if not await inventory.count_seats(
            ticket_type_id=order.ticket_type_id, quantity=order.quantity, pool=pool, into=SeatState.SOLD
        ):
            raise SoldOut(inventory.sold_out_message(0))
        await Order.filter(id=order.id).update(pool_quantity=pool)
        await Ticket.filter(order_id=order.id).update(status=TicketStatus.ISSUED, issued_at=now)


async def record_refund(
    *, payment_intent: str, amount_refunded: int, full: bool, settings: Settings, now: datetime | None = None
) -> str:
    """Stripe reports a refund (ours, or one made in Stripe's dashboard). A full refund of a paid order gives
    its seats back and voids its tickets."""
    now = now or utcnow()
    order = await Order.filter(stripe_payment_intent=payment_intent).first()
    if order is None:
        return "no such order"
    outcome = "recorded"
    if (
        full
        and order.status == OrderStatus.PAID
        and await _release(
            order,
            to_status=OrderStatus.REFUNDED,
            from_status=OrderStatus.PAID,
            now=now,
            settings=settings,
            refund_state=RefundState.SUCCEEDED,
        )
    ):
        await tickets.send_cancellation(order=order, refunded=True, settings=settings)
        outcome = "refunded in Stripe"
    await Order.filter(id=order.id, refunded_amount__lt=amount_refunded).update(
        refunded_amount=amount_refunded, refunded_at=now
    )
    if full:
        await Order.filter(id=order.id, refund_state__in=[RefundState.NONE, RefundState.REQUESTED]).update(
            refund_state=RefundState.SUCCEEDED
        )
    return outcome


# ---- organizers -------------------------------------------------------------------------------------


async def cancel_order(*, actor: Actor, order: Order, settings: Settings, now: datetime | None = None) -> Order:
    """Cancel an order: its seats are released and its tickets void. Money paid is refunded through Stripe."""
    ensure(can_manage_summit(actor, order.summit_id))
    now = now or utcnow()
    refund = order.status == OrderStatus.PAID and order.total > 0
    if order.status == OrderStatus.PENDING:
        done = await _release(
            order,
            to_status=OrderStatus.CANCELLED,
            from_status=OrderStatus.PENDING,
            now=now,
            settings=settings,
            cancelled_by=actor.user_id,
        )
    elif order.status == OrderStatus.PAID:
        done = await _release(
            order,
            to_status=OrderStatus.REFUNDED if refund else OrderStatus.CANCELLED,
            from_status=OrderStatus.PAID,
            now=now,
            settings=settings,
            refund_state=RefundState.REQUESTED if refund else None,
            cancelled_by=actor.user_id,
        )
    else:
        done = False
    if not done:
        raise Conflict(_("This order can no longer be cancelled."))
    await audit.record(
        "registration.order_cancelled",
        actor_id=actor.user_id,
        object_type="order",
        object_id=order.id,
        data={"status": str(order.status), "refund": refund, "total": order.total, "currency": order.currency},
    )
    if refund:
        await jobs.enqueue(JobName.REFUND_ORDER, job_id=f"refund:{order.id}", order_id=order.id)
    elif order.stripe_session_id and order.status == OrderStatus.PENDING:
        await checkout.expire_session(session_id=order.stripe_session_id, settings=settings)
    if order.status == OrderStatus.PAID:
        await tickets.send_cancellation(order=order, refunded=refund, settings=settings)
    return await Order.get(id=order.id)
