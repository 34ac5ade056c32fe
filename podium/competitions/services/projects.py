"""Projects and their teams: create, edit, submit, withdraw; invite, join and remove co-founders."""

from __future__ import annotations

import hashlib
import secrets
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.datastructures import UploadFile
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from podium.competitions.forms import plain
from podium.competitions.models import (
    Answer,
    Competition,
    Division,
    Eligibility,
    Project,
    ProjectStatus,
    Question,
    QuestionKind,
    Round,
    RoundStatus,
    TeamMember,
    Track,
)
from podium.competitions.permissions import can_manage_competition
from podium.competitions.project_forms import MemberForm, ProjectForm
from podium.competitions.services import duplicates, questions
from podium.competitions.services.eligibility import evaluate_project
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.notifications.services import notify
from podium.platform.permissions import ensure
from podium.platform.users.models import User
from podium.settings import Settings

PROJECT_FIELDS = (
    "title",
    "summary",
    "website",
    "video_url",
    "country",
    "referral",
    "track_id",
    "division_id",
    "incorporated_on",
)


async def first_round(competition_id: int) -> Round | None:
    return await Round.filter(competition_id=competition_id).order_by("position").first()


def accepts_submissions(first: Round | None, now: datetime) -> bool:
    """Applications are taken while the first round is open, within its submission window."""
    if first is None or first.status != RoundStatus.OPEN or first.submissions_close_at is None:
        return False
    if first.submissions_open_at is not None and now < first.submissions_open_at:
        return False
    return now < first.submissions_close_at


def is_member(actor: Actor, project: Project, members: list[TeamMember]) -> bool:
    return actor.user_id is not None and any(m.user_id == actor.user_id for m in members)


async def _members(project: Project) -> list[TeamMember]:
    return await TeamMember.filter(project_id=project.id).order_by("-is_lead", "id")


async def get_project(*, actor: Actor, project_id: int) -> tuple[Project, list[TeamMember], bool]:
    """A project its team or its competition's organizers may see, with the team and whether the actor
    organizes it. Everyone else is told it does not exist."""
    project = await Project.get_or_none(id=project_id).select_related(
        "competition__summit", "track", "division", "lead"
    )
    if project is None:
        raise NotFound()
    members = await _members(project)
    organizer = can_manage_competition(actor, project.competition)
    if not organizer and not is_member(actor, project, members):
        raise NotFound()
    return project, members, organizer


async def list_my_projects(*, actor: Actor) -> list[Project]:
    user = actor.require_user()
    mine = Project.filter(members__user_id=user.id).distinct()
    return await mine.select_related("competition__summit").order_by("-updated_at")


async def _check_choices(competition_id: int, form: ProjectForm) -> None:
    errors: dict[str, list[str]] = {}
    if form.track_id is not None and not await Track.exists(id=form.track_id, competition_id=competition_id):
        errors["track_id"] = [_("Choose a track from the list.")]
    if form.division_id is not None and not await Division.exists(id=form.division_id, competition_id=competition_id):
        errors["division_id"] = [_("Choose a division from the list.")]
    if errors:
        raise InvalidInput(errors)


def _closed() -> Conflict:
    return Conflict(_("Applications for this competition are closed."))


async def create_project(
    *, actor: Actor, competition: Competition, form: ProjectForm, now: datetime | None = None
) -> Project:
    user = actor.require_user()
    if not accepts_submissions(await first_round(competition.id), now or utcnow()):
        raise _closed()
    await _check_choices(competition.id, form)
    async with in_transaction():
        project = await Project.create(competition_id=competition.id, lead_id=user.id, **form.model_dump())
        await TeamMember.create(
            project_id=project.id,
            user_id=user.id,
            email=user.email,
            name=user.display_name,
            is_lead=True,
            joined_at=utcnow(),
        )
        await audit.record(
            "project.created",
            actor_id=user.id,
            object_type="project",
            object_id=project.id,
            data={"competition": competition.id},
        )
    return project


def can_edit(actor: Actor, project: Project, members: list[TeamMember], first: Round | None, now: datetime) -> bool:
    return (
        is_member(actor, project, members)
        and project.status != ProjectStatus.WITHDRAWN
        and accepts_submissions(first, now)
    )


