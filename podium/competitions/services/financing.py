"""Funding rounds and outcomes of projects, over years: reported by teams, recorded and verified by organizers.

Who may do what: the team and the competition's organizers see a project's rounds, everyone else is told the
project does not exist. A team member reports rounds and may change or delete those the team reported while
they await verification. Organizers record rounds from public sources (verified at once), change any round,
and verify or reject the team's reports with a note. Every change writes an audit entry on the project."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.datastructures import UploadFile
from tortoise.expressions import Case, Q, When
from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from podium.competitions.financing import money
from podium.competitions.financing.forms import OutcomeFieldInput, OutcomeInput, RoundInput
from podium.competitions.financing_models import (
    FundingKind,
    FundingRound,
    FxRate,
    Outcome,
    OutcomeField,
    OutcomeValue,
    RoundSource,
    Verification,
)
from podium.competitions.models import Competition, Project, TeamMember
from podium.competitions.permissions import can_manage_competition
from podium.competitions.services import fx
from podium.competitions.services.projects import get_project, is_member
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import Conflict, InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.notifications.services import notify
from podium.platform.pagination import PAGE_SIZE, Page
from podium.platform.permissions import ensure
from podium.platform.summits.models import Summit
from podium.platform.users.models import User
from podium.settings import Settings

# What an evidence file may be, told by its first bytes (never by its name): (magic, media type, suffix).
EVIDENCE_KINDS = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
ROUND_FIELDS = (
    "kind",
    "amount",
    "currency",
    "announced_on",
    "precision",
    "investors",
    "source_url",
    "confidential",
)


class Figures(StrEnum):
    """Which rounds a figure counts: published (verified and not confidential), verified, or every round
    not rejected."""

    PUBLISHED = "published"
    VERIFIED = "verified"
    REPORTED = "reported"


# ---- reading ----------------------------------------------------------------------------------


@dataclass
class Financing:
    """A project's financing as its page shows it, loaded in a fixed number of queries."""

    project: Project
    members: list[TeamMember]
    organizer: bool
    rounds: list[FundingRound]
    outcome: Outcome | None
    fields: list[OutcomeField]
    values: dict[int, OutcomeValue]
    history: list[audit.AuditEntry] = field(default_factory=list)


def is_team(actor: Actor, project: Project, members: list[TeamMember]) -> bool:
    return is_member(actor, project, members)


def can_change_round(actor: Actor, financing: Financing, found: FundingRound) -> bool:
    """Organizers change any round; the team changes its own reports while they await verification."""
    if financing.organizer:
        return True
    return (
        is_team(actor, financing.project, financing.members)
        and found.source == RoundSource.ENTRANT
        and found.status == Verification.REPORTED
    )


async def get_financing(*, actor: Actor, project_id: int, with_history: bool = False) -> Financing:
    """The project's rounds, outcome and custom outcome fields, for its team and its organizers only."""
    project, members, organizer = await get_project(actor=actor, project_id=project_id)
    rounds = await FundingRound.filter(project_id=project.id).order_by("-announced_on", "-id")
    fields = await OutcomeField.filter(competition_id=project.competition_id).order_by("position", "id")
    values = {v.field_id: v for v in await OutcomeValue.filter(project_id=project.id)}
    history: list[audit.AuditEntry] = []
    if with_history:
        history = (
            await audit.AuditEntry.filter(
                Q(action__startswith="funding.") | Q(action__startswith="outcome.") | Q(action__startswith="survey."),
                object_type="project",
                object_id=str(project.id),
            )
            .select_related("actor")
            .order_by("-at", "-id")
            .limit(100)
        )
    return Financing(
        project=project,
        members=members,
        organizer=organizer,
        rounds=list(rounds),
        outcome=await Outcome.get_or_none(project_id=project.id),
        fields=list(fields),
        values=values,
        history=list(history),
    )


def find_round(financing: Financing, round_id: int) -> FundingRound:
    found = next((r for r in financing.rounds if r.id == round_id), None)
    if found is None:
        raise NotFound()
    return found


async def users_by_id(ids: Iterable[int | None]) -> dict[int, User]:
    wanted = sorted({i for i in ids if i is not None})
    return {u.id: u for u in await User.filter(id__in=wanted)} if wanted else {}


# ---- evidence ---------------------------------------------------------------------------------


def evidence_path(settings: Settings, key: str) -> Path:
    return settings.upload_dir / "evidence" / key


