"""`podium bench`: wrk against the signed-in home page and a bare template route, on throwaway services."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from podium.tooling import services

DEMO_EMAIL = "organizer@podium.example"
WORKERS = 2
TARGET = 0.40
SIGNED_IN = "signed-in page"
BARE = "bare route"
# The bare app's stand-in for the per-request CSRF token: same length as the real one (43 characters).
BARE_CSRF_TOKEN = "b" * 43
WRK_APT_PACKAGE = "wrk"

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class BenchError(Exception):
    """The benchmark could not measure what it should; the message says why."""


# --------------------------------------------------------------------------- wrk output


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int = 0

    def summary(self) -> dict[str, float | int]:
        return {
            "rps": self.rps,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "requests": self.requests,
            "non_2xx": self.non_2xx,
            "socket_errors": self.socket_errors,
        }


def _to_ms(number: str, unit: str) -> float:
    return round(float(number) * _UNIT_MS[unit], 4)


def parse_wrk(output: str) -> WrkResult:
    """The figures of `wrk --latency` output, latencies in ms. Raises ValueError when one is missing."""
    _head, found, distribution = output.partition("Latency Distribution")
    if not found:
        raise ValueError("no 'Latency Distribution' section: was wrk run with --latency?")
    percentiles = {
        int(pct): _to_ms(number, unit)
        for pct, number, unit in re.findall(
            r"^\s*(\d+)(?:\.0+)?%\s+([0-9.]+)(us|ms|s|m|h)\s*$", distribution, flags=re.MULTILINE
        )
    }
    rps = re.search(r"^\s*Requests/sec:\s+([0-9.]+)", output, flags=re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in ", output, flags=re.MULTILINE)
    missing = [
        name
        for name, value in (
            ("50%", percentiles.get(50)),
            ("99%", percentiles.get(99)),
            ("Requests/sec", rps),
            ("N requests in", total),
        )
        if value is None
    ]
    if missing:
        raise ValueError(f"wrk output lacks {', '.join(missing)}")
    assert rps is not None
    assert total is not None
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(
        rps=float(rps.group(1)),
        p50_ms=percentiles[50],
        p99_ms=percentiles[99],
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def ensure_wrk() -> str | None:
    """The wrk binary, apt-installed when missing and we are root; None (after saying why) if absent."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        print(f"podium bench needs wrk: install it with `sudo apt-get install {WRK_APT_PACKAGE}`", file=sys.stderr)
        return None
    print(f"wrk not found: installing the Debian package {WRK_APT_PACKAGE} ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", WRK_APT_PACKAGE]
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
        result = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            print(f"could not install wrk: {_last(result.stderr or result.stdout, 500)}", file=sys.stderr)
    found = shutil.which("wrk")
    if found is None:
        print(f"podium bench needs wrk: install it with `apt-get install {WRK_APT_PACKAGE}`", file=sys.stderr)
    return found


def run_wrk(wrk: str, url: str, *, connections: int, duration: int, headers: dict[str, str]) -> tuple[WrkResult, str]:
    command = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish within {duration + 60} s") from exc
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}): {_last(result.stderr or result.stdout, 500)}")
    try:
        return parse_wrk(result.stdout), result.stdout
    except ValueError as exc:
        raise BenchError(f"{exc}\n{result.stdout}") from exc


# --------------------------------------------------------------------------- the bare app


