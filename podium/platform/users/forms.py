"""Account forms: sign-up, sign-in, passwords and profile."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from pydantic import field_validator, model_validator

from podium.platform import i18n
from podium.platform.forms import Country, Form, ShortText, TimeZone
from podium.platform.i18n import gettext as _

PASSWORD_MIN = 10
PASSWORD_MAX = 200


def normalize_email(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValueError(_("Enter your e-mail address."))
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(_("Enter a valid e-mail address, like name@example.com.")) from None
    return result.normalized.lower()


def check_password(value: str) -> str:
    if len(value) < PASSWORD_MIN:
        raise ValueError(_("Use at least %(min)d characters.", min=PASSWORD_MIN))
    if len(value) > PASSWORD_MAX:
        raise ValueError(_("Use at most %(max)d characters.", max=PASSWORD_MAX))
    if len(set(value)) < 4:
        raise ValueError(_("This password is too easy to guess. Mix more different characters."))
    return value


class SignUpForm(Form):
    email: str
    password: str
    name: ShortText = ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalize_email(value)

    @field_validator("password")
    @classmethod
    def _password(cls, value: str) -> str:
        return check_password(value)

    @model_validator(mode="after")
    def _not_email(self) -> SignUpForm:
        if self.password.lower() == self.email:
            raise ValueError(_("Your password must not be your e-mail address."))
        return self


class SignInForm(Form):
    email: str
    password: str
    next: str = ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("Enter your e-mail address."))
        return value.strip().lower()

    @field_validator("password")
    @classmethod
    def _password(cls, value: str) -> str:
        if not value:
            raise ValueError(_("Enter your password."))
        return value[:PASSWORD_MAX]


class EmailForm(Form):
    email: str

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalize_email(value)


class NewPasswordForm(Form):
    password: str
    password_again: str

    @field_validator("password")
    @classmethod
    def _password(cls, value: str) -> str:
        return check_password(value)

    @model_validator(mode="after")
    def _same(self) -> NewPasswordForm:
        if self.password != self.password_again:
            raise ValueError(_("The two passwords differ. Type the same password twice."))
        return self


class ChangePasswordForm(NewPasswordForm):
    current_password: str

    @field_validator("current_password")
    @classmethod
    def _current(cls, value: str) -> str:
        if not value:
            raise ValueError(_("Enter your current password."))
        return value


class ConfirmPasswordForm(Form):
    password: str

    @field_validator("password")
    @classmethod
    def _password(cls, value: str) -> str:
        if not value:
            raise ValueError(_("Enter your password to confirm."))
        return value


class ProfileForm(Form):
    name: ShortText = ""
    name_local: ShortText = ""
    locale: str = ""
    timezone: TimeZone = "UTC"
    country: Country = ""
    organisation: ShortText = ""

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value and value not in i18n.LOCALES:
            raise ValueError(_("Choose a language from the list."))
        return value


class TokenForm(Form):
    name: str

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value:
            raise ValueError(_("Give the token a name, such as the script that will use it."))
        if len(value) > 100:
            raise ValueError(_("Use at most %(max)d characters.", max=100))
        return value


def profile_values(user: Any) -> dict[str, str]:
    return {field: getattr(user, field) or "" for field in ProfileForm.model_fields}
