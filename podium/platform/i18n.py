"""Gettext catalogues (en, zh_Hans), the viewer's locale and time zone, and locale-aware formatting."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale, dates, numbers
from babel.support import LazyProxy, NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT_LOCALE = "en"
LOCALES: tuple[str, ...] = ("en", "zh_Hans")
# What each locale calls itself, for the language switcher.
LOCALE_NAMES: dict[str, str] = {"en": "English", "zh_Hans": "中文"}
UTC = ZoneInfo("UTC")

_locale: ContextVar[str] = ContextVar("podium_locale", default=DEFAULT_LOCALE)
_timezone: ContextVar[str] = ContextVar("podium_timezone", default="UTC")


@cache
def translations(locale: str) -> NullTranslations:
    if locale == DEFAULT_LOCALE:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [locale], domain="messages")


@cache
def babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


def get_locale() -> str:
    return _locale.get()


def get_timezone() -> str:
    return _timezone.get()


def set_request_locale(locale: str, timezone: str) -> None:
    """Set for the current task; middleware calls it once per request."""
    _locale.set(locale)
    _timezone.set(timezone)


@contextlib.contextmanager
def use_locale(locale: str, timezone: str | None = None) -> Iterator[None]:
    """Activate a locale (and time zone) for a block, e.g. a job rendering a recipient's e-mail."""
    token = _locale.set(normalize_locale(locale) or DEFAULT_LOCALE)
    tz_token = _timezone.set(timezone) if timezone else None
    try:
        yield
    finally:
        _locale.reset(token)
        if tz_token is not None:
            _timezone.reset(tz_token)


def gettext(message: str, **variables: Any) -> str:
    text = translations(_locale.get()).ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    text = translations(_locale.get()).ungettext(singular, plural, n)
    variables.setdefault("num", n)
    return text % variables


def template_ngettext(singular: str, plural: str, n: int) -> str:
    """For Jinja's newstyle gettext, which formats the text itself (with num and the call's variables)."""
    return translations(_locale.get()).ungettext(singular, plural, n)


def lazy_gettext(message: str, **variables: Any) -> LazyProxy:
    """For module-level constants: translated when shown, in the viewer's locale."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


_ = gettext


def normalize_locale(value: str | None) -> str | None:
    """Map a tag such as 'zh-CN', 'zh_hans' or 'en-GB' onto a supported locale, or None."""
    if not value:
        return None
    tag = value.strip().replace("_", "-").lower()
    if not tag or tag == "*":
        return None
    if tag.startswith("zh"):
        # Only Simplified Chinese ships; Traditional-script readers still read it better than English.
        return "zh_Hans"
    if tag.split("-")[0] == "en":
        return "en"
    return None


def negotiate_locale(accept_language: str | None) -> str | None:
    """Best supported locale for an Accept-Language header, honouring q-values."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, val = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(val)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag))
    for _q, _pos, tag in sorted(ranked):
        locale = normalize_locale(tag)
        if locale:
            return locale
    return None


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(name: str | None) -> bool:
    return bool(name) and name in _timezones()


@cache
def timezone_choices() -> list[tuple[str, str]]:
    """(value, label) pairs for a time-zone select."""
    return [(name, name.replace("_", " ")) for name in sorted(_timezones() - {"Factory", "localtime"})]


def zone(name: str | None = None) -> ZoneInfo:
    try:
        return ZoneInfo(name or _timezone.get())
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def utcnow() -> datetime:
    return datetime.now(UTC)


def format_datetime(value: datetime | None, format: str = "medium", tz: str | None = None) -> str:
    """A UTC datetime shown in the viewer's (or the given) time zone and locale."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return dates.format_datetime(value, format=format, tzinfo=zone(tz), locale=babel_locale(_locale.get()))


def format_isodatetime(value: str, format: str = "medium", tz: str | None = None) -> str:
    """An ISO 8601 UTC time kept in a job's or mail's context, shown like format_datetime."""
    return format_datetime(datetime.fromisoformat(value), format, tz) if value else ""


def format_date(value: date | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return dates.format_date(value, format=format, locale=babel_locale(_locale.get()))


def format_date_range(start: date, end: date) -> str:
    if start == end:
        return format_date(start, "long")
    return dates.format_interval(start, end, skeleton="yMMMd", locale=babel_locale(_locale.get()))


def format_timedelta(value: timedelta) -> str:
    return dates.format_timedelta(value, locale=babel_locale(_locale.get()))


def minor_to_decimal(amount_minor: int, currency: str) -> Decimal:
    digits = numbers.get_currency_precision(currency)
    return Decimal(amount_minor).scaleb(-digits)


def format_money(amount_minor: int, currency: str) -> str:
    """Integer minor units (fen, cents) formatted for the viewer's locale."""
    return numbers.format_currency(
        minor_to_decimal(amount_minor, currency), currency, locale=babel_locale(_locale.get())
    )


def timezone_label(name: str) -> str:
    return dates.get_timezone_location(ZoneInfo(name), locale=babel_locale(_locale.get()), return_city=True)


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166 codes with their names in the viewer's language, sorted by name."""
    territories = babel_locale(_locale.get()).territories
    pairs = [
        (code, str(name))
        for code, name in territories.items()
        if isinstance(code, str) and len(code) == 2 and code.isalpha() and code not in {"ZZ", "XA", "XB"}
    ]
    return sorted(pairs, key=lambda pair: pair[1])


def country_name(code: str) -> str:
    return babel_locale(_locale.get()).territories.get(code, code) if code else ""


def is_country(code: str) -> bool:
    return len(code) == 2 and code in babel_locale(DEFAULT_LOCALE).territories


def is_currency(code: str) -> bool:
    return code in numbers.list_currencies()


def localized(obj: object, field: str) -> str:
    """The viewer's language version of a bilingual field (name_en / name_zh), falling back to the other."""
    primary, secondary = ("zh", "en") if _locale.get() == "zh_Hans" else ("en", "zh")
    value = getattr(obj, f"{field}_{primary}", "") or getattr(obj, f"{field}_{secondary}", "")
    return str(value or "")