async def store_evidence(*, upload: UploadFile, settings: Settings, prefix: str) -> tuple[str, str, str]:
    """Check an evidence file is a PDF, PNG or JPEG (by its content) within the size limit, then store it
    under a random key. Returns (key, file name, media type). A refused file is never written."""
    if (upload.size or 0) > settings.deck_max_bytes:
        raise InvalidInput(
            {
                "evidence": [
                    _(
                        "The file is larger than %(mb)d MB. Make it smaller and upload it again.",
                        mb=settings.deck_max_mb,
                    )
                ]
            }
        )
    await upload.seek(0)
    head = await upload.read(16)
    kind = next(((media, suffix) for magic, media, suffix in EVIDENCE_KINDS if head.startswith(magic)), None)
    if kind is None:
        raise InvalidInput({"evidence": [_("Upload a PDF, PNG or JPEG file.")]})
    media, suffix = kind
    key = f"{prefix}-{secrets.token_hex(16)}.{suffix}"
    target = evidence_path(settings, key)
    await upload.seek(0)

    def store() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            shutil.copyfileobj(upload.file, out, length=1 << 20)

    await anyio.to_thread.run_sync(store)
    return key, Path(upload.filename or f"evidence.{suffix}").name[:200] or f"evidence.{suffix}", media


def _remove_evidence(settings: Settings, key: str) -> None:
    if key:
        evidence_path(settings, key).unlink(missing_ok=True)


# ---- writing rounds ---------------------------------------------------------------------------


async def _summit_of(project: Project) -> Summit:
    competition = project.competition
    summit = getattr(competition, "summit", None)
    if isinstance(summit, Summit):
        return summit
    return await Summit.get(id=competition.summit_id)


async def add_round(
    *,
    actor: Actor,
    financing: Financing,
    data: RoundInput,
    settings: Settings,
    evidence: UploadFile | None = None,
    now: datetime | None = None,
) -> FundingRound:
    """A team member reports a round (awaiting verification); an organizer records one (verified at once)."""
    project = financing.project
    team = is_team(actor, project, financing.members)
    ensure(team or financing.organizer, _("Only the team and the organizers can add funding rounds."))
    moment = now or utcnow()
    by_organizer = financing.organizer and not team
    found = FundingRound(
        project_id=project.id,
        source=RoundSource.ORGANIZER if by_organizer else RoundSource.ENTRANT,
        status=Verification.VERIFIED if by_organizer else Verification.REPORTED,
        reported_by_id=actor.user_id,
        decided_by_id=actor.user_id if by_organizer else None,
        decided_at=moment if by_organizer else None,
        **data.as_fields(),
    )
    return await _save_new(found, project=project, actor_id=actor.user_id, settings=settings, evidence=evidence)


async def add_survey_round(
    *, project: Project, data: RoundInput, reporter_id: int | None, survey_id: int, settings: Settings
) -> FundingRound:
    """A round the lead reported on a follow-up survey: the team's report, awaiting verification."""
    found = FundingRound(
        project_id=project.id,
        source=RoundSource.ENTRANT,
        status=Verification.REPORTED,
        reported_by_id=reporter_id,
        survey_id=survey_id,
        **data.as_fields(),
    )
    return await _save_new(found, project=project, actor_id=reporter_id, settings=settings, evidence=None)


async def _save_new(
    found: FundingRound, *, project: Project, actor_id: int | None, settings: Settings, evidence: UploadFile | None
) -> FundingRound:
    if evidence is not None:
        found.evidence_key, found.evidence_name, found.evidence_type = await store_evidence(
            upload=evidence, settings=settings, prefix=str(project.id)
        )
    await fx.normalise_one(found, summit=await _summit_of(project))
    try:
        async with in_transaction():
            await found.save()
            await audit.record(
                "funding.recorded" if found.source == RoundSource.ORGANIZER else "funding.reported",
                actor_id=actor_id,
                object_type="project",
                object_id=project.id,
                data=_audit_data(found),
            )
    except Exception:
        _remove_evidence(settings, found.evidence_key)
        raise
    return found


def _audit_data(found: FundingRound) -> dict[str, Any]:
    return {
        "round": found.id,
        "kind": str(found.kind),
        "amount": found.amount,
        "currency": found.currency,
        "announced_on": found.announced_on.isoformat(),
    }


