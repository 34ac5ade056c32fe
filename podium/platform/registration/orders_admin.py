"""The organizers' pages of a summit's orders and attendees (filters, search, sorting, CSV and XLSX exports),
its sales chart, and tickets e-mailed again from an order or an attendee's row. Organizers only: door staff,
other summits' organizers and strangers are told the pages do not exist."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from podium.platform.auth import login_required
from podium.platform.errors import NotFound, TooManyRequests
from podium.platform.i18n import gettext as _
from podium.platform.registration.models import OrderStatus, TicketStatus
from podium.platform.registration.services import orders_admin, sales_chart
from podium.platform.summits import services as summits
from podium.platform.summits.models import Summit
from podium.platform.web import NOTICES, actor_of, page_number, redirect, render, safe_next, settings_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

NOTICES.update(
    {
        "tickets-resent": lambda: _("The tickets are e-mailed to their attendees again."),
        "resend-too-soon": lambda: _(
            "These tickets were e-mailed less than %(minutes)d minutes ago. Try again later.", minutes=10
        ),
    }
)


def order_labels() -> dict[str, str]:
    return {
        OrderStatus.PENDING: _("waiting for payment"),
        OrderStatus.PAID: _("confirmed"),
        OrderStatus.EXPIRED: _("expired: the seats were released"),
        OrderStatus.CANCELLED: _("cancelled"),
        OrderStatus.REFUNDED: _("refunded"),
    }


def ticket_labels() -> dict[str, str]:
    return {
        TicketStatus.PENDING: _("awaiting payment"),
        TicketStatus.ISSUED: _("issued"),
        TicketStatus.VOID: _("void"),
    }


def _query(request: Request) -> dict[str, str]:
    """The page's filters, to carry into the pager, the export links and back after a resend."""
    return {k: v for k, v in request.query_params.items() if k not in {"page", "notice"}}


async def _summit(request: Request) -> Summit:
    return await summits.get_managed_summit(actor=actor_of(request), slug=request.path_params["slug"])


async def _export(batches: AsyncIterator[list[tuple[object, ...]]], fmt: str, name: str, sheet: str) -> Response:
    headers = {"content-disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "csv":
        return StreamingResponse(orders_admin.stream_csv(batches), media_type=CSV, headers=headers)
    return Response(await orders_admin.build_xlsx(batches, sheet), media_type=XLSX, headers=headers)


@login_required
async def orders_page(request: Request) -> Response:
    actor, summit = actor_of(request), await _summit(request)
    selection = orders_admin.order_filter(request.query_params)
    size = orders_admin.page_size(request.query_params)
    page = await orders_admin.page_of_orders(
        actor=actor, summit=summit, selection=selection, page=page_number(request), size=size
    )
    context: dict[str, Any] = {
        "summit": summit,
        "page": page,
        "selection": selection,
        "choices": await orders_admin.choices(actor=actor, summit=summit),
        "query": _query(request),
        "labels": order_labels(),
        "statuses": list(OrderStatus),
    }
    return render(request, "registration/organize_orders.html", context)


@login_required
async def export_orders(request: Request) -> Response:
    actor, summit = actor_of(request), await _summit(request)
    fmt = request.path_params["fmt"]
    if fmt not in {"csv", "xlsx"}:
        raise NotFound()
    selection = orders_admin.order_filter(request.query_params)
    batches = orders_admin.export_orders(actor=actor, summit=summit, selection=selection)
    return await _export(batches, fmt, f"{summit.slug}-orders", "Orders")


@login_required
async def attendees_page(request: Request) -> Response:
    actor, summit = actor_of(request), await _summit(request)
    selection = orders_admin.attendee_filter(request.query_params)
    size = orders_admin.page_size(request.query_params)
    page = await orders_admin.page_of_attendees(
        actor=actor, summit=summit, selection=selection, page=page_number(request), size=size
    )
    query = _query(request)
    context: dict[str, Any] = {
        "summit": summit,
        "page": page,
        "selection": selection,
        "choices": await orders_admin.choices(actor=actor, summit=summit, countries=True),
        "query": query,
        "labels": ticket_labels(),
        "order_labels": order_labels(),
        "statuses": list(TicketStatus),
        "back": f"{request.url.path}?{urlencode({**query, 'page': str(page.number)})}",
    }
    return render(request, "registration/organize_attendees.html", context)


@login_required
async def export_attendees(request: Request) -> Response:
    actor, summit = actor_of(request), await _summit(request)
    fmt = request.path_params["fmt"]
    if fmt not in {"csv", "xlsx"}:
        raise NotFound()
    selection = orders_admin.attendee_filter(request.query_params)
    batches = orders_admin.export_attendees(actor=actor, summit=summit, selection=selection)
    return await _export(batches, fmt, f"{summit.slug}-attendees", "Attendees")


@login_required
async def sales_page(request: Request) -> Response:
    actor, summit = actor_of(request), await _summit(request)
    chart = await sales_chart.sales_of(actor=actor, summit=summit)
    return render(request, "registration/organize_orders_sales.html", {"summit": summit, "chart": chart})


@login_required
async def sales_csv(request: Request) -> Response:
    actor, summit = actor_of(request), await _summit(request)
    chart = await sales_chart.sales_of(actor=actor, summit=summit)
    headers = {"content-disposition": f'attachment; filename="{summit.slug}-sales.csv"'}
    return Response(sales_chart.chart_csv(chart), media_type=CSV, headers=headers)


def _with_notice(target: str, code: str) -> str:
    return target + ("&" if "?" in target else "?") + f"notice={code}"


async def _resend(request: Request, order_id: int, ticket_id: int | None) -> Response:
    actor = actor_of(request)
    order = await orders_admin.get_managed_order(actor=actor, order_id=order_id)
    back = safe_next(str((await request.form()).get("back", "")), f"/orders/{order.id}")
    try:
        await orders_admin.resend_tickets(actor=actor, order=order, ticket_id=ticket_id, settings=settings_of(request))
    except TooManyRequests:
        return redirect(_with_notice(back, "resend-too-soon"))
    return redirect(_with_notice(back, "tickets-resent"))


@login_required
async def resend_order(request: Request) -> Response:
    return await _resend(request, request.path_params["id"], None)


@login_required
async def resend_ticket(request: Request) -> Response:
    ticket = await orders_admin.get_managed_ticket(actor=actor_of(request), ticket_id=request.path_params["id"])
    return await _resend(request, ticket.order_id, ticket.id)


routes: list[BaseRoute] = [
    Route("/organize/summits/{slug}/orders", orders_page, name="registration:organize-orders"),
    Route("/organize/summits/{slug}/orders/export.{fmt:str}", export_orders, name="registration:export-orders"),
    Route("/organize/summits/{slug}/attendees", attendees_page, name="registration:organize-attendees"),
    Route(
        "/organize/summits/{slug}/attendees/export.{fmt:str}", export_attendees, name="registration:export-attendees"
    ),
    Route("/organize/summits/{slug}/sales", sales_page, name="registration:sales"),
    Route("/organize/summits/{slug}/sales.csv", sales_csv, name="registration:sales-csv"),
    Route("/organize/orders/{id:int}/resend", resend_order, methods=["POST"], name="registration:resend-order"),
    Route("/organize/tickets/{id:int}/resend", resend_ticket, methods=["POST"], name="registration:resend-ticket"),
]
