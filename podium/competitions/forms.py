"""Competition set-up forms. Window times arrive as the summit's local wall-clock time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from podium.competitions.models import DivisionKind, RuleKind
from podium.platform.errors import InvalidInput
from podium.platform.forms import Form, LongText, ShortText, Slug
from podium.platform.i18n import gettext as _

WINDOW_FIELDS = ("submissions_open_at", "submissions_close_at", "judging_open_at", "judging_close_at")
# Lower comes first; bounded so that no number typed in can overflow the column.
Position = Annotated[int, Field(ge=-1_000_000, le=1_000_000)]


def _named(form: Form) -> None:
    if not getattr(form, "name_en", "") and not getattr(form, "name_zh", ""):
        raise ValueError(_("Give it a name in at least one language."))


class CompetitionForm(Form):
    slug: Slug
    name_en: ShortText = ""
    name_zh: ShortText = ""
    description_en: LongText = ""
    description_zh: LongText = ""
    rules_en: LongText = ""
    rules_zh: LongText = ""

    @model_validator(mode="after")
    def _name(self) -> CompetitionForm:
        _named(self)
        return self


class TrackForm(Form):
    name_en: ShortText = ""
    name_zh: ShortText = ""
    position: Position = 0

    field_messages = {"position": lambda: _("Enter a whole number; lower numbers come first.")}  # noqa: RUF012

    @model_validator(mode="after")
    def _name(self) -> TrackForm:
        _named(self)
        return self


class DivisionForm(TrackForm):
    kind: DivisionKind = DivisionKind.REGION

    field_messages = {  # noqa: RUF012
        "position": lambda: _("Enter a whole number; lower numbers come first."),
        "kind": lambda: _("Choose a region or a group."),
    }


class RoundForm(Form):
    name_en: ShortText = ""
    name_zh: ShortText = ""
    # <input type="datetime-local"> values, in the summit's time zone.
    submissions_open_at: datetime | None = None
    submissions_close_at: datetime | None = None
    judging_open_at: datetime | None = None
    judging_close_at: datetime | None = None

    field_messages = {  # noqa: RUF012
        "submissions_open_at": lambda: _("Enter a date and time, like 2026-05-01 09:00."),
        "submissions_close_at": lambda: _("Enter a date and time, like 2026-06-30 23:59."),
        "judging_open_at": lambda: _("Enter a date and time, like 2026-07-01 09:00."),
        "judging_close_at": lambda: _("Enter a date and time, like 2026-07-20 18:00."),
    }

    @field_validator(
        "submissions_open_at", "submissions_close_at", "judging_open_at", "judging_close_at", mode="before"
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None

    @field_validator("submissions_open_at", "submissions_close_at", "judging_open_at", "judging_close_at")
    @classmethod
    def _wall_clock(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError(_("Enter the time without a time zone: it is read in the summit's time zone."))
        return value

    @model_validator(mode="after")
    def _windows(self) -> RoundForm:
        _named(self)
        problems: dict[str, str] = {}
        opens, closes = self.submissions_open_at, self.submissions_close_at
        if opens and closes and closes <= opens:
            problems["submissions_close_at"] = _("Submissions must close after they open.")
        if self.judging_open_at and self.judging_close_at and self.judging_close_at <= self.judging_open_at:
            problems["judging_close_at"] = _("Judging must end after it starts.")
        if problems:
            # Not a ValueError, so pydantic lets it through with its field names intact.
            raise InvalidInput({field: [message] for field, message in problems.items()})
        return self


def wall_clock_windows(body: Mapping[str, Any], timezone: str) -> dict[str, datetime | None]:
    """The window times an API body sends (ISO 8601 with an offset, or null to clear one), as the summit's
    wall-clock times that RoundForm reads. A time without an offset is refused: it would be ambiguous."""
    zone = ZoneInfo(timezone)
    windows: dict[str, datetime | None] = {}
    errors: dict[str, list[str]] = {}
    for field in [name for name in WINDOW_FIELDS if name in body]:
        value = body[field]
        if value is None or value == "":
            windows[field] = None
            continue
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
            if moment is not None and moment.tzinfo is not None:
                windows[field] = moment.astimezone(zone).replace(tzinfo=None)
                continue
        except (ValueError, OverflowError):  # OverflowError: past the year 1 or 9999 in UTC or in the summit's zone
            pass
        errors[field] = [_("Enter a date and time with its offset from UTC, like 2026-06-30T15:59:00Z.")]
    if errors:
        raise InvalidInput(errors)
    return windows


def plain(number: Decimal | None) -> str:
    """25.00 -> "25", 12.50 -> "12.5", 100 -> "100": how people write shares and years."""
    return format(number.normalize(), "f") if number is not None else ""


def parse_rule(data: Mapping[str, Any]) -> tuple[RuleKind, dict[str, Any]]:
    """An eligibility rule from the set-up form: its kind and the parameters that kind needs."""
    try:
        kind = RuleKind(str(data.get("kind", "")))
    except ValueError:
        raise InvalidInput({"kind": [_("Choose a rule from the list.")]}) from None

    def number(name: str, low: Decimal, high: Decimal, message: str, *, optional: bool = False) -> Decimal | None:
        raw = str(data.get(name, "")).strip()
        if not raw and optional:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise InvalidInput({name: [message]}) from None
        if not value.is_finite() or not low <= value <= high:
            raise InvalidInput({name: [message]})
        return value

    if kind == RuleKind.MAX_TEAM_SIZE:
        size = number("max", Decimal(1), Decimal(50), _("Enter a whole number of people from 1 to 50."))
        assert size is not None
        if size != size.to_integral_value():
            raise InvalidInput({"max": [_("Enter a whole number of people from 1 to 50.")]})
        return kind, {"max": int(size)}
    if kind == RuleKind.OVERSEAS_EXPERIENCE:
        years = number("min_years", Decimal(0), Decimal(30), _("Enter the years abroad, like 3 or 1.5."))
        within = number(
            "returned_within_years",
            Decimal(0),
            Decimal(50),
            _("Enter a whole number of years, or leave it empty."),
            optional=True,
        )
        params: dict[str, Any] = {"min_years": plain(years)}
        params["returned_within_years"] = int(within) if within is not None else None
        return kind, params
    if kind == RuleKind.FOUNDER_EQUITY:
        message = _("Enter a percentage from 0 to 100.")
        lead = number("lead_min", Decimal(0), Decimal(100), message)
        team = number("team_min", Decimal(0), Decimal(100), message)
        return kind, {"lead_min": plain(lead), "team_min": plain(team)}
    if kind == RuleKind.FOUNDED_AFTER:
        try:
            day = date.fromisoformat(str(data.get("date", "")))
        except ValueError:
            raise InvalidInput({"date": [_("Enter a date, like 2021-01-01.")]}) from None
        return kind, {"date": day.isoformat(), "allow_unincorporated": bool(data.get("allow_unincorporated"))}
    return kind, {}
