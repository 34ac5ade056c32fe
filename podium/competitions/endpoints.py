"""Competition pages, public and organizer (the competitions API is in api.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from podium.competitions.forms import CompetitionForm, DivisionForm, RoundForm, TrackForm, parse_rule
from podium.competitions.models import Competition, DivisionKind, QuestionKind, Round, RuleKind
from podium.competitions.services import competitions, eligibility, questions, rounds
from podium.competitions.services.projects import accepts_submissions
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput
from podium.platform.forms import parse, values_of
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.summits import services as summits
from podium.platform.web import NOTICES, actor_of, redirect, render

COMPETITION_FIELDS = tuple(CompetitionForm.model_fields)

NOTICES.update(
    {
        "competition-saved": lambda: _("The competition is saved."),
        "round-saved": lambda: _("The round is saved."),
        "form-saved": lambda: _("The application form is saved."),
        "rules-saved": lambda: _("The eligibility rules are saved; submitted projects are being checked again."),
    }
)

# ---- public -----------------------------------------------------------------------------------


async def summit_competitions(request: Request) -> Response:
    summit = await summits.get_summit(slug=request.path_params["slug"])
    listed = await competitions.list_competitions(summit=summit)
    return render(request, "competitions/list.html", {"summit": summit, "competitions": listed})


async def competition_detail(request: Request) -> Response:
    summit = await summits.get_summit(slug=request.path_params["slug"])
    competition = await competitions.get_competition(summit=summit, slug=request.path_params["competition"])
    await competitions.with_setup(competition)
    first = competition.rounds[0] if competition.rounds else None
    context = {
        "summit": summit,
        "competition": competition,
        "status_label": rounds.status_label,
        "accepting": accepts_submissions(first, utcnow()),
    }
    return render(request, "competitions/detail.html", context)


# ---- organizer --------------------------------------------------------------------------------


@login_required
async def organize_competitions(request: Request) -> Response:
    actor = actor_of(request)
    summit = await summits.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    listed = await competitions.list_competitions(summit=summit)
    context: dict[str, Any] = {"summit": summit, "competitions": listed, "values": {}, "errors": {}}
    if request.method == "GET":
        return render(request, "competitions/organize_list.html", context)
    data = await request.form()
    try:
        created = await competitions.create_competition(actor=actor, summit=summit, form=parse(CompetitionForm, data))
    except InvalidInput as exc:
        context.update(values=values_of(data), errors=exc.errors)
        return render(request, "competitions/organize_list.html", context, 422)
    return redirect(f"/organize/competitions/{created.id}?notice=competition-saved")


async def _setup_page(request: Request, competition: Competition, status_code: int = 200, **extra: Any) -> Response:
    await competitions.with_setup(competition)
    context: dict[str, Any] = {
        "competition": competition,
        "summit": competition.summit,
        "values": {field: getattr(competition, field) for field in COMPETITION_FIELDS},
        "errors": {},
        "part_errors": {},
        "part_values": {},
        "kinds": list(DivisionKind),
        "transitions": rounds.TRANSITIONS,
        "describe_rule": eligibility.describe_rule,
        "rule_kinds": RULE_CHOICES(),
        "rule_errors": {},
        "questions": await questions.questions_of(competition.id),
        "question_kinds": QUESTION_KINDS(),
        "question_errors": {},
        "question_values": {},
        "rule_values": {},
        "status_label": rounds.status_label,
        **extra,
    }
    return render(request, "competitions/setup.html", context, status_code)


@login_required
async def setup(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    if request.method == "GET":
        return await _setup_page(request, competition)
    data = await request.form()
    try:
        await competitions.update_competition(actor=actor, competition=competition, form=parse(CompetitionForm, data))
    except InvalidInput as exc:
        return await _setup_page(request, competition, 422, values=values_of(data), errors=exc.errors)
    return redirect(f"/organize/competitions/{competition.id}?notice=competition-saved")


def _part_endpoint(kind: str) -> Any:
    """Add (no item id), change or remove (…/delete) a track or a division."""
    form_class = TrackForm if kind == "track" else DivisionForm

    @login_required
    async def endpoint(request: Request) -> Response:
        actor = actor_of(request)
        competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
        item_id: int | None = request.path_params.get("item_id")
        target = f"/organize/competitions/{competition.id}#{kind}s"
        if request.url.path.endswith("/delete") and item_id is not None:
            await competitions.remove_part(actor=actor, competition=competition, kind=kind, part_id=item_id)
            return redirect(target)
        data = await request.form()
        key = f"{kind}-{item_id or 'new'}"
        try:
            form = parse(form_class, data)
            if item_id is None:
                await competitions.add_part(actor=actor, competition=competition, kind=kind, form=form)
            else:
                part = await competitions.get_part(competition=competition, kind=kind, part_id=item_id)
                await competitions.update_part(actor=actor, competition=competition, kind=kind, part=part, form=form)
        except InvalidInput as exc:
            return await _setup_page(
                request, competition, 422, part_errors={key: exc.errors}, part_values={key: values_of(data)}
            )
        return redirect(target)

    return endpoint


def RULE_CHOICES() -> list[tuple[str, str]]:
    return [
        (RuleKind.MAX_TEAM_SIZE.value, _("Maximum team size")),
        (RuleKind.OVERSEAS_EXPERIENCE.value, _("Overseas study or work experience")),
        (RuleKind.FOUNDER_EQUITY.value, _("Founders' equity")),
        (RuleKind.FOUNDED_AFTER.value, _("Company founded on or after a date")),
        (RuleKind.ONE_PROJECT_PER_PERSON.value, _("One project per person")),
        (RuleKind.DECK_PRESENT.value, _("Pitch deck uploaded")),
    ]


def QUESTION_KINDS() -> list[tuple[str, str]]:
    return [
        (QuestionKind.SHORT_TEXT.value, _("Short text")),
        (QuestionKind.LONG_TEXT.value, _("Long text")),
        (QuestionKind.SINGLE_CHOICE.value, _("One choice")),
        (QuestionKind.MULTIPLE_CHOICE.value, _("Several choices")),
        (QuestionKind.NUMBER.value, _("Number")),
        (QuestionKind.URL.value, _("Web address")),
        (QuestionKind.DATE.value, _("Date")),
        (QuestionKind.FILE.value, _("PDF file")),
    ]


@login_required
async def questions_endpoint(request: Request) -> Response:
    """Add a question to the application form, or remove one (…/delete)."""
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    question_id: int | None = request.path_params.get("question_id")
    if question_id is not None:
        await questions.remove_question(actor=actor, competition=competition, question_id=question_id)
        return redirect(f"/organize/competitions/{competition.id}?notice=form-saved#form")
    data = await request.form()
    try:
        await questions.add_question(actor=actor, competition=competition, values=questions.parse_question(data))
    except InvalidInput as exc:
        return await _setup_page(request, competition, 422, question_errors=exc.errors, question_values=values_of(data))
    return redirect(f"/organize/competitions/{competition.id}?notice=form-saved#form")


@login_required
async def rules_endpoint(request: Request) -> Response:
    """Add an eligibility rule, or remove one (…/delete)."""
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    rule_id: int | None = request.path_params.get("rule_id")
    if rule_id is not None:
        await eligibility.remove_rule(actor=actor, competition=competition, rule_id=rule_id)
        return redirect(f"/organize/competitions/{competition.id}?notice=rules-saved#rules")
    data = await request.form()
    try:
        kind, params = parse_rule(data)
        await eligibility.add_rule(actor=actor, competition=competition, kind=kind, params=params)
    except InvalidInput as exc:
        return await _setup_page(request, competition, 422, rule_errors=exc.errors, rule_values=values_of(data))
    return redirect(f"/organize/competitions/{competition.id}?notice=rules-saved#rules")


def _round_values(found: Round, timezone: str) -> dict[str, str]:
    values = {"name_en": found.name_en, "name_zh": found.name_zh}
    values.update({field: rounds.to_local_input(getattr(found, field), timezone) for field in rounds.WINDOW_FIELDS})
    return values


@login_required
async def new_round(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    tz = competition.summit.timezone
    context: dict[str, Any] = {"competition": competition, "round": None, "timezone": tz, "values": {}, "errors": {}}
    if request.method == "GET":
        return render(request, "competitions/round_form.html", context)
    data = await request.form()
    try:
        await rounds.add_round(actor=actor, competition=competition, form=parse(RoundForm, data), timezone=tz)
    except InvalidInput as exc:
        context.update(values=values_of(data), errors=exc.errors)
        return render(request, "competitions/round_form.html", context, 422)
    return redirect(f"/organize/competitions/{competition.id}?notice=round-saved#rounds")


@login_required
async def edit_round(request: Request) -> Response:
    actor = actor_of(request)
    found = await rounds.get_managed_round(actor=actor, round_id=request.path_params["round_id"])
    competition = found.competition
    tz = competition.summit.timezone
    context: dict[str, Any] = {
        "competition": competition,
        "round": found,
        "timezone": tz,
        "values": _round_values(found, tz),
        "errors": {},
    }
    if request.method == "GET":
        return render(request, "competitions/round_form.html", context)
    data = await request.form()
    try:
        await rounds.update_round(actor=actor, round=found, form=parse(RoundForm, data), timezone=tz)
    except InvalidInput as exc:
        context.update(values=values_of(data), errors=exc.errors)
        return render(request, "competitions/round_form.html", context, 422)
    return redirect(f"/organize/competitions/{competition.id}?notice=round-saved#rounds")


@login_required
async def move_round(request: Request) -> Response:
    actor = actor_of(request)
    found = await rounds.get_managed_round(actor=actor, round_id=request.path_params["round_id"])
    data = await request.form()
    try:
        target = rounds.parse_status(str(data.get("to", "")))
        await rounds.move_round(actor=actor, round=found, to=target)
    except InvalidInput as exc:
        return await _setup_page(request, found.competition, 422, part_errors={f"round-{found.id}": exc.errors})
    return redirect(f"/organize/competitions/{found.competition.id}?notice=round-saved#rounds")


routes: list[BaseRoute] = [
    Route("/summits/{slug}/competitions", summit_competitions, name="competitions:list"),
    Route("/summits/{slug}/competitions/{competition}", competition_detail, name="competitions:detail"),
    Route(
        "/organize/summits/{slug}/competitions",
        organize_competitions,
        methods=["GET", "POST"],
        name="competitions:organize",
    ),
    Route("/organize/competitions/{id:int}", setup, methods=["GET", "POST"], name="competitions:setup"),
    Route(
        "/organize/competitions/{id:int}/tracks",
        _part_endpoint("track"),
        methods=["POST"],
        name="competitions:add-track",
    ),
    Route(
        "/organize/competitions/{id:int}/tracks/{item_id:int}",
        _part_endpoint("track"),
        methods=["POST"],
        name="competitions:edit-track",
    ),
    Route(
        "/organize/competitions/{id:int}/tracks/{item_id:int}/delete",
        _part_endpoint("track"),
        methods=["POST"],
        name="competitions:remove-track",
    ),
    Route(
        "/organize/competitions/{id:int}/divisions",
        _part_endpoint("division"),
        methods=["POST"],
        name="competitions:add-division",
    ),
    Route(
        "/organize/competitions/{id:int}/divisions/{item_id:int}",
        _part_endpoint("division"),
        methods=["POST"],
        name="competitions:edit-division",
    ),
    Route(
        "/organize/competitions/{id:int}/divisions/{item_id:int}/delete",
        _part_endpoint("division"),
        methods=["POST"],
        name="competitions:remove-division",
    ),
    Route(
        "/organize/competitions/{id:int}/rounds/new", new_round, methods=["GET", "POST"], name="competitions:new-round"
    ),
    Route(
        "/organize/competitions/{id:int}/questions",
        questions_endpoint,
        methods=["POST"],
        name="competitions:add-question",
    ),
    Route(
        "/organize/competitions/{id:int}/questions/{question_id:int}/delete",
        questions_endpoint,
        methods=["POST"],
        name="competitions:remove-question",
    ),
    Route("/organize/competitions/{id:int}/rules", rules_endpoint, methods=["POST"], name="competitions:add-rule"),
    Route(
        "/organize/competitions/{id:int}/rules/{rule_id:int}/delete",
        rules_endpoint,
        methods=["POST"],
        name="competitions:remove-rule",
    ),
    Route("/organize/rounds/{round_id:int}", edit_round, methods=["GET", "POST"], name="competitions:edit-round"),
    Route("/organize/rounds/{round_id:int}/status", move_round, methods=["POST"], name="competitions:move-round"),
]