def bare_app() -> Starlette:
    """home.html through the app's own Jinja2 environment, from in-memory data: no middleware, no database.

    Served by `uvicorn --factory podium.tooling.bench:bare_app`: the ceiling the signed-in page is measured
    against. The user, roles and summits are unsaved model instances built from podium.demo's data, so the
    HTML is the real page's byte for byte (CSRF token and host:port aside; `compare_pages` checks it).
    """
    from podium import demo
    from podium.platform import i18n
    from podium.platform.auth import Actor
    from podium.platform.pagination import PAGE_SIZE, Page
    from podium.platform.summits.models import Summit
    from podium.platform.templating import make_templates
    from podium.platform.users.models import User
    from podium.platform.web import render

    spec = next(u for u in demo.USERS if u.email == DEMO_EMAIL)
    user = User(
        id=2,
        email=spec.email,
        password_hash="",
        name=spec.name,
        name_local=spec.name_local,
        locale=spec.locale,
        timezone=spec.timezone,
        country=spec.country,
        organisation=spec.organisation,
        is_superuser=spec.superuser,
        is_active=True,
        email_verified_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    summits = sorted(
        (Summit(id=number, **data) for number, data in enumerate(demo.SUMMITS, start=1)),
        key=lambda s: (-s.starts_on.toordinal(), s.id),
    )
    current = next(s for s in summits if s.slug == "ges-2027")
    roles = {current.id: frozenset({spec.role})} if spec.role is not None else {}
    actor = Actor(user=user, session_id=1, roles=roles)
    page = Page(items=summits, number=1, size=PAGE_SIZE, total=len(summits))
    locale = i18n.normalize_locale(user.locale) or i18n.DEFAULT_LOCALE
    timezone = user.timezone if i18n.is_timezone(user.timezone) else "UTC"

    async def home(request: Request) -> Response:
        # What PodiumMiddleware leaves behind for the real page, without any of its work.
        request.state.actor = actor
        request.state.csrf_token = BARE_CSRF_TOKEN
        i18n.set_request_locale(locale, timezone)
        return render(request, "home.html", {"page": page})

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    static = Path(__file__).resolve().parent.parent / "static"
    app = Starlette(
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Mount("/static", app=StaticFiles(directory=static), name="static"),
        ]
    )
    app.state.templates = make_templates()
    return app


# --------------------------------------------------------------------------- servers and scenarios


@dataclass
class Context:
    """What every scenario may use: the podium processes' environment and the demo organizer's cookies."""

    env: dict[str, str]
    workdir: Path
    wrk: str
    duration: int
    connections: int
    cookies: dict[str, str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    competition_id: int = 0
    timings: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}


@dataclass(frozen=True)
class Server:
    """A server the scenarios load; started once for all of its scenarios, on a free loopback port."""

    name: str
    command: Callable[[int], list[str]]


@dataclass(frozen=True)
class Scenario:
    """One wrk run: a path on a server, and a check that its page is the real thing before loading it."""

    name: str
    server: Server
    path: str
    check: Callable[[Context, str], list[str]]


def podium_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "podium.cli",
        "run",
        "--workers",
        str(WORKERS),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def bare_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "podium.tooling.bench:bare_app",
        "--workers",
        str(WORKERS),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--no-server-header",
        "--log-level",
        "warning",
    ]


PODIUM = Server("podium", podium_command)
BARE_SERVER = Server("bare", bare_command)


def _labels(message: str) -> set[str]:
    """The message as every supported locale renders it (the organizer reads Podium in zh_Hans)."""
    from podium.platform import i18n

    labels = set()
    for locale in i18n.LOCALES:
        with i18n.use_locale(locale):
            labels.add(i18n.gettext(message))
    return labels


def signed_in_problems(_ctx: Context, html: str) -> list[str]:
    """Why this page is not the demo organizer's signed-in home page (empty when it is)."""
    problems = []
    sign_out = any(f">{label}</button>" in html for label in _labels("Sign out"))
    if 'action="/signout"' not in html or not sign_out:
        problems.append("no 'Sign out' button")
    if 'href="/organize"' not in html or not any(label in html for label in _labels("Organize")):
        problems.append("no 'Organize' link (roles not loaded?)")
    if 'href="/signin"' in html:
        problems.append("a 'Sign in' link: the page was rendered for an anonymous visitor")
    if 'class="card"' not in html:
        problems.append("no summit cards (demo summits missing?)")
    return problems


FIELD_SIZE = 10_000  # projects added to the demo's 200 for the organizer's list and search


def project_list_problems(_ctx: Context, html: str) -> list[str]:
    """Why this is not a full page of the organizer's project list (empty when it is)."""
    rows = html.count('href="/projects/')
    return [] if rows == 20 else [f"{rows} project rows instead of a full page of 20"]


def search_problems(_ctx: Context, html: str) -> list[str]:
    rows = html.count('href="/projects/')
    return [] if rows >= 1 else ["the search found nothing"]


SCENARIOS: list[Scenario] = [
    Scenario(SIGNED_IN, PODIUM, "/", signed_in_problems),
    Scenario(BARE, BARE_SERVER, "/", signed_in_problems),
    Scenario("project list (10k)", PODIUM, "/organize/competitions/{competition}/projects", project_list_problems),
    Scenario(
        "project search (10k)", PODIUM, "/organize/competitions/{competition}/projects?q=battery+cells", search_problems
    ),
]


