"""The programme API (/api/v1): a summit's published sessions, public, one page at a time."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.platform.api import int_param, register_schema
from podium.platform.pagination import MAX_PAGE_SIZE, PAGE_SIZE
from podium.platform.programme.models import Room, Session, SessionKind, Speaker
from podium.platform.programme.schedule import speakers_of
from podium.platform.programme.services import sessions
from podium.platform.summits import services as summits
from podium.platform.web import settings_of

_BILINGUAL = {"$ref": "#/components/schemas/Bilingual"}

register_schema(
    "ProgrammeRoom",
    {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": _BILINGUAL},
        "required": ["id", "name"],
    },
)
register_schema(
    "ProgrammeSpeaker",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string", "description": "In Latin script"},
            "name_local": {"type": "string", "description": "In the speaker's own script, such as Chinese"},
            "organisation": _BILINGUAL,
            "bio": _BILINGUAL,
            "photo_url": {"type": "string", "format": "uri", "nullable": True},
        },
        "required": ["id", "name", "name_local", "organisation", "bio", "photo_url"],
    },
)
register_schema(
    "ProgrammeSession",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": [str(kind) for kind in SessionKind]},
            "title": _BILINGUAL,
            "description": _BILINGUAL,
            "starts_at": {"type": "string", "format": "date-time", "description": "UTC"},
            "ends_at": {"type": "string", "format": "date-time", "description": "UTC"},
            "room": {"allOf": [{"$ref": "#/components/schemas/ProgrammeRoom"}], "nullable": True},
            "speakers": {"type": "array", "items": {"$ref": "#/components/schemas/ProgrammeSpeaker"}},
            "needs_registration": {
                "type": "boolean",
                "description": "A side event with its own, capacity-limited registration",
            },
            "ticket_type_id": {"type": "integer", "nullable": True},
        },
        "required": [
            "id",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "room",
            "speakers",
            "needs_registration",
            "ticket_type_id",
        ],
    },
)


def _room_json(room: Room) -> dict[str, Any]:
    return {"id": room.id, "name": {"en": room.name_en, "zh": room.name_zh}}


def speaker_json(speaker: Speaker, base_url: str) -> dict[str, Any]:
    return {
        "id": speaker.id,
        "name": speaker.name,
        "name_local": speaker.name_local,
        "organisation": {"en": speaker.organisation_en, "zh": speaker.organisation_zh},
        "bio": {"en": speaker.bio_en, "zh": speaker.bio_zh},
        "photo_url": f"{base_url}/programme/photos/{speaker.photo_key}" if speaker.photo_key else None,
    }


def session_json(session: Session, base_url: str) -> dict[str, Any]:
    return {
        "id": session.id,
        "kind": str(session.kind),
        "title": {"en": session.title_en, "zh": session.title_zh},
        "description": {"en": session.description_en, "zh": session.description_zh},
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room": _room_json(session.room) if session.room_id and session.room else None,
        "speakers": [speaker_json(speaker, base_url) for speaker in speakers_of(session)],
        "needs_registration": session.needs_registration,
        "ticket_type_id": session.ticket_type_id,
    }


async def api_sessions(request: Request) -> Response:
    """
    summary: The published programme of a summit (public)
    parameters:
      - {name: slug, in: path, required: true, schema: {type: string}}
      - {name: page, in: query, schema: {type: integer, minimum: 1}}
      - {name: per_page, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
    responses:
      200:
        description: One page of published sessions in time order; times are UTC (ISO 8601)
        content:
          application/json:
            schema:
              type: object
              properties:
                items: {type: array, items: {$ref: '#/components/schemas/ProgrammeSession'}}
                page: {type: integer}
                per_page: {type: integer}
                total: {type: integer}
      404:
        description: No such summit
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A bad paging parameter
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    page_no = int_param(request, "page", 1, 1_000_000)
    per_page = int_param(request, "per_page", PAGE_SIZE, MAX_PAGE_SIZE)
    summit = await summits.get_summit(slug=request.path_params["slug"])
    page = await sessions.page_published(summit=summit, page=page_no, size=per_page)
    base_url = settings_of(request).base_url
    return JSONResponse(
        {
            "items": [session_json(s, base_url) for s in page.items],
            "page": page.number,
            "per_page": page.size,
            "total": page.total,
        }
    )


routes: list[BaseRoute] = [
    Route("/api/v1/summits/{slug}/sessions", api_sessions, methods=["GET"], name="api:sessions"),
]
