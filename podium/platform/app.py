"""The app factory: middleware, lifespan (database, job queue, embedded worker), error handlers."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from podium.platform import api, db, jobs
from podium.platform.email import make_mailer
from podium.platform.errors import EXCEPTION_HANDLERS
from podium.platform.jobs import JobRegistry
from podium.platform.logs import configure_logging
from podium.platform.middleware import PodiumMiddleware
from podium.platform.registration import gateway
from podium.platform.summits import endpoints as summit_pages
from podium.platform.templating import STATIC_DIR, make_templates
from podium.platform.users import endpoints as user_pages
from podium.settings import Settings

log = logging.getLogger(__name__)


def job_context(settings: Settings, env: jinja2.Environment) -> dict[str, Any]:
    """What every job finds in ctx, in the web process's embedded worker and in `podium worker` alike."""
    return {
        "settings": settings,
        "mailer": make_mailer(settings.smtp_url, settings.outbox_dir),
        "mail_env": env,
    }


def platform_routes() -> list[BaseRoute]:
    return [
        *api.routes,
        *summit_pages.routes,
        *user_pages.routes,
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]


def create_app(
    settings: Settings,
    *,
    routes: Sequence[BaseRoute] = (),
    registry: JobRegistry | None = None,
    csrf_exempt: Sequence[str] = (),
    upload_paths: Sequence[str] = (),
    database_url: str | None = None,
) -> Starlette:
    """Build the ASGI app. podium.asgi passes the domain packages' routes and the job registry in."""
    templates = make_templates()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await db.init_db(settings, database_url)
        queue = await jobs.open_queue(settings.redis_url)
        jobs.install(queue)
        # Stripe's client for this event loop; in development mode it reaches the in-process fake (podium.asgi).
        payments = gateway.connect(settings, transport=getattr(app.state, "stripe_transport", None))
        gateway.install(payments)
        if queue.embedded:
            queue.start_worker(registry or JobRegistry(), job_context(settings, templates.env))
            log.info("jobs run in this process (embedded queue)")
        try:
            yield
        finally:
            await queue.close()
            jobs.install(None)
            gateway.install(None)
            await payments.close()
            await db.close_db()

    app = Starlette(
        routes=[*platform_routes(), *routes],
        middleware=[
            Middleware(PodiumMiddleware, settings=settings, csrf_exempt=csrf_exempt, upload_paths=upload_paths)
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
        # The largest upload plus room for its form; ordinary forms are held to 1 MB by the middleware.
        max_body_size=settings.deck_max_bytes + (1 << 20),
    )
    app.state.settings = settings
    app.state.templates = templates
    return app


def setup_logging(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)
