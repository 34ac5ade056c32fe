"""The visa letter request form: passport name, nationality, number, dates, and an optional purpose and stay."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationError, ValidationInfo, field_validator, model_validator
from starlette.datastructures import FormData

from podium.platform.errors import InvalidInput
from podium.platform.forms import Country, Form, ShortText, errors_from, values_of
from podium.platform.i18n import format_date
from podium.platform.i18n import gettext as _

_PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
_OLDEST = date(1900, 1, 1)


def _purpose(value: str) -> str:
    if len(value) > 1000:
        raise ValueError(_("Use at most %(max)d characters.", max=1000))
    return value


def _passport_number(value: str) -> str:
    """As printed, without the spaces some passports print in it: letters and digits only."""
    value = re.sub(r"[\s-]+", "", value).upper()
    if value and not _PASSPORT_NUMBER.match(value):
        raise ValueError(_("Enter the passport number as printed: 5 to 20 letters and digits."))
    return value


class VisaForm(Form):
    """Validated with a context: today (where the summit is), the summit's last day, and whether a passport
    number is already on file (then the field may stay empty to keep it)."""

    passport_name: ShortText = Field(min_length=1)
    nationality: Country = Field(min_length=2)
    passport_number: Annotated[str, AfterValidator(_passport_number)] = Field(default="", validate_default=True)
    date_of_birth: date
    passport_expires_on: date
    purpose: Annotated[str, AfterValidator(_purpose)] = ""
    arrives_on: date | None = None
    departs_on: date | None = None

    field_messages = {  # noqa: RUF012 - read-only by convention
        "passport_name": lambda: _("Enter your name exactly as it is printed in your passport."),
        "nationality": lambda: _("Choose your nationality from the list."),
        "date_of_birth": lambda: _("Enter your date of birth, like 1990-05-31."),
        "passport_expires_on": lambda: _("Enter the date your passport expires, like 2031-05-31."),
        "arrives_on": lambda: _("Enter a date like 2026-09-16, or leave it empty."),
        "departs_on": lambda: _("Enter a date like 2026-09-21, or leave it empty."),
    }

    @field_validator("arrives_on", "departs_on", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None

    @field_validator("passport_number")
    @classmethod
    def _number_given(cls, value: str, info: ValidationInfo) -> str:
        if not value and not (info.context or {}).get("has_number"):
            raise ValueError(_("Enter the passport number as printed: 5 to 20 letters and digits."))
        return value

    @field_validator("date_of_birth")
    @classmethod
    def _born(cls, value: date, info: ValidationInfo) -> date:
        if value >= _today(info):
            raise ValueError(_("The date of birth must be in the past."))
        if value < _OLDEST:
            raise ValueError(_("Enter your date of birth, like 1990-05-31."))
        return value

    @field_validator("passport_expires_on")
    @classmethod
    def _valid_for_the_stay(cls, value: date, info: ValidationInfo) -> date:
        if value <= _today(info):
            raise ValueError(_("This passport has expired. Enter the details of a valid passport."))
        last_day = (info.context or {}).get("summit_ends_on")
        if isinstance(last_day, date) and value < last_day:
            raise ValueError(
                _(
                    "The passport must be valid until at least the summit's last day, %(date)s.",
                    date=format_date(last_day, "long"),
                )
            )
        return value

    @model_validator(mode="after")
    def _stay(self) -> VisaForm:
        if self.arrives_on and self.departs_on and self.departs_on < self.arrives_on:
            raise InvalidInput({"departs_on": [_("The departure must not come before the arrival.")]})
        return self


def _today(info: ValidationInfo) -> date:
    today = (info.context or {}).get("today")
    return today if isinstance(today, date) else date.today()


def visa_from_page(
    data: FormData | Mapping[str, Any], *, today: date, summit_ends_on: date, has_number: bool
) -> VisaForm:
    """Parse the request; every field's problem is reported at once."""
    context = {"today": today, "summit_ends_on": summit_ends_on, "has_number": has_number}
    try:
        return VisaForm.model_validate(values_of(data), context=context)
    except ValidationError as exc:
        raise InvalidInput(errors_from(VisaForm, exc)) from None
