"""The entry point: assembles every layer's routes and jobs into one app (`uvicorn podium.asgi:app`)."""

from __future__ import annotations

from starlette.applications import Starlette

from podium.competitions.api import routes as competition_api_routes
from podium.competitions.endpoints import routes as competition_routes
from podium.competitions.import_endpoints import routes as import_routes
from podium.competitions.project_endpoints import routes as project_routes
from podium.judging.api import routes as judging_api_routes
from podium.judging.endpoints import routes as judging_routes
from podium.judging.results_endpoints import routes as results_routes
from podium.platform.app import create_app, setup_logging
from podium.settings import Settings, get_settings
from podium.workers.registry import JOBS

# Webhook receivers authenticate by signature, not by CSRF token (issue 6 adds Stripe's).
CSRF_EXEMPT = ("/payments/stripe/webhook",)
# Multipart uploads whose handlers parse with their own limits and check the CSRF token themselves.
UPLOAD_PATHS = (r"/projects/\d+/deck", r"/projects/\d+/answers/\d+/file", r"/organize/competitions/\d+/imports")


def build_app(settings: Settings | None = None, *, database_url: str | None = None) -> Starlette:
    settings = settings or get_settings()
    return create_app(
        settings,
        routes=[
            *competition_routes,
            *project_routes,
            *import_routes,
            *competition_api_routes,
            *judging_routes,
            *judging_api_routes,
            *results_routes,
        ],
        registry=JOBS,
        csrf_exempt=CSRF_EXEMPT,
        upload_paths=UPLOAD_PATHS,
        database_url=database_url,
    )


def app_factory() -> Starlette:
    settings = get_settings()
    setup_logging(settings)
    return build_app(settings)
