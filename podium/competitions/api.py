"""The competitions API (/api/v1). Anyone may read a competition's set-up; its summit's organizers change it
and list its projects. Bodies are JSON objects with the set-up forms' field names; other fields are ignored.
Round windows are ISO 8601 with an offset, both ways (answers are in UTC)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.competitions.forms import (
    WINDOW_FIELDS,
    CompetitionForm,
    DivisionForm,
    RoundForm,
    TrackForm,
    wall_clock_windows,
)
from podium.competitions.models import Competition, Division, DivisionKind, Round, RoundStatus, Track
from podium.competitions.project_endpoints import project_json
from podium.competitions.queries import filter_from_params, page_of_projects
from podium.competitions.services import competitions, rounds
from podium.platform.api import int_param, json_object, register_schema
from podium.platform.auth import Endpoint, login_required
from podium.platform.forms import parse
from podium.platform.pagination import MAX_PAGE_SIZE, PAGE_SIZE
from podium.platform.summits import services as summits
from podium.platform.web import actor_of

COMPETITION_FIELDS = tuple(CompetitionForm.model_fields)
ROUND_NAMES = ("name_en", "name_zh")
PART_FORMS: dict[str, type[TrackForm]] = {"track": TrackForm, "division": DivisionForm}

_BILINGUAL = {"$ref": "#/components/schemas/Bilingual"}
_INSTANT = {"type": "string", "format": "date-time", "nullable": True}
_TEXT = {"type": "string"}

register_schema(
    "Track",
    {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": _BILINGUAL, "position": {"type": "integer"}},
        "required": ["id", "name", "position"],
    },
)
register_schema(
    "Division",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": [str(k) for k in DivisionKind]},
            "name": _BILINGUAL,
            "position": {"type": "integer"},
        },
        "required": ["id", "kind", "name", "position"],
    },
)
register_schema(
    "Round",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "position": {"type": "integer"},
            "name": _BILINGUAL,
            "status": {"type": "string", "enum": [str(s) for s in RoundStatus]},
            **dict.fromkeys(WINDOW_FIELDS, _INSTANT),
        },
        "required": ["id", "position", "name", "status", *WINDOW_FIELDS],
    },
)
register_schema(
    "Competition",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "summit_id": {"type": "integer"},
            "name": _BILINGUAL,
            "description": _BILINGUAL,
            "rules": _BILINGUAL,
            "tracks": {"type": "array", "items": {"$ref": "#/components/schemas/Track"}},
            "divisions": {"type": "array", "items": {"$ref": "#/components/schemas/Division"}},
            "rounds": {"type": "array", "items": {"$ref": "#/components/schemas/Round"}},
        },
        "required": ["id", "slug", "summit_id", "name", "tracks", "divisions", "rounds"],
    },
)
register_schema(
    "CompetitionInput",
    {
        "type": "object",
        "description": "A new competition needs a slug and a name in at least one language.",
        "properties": dict.fromkeys(COMPETITION_FIELDS, _TEXT),
    },
)
register_schema(
    "TrackInput",
    {
        "type": "object",
        "description": "A name in at least one language; lower positions come first.",
        "properties": {"name_en": _TEXT, "name_zh": _TEXT, "position": {"type": "integer"}},
    },
)
register_schema(
    "DivisionInput",
    {
        "type": "object",
        "description": "A name in at least one language; lower positions come first.",
        "properties": {
            "name_en": _TEXT,
            "name_zh": _TEXT,
            "position": {"type": "integer"},
            "kind": {"type": "string", "enum": [str(k) for k in DivisionKind]},
        },
    },
)
register_schema(
    "RoundInput",
    {
        "type": "object",
        "description": (
            "Window times are ISO 8601 with an offset from UTC (like 2026-06-30T15:59:00Z), or null to clear one; "
            "a time without an offset is refused. `status` (PATCH only) moves the round along its states: "
            "draft → open → judging → closed → published, open → draft, closed → judging."
        ),
        "properties": {
            "name_en": _TEXT,
            "name_zh": _TEXT,
            **dict.fromkeys(WINDOW_FIELDS, _INSTANT),
            "status": {"type": "string", "enum": [str(s) for s in RoundStatus]},
        },
    },
)


def _names(item: Track | Division | Round | Competition) -> dict[str, str]:
    return {"en": item.name_en, "zh": item.name_zh}


def part_json(part: Track | Division) -> dict[str, Any]:
    shown: dict[str, Any] = {"id": part.id, "name": _names(part), "position": part.position}
    if isinstance(part, Division):
        shown["kind"] = str(part.kind)
    return shown


def round_json(found: Round) -> dict[str, Any]:
    return {
        "id": found.id,
        "position": found.position,
        "name": _names(found),
        "status": str(found.status),
        **{field: getattr(found, field).isoformat() if getattr(found, field) else None for field in WINDOW_FIELDS},
    }


def competition_json(competition: Competition) -> dict[str, Any]:
    return {
        "id": competition.id,
        "slug": competition.slug,
        "summit_id": competition.summit_id,
        "name": _names(competition),
        "description": {"en": competition.description_en, "zh": competition.description_zh},
        "rules": {"en": competition.rules_en, "zh": competition.rules_zh},
        "tracks": [part_json(t) for t in competition.tracks],
        "divisions": [part_json(d) for d in competition.divisions],
        "rounds": [round_json(r) for r in competition.rounds],
    }


def _known(body: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {field: body[field] for field in fields if field in body}


# ---- competitions -----------------------------------------------------------------------------


async def api_summit_competitions(request: Request) -> Response:
    """
    summary: Competitions of a summit, with tracks, divisions and rounds (public)
    parameters:
      - {name: slug, in: path, required: true, schema: {type: string}}
    responses:
      200:
        description: The summit's competitions; round windows are UTC (ISO 8601)
        content:
          application/json:
            schema:
              type: object
              properties:
                items: {type: array, items: {$ref: '#/components/schemas/Competition'}}
      404:
        description: No such summit
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    summit = await summits.get_summit(slug=request.path_params["slug"])
    listed = await competitions.list_competitions_for_api(summit=summit)
    return JSONResponse({"items": [competition_json(c) for c in listed]})


