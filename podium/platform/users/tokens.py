"""Signed, expiring links for e-mail verification and password reset (nothing stored server-side)."""

from __future__ import annotations

import hashlib

from itsdangerous import BadData, URLSafeTimedSerializer

from podium.platform.users.models import User

VERIFY_SALT = "podium.verify-email"
RESET_SALT = "podium.password-reset"


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def _password_stamp(user: User) -> str:
    # Changes whenever the password does, which makes a reset link single-use.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_verify_token(secret: str, user: User) -> str:
    return _serializer(secret, VERIFY_SALT).dumps({"u": user.id, "e": user.email})


def read_verify_token(secret: str, token: str, max_age_seconds: int) -> tuple[int, str] | None:
    try:
        data = _serializer(secret, VERIFY_SALT).loads(token, max_age=max_age_seconds)
        return int(data["u"]), str(data["e"])
    except (BadData, KeyError, TypeError, ValueError):
        return None


def make_reset_token(secret: str, user: User) -> str:
    return _serializer(secret, RESET_SALT).dumps({"u": user.id, "p": _password_stamp(user)})


async def user_for_reset_token(secret: str, token: str, max_age_seconds: int) -> User | None:
    try:
        data = _serializer(secret, RESET_SALT).loads(token, max_age=max_age_seconds)
        user_id, stamp = int(data["u"]), str(data["p"])
    except (BadData, KeyError, TypeError, ValueError):
        return None
    user = await User.get_or_none(id=user_id, is_active=True)
    if user is None or _password_stamp(user) != stamp:
        return None
    return user
