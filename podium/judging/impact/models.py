"""A project's consent to be listed on its summit's public impact page."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class ImpactOptIn(Model):
    """Whether the team lists its project by name on the summit's public impact page.

    Listed, the page shows its award and the funding it raised in published rounds. Aggregate figures count
    every project either way."""

    id = fields.IntField(primary_key=True)
    project: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_id: int
    listed = fields.BooleanField(default=False)
    changed_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    changed_by_id: int | None
    changed_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "judging_impact_opt_in"
