"""Visa invitation letters: the attendee's request (one per ticket), the organizer's decision, the PDF letter,
and the erasure of passport numbers VISA_ERASE_DAYS after the summit.

Passport numbers are sealed at rest (registration.passports) and opened only for the summit's organizers and
for the letter. The letter is made on demand while the number exists: once it is erased, no letter can be
downloaded any more (a letter without the number is of no use to a consulate)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import anyio.to_thread
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from podium.platform import audit, i18n
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.notifications.services import notify
from podium.platform.pagination import Page
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.registration import passports, visa_letter
from podium.platform.registration.models import Ticket, TicketStatus, TicketType, VisaRequest, VisaStatus
from podium.platform.registration.visa_forms import VisaForm
from podium.platform.summits.models import Summit
from podium.settings import Settings

log = logging.getLogger(__name__)

ORGANIZER_PAGE_SIZE = 50
MAX_NOTE = 2000


def reference(visa: VisaRequest, summit: Summit) -> str:
    return f"{summit.slug.upper()}-VISA-{visa.id:05d}"


def summit_day(summit: Summit, now: datetime) -> date:
    """Today where the summit takes place."""
    return now.astimezone(i18n.zone(summit.timezone)).date()


def erase_after(summit: Summit, settings: Settings) -> date:
    """The last day passport numbers are kept: the summit's last day plus VISA_ERASE_DAYS. They go the day after."""
    return summit.ends_on + timedelta(days=settings.visa_erase_days)


# ---- the attendee -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeView:
    ticket: Ticket
    summit: Summit
    ticket_type: TicketType
    visa: VisaRequest | None
    masked_number: str  # the last three characters, "" if none or erased
    can_request: bool  # the form is open: no decision yet, or a rejection to correct
    letter_ready: bool  # approved and the number still on file


async def get_visa_ticket(*, code: str) -> Ticket:
    """An issued ticket by its code (the code is the key to its pages)."""
    if not code or len(code) > 64:
        raise NotFound()
    ticket = await Ticket.get_or_none(code=code).select_related("ticket_type")
    if ticket is None or ticket.status not in (TicketStatus.ISSUED, TicketStatus.VOID):
        raise NotFound()
    if ticket.status != TicketStatus.ISSUED:
        raise Conflict(_("This ticket is cancelled."))
    return ticket


async def attendee_view(*, ticket: Ticket, settings: Settings, now: datetime | None = None) -> AttendeeView:
    now = now or utcnow()
    summit = await Summit.get(id=ticket.summit_id)
    visa = await VisaRequest.get_or_none(ticket_id=ticket.id)
    number = passports.open_number(visa.passport_number_sealed, settings) if visa else None
    open_ = summit_day(summit, now) <= summit.ends_on and (visa is None or visa.status != VisaStatus.APPROVED)
    return AttendeeView(
        ticket=ticket,
        summit=summit,
        ticket_type=ticket.ticket_type,
        visa=visa,
        masked_number=passports.mask(number),
        can_request=open_,
        letter_ready=visa is not None and visa.status == VisaStatus.APPROVED and number is not None,
    )


@dataclass(frozen=True)
class MyTicket:
    ticket: Ticket
    visa: VisaRequest | None


async def list_my_tickets(*, actor: Actor, limit: int = 200) -> list[MyTicket]:
    """The signed-in person's tickets: those bought with this account, and those issued to its address once
    that address is verified. Three queries, whatever the number."""
    user = actor.require_user()
    mine = Q(order__user_id=user.id)
    if user.is_verified:
        mine |= Q(email=user.email)
    tickets = (
        await Ticket.filter(mine, status__in=[TicketStatus.ISSUED, TicketStatus.VOID])
        .select_related("ticket_type", "summit")
        .order_by("-created_at", "-id")
        .limit(limit)
    )
    visas = {visa.ticket_id: visa for visa in await VisaRequest.filter(ticket_id__in=[t.id for t in tickets])}
    return [MyTicket(ticket=ticket, visa=visas.get(ticket.id)) for ticket in tickets]


