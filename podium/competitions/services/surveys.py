"""Follow-up surveys: months after the final, each project's lead gets a one-click link to a short form.

The daily job creates the survey that is due for each submitted project (the latest due month only, so a
schedule set late does not send a backlog), at most one open survey per project (a unique column holds the
project's id while its survey is open), mails the lead a signed link that expires after LINK_DAYS, and
reminds once after the schedule's reminder days. Every mail has a key: a job run twice sends once."""

from __future__ import annotations

import calendar
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from podium.competitions.financing.forms import ScheduleInput, SurveyAnswers
from podium.competitions.financing_models import OutcomeField, OutcomeSurvey, SurveySchedule
from podium.competitions.models import Competition, Project, ProjectStatus, Round
from podium.competitions.permissions import can_manage_competition
from podium.competitions.services import financing
from podium.platform import audit, i18n
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.notifications.services import notify
from podium.platform.permissions import ensure
from podium.platform.summits.models import Summit
from podium.platform.users.models import User
from podium.settings import Settings

log = logging.getLogger(__name__)

SALT = "podium.outcome-survey"
LINK_DAYS = 60
DEFAULT_MONTHS = (6, 12, 24, 36)
BATCH = 500


def add_months(day: date, months: int) -> date:
    """The same day so many months later, or the month's last day (August 31 + 6 months is February 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ---- the schedule -----------------------------------------------------------------------------


async def get_schedule(*, competition: Competition) -> SurveySchedule | None:
    return await SurveySchedule.get_or_none(competition_id=competition.id)


async def save_schedule(*, actor: Actor, competition: Competition, data: ScheduleInput) -> SurveySchedule:
    ensure(can_manage_competition(actor, competition))
    values: dict[str, Any] = {
        "months": data.months,
        "final_on": data.final_on,
        "reminder_days": data.reminder_days,
        "enabled": data.enabled,
    }
    async with in_transaction():
        schedule = await SurveySchedule.get_or_none(competition_id=competition.id)
        if schedule is None:
            schedule = await SurveySchedule.create(competition_id=competition.id, **values)
        else:
            await schedule.update_from_dict(values).save()
        await audit.record(
            "survey.schedule_saved",
            actor_id=actor.user_id,
            object_type="competition",
            object_id=competition.id,
            data={**values, "final_on": data.final_on.isoformat() if data.final_on else None},
        )
    return schedule


async def final_date(*, competition: Competition, schedule: SurveySchedule | None) -> date | None:
    """The organizer's date, or the day (in the summit's time zone) the last round's judging closes."""
    if schedule is not None and schedule.final_on is not None:
        return schedule.final_on
    last = await Round.filter(competition_id=competition.id).order_by("-position").first()
    if last is None or last.judging_close_at is None:
        return None
    summit = competition.summit
    if not isinstance(summit, Summit):
        summit = await Summit.get(id=competition.summit_id)
    return last.judging_close_at.astimezone(i18n.zone(summit.timezone)).date()


def due_dates(final: date, months: list[int]) -> list[tuple[int, date]]:
    return [(month, add_months(final, month)) for month in sorted(months)]


# ---- links ------------------------------------------------------------------------------------


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_token(secret: str, survey: OutcomeSurvey) -> str:
    return _serializer(secret).dumps({"s": survey.id, "n": survey.token_nonce})


def survey_url(settings: Settings, survey: OutcomeSurvey) -> str:
    return f"{settings.base_url}/surveys/{make_token(settings.secret(), survey)}"


class SurveyState:
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


@dataclass
class Visit:
    """A survey link opened: the survey (None when only its signature's age is known), and its state."""

    survey: OutcomeSurvey | None
    state: str
    project: Project | None = None
    fields: list[OutcomeField] | None = None
    recipient: User | None = None


def state_of(survey: OutcomeSurvey, now: datetime) -> str:
    if survey.answered_at is not None:
        return SurveyState.ANSWERED
    if survey.closed_at is not None or survey.expires_at <= now:
        return SurveyState.CLOSED
    return SurveyState.OPEN


def _invalid() -> NotFound:
    return NotFound(_("This survey link is not valid. Check that you copied the whole link from the e-mail."))


