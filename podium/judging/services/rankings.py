"""Ranking runs (computed in a worker shortly after scores change), finalising a round (advancement in one
transaction), publishing it (results become visible, entrants are told), and the embargo before that."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import anyio.to_thread
import numpy as np
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from podium.competitions.models import Project, Round, RoundStatus
from podium.judging import pairwise, ranking
from podium.judging.models import (
    Advancement,
    AdvanceScope,
    Assignment,
    AssignmentStatus,
    Comparison,
    JudgeEffect,
    Method,
    RankingPolicy,
    RankingRow,
    RankingRun,
    Rubric,
)
from podium.judging.permissions import can_run_judging
from podium.judging.services import reports
from podium.platform import audit, jobs
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.jobs import JobName
from podium.platform.notifications.services import notify
from podium.platform.permissions import ensure
from podium.settings import Settings

log = logging.getLogger(__name__)

# Score changes within this delay are ranked together, in one run.
DEBOUNCE = timedelta(seconds=5)


async def policy_of(round_id: int) -> RankingPolicy:
    policy, _created = await RankingPolicy.get_or_create(round_id=round_id)
    return policy


async def queue(round_id: int) -> None:
    """Rank the round again soon. While a run is queued, more changes join it (the job id is the round's)."""
    await jobs.enqueue(JobName.COMPUTE_RANKING, job_id=f"rank:{round_id}", defer_by=DEBOUNCE, round_id=round_id)


def _digest(parameters: dict[str, Any], cards: list[tuple[int, int, int, str]]) -> str:
    body = json.dumps({"parameters": parameters, "cards": sorted(cards)}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _parameters(policy: RankingPolicy) -> dict[str, Any]:
    return {
        "method": str(policy.method),
        "clip": str(policy.clip) if policy.clip is not None else None,
        "decimals": policy.decimals,
        "advance_count": policy.advance_count,
        "advance_scope": str(policy.advance_scope),
        "advance_threshold": str(policy.advance_threshold) if policy.advance_threshold is not None else None,
        "tie_break_criterion_id": policy.tie_break_criterion_id,
        "bootstrap": policy.bootstrap,
    }


def _groups(projects: dict[int, Project], ids: list[int], scope: AdvanceScope) -> list[str] | None:
    if scope == AdvanceScope.OVERALL:
        return None
    keys = []
    for project_id in ids:
        project = projects[project_id]
        if scope == AdvanceScope.TRACK:
            keys.append(f"t{project.track_id}")
        elif scope == AdvanceScope.DIVISION:
            keys.append(f"d{project.division_id}")
        else:
            keys.append(f"t{project.track_id}d{project.division_id}")
    return keys


async def _scorecards(round: Round) -> list[reports.Card]:
    _criteria, cards = await reports.cards_of(round, submitted_only=True)
    return [c for c in cards if c.total is not None and c.assignment.status == AssignmentStatus.SUBMITTED]


def _engine_round(cards: list[reports.Card], policy: RankingPolicy) -> ranking.Round:
    return ranking.Round(
        project_ids=[c.assignment.project_id for c in cards],
        judge_ids=[c.assignment.judge_id for c in cards],
        scores=np.array([c.total for c in cards], dtype=float),
        method=str(policy.method),  # type: ignore[arg-type]
        clip=float(policy.clip) if policy.clip is not None else None,
    )


def _rule(policy: RankingPolicy, projects: dict[int, Project], cards: list[reports.Card]) -> ranking.Rule | None:
    if not policy.advance_count and policy.advance_threshold is None:
        return None
    groups: dict[Hashable, Hashable] | None = None
    if policy.advance_scope != AdvanceScope.OVERALL:
        keys = _groups(projects, sorted(projects), policy.advance_scope) or []
        groups = dict(zip(sorted(projects), keys, strict=True))
    tie_break: dict[Hashable, float] | None = None
    if policy.tie_break_criterion_id is not None:
        values: dict[int, list[float]] = defaultdict(list)
        for card in cards:
            value = card.scores.get(policy.tie_break_criterion_id)
            if value is not None:
                values[card.assignment.project_id].append(float(value))
        tie_break = {p: sum(v) / len(v) for p, v in values.items()}
    return ranking.Rule(
        top=policy.advance_count or None,
        threshold=float(policy.advance_threshold) if policy.advance_threshold is not None else None,
        groups=groups,
        tie_break=tie_break,
    )


async def compute(*, round_id: int) -> RankingRun | None:
    """Rank the round's submitted scorecards (with earlier rounds that carry weight into a cumulative score).
    The same input (scores and policy) gives one run, however often the job runs."""
    found = await Round.get_or_none(id=round_id)
    if found is None:
        return None
    policy = await policy_of(round_id)
    rubric = await Rubric.get_or_none(round_id=round_id)
    if rubric is not None and rubric.pairwise:
        return await _compute_pairwise(found, policy)
    cards = await _scorecards(found)
    if not cards:
        return None
    earlier_rounds = await Round.filter(competition_id=found.competition_id, position__lt=found.position).order_by(
        "position"
    )
    policies = {p.round_id: p for p in await RankingPolicy.filter(round_id__in=[r.id for r in earlier_rounds])}
    carried = [r for r in earlier_rounds if r.id in policies and policies[r.id].cumulative_weight > 0]
    engine_rounds, weights, inputs = [], [], []
    for earlier in carried:
        earlier_cards = await _scorecards(earlier)
        if earlier_cards:
            engine_rounds.append(_engine_round(earlier_cards, policies[earlier.id]))
            weights.append(float(policies[earlier.id].cumulative_weight))
            inputs += [
                (earlier.id, c.assignment.project_id, c.assignment.judge_id, f"{c.total:.9f}") for c in earlier_cards
            ]
    engine_rounds.append(_engine_round(cards, policy))
    weights.append(float(policy.cumulative_weight) if carried and policy.cumulative_weight > 0 else 1.0)
    inputs += [(found.id, c.assignment.project_id, c.assignment.judge_id, f"{c.total:.9f}") for c in cards]
    parameters = _parameters(policy) | {"weights": weights if len(weights) > 1 else None}
    digest = _digest(parameters, inputs)
    existing = await RankingRun.get_or_none(round_id=round_id, input_digest=digest)
    if existing is not None:
        return existing
    projects = {p.id: p for p in await Project.filter(id__in=list({c.assignment.project_id for c in cards}))}
    rule = _rule(policy, projects, cards)
    result = await anyio.to_thread.run_sync(
        lambda: ranking.rank_rounds(
            engine_rounds,
            weights=weights if len(weights) > 1 else None,
            decimals=policy.decimals,
            rule=rule,
            bootstrap=policy.bootstrap,
            seed=round_id,
        )
    )
    plain = await anyio.to_thread.run_sync(
        lambda: ranking.rank_round(
            [c.assignment.project_id for c in cards],
            [c.assignment.judge_id for c in cards],
            np.array([c.total for c in cards], dtype=float),
            method="mean",
            decimals=policy.decimals,
        )
    )
    plain_scores = {row["project_id"]: row["score"] for row in plain.rows()}
    spreads = _spreads(cards)
    judges = result.judges[-1]
    rows = result.rows()
    try:
        async with in_transaction():
            run = await RankingRun.create(
                round_id=round_id,
                method=policy.method,
                parameters=parameters,
                input_digest=digest,
                scorecards=len(cards),
            )
            await RankingRow.bulk_create(
                [
                    RankingRow(
                        run_id=run.id,
                        project_id=row["project_id"],
                        rank=row["rank"],
                        score=_decimal(row["score"], policy.decimals),
                        round_score=_decimal(result.round_scores[i][-1], policy.decimals),
                        plain_mean=_decimal(plain_scores.get(row["project_id"]), policy.decimals),
                        ci_low=row["ci_low"],
                        ci_high=row["ci_high"],
                        rank_low=row["rank_low"],
                        rank_high=row["rank_high"],
                        n_judges=row["n_judges"],
                        spread=spreads.get(row["project_id"]),
                        p_advance=row["p_advance"],
                        advances=bool(row["advances"]),
                        linked=bool(row["linked"]),
                    )
                    for i, row in enumerate(rows)
                ],
                batch_size=1000,
            )
            await JudgeEffect.bulk_create(
                [
                    JudgeEffect(
                        run_id=run.id,
                        judge_id=int(str(judge_id)),
                        severity=_finite(judges.severity[i]),
                        scale=_finite(judges.scale[i], 1.0),
                        scorecards=int(judges.n[i]),
                        outlier=bool(judges.outlier[i]),
                    )
                    for i, judge_id in enumerate(judges.judge_ids)
                ],
                batch_size=1000,
            )
    except IntegrityError:  # the same input was ranked concurrently
        return await RankingRun.get_or_none(round_id=round_id, input_digest=digest)
    log.info("ranked round %s: %s scorecards, run %s", round_id, len(cards), run.id)
    return run


async def _compute_pairwise(found: Round, policy: RankingPolicy) -> RankingRun | None:
    """Rank a pairwise round by Crowd BT over its votes in the order they were cast."""
    votes = [(c.judge_id, c.winner_id, c.loser_id) for c in await Comparison.filter(round_id=found.id).order_by("id")]
    if not votes:
        return None
    parameters = {
        "method": "pairwise",
        "decimals": policy.decimals,
        "advance_count": policy.advance_count,
        "advance_scope": str(policy.advance_scope),
    }
    digest = _digest(parameters, [(0, winner, loser, str(judge)) for judge, winner, loser in votes])
    existing = await RankingRun.get_or_none(round_id=found.id, input_digest=digest)
    if existing is not None:
        return existing
    ranked = pairwise.rank_comparisons(votes)
    ids = [int(str(p)) for p in ranked.project_ids]
    scores = ranking.round_half_up([ranked.items[p].mu for p in ranked.project_ids], policy.decimals)
    projects = {p.id: p for p in await Project.filter(id__in=ids)}
    rule = _rule(policy, projects, [])
    advances = rule.apply(ids, scores) if rule is not None else [False] * len(ids)
    judged: dict[int, set[int]] = defaultdict(set)
    for judge_id, winner, loser in votes:
        judged[winner].add(judge_id)
        judged[loser].add(judge_id)
    try:
        async with in_transaction():
            run = await RankingRun.create(
                round_id=found.id,
                method=Method.PAIRWISE,
                parameters=parameters,
                input_digest=digest,
                scorecards=len(votes),
            )
            await RankingRow.bulk_create(
                [
                    RankingRow(
                        run_id=run.id,
                        project_id=pid,
                        rank=ranked.rank[i],
                        score=_decimal(scores[i], policy.decimals),
                        round_score=_decimal(scores[i], policy.decimals),
                        n_judges=len(judged[pid]),
                        advances=bool(advances[i]),
                        linked=True,
                    )
                    for i, pid in enumerate(ids)
                ],
                batch_size=1000,
            )
            await JudgeEffect.bulk_create(
                [
                    JudgeEffect(
                        run_id=run.id,
                        judge_id=int(str(judge_id)),
                        severity=0.0,
                        scale=1.0,
                        scorecards=sum(1 for j, _w, _l in votes if j == judge_id),
                        reliability=judge.reliability,
                        outlier=judge.reliability < 0.5,
                    )
                    for judge_id, judge in ranked.judges.items()
                ]
            )
    except IntegrityError:
        return await RankingRun.get_or_none(round_id=found.id, input_digest=digest)
    return run


def _decimal(value: object, decimals: int) -> Decimal | None:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals))  # type: ignore[arg-type]


