"""Accounts: sign-up, verification, sign-in, passwords, profile, sessions, tokens, export and deletion."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from podium.platform import audit, auth, jobs
from podium.platform.auth import Actor
from podium.platform.errors import NON_FIELD, InvalidInput, NotFound, TooManyRequests
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.jobs import JobName
from podium.platform.notifications.models import Notification
from podium.platform.notifications.services import notify
from podium.platform.summits.models import SummitRole
from podium.platform.users import throttle, tokens
from podium.platform.users.forms import ChangePasswordForm, NewPasswordForm, ProfileForm, SignUpForm
from podium.platform.users.models import ApiToken, Session, User
from podium.settings import Settings

log = logging.getLogger(__name__)


def _link(settings: Settings, path: str) -> str:
    return settings.base_url + path


async def sign_up(*, settings: Settings, form: SignUpForm, locale: str) -> User | None:
    """Create an unverified account and mail the verification link.

    An address that already has an account gets a mail saying so instead, and the page shows the same
    message either way, so sign-up does not reveal who is registered."""
    # Hash first in both cases, so that the answer takes as long for a registered address as for a new one.
    password_hash = await auth.hash_password(form.password)
    existing = await User.get_or_none(email=form.email)
    if existing is None:
        try:
            user = await User.create(email=form.email, password_hash=password_hash, name=form.name, locale=locale)
        except IntegrityError:
            existing = await User.get(email=form.email)
        else:
            await audit.record("user.signed_up", actor_id=user.id, object_type="user", object_id=user.id)
            await send_verification(settings=settings, user=user)
            return user
    day = utcnow().strftime("%Y%m%d")
    await notify(
        key=f"account-exists:{existing.id}:{day}",
        recipient=existing.email,
        kind="account_exists",
        locale=existing.locale or locale,
        context={"signin_url": _link(settings, "/signin"), "reset_url": _link(settings, "/password/forgot")},
    )
    return None


async def send_verification(*, settings: Settings, user: User) -> None:
    token = tokens.make_verify_token(settings.secret(), user)
    # One mail per account per ten minutes, however often "resend" is pressed.
    bucket = int(utcnow().timestamp() // 600)
    await notify(
        key=f"verify-email:{user.id}:{bucket}",
        recipient=user.email,
        kind="verify_email",
        locale=user.locale or "en",
        context={
            "name": user.display_name,
            "verify_url": _link(settings, f"/verify/{token}"),
            "days": settings.email_verification_days,
        },
    )


async def verify_email(*, settings: Settings, token: str) -> User | None:
    """Mark the address verified and attach the summit roles granted to it. None for a bad or stale link."""
    found = tokens.read_verify_token(settings.secret(), token, settings.email_verification_days * 86400)
    if found is None:
        return None
    user = await User.get_or_none(id=found[0], email=found[1], is_active=True)
    if user is None:
        return None
    async with in_transaction():
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()
            await user.save(update_fields=["email_verified_at", "updated_at"])
            await audit.record("user.verified", actor_id=user.id, object_type="user", object_id=user.id)
        await SummitRole.filter(email=user.email, user_id=None).update(user_id=user.id)
    return user


async def sign_in(*, settings: Settings, email: str, password: str, ip: str, user_agent: str) -> tuple[User, str]:
    """Check the password and open a session; returns the user and the session cookie value.

    Failures are counted per account and per address; the same message is shown whether or not the
    account exists."""
    wait = await throttle.attempt(
        email=email,
        ip=ip,
        window_seconds=settings.signin_lockout_minutes * 60,
        per_account=settings.signin_failures_per_account,
        per_address=settings.signin_failures_per_address,
    )
    if wait:
        raise TooManyRequests(
            _(
                "Too many failed attempts. Try again in %(minutes)d minutes, or reset your password.",
                minutes=max(1, (wait + 59) // 60),
            ),
            retry_after=wait,
        )
    user = await User.get_or_none(email=email)
    ok = await auth.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        raise InvalidInput({NON_FIELD: [_("The e-mail address or password is incorrect.")]})
    await throttle.forgive_attempt(email=email, ip=ip)
    if auth.needs_rehash(user.password_hash):
        user.password_hash = await auth.hash_password(password)
        await user.save(update_fields=["password_hash"])
    key = await auth.create_session(user=user, settings=settings, ip=ip, user_agent=user_agent)
    await audit.record("user.signed_in", actor_id=user.id, object_type="user", object_id=user.id, data={"ip": ip})
    return user, key


async def request_password_reset(*, email: str, locale: str) -> None:
    """Queue the reset mail. The page answers the same, at the same speed, whether or not the account exists:
    the lookup happens in the job."""
    bucket = int(utcnow().timestamp() // 300)
    address = hashlib.sha256(email.encode()).hexdigest()[:24]
    await jobs.enqueue(
        JobName.SEND_PASSWORD_RESET, job_id=f"password-reset:{address}:{bucket}", email=email, locale=locale
    )


async def send_password_reset(*, settings: Settings, email: str, locale: str) -> None:
    """Mail a reset link if the account exists (at most one per account per five minutes)."""
    user = await User.get_or_none(email=email, is_active=True)
    if user is None:
        return
    token = tokens.make_reset_token(settings.secret(), user)
    bucket = int(utcnow().timestamp() // 300)
    await notify(
        key=f"password-reset:{user.id}:{bucket}",
        recipient=user.email,
        kind="password_reset",
        locale=user.locale or locale,
        context={
            "name": user.display_name,
            "reset_url": _link(settings, f"/password/reset/{token}"),
            "hours": settings.password_reset_hours,
        },
    )


async def user_for_reset(*, settings: Settings, token: str) -> User | None:
    return await tokens.user_for_reset_token(settings.secret(), token, settings.password_reset_hours * 3600)


async def reset_password(*, settings: Settings, token: str, form: NewPasswordForm) -> User | None:
    """Set a new password from a reset link (which then stops working) and end every session."""
    user = await user_for_reset(settings=settings, token=token)
    if user is None or not await _set_password(user, form.password, keep_session_id=None):
        return None  # a bad or stale link, or the same link used twice at once
    if user.email_verified_at is None:  # the link proved the address
        await User.filter(id=user.id).update(email_verified_at=utcnow())
        await SummitRole.filter(email=user.email, user_id=None).update(user_id=user.id)
    await audit.record("user.password_reset", actor_id=user.id, object_type="user", object_id=user.id)
    await throttle.clear_account(email=user.email)
    return user


async def change_password(*, actor: Actor, form: ChangePasswordForm) -> None:
    """Change the password and end every other session of this user."""
    user = actor.require_user()
    if not await auth.verify_password(user.password_hash, form.current_password):
        raise InvalidInput({"current_password": [_("This is not your current password.")]})
    if not await _set_password(user, form.password, keep_session_id=actor.session_id):
        raise InvalidInput({"current_password": [_("Your password was changed elsewhere meanwhile. Try again.")]})
    await audit.record("user.password_changed", actor_id=user.id, object_type="user", object_id=user.id)


async def _set_password(user: User, password: str, *, keep_session_id: int | None) -> bool:
    """Replace the password unless it changed since `user` was read (False then), and end the sessions."""
    new_hash = await auth.hash_password(password)
    async with in_transaction():
        changed = await User.filter(id=user.id, password_hash=user.password_hash).update(
            password_hash=new_hash, updated_at=utcnow()
        )
        if not changed:
            return False
        sessions = Session.filter(user_id=user.id)
        if keep_session_id is not None:
            sessions = sessions.exclude(id=keep_session_id)
        await sessions.delete()
    user.password_hash = new_hash
    return True


async def update_profile(*, actor: Actor, form: ProfileForm) -> User:
    user = actor.require_user()
    before = {field: getattr(user, field) for field in ProfileForm.model_fields}
    for field, value in form.model_dump().items():
        setattr(user, field, value)
    await user.save(update_fields=[*ProfileForm.model_fields, "updated_at"])
    changed = {field: value for field, value in form.model_dump().items() if before[field] != value}
    if changed:
        await audit.record(
            "user.profile_changed",
            actor_id=user.id,
            object_type="user",
            object_id=user.id,
            data={"fields": sorted(changed)},
        )
    return user


async def set_language(*, actor: Actor, locale: str) -> None:
    user = actor.require_user()
    if user.locale != locale:
        user.locale = locale
        await user.save(update_fields=["locale", "updated_at"])


async def list_sessions(*, actor: Actor) -> list[Session]:
    user = actor.require_user()
    return await Session.filter(user_id=user.id, expires_at__gt=utcnow()).order_by("-last_seen_at")


async def revoke_session(*, actor: Actor, session_id: int) -> None:
    user = actor.require_user()
    deleted = await Session.filter(id=session_id, user_id=user.id).delete()
    if not deleted:
        raise NotFound()
    await audit.record("user.session_revoked", actor_id=user.id, object_type="session", object_id=session_id)


async def list_api_tokens(*, actor: Actor) -> list[ApiToken]:
    return await ApiToken.filter(user_id=actor.require_user().id)


async def mint_api_token(*, actor: Actor, name: str) -> str:
    """A new token for the actor; the returned text is shown once and never stored."""
    user = actor.require_user()
    token, secret = await auth.mint_api_token(user=user, name=name)
    await audit.record(
        "user.token_minted",
        actor_id=user.id,
        object_type="api_token",
        object_id=token.id,
        data={"name": token.name, "prefix": token.prefix},
    )
    return secret


async def revoke_api_token(*, actor: Actor, token_id: int) -> None:
    user = actor.require_user()
    deleted = await ApiToken.filter(id=token_id, user_id=user.id).delete()
    if not deleted:
        raise NotFound()
    await audit.record("user.token_revoked", actor_id=user.id, object_type="api_token", object_id=token_id)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def export_data(*, actor: Actor) -> dict[str, Any]:
    """Everything Podium holds about the actor, as JSON-ready data."""
    user = actor.require_user()
    sessions = await Session.filter(user_id=user.id).order_by("created_at")
    api_tokens = await ApiToken.filter(user_id=user.id).order_by("created_at")
    roles = await SummitRole.filter(user_id=user.id).select_related("summit").order_by("id")
    entries = await audit.AuditEntry.filter(actor_id=user.id).order_by("at")
    mails = await Notification.filter(recipient=user.email).order_by("created_at")
    return {
        "account": {
            "email": user.email,
            "name": user.name,
            "name_local": user.name_local,
            "locale": user.locale,
            "timezone": user.timezone,
            "country": user.country,
            "organisation": user.organisation,
            "email_verified_at": _iso(user.email_verified_at),
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "sessions": [
            {
                "created_at": _iso(s.created_at),
                "last_seen_at": _iso(s.last_seen_at),
                "ip": s.ip,
                "user_agent": s.user_agent,
            }
            for s in sessions
        ],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": _iso(t.created_at), "last_used_at": _iso(t.last_used_at)}
            for t in api_tokens
        ],
        "summit_roles": [{"summit": r.summit.slug, "role": str(r.role), "since": _iso(r.created_at)} for r in roles],
        "activity": [
            {"action": e.action, "object": f"{e.object_type}:{e.object_id}", "at": _iso(e.at), "data": e.data}
            for e in entries
        ],
        "emails": [
            {"kind": n.kind, "status": str(n.status), "created_at": _iso(n.created_at), "sent_at": _iso(n.sent_at)}
            for n in mails
        ],
    }


async def delete_account(*, actor: Actor, password: str) -> None:
    """Erase the account, its sessions, tokens, roles and mail records. Audit entries stay, unattributed."""
    user = actor.require_user()
    if not await auth.verify_password(user.password_hash, password):
        raise InvalidInput({"password": [_("This is not your password.")]})
    async with in_transaction():
        await Notification.filter(recipient=user.email).delete()
        await SummitRole.filter(email=user.email).delete()
        await user.delete()
        await audit.record("user.deleted", actor_id=None, object_type="user", object_id=user.id)
    log.info("account %s deleted at its owner's request", user.id)
