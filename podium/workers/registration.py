"""Thin jobs over the registration services: Stripe events, lapsed holds, refunds, waitlist offers, and the
erasure of visa requests' passport numbers."""

from __future__ import annotations

from typing import Any

from podium.platform.registration.services import checkout, events, orders, visas, waitlist


async def handle_stripe_event(ctx: dict[str, Any], *, event_id: str) -> str:
    return await events.handle(event_id=event_id, settings=ctx["settings"])


async def release_lapsed_holds(ctx: dict[str, Any]) -> int:
    """Every minute: lapsed order holds and waitlist offers, and Stripe events whose job was lost."""
    settings = ctx["settings"]
    released = await orders.release_lapsed(settings=settings)
    released += await waitlist.expire_offers(settings=settings)
    await events.requeue_stale()
    return released


async def refund_order(ctx: dict[str, Any], *, order_id: int) -> str:
    return await checkout.refund(order_id=order_id, settings=ctx["settings"], job_try=ctx.get("job_try", 1))


async def offer_waitlist(ctx: dict[str, Any], *, ticket_type_id: int) -> int:
    return await waitlist.offer_available(ticket_type_id=ticket_type_id, settings=ctx["settings"])


async def erase_passport_numbers(ctx: dict[str, Any]) -> int:
    """Daily: passport numbers of summits that ended more than VISA_ERASE_DAYS ago (idempotent)."""
    return await visas.erase_due(settings=ctx["settings"])
