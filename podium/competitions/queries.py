"""Organizer views of the project field: filters, search and one page, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tortoise import connections
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from podium.competitions.models import Eligibility, Project, ProjectStatus
from podium.competitions.services import duplicates
from podium.platform.pagination import MAX_PAGE_SIZE, PAGE_SIZE, Page

SORTS = {
    "updated": ("-updated_at", "-id"),
    "title": ("title", "id"),
    "submitted": ("-submitted_at", "-id"),
}

# PostgreSQL full-text search over title and summary. The 'simple' configuration keeps names, brands and
# runs of Chinese characters as they are (no English stemming). The text is always a bound parameter.
_FTS_SQL = (
    "SELECT id FROM competitions_project WHERE competition_id = $1 "
    "AND to_tsvector('simple', title || ' ' || summary) @@ plainto_tsquery('simple', $2)"
)


@dataclass(frozen=True)
class ProjectFilter:
    track_id: int | None = None
    division_id: int | None = None
    status: ProjectStatus | None = None
    eligibility: Eligibility | None = None
    flagged: bool = False
    country: str = ""
    q: str = ""
    sort: str = "updated"


def filter_from_params(params: Mapping[str, str]) -> ProjectFilter:
    """The organizer's filters from a query string; values that make no sense are ignored, not refused."""

    def number(name: str) -> int | None:
        raw = params.get(name, "")
        return int(raw) if raw.isdigit() and len(raw) < 10 else None

    status = params.get("status", "")
    eligible = params.get("eligibility", "")
    sort = params.get("sort", "")
    return ProjectFilter(
        flagged=params.get("flagged") == "1",
        eligibility=Eligibility(eligible) if eligible in {e.value for e in Eligibility} else None,
        track_id=number("track"),
        division_id=number("division"),
        status=ProjectStatus(status) if status in {s.value for s in ProjectStatus} else None,
        country=params.get("country", "").upper()[:2],
        q=params.get("q", "")[:200],
        sort=sort if sort in SORTS else "updated",
    )


async def _search(queryset: QuerySet[Project], competition_id: int, q: str) -> QuerySet[Project]:
    words = q.split()[:10]
    if not words:
        return queryset
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        rows = await connection.execute_query_dict(_FTS_SQL, [competition_id, " ".join(words)])
        return queryset.filter(id__in=[row["id"] for row in rows])
    condition = Q()
    for word in words:  # the SQLite fallback: every word somewhere in the title or summary
        condition &= Q(title__icontains=word) | Q(summary__icontains=word)
    return queryset.filter(condition)


async def projects_of(competition_id: int, selection: ProjectFilter) -> QuerySet[Project]:
    queryset = Project.filter(competition_id=competition_id)
    if selection.track_id is not None:
        queryset = queryset.filter(track_id=selection.track_id)
    if selection.division_id is not None:
        queryset = queryset.filter(division_id=selection.division_id)
    if selection.status is not None:
        queryset = queryset.filter(status=selection.status)
    if selection.eligibility is not None:
        queryset = queryset.filter(eligibility=selection.eligibility)
    if selection.flagged:
        queryset = queryset.filter(duplicates.flagged(competition_id))
    if selection.country:
        queryset = queryset.filter(country=selection.country)
    return await _search(queryset, competition_id, selection.q)


async def page_of_projects(
    competition_id: int, selection: ProjectFilter, *, page: int, size: int = PAGE_SIZE
) -> Page[Project]:
    """One page with track, division and lead loaded: a count and a joined select (plus the search)."""
    size = min(max(1, size), MAX_PAGE_SIZE)
    queryset = await projects_of(competition_id, selection)
    total = await queryset.count()
    number = min(max(1, page), max(1, -(-total // size)))
    ordered = queryset.order_by(*SORTS.get(selection.sort, SORTS["updated"]))
    items = await ordered.offset((number - 1) * size).limit(size).select_related("track", "division", "lead")
    return Page(items=list(items), number=number, size=size, total=total)