async def seed_field(count: int) -> int:
    """Grow the demo competition's field by `count` projects, each with a lead and a co-founder; returns the
    competition's id. Run in a subprocess with the bench's environment."""
    import random

    from tortoise import connections

    from podium import demo
    from podium.competitions.models import Competition, Division, Project, ProjectStatus, TeamMember, Track
    from podium.platform import db
    from podium.platform.users.models import User
    from podium.settings import load_settings

    settings = load_settings()
    await db.init_db(settings)
    try:
        competition = await Competition.get(slug="gec-2027")
        tracks = await Track.filter(competition_id=competition.id)
        divisions = await Division.filter(competition_id=competition.id)
        lead = await User.get(email="founder.wang@podium.example")
        rng = random.Random(7)
        projects = []
        for n in range(count):
            words = rng.choice(demo.WORDS_EN)
            title = f"{words[0]} {words[1]} {words[2]} {n}" if n % 3 else f"{rng.choice(demo.TITLES_ZH)}{n}"
            projects.append(
                Project(
                    competition_id=competition.id,
                    lead_id=lead.id,
                    title=title,
                    country=rng.choice(demo.COUNTRIES),
                    summary=f"{title}: {' '.join(rng.choice(demo.WORDS_EN))} for customers in China and abroad.",
                    track_id=rng.choice(tracks).id,
                    division_id=rng.choice(divisions).id,
                    status=ProjectStatus.SUBMITTED if rng.random() < 0.8 else ProjectStatus.DRAFT,
                )
            )
        await Project.bulk_create(projects, batch_size=2000)
        created = await Project.filter(competition_id=competition.id, lead_id=lead.id).values_list("id", flat=True)
        await TeamMember.bulk_create(
            [
                TeamMember(project_id=project_id, email=f"bench{project_id}@example.com", name="Co Founder", role="CTO")
                for project_id in created
            ],
            batch_size=5000,
        )
        # What autovacuum would soon do after a bulk load: give the planner row counts to plan with.
        await connections.get("default").execute_script("ANALYZE")
        return competition.id
    finally:
        await db.close_db()


def time_export(ctx: Context, base: str) -> None:
    """The organizer's XLSX export of the whole field, timed as one request (three tries, the best kept)."""
    import time

    url = f"{base}/organize/competitions/{ctx.competition_id}/projects/export.xlsx"
    best, size = float("inf"), 0
    for _ in range(3):
        started = time.perf_counter()
        response = httpx.get(url, headers=ctx.cookie_header, timeout=600)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise BenchError(f"the export answered {response.status_code}")
        best, size = min(best, elapsed), len(response.content)
    ctx.timings["export xlsx (all projects)"] = {"seconds": round(best, 3), "bytes": size}
    print(f"  export of the whole field to XLSX: {best:.2f} s, {size / 1e6:.1f} MB", flush=True)


def _stop(process: subprocess.Popen[bytes], *, timeout: float = 15) -> None:
    """SIGTERM the server (uvicorn's supervisor stops its workers); SIGKILL its process group if it hangs."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the group of this server only: start_new_session below
        process.wait(timeout=timeout)
    # Workers left behind by a supervisor that died first.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _last(text: str, size: int) -> str:
    return text.strip()[-size:]


def _tail(path: Path, size: int = 1500) -> str:
    return path.read_text(errors="replace")[-size:] if path.exists() else ""


@contextlib.contextmanager
def serve(server: Server, ctx: Context) -> Iterator[str]:
    """Start the server on a free 127.0.0.1 port, wait for /healthz, yield its base URL, then stop it."""
    port = services.free_port()
    log_path = ctx.workdir / f"{server.name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            server.command(port),
            env=ctx.env,
            cwd=ctx.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise BenchError(f"the {server.name} server quit ({process.returncode}):\n{_tail(log_path)}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise BenchError(f"the {server.name} server gave no /healthz 200 in 60 s:\n{_tail(log_path)}")
            time.sleep(0.1)
        yield base
    finally:
        _stop(process)


def run_cli(ctx: Context, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "podium.cli", *args],
        env=ctx.env,
        cwd=ctx.workdir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"podium {' '.join(args)} failed: {_last(result.stderr or result.stdout, 1500)}")
    return result.stdout


def sign_in(base: str, email: str, password: str) -> dict[str, str]:
    """The cookies a browser holds after signing in through the real form (CSRF cookie and token included)."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        form = client.get("/signin")
        if form.status_code != 200:
            raise BenchError(f"GET /signin answered {form.status_code}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        csrf_cookie = client.cookies.get("podium_csrf")
        if token is None or csrf_cookie is None:
            raise BenchError("GET /signin gave no CSRF cookie or token")
        fields = {"email": email, "password": password, "csrf_token": token.group(1), "next": "/"}
        done = client.post("/signin", data=fields)
        session = done.cookies.get("podium_session")
        if done.status_code != 303 or not session:
            raise BenchError(f"signing in as {email} failed: {done.status_code} {done.text[:300]}")
    return {"podium_session": session, "podium_csrf": csrf_cookie}


def fetch_page(url: str, headers: dict[str, str]) -> str:
    response = httpx.get(url, headers=headers, timeout=30, follow_redirects=False)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}, not 200")
    return response.text