async def change_round(
    *,
    actor: Actor,
    financing: Financing,
    found: FundingRound,
    data: RoundInput,
    settings: Settings,
    evidence: UploadFile | None = None,
) -> FundingRound:
    ensure(
        can_change_round(actor, financing, found),
        _("This round can no longer be changed by the team: an organizer has decided on it."),
    )
    new_values = data.as_fields()
    changed = sorted(name for name in ROUND_FIELDS if getattr(found, name) != new_values[name])
    previous_evidence = found.evidence_key
    if evidence is not None:
        found.evidence_key, found.evidence_name, found.evidence_type = await store_evidence(
            upload=evidence, settings=settings, prefix=str(financing.project.id)
        )
        changed.append("evidence")
    if not changed:
        return found
    before = {name: _jsonable(getattr(found, name)) for name in changed if name != "evidence"}
    for name, value in new_values.items():
        setattr(found, name, value)
    await fx.normalise_one(found, summit=await _summit_of(financing.project))
    # Only the team's own edits keep it unverified; an organizer's change stands as it was decided.
    try:
        async with in_transaction():
            updated = await FundingRound.filter(id=found.id, status=found.status).update(
                **{name: getattr(found, name) for name in (*ROUND_FIELDS, *fx.NORMALISED_FIELDS)},
                evidence_key=found.evidence_key,
                evidence_name=found.evidence_name,
                evidence_type=found.evidence_type,
                updated_at=utcnow(),
            )
            if not updated:
                raise Conflict(_("An organizer decided on this round meanwhile. Reload the page to see it."))
            await audit.record(
                "funding.changed",
                actor_id=actor.user_id,
                object_type="project",
                object_id=financing.project.id,
                data={"round": found.id, "fields": changed, "before": before},
            )
    except Exception:
        if evidence is not None:
            _remove_evidence(settings, found.evidence_key)
        raise
    if evidence is not None:
        _remove_evidence(settings, previous_evidence)
    return found


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return str(value)
    return value


async def decide_round(
    *,
    actor: Actor,
    financing: Financing,
    found: FundingRound,
    decision: str,
    note: str,
    settings: Settings,
    now: datetime | None = None,
) -> FundingRound:
    """An organizer verifies or rejects a round (a rejection needs a note the team will read)."""
    ensure(financing.organizer)
    errors: dict[str, list[str]] = {}
    if decision not in {Verification.VERIFIED, Verification.REJECTED}:
        errors["decision"] = [_("Choose to verify or to reject the round.")]
    cleaned = note.strip()
    if "\x00" in cleaned or len(cleaned) > 2000:
        errors["note"] = [_("Use at most %(max)d characters.", max=2000)]
    elif decision == Verification.REJECTED and not cleaned:
        errors["note"] = [_("Say why the round is rejected: the team reads this note.")]
    if errors:
        raise InvalidInput(errors)
    status = Verification(decision)
    moment = now or utcnow()
    async with in_transaction():
        await FundingRound.filter(id=found.id).update(
            status=status, note=cleaned, decided_by_id=actor.user_id, decided_at=moment, updated_at=moment
        )
        await audit.record(
            f"funding.{status}",
            actor_id=actor.user_id,
            object_type="project",
            object_id=financing.project.id,
            data={"round": found.id, "note": cleaned, "was": str(found.status)},
        )
    was = found.status
    found.status, found.note, found.decided_by_id, found.decided_at = status, cleaned, actor.user_id, moment
    if found.source == RoundSource.ENTRANT and found.reported_by_id and was != status:
        await _tell_reporter(financing, found, settings)
    return found


async def _tell_reporter(financing: Financing, found: FundingRound, settings: Settings) -> None:
    reporter = await User.get_or_none(id=found.reported_by_id)
    if reporter is None:
        return
    project = financing.project
    await notify(
        key=f"funding-decided:{found.id}:{found.status}",
        recipient=reporter.email,
        kind="funding_decided",
        locale=reporter.locale or "en",
        context={
            "title": project.title,
            "verified": found.status == Verification.VERIFIED,
            "kind": str(found.kind),
            "amount": found.amount,
            "currency": found.currency,
            "note": found.note,
            "url": f"{settings.base_url}/projects/{project.id}/financing",
        },
    )


async def delete_round(*, actor: Actor, financing: Financing, found: FundingRound, settings: Settings) -> None:
    ensure(
        can_change_round(actor, financing, found),
        _("This round can no longer be changed by the team: an organizer has decided on it."),
    )
    async with in_transaction():
        await FundingRound.filter(id=found.id).delete()
        await audit.record(
            "funding.deleted",
            actor_id=actor.user_id,
            object_type="project",
            object_id=financing.project.id,
            data=_audit_data(found),
        )
    _remove_evidence(settings, found.evidence_key)


