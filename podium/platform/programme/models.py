"""The summit's programme: rooms, speakers, sessions, people's bookmarks and their calendar feeds."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

# No semicolons in model docstrings: they become table comments, and a semicolon breaks SQLite migrations.


class SessionKind(StrEnum):
    KEYNOTE = "keynote"
    FORUM = "forum"
    COMPETITION = "competition"
    CEREMONY = "ceremony"
    SIDE_EVENT = "side-event"
    OTHER = "other"


class Room(Model):
    """A hall or room of the venue where sessions take place."""

    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "programme_room"
        ordering = ("position", "id")


class Speaker(Model):
    """A person on the programme. photo_key names the stored, re-encoded JPEG (empty without a photo)."""

    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    name = fields.CharField(max_length=200, default="")
    name_local = fields.CharField(max_length=200, default="")
    organisation_en = fields.CharField(max_length=200, default="")
    organisation_zh = fields.CharField(max_length=200, default="")
    bio_en = fields.TextField(default="")
    bio_zh = fields.TextField(default="")
    photo_key = fields.CharField(max_length=80, default="", db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "programme_speaker"
        ordering = ("name", "id")


class Session(Model):
    """One slot of the programme. Times are stored in UTC and entered in the summit's time zone.

    A side event may need its own registration, sold through a ticket type of the summit (ticket_type_id)."""

    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    kind = fields.CharEnumField(SessionKind, max_length=16, default=SessionKind.FORUM)
    title_en = fields.CharField(max_length=200, default="")
    title_zh = fields.CharField(max_length=200, default="")
    description_en = fields.TextField(default="")
    description_zh = fields.TextField(default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    # NO ACTION (checked at the end of the statement): a room in use cannot be removed, yet removing the whole
    # summit, which cascades to its rooms and sessions together, still works.
    room: fields.ForeignKeyNullableRelation[Room] = fields.ForeignKeyField(
        "programme.Room", related_name="sessions", null=True, on_delete=fields.NO_ACTION
    )
    room_id: int | None
    published = fields.BooleanField(default=False)
    needs_registration = fields.BooleanField(default=False)
    # The registration app's TicketType, linked by id until that app's models settle.
    ticket_type_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    speaker_links: fields.ReverseRelation[SessionSpeaker]

    class Meta:
        table = "programme_session"
        ordering = ("starts_at", "id")
        indexes = (("summit_id", "starts_at"), ("room_id", "starts_at"))


class SessionSpeaker(Model):
    """A speaker on a session, in the order they are listed."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "programme.Session", related_name="speaker_links", on_delete=fields.CASCADE
    )
    session_id: int
    speaker: fields.ForeignKeyRelation[Speaker] = fields.ForeignKeyField(
        "programme.Speaker", related_name="session_links", on_delete=fields.CASCADE
    )
    speaker_id: int
    position = fields.IntField(default=0)

    class Meta:
        table = "programme_session_speaker"
        unique_together = (("session_id", "speaker_id"),)
        ordering = ("position", "id")


class Bookmark(Model):
    """A session someone wants in their own programme and calendar feed."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "programme.Session", related_name="bookmarks", on_delete=fields.CASCADE
    )
    session_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "programme_bookmark"
        unique_together = (("user_id", "session_id"),)


class CalendarFeed(Model):
    """A person's private calendar feed of their bookmarks.

    The address carries nonce plus an HMAC of it under the server secret, so the stored nonce alone opens
    nothing. Regenerating replaces the nonce, and the old address stops working."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "platform.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    nonce = fields.CharField(max_length=32, unique=True)
    # The language the feed was issued in, for people who left theirs to the browser (calendar apps send none).
    locale = fields.CharField(max_length=16, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "programme_calendar_feed"
