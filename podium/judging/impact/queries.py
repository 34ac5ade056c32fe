"""The few aggregate queries behind an impact dashboard, whatever the size of the field.

They are plain SQL (GROUP BY on PostgreSQL and SQLite alike) run through Tortoise's connection, because a
dashboard over 10,000 projects and 30,000 funding rounds reads one summary row per project at most: building
a QuerySet per query and a model or dict per row would cost more than the database does. Every statement is
fixed text with bound parameters; nothing a user types reaches it but as a parameter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise import connections

from podium.competitions.financing.money import BASE_CURRENCY
from podium.competitions.financing_models import Verification
from podium.competitions.models import ProjectStatus
from podium.competitions.services.financing import Figures
from podium.judging.models import AssignmentStatus, ConflictStatus


class _Params:
    """Bound parameters in the current database's marker style ($1 on PostgreSQL, ?1 on SQLite)."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.postgres = connections.get("default").capabilities.dialect == "postgres"

    def __call__(self, value: Any) -> str:
        if isinstance(value, date) and not self.postgres:
            value = value.isoformat()  # SQLite keeps dates as ISO text
        self.values.append(value)
        # Numbered on both ($1, ?1): a marker may then appear more than once in the text.
        return f"${len(self.values)}" if self.postgres else f"?{len(self.values)}"

    def many(self, values: Iterable[Any]) -> str:
        return ", ".join(self(v) for v in values)


async def _rows(sql: str, params: _Params) -> Sequence[Any]:
    _count, rows = await connections.get("default").execute_query(sql, params.values)
    return list(rows)


def _applied(p: _Params, alias: str = "p") -> str:
    """Projects that were submitted: still in, or withdrawn after submitting. Drafts never applied."""
    return (
        f"({alias}.status = {p(ProjectStatus.SUBMITTED.value)} OR ({alias}.status = "
        f"{p(ProjectStatus.WITHDRAWN.value)} AND {alias}.submitted_at IS NOT NULL))"
    )


def counted(p: _Params, figures: Figures) -> str:
    """The funding rounds a figure counts, as services.financing defines it."""
    if figures == Figures.PUBLISHED:
        return f"f.status = {p(Verification.VERIFIED.value)} AND f.confidential = {p(False)}"
    if figures == Figures.VERIFIED:
        return f"f.status = {p(Verification.VERIFIED.value)}"
    return f"f.status <> {p(Verification.REJECTED.value)}"


def day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def whole(value: Any) -> int:
    """A sum from the database as an int (PostgreSQL sends BIGINT casts as int, SQLite an int or a float)."""
    if value is None:
        return 0
    return value if isinstance(value, int) else int(Decimal(str(value)))


async def applied_counts(competition_id: int) -> list[tuple[int | None, int | None, str, int]]:
    """(track, division, eligibility, projects) over the projects that applied."""
    p = _Params()
    sql = (
        "SELECT p.track_id, p.division_id, p.eligibility, COUNT(*) FROM competitions_project p "  # noqa: S608 - fixed text, values bound as parameters
        f"WHERE p.competition_id = {p(competition_id)} AND {_applied(p)} "
        "GROUP BY p.track_id, p.division_id, p.eligibility"
    )
    return [(r[0], r[1], str(r[2]), int(r[3])) for r in await _rows(sql, p)]


async def round_entries(round_ids: Sequence[int]) -> list[tuple[int, int | None, int | None, int, int]]:
    """(round, track, division, ranked, advanced) from the rounds' advancement."""
    if not round_ids:
        return []
    p = _Params()
    sql = (
        "SELECT a.round_id, p.track_id, p.division_id, COUNT(*), SUM(CASE WHEN a.advances THEN 1 ELSE 0 END) "  # noqa: S608 - fixed text, values bound as parameters
        "FROM judging_advancement a JOIN competitions_project p ON p.id = a.project_id "
        f"WHERE a.round_id IN ({p.many(round_ids)}) GROUP BY a.round_id, p.track_id, p.division_id"
    )
    return [(int(r[0]), r[1], r[2], int(r[3]), whole(r[4])) for r in await _rows(sql, p)]


async def ranks(round_id: int) -> list[tuple[int, int, int | None]]:
    """(project, rank, track) of one round's advancement."""
    p = _Params()
    sql = (
        "SELECT a.project_id, a.rank, p.track_id FROM judging_advancement a "  # noqa: S608 - fixed text, values bound as parameters
        f"JOIN competitions_project p ON p.id = a.project_id WHERE a.round_id = {p(round_id)}"
    )
    return [(int(r[0]), int(r[1]), r[2]) for r in await _rows(sql, p)]


async def awarded(competition_id: int) -> list[tuple[int, int, int | None, int | None]]:
    """(project, tier, track, division) of every award of the competition."""
    p = _Params()
    sql = (
        "SELECT w.project_id, w.tier_id, p.track_id, p.division_id FROM judging_award w "  # noqa: S608 - fixed text, values bound as parameters
        "JOIN judging_award_tier t ON t.id = w.tier_id JOIN competitions_project p ON p.id = w.project_id "
        f"WHERE t.competition_id = {p(competition_id)}"
    )
    return [(int(r[0]), int(r[1]), r[2], r[3]) for r in await _rows(sql, p)]


