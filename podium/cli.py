"""The `podium` command: run, worker, migrate, demo, createsuperuser, token, bench, rank."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

from podium.settings import Settings, SettingsError, get_settings


def fail(message: str) -> NoReturn:
    print(f"podium: {message}", file=sys.stderr)
    raise SystemExit(2)


def masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def load() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        fail(f"bad setting: {exc}")


async def _with_db(settings: Settings, body: Callable[[], Awaitable[Any]]) -> Any:
    from podium.platform import db

    try:
        await db.init_db(settings)
        await db.ping()
    except Exception as exc:  # any failure to reach the database is reported in one line
        await _close_quietly()
        fail(f"cannot use the database at {masked(settings.effective_database_url)}: {_reason(exc)}")
    try:
        return await body()
    finally:
        await db.close_db()


async def _close_quietly() -> None:
    from podium.platform import db

    with contextlib.suppress(Exception):  # already failing; the first error is the one to show
        await db.close_db()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


async def _check_redis(settings: Settings) -> None:
    if settings.redis_url is None:
        return
    from redis.asyncio import Redis

    try:
        client = Redis.from_url(settings.redis_url, socket_connect_timeout=5)
        try:
            await client.ping()
        finally:
            await client.aclose()
    except Exception as exc:  # one line, not a traceback
        fail(f"cannot reach Redis at {masked(settings.redis_url)}: {_reason(exc)}")


def cmd_migrate(args: argparse.Namespace) -> None:
    from podium.platform import db

    settings = load()

    async def body() -> list[str]:
        return await db.migrate(settings)

    try:
        applied = asyncio.run(_with_db(settings, body))
    except SystemExit:
        raise
    except Exception as exc:  # a migration that fails is reported, not dumped
        fail(f"migration failed: {_reason(exc)}")
    print(f"Applied {len(applied)} migration(s)." if applied else "The database is up to date.")


def cmd_makemigrations(args: argparse.Namespace) -> None:
    from podium.platform import db

    settings = load()
    changes = asyncio.run(db.model_changes(settings, write=not args.check))
    if args.check and changes:
        fail(f"the models need new migrations ({', '.join(changes)}): run `podium makemigrations`")
    print("\n".join(changes) if changes else "No changes: the migrations match the models.")


def cmd_run(args: argparse.Namespace) -> None:
    import uvicorn

    from podium.platform import db

    settings = load()
    workers = args.workers
    if workers > 1 and settings.embedded_queue:
        fail("--workers above 1 needs REDIS_URL (and DATABASE_URL): the embedded queue lives in one process")

    async def check() -> None:
        await db.ping()

    asyncio.run(_with_db(settings, check))
    asyncio.run(_check_redis(settings))
    host, port = args.host or settings.host, args.port or settings.port
    print(
        f"Podium is serving on http://{host}:{port}  (database: {masked(settings.effective_database_url)}, "
        f"jobs: {'Redis' if settings.redis_url else 'in this process'})",
        flush=True,
    )
    uvicorn.run(
        "podium.asgi:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers if workers > 1 else None,
        access_log=False,
        proxy_headers=True,
        log_level=settings.log_level.lower(),
        lifespan="on",
        server_header=False,
    )


def cmd_worker(args: argparse.Namespace) -> None:
    from arq.worker import run_worker

    from podium.workers import settings as worker_settings

    settings = load()
    if settings.redis_url is None:
        fail("podium worker needs REDIS_URL; without it, `podium run` runs the jobs itself")
    asyncio.run(_check_redis(settings))
    worker_settings.WorkerSettings.redis_settings = worker_settings.redis_settings()  # type: ignore[attr-defined]
    run_worker(worker_settings.WorkerSettings, burst=args.burst)  # type: ignore[arg-type]


def cmd_demo(args: argparse.Namespace) -> None:
    from podium import demo

    settings = load()

    async def body() -> None:
        await demo.seed(settings=settings, only_if_empty=args.if_empty)

    asyncio.run(_with_db(settings, body))
    print(demo.logins_text())


def cmd_createsuperuser(args: argparse.Namespace) -> None:
    from podium.platform.users import admin

    settings = load()
    password = args.password
    if password is None:
        password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")

    async def body() -> str:
        return await admin.create_superuser(email=args.email, password=password, name=args.name or "")

    try:
        message = asyncio.run(_with_db(settings, body))
    except ValueError as exc:
        fail(str(exc))
    print(message)


def cmd_token(args: argparse.Namespace) -> None:
    from podium.platform.users import admin

    settings = load()

    async def body() -> str:
        return await admin.mint_token_for(email=args.email, name=args.name)

    try:
        secret = asyncio.run(_with_db(settings, body))
    except ValueError as exc:
        fail(str(exc))
    print(f"New API token for {args.email.strip().lower()} (shown once): {secret}")


def cmd_bench(args: argparse.Namespace) -> None:
    from podium.tooling import bench

    raise SystemExit(bench.main(args))


def cmd_rank(argv: Sequence[str]) -> NoReturn:
    from podium.judging import rank_cli

    raise SystemExit(rank_cli.main(argv))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="podium", description="Podium: entrepreneur summits and startup competitions.")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="serve the web app")
    run.add_argument("--workers", type=int, default=1, help="server processes (needs REDIS_URL above 1)")
    run.add_argument("--host", default=None)
    run.add_argument("--port", type=int, default=None)
    run.set_defaults(func=cmd_run)

    worker = sub.add_parser("worker", help="run background jobs from Redis")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.set_defaults(func=cmd_worker)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    makemigrations = sub.add_parser("makemigrations", help="write migrations for model changes")
    makemigrations.add_argument("--check", action="store_true", help="fail if the models need a new migration")
    makemigrations.set_defaults(func=cmd_makemigrations)

    demo = sub.add_parser("demo", help="seed a demo summit (idempotent) and print its logins")
    demo.add_argument("--if-empty", action="store_true", help="seed only when the database has no accounts")
    demo.set_defaults(func=cmd_demo)

    su = sub.add_parser("createsuperuser", help="create an administrator (or promote an account)")
    su.add_argument("email")
    su.add_argument("--name", default="")
    su.add_argument("--password", default=None, help="read from the terminal or stdin when omitted")
    su.set_defaults(func=cmd_createsuperuser)

    token = sub.add_parser("token", help="mint an API token for an account; the token is the last word printed")
    token.add_argument("email")
    token.add_argument("--name", default="command line")
    token.set_defaults(func=cmd_token)

    bench = sub.add_parser("bench", help="measure throughput and latency (needs PostgreSQL binaries and wrk)")
    bench.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    bench.add_argument("--connections", type=int, default=32)
    bench.add_argument("--out", default="bench-results/bench.json")
    bench.add_argument("--repeat", type=int, default=3, help="rounds, alternating scenarios; medians are reported")
    bench.add_argument(
        "--db-transport",
        choices=("socket", "tcp"),
        default="socket",
        help="reach PostgreSQL over its Unix socket (same host) or TCP loopback",
    )
    bench.set_defaults(func=cmd_bench)

    # Parsed by rank_cli itself (see main), which refuses bad input in one line; listed here for --help.
    sub.add_parser("rank", help="rank a round from a CSV of scores or pairwise votes (no database)", add_help=False)
    return p


def main(argv: Sequence[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["rank"]:
        cmd_rank(argv[1:])
    args = parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
