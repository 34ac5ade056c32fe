"""Eligibility: rules an organizer chooses per competition, checked on submit, each with a reason a person
can read, and overridable with an audited note."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from podium.competitions.forms import plain
from podium.competitions.models import (
    Competition,
    Eligibility,
    EligibilityCheck,
    EligibilityRule,
    OverseasExperience,
    Project,
    ProjectStatus,
    RuleKind,
    TeamMember,
)
from podium.competitions.permissions import can_manage_competition
from podium.platform import audit, jobs
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.i18n import format_date, utcnow
from podium.platform.i18n import gettext as _
from podium.platform.jobs import JobName
from podium.platform.permissions import ensure

Verdict = tuple[bool, dict[str, Any]]


@dataclass
class Facts:
    """Everything the rules look at for one project, loaded up front."""

    project: Project
    members: list[TeamMember]
    today: date
    # E-mail -> ids of the competition's other live projects that person is on.
    elsewhere: dict[str, list[int]] = field(default_factory=dict)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def check_max_team_size(params: dict[str, Any], facts: Facts) -> Verdict:
    size, limit = len(facts.members), int(params["max"])
    return size <= limit, {"size": size, "max": limit}


def check_overseas_experience(params: dict[str, Any], facts: Facts) -> Verdict:
    """Every founder studied abroad (a degree), or worked abroad at least N years; and, if they came back,
    came back within the last M years."""
    min_years = Decimal(str(params.get("min_years", 0)))
    within = params.get("returned_within_years")
    failing: list[str] = []
    for member in facts.members:
        degree = member.overseas in (OverseasExperience.STUDY, OverseasExperience.BOTH)
        worked = member.overseas == OverseasExperience.WORK and Decimal(member.overseas_years) >= min_years
        ok = degree or worked
        if ok and within is not None and member.returned_on is not None:
            ok = member.returned_on >= years_before(facts.today, int(within))
        if not ok:
            failing.append(member.name or member.email)
    return not failing, {"failing": failing}


def check_founder_equity(params: dict[str, Any], facts: Facts) -> Verdict:
    lead = sum((Decimal(m.equity) for m in facts.members if m.is_lead), Decimal(0))
    team = sum((Decimal(m.equity) for m in facts.members), Decimal(0))
    lead_min, team_min = Decimal(str(params["lead_min"])), Decimal(str(params["team_min"]))
    return lead >= lead_min or team >= team_min, {"lead": plain(lead), "team": plain(team)}


def check_founded_after(params: dict[str, Any], facts: Facts) -> Verdict:
    incorporated = facts.project.incorporated_on
    if incorporated is None:
        return bool(params.get("allow_unincorporated")), {"incorporated": None}
    return incorporated >= date.fromisoformat(params["date"]), {"incorporated": incorporated.isoformat()}


def check_one_project_per_person(params: dict[str, Any], facts: Facts) -> Verdict:
    shared = sorted(m.name or m.email for m in facts.members if facts.elsewhere.get(m.email))
    return not shared, {"shared": shared}


def check_deck_present(params: dict[str, Any], facts: Facts) -> Verdict:
    return bool(facts.project.deck_key), {}


CHECKS: dict[RuleKind, Callable[[dict[str, Any], Facts], Verdict]] = {
    RuleKind.MAX_TEAM_SIZE: check_max_team_size,
    RuleKind.OVERSEAS_EXPERIENCE: check_overseas_experience,
    RuleKind.FOUNDER_EQUITY: check_founder_equity,
    RuleKind.FOUNDED_AFTER: check_founded_after,
    RuleKind.ONE_PROJECT_PER_PERSON: check_one_project_per_person,
    RuleKind.DECK_PRESENT: check_deck_present,
}


def describe_rule(kind: RuleKind, params: dict[str, Any]) -> str:
    """The rule in words, in the viewer's language."""
    if kind == RuleKind.MAX_TEAM_SIZE:
        return _("The team has at most %(max)d people.", max=int(params["max"]))
    if kind == RuleKind.OVERSEAS_EXPERIENCE:
        text = _(
            "Every founder has a degree from abroad or worked abroad at least %(years)s years.",
            years=params.get("min_years", 0),
        )
        if params.get("returned_within_years") is not None:
            text += " " + _(
                "Founders who came back did so within the last %(years)s years.", years=params["returned_within_years"]
            )
        return text
    if kind == RuleKind.FOUNDER_EQUITY:
        return _(
            "The lead founder holds at least %(lead)s%% of the equity, or the founders together at least %(team)s%%.",
            lead=params["lead_min"],
            team=params["team_min"],
        )
    if kind == RuleKind.FOUNDED_AFTER:
        text = _(
            "The company was incorporated on or after %(date)s.",
            date=format_date(date.fromisoformat(params["date"]), "long"),
        )
        if params.get("allow_unincorporated"):
            text += " " + _("Teams not yet incorporated may also apply.")
        return text
    if kind == RuleKind.ONE_PROJECT_PER_PERSON:
        return _("Nobody is on two projects in this competition.")
    return _("A pitch deck is uploaded.")


