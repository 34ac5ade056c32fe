"""The door's check-in page (made for a phone), the scanner's JSON admission and the live counts it polls.

Organizers and the summit's door staff only; anyone else gets 404. The page works without JavaScript (search,
then admit with a plain form); static/checkin.js adds the camera scanner and admits without reloading."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.platform import i18n
from podium.platform.auth import login_required
from podium.platform.i18n import gettext as _
from podium.platform.permissions import can_manage_summit
from podium.platform.registration.services import checkin
from podium.platform.summits.models import Summit
from podium.platform.web import NOTICES, actor_of, page_number, redirect, render

NOTICES.update({"checkin-undone": lambda: _("The check-in is undone: the ticket can be admitted again.")})

NO_STORE = {"Cache-Control": "no-store"}


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _counts_json(rows: list[checkin.TypeCount]) -> dict[str, Any]:
    return {
        "types": [
            {
                "id": row.ticket_type.id,
                "name": i18n.localized(row.ticket_type, "name"),
                "checked_in": row.checked_in,
                "issued": row.issued,
            }
            for row in rows
        ],
        "checked_in": sum(row.checked_in for row in rows),
        "issued": sum(row.issued for row in rows),
    }


async def _page(request: Request, summit: Summit, result: checkin.Admission | None = None) -> Response:
    actor = actor_of(request)
    query = request.query_params.get("q", "")[:200]
    if result is not None and result.ticket is not None and not query:
        query = result.ticket.code
    found = await checkin.search(actor=actor, summit=summit, query=query, page=page_number(request))
    rows = await checkin.counts(actor=actor, summit=summit)
    context = {
        "summit": summit,
        "query": query,
        "found": found,
        "pager_base": "?" + urlencode({"q": query}) + "&",
        "counts": rows,
        "totals": _counts_json(rows),
        "result": result,
        "can_undo": can_manage_summit(actor, summit.id),
        "min_query": checkin.MIN_QUERY,
    }
    return render(request, "registration/checkin_page.html", context)


@login_required
async def checkin_page(request: Request) -> Response:
    summit = await checkin.get_door(actor=actor_of(request), slug=request.path_params["slug"])
    return await _page(request, summit)


@login_required
async def admit(request: Request) -> Response:
    """The scanner posts here with Accept: application/json; the page's plain form gets the page back."""
    actor = actor_of(request)
    summit = await checkin.get_door(actor=actor, slug=request.path_params["slug"])
    result = await checkin.admit(actor=actor, summit=summit, code=request.path_params["code"])
    if _wants_json(request):
        return JSONResponse(result.as_json(), headers=NO_STORE)
    return await _page(request, summit, result)


@login_required
async def undo(request: Request) -> Response:
    actor = actor_of(request)
    summit = await checkin.get_door(actor=actor, slug=request.path_params["slug"])
    ticket = await checkin.undo(actor=actor, summit=summit, code=request.path_params["code"])
    return redirect(f"/staff/summits/{summit.slug}/checkin?{urlencode({'q': ticket.code, 'notice': 'checkin-undone'})}")


@login_required
async def counts(request: Request) -> Response:
    actor = actor_of(request)
    summit = await checkin.get_door(actor=actor, slug=request.path_params["slug"])
    return JSONResponse(_counts_json(await checkin.counts(actor=actor, summit=summit)), headers=NO_STORE)


routes: list[BaseRoute] = [
    Route("/staff/summits/{slug}/checkin", checkin_page, name="registration:checkin"),
    Route("/staff/summits/{slug}/checkin/counts", counts, name="registration:checkin-counts"),
    Route("/staff/summits/{slug}/checkin/{code}", admit, methods=["POST"], name="registration:checkin-admit"),
    Route("/staff/summits/{slug}/checkin/{code}/undo", undo, methods=["POST"], name="registration:checkin-undo"),
]