async def open_link(*, secret: str, token: str, now: datetime | None = None) -> Visit:
    """The survey behind a link. A tampered or unknown link is not found; an old one is closed."""
    if not token or len(token) > 300:
        raise _invalid()
    try:
        data = _serializer(secret).loads(token, max_age=LINK_DAYS * 86400)
        survey_id, nonce = int(data["s"]), str(data["n"])
    except SignatureExpired:
        return Visit(survey=None, state=SurveyState.CLOSED)
    except (BadData, KeyError, TypeError, ValueError):
        raise _invalid() from None
    survey = await OutcomeSurvey.get_or_none(id=survey_id)
    if survey is None or not hmac.compare_digest(survey.token_nonce, nonce):
        raise _invalid()
    project = await Project.get(id=survey.project_id).select_related("competition__summit")
    fields = await OutcomeField.filter(competition_id=survey.competition_id).order_by("position", "id")
    recipient = await User.get_or_none(id=survey.recipient_id) if survey.recipient_id else None
    return Visit(
        survey=survey,
        state=state_of(survey, now or utcnow()),
        project=project,
        fields=list(fields),
        recipient=recipient,
    )


async def answer(*, visit: Visit, answers: SurveyAnswers, settings: Settings, now: datetime | None = None) -> None:
    """Record the answers: new rounds (awaiting verification, reported by the lead the link went to), landing,
    headcount and custom outcomes (blank answers change nothing). Once only: a second answer is refused."""
    survey, project = visit.survey, visit.project
    if survey is None or project is None or visit.state == SurveyState.CLOSED:
        raise Conflict(_("This survey has closed."))
    moment = now or utcnow()
    async with in_transaction():
        claimed = await OutcomeSurvey.filter(
            id=survey.id, answered_at=None, closed_at=None, expires_at__gt=moment
        ).update(answered_at=moment, open_project_id=None)
        if not claimed:
            raise Conflict(_("This survey was already answered. Thank you."))
        created = []
        for data in answers.rounds:
            created.append(
                await financing.add_survey_round(
                    project=project,
                    data=data,
                    reporter_id=survey.recipient_id,
                    survey_id=survey.id,
                    settings=settings,
                )
            )
        changed = await financing.save_outcome(
            actor_id=survey.recipient_id,
            project=project,
            data=answers.outcome,
            custom=answers.custom,
            fields=visit.fields or [],
            allowed=True,
            keep_blank=True,
        )
        await audit.record(
            "survey.answered",
            actor_id=survey.recipient_id,
            object_type="project",
            object_id=project.id,
            data={
                "survey": survey.id,
                "due_month": survey.due_month,
                "rounds": [r.id for r in created],
                "fields": changed,
            },
        )
    survey.answered_at, survey.open_project_id = moment, None


# ---- the daily job ----------------------------------------------------------------------------


def _names(competition: Competition) -> dict[str, str]:
    return {"competition_en": competition.name_en, "competition_zh": competition.name_zh}


async def _mail(
    survey: OutcomeSurvey,
    *,
    kind: str,
    key: str,
    settings: Settings,
    competition: Competition,
    users: dict[int, User],
    titles: dict[int, str],
) -> bool:
    recipient = users.get(survey.recipient_id or 0)
    if recipient is None or survey.project_id not in titles:
        return False
    await notify(
        key=key,
        recipient=recipient.email,
        kind=kind,
        locale=recipient.locale or "en",
        context={
            "title": titles[survey.project_id],
            "url": survey_url(settings, survey),
            "months": survey.due_month,
            "expires": survey.expires_at.isoformat(),
            "timezone": recipient.timezone,
            **_names(competition),
        },
    )
    return True


async def _recipients(surveys: list[OutcomeSurvey]) -> tuple[dict[int, User], dict[int, str]]:
    """The leads to write to and the projects' titles: two queries for the whole batch."""
    users = await financing.users_by_id(s.recipient_id for s in surveys)
    ids = sorted({s.project_id for s in surveys})
    titles = dict(await Project.filter(id__in=ids).values_list("id", "title")) if ids else {}
    return users, titles


async def send_due_surveys(*, settings: Settings, now: datetime | None = None) -> int:
    """Close expired surveys, create and mail the surveys that are due, remind once. Returns the number of
    surveys mailed for the first time."""
    moment = now or utcnow()
    await OutcomeSurvey.filter(open_project_id__not_isnull=True, expires_at__lte=moment).update(
        open_project_id=None, closed_at=moment
    )
    sent = 0
    for schedule in await SurveySchedule.filter(enabled=True).order_by("id"):
        competition = await Competition.get_or_none(id=schedule.competition_id).select_related("summit")
        if competition is None:
            continue
        final = await final_date(competition=competition, schedule=schedule)
        if final is None:
            continue
        due = [(month, on) for month, on in due_dates(final, schedule.months) if on <= moment.date()]
        if due:
            month, due_on = due[-1]
            await _create_due(competition, month, due_on, moment)
            sent += await _send_created(competition, month, settings, moment)
        await _remind(competition, schedule, settings, moment)
    return sent