def explain(kind: RuleKind, passed: bool, facts: dict[str, Any]) -> str:
    """Why a project passed or failed a rule, in the viewer's language."""
    if kind == RuleKind.MAX_TEAM_SIZE:
        return _("The team has %(size)d people; at most %(max)d are allowed.", size=facts["size"], max=facts["max"])
    if kind == RuleKind.OVERSEAS_EXPERIENCE:
        if passed:
            return _("Every founder meets the overseas requirement.")
        return _("Not met by: %(names)s.", names=", ".join(facts["failing"]))
    if kind == RuleKind.FOUNDER_EQUITY:
        return _(
            "The lead founder holds %(lead)s%%; the founders together %(team)s%%.",
            lead=facts["lead"],
            team=facts["team"],
        )
    if kind == RuleKind.FOUNDED_AFTER:
        if facts.get("incorporated") is None:
            return _("The company is not incorporated yet.")
        return _("Incorporated on %(date)s.", date=format_date(date.fromisoformat(facts["incorporated"]), "long"))
    if kind == RuleKind.ONE_PROJECT_PER_PERSON:
        if passed:
            return _("No founder is on another project.")
        return _("Also on another project: %(names)s.", names=", ".join(facts["shared"]))
    return _("A pitch deck is uploaded.") if passed else _("No pitch deck is uploaded yet.")


async def load_facts(project: Project, today: date) -> Facts:
    members = await TeamMember.filter(project_id=project.id)
    emails = [m.email for m in members]
    elsewhere: dict[str, list[int]] = {}
    for email, project_id in (
        await TeamMember.filter(email__in=emails, project__competition_id=project.competition_id)
        .exclude(project_id=project.id)
        .exclude(project__status=ProjectStatus.WITHDRAWN)
        .values_list("email", "project_id")
    ):
        elsewhere.setdefault(str(email), []).append(int(project_id))
    return Facts(project=project, members=members, today=today, elsewhere=elsewhere)


async def evaluate_project(*, project: Project, now: datetime | None = None) -> Eligibility:
    """Check every rule of the project's competition, keep the organizer's overrides, and store the outcome."""
    moment = now or utcnow()
    rules = await EligibilityRule.filter(competition_id=project.competition_id).order_by("id")
    facts = await load_facts(project, moment.date())
    existing = {c.rule_id: c for c in await EligibilityCheck.filter(project_id=project.id)}
    outcomes: list[bool] = []
    async with in_transaction():
        for rule in rules:
            passed, details = CHECKS[RuleKind(rule.kind)](rule.params, facts)
            check = existing.get(rule.id)
            if check is None:
                check = await EligibilityCheck.create(
                    project_id=project.id, rule_id=rule.id, passed=passed, facts=details, checked_at=moment
                )
            else:
                check.passed, check.facts, check.checked_at = passed, details, moment
                await check.save(update_fields=["passed", "facts", "checked_at"])
            outcomes.append(check.outcome)
        await EligibilityCheck.filter(project_id=project.id).exclude(rule_id__in=[r.id for r in rules]).delete()
        result = Eligibility.ELIGIBLE if all(outcomes) else Eligibility.INELIGIBLE
        if project.eligibility_by_hand:
            return Eligibility(project.eligibility)
        await Project.filter(id=project.id).update(eligibility=result)
    project.eligibility = result
    return result


