"""The Stripe calls: a Checkout Session for an order, expiring it, and refunds.

Every write carries an idempotency key of its own (the order's checkout key, and one derived from it for the
refund), so a retried request or job never creates a second session or a second refund."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import stripe
from arq.worker import Retry

from podium.platform.i18n import utcnow
from podium.platform.registration import gateway
from podium.platform.registration.models import Order, RefundState, TicketType
from podium.platform.summits.models import Summit
from podium.settings import Settings

log = logging.getLogger(__name__)

# Stripe expires a Checkout Session 30 minutes after creation at the earliest; Podium expires it sooner
# itself, through the API, when the order's hold lapses.
STRIPE_MIN_SESSION = timedelta(minutes=31)
REFUND_TRIES = 6


class PaymentError(Exception):
    """Stripe could not be reached or refused the request."""


def _name(order: Order, ticket_type: TicketType, summit: Summit) -> str:
    zh = order.locale == "zh_Hans"
    type_name = (ticket_type.name_zh or ticket_type.name_en) if zh else (ticket_type.name_en or ticket_type.name_zh)
    summit_name = (summit.name_zh or summit.name_en) if zh else (summit.name_en or summit.name_zh)
    return f"{summit_name} · {type_name}"[:250]


async def create_session(
    *, order: Order, ticket_type: TicketType, summit: Summit, secret: str, settings: Settings, now: datetime
) -> str:
    """Open the order's Checkout Session and remember it; returns the page the buyer pays on."""
    payments = gateway.current(settings)
    back = f"{settings.base_url}/orders/{order.id}?secret={secret}"
    expires = max(order.hold_expires_at or now, now + STRIPE_MIN_SESSION)
    params: dict[str, Any] = {
        "mode": "payment",
        "client_reference_id": str(order.id),
        "customer_email": order.email,
        "line_items": [
            {
                "quantity": order.quantity,
                "price_data": {
                    "currency": order.currency.lower(),
                    "unit_amount": order.unit_price,
                    "product_data": {"name": _name(order, ticket_type, summit)},
                },
            }
        ],
        "metadata": {"order_id": str(order.id), "summit": summit.slug},
        "payment_intent_data": {"metadata": {"order_id": str(order.id)}},
        "success_url": back,
        "cancel_url": back,
        "expires_at": int(expires.timestamp()),
        "locale": "zh" if order.locale == "zh_Hans" else "en",
    }
    try:
        session = await payments.client.v1.checkout.sessions.create_async(
            params,  # type: ignore[arg-type]
            {"idempotency_key": order.checkout_key},
        )
    except stripe.StripeError as exc:
        log.warning("order %s: Stripe refused or failed the Checkout Session: %s", order.id, exc)
        raise PaymentError(str(exc)) from exc
    url = str(session.url or "")
    await Order.filter(id=order.id).update(stripe_session_id=session.id, checkout_url=url)
    return url


async def expire_session(*, session_id: str, settings: Settings) -> bool:
    """Close a Checkout Session whose hold lapsed, so the buyer cannot pay for seats no longer held.
    Best effort: if it was completed meanwhile, the completed event settles it."""
    try:
        await gateway.current(settings).client.v1.checkout.sessions.expire_async(session_id)
    except stripe.StripeError as exc:
        log.info("Checkout Session %s not expired: %s", session_id, exc)
        return False
    return True


def refund_key(order: Order) -> str:
    """Unique per order across databases too (a staging reset restarts ids, the Stripe account remembers)."""
    return "podium-refund-" + order.checkout_key.removeprefix("podium-order-")


_TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


async def refund(*, order_id: int, settings: Settings, job_try: int = 1) -> str:
    """Refund an order Podium decided to refund (refund_state requested), once, in full."""
    order = await Order.get_or_none(id=order_id)
    if order is None or order.refund_state != RefundState.REQUESTED:
        return "nothing to refund"
    ours = Order.filter(id=order_id, refund_state=RefundState.REQUESTED)
    if not order.stripe_payment_intent:
        await ours.update(refund_state=RefundState.FAILED, refund_error="no payment to refund")
        return "no payment"
    try:
        made = await gateway.current(settings).client.v1.refunds.create_async(
            {"payment_intent": order.stripe_payment_intent, "metadata": {"order_id": str(order.id)}},
            {"idempotency_key": refund_key(order)},
        )
    except _TRANSIENT as exc:
        if job_try < REFUND_TRIES:
            raise Retry(defer=job_try * 30) from exc
        await ours.update(refund_state=RefundState.FAILED, refund_error=str(exc)[:2000])
        log.error("order %s: refund failed for good: %s", order_id, exc)
        return "failed"
    except stripe.StripeError as exc:
        if getattr(exc, "code", None) == "charge_already_refunded":
            await ours.update(refund_state=RefundState.SUCCEEDED, refunded_at=utcnow(), refunded_amount=order.total)
            return "already refunded"
        await ours.update(refund_state=RefundState.FAILED, refund_error=str(exc)[:2000])
        log.error("order %s: Stripe refused the refund: %s", order_id, exc)
        return "refused"
    await ours.update(
        refund_state=RefundState.SUCCEEDED, refund_id=made.id, refunded_amount=made.amount, refunded_at=utcnow()
    )
    return "refunded"
