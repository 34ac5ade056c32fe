"""Programme forms. Session times arrive as the summit's local wall-clock time (<input type="datetime-local">)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator
from starlette.datastructures import FormData

from podium.platform.errors import InvalidInput
from podium.platform.forms import Form, LongText, ShortText, parse, values_of
from podium.platform.i18n import gettext as _
from podium.platform.programme.models import SessionKind
from podium.platform.programme.queries import MAX_ID

# Lower comes first; bounded so that no number typed in can overflow the column.
Position = Annotated[int, Field(ge=-1_000_000, le=1_000_000)]
# A row chosen from a list: a 32-bit id.
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
# A session lists at most this many speakers.
MAX_SPEAKERS = 40
# Outside these years a time is a typing mistake (and converting it between zones could overflow).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2200


class RoomForm(Form):
    name_en: ShortText = ""
    name_zh: ShortText = ""
    position: Position = 0

    field_messages = {"position": lambda: _("Enter a whole number; lower numbers come first.")}  # noqa: RUF012

    @model_validator(mode="after")
    def _named(self) -> RoomForm:
        if not self.name_en and not self.name_zh:
            raise InvalidInput({"name_en": [_("Give the room a name in at least one language.")]})
        return self


class SpeakerForm(Form):
    name: ShortText = ""
    name_local: ShortText = ""
    organisation_en: ShortText = ""
    organisation_zh: ShortText = ""
    bio_en: LongText = ""
    bio_zh: LongText = ""
    remove_photo: bool = False

    @field_validator("remove_photo", mode="before")
    @classmethod
    def _unticked(cls, value: object) -> object:
        return value or False

    @model_validator(mode="after")
    def _named(self) -> SpeakerForm:
        if not self.name and not self.name_local:
            raise InvalidInput({"name": [_("Enter the speaker's name.")]})
        return self


class SessionForm(Form):
    kind: SessionKind = SessionKind.FORUM
    title_en: ShortText = ""
    title_zh: ShortText = ""
    description_en: LongText = ""
    description_zh: LongText = ""
    # <input type="datetime-local"> values, in the summit's time zone.
    starts_at: datetime
    ends_at: datetime
    room_id: RowId | None = None
    speakers: list[RowId] = Field(default_factory=list)
    published: bool = False
    needs_registration: bool = False
    # The ticket type that sells the places of a side event with its own registration.
    ticket_type_id: RowId | None = None

    field_messages = {  # noqa: RUF012
        "ticket_type_id": lambda: _("Choose a ticket type from the list."),
        "kind": lambda: _("Choose a kind of session from the list."),
        "starts_at": lambda: _("Enter a date and time, like 2026-09-19 09:30."),
        "ends_at": lambda: _("Enter a date and time, like 2026-09-19 11:00."),
        "room_id": lambda: _("Choose a room from the list."),
        "speakers": lambda: _("Choose speakers from the list."),
    }

    @field_validator("room_id", "ticket_type_id", mode="before")
    @classmethod
    def _no_room(cls, value: object) -> object:
        return value or None

    @field_validator("published", "needs_registration", mode="before")
    @classmethod
    def _unticked(cls, value: object) -> object:
        return value or False

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _wall_clock(cls, value: datetime) -> datetime:
        if value.tzinfo is not None:
            raise ValueError(_("Enter the time without a time zone: it is read in the summit's time zone."))
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ValueError(_("Enter a date and time, like 2026-09-19 09:30."))
        return value

    @field_validator("speakers")
    @classmethod
    def _few_speakers(cls, value: list[int]) -> list[int]:
        if len(value) > MAX_SPEAKERS:
            raise ValueError(_("List at most %(max)d speakers.", max=MAX_SPEAKERS))
        return list(dict.fromkeys(value))  # each once, in the order chosen

    @model_validator(mode="after")
    def _checks(self) -> SessionForm:
        problems: dict[str, list[str]] = {}
        if not self.title_en and not self.title_zh:
            problems["title_en"] = [_("Give the session a title in at least one language.")]
        if self.ends_at <= self.starts_at:
            problems["ends_at"] = [_("The session must end after it starts.")]
        if self.needs_registration and self.kind != SessionKind.SIDE_EVENT:
            problems["needs_registration"] = [_("Only side events take their own registration.")]
        if self.ticket_type_id is not None and not self.needs_registration:
            problems["ticket_type_id"] = [_("Tick “own registration” to sell places through a ticket type.")]
        if problems:
            # Not a ValueError, so pydantic lets it through with its field names intact.
            raise InvalidInput(problems)
        return self


def session_values(data: FormData | Mapping[str, Any]) -> dict[str, Any]:
    """The submitted session fields, with every chosen speaker (a multi-valued field)."""
    values = values_of(data)
    if isinstance(data, FormData):
        values["speakers"] = [value for value in data.getlist("speakers") if isinstance(value, str)]
    return values


def parse_session(data: FormData | Mapping[str, Any]) -> SessionForm:
    return parse(SessionForm, session_values(data))
