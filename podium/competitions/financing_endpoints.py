"""A project's financing page (its team and its organizers): funding rounds with evidence, verification, and
landing and growth. The organizer pages, the follow-up survey and the API add their routes to `routes`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from podium.competitions.financing import labels
from podium.competitions.financing.api import routes as api_routes
from podium.competitions.financing.forms import (
    NO,
    YES,
    custom_field_name,
    outcome_from_form,
    round_from_form,
    round_values,
)
from podium.competitions.financing.organizer_endpoints import routes as organizer_routes
from podium.competitions.financing.survey_endpoints import routes as survey_routes
from podium.competitions.financing_models import FundingRound
from podium.competitions.services import financing
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.forms import values_of, verified_form
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.web import NOTICES, actor_of, redirect, render, safe_next, settings_of

NOTICES.update(
    {
        "round-added": lambda: _("The funding round is saved."),
        "round-saved": lambda: _("Your changes to the funding round are saved."),
        "round-decided": lambda: _("Your decision on the funding round is recorded."),
        "round-deleted": lambda: _("The funding round is deleted."),
        "outcome-saved": lambda: _("Landing and growth are saved."),
    }
)

# Multipart forms with an evidence file: a few text fields and one file.
FORM_LIMITS: dict[str, int] = {"max_files": 1, "max_fields": 20, "max_part_size": 32 * 1024}


def yes_no_choices() -> list[tuple[str, str]]:
    return [("", _("Not known")), (YES, _("Yes")), (NO, _("No"))]


def outcome_values(found: financing.Financing) -> dict[str, Any]:
    outcome = found.outcome
    values: dict[str, Any] = {}
    if outcome is not None:
        values = {
            "incorporated_locally": {None: "", True: YES, False: NO}[outcome.incorporated_locally],
            "incorporated_locally_on": outcome.incorporated_locally_on or "",
            "district": outcome.district,
            "headcount": "" if outcome.headcount is None else outcome.headcount,
            "headcount_as_of": outcome.headcount_as_of or "",
        }
    for field in found.fields:
        stored = found.values.get(field.id)
        answer = stored.answer if stored else None
        if isinstance(answer, bool):
            answer = YES if answer else NO
        values[custom_field_name(field)] = "" if answer is None else answer
    return values


async def financing_context(request: Request, found: financing.Financing) -> dict[str, Any]:
    """What the financing page and the round page show, for a financing loaded with get_financing."""
    actor = actor_of(request)
    project = found.project
    people = await financing.users_by_id(i for r in found.rounds for i in (r.reported_by_id, r.decided_by_id))
    return {
        "project": project,
        "competition": project.competition,
        "summit": project.competition.summit,
        "financing": found,
        "is_organizer": found.organizer,
        "is_team": financing.is_team(actor, project, found.members),
        "can_change": lambda r: financing.can_change_round(actor, found, r),
        "people": people,
        "rate_days": await financing.rate_days(found.rounds),
        "kind_label": labels.kind_label,
        "status_label": labels.status_label,
        "source_label": labels.source_label,
        "announced_label": labels.announced_label,
        "history_label": labels.history_label,
        "rate_text": labels.rate_text,
        "kinds": labels.kind_choices(),
        "currencies": labels.currency_choices(),
        "yes_no": yes_no_choices(),
        "custom_name": custom_field_name,
        "max_mb": settings_of(request).deck_max_mb,
        "round_values": {"currency": project.competition.summit.currency},
        "round_errors": {},
        "outcome_values": outcome_values(found),
        "outcome_errors": {},
        "decision_errors": {},
        "decision_values": {},
    }


async def _page(request: Request, project_id: int, status_code: int = 200, **extra: Any) -> Response:
    found = await financing.get_financing(actor=actor_of(request), project_id=project_id, with_history=True)
    context = await financing_context(request, found)
    context.update(extra)
    return render(request, "financing/project.html", context, status_code)


@login_required
async def financing_page(request: Request) -> Response:
    return await _page(request, request.path_params["project_id"])


def _evidence(form: FormData) -> UploadFile | None:
    upload = form.get("evidence")
    return upload if isinstance(upload, UploadFile) and upload.filename else None


@login_required
async def add_round(request: Request) -> Response:
    actor = actor_of(request)
    project_id = request.path_params["project_id"]
    found = await financing.get_financing(actor=actor, project_id=project_id)
    submitted: dict[str, Any] = {}
    try:
        async with verified_form(request, **FORM_LIMITS) as form:
            submitted = values_of(form)
            data = round_from_form(form, today=utcnow().date())
            await financing.add_round(
                actor=actor, financing=found, data=data, settings=settings_of(request), evidence=_evidence(form)
            )
    except InvalidInput as exc:
        return await _page(request, project_id, 422, round_values=submitted, round_errors=exc.errors)
    return redirect(f"/projects/{project_id}/financing?notice=round-added#rounds")


async def _round_page(
    request: Request, found: financing.Financing, item: FundingRound, status_code: int = 200, **extra: Any
) -> Response:
    context = await financing_context(request, found)
    context.update({"item": item, "round_values": round_values(item), **extra})
    return render(request, "financing/round.html", context, status_code)


@login_required
async def round_page(request: Request) -> Response:
    actor = actor_of(request)
    project_id = request.path_params["project_id"]
    found = await financing.get_financing(actor=actor, project_id=project_id)
    item = financing.find_round(found, request.path_params["round_id"])
    if request.method == "GET":
        return await _round_page(request, found, item)
    submitted: dict[str, Any] = {}
    try:
        async with verified_form(request, **FORM_LIMITS) as form:
            submitted = values_of(form)
            data = round_from_form(form, today=utcnow().date())
            await financing.change_round(
                actor=actor,
                financing=found,
                found=item,
                data=data,
                settings=settings_of(request),
                evidence=_evidence(form),
            )
    except InvalidInput as exc:
        return await _round_page(request, found, item, 422, round_values=submitted, round_errors=exc.errors)
    return redirect(f"/projects/{project_id}/financing?notice=round-saved#round-{item.id}")


@login_required
async def decide(request: Request) -> Response:
    actor = actor_of(request)
    project_id = request.path_params["project_id"]
    found = await financing.get_financing(actor=actor, project_id=project_id)
    item = financing.find_round(found, request.path_params["round_id"])
    data = await request.form()
    try:
        await financing.decide_round(
            actor=actor,
            financing=found,
            found=item,
            decision=_text(data, "decision"),
            note=_text(data, "note"),
            settings=settings_of(request),
        )
    except InvalidInput as exc:
        errors = {item.id: exc.errors}
        return await _page(request, project_id, 422, decision_errors=errors, decision_values=values_of(data))
    back = safe_next(_text(data, "back"), f"/projects/{project_id}/financing")
    return redirect(back + ("&" if "?" in back else "?") + f"notice=round-decided#round-{item.id}")


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


@login_required
async def delete_round(request: Request) -> Response:
    actor = actor_of(request)
    project_id = request.path_params["project_id"]
    found = await financing.get_financing(actor=actor, project_id=project_id)
    item = financing.find_round(found, request.path_params["round_id"])
    await financing.delete_round(actor=actor, financing=found, found=item, settings=settings_of(request))
    return redirect(f"/projects/{project_id}/financing?notice=round-deleted#rounds")


@login_required
async def evidence(request: Request) -> Response:
    found = await financing.get_financing(actor=actor_of(request), project_id=request.path_params["project_id"])
    item = financing.find_round(found, request.path_params["round_id"])
    path = financing.evidence_path(settings_of(request), item.evidence_key) if item.evidence_key else None
    if path is None or not path.is_file():
        raise NotFound()
    return FileResponse(
        path, media_type=item.evidence_type, filename=item.evidence_name, content_disposition_type="inline"
    )


@login_required
async def save_outcome(request: Request) -> Response:
    actor = actor_of(request)
    project_id = request.path_params["project_id"]
    found = await financing.get_financing(actor=actor, project_id=project_id)
    data = await request.form()
    try:
        outcome, custom = outcome_from_form(data, found.fields, today=utcnow().date())
        await financing.save_outcome(
            actor_id=actor.user_id,
            project=found.project,
            data=outcome,
            custom=custom,
            fields=found.fields,
            allowed=found.organizer or financing.is_team(actor, found.project, found.members),
        )
    except InvalidInput as exc:
        return await _page(request, project_id, 422, outcome_values=values_of(data), outcome_errors=exc.errors)
    return redirect(f"/projects/{project_id}/financing?notice=outcome-saved#outcome")


_ROUND = "/projects/{project_id:int}/financing/rounds/{round_id:int}"

project_routes: list[BaseRoute] = [
    Route("/projects/{project_id:int}/financing", financing_page, name="financing:project"),
    Route("/projects/{project_id:int}/financing/rounds", add_round, methods=["POST"], name="financing:add-round"),
    Route(_ROUND, round_page, methods=["GET", "POST"], name="financing:round"),
    Route(f"{_ROUND}/decision", decide, methods=["POST"], name="financing:decide"),
    Route(f"{_ROUND}/delete", delete_round, methods=["POST"], name="financing:delete-round"),
    Route(f"{_ROUND}/evidence", evidence, name="financing:evidence"),
    Route("/projects/{project_id:int}/financing/outcome", save_outcome, methods=["POST"], name="financing:outcome"),
]

routes: list[BaseRoute] = [*project_routes, *organizer_routes, *survey_routes, *api_routes]
# Multipart posts whose handlers parse with their own limits and check the CSRF token (for podium.asgi).
UPLOAD_PATHS = (r"/projects/\d+/financing/rounds(?:/\d+)?", r"/organize/summits/[^/]+/fx-rates/import")
