"""Organizer pages for financing: a competition's funding rounds (the verification queue), the summit's FX
rates with CSV import, custom outcome fields, and the follow-up survey schedule with its response rates."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from podium.competitions.financing import labels, money
from podium.competitions.financing.forms import outcome_field_from_form, rate_from_values, schedule_from_form
from podium.competitions.financing_models import FundingKind, OutcomeFieldKind, RoundSource, Verification
from podium.competitions.models import Competition
from podium.competitions.services import competitions, financing, fx, surveys
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput
from podium.platform.forms import values_of, verified_form
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.summits import services as summits
from podium.platform.summits.models import Summit
from podium.platform.web import NOTICES, actor_of, page_number, redirect, render

NOTICES.update(
    {
        "rate-saved": lambda: _("The rate is saved; the figures that use it are being recomputed."),
        "rate-deleted": lambda: _("The rate is deleted; the figures that used it are being recomputed."),
        "rates-imported": lambda: _("The rates are imported; the figures are being recomputed."),
        "outcome-field-added": lambda: _("The outcome is added to the project pages and the survey."),
        "outcome-field-removed": lambda: _("The outcome and its answers are removed."),
        "schedule-saved": lambda: _("The survey schedule is saved."),
    }
)


def _field_kinds() -> list[tuple[str, str]]:
    return [
        (OutcomeFieldKind.NUMBER.value, _("Number")),
        (OutcomeFieldKind.TEXT.value, _("Text")),
        (OutcomeFieldKind.YES_NO.value, _("Yes or no")),
    ]


# ---- a competition's funding rounds -----------------------------------------------------------


@login_required
async def competition_rounds(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    selection = financing.round_filter_from(request.query_params)
    page = await financing.page_of_rounds(competition=competition, selection=selection, page=page_number(request))
    query = {k: v for k, v in request.query_params.items() if k not in {"page", "notice"}}
    context = {
        "competition": competition,
        "summit": competition.summit,
        "page": page,
        "selection": selection,
        "query": query,
        "counts": await financing.status_counts(competition=competition),
        "without_figures": await fx.rounds_without_figures(summit=competition.summit),
        "kind_label": labels.kind_label,
        "status_label": labels.status_label,
        "source_label": labels.source_label,
        "announced_label": labels.announced_label,
        "kinds": labels.kind_choices(),
        "currencies": money.CURRENCIES,
        "statuses": [(s.value, labels.status_label(s)) for s in Verification],
        "sources": [(s.value, labels.source_label(s)) for s in RoundSource],
        "back": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "FundingKind": FundingKind,
    }
    return render(request, "financing/organize_rounds.html", context)


# ---- FX rates ---------------------------------------------------------------------------------


async def _rates_page(request: Request, summit: Summit, status_code: int = 200, **extra: Any) -> Response:
    currency = request.query_params.get("currency", "")
    context: dict[str, Any] = {
        "summit": summit,
        "page": await fx.page_of_rates(summit=summit, currency=currency, page=page_number(request)),
        "currency": currency if currency in money.CURRENCIES else "",
        "currencies": [c for c in money.CURRENCIES if c != money.BASE_CURRENCY],
        "currency_pairs": [("", "—")] + [(c, c) for c in money.CURRENCIES if c != money.BASE_CURRENCY],
        "rate_text": labels.rate_text,
        "without_figures": await fx.rounds_without_figures(summit=summit),
        "values": {"on_date": utcnow().date().isoformat()},
        "errors": {},
        "import_errors": {},
        "import_rows": [],
        "import_count": 0,
        "max_mb": fx.MAX_IMPORT_BYTES >> 20,
        "max_rows": fx.MAX_IMPORT_ROWS,
        **extra,
    }
    return render(request, "financing/fx_rates.html", context, status_code)


@login_required
async def fx_rates(request: Request) -> Response:
    actor = actor_of(request)
    summit = await summits.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    if request.method == "GET":
        return await _rates_page(request, summit)
    data = await request.form()
    try:
        rate = rate_from_values(values_of(data), today=utcnow().date())
        await fx.set_rates(actor=actor, summit=summit, rows=[rate])
    except InvalidInput as exc:
        return await _rates_page(request, summit, 422, values=values_of(data), errors=exc.errors)
    return redirect(f"/organize/summits/{summit.slug}/fx-rates?notice=rate-saved")


@login_required
async def fx_import(request: Request) -> Response:
    actor = actor_of(request)
    summit = await summits.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    try:
        async with verified_form(request, max_files=1, max_fields=4, max_part_size=4096) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InvalidInput({"file": [_("Choose a CSV or XLSX file to import.")]})
            await fx.import_rates(actor=actor, summit=summit, upload=upload)
    except fx.RateImportError as exc:
        return await _rates_page(
            request, summit, 422, import_errors=exc.errors, import_rows=exc.rows, import_count=exc.count
        )
    except InvalidInput as exc:
        return await _rates_page(request, summit, 422, import_errors=exc.errors)
    return redirect(f"/organize/summits/{summit.slug}/fx-rates?notice=rates-imported")


@login_required
async def fx_delete(request: Request) -> Response:
    actor = actor_of(request)
    summit = await summits.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    await fx.delete_rate(actor=actor, summit=summit, rate_id=request.path_params["item_id"])
    return redirect(f"/organize/summits/{summit.slug}/fx-rates?notice=rate-deleted")


# ---- outcome fields ---------------------------------------------------------------------------


async def _fields_page(request: Request, competition: Competition, status_code: int = 200, **extra: Any) -> Response:
    context: dict[str, Any] = {
        "competition": competition,
        "fields": await financing.list_outcome_fields(competition=competition),
        "field_kinds": _field_kinds(),
        "values": {},
        "errors": {},
        **extra,
    }
    return render(request, "financing/outcome_fields.html", context, status_code)


@login_required
async def outcome_fields(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    if request.method == "GET":
        return await _fields_page(request, competition)
    data = await request.form()
    try:
        await financing.add_outcome_field(actor=actor, competition=competition, data=outcome_field_from_form(data))
    except InvalidInput as exc:
        return await _fields_page(request, competition, 422, values=values_of(data), errors=exc.errors)
    return redirect(f"/organize/competitions/{competition.id}/outcome-fields?notice=outcome-field-added")


@login_required
async def remove_outcome_field(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    await financing.remove_outcome_field(actor=actor, competition=competition, field_id=request.path_params["item_id"])
    return redirect(f"/organize/competitions/{competition.id}/outcome-fields?notice=outcome-field-removed")


# ---- the survey schedule ----------------------------------------------------------------------


async def _surveys_page(request: Request, competition: Competition, status_code: int = 200, **extra: Any) -> Response:
    schedule = await surveys.get_schedule(competition=competition)
    values: dict[str, Any] = {
        "months": ", ".join(str(m) for m in (schedule.months if schedule else surveys.DEFAULT_MONTHS)),
        "final_on": schedule.final_on.isoformat() if schedule and schedule.final_on else "",
        "reminder_days": str(schedule.reminder_days if schedule else 14),
        "enabled": "1" if schedule is None or schedule.enabled else "",
    }
    context: dict[str, Any] = {
        "competition": competition,
        "schedule": schedule,
        "final": await surveys.final_date(competition=competition, schedule=schedule),
        "rates": await surveys.response_rates(competition=competition, schedule=schedule),
        "link_days": surveys.LINK_DAYS,
        "values": values,
        "errors": {},
        **extra,
    }
    return render(request, "financing/surveys.html", context, status_code)


@login_required
async def survey_schedule(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    if request.method == "GET":
        return await _surveys_page(request, competition)
    data = await request.form()
    try:
        await surveys.save_schedule(actor=actor, competition=competition, data=schedule_from_form(data))
    except InvalidInput as exc:
        return await _surveys_page(request, competition, 422, values=values_of(data), errors=exc.errors)
    return redirect(f"/organize/competitions/{competition.id}/surveys?notice=schedule-saved")


_COMPETITION = "/organize/competitions/{id:int}"
_RATES = "/organize/summits/{slug}/fx-rates"

routes: list[BaseRoute] = [
    Route(f"{_COMPETITION}/financing", competition_rounds, name="financing:organize"),
    Route(_RATES, fx_rates, methods=["GET", "POST"], name="financing:fx-rates"),
    Route(f"{_RATES}/import", fx_import, methods=["POST"], name="financing:fx-import"),
    Route(f"{_RATES}/{{item_id:int}}/delete", fx_delete, methods=["POST"], name="financing:fx-delete"),
    Route(f"{_COMPETITION}/outcome-fields", outcome_fields, methods=["GET", "POST"], name="financing:fields"),
    Route(
        f"{_COMPETITION}/outcome-fields/{{item_id:int}}/delete",
        remove_outcome_field,
        methods=["POST"],
        name="financing:remove-field",
    ),
    Route(f"{_COMPETITION}/surveys", survey_schedule, methods=["GET", "POST"], name="financing:surveys"),
]
