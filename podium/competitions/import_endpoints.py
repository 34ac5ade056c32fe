"""Organizer pages to import applications from CSV or XLSX: upload, watch the check, preview, import."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.competitions.models import Competition, ImportStatus, ProjectImport
from podium.competitions.services import competitions, imports
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput
from podium.platform.forms import verified_form
from podium.platform.i18n import gettext as _
from podium.platform.web import NOTICES, actor_of, redirect, render, settings_of

NOTICES.update({"import-started": lambda: _("The import has started; this page shows its progress.")})


def status_label(status: ImportStatus) -> str:
    return {
        ImportStatus.CHECKING: _("checking the rows"),
        ImportStatus.READY: _("checked, ready to import"),
        ImportStatus.INVALID: _("has errors, nothing imported"),
        ImportStatus.IMPORTING: _("importing"),
        ImportStatus.DONE: _("imported"),
        ImportStatus.FAILED: _("failed, nothing imported"),
    }[ImportStatus(status)]


async def _imports_page(request: Request, competition: Competition, status_code: int = 200, **extra: Any) -> Response:
    setup = await imports.load_setup(competition.id)
    context: dict[str, Any] = {
        "competition": competition,
        "imports": await imports.imports_of(competition),
        "status_label": status_label,
        "errors": {},
        "person_fields": imports.PERSON_FIELDS,
        "questions": [q for q in setup.questions.values() if q.kind != "file"],
        "track_names": setup.track_names,
        "division_names": setup.division_names,
        "max_rows": imports.MAX_ROWS,
        "max_mb": imports.MAX_BYTES >> 20,
        **extra,
    }
    return render(request, "competitions/imports.html", context, status_code)


@login_required
async def imports_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    if request.method == "GET":
        return await _imports_page(request, competition)
    try:
        async with verified_form(request, max_files=1, max_fields=4, max_part_size=4096) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InvalidInput({"file": [_("Choose a CSV or XLSX file to import.")]})
            record = await imports.start(
                actor=actor, competition=competition, upload=upload, settings=settings_of(request)
            )
    except InvalidInput as exc:
        return await _imports_page(request, competition, 422, errors=exc.errors)
    return redirect(f"/organize/imports/{record.id}")


@login_required
async def template_csv(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    body = imports.template_csv(await imports.load_setup(competition.id))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{competition.slug}-import-template.csv"'},
    )


@login_required
async def import_detail(request: Request) -> Response:
    record = await imports.get_managed_import(actor=actor_of(request), import_id=request.path_params["import_id"])
    return await _import_page(request, record)


async def _import_page(request: Request, record: ProjectImport, status_code: int = 200, **extra: Any) -> Response:
    return render(
        request,
        "competitions/import.html",
        {
            "record": record,
            "competition": record.competition,
            "progress": await imports.progress(record),
            "status_label": status_label,
            "running": record.status in {ImportStatus.CHECKING, ImportStatus.IMPORTING},
            "errors": {},
            **extra,
        },
        status_code,
    )


@login_required
async def import_progress(request: Request) -> Response:
    record = await imports.get_managed_import(actor=actor_of(request), import_id=request.path_params["import_id"])
    return JSONResponse(await imports.progress(record), headers={"Cache-Control": "no-store"})


@login_required
async def run_import(request: Request) -> Response:
    actor = actor_of(request)
    record = await imports.get_managed_import(actor=actor, import_id=request.path_params["import_id"])
    try:
        await imports.confirm(actor=actor, record=record)
    except InvalidInput as exc:
        return await _import_page(request, record, 409, errors=exc.errors)
    return redirect(f"/organize/imports/{record.id}?notice=import-started")


@login_required
async def error_report(request: Request) -> Response:
    record = await imports.get_managed_import(actor=actor_of(request), import_id=request.path_params["import_id"])
    return Response(
        imports.error_report(record),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{record.id}-errors.csv"'},
    )


routes: list[BaseRoute] = [
    Route(
        "/organize/competitions/{id:int}/imports",
        imports_endpoint,
        methods=["GET", "POST"],
        name="imports:list",
    ),
    Route("/organize/competitions/{id:int}/imports/template.csv", template_csv, name="imports:template"),
    Route("/organize/imports/{import_id:int}", import_detail, name="imports:detail"),
    Route("/organize/imports/{import_id:int}/progress", import_progress, name="imports:progress"),
    Route("/organize/imports/{import_id:int}/run", run_import, methods=["POST"], name="imports:run"),
    Route("/organize/imports/{import_id:int}/errors.csv", error_report, name="imports:errors"),
]
