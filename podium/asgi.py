"""The entry point: assembles every layer's routes and jobs into one app (`uvicorn podium.asgi:app`)."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount

from podium.competitions.api import routes as competition_api_routes
from podium.competitions.endpoints import routes as competition_routes
from podium.competitions.financing_endpoints import UPLOAD_PATHS as FINANCING_UPLOADS
from podium.competitions.financing_endpoints import routes as financing_routes
from podium.competitions.import_endpoints import routes as import_routes
from podium.competitions.project_endpoints import routes as project_routes
from podium.judging.api import routes as judging_api_routes
from podium.judging.endpoints import routes as judging_routes
from podium.judging.impact.api import routes as impact_api_routes
from podium.judging.impact.endpoints import routes as impact_routes
from podium.judging.results_endpoints import routes as results_routes
from podium.platform.app import create_app, setup_logging
from podium.platform.programme import organize_endpoints as programme_organize
from podium.platform.programme.api import routes as programme_api_routes
from podium.platform.programme.endpoints import routes as programme_routes
from podium.platform.registration import gateway
from podium.platform.registration.api import routes as registration_api_routes
from podium.platform.registration.checkin_endpoints import routes as checkin_routes
from podium.platform.registration.endpoints import routes as registration_routes
from podium.platform.registration.orders_admin import routes as registration_admin_routes
from podium.platform.registration.visa_endpoints import routes as visa_routes
from podium.settings import Settings, get_settings
from podium.workers.registry import JOBS

# Webhook receivers authenticate by signature, not by CSRF token: Stripe's (podium.platform.registration.api).
CSRF_EXEMPT = ("/payments/stripe/webhook",)
# Multipart uploads whose handlers parse with their own limits and check the CSRF token themselves.
UPLOAD_PATHS = (
    r"/projects/\d+/deck",
    r"/projects/\d+/answers/\d+/file",
    r"/organize/competitions/\d+/imports",
    *FINANCING_UPLOADS,
    *programme_organize.UPLOAD_PATHS,
)


def build_app(settings: Settings | None = None, *, database_url: str | None = None) -> Starlette:
    settings = settings or get_settings()
    fake, fake_routes = _fake_stripe(settings)
    app = create_app(
        settings,
        routes=[
            *competition_routes,
            *project_routes,
            *import_routes,
            *financing_routes,
            *competition_api_routes,
            *judging_routes,
            *judging_api_routes,
            *results_routes,
            *impact_routes,
            *impact_api_routes,
            *programme_routes,
            *programme_organize.routes,
            *programme_api_routes,
            *registration_routes,
            *registration_admin_routes,
            *registration_api_routes,
            *checkin_routes,
            *visa_routes,
            *fake_routes,
        ],
        registry=JOBS,
        csrf_exempt=CSRF_EXEMPT,
        upload_paths=UPLOAD_PATHS,
        database_url=database_url,
    )
    if fake is not None:
        fake.deliver_to(app, settings.base_url)
        app.state.fake_stripe = fake
        app.state.stripe_transport = httpx.ASGITransport(app=fake.app, root_path=gateway.FAKE_MOUNT)
    return app


def _fake_stripe(settings: Settings) -> tuple[Any, list[BaseRoute]]:
    """Without STRIPE_API_KEY (nor STRIPE_API_BASE), paid tickets go through the development fake of Stripe,
    in this process under /_fake-stripe. With a key, the fake is not even imported."""
    if not settings.stripe_fake or settings.stripe_api_base:
        return None, []
    from podium.tooling.fakestripe import FakeStripe

    fake = FakeStripe(
        webhook_secret=gateway.webhook_secret(settings), public_base=settings.base_url + gateway.FAKE_MOUNT
    )
    return fake, [Mount(gateway.FAKE_MOUNT, app=fake.app, name="fake-stripe")]


def app_factory() -> Starlette:
    settings = get_settings()
    setup_logging(settings)
    return build_app(settings)
