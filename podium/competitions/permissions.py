"""Who may do what to a competition: its summit's organizers (and superusers) set it up."""

from __future__ import annotations

from podium.competitions.models import Competition
from podium.platform.auth import Actor
from podium.platform.permissions import can_manage_summit


def can_manage_competition(actor: Actor, competition: Competition) -> bool:
    return can_manage_summit(actor, competition.summit_id)
