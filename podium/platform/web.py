"""Small request helpers shared by every package's endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from podium.platform.auth import actor_of
from podium.platform.i18n import gettext as _
from podium.settings import Settings

__all__ = ["actor_of", "client_ip", "notice", "page_number", "redirect", "render", "safe_next", "settings_of"]


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def render(request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, context or {}, status_code=status_code
    )
    return response


def redirect(url: str, status_code: int = 303) -> RedirectResponse:
    return RedirectResponse(url, status_code=status_code)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: '/account', never '//evil.example' or 'https://…'."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


# Short codes a redirect may carry in ?notice=, so that no page echoes free text from the address bar.
NOTICES: dict[str, Callable[[], str]] = {
    "signed-out": lambda: _("You have signed out."),
    "verified": lambda: _("Thank you: your e-mail address is verified."),
    "verification-sent": lambda: _("We sent you a new verification link."),
    "password-reset": lambda: _("Your password is changed. Sign in with the new one."),
    "password-changed": lambda: _("Your password is changed. Your other sessions have been signed out."),
    "profile-saved": lambda: _("Your profile is saved."),
    "session-revoked": lambda: _("That session is signed out."),
    "token-revoked": lambda: _("The token is revoked."),
    "account-deleted": lambda: _("Your account and its data are deleted."),
    "summit-saved": lambda: _("The summit is saved."),
    "role-granted": lambda: _("The role is granted and the person has been told by e-mail."),
    "role-revoked": lambda: _("The role is removed."),
}


def notice(request: Request) -> str | None:
    make = NOTICES.get(request.query_params.get("notice", ""))
    return make() if make else None