@login_required
async def api_create_competition(request: Request) -> Response:
    """
    summary: Create a competition (the summit's organizers)
    security: [{bearer: []}]
    parameters:
      - {name: slug, in: path, required: true, schema: {type: string}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/CompetitionInput'}}}
    responses:
      201:
        description: The new competition
        content: {application/json: {schema: {$ref: '#/components/schemas/Competition'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such summit, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong (the message names it), the slug is taken, or the body is not a JSON object
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    summit = await summits.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    form = parse(CompetitionForm, _known(await json_object(request), COMPETITION_FIELDS))
    created = await competitions.create_competition(actor=actor, summit=summit, form=form)
    await competitions.with_setup(created)
    location = request.app.url_path_for("api:competition", id=created.id)
    return JSONResponse(competition_json(created), status_code=201, headers={"location": str(location)})


async def api_competition(request: Request) -> Response:
    """
    summary: One competition with tracks, divisions and rounds (public)
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    responses:
      200:
        description: The competition; round windows are UTC (ISO 8601)
        content: {application/json: {schema: {$ref: '#/components/schemas/Competition'}}}
      404:
        description: No such competition
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    competition = await competitions.get_competition_by_id(competition_id=request.path_params["id"])
    await competitions.with_setup(competition)
    return JSONResponse(competition_json(competition))


