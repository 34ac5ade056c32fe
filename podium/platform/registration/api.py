"""The ticketing API (/api/v1): ticket types, orders (guests may buy), and the Stripe webhook.

How partners and our own checks sell tickets: list the types, post an order, pay at its checkout_url (paid
types), and poll the order with the secret the order's answer carried."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.platform import i18n
from podium.platform.api import json_object, register_schema
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.registration import gateway
from podium.platform.registration.forms import TicketTypeForm, order_from_api, parse_form
from podium.platform.registration.models import Order, OrderStatus, Ticket, TicketStatus, TicketType
from podium.platform.registration.services import catalog, events, orders
from podium.platform.summits import services as summits
from podium.platform.web import actor_of, settings_of

SECRET_HEADER = "x-order-secret"  # noqa: S105 - a header name
_BILINGUAL = {"$ref": "#/components/schemas/Bilingual"}
_INSTANT = {"type": "string", "format": "date-time", "nullable": True}

register_schema(
    "TicketType",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string", "description": "In the language asked for (Accept-Language), else English"},
            "names": _BILINGUAL,
            "description": _BILINGUAL,
            "price": {"type": "integer", "description": "Minor units (fen, cents); 0 is free"},
            "currency": {"type": "string", "example": "CNY"},
            "remaining": {"type": "integer", "description": "Seats anyone may still buy"},
            "max_per_order": {"type": "integer"},
            "sales_start": _INSTANT,
            "sales_end": _INSTANT,
            "on_sale": {"type": "boolean"},
            "state": {"type": "string", "enum": ["on_sale", "not_yet", "closed", "sold_out"]},
        },
        "required": ["id", "name", "price", "currency", "remaining"],
    },
)
register_schema(
    "TicketTypeInput",
    {
        "type": "object",
        "description": (
            "A new ticket type. `name` sets the English name (or give name_en and name_zh); `price` is in minor "
            "units and `currency` defaults to the summit's. Sales times are ISO 8601 with an offset."
        ),
        "properties": {
            "name": {"type": "string"},
            "name_en": {"type": "string"},
            "name_zh": {"type": "string"},
            "description_en": {"type": "string"},
            "description_zh": {"type": "string"},
            "price": {"type": "integer", "minimum": 0},
            "currency": {"type": "string"},
            "capacity": {"type": "integer", "minimum": 1},
            "max_per_order": {"type": "integer", "minimum": 1, "maximum": 100},
            "sales_start": _INSTANT,
            "sales_end": _INSTANT,
            "hidden": {"type": "boolean"},
        },
        "required": ["capacity"],
    },
)
register_schema(
    "OrderInput",
    {
        "type": "object",
        "description": (
            "One ticket type and one attendee per ticket. `email` (the buyer's, for the receipt) defaults to the "
            "first attendee's, `quantity` to the number of attendees."
        ),
        "properties": {
            "ticket_type": {"type": "integer"},
            "quantity": {"type": "integer", "minimum": 1},
            "email": {"type": "string", "format": "email"},
            "name": {"type": "string"},
            "voucher": {"type": "string"},
            "locale": {"type": "string", "enum": ["en", "zh_Hans"]},
            "attendees": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "email": {"type": "string", "format": "email"},
                        "organisation": {"type": "string"},
                        "country": {"type": "string", "description": "ISO 3166 alpha-2"},
                        "locale": {"type": "string", "enum": ["en", "zh_Hans"]},
                    },
                    "required": ["name", "email"],
                },
            },
        },
        "required": ["ticket_type", "attendees"],
    },
)
register_schema(
    "Order",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string", "enum": [str(s) for s in OrderStatus]},
            "checkout_url": {"type": "string", "nullable": True, "description": "Where to pay, while pending"},
            "secret": {"type": "string", "description": "Only in the answer to POST: the key to this order"},
            "ticket_type": {"type": "integer"},
            "quantity": {"type": "integer"},
            "total": {"type": "integer", "description": "Minor units"},
            "currency": {"type": "string"},
            "hold_expires_at": _INSTANT,
            "tickets": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "email": {"type": "string"},
                        "status": {"type": "string", "enum": [str(s) for s in TicketStatus]},
                        "code": {"type": "string", "nullable": True},
                        "url": {"type": "string", "nullable": True},
                    },
                },
            },
        },
        "required": ["id", "status", "checkout_url"],
    },
)


def ticket_type_json(ticket_type: TicketType, now: datetime) -> dict[str, Any]:
    state = catalog.sale_state(ticket_type, now)
    return {
        "id": ticket_type.id,
        "name": i18n.localized(ticket_type, "name"),
        "names": {"en": ticket_type.name_en, "zh": ticket_type.name_zh},
        "description": {"en": ticket_type.description_en, "zh": ticket_type.description_zh},
        "price": ticket_type.price,
        "currency": ticket_type.currency,
        "remaining": ticket_type.remaining,
        "max_per_order": ticket_type.max_per_order,
        "sales_start": ticket_type.sales_start.isoformat() if ticket_type.sales_start else None,
        "sales_end": ticket_type.sales_end.isoformat() if ticket_type.sales_end else None,
        "on_sale": state == catalog.SaleState.ON_SALE,
        "state": str(state),
    }


def order_json(order: Order, ticket_list: list[Ticket], base_url: str) -> dict[str, Any]:
    return {
        "id": order.id,
        "status": str(order.status),
        "checkout_url": (order.checkout_url or None) if order.status == OrderStatus.PENDING else None,
        "ticket_type": order.ticket_type_id,
        "quantity": order.quantity,
        "total": order.total,
        "currency": order.currency,
        "hold_expires_at": order.hold_expires_at.isoformat() if order.hold_expires_at else None,
        "tickets": [
            {
                "name": t.name,
                "email": t.email,
                "status": str(t.status),
                "code": t.code if t.status == TicketStatus.ISSUED else None,
                "url": f"{base_url}/tickets/{t.code}" if t.status == TicketStatus.ISSUED else None,
            }
            for t in ticket_list
        ],
    }


async def api_ticket_types(request: Request) -> Response:
    """
    summary: The ticket types on offer at a summit (public)
    parameters:
      - {name: slug, in: path, required: true, schema: {type: string}}
      - name: voucher
        in: query
        required: false
        schema: {type: string}
        description: A voucher code, which shows the hidden type it unlocks
    responses:
      200:
        description: The types, with the seats anyone may still buy
        content:
          application/json:
            schema:
              type: object
              properties:
                items: {type: array, items: {$ref: '#/components/schemas/TicketType'}}
      404: {description: No such summit, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
    """
    summit = await summits.get_summit(slug=request.path_params["slug"])
    now = utcnow()
    offered = await catalog.offer(summit=summit, voucher_code=request.query_params.get("voucher", ""), now=now)
    return JSONResponse({"items": [ticket_type_json(t, now) for t in offered.ticket_types]})


def _wall_clock(body: dict[str, Any], timezone: str) -> dict[str, Any]:
    """Sales times arrive as ISO 8601 with an offset; the form reads the summit's wall-clock time."""
    zone = ZoneInfo(timezone)
    values: dict[str, Any] = {}
    for field in ("sales_start", "sales_end"):
        value = body.get(field)
        if value in (None, ""):
            continue
        moment = None
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                moment = None
        if moment is None or moment.tzinfo is None:
            raise InvalidInput(
                {field: [_("Enter a date and time with its offset from UTC, like 2026-06-30T15:59:00Z.")]}
            )
        values[field] = moment.astimezone(zone).replace(tzinfo=None)
    return values


@login_required
async def api_create_ticket_type(request: Request) -> Response:
    """
    summary: Create a ticket type (the summit's organizers)
    security: [{bearer: []}]
    parameters:
      - {name: slug, in: path, required: true, schema: {type: string}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/TicketTypeInput'}}}
    responses:
      201:
        description: The new type (its id, and the same fields as the list)
        content: {application/json: {schema: {$ref: '#/components/schemas/TicketType'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such summit, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong (the message names it), or the body is not a JSON object
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    summit = await summits.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    body = await json_object(request)
    known = {field: body[field] for field in TicketTypeForm.model_fields if field in body and "sales" not in field}
    if "name" in body and "name_en" not in body:
        known["name_en"] = body["name"]
    known.setdefault("currency", summit.currency)
    form = parse_form(TicketTypeForm, {**known, **_wall_clock(body, summit.timezone)})
    created = await catalog.create_ticket_type(actor=actor, summit=summit, form=form)
    return JSONResponse(ticket_type_json(created, utcnow()), status_code=201)


async def api_place_order(request: Request) -> Response:
    """
    summary: Order tickets (public; guests need no account)
    description: >
      Holds the seats at once, or answers 409 when they are gone. A free order is paid at once and its tickets
      are e-mailed; a paid one is pending, holding its seats for a few minutes while the buyer pays at
      checkout_url. The answer carries the order's secret, which GET /api/v1/orders/{id} takes.
    parameters:
      - {name: slug, in: path, required: true, schema: {type: string}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/OrderInput'}}}
    responses:
      201:
        description: The order, with its secret (shown only here)
        content: {application/json: {schema: {$ref: '#/components/schemas/Order'}}}
      404: {description: No such summit, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      409:
        description: Sold out, too few seats left, sales not open, or the voucher used up
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong (the message names it, like attendees.0.email), or the body is not JSON
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      503:
        description: Stripe could not be reached; nothing was charged and the seats were released
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    summit = await summits.get_summit(slug=request.path_params["slug"])
    form = order_from_api(await json_object(request))
    settings = settings_of(request)
    placed = await orders.place_order(actor=actor_of(request), summit=summit, form=form, settings=settings)
    view = await orders.view(placed.order)
    body = order_json(placed.order, view.tickets, settings.base_url)
    body["secret"] = placed.secret
    return JSONResponse(body, status_code=201)


async def api_order(request: Request) -> Response:
    """
    summary: One order and its tickets (its buyer, or the summit's organizers)
    description: >
      Pass the order's secret (from the answer to the order's POST) in the X-Order-Secret header, or as
      ?secret=; or authenticate as an organizer of the summit (Authorization: Bearer). Without either the
      order does not exist (404).
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
      - {name: X-Order-Secret, in: header, required: false, schema: {type: string}}
      - {name: secret, in: query, required: false, schema: {type: string}}
    responses:
      200:
        description: The order; issued tickets carry their code and page
        content: {application/json: {schema: {$ref: '#/components/schemas/Order'}}}
      404:
        description: No such order, or no secret or right to see it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    secret = request.headers.get(SECRET_HEADER) or request.query_params.get("secret")
    order = await orders.get_order(actor=actor_of(request), order_id=request.path_params["id"], secret=secret)
    view = await orders.view(order)
    return JSONResponse(
        order_json(order, view.tickets, settings_of(request).base_url), headers={"Cache-Control": "no-store"}
    )


async def stripe_webhook(request: Request) -> Response:
    """Stripe's events: verified on the raw body, stored once by id, handled by a job (exempt from CSRF)."""
    settings = settings_of(request)
    try:
        await events.receive(
            body=await request.body(),
            signature=request.headers.get("stripe-signature", ""),
            secret=gateway.current(settings).webhook_secret,
        )
    except events.BadSignature as exc:
        return JSONResponse({"errors": exc.errors}, status_code=400)
    return JSONResponse({"received": True})


routes: list[BaseRoute] = [
    Route("/api/v1/summits/{slug}/ticket-types", api_ticket_types, methods=["GET"], name="api:ticket-types"),
    Route(
        "/api/v1/summits/{slug}/ticket-types",
        api_create_ticket_type,
        methods=["POST"],
        name="api:create-ticket-type",
    ),
    Route("/api/v1/summits/{slug}/orders", api_place_order, methods=["POST"], name="api:place-order"),
    Route("/api/v1/orders/{id:int}", api_order, methods=["GET"], name="api:order"),
    Route(
        "/payments/stripe/webhook",
        stripe_webhook,
        methods=["POST"],
        include_in_schema=False,
        name="payments:stripe-webhook",
    ),
]
