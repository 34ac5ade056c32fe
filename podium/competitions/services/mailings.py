"""Mail to entrants: draft reminders before the deadline and eligibility outcomes. Fan-out runs in workers;
every message has a key, so a job that runs twice sends once."""

from __future__ import annotations

from datetime import datetime, timedelta

from podium.competitions.models import Competition, Eligibility, Project, ProjectStatus, Round, RoundStatus
from podium.competitions.permissions import can_manage_competition
from podium.platform import audit, jobs
from podium.platform.auth import Actor
from podium.platform.i18n import utcnow
from podium.platform.jobs import JobName
from podium.platform.notifications.services import notify
from podium.platform.permissions import ensure
from podium.settings import Settings

REMIND_BEFORE = timedelta(days=3)


def _names(competition: Competition) -> dict[str, str]:
    return {"competition_en": competition.name_en, "competition_zh": competition.name_zh}


async def remind_drafts(*, settings: Settings, now: datetime | None = None) -> int:
    """Remind the leads of drafts whose first round closes within three days (once per project and deadline)."""
    moment = now or utcnow()
    closing = await Round.filter(
        position=1,
        status=RoundStatus.OPEN,
        submissions_close_at__gt=moment,
        submissions_close_at__lte=moment + REMIND_BEFORE,
    ).select_related("competition")
    sent = 0
    for first in closing:
        assert first.submissions_close_at is not None
        drafts = await Project.filter(competition_id=first.competition_id, status=ProjectStatus.DRAFT).select_related(
            "lead"
        )
        for project in drafts:
            await notify(
                key=f"draft-reminder:{project.id}:{first.submissions_close_at.isoformat()}",
                recipient=project.lead.email,
                kind="draft_reminder",
                locale=project.lead.locale or "en",
                context={
                    "title": project.title,
                    "deadline": first.submissions_close_at.isoformat(),
                    "timezone": project.lead.timezone,
                    "url": f"{settings.base_url}/projects/{project.id}",
                    **_names(first.competition),
                },
            )
            sent += 1
    return sent


async def release_eligibility(*, actor: Actor, competition: Competition) -> None:
    """Tell every submitted project's team its eligibility outcome; the mails go out from a worker."""
    ensure(can_manage_competition(actor, competition))
    await audit.record(
        "competition.eligibility_released", actor_id=actor.user_id, object_type="competition", object_id=competition.id
    )
    await jobs.enqueue(
        JobName.SEND_ELIGIBILITY_OUTCOMES,
        job_id=f"eligibility-outcomes:{competition.id}",
        competition_id=competition.id,
    )


async def send_eligibility_outcomes(*, competition_id: int, settings: Settings) -> int:
    competition = await Competition.get_or_none(id=competition_id)
    if competition is None:
        return 0
    sent = 0
    decided = await Project.filter(
        competition_id=competition_id,
        status=ProjectStatus.SUBMITTED,
        eligibility__in=[Eligibility.ELIGIBLE, Eligibility.INELIGIBLE],
    ).select_related("lead")
    for project in decided:
        await notify(
            key=f"eligibility-outcome:{project.id}:{project.eligibility}",
            recipient=project.lead.email,
            kind="eligibility_outcome",
            locale=project.lead.locale or "en",
            context={
                "title": project.title,
                "eligible": project.eligibility == Eligibility.ELIGIBLE,
                "url": f"{settings.base_url}/projects/{project.id}",
                **_names(competition),
            },
        )
        sent += 1
    return sent
