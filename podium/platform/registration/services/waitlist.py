"""The waitlist of a sold-out ticket type: first come, first offered.

A seat that frees up goes to the next person waiting before anyone else can buy it: the release that frees it
hands it over in the same transaction (it stays held), and the offer's e-mail carries a link that holds it
until the offer expires. An offer nobody claims passes the seat on to the next person, or back to sale."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from podium.platform.auth import digest
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.notifications.services import notify
from podium.platform.registration.forms import WaitlistForm
from podium.platform.registration.models import TicketType, WaitlistEntry, WaitlistStatus
from podium.platform.registration.services import inventory
from podium.platform.registration.services.catalog import SaleState, sale_state
from podium.platform.summits.models import Summit
from podium.settings import Settings

log = logging.getLogger(__name__)


class _NoSeat(Exception):
    """No seat was free for the offer just made."""


@dataclass(frozen=True)
class MadeOffer:
    entry_id: int
    token: str  # the claim link's secret, only ever in the e-mail


async def join(
    *, summit: Summit, ticket_type: TicketType, form: WaitlistForm, locale: str, now: datetime | None = None
) -> WaitlistEntry:
    """Wait for a sold-out type. Joining twice keeps the first place in the queue."""
    now = now or utcnow()
    if ticket_type.summit_id != summit.id or ticket_type.hidden:
        raise NotFound()
    if sale_state(ticket_type, now) != SaleState.SOLD_OUT:
        raise InvalidInput({"email": [_("Tickets of this type are not sold out: you can buy one now.")]})
    existing = await WaitlistEntry.get_or_none(
        ticket_type_id=ticket_type.id,
        email=form.email,
        status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
    )
    if existing is not None:
        return existing
    try:
        return await WaitlistEntry.create(
            summit_id=summit.id,
            ticket_type_id=ticket_type.id,
            email=form.email,
            name=form.name,
            locale=form.locale or locale,
            joined_at=now,
        )
    except IntegrityError:  # the same address joined at the same moment: that entry stands
        return await WaitlistEntry.get(
            ticket_type_id=ticket_type.id,
            email=form.email,
            status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
        )


async def position(entry: WaitlistEntry) -> int:
    ahead = await WaitlistEntry.filter(
        ticket_type_id=entry.ticket_type_id, status=WaitlistStatus.WAITING, joined_at__lt=entry.joined_at
    ).count()
    return ahead + 1


async def offer_freed(*, ticket_type_id: int, seats: int, now: datetime, settings: Settings) -> list[MadeOffer]:
    """Offer up to `seats` freed seats to the people waiting longest. Call inside the transaction that frees
    them: the caller keeps one seat held for each offer made."""
    offers: list[MadeOffer] = []
    if seats <= 0:
        return offers
    waiting: list[Any] = (
        await WaitlistEntry.filter(ticket_type_id=ticket_type_id, status=WaitlistStatus.WAITING)
        .order_by("joined_at", "id")
        .limit(seats + 5)
        .values_list("id", flat=True)
    )
    for entry_id in waiting:
        if len(offers) == seats:
            break
        token = secrets.token_urlsafe(24)
        made = await WaitlistEntry.filter(id=entry_id, status=WaitlistStatus.WAITING).update(
            status=WaitlistStatus.OFFERED,
            offered_at=now,
            offer_expires_at=now + timedelta(hours=settings.waitlist_offer_hours),
            seat_held=True,
            claim_hash=digest(token),
            offers=F("offers") + 1,
        )
        if made:
            offers.append(MadeOffer(int(entry_id), token))
    return offers


async def send_offers(offers: list[MadeOffer], settings: Settings) -> None:
    """The offers' e-mails; call after the transaction that made them."""
    for made in offers:
        entry = await WaitlistEntry.get(id=made.entry_id)
        summit = await Summit.get(id=entry.summit_id)
        ticket_type = await TicketType.get(id=entry.ticket_type_id)
        assert entry.offer_expires_at is not None
        await notify(
            key=f"waitlist-offer:{entry.id}:{entry.offers}",
            recipient=entry.email,
            kind="waitlist_offer",
            locale=entry.locale,
            context={
                "summit_en": summit.name_en,
                "summit_zh": summit.name_zh,
                "type_en": ticket_type.name_en,
                "type_zh": ticket_type.name_zh,
                "timezone": summit.timezone,
                "url": f"{settings.base_url}/waitlist/{made.token}",
                "expires_at": entry.offer_expires_at.isoformat(),
            },
        )


async def offer_available(*, ticket_type_id: int, settings: Settings, now: datetime | None = None) -> int:
    """Offer seats that are free for sale (after a capacity increase, say) to the people waiting."""
    now = now or utcnow()
    made: list[MadeOffer] = []
    while True:
        try:
            async with in_transaction():
                offers = await offer_freed(ticket_type_id=ticket_type_id, seats=1, now=now, settings=settings)
                if offers and not await inventory.hold_one(ticket_type_id=ticket_type_id):
                    raise _NoSeat  # rolls the offer back: the entry keeps waiting
        except _NoSeat:
            break
        if not offers:
            break
        made.extend(offers)
    await send_offers(made, settings)
    return len(made)


async def expire_offers(*, settings: Settings, now: datetime | None = None) -> int:
    """Offers past their time: the seat passes to the next person waiting, or back to sale."""
    now = now or utcnow()
    lapsed = (
        await WaitlistEntry.filter(status=WaitlistStatus.OFFERED, offer_expires_at__lte=now)
        .limit(500)
        .values_list("id", "ticket_type_id")
    )
    expired = 0
    for entry_id, ticket_type_id in lapsed:
        async with in_transaction():
            changed = await WaitlistEntry.filter(id=entry_id, status=WaitlistStatus.OFFERED, seat_held=True).update(
                status=WaitlistStatus.EXPIRED, seat_held=False, claim_hash=None
            )
            offers: list[MadeOffer] = []
            if changed:
                offers = await offer_freed(ticket_type_id=ticket_type_id, seats=1, now=now, settings=settings)
                if not offers:
                    await inventory.drop_held(ticket_type_id=ticket_type_id)
        if changed:
            expired += 1
            await send_offers(offers, settings)
    return expired


async def get_offer(*, token: str, now: datetime | None = None) -> tuple[WaitlistEntry, Summit, TicketType]:
    """The offer a claim link opens, while it holds its seat, with its summit and ticket type."""
    now = now or utcnow()
    if not token or len(token) > 100:
        raise NotFound()
    entry = await WaitlistEntry.get_or_none(claim_hash=digest(token))
    if entry is None:
        raise NotFound()
    if (
        entry.status != WaitlistStatus.OFFERED
        or not entry.seat_held
        or (entry.offer_expires_at is not None and entry.offer_expires_at <= now)
    ):
        raise NotFound(_("This offer has expired or was already used."))
    return entry, await Summit.get(id=entry.summit_id), await TicketType.get(id=entry.ticket_type_id)