async def submit_request(
    *, actor: Actor, view: AttendeeView, form: VisaForm, settings: Settings, now: datetime | None = None
) -> VisaRequest:
    """Ask for a letter, or correct the request while no letter is approved. An empty passport number keeps
    the one on file. The request goes back to the organizers as requested."""
    now = now or utcnow()
    if not view.can_request:
        if view.visa is not None and view.visa.status == VisaStatus.APPROVED:
            raise Conflict(_("Your letter is approved and can no longer be changed. Ask the organizers."))
        raise Conflict(_("The summit is over: visa letters can no longer be requested."))
    values: dict[str, Any] = {
        "passport_name": form.passport_name,
        "nationality": form.nationality,
        "date_of_birth": form.date_of_birth,
        "passport_expires_on": form.passport_expires_on,
        "purpose": form.purpose,
        "arrives_on": form.arrives_on,
        "departs_on": form.departs_on,
        "status": VisaStatus.REQUESTED,
        "requested_at": now,
        "requested_by_id": actor.user_id,
    }
    if form.passport_number:
        values["passport_number_sealed"] = passports.seal_number(form.passport_number, settings)
    elif view.visa is None or not view.visa.passport_number_sealed:
        message = _("Enter the passport number as printed: 5 to 20 letters and digits.")
        raise InvalidInput({"passport_number": [message]})
    ticket = view.ticket
    async with in_transaction():
        if view.visa is None:
            try:
                visa = await VisaRequest.create(ticket_id=ticket.id, summit_id=ticket.summit_id, **values)
            except IntegrityError:  # the same ticket asked twice at once: the first one is on file
                raise Conflict(_("A request for this ticket is already on file. Reload the page.")) from None
        else:
            changed = await VisaRequest.filter(
                id=view.visa.id, status__in=[VisaStatus.REQUESTED, VisaStatus.REJECTED], erased_at__isnull=True
            ).update(**values)
            if not changed:
                raise Conflict(_("Your letter is approved and can no longer be changed. Ask the organizers."))
            visa = await VisaRequest.get(id=view.visa.id)
        await audit.record(
            "registration.visa_requested",
            actor_id=actor.user_id,
            object_type="visa_request",
            object_id=visa.id,
            data={"ticket": ticket.id, "again": view.visa is not None},
        )
    return visa


# ---- organizers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizerRow:
    visa: VisaRequest
    passport_number: str | None  # opened for the organizers; None when erased or unreadable
    reference: str


