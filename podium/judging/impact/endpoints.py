"""Impact pages: the organizer's dashboard of a competition, the editions of a summit series side by side, the
public impact page of a summit, CSV/XLSX exports of every table, and a team's choice to be listed publicly."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from podium.competitions.financing import money
from podium.competitions.services.financing import Figures
from podium.judging.impact import services, tables
from podium.judging.impact.figures import Window
from podium.judging.impact.tables import Table
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.web import NOTICES, actor_of, redirect, render

NOTICES.update(
    {
        "listed": lambda: _("The project is listed on the summit's public impact page."),
        "unlisted": lambda: _("The project is no longer listed on the summit's public impact page."),
        "series-saved": lambda: _("The series is saved."),
    }
)
# The query parameters a dashboard reads; exports keep them so that they export what the page shows.
PARAMS = ("figures", "window", "threshold", "currency")


def _query(request: Request) -> dict[str, str]:
    return {name: request.query_params[name] for name in PARAMS if request.query_params.get(name)}


def _choices(currency: str) -> dict[str, Any]:
    return {
        "figure_choices": [
            (Figures.VERIFIED.value, _("verified rounds")),
            (Figures.REPORTED.value, _("every round not rejected (verified or awaiting verification)")),
        ],
        "window_choices": [(w.value, tables.window_label(w)) for w in Window],
        "currency_choices": [currency] if currency == money.BASE_CURRENCY else [currency, money.BASE_CURRENCY],
    }


def _common(request: Request, found: list[Table], errors: dict[str, list[str]]) -> dict[str, Any]:
    query = _query(request)
    return {
        "tables": found,
        "errors": errors,
        "values": query,
        "export_query": ("?" + urlencode(query)) if query else "",
        "cell": tables.cell,
        "formats": tables.EXPORT_FORMATS,
    }


def _export(found: list[Table], key: str, fmt: str, stem: str) -> Response:
    table = tables.find(found, key)
    if table is None or fmt not in tables.EXPORT_FORMATS:
        raise NotFound()
    return Response(
        tables.to_xlsx(table) if fmt == "xlsx" else tables.to_csv(table),
        media_type="text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{stem}-{key}.{fmt}"'},
    )


@login_required
async def dashboard(request: Request) -> Response:
    report, errors = await services.organizer_dashboard(
        actor=actor_of(request),
        competition_id=request.path_params["id"],
        params=request.query_params,
        every_judge=False,
    )
    context = _common(request, tables.dashboard_tables(report), errors)
    context.update(
        report=report,
        board=report.dashboard,
        selection=report.dashboard.selection,
        window_label=tables.window_label,
        **_choices(report.summit.currency),
    )
    return render(request, "impact/dashboard.html", context, 422 if errors else 200)


@login_required
async def dashboard_export(request: Request) -> Response:
    report, _errors = await services.organizer_dashboard(
        actor=actor_of(request), competition_id=request.path_params["id"], params=request.query_params
    )
    return _export(
        tables.dashboard_tables(report),
        request.path_params["table"],
        request.path_params["fmt"],
        report.competition.slug,
    )


@login_required
async def editions(request: Request) -> Response:
    actor = actor_of(request)
    slug = request.path_params["slug"]
    series_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = await request.form()
        try:
            await services.set_series(actor=actor, slug=slug, raw=str(data.get("series", "")))
        except InvalidInput as exc:
            series_errors = exc.errors
        else:
            return redirect(f"/organize/summits/{slug}/impact?notice=series-saved")
    found, errors = await services.editions(actor=actor, slug=slug, params=request.query_params)
    context = _common(request, tables.editions_tables(found), {**errors, **series_errors})
    context.update(found=found, selection=found.selection, **_choices(found.summit.currency))
    return render(request, "impact/editions.html", context, 422 if errors or series_errors else 200)


@login_required
async def editions_export(request: Request) -> Response:
    found, _errors = await services.editions(
        actor=actor_of(request), slug=request.path_params["slug"], params=request.query_params
    )
    return _export(
        tables.editions_tables(found), request.path_params["table"], request.path_params["fmt"], found.summit.slug
    )


def _public_tables(found: services.PublicImpact) -> list[tuple[services.Report, list[Table]]]:
    return [(report, tables.public_tables(report)) for report in found.reports]


async def public(request: Request) -> Response:
    found, errors = await services.public_impact(slug=request.path_params["slug"], params=request.query_params)
    sections = _public_tables(found)
    context = _common(request, [t for _r, group in sections for t in group], errors)
    context.update(found=found, sections=sections)
    return render(request, "impact/public.html", context, 422 if errors else 200)


async def public_export(request: Request) -> Response:
    found, _errors = await services.public_impact(slug=request.path_params["slug"], params=request.query_params)
    every = [t for _r, group in _public_tables(found) for t in group]
    return _export(every, request.path_params["table"], request.path_params["fmt"], found.summit.slug)


@login_required
async def listing(request: Request) -> Response:
    actor = actor_of(request)
    found = await services.get_listing(actor=actor, project_id=request.path_params["id"])
    if request.method == "POST":
        data = await request.form()
        listed = data.get("listed") == "1"
        await services.set_listing(actor=actor, listing=found, listed=listed)
        return redirect(f"/projects/{found.project.id}/impact?notice={'listed' if listed else 'unlisted'}")
    return render(request, "impact/listing.html", {"listing": found, "project": found.project})


_EXPORT = "{table}.{fmt}"
routes: list[BaseRoute] = [
    Route("/organize/competitions/{id:int}/impact", dashboard, name="impact:dashboard"),
    Route(f"/organize/competitions/{{id:int}}/impact/{_EXPORT}", dashboard_export, name="impact:export"),
    Route("/organize/summits/{slug}/impact", editions, methods=["GET", "POST"], name="impact:editions"),
    Route(f"/organize/summits/{{slug}}/impact/{_EXPORT}", editions_export, name="impact:editions-export"),
    Route("/summits/{slug}/impact", public, name="impact:public"),
    Route(f"/summits/{{slug}}/impact/{_EXPORT}", public_export, name="impact:public-export"),
    Route("/projects/{id:int}/impact", listing, methods=["GET", "POST"], name="impact:listing"),
]