# ---- outcomes ---------------------------------------------------------------------------------


OUTCOME_FIELDS = ("incorporated_locally", "incorporated_locally_on", "district", "headcount", "headcount_as_of")


async def save_outcome(
    *,
    actor_id: int | None,
    project: Project,
    data: OutcomeInput,
    custom: dict[int, Any],
    fields: list[OutcomeField],
    allowed: bool,
    keep_blank: bool = False,
) -> list[str]:
    """Save landing, growth and custom outcomes; returns the names changed (audited once).
    keep_blank (the survey): an empty answer leaves the stored value as it is."""
    ensure(allowed)
    outcome = await Outcome.get_or_none(project_id=project.id)
    current: dict[str, Any] = {name: getattr(outcome, name) if outcome else None for name in OUTCOME_FIELDS}
    current["district"] = outcome.district if outcome else ""
    wanted: dict[str, Any] = {name: getattr(data, name) for name in OUTCOME_FIELDS}
    if keep_blank:
        wanted = {name: current[name] if value is None or value == "" else value for name, value in wanted.items()}
    changed = sorted(name for name in OUTCOME_FIELDS if current[name] != wanted[name])
    known = {f.id: f for f in fields}
    stored = {v.field_id: v for v in await OutcomeValue.filter(project_id=project.id, field_id__in=list(known))}
    updates: list[tuple[int, Any]] = []
    for field_id, value in custom.items():
        if field_id not in known or (keep_blank and value is None):
            continue
        before = stored[field_id].answer if field_id in stored else None
        if before != value:
            updates.append((field_id, value))
            changed.append(known[field_id].key)
    if not changed:
        return []
    async with in_transaction():
        if any(name in changed for name in OUTCOME_FIELDS):
            if outcome is None:
                await Outcome.create(project_id=project.id, updated_by_id=actor_id, **wanted)
            else:
                await Outcome.filter(id=outcome.id).update(updated_by_id=actor_id, updated_at=utcnow(), **wanted)
        for field_id, value in updates:
            if field_id in stored:
                await OutcomeValue.filter(id=stored[field_id].id).update(value={"v": value}, updated_at=utcnow())
            else:
                await OutcomeValue.create(project_id=project.id, field_id=field_id, value={"v": value})
        await audit.record(
            "outcome.changed",
            actor_id=actor_id,
            object_type="project",
            object_id=project.id,
            data={"fields": changed},
        )
    return changed


async def list_outcome_fields(*, competition: Competition) -> list[OutcomeField]:
    return list(await OutcomeField.filter(competition_id=competition.id).order_by("position", "id"))


async def add_outcome_field(*, actor: Actor, competition: Competition, data: OutcomeFieldInput) -> OutcomeField:
    ensure(can_manage_competition(actor, competition))
    if await OutcomeField.exists(competition_id=competition.id, key=data.key):
        raise InvalidInput({"key": [_("Another outcome of this competition already uses this key.")]})
    async with in_transaction():
        created = await OutcomeField.create(
            competition_id=competition.id,
            key=data.key,
            label_en=data.label_en,
            label_zh=data.label_zh,
            kind=data.kind,
            position=data.position,
        )
        await audit.record(
            "outcome.field_added",
            actor_id=actor.user_id,
            object_type="competition",
            object_id=competition.id,
            data={"key": data.key, "kind": str(data.kind)},
        )
    return created


async def remove_outcome_field(*, actor: Actor, competition: Competition, field_id: int) -> None:
    """Remove a custom outcome and every project's value for it."""
    ensure(can_manage_competition(actor, competition))
    found = await OutcomeField.get_or_none(id=field_id, competition_id=competition.id)
    if found is None:
        raise NotFound()
    async with in_transaction():
        await OutcomeField.filter(id=found.id).delete()
        await audit.record(
            "outcome.field_removed",
            actor_id=actor.user_id,
            object_type="competition",
            object_id=competition.id,
            data={"key": found.key},
        )


# ---- the organizer's list and figures ---------------------------------------------------------


@dataclass(frozen=True)
class RoundFilter:
    status: Verification | None = None
    kind: FundingKind | None = None
    currency: str = ""
    source: RoundSource | None = None
    missing_rate: bool = False


