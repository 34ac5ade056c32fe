"""Conflicts of interest: declared by judges (they hold at once), detected by Podium (they wait for an
organizer), or set by an organizer. A confirmed conflict ends the judge's assignments on the project."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from podium.competitions.models import Competition, Project, ProjectStatus, TeamMember
from podium.competitions.services.duplicates import website_key
from podium.judging.models import Assignment, AssignmentStatus, Conflict, ConflictSource, ConflictStatus, JudgeProfile
from podium.judging.permissions import can_run_judging
from podium.judging.services import rankings
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.permissions import ensure
from podium.platform.summits.models import Role, SummitRole
from podium.platform.users.models import User

# Addresses at these domains say nothing about where a person works.
PUBLIC_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
        "me.com", "proton.me", "protonmail.com", "qq.com", "163.com", "126.com", "sina.com", "foxmail.com",
        "aliyun.com", "yeah.net", "gmx.de", "web.de", "example.com",
    }
)  # fmt: skip

BLOCKING = (ConflictStatus.CONFIRMED,)


def _domain(email: str) -> str:
    domain = email.rpartition("@")[2].lower()
    return "" if domain in PUBLIC_DOMAINS else domain


def _org(value: str) -> str:
    return " ".join(value.casefold().split())


async def blocked_pairs(project_ids: list[int] | None = None) -> set[tuple[int, int]]:
    """(project, judge) pairs that must never be assigned: confirmed conflicts and those still awaiting a
    decision (better to wait than to assign a likely conflict)."""
    query = Conflict.filter(status__in=[ConflictStatus.CONFIRMED, ConflictStatus.PENDING])
    if project_ids is not None:
        query = query.filter(project_id__in=project_ids)
    return {(c.project_id, c.judge_id) for c in await query}


async def _end_assignments(judge_id: int, project_id: int) -> None:
    """The judge's scorecards on the project end, and rankings that counted them are computed again."""
    ended = await Assignment.filter(judge_id=judge_id, project_id=project_id).exclude(
        status=AssignmentStatus.CONFLICTED
    )
    await Assignment.filter(id__in=[a.id for a in ended]).update(status=AssignmentStatus.CONFLICTED)
    for round_id in {a.round_id for a in ended if a.status == AssignmentStatus.SUBMITTED}:
        await rankings.queue(round_id)


async def declare(*, actor: Actor, project: Project, reason: str) -> Conflict:
    """A judge declares a conflict with a project: it holds at once and ends their assignments on it."""
    user = actor.require_user()
    conflict = await Conflict.get_or_none(judge_id=user.id, project_id=project.id)
    if conflict is None:
        try:
            conflict = await Conflict.create(
                judge_id=user.id,
                project_id=project.id,
                source=ConflictSource.DECLARED,
                status=ConflictStatus.CONFIRMED,
                reason=reason,
                decided_at=utcnow(),
                decided_by_id=user.id,
            )
        except IntegrityError:
            conflict = await Conflict.get(judge_id=user.id, project_id=project.id)
    if conflict.status != ConflictStatus.CONFIRMED:
        conflict.status, conflict.reason = ConflictStatus.CONFIRMED, reason or conflict.reason
        conflict.decided_at, conflict.decided_by_id = utcnow(), user.id
        await conflict.save()
    await _end_assignments(user.id, project.id)
    await audit.record(
        "judging.conflict_declared",
        actor_id=user.id,
        object_type="project",
        object_id=project.id,
        data={"reason": reason},
    )
    return conflict


async def get_managed_conflict(*, actor: Actor, conflict_id: int) -> Conflict:
    conflict = await Conflict.get_or_none(id=conflict_id).select_related("project__competition", "judge")
    if conflict is None or not can_run_judging(actor, conflict.project.competition.summit_id):
        raise NotFound()
    return conflict


async def decide(*, actor: Actor, conflict: Conflict, confirm: bool) -> Conflict:
    ensure(can_run_judging(actor, conflict.project.competition.summit_id))
    conflict.status = ConflictStatus.CONFIRMED if confirm else ConflictStatus.DISMISSED
    conflict.decided_at, conflict.decided_by_id = utcnow(), actor.user_id
    await conflict.save(update_fields=["status", "decided_at", "decided_by_id"])
    if confirm:
        await _end_assignments(conflict.judge_id, conflict.project_id)
    await audit.record(
        "judging.conflict_confirmed" if confirm else "judging.conflict_dismissed",
        actor_id=actor.user_id,
        object_type="project",
        object_id=conflict.project_id,
        data={"judge": conflict.judge_id},
    )
    return conflict


async def add_by_organizer(
    *, actor: Actor, competition: Competition, judge_id: int, project_id: int, reason: str
) -> Conflict:
    ensure(can_run_judging(actor, competition.summit_id))
    if not await Project.exists(id=project_id, competition_id=competition.id):
        raise InvalidInput({"project": [_("Choose a project of this competition.")]})
    conflict, _created = await Conflict.update_or_create(
        judge_id=judge_id,
        project_id=project_id,
        defaults={
            "source": ConflictSource.ORGANIZER,
            "status": ConflictStatus.CONFIRMED,
            "reason": reason,
            "decided_at": utcnow(),
            "decided_by_id": actor.user_id,
        },
    )
    await _end_assignments(judge_id, project_id)
    await audit.record(
        "judging.conflict_set",
        actor_id=actor.user_id,
        object_type="project",
        object_id=project_id,
        data={"judge": judge_id, "reason": reason},
    )
    return conflict


