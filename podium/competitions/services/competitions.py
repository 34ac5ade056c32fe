"""Set up competitions, their tracks and divisions."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from podium.competitions.forms import CompetitionForm, DivisionForm, TrackForm
from podium.competitions.models import Competition, Division, Track
from podium.competitions.permissions import can_manage_competition
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.permissions import can_manage_summit, ensure
from podium.platform.summits.models import Summit


def _slug_taken() -> InvalidInput:
    return InvalidInput({"slug": [_("Another competition of this summit already uses this address.")]})


async def list_competitions(*, summit: Summit) -> list[Competition]:
    """Every competition of a summit is public, like the summit itself."""
    return await Competition.filter(summit_id=summit.id).order_by("id")


async def get_competition(*, summit: Summit, slug: str) -> Competition:
    competition = await Competition.get_or_none(summit_id=summit.id, slug=slug)
    if competition is None:
        raise NotFound()
    return competition


async def get_competition_by_id(*, competition_id: int) -> Competition:
    competition = await Competition.get_or_none(id=competition_id).select_related("summit")
    if competition is None:
        raise NotFound()
    return competition


async def get_managed_competition(*, actor: Actor, competition_id: int) -> Competition:
    """A competition the actor organizes, with its summit; anyone else is told it does not exist."""
    competition = await Competition.get_or_none(id=competition_id).select_related("summit")
    if competition is None or not can_manage_competition(actor, competition):
        raise NotFound()
    return competition


async def with_setup(competition: Competition) -> Competition:
    """Load tracks, divisions and rounds: three queries, however many there are."""
    await Competition.fetch_for_list([competition], "tracks", "divisions", "rounds", "rules")
    return competition


async def create_competition(*, actor: Actor, summit: Summit, form: CompetitionForm) -> Competition:
    ensure(can_manage_summit(actor, summit.id))
    try:
        async with in_transaction():
            competition = await Competition.create(summit_id=summit.id, **form.model_dump())
            await audit.record(
                "competition.created",
                actor_id=actor.user_id,
                object_type="competition",
                object_id=competition.id,
                data={"summit": summit.slug, "slug": competition.slug},
            )
    except IntegrityError:
        raise _slug_taken() from None
    competition.summit = summit
    return competition


async def update_competition(*, actor: Actor, competition: Competition, form: CompetitionForm) -> Competition:
    ensure(can_manage_competition(actor, competition))
    values = form.model_dump()
    changed = sorted(field for field, value in values.items() if getattr(competition, field) != value)
    for field, value in values.items():
        setattr(competition, field, value)
    try:
        async with in_transaction():
            await competition.save(update_fields=[*values, "updated_at"])
            if changed:
                await audit.record(
                    "competition.updated",
                    actor_id=actor.user_id,
                    object_type="competition",
                    object_id=competition.id,
                    data={"fields": changed},
                )
    except IntegrityError:
        raise _slug_taken() from None
    return competition


# Tracks and divisions are set up the same way: "parts" of a competition, each with a kind name for the audit log.
PARTS: dict[str, type[Track] | type[Division]] = {"track": Track, "division": Division}


async def get_part(*, competition: Competition, kind: str, part_id: int) -> Track | Division:
    """A track or division of this competition (one of another competition is not found)."""
    part = await PARTS[kind].get_or_none(id=part_id, competition_id=competition.id)
    if part is None:
        raise NotFound()
    return part


async def add_part(
    *, actor: Actor, competition: Competition, kind: str, form: TrackForm | DivisionForm
) -> Track | Division:
    ensure(can_manage_competition(actor, competition))
    part = await PARTS[kind].create(competition_id=competition.id, **form.model_dump())
    await audit.record(
        f"competition.{kind}_added",
        actor_id=actor.user_id,
        object_type="competition",
        object_id=competition.id,
        data={kind: part.id, "name": part.name_en or part.name_zh},
    )
    return part


async def update_part(
    *, actor: Actor, competition: Competition, kind: str, part: Track | Division, form: TrackForm | DivisionForm
) -> Track | Division:
    """Change a part found with get_part."""
    ensure(can_manage_competition(actor, competition))
    await part.update_from_dict(form.model_dump()).save()
    await audit.record(
        f"competition.{kind}_changed",
        actor_id=actor.user_id,
        object_type="competition",
        object_id=competition.id,
        data={kind: part.id},
    )
    return part


async def remove_part(*, actor: Actor, competition: Competition, kind: str, part_id: int) -> None:
    ensure(can_manage_competition(actor, competition))
    if not await PARTS[kind].filter(id=part_id, competition_id=competition.id).delete():
        raise NotFound()
    await audit.record(
        f"competition.{kind}_removed",
        actor_id=actor.user_id,
        object_type="competition",
        object_id=competition.id,
        data={kind: part_id},
    )


async def list_competitions_for_api(*, summit: Summit) -> list[Competition]:
    competitions = await list_competitions(summit=summit)
    if competitions:
        await Competition.fetch_for_list(competitions, "tracks", "divisions", "rounds")
    return competitions
