"""Registration forms: ticket types and vouchers (organizers), orders with their attendees, waitlist, names.

Money is integer minor units everywhere inside; the organizer's pages take prices in major units (98.50) and
convert them here. Times on the organizer's pages are the summit's wall-clock time, like round windows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from babel import numbers
from pydantic import AfterValidator, Field, ValidationError, ValidationInfo, field_validator, model_validator
from starlette.datastructures import FormData

from podium.platform import i18n
from podium.platform.errors import NON_FIELD, InvalidInput
from podium.platform.forms import Country, Form, LongText, ShortText, values_of
from podium.platform.i18n import gettext as _
from podium.platform.registration.models import VoucherKind
from podium.platform.users.forms import normalize_email

MAX_CAPACITY = 1_000_000
MAX_PRICE = 100_000_000  # minor units: a million yuan or dollars
MAX_PER_ORDER = 100
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")


def _email(value: str) -> str:
    return normalize_email(value)


Email = Annotated[str, AfterValidator(_email)]


def _currency(value: str) -> str:
    value = value.strip().upper()
    if not i18n.is_currency(value):
        raise ValueError(_("Enter a three-letter currency code, like CNY or USD."))
    return value


Currency = Annotated[str, AfterValidator(_currency)]


def _locale(value: str) -> str:
    return i18n.normalize_locale(value) or i18n.DEFAULT_LOCALE


Locale = Annotated[str, AfterValidator(_locale)]


def field_errors(exc: ValidationError, messages: Mapping[str, Any] | None = None) -> dict[str, list[str]]:
    """Errors keyed by the whole path of the field, like attendees.1.email."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        field = ".".join(loc) or NON_FIELD
        # An item of a list (attendees.0) takes the list's message.
        leaf = next((part for part in reversed(loc) if not part.isdigit()), NON_FIELD)
        if error["type"] == "value_error" and "error" in error.get("ctx", {}):
            message = str(error["ctx"]["error"])
        elif messages and leaf in messages:
            message = str(messages[leaf]())
        elif error["type"] == "missing":
            message = _("This field is required.")
        else:
            message = _("Check this value.")
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    return errors


def minor_units(raw: object, currency: str, field: str = "price") -> int:
    """A price typed in major units (1280 or 1280.50) as integer minor units of the currency."""
    text = str(raw or "0").strip().replace(",", "")
    digits = numbers.get_currency_precision(currency) if i18n.is_currency(currency) else 2
    try:
        amount = Decimal(text or "0")
    except InvalidOperation:
        amount = Decimal(-1)
    too_big = not amount.is_finite() or amount.adjusted() > 9  # also keeps quantize() within its precision
    if too_big or amount < 0 or amount != amount.quantize(Decimal(1).scaleb(-digits)):
        raise InvalidInput({field: [_("Enter an amount like 1280 or 99.50 (0 for free).")]})
    return int(amount.scaleb(digits))


def major_units(amount: int, currency: str) -> str:
    """Integer minor units as the plain number an organizer types (1280.50), for refilling a form."""
    return str(i18n.minor_to_decimal(amount, currency)) if i18n.is_currency(currency) else str(amount)


# ---- ticket types and vouchers -------------------------------------------------------------------


