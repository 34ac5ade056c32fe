"""Session-wide real services: a throwaway PostgreSQL cluster, a redis-server and an aiosmtpd SMTP server.

One event loop for the whole session; each test ends with one TRUNCATE and a Redis FLUSHDB."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from arq.connections import RedisSettings
from arq.worker import Worker
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import connections

from podium.asgi import build_app
from podium.platform import db, jobs
from podium.platform.app import job_context
from podium.platform.email import SmtpMailer
from podium.platform.templating import make_environment
from podium.settings import Settings
from podium.tooling import services
from podium.workers.registry import JOBS

BASE_URL = "http://podium.test"


# ---- real servers -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg() -> Iterator[services.Postgres]:
    # No skip: a suite that cannot start PostgreSQL must fail.
    with services.postgres() as server:
        yield server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[services.Redis]:
    with services.redis() as server:
        yield server


class SmtpSink:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse_next: list[int] = []  # SMTP codes to answer to the next DATA commands

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_next:
            code = self.refuse_next.pop(0)
            return f"{code} refused for the test"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(scope="session")
def smtp() -> Iterator[tuple[SmtpSink, int]]:
    sink = SmtpSink()
    port = services.free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def var_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="podium-test-var-") as directory:
        yield Path(directory)


@pytest.fixture(scope="session")
def settings(
    pg: services.Postgres, redis_server: services.Redis, smtp: tuple[SmtpSink, int], var_dir: Path
) -> Settings:
    database = pg.create_database("podium_test")
    return Settings(
        database_url=database,
        redis_url=redis_server.url,
        smtp_url=f"smtp://127.0.0.1:{smtp[1]}",
        secret_key="test-secret-key-not-for-production",  # type: ignore[arg-type]
        base_url=BASE_URL,
        var_dir=var_dir,
        _env_file=None,  # type: ignore[call-arg]
    )


# ---- the app ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    # The real migrations build the schema, so every run also checks they apply on PostgreSQL.
    await db.migrate(settings)
    await db.close_db()
    application = build_app(settings)
    async with LifespanManager(application, startup_timeout=60, shutdown_timeout=60):
        yield application


@pytest.fixture(autouse=True)
async def _clean(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    conn = connections.get("default")
    tables = [
        row["tablename"]
        for row in await conn.execute_query_dict(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'tortoise_migrations'"
        )
    ]
    if tables:
        await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    await jobs.redis().flushdb()
    sink, _port = request.getfixturevalue("smtp")
    sink.messages.clear()
    sink.refuse_next.clear()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 51000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


@pytest.fixture
async def other_client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser, with its own cookies."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 52000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


@pytest.fixture
def mailbox(smtp: tuple[SmtpSink, int]) -> SmtpSink:
    return smtp[0]


class JobRunner:
    """Runs queued jobs to completion with a burst arq Worker on the real Redis, as `podium worker` would."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ctx = job_context(settings, make_environment())
        self.ctx["mailer"] = SmtpMailer(settings.smtp_url or "", timeout=5)

    async def run(self) -> int:
        """Run every queued job (waiting for deferred retries that fall due); returns how many completed."""
        worker = Worker(
            functions=JOBS.functions,
            redis_settings=RedisSettings.from_dsn(self.settings.redis_url or ""),
            burst=True,
            poll_delay=0.01,
            handle_signals=False,
            max_tries=JOBS.max_tries,
            ctx=dict(self.ctx),
            job_timeout=JOBS.job_timeout,
            keep_result=JOBS.keep_result,
        )
        try:
            await worker.main()
        finally:
            await worker.close()
        return worker.jobs_complete


@pytest.fixture
def run_jobs(app: Starlette, settings: Settings) -> JobRunner:
    return JobRunner(settings)
