"""Housekeeping jobs."""

from __future__ import annotations

from typing import Any

from podium.platform.i18n import utcnow
from podium.platform.users.models import Session


async def purge_expired_sessions(ctx: dict[str, Any]) -> int:
    return await Session.filter(expires_at__lt=utcnow()).delete()
