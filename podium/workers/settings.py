"""WorkerSettings for `podium worker` (arq on Redis)."""

from __future__ import annotations

from typing import Any

from arq.connections import RedisSettings

from podium.platform import db, jobs
from podium.platform.app import job_context, setup_logging
from podium.platform.templating import make_environment
from podium.settings import get_settings
from podium.workers.registry import JOBS


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    setup_logging(settings)
    await db.init_db(settings)
    queue = jobs.JobQueue(ctx["redis"], embedded=False)
    jobs.install(queue)  # jobs may enqueue follow-up jobs
    ctx.update(job_context(settings, make_environment()))


async def shutdown(ctx: dict[str, Any]) -> None:
    jobs.install(None)
    await db.close_db()


def redis_settings() -> RedisSettings:
    url = get_settings().redis_url
    if url is None:
        raise RuntimeError("podium worker needs REDIS_URL; without it, jobs run inside `podium run`")
    return RedisSettings.from_dsn(url)


class WorkerSettings:
    functions = JOBS.functions
    cron_jobs = JOBS.cron_jobs
    on_startup = startup
    on_shutdown = shutdown
    max_tries = JOBS.max_tries
    job_timeout = JOBS.job_timeout
    keep_result = JOBS.keep_result