async def update_project(
    *,
    actor: Actor,
    project: Project,
    members: list[TeamMember],
    form: ProjectForm,
    answers: dict[int, Any] | None = None,
    now: datetime | None = None,
) -> Project:
    """Save the team's edits (also the autosave). Read-only once applications close."""
    ensure(is_member(actor, project, members))
    if not can_edit(actor, project, members, await first_round(project.competition_id), now or utcnow()):
        raise (
            _closed()
            if project.status != ProjectStatus.WITHDRAWN
            else Conflict(_("This project was withdrawn and can no longer be changed."))
        )
    await _check_choices(project.competition_id, form)
    values = form.model_dump()
    changed = sorted(field for field in PROJECT_FIELDS if getattr(project, field) != values[field])
    if changed:
        await project.update_from_dict(values).save(update_fields=[*PROJECT_FIELDS, "updated_at"])
    answered = await questions.save_answers(project=project, answers=answers or {})
    if answered:
        changed.append("answers")
    if changed:
        await audit.record(
            "project.edited",
            actor_id=actor.user_id,
            object_type="project",
            object_id=project.id,
            data={"fields": changed},
        )
    return project


def missing_for_submission(project: Project) -> dict[str, list[str]]:
    missing: dict[str, list[str]] = {}
    if not project.title:
        missing["title"] = [_("Give the project a title before submitting.")]
    if not project.summary:
        missing["summary"] = [_("Write a summary before submitting.")]
    if project.track_id is None:
        missing["track_id"] = [_("Choose a track before submitting.")]
    if project.division_id is None:
        missing["division_id"] = [_("Choose a division before submitting.")]
    return missing


async def submit_project(
    *, actor: Actor, project: Project, members: list[TeamMember], settings: Settings, now: datetime | None = None
) -> Project:
    ensure(is_member(actor, project, members))
    if not can_edit(actor, project, members, await first_round(project.competition_id), now or utcnow()):
        raise _closed()
    missing = missing_for_submission(project)
    missing.update(
        questions.missing_answers(
            await questions.questions_of(project.competition_id), await questions.answers_of(project)
        )
    )
    if missing:
        raise InvalidInput(missing)
    was = project.status
    project.status, project.submitted_at = ProjectStatus.SUBMITTED, now or utcnow()
    await project.save(update_fields=["status", "submitted_at", "updated_at"])
    await audit.record("project.submitted", actor_id=actor.user_id, object_type="project", object_id=project.id)
    await evaluate_project(project=project, now=now)
    await duplicates.queue_detection(project.id)
    if was != ProjectStatus.SUBMITTED:
        lead = await User.get(id=project.lead_id)
        await notify(
            key=f"project-submitted:{project.id}",
            recipient=lead.email,
            kind="project_submitted",
            locale=lead.locale or "en",
            context={
                "title": project.title,
                "url": f"{settings.base_url}/projects/{project.id}",
                "competition_en": project.competition.name_en,
                "competition_zh": project.competition.name_zh,
            },
        )
    return project


async def withdraw_project(*, actor: Actor, project: Project, members: list[TeamMember]) -> Project:
    ensure(is_member(actor, project, members))
    if project.status == ProjectStatus.WITHDRAWN:
        return project
    project.status = ProjectStatus.WITHDRAWN
    await project.save(update_fields=["status", "updated_at"])
    await audit.record("project.withdrawn", actor_id=actor.user_id, object_type="project", object_id=project.id)
    return project


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite_member(
    *,
    actor: Actor,
    project: Project,
    members: list[TeamMember],
    form: MemberForm,
    settings: Settings,
    now: datetime | None = None,
) -> TeamMember:
    """Invite a co-founder by e-mail; the mailed link lets that address join as a co-editor."""
    ensure(is_member(actor, project, members), _("Only the team can invite co-founders."))
    if not can_edit(actor, project, members, await first_round(project.competition_id), now or utcnow()):
        raise _closed()
    total = sum((m.equity for m in members), Decimal(0)) + form.equity
    if total > 100:
        raise InvalidInput(
            {"equity": [_("The team's shares would add up to %(total)s%%, more than 100%%.", total=plain(total))]}
        )
    token = secrets.token_urlsafe(32)
    try:
        member = await TeamMember.create(
            project_id=project.id, invitation_hash=_token_hash(token), invited_at=utcnow(), **form.model_dump()
        )
    except IntegrityError:
        raise InvalidInput({"email": [_("This person is already on the team.")]}) from None
    await audit.record(
        "project.member_invited",
        actor_id=actor.user_id,
        object_type="project",
        object_id=project.id,
        data={"email": form.email},
    )
    await notify(
        key=f"team-invitation:{member.id}:{member.invitation_hash}",
        recipient=form.email,
        kind="team_invitation",
        locale="en",
        context={
            "title": project.title or _("(untitled project)"),
            "inviter": actor.require_user().display_name,
            "url": f"{settings.base_url}/invitations/{token}",
        },
    )
    return member


