"""Duplicate detection: the same team e-mail, website or a near-identical title across a competition's projects."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery

from podium.competitions.models import DuplicateFlag, DuplicateReason, Project, ProjectStatus, TeamMember
from podium.competitions.permissions import can_manage_competition
from podium.platform import audit, jobs
from podium.platform.auth import Actor
from podium.platform.errors import NotFound
from podium.platform.jobs import JobName

TITLE_SIMILARITY = 0.9


def website_key(url: str) -> str:
    """https://www.Example.com/ and example.com are the same site."""
    if not url:
        return ""
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".lower()


def title_key(title: str) -> str:
    """Lower case, no punctuation or spaces, width-folded (full-width letters count as the same)."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return re.sub(r"[\W_]+", "", folded)


def similar_titles(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= TITLE_SIMILARITY and matcher.ratio() >= TITLE_SIMILARITY


async def queue_detection(project_id: int) -> None:
    await jobs.enqueue(JobName.DETECT_DUPLICATES, job_id=f"duplicates:{project_id}", project_id=project_id)


async def detect(*, project_id: int) -> int:
    """Flag every live project of the same competition that shares an e-mail or website with this one, or has
    a near-identical title. Runs in a worker; flags already there are kept as they are."""
    project = await Project.get_or_none(id=project_id)
    if project is None or project.status == ProjectStatus.WITHDRAWN:
        return 0
    others = (
        Project.filter(competition_id=project.competition_id)
        .exclude(id=project.id)
        .exclude(status=ProjectStatus.WITHDRAWN)
    )
    found: dict[tuple[int, DuplicateReason], str] = {}
    emails = await TeamMember.filter(project_id=project.id).values_list("email", flat=True)
    for email, other_id in await TeamMember.filter(
        email__in=list(emails), project_id__in=Subquery(others.values("id"))
    ).values_list("email", "project_id"):
        found.setdefault((int(other_id), DuplicateReason.EMAIL), str(email))
    mine_site, mine_title = website_key(project.website), title_key(project.title)
    for other_id, website, title in await others.values_list("id", "website", "title"):
        if mine_site and website_key(str(website)) == mine_site:
            found.setdefault((int(other_id), DuplicateReason.WEBSITE), mine_site)
        if similar_titles(mine_title, title_key(str(title))):
            found.setdefault((int(other_id), DuplicateReason.TITLE), str(title)[:300])
    created = 0
    for (other_id, reason), detail in found.items():
        first, second = sorted((project.id, other_id))
        try:
            await DuplicateFlag.create(project_a_id=first, project_b_id=second, reason=reason, detail=detail[:300])
            created += 1
        except IntegrityError:
            continue  # flagged before (perhaps dismissed): leave it
    return created


async def flags_for(*, project: Project) -> list[DuplicateFlag]:
    return (
        await DuplicateFlag.filter(Q(project_a_id=project.id) | Q(project_b_id=project.id), dismissed=False)
        .select_related("project_a", "project_b")
        .order_by("id")
    )


async def dismiss(*, actor: Actor, flag_id: int) -> DuplicateFlag:
    flag = await DuplicateFlag.get_or_none(id=flag_id).select_related("project_a__competition")
    if flag is None or not can_manage_competition(actor, flag.project_a.competition):
        raise NotFound()
    flag.dismissed = True
    await flag.save(update_fields=["dismissed"])
    for project_id in (flag.project_a_id, flag.project_b_id):
        await audit.record(
            "project.duplicate_dismissed",
            actor_id=actor.user_id,
            object_type="project",
            object_id=project_id,
            data={"reason": str(flag.reason), "detail": flag.detail},
        )
    return flag


def flagged(competition_id: int) -> Q:
    """Projects of the competition with an open flag (the organizer's list filter)."""
    open_flags = DuplicateFlag.filter(dismissed=False, project_a__competition_id=competition_id)
    return Q(id__in=Subquery(open_flags.values("project_a_id"))) | Q(id__in=Subquery(open_flags.values("project_b_id")))
