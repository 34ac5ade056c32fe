"""Who is asking: password hashing, server-side sessions, API tokens, and the Actor every service receives."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from tortoise import connections

from podium.platform import db
from podium.platform.errors import NotFound, Unauthorized
from podium.platform.i18n import utcnow
from podium.platform.summits.models import Role, SummitRole
from podium.platform.users.models import ApiToken, Session, User

if TYPE_CHECKING:
    from podium.settings import Settings

SESSION_COOKIE = "podium_session"
TOKEN_PREFIX = "pod_"  # noqa: S105 - a prefix, not a secret
# Refresh a session's last-seen time (and slide its expiry) at most this often, not on every request.
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)

_hasher = PasswordHasher()
# Verified against when the account does not exist, so that timing does not reveal which e-mails are registered.
_DUMMY_HASH = _hasher.hash("podium-timing-equaliser")


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(check)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class Actor:
    """The person behind a request or a command. Services receive it first and check it against the object."""

    user: User | None = None
    session_id: int | None = None
    token_id: int | None = None
    roles: dict[int, frozenset[Role]] = field(default_factory=dict)
    # The session's expiry moved forward on this request, so the browser's cookie should too.
    session_extended: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None

    @property
    def is_superuser(self) -> bool:
        return self.user is not None and self.user.is_superuser

    def has_role(self, summit_id: int, *roles: Role) -> bool:
        held = self.roles.get(summit_id, frozenset())
        return any(role in held for role in roles)

    @property
    def judges_any(self) -> bool:
        return any(Role.JUDGE in held for held in self.roles.values())

    @property
    def organizes_any(self) -> bool:
        return self.is_superuser or any(Role.ORGANIZER in held for held in self.roles.values())

    def require_user(self) -> User:
        if self.user is None:
            raise Unauthorized()
        return self.user


ANONYMOUS = Actor()


async def load_roles(user_id: int) -> dict[int, frozenset[Role]]:
    grouped: dict[int, set[Role]] = {}
    for summit_id, role in await SummitRole.filter(user_id=user_id).values_list("summit_id", "role"):
        grouped.setdefault(summit_id, set()).add(Role(role))
    return {summit_id: frozenset(roles) for summit_id, roles in grouped.items()}


async def create_session(*, user: User, settings: Settings, ip: str = "", user_agent: str = "") -> str:
    """Start a session; returns the cookie value (the only copy of the key)."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    await Session.create(
        key_hash=digest(key),
        user=user,
        last_seen_at=now,
        expires_at=now + timedelta(days=settings.session_days),
        ip=ip[:64],
        user_agent=user_agent[:300],
    )
    await User.filter(id=user.id).update(last_login_at=now)
    return key


# Every signed-in request runs this, so the session, its user and the user's roles come in one query.
_SESSION_SQL = """
SELECT u.*, s.id AS podium_session_id, s.last_seen_at AS podium_last_seen, s.expires_at AS podium_expires,
       r.summit_id AS podium_role_summit, r.role AS podium_role
FROM platform_session s
JOIN platform_user u ON u.id = s.user_id
LEFT JOIN platform_summit_role r ON r.user_id = u.id
WHERE s.key_hash = {key}
"""


def _session_datetime(field: str, value: object) -> datetime:
    converted: datetime = Session._meta.fields_map[field].to_python_value(value)
    return converted


async def actor_from_session(key: str, settings: Settings) -> Actor:
    if not key or len(key) > 100:
        return ANONYMOUS
    rows = await connections.get("default").execute_query_dict(
        _SESSION_SQL.format(key=db.bind_marker(1)), [digest(key)]
    )
    if not rows:
        return ANONYMOUS
    first = rows[0]
    now = utcnow()
    user = User._init_from_db(**first)
    if _session_datetime("expires_at", first["podium_expires"]) <= now or not user.is_active:
        return ANONYMOUS
    session_id = int(first["podium_session_id"])
    extended = now - _session_datetime("last_seen_at", first["podium_last_seen"]) > SESSION_TOUCH_INTERVAL
    if extended:
        await Session.filter(id=session_id).update(
            last_seen_at=now, expires_at=now + timedelta(days=settings.session_days)
        )
    grouped: dict[int, set[Role]] = {}
    for row in rows:
        if row["podium_role_summit"] is not None:
            grouped.setdefault(int(row["podium_role_summit"]), set()).add(Role(row["podium_role"]))
    roles = {summit_id: frozenset(held) for summit_id, held in grouped.items()}
    return Actor(user=user, session_id=session_id, roles=roles, session_extended=extended)


async def end_session(key: str) -> None:
    if key:
        await Session.filter(key_hash=digest(key)).delete()


async def mint_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token; returns the record and the token text, which is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = await ApiToken.create(user=user, name=name[:100], prefix=secret[:12], token_hash=digest(secret))
    return token, secret


async def actor_from_token(secret: str) -> Actor | None:
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = await ApiToken.filter(token_hash=digest(secret)).select_related("user").first()
    if token is None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > SESSION_TOUCH_INTERVAL:
        await ApiToken.filter(id=token.id).update(last_used_at=now)
    return Actor(user=token.user, token_id=token.id, roles=await load_roles(token.user.id))


def actor_of(request: Request) -> Actor:
    actor = getattr(request.state, "actor", None)
    return actor if isinstance(actor, Actor) else ANONYMOUS


Endpoint = Callable[[Request], Awaitable[Response]]


def login_required(endpoint: Endpoint) -> Endpoint:
    """Pages send strangers to sign in (and back); the API answers 401."""

    @functools.wraps(endpoint)
    async def wrapper(request: Request) -> Response:
        if not actor_of(request).is_authenticated:
            if request.url.path.startswith("/api/"):
                raise Unauthorized()
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            login = request.app.url_path_for("users:signin")
            return RedirectResponse(f"{login}?{urlencode({'next': target})}", status_code=303)
        return await endpoint(request)

    return wrapper


def superuser_required(endpoint: Endpoint) -> Endpoint:
    """Only superusers; everyone else is told the page does not exist."""

    @functools.wraps(endpoint)
    @login_required
    async def wrapper(request: Request) -> Response:
        if not actor_of(request).is_superuser:
            raise NotFound()
        return await endpoint(request)

    return wrapper
