"""Public programme pages: the programme by day and room, bookmarks, My programme, calendar feeds, photos."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from podium.platform import i18n
from podium.platform.auth import login_required
from podium.platform.errors import NotFound
from podium.platform.i18n import gettext as _
from podium.platform.i18n import localized
from podium.platform.permissions import can_manage_summit
from podium.platform.programme import ical, photos, schedule
from podium.platform.programme.services import bookmarks, sessions, speakers
from podium.platform.summits import services as summits
from podium.platform.web import NOTICES, actor_of, redirect, render, safe_next, settings_of

NOTICES.update(
    {
        "feed-created": lambda: _("Your calendar address is ready. Any address you had before no longer works."),
        "feed-revoked": lambda: _("Your calendar address is switched off."),
    }
)

ICS_CACHE = "public, max-age=300"
PHOTO_CACHE = "public, max-age=31536000, immutable"  # a photo's key changes whenever the photo does


def _helpers() -> dict[str, Any]:
    return {
        "kind_label": schedule.kind_label,
        "time_range": schedule.time_range,
        "speaker_name": schedule.speaker_name,
        "speaker_other_name": schedule.speaker_other_name,
        "speakers_of": schedule.speakers_of,
    }


async def programme(request: Request) -> Response:
    summit = await summits.get_summit(slug=request.path_params["slug"])
    actor = actor_of(request)
    listed = await sessions.list_published(summit=summit)
    viewer_tz = i18n.get_timezone()
    context: dict[str, Any] = {
        "summit": summit,
        "days": schedule.by_day(listed, viewer_tz),
        "by_room": request.query_params.get("by") == "room",
        "bookmarked": await bookmarks.bookmarked_ids(actor=actor, summit=summit),
        "tz": viewer_tz,
        "other_tz": summit.timezone if i18n.zone(summit.timezone).key != i18n.zone(viewer_tz).key else None,
        "can_manage": can_manage_summit(actor, summit.id),
        **_helpers(),
    }
    return render(request, "programme/public.html", context)


def _next(data: Any, default: str) -> str:
    target = data.get("next")
    return safe_next(target if isinstance(target, str) else None, default)


@login_required
async def bookmark(request: Request) -> Response:
    summit = await summits.get_summit(slug=request.path_params["slug"])
    session_id: int = request.path_params["session_id"]
    await bookmarks.add_bookmark(actor=actor_of(request), summit=summit, session_id=session_id)
    return redirect(_next(await request.form(), f"/summits/{summit.slug}/programme#session-{session_id}"))


@login_required
async def unbookmark(request: Request) -> Response:
    summit = await summits.get_summit(slug=request.path_params["slug"])
    session_id: int = request.path_params["session_id"]
    await bookmarks.remove_bookmark(actor=actor_of(request), session_id=session_id)
    return redirect(_next(await request.form(), f"/summits/{summit.slug}/programme#session-{session_id}"))


@login_required
async def my_programme(request: Request) -> Response:
    actor = actor_of(request)
    user = actor.require_user()
    settings = settings_of(request)
    listed = await bookmarks.list_bookmarked(user_id=user.id)
    feed = await bookmarks.find_feed(actor=actor)
    feed_url = None
    if feed is not None:
        feed_url = f"{settings.base_url}/programme/feeds/{bookmarks.feed_token(feed, settings.secret())}.ics"
    context: dict[str, Any] = {
        "days": schedule.by_day(listed, i18n.get_timezone()),
        "tz": i18n.get_timezone(),
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
        **_helpers(),
    }
    return render(request, "programme/mine.html", context)


@login_required
async def regenerate_feed(request: Request) -> Response:
    await bookmarks.regenerate_feed(actor=actor_of(request), locale=i18n.get_locale())
    return redirect("/programme/mine?notice=feed-created#feed")


@login_required
async def revoke_feed(request: Request) -> Response:
    await bookmarks.revoke_feed(actor=actor_of(request))
    return redirect("/programme/mine?notice=feed-revoked#feed")


def _calendar(body: bytes, filename: str, cache: str | None = None) -> Response:
    headers = {"content-disposition": f'inline; filename="{filename}"'}
    if cache:
        headers["cache-control"] = cache
    return Response(body, media_type=ical.CONTENT_TYPE, headers=headers)


async def programme_ics(request: Request) -> Response:
    """The whole published programme; ?lang=en|zh picks the language (calendar apps send no cookies)."""
    summit = await summits.get_summit(slug=request.path_params["slug"])
    listed = await sessions.list_published(summit=summit)
    settings = settings_of(request)
    locale = i18n.normalize_locale(request.query_params.get("lang")) or i18n.get_locale()
    with i18n.use_locale(locale):
        body = ical.build_calendar(
            listed,
            summits={summit.id: summit},
            name=localized(summit, "name"),
            uid=f"programme-{summit.slug}",
            base_url=settings.base_url,
        )
    return _calendar(body, f"{summit.slug}.ics", ICS_CACHE)


async def personal_feed(request: Request) -> Response:
    """A person's bookmarks, opened by the secret in the address rather than by a cookie."""
    settings = settings_of(request)
    feed = await bookmarks.open_feed(token=request.path_params["token"], secret=settings.secret())
    if feed is None:
        raise NotFound()
    listed = await bookmarks.list_bookmarked(user_id=feed.user_id)
    locale = i18n.normalize_locale(request.query_params.get("lang")) or bookmarks.feed_locale(feed)
    with i18n.use_locale(locale):
        body = ical.build_calendar(
            listed,
            summits={session.summit_id: session.summit for session in listed},
            name=_("My programme"),
            uid=f"programme-feed-{feed.id}",
            base_url=settings.base_url,
        )
    return _calendar(body, "my-programme.ics")


async def speaker_photo(request: Request) -> Response:
    key = request.path_params["key"]
    if not await speakers.has_photo(key=key):
        raise NotFound()
    path = photos.photo_path(settings_of(request), key)
    if not path.is_file():
        raise NotFound()
    return FileResponse(path, media_type=photos.PHOTO_CONTENT_TYPE, headers={"cache-control": PHOTO_CACHE})


routes: list[BaseRoute] = [
    Route("/summits/{slug}/programme", programme, name="programme:public"),
    Route("/summits/{slug}/programme.ics", programme_ics, name="programme:ics"),
    Route(
        "/summits/{slug}/programme/sessions/{session_id:int}/bookmark",
        bookmark,
        methods=["POST"],
        name="programme:bookmark",
    ),
    Route(
        "/summits/{slug}/programme/sessions/{session_id:int}/bookmark/delete",
        unbookmark,
        methods=["POST"],
        name="programme:unbookmark",
    ),
    Route("/programme/mine", my_programme, name="programme:mine"),
    Route("/programme/mine/feed", regenerate_feed, methods=["POST"], name="programme:feed"),
    Route("/programme/mine/feed/delete", revoke_feed, methods=["POST"], name="programme:revoke-feed"),
    Route("/programme/feeds/{token}.ics", personal_feed, name="programme:personal-feed"),
    Route("/programme/photos/{key}", speaker_photo, name="programme:photo"),
]
