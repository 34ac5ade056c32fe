"""Turning submitted fields into typed objects, or InvalidInput with a message a person can act on."""

from __future__ import annotations

import contextlib
import hmac
import re
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, field_validator
from starlette.datastructures import FormData
from starlette.requests import Request

from podium.platform import i18n
from podium.platform.errors import NON_FIELD, InvalidInput, PermissionDenied
from podium.platform.i18n import gettext as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Form(BaseModel):
    """A pydantic model whose errors become InvalidInput keyed by field name."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore", frozen=True)
    # Field name -> callable returning the translated message shown when that field is wrong.
    field_messages: ClassVar[dict[str, Any]] = {}

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # PostgreSQL cannot store NUL, and no one types the other C0 controls on purpose.
        if isinstance(value, str) and _CONTROL.search(value):
            raise ValueError(_("Remove the invisible control characters from this text."))
        return value


F = TypeVar("F", bound=Form)


@contextlib.asynccontextmanager
async def verified_form(
    request: Request, *, max_files: int = 1, max_fields: int = 20, max_part_size: int = 64 * 1024
) -> AsyncIterator[FormData]:
    """An upload form parsed with these limits first, then its CSRF token checked (the middleware defers
    that check for upload paths rather than buffer the whole body). Closes the spooled files afterwards."""
    async with request.form(max_files=max_files, max_fields=max_fields, max_part_size=max_part_size) as form:
        sent = form.get("csrf_token")
        expected = getattr(request.state, "csrf_token", "")
        if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
            raise PermissionDenied(
                _("This form has expired or was not sent from Podium. Reload the page and try again.")
            )
        request.state.csrf_verified = True
        yield form


def _at_most(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(_("Use at most %(max)d characters.", max=limit))
        return value

    return check


def _time_zone(value: str) -> str:
    if not i18n.is_timezone(value):
        raise ValueError(_("Choose a time zone from the list."))
    return value


_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")


def _slug(value: str) -> str:
    value = value.lower()
    if not _SLUG.match(value):
        raise ValueError(_("Use lower-case letters, digits and dashes, like hicool-2026."))
    return value


def _country(value: str) -> str:
    value = value.upper()
    if value and not i18n.is_country(value):
        raise ValueError(_("Choose a country from the list."))
    return value


# Field types shared by every form: a one-line text, a long text, an IANA time zone, a web address part.
ShortText = Annotated[str, AfterValidator(_at_most(200))]
Slug = Annotated[str, AfterValidator(_slug)]
Country = Annotated[str, AfterValidator(_country)]  # ISO 3166 alpha-2, or empty
LongText = Annotated[str, AfterValidator(_at_most(20000))]
TimeZone = Annotated[str, AfterValidator(_time_zone)]


def values_of(data: FormData | Mapping[str, Any]) -> dict[str, Any]:
    """Plain dict of the submitted values (text fields only), for re-rendering a form after an error."""
    if isinstance(data, FormData):
        return {key: value for key, value in data.multi_items() if isinstance(value, str)}
    return dict(data)


def parse(form: type[F], data: FormData | Mapping[str, Any]) -> F:
    try:
        return form.model_validate(values_of(data))
    except ValidationError as exc:
        raise InvalidInput(errors_from(form, exc)) from None


def errors_from(form: type[Form], exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else NON_FIELD
        if error["type"] == "value_error" and "error" in error.get("ctx", {}):
            message = str(error["ctx"]["error"])
        elif field in form.field_messages:
            message = str(form.field_messages[field]())
        elif error["type"] == "missing":
            message = _("This field is required.")
        else:
            message = _("Check this value.")
        errors.setdefault(field, [])
        if message not in errors[field]:
            errors[field].append(message)
    return errors
