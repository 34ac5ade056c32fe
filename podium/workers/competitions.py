"""Thin jobs over the competitions services."""

from __future__ import annotations

from typing import Any

from podium.competitions.services import eligibility


async def evaluate_eligibility(ctx: dict[str, Any], *, competition_id: int) -> int:
    return await eligibility.evaluate_competition(competition_id=competition_id)
