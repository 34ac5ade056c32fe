"""Thin jobs over the notification outbox."""

from __future__ import annotations

import logging
from typing import Any

from arq import Retry

from podium.platform.notifications import services
from podium.platform.users import services as users

log = logging.getLogger(__name__)


async def send_notification(ctx: dict[str, Any], *, notification_id: int) -> None:
    settings = ctx["settings"]
    retry_in = await services.deliver(
        notification_id=notification_id, mailer=ctx["mailer"], env=ctx["mail_env"], sender=settings.mail_from
    )
    if retry_in is not None:
        raise Retry(defer=retry_in)


async def send_password_reset(ctx: dict[str, Any], *, email: str, locale: str) -> None:
    await users.send_password_reset(settings=ctx["settings"], email=email, locale=locale)


async def release_stale_notifications(ctx: dict[str, Any]) -> int:
    return await services.requeue_stale()