@dataclass(frozen=True)
class Raised:
    """One project's counted funding: the totals (minor units; rounds still without a figure count as
    nothing), the first round after the final, and how many of its rounds wait for an FX rate."""

    project_id: int
    track_id: int | None
    division_id: int | None
    total: int
    after: int
    first_after: date | None
    without_figure: int


async def raised(
    competition_id: int, *, figures: Figures, currency: str, reporting: str, final_on: date | None
) -> list[Raised]:
    """Per project that applied and has counted rounds: one GROUP BY over the competition's rounds.
    currency is USD or the summit's reporting currency; a round normalised to another (the summit's currency
    changed, its recomputation still queued) counts as one without a figure."""
    p = _Params()
    if currency == BASE_CURRENCY and reporting != BASE_CURRENCY:
        amount = "f.amount_usd"
    else:
        amount = f"CASE WHEN f.reporting_currency = {p(reporting)} THEN f.amount_reporting END"
    final = p(final_on or date.max)
    sql = (
        f"SELECT f.project_id, p.track_id, p.division_id, CAST(SUM({amount}) AS BIGINT), "  # noqa: S608 - fixed text, values bound as parameters
        f"CAST(SUM(CASE WHEN f.announced_on > {final} THEN {amount} END) AS BIGINT), "
        f"MIN(CASE WHEN f.announced_on > {final} THEN f.announced_on END), "
        f"CAST(SUM(CASE WHEN {amount} IS NULL THEN 1 ELSE 0 END) AS BIGINT) "
        "FROM competitions_funding_round f JOIN competitions_project p ON p.id = f.project_id "
        f"WHERE p.competition_id = {p(competition_id)} AND {_applied(p)} AND {counted(p, figures)} "
        "GROUP BY f.project_id, p.track_id, p.division_id"
    )
    return [
        Raised(
            project_id=int(r[0]),
            track_id=r[1],
            division_id=r[2],
            total=whole(r[3]),
            after=whole(r[4]),
            first_after=day(r[5]),
            without_figure=whole(r[6]),
        )
        for r in await _rows(sql, p)
    ]


async def incorporated(competition_id: int) -> list[tuple[int, int | None, int | None]]:
    """(project, track, division) of the applied projects incorporated in the host city."""
    p = _Params()
    sql = (
        "SELECT o.project_id, p.track_id, p.division_id FROM competitions_outcome o "  # noqa: S608 - fixed text, values bound as parameters
        "JOIN competitions_project p ON p.id = o.project_id "
        f"WHERE p.competition_id = {p(competition_id)} AND {_applied(p)} AND o.incorporated_locally = {p(True)}"
    )
    return [(int(r[0]), r[1], r[2]) for r in await _rows(sql, p)]


async def listed(competition_id: int) -> list[tuple[int, str, int | None]]:
    """(project, title, track) of the applied projects whose teams list them on the public impact page."""
    p = _Params()
    sql = (
        "SELECT p.id, p.title, p.track_id FROM judging_impact_opt_in o "  # noqa: S608 - fixed text, values bound as parameters
        "JOIN competitions_project p ON p.id = o.project_id "
        f"WHERE p.competition_id = {p(competition_id)} AND {_applied(p)} AND o.listed = {p(True)} "
        "ORDER BY p.title, p.id"
    )
    return [(int(r[0]), str(r[1]), r[2]) for r in await _rows(sql, p)]


def _real(column: str) -> str:
    """A decimal column as a float: SQLite keeps decimals as text, and PostgreSQL's numeric is slow to sum and
    to send (a float total is all a rank correlation needs)."""
    return f"CAST({column} AS DOUBLE PRECISION)"


def _usable(alias: str) -> str:
    """A criterion that counts towards the total."""
    return f"{_real(alias + '.weight')} > 0 AND {_real(alias + '.scale_max')} > {_real(alias + '.scale_min')}"


async def scorecard_totals(competition_id: int) -> list[tuple[int, int, float]]:
    """(judge, project, total) of every complete submitted scorecard of the competition, in any round, as
    judging.services.reports.total computes it: the weighted mean of the counted criteria, each scaled to
    0-100. Cards with a confirmed conflict are left out, as the rankings leave them out."""
    p = _Params()
    sql = (
        f"SELECT a.judge_id, a.project_id, SUM({_real('c.weight')} * ({_real('s.value')} - "  # noqa: S608 - fixed text, values bound as parameters
        f"{_real('c.scale_min')}) / ({_real('c.scale_max')} - {_real('c.scale_min')})) * 100 "
        f"/ SUM({_real('c.weight')}) "
        "FROM judging_assignment a "
        "JOIN competitions_round r ON r.id = a.round_id "
        "JOIN judging_score s ON s.assignment_id = a.id "
        "JOIN judging_criterion c ON c.id = s.criterion_id "
        "JOIN (SELECT b.round_id AS round_id, COUNT(*) AS needed FROM judging_rubric b "
        "JOIN judging_criterion k ON k.rubric_id = b.id "
        f"WHERE k.counted AND {_usable('k')} GROUP BY b.round_id) need "
        "ON need.round_id = a.round_id "
        f"WHERE r.competition_id = {p(competition_id)} AND a.status = {p(AssignmentStatus.SUBMITTED.value)} "
        f"AND c.counted AND {_usable('c')} "
        "AND NOT EXISTS (SELECT 1 FROM judging_conflict x WHERE x.judge_id = a.judge_id "
        f"AND x.project_id = a.project_id AND x.status = {p(ConflictStatus.CONFIRMED.value)}) "
        "GROUP BY a.id, a.judge_id, a.project_id, need.needed HAVING COUNT(*) = need.needed"
    )
    return [(int(r[0]), int(r[1]), float(r[2])) for r in await _rows(sql, p)]


