"""Competition, Track, Division and Round: the frame every project is submitted into."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    JUDGING = "judging"
    CLOSED = "closed"
    PUBLISHED = "published"


class DivisionKind(StrEnum):
    REGION = "region"
    GROUP = "group"


class Competition(Model):
    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    slug = fields.CharField(max_length=80)
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    description_en = fields.TextField(default="")
    description_zh = fields.TextField(default="")
    rules_en = fields.TextField(default="")
    rules_zh = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    tracks: fields.ReverseRelation[Track]
    divisions: fields.ReverseRelation[Division]
    rounds: fields.ReverseRelation[Round]

    class Meta:
        table = "competitions_competition"
        unique_together = (("summit_id", "slug"),)
        ordering = ("id",)


class Track(Model):
    """An industry track, such as AI or medicine and health."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name="tracks", on_delete=fields.CASCADE
    )
    competition_id: int
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "competitions_track"
        ordering = ("position", "id")


class Division(Model):
    """A region or channel (overseas, Europe) or a group (pre-company maker, company growth)."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name="divisions", on_delete=fields.CASCADE
    )
    competition_id: int
    kind = fields.CharEnumField(DivisionKind, max_length=16, default=DivisionKind.REGION)
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "competitions_division"
        ordering = ("kind", "position", "id")


class Round(Model):
    """One stage of the competition. Windows are stored in UTC and entered in the summit's time zone."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name="rounds", on_delete=fields.CASCADE
    )
    competition_id: int
    position = fields.IntField()
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    submissions_open_at = fields.DatetimeField(null=True)
    submissions_close_at = fields.DatetimeField(null=True)
    judging_open_at = fields.DatetimeField(null=True)
    judging_close_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(RoundStatus, max_length=16, default=RoundStatus.DRAFT)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "competitions_round"
        unique_together = (("competition_id", "position"),)
        ordering = ("position",)
