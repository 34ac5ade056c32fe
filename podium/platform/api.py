"""The JSON API shell (/api/v1): bearer-token auth, the error shape, /me, summits, /openapi.json, /healthz."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.schemas import SchemaGenerator

from podium import __version__
from podium.platform import db, jobs
from podium.platform.auth import login_required
from podium.platform.errors import NON_FIELD, InvalidInput
from podium.platform.i18n import gettext as _
from podium.platform.pagination import MAX_PAGE_SIZE, PAGE_SIZE
from podium.platform.summits import services as summits
from podium.platform.summits.models import Summit
from podium.platform.web import actor_of

OPENAPI_BASE: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "Podium API",
        "version": __version__,
        "description": (
            "Entrepreneur summits and startup competitions. Authenticate with `Authorization: Bearer <token>` "
            "(mint a token on your account page or with `podium token EMAIL`). Errors answer 4xx with "
            '`{"errors": {"field": ["message"]}}`.'
        ),
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Errors": {
                "type": "object",
                "properties": {
                    "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
                },
                "required": ["errors"],
            },
            "Bilingual": {
                "type": "object",
                "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
                "required": ["en", "zh"],
            },
            "Summit": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "slug": {"type": "string"},
                    "name": {"$ref": "#/components/schemas/Bilingual"},
                    "venue": {"$ref": "#/components/schemas/Bilingual"},
                    "starts_on": {"type": "string", "format": "date"},
                    "ends_on": {"type": "string", "format": "date"},
                    "timezone": {"type": "string"},
                    "currency": {"type": "string"},
                },
                "required": ["id", "slug", "name", "starts_on", "ends_on"],
            },
            "Me": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "email": {"type": "string", "format": "email"},
                    "name": {"type": "string"},
                    "name_local": {"type": "string"},
                    "locale": {"type": "string"},
                    "timezone": {"type": "string"},
                    "country": {"type": "string"},
                    "organisation": {"type": "string"},
                    "email_verified": {"type": "boolean"},
                    "is_superuser": {"type": "boolean"},
                    "roles": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"summit_id": {"type": "integer"}, "role": {"type": "string"}},
                        },
                    },
                },
                "required": ["id", "email"],
            },
        },
    },
}

schemas = SchemaGenerator(OPENAPI_BASE)


def register_schema(name: str, schema: dict[str, Any]) -> None:
    """Domain packages add the components their endpoints' docstrings refer to."""
    OPENAPI_BASE["components"]["schemas"][name] = schema


def summit_json(summit: Summit) -> dict[str, Any]:
    return {
        "id": summit.id,
        "slug": summit.slug,
        "name": {"en": summit.name_en, "zh": summit.name_zh},
        "venue": {"en": summit.venue_en, "zh": summit.venue_zh},
        "starts_on": summit.starts_on.isoformat(),
        "ends_on": summit.ends_on.isoformat(),
        "timezone": summit.timezone,
        "currency": summit.currency,
    }


def int_param(request: Request, name: str, default: int, maximum: int) -> int:
    """A whole-number query parameter (page, per_page); anything else is refused with a message naming it."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise InvalidInput({name: [_("Use a whole number from 1 to %(max)d.", max=maximum)]})
    return int(raw)


async def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON body, which must be an object; an empty body counts as {}."""
    try:
        body = json.loads(await request.body() or b"{}")
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested deeper than the parser goes
        raise InvalidInput({NON_FIELD: [_("Send a JSON object.")]}) from None
    if not isinstance(body, dict):
        raise InvalidInput({NON_FIELD: [_("Send a JSON object.")]})
    return body


@login_required
async def me(request: Request) -> Response:
    """
    summary: The signed-in user
    security: [{bearer: []}]
    responses:
      200:
        description: The account behind the token
        content: {application/json: {schema: {$ref: '#/components/schemas/Me'}}}
      401:
        description: Missing or invalid token
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    user = actor.require_user()
    return JSONResponse(
        {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "name_local": user.name_local,
            "locale": user.locale,
            "timezone": user.timezone,
            "country": user.country,
            "organisation": user.organisation,
            "email_verified": user.is_verified,
            "is_superuser": user.is_superuser,
            "roles": [
                {"summit_id": summit_id, "role": str(role)}
                for summit_id, held in sorted(actor.roles.items())
                for role in sorted(held)
            ],
        }
    )


async def summit_list(request: Request) -> Response:
    """
    summary: List summits (public)
    parameters:
      - {name: page, in: query, schema: {type: integer, minimum: 1}}
      - {name: per_page, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
    responses:
      200:
        description: One page of summits, newest first
        content:
          application/json:
            schema:
              type: object
              properties:
                items: {type: array, items: {$ref: '#/components/schemas/Summit'}}
                page: {type: integer}
                per_page: {type: integer}
                total: {type: integer}
      422:
        description: A bad paging parameter
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    page_no = int_param(request, "page", 1, 1_000_000)
    per_page = int_param(request, "per_page", PAGE_SIZE, MAX_PAGE_SIZE)
    page = await summits.list_summits(page=page_no, size=per_page)
    return JSONResponse(
        {"items": [summit_json(s) for s in page.items], "page": page.number, "per_page": page.size, "total": page.total}
    )


async def summit_item(request: Request) -> Response:
    """
    summary: One summit (public)
    parameters:
      - {name: slug, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: The summit, content: {application/json: {schema: {$ref: '#/components/schemas/Summit'}}}}
      404: {description: No such summit, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
    """
    return JSONResponse(summit_json(await summits.get_summit(slug=request.path_params["slug"])))


async def openapi(request: Request) -> Response:
    api_routes = [r for r in request.app.routes if getattr(r, "path", "").startswith("/api/")]
    return JSONResponse(schemas.get_schema(routes=api_routes))


async def healthz(request: Request) -> Response:
    status: dict[str, str] = {"status": "ok", "database": "ok", "queue": "ok"}
    try:
        await db.ping()
    except Exception as exc:  # any failure of the database is what this endpoint reports
        status.update(status="error", database=f"error: {type(exc).__name__}")
    queue = jobs.current()
    if queue.embedded:
        status["queue"] = "embedded"
    else:
        try:
            await queue.ping()
        except Exception as exc:  # likewise for Redis
            status.update(status="error", queue=f"error: {type(exc).__name__}")
    return JSONResponse(status, status_code=200 if status["status"] == "ok" else 503)


routes: list[BaseRoute] = [
    Route("/api/v1/me", me, name="api:me"),
    Route("/api/v1/summits", summit_list, name="api:summits"),
    Route("/api/v1/summits/{slug}", summit_item, name="api:summit"),
    Route("/openapi.json", openapi, include_in_schema=False, name="api:openapi"),
    Route("/healthz", healthz, include_in_schema=False, name="health"),
]
