"""The impact API (/api/v1): a competition's dashboard figures (its organizers) and a summit's public figures."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.competitions.services.financing import Figures
from podium.judging.impact import services
from podium.judging.impact.figures import Correlation, Dashboard, FunnelRow, MoneyRow, Named, Window
from podium.platform.api import register_schema, summit_json
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput
from podium.platform.web import actor_of

_MINOR = {"type": "integer", "format": "int64", "description": "Minor units of the currency (fen, cents)"}
_NAME = {"$ref": "#/components/schemas/Bilingual"}
_NULLABLE_INT = {"type": "integer", "nullable": True}
_RHO = {"type": "number", "nullable": True, "description": "Spearman's rho, from -1 to 1 (null when undefined)"}

register_schema(
    "ImpactMoney",
    {
        "type": "object",
        "description": "Money raised by a group of projects (a track, a division, an award tier, or all of them)",
        "properties": {
            "key": {"type": "string"},
            "name": _NAME,
            "projects": {"type": "integer", "description": "Projects that applied"},
            "raised": {"type": "integer", "description": "Of which raised anything in counted rounds"},
            "total_minor": _MINOR,
            "median_minor": {**_MINOR, "nullable": True, "description": "Median total of those that raised"},
            "at_least_threshold": {"type": "integer"},
            "financed": {**_NULLABLE_INT, "description": "With a counted round after the final (null: no final date)"},
            "median_days_to_first_round": {"type": "number", "nullable": True},
        },
        "required": ["key", "name", "projects", "raised", "total_minor", "at_least_threshold"],
    },
)
register_schema(
    "ImpactFunnelRow",
    {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "name": _NAME,
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "By stage key"},
        },
        "required": ["key", "name", "counts"],
    },
)
register_schema(
    "ImpactCorrelation",
    {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "name": _NAME,
            "rho": _RHO,
            "n": {"type": "integer"},
            "too_few": {"type": "boolean", "description": "Fewer than 10 projects behind it"},
        },
        "required": ["key", "rho", "n", "too_few"],
    },
)
register_schema(
    "ImpactFigures",
    {
        "type": "object",
        "description": (
            "A competition's impact figures. applied: submitted projects (withdrawn after submitting included); "
            "each round: projects ranked in it; financed: at least one counted funding round announced after "
            "the final (the survey schedule's final date, else the day the last round's judging closes); raised: "
            "the sum of counted rounds in the window, normalised to the currency (rounds waiting for an FX rate "
            "count as nothing and are counted in rounds_without_figures)."
        ),
        "properties": {
            "competition": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "slug": {"type": "string"}, "name": _NAME},
            },
            "figures": {"type": "string", "enum": [str(f) for f in Figures]},
            "window": {"type": "string", "enum": [str(w) for w in Window]},
            "currency": {"type": "string"},
            "threshold_minor": _MINOR,
            "final_on": {"type": "string", "format": "date", "nullable": True},
            "funnel": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "key": {
                            "type": "string",
                            "description": "applied, eligible, round-<id>, awarded, financed, incorporated",
                        },
                        "name": _NAME,
                        "count": {"type": "integer"},
                        "awarded": {**_NULLABLE_INT, "description": "Financed and incorporated: how many won an award"},
                    },
                },
            },
            "funnel_by_track": {"type": "array", "items": {"$ref": "#/components/schemas/ImpactFunnelRow"}},
            "funnel_by_division": {"type": "array", "items": {"$ref": "#/components/schemas/ImpactFunnelRow"}},
            "money": {"$ref": "#/components/schemas/ImpactMoney"},
            "money_by_track": {"type": "array", "items": {"$ref": "#/components/schemas/ImpactMoney"}},
            "money_by_division": {"type": "array", "items": {"$ref": "#/components/schemas/ImpactMoney"}},
            "money_by_award_tier": {"type": "array", "items": {"$ref": "#/components/schemas/ImpactMoney"}},
            "rounds_without_figures": {"type": "integer"},
            "listed_projects": {"type": "integer"},
        },
        "required": ["figures", "window", "currency", "threshold_minor", "funnel", "money"],
    },
)
register_schema(
    "ImpactDashboard",
    {
        "allOf": [
            {"$ref": "#/components/schemas/ImpactFigures"},
            {
                "type": "object",
                "properties": {
                    "correlation": {
                        "type": "object",
                        "nullable": True,
                        "description": (
                            "Place in the last finalised round (negated: positive rho = better-placed projects "
                            "raised more) against the amount raised"
                        ),
                        "properties": {
                            "round_id": {"type": "integer"},
                            "overall": {"$ref": "#/components/schemas/ImpactCorrelation"},
                            "by_track": {"type": "array", "items": {"$ref": "#/components/schemas/ImpactCorrelation"}},
                        },
                    },
                    "judges": {
                        "type": "array",
                        "description": "Judges with at least 5 scored projects: their totals against the money raised",
                        "items": {
                            "type": "object",
                            "properties": {
                                "judge_id": {"type": "integer"},
                                "name": {"type": "string"},
                                "rho": _RHO,
                                "n": {"type": "integer"},
                                "too_few": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        ]
    },
)
register_schema(
    "ImpactPublic",
    {
        "type": "object",
        "properties": {
            "summit": {"$ref": "#/components/schemas/Summit"},
            "competitions": {
                "type": "array",
                "items": {
                    "allOf": [
                        {"$ref": "#/components/schemas/ImpactFigures"},
                        {
                            "type": "object",
                            "properties": {
                                "projects": {
                                    "type": "array",
                                    "description": "Projects their teams listed, with published figures",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "id": {"type": "integer"},
                                            "title": {"type": "string"},
                                            "track_id": _NULLABLE_INT,
                                            "award_tier_id": _NULLABLE_INT,
                                            "raised_minor": _MINOR,
                                        },
                                    },
                                }
                            },
                        },
                    ]
                },
            },
        },
    },
)


def _name(named: Named) -> dict[str, str]:
    return {"en": named.name_en, "zh": named.name_zh}


def _money(row: MoneyRow) -> dict[str, Any]:
    return {
        "key": row.group.key,
        "name": _name(row.group),
        "projects": row.projects,
        "raised": row.raised,
        "total_minor": row.total,
        "median_minor": row.median,
        "at_least_threshold": row.at_least,
        "financed": row.financed,
        "median_days_to_first_round": row.median_days,
    }


def _funnel_row(row: FunnelRow) -> dict[str, Any]:
    return {"key": row.group.key, "name": _name(row.group), "counts": row.counts}


def _correlation(item: Correlation) -> dict[str, Any]:
    return {"key": item.group.key, "name": _name(item.group), "rho": item.rho, "n": item.n, "too_few": item.too_few}


def figures_json(report: services.Report) -> dict[str, Any]:
    board: Dashboard = report.dashboard
    competition = report.competition
    return {
        "competition": {
            "id": competition.id,
            "slug": competition.slug,
            "name": {"en": competition.name_en, "zh": competition.name_zh},
        },
        "figures": str(board.selection.figures),
        "window": str(board.selection.window),
        "currency": board.selection.currency,
        "threshold_minor": board.selection.threshold,
        "final_on": board.final_on.isoformat() if board.final_on else None,
        "funnel": [{"key": s.key, "name": _name(s.name), "count": s.count, "awarded": s.awarded} for s in board.stages],
        "funnel_by_track": [_funnel_row(r) for r in board.funnel_tracks],
        "funnel_by_division": [_funnel_row(r) for r in board.funnel_divisions],
        "money": _money(board.money),
        "money_by_track": [_money(r) for r in board.money_tracks],
        "money_by_division": [_money(r) for r in board.money_divisions],
        "money_by_award_tier": [_money(r) for r in board.money_tiers] if board.tier_of else [],
        "rounds_without_figures": board.without_figures,
        "listed_projects": len(board.listed),
    }


def _errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise InvalidInput(errors)


@login_required
async def api_dashboard(request: Request) -> Response:
    """
    summary: A competition's impact figures (its organizers)
    description: >
      The funnel, money raised, the rank correlation between the final ranking and later financing, and
      which judges' scores predicted it. Organizers count verified rounds (figures=verified, the default)
      or every round not rejected (figures=reported).
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
      - {name: figures, in: query, schema: {type: string, enum: [verified, reported]}}
      - name: window
        in: query
        description: every round (all), or only the rounds announced after the final (after)
        schema: {type: string, enum: [all, after]}
      - name: currency
        in: query
        description: the summit's reporting currency (the default) or USD
        schema: {type: string}
      - name: threshold
        in: query
        description: "In major units (50000000 or 5000万); the default is 50,000,000"
        schema: {type: string}
    responses:
      200:
        description: The figures
        content: {application/json: {schema: {$ref: '#/components/schemas/ImpactDashboard'}}}
      401: {description: Not signed in, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      404:
        description: No such competition, or you do not organize it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A parameter cannot be read (the message names it)
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    report, errors = await services.organizer_dashboard(
        actor=actor_of(request), competition_id=request.path_params["id"], params=request.query_params
    )
    _errors(errors)
    board = report.dashboard
    body = figures_json(report)
    body["correlation"] = (
        {
            "round_id": board.ranked_round.id,
            "overall": _correlation(board.correlation),
            "by_track": [_correlation(c) for c in board.correlation_tracks],
        }
        if board.correlation is not None and board.ranked_round is not None
        else None
    )
    body["judges"] = [
        {"judge_id": j.judge_id, "name": j.name, "rho": j.rho, "n": j.n, "too_few": j.too_few} for j in board.judges
    ]
    return JSONResponse(body)


async def api_public(request: Request) -> Response:
    """
    summary: A summit's public impact figures
    description: >
      Per competition: funding rounds verified by the organizers and not confidential, results of published
      rounds only, awards once the final round is published, and the projects their teams chose to list.
    parameters:
      - {name: slug, in: path, required: true, schema: {type: string}}
      - {name: window, in: query, schema: {type: string, enum: [all, after]}}
      - {name: threshold, in: query, description: "in major units of the summit's currency", schema: {type: string}}
    responses:
      200:
        description: The figures
        content: {application/json: {schema: {$ref: '#/components/schemas/ImpactPublic'}}}
      404: {description: No such summit, content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}}
      422:
        description: A parameter cannot be read (the message names it)
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    found, errors = await services.public_impact(slug=request.path_params["slug"], params=request.query_params)
    _errors(errors)
    items = []
    for report in found.reports:
        board = report.dashboard
        body = figures_json(report)
        body["projects"] = [
            {
                "id": pid,
                "title": title,
                "track_id": track,
                "award_tier_id": board.tier_of.get(pid),
                "raised_minor": board.raised_of.get(pid, 0),
            }
            for pid, title, track in board.listed
        ]
        items.append(body)
    return JSONResponse({"summit": summit_json(found.summit), "competitions": items})


routes: list[BaseRoute] = [
    Route("/api/v1/competitions/{id:int}/impact", api_dashboard, methods=["GET"], name="api:impact"),
    Route("/api/v1/summits/{slug}/impact", api_public, methods=["GET"], name="api:summit-impact"),
]
