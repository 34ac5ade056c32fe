"""Judging pages: the judge's queue and scorecards, the judge profile, and the organizer's round judging page
(rubric, assignment, conflicts, progress). The scorecard API is in podium.judging.api."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.competitions.models import Round, TeamMember, Track
from podium.competitions.services import questions
from podium.competitions.services.projects import upload_path
from podium.judging.forms import ConflictForm, CriterionForm, ProfileForm, RubricForm, ScheduleForm
from podium.judging.models import Assignment, AssignmentStatus, Criterion, PitchSlot, Rubric
from podium.judging.services import (
    assignments,
    conflicts,
    judges,
    live,
    pairwise_rounds,
    reports,
    rubrics,
    scoring,
)
from podium.platform import jobs
from podium.platform.auth import login_required
from podium.platform.errors import Conflict, InvalidInput, NotFound
from podium.platform.forms import parse, values_of
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.jobs import JobName
from podium.platform.summits import services as summits
from podium.platform.summits.models import Role
from podium.platform.web import NOTICES, actor_of, page_number, redirect, render, settings_of

NOTICES.update(
    {
        "scorecard-saved": lambda: _("Your scores are saved."),
        "scorecard-submitted": lambda: _("Your scorecard is submitted. Thank you!"),
        "conflict-declared": lambda: _("The conflict is recorded; the project is no longer yours to judge."),
        "declined": lambda: _("You have declined the project; the organizers will reassign it."),
        "profile-saved": lambda: _("Your judge profile is saved."),
        "rubric-saved": lambda: _("The rubric is saved."),
        "assigned": lambda: _("The assignments are saved and the judges are being told."),
        "conflict-decided": lambda: _("The conflict is decided."),
        "detecting": lambda: _("Podium is looking for likely conflicts; they appear here for you to decide."),
        "unlocked": lambda: _("The scorecard is unlocked; its judge can change it again."),
        "scores-reset": lambda: _("Every score of the round is deleted; the rubric can change."),
        "nudged": lambda: _("The judge is reminded by e-mail."),
        "swapped": lambda: _("The scorecard has a new judge, who is told by e-mail."),
    }
)


def _status_label(status: str) -> str:
    return {
        AssignmentStatus.ASSIGNED: _("to score"),
        AssignmentStatus.SUBMITTED: _("submitted"),
        AssignmentStatus.DECLINED: _("declined"),
        AssignmentStatus.CONFLICTED: _("conflict of interest"),
        AssignmentStatus.REMOVED: _("removed"),
    }[AssignmentStatus(status)]


# ---- judges -----------------------------------------------------------------------------------


@login_required
async def queue(request: Request) -> Response:
    actor = actor_of(request)
    status = request.query_params.get("status", "")
    items = await scoring.queue(actor=actor, status=status)
    everything = items if not status else await scoring.queue(actor=actor)
    done = sum(1 for a in everything if a.status == AssignmentStatus.SUBMITTED)
    live_ids = await _live_round_ids(everything)
    pairwise_ids = await _pairwise_round_ids(everything)
    return render(
        request,
        "judging/queue.html",
        {
            "items": items,
            "done": done,
            "total": len(everything),
            "status": status,
            "status_label": _status_label,
            "summits": sorted({a.round.competition.summit.slug for a in everything}),
            "live_rounds": [r for r in {a.round.id: a.round for a in everything}.values() if r.id in live_ids],
            "pairwise_rounds": [r for r in {a.round.id: a.round for a in everything}.values() if r.id in pairwise_ids],
        },
    )


async def _live_round_ids(items: list[Assignment]) -> set[int]:
    return {r.round_id for r in await Rubric.filter(round_id__in=list({a.round_id for a in items}), live=True)}


async def _pairwise_round_ids(items: list[Assignment]) -> set[int]:
    return {r.round_id for r in await Rubric.filter(round_id__in=list({a.round_id for a in items}), pairwise=True)}


async def _scorecard_page(request: Request, card: scoring.Scorecard, status_code: int = 200, **extra: Any) -> Response:
    asked = await questions.questions_of(card.project.competition_id)
    team = [] if card.rubric.blind else await TeamMember.filter(project_id=card.project.id).order_by("-is_lead", "id")
    answers = await questions.answers_of(card.project)
    context: dict[str, Any] = {
        "card": card,
        "project": card.project,
        "round": card.round,
        "rubric": card.rubric,
        "answers": [(q, questions.answer_text(q, answers.get(q.id))) for q in asked],
        "team": team,
        "values": {scoring.field_name(c): scoring._plain(v) for c, v in _scores_by_criterion(card)},
        "comment": card.assignment.comment,
        "editable": card.assignment.status == AssignmentStatus.ASSIGNED and not scoring.why_locked(card, utcnow()),
        "locked_because": scoring.why_locked(card, utcnow()),
        "field_name": scoring.field_name,
        "plain": scoring._plain,
        "errors": {},
        "conflict_errors": {},
        "status_label": _status_label,
        **extra,
    }
    return render(request, "judging/scorecard.html", context, status_code)


def _scores_by_criterion(card: scoring.Scorecard) -> list[tuple[Criterion, Any]]:
    return [(c, card.scores[c.id]) for c in card.criteria if c.id in card.scores]


@login_required
async def scorecard(request: Request) -> Response:
    actor = actor_of(request)
    card = await scoring.get_scorecard(actor=actor, assignment_id=request.path_params["id"])
    if request.method == "GET":
        return await _scorecard_page(request, card)
    data = await request.form()
    values = {k: v for k, v in data.items() if k.startswith("c_") and isinstance(v, str)}
    comment = data.get("comment")
    try:
        await scoring.save(actor=actor, card=card, values=values, comment=comment if isinstance(comment, str) else None)
        if data.get("action") == "submit":
            await scoring.submit(actor=actor, card=card)
            return redirect(f"/judging/assignments/{card.assignment.id}?notice=scorecard-submitted")
    except InvalidInput as exc:
        return await _scorecard_page(
            request, card, 422, errors=exc.errors, values=values_of(data), comment=comment or ""
        )
    return redirect(f"/judging/assignments/{card.assignment.id}?notice=scorecard-saved")


@login_required
async def scorecard_deck(request: Request) -> Response:
    card = await scoring.get_scorecard(actor=actor_of(request), assignment_id=request.path_params["id"])
    if not card.project.deck_key:
        raise NotFound()
    return FileResponse(
        upload_path(settings_of(request), card.project.deck_key),
        media_type="application/pdf",
        content_disposition_type="inline",
        filename="deck.pdf" if card.rubric.blind else card.project.deck_name,
    )


@login_required
async def declare_conflict(request: Request) -> Response:
    actor = actor_of(request)
    card = await scoring.get_scorecard(actor=actor, assignment_id=request.path_params["id"])
    data = await request.form()
    try:
        form = parse(ConflictForm, data)
    except InvalidInput as exc:
        return await _scorecard_page(request, card, 422, conflict_errors=exc.errors)
    await conflicts.declare(actor=actor, project=card.project, reason=form.reason)
    return redirect("/judging?notice=conflict-declared")


@login_required
async def decline(request: Request) -> Response:
    actor = actor_of(request)
    card = await scoring.get_scorecard(actor=actor, assignment_id=request.path_params["id"])
    data = await request.form()
    await scoring.decline(actor=actor, card=card, reason=str(data.get("reason", ""))[:500])
    return redirect("/judging?notice=declined")


@login_required
async def profile(request: Request) -> Response:
    actor = actor_of(request)
    summit = await summits.get_summit(slug=request.path_params["slug"])
    user = actor.require_user()
    if not actor.has_role(summit.id, Role.JUDGE):
        raise NotFound()
    judge_profile = await assignments.profile_of(summit_id=summit.id, user_id=user.id)
    tracks = await Track.filter(competition__summit_id=summit.id).order_by("competition_id", "position", "id")
    context: dict[str, Any] = {
        "summit": summit,
        "tracks": tracks,
        "values": {
            "affiliation": judge_profile.affiliation,
            "track_ids": judge_profile.track_ids,
            "tags": ", ".join(judge_profile.tags),
            "languages": judge_profile.languages,
            "portfolio": ", ".join(judge_profile.portfolio),
            "max_projects": judge_profile.max_projects,
        },
        "errors": {},
    }
    if request.method == "GET":
        return render(request, "judging/profile.html", context)
    data = await request.form()
    raw = {
        **values_of(data),
        "track_ids": [v for v in data.getlist("track_ids") if isinstance(v, str) and v.isdigit()],
        "languages": [v for v in data.getlist("languages") if isinstance(v, str)],
    }
    try:
        form = parse(ProfileForm, raw)
        known = {t.id for t in tracks}
        if any(t not in known for t in form.track_ids):
            raise InvalidInput({"track_ids": [_("Choose from the list.")]})
    except InvalidInput as exc:
        context.update(values=raw, errors=exc.errors)
        return render(request, "judging/profile.html", context, 422)
    await judge_profile.update_from_dict(form.model_dump()).save()
    return redirect(f"/judging/profile/{summit.slug}?notice=profile-saved")


# ---- organizers -------------------------------------------------------------------------------


async def _round_page(request: Request, found: Round, status_code: int = 200, **extra: Any) -> Response:
    rubric = await rubrics.rubric_of(found.id)
    by_track = request.query_params.get("by_track") == "1"
    preview = None
    if request.query_params.get("preview") == "1":
        preview = await assignments.plan(actor=actor_of(request), round=found, by_track=by_track)
    context: dict[str, Any] = {
        "round": found,
        "competition": found.competition,
        "rubric": rubric,
        "criteria": list(rubric.criteria),
        "locked": await rubrics.has_scores(found.id),
        "progress": await assignments.progress(round=found),
        "pending": await conflicts.pending_of(found.competition),
        "tracks": await reports.track_progress(found),
        "stats": reports.judge_stats((await reports.cards_of(found, submitted_only=True))[1]),
        "preview": preview,
        "by_track": by_track,
        "values": {},
        "errors": {},
        "criterion_errors": {},
        "criterion_values": {},
        "plain": scoring._plain,
        "schedule_errors": {},
        "schedule_values": {},
        **extra,
    }
    return render(request, "judging/round.html", context, status_code)


@login_required
async def round_judging(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    if request.method == "GET":
        return await _round_page(request, found)
    data = await request.form()
    try:
        await rubrics.update_settings(actor=actor, round=found, form=parse(RubricForm, data))
    except InvalidInput as exc:
        return await _round_page(request, found, 422, errors=exc.errors, values=values_of(data))
    return redirect(f"/organize/rounds/{found.id}/judging?notice=rubric-saved")


@login_required
async def criteria(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    criterion_id: int | None = request.path_params.get("criterion_id")
    target = f"/organize/rounds/{found.id}/judging?notice=rubric-saved#rubric"
    key = f"criterion-{criterion_id or 'new'}"
    try:
        if request.url.path.endswith("/delete") and criterion_id is not None:
            await rubrics.remove_criterion(actor=actor, round=found, criterion_id=criterion_id)
            return redirect(target)
        data = await request.form()
        form = parse(CriterionForm, data)
        if criterion_id is None:
            await rubrics.add_criterion(actor=actor, round=found, form=form)
        else:
            await rubrics.update_criterion(actor=actor, round=found, criterion_id=criterion_id, form=form)
    except InvalidInput as exc:
        data = await request.form()
        return await _round_page(
            request, found, 422, criterion_errors={key: exc.errors}, criterion_values={key: values_of(data)}
        )
    except Conflict as exc:
        return await _round_page(request, found, 409, criterion_errors={key: {"__all__": [exc.message]}})
    return redirect(target)


@login_required
async def reset_scores(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    data = await request.form()
    if data.get("confirm") != "reset":
        return await _round_page(
            request, found, 422, errors={"confirm": [_("Type reset to confirm that every score is deleted.")]}
        )
    await rubrics.reset_scores(actor=actor, round=found, note=str(data.get("note", ""))[:500])
    return redirect(f"/organize/rounds/{found.id}/judging?notice=scores-reset")


@login_required
async def assign(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    data = await request.form()
    await assignments.commit(
        actor=actor, round=found, by_track=data.get("by_track") == "1", settings=settings_of(request)
    )
    return redirect(f"/organize/rounds/{found.id}/judging?notice=assigned#assignment")


@login_required
async def detect_conflicts(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    await jobs.enqueue(
        JobName.DETECT_CONFLICTS,
        job_id=f"conflicts:{found.competition_id}:{utcnow():%Y%m%d%H%M}",
        competition_id=found.competition_id,
    )
    return redirect(f"/organize/rounds/{found.id}/judging?notice=detecting#conflicts")


@login_required
async def decide_conflict(request: Request) -> Response:
    actor = actor_of(request)
    conflict = await conflicts.get_managed_conflict(actor=actor, conflict_id=request.path_params["id"])
    data = await request.form()
    await conflicts.decide(actor=actor, conflict=conflict, confirm=data.get("decision") == "confirm")
    back = str(data.get("round", ""))
    target = f"/organize/rounds/{back}/judging" if back.isdigit() else "/organize"
    return redirect(f"{target}?notice=conflict-decided#conflicts")


@login_required
async def unlock(request: Request) -> Response:
    actor = actor_of(request)
    assignment = await scoring.unlock(actor=actor, assignment_id=request.path_params["id"])
    return redirect(f"/organize/rounds/{assignment.round_id}/judging?notice=unlocked")


@login_required
async def round_assignments(request: Request) -> Response:
    """The assignment matrix of a round: every scorecard, by project, a page at a time; swap a judge."""
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    errors: dict[str, list[str]] = {}
    status_code = 200
    if request.method == "POST":
        data = await request.form()
        raw_card, raw_judge = str(data.get("assignment", "")), str(data.get("judge", ""))
        raw_project, action = str(data.get("project", "")), str(data.get("action", "swap"))
        try:
            if action == "remove" and raw_card.isdigit():
                await assignments.remove(actor=actor, round=found, assignment_id=int(raw_card))
            elif not raw_judge.isdigit():
                raise InvalidInput({"judge": [_("Choose one of the summit's judges.")]})
            elif action == "add":
                if not raw_project.isdigit() or len(raw_project) > 9:
                    raise InvalidInput({"project": [_("Choose a project of this competition.")]})
                await assignments.add(
                    actor=actor,
                    round=found,
                    project_id=int(raw_project),
                    judge_id=int(raw_judge),
                    settings=settings_of(request),
                )
            elif raw_card.isdigit():
                await assignments.swap(
                    actor=actor,
                    round=found,
                    assignment_id=int(raw_card),
                    judge_id=int(raw_judge),
                    settings=settings_of(request),
                )
            else:
                raise NotFound()
        except InvalidInput as exc:
            errors, status_code = exc.errors, 422
        else:
            return redirect(f"/organize/rounds/{found.id}/assignments?notice=swapped")
    pool = await conflicts.judges_of(found.competition.summit_id)
    return render(
        request,
        "judging/assignments.html",
        {
            "round": found,
            "competition": found.competition,
            "page": await assignments.matrix(round=found, page=page_number(request)),
            "judges": sorted(((j.user.id, j.user.display_name) for j in pool), key=lambda j: j[1]),
            "status_label": _status_label,
            "errors": errors,
        },
        status_code,
    )


@login_required
async def nudge(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    await assignments.nudge(
        actor=actor, round=found, judge_id=request.path_params["judge_id"], settings=settings_of(request)
    )
    return redirect(f"/organize/rounds/{found.id}/judging?notice=nudged#progress")


@login_required
async def export_scores(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    fmt = request.path_params["fmt"]
    if fmt not in {"csv", "xlsx"}:
        raise NotFound()
    media = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    return Response(
        await reports.export(found, fmt),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="round-{found.id}-scores.{fmt}"'},
    )


@login_required
async def judge_pool(request: Request) -> Response:
    actor = actor_of(request)
    summit = await summits.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    context: dict[str, Any] = {"summit": summit, "errors": {}, "values": {}}
    if request.method == "POST":
        data = await request.form()
        try:
            invited, known = await judges.invite(
                actor=actor, summit=summit, text=str(data.get("emails", "")), settings=settings_of(request)
            )
        except InvalidInput as exc:
            context.update(
                errors=exc.errors, values=values_of(data), pool=await judges.pool(actor=actor, summit=summit)
            )
            return render(request, "judging/judges.html", context, 422)
        return redirect(f"/organize/summits/{summit.slug}/judges?invited={invited}&known={known}")
    context["pool"] = await judges.pool(actor=actor, summit=summit)
    params = request.query_params
    if params.get("invited", "").isdigit():
        context["invited"] = int(params["invited"])
        context["known"] = int(params.get("known", "0")) if params.get("known", "0").isdigit() else 0
    return render(request, "judging/judges.html", context)


@login_required
async def build_schedule(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    data = await request.form()
    try:
        await live.schedule(actor=actor, round=found, form=parse(ScheduleForm, data))
    except InvalidInput as exc:
        return await _round_page(request, found, 422, schedule_errors=exc.errors, schedule_values=values_of(data))
    return redirect(f"/organize/rounds/{found.id}/stage")


@login_required
async def stage(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    current = await live.running(found.id)
    return render(
        request,
        "judging/stage.html",
        {"round": found, "competition": found.competition, "rows": await live.stage(found), "current": current},
    )


@login_required
async def start_slot(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    await live.start(actor=actor, round=found, slot_id=request.path_params["slot_id"])
    return redirect(f"/organize/rounds/{found.id}/stage")


async def _live_card(request: Request) -> tuple[Round, scoring.Scorecard | None, PitchSlot | None]:
    actor = actor_of(request)
    user = actor.require_user()
    found = await Round.get_or_none(id=request.path_params["id"]).select_related("competition")
    if (
        found is None
        or not actor.has_role(found.competition.summit_id, Role.JUDGE)
        or not await Assignment.exists(round_id=found.id, judge_id=user.id)
    ):
        raise NotFound()
    slot = await live.running(found.id)
    card = None
    if slot is not None:
        mine = await Assignment.get_or_none(round_id=found.id, judge_id=user.id, project_id=slot.project_id)
        if mine is not None:
            try:
                card = await scoring.get_scorecard(actor=actor, assignment_id=mine.id)
            except NotFound:
                card = None
    return found, card, slot


def _slot_state(slot: PitchSlot | None, grace: int) -> dict[str, Any]:
    window = live.times(slot, grace) if slot else None
    return {
        "slot": slot.id if slot else None,
        "now": utcnow().isoformat(),
        "started_at": slot.started_at.isoformat() if slot and slot.started_at else None,
        "pitch_ends_at": window.pitch_ends_at.isoformat() if window else None,
        "qa_ends_at": window.qa_ends_at.isoformat() if window else None,
        "locks_at": window.locks_at.isoformat() if window else None,
    }


@login_required
async def live_page(request: Request) -> Response:
    found, card, slot = await _live_card(request)
    rubric = await rubrics.rubric_of(found.id)
    context: dict[str, Any] = {
        "round": found,
        "slot": slot,
        "state": _slot_state(slot, rubric.grace_minutes),
        "card": card,
        "project": card.project if card else None,
    }
    if card is not None:
        context.update(
            rubric=card.rubric,
            values={scoring.field_name(c): scoring._plain(v) for c, v in _scores_by_criterion(card)},
            comment=card.assignment.comment,
            editable=card.assignment.status == AssignmentStatus.ASSIGNED and not scoring.why_locked(card, utcnow()),
            locked_because=scoring.why_locked(card, utcnow()),
            field_name=scoring.field_name,
            plain=scoring._plain,
            errors={},
            conflict_errors={},
        )
    return render(request, "judging/live.html", context)


@login_required
async def live_state(request: Request) -> Response:
    found, _card, slot = await _live_card(request)
    rubric = await rubrics.rubric_of(found.id)
    return JSONResponse(_slot_state(slot, rubric.grace_minutes), headers={"Cache-Control": "no-store"})


@login_required
async def compare(request: Request) -> Response:
    """A pairwise round: the judge picks the better of two projects."""
    actor = actor_of(request)
    round_id = request.path_params["id"]
    errors: dict[str, list[str]] = {}
    status_code = 200
    if request.method == "POST":
        data = await request.form()
        winner, loser = str(data.get("winner", "")), str(data.get("loser", ""))
        try:
            if not winner.isdigit() or not loser.isdigit() or len(winner) > 9 or len(loser) > 9:
                raise InvalidInput({"winner": [_("Choose one of the two projects.")]})
            await pairwise_rounds.vote(actor=actor, round_id=round_id, winner_id=int(winner), loser_id=int(loser))
        except InvalidInput as exc:
            errors, status_code = exc.errors, 422
        else:
            return redirect(f"/judging/compare/{round_id}")
    pair = await pairwise_rounds.current_pair(actor=actor, round_id=round_id)
    return render(request, "judging/compare.html", {"pair": pair, "errors": errors}, status_code)


routes: list[BaseRoute] = [
    Route("/judging/compare/{id:int}", compare, methods=["GET", "POST"], name="judging:compare"),
    Route("/judging/live/{id:int}", live_page, name="judging:live"),
    Route("/judging/live/{id:int}/state", live_state, name="judging:live-state"),
    Route("/organize/rounds/{id:int}/schedule", build_schedule, methods=["POST"], name="judging:schedule"),
    Route("/organize/rounds/{id:int}/stage", stage, name="judging:stage"),
    Route(
        "/organize/rounds/{id:int}/slots/{slot_id:int}/start", start_slot, methods=["POST"], name="judging:start-slot"
    ),
    Route("/organize/summits/{slug}/judges", judge_pool, methods=["GET", "POST"], name="judging:judges"),
    Route("/organize/rounds/{id:int}/judges/{judge_id:int}/nudge", nudge, methods=["POST"], name="judging:nudge"),
    Route("/organize/rounds/{id:int}/scores.{fmt:str}", export_scores, name="judging:export"),
    Route("/judging", queue, name="judging:queue"),
    Route("/judging/assignments/{id:int}", scorecard, methods=["GET", "POST"], name="judging:scorecard"),
    Route("/judging/assignments/{id:int}/deck", scorecard_deck, name="judging:deck"),
    Route("/judging/assignments/{id:int}/conflict", declare_conflict, methods=["POST"], name="judging:conflict"),
    Route("/judging/assignments/{id:int}/decline", decline, methods=["POST"], name="judging:decline"),
    Route("/judging/profile/{slug}", profile, methods=["GET", "POST"], name="judging:profile"),
    Route("/organize/rounds/{id:int}/judging", round_judging, methods=["GET", "POST"], name="judging:round"),
    Route("/organize/rounds/{id:int}/criteria", criteria, methods=["POST"], name="judging:add-criterion"),
    Route(
        "/organize/rounds/{id:int}/criteria/{criterion_id:int}",
        criteria,
        methods=["POST"],
        name="judging:edit-criterion",
    ),
    Route(
        "/organize/rounds/{id:int}/criteria/{criterion_id:int}/delete",
        criteria,
        methods=["POST"],
        name="judging:remove-criterion",
    ),
    Route("/organize/rounds/{id:int}/reset-scores", reset_scores, methods=["POST"], name="judging:reset"),
    Route("/organize/rounds/{id:int}/assign", assign, methods=["POST"], name="judging:assign"),
    Route(
        "/organize/rounds/{id:int}/assignments",
        round_assignments,
        methods=["GET", "POST"],
        name="judging:assignments",
    ),
    Route(
        "/organize/rounds/{id:int}/detect-conflicts",
        detect_conflicts,
        methods=["POST"],
        name="judging:detect-conflicts",
    ),
    Route("/organize/conflicts/{id:int}", decide_conflict, methods=["POST"], name="judging:decide-conflict"),
    Route("/organize/assignments/{id:int}/unlock", unlock, methods=["POST"], name="judging:unlock"),
]
