"""Ticket pages: the summit's ticket types, the order form, the order's live page, the ticket page with its QR
code, the waitlist, and the organizers' pages for ticket types and vouchers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.platform import i18n
from podium.platform.auth import login_required
from podium.platform.errors import AppError, InvalidInput
from podium.platform.forms import parse, values_of
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.permissions import can_manage_summit
from podium.platform.registration.forms import (
    MAX_PER_ORDER,
    NameForm,
    WaitlistForm,
    major_units,
    order_from_page,
    ticket_type_from_page,
    voucher_from_page,
)
from podium.platform.registration.models import OrderStatus, TicketType, Voucher, VoucherKind
from podium.platform.registration.services import catalog, orders, tickets, waitlist
from podium.platform.registration.services.catalog import SaleState
from podium.platform.registration.services.inventory import SoldOut
from podium.platform.summits import services as summits
from podium.platform.summits.models import Summit
from podium.platform.web import NOTICES, actor_of, redirect, render, settings_of

NOTICES.update(
    {
        "ticket-type-saved": lambda: _("The ticket type is saved."),
        "voucher-saved": lambda: _("The voucher is saved."),
        "order-cancelled": lambda: _("The order is cancelled; its seats are released."),
        "name-changed": lambda: _("The name on the ticket is changed."),
        "waitlist-joined": lambda: _("You are on the waitlist. We will e-mail you when a seat frees up."),
    }
)


def _quantity(request: Request) -> int:
    raw = request.query_params.get("quantity", "1")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_PER_ORDER else 1


def _status_labels() -> dict[str, str]:
    return {
        OrderStatus.PENDING: _("waiting for payment"),
        OrderStatus.PAID: _("confirmed"),
        OrderStatus.EXPIRED: _("expired: the seats were released"),
        OrderStatus.CANCELLED: _("cancelled"),
        OrderStatus.REFUNDED: _("refunded"),
    }


# ---- buying -----------------------------------------------------------------------------------------


async def tickets_page(request: Request) -> Response:
    summit = await summits.get_summit(slug=request.path_params["slug"])
    code = request.query_params.get("voucher", "")[:40]
    offered = await catalog.offer(summit=summit, voucher_code=code)
    now = utcnow()
    return render(
        request,
        "registration/tickets.html",
        {
            "summit": summit,
            "offer": offered,
            "states": {t.id: catalog.sale_state(t, now) for t in offered.ticket_types},
            "prices": {t.id: orders.unit_price(t, offered.voucher) for t in offered.ticket_types},
            "voucher_code": code if offered.voucher else "",
            "errors": {"voucher": [offered.voucher_error]} if offered.voucher_error else {},
            "can_manage": can_manage_summit(actor_of(request), summit.id),
            "SaleState": SaleState,
        },
    )


async def _order_page(
    request: Request,
    summit: Summit,
    ticket_type: TicketType,
    quantity: int,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    status_code: int = 200,
    offer_token: str = "",
) -> Response:
    code = str(values.get("voucher", ""))
    voucher = await catalog.find_voucher(summit_id=summit.id, code=code) if code else None
    return render(
        request,
        "registration/order_form.html",
        {
            "summit": summit,
            "ticket_type": ticket_type,
            "quantity": quantity,
            "unit_price": orders.unit_price(ticket_type, voucher if voucher and voucher.active else None),
            "values": values,
            "errors": errors,
            "countries": i18n.country_choices(),
            "locales": i18n.LOCALE_NAMES,
            "max_quantity": min(ticket_type.max_per_order, MAX_PER_ORDER),
            "offer_token": offer_token,
            "hold_minutes": settings_of(request).ticket_hold_minutes,
        },
        status_code,
    )


def _defaults(request: Request, quantity: int) -> dict[str, Any]:
    user = actor_of(request).user
    values: dict[str, Any] = {"voucher": request.query_params.get("voucher", "")[:40], "locale": i18n.get_locale()}
    if user is not None:
        values.update(
            {
                "email": user.email,
                "name": user.name,
                "attendees.0.name": user.name,
                "attendees.0.email": user.email,
                "attendees.0.organisation": user.organisation,
                "attendees.0.country": user.country,
            }
        )
    for index in range(quantity):
        values.setdefault(f"attendees.{index}.locale", i18n.get_locale())
    return values


def _after_order(placed: orders.Placed) -> Response:
    if placed.checkout_url:
        return redirect(placed.checkout_url)
    return redirect(f"/orders/{placed.order.id}?{urlencode({'secret': placed.secret})}")


async def order_form(request: Request) -> Response:
    summit = await summits.get_summit(slug=request.path_params["slug"])
    ticket_type = await catalog.get_ticket_type(summit=summit, ticket_type_id=request.path_params["type_id"])
    quantity = min(_quantity(request), ticket_type.max_per_order)
    if request.method == "GET":
        return await _order_page(request, summit, ticket_type, quantity, _defaults(request, quantity), {})
    data = await request.form()
    values = values_of(data)
    try:
        form = order_from_page(data, ticket_type=ticket_type.id, quantity=quantity)
        placed = await orders.place_order(
            actor=actor_of(request), summit=summit, form=form, settings=settings_of(request)
        )
    except (InvalidInput, SoldOut) as exc:
        return await _order_page(request, summit, ticket_type, quantity, values, exc.errors, exc.status_code)
    return _after_order(placed)


async def claim_offer(request: Request) -> Response:
    token = request.path_params["token"]
    entry, summit, ticket_type = await waitlist.get_offer(token=token)
    if request.method == "GET":
        values = {"email": entry.email, "name": entry.name, "attendees.0.name": entry.name}
        values.update({"attendees.0.email": entry.email, "attendees.0.locale": entry.locale, "locale": entry.locale})
        return await _order_page(request, summit, ticket_type, 1, values, {}, offer_token=token)
    data = await request.form()
    try:
        form = order_from_page(data, ticket_type=ticket_type.id, quantity=1)
        placed = await orders.place_order(
            actor=actor_of(request), summit=summit, form=form, settings=settings_of(request), entry=entry
        )
    except (InvalidInput, SoldOut) as exc:
        return await _order_page(
            request, summit, ticket_type, 1, values_of(data), exc.errors, exc.status_code, offer_token=token
        )
    return _after_order(placed)


async def waitlist_join(request: Request) -> Response:
    summit = await summits.get_summit(slug=request.path_params["slug"])
    ticket_type = await catalog.get_ticket_type(summit=summit, ticket_type_id=request.path_params["type_id"])
    context: dict[str, Any] = {"summit": summit, "ticket_type": ticket_type, "errors": {}, "joined": None}
    user = actor_of(request).user
    context["values"] = {"email": user.email, "name": user.name} if user else {}
    if request.method == "POST":
        data = await request.form()
        try:
            entry = await waitlist.join(
                summit=summit, ticket_type=ticket_type, form=parse(WaitlistForm, data), locale=i18n.get_locale()
            )
        except InvalidInput as exc:
            context.update(values=values_of(data), errors=exc.errors)
            return render(request, "registration/waitlist.html", context, 422)
        context["joined"] = entry
        context["position"] = await waitlist.position(entry)
    return render(request, "registration/waitlist.html", context)


# ---- the order and its tickets ---------------------------------------------------------------------


async def order_page(request: Request) -> Response:
    actor = actor_of(request)
    secret = request.query_params.get("secret")
    order = await orders.get_order(actor=actor, order_id=request.path_params["id"], secret=secret)
    view = await orders.view(order)
    return render(
        request,
        "registration/order.html",
        {
            "view": view,
            "order": order,
            "secret": secret if secret and orders.secret_matches(order, secret) else "",
            "status_label": _status_labels()[order.status],
            "can_manage": can_manage_summit(actor, order.summit_id),
            "OrderStatus": OrderStatus,
            "errors": {},
        },
    )


async def order_state(request: Request) -> Response:
    """What the order page polls: its status, so the page reloads when the payment lands."""
    order = await orders.get_order(
        actor=actor_of(request), order_id=request.path_params["id"], secret=request.query_params.get("secret")
    )
    return JSONResponse({"status": str(order.status)}, headers={"Cache-Control": "no-store"})


@login_required
async def cancel_order(request: Request) -> Response:
    actor = actor_of(request)
    order = await orders.get_order(actor=actor, order_id=request.path_params["id"], secret=None)
    await orders.cancel_order(actor=actor, order=order, settings=settings_of(request))
    return redirect(f"/orders/{order.id}?notice=order-cancelled")


async def _ticket_page(request: Request, ticket: Any, status_code: int = 200, **extra: Any) -> Response:
    settings = settings_of(request)
    summit, ticket_type = await tickets.summit_and_type(ticket)
    deadline = tickets.name_change_deadline(summit, settings)
    context = {
        "ticket": ticket,
        "summit": summit,
        "ticket_type": ticket_type,
        "qr": Markup(tickets.qr_svg(tickets.ticket_url(settings, ticket.code))),  # noqa: S704 - segno's own SVG
        "deadline": deadline,
        "can_rename": ticket.status == "issued" and utcnow() < deadline,
        "values": {"name": ticket.name},
        "errors": {},
        **extra,
    }
    return render(request, "registration/ticket.html", context, status_code)


async def ticket_page(request: Request) -> Response:
    ticket = await tickets.get_ticket(code=request.path_params["code"])
    return await _ticket_page(request, ticket)


async def rename_ticket(request: Request) -> Response:
    ticket = await tickets.get_ticket(code=request.path_params["code"])
    data = await request.form()
    try:
        await tickets.rename(ticket=ticket, form=parse(NameForm, data), settings=settings_of(request))
    except InvalidInput as exc:
        return await _ticket_page(request, ticket, 422, values=values_of(data), errors=exc.errors)
    except AppError as exc:
        return await _ticket_page(request, ticket, exc.status_code, errors={"name": [exc.message]})
    return redirect(f"/tickets/{ticket.code}?notice=name-changed")


# ---- organizers -------------------------------------------------------------------------------------


def _type_values(ticket_type: TicketType, timezone: str) -> dict[str, Any]:
    return {
        "name_en": ticket_type.name_en,
        "name_zh": ticket_type.name_zh,
        "description_en": ticket_type.description_en,
        "description_zh": ticket_type.description_zh,
        "price": major_units(ticket_type.price, ticket_type.currency),
        "currency": ticket_type.currency,
        "capacity": ticket_type.capacity,
        "max_per_order": ticket_type.max_per_order,
        "sales_start": catalog.to_local_input(ticket_type.sales_start, timezone),
        "sales_end": catalog.to_local_input(ticket_type.sales_end, timezone),
        "hidden": ticket_type.hidden,
        "position": ticket_type.position,
    }


async def _types_page(request: Request, summit: Summit, status_code: int = 200, **extra: Any) -> Response:
    context: dict[str, Any] = {
        "summit": summit,
        "ticket_types": await catalog.list_ticket_types(actor=actor_of(request), summit=summit),
        "values": {"currency": summit.currency, "max_per_order": 10, "price": "0"},
        "errors": {},
        **extra,
    }
    return render(request, "registration/organize_types.html", context, status_code)


@login_required
async def organize_types(request: Request) -> Response:
    actor = actor_of(request)
    summit = await summits.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    if request.method == "GET":
        return await _types_page(request, summit)
    data = await request.form()
    try:
        await catalog.create_ticket_type(actor=actor, summit=summit, form=ticket_type_from_page(data))
    except InvalidInput as exc:
        return await _types_page(request, summit, 422, values=values_of(data), errors=exc.errors)
    return redirect(f"/organize/summits/{summit.slug}/tickets?notice=ticket-type-saved")


@login_required
async def edit_type(request: Request) -> Response:
    actor = actor_of(request)
    ticket_type = await catalog.get_managed_ticket_type(actor=actor, ticket_type_id=request.path_params["id"])
    summit = ticket_type.summit
    context: dict[str, Any] = {"summit": summit, "ticket_type": ticket_type, "errors": {}}
    if request.method == "GET":
        context["values"] = _type_values(ticket_type, summit.timezone)
        return render(request, "registration/type_form.html", context)
    data = await request.form()
    try:
        await catalog.update_ticket_type(actor=actor, ticket_type=ticket_type, form=ticket_type_from_page(data))
    except InvalidInput as exc:
        context.update(values=values_of(data), errors=exc.errors)
        return render(request, "registration/type_form.html", context, 422)
    return redirect(f"/organize/summits/{summit.slug}/tickets?notice=ticket-type-saved")


def _kind_labels() -> dict[str, str]:
    return {
        VoucherKind.PERCENT: _("Percentage off"),
        VoucherKind.FIXED: _("Fixed amount off each ticket"),
        VoucherKind.FREE: _("Free tickets"),
    }


async def _vouchers_page(request: Request, summit: Summit, status_code: int = 200, **extra: Any) -> Response:
    actor = actor_of(request)
    context: dict[str, Any] = {
        "summit": summit,
        "vouchers": await catalog.list_vouchers(actor=actor, summit=summit),
        "ticket_types": await catalog.list_ticket_types(actor=actor, summit=summit),
        "kinds": _kind_labels(),
        "values": {"kind": "percent", "active": True, "reserved": "0"},
        "errors": {},
        "voucher": None,
        **extra,
    }
    return render(request, "registration/organize_vouchers.html", context, status_code)


@login_required
async def organize_vouchers(request: Request) -> Response:
    actor = actor_of(request)
    summit = await summits.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    if request.method == "GET":
        return await _vouchers_page(request, summit)
    data = await request.form()
    types = await catalog.list_ticket_types(actor=actor, summit=summit)
    try:
        form = voucher_from_page(data, {t.id: t.currency for t in types})
        await catalog.create_voucher(actor=actor, summit=summit, form=form)
    except InvalidInput as exc:
        return await _vouchers_page(request, summit, 422, values=values_of(data), errors=exc.errors)
    return redirect(f"/organize/summits/{summit.slug}/vouchers?notice=voucher-saved")


def _voucher_values(voucher: Voucher, types: list[TicketType], timezone: str) -> dict[str, Any]:
    currency = next((t.currency for t in types if t.id == voucher.ticket_type_id), "CNY")
    return {
        "code": voucher.code,
        "ticket_type": voucher.ticket_type_id or "",
        "kind": str(voucher.kind),
        "value": major_units(voucher.value, currency) if voucher.kind == VoucherKind.FIXED else voucher.value,
        "max_uses": voucher.max_uses if voucher.max_uses is not None else "",
        "reserved": voucher.reserved,
        "valid_from": catalog.to_local_input(voucher.valid_from, timezone),
        "valid_until": catalog.to_local_input(voucher.valid_until, timezone),
        "active": voucher.active,
        "note": voucher.note,
    }


@login_required
async def edit_voucher(request: Request) -> Response:
    actor = actor_of(request)
    voucher = await catalog.get_managed_voucher(actor=actor, voucher_id=request.path_params["id"])
    summit = voucher.summit
    types = await catalog.list_ticket_types(actor=actor, summit=summit)
    context: dict[str, Any] = {
        "summit": summit,
        "voucher": voucher,
        "ticket_types": types,
        "kinds": _kind_labels(),
        "errors": {},
    }
    if request.method == "GET":
        context["values"] = _voucher_values(voucher, types, summit.timezone)
        return render(request, "registration/voucher_form.html", context)
    data = await request.form()
    try:
        form = voucher_from_page(data, {t.id: t.currency for t in types})
        await catalog.update_voucher(actor=actor, voucher=voucher, form=form)
    except InvalidInput as exc:
        context.update(values=values_of(data), errors=exc.errors)
        return render(request, "registration/voucher_form.html", context, 422)
    return redirect(f"/organize/summits/{summit.slug}/vouchers?notice=voucher-saved")


routes: list[BaseRoute] = [
    Route("/summits/{slug}/tickets", tickets_page, name="registration:tickets"),
    Route(
        "/summits/{slug}/tickets/{type_id:int}/order",
        order_form,
        methods=["GET", "POST"],
        name="registration:order-form",
    ),
    Route(
        "/summits/{slug}/tickets/{type_id:int}/waitlist",
        waitlist_join,
        methods=["GET", "POST"],
        name="registration:waitlist",
    ),
    Route("/waitlist/{token}", claim_offer, methods=["GET", "POST"], name="registration:claim"),
    Route("/orders/{id:int}", order_page, name="registration:order"),
    Route("/orders/{id:int}/state", order_state, name="registration:order-state"),
    Route("/orders/{id:int}/cancel", cancel_order, methods=["POST"], name="registration:cancel"),
    Route("/tickets/{code}", ticket_page, name="registration:ticket"),
    Route("/tickets/{code}/name", rename_ticket, methods=["POST"], name="registration:rename"),
    Route(
        "/organize/summits/{slug}/tickets",
        organize_types,
        methods=["GET", "POST"],
        name="registration:organize-types",
    ),
    Route("/organize/ticket-types/{id:int}", edit_type, methods=["GET", "POST"], name="registration:edit-type"),
    Route(
        "/organize/summits/{slug}/vouchers",
        organize_vouchers,
        methods=["GET", "POST"],
        name="registration:organize-vouchers",
    ),
    Route("/organize/vouchers/{id:int}", edit_voucher, methods=["GET", "POST"], name="registration:edit-voucher"),
]
