"""Financing input from pages and from the API, checked into typed values or InvalidInput naming each field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from podium.competitions.financing import money
from podium.competitions.financing_models import DatePrecision, FundingKind, OutcomeField, OutcomeFieldKind
from podium.competitions.project_forms import clean_url
from podium.platform.errors import InvalidInput
from podium.platform.i18n import gettext as _

MAX_INVESTORS = 30
NAME_MAX = 200
TEXT_MAX = 500
HEADCOUNT_MAX = 1_000_000
NUMBER_MAX = Decimal(10) ** 15
MAX_SURVEY_MONTHS = 12
SURVEY_ROUNDS = 3  # rows for new rounds on the follow-up survey
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
YES, NO = "yes", "no"


def text(value: object, limit: int) -> str:
    """A plain text value: stripped, free of control characters (PostgreSQL cannot store NUL), not too long."""
    cleaned = str(value if value is not None else "").strip()
    if _CONTROL.search(cleaned):
        raise ValueError(_("Remove the invisible control characters from this text."))
    if len(cleaned) > limit:
        raise ValueError(_("Use at most %(max)d characters.", max=limit))
    return cleaned


def parse_date(value: object, message: str) -> date | None:
    raw = str(value if value is not None else "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(message) from None


def _date_message() -> str:
    return _("Enter a date, like 2026-07-01, or leave it empty.")


class Errors(dict[str, list[str]]):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def check(self) -> None:
        if self:
            raise InvalidInput(self)


# ---- funding rounds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundInput:
    kind: FundingKind
    amount: int
    currency: str
    announced_on: date
    precision: DatePrecision
    investors: list[dict[str, Any]]
    source_url: str
    confidential: bool

    def as_fields(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "amount": self.amount,
            "currency": self.currency,
            "announced_on": self.announced_on,
            "precision": self.precision,
            "investors": self.investors,
            "source_url": self.source_url,
            "confidential": self.confidential,
        }


def _kind(value: object) -> FundingKind:
    try:
        return FundingKind(str(value or ""))
    except ValueError:
        raise ValueError(_("Choose the kind of round from the list.")) from None


def _investor_lines(raw: object) -> list[str]:
    return [line.strip() for line in text(raw, 20000).splitlines() if line.strip()]


def _investors(named: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    """[{"name", "lead"}], each investor once (a lead stays a lead), in the order given."""
    seen: dict[str, dict[str, Any]] = {}
    for name, lead in named:
        if len(name) > NAME_MAX:
            raise ValueError(_("Use at most %(max)d characters per investor.", max=NAME_MAX))
        key = name.casefold()
        if key in seen:
            seen[key]["lead"] = seen[key]["lead"] or lead
        else:
            seen[key] = {"name": name, "lead": lead}
    if len(seen) > MAX_INVESTORS:
        raise ValueError(_("List at most %(max)d investors.", max=MAX_INVESTORS))
    return list(seen.values())


def _source_url(value: object) -> str:
    return clean_url(text(value, 500))


def _flag(value: object) -> bool:
    return value in {True, "1", "on", "true", "yes"}


def round_from_form(data: Mapping[str, Any], *, today: date, prefix: str = "") -> RoundInput:
    """A round from a page's form: amount in major units as typed, investors one per line."""
    errors = Errors()
    values: dict[str, Any] = {}

    def field(name: str) -> Any:
        return data.get(f"{prefix}{name}", "")

    for name, clean in (
        ("kind", lambda: _kind(field("kind"))),
        ("currency", lambda: money.parse_currency(str(field("currency")))),
        ("announced", lambda: money.parse_announced(text(field("announced"), 20), today)),
        ("source_url", lambda: _source_url(field("source_url"))),
        (
            "investors",
            lambda: _investors(
                [(n, True) for n in _investor_lines(field("lead_investors"))]
                + [(n, False) for n in _investor_lines(field("investors"))]
            ),
        ),
    ):
        try:
            values[name] = clean()
        except ValueError as exc:
            errors.add(f"{prefix}{name}", str(exc))
    try:
        values["amount"] = money.parse_amount(text(field("amount"), 60), values.get("currency", "CNY"))
    except ValueError as exc:
        errors.add(f"{prefix}amount", str(exc))
    errors.check()
    announced_on, precision = values["announced"]
    return RoundInput(
        kind=values["kind"],
        amount=values["amount"],
        currency=values["currency"],
        announced_on=announced_on,
        precision=precision,
        investors=values["investors"],
        source_url=values["source_url"],
        confidential=_flag(data.get(f"{prefix}confidential")),
    )


