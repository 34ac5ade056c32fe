"""Summit pages: the public home and summit pages, and the organizer area."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.platform import i18n
from podium.platform.auth import login_required
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.forms import parse, values_of
from podium.platform.permissions import can_create_summit
from podium.platform.summits import services
from podium.platform.summits.forms import GrantRoleForm, SummitForm
from podium.platform.summits.models import Role
from podium.platform.web import actor_of, page_number, redirect, render, settings_of

SUMMIT_FIELDS = tuple(SummitForm.model_fields)


async def home(request: Request) -> Response:
    page = await services.list_summits(page=page_number(request))
    return render(request, "home.html", {"page": page})


async def summit_detail(request: Request) -> Response:
    summit = await services.get_summit(slug=request.path_params["slug"])
    return render(request, "summits/detail.html", {"summit": summit})


@login_required
async def organize(request: Request) -> Response:
    actor = actor_of(request)
    summits = await services.list_managed_summits(actor=actor)
    if not summits and not can_create_summit(actor):
        raise NotFound()
    return render(request, "summits/organize.html", {"summits": summits, "can_create": can_create_summit(actor)})


def _form_context(values: dict[str, object], errors: dict[str, list[str]], **extra: object) -> dict[str, object]:
    return {"values": values, "errors": errors, "timezones": i18n.timezone_choices(), **extra}


@login_required
async def create_summit(request: Request) -> Response:
    actor = actor_of(request)
    if not can_create_summit(actor):
        raise NotFound()
    if request.method == "GET":
        return render(
            request,
            "summits/form.html",
            _form_context({"timezone": "Asia/Shanghai", "currency": "CNY"}, {}, summit=None),
        )
    data = await request.form()
    try:
        summit = await services.create_summit(actor=actor, form=parse(SummitForm, data))
    except InvalidInput as exc:
        return render(request, "summits/form.html", _form_context(values_of(data), exc.errors, summit=None), 422)
    return redirect(f"/organize/summits/{summit.slug}?notice=summit-saved")


@login_required
async def edit_summit(request: Request) -> Response:
    actor = actor_of(request)
    summit = await services.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    if request.method == "GET":
        values = {field: getattr(summit, field) for field in SUMMIT_FIELDS}
        return render(request, "summits/form.html", _form_context(values, {}, summit=summit))
    data = await request.form()
    try:
        summit = await services.update_summit(actor=actor, summit=summit, form=parse(SummitForm, data))
    except InvalidInput as exc:
        return render(request, "summits/form.html", _form_context(values_of(data), exc.errors, summit=summit), 422)
    return redirect(f"/organize/summits/{summit.slug}?notice=summit-saved")


async def _roles_page(request: Request, summit: object, status_code: int = 200, **extra: object) -> Response:
    actor = actor_of(request)
    roles = await services.list_roles(actor=actor, summit=summit)  # type: ignore[arg-type]
    context = {"summit": summit, "roles": roles, "role_choices": list(Role), "values": {}, "errors": {}, **extra}
    return render(request, "summits/roles.html", context, status_code)


@login_required
async def roles(request: Request) -> Response:
    actor = actor_of(request)
    summit = await services.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    if request.method == "GET":
        return await _roles_page(request, summit)
    data = await request.form()
    try:
        await services.grant_role(
            actor=actor, summit=summit, form=parse(GrantRoleForm, data), settings=settings_of(request)
        )
    except InvalidInput as exc:
        return await _roles_page(request, summit, 422, values=values_of(data), errors=exc.errors)
    return redirect(f"/organize/summits/{summit.slug}/roles?notice=role-granted")


@login_required
async def revoke_role(request: Request) -> Response:
    actor = actor_of(request)
    summit = await services.get_managed_summit(actor=actor, slug=request.path_params["slug"])
    try:
        await services.revoke_role(actor=actor, summit=summit, role_id=request.path_params["role_id"])
    except InvalidInput as exc:
        return await _roles_page(request, summit, 422, errors=exc.errors)
    return redirect(f"/organize/summits/{summit.slug}/roles?notice=role-revoked")


routes = [
    Route("/", home, name="summits:home"),
    Route("/summits/{slug}", summit_detail, name="summits:detail"),
    Route("/organize", organize, name="summits:organize"),
    Route("/organize/summits/new", create_summit, methods=["GET", "POST"], name="summits:create"),
    Route("/organize/summits/{slug}", edit_summit, methods=["GET", "POST"], name="summits:edit"),
    Route("/organize/summits/{slug}/roles", roles, methods=["GET", "POST"], name="summits:roles"),
    Route(
        "/organize/summits/{slug}/roles/{role_id:int}/revoke", revoke_role, methods=["POST"], name="summits:revoke-role"
    ),
]