async def invitation(*, token: str) -> TeamMember:
    member = await TeamMember.get_or_none(invitation_hash=_token_hash(token)).select_related("project")
    if member is None or len(token) > 100:
        raise NotFound(_("This invitation is not valid any more. Ask the team to invite you again."))
    return member


async def accept_invitation(*, actor: Actor, token: str) -> TeamMember:
    """Join the team. The signed-in account must own the invited, verified address."""
    user = actor.require_user()
    member = await invitation(token=token)
    if user.email != member.email or not user.is_verified:
        raise Conflict(
            _(
                "This invitation was sent to %(email)s. Sign in with that verified address to accept it.",
                email=member.email,
            )
        )
    joined = await TeamMember.filter(id=member.id, invitation_hash=member.invitation_hash).update(
        user_id=user.id, joined_at=utcnow(), invitation_hash=None, name=member.name or user.display_name
    )
    if not joined:
        raise NotFound()
    await audit.record("project.member_joined", actor_id=user.id, object_type="project", object_id=member.project_id)
    return member


async def remove_member(*, actor: Actor, project: Project, members: list[TeamMember], member_id: int) -> None:
    ensure(is_member(actor, project, members))
    target = next((m for m in members if m.id == member_id), None)
    if target is None:
        raise NotFound()
    if target.is_lead:
        raise InvalidInput({"member": [_("The lead founder cannot be removed. Hand over leadership first.")]})
    await TeamMember.filter(id=target.id).delete()
    await audit.record(
        "project.member_removed",
        actor_id=actor.user_id,
        object_type="project",
        object_id=project.id,
        data={"email": target.email},
    )


async def hand_over_leadership(*, actor: Actor, project: Project, members: list[TeamMember], member_id: int) -> None:
    lead = next((m for m in members if m.is_lead), None)
    ensure(lead is not None and lead.user_id == actor.user_id, _("Only the lead founder can hand over leadership."))
    target = next((m for m in members if m.id == member_id and m.user_id is not None), None)
    if target is None:
        raise InvalidInput({"member": [_("Choose a co-founder who has joined the team.")]})
    assert lead is not None
    assert target.user_id is not None
    async with in_transaction():
        await TeamMember.filter(id=lead.id).update(is_lead=False)
        await TeamMember.filter(id=target.id).update(is_lead=True)
        await Project.filter(id=project.id).update(lead_id=target.user_id)
        await audit.record(
            "project.lead_changed",
            actor_id=actor.user_id,
            object_type="project",
            object_id=project.id,
            data={"to": target.email},
        )


PDF_MAGIC = b"%PDF-"


def upload_path(settings: Settings, key: str) -> Path:
    """Where a stored PDF (a deck or a file answer) lives."""
    return settings.upload_dir / "decks" / key


def upload_key(prefix: str) -> str:
    """A fresh key for a stored PDF: a prefix naming its project, then 128 random bits, so keys are unguessable."""
    return f"{prefix}-{secrets.token_hex(16)}.pdf"


async def store_pdf(*, upload: UploadFile, settings: Settings, field: str, prefix: str) -> tuple[str, str, int]:
    """Check an upload is a PDF (by its content, not its name) within the size limit, then store it under a
    random key. Returns (key, file name, size). A refused file is never written to the upload directory."""
    size = upload.size if upload.size is not None else 0
    if size > settings.deck_max_bytes:
        raise InvalidInput(
            {
                field: [
                    _(
                        "The file is larger than %(mb)d MB. Make it smaller and upload it again.",
                        mb=settings.deck_max_mb,
                    )
                ]
            }
        )
    await upload.seek(0)
    if await upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
        raise InvalidInput({field: [_("Upload a PDF file.")]})
    key = upload_key(prefix)
    target = upload_path(settings, key)
    await upload.seek(0)

    def store() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            shutil.copyfileobj(upload.file, out, length=1 << 20)

    await anyio.to_thread.run_sync(store)
    return key, Path(upload.filename or "file.pdf").name[:200] or "file.pdf", size


async def attach_deck(
    *,
    actor: Actor,
    project: Project,
    members: list[TeamMember],
    upload: UploadFile,
    settings: Settings,
    now: datetime | None = None,
) -> Project:
    """Store the pitch deck after checking it is a PDF (by its content, not its name) within the size limit.
    A refused file is never written to the upload directory."""
    ensure(is_member(actor, project, members))
    if not can_edit(actor, project, members, await first_round(project.competition_id), now or utcnow()):
        raise _closed()
    key, name, size = await store_pdf(upload=upload, settings=settings, field="deck", prefix=str(project.id))
    previous = project.deck_key
    project.deck_key, project.deck_name, project.deck_size, project.deck_uploaded_at = key, name, size, utcnow()
    await project.save(update_fields=["deck_key", "deck_name", "deck_size", "deck_uploaded_at", "updated_at"])
    if previous:
        upload_path(settings, previous).unlink(missing_ok=True)
    await audit.record(
        "project.deck_uploaded",
        actor_id=actor.user_id,
        object_type="project",
        object_id=project.id,
        data={"name": name, "size": size},
    )
    return project


