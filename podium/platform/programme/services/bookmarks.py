"""Bookmarks (a person's own programme) and the private calendar feed that carries them."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
from typing import Any

from tortoise.exceptions import IntegrityError

from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.i18n import DEFAULT_LOCALE, normalize_locale, utcnow
from podium.platform.programme.models import Bookmark, CalendarFeed, Session
from podium.platform.programme.queries import is_row_id, with_details
from podium.platform.programme.services.sessions import get_published_session
from podium.platform.summits.models import Summit
from podium.platform.users.models import User

_FEED_TOKEN = re.compile(r"^[0-9a-f]{64}$")


async def bookmarked_ids(*, actor: Actor, summit: Summit) -> set[int]:
    """Which of the summit's sessions the actor bookmarked (none for strangers): one query."""
    if actor.user_id is None:
        return set()
    mine = Bookmark.filter(user_id=actor.user_id, session__summit_id=summit.id)
    return {int(session_id) for (session_id,) in await mine.values_list("session_id")}


async def add_bookmark(*, actor: Actor, summit: Summit, session_id: int) -> None:
    """Bookmark a published session; doing it twice is harmless."""
    user = actor.require_user()
    session = await get_published_session(summit=summit, session_id=session_id)
    with contextlib.suppress(IntegrityError):  # the same bookmark, made at the same moment in another tab
        await Bookmark.get_or_create(user_id=user.id, session_id=session.id)


async def remove_bookmark(*, actor: Actor, session_id: int) -> None:
    """Remove one of the actor's own bookmarks; removing one that is gone is harmless."""
    user = actor.require_user()
    if is_row_id(session_id):
        await Bookmark.filter(user_id=user.id, session_id=session_id).delete()


async def list_bookmarked(*, user_id: int) -> list[Session]:
    """The person's bookmarked sessions that are (still) published, with summit, room and speakers."""
    return await with_details(
        Session.filter(bookmarks__user_id=user_id, published=True).select_related("summit")
    ).order_by("starts_at", "ends_at", "id")


# ---- the private calendar feed ------------------------------------------------------------------


def _mac(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"programme-feed|{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def feed_token(feed: CalendarFeed, secret: str) -> str:
    """The secret part of the feed's address: its nonce and a MAC of it under the server secret.

    Only the nonce is stored, so reading the database does not reveal anyone's feed address."""
    return feed.nonce + _mac(secret, feed.nonce)


async def find_feed(*, actor: Actor) -> CalendarFeed | None:
    if actor.user_id is None:
        return None
    return await CalendarFeed.get_or_none(user_id=actor.user_id)


async def regenerate_feed(*, actor: Actor, locale: str) -> CalendarFeed:
    """Give the actor a feed address, replacing any previous one (which stops working at once). The feed is
    written in the person's chosen language, or else in locale (the one they read the page in)."""
    user = actor.require_user()
    values: dict[str, Any] = {"nonce": secrets.token_hex(16), "locale": locale, "created_at": utcnow()}
    if not await CalendarFeed.filter(user_id=user.id).update(**values):
        try:
            await CalendarFeed.create(user_id=user.id, **values)
        except IntegrityError:  # made meanwhile, in another tab: this newer address wins
            await CalendarFeed.filter(user_id=user.id).update(**values)
    await audit.record("programme.feed_issued", actor_id=user.id, object_type="user", object_id=user.id)
    return await CalendarFeed.get(user_id=user.id)


async def revoke_feed(*, actor: Actor) -> None:
    user = actor.require_user()
    if await CalendarFeed.filter(user_id=user.id).delete():
        await audit.record("programme.feed_revoked", actor_id=user.id, object_type="user", object_id=user.id)


async def open_feed(*, token: str, secret: str) -> CalendarFeed | None:
    """The feed (with its user) this token opens, or None for a wrong, revoked or regenerated token, or an
    inactive account."""
    if not _FEED_TOKEN.match(token):
        return None
    nonce, mac = token[:32], token[32:]
    if not hmac.compare_digest(mac, _mac(secret, nonce)):
        return None
    feed = await CalendarFeed.filter(nonce=nonce).select_related("user").first()
    if feed is None or not feed.user.is_active:
        return None
    return feed


def feed_locale(feed: CalendarFeed) -> str:
    """The language of a feed: its owner's chosen one, else the one it was issued in."""
    user: User = feed.user
    return normalize_locale(user.locale) or normalize_locale(feed.locale) or DEFAULT_LOCALE