def round_filter_from(params: Any) -> RoundFilter:
    """Filters from a query string; values that make no sense are ignored."""

    def pick(enum: Any, name: str) -> Any:
        raw = params.get(name, "")
        return enum(raw) if raw in {e.value for e in enum} else None

    currency = params.get("currency", "")
    return RoundFilter(
        status=pick(Verification, "status"),
        kind=pick(FundingKind, "kind"),
        currency=currency if currency in money.CURRENCIES else "",
        source=pick(RoundSource, "source"),
        missing_rate=params.get("missing_rate") == "1",
    )


def _rounds_of(competition: Competition, selection: RoundFilter) -> Any:
    query = FundingRound.filter(project__competition_id=competition.id)
    if selection.status is not None:
        query = query.filter(status=selection.status)
    if selection.kind is not None:
        query = query.filter(kind=selection.kind)
    if selection.currency:
        query = query.filter(currency=selection.currency)
    if selection.source is not None:
        query = query.filter(source=selection.source)
    if selection.missing_rate:
        query = query.filter(Q(amount_usd=None) | Q(amount_reporting=None))
    return query


async def page_of_rounds(
    *, competition: Competition, selection: RoundFilter, page: int, size: int = PAGE_SIZE
) -> Page[FundingRound]:
    """One page of the competition's rounds with their projects: the verification queue comes first."""
    query = _rounds_of(competition, selection)
    total = await query.count()
    number = min(max(1, page), max(1, -(-total // size)))
    # The rounds waiting for a decision lead the list, newest first.
    queue = Case(When(status=Verification.REPORTED, then="0"), default="1")
    ordered = query.annotate(queue=queue).order_by("queue", "-announced_on", "-id")
    ordered = ordered.offset((number - 1) * size).limit(size)
    items = await ordered.select_related("project")
    return Page(items=list(items), number=number, size=size, total=total)


async def status_counts(*, competition: Competition) -> dict[str, int]:
    rows = (
        await FundingRound.filter(project__competition_id=competition.id)
        .annotate(n=Count("id"))
        .group_by("status")
        .values_list("status", "n")
    )
    counts = {str(s): 0 for s in Verification}
    for status, n in rows:
        counts[str(status)] = int(n or 0)
    return counts


def _figure_filter(figures: Figures) -> Q:
    if figures == Figures.PUBLISHED:
        return Q(status=Verification.VERIFIED, confidential=False)
    if figures == Figures.VERIFIED:
        return Q(status=Verification.VERIFIED)
    return ~Q(status=Verification.REJECTED)


async def raised_by_project(
    projects: Iterable[Project | int], currency: str, *, figures: Figures = Figures.VERIFIED
) -> dict[int, int]:
    """Each project's total raised, in minor units of USD or of the reporting currency (normalised amounts;
    rounds still without a figure count as nothing). Projects that raised nothing are left out."""
    ids = sorted({p if isinstance(p, int) else p.id for p in projects})
    if not ids:
        return {}
    query = FundingRound.filter(_figure_filter(figures), project_id__in=ids)
    if currency == money.BASE_CURRENCY:
        column = "amount_usd"
    else:
        if await query.filter(~Q(reporting_currency=currency), amount_reporting__not_isnull=True).exists():
            raise ValueError(f"figures are normalised to USD and to the summit's currency, not to {currency}")
        column = "amount_reporting"
    rows = (
        await query.filter(**{f"{column}__not_isnull": True})
        .annotate(total=Sum(column))
        .group_by("project_id")
        .values_list("project_id", "total")
    )
    return {int(project_id): int(total) for project_id, total in rows if total}


async def count_raised_at_least(
    projects: Iterable[Project | int], threshold_minor: int, currency: str, *, figures: Figures = Figures.VERIFIED
) -> int:
    """How many of the projects raised threshold_minor or more in total (minor units of currency, which is USD
    or the summit's reporting currency), using the normalised amounts. Exactly the threshold counts."""
    totals = await raised_by_project(projects, currency, figures=figures)
    return sum(1 for total in totals.values() if total >= threshold_minor)


async def rate_days(rounds: Iterable[FundingRound]) -> dict[int, date]:
    """The day of each FX rate the rounds' figures used, by rate id: one query."""
    ids = {i for r in rounds for i in (r.usd_rate_source_id, r.reporting_rate_source_id) if i is not None}
    if not ids:
        return {}
    return dict(await FxRate.filter(id__in=sorted(ids)).values_list("id", "on_date"))
