"""Users, their server-side sessions and API tokens."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=255)
    name = fields.CharField(max_length=200, default="")
    name_local = fields.CharField(max_length=200, default="")
    # "" means "follow the browser"; otherwise one of i18n.LOCALES.
    locale = fields.CharField(max_length=16, default="")
    timezone = fields.CharField(max_length=64, default="UTC")
    country = fields.CharField(max_length=2, default="")
    organisation = fields.CharField(max_length=200, default="")
    is_superuser = fields.BooleanField(default=False)
    is_active = fields.BooleanField(default=True)
    email_verified_at = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    sessions: fields.ReverseRelation[Session]
    api_tokens: fields.ReverseRelation[ApiToken]

    class Meta:
        table = "platform_user"

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.name_local or self.email

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class Session(Model):
    """A signed-in browser. The cookie holds a random key, and only its SHA-256 is stored."""

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "platform.User", related_name="sessions", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=300, default="")

    class Meta:
        table = "platform_session"


class ApiToken(Model):
    """A bearer token for /api/v1. Shown once when minted, and only its SHA-256 is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "platform.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    user_id: int
    name = fields.CharField(max_length=100)
    prefix = fields.CharField(max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "platform_api_token"
        ordering = ("-created_at",)
