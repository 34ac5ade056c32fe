"""The tables of the impact pages, in the viewer's language, each with its chart; and their CSV/XLSX exports.

A table holds raw values (counts, minor units, fractions); the page formats them for the viewer's locale,
the exports write numbers (money in major units) with the currency in the column's heading."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, numbers
from markupsafe import Markup
from openpyxl import Workbook

from podium.competitions.financing import money
from podium.judging.impact import charts
from podium.judging.impact.figures import JUDGES_SHOWN, Correlation, FunnelRow, MoneyRow, Window
from podium.judging.impact.services import Editions, Report
from podium.platform import i18n
from podium.platform.i18n import gettext as _
from podium.platform.i18n import localized

# The scatter plot and its table show at most this many best-placed projects.
MAX_POINTS = 300
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # text, count, money, share, days, rho


@dataclass(frozen=True)
class Chart:
    """A chart with its title, shown as its caption."""

    title: str
    svg: Markup

    @classmethod
    def of(cls, draw: Callable[..., Markup], chart_id: str, title: str, *args: Any, **kwargs: Any) -> Chart:
        return cls(title=title, svg=draw(chart_id, title, *args, **kwargs))


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[object]]
    currency: str
    charts: list[Chart] = field(default_factory=list)
    note: str = ""
    # The rows the page shows when they are fewer than all of them (the export always has all).
    shown: list[list[object]] | None = None


# ---- formatting -------------------------------------------------------------------------------
# A dashboard formats hundreds of cells: Python's own formatting with the locale's separators (one Babel
# lookup per locale and currency, kept) costs a microsecond where Babel's formatting costs tens.


def _locale() -> Locale:
    return i18n.babel_locale(i18n.get_locale())


@lru_cache(maxsize=8)
def _separators(locale: str) -> dict[int, str]:
    """How the locale writes the group and decimal separators Python writes as "," and "."."""
    found = i18n.babel_locale(locale)
    return str.maketrans({",": numbers.get_group_symbol(found), ".": numbers.get_decimal_symbol(found)})


def _local(text: str) -> str:
    return text.translate(_separators(i18n.get_locale()))


def number(value: float, places: int = 0) -> str:
    """A count or a rounded figure with the locale's separators (1,234,567; 0.46 with places=2)."""
    return _local(f"{value:,.{places}f}")


def percent(value: float) -> str:
    return _local(f"{value:.0%}")


@lru_cache(maxsize=64)
def _affixes(locale: str, currency: str) -> tuple[str, str]:
    """What the locale writes before and after an amount in this currency (CN¥ before, in English)."""
    sample = numbers.format_currency(1, currency, format="¤#,##0", currency_digits=False, locale=locale)
    before, _one, after = str(sample).partition("1")
    return before, after


def whole_money(amount_minor: int, currency: str) -> str:
    """An amount in whole units of the currency (CN¥50,000,000): cents do not matter on a dashboard."""
    major = money.to_major(amount_minor, currency).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    before, after = _affixes(i18n.get_locale(), currency)
    sign = "-" if major < 0 else ""
    return f"{sign}{before}{_local(f'{abs(major):,}')}{after}"


def compact_money(amount_minor: int, currency: str) -> str:
    """A short amount for chart labels (¥1.2亿, $12M)."""
    major = money.to_major(amount_minor, currency)
    return str(numbers.format_compact_currency(major, currency, fraction_digits=1, locale=_locale()))


def cell(value: object, column: Column, currency: str) -> str:
    if value is None:
        return "—"
    if column.kind == "count" and isinstance(value, int | float):
        return number(value)
    if column.kind == "money" and isinstance(value, int):
        return whole_money(value, currency)
    if column.kind == "share" and isinstance(value, int | float):
        return percent(value)
    if column.kind == "days" and isinstance(value, int | float):
        return number(round(value))
    if column.kind == "rho" and isinstance(value, int | float):
        return number(value, 2)
    return str(value)


def _safe(value: object) -> object:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def export_value(value: object, column: Column, currency: str) -> object:
    if value is None:
        return ""
    if column.kind == "money" and isinstance(value, int):
        return money.to_major(value, currency)
    if column.kind in {"share", "rho"} and isinstance(value, float):
        return round(value, 4)
    if column.kind == "days" and isinstance(value, float):
        return round(value, 1)
    return _safe(value)