def _normalized(html: str) -> str:
    """The page without what differs between two servers by design: CSRF tokens and url_for's host:port."""
    html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)
    return re.sub(r"http://127\.0\.0\.1:\d+/", "/", html)


def compare_pages(pages: dict[str, str], out: Path) -> None:
    """Warn when the bare route does not render the same HTML as the real page (CSRF tokens aside)."""
    if SIGNED_IN not in pages or BARE not in pages:
        return
    if _normalized(pages[SIGNED_IN]) == _normalized(pages[BARE]):
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    kept = []
    for name, html in pages.items():
        path = out.with_name(f"{out.stem}.{name.replace(' ', '-')}.html")
        path.write_text(html)
        kept.append(str(path))
    sys.stdout.flush()
    print(
        f"warning: the {BARE} HTML differs from the {SIGNED_IN} HTML beyond the CSRF token: "
        f"compare {' and '.join(kept)}",
        file=sys.stderr,
    )


def run_scenario(scenario: Scenario, ctx: Context, base: str, *, warm_up: bool = True) -> WrkResult:
    url = base + scenario.path.format(competition=ctx.competition_id)
    html = fetch_page(url, ctx.cookie_header)
    problems = scenario.check(ctx, html)
    if problems:
        raise BenchError(f"{scenario.name}: {url} is not the page to measure: {'; '.join(problems)}")
    ctx.pages[scenario.name] = html
    checked: list[tuple[str, WrkResult]] = []
    if warm_up:
        seconds = max(1, min(3, ctx.duration))
        print(f"  {scenario.name}: warming up {seconds} s", flush=True)
        warm, _ = run_wrk(ctx.wrk, url, connections=ctx.connections, duration=seconds, headers=ctx.cookie_header)
        checked.append(("warm-up", warm))
    print(f"  {scenario.name}: wrk -c{ctx.connections} -d{ctx.duration}s {url}", flush=True)
    result, raw = run_wrk(ctx.wrk, url, connections=ctx.connections, duration=ctx.duration, headers=ctx.cookie_header)
    checked.append(("run", result))
    for label, run in checked:
        if run.non_2xx or run.socket_errors:
            raise BenchError(
                f"{scenario.name}: the {label} had {run.non_2xx} non-2xx responses and "
                f"{run.socket_errors} socket errors: the numbers would not mean anything\n{raw}"
            )
    return result


# --------------------------------------------------------------------------- report


