"""Project and team forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from pydantic import field_validator

from podium.competitions.models import OverseasExperience
from podium.platform.forms import Country, Form, ShortText
from podium.platform.i18n import gettext as _
from podium.platform.users.forms import normalize_email

SUMMARY_MAX = 5000


def clean_url(value: str) -> str:
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or "." not in (parts.hostname or ""):
        raise ValueError(_("Enter a web address, like https://example.com."))
    return value[:500]


class ProjectForm(Form):
    title: ShortText = ""
    summary: str = ""
    website: str = ""
    video_url: str = ""
    country: Country = ""
    referral: ShortText = ""
    track_id: int | None = None
    division_id: int | None = None
    incorporated_on: date | None = None

    field_messages = {  # noqa: RUF012
        "track_id": lambda: _("Choose a track from the list."),
        "division_id": lambda: _("Choose a division from the list."),
        "incorporated_on": lambda: _("Enter a date, like 2024-07-01, or leave it empty."),
    }

    @field_validator("track_id", "division_id", "incorporated_on", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return value or None

    @field_validator("summary")
    @classmethod
    def _summary(cls, value: str) -> str:
        if len(value) > SUMMARY_MAX:
            raise ValueError(_("Use at most %(max)d characters.", max=SUMMARY_MAX))
        return value

    @field_validator("website", "video_url")
    @classmethod
    def _links(cls, value: str) -> str:
        return clean_url(value)


class MemberForm(Form):
    email: str
    name: ShortText = ""
    role: ShortText = ""
    equity: Decimal = Decimal(0)
    overseas: OverseasExperience = OverseasExperience.NONE
    overseas_years: Decimal = Decimal(0)
    returned_on: date | None = None

    field_messages = {  # noqa: RUF012
        "overseas": lambda: _("Choose from the list."),
        "returned_on": lambda: _("Enter a date, like 2024-07-01."),
    }

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalize_email(value)

    @field_validator("returned_on", mode="before")
    @classmethod
    def _blank_date(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("equity", mode="before")
    @classmethod
    def _equity(cls, value: object) -> Decimal:
        if value is None or value == "":
            return Decimal(0)
        try:
            number = Decimal(str(value if value is not None else 0))
        except InvalidOperation:
            raise ValueError(_("Enter the share in percent, from 0 to 100, like 35 or 12.5.")) from None
        if (
            not number.is_finite()
            or not Decimal(0) <= number <= Decimal(100)
            or number != number.quantize(Decimal("0.01"))
        ):
            raise ValueError(_("Enter the share in percent, from 0 to 100, like 35 or 12.5."))
        return number

    @field_validator("overseas_years", mode="before")
    @classmethod
    def _years(cls, value: object) -> Decimal:
        if value is None or value == "":
            return Decimal(0)
        try:
            number = Decimal(str(value if value is not None else 0))
        except InvalidOperation:
            raise ValueError(_("Enter the years abroad, like 3 or 1.5.")) from None
        if (
            not number.is_finite()
            or not Decimal(0) <= number <= Decimal(80)
            or number != number.quantize(Decimal("0.1"))
        ):
            raise ValueError(_("Enter the years abroad, like 3 or 1.5."))
        return number
