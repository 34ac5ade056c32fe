"""Settings: the only module that reads the environment (12-factor), with embedded defaults."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_VAR_DIR = Path("var")


class SettingsError(Exception):
    """A configuration problem, worded as one line for the operator."""


def _check_database_url(value: str | None) -> str | None:
    if value is None:
        return None
    scheme = urlsplit(value).scheme
    if scheme not in {"postgres", "postgresql", "asyncpg", "sqlite"}:
        raise ValueError(f"must start with postgres:// or sqlite://, not {scheme or 'nothing'}://")
    parts = urlsplit(value)
    if scheme != "sqlite" and not parts.hostname and "host=" not in parts.query:
        raise ValueError("names no host")
    return value


def _check_redis_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ValueError(f"must start with redis://, rediss:// or unix://, not {parts.scheme or 'nothing'}://")
    if parts.scheme != "unix" and not parts.hostname:
        raise ValueError("names no host")
    return value


def _check_smtp_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"smtp", "smtps", "smtp+starttls"}:
        raise ValueError(f"must start with smtp://, smtps:// or smtp+starttls://, not {parts.scheme or 'nothing'}://")
    if not parts.hostname:
        raise ValueError("names no host")
    try:
        parts.port  # noqa: B018 - parsing the port raises on garbage
    except ValueError as exc:
        raise ValueError("has an invalid port") from exc
    return value


def _check_base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// address")
    return value.rstrip("/")


def _check_api_base(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// address")
    return value.rstrip("/")


class Settings(BaseSettings):
    """Every knob Podium has. Unset means the embedded default."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    var_dir: Path = DEFAULT_VAR_DIR
    database_url: Annotated[str | None, AfterValidator(_check_database_url)] = None
    redis_url: Annotated[str | None, AfterValidator(_check_redis_url)] = None
    smtp_url: Annotated[str | None, AfterValidator(_check_smtp_url)] = None
    mail_from: str = "Podium <no-reply@podium.localhost>"
    secret_key: SecretStr | None = None
    base_url: Annotated[str, AfterValidator(_check_base_url)] = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    stripe_api_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    # Where the Stripe SDK sends its API calls. Unset: Stripe itself with STRIPE_API_KEY, or, without a key,
    # the development fake that `podium run` mounts under /_fake-stripe (test payments, no money moves).
    stripe_api_base: Annotated[str | None, AfterValidator(_check_api_base)] = None
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Accounts
    session_days: int = Field(default=14, ge=1)
    password_reset_hours: int = Field(default=2, ge=1)
    email_verification_days: int = Field(default=7, ge=1)
    signin_failures_per_account: int = Field(default=5, ge=1)
    signin_failures_per_address: int = Field(default=30, ge=1)
    signin_lockout_minutes: int = Field(default=15, ge=1)
    # Tickets: how long an unpaid order holds its seats, how long a waitlist offer holds one, and how many
    # days before the summit's first day attendees can no longer correct the name on their ticket.
    ticket_hold_minutes: int = Field(default=15, ge=1, le=24 * 60)
    waitlist_offer_hours: int = Field(default=24, ge=1, le=24 * 14)
    ticket_name_change_days: int = Field(default=2, ge=0, le=365)
    # Visa invitation letters: passport numbers are erased this many days after the summit's last day, and
    # the letters are drawn with this CJK TrueType/OpenType font (unset: the usual system fonts are searched;
    # without one the letter is in English only).
    visa_erase_days: int = Field(default=30, ge=0, le=3650)
    visa_cjk_font: Path | None = None
    # Uploads (pitch decks), stored under VAR_DIR/uploads
    deck_max_mb: int = Field(default=20, ge=1, le=500)
    # Database pool (PostgreSQL only)
    db_pool_min: int = Field(default=1, ge=1)
    db_pool_max: int = Field(default=10, ge=1)

    @model_validator(mode="after")
    def _pool_bounds(self) -> Settings:
        if self.db_pool_min > self.db_pool_max:
            raise ValueError("DB_POOL_MIN is larger than DB_POOL_MAX")
        return self

    @property
    def embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def embedded_queue(self) -> bool:
        return self.redis_url is None

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def upload_dir(self) -> Path:
        return self.var_dir / "uploads"

    @property
    def deck_max_bytes(self) -> int:
        return self.deck_max_mb * 1024 * 1024

    @property
    def stripe_fake(self) -> bool:
        """No Stripe key: paid tickets go through the development fake (clearly labelled test payments)."""
        return self.stripe_api_key is None

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def effective_database_url(self) -> str:
        if self.database_url is not None:
            return self.database_url
        return f"sqlite://{self.var_dir / 'podium.sqlite3'}"

    def secret(self) -> str:
        """The signing secret: SECRET_KEY, or one generated once and kept under var/."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.var_dir / "secret_key"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment; a bad value raises SettingsError with one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]).upper() or "settings"
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{field} {message}")
        raise SettingsError("; ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
