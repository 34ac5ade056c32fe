"""iCalendar (RFC 5545) feeds of programme sessions, built with the icalendar library.

Times are written in UTC, so calendar apps place them right in any zone without VTIMEZONE blocks. Texts are
in the active locale: wrap the call in i18n.use_locale for a feed read by someone else."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from podium.platform.i18n import gettext as _
from podium.platform.i18n import localized, utcnow
from podium.platform.programme.models import Session
from podium.platform.programme.schedule import kind_label, speaker_name, speakers_of
from podium.platform.summits.models import Summit

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Calendar apps that honour it poll this often.
REFRESH = timedelta(hours=1)


def session_uid(session: Session, base_url: str) -> str:
    """Stable across feeds (public and personal), so a calendar subscribed to both does not show it twice."""
    return f"programme-session-{session.id}@{urlsplit(base_url).hostname or 'podium'}"


def _description(session: Session) -> str:
    parts = [localized(session, "description")]
    names = []
    for speaker in speakers_of(session):
        organisation = localized(speaker, "organisation")
        names.append(f"{speaker_name(speaker)} ({organisation})" if organisation else speaker_name(speaker))
    if names:
        parts.append(_("Speakers: %(names)s", names=", ".join(names)))
    if session.needs_registration:
        parts.append(_("This event needs its own registration: places are limited."))
    return "\n\n".join(part for part in parts if part)


def _location(session: Session, summit: Summit) -> str:
    room = localized(session.room, "name") if session.room_id and session.room else ""
    return ", ".join(part for part in (room, localized(summit, "venue")) if part)


def build_calendar(
    sessions: Iterable[Session],
    *,
    summits: Mapping[int, Summit],
    name: str,
    uid: str,
    base_url: str,
    now: datetime | None = None,
) -> bytes:
    """One VEVENT per session. Sessions need their room and speakers loaded (queries.with_details);
    summits maps each session's summit_id to its summit (for the venue and the link)."""
    stamp = (now or utcnow()).astimezone(UTC)
    calendar = Calendar.new(
        prodid="-//Podium//Programme//EN",
        uid=f"{uid}@{urlsplit(base_url).hostname or 'podium'}",
        name=name,
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", "PT1H")
    for session in sessions:
        summit = summits[session.summit_id]
        event = Event.new(
            uid=session_uid(session, base_url),
            stamp=stamp,
            start=session.starts_at.astimezone(UTC),
            end=session.ends_at.astimezone(UTC),
            summary=localized(session, "title"),
            description=_description(session) or None,
            location=_location(session, summit) or None,
            url=f"{base_url}/summits/{summit.slug}/programme#session-{session.id}",
            categories=[kind_label(session.kind)],
            last_modified=session.updated_at.astimezone(UTC),
        )
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body