def round_values(found: Any) -> dict[str, str]:
    """A stored round as the page form's values, to edit it."""
    return {
        "kind": str(found.kind),
        "amount": money.major_text(found.amount, found.currency),
        "currency": found.currency,
        "announced": money.announced_text(found.announced_on, DatePrecision(found.precision)),
        "lead_investors": "\n".join(i["name"] for i in found.investors if i.get("lead")),
        "investors": "\n".join(i["name"] for i in found.investors if not i.get("lead")),
        "source_url": found.source_url,
        "confidential": "1" if found.confidential else "",
    }


def round_from_json(body: Mapping[str, Any], *, today: date, current: RoundInput | None = None) -> RoundInput:
    """A round from an API body. With current (a PATCH), fields left out keep their values.

    amount_minor is in minor units; announced_on is "2026-05-14", "2026-05" or "2026", and precision, if
    given, widens a full date to its month or year."""
    errors = Errors()
    base = current.as_fields() if current else {}
    values: dict[str, Any] = {}

    def given(name: str) -> bool:
        return name in body

    def run(name: str, clean: Any) -> None:
        try:
            values[name] = clean()
        except ValueError as exc:
            errors.add(name, str(exc))

    def required(name: str) -> Any:
        if not given(name) and name not in base:
            raise ValueError(_("This field is required."))
        return body[name] if given(name) else None

    run("kind", lambda: _kind(required("kind")) if given("kind") or "kind" not in base else base["kind"])
    run(
        "currency",
        lambda: (
            money.parse_currency(str(required("currency")))
            if given("currency") or "currency" not in base
            else base["currency"]
        ),
    )

    def amount() -> int:
        currency = values.get("currency", base.get("currency", "CNY"))
        if not given("amount_minor"):
            if "amount" not in base:
                raise ValueError(_("This field is required."))
            if given("currency") and currency != base["currency"]:
                raise ValueError(_("Give the amount again in the new currency."))
            return int(base["amount"])
        raw = body["amount_minor"]
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ValueError(_("Send the amount as a whole number of minor units (fen, cents)."))
        return money.check_minor(raw, currency)

    run("amount_minor", amount)

    def announced() -> tuple[date, DatePrecision]:
        if not given("announced_on") and not given("precision"):
            if "announced_on" not in base:
                raise ValueError(_("This field is required."))
            return base["announced_on"], base["precision"]
        raw = body.get("announced_on", base["announced_on"].isoformat() if base else "")
        day, precision = money.parse_announced(text(raw, 20), today)
        if given("precision"):
            try:
                wanted = DatePrecision(str(body["precision"]))
            except ValueError:
                raise ValueError(_("Use day, month or year for the precision.")) from None
            if list(DatePrecision).index(wanted) < list(DatePrecision).index(precision):
                raise ValueError(_("Give the full date for this precision."))
            day, precision = money.period_start(day, wanted), wanted
        return day, precision

    run("announced_on", announced)

    def investors() -> list[dict[str, Any]]:
        if not given("investors"):
            return list(base.get("investors", []))
        raw = body["investors"]
        if not isinstance(raw, list):
            raise ValueError(_('Send the investors as a list like [{"name": "Sequoia", "lead": true}].'))
        named: list[tuple[str, bool]] = []
        for item in raw:
            if isinstance(item, str):
                item = {"name": item}
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise ValueError(_('Send the investors as a list like [{"name": "Sequoia", "lead": true}].'))
            name = text(item["name"], NAME_MAX)
            if name:
                named.append((name, item.get("lead") is True))
        return _investors(named)

    run("investors", investors)
    run("source_url", lambda: _source_url(body["source_url"]) if given("source_url") else base.get("source_url", ""))

    def confidential() -> bool:
        if not given("confidential"):
            return bool(base.get("confidential", False))
        if not isinstance(body["confidential"], bool):
            raise ValueError(_("Send true or false."))
        return bool(body["confidential"])

    run("confidential", confidential)
    errors.check()
    day, precision = values["announced_on"]
    return RoundInput(
        kind=values["kind"],
        amount=values["amount_minor"],
        currency=values["currency"],
        announced_on=day,
        precision=precision,
        investors=values["investors"],
        source_url=values["source_url"],
        confidential=values["confidential"],
    )


