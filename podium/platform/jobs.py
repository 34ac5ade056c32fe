"""Background jobs on arq: enqueue() by name, on Redis or on an in-process fakeredis in the embedded mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

import arq.worker
import fakeredis
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.cron import CronJob
from arq.worker import Function, Worker

log = logging.getLogger(__name__)


class JobName(StrEnum):
    """Every job, by its function name. Services enqueue by these names and never import workers."""

    SEND_NOTIFICATION = "send_notification"
    SEND_PASSWORD_RESET = "send_password_reset"  # noqa: S105 - a job name
    PURGE_EXPIRED_SESSIONS = "purge_expired_sessions"
    EVALUATE_ELIGIBILITY = "evaluate_eligibility"
    DETECT_DUPLICATES = "detect_duplicates"
    REMIND_DRAFTS = "remind_drafts"
    SEND_ELIGIBILITY_OUTCOMES = "send_eligibility_outcomes"
    RELEASE_STALE_NOTIFICATIONS = "release_stale_notifications"
    CHECK_IMPORT = "check_import"
    RUN_IMPORT = "run_import"
    DETECT_CONFLICTS = "detect_conflicts"
    REMIND_JUDGES = "remind_judges"
    REFILL_DECLINED = "refill_declined"
    COMPUTE_RANKING = "compute_ranking"
    SEND_RESULTS = "send_results"
    HANDLE_STRIPE_EVENT = "handle_stripe_event"
    RELEASE_LAPSED_HOLDS = "release_lapsed_holds"
    REFUND_ORDER = "refund_order"
    OFFER_WAITLIST = "offer_waitlist"
    ERASE_PASSPORT_NUMBERS = "erase_passport_numbers"
    SEND_OUTCOME_SURVEYS = "send_outcome_surveys"
    RECOMPUTE_FUNDING_FX = "recompute_funding_fx"


@dataclass(frozen=True)
class JobRegistry:
    """What a worker runs; podium.workers.registry builds the one instance."""

    functions: Sequence[Function | Callable[..., Any]] = ()
    cron_jobs: Sequence[CronJob] = ()
    max_tries: int = 5
    job_timeout: int = 300
    keep_result: int = 3600
    options: dict[str, Any] = field(default_factory=dict)


class JobQueue:
    """An arq pool plus, in the embedded mode, the Worker that drains it inside this process."""

    def __init__(self, redis: ArqRedis, *, embedded: bool) -> None:
        self.redis = redis
        self.embedded = embedded
        self.worker: Worker | None = None
        self._task: asyncio.Task[None] | None = None

    async def enqueue(
        self, name: JobName, *, job_id: str | None = None, defer_by: timedelta | None = None, **kwargs: Any
    ) -> bool:
        job = await self.redis.enqueue_job(str(name), _job_id=job_id, _defer_by=defer_by, **kwargs)
        if job is None:
            log.debug("job %s (%s) already queued", name, job_id)
        return job is not None

    async def ping(self) -> None:
        await self.redis.ping()

    def start_worker(self, registry: JobRegistry, ctx: dict[str, Any]) -> None:
        self.worker = Worker(
            functions=registry.functions,
            cron_jobs=registry.cron_jobs,
            redis_pool=self.redis,
            handle_signals=False,
            poll_delay=0.05,
            max_tries=registry.max_tries,
            job_timeout=registry.job_timeout,
            keep_result=registry.keep_result,
            ctx=ctx,
        )
        self._task = asyncio.create_task(self.worker.async_run(), name="podium-embedded-worker")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.worker is not None:
            await self.worker.close()
        await self.redis.aclose()


async def _no_redis_info(*_args: Any, **_kwargs: Any) -> None:
    """fakeredis has no INFO command, which arq's worker logs at start."""


async def open_queue(redis_url: str | None) -> JobQueue:
    if redis_url is None:
        arq.worker.log_redis_info = _no_redis_info  # type: ignore[attr-defined]
        fake = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer())
        return JobQueue(ArqRedis(pool_or_conn=fake.connection_pool), embedded=True)
    settings = RedisSettings.from_dsn(redis_url)
    settings.conn_retries = 1
    return JobQueue(await create_pool(settings), embedded=False)


# The queue of this process. Set by the app lifespan and the worker start-up; services reach it through
# enqueue(), since a context variable set in the lifespan is not visible to request tasks.
_current: JobQueue | None = None


def install(queue: JobQueue | None) -> None:
    global _current
    _current = queue


def current() -> JobQueue:
    if _current is None:
        raise RuntimeError("no job queue is installed in this process")
    return _current


def redis() -> ArqRedis:
    return current().redis


async def enqueue(
    name: JobName, *, job_id: str | None = None, defer_by: timedelta | None = None, **kwargs: Any
) -> bool:
    """Queue a job by name. Call it after the transaction that wrote what the job reads has ended."""
    return await current().enqueue(name, job_id=job_id, defer_by=defer_by, **kwargs)
