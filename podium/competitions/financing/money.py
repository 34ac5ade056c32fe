"""Money and dates of funding rounds, in Decimal arithmetic only: minor units, parsing, FX conversion.

Amounts are integers in a currency's minor units (fen, cents; yen have none), as Babel's CLDR data says.
FX rates are units of a currency per 1 US dollar. A conversion goes through the dollar in one Decimal
expression, amount × 10^(target digits − source digits) × target rate ÷ source rate, and is rounded once, to
the target's minor unit, half to even (banker's rounding: no drift when many figures are added up)."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext

from babel import numbers

from podium.competitions.financing_models import DatePrecision
from podium.platform.i18n import gettext as _

BASE_CURRENCY = "USD"
# The currencies a round can be reported in; FX rates can be kept for each of them.
CURRENCIES: tuple[str, ...] = ("CNY", "USD", "EUR", "GBP", "JPY", "SGD", "HKD", "CHF", "CAD", "AUD", "KRW")
ROUNDING = ROUND_HALF_EVEN
RATE_PLACES = 10
MAX_RATE = Decimal(10) ** 13
# No round is larger than ten trillion units of any currency; this also keeps minor units inside a BIGINT.
MAX_MAJOR = Decimal(10) ** 13
EARLIEST_YEAR = 1980

_SEPARATORS = re.compile(r"[\s,_'\u00a0\u202f\u2009，]")
_AMOUNT = re.compile(r"^(\d{1,20})(?:\.(\d{1,12}))?(万|亿)?$")
_MULTIPLIERS = {"": Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000)}
_ANNOUNCED = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")


def minor_digits(currency: str) -> int:
    return int(numbers.get_currency_precision(currency))


def to_major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-minor_digits(currency))


def major_text(amount_minor: int, currency: str) -> str:
    """The amount in major units as plain digits ("12500000.50"), for forms and the API."""
    return format(to_major(amount_minor, currency), "f")


def parse_amount(text: str, currency: str) -> int:
    """A typed amount in major units ("12,500,000", "12500000.5", "1250万") as minor units of currency.

    Raises ValueError with a message for the person who typed it."""
    cleaned = _SEPARATORS.sub("", text or "")
    match = _AMOUNT.match(cleaned)
    if not cleaned:
        raise ValueError(_("Enter the amount raised, for example 12500000 or 1250万."))
    if match is None:
        raise ValueError(_("Enter the amount in digits, for example 12500000 or 1250万."))
    whole, fraction, unit = match.group(1), match.group(2) or "", match.group(3) or ""
    value = Decimal(f"{whole}.{fraction}" if fraction else whole) * _MULTIPLIERS[unit]
    digits = minor_digits(currency)
    minor = value.scaleb(digits)
    if minor != minor.to_integral_value():
        if digits == 0:
            raise ValueError(_("%(currency)s amounts are whole numbers.", currency=currency))
        raise ValueError(_("Use at most %(digits)d decimal places for %(currency)s.", digits=digits, currency=currency))
    if value <= 0:
        raise ValueError(_("The amount must be more than zero."))
    if value >= MAX_MAJOR:
        raise ValueError(_("This amount is too large. Check the number of zeros."))
    return int(minor)


def check_minor(amount_minor: int, currency: str) -> int:
    """An amount given in minor units (the API): positive and within range."""
    if amount_minor <= 0:
        raise ValueError(_("The amount must be more than zero."))
    if to_major(amount_minor, currency) >= MAX_MAJOR:
        raise ValueError(_("This amount is too large. Check the number of zeros."))
    return amount_minor


def convert(amount_minor: int, *, source: str, target: str, source_rate: Decimal, target_rate: Decimal) -> int:
    """Minor units of source as minor units of target, the rates being units of each per US dollar."""
    if source == target:
        return amount_minor
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(amount_minor).scaleb(minor_digits(target) - minor_digits(source)) * target_rate / source_rate
        return int(exact.quantize(Decimal(1), rounding=ROUNDING))


def parse_rate(text: str) -> Decimal:
    """Units of a currency per US dollar: positive, at most ten decimal places."""
    cleaned = _SEPARATORS.sub("", text or "")
    if not cleaned:
        raise ValueError(_("Enter the rate: units of the currency for one US dollar, like 7.1234."))
    try:
        rate = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("Enter the rate: units of the currency for one US dollar, like 7.1234.")) from None
    if not rate.is_finite() or rate <= 0 or rate >= MAX_RATE:
        raise ValueError(_("Enter the rate: units of the currency for one US dollar, like 7.1234."))
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_PLACES), rounding=ROUNDING):
        raise ValueError(_("Use at most %(places)d decimal places.", places=RATE_PLACES))
    return rate


def parse_currency(text: str) -> str:
    code = (text or "").strip().upper()
    if code not in CURRENCIES:
        raise ValueError(_("Choose a currency from the list: %(codes)s.", codes=", ".join(CURRENCIES)))
    return code


def period_start(day: date, precision: DatePrecision) -> date:
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    return day


def parse_announced(text: str, today: date) -> tuple[date, DatePrecision]:
    """ "2026-05-14" (a day), "2026-05" (a month) or "2026" (a year): the first day of that period and how
    precise it is. Slashes and dots work as separators too. Never in the future."""
    match = _ANNOUNCED.match((text or "").strip())
    message = _("Enter when the round was announced: a day (2026-05-14), a month (2026-05) or a year (2026).")
    if match is None:
        raise ValueError(message)
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    try:
        found = date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(message) from None
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    if found.year < EARLIEST_YEAR:
        raise ValueError(_("Enter a year from %(year)d on.", year=EARLIEST_YEAR))
    if found > today:
        raise ValueError(_("Enter a date that has passed: report a round once it is announced."))
    return found, precision


def announced_text(day: date, precision: DatePrecision) -> str:
    """The inverse of parse_announced, for filling a form in again."""
    if precision == DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()