def round_input_of(found: Any) -> RoundInput:
    return RoundInput(
        kind=FundingKind(found.kind),
        amount=found.amount,
        currency=found.currency,
        announced_on=found.announced_on,
        precision=DatePrecision(found.precision),
        investors=list(found.investors),
        source_url=found.source_url,
        confidential=found.confidential,
    )


# ---- outcomes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeInput:
    incorporated_locally: bool | None
    incorporated_locally_on: date | None
    district: str
    headcount: int | None
    headcount_as_of: date | None


def _yes_no(value: object) -> bool | None:
    raw = str(value if value is not None else "").strip().lower()
    if raw == YES:
        return True
    if raw == NO:
        return False
    if raw == "":
        return None
    raise ValueError(_("Choose yes or no."))


def _headcount(value: object) -> int | None:
    raw = str(value if value is not None else "").strip().replace(",", "")
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > HEADCOUNT_MAX:
        raise ValueError(_("Enter the number of people as a whole number, like 25."))
    return int(raw)


def custom_value(field: OutcomeField, raw: object) -> Any:
    """A custom outcome's value by its kind; None for an empty answer."""
    if field.kind == OutcomeFieldKind.YES_NO:
        return _yes_no(raw)
    cleaned = text(raw, TEXT_MAX)
    if not cleaned:
        return None
    if field.kind == OutcomeFieldKind.NUMBER:
        try:
            number = Decimal(cleaned.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("Enter a number, like 12 or 3.5.")) from None
        if not number.is_finite() or abs(number) >= NUMBER_MAX:
            raise ValueError(_("Enter a number, like 12 or 3.5."))
        return format(number.normalize(), "f")
    return cleaned


def custom_field_name(field: OutcomeField) -> str:
    return f"f_{field.id}"


def outcome_from_form(
    data: Mapping[str, Any], fields: list[OutcomeField], *, today: date
) -> tuple[OutcomeInput, dict[int, Any]]:
    """Landing and growth, and the competition's custom outcomes (f_<id>), with every field's error at once."""
    errors = Errors()
    values: dict[str, Any] = {}
    for name, clean in (
        ("incorporated_locally", lambda: _yes_no(data.get("incorporated_locally"))),
        ("incorporated_locally_on", lambda: parse_date(data.get("incorporated_locally_on"), _date_message())),
        ("district", lambda: text(data.get("district"), 100)),
        ("headcount", lambda: _headcount(data.get("headcount"))),
        ("headcount_as_of", lambda: parse_date(data.get("headcount_as_of"), _date_message())),
    ):
        try:
            values[name] = clean()
        except ValueError as exc:
            errors.add(name, str(exc))
    for name in ("incorporated_locally_on", "headcount_as_of"):
        if values.get(name) and values[name] > today:
            errors.add(name, _("Enter a date that has passed."))
    custom: dict[int, Any] = {}
    for field in fields:
        try:
            custom[field.id] = custom_value(field, data.get(custom_field_name(field)))
        except ValueError as exc:
            errors.add(custom_field_name(field), str(exc))
    errors.check()
    as_of = values["headcount_as_of"] or (today if values["headcount"] is not None else None)
    return (
        OutcomeInput(
            incorporated_locally=values["incorporated_locally"],
            incorporated_locally_on=values["incorporated_locally_on"],
            district=values["district"],
            headcount=values["headcount"],
            headcount_as_of=as_of,
        ),
        custom,
    )


@dataclass(frozen=True)
class OutcomeFieldInput:
    key: str
    label_en: str
    label_zh: str
    kind: OutcomeFieldKind
    position: int


def outcome_field_from_form(data: Mapping[str, Any]) -> OutcomeFieldInput:
    errors = Errors()
    key = str(data.get("key", "")).strip().lower()
    if not _FIELD_KEY.match(key):
        errors.add("key", _("Use lower-case letters, digits and underscores, starting with a letter, like patents."))
    labels: dict[str, str] = {}
    for name in ("label_en", "label_zh"):
        try:
            labels[name] = text(data.get(name), NAME_MAX)
        except ValueError as exc:
            errors.add(name, str(exc))
    if not errors.get("label_en") and not errors.get("label_zh") and not any(labels.values()):
        errors.add("label_en", _("Give it a name in at least one language."))
    try:
        kind = OutcomeFieldKind(str(data.get("kind", "")))
    except ValueError:
        errors.add("kind", _("Choose a kind of answer from the list."))
    raw_position = str(data.get("position", "") or "0").strip()
    if not re.fullmatch(r"-?\d{1,6}", raw_position):
        errors.add("position", _("Enter a whole number; lower numbers come first."))
    errors.check()
    return OutcomeFieldInput(
        key=key, label_en=labels["label_en"], label_zh=labels["label_zh"], kind=kind, position=int(raw_position)
    )