def median_run(runs: list[WrkResult]) -> WrkResult:
    """The run with the median throughput (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda run: run.rps)
    return ordered[(len(ordered) - 1) // 2]


def report(results: dict[str, WrkResult], ratios: list[float]) -> tuple[float | None, bool]:
    print()
    print(f"{'scenario':<18} {'req/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'requests':>10}")
    for name, r in results.items():
        print(f"{name:<18} {r.rps:>10.1f} {r.p50_ms:>9.2f} {r.p99_ms:>9.2f} {r.requests:>10}")
    if SIGNED_IN not in results or BARE not in results or results[BARE].rps <= 0:
        return None, False
    ordered = sorted(ratios)
    ratio = ordered[(len(ordered) - 1) // 2]
    passed = ratio >= TARGET
    print()
    if len(ratios) > 1:
        print("signed-in / bare throughput per round: " + ", ".join(f"{r:.1%}" for r in ratios))
        print(f"signed-in / bare throughput, median of {len(ratios)} rounds: {ratio:.1%}")
    else:
        print(f"signed-in / bare throughput: {ratio:.1%}")
    print(f"target: signed-in keeps >= {TARGET:.0%} of bare throughput: {'PASS' if passed else 'FAIL'}")
    return ratio, passed


def write_json(
    path: Path, results: dict[str, WrkResult], ratio: float | None, passed: bool, ctx: Context, ratios: list[float]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "duration_s": ctx.duration,
            "connections": ctx.connections,
            "workers": WORKERS,
            "wrk_threads": min(2, ctx.connections),
        },
        "scenarios": {name: r.summary() for name, r in results.items()},
        "ratio": round(ratio, 4) if ratio is not None else None,
        "ratios_per_round": [round(r, 4) for r in ratios],
        "target": TARGET,
        "pass": passed,
        "timings": ctx.timings,
        "command": "make bench",
    }
    path.write_text(json.dumps(data, indent=2) + "\n")


# --------------------------------------------------------------------------- main


def _run(args: argparse.Namespace, wrk: str, workdir: Path) -> int:
    from podium.demo import DEMO_PASSWORD

    duration, connections = int(args.duration), int(args.connections)
    if duration < 1 or connections < 1:
        raise BenchError("--duration and --connections must be at least 1")
    print("starting throwaway PostgreSQL and Redis ...", flush=True)
    with services.postgres() as pg, services.redis() as rd:
        tcp_url = pg.create_database("podium_bench")
        database_url = tcp_url if getattr(args, "db_transport", "socket") == "tcp" else pg.socket_url("podium_bench")
        print(f"database: {database_url}", flush=True)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": rd.url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "VAR_DIR": str(workdir / "var"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        ctx = Context(env=env, workdir=workdir, wrk=wrk, duration=duration, connections=connections)
        run_cli(ctx, "migrate")
        run_cli(ctx, "demo")
        print(f"adding {FIELD_SIZE:,} projects to the demo competition ...", flush=True)
        seeded = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import asyncio; from podium.tooling.bench import seed_field; "
                f"print(asyncio.run(seed_field({FIELD_SIZE})))",
            ],
            env=env,
            cwd=workdir,
            capture_output=True,
            text=True,
            check=False,
        )
        if seeded.returncode != 0:
            raise BenchError(f"seeding the field failed: {seeded.stderr[-1500:]}")
        ctx.competition_id = int(seeded.stdout.split()[-1])
        servers: dict[str, Server] = {}
        for scenario in SCENARIOS:
            servers.setdefault(scenario.server.name, scenario.server)
        runs: dict[str, list[WrkResult]] = {scenario.name: [] for scenario in SCENARIOS}
        repeat = max(1, int(getattr(args, "repeat", 1)))
        with contextlib.ExitStack() as stack:
            # Every server stays up (idle ones cost nothing) so that rounds can alternate the scenarios:
            # this machine's speed drifts by tens of percent from one minute to the next.
            bases: dict[str, str] = {}
            for server in servers.values():
                print(f"serving {server.name} ({WORKERS} workers) ...", flush=True)
                bases[server.name] = stack.enter_context(serve(server, ctx))
                if not ctx.cookies and server is PODIUM:
                    ctx.cookies = sign_in(bases[server.name], DEMO_EMAIL, DEMO_PASSWORD)
            for round_no in range(repeat):
                if repeat > 1:
                    print(f"round {round_no + 1} of {repeat}", flush=True)
                for scenario in SCENARIOS:
                    base = bases[scenario.server.name]
                    runs[scenario.name].append(run_scenario(scenario, ctx, base, warm_up=round_no == 0))
            time_export(ctx, bases[PODIUM.name])
    results = {name: median_run(scenario_runs) for name, scenario_runs in runs.items()}
    ratios = [
        signed.rps / bare.rps
        for signed, bare in zip(runs.get(SIGNED_IN, []), runs.get(BARE, []), strict=True)
        if bare.rps > 0
    ]
    out = Path(args.out)
    compare_pages(ctx.pages, out)
    ratio, passed = report(results, ratios)
    write_json(out, results, ratio, passed, ctx, ratios)
    print(f"\nwrote {out}")
    return 0 if passed else 1


def main(args: argparse.Namespace) -> int:
    wrk = ensure_wrk()
    if wrk is None:
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="podium-bench-"))
    try:
        return _run(args, wrk, workdir)
    except services.ServiceError as exc:
        print(f"podium bench: {exc}", file=sys.stderr)
        return 2
    except BenchError as exc:
        print(f"podium bench: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


__all__ = ["SCENARIOS", "Scenario", "Server", "WrkResult", "bare_app", "main", "parse_wrk"]
