"""Queue and deliver notifications. A row per message, unique by key: queued twice, sent once."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import jinja2
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from podium.platform import jobs
from podium.platform.email import Mailer, PermanentMailError, TransientMailError, render_message
from podium.platform.i18n import utcnow
from podium.platform.jobs import JobName
from podium.platform.notifications.models import Notification, NotificationStatus

log = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died mid-send; the message may be taken again.
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 6


async def notify(*, key: str, recipient: str, kind: str, locale: str, context: dict[str, Any]) -> Notification:
    """Record the message (once per key) and queue its delivery. Call outside any transaction."""
    notification = await Notification.get_or_none(key=key)
    if notification is None:
        try:
            notification = await Notification.create(
                key=key, recipient=recipient, kind=kind, locale=locale, context=context
            )
        except IntegrityError:  # the same key was recorded concurrently; that one wins
            notification = await Notification.get(key=key)
    if notification.status == NotificationStatus.PENDING:
        await jobs.enqueue(
            JobName.SEND_NOTIFICATION, job_id=f"notification:{notification.id}", notification_id=notification.id
        )
    return notification


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempt - 1), 3600))


async def deliver(*, notification_id: int, mailer: Mailer, env: jinja2.Environment, sender: str) -> timedelta | None:
    """Send one notification. Returns None when done (sent, failed for good, or not ours to send),
    or the delay after which a retry should run."""
    now = utcnow()
    claimable = Q(status=NotificationStatus.PENDING) | Q(
        status=NotificationStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    claimed = await Notification.filter(claimable, id=notification_id, attempts__lt=MAX_ATTEMPTS).update(
        status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        log.info("notification %s already sent, being sent, or out of attempts", notification_id)
        return None
    notification = await Notification.get(id=notification_id)
    # Every later write is conditional on this claim, so a worker that lost it changes nothing.
    ours = Notification.filter(id=notification_id, status=NotificationStatus.SENDING, claimed_at=now)
    try:
        message = render_message(
            env,
            kind=notification.kind,
            locale=notification.locale,
            context=notification.context,
            sender=sender,
            recipient=notification.recipient,
        )
        await mailer.send(message)
    except TransientMailError as exc:
        give_up = notification.attempts >= MAX_ATTEMPTS
        status = NotificationStatus.FAILED if give_up else NotificationStatus.PENDING
        await ours.update(status=status, last_error=str(exc)[:2000])
        log.warning("notification %s: attempt %s failed: %s", notification_id, notification.attempts, exc)
        return None if give_up else backoff(notification.attempts)
    except PermanentMailError as exc:
        await ours.update(status=NotificationStatus.FAILED, last_error=str(exc)[:2000])
        log.error("notification %s refused for good: %s", notification_id, exc)
        return None
    except Exception as exc:
        # Not a mail error (a template bug, say): fail this message rather than send it again and again.
        await ours.update(status=NotificationStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000])
        log.exception("notification %s could not be sent", notification_id)
        return None
    await ours.update(status=NotificationStatus.SENT, sent_at=utcnow(), last_error="")
    return None


async def requeue_stale() -> int:
    """Queue again the pending messages whose job was lost (e.g. the embedded queue died with its process)."""
    stale_before = utcnow() - CLAIM_TIMEOUT
    ids = (
        await Notification.filter(
            Q(status=NotificationStatus.PENDING, created_at__lt=stale_before)
            | Q(status=NotificationStatus.SENDING, claimed_at__lt=stale_before)
        )
        .limit(500)
        .values_list("id", flat=True)
    )
    for notification_id in ids:
        await jobs.enqueue(
            JobName.SEND_NOTIFICATION, job_id=f"notification:{notification_id}", notification_id=notification_id
        )
    return len(ids)
