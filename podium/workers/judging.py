"""Thin jobs over the judging services."""

from __future__ import annotations

from typing import Any

from podium.judging.services import assignments, conflicts, rankings


async def detect_conflicts(ctx: dict[str, Any], *, competition_id: int) -> int:
    return await conflicts.detect(competition_id=competition_id)


async def remind_judges(ctx: dict[str, Any]) -> int:
    return await assignments.remind_judges(settings=ctx["settings"])


async def refill_declined(ctx: dict[str, Any]) -> int:
    return await assignments.refill_declined(settings=ctx["settings"])


async def compute_ranking(ctx: dict[str, Any], *, round_id: int) -> int | None:
    run = await rankings.compute(round_id=round_id)
    return run.id if run else None


async def send_results(ctx: dict[str, Any], *, round_id: int) -> int:
    return await rankings.send_results(round_id=round_id, settings=ctx["settings"])
