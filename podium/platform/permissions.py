"""Role predicates shared by every package, and ensure() to refuse with a translated message."""

from __future__ import annotations

from podium.platform.auth import Actor
from podium.platform.errors import PermissionDenied
from podium.platform.summits.models import Role


def ensure(condition: bool, message: str | None = None) -> None:
    if not condition:
        raise PermissionDenied(message)


def can_create_summit(actor: Actor) -> bool:
    return actor.is_superuser


def can_manage_summit(actor: Actor, summit_id: int) -> bool:
    return actor.is_superuser or actor.has_role(summit_id, Role.ORGANIZER)


def can_work_at_summit(actor: Actor, summit_id: int) -> bool:
    """Organizers and door staff (check-in)."""
    return can_manage_summit(actor, summit_id) or actor.has_role(summit_id, Role.STAFF)


def is_judge(actor: Actor, summit_id: int) -> bool:
    return actor.has_role(summit_id, Role.JUDGE)
