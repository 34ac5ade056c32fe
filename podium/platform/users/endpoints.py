"""Account pages: sign-up, verification, sign-in/out, password reset, profile, sessions, tokens, export, delete."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.platform import i18n
from podium.platform.auth import SESSION_COOKIE, end_session, login_required
from podium.platform.errors import InvalidInput
from podium.platform.forms import parse, values_of
from podium.platform.middleware import LANG_COOKIE
from podium.platform.users import services
from podium.platform.users.forms import (
    ChangePasswordForm,
    ConfirmPasswordForm,
    EmailForm,
    NewPasswordForm,
    ProfileForm,
    SignInForm,
    SignUpForm,
    TokenForm,
    profile_values,
)
from podium.platform.web import actor_of, client_ip, redirect, render, safe_next, settings_of


def _set_session_cookie(request: Request, response: Response, key: str) -> None:
    settings = settings_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        key,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


async def signup(request: Request) -> Response:
    if actor_of(request).is_authenticated:
        return redirect("/")
    if request.method == "GET":
        return render(request, "users/signup.html", {"values": {}, "errors": {}})
    data = await request.form()
    try:
        form = parse(SignUpForm, data)
        await services.sign_up(settings=settings_of(request), form=form, locale=i18n.get_locale())
    except InvalidInput as exc:
        values = {k: v for k, v in values_of(data).items() if k != "password"}
        return render(request, "users/signup.html", {"values": values, "errors": exc.errors}, 422)
    return render(request, "users/check_email.html", {"email": form.email})


async def verify(request: Request) -> Response:
    user = await services.verify_email(settings=settings_of(request), token=request.path_params["token"])
    if user is None:
        return render(request, "users/link_invalid.html", {}, 400)
    target = "/" if actor_of(request).user_id == user.id else "/signin"
    return redirect(f"{target}?notice=verified")


@login_required
async def resend_verification(request: Request) -> Response:
    user = actor_of(request).require_user()
    if not user.is_verified:
        await services.send_verification(settings=settings_of(request), user=user)
    return redirect("/account?notice=verification-sent")


async def signin(request: Request) -> Response:
    if request.method == "GET":
        next_url = safe_next(request.query_params.get("next"), "")
        return render(request, "users/signin.html", {"values": {"next": next_url}, "errors": {}})
    data = await request.form()
    try:
        form = parse(SignInForm, data)
        _user, key = await services.sign_in(
            settings=settings_of(request),
            email=form.email,
            password=form.password,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except InvalidInput as exc:
        values = {k: v for k, v in values_of(data).items() if k != "password"}
        return render(request, "users/signin.html", {"values": values, "errors": exc.errors}, 422)
    response = redirect(safe_next(form.next))
    _set_session_cookie(request, response, key)
    return response


async def signout(request: Request) -> Response:
    await end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/?notice=signed-out")
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response


async def forgot_password(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "users/forgot.html", {"values": {}, "errors": {}})
    data = await request.form()
    try:
        form = parse(EmailForm, data)
    except InvalidInput as exc:
        return render(request, "users/forgot.html", {"values": values_of(data), "errors": exc.errors}, 422)
    await services.request_password_reset(email=form.email, locale=i18n.get_locale())
    return render(request, "users/check_email.html", {"email": form.email, "reset": True})


async def reset_password(request: Request) -> Response:
    settings, token = settings_of(request), request.path_params["token"]
    if await services.user_for_reset(settings=settings, token=token) is None:
        return render(request, "users/link_invalid.html", {"reset": True}, 400)
    if request.method == "GET":
        return render(request, "users/reset.html", {"errors": {}})
    try:
        form = parse(NewPasswordForm, await request.form())
    except InvalidInput as exc:
        return render(request, "users/reset.html", {"errors": exc.errors}, 422)
    if await services.reset_password(settings=settings, token=token, form=form) is None:
        return render(request, "users/link_invalid.html", {"reset": True}, 400)
    response = redirect("/signin?notice=password-reset")
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response


async def _account_page(request: Request, status_code: int = 200, **extra: object) -> Response:
    actor = actor_of(request)
    context = {
        "values": profile_values(actor.user),
        "errors": {},
        "password_errors": {},
        "token_errors": {},
        "delete_errors": {},
        "sessions": await services.list_sessions(actor=actor),
        "tokens": await services.list_api_tokens(actor=actor),
        "new_token": None,
        "timezones": i18n.timezone_choices(),
        "countries": i18n.country_choices(),
        **extra,
    }
    return render(request, "users/account.html", context, status_code)


@login_required
async def account(request: Request) -> Response:
    if request.method == "GET":
        return await _account_page(request)
    data = await request.form()
    try:
        await services.update_profile(actor=actor_of(request), form=parse(ProfileForm, data))
    except InvalidInput as exc:
        return await _account_page(request, 422, values=values_of(data), errors=exc.errors)
    return redirect("/account?notice=profile-saved")


@login_required
async def change_password(request: Request) -> Response:
    try:
        form = parse(ChangePasswordForm, await request.form())
        await services.change_password(actor=actor_of(request), form=form)
    except InvalidInput as exc:
        return await _account_page(request, 422, password_errors=exc.errors)
    return redirect("/account?notice=password-changed")


@login_required
async def revoke_session(request: Request) -> Response:
    await services.revoke_session(actor=actor_of(request), session_id=request.path_params["session_id"])
    return redirect("/account?notice=session-revoked#sessions")


@login_required
async def mint_token(request: Request) -> Response:
    try:
        form = parse(TokenForm, await request.form())
    except InvalidInput as exc:
        return await _account_page(request, 422, token_errors=exc.errors)
    secret = await services.mint_api_token(actor=actor_of(request), name=form.name)
    return await _account_page(request, new_token=secret)


@login_required
async def revoke_token(request: Request) -> Response:
    await services.revoke_api_token(actor=actor_of(request), token_id=request.path_params["token_id"])
    return redirect("/account?notice=token-revoked#tokens")


@login_required
async def export(request: Request) -> Response:
    data = await services.export_data(actor=actor_of(request))
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="podium-my-data.json"'},
    )


@login_required
async def delete_account(request: Request) -> Response:
    try:
        form = parse(ConfirmPasswordForm, await request.form())
        await services.delete_account(actor=actor_of(request), password=form.password)
    except InvalidInput as exc:
        return await _account_page(request, 422, delete_errors=exc.errors)
    response = redirect("/?notice=account-deleted")
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response


async def switch_language(request: Request) -> Response:
    """The language switcher: remembered in a cookie, and in the profile when signed in."""
    data = await request.form()
    locale = i18n.normalize_locale(str(data.get("lang", ""))) or i18n.DEFAULT_LOCALE
    actor = actor_of(request)
    if actor.is_authenticated:
        await services.set_language(actor=actor, locale=locale)
    response = redirect(safe_next(str(data.get("next", ""))))
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=365 * 86400,
        httponly=True,
        samesite="lax",
        secure=settings_of(request).secure_cookies,
    )
    return response


routes = [
    Route("/signup", signup, methods=["GET", "POST"], name="users:signup"),
    Route("/verify/{token}", verify, name="users:verify"),
    Route("/verify", resend_verification, methods=["POST"], name="users:resend-verification"),
    Route("/signin", signin, methods=["GET", "POST"], name="users:signin"),
    Route("/signout", signout, methods=["POST"], name="users:signout"),
    Route("/password/forgot", forgot_password, methods=["GET", "POST"], name="users:forgot-password"),
    Route("/password/reset/{token}", reset_password, methods=["GET", "POST"], name="users:reset-password"),
    Route("/account", account, methods=["GET", "POST"], name="users:account"),
    Route("/account/password", change_password, methods=["POST"], name="users:change-password"),
    Route("/account/sessions/{session_id:int}/revoke", revoke_session, methods=["POST"], name="users:revoke-session"),
    Route("/account/tokens", mint_token, methods=["POST"], name="users:mint-token"),
    Route("/account/tokens/{token_id:int}/revoke", revoke_token, methods=["POST"], name="users:revoke-token"),
    Route("/account/export", export, name="users:export"),
    Route("/account/delete", delete_account, methods=["POST"], name="users:delete"),
    Route("/lang", switch_language, methods=["POST"], name="users:language"),
]
