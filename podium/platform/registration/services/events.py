"""Stripe webhook events: verified on the raw body, stored once by their id, handled by a job.

The endpoint only verifies and stores, so it answers Stripe at once. A duplicate id is stored nothing more and
queues nothing. The job hands each kind to the order transitions, which are conditional, so events replayed
or arriving out of order (expired after completed, say) change nothing they should not."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

import stripe
from tortoise.exceptions import IntegrityError

from podium.platform import jobs
from podium.platform.errors import AppError
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.jobs import JobName
from podium.platform.registration.models import Order, StripeEvent
from podium.platform.registration.services import orders
from podium.settings import Settings

log = logging.getLogger(__name__)

TOLERANCE = 300  # seconds: Stripe's default; an older signature is a replay
STALE_AFTER = timedelta(minutes=5)


class BadSignature(AppError):
    status_code = 400

    @property
    def errors(self) -> dict[str, list[str]]:
        return {"signature": [self.message]}


async def receive(*, body: bytes, signature: str, secret: str) -> StripeEvent | None:
    """Verify and store an event. Returns it when it is new (its job is queued), None for a duplicate.
    Raises BadSignature for anything unsigned, tampered with, too old or not an event."""
    if not secret:
        log.error("a Stripe webhook arrived but no STRIPE_WEBHOOK_SECRET is set: refused")
        raise BadSignature(_("Webhooks are not configured."))
    try:
        payload = body.decode("utf-8")
        stripe.WebhookSignature.verify_header(payload, signature, secret, TOLERANCE)
        event = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError):  # UnicodeDecodeError and JSON errors are ValueErrors
        raise BadSignature(_("The signature is missing or does not match.")) from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise BadSignature(_("This is not a Stripe event."))
    event_id = event["id"][:255]
    try:
        stored = await StripeEvent.create(
            id=event_id, type=event["type"][:100], payload=payload, livemode=bool(event.get("livemode"))
        )
    except IntegrityError:
        log.info("Stripe event %s received again: ignored", event_id)
        return None
    await jobs.enqueue(JobName.HANDLE_STRIPE_EVENT, job_id=f"stripe-event:{event_id}", event_id=event_id)
    return stored


def _object(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    return obj if isinstance(obj, dict) else {}


async def _session_order(session: dict[str, Any]) -> Order | None:
    reference = str(session.get("client_reference_id") or (session.get("metadata") or {}).get("order_id") or "")
    if not reference.isdigit():
        return None
    order = await Order.get_or_none(id=int(reference))
    if order is None or order.stripe_session_id != session.get("id"):
        return None
    return order


async def _completed(session: dict[str, Any], settings: Settings, now: datetime) -> str:
    order = await _session_order(session)
    if order is None:
        return "no order for this session"
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return "not paid yet"
    if session.get("amount_total") != order.total or str(session.get("currency", "")).upper() != order.currency:
        log.error("order %s: Stripe session %s has a different amount or currency", order.id, session.get("id"))
        return "amount differs: left for a person to look at"
    intent = str(session.get("payment_intent") or "")
    return await orders.confirm_payment(order_id=order.id, payment_intent=intent, settings=settings, now=now)


async def _expired(session: dict[str, Any], settings: Settings, now: datetime) -> str:
    order = await _session_order(session)
    if order is None:
        return "no order for this session"
    return await orders.expire_session_order(session_id=str(session["id"]), settings=settings, now=now)


async def _refunded(charge: dict[str, Any], settings: Settings, now: datetime) -> str:
    intent = charge.get("payment_intent")
    if not isinstance(intent, str) or not intent:
        return "no payment intent"
    amount = charge.get("amount_refunded")
    return await orders.record_refund(
        payment_intent=intent,
        amount_refunded=amount if isinstance(amount, int) else 0,
        full=bool(charge.get("refunded")),
        settings=settings,
        now=now,
    )


HANDLERS = {
    "checkout.session.completed": _completed,
    "checkout.session.async_payment_succeeded": _completed,
    "checkout.session.expired": _expired,
    "charge.refunded": _refunded,
}


async def handle(*, event_id: str, settings: Settings, now: datetime | None = None) -> str:
    """Act on a stored event, once. Safe to run again: a handled event is skipped, and every transition it
    makes is conditional on the order's current state."""
    now = now or utcnow()
    stored = await StripeEvent.get_or_none(id=event_id)
    if stored is None:
        return "no such event"
    if stored.processed_at is not None:
        return "already handled"
    event = json.loads(stored.payload)
    handler = HANDLERS.get(stored.type)
    outcome = await handler(_object(event), settings, now) if handler else "ignored"
    await StripeEvent.filter(id=event_id, processed_at__isnull=True).update(
        processed_at=utcnow(), outcome=outcome[:200]
    )
    log.info("Stripe event %s (%s): %s", event_id, stored.type, outcome)
    return outcome


async def requeue_stale(now: datetime | None = None) -> int:
    """Queue again the events whose job was lost (the embedded queue died with its process, say)."""
    before = (now or utcnow()) - STALE_AFTER
    ids = (
        await StripeEvent.filter(processed_at__isnull=True, received_at__lt=before)
        .limit(500)
        .values_list("id", flat=True)
    )
    for event_id in ids:
        await jobs.enqueue(JobName.HANDLE_STRIPE_EVENT, job_id=f"stripe-event:{event_id}", event_id=event_id)
    return len(ids)