@login_required
async def api_update_competition(request: Request) -> Response:
    """
    summary: Change a competition (its summit's organizers); fields left out keep their values
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/CompetitionInput'}}}
    responses:
      200:
        description: The competition as saved
        content: {application/json: {schema: {$ref: '#/components/schemas/Competition'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such competition, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong (the message names it), the slug is taken, or the body is not a JSON object
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    current = {field: getattr(competition, field) for field in COMPETITION_FIELDS}
    changes = _known(await json_object(request), COMPETITION_FIELDS)
    form = parse(CompetitionForm, {**current, **changes})
    await competitions.update_competition(actor=actor, competition=competition, form=form)
    await competitions.with_setup(competition)
    return JSONResponse(competition_json(competition))


# ---- tracks and divisions ---------------------------------------------------------------------

# The three endpoints are the same for tracks and divisions; KIND and SCHEMA are filled in for each.
_PART_DOCS = {
    "add": """
    summary: Add a KIND to a competition (its summit's organizers)
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/SCHEMAInput'}}}
    responses:
      201:
        description: The new KIND
        content: {application/json: {schema: {$ref: '#/components/schemas/SCHEMA'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such competition, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong (the message names it), or the body is not a JSON object
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """,
    "change": """
    summary: Change a KIND (its competition's organizers); fields left out keep their values
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
      - {name: item_id, in: path, required: true, schema: {type: integer}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/SCHEMAInput'}}}
    responses:
      200:
        description: The KIND as saved
        content: {application/json: {schema: {$ref: '#/components/schemas/SCHEMA'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such KIND in this competition, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong (the message names it), or the body is not a JSON object
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """,
    "remove": """
    summary: Remove a KIND (its competition's organizers)
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
      - {name: item_id, in: path, required: true, schema: {type: integer}}
    responses:
      204: {description: Removed}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such KIND in this competition, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """,
}


def _documented(action: str, kind: str) -> Callable[[Endpoint], Endpoint]:
    """The OpenAPI docstring of a track or division endpoint: the three are the same for both kinds."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        endpoint.__doc__ = _PART_DOCS[action].replace("SCHEMA", kind.capitalize()).replace("KIND", kind)
        return endpoint

    return decorate


def _part_endpoints(kind: str) -> tuple[Endpoint, Endpoint, Endpoint]:
    """Add, change and remove endpoints for tracks or for divisions."""
    form_class = PART_FORMS[kind]
    fields = tuple(form_class.model_fields)

    @login_required
    @_documented("add", kind)
    async def add(request: Request) -> Response:
        actor = actor_of(request)
        competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
        form = parse(form_class, _known(await json_object(request), fields))
        part = await competitions.add_part(actor=actor, competition=competition, kind=kind, form=form)
        return JSONResponse(part_json(part), status_code=201)

    @login_required
    @_documented("change", kind)
    async def change(request: Request) -> Response:
        actor = actor_of(request)
        competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
        part = await competitions.get_part(competition=competition, kind=kind, part_id=request.path_params["item_id"])
        current = {field: getattr(part, field) for field in fields}
        form = parse(form_class, {**current, **_known(await json_object(request), fields)})
        await competitions.update_part(actor=actor, competition=competition, kind=kind, part=part, form=form)
        return JSONResponse(part_json(part))

    @login_required
    @_documented("remove", kind)
    async def remove(request: Request) -> Response:
        actor = actor_of(request)
        competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
        await competitions.remove_part(
            actor=actor, competition=competition, kind=kind, part_id=request.path_params["item_id"]
        )
        return Response(status_code=204)

    return add, change, remove


add_track, change_track, remove_track = _part_endpoints("track")
add_division, change_division, remove_division = _part_endpoints("division")


# ---- rounds -----------------------------------------------------------------------------------


@login_required
async def api_add_round(request: Request) -> Response:
    """
    summary: Add a round, as a draft after the last one (the summit's organizers)
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/RoundInput'}}}
    responses:
      201:
        description: The new round; window times in UTC
        content: {application/json: {schema: {$ref: '#/components/schemas/Round'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such competition, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      409:
        description: Someone added a round at the same moment
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong (the message names it; times need an offset), or the body is not a JSON object
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    timezone = competition.summit.timezone
    body = await json_object(request)
    form = parse(RoundForm, {**_known(body, ROUND_NAMES), **wall_clock_windows(body, timezone)})
    created = await rounds.add_round(actor=actor, competition=competition, form=form, timezone=timezone)
    return JSONResponse(round_json(created), status_code=201)


@login_required
async def api_update_round(request: Request) -> Response:
    """
    summary: Change a round and/or move it to another state (its competition's organizers)
    description: >
      Fields left out keep their values. With `status`, the fields are saved first and the round then moves;
      an illegal move is refused with a message naming both states, and then nothing is saved.
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/RoundInput'}}}
    responses:
      200:
        description: The round as saved; window times in UTC
        content: {application/json: {schema: {$ref: '#/components/schemas/Round'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such round, or you do not organize its competition
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      409:
        description: Someone changed the round's state meanwhile
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong or the move is not allowed (the message says why), or the body is not JSON
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    found = await rounds.get_managed_round(actor=actor, round_id=request.path_params["id"])
    timezone = found.competition.summit.timezone
    body = await json_object(request)
    target = None
    if "status" in body:
        target = rounds.parse_status(body["status"] if isinstance(body["status"], str) else "")
    form = None
    if any(field in body for field in RoundForm.model_fields):
        current = {
            **{field: getattr(found, field) for field in ROUND_NAMES},
            **{field: rounds.to_wall_clock(getattr(found, field), timezone) for field in WINDOW_FIELDS},
        }
        form = parse(RoundForm, {**current, **_known(body, ROUND_NAMES), **wall_clock_windows(body, timezone)})
    await rounds.change_round(actor=actor, round=found, form=form, to=target, timezone=timezone)
    return JSONResponse(round_json(found))


# ---- projects ---------------------------------------------------------------------------------


@login_required
async def api_competition_projects(request: Request) -> Response:
    """
    summary: The competition's projects, filtered and one page at a time (its summit's organizers)
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
      - {name: track, in: query, schema: {type: integer}}
      - {name: division, in: query, schema: {type: integer}}
      - {name: status, in: query, description: A project status (see Project), schema: {type: string}}
      - {name: eligibility, in: query, schema: {type: string, enum: [pending, eligible, ineligible]}}
      - {name: flagged, in: query, description: 1 for possible duplicates only, schema: {type: string, enum: ['1']}}
      - {name: country, in: query, description: ISO 3166 code, schema: {type: string}}
      - {name: q, in: query, description: Words to find in the title or summary, schema: {type: string}}
      - {name: sort, in: query, schema: {type: string, enum: [updated, title, submitted]}}
      - {name: page, in: query, schema: {type: integer, minimum: 1}}
      - {name: per_page, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
    responses:
      200:
        description: One page of projects; filters that make no sense are ignored
        content:
          application/json:
            schema:
              type: object
              properties:
                items: {type: array, items: {$ref: '#/components/schemas/Project'}}
                page: {type: integer}
                per_page: {type: integer}
                total: {type: integer}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such competition, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A bad paging parameter
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    number = int_param(request, "page", 1, 1_000_000)
    size = int_param(request, "per_page", PAGE_SIZE, MAX_PAGE_SIZE)
    page = await page_of_projects(competition.id, filter_from_params(request.query_params), page=number, size=size)
    return JSONResponse(
        {
            "items": [project_json(p) for p in page.items],
            "page": page.number,
            "per_page": page.size,
            "total": page.total,
        }
    )


_COMPETITION = "/api/v1/competitions/{id:int}"

routes: list[BaseRoute] = [
    # One route per method where a path has a public read and an organizer's write, so each has its own docs.
    Route("/api/v1/summits/{slug}/competitions", api_summit_competitions, methods=["GET"], name="api:competitions"),
    Route(
        "/api/v1/summits/{slug}/competitions",
        api_create_competition,
        methods=["POST"],
        name="api:create-competition",
    ),
    Route(_COMPETITION, api_competition, methods=["GET"], name="api:competition"),
    Route(_COMPETITION, api_update_competition, methods=["PATCH"], name="api:update-competition"),
    Route(f"{_COMPETITION}/tracks", add_track, methods=["POST"], name="api:add-track"),
    Route(f"{_COMPETITION}/tracks/{{item_id:int}}", change_track, methods=["PATCH"], name="api:change-track"),
    Route(f"{_COMPETITION}/tracks/{{item_id:int}}", remove_track, methods=["DELETE"], name="api:remove-track"),
    Route(f"{_COMPETITION}/divisions", add_division, methods=["POST"], name="api:add-division"),
    Route(f"{_COMPETITION}/divisions/{{item_id:int}}", change_division, methods=["PATCH"], name="api:change-division"),
    Route(f"{_COMPETITION}/divisions/{{item_id:int}}", remove_division, methods=["DELETE"], name="api:remove-division"),
    Route(f"{_COMPETITION}/rounds", api_add_round, methods=["POST"], name="api:add-round"),
    Route("/api/v1/rounds/{id:int}", api_update_round, methods=["PATCH"], name="api:update-round"),
    Route(f"{_COMPETITION}/projects", api_competition_projects, methods=["GET"], name="api:competition-projects"),
]
