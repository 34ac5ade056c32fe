"""Notification: an e-mail to send, unique by key."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Notification(Model):
    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=200, unique=True)
    recipient = fields.CharField(max_length=254)
    kind = fields.CharField(max_length=64)
    locale = fields.CharField(max_length=16)
    context: dict[str, Any] = fields.JSONField(default=dict)
    status = fields.CharEnumField(NotificationStatus, max_length=16, default=NotificationStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    claimed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "platform_notification"
        indexes = (("status", "created_at"),)
