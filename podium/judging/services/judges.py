"""The judge pool of a summit: invitations by e-mail (one by one or pasted in bulk) and the pool's profiles."""

from __future__ import annotations

from dataclasses import dataclass

from podium.judging.models import JudgeProfile
from podium.judging.permissions import can_run_judging
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput
from podium.platform.i18n import gettext as _
from podium.platform.permissions import ensure
from podium.platform.summits import services as summits
from podium.platform.summits.forms import GrantRoleForm
from podium.platform.summits.models import Role, Summit, SummitRole
from podium.platform.users.forms import normalize_email
from podium.settings import Settings

MAX_LINES = 500


def parse_lines(text: str) -> list[str]:
    """One address per line, optionally followed by a comma or tab and a name (as pasted from a spreadsheet).
    Raises InvalidInput naming every bad line."""
    emails: list[str] = []
    problems: list[str] = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise InvalidInput({"emails": [_("Enter at least one e-mail address.")]})
    if len(lines) > MAX_LINES:
        raise InvalidInput({"emails": [_("Invite at most %(max)d judges at a time.", max=MAX_LINES)]})
    for number, line in enumerate(lines, start=1):
        address = line.replace("\t", ",").replace(";", ",").split(",")[0].strip()
        try:
            email = normalize_email(address)
        except ValueError:
            problems.append(_("Line %(line)d: “%(text)s” is not an e-mail address.", line=number, text=address[:80]))
            continue
        if email not in emails:
            emails.append(email)
    if problems:
        raise InvalidInput({"emails": problems})
    return emails


async def invite(*, actor: Actor, summit: Summit, text: str, settings: Settings) -> tuple[int, int]:
    """Give every listed address the judge role (mailing each an invitation). Nothing is granted when a line is
    wrong. Returns (invited, already judges)."""
    ensure(can_run_judging(actor, summit.id))
    emails = parse_lines(text)
    existing = {r.email for r in await SummitRole.filter(summit_id=summit.id, role=Role.JUDGE, email__in=emails)}
    invited = 0
    for email in emails:
        if email in existing:
            continue
        await summits.grant_role(
            actor=actor, summit=summit, form=GrantRoleForm(email=email, role=Role.JUDGE), settings=settings
        )
        invited += 1
    return invited, len(existing)


@dataclass(frozen=True)
class PoolEntry:
    role: SummitRole
    profile: JudgeProfile | None


async def pool(*, actor: Actor, summit: Summit) -> list[PoolEntry]:
    ensure(can_run_judging(actor, summit.id))
    roles = await SummitRole.filter(summit_id=summit.id, role=Role.JUDGE).select_related("user").order_by("email")
    profiles = {p.user_id: p for p in await JudgeProfile.filter(summit_id=summit.id)}
    return [PoolEntry(role=r, profile=profiles.get(r.user_id) if r.user_id else None) for r in roles]
