"""Summit and SummitRole."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from podium.platform.users.models import User


class Role(StrEnum):
    ORGANIZER = "organizer"
    JUDGE = "judge"
    STAFF = "staff"


class Summit(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=80, unique=True)
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    description_en = fields.TextField(default="")
    description_zh = fields.TextField(default="")
    venue_en = fields.CharField(max_length=200, default="")
    venue_zh = fields.CharField(max_length=200, default="")
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")
    currency = fields.CharField(max_length=3, default="CNY")
    # Editions of one event share a series ("ges"), so that their figures can be compared side by side.
    series = fields.CharField(max_length=50, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    roles: fields.ReverseRelation[SummitRole]

    class Meta:
        table = "platform_summit"
        ordering = ("-starts_on", "id")

    def __str__(self) -> str:
        return self.name_en or self.name_zh or self.slug


class SummitRole(Model):
    """A role in one summit, granted by e-mail. user is set once that address is a verified account."""

    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Summit] = fields.ForeignKeyField(
        "platform.Summit", related_name="roles", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "platform.User", related_name="summit_roles", null=True, on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    role = fields.CharEnumField(Role, max_length=16)
    summit_id: int
    user_id: int | None
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "platform_summit_role"
        unique_together = (("summit_id", "email", "role"),)
        indexes = (("user_id", "summit_id"),)
        ordering = ("role", "email")