class TicketTypeForm(Form):
    name_en: ShortText = ""
    name_zh: ShortText = ""
    description_en: LongText = ""
    description_zh: LongText = ""
    price: int = Field(default=0, ge=0, le=MAX_PRICE)
    currency: Currency = "CNY"
    capacity: int = Field(ge=1, le=MAX_CAPACITY)
    max_per_order: int = Field(default=10, ge=1, le=MAX_PER_ORDER)
    # <input type="datetime-local"> values, in the summit's time zone.
    sales_start: datetime | None = None
    sales_end: datetime | None = None
    hidden: bool = False
    position: int = Field(default=0, ge=-10000, le=10000)

    field_messages = {  # noqa: RUF012 - read-only by convention
        "price": lambda: _("Enter the price in minor units (fen, cents): a whole number, 0 for free."),
        "capacity": lambda: _("Enter the number of seats, a whole number from 1 to 1,000,000."),
        "max_per_order": lambda: _("Enter a whole number from 1 to 100."),
        "sales_start": lambda: _("Enter a date and time, like 2026-05-01 09:00."),
        "sales_end": lambda: _("Enter a date and time, like 2026-09-17 23:59."),
        "position": lambda: _("Enter a whole number; lower numbers come first."),
        "hidden": lambda: _("Check this value."),
    }

    @field_validator("sales_start", "sales_end", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None

    @field_validator("sales_start", "sales_end")
    @classmethod
    def _wall_clock(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError(_("Enter the time without a time zone: it is read in the summit's time zone."))
        return value

    @model_validator(mode="after")
    def _checks(self) -> TicketTypeForm:
        problems: dict[str, list[str]] = {}
        if not self.name_en and not self.name_zh:
            problems["name_en"] = [_("Give the ticket type a name in at least one language.")]
        if self.sales_start and self.sales_end and self.sales_end <= self.sales_start:
            problems["sales_end"] = [_("Sales must end after they start.")]
        if problems:
            raise InvalidInput(problems)
        return self


def ticket_type_from_page(data: FormData | Mapping[str, Any]) -> TicketTypeForm:
    values = values_of(data)
    currency = str(values.get("currency") or "CNY").strip().upper()
    values["hidden"] = bool(values.get("hidden"))
    return _with_amount(TicketTypeForm, values, "price", currency)


def _with_amount(form: type[FormT], values: dict[str, Any], field: str, currency: str) -> FormT:
    """Parse a page's form whose `field` is typed in major units; its error joins the others."""
    errors: dict[str, list[str]] = {}
    try:
        values[field] = minor_units(values.get(field), currency, field=field)
    except InvalidInput as exc:
        errors, values[field] = exc.errors, 0
    try:
        parsed = parse_form(form, values)
    except InvalidInput as exc:
        raise InvalidInput({**exc.errors, **errors}) from None
    if errors:
        raise InvalidInput(errors)
    return parsed


class VoucherForm(Form):
    code: str
    ticket_type: int | None = None
    kind: VoucherKind = VoucherKind.PERCENT
    value: int = Field(default=0, ge=0, le=MAX_PRICE)
    max_uses: int | None = Field(default=None, ge=1, le=MAX_CAPACITY)
    reserved: int = Field(default=0, ge=0, le=MAX_CAPACITY)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    active: bool = True
    note: ShortText = ""

    field_messages = {  # noqa: RUF012
        "ticket_type": lambda: _("Choose a ticket type of this summit."),
        "kind": lambda: _("Choose percentage, fixed amount or free."),
        "max_uses": lambda: _("Enter a whole number of tickets, or leave it empty for no limit."),
        "reserved": lambda: _("Enter a whole number of seats, 0 for none."),
        "valid_from": lambda: _("Enter a date and time, like 2026-05-01 09:00."),
        "valid_until": lambda: _("Enter a date and time, like 2026-09-17 23:59."),
        "value": lambda: _("Check this value."),
    }

    @field_validator("ticket_type", "max_uses", "valid_from", "valid_until", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value if value not in ("", None) else None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        value = value.strip().upper()
        if not _CODE.match(value):
            raise ValueError(_("Use 3 to 40 letters, digits, dashes or underscores, like PARTNER-2026."))
        return value

    @field_validator("valid_from", "valid_until")
    @classmethod
    def _wall_clock(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError(_("Enter the time without a time zone: it is read in the summit's time zone."))
        return value

    @model_validator(mode="after")
    def _checks(self) -> VoucherForm:
        problems: dict[str, list[str]] = {}
        if self.kind == VoucherKind.PERCENT and not 1 <= self.value <= 100:
            problems["value"] = [_("Enter a percentage from 1 to 100.")]
        if self.kind == VoucherKind.FIXED and self.value < 1:
            problems["value"] = [_("Enter the amount taken off each ticket.")]
        if self.kind == VoucherKind.FIXED and self.ticket_type is None:
            problems["ticket_type"] = [_("A fixed discount is in the currency of one ticket type: choose it.")]
        if self.reserved and self.ticket_type is None:
            problems["ticket_type"] = [_("Seats are set aside in one ticket type: choose it.")]
        if self.max_uses is not None and self.reserved > self.max_uses:
            problems["reserved"] = [_("Set aside no more seats than the voucher can be used for.")]
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            problems["valid_until"] = [_("The end of validity must come after its start.")]
        if problems:
            raise InvalidInput(problems)
        return self


def voucher_from_page(data: FormData | Mapping[str, Any], currencies: Mapping[int, str]) -> VoucherForm:
    """The organizer's voucher form: a fixed discount is typed in major units of the chosen type's currency."""
    values = values_of(data)
    values["active"] = bool(values.get("active"))
    if values.get("kind") == VoucherKind.FIXED:
        type_id = str(values.get("ticket_type") or "")
        currency = currencies.get(int(type_id), "CNY") if type_id.isdigit() and len(type_id) < 10 else "CNY"
        return _with_amount(VoucherForm, values, "value", currency)
    if values.get("kind") == VoucherKind.FREE:
        values["value"] = 0
    return parse_form(VoucherForm, values)


# ---- orders ----------------------------------------------------------------------------------------


class AttendeeForm(Form):
    name: ShortText = Field(min_length=1)
    email: Email
    organisation: ShortText = ""
    country: Country = ""
    locale: Locale = ""

    field_messages = {"name": lambda: _("Enter the attendee's name as it should appear on the ticket.")}  # noqa: RUF012


class OrderForm(Form):
    ticket_type: int
    quantity: int = Field(ge=1, le=MAX_PER_ORDER)
    email: Email
    name: ShortText = ""
    voucher: str = Field(default="", max_length=40)
    locale: Locale = ""
    attendees: list[AttendeeForm] = Field(min_length=1, max_length=MAX_PER_ORDER)

    field_messages = {  # noqa: RUF012
        "ticket_type": lambda: _("Choose a ticket type of this summit."),
        "quantity": lambda: _("Choose how many tickets, from 1 to %(max)d.", max=MAX_PER_ORDER),
        "attendees": lambda: _("Enter one attendee for each ticket."),
        "voucher": lambda: _("This voucher code is not valid."),
    }

    @field_validator("ticket_type", "quantity", mode="before")
    @classmethod
    def _whole_number(cls, value: object, info: ValidationInfo) -> object:
        # JSON true is not 1, and 2.5 tickets are not 2.
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(str(cls.field_messages[str(info.field_name)]()))
        return value

    @model_validator(mode="after")
    def _one_attendee_per_ticket(self) -> OrderForm:
        if len(self.attendees) != self.quantity:
            raise InvalidInput({"attendees": [_("Enter one attendee for each ticket.")]})
        return self


FormT = TypeVar("FormT", bound=Form)


def parse_form(form: type[FormT], values: Mapping[str, Any]) -> FormT:
    try:
        return form.model_validate(dict(values))
    except ValidationError as exc:
        messages = {**AttendeeForm.field_messages, **form.field_messages} if form is OrderForm else form.field_messages
        raise InvalidInput(field_errors(exc, messages)) from None


def order_from_api(body: Mapping[str, Any]) -> OrderForm:
    """The API's order body. The buyer's e-mail defaults to the first attendee's, quantity to their number."""
    values = dict(body)
    attendees = values.get("attendees")
    if isinstance(attendees, list):
        if "quantity" not in values:
            values["quantity"] = len(attendees)
        first = attendees[0] if attendees and isinstance(attendees[0], Mapping) else {}
        if not values.get("email") and isinstance(first.get("email"), str):
            values["email"] = first["email"]
    if values.get("voucher") is None:
        values.pop("voucher", None)
    return parse_form(OrderForm, values)


ATTENDEE_FIELDS = ("name", "email", "organisation", "country", "locale")


def order_from_page(data: FormData | Mapping[str, Any], *, ticket_type: int, quantity: int) -> OrderForm:
    """The order page: attendees come as attendees.0.name, attendees.0.email, and so on."""
    values = values_of(data)
    attendees = [
        {name: values.get(f"attendees.{index}.{name}", "") for name in ATTENDEE_FIELDS} for index in range(quantity)
    ]
    return parse_form(
        OrderForm,
        {
            "ticket_type": ticket_type,
            "quantity": quantity,
            "email": values.get("email", ""),
            "name": values.get("name", ""),
            "voucher": values.get("voucher", ""),
            "locale": values.get("locale", ""),
            "attendees": attendees,
        },
    )


class NameForm(Form):
    name: ShortText = Field(min_length=1)

    field_messages = {"name": lambda: _("Enter the attendee's name as it should appear on the ticket.")}  # noqa: RUF012


class WaitlistForm(Form):
    email: Email
    name: ShortText = ""
    locale: Locale = ""
