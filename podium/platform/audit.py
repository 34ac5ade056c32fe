"""The audit log: who changed what, when. Every state change of note writes one entry."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    action = fields.CharField(max_length=64)
    object_type = fields.CharField(max_length=64)
    object_id = fields.CharField(max_length=64, default="")
    data: dict[str, Any] = fields.JSONField(default=dict)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "platform_audit_entry"
        indexes = (("object_type", "object_id"),)
        ordering = ("-at", "-id")


async def record(
    action: str,
    *,
    actor_id: int | None,
    object_type: str,
    object_id: object = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    return await AuditEntry.create(
        actor_id=actor_id, action=action, object_type=object_type, object_id=str(object_id), data=data or {}
    )