async def evaluate_competition(*, competition_id: int) -> int:
    """Re-check every submitted project (after the rules changed). Runs in a worker."""
    count = 0
    for project in await Project.filter(competition_id=competition_id, status=ProjectStatus.SUBMITTED):
        await evaluate_project(project=project)
        count += 1
    return count


async def _recheck_later(competition_id: int) -> None:
    await jobs.enqueue(
        JobName.EVALUATE_ELIGIBILITY, job_id=f"eligibility:{competition_id}", competition_id=competition_id
    )


async def add_rule(
    *, actor: Actor, competition: Competition, kind: RuleKind, params: dict[str, Any]
) -> EligibilityRule:
    ensure(can_manage_competition(actor, competition))
    rule = await EligibilityRule.create(competition_id=competition.id, kind=kind, params=params)
    await audit.record(
        "eligibility.rule_added",
        actor_id=actor.user_id,
        object_type="competition",
        object_id=competition.id,
        data={"kind": str(kind), "params": params},
    )
    await _recheck_later(competition.id)
    return rule


async def remove_rule(*, actor: Actor, competition: Competition, rule_id: int) -> None:
    ensure(can_manage_competition(actor, competition))
    if not await EligibilityRule.filter(id=rule_id, competition_id=competition.id).delete():
        raise NotFound()
    await audit.record(
        "eligibility.rule_removed",
        actor_id=actor.user_id,
        object_type="competition",
        object_id=competition.id,
        data={"rule": rule_id},
    )
    await _recheck_later(competition.id)


async def checks_of(project: Project) -> list[EligibilityCheck]:
    return (
        await EligibilityCheck.filter(project_id=project.id)
        .prefetch_related("rule", "overridden_by")
        .order_by("rule_id")
    )


async def override_check(*, actor: Actor, check_id: int, decision: str, note: str) -> EligibilityCheck:
    """An organizer's verdict over the automatic one ("pass", "fail") or back to automatic ("clear")."""
    # Tortoise 1.1.9 sometimes leaves a sibling of a nested select_related without its columns (it depends on
    # the process's hash seed), so the rule is loaded on its own.
    check = await EligibilityCheck.get_or_none(id=check_id).select_related("project__competition")
    if check is None or not can_manage_competition(actor, check.project.competition):
        raise NotFound()
    check.rule = await EligibilityRule.get(id=check.rule_id)
    if decision not in {"pass", "fail", "clear"}:
        raise InvalidInput({"decision": [_("Choose pass, fail or automatic.")]})
    note = note.strip()
    if decision != "clear" and len(note) < 5:
        raise InvalidInput({"note": [_("Say why, in a few words: the note is kept in the audit log.")]})
    check.override = None if decision == "clear" else decision == "pass"
    check.override_note = note[:2000] if decision != "clear" else ""
    check.overridden_by_id = actor.user_id if decision != "clear" else None
    check.overridden_at = utcnow() if decision != "clear" else None
    await check.save(update_fields=["override", "override_note", "overridden_by_id", "overridden_at"])
    await audit.record(
        "eligibility.overridden",
        actor_id=actor.user_id,
        object_type="project",
        object_id=check.project_id,
        data={"rule": check.rule_id, "kind": str(check.rule.kind), "decision": decision, "note": note},
    )
    await evaluate_project(project=check.project)
    return check
