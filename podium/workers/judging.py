"""Thin jobs over the judging services."""

from __future__ import annotations

from typing import Any

from podium.judging.services import assignments, conflicts


async def detect_conflicts(ctx: dict[str, Any], *, competition_id: int) -> int:
    return await conflicts.detect(competition_id=competition_id)


async def remind_judges(ctx: dict[str, Any]) -> int:
    return await assignments.remind_judges(settings=ctx["settings"])


async def refill_declined(ctx: dict[str, Any]) -> int:
    return await assignments.refill_declined(settings=ctx["settings"])
