"""Entrant pages (apply, edit with autosave, team, submit, withdraw), the organizer's project list, and the
projects API."""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.competitions.models import Competition, EligibilityCheck, Project, ProjectStatus, Question
from podium.competitions.project_forms import MemberForm, ProjectForm
from podium.competitions.queries import filter_from_params, page_of_projects
from podium.competitions.services import (
    competitions,
    duplicates,
    eligibility,
    exports,
    mailings,
    projects,
    questions,
    rounds,
)
from podium.platform import i18n
from podium.platform.api import register_schema
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.forms import parse, values_of, verified_form
from podium.platform.i18n import gettext as _
from podium.platform.web import NOTICES, actor_of, page_number, redirect, render, safe_next, settings_of
from podium.settings import Settings

NOTICES.update(
    {
        "project-saved": lambda: _("Your project is saved."),
        "project-submitted": lambda: _("Your project is submitted. You can still edit it until applications close."),
        "project-withdrawn": lambda: _("Your project is withdrawn."),
        "member-invited": lambda: _("The invitation is on its way."),
        "member-removed": lambda: _("The co-founder is removed from the team."),
        "invitation-accepted": lambda: _("Welcome to the team. You can now edit this project."),
        "lead-changed": lambda: _("Leadership is handed over."),
        "deck-uploaded": lambda: _("The pitch deck is uploaded."),
        "check-overridden": lambda: _("Your decision is recorded."),
        "bulk-done": lambda: _("The selected projects are changed."),
        "outcomes-sent": lambda: _("The eligibility outcomes are being e-mailed to every submitted project."),
    }
)

register_schema(
    "Project",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "competition_id": {"type": "integer"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "website": {"type": "string"},
            "video_url": {"type": "string"},
            "country": {"type": "string"},
            "referral": {"type": "string"},
            "track_id": {"type": "integer", "nullable": True},
            "division_id": {"type": "integer", "nullable": True},
            "status": {"type": "string", "enum": [str(s) for s in ProjectStatus]},
            "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
            "updated_at": {"type": "string", "format": "date-time"},
        },
        "required": ["id", "competition_id", "title", "status"],
    },
)


def answer_values(asked: list[Question], answers: dict[int, Any]) -> dict[str, Any]:
    return {f"q_{q.id}": answers[q.id].answer for q in asked if q.id in answers and answers[q.id].answer is not None}


def project_values(project: Project) -> dict[str, Any]:
    return {
        field: getattr(project, field) if getattr(project, field) is not None else ""
        for field in projects.PROJECT_FIELDS
    }


async def _project_page(request: Request, project_id: int, status_code: int = 200, **extra: Any) -> Response:
    actor = actor_of(request)
    project, members, organizer = await projects.get_project(actor=actor, project_id=project_id)
    competition = project.competition
    await competitions.with_setup(competition)
    first = competition.rounds[0] if competition.rounds else None
    asked = await questions.questions_of(competition.id)
    answers = await questions.answers_of(project)
    context: dict[str, Any] = {
        "project": project,
        "members": members,
        "competition": competition,
        "summit": competition.summit,
        "first_round": first,
        "is_organizer": organizer,
        "editable": projects.can_edit(actor, project, members, first, i18n.utcnow()),
        "is_lead": any(m.is_lead and m.user_id == actor.user_id for m in members),
        "values": {**project_values(project), **answer_values(asked, answers)},
        "questions": asked,
        "answers": answers,
        "answer_text": questions.answer_text,
        "errors": {},
        "member_values": {},
        "member_errors": {},
        "deck_errors": {},
        "checks": await eligibility.checks_of(project) if organizer else [],
        "history": await projects.history(project=project) if organizer else [],
        "duplicate_flags": await duplicates.flags_for(project=project) if organizer else [],
        "history_label": projects.history_label,
        "round_label": rounds.status_label,
        "explain": eligibility.explain,
        "describe_rule": eligibility.describe_rule,
        "check_errors": {},
        "deck_max_mb": settings_of(request).deck_max_mb,
        "countries": i18n.country_choices(),
        "overseas_choices": _overseas_choices(),
        "status_label": _status_label,
        **extra,
    }
    return render(request, "competitions/project.html", context, status_code)


