"""The `podium` command, run as a process: fail-fast settings, token, demo, worker, and the embedded default."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

import httpx
import pytest

from podium.competitions.models import Project, ProjectStatus
from podium.competitions.services.projects import PDF_MAGIC, upload_path
from podium.demo import DEMO_PASSWORD
from podium.platform.notifications import services as notifications
from podium.platform.notifications.models import Notification, NotificationStatus
from podium.platform.users.models import User
from podium.settings import Settings, SettingsError, load_settings
from podium.tooling import services
from tests.conftest import SmtpSink
from tests.factories import PASSWORD, make_user
from tests.helpers import links_in, sign_in

PODIUM = str(Path(sys.executable).parent / "podium")


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "VAR_DIR": str(tmp_path / "var"), "LOG_LEVEL": "WARNING"}
    env.update(values)
    return env


async def _podium(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PODIUM, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )

    return await asyncio.to_thread(run)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE_URL", "mysql://db/x", "podium: bad setting: DATABASE_URL must start with postgres:// or sqlite://"),
        ("REDIS_URL", "http://localhost", "podium: bad setting: REDIS_URL must start with redis://"),
        ("SMTP_URL", "smtp://:99999999", "podium: bad setting: SMTP_URL names no host"),
        ("BASE_URL", "podium.example", "podium: bad setting: BASE_URL must be an absolute http:// or https://"),
        ("PORT", "eighty", "podium: bad setting: PORT "),
    ],
)
async def test_a_bad_setting_fails_fast_in_one_line(tmp_path: Path, name: str, value: str, message: str) -> None:
    result = await _podium("migrate", env=_env(tmp_path, **{name: value}), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


async def test_migrations_match_the_models(tmp_path: Path) -> None:
    result = await _podium("makemigrations", "--check", env=_env(tmp_path), cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "No changes: the migrations match the models.\n"


@pytest.mark.sqlite
async def test_migrations_apply_on_sqlite_too(tmp_path: Path) -> None:
    result = await _podium("migrate", env=_env(tmp_path), cwd=tmp_path)
    root = Path(__file__).parents[2]
    # Top-level packages' migrations, and those of the platform's own apps (programme, registration).
    migrations = len([*root.glob("podium/*/migrations/0*.py"), *root.glob("podium/platform/*/migrations/0*.py")])
    assert migrations >= 2
    assert (result.returncode, result.stdout) == (0, f"Applied {migrations} migration(s).\n"), result.stderr
    again = await _podium("migrate", env=_env(tmp_path), cwd=tmp_path)
    assert again.stdout == "The database is up to date.\n"


async def test_an_unreachable_database_fails_fast_in_one_line(tmp_path: Path) -> None:
    url = f"postgres://podium:secret@127.0.0.1:{services.free_port()}/podium"
    result = await _podium("run", env=_env(tmp_path, DATABASE_URL=url), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("podium: cannot use the database at postgres://podium:***@127.0.0.1:")
    assert "secret" not in result.stderr
    assert result.stderr.count("\n") == 1


async def test_an_unreachable_redis_fails_fast_in_one_line(tmp_path: Path, settings: Settings) -> None:
    env = _env(
        tmp_path, DATABASE_URL=settings.database_url or "", REDIS_URL=f"redis://127.0.0.1:{services.free_port()}"
    )
    result = await _podium("worker", "--burst", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("podium: cannot reach Redis at redis://127.0.0.1:")
    assert result.stderr.count("\n") == 1


async def test_several_server_processes_need_redis(tmp_path: Path) -> None:
    result = await _podium("run", "--workers", "2", env=_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "--workers above 1 needs REDIS_URL" in result.stderr


def test_settings_errors_are_one_readable_line() -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(database_url="ftp://x", port=0)
    assert str(error.value) == (
        "DATABASE_URL must start with postgres:// or sqlite://, not ftp://; "
        "PORT Input should be greater than or equal to 1"
    )


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(var_dir=tmp_path, _env_file=None).secret()  # type: ignore[call-arg]
    second = Settings(var_dir=tmp_path, _env_file=None).secret()  # type: ignore[call-arg]
    assert first == second
    assert len(first) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


async def test_token_command_prints_a_working_token_as_its_last_word(
    app: object, client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    await make_user(email="ada@example.com")
    result = await _podium(
        "token", "Ada@Example.com", env=_env(tmp_path, DATABASE_URL=settings.database_url or ""), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.split()[-1]
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json()["email"] == "ada@example.com"

    missing = await _podium(
        "token", "ghost@example.com", env=_env(tmp_path, DATABASE_URL=settings.database_url or ""), cwd=tmp_path
    )
    assert missing.returncode == 2
    assert missing.stderr == "podium: no active account has the e-mail address ghost@example.com\n"


async def test_demo_seeds_once_and_a_second_run_changes_nothing(
    app: object, client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    """Run against the app's own database and upload directory, so the deck route can serve a demo deck."""
    url = settings.database_url or ""
    env = _env(tmp_path, DATABASE_URL=url, VAR_DIR=str(settings.var_dir))
    first = await _podium("demo", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "organizer@podium.example" in first.stdout
    assert DEMO_PASSWORD in first.stdout
    snapshot = (
        "SELECT (SELECT json_agg(u ORDER BY id) FROM platform_user u)::text || "
        "(SELECT json_agg(s ORDER BY id) FROM platform_summit s)::text || "
        "(SELECT json_agg(r ORDER BY id) FROM platform_summit_role r)::text || "
        "(SELECT json_agg(json_build_array(id, deck_key, deck_size) ORDER BY id) FROM competitions_project)::text"
    )

    def dump() -> str:
        return subprocess.run(["psql", url, "-Atc", snapshot], capture_output=True, text=True, check=True).stdout

    before = await asyncio.to_thread(dump)
    files = sorted((settings.upload_dir / "decks").iterdir())
    second = await _podium("demo", env=env, cwd=tmp_path)
    assert second.returncode == 0
    assert await asyncio.to_thread(dump) == before
    assert sorted((settings.upload_dir / "decks").iterdir()) == files
    assert "2027全球创业者峰会" in before

    # Every submitted project and most drafts have a pitch deck: a real four-page PDF, stored like an upload.
    seeded = await Project.all().order_by("id")
    submitted = [p for p in seeded if p.status == ProjectStatus.SUBMITTED]
    drafts = [p for p in seeded if p.status == ProjectStatus.DRAFT]
    assert len(submitted) > 100
    assert all(p.deck_key for p in submitted)
    assert len(drafts) / 2 < sum(1 for p in drafts if p.deck_key) < len(drafts)
    for project in (p for p in seeded if p.deck_key):
        data = upload_path(settings, project.deck_key).read_bytes()
        assert data.startswith(PDF_MAGIC), project.deck_key
        assert data.endswith(b"%%EOF\n")
        assert b"/Count 4" in data
        assert len(data) == project.deck_size
        assert project.deck_name.endswith("-deck.pdf")
        assert project.deck_name.isascii()
        assert project.deck_uploaded_at is not None
    project = next(p for p in submitted if not p.title.isascii())
    await sign_in(client, (await User.get(id=project.lead_id)).email, DEMO_PASSWORD)
    deck = await client.get(f"/projects/{project.id}/deck")
    assert deck.status_code == 200
    assert deck.headers["content-type"] == "application/pdf"
    assert project.deck_name in deck.headers["content-disposition"]
    assert deck.content == upload_path(settings, project.deck_key).read_bytes()


async def test_worker_command_sends_queued_mail_over_smtp(
    app: object, settings: Settings, mailbox: SmtpSink, tmp_path: Path
) -> None:
    notification = await notifications.notify(
        key="worker-test",
        recipient="ada@example.com",
        kind="verify_email",
        locale="en",
        context={"name": "Ada", "verify_url": "http://podium.test/verify/x", "days": 7},
    )
    env = _env(
        tmp_path,
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        SMTP_URL=settings.smtp_url or "",
    )
    result = await _podium("worker", "--burst", env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [m["To"] for m in mailbox.messages] == ["ada@example.com"]
    assert (await Notification.get(id=notification.id)).status == NotificationStatus.SENT


@pytest.mark.sqlite
async def test_embedded_default_runs_on_sqlite_with_in_process_jobs(tmp_path: Path) -> None:
    """No environment at all: SQLite under var/, arq on fakeredis in the web process, mail to var/outbox/."""
    env = _env(tmp_path)
    del env["VAR_DIR"]
    assert (await _podium("migrate", env=env, cwd=tmp_path)).returncode == 0
    assert (tmp_path / "var" / "podium.sqlite3").exists()
    port = services.free_port()
    server = subprocess.Popen(
        [PODIUM, "run", "--port", str(port)], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            for _ in range(200):
                try:
                    health = await http.get("/healthz")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            assert health.json() == {"status": "ok", "database": "ok", "queue": "embedded"}
            page = await http.get("/signup")
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            response = await http.post(
                "/signup", data={"email": "solo@example.com", "password": PASSWORD, "csrf_token": token}
            )
            assert response.status_code == 200
            outbox = tmp_path / "var" / "outbox"
            deadline = time.monotonic() + 20
            while not (outbox.exists() and list(outbox.glob("*.eml"))) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            mail = message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=policy.default)
            link = next(url for url in links_in(mail) if "/verify/" in url)
            verified = await http.get(link.replace("http://127.0.0.1:8000", ""))
            assert verified.status_code == 303
            assert verified.headers["location"] == "/signin?notice=verified"
            page = await http.get("/signin")
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            signed_in = await http.post(
                "/signin", data={"email": "solo@example.com", "password": PASSWORD, "csrf_token": token}
            )
            assert signed_in.status_code == 303
            account = await http.get("/account")
            assert account.status_code == 200
            assert "solo@example.com" in account.text
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert (tmp_path / "var" / "secret_key").exists()


async def test_createsuperuser_makes_a_verified_administrator(
    app: object, client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    env = _env(tmp_path, DATABASE_URL=settings.database_url or "")
    weak = await _podium("createsuperuser", "root@example.com", "--password", "short", env=env, cwd=tmp_path)
    assert weak.returncode == 2
    assert weak.stderr == "podium: Use at least 10 characters.\n"
    result = await _podium("createsuperuser", "Root@Example.com", "--password", PASSWORD, env=env, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "Superuser root@example.com created.\n")
    await sign_in(client, "root@example.com")
    assert (await client.get("/organize/summits/new")).status_code == 200
