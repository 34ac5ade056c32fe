"""Operator actions behind `podium createsuperuser` and `podium token`."""

from __future__ import annotations

from podium.platform import audit, auth
from podium.platform.i18n import utcnow
from podium.platform.users.forms import check_password, normalize_email
from podium.platform.users.models import User


async def create_superuser(*, email: str, password: str, name: str = "") -> str:
    """Create a verified administrator, or promote the existing account. Raises ValueError on bad input."""
    email = normalize_email(email)
    user = await User.get_or_none(email=email)
    if user is not None:
        user.is_superuser = True
        await user.save(update_fields=["is_superuser", "updated_at"])
        await audit.record("user.promoted", actor_id=None, object_type="user", object_id=user.id)
        return f"{email} is now a superuser."
    check_password(password)
    user = await User.create(
        email=email,
        password_hash=await auth.hash_password(password),
        name=name,
        is_superuser=True,
        email_verified_at=utcnow(),
    )
    await audit.record("user.created_superuser", actor_id=None, object_type="user", object_id=user.id)
    return f"Superuser {email} created."


async def mint_token_for(*, email: str, name: str) -> str:
    user = await User.get_or_none(email=email.strip().lower(), is_active=True)
    if user is None:
        raise ValueError(f"no active account has the e-mail address {email.strip().lower()}")
    token, secret = await auth.mint_api_token(user=user, name=name)
    await audit.record(
        "user.token_minted",
        actor_id=None,
        object_type="api_token",
        object_id=token.id,
        data={"name": token.name, "via": "command line"},
    )
    return secret
