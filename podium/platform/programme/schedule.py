"""Time zones and the shape of a programme on a page: days in a given zone, rooms within a day, labels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import dates

from podium.platform import i18n
from podium.platform.i18n import gettext as _
from podium.platform.programme.models import Room, Session, SessionKind, Speaker


def to_utc(local: datetime, timezone: str) -> datetime:
    """A wall-clock time in the summit's zone, as UTC."""
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def to_local_input(value: datetime | None, timezone: str) -> str:
    """A stored UTC time as the summit's wall-clock time, in the form <input type="datetime-local"> takes."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def local_day(value: datetime, timezone: str) -> date:
    return value.astimezone(i18n.zone(timezone)).date()


def clock(value: datetime, timezone: str) -> str:
    """A time of day in the zone and the viewer's locale: 9:30 AM, 09:30."""
    locale = i18n.babel_locale(i18n.get_locale())
    return dates.format_time(value, format="short", tzinfo=i18n.zone(timezone), locale=locale)


def time_range(session: Session, timezone: str) -> str:
    """Start and end in the zone: "9:30 – 11:00 AM"; the day is added to the end when it differs."""
    zone = i18n.zone(timezone)
    locale = i18n.babel_locale(i18n.get_locale())
    if local_day(session.starts_at, timezone) == local_day(session.ends_at, timezone):
        # The locale's own clock: 12-hour with AM/PM in English, 24-hour in Chinese.
        skeleton = "hm" if "h" in locale.time_formats["short"].pattern else "Hm"
        return dates.format_interval(session.starts_at, session.ends_at, skeleton=skeleton, tzinfo=zone, locale=locale)
    end = dates.format_datetime(session.ends_at, format="short", tzinfo=zone, locale=locale)
    return f"{clock(session.starts_at, timezone)} – {end}"


def day_label(day: date) -> str:
    return i18n.format_date(day, "full")


def kind_labels() -> dict[str, str]:
    return {
        SessionKind.KEYNOTE.value: _("Keynote"),
        SessionKind.FORUM.value: _("Forum"),
        SessionKind.COMPETITION.value: _("Competition"),
        SessionKind.CEREMONY.value: _("Ceremony"),
        SessionKind.SIDE_EVENT.value: _("Side event"),
        SessionKind.OTHER.value: _("Other"),
    }


def kind_label(kind: SessionKind | str) -> str:
    return kind_labels().get(str(kind), str(kind))


def speaker_name(speaker: Speaker) -> str:
    """The name in the viewer's script first: the local-script name for Chinese readers when there is one."""
    if i18n.get_locale() == "zh_Hans":
        return speaker.name_local or speaker.name
    return speaker.name or speaker.name_local


def speaker_other_name(speaker: Speaker) -> str:
    """The speaker's name in the other script, if it differs from speaker_name."""
    shown = speaker_name(speaker)
    other = speaker.name if shown == speaker.name_local else speaker.name_local
    return other if other and other != shown else ""


def speakers_of(session: Session) -> list[Speaker]:
    """The speakers of a session loaded with its speaker_links (see queries.with_details)."""
    return [link.speaker for link in session.speaker_links]


@dataclass
class RoomSlot:
    room: Room | None
    sessions: list[Session] = field(default_factory=list)


@dataclass
class Day:
    day: date
    sessions: list[Session] = field(default_factory=list)

    @property
    def label(self) -> str:
        return day_label(self.day)

    @property
    def rooms(self) -> list[RoomSlot]:
        """The day's sessions by room, rooms in their set order, sessions without a room last."""
        slots: dict[int | None, RoomSlot] = {}
        for session in self.sessions:
            slots.setdefault(session.room_id, RoomSlot(room=session.room if session.room_id else None))
            slots[session.room_id].sessions.append(session)

        def order(slot: RoomSlot) -> tuple[int, int, int]:
            return (1, 0, 0) if slot.room is None else (0, slot.room.position, slot.room.id)

        return sorted(slots.values(), key=order)


def by_day(sessions: Iterable[Session], timezone: str) -> list[Day]:
    """Sessions grouped by the day they start on in the zone, in time order."""
    days: dict[date, Day] = {}
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.ends_at, s.id)):
        day = local_day(session.starts_at, timezone)
        days.setdefault(day, Day(day=day)).sessions.append(session)
    return [days[day] for day in sorted(days)]
