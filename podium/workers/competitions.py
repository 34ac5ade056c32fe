"""Thin jobs over the competitions services."""

from __future__ import annotations

from typing import Any

from podium.competitions.services import duplicates, eligibility, fx, imports, mailings, surveys


async def evaluate_eligibility(ctx: dict[str, Any], *, competition_id: int) -> int:
    return await eligibility.evaluate_competition(competition_id=competition_id)


async def detect_duplicates(ctx: dict[str, Any], *, project_id: int) -> int:
    return await duplicates.detect(project_id=project_id)


async def remind_drafts(ctx: dict[str, Any]) -> int:
    return await mailings.remind_drafts(settings=ctx["settings"])


async def send_eligibility_outcomes(ctx: dict[str, Any], *, competition_id: int) -> int:
    return await mailings.send_eligibility_outcomes(competition_id=competition_id, settings=ctx["settings"])


async def check_import(ctx: dict[str, Any], *, import_id: int) -> str:
    return await imports.check(import_id=import_id, settings=ctx["settings"])


async def run_import(ctx: dict[str, Any], *, import_id: int) -> int:
    return await imports.run(import_id=import_id, settings=ctx["settings"], job_try=ctx.get("job_try", 1))


async def send_outcome_surveys(ctx: dict[str, Any]) -> int:
    return await surveys.send_due_surveys(settings=ctx["settings"])


async def recompute_funding_fx(ctx: dict[str, Any], *, summit_id: int | None = None) -> int:
    """One summit's figures after its rates changed; without a summit (the daily run), every summit's."""
    if summit_id is None:
        return await fx.recompute_all()
    return await fx.recompute_summit(summit_id=summit_id)
