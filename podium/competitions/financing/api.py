"""The financing API (/api/v1): a project's funding rounds (its team and its organizers) and a summit's FX
rates (its organizers only: rates often come from licensed data feeds, so they are not published)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.competitions.financing import money
from podium.competitions.financing.forms import round_from_json, round_input_of, text
from podium.competitions.financing_models import (
    DatePrecision,
    FundingKind,
    FundingRound,
    FxRate,
    RoundSource,
    Verification,
)
from podium.competitions.services import financing, fx
from podium.platform.api import int_param, json_object, register_schema
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.pagination import MAX_PAGE_SIZE, PAGE_SIZE
from podium.platform.permissions import ensure
from podium.platform.summits import services as summits
from podium.platform.web import actor_of, settings_of

_MINOR = {"type": "integer", "format": "int64", "description": "Minor units of the currency (fen, cents, yen)"}
_MINOR_OR_NULL = {**_MINOR, "nullable": True}
_DECIMAL = {"type": "string", "description": "A decimal number, as text"}
_INVESTORS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "lead": {"type": "boolean"}},
        "required": ["name", "lead"],
    },
}

register_schema(
    "FundingRound",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "project_id": {"type": "integer"},
            "kind": {"type": "string", "enum": [str(k) for k in FundingKind]},
            "amount_minor": _MINOR,
            "amount": {**_DECIMAL, "description": "The amount in major units, as text"},
            "currency": {"type": "string", "description": "ISO 4217"},
            "announced_on": {
                "type": "string",
                "format": "date",
                "description": "The day, or the first day of the month or year when only that is known",
            },
            "precision": {"type": "string", "enum": [str(p) for p in DatePrecision]},
            "investors": _INVESTORS,
            "source_url": {"type": "string"},
            "confidential": {"type": "boolean", "description": "Kept out of published figures"},
            "has_evidence": {"type": "boolean"},
            "source": {"type": "string", "enum": [str(s) for s in RoundSource]},
            "status": {"type": "string", "enum": [str(s) for s in Verification]},
            "note": {"type": "string", "description": "The organizer's note on the decision"},
            "decided_at": {"type": "string", "format": "date-time", "nullable": True},
            "normalised": {
                "type": "object",
                "description": (
                    "The amount in US dollars and in the summit's reporting currency, converted at the latest rates "
                    "on or before fx_date (null while a rate is missing); rates are units per US dollar"
                ),
                "properties": {
                    "fx_date": {"type": "string", "format": "date", "nullable": True},
                    "reporting_currency": {"type": "string"},
                    "amount_reporting_minor": _MINOR_OR_NULL,
                    "amount_usd_minor": _MINOR_OR_NULL,
                    "usd_rate": {**_DECIMAL, "nullable": True},
                    "reporting_rate": {**_DECIMAL, "nullable": True},
                },
            },
            "updated_at": {"type": "string", "format": "date-time"},
        },
        "required": ["id", "project_id", "kind", "amount_minor", "currency", "announced_on", "precision", "status"],
    },
)
register_schema(
    "FundingRoundInput",
    {
        "type": "object",
        "description": (
            "A new round needs kind, amount_minor, currency and announced_on. announced_on is a day (2026-05-14), "
            "a month (2026-05) or a year (2026); precision, if given, widens a full date to its month or year. "
            "On PATCH, fields left out keep their values, and organizers may add status (verified or rejected, "
            "a rejection with a note). Evidence files are uploaded on the project's financing page."
        ),
        "properties": {
            "kind": {"type": "string", "enum": [str(k) for k in FundingKind]},
            "amount_minor": _MINOR,
            "currency": {"type": "string", "enum": list(money.CURRENCIES)},
            "announced_on": {"type": "string"},
            "precision": {"type": "string", "enum": [str(p) for p in DatePrecision]},
            "investors": _INVESTORS,
            "source_url": {"type": "string"},
            "confidential": {"type": "boolean"},
            "status": {"type": "string", "enum": [Verification.VERIFIED.value, Verification.REJECTED.value]},
            "note": {"type": "string"},
        },
    },
)
register_schema(
    "FxRate",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "currency": {"type": "string"},
            "on_date": {"type": "string", "format": "date"},
            "rate": {**_DECIMAL, "description": "Units of the currency per 1 US dollar"},
            "source": {"type": "string"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
        "required": ["id", "currency", "on_date", "rate"],
    },
)
_RATE_FIELDS: dict[str, Any] = {
    "currency": {"type": "string", "enum": [c for c in money.CURRENCIES if c != money.BASE_CURRENCY]},
    "on_date": {"type": "string", "format": "date"},
    "rate": {**_DECIMAL, "description": "Units of the currency per 1 US dollar, at most 10 decimal places"},
    "source": {"type": "string"},
}
_RATE_INPUT = {"type": "object", "properties": _RATE_FIELDS, "required": ["currency", "on_date", "rate"]}
register_schema(
    "FxRateInput",
    {
        "type": "object",
        "description": (
            'One rate, or several as {"rates": [...]}: all are saved or none. A rate for a currency and day '
            "that already has one replaces it; the summit's funding figures are then recomputed."
        ),
        "properties": {**_RATE_FIELDS, "rates": {"type": "array", "items": _RATE_INPUT}},
    },
)


def round_json(found: FundingRound) -> dict[str, Any]:
    return {
        "id": found.id,
        "project_id": found.project_id,
        "kind": str(found.kind),
        "amount_minor": found.amount,
        "amount": money.major_text(found.amount, found.currency),
        "currency": found.currency,
        "announced_on": found.announced_on.isoformat(),
        "precision": str(found.precision),
        "investors": found.investors,
        "source_url": found.source_url,
        "confidential": found.confidential,
        "has_evidence": bool(found.evidence_key),
        "source": str(found.source),
        "status": str(found.status),
        "note": found.note,
        "decided_at": found.decided_at.isoformat() if found.decided_at else None,
        "normalised": {
            "fx_date": found.fx_date.isoformat() if found.fx_date else None,
            "reporting_currency": found.reporting_currency,
            "amount_reporting_minor": found.amount_reporting,
            "amount_usd_minor": found.amount_usd,
            "usd_rate": _decimal(found.usd_rate),
            "reporting_rate": _decimal(found.reporting_rate),
        },
        "updated_at": found.updated_at.isoformat() if found.updated_at else None,
    }


def _decimal(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def rate_json(rate: FxRate) -> dict[str, Any]:
    return {
        "id": rate.id,
        "currency": rate.currency,
        "on_date": rate.on_date.isoformat(),
        "rate": _decimal(rate.rate),
        "source": rate.source,
        "updated_at": rate.updated_at.isoformat() if rate.updated_at else None,
    }


@login_required
async def api_rounds(request: Request) -> Response:
    """
    summary: A project's funding rounds, newest first (its team and its competition's organizers)
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    responses:
      200:
        description: Every round of the project, whatever its state
        content:
          application/json:
            schema:
              type: object
              properties: {items: {type: array, items: {$ref: '#/components/schemas/FundingRound'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such project, or not yours
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    found = await financing.get_financing(actor=actor_of(request), project_id=request.path_params["id"])
    return JSONResponse({"items": [round_json(r) for r in found.rounds]})


@login_required
async def api_add_round(request: Request) -> Response:
    """
    summary: Report a funding round (the team; awaits verification) or record one (organizers; verified)
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/FundingRoundInput'}}}
    responses:
      201:
        description: The new round, with its normalised figures
        content: {application/json: {schema: {$ref: '#/components/schemas/FundingRound'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such project, or not yours
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong (the message names it), or the body is not a JSON object
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    found = await financing.get_financing(actor=actor, project_id=request.path_params["id"])
    data = round_from_json(await json_object(request), today=utcnow().date())
    created = await financing.add_round(actor=actor, financing=found, data=data, settings=settings_of(request))
    return JSONResponse(round_json(created), status_code=201)


@login_required
async def api_change_round(request: Request) -> Response:
    """
    summary: Change a funding round (the team while it awaits verification; organizers always), or decide on it
    description: >
      Fields left out keep their values. With `status` (organizers only), the round is verified or rejected;
      a rejection needs a `note`, which the team reads. Changes and decisions are audited.
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
      - {name: round_id, in: path, required: true, schema: {type: integer}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/FundingRoundInput'}}}
    responses:
      200:
        description: The round as saved
        content: {application/json: {schema: {$ref: '#/components/schemas/FundingRound'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      403:
        description: The team may no longer change this round, or only organizers decide
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      404:
        description: No such project or round, or not yours
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      409:
        description: An organizer decided on the round meanwhile
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong (the message names it), or the body is not a JSON object
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    settings = settings_of(request)
    found = await financing.get_financing(actor=actor, project_id=request.path_params["id"])
    item = financing.find_round(found, request.path_params["round_id"])
    body = await json_object(request)
    decision = body.get("status")
    if decision is not None:
        ensure(found.organizer, _("Only the competition's organizers verify or reject rounds."))
    changes = {k: v for k, v in body.items() if k not in {"status", "note"}}
    if changes:
        data = round_from_json(changes, today=utcnow().date(), current=round_input_of(item))
        await financing.change_round(actor=actor, financing=found, found=item, data=data, settings=settings)
    if decision is not None:
        if not isinstance(decision, str):
            raise InvalidInput({"status": [_("Choose to verify or to reject the round.")]})
        try:
            note = text(body.get("note", ""), 2000)
        except ValueError as exc:
            raise InvalidInput({"note": [str(exc)]}) from None
        await financing.decide_round(
            actor=actor, financing=found, found=item, decision=decision, note=note, settings=settings
        )
    found = await financing.get_financing(actor=actor, project_id=found.project.id)
    return JSONResponse(round_json(financing.find_round(found, item.id)))


@login_required
async def api_rates(request: Request) -> Response:
    """
    summary: A summit's FX rates, newest day first (the summit's organizers)
    security: [{bearer: []}]
    parameters:
      - {name: slug, in: path, required: true, schema: {type: string}}
      - {name: currency, in: query, description: ISO 4217; others are ignored, schema: {type: string}}
      - {name: page, in: query, schema: {type: integer, minimum: 1}}
      - {name: per_page, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
    responses:
      200:
        description: One page of rates
        content:
          application/json:
            schema:
              type: object
              properties:
                items: {type: array, items: {$ref: '#/components/schemas/FxRate'}}
                page: {type: integer}
                per_page: {type: integer}
                total: {type: integer}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such summit, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A bad paging parameter
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    summit = await summits.get_managed_summit(actor=actor_of(request), slug=request.path_params["slug"])
    number = int_param(request, "page", 1, 1_000_000)
    size = int_param(request, "per_page", PAGE_SIZE, MAX_PAGE_SIZE)
    currency = request.query_params.get("currency", "").upper()
    page = await fx.page_of_rates(summit=summit, currency=currency, page=number, size=size)
    return JSONResponse(
        {"items": [rate_json(r) for r in page.items], "page": page.number, "per_page": page.size, "total": page.total}
    )


@login_required
async def api_set_rates(request: Request) -> Response:
    """
    summary: Add or replace FX rates (the summit's organizers)
    security: [{bearer: []}]
    parameters:
      - {name: slug, in: path, required: true, schema: {type: string}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/FxRateInput'}}}
    responses:
      200:
        description: How many rates were added and how many changed
        content:
          application/json:
            schema: {type: object, properties: {added: {type: integer}, changed: {type: integer}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such summit, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A rate is wrong (rates.<n>.<field> names it); nothing was saved
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    summit = await summits.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    rates = fx.rates_from_json(await json_object(request), today=utcnow().date())
    added, changed = await fx.set_rates(actor=actor, summit=summit, rows=rates)
    return JSONResponse({"added": added, "changed": changed})


_ROUNDS = "/api/v1/projects/{id:int}/funding-rounds"
_RATES = "/api/v1/summits/{slug}/fx-rates"

routes: list[BaseRoute] = [
    Route(_ROUNDS, api_rounds, methods=["GET"], name="api:funding-rounds"),
    Route(_ROUNDS, api_add_round, methods=["POST"], name="api:add-funding-round"),
    Route(f"{_ROUNDS}/{{round_id:int}}", api_change_round, methods=["PATCH"], name="api:change-funding-round"),
    Route(_RATES, api_rates, methods=["GET"], name="api:fx-rates"),
    Route(_RATES, api_set_rates, methods=["POST"], name="api:set-fx-rates"),
]