async def list_requests(
    *, actor: Actor, summit: Summit, settings: Settings, status: VisaStatus | None = None, page: int = 1
) -> tuple[list[OrganizerRow], Page[VisaRequest]]:
    """One page of the summit's requests, each with its passport number (three queries, whatever the page)."""
    ensure(can_manage_summit(actor, summit.id))
    size = ORGANIZER_PAGE_SIZE
    matches = VisaRequest.filter(summit_id=summit.id)
    if status is not None:
        matches = matches.filter(status=status)
    total = await matches.count()
    number = min(max(1, page), max(1, -(-total // size)))
    visas = list(
        await matches.select_related("ticket__ticket_type")
        .order_by("-requested_at", "-id")
        .offset((number - 1) * size)
        .limit(size)
    )
    rows = [
        OrganizerRow(
            visa=visa,
            passport_number=passports.open_number(visa.passport_number_sealed, settings),
            reference=reference(visa, summit),
        )
        for visa in visas
    ]
    return rows, Page(items=visas, number=number, size=size, total=total)


async def get_managed_request(*, actor: Actor, visa_id: int) -> VisaRequest:
    """A request of a summit the actor organizes; anyone else is told it does not exist."""
    visa = await VisaRequest.get_or_none(id=visa_id).select_related("summit", "ticket__ticket_type")
    if visa is None or not can_manage_summit(actor, visa.summit_id):
        raise NotFound()
    return visa


async def decide(
    *, actor: Actor, visa: VisaRequest, approve: bool, note: str, settings: Settings, now: datetime | None = None
) -> VisaRequest:
    """Approve (a letter can then be downloaded, and the attendee is told by e-mail) or reject with a note the
    attendee reads. A rejected request can be approved later, and an approved one withdrawn by rejecting it."""
    ensure(can_manage_summit(actor, visa.summit_id))
    now = now or utcnow()
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput({"note": [_("Use at most %(max)d characters.", max=MAX_NOTE)]})
    if not approve and not note:
        raise InvalidInput({"note": [_("Tell the attendee why, so that they can correct the request.")]})
    if approve and visa.erased_at is not None:
        raise Conflict(_("The passport number of this request has been erased: no letter can be made."))
    to = VisaStatus.APPROVED if approve else VisaStatus.REJECTED
    if to == visa.status:
        raise Conflict(_("This request is already approved.") if approve else _("This request is already rejected."))
    signatory = actor.user.display_name if actor.user is not None else ""
    async with in_transaction():
        changed = await VisaRequest.filter(id=visa.id, status=visa.status).update(
            status=to, note=note, decided_at=now, decided_by_id=actor.user_id, signatory=signatory
        )
        if not changed:
            raise Conflict(_("This request changed in the meantime. Reload the page and decide again."))
        await audit.record(
            "registration.visa_approved" if approve else "registration.visa_rejected",
            actor_id=actor.user_id,
            object_type="visa_request",
            object_id=visa.id,
            data={"from": str(visa.status), "note": note},
        )
    decided = await VisaRequest.get(id=visa.id).select_related("summit", "ticket__ticket_type")
    await _tell_attendee(decided, settings)
    return decided


async def _tell_attendee(visa: VisaRequest, settings: Settings) -> None:
    ticket, summit = visa.ticket, visa.summit
    assert visa.decided_at is not None
    await notify(
        key=f"visa-{visa.status}:{visa.id}:{int(visa.decided_at.timestamp())}",
        recipient=ticket.email,
        kind="visa_approved" if visa.status == VisaStatus.APPROVED else "visa_rejected",
        locale=ticket.locale,
        context={
            "name": visa.passport_name,
            "summit_en": summit.name_en,
            "summit_zh": summit.name_zh,
            "note": visa.note,
            "url": f"{settings.base_url}/tickets/{ticket.code}/visa",
            "keep_until": erase_after(summit, settings).isoformat(),
        },
    )


# ---- the letter ---------------------------------------------------------------------------------------


async def letter_pdf(
    *, actor: Actor, visa: VisaRequest, settings: Settings, by_organizer: bool, now: datetime | None = None
) -> tuple[str, bytes]:
    """(file name, PDF) of an approved request's letter. Raises Conflict when it is not approved, or when the
    passport number is no longer on file (erased after the summit, or sealed under another secret key)."""
    now = now or utcnow()
    if visa.status != VisaStatus.APPROVED:
        raise Conflict(_("This request is not approved: there is no letter yet."))
    summit = await Summit.get(id=visa.summit_id)
    number = passports.open_number(visa.passport_number_sealed, settings)
    if number is None:
        raise Conflict(
            _("The passport number has been erased, so the letter can no longer be made. Ask the organizers.")
        )
    ticket = await Ticket.get(id=visa.ticket_id).select_related("ticket_type")
    facts = visa_letter.LetterFacts(
        reference=reference(visa, summit),
        issued_on=summit_day(summit, visa.decided_at or now),
        summit_en=summit.name_en,
        summit_zh=summit.name_zh,
        venue_en=summit.venue_en,
        venue_zh=summit.venue_zh,
        starts_on=summit.starts_on,
        ends_on=summit.ends_on,
        passport_name=visa.passport_name,
        nationality=visa.nationality,
        passport_number=number,
        date_of_birth=visa.date_of_birth,
        passport_expires_on=visa.passport_expires_on,
        purpose=visa.purpose,
        arrives_on=visa.arrives_on,
        departs_on=visa.departs_on,
        ticket_type_en=ticket.ticket_type.name_en,
        ticket_type_zh=ticket.ticket_type.name_zh,
        signatory=visa.signatory or f"The organizers of {summit.name_en or summit.name_zh}",
    )
    font = visa_letter.find_cjk_font(settings.visa_cjk_font)
    pdf = await anyio.to_thread.run_sync(lambda: visa_letter.render_letter(facts, font))
    await audit.record(
        "registration.visa_letter_downloaded",
        actor_id=actor.user_id,
        object_type="visa_request",
        object_id=visa.id,
        data={"by": "organizer" if by_organizer else "attendee"},
    )
    return f"{facts.reference.lower()}.pdf", pdf


# ---- erasure ------------------------------------------------------------------------------------------


async def erase_due(*, settings: Settings, now: datetime | None = None) -> int:
    """Erase the passport numbers of every summit whose last day ended more than VISA_ERASE_DAYS ago (counted
    in UTC days). Idempotent: an erased request is not touched again. Returns how many were erased."""
    now = now or utcnow()
    cutoff = now.date() - timedelta(days=settings.visa_erase_days)
    summits = (
        await VisaRequest.filter(erased_at__isnull=True, summit__ends_on__lt=cutoff)
        .order_by("summit_id")
        .distinct()
        .values_list("summit_id", flat=True)
    )
    erased = 0
    for summit_id in summits:
        async with in_transaction():
            count = await VisaRequest.filter(summit_id=summit_id, erased_at__isnull=True).update(
                passport_number_sealed="", erased_at=now
            )
            if count:
                await audit.record(
                    "registration.visa_passports_erased",
                    actor_id=None,
                    object_type="summit",
                    object_id=summit_id,
                    data={"requests": count, "days_after": settings.visa_erase_days},
                )
        erased += count
    if erased:
        log.info("erased the passport numbers of %s visa requests", erased)
    return erased
