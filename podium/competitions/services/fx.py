"""FX rates per summit (added by hand, over the API or from a CSV/XLSX file) and the normalised figures of
funding rounds.

A round is converted with the latest rate on or before its date. A round known to the month or the year is
dated the first day of that period, so it converts at the rate in force when the period began: a figure
never depends on rates published after it. A round in the reporting currency (or in dollars) needs no rate
for that figure. While a rate is missing the figure stays empty, and the round is left out of the counts
until an organizer adds the rate; every change of rates queues a recomputation of the summit's figures."""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from starlette.datastructures import UploadFile
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from podium.competitions.financing import money
from podium.competitions.financing.forms import RateInput, rate_from_values
from podium.competitions.financing_models import FundingRound, FxRate
from podium.competitions.models import Competition
from podium.competitions.services.imports import read_table, sniff
from podium.platform import audit, jobs
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.jobs import JobName
from podium.platform.pagination import PAGE_SIZE, Page
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.summits.models import Summit

log = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
MAX_REPORTED = 200
NORMALISED_FIELDS = (
    "fx_date",
    "reporting_currency",
    "amount_reporting",
    "amount_usd",
    "usd_rate",
    "usd_rate_source_id",
    "reporting_rate",
    "reporting_rate_source_id",
    "normalised_at",
)
# Header names a rate file may use, and the field each one fills.
_COLUMNS = {
    "date": "on_date",
    "on_date": "on_date",
    "day": "on_date",
    "currency": "currency",
    "rate": "rate",
    "units_per_usd": "rate",
    "source": "source",
}


# ---- conversion -------------------------------------------------------------------------------


@dataclass
class RateBook:
    """A summit's rates by currency, sorted by day, to find the one in force on a day."""

    days: dict[str, list[date]] = field(default_factory=dict)
    rates: dict[str, list[FxRate]] = field(default_factory=dict)

    @classmethod
    def of(cls, rates: list[FxRate]) -> RateBook:
        book = cls()
        for rate in sorted(rates, key=lambda r: (r.currency, r.on_date)):
            book.days.setdefault(rate.currency, []).append(rate.on_date)
            book.rates.setdefault(rate.currency, []).append(rate)
        return book

    def find(self, currency: str, day: date) -> FxRate | None:
        """The latest rate on or before day."""
        position = bisect_right(self.days.get(currency, []), day)
        return self.rates[currency][position - 1] if position else None


async def rate_book(summit_id: int, currencies: set[str] | None = None, until: date | None = None) -> RateBook:
    query = FxRate.filter(summit_id=summit_id)
    if currencies is not None:
        query = query.filter(currency__in=sorted(currencies))
    if until is not None:
        query = query.filter(on_date__lte=until)
    return RateBook.of(await query)


def normalise(found: FundingRound, *, book: RateBook, reporting: str, now: datetime) -> bool:
    """Set the round's figures in dollars and in the reporting currency, with the rates used. Returns whether
    anything changed."""
    before = tuple(getattr(found, name) for name in NORMALISED_FIELDS[:-1])
    day = found.announced_on
    usd_source = None if found.currency == money.BASE_CURRENCY else book.find(found.currency, day)
    usd_rate: Decimal | None = Decimal(1)
    if found.currency != money.BASE_CURRENCY:
        usd_rate = usd_source.rate if usd_source else None
    reporting_source: FxRate | None
    reporting_rate: Decimal | None
    if reporting == money.BASE_CURRENCY:
        reporting_source, reporting_rate = None, Decimal(1)
    elif reporting == found.currency:
        reporting_source, reporting_rate = usd_source, usd_rate
    else:
        reporting_source = book.find(reporting, day)
        reporting_rate = reporting_source.rate if reporting_source else None
    amount_usd = None
    if usd_rate is not None:
        amount_usd = money.convert(
            found.amount,
            source=found.currency,
            target=money.BASE_CURRENCY,
            source_rate=usd_rate,
            target_rate=Decimal(1),
        )
    amount_reporting = None
    if found.currency == reporting:
        amount_reporting = found.amount
    elif usd_rate is not None and reporting_rate is not None:
        amount_reporting = money.convert(
            found.amount, source=found.currency, target=reporting, source_rate=usd_rate, target_rate=reporting_rate
        )
    found.fx_date = day
    found.reporting_currency = reporting
    found.amount_usd, found.amount_reporting = amount_usd, amount_reporting
    found.usd_rate, found.usd_rate_source_id = usd_rate, usd_source.id if usd_source else None
    found.reporting_rate = reporting_rate
    found.reporting_rate_source_id = reporting_source.id if reporting_source else None
    changed = before != tuple(getattr(found, name) for name in NORMALISED_FIELDS[:-1])
    if changed or found.normalised_at is None:
        found.normalised_at = now
    return changed


async def normalise_one(found: FundingRound, *, summit: Summit) -> None:
    """Figures for one new or changed round (the caller saves it): two small queries for its rates."""
    book = await rate_book(summit.id, {found.currency, summit.currency}, until=found.announced_on)
    normalise(found, book=book, reporting=summit.currency, now=utcnow())


