"""Rankings and results: the organizer's results page (policy, ranking with intervals, judges' fitted
effects, the cut line), finalise and publish; the public results page; a team's own results; awards and
certificates. Nothing of a round's results is shown before it is published, except to its organizers."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from podium.competitions.models import Division, Round, RoundStatus, TeamMember, Track
from podium.competitions.services import competitions
from podium.competitions.services import projects as project_services
from podium.judging.forms import AwardTierForm, PolicyForm
from podium.judging.models import Advancement, AdvanceScope, AwardScope, JudgeEffect, Method, RankingRow
from podium.judging.permissions import can_run_judging
from podium.judging.services import assignments, awards, rankings, rubrics
from podium.platform import jobs
from podium.platform.auth import login_required
from podium.platform.errors import Conflict, InvalidInput, NotFound
from podium.platform.forms import parse, values_of
from podium.platform.i18n import gettext as _
from podium.platform.jobs import JobName
from podium.platform.users.models import User
from podium.platform.web import NOTICES, actor_of, redirect, render, settings_of

NOTICES.update(
    {
        "policy-saved": lambda: _("The ranking rules are saved; the ranking is being computed again."),
        "ranking": lambda: _("The ranking is being computed; reload in a few seconds."),
        "finalised": lambda: _("The round is finalised: advancing projects enter the next round."),
        "published": lambda: _("The results are published, and every ranked team is being told."),
        "judges-added": lambda: _("An extra judge is assigned to each project too close to call."),
        "awards-granted": lambda: _("The awards are granted."),
        "tier-saved": lambda: _("The prize is saved."),
    }
)


def method_label(method: str) -> str:
    return {
        Method.AUTO: _("auto: judge severity and scale corrected"),
        Method.MEAN: _("mean"),
        Method.MEDIAN: _("median"),
        Method.TRIMMED: _("trimmed mean (without each project's highest and lowest score)"),
        Method.CLIP: _("clip: scores pulled to within a distance of the project's mean"),
        Method.ZSCORE: _("z-score per judge"),
        Method.PAIRWISE: _("pairwise comparisons (Crowd BT)"),
    }[Method(method)]


def scope_label(scope: str) -> str:
    return {
        AdvanceScope.OVERALL: _("overall"),
        AdvanceScope.TRACK: _("per track"),
        AdvanceScope.DIVISION: _("per division"),
        AdvanceScope.TRACK_DIVISION: _("per track and division"),
    }[AdvanceScope(scope)]


async def _results_context(round: Round, run_id: int | None) -> dict[str, Any]:
    rows = await RankingRow.filter(run_id=run_id).select_related("project") if run_id else []
    tracks = {t.id: t for t in await Track.filter(competition_id=round.competition_id)}
    divisions = {d.id: d for d in await Division.filter(competition_id=round.competition_id)}
    plain_order = sorted(rows, key=lambda r: (-(r.plain_mean or 0), r.project_id))
    plain_rank = {r.project_id: n for n, r in enumerate(plain_order, 1)}
    advancing = [r.score for r in rows if r.advances]
    cut = min(advancing) if advancing else None
    return {
        "rows": rows,
        "tracks": tracks,
        "divisions": divisions,
        "plain_rank": plain_rank,
        "cut": cut,
        "close": {
            r.project_id
            for r in rows
            if cut is not None and r.ci_low is not None and r.ci_high is not None and r.ci_low <= cut <= r.ci_high
        },
    }


@login_required
async def results(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    if request.method == "GET":
        return await _results_page(request, found)
    policy = await rankings.policy_of(found.id)
    data = await request.form()
    try:
        form = parse(PolicyForm, data)
        rubric = await rubrics.rubric_of(found.id)
        if form.tie_break_criterion_id is not None and form.tie_break_criterion_id not in {
            c.id for c in rubric.criteria
        }:
            raise InvalidInput({"tie_break_criterion_id": [_("Choose from the list.")]})
    except InvalidInput as exc:
        return await _results_page(request, found, 422, errors=exc.errors, values=values_of(data))
    await policy.update_from_dict(form.model_dump()).save()
    await rankings.queue(found.id)
    return redirect(f"/organize/rounds/{found.id}/results?notice=policy-saved")


async def _results_page(request: Request, found: Round, status_code: int = 200, **extra: Any) -> Response:
    policy = await rankings.policy_of(found.id)
    run = await rankings.latest(found.id)
    context = await _results_context(found, run.id if run else None)
    effects = await JudgeEffect.filter(run_id=run.id) if run else []
    names = {u.id: u.display_name for u in await User.filter(id__in=[e.judge_id for e in effects])}
    rubric = await rubrics.rubric_of(found.id)
    context.update(
        {
            "round": found,
            "competition": found.competition,
            "policy": policy,
            "run": run,
            "effects": effects,
            "names": names,
            "criteria": list(rubric.criteria),
            "methods": [(m.value, method_label(m)) for m in Method if m != Method.PAIRWISE],
            "scopes": [(s.value, scope_label(s)) for s in AdvanceScope],
            "values": {
                "method": policy.method,
                "clip": policy.clip or "",
                "decimals": policy.decimals,
                "cumulative_weight": policy.cumulative_weight,
                "advance_count": policy.advance_count,
                "advance_scope": policy.advance_scope,
                "advance_threshold": policy.advance_threshold or "",
                "tie_break_criterion_id": policy.tie_break_criterion_id or "",
                "bootstrap": policy.bootstrap,
            },
            "errors": {},
            "finalised": await Advancement.exists(round_id=found.id),
            "published": found.status == RoundStatus.PUBLISHED,
            "method_label": method_label,
            **extra,
        }
    )
    return render(request, "judging/results.html", context, status_code)


@login_required
async def rank_now(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    await jobs.enqueue(JobName.COMPUTE_RANKING, job_id=f"rank-now:{found.id}", round_id=found.id)
    return redirect(f"/organize/rounds/{found.id}/results?notice=ranking")


@login_required
async def add_judges(request: Request) -> Response:
    """One more judge for each project whose interval straddles the cut line."""
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    run = await rankings.latest(found.id)
    context = await _results_context(found, run.id if run else None)
    await assignments.add_one_more(
        actor=actor, round=found, project_ids=sorted(context["close"]), settings=settings_of(request)
    )
    return redirect(f"/organize/rounds/{found.id}/results?notice=judges-added")


@login_required
async def finalise(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    try:
        await rankings.finalise(actor=actor, round=found)
    except Conflict as exc:
        return await _refused(request, found, exc)
    return redirect(f"/organize/rounds/{found.id}/results?notice=finalised")


@login_required
async def publish(request: Request) -> Response:
    actor = actor_of(request)
    found = await assignments.get_managed_round(actor=actor, round_id=request.path_params["id"])
    try:
        await rankings.publish(actor=actor, round=found)
    except Conflict as exc:
        return await _refused(request, found, exc)
    return redirect(f"/organize/rounds/{found.id}/results?notice=published")


async def _refused(request: Request, found: Round, exc: Conflict) -> Response:
    return await _results_page(request, found, 409, errors={"__all__": [exc.message]})


async def public_results(request: Request) -> Response:
    found = await rankings.published_round(round_id=request.path_params["id"])
    finals = await Advancement.filter(round_id=found.id).select_related("project").order_by("rank", "project_id")
    tracks = {t.id: t for t in await Track.filter(competition_id=found.competition_id)}
    return render(
        request,
        "judging/public_results.html",
        {"round": found, "competition": found.competition, "rows": finals, "tracks": tracks},
    )


async def api_results(request: Request) -> Response:
    """
    summary: A round's published results (404 until they are published)
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    responses:
      200:
        description: Ranked projects, best first
        content:
          application/json:
            schema:
              type: object
              properties:
                items:
                  type: array
                  items:
                    type: object
                    properties:
                      rank: {type: integer}
                      project_id: {type: integer}
                      title: {type: string}
                      score: {type: string}
                      advances: {type: boolean}
      404:
        description: No such round, or not published yet
        content: {application/json: {schema: {$ref: '#/components/schemas/Errors'}}}
    """
    found = await rankings.published_round(round_id=request.path_params["id"])
    finals = await Advancement.filter(round_id=found.id).select_related("project").order_by("rank", "project_id")
    return JSONResponse(
        {
            "items": [
                {
                    "rank": a.rank,
                    "project_id": a.project_id,
                    "title": a.project.title,
                    "score": str(a.score),
                    "advances": a.advances,
                }
                for a in finals
            ]
        }
    )


@login_required
async def project_results(request: Request) -> Response:
    actor = actor_of(request)
    project, _members, _organizer = await project_services.get_project(
        actor=actor, project_id=request.path_params["id"]
    )
    return render(
        request,
        "judging/project_results.html",
        {"project": project, "results": await rankings.results_of_project(project=project)},
    )


@login_required
async def awards_page(request: Request) -> Response:
    actor = actor_of(request)
    competition = await competitions.get_managed_competition(actor=actor, competition_id=request.path_params["id"])
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status_code = 200
    if request.method == "POST":
        data = await request.form()
        action = data.get("action")
        try:
            if action == "grant":
                await awards.grant(actor=actor, competition=competition)
                return redirect(f"/organize/competitions/{competition.id}/awards?notice=awards-granted")
            if action == "remove" and str(data.get("tier", "")).isdigit():
                await awards.remove_tier(actor=actor, competition=competition, tier_id=int(str(data["tier"])))
                return redirect(f"/organize/competitions/{competition.id}/awards?notice=tier-saved")
            await awards.add_tier(actor=actor, competition=competition, form=parse(AwardTierForm, data))
            return redirect(f"/organize/competitions/{competition.id}/awards?notice=tier-saved")
        except InvalidInput as exc:
            errors, values, status_code = exc.errors, values_of(data), 422
        except Conflict as exc:
            errors, status_code = {"__all__": [exc.message]}, 409
    return render(
        request,
        "judging/awards.html",
        {
            "competition": competition,
            "tiers": await awards.tiers_of(competition),
            "awards": await awards.awards_of(competition),
            "scopes": [(AwardScope.OVERALL.value, _("overall")), (AwardScope.TRACK.value, _("per track"))],
            "errors": errors,
            "values": values,
            "currency": competition.summit.currency,
        },
        status_code,
    )


@login_required
async def certificate(request: Request) -> Response:
    """An award's certificate, for the winning team and the organizers, once the final round is published."""
    actor = actor_of(request)
    award = await awards.award_for(award_id=request.path_params["id"])
    competition = award.tier.competition
    organizer = can_run_judging(actor, competition.summit_id)
    if not organizer:
        _project, _members, _org = await project_services.get_project(actor=actor, project_id=award.project_id)
        last = await awards.final_round(competition)
        if last is None or last.status != RoundStatus.PUBLISHED:
            raise NotFound()
    team = [
        m.name or m.email
        for m in await TeamMember.filter(project_id=award.project_id, joined_at__not_isnull=True).order_by(
            "-is_lead", "id"
        )
    ]
    body = await awards.certificate(award, team)
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="award-{award.id}.pdf"'},
    )


routes: list[BaseRoute] = [
    Route("/organize/rounds/{id:int}/results", results, methods=["GET", "POST"], name="results:organize"),
    Route("/organize/rounds/{id:int}/results/rank", rank_now, methods=["POST"], name="results:rank"),
    Route("/organize/rounds/{id:int}/results/add-judges", add_judges, methods=["POST"], name="results:add-judges"),
    Route("/organize/rounds/{id:int}/finalise", finalise, methods=["POST"], name="results:finalise"),
    Route("/organize/rounds/{id:int}/publish", publish, methods=["POST"], name="results:publish"),
    Route("/rounds/{id:int}/results", public_results, name="results:public"),
    Route("/api/v1/rounds/{id:int}/results", api_results, name="api:results"),
    Route("/projects/{id:int}/results", project_results, name="results:project"),
    Route("/organize/competitions/{id:int}/awards", awards_page, methods=["GET", "POST"], name="awards:organize"),
    Route("/awards/{id:int}/certificate.pdf", certificate, name="awards:certificate"),
]
