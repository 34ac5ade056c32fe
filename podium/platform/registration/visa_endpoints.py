"""Visa invitation letters: the attendee's request and letter (from the ticket's page, which its code opens),
the signed-in attendee's list of tickets, and the organizers' requests page with decisions and letters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from podium.platform import i18n
from podium.platform.auth import login_required
from podium.platform.errors import AppError, InvalidInput
from podium.platform.forms import values_of
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.registration.models import VisaRequest, VisaStatus
from podium.platform.registration.services import visas
from podium.platform.registration.visa_forms import visa_from_page
from podium.platform.summits import services as summits
from podium.platform.summits.models import Summit
from podium.platform.web import NOTICES, actor_of, page_number, redirect, render, settings_of

NOTICES.update(
    {
        "visa-requested": lambda: _("Your request is with the organizers. You will get an e-mail when they decide."),
        "visa-approved": lambda: _("The request is approved. The attendee has been told by e-mail."),
        "visa-rejected": lambda: _("The request is rejected. The attendee has been told by e-mail."),
    }
)


def _status_labels() -> dict[str, str]:
    return {
        VisaStatus.REQUESTED: _("waiting for the organizers"),
        VisaStatus.APPROVED: _("approved"),
        VisaStatus.REJECTED: _("not approved"),
    }


def _pdf(name: str, content: bytes) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _values(visa: VisaRequest | None) -> dict[str, Any]:
    if visa is None:
        return {}
    return {
        "passport_name": visa.passport_name,
        "nationality": visa.nationality,
        "date_of_birth": visa.date_of_birth.isoformat(),
        "passport_expires_on": visa.passport_expires_on.isoformat(),
        "purpose": visa.purpose,
        "arrives_on": visa.arrives_on.isoformat() if visa.arrives_on else "",
        "departs_on": visa.departs_on.isoformat() if visa.departs_on else "",
    }


# ---- the attendee -------------------------------------------------------------------------------------


async def visa_page(request: Request) -> Response:
    settings = settings_of(request)
    ticket = await visas.get_visa_ticket(code=request.path_params["code"])
    view = await visas.attendee_view(ticket=ticket, settings=settings)
    context: dict[str, Any] = {
        "view": view,
        "values": _values(view.visa),
        "errors": {},
        "countries": i18n.country_choices(),
        "status_labels": _status_labels(),
        "erase_days": settings.visa_erase_days,
        "keep_until": visas.erase_after(view.summit, settings),
    }
    if request.method == "GET":
        return render(request, "registration/visa_request.html", context)
    data = await request.form()
    try:
        form = visa_from_page(
            data,
            today=visas.summit_day(view.summit, utcnow()),
            summit_ends_on=view.summit.ends_on,
            has_number=bool(view.visa and view.visa.passport_number_sealed),
        )
        await visas.submit_request(actor=actor_of(request), view=view, form=form, settings=settings)
    except AppError as exc:
        context.update(values=values_of(data), errors=exc.errors)
        return render(request, "registration/visa_request.html", context, exc.status_code)
    return redirect(f"/tickets/{ticket.code}/visa?notice=visa-requested")


async def attendee_letter(request: Request) -> Response:
    settings = settings_of(request)
    ticket = await visas.get_visa_ticket(code=request.path_params["code"])
    view = await visas.attendee_view(ticket=ticket, settings=settings)
    if view.visa is None:
        return redirect(f"/tickets/{ticket.code}/visa")
    name, pdf = await visas.letter_pdf(actor=actor_of(request), visa=view.visa, settings=settings, by_organizer=False)
    return _pdf(name, pdf)


@login_required
async def my_tickets(request: Request) -> Response:
    mine = await visas.list_my_tickets(actor=actor_of(request))
    return render(request, "registration/visa_tickets.html", {"mine": mine, "status_labels": _status_labels()})


# ---- organizers ---------------------------------------------------------------------------------------


def _status_filter(request: Request) -> VisaStatus | None:
    raw = request.query_params.get("status", "")
    return VisaStatus(raw) if raw in {s.value for s in VisaStatus} else None


async def _organize_page(
    request: Request,
    summit: Summit,
    status_code: int = 200,
    errors: dict[int, dict[str, list[str]]] | None = None,
    values: dict[int, dict[str, Any]] | None = None,
) -> Response:
    settings = settings_of(request)
    status = _status_filter(request)
    rows, page = await visas.list_requests(
        actor=actor_of(request), summit=summit, settings=settings, status=status, page=page_number(request)
    )
    context = {
        "summit": summit,
        "rows": rows,
        "page": page,
        "status": status.value if status else "",
        "pager_base": "?" + (urlencode({"status": status.value}) + "&" if status else ""),
        "status_labels": _status_labels(),
        "errors": errors or {},
        "values": values or {},
        "erase_days": settings.visa_erase_days,
        "erase_on": visas.erase_after(summit, settings) + timedelta(days=1),
    }
    return render(request, "registration/visa_organize.html", context, status_code)


@login_required
async def organize_visas(request: Request) -> Response:
    summit = await summits.get_managed_summit(actor=actor_of(request), slug=request.path_params["slug"])
    return await _organize_page(request, summit)


@login_required
async def decide(request: Request) -> Response:
    actor = actor_of(request)
    visa = await visas.get_managed_request(actor=actor, visa_id=request.path_params["id"])
    data = await request.form()
    approve = data.get("decision") == "approve"
    note = str(data.get("note") or "")
    back = request.query_params.get("status", "")
    try:
        await visas.decide(actor=actor, visa=visa, approve=approve, note=note, settings=settings_of(request))
    except InvalidInput as exc:
        return await _organize_page(
            request, visa.summit, exc.status_code, errors={visa.id: exc.errors}, values={visa.id: values_of(data)}
        )
    query = {"notice": "visa-approved" if approve else "visa-rejected"} | ({"status": back} if back else {})
    return redirect(f"/organize/summits/{visa.summit.slug}/visas?{urlencode(query)}#visa-{visa.id}")


@login_required
async def organizer_letter(request: Request) -> Response:
    actor = actor_of(request)
    visa = await visas.get_managed_request(actor=actor, visa_id=request.path_params["id"])
    name, pdf = await visas.letter_pdf(actor=actor, visa=visa, settings=settings_of(request), by_organizer=True)
    return _pdf(name, pdf)


routes: list[BaseRoute] = [
    Route("/tickets", my_tickets, name="registration:my-tickets"),
    Route("/tickets/{code}/visa", visa_page, methods=["GET", "POST"], name="registration:visa"),
    Route("/tickets/{code}/visa/letter", attendee_letter, name="registration:visa-letter"),
    Route("/organize/summits/{slug}/visas", organize_visas, name="registration:organize-visas"),
    Route("/organize/visas/{id:int}/decision", decide, methods=["POST"], name="registration:visa-decision"),
    Route("/organize/visas/{id:int}/letter", organizer_letter, name="registration:visa-organizer-letter"),
]
