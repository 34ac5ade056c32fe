"""Thin jobs over the competitions services."""

from __future__ import annotations

from typing import Any

from podium.competitions.services import duplicates, eligibility


async def evaluate_eligibility(ctx: dict[str, Any], *, competition_id: int) -> int:
    return await eligibility.evaluate_competition(competition_id=competition_id)


async def detect_duplicates(ctx: dict[str, Any], *, project_id: int) -> int:
    return await duplicates.detect(project_id=project_id)
