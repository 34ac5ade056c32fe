"""Who may do what in judging: the summit's organizers run it; judges see only their own assignments."""

from __future__ import annotations

from podium.platform.auth import Actor
from podium.platform.permissions import can_manage_summit, is_judge


def can_run_judging(actor: Actor, summit_id: int) -> bool:
    return can_manage_summit(actor, summit_id)


def can_judge(actor: Actor, summit_id: int) -> bool:
    return actor.user_id is not None and is_judge(actor, summit_id)
