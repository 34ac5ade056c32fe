"""Awards: tiers of prizes granted from the final round's finalised ranking, overall or per track; the
referrer named on each winning project is credited its share; a printable certificate per award."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

import anyio.to_thread
from fpdf import FPDF
from tortoise.transactions import in_transaction

from podium.competitions.models import Competition, Project, Round
from podium.judging.forms import AwardTierForm
from podium.judging.models import Advancement, Award, AwardScope, AwardTier
from podium.judging.permissions import can_run_judging
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.permissions import ensure


async def tiers_of(competition: Competition) -> list[AwardTier]:
    return await AwardTier.filter(competition_id=competition.id).order_by("position", "id")


async def add_tier(*, actor: Actor, competition: Competition, form: AwardTierForm) -> AwardTier:
    ensure(can_run_judging(actor, competition.summit_id))
    tier = await AwardTier.create(competition_id=competition.id, **form.model_dump())
    await audit.record(
        "competition.award_tier_added",
        actor_id=actor.user_id,
        object_type="competition",
        object_id=competition.id,
        data={"tier": tier.id, "name": tier.name_en or tier.name_zh, "count": tier.count},
    )
    return tier


async def remove_tier(*, actor: Actor, competition: Competition, tier_id: int) -> None:
    ensure(can_run_judging(actor, competition.summit_id))
    if await Award.exists(tier_id=tier_id):
        raise Conflict(_("This prize has been granted; revoke the awards before removing it."))
    if not await AwardTier.filter(id=tier_id, competition_id=competition.id).delete():
        raise NotFound()


async def final_round(competition: Competition) -> Round | None:
    return await Round.filter(competition_id=competition.id).order_by("-position").first()


def _referrer_amount(tier: AwardTier) -> int:
    share = (Decimal(tier.prize_amount) * tier.referrer_share_percent / 100).quantize(Decimal(1), ROUND_DOWN)
    return int(share)


async def grant(*, actor: Actor, competition: Competition) -> int:
    """Grant every tier from the final round's finalised ranking: the best projects take the first tier, the
    next ones the second, and so on (overall, or within each track for tiers per track). Granting again
    replaces the previous grant. Returns how many awards were granted."""
    ensure(can_run_judging(actor, competition.summit_id))
    last = await final_round(competition)
    if last is None or not await Advancement.exists(round_id=last.id):
        raise Conflict(_("Finalise the final round before granting awards."))
    tiers = await tiers_of(competition)
    if not tiers:
        raise Conflict(_("Add the prizes first."))
    ranked = await Advancement.filter(round_id=last.id).order_by("rank", "project_id")
    projects = {p.id: p for p in await Project.filter(id__in=[a.project_id for a in ranked])}
    taken: set[int] = set()
    awards: list[Award] = []
    by_track: dict[int | None, list[Advancement]] = defaultdict(list)
    for row in ranked:
        by_track[projects[row.project_id].track_id].append(row)
    for tier in tiers:
        pools = [ranked] if tier.scope == AwardScope.OVERALL else list(by_track.values())
        for pool in pools:
            given = 0
            for row in pool:
                if given >= tier.count:
                    break
                if row.project_id in taken:
                    continue
                project = projects[row.project_id]
                awards.append(
                    Award(
                        tier_id=tier.id,
                        project_id=row.project_id,
                        rank=row.rank,
                        referrer=project.referral,
                        referrer_amount=_referrer_amount(tier) if project.referral else 0,
                    )
                )
                taken.add(row.project_id)
                given += 1
    async with in_transaction():
        await Award.filter(tier_id__in=[t.id for t in tiers]).delete()
        await Award.bulk_create(awards)
        await audit.record(
            "competition.awards_granted",
            actor_id=actor.user_id,
            object_type="competition",
            object_id=competition.id,
            data={"awards": len(awards), "round": last.id},
        )
    return len(awards)


async def awards_of(competition: Competition) -> list[Award]:
    return (
        await Award.filter(tier__competition_id=competition.id)
        .select_related("tier", "project")
        .order_by("tier__position", "tier_id", "rank")
    )


async def award_for(*, award_id: int) -> Award:
    award = await Award.get_or_none(id=award_id).select_related("tier__competition__summit", "project")
    if award is None:
        raise NotFound()
    return award


def _latin(text: str) -> str:
    """The certificate uses a built-in PDF font, which has Latin characters only."""
    return text.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(award: Award, *, team: list[str]) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(150, 120, 40)
    pdf.set_line_width(2)
    pdf.rect(10, 10, 277, 190)
    competition = award.tier.competition
    summit = competition.summit
    lines = [
        ("Helvetica", "", 16, competition.name_en or competition.name_zh),
        ("Helvetica", "B", 34, "Certificate of Award"),
        ("Helvetica", "", 16, "awarded to"),
        ("Helvetica", "B", 28, award.project.title),
        ("Helvetica", "", 14, ", ".join(team)),
        ("Helvetica", "B", 22, award.tier.name_en or award.tier.name_zh),
        ("Helvetica", "", 12, f"{summit.name_en or summit.name_zh} · {summit.starts_on.isoformat()}"),
    ]
    y = 35.0
    for family, style, size, text in lines:
        pdf.set_font(family, style, size)
        pdf.set_xy(20, y)
        pdf.cell(257, size * 0.6, _latin(text), align="C")
        y += size * 0.6 + 9
    return bytes(pdf.output())


async def certificate(award: Award, team: list[str]) -> bytes:
    return await anyio.to_thread.run_sync(lambda: certificate_pdf(award, team=team))