def _heading(column: Column, currency: str) -> str:
    return f"{column.label} ({currency})" if column.kind == "money" else column.label


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(_heading(c, table.currency)) for c in table.columns])
    for row in table.rows:
        writer.writerow([export_value(v, c, table.currency) for v, c in zip(row, table.columns, strict=True)])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Chinese correctly


def to_xlsx(table: Table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.key[:31])
    sheet.append([_safe(_heading(c, table.currency)) for c in table.columns])
    for row in table.rows:
        sheet.append([export_value(v, c, table.currency) for v, c in zip(row, table.columns, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def find(tables: list[Table], key: str) -> Table | None:
    return next((t for t in tables if t.key == key), None)


# ---- the building blocks ----------------------------------------------------------------------


def _share(part: int | None, whole: int) -> float | None:
    return part / whole if part is not None and whole else None


def funnel_table(key: str, report: Report) -> Table:
    board = report.dashboard
    applied = board.stages[0].count if board.stages else 0
    table = Table(
        key=key,
        title=_("Funnel"),
        columns=[
            Column("stage", _("Stage"), "text"),
            Column("projects", _("Projects")),
            Column("share", _("Share of applied"), "share"),
            Column("awarded", _("Of which awarded")),
        ],
        rows=[[s.name.name, s.count, _share(s.count, applied), s.awarded] for s in board.stages],
        currency=report.summit.currency,
    )
    table.charts.append(
        Chart.of(
            charts.bars,
            f"chart-{key}",
            _("Funnel: projects at each stage"),
            [charts.Bar(s.name.name, float(s.count), number(s.count)) for s in board.stages],
            centred=True,
        )
    )
    return table


def funnel_groups_table(key: str, title: str, first: str, report: Report, rows: list[FunnelRow]) -> Table:
    stages = report.dashboard.stages
    return Table(
        key=key,
        title=title,
        columns=[Column("group", first, "text"), *(Column(s.key, s.name.name) for s in stages)],
        rows=[[row.group.name, *(row.counts.get(s.key, 0) for s in stages)] for row in rows],
        currency=report.summit.currency,
    )


def money_columns(first: str, report: Report) -> list[Column]:
    board = report.dashboard
    threshold = whole_money(board.selection.threshold, board.selection.currency)
    return [
        Column("group", first, "text"),
        Column("projects", _("Projects")),
        Column("raised", _("Raised anything")),
        Column("total", _("Total raised"), "money"),
        Column("median", _("Median raised (of those that raised)"), "money"),
        Column("at_least", _("Raised at least %(amount)s", amount=threshold)),
        Column("financed", _("Financed after the final")),
        Column("median_days", _("Median days from the final to the first round"), "days"),
    ]


def money_cells(row: MoneyRow) -> list[object]:
    return [
        row.group.name,
        row.projects,
        row.raised,
        row.total,
        row.median,
        row.at_least,
        row.financed,
        row.median_days,
    ]


def money_table(
    key: str, title: str, first: str, report: Report, rows: list[MoneyRow], *, chart: str, median: bool = False
) -> Table:
    board = report.dashboard
    currency = board.selection.currency
    table = Table(
        key=key,
        title=title,
        columns=money_columns(first, report),
        rows=[*(money_cells(r) for r in rows), money_cells(board.money)],
        currency=currency,
    )

    def value(r: MoneyRow) -> int:
        return (r.median or 0) if median else r.total

    table.charts.append(
        Chart.of(
            charts.bars,
            f"chart-{key}",
            chart,
            [charts.Bar(r.group.name, float(value(r)), compact_money(value(r), currency)) for r in rows],
        )
    )
    return table


def correlation_cells(item: Correlation) -> list[object]:
    return [item.group.name, item.rho, item.n, _("too few to read") if item.too_few else ""]


def correlation_table(key: str, report: Report) -> Table | None:
    board = report.dashboard
    if board.correlation is None or board.ranked_round is None:
        return None
    items = [board.correlation, *board.correlation_tracks]
    table = Table(
        key=key,
        title=_("Did the ranking predict the money raised?"),
        columns=[
            Column("group", _("Projects"), "text"),
            Column("rho", _("Spearman's rho"), "rho"),
            Column("n", _("Ranked projects")),
            Column("note", _("Note"), "text"),
        ],
        rows=[correlation_cells(item) for item in items],
        currency=board.selection.currency,
        note=_(
            "Rank correlation between the place in %(round)s (1 = best) and the amount raised: 1 means the "
            "better-placed projects always raised more, 0 no relation, -1 the reverse.",
            round=localized(board.ranked_round, "name"),
        ),
    )
    table.charts.append(
        Chart.of(
            charts.bars,
            f"chart-{key}",
            _("Rank correlation, overall and per track"),
            [
                charts.Bar(item.group.name, item.rho or 0.0, number(item.rho, 2) if item.rho is not None else "—")
                for item in items
            ],
            signed=True,
        )
    )
    return table


def points_table(key: str, report: Report) -> Table | None:
    board = report.dashboard
    if board.ranked_round is None or not board.points:
        return None
    currency = board.selection.currency
    shown = sorted(board.points)[:MAX_POINTS]
    round_name = localized(board.ranked_round, "name")
    table = Table(
        key=key,
        title=_("Place and money raised"),
        columns=[Column("place", _("Place in %(round)s", round=round_name)), Column("raised", _("Raised"), "money")],
        rows=[[place, amount] for place, amount in shown],
        currency=currency,
        note=_("The %(count)d best-placed projects.", count=len(shown)) if len(shown) < len(board.points) else "",
    )
    table.charts.append(
        Chart.of(
            charts.scatter,
            f"chart-{key}",
            _("Place in %(round)s against money raised", round=round_name),
            shown,
            x_label=_("Place (1 = best)"),
            y_label=_("Raised (log scale)"),
            y_top=compact_money(max((amount for _place, amount in shown), default=0), currency),
            point_title=lambda place, amount: _(
                "Place %(place)d: %(amount)s", place=place, amount=i18n.format_money(amount, currency)
            ),
        )
    )
    return table


def judges_table(key: str, report: Report) -> Table:
    board = report.dashboard
    table = Table(
        key=key,
        title=_("Which judges' scores predicted the money raised"),
        columns=[
            Column("judge", _("Judge"), "text"),
            Column("rho", _("Spearman's rho"), "rho"),
            Column("n", _("Scored projects")),
            Column("note", _("Note"), "text"),
        ],
        rows=[[j.name, j.rho, j.n, _("too few to read") if j.too_few else ""] for j in board.judges],
        currency=board.selection.currency,
        note=_(
            "Per judge with at least %(min)d scored projects in any round: the rank correlation between the "
            "judge's scorecard totals and what those projects raised.",
            min=5,
        ),
    )
    judges = board.judges
    if len(judges) > 2 * JUDGES_SHOWN:
        judges = [*judges[:JUDGES_SHOWN], *judges[-JUDGES_SHOWN:]]
        table.shown = [*table.rows[:JUDGES_SHOWN], *table.rows[-JUDGES_SHOWN:]]
        table.note += " " + _(
            "Shown: the %(shown)d best and the %(shown)d worst predictors of %(count)d judges. Download the table "
            "for all of them.",
            shown=JUDGES_SHOWN,
            count=len(board.judges),
        )
    if judges:
        table.charts.append(
            Chart.of(
                charts.bars,
                f"chart-{key}",
                _("Rank correlation per judge"),
                [charts.Bar(j.name, j.rho or 0.0, number(j.rho, 2) if j.rho is not None else "—") for j in judges],
                signed=True,
            )
        )
    return table


# ---- the pages --------------------------------------------------------------------------------


def dashboard_tables(report: Report) -> list[Table]:
    board = report.dashboard
    tables = [
        funnel_table("funnel", report),
        funnel_groups_table("funnel-tracks", _("Funnel by track"), _("Track"), report, board.funnel_tracks),
        funnel_groups_table("funnel-divisions", _("Funnel by division"), _("Division"), report, board.funnel_divisions),
        money_table(
            "money-tracks",
            _("Money raised by track"),
            _("Track"),
            report,
            board.money_tracks,
            chart=_("Total raised by track"),
        ),
        money_table(
            "money-divisions",
            _("Money raised by division"),
            _("Division"),
            report,
            board.money_divisions,
            chart=_("Total raised by division"),
        ),
        money_table(
            "money-tiers",
            _("Money raised by award"),
            _("Award"),
            report,
            board.money_tiers,
            chart=_("Median raised by award (of the projects that raised)"),
            median=True,
        ),
    ]
    for extra in (correlation_table("correlation", report), points_table("places", report)):
        if extra is not None:
            tables.append(extra)
    tables.append(judges_table("judges", report))
    return tables


def public_tables(report: Report) -> list[Table]:
    board = report.dashboard
    prefix = f"c{report.competition.id}-"
    tables = [
        funnel_table(f"{prefix}funnel", report),
        money_table(
            f"{prefix}money-tracks",
            _("Money raised by track"),
            _("Track"),
            report,
            board.money_tracks,
            chart=_("Total raised by track"),
        ),
    ]
    if board.tier_of:
        tables.append(
            money_table(
                f"{prefix}money-tiers",
                _("Money raised by award"),
                _("Award"),
                report,
                board.money_tiers,
                chart=_("Median raised by award (of the projects that raised)"),
                median=True,
            )
        )
    tracks = {t.id: t for t in report.tracks}
    tiers = {t.id: t for t in report.tiers}
    place = {t.id: n for n, t in enumerate(report.tiers)}

    def listed_order(project_id: int) -> tuple[int, int]:
        """Award winners first, by prize, then the projects that raised most."""
        tier = board.tier_of.get(project_id)
        return (place[tier] if tier in place else len(place), -board.raised_of.get(project_id, 0))

    tables.append(
        Table(
            key=f"{prefix}projects",
            title=_("Projects listed by their teams"),
            columns=[
                Column("title", _("Project"), "text"),
                Column("track", _("Track"), "text"),
                Column("award", _("Award"), "text"),
                Column("raised", _("Raised in published rounds"), "money"),
            ],
            rows=[
                [
                    title,
                    localized(tracks[track], "name") if track in tracks else "",
                    localized(tiers[board.tier_of[pid]], "name") if pid in board.tier_of else "",
                    board.raised_of.get(pid, 0),
                ]
                for pid, title, track in sorted(board.listed, key=lambda item: listed_order(item[0]))
            ],
            currency=board.selection.currency,
        )
    )
    return tables


def edition_name(report: Report) -> str:
    return f"{localized(report.summit, 'name')} · {localized(report.competition, 'name')}"


def editions_tables(found: Editions) -> list[Table]:
    selection = found.selection
    currency = selection.currency
    threshold = whole_money(selection.threshold, currency)
    rows: list[list[object]] = []
    for report in found.reports:
        board = report.dashboard
        stages = {s.key: s.count for s in board.stages}
        ranked = [s for s in board.stages if s.key.startswith("round-")]
        rho = board.correlation
        rows.append(
            [
                edition_name(report),
                stages.get("applied", 0),
                ranked[-1].count if ranked else None,
                stages.get("awarded", 0),
                board.money.financed,
                board.money.raised,
                board.money.total,
                board.money.median,
                board.money.at_least,
                rho.rho if rho is not None else None,
                rho.n if rho is not None else None,
            ]
        )
    table = Table(
        key="editions",
        title=_("Editions side by side"),
        columns=[
            Column("edition", _("Edition"), "text"),
            Column("applied", _("Applied")),
            Column("last_round", _("In the last round")),
            Column("awarded", _("Awarded")),
            Column("financed", _("Financed after the final")),
            Column("raised", _("Raised anything")),
            Column("total", _("Total raised"), "money"),
            Column("median", _("Median raised (of those that raised)"), "money"),
            Column("at_least", _("Raised at least %(amount)s", amount=threshold)),
            Column("rho", _("Spearman's rho"), "rho"),
            Column("n", _("Ranked projects")),
        ],
        rows=rows,
        currency=currency,
    )
    table.charts.append(
        Chart.of(
            charts.bars,
            "chart-editions-total",
            _("Total raised per edition"),
            [
                charts.Bar(
                    localized(r.competition, "name"),
                    float(r.dashboard.money.total),
                    compact_money(r.dashboard.money.total, currency),
                )
                for r in found.reports
            ],
        )
    )
    table.charts.append(
        Chart.of(
            charts.bars,
            "chart-editions-threshold",
            _("Projects that raised at least %(amount)s, per edition", amount=threshold),
            [
                charts.Bar(
                    localized(r.competition, "name"),
                    float(r.dashboard.money.at_least),
                    number(r.dashboard.money.at_least),
                )
                for r in found.reports
            ],
        )
    )
    return [table]


def window_label(window: Window) -> str:
    return _("after the final") if window == Window.AFTER else _("at any time")