def _finite(value: object, default: float = 0.0) -> float:
    number = float(value)  # type: ignore[arg-type]
    return number if np.isfinite(number) else default


def _spreads(cards: list[reports.Card]) -> dict[int, float]:
    values: dict[int, list[float]] = defaultdict(list)
    for card in cards:
        if card.total is not None:
            values[card.assignment.project_id].append(card.total)
    return {p: float(np.std(v)) for p, v in values.items() if len(v) > 1}


async def latest(round_id: int) -> RankingRun | None:
    return await RankingRun.filter(round_id=round_id).order_by("-computed_at", "-id").first()


async def final_run(round_id: int) -> RankingRun | None:
    return await RankingRun.filter(round_id=round_id, final=True).order_by("-id").first()


async def finalise(*, actor: Actor, round: Round) -> int:
    """Apply advancement from the latest run, in one transaction: advancing projects enter the next round,
    the others are out. Judging must have closed. Returns how many advance."""
    ensure(can_run_judging(actor, round.competition.summit_id))
    if round.status != RoundStatus.CLOSED:
        raise Conflict(_("Close judging before finalising the round."))
    run = await compute(round_id=round.id) or await latest(round.id)
    if run is None:
        raise Conflict(_("No submitted scorecards yet: there is nothing to rank."))
    rows = await RankingRow.filter(run_id=run.id)
    async with in_transaction():
        await Advancement.filter(round_id=round.id).delete()
        await RankingRun.filter(round_id=round.id, final=True).update(final=False)
        await RankingRun.filter(id=run.id).update(final=True)
        await Advancement.bulk_create(
            [
                Advancement(round_id=round.id, project_id=r.project_id, rank=r.rank, score=r.score, advances=r.advances)
                for r in rows
            ],
            batch_size=1000,
        )
        await audit.record(
            "round.finalised",
            actor_id=actor.user_id,
            object_type="round",
            object_id=round.id,
            data={"run": run.id, "advance": sum(r.advances for r in rows), "ranked": len(rows)},
        )
    return sum(r.advances for r in rows)


