"""Domain errors with a status code and a translated message, and the one place that renders them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from podium.platform.i18n import gettext as _

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)

NON_FIELD = "__all__"


class AppError(Exception):
    status_code = 400

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message()
        super().__init__(self.message)

    def default_message(self) -> str:
        return _("The request could not be completed.")

    @property
    def errors(self) -> dict[str, list[str]]:
        return {NON_FIELD: [self.message]}


class NotFound(AppError):
    status_code = 404

    def default_message(self) -> str:
        return _("This page does not exist, or you do not have access to it.")


class PermissionDenied(AppError):
    status_code = 403

    def default_message(self) -> str:
        return _("You are not allowed to do this.")


class Unauthorized(AppError):
    status_code = 401

    def default_message(self) -> str:
        return _("Sign in to continue.")


class Conflict(AppError):
    status_code = 409


class TooManyRequests(AppError):
    status_code = 429

    def __init__(self, message: str | None = None, retry_after: int = 60) -> None:
        self.retry_after = retry_after
        super().__init__(message)

    def default_message(self) -> str:
        return _("Too many attempts. Please wait a few minutes and try again.")


class InvalidInput(AppError):
    """Bad input, with messages per field: {"email": ["Enter a valid e-mail address."]}."""

    status_code = 422

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.field_errors = {field: list(messages) for field, messages in errors.items()}
        first = next(iter(self.field_errors.values()), [""])
        super().__init__(first[0] if first else None)

    @property
    def errors(self) -> dict[str, list[str]]:
        return self.field_errors


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def json_error(status_code: int, errors: dict[str, list[str]], headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"errors": errors}, status_code=status_code, headers=headers)


def _http_message(status_code: int) -> str:
    messages = {
        400: _("The request could not be understood. Check what you entered and try again."),
        401: _("Sign in to continue."),
        403: _("You are not allowed to do this."),
        404: _("This page does not exist, or you do not have access to it."),
        405: _("This address does not accept that kind of request."),
        413: _("What you sent is too large."),
        415: _("This kind of content is not accepted here."),
        429: _("Too many attempts. Please wait a few minutes and try again."),
    }
    return messages.get(status_code, _("The request could not be completed."))


def render_error(request: Request, status_code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        return json_error(status_code, {NON_FIELD: [message]}, headers)
    templates = getattr(request.app.state, "templates", None)
    if templates is None:  # before the lifespan set templates up
        return PlainTextResponse(message, status_code=status_code, headers=headers)
    response: Response = templates.TemplateResponse(
        request,
        "error.html",
        {"status_code": status_code, "message": message},
        status_code=status_code,
        headers=headers,
    )
    return response


async def app_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    if wants_json(request):
        return json_error(exc.status_code, exc.errors, headers)
    return render_error(request, exc.status_code, exc.message, headers)


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=exc.headers)
    return render_error(request, exc.status_code, _http_message(exc.status_code), dict(exc.headers or {}))


async def server_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    message = _("Something went wrong on our side. It has been logged; please try again.")
    try:
        return render_error(request, 500, message)
    except Exception:  # the error page itself failed; answer in plain text rather than not at all
        log.exception("error page failed")
        return PlainTextResponse(message, status_code=500)


EXCEPTION_HANDLERS = {
    AppError: app_error_handler,
    HTTPException: http_exception_handler,
    Exception: server_error_handler,
}
