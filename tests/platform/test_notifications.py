"""The notification outbox over real SMTP (aiosmtpd): sent once per key, retried with backoff, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from arq import Retry

from podium.platform.email import SmtpMailer
from podium.platform.i18n import utcnow
from podium.platform.notifications import services
from podium.platform.notifications.models import Notification, NotificationStatus
from podium.settings import Settings
from podium.tooling.services import free_port
from podium.workers.notifications import send_notification
from tests.conftest import JobRunner, SmtpSink
from tests.helpers import body_text

CONTEXT = {"name": "Ada", "verify_url": "http://podium.test/verify/abc", "days": 7}


async def _notify(key: str = "k1", locale: str = "en") -> Notification:
    return await services.notify(
        key=key, recipient="ada@example.com", kind="verify_email", locale=locale, context=CONTEXT
    )


async def test_the_same_key_queued_twice_is_sent_once(app: object, run_jobs: JobRunner, mailbox: SmtpSink) -> None:
    first = await _notify()
    second = await _notify()
    assert first.id == second.id
    await run_jobs.run()
    assert len(mailbox.messages) == 1
    assert "http://podium.test/verify/abc" in body_text(mailbox.messages[0])
    assert "The link works for 7 days." in body_text(mailbox.messages[0])
    assert (await Notification.get(id=first.id)).status == NotificationStatus.SENT


async def test_a_job_that_runs_twice_sends_once(app: object, run_jobs: JobRunner, mailbox: SmtpSink) -> None:
    notification = await _notify()
    ctx = run_jobs.ctx
    await send_notification(ctx, notification_id=notification.id)
    await send_notification(ctx, notification_id=notification.id)
    assert len(mailbox.messages) == 1


async def test_mail_is_rendered_in_the_recipients_language(app: object, run_jobs: JobRunner, mailbox: SmtpSink) -> None:
    await _notify(locale="zh_Hans")
    await run_jobs.run()
    assert mailbox.messages[0]["Subject"] == "确认您的电子邮箱"
    assert "7 天" in body_text(mailbox.messages[0]) or "7天" in body_text(mailbox.messages[0])


async def test_a_temporary_smtp_refusal_is_retried_with_backoff(
    app: object, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    notification = await _notify()
    mailbox.refuse_next.append(451)
    with pytest.raises(Retry) as retry:
        await send_notification(run_jobs.ctx, notification_id=notification.id)
    assert retry.value.defer_score == 30_000
    stored = await Notification.get(id=notification.id)
    assert (stored.status, stored.attempts) == (NotificationStatus.PENDING, 1)
    assert "451" in stored.last_error
    assert services.backoff(2) == timedelta(seconds=60)
    assert services.backoff(20) == timedelta(hours=1)

    await send_notification(run_jobs.ctx, notification_id=notification.id)
    assert len(mailbox.messages) == 1
    assert (await Notification.get(id=notification.id)).status == NotificationStatus.SENT


async def test_a_permanent_refusal_fails_without_retrying(app: object, run_jobs: JobRunner, mailbox: SmtpSink) -> None:
    notification = await _notify()
    mailbox.refuse_next.append(550)
    await send_notification(run_jobs.ctx, notification_id=notification.id)  # no Retry raised
    stored = await Notification.get(id=notification.id)
    assert stored.status == NotificationStatus.FAILED
    assert stored.last_error.startswith("550")
    await send_notification(run_jobs.ctx, notification_id=notification.id)
    assert mailbox.messages == []


async def test_an_unreachable_smtp_server_is_a_retry(app: object, run_jobs: JobRunner, settings: Settings) -> None:
    notification = await _notify()
    ctx = {**run_jobs.ctx, "mailer": SmtpMailer(f"smtp://127.0.0.1:{free_port()}", timeout=2)}
    with pytest.raises(Retry):
        await send_notification(ctx, notification_id=notification.id)
    assert (await Notification.get(id=notification.id)).status == NotificationStatus.PENDING


async def test_a_message_whose_worker_died_mid_send_is_sent_again_later(
    app: object, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    notification = await _notify()
    await run_jobs.run()
    assert len(mailbox.messages) == 1
    mailbox.messages.clear()
    # Simulate a worker that claimed a second message and died before sending it.
    stuck = await _notify(key="k2")
    await Notification.filter(id=stuck.id).update(
        status=NotificationStatus.SENDING,
        claimed_at=utcnow() - timedelta(minutes=30),
        attempts=1,
        created_at=utcnow() - timedelta(minutes=30),
    )
    await send_notification(run_jobs.ctx, notification_id=stuck.id)  # the stale claim may be taken over
    assert len(mailbox.messages) == 1
    assert (await Notification.get(id=notification.id)).status == NotificationStatus.SENT
    assert (await Notification.get(id=stuck.id)).status == NotificationStatus.SENT


async def test_stale_pending_messages_are_queued_again_by_the_sweeper(
    app: object, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    lost = await Notification.create(
        key="lost", recipient="ada@example.com", kind="verify_email", locale="en", context=CONTEXT
    )
    await Notification.filter(id=lost.id).update(created_at=utcnow() - timedelta(minutes=30))
    fresh_claim = await Notification.create(
        key="busy",
        recipient="bob@example.com",
        kind="verify_email",
        locale="en",
        context=CONTEXT,
        status=NotificationStatus.SENDING,
        claimed_at=utcnow(),
    )
    assert await services.requeue_stale() == 1
    await run_jobs.run()
    assert [m["To"] for m in mailbox.messages] == ["ada@example.com"]
    assert (await Notification.get(id=fresh_claim.id)).status == NotificationStatus.SENDING


async def test_an_unexpected_error_fails_the_message_instead_of_resending_it(
    app: object, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    broken = await services.notify(
        key="broken", recipient="ada@example.com", kind="verify_email", locale="en", context={"name": "Ada"}
    )  # the template needs verify_url and days
    await send_notification(run_jobs.ctx, notification_id=broken.id)
    stored = await Notification.get(id=broken.id)
    assert stored.status == NotificationStatus.FAILED
    assert stored.last_error.startswith("UndefinedError")
    assert await services.requeue_stale() == 0
    assert mailbox.messages == []


async def test_a_message_out_of_attempts_is_not_claimed_again(
    app: object, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    notification = await _notify()
    await Notification.filter(id=notification.id).update(attempts=services.MAX_ATTEMPTS)
    await send_notification(run_jobs.ctx, notification_id=notification.id)
    assert mailbox.messages == []