async def _create_due(competition: Competition, month: int, due_on: date, moment: datetime) -> None:
    projects = await Project.filter(competition_id=competition.id, status=ProjectStatus.SUBMITTED).values_list(
        "id", "lead_id"
    )
    have = set(
        await OutcomeSurvey.filter(competition_id=competition.id, due_month=month).values_list("project_id", flat=True)
    )
    missing = [(project_id, lead_id) for project_id, lead_id in projects if project_id not in have]
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        ids = [project_id for project_id, _lead in batch]
        # An older survey still open gives way: a project has one open survey, the latest.
        await (
            OutcomeSurvey.filter(project_id__in=ids, open_project_id__not_isnull=True)
            .exclude(due_month=month)
            .update(open_project_id=None, closed_at=moment)
        )
        await OutcomeSurvey.bulk_create(
            [
                OutcomeSurvey(
                    project_id=project_id,
                    competition_id=competition.id,
                    due_month=month,
                    due_on=due_on,
                    recipient_id=lead_id,
                    token_nonce=secrets.token_hex(8),
                    open_project_id=project_id,
                    expires_at=moment + timedelta(days=LINK_DAYS),
                )
                for project_id, lead_id in batch
            ],
            ignore_conflicts=True,  # another run created some meanwhile
        )


async def _send_created(competition: Competition, month: int, settings: Settings, moment: datetime) -> int:
    pending = await OutcomeSurvey.filter(
        competition_id=competition.id,
        due_month=month,
        sent_at=None,
        answered_at=None,
        closed_at=None,
        expires_at__gt=moment,
    ).order_by("id")
    users, titles = await _recipients(pending)
    sent = 0
    for survey in pending:
        mailed = await _mail(
            survey,
            kind="survey_invitation",
            key=f"outcome-survey:{survey.id}",
            settings=settings,
            competition=competition,
            users=users,
            titles=titles,
        )
        if not mailed:  # no lead to ask any more: the survey closes unsent
            await OutcomeSurvey.filter(id=survey.id).update(open_project_id=None, closed_at=moment)
            continue
        if await OutcomeSurvey.filter(id=survey.id, sent_at=None).update(sent_at=moment):
            sent += 1
    return sent


async def _remind(competition: Competition, schedule: SurveySchedule, settings: Settings, moment: datetime) -> int:
    due = await OutcomeSurvey.filter(
        competition_id=competition.id,
        open_project_id__not_isnull=True,
        reminded_at=None,
        sent_at__lte=moment - timedelta(days=schedule.reminder_days),
        expires_at__gt=moment,
    ).order_by("id")
    users, titles = await _recipients(due)
    reminded = 0
    for survey in due:
        key = f"outcome-survey-reminder:{survey.id}"
        if await _mail(
            survey,
            kind="survey_reminder",
            key=key,
            settings=settings,
            competition=competition,
            users=users,
            titles=titles,
        ):
            reminded += await OutcomeSurvey.filter(id=survey.id, reminded_at=None).update(reminded_at=moment)
    return reminded


# ---- what organizers see ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRate:
    due_month: int
    due_on: date | None
    sent: int
    reminded: int
    answered: int
    open: int

    @property
    def percent(self) -> int | None:
        return (self.answered * 100 + self.sent // 2) // self.sent if self.sent else None


async def response_rates(*, competition: Competition, schedule: SurveySchedule | None) -> list[ResponseRate]:
    """Sent, reminded, answered and still open surveys per due month (every scheduled month, sent or not)."""
    rows = (
        await OutcomeSurvey.filter(competition_id=competition.id)
        .annotate(
            sent=Count("id", _filter=Q(sent_at__not_isnull=True)),
            reminded=Count("id", _filter=Q(reminded_at__not_isnull=True)),
            answered=Count("id", _filter=Q(answered_at__not_isnull=True)),
            still_open=Count("id", _filter=Q(open_project_id__not_isnull=True)),
        )
        .group_by("due_month")
        .values("due_month", "sent", "reminded", "answered", "still_open")
    )
    counted = {int(row["due_month"]): row for row in rows}
    final = await final_date(competition=competition, schedule=schedule)
    months = sorted(set(schedule.months if schedule else []) | set(counted))
    rates = []
    for month in months:
        row = counted.get(month, {})
        rates.append(
            ResponseRate(
                due_month=month,
                due_on=add_months(final, month) if final else None,
                sent=int(row.get("sent") or 0),
                reminded=int(row.get("reminded") or 0),
                answered=int(row.get("answered") or 0),
                open=int(row.get("still_open") or 0),
            )
        )
    return rates