def _overseas_choices() -> list[tuple[str, str]]:
    return [
        ("none", _("None")),
        ("study", _("Studied abroad")),
        ("work", _("Worked abroad")),
        ("both", _("Studied and worked abroad")),
    ]


def _status_label(status: ProjectStatus) -> str:
    return {
        ProjectStatus.DRAFT: _("draft"),
        ProjectStatus.SUBMITTED: _("submitted"),
        ProjectStatus.WITHDRAWN: _("withdrawn"),
    }[ProjectStatus(status)]


@login_required
async def apply(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_competition_by_id(competition_id=request.path_params["id"])
    await competitions.with_setup(competition)
    context: dict[str, Any] = {
        "competition": competition,
        "values": {},
        "errors": {},
        "countries": i18n.country_choices(),
    }
    if request.method == "GET":
        return render(request, "competitions/apply.html", context)
    data = await request.form()
    try:
        project = await projects.create_project(actor=actor, competition=competition, form=parse(ProjectForm, data))
    except InvalidInput as exc:
        context.update(values=values_of(data), errors=exc.errors)
        return render(request, "competitions/apply.html", context, 422)
    return redirect(f"/projects/{project.id}?notice=project-saved")


@login_required
async def project_page(request: Request) -> Response:
    project_id = request.path_params["project_id"]
    if request.method == "GET":
        return await _project_page(request, project_id)
    actor = actor_of(request)
    project, members, _organizer = await projects.get_project(actor=actor, project_id=project_id)
    data = await request.form()
    asked = await questions.questions_of(project.competition_id)
    try:
        form, answers = _project_input(data, asked)
        await projects.update_project(actor=actor, project=project, members=members, form=form, answers=answers)
    except InvalidInput as exc:
        return await _project_page(request, project_id, 422, values=_form_values(data), errors=exc.errors)
    return redirect(f"/projects/{project.id}?notice=project-saved")


def _project_input(data: Any, asked: list[Question]) -> tuple[ProjectForm, dict[int, Any]]:
    """The project's fields and its answers, with every field's error reported at once."""
    errors: dict[str, list[str]] = {}
    form: ProjectForm | None = None
    answers: dict[int, Any] = {}
    try:
        form = parse(ProjectForm, data)
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        answers = questions.clean_answers(asked, data)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors or form is None:
        raise InvalidInput(errors)
    return form, answers


def _form_values(data: Any) -> dict[str, Any]:
    """Submitted values for re-rendering, keeping every ticked box of a multiple-choice question."""
    values: dict[str, Any] = values_of(data)
    for key in {k for k in data if k.startswith("q_")}:
        picked = [v for v in data.getlist(key) if isinstance(v, str)]
        if len(picked) > 1:
            values[key] = picked
    return values


@login_required
async def submit(request: Request) -> Response:
    actor = actor_of(request)
    project, members, _organizer = await projects.get_project(actor=actor, project_id=request.path_params["project_id"])
    try:
        await projects.submit_project(actor=actor, project=project, members=members, settings=settings_of(request))
    except InvalidInput as exc:
        return await _project_page(request, project.id, 422, errors=exc.errors)
    return redirect(f"/projects/{project.id}?notice=project-submitted")


@login_required
async def withdraw(request: Request) -> Response:
    actor = actor_of(request)
    project, members, _organizer = await projects.get_project(actor=actor, project_id=request.path_params["project_id"])
    await projects.withdraw_project(actor=actor, project=project, members=members)
    return redirect(f"/projects/{project.id}?notice=project-withdrawn")


def _pdf(settings: Settings, key: str, name: str) -> Response:
    """A stored PDF, shown in the browser rather than downloaded."""
    return FileResponse(
        projects.upload_path(settings, key),
        media_type="application/pdf",
        filename=name,
        content_disposition_type="inline",
    )


def _uploaded(form: FormData, name: str, *, error_field: str) -> UploadFile:
    upload = form.get(name)
    if not isinstance(upload, UploadFile):
        raise InvalidInput({error_field: [_("Choose a PDF file to upload.")]})
    return upload


@login_required
async def deck(request: Request) -> Response:
    actor = actor_of(request)
    project, members, _organizer = await projects.get_project(actor=actor, project_id=request.path_params["project_id"])
    settings = settings_of(request)
    if request.method == "GET":
        if not project.deck_key:
            raise NotFound()
        return _pdf(settings, project.deck_key, project.deck_name)
    try:
        async with verified_form(request, max_files=1, max_fields=4, max_part_size=4096) as form:
            upload = _uploaded(form, "deck", error_field="deck")
            await projects.attach_deck(actor=actor, project=project, members=members, upload=upload, settings=settings)
    except InvalidInput as exc:
        return await _project_page(request, project.id, 422, deck_errors=exc.errors)
    return redirect(f"/projects/{project.id}?notice=deck-uploaded#deck")


@login_required
async def override_check(request: Request) -> Response:
    actor = actor_of(request)
    data = await request.form()
    check_id = request.path_params["check_id"]
    try:
        check = await eligibility.override_check(
            actor=actor, check_id=check_id, decision=str(data.get("decision", "")), note=str(data.get("note", ""))
        )
    except InvalidInput as exc:
        found = await EligibilityCheck.get(id=check_id)
        return await _project_page(request, found.project_id, 422, check_errors={check_id: exc.errors})
    return redirect(f"/projects/{check.project_id}?notice=check-overridden#eligibility")


@login_required
async def dismiss_duplicate(request: Request) -> Response:
    flag = await duplicates.dismiss(actor=actor_of(request), flag_id=request.path_params["flag_id"])
    back = safe_next(str((await request.form()).get("back", "")), f"/projects/{flag.project_a_id}")
    return redirect(back)


@login_required
async def answer_file(request: Request) -> Response:
    actor = actor_of(request)
    project, members, _organizer = await projects.get_project(actor=actor, project_id=request.path_params["project_id"])
    question_id = request.path_params["question_id"]
    settings = settings_of(request)
    if request.method == "GET":
        answer = (await questions.answers_of(project)).get(question_id)
        if answer is None or not answer.file_key:
            raise NotFound()
        return _pdf(settings, answer.file_key, answer.file_name)
    try:
        async with verified_form(request, max_files=1, max_fields=4, max_part_size=4096) as form:
            upload = _uploaded(form, "file", error_field=f"q_{question_id}")
            await projects.attach_answer_file(
                actor=actor, project=project, members=members, question_id=question_id, upload=upload, settings=settings
            )
    except InvalidInput as exc:
        return await _project_page(request, project.id, 422, errors=exc.errors)
    return redirect(f"/projects/{project.id}?notice=project-saved#application")


@login_required
async def invite(request: Request) -> Response:
    actor = actor_of(request)
    project, members, _organizer = await projects.get_project(actor=actor, project_id=request.path_params["project_id"])
    data = await request.form()
    try:
        await projects.invite_member(
            actor=actor, project=project, members=members, form=parse(MemberForm, data), settings=settings_of(request)
        )
    except InvalidInput as exc:
        return await _project_page(request, project.id, 422, member_values=values_of(data), member_errors=exc.errors)
    return redirect(f"/projects/{project.id}?notice=member-invited#team")


@login_required
async def member_action(request: Request) -> Response:
    actor = actor_of(request)
    project, members, _organizer = await projects.get_project(actor=actor, project_id=request.path_params["project_id"])
    member_id = request.path_params["member_id"]
    try:
        if request.url.path.endswith("/lead"):
            await projects.hand_over_leadership(actor=actor, project=project, members=members, member_id=member_id)
            notice = "lead-changed"
        else:
            await projects.remove_member(actor=actor, project=project, members=members, member_id=member_id)
            notice = "member-removed"
    except InvalidInput as exc:
        return await _project_page(request, project.id, 422, member_errors=exc.errors)
    return redirect(f"/projects/{project.id}?notice={notice}#team")


async def invitation_page(request: Request) -> Response:
    token = request.path_params["token"]
    member = await projects.invitation(token=token)
    actor = actor_of(request)
    if request.method == "GET" or not actor.is_authenticated:
        return render(request, "competitions/invitation.html", {"member": member, "token": token})
    await projects.accept_invitation(actor=actor, token=token)
    return redirect(f"/projects/{member.project_id}?notice=invitation-accepted")


@login_required
async def my_projects(request: Request) -> Response:
    listed = await projects.list_my_projects(actor=actor_of(request))
    return render(request, "competitions/my_projects.html", {"projects": listed, "status_label": _status_label})


@login_required
async def organizer_projects(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    return await _organizer_projects_page(request, competition)


async def _organizer_projects_page(
    request: Request, competition: Competition, status_code: int = 200, **extra: Any
) -> Response:
    await competitions.with_setup(competition)
    selection = filter_from_params(request.query_params)
    page = await page_of_projects(competition.id, selection, page=page_number(request))
    query = {k: v for k, v in request.query_params.items() if k not in {"page", "notice", "changed"}}
    context = {
        "competition": competition,
        "page": page,
        "selection": selection,
        "status_label": _status_label,
        "query": query,
        "statuses": list(ProjectStatus),
        "bulk_errors": {},
        "back": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **extra,
    }
    return render(request, "competitions/organize_projects.html", context, status_code)


@login_required
async def bulk_projects(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    data = await request.form()
    ids = [int(v) for v in data.getlist("ids") if isinstance(v, str) and v.isdigit() and len(v) < 10]
    raw_track = str(data.get("track", ""))
    track_id = int(raw_track) if raw_track.isdigit() and len(raw_track) < 10 else None
    back = safe_next(str(data.get("back", "")), f"/organize/competitions/{competition.id}/projects")
    try:
        count = await projects.bulk_change(
            actor=actor,
            competition=competition,
            project_ids=ids,
            action=str(data.get("action", "")),
            track_id=track_id,
        )
    except InvalidInput as exc:
        return await _organizer_projects_page(request, competition, 422, bulk_errors=exc.errors)
    return redirect(back + ("&" if "?" in back else "?") + f"notice=bulk-done&changed={count}")


@login_required
async def release_outcomes(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    await mailings.release_eligibility(actor=actor, competition=competition)
    return redirect(f"/organize/competitions/{competition.id}/projects?notice=outcomes-sent")


@login_required
async def export_projects(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    fmt = request.path_params["fmt"]
    if fmt not in {"csv", "xlsx"}:
        raise NotFound()
    content = await exports.export(competition, filter_from_params(request.query_params), fmt)
    media = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    name = f"{competition.slug}-projects.{fmt}"
    return Response(content, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


# ---- API --------------------------------------------------------------------------------------


def project_json(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "competition_id": project.competition_id,
        "title": project.title,
        "summary": project.summary,
        "website": project.website,
        "video_url": project.video_url,
        "country": project.country,
        "referral": project.referral,
        "track_id": project.track_id,
        "division_id": project.division_id,
        "status": str(project.status),
        "submitted_at": project.submitted_at.isoformat() if project.submitted_at else None,
        "updated_at": project.updated_at.isoformat(),
    }


@login_required
async def api_my_projects(request: Request) -> Response:
    """
    summary: The signed-in entrant's projects
    security: [{bearer: []}]
    responses:
      200:
        description: Projects the actor is on the team of
        content:
          application/json:
            schema: {type: object, properties: {items: {type: array, items: {$ref: '#/components/schemas/Project'}}}}
      401:
        description: Not signed in
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    listed = await projects.list_my_projects(actor=actor_of(request))
    return JSONResponse({"items": [project_json(p) for p in listed]})


@login_required
async def api_project(request: Request) -> Response:
    """
    summary: One project (its team and its competition's organizers); PATCH saves the team's edits
    security: [{bearer: []}]
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    responses:
      200:
        description: The project
        content: {application/json: {schema: {$ref: '#/components/schemas/Project'}}}
      404:
        description: No such project, or not yours
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      409:
        description: Applications are closed
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
      422:
        description: A field is wrong; the message names it
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    actor = actor_of(request)
    project, members, _organizer = await projects.get_project(actor=actor, project_id=request.path_params["id"])
    if request.method == "PATCH":
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise InvalidInput({"__all__": [_("Send a JSON object.")]}) from None
        if not isinstance(body, dict):
            raise InvalidInput({"__all__": [_("Send a JSON object.")]})
        merged = {**project_values(project), **{k: v for k, v in body.items() if k in projects.PROJECT_FIELDS}}
        asked = await questions.questions_of(project.competition_id)
        form, answers = _project_input({**merged, **{k: v for k, v in body.items() if k.startswith("q_")}}, asked)
        await projects.update_project(actor=actor, project=project, members=members, form=form, answers=answers)
    return JSONResponse(project_json(project))


routes: list[BaseRoute] = [
    Route("/competitions/{id:int}/apply", apply, methods=["GET", "POST"], name="projects:apply"),
    Route("/projects", my_projects, name="projects:mine"),
    Route("/projects/{project_id:int}", project_page, methods=["GET", "POST"], name="projects:detail"),
    Route("/projects/{project_id:int}/submit", submit, methods=["POST"], name="projects:submit"),
    Route("/projects/{project_id:int}/withdraw", withdraw, methods=["POST"], name="projects:withdraw"),
    Route("/projects/{project_id:int}/team", invite, methods=["POST"], name="projects:invite"),
    Route("/projects/{project_id:int}/deck", deck, methods=["GET", "POST"], name="projects:deck"),
    Route(
        "/projects/{project_id:int}/answers/{question_id:int}/file",
        answer_file,
        methods=["GET", "POST"],
        name="projects:answer-file",
    ),
    Route(
        "/projects/{project_id:int}/team/{member_id:int}/remove",
        member_action,
        methods=["POST"],
        name="projects:remove-member",
    ),
    Route(
        "/projects/{project_id:int}/team/{member_id:int}/lead",
        member_action,
        methods=["POST"],
        name="projects:hand-over",
    ),
    Route("/invitations/{token}", invitation_page, methods=["GET", "POST"], name="projects:invitation"),
    Route("/organize/competitions/{id:int}/projects", organizer_projects, name="projects:organize"),
    Route(
        "/organize/competitions/{id:int}/projects/outcomes",
        release_outcomes,
        methods=["POST"],
        name="projects:release-outcomes",
    ),
    Route("/organize/competitions/{id:int}/projects/bulk", bulk_projects, methods=["POST"], name="projects:bulk"),
    Route(
        "/organize/duplicates/{flag_id:int}/dismiss",
        dismiss_duplicate,
        methods=["POST"],
        name="projects:dismiss-duplicate",
    ),
    Route("/organize/checks/{check_id:int}", override_check, methods=["POST"], name="projects:override-check"),
    Route("/organize/competitions/{id:int}/projects/export.{fmt:str}", export_projects, name="projects:export"),
    Route("/api/v1/projects", api_my_projects, name="api:projects"),
    Route("/api/v1/projects/{id:int}", api_project, methods=["GET", "PATCH"], name="api:project"),
]
