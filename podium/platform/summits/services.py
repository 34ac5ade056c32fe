"""Summits: create, edit, list, and the roles people hold in them."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.notifications.services import notify
from podium.platform.pagination import PAGE_SIZE, Page, paginate_table
from podium.platform.permissions import can_create_summit, can_manage_summit, ensure
from podium.platform.summits.forms import GrantRoleForm, SummitForm
from podium.platform.summits.models import Role, Summit, SummitRole
from podium.platform.users.models import User
from podium.settings import Settings


async def list_summits(*, page: int = 1, size: int = PAGE_SIZE) -> Page[Summit]:
    """Every summit is public: the home page and GET /api/v1/summits list them."""
    return await paginate_table(Summit, order_by="starts_on DESC, id", page=page, size=size)


async def get_summit(*, slug: str) -> Summit:
    summit = await Summit.get_or_none(slug=slug)
    if summit is None:
        raise NotFound()
    return summit


async def get_managed_summit(*, actor: Actor, slug: str) -> Summit:
    """A summit the actor organizes; anyone else is told it does not exist."""
    summit = await Summit.get_or_none(slug=slug)
    if summit is None or not can_manage_summit(actor, summit.id):
        raise NotFound()
    return summit


async def list_managed_summits(*, actor: Actor) -> list[Summit]:
    if actor.is_superuser:
        return await Summit.all().order_by("-starts_on", "id")
    ids = [summit_id for summit_id in actor.roles if can_manage_summit(actor, summit_id)]
    return await Summit.filter(id__in=ids).order_by("-starts_on", "id")


async def create_summit(*, actor: Actor, form: SummitForm) -> Summit:
    ensure(can_create_summit(actor), _("Only administrators can create summits."))
    try:
        async with in_transaction():
            summit = await Summit.create(**form.model_dump())
            await audit.record(
                "summit.created",
                actor_id=actor.user_id,
                object_type="summit",
                object_id=summit.id,
                data={"slug": summit.slug},
            )
    except IntegrityError:
        raise InvalidInput({"slug": [_("Another summit already uses this address. Choose another.")]}) from None
    return summit


async def update_summit(*, actor: Actor, summit: Summit, form: SummitForm) -> Summit:
    ensure(can_manage_summit(actor, summit.id))
    values = form.model_dump()
    changed = sorted(field for field, value in values.items() if getattr(summit, field) != value)
    for field, value in values.items():
        setattr(summit, field, value)
    try:
        async with in_transaction():
            await summit.save()
            if changed:
                await audit.record(
                    "summit.updated",
                    actor_id=actor.user_id,
                    object_type="summit",
                    object_id=summit.id,
                    data={"fields": changed},
                )
    except IntegrityError:
        raise InvalidInput({"slug": [_("Another summit already uses this address. Choose another.")]}) from None
    return summit


async def list_roles(*, actor: Actor, summit: Summit) -> list[SummitRole]:
    ensure(can_manage_summit(actor, summit.id))
    return await SummitRole.filter(summit_id=summit.id).select_related("user").order_by("role", "email")


async def grant_role(*, actor: Actor, summit: Summit, form: GrantRoleForm, settings: Settings) -> SummitRole:
    """Grant a role by e-mail. A verified account gets it now; otherwise it waits for that address to verify."""
    ensure(can_manage_summit(actor, summit.id))
    user = await User.get_or_none(email=form.email, email_verified_at__not_isnull=True)
    try:
        role = await SummitRole.create(
            summit_id=summit.id, email=form.email, role=form.role, user=user, granted_by_id=actor.user_id
        )
    except IntegrityError:
        raise InvalidInput({"email": [_("This person already has this role.")]}) from None
    await audit.record(
        "summit.role_granted",
        actor_id=actor.user_id,
        object_type="summit",
        object_id=summit.id,
        data={"email": form.email, "role": str(form.role)},
    )
    await notify(
        key=f"role-granted:{role.id}",
        recipient=form.email,
        kind="role_granted",
        locale=(user.locale if user and user.locale else "en"),
        context={
            "summit_en": summit.name_en,
            "summit_zh": summit.name_zh,
            "role": str(form.role),
            "url": settings.base_url + {Role.ORGANIZER: "/organize", Role.JUDGE: "/judging"}.get(form.role, "/"),
            "signup_url": settings.base_url + "/signup",
            "has_account": user is not None,
        },
    )
    return role


async def revoke_role(*, actor: Actor, summit: Summit, role_id: int) -> None:
    ensure(can_manage_summit(actor, summit.id))
    role = await SummitRole.get_or_none(id=role_id, summit_id=summit.id)
    if role is None:
        raise NotFound()
    if (
        role.user_id is not None
        and role.user_id == actor.user_id
        and role.role == Role.ORGANIZER
        and not actor.is_superuser
    ):
        raise InvalidInput({"role": [_("You cannot remove your own organizer role. Ask another organizer.")]})
    await role.delete()
    await audit.record(
        "summit.role_revoked",
        actor_id=actor.user_id,
        object_type="summit",
        object_id=summit.id,
        data={"email": role.email, "role": str(role.role)},
    )