# The parts of the scorecards' digest (see digests). {c}, {s} and {x}: the competition, "submitted" and
# "confirmed" parameter markers.
_CARD_PARTS = (
    "(SELECT COUNT(*), SUM(a.version), MAX(a.updated_at) FROM judging_assignment a "
    "JOIN competitions_round r ON r.id = a.round_id WHERE r.competition_id = {c} AND a.status = {s}) AS cards",
    "(SELECT COUNT(*), MAX(x.id) FROM judging_conflict x JOIN competitions_project q ON q.id = x.project_id "
    "WHERE q.competition_id = {c} AND x.status = {x}) AS conflicts",
    "(SELECT COUNT(*), MAX(k.id), SUM(CAST(k.weight AS DOUBLE PRECISION) + CAST(k.scale_min AS DOUBLE PRECISION) "
    "* 3 + CAST(k.scale_max AS DOUBLE PRECISION) * 7 + CASE WHEN k.counted THEN 11 ELSE 0 END) "
    "FROM judging_criterion k JOIN judging_rubric b ON b.id = k.rubric_id "
    "JOIN competitions_round r ON r.id = b.round_id WHERE r.competition_id = {c}) AS criteria",
)


# The parts of inputs_digest: one row each, joined side by side. {c} is the competition's parameter marker.
_DIGEST_PARTS = (
    "(SELECT COUNT(*), MAX(p.updated_at), SUM((p.id % 7919 + 1) * (COALESCE(p.track_id, 0) * 3 "
    "+ COALESCE(p.division_id, 0) * 5 + LENGTH(p.status) * 7 + LENGTH(p.eligibility) * 11)) "
    "FROM competitions_project p WHERE p.competition_id = {c}) AS projects",
    "(SELECT COUNT(*), MAX(f.id), MAX(f.updated_at), MAX(f.normalised_at) FROM competitions_funding_round f "
    "JOIN competitions_project p ON p.id = f.project_id WHERE p.competition_id = {c}) AS funding",
    "(SELECT COUNT(*), MAX(a.id) FROM judging_advancement a JOIN competitions_round r ON r.id = a.round_id "
    "WHERE r.competition_id = {c}) AS advancement",
    "(SELECT COUNT(*), MAX(w.id) FROM judging_award w JOIN judging_award_tier t ON t.id = w.tier_id "
    "WHERE t.competition_id = {c}) AS awards",
    "(SELECT COUNT(*), MAX(o.updated_at), SUM(CASE WHEN o.incorporated_locally THEN o.project_id ELSE 0 END) "
    "FROM competitions_outcome o JOIN competitions_project p ON p.id = o.project_id "
    "WHERE p.competition_id = {c}) AS outcomes",
    "(SELECT COUNT(*), MAX(i.changed_at), SUM(CASE WHEN i.listed THEN i.project_id ELSE 0 END) "
    "FROM judging_impact_opt_in i JOIN competitions_project p ON p.id = i.project_id "
    "WHERE p.competition_id = {c}) AS listings",
)


async def digests(competition_id: int, *, with_cards: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Digests of the large tables a competition's figures read, in one statement: equal digests, equal figures.
    They see every write Podium makes: rows added or deleted (counts, highest ids), rows changed (timestamps
    that every change sets), and the project columns that bulk actions change without a timestamp (a checksum
    of track, division, state and eligibility, weighted by id). The second digest, of the scorecards (their
    number, the sum of their versions, which every save bumps, the latest change, the confirmed conflicts and
    the criteria), decides alone whether the judges' totals must be read again; empty without with_cards."""
    p = _Params()
    markers = {"c": p(competition_id)}
    parts = list(_DIGEST_PARTS)
    if with_cards:
        markers.update(s=p(AssignmentStatus.SUBMITTED.value), x=p(ConflictStatus.CONFIRMED.value))
        parts += _CARD_PARTS
    sql = "SELECT * FROM " + ", ".join(part.format(**markers) for part in parts)  # noqa: S608 - fixed text
    rows = await _rows(sql, p)
    values = tuple(str(value) for value in rows[0]) if rows else ()
    split = len(values) - (9 if with_cards else 0)
    return values[:split], values[split:]
