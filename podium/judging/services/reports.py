"""What the organizers read from a round's scorecards: totals, exports, judge statistics, track progress."""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

import anyio.to_thread
from openpyxl import Workbook

from podium.competitions.models import Round, Track
from podium.judging.models import Assignment, AssignmentStatus, ConflictStatus, Criterion, Score
from podium.judging.models import Conflict as ConflictOfInterest
from podium.judging.services import rubrics


def total(criteria: Sequence[Criterion], scores: dict[int, Decimal]) -> float | None:
    """The weighted mean of the counted criteria, each scaled to 0–100, or None while one is missing."""
    counted = [c for c in criteria if c.counted and c.weight > 0]
    if not counted or any(c.id not in scores for c in counted):
        return None
    weight = sum(float(c.weight) for c in counted)
    return (
        sum(float(c.weight) * float((scores[c.id] - c.scale_min) / (c.scale_max - c.scale_min)) * 100 for c in counted)
        / weight
    )


@dataclass(frozen=True)
class Card:
    assignment: Assignment
    scores: dict[int, Decimal]
    total: float | None


async def cards_of(round: Round, *, submitted_only: bool = False) -> tuple[list[Criterion], list[Card]]:
    """Every active scorecard of the round with its scores (three queries). Conflicted cards are left out."""
    rubric = await rubrics.rubric_of(round.id)
    criteria = list(rubric.criteria)
    statuses = (
        [AssignmentStatus.SUBMITTED] if submitted_only else [AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED]
    )
    assignments = (
        await Assignment.filter(round_id=round.id, status__in=statuses)
        .select_related("project", "judge")
        .order_by("project_id", "judge_id")
    )
    blocked = {
        (c.judge_id, c.project_id)
        for c in await ConflictOfInterest.filter(
            status=ConflictStatus.CONFIRMED, project_id__in=list({a.project_id for a in assignments})
        )
    }
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for score in await Score.filter(assignment_id__in=[a.id for a in assignments]):
        values[score.assignment_id][score.criterion_id] = score.value
    cards = [
        Card(assignment=a, scores=values[a.id], total=total(criteria, values[a.id]))
        for a in assignments
        if (a.judge_id, a.project_id) not in blocked
    ]
    return criteria, cards


def _rows(criteria: list[Criterion], cards: list[Card]) -> Iterator[list[object]]:
    yield [
        "project_id",
        "project",
        "judge",
        "judge_email",
        "status",
        "submitted_at_utc",
        *(c.name_en or c.name_zh for c in criteria),
        "total_0_100",
        "comment",
    ]
    for card in cards:
        a = card.assignment
        yield [
            a.project_id,
            a.project.title,
            a.judge.display_name,
            a.judge.email,
            str(a.status),
            a.submitted_at.isoformat() if a.submitted_at else "",
            *(float(card.scores[c.id]) if c.id in card.scores else "" for c in criteria),
            round(card.total, 2) if card.total is not None else "",
            a.comment,
        ]


def _safe(value: object) -> object:
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def _csv(criteria: list[Criterion], cards: list[Card]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _rows(criteria, cards):
        writer.writerow([_safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(criteria: list[Criterion], cards: list[Card]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Scores")
    for row in _rows(criteria, cards):
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def export(round: Round, fmt: str) -> bytes:
    criteria, cards = await cards_of(round)
    return await anyio.to_thread.run_sync(_xlsx if fmt == "xlsx" else _csv, criteria, cards)


@dataclass(frozen=True)
class JudgeStats:
    judge_id: int
    name: str
    scored: int
    mean: float | None
    spread: float | None
    # How far above (+) or below (−) the other judges of the same projects this judge scores, on average.
    bias: float | None


def judge_stats(cards: list[Card]) -> list[JudgeStats]:
    done = [c for c in cards if c.assignment.status == AssignmentStatus.SUBMITTED and c.total is not None]
    by_project: dict[int, list[Card]] = defaultdict(list)
    by_judge: dict[int, list[Card]] = defaultdict(list)
    for card in done:
        by_project[card.assignment.project_id].append(card)
        by_judge[card.assignment.judge_id].append(card)
    result = []
    for judge_id, own in by_judge.items():
        totals = [c.total for c in own if c.total is not None]
        gaps = []
        for card in own:
            others = [o.total for o in by_project[card.assignment.project_id] if o is not card and o.total is not None]
            if others and card.total is not None:
                gaps.append(card.total - statistics.fmean(others))
        result.append(
            JudgeStats(
                judge_id=judge_id,
                name=own[0].assignment.judge.display_name,
                scored=len(own),
                mean=statistics.fmean(totals) if totals else None,
                spread=statistics.pstdev(totals) if len(totals) > 1 else None,
                bias=statistics.fmean(gaps) if gaps else None,
            )
        )
    return sorted(result, key=lambda s: s.name)


@dataclass(frozen=True)
class TrackProgress:
    name: str
    assigned: int
    submitted: int


async def track_progress(round: Round) -> list[TrackProgress]:
    rows = await Assignment.filter(
        round_id=round.id, status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED]
    ).values("project__track_id", "status")
    tracks = {t.id: t.name_en or t.name_zh for t in await Track.filter(competition_id=round.competition_id)}
    counts: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        entry = counts[row["project__track_id"]]
        entry[0] += 1
        entry[1] += row["status"] == AssignmentStatus.SUBMITTED
    return [
        TrackProgress(name=tracks.get(track_id, "—") if track_id else "—", assigned=a, submitted=s)
        for track_id, (a, s) in sorted(counts.items(), key=lambda kv: tracks.get(kv[0] or 0, ""))
    ]
