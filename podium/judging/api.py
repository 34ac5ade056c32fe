"""The judging API (/api/v1): a judge's assignments and scorecards (read and write; the scorecard page
autosaves through PATCH), and the organizer's assignment endpoints."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.judging.models import Assignment, AssignmentStatus
from podium.judging.services import assignments, scoring
from podium.platform.api import json_object, register_schema
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput
from podium.platform.i18n import gettext as _
from podium.platform.web import actor_of, settings_of

register_schema(
    "Scorecard",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "round_id": {"type": "integer"},
            "project_id": {"type": "integer"},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": [str(s) for s in AssignmentStatus]},
            "version": {"type": "integer"},
            "comment": {"type": "string"},
            "scores": {"type": "object", "additionalProperties": {"type": "string"}},
            "criteria": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["id", "round_id", "project_id", "status", "version", "scores"],
    },
)
register_schema(
    "Assignment",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "round_id": {"type": "integer"},
            "project_id": {"type": "integer"},
            "judge_id": {"type": "integer"},
            "status": {"type": "string", "enum": [str(s) for s in AssignmentStatus]},
        },
        "required": ["id", "round_id", "project_id", "judge_id", "status"],
    },
)

_ERRORS = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}


def scorecard_json(card: scoring.Scorecard) -> dict[str, Any]:
    return {
        "id": card.assignment.id,
        "round_id": card.round.id,
        "project_id": card.project.id,
        "title": card.project.title,
        "status": str(card.assignment.status),
        "version": card.assignment.version,
        "comment": card.assignment.comment,
        "scores": {
            scoring.field_name(c): scoring._plain(card.scores[c.id]) for c in card.criteria if c.id in card.scores
        },
        "criteria": [
            {
                "field": scoring.field_name(c),
                "name": {"en": c.name_en, "zh": c.name_zh},
                "min": scoring._plain(c.scale_min),
                "max": scoring._plain(c.scale_max),
                "step": scoring._plain(c.scale_step),
                "weight": scoring._plain(c.weight),
                "counted": c.counted,
            }
            for c in card.criteria
        ],
    }


def assignment_json(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.id,
        "round_id": a.round_id,
        "project_id": a.project_id,
        "judge_id": a.judge_id,
        "status": str(a.status),
    }


@login_required
async def api_my_assignments(request: Request) -> Response:
    """
    summary: The signed-in judge's assignments in rounds past their draft
    security: [{bearer: []}]
    responses:
      200:
        description: Assignments, newest round first
        content:
          application/json:
            schema: {type: object, properties: {items: {type: array, items: {$ref: '#/components/schemas/Assignment'}}}}
      401:
        description: Not signed in
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    items = await scoring.queue(actor=actor_of(request))
    return JSONResponse({"items": [assignment_json(a) for a in items]})


@login_required
async def api_scorecard(request: Request) -> Response:
    """
    summary: A judge's scorecard; PATCH saves scores (c_<criterion id>; empty clears), the comment, and submits
    description: 'Send {"c_12": "7", "comment": "…"} to save, with "submit": true to submit as well.'
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    responses:
      200:
        description: The scorecard after the change
        content: {application/json: {schema: {$ref: '#/components/schemas/Scorecard'}}}
      404:
        description: No such scorecard, or not yours, or a conflict of interest
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      409:
        description: Submitted (ask an organizer to unlock it) or judging is not open
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A score is out of the scale, or something needed for a submit is missing; the field is named
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    # The autosave's path: one query loads the card, the save leaves it as saved, and that is the answer.
    card = await scoring.get_light_scorecard(actor=actor, assignment_id=request.path_params["id"])
    if request.method == "PATCH":
        body = await json_object(request)
        comment = body.get("comment")
        if comment is not None and not isinstance(comment, str):
            raise InvalidInput({"comment": [_("Send the comment as text.")]})
        values = {k: v for k, v in body.items() if k.startswith("c_")}
        if body.get("submit") is True:  # rare: the whole scorecard, as the scorecard page loads it
            card = await scoring.get_scorecard(actor=actor, assignment_id=card.assignment.id)
            await scoring.save(actor=actor, card=card, values=values, comment=comment)
            await scoring.submit(actor=actor, card=card)
            card = await scoring.get_scorecard(actor=actor, assignment_id=card.assignment.id)
        else:
            await scoring.save(actor=actor, card=card, values=values, comment=comment)
    return JSONResponse(scorecard_json(card))


@login_required
async def api_round_assignments(request: Request) -> Response:
    """
    summary: A round's assignments (organizers); POST adds one ({"project_id", "judge_id"})
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    responses:
      200:
        description: Every assignment of the round
        content:
          application/json:
            schema: {type: object, properties: {items: {type: array, items: {$ref: '#/components/schemas/Assignment'}}}}
      201:
        description: The new assignment
        content: {application/json: {schema: {$ref: '#/components/schemas/Assignment'}}}
      404:
        description: No such round, or not yours to organize
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: The project or judge is wrong, or in conflict; the field is named
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    if request.method == "POST":
        body = await json_object(request)
        project_id, judge_id = body.get("project_id"), body.get("judge_id")
        errors = {}
        if not isinstance(project_id, int):
            errors["project_id"] = [_("Choose a project of this competition.")]
        if not isinstance(judge_id, int):
            errors["judge_id"] = [_("Choose one of the summit's judges.")]
        if errors:
            raise InvalidInput(errors)
        assert isinstance(project_id, int)
        assert isinstance(judge_id, int)
        try:
            added = await assignments.add(
                actor=actor, round=found, project_id=project_id, judge_id=judge_id, settings=settings_of(request)
            )
        except InvalidInput as exc:
            raise InvalidInput({f"{k}_id": v for k, v in exc.errors.items()}) from None
        return JSONResponse(assignment_json(added), status_code=201)
    rows = await Assignment.filter(round_id=found.id).order_by("project_id", "judge_id")
    return JSONResponse({"items": [assignment_json(a) for a in rows]})


routes: list[BaseRoute] = [
    Route("/api/v1/judging/assignments", api_my_assignments, name="api:judging-assignments"),
    Route("/api/v1/scorecards/{id:int}", api_scorecard, methods=["GET", "PATCH"], name="api:scorecard"),
    Route(
        "/api/v1/rounds/{id:int}/assignments",
        api_round_assignments,
        methods=["GET", "POST"],
        name="api:round-assignments",
    ),
]
