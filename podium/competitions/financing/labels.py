"""Labels of financing values in the viewer's language, for pages, mails and exports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import dates

from podium.competitions.financing import money
from podium.competitions.financing_models import DatePrecision, FundingKind, RoundSource, Verification
from podium.platform import i18n
from podium.platform.i18n import gettext as _


def kind_label(kind: FundingKind | str) -> str:
    return {
        FundingKind.PRE_SEED: _("Pre-seed"),
        FundingKind.SEED: _("Seed"),
        FundingKind.ANGEL: _("Angel"),
        FundingKind.SERIES_A: _("Series A"),
        FundingKind.SERIES_B: _("Series B"),
        FundingKind.SERIES_C_PLUS: _("Series C and later"),
        FundingKind.STRATEGIC: _("Strategic"),
        FundingKind.GRANT: _("Grant"),
        FundingKind.IPO: _("IPO"),
        FundingKind.OTHER: _("Other"),
    }[FundingKind(kind)]


def kind_choices() -> list[tuple[str, str]]:
    return [(str(kind), kind_label(kind)) for kind in FundingKind]


def status_label(status: Verification | str) -> str:
    return {
        Verification.REPORTED: _("awaiting verification"),
        Verification.VERIFIED: _("verified"),
        Verification.REJECTED: _("rejected"),
    }[Verification(status)]


def source_label(source: RoundSource | str) -> str:
    return {RoundSource.ENTRANT: _("reported by the team"), RoundSource.ORGANIZER: _("recorded by an organizer")}[
        RoundSource(source)
    ]


def announced_label(day: date, precision: DatePrecision | str) -> str:
    """The date as precisely as it is known: "May 14, 2026", "May 2026" or "2026" in the viewer's language."""
    locale = i18n.babel_locale(i18n.get_locale())
    if precision == DatePrecision.YEAR:
        return str(dates.format_skeleton("y", day, locale=locale))
    if precision == DatePrecision.MONTH:
        return str(dates.format_skeleton("yMMM", day, locale=locale))
    return i18n.format_date(day, "medium")


def currency_choices() -> list[tuple[str, str]]:
    locale = i18n.babel_locale(i18n.get_locale())
    return [(code, f"{code} · {locale.currencies.get(code, code)}") for code in money.CURRENCIES]


def history_label(action: str) -> str:
    labels = {
        "funding.reported": _("Funding round reported"),
        "funding.recorded": _("Funding round recorded by an organizer"),
        "funding.changed": _("Funding round changed"),
        "funding.verified": _("Funding round verified"),
        "funding.rejected": _("Funding round rejected"),
        "funding.deleted": _("Funding round deleted"),
        "outcome.changed": _("Landing and growth updated"),
        "survey.answered": _("Follow-up survey answered"),
    }
    return labels.get(action, action)


def rate_text(value: object) -> str:
    """A stored rate as plain digits, without trailing zeros or an exponent ("7.1234", "150")."""
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(number.normalize(), "f")


def percent_text(part: int, whole: int) -> str:
    return f"{(part * 100 + whole // 2) // whole}%" if whole else "—"