async def publish(*, actor: Actor, round: Round) -> None:
    """Make the finalised results visible and tell every ranked team (the mails go out from a worker)."""
    ensure(can_run_judging(actor, round.competition.summit_id))
    if round.status == RoundStatus.PUBLISHED:
        return
    if round.status != RoundStatus.CLOSED or not await Advancement.exists(round_id=round.id):
        raise Conflict(_("Finalise the round before publishing its results."))
    await Round.filter(id=round.id, status=RoundStatus.CLOSED).update(status=RoundStatus.PUBLISHED)
    round.status = RoundStatus.PUBLISHED
    await audit.record("round.published", actor_id=actor.user_id, object_type="round", object_id=round.id)
    await jobs.enqueue(JobName.SEND_RESULTS, job_id=f"results:{round.id}", round_id=round.id)


def is_published(round: Round) -> bool:
    return round.status == RoundStatus.PUBLISHED


async def published_round(*, round_id: int, actor: Actor | None = None) -> Round:
    """A round whose results may be shown to this viewer: published, or the viewer organizes it."""
    found = await Round.get_or_none(id=round_id).select_related("competition__summit")
    if found is None:
        raise NotFound()
    if is_published(found) or (actor is not None and can_run_judging(actor, found.competition.summit_id)):
        return found
    raise NotFound()