async def recompute_summit(*, summit_id: int) -> int:
    """Recompute every round of the summit's projects with its current rates. Returns how many changed."""
    summit = await Summit.get_or_none(id=summit_id)
    if summit is None:
        log.warning("recompute_summit: summit %s no longer exists", summit_id)
        return 0
    book = await rate_book(summit_id)
    rounds = await FundingRound.filter(project__competition__summit_id=summit_id)
    now = utcnow()
    changed = [r for r in rounds if normalise(r, book=book, reporting=summit.currency, now=now)]
    if changed:
        await FundingRound.bulk_update(changed, fields=NORMALISED_FIELDS, batch_size=500)
    return len(changed)


async def recompute_all() -> int:
    """The daily catch-up for every summit with competitions (a rate queued meanwhile, a currency changed)."""
    summit_ids = await Competition.all().values_list("summit_id", flat=True)
    changed = 0
    for summit_id in sorted({int(str(s)) for s in summit_ids}):
        changed += await recompute_summit(summit_id=summit_id)
    return changed


async def queue_recompute(summit_id: int) -> None:
    await jobs.enqueue(JobName.RECOMPUTE_FUNDING_FX, job_id=f"funding-fx:{summit_id}", summit_id=summit_id)


# ---- the organizer's rates --------------------------------------------------------------------


