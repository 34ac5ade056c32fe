"""The project field as CSV or XLSX: one row per project, its team in one cell, built off the event loop."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import anyio.to_thread
from openpyxl import Workbook
from tortoise.query_utils import Prefetch

from podium.competitions.models import Competition, Project, Question, TeamMember
from podium.competitions.queries import ProjectFilter, projects_of
from podium.competitions.services.questions import answer_text, questions_of

HEADER = (
    "id",
    "title",
    "summary",
    "status",
    "track",
    "division",
    "country",
    "lead_name",
    "lead_email",
    "website",
    "video_url",
    "referral",
    "submitted_at_utc",
    "team",
)


async def load_projects(competition: Competition, selection: ProjectFilter) -> list[Project]:
    """Every matching project with its track, division, lead, team and answers: a fixed number of queries."""
    queryset = await projects_of(competition.id, selection)
    return (
        await queryset.order_by("id")
        .select_related("track", "division", "lead")
        .prefetch_related(Prefetch("members", queryset=TeamMember.all().order_by("-is_lead", "id")), "answers")
    )


def _team(project: Project) -> str:
    return "; ".join(
        f"{m.name or m.email} <{m.email}> {m.role} {m.equity}%{' (lead)' if m.is_lead else ''}".replace("  ", " ")
        for m in project.members
    )


def rows(projects: list[Project], asked: list[Question]) -> Iterator[tuple[object, ...]]:
    yield (*HEADER, *(f"q{q.id}: {q.label_en or q.label_zh}" for q in asked))
    for p in projects:
        answers = {a.question_id: a for a in p.answers}
        yield (
            p.id,
            p.title,
            p.summary,
            str(p.status),
            p.track.name_en or p.track.name_zh if p.track else "",
            p.division.name_en or p.division.name_zh if p.division else "",
            p.country,
            p.lead.display_name,
            p.lead.email,
            p.website,
            p.video_url,
            p.referral,
            p.submitted_at.isoformat() if p.submitted_at else "",
            _team(p),
            *(answer_text(q, answers.get(q.id)) for q in asked),
        )


def _safe(value: object) -> object:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def to_csv(projects: list[Project], asked: list[Question]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows(projects, asked):
        writer.writerow([_safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Chinese correctly


def to_xlsx(projects: list[Project], asked: list[Question]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Projects")
    for row in rows(projects, asked):
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def export(competition: Competition, selection: ProjectFilter, fmt: str) -> bytes:
    projects = await load_projects(competition, selection)
    asked = await questions_of(competition.id)
    return await anyio.to_thread.run_sync(to_xlsx if fmt == "xlsx" else to_csv, projects, asked)