# ---- survey schedule --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleInput:
    months: list[int]
    final_on: date | None
    reminder_days: int
    enabled: bool


def schedule_from_form(data: Mapping[str, Any]) -> ScheduleInput:
    errors = Errors()
    message = _("List months after the final from 1 to 120, separated by commas, like 6, 12, 24, 36.")
    parts = [p for p in re.split(r"[\s,，;、]+", str(data.get("months", "")).strip()) if p]
    months: list[int] = []
    if not parts or any(not p.isdigit() or not 1 <= int(p) <= 120 for p in parts):
        errors.add("months", message)
    else:
        months = sorted({int(p) for p in parts})
        if len(months) > MAX_SURVEY_MONTHS:
            errors.add("months", _("List at most %(max)d survey dates.", max=MAX_SURVEY_MONTHS))
    final_on: date | None = None
    try:
        final_on = parse_date(data.get("final_on"), _date_message())
    except ValueError as exc:
        errors.add("final_on", str(exc))
    raw_days = str(data.get("reminder_days", "") or "").strip()
    if not raw_days.isdigit() or not 1 <= int(raw_days) <= 59:
        errors.add("reminder_days", _("Enter a number of days from 1 to 59."))
    errors.check()
    return ScheduleInput(
        months=months, final_on=final_on, reminder_days=int(raw_days), enabled=_flag(data.get("enabled"))
    )


# ---- FX rates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateInput:
    currency: str
    on_date: date
    rate: Decimal
    source: str


def rate_from_values(values: Mapping[str, Any], *, today: date) -> RateInput:
    """One rate: a currency other than the dollar, a day (not in the future), units per dollar, a source."""
    errors = Errors()
    parsed: dict[str, Any] = {}

    def currency() -> str:
        code = money.parse_currency(str(values.get("currency", "")))
        if code == money.BASE_CURRENCY:
            raise ValueError(_("Rates are per US dollar, so the dollar needs none."))
        return code

    def on_date() -> date:
        raw = values.get("on_date", "")
        day = parse_date(raw, _("Enter the day of the rate, like 2026-07-01."))
        if day is None:
            raise ValueError(_("Enter the day of the rate, like 2026-07-01."))
        if day > today:
            raise ValueError(_("Enter a day that has passed or is today."))
        return day

    for name, clean in (
        ("currency", currency),
        ("on_date", on_date),
        ("rate", lambda: money.parse_rate(text(values.get("rate"), 40))),
        ("source", lambda: text(values.get("source"), NAME_MAX)),
    ):
        try:
            parsed[name] = clean()
        except ValueError as exc:
            errors.add(name, str(exc))
    errors.check()
    return RateInput(**parsed)


# ---- the follow-up survey ---------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyAnswers:
    rounds: list[RoundInput]
    outcome: OutcomeInput
    custom: dict[int, Any]


def _blank_row(data: Mapping[str, Any], prefix: str) -> bool:
    return not any(
        str(data.get(f"{prefix}{name}", "")).strip() for name in ("kind", "amount", "announced", "lead_investors")
    )


def survey_from_form(data: Mapping[str, Any], fields: list[OutcomeField], *, today: date) -> SurveyAnswers:
    """The follow-up survey: up to three new rounds (r1_ … r3_, blank rows skipped), landing and headcount,
    and the competition's custom outcomes."""
    errors = Errors()
    rounds: list[RoundInput] = []
    for number in range(1, SURVEY_ROUNDS + 1):
        prefix = f"r{number}_"
        if _blank_row(data, prefix):
            continue
        try:
            rounds.append(round_from_form(data, today=today, prefix=prefix))
        except InvalidInput as exc:
            errors.update(exc.errors)
    outcome: OutcomeInput | None = None
    custom: dict[int, Any] = {}
    try:
        outcome, custom = outcome_from_form(data, fields, today=today)
    except InvalidInput as exc:
        errors.update(exc.errors)
    errors.check()
    assert outcome is not None
    return SurveyAnswers(rounds=rounds, outcome=outcome, custom=custom)