async def history(*, project: Project) -> list[audit.AuditEntry]:
    """Everything that happened to the project, oldest first, with who did it."""
    return (
        await audit.AuditEntry.filter(object_type="project", object_id=str(project.id))
        .select_related("actor")
        .order_by("at", "id")
    )


def history_label(action: str) -> str:
    labels = {
        "project.created": _("Draft created"),
        "project.edited": _("Application edited"),
        "project.submitted": _("Submitted"),
        "project.withdrawn": _("Withdrawn"),
        "project.member_invited": _("Co-founder invited"),
        "project.member_joined": _("Co-founder joined"),
        "project.member_removed": _("Co-founder removed"),
        "project.lead_changed": _("Lead founder changed"),
        "project.deck_uploaded": _("Pitch deck uploaded"),
        "project.bulk_changed": _("Changed by an organizer"),
        "eligibility.overridden": _("Eligibility decided by an organizer"),
    }
    return labels.get(action, action)


BULK_ACTIONS = ("eligible", "ineligible", "automatic", "move")


async def bulk_change(
    *, actor: Actor, competition: Competition, project_ids: list[int], action: str, track_id: int | None = None
) -> int:
    """An organizer's decision over several projects at once; one audit entry per project."""
    ensure(can_manage_competition(actor, competition))
    if action not in BULK_ACTIONS:
        raise InvalidInput({"action": [_("Choose an action from the list.")]})
    if not project_ids:
        raise InvalidInput({"ids": [_("Tick at least one project.")]})
    selected = await Project.filter(id__in=project_ids[:500], competition_id=competition.id)
    if len(selected) != len(set(project_ids)):
        raise NotFound()
    ids = [p.id for p in selected]
    async with in_transaction():
        if action == "move":
            if track_id is None or not await Track.exists(id=track_id, competition_id=competition.id):
                raise InvalidInput({"track": [_("Choose the track to move the projects to.")]})
            await Project.filter(id__in=ids).update(track_id=track_id)
        elif action == "automatic":
            await Project.filter(id__in=ids).update(eligibility_by_hand=False)
        else:
            await Project.filter(id__in=ids).update(eligibility=Eligibility(action), eligibility_by_hand=True)
        await audit.AuditEntry.bulk_create(
            [
                audit.AuditEntry(
                    actor_id=actor.user_id,
                    action="project.bulk_changed",
                    object_type="project",
                    object_id=str(i),
                    data={"action": action, "track": track_id},
                )
                for i in ids
            ]
        )
    if action == "automatic":
        for project in await Project.filter(id__in=ids, status=ProjectStatus.SUBMITTED):
            await evaluate_project(project=project)
    return len(ids)


async def attach_answer_file(
    *,
    actor: Actor,
    project: Project,
    members: list[TeamMember],
    question_id: int,
    upload: UploadFile,
    settings: Settings,
    now: datetime | None = None,
) -> Answer:
    """A file question's answer: a PDF, checked and stored like the deck."""
    ensure(is_member(actor, project, members))
    question = await Question.get_or_none(id=question_id, competition_id=project.competition_id, kind=QuestionKind.FILE)
    if question is None:
        raise NotFound()
    if not can_edit(actor, project, members, await first_round(project.competition_id), now or utcnow()):
        raise _closed()
    field = questions.field_name(question)
    key, name, _size = await store_pdf(upload=upload, settings=settings, field=field, prefix=f"{project.id}-q")
    answer = await Answer.get_or_none(project_id=project.id, question_id=question.id)
    previous = answer.file_key if answer else ""
    if answer is None:
        answer = await Answer.create(project_id=project.id, question_id=question.id, file_key=key, file_name=name)
    else:
        answer.file_key, answer.file_name = key, name
        await answer.save(update_fields=["file_key", "file_name", "updated_at"])
    if previous:
        upload_path(settings, previous).unlink(missing_ok=True)
    await audit.record(
        "project.edited",
        actor_id=actor.user_id,
        object_type="project",
        object_id=project.id,
        data={"fields": ["answers"], "file": name},
    )
    return answer