@dataclass(frozen=True)
class Judge:
    user: User
    profile: JudgeProfile | None


async def judges_of(summit_id: int) -> list[Judge]:
    """The summit's judges who have an account, with their profiles: two queries."""
    roles = await SummitRole.filter(summit_id=summit_id, role=Role.JUDGE, user_id__not_isnull=True).select_related(
        "user"
    )
    profiles = {p.user_id: p for p in await JudgeProfile.filter(summit_id=summit_id)}
    return [Judge(user=r.user, profile=profiles.get(r.user.id)) for r in roles if r.user is not None]


def _reasons(judge: Judge, project: Project, members: list[TeamMember], member_orgs: dict[str, str]) -> list[str]:
    user, profile = judge.user, judge.profile
    reasons = []
    emails = {m.email for m in members}
    if user.email in emails:
        reasons.append(_("The judge is on the project's team."))
    domain = _domain(user.email)
    if domain and any(_domain(e) == domain for e in emails):
        reasons.append(_("The judge shares an e-mail domain with a team member (%(domain)s).", domain=domain))
    orgs = {o for o in (_org(user.organisation), _org(profile.affiliation if profile else "")) if o}
    if orgs & {member_orgs.get(e, "") for e in emails}:
        reasons.append(_("The judge works at the same organisation as a team member."))
    site = website_key(project.website) if project.website else ""
    for company in profile.portfolio if profile else []:
        key = company.casefold().strip()
        if key and ((site and (website_key(company) == site or key == site)) or key == project.title.casefold()):
            reasons.append(_("A portfolio company of the judge matches the project (%(company)s).", company=company))
            break
    referral = project.referral.casefold().strip()
    if referral and referral in {user.email, user.name.casefold(), user.name_local.casefold()} - {""}:
        reasons.append(_("The judge referred the project."))
    return reasons


async def detect(*, competition_id: int) -> int:
    """Flag likely conflicts between the summit's judges and the competition's submitted projects. A pair
    already decided (or declared) is left as it is. Runs in a worker; returns how many were flagged."""
    competition = await Competition.get_or_none(id=competition_id)
    if competition is None:
        return 0
    judges = await judges_of(competition.summit_id)
    if not judges:
        return 0
    projects = await Project.filter(competition_id=competition_id, status=ProjectStatus.SUBMITTED)
    members: dict[int, list[TeamMember]] = defaultdict(list)
    for member in await TeamMember.filter(project_id__in=[p.id for p in projects]):
        members[member.project_id].append(member)
    linked = {m.user_id for ms in members.values() for m in ms if m.user_id}
    member_orgs = {u.email: _org(u.organisation) for u in await User.filter(id__in=list(linked)) if u.organisation}
    known = {(c.judge_id, c.project_id) for c in await Conflict.filter(project_id__in=[p.id for p in projects])}
    # Index the projects by every key a conflict can share, so each judge is compared only with candidates.
    index: dict[str, set[int]] = defaultdict(set)
    for project in projects:
        for member in members[project.id]:
            index[f"e:{member.email}"].add(project.id)
            if _domain(member.email):
                index[f"d:{_domain(member.email)}"].add(project.id)
            if member_orgs.get(member.email):
                index[f"o:{member_orgs[member.email]}"].add(project.id)
        if project.website:
            index[f"p:{website_key(project.website)}"].add(project.id)
        index[f"p:{project.title.casefold()}"].add(project.id)
        if project.referral:
            index[f"r:{project.referral.casefold().strip()}"].add(project.id)
    by_id = {p.id: p for p in projects}
    flagged = 0
    for judge in judges:
        user, profile = judge.user, judge.profile
        keys = [f"e:{user.email}", f"d:{_domain(user.email)}", f"r:{user.email}"]
        keys += [f"r:{n.casefold()}" for n in (user.name, user.name_local) if n]
        keys += [f"o:{o}" for o in (_org(user.organisation), _org(profile.affiliation if profile else "")) if o]
        for company in profile.portfolio if profile else []:
            keys += [f"p:{website_key(company)}", f"p:{company.casefold().strip()}"]
        candidates = set().union(*(index.get(k, set()) for k in keys))
        for project_id in sorted(candidates):
            if (user.id, project_id) in known:
                continue
            project = by_id[project_id]
            reasons = _reasons(judge, project, members[project_id], member_orgs)
            if not reasons:
                continue
            try:
                await Conflict.create(
                    judge_id=user.id,
                    project_id=project_id,
                    source=ConflictSource.DETECTED,
                    status=ConflictStatus.PENDING,
                    reason=" ".join(reasons)[:500],
                )
            except IntegrityError:
                continue
            flagged += 1
    return flagged


async def pending_of(competition: Competition) -> list[Conflict]:
    return (
        await Conflict.filter(project__competition_id=competition.id, status=ConflictStatus.PENDING)
        .select_related("judge", "project")
        .order_by("id")
        .limit(200)
    )


async def is_blocked(judge_id: int, project_id: int) -> bool:
    return await Conflict.exists(judge_id=judge_id, project_id=project_id, status=ConflictStatus.CONFIRMED)