async def advanced_from(round: Round) -> set[int] | None:
    """The projects that advanced into this round from the one before, or None for a first round."""
    previous = (
        await Round.filter(competition_id=round.competition_id, position__lt=round.position)
        .order_by("-position")
        .first()
    )
    if previous is None:
        return None
    return {a.project_id for a in await Advancement.filter(round_id=previous.id, advances=True)}


async def send_results(*, round_id: int, settings: Settings) -> int:
    """Tell every ranked team its place (once per project, however often the job runs). Runs in a worker."""
    found = await Round.get_or_none(id=round_id).select_related("competition")
    if found is None or found.status != RoundStatus.PUBLISHED:
        return 0
    rows = await Advancement.filter(round_id=round_id).select_related("project__lead")
    total = len(rows)
    for row in rows:
        lead = row.project.lead
        await notify(
            key=f"results:{round_id}:{row.project_id}",
            recipient=lead.email,
            kind="round_results",
            locale=lead.locale or "en",
            context={
                "title": row.project.title,
                "rank": row.rank,
                "total": total,
                "advances": row.advances,
                "round_en": found.name_en,
                "round_zh": found.name_zh,
                "competition_en": found.competition.name_en,
                "competition_zh": found.competition.name_zh,
                "url": f"{settings.base_url}/projects/{row.project_id}/results",
            },
        )
    return total


@dataclass(frozen=True)
class ProjectResult:
    round: Round
    rank: int
    total: int
    score: Decimal
    advances: bool
    comments: list[str]


async def results_of_project(*, project: Project) -> list[ProjectResult]:
    """The published results of a project, round by round, with the judges' comments (without their names)
    where the organizer shares them."""
    rounds = await Round.filter(competition_id=project.competition_id, status=RoundStatus.PUBLISHED).order_by(
        "position"
    )
    outcomes = {
        a.round_id: a for a in await Advancement.filter(project_id=project.id, round_id__in=[r.id for r in rounds])
    }
    policies = {p.round_id: p for p in await RankingPolicy.filter(round_id__in=list(outcomes))}
    results = []
    for found in rounds:
        outcome = outcomes.get(found.id)
        if outcome is None:
            continue
        comments: list[str] = []
        if found.id in policies and policies[found.id].share_comments:
            comments = [
                a.comment
                for a in await Assignment.filter(
                    round_id=found.id, project_id=project.id, status=AssignmentStatus.SUBMITTED
                ).order_by("id")
                if a.comment.strip()
            ]
        results.append(
            ProjectResult(
                round=found,
                rank=outcome.rank,
                total=await Advancement.filter(round_id=found.id).count(),
                score=outcome.score,
                advances=outcome.advances,
                comments=comments,
            )
        )
    return results