async def page_of_rates(*, summit: Summit, currency: str = "", page: int = 1, size: int = PAGE_SIZE) -> Page[FxRate]:
    query = FxRate.filter(summit_id=summit.id)
    if currency in money.CURRENCIES:
        query = query.filter(currency=currency)
    total = await query.count()
    number = min(max(1, page), max(1, -(-total // size)))
    items = await query.order_by("-on_date", "currency").offset((number - 1) * size).limit(size)
    return Page(items=list(items), number=number, size=size, total=total)


async def rounds_without_figures(*, summit: Summit) -> int:
    """Rounds of the summit still waiting for a rate."""
    return (
        await FundingRound.filter(project__competition__summit_id=summit.id)
        .filter(Q(amount_usd=None) | Q(amount_reporting=None))
        .count()
    )


async def set_rates(
    *, actor: Actor, summit: Summit, rows: list[RateInput], action: str = "fx.rate_set", name: str = ""
) -> tuple[int, int]:
    """Add the rates, replacing any for the same currency and day, in one transaction; one audit entry.
    Returns (added, changed) and queues the recomputation of the summit's figures."""
    ensure(can_manage_summit(actor, summit.id))
    if not rows:
        return 0, 0
    keys = {(row.currency, row.on_date): row for row in rows}
    existing = {
        (rate.currency, rate.on_date): rate
        for rate in await FxRate.filter(
            summit_id=summit.id,
            currency__in=sorted({c for c, _d in keys}),
            on_date__gte=min(d for _c, d in keys),
            on_date__lte=max(d for _c, d in keys),
        )
    }
    now = utcnow()
    added = [
        FxRate(
            summit_id=summit.id,
            currency=row.currency,
            on_date=row.on_date,
            rate=row.rate,
            source=row.source,
            created_by_id=actor.user_id,
        )
        for key, row in keys.items()
        if key not in existing
    ]
    changed: list[FxRate] = []
    for key, row in keys.items():
        rate = existing.get(key)
        if rate is not None and (rate.rate != row.rate or rate.source != row.source):
            rate.rate, rate.source, rate.updated_at = row.rate, row.source, now
            changed.append(rate)
    async with in_transaction():
        if added:
            await FxRate.bulk_create(added, batch_size=1000)
        if changed:
            await FxRate.bulk_update(changed, fields=["rate", "source", "updated_at"], batch_size=500)
        data: dict[str, Any] = {"added": len(added), "changed": len(changed)}
        if len(rows) == 1:
            data.update(currency=rows[0].currency, on_date=rows[0].on_date.isoformat(), rate=str(rows[0].rate))
        if name:
            data["name"] = name
        await audit.record(action, actor_id=actor.user_id, object_type="summit", object_id=summit.id, data=data)
    if added or changed:
        await queue_recompute(summit.id)
    return len(added), len(changed)


async def delete_rate(*, actor: Actor, summit: Summit, rate_id: int) -> None:
    ensure(can_manage_summit(actor, summit.id))
    rate = await FxRate.get_or_none(id=rate_id, summit_id=summit.id)
    if rate is None:
        raise NotFound()
    async with in_transaction():
        await FxRate.filter(id=rate.id).delete()
        await audit.record(
            "fx.rate_deleted",
            actor_id=actor.user_id,
            object_type="summit",
            object_id=summit.id,
            data={"currency": rate.currency, "on_date": rate.on_date.isoformat(), "rate": str(rate.rate)},
        )
    await queue_recompute(summit.id)


class RateImportError(InvalidInput):
    """A file with bad rows: nothing is imported. rows: [{"row", "column", "message"}] (the first 200)."""

    def __init__(self, message: str, rows: list[dict[str, Any]], count: int) -> None:
        super().__init__({"file": [message]})
        self.rows = rows
        self.count = count


def check_rate_table(table: list[list[str]], *, today: date) -> tuple[list[RateInput], list[dict[str, Any]], int]:
    """Rows of date, currency and rate (and source), checked: (rates, reported errors, error count)."""
    errors: list[dict[str, Any]] = []
    count = 0

    def error(row: int, column: str, message: str) -> None:
        nonlocal count
        count += 1
        if len(errors) < MAX_REPORTED:
            errors.append({"row": row, "column": column, "message": message})

    if not table:
        error(1, "", _("The file is empty."))
        return [], errors, count
    columns: dict[int, str] = {}
    for position, raw in enumerate(table[0]):
        key = "_".join(raw.strip().lower().split())
        if key in _COLUMNS and _COLUMNS[key] not in columns.values():
            columns[position] = _COLUMNS[key]
        elif key:
            error(1, raw, _("Use the columns date, currency, rate and, if you like, source."))
    for required in ("on_date", "currency", "rate"):
        if required not in columns.values():
            error(1, {"on_date": "date"}.get(required, required), _("This column is required."))
    if count:
        return [], errors, count
    body = [(n, row) for n, row in enumerate(table[1:], start=2) if any(row)]
    if not body:
        error(2, "", _("The file has no rates below its header row."))
    if len(body) > MAX_IMPORT_ROWS:
        error(MAX_IMPORT_ROWS + 2, "", _("Import at most %(max)d rates per file.", max=MAX_IMPORT_ROWS))
        return [], errors, count
    rates: list[RateInput] = []
    seen: dict[tuple[str, date], int] = {}
    for number, raw_row in body:
        values = {name: raw_row[position] if position < len(raw_row) else "" for position, name in columns.items()}
        if values.get("currency", "").strip().upper() == money.BASE_CURRENCY and _is_one(values.get("rate", "")):
            continue  # a dollar row at 1 says nothing new
        try:
            rate = rate_from_values(values, today=today)
        except InvalidInput as exc:
            for name, messages in exc.errors.items():
                error(number, {"on_date": "date"}.get(name, name), messages[0])
            continue
        day_key = (rate.currency, rate.on_date)
        if day_key in seen:
            message = _("This currency already has a rate for this day in row %(row)d.", row=seen[day_key])
            error(number, "date", message)
            continue
        seen[day_key] = number
        rates.append(rate)
    return rates, errors, count


def _is_one(text: str) -> bool:
    try:
        return money.parse_rate(text) == 1
    except ValueError:
        return False


async def import_rates(*, actor: Actor, summit: Summit, upload: UploadFile) -> tuple[int, int]:
    """Rates from a CSV or XLSX file (date, currency, rate[, source]), all or none. Returns (added, changed)."""
    ensure(can_manage_summit(actor, summit.id))
    too_large = _("The file is larger than %(mb)d MB. Split it and import the parts.", mb=MAX_IMPORT_BYTES >> 20)
    if (upload.size or 0) > MAX_IMPORT_BYTES:
        raise InvalidInput({"file": [too_large]})
    await upload.seek(0)
    data = await upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput({"file": [too_large]})
    if sniff(data) is None:
        raise InvalidInput({"file": [_("Upload a CSV file (UTF-8) or an Excel workbook (.xlsx).")]})
    try:
        table = read_table(data)
    except Exception:  # a damaged workbook: openpyxl raises many kinds of errors
        log.info("unreadable FX rate file from user %s", actor.user_id, exc_info=True)
        raise InvalidInput({"file": [_("Upload a CSV file (UTF-8) or an Excel workbook (.xlsx).")]}) from None
    rates, errors, count = check_rate_table(table, today=utcnow().date())
    if count:
        raise RateImportError(
            _("Nothing was imported: %(count)d problems in the file. Correct them and import it again.", count=count),
            errors,
            count,
        )
    return await set_rates(
        actor=actor, summit=summit, rows=rates, action="fx.rates_imported", name=(upload.filename or "")[:200]
    )


def rates_from_json(body: Mapping[str, Any], *, today: date) -> list[RateInput]:
    """One rate ({currency, on_date, rate, source}) or several ({"rates": [...]}); errors name the item."""
    items = body.get("rates") if "rates" in body else [body]
    if not isinstance(items, list) or not items or len(items) > MAX_IMPORT_ROWS:
        raise InvalidInput({"rates": [_("Send a list of rates, at most %(max)d.", max=MAX_IMPORT_ROWS)]})
    errors: dict[str, list[str]] = {}
    rates: list[RateInput] = []
    several = "rates" in body
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors[f"rates.{index}"] = [_("Send each rate as an object.")]
            continue
        values = {k: item.get(k) if isinstance(item.get(k), str) else str(item.get(k) or "") for k in item}
        try:
            rates.append(rate_from_values(values, today=today))
        except InvalidInput as exc:
            for name, messages in exc.errors.items():
                errors[f"rates.{index}.{name}" if several else name] = messages
    if errors:
        raise InvalidInput(errors)
    keys = [(r.currency, r.on_date) for r in rates]
    if len(set(keys)) != len(keys):
        raise InvalidInput({"rates": [_("Send each currency and day once.")]})
    return rates
