"""Tortoise configuration, start-up and migrations for both SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.api import migrate as tortoise_migrate
from tortoise.migrations.autodetector import MigrationAutodetector

from podium.settings import Settings

log = logging.getLogger(__name__)

# Each Tortoise app owns its tables and its migrations package (named by string, so the platform imports
# no domain package). Foreign keys across apps read "platform.User".
APPS: dict[str, list[str]] = {
    "platform": [
        "podium.platform.users.models",
        "podium.platform.summits.models",
        "podium.platform.notifications.models",
        "podium.platform.audit",
    ],
    "programme": ["podium.platform.programme.models"],
    "registration": ["podium.platform.registration.models"],
    "competitions": ["podium.competitions.models", "podium.competitions.financing_models"],
    "judging": ["podium.judging.models", "podium.judging.impact.models"],
}
# Where an app's migrations live, when not in podium.<app>.migrations.
MIGRATIONS = {
    "programme": "podium.platform.programme.migrations",
    "registration": "podium.platform.registration.migrations",
}


def database_url(settings: Settings) -> str:
    url = settings.effective_database_url
    if url.startswith("sqlite://"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        return url
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("minsize", str(settings.db_pool_min))
    query.setdefault("maxsize", str(settings.db_pool_max))
    return urlunsplit(parts._replace(query=urlencode(query)))


async def _keep_session_state(_connection: object) -> None:
    """asyncpg's pool reset. Its default sends RESET ALL, CLOSE ALL, UNLISTEN * and an advisory unlock
    on every release (Tortoise releases after every query): a round trip each time. Podium keeps no
    session state on a connection (no SET, LISTEN, cursors or advisory locks), and asyncpg still rolls
    back an unfinished transaction before calling this."""


def connection_config(url: str) -> str | dict[str, Any]:
    if url.startswith("sqlite://"):
        return url
    config = expand_db_url(url)
    config["credentials"]["reset"] = _keep_session_state
    return config


def tortoise_config(settings: Settings, url: str | None = None) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(url or database_url(settings))},
        "apps": {
            label: {
                "models": modules,
                "default_connection": "default",
                "migrations": MIGRATIONS.get(label, f"podium.{label}.migrations"),
            }
            for label, modules in APPS.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(settings: Settings, url: str | None = None) -> None:
    await Tortoise.init(config=tortoise_config(settings, url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def ping() -> None:
    await connections.get("default").execute_query("SELECT 1")


async def migrate(settings: Settings, url: str | None = None) -> list[str]:
    """Apply every pending migration; returns the names applied."""
    applied: list[str] = []

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(f"{app_label}.{name}")
            log.info("migration applied: %s.%s", app_label, name)

    await tortoise_migrate(config=tortoise_config(settings, url), progress=progress)
    return applied


async def model_changes(settings: Settings, *, write: bool) -> list[str]:
    """Migrations the models need beyond those on disk: their names, or the files written when write=True.

    Needs no database: the comparison is between the models and the migration files."""
    config = tortoise_config(settings, "sqlite://:memory:")
    async with tortoise_cli_context(config) as ctx:
        assert ctx.apps is not None, "Tortoise did not load the apps"
        detector = MigrationAutodetector(ctx.apps, config["apps"])
        if write:
            return await detector.write()
        return [f"{writer.app_label}.{writer.name}" for writer in await detector.changes()]


def bind_marker(index: int) -> str:
    """The positional parameter marker of the current database ($1 on PostgreSQL, ? on SQLite)."""
    dialect = connections.get("default").capabilities.dialect
    return f"${index}" if dialect == "postgres" else "?"
