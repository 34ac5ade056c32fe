"""Summit set-up and role forms."""

from __future__ import annotations

from datetime import date

from pydantic import field_validator, model_validator

from podium.platform import i18n
from podium.platform.forms import Form, LongText, ShortText, Slug, TimeZone
from podium.platform.i18n import gettext as _
from podium.platform.summits.models import Role
from podium.platform.users.forms import normalize_email


class SummitForm(Form):
    slug: Slug
    name_en: ShortText = ""
    name_zh: ShortText = ""
    description_en: LongText = ""
    description_zh: LongText = ""
    venue_en: ShortText = ""
    venue_zh: ShortText = ""
    starts_on: date
    ends_on: date
    timezone: TimeZone = "Asia/Shanghai"
    currency: str = "CNY"

    field_messages = {  # noqa: RUF012 - read-only by convention
        "starts_on": lambda: _("Enter the first day, like 2026-09-20."),
        "ends_on": lambda: _("Enter the last day, like 2026-09-22."),
    }

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        value = value.upper()
        if not i18n.is_currency(value):
            raise ValueError(_("Enter a three-letter currency code, like CNY or USD."))
        return value

    @model_validator(mode="after")
    def _checks(self) -> SummitForm:
        if not self.name_en and not self.name_zh:
            raise ValueError(_("Give the summit a name in at least one language."))
        if self.ends_on < self.starts_on:
            raise ValueError(_("The last day cannot be before the first day."))
        return self


class GrantRoleForm(Form):
    email: str
    role: Role

    field_messages = {"role": lambda: _("Choose a role from the list.")}  # noqa: RUF012

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalize_email(value)
