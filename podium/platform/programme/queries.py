"""Programme reads in a fixed number of queries: a session list with rooms and speakers costs three."""

from __future__ import annotations

from tortoise.query_utils import Prefetch
from tortoise.queryset import QuerySet

from podium.platform.programme.models import Session, SessionSpeaker

# Row ids are 32-bit: a larger number typed into an address names nothing (and PostgreSQL would refuse it).
MAX_ID = 2**31 - 1


def is_row_id(value: int) -> bool:
    return 0 < value <= MAX_ID


def with_details(qs: QuerySet[Session]) -> QuerySet[Session]:
    """Room by JOIN, speakers (in their listed order) in one more query."""
    return qs.select_related("room").prefetch_related(
        Prefetch("speaker_links", queryset=SessionSpeaker.all().select_related("speaker").order_by("position", "id"))
    )


def published_of(summit_id: int) -> QuerySet[Session]:
    """What the public sees of a summit's programme."""
    return Session.filter(summit_id=summit_id, published=True)
