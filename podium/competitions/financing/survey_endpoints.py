"""The follow-up survey: one page behind a signed link, no sign-in. It speaks the lead's language unless the
visitor chose another (the language switch, or ?lang=)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from podium.competitions.financing import labels
from podium.competitions.financing.forms import NO, SURVEY_ROUNDS, YES, custom_field_name, survey_from_form
from podium.competitions.services import surveys
from podium.platform import i18n
from podium.platform.errors import Conflict, InvalidInput
from podium.platform.forms import values_of
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.middleware import LANG_COOKIE
from podium.platform.web import render, settings_of


def _locale(request: Request, visit: surveys.Visit) -> str:
    recipient = visit.recipient.locale if visit.recipient else ""
    return (
        i18n.normalize_locale(request.query_params.get("lang"))
        or i18n.normalize_locale(request.cookies.get(LANG_COOKIE))
        or i18n.normalize_locale(recipient)
        or i18n.get_locale()
    )


def _form_page(request: Request, visit: surveys.Visit, status_code: int = 200, **extra: Any) -> Response:
    assert visit.project is not None
    assert visit.survey is not None
    context: dict[str, Any] = {
        "survey": visit.survey,
        "project": visit.project,
        "competition": visit.project.competition,
        "fields": visit.fields or [],
        "rows": range(1, SURVEY_ROUNDS + 1),
        "kinds": labels.kind_choices(),
        "currencies": labels.currency_choices(),
        "yes_no": [("", _("Not known")), (YES, _("Yes")), (NO, _("No"))],
        "custom_name": custom_field_name,
        "values": {f"r{n}_currency": visit.project.competition.summit.currency for n in range(1, SURVEY_ROUNDS + 1)},
        "errors": {},
        **extra,
    }
    return render(request, "financing/survey.html", context, status_code)


def _done_page(request: Request, visit: surveys.Visit, state: str, status_code: int = 200) -> Response:
    context = {"state": state, "survey": visit.survey, "project": visit.project}
    return render(request, "financing/survey_done.html", context, status_code)


async def survey(request: Request) -> Response:
    settings = settings_of(request)
    visit = await surveys.open_link(secret=settings.secret(), token=request.path_params["token"])
    with i18n.use_locale(_locale(request, visit)):
        if visit.state == surveys.SurveyState.CLOSED:
            return _done_page(request, visit, visit.state, 410)
        if visit.state == surveys.SurveyState.ANSWERED:
            return _done_page(request, visit, visit.state, 200 if request.method == "GET" else 409)
        if request.method == "GET":
            return _form_page(request, visit)
        data = await request.form()
        try:
            answers = survey_from_form(data, visit.fields or [], today=utcnow().date())
            await surveys.answer(visit=visit, answers=answers, settings=settings)
        except InvalidInput as exc:
            return _form_page(request, visit, 422, values=values_of(data), errors=exc.errors)
        except Conflict:
            return _done_page(request, visit, surveys.SurveyState.ANSWERED, 409)
        return _done_page(request, visit, "thanks")


routes: list[BaseRoute] = [
    Route("/surveys/{token}", survey, methods=["GET", "POST"], name="financing:survey"),
]
