"""The request pipeline: request id, who is asking, locale and time zone, CSRF, security headers, access log."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.platform import i18n
from podium.platform.auth import ANONYMOUS, SESSION_COOKIE, Actor, actor_from_session, actor_from_token
from podium.platform.errors import NON_FIELD, json_error, render_error
from podium.platform.logs import request_id_var
from podium.settings import Settings

access_log = logging.getLogger("podium.access")

CSRF_COOKIE = "podium_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LANG_COOKIE = "podium_lang"
TZ_COOKIE = "podium_tz"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Forms and JSON bodies are read whole for the CSRF check; anything larger is refused (uploads go elsewhere).
BUFFERED_BODY_MAX = 1 << 20
TOO_LARGE = "too large"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def csrf_token_for(secret: str, cookie_value: str, session_key: str) -> str:
    """The form token: bound to the browser's CSRF cookie and, once signed in, to its session."""
    mac = hmac.new(secret.encode(), f"{cookie_value}|{session_key}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


class PodiumMiddleware:
    """One pure-ASGI pass per request; cheaper than a stack of BaseHTTPMiddleware layers."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        csrf_exempt: Iterable[str] = (),
        upload_paths: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.settings = settings
        self.secret = settings.secret()
        self.csrf_exempt = tuple(csrf_exempt)
        # Multipart posts to these paths (regular expressions) are not buffered here: their handler parses the
        # upload with its own limits and then checks the token (forms.verified_form).
        self.upload_paths = tuple(re.compile(pattern) for pattern in upload_paths)
        self.secure = settings.secure_cookies
        # Encoded once: every response gets these unless the endpoint set its own.
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if self.secure:
            common.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        self.static_headers = tuple(common)
        self.page_headers = (*common, (b"cache-control", b"no-store"), (b"vary", b"Cookie, Accept-Language"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = Headers(scope=scope)
        incoming_id = headers.get("x-request-id", "")
        request_id = incoming_id if _REQUEST_ID.match(incoming_id) else uuid.uuid4().hex
        request_id_var.set(request_id)
        path: str = scope["path"]
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        is_static = path.startswith("/static/")
        if "\x00" in path or "\x00" in scope.get("query_string", b"").decode("latin-1").replace("%00", "\x00"):
            # NUL cannot reach PostgreSQL; no real link contains one.
            await self._reply(scope, receive, send, 400, {NON_FIELD: [i18n.gettext("This address is not valid.")]})
            return

        cookies = _cookies(headers)
        session_key = cookies.get(SESSION_COOKIE, "")
        actor: Actor = ANONYMOUS
        bearer = False
        auth_header = headers.get("authorization", "")
        if not is_static:
            if auth_header.lower().startswith("bearer "):
                bearer = True
                token_actor = await actor_from_token(auth_header[7:].strip())
                if token_actor is None:
                    await self._reply(scope, receive, send, 401, {"authorization": ["Invalid or revoked token."]})
                    return
                actor = token_actor
            elif session_key:
                actor = await actor_from_session(session_key, self.settings)
        state["actor"] = actor

        query = QueryParams(scope.get("query_string", b""))
        set_cookies: list[str] = []
        locale, tz = self._negotiate(actor, query, cookies, headers, set_cookies)
        i18n.set_request_locale(locale, tz)
        state["locale"], state["tz"] = locale, tz

        csrf_cookie = cookies.get(CSRF_COOKIE, "")
        if not csrf_cookie or len(csrf_cookie) > 64:
            csrf_cookie = secrets.token_urlsafe(32)
            set_cookies.append(self._cookie(CSRF_COOKIE, csrf_cookie, max_age=365 * 86400))
        live_session = session_key if actor.session_id is not None else ""
        state["csrf_token"] = csrf_token_for(self.secret, csrf_cookie, live_session)
        if live_session == "" and session_key and not is_static:
            # A stale or revoked session cookie: forget it so the browser stops sending it.
            set_cookies.append(self._cookie(SESSION_COOKIE, "", max_age=0))
        elif actor.session_extended:
            set_cookies.append(self._cookie(SESSION_COOKIE, session_key, max_age=self.settings.session_days * 86400))

        deferred = False
        # Only a browser's session cookie is sent without the caller choosing to: a bearer token is not, and an API
        # request without a live session acts for nobody (its endpoint answers 401), so neither needs the token.
        ambient = not bearer and (actor.is_authenticated or not path.startswith("/api/"))
        if scope["method"] not in SAFE_METHODS and ambient and not path.startswith(self.csrf_exempt):
            refusal = self._check_origin(headers)
            deferred = refusal is None and self._is_upload(path, headers)
            body: bytes | None = None
            if refusal is None and not deferred:
                body, refusal = await self._check_csrf_token(scope, receive, headers, state["csrf_token"])
            if refusal == TOO_LARGE:
                await self._reply(scope, receive, send, 413, {NON_FIELD: [i18n.gettext("What you sent is too large.")]})
                return
            if refusal is not None:
                await self._reply(scope, receive, send, 403, {NON_FIELD: [refusal]})
                return
            if not deferred:
                receive = _replay(body or b"", receive)
            state["csrf_deferred"] = deferred

        status_holder: list[int] = []

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder.append(message["status"])
                out = MutableHeaders(scope=message)
                self._security_headers(out, is_static)
                out["x-request-id"] = request_id
                for cookie in set_cookies:
                    out.append("set-cookie", cookie)
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
            if deferred and not state.get("csrf_verified") and status_holder and status_holder[0] < 400:
                access_log.error("upload handler for %s answered without checking the CSRF token", path)
        finally:
            final_actor = state.get("actor", actor)
            access_log.info(
                "%s %s %s %.1fms",
                scope["method"],
                path,
                status_holder[0] if status_holder else 500,
                (time.perf_counter() - started) * 1000,
                extra={"user_id": getattr(final_actor, "user_id", None)},
            )

    def _negotiate(
        self, actor: Actor, query: QueryParams, cookies: dict[str, str], headers: Headers, set_cookies: list[str]
    ) -> tuple[str, str]:
        user = actor.user
        asked = i18n.normalize_locale(query.get("lang"))
        if asked and asked != cookies.get(LANG_COOKIE):
            set_cookies.append(self._cookie(LANG_COOKIE, asked, max_age=365 * 86400))
        locale = (
            (i18n.normalize_locale(user.locale) if user is not None else None)
            or asked
            or i18n.normalize_locale(cookies.get(LANG_COOKIE))
            or i18n.negotiate_locale(headers.get("accept-language"))
            or i18n.DEFAULT_LOCALE
        )
        if user is not None and i18n.is_timezone(user.timezone):
            tz = user.timezone
        else:
            browser_tz = cookies.get(TZ_COOKIE, "")
            tz = browser_tz if i18n.is_timezone(browser_tz) else "UTC"
        return locale, tz

    def _check_origin(self, headers: Headers) -> str | None:
        origin = headers.get("origin")
        if not origin or origin == "null":
            return None if origin is None else i18n.gettext("This form was sent from another site.")
        host = headers.get("host", "")
        origin_host = urlsplit(origin).netloc
        allowed = {host, urlsplit(self.settings.base_url).netloc}
        if origin_host not in allowed:
            return i18n.gettext("This form was sent from another site.")
        return None

    async def _check_csrf_token(
        self, scope: Scope, receive: Receive, headers: Headers, expected: str
    ) -> tuple[bytes, str | None]:
        """Read the body once (the app gets a replay of it) and look for the form's token."""
        chunks = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > BUFFERED_BODY_MAX:
                return b"", TOO_LARGE
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = headers.get(CSRF_HEADER)
        if not sent:
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type == "application/x-www-form-urlencoded":
                sent = (parse_qs(body.decode("latin-1"), max_num_fields=1000).get(CSRF_FIELD) or [""])[0]
            elif content_type == "multipart/form-data":
                sent = await _multipart_field(scope, body, CSRF_FIELD)
        if sent and hmac.compare_digest(str(sent), expected):
            return body, None
        return body, i18n.gettext("This form has expired or was not sent from Podium. Reload the page and try again.")

    def _is_upload(self, path: str, headers: Headers) -> bool:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        return content_type == "multipart/form-data" and any(p.fullmatch(path) for p in self.upload_paths)

    def _security_headers(self, out: MutableHeaders, is_static: bool) -> None:
        raw = out.raw
        present = {name for name, _value in raw}
        extra = self.page_headers if not is_static else self.static_headers
        raw.extend(header for header in extra if header[0] not in present)

    def _cookie(self, name: str, value: str, *, max_age: int, http_only: bool = True) -> str:
        parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "SameSite=Lax"]
        if http_only:
            parts.append("HttpOnly")
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)

    async def _reply(
        self, scope: Scope, receive: Receive, send: Send, status: int, errors: dict[str, list[str]]
    ) -> None:
        request = Request(scope, receive)
        if scope["path"].startswith("/api/"):
            response = json_error(status, errors)
        else:
            response = render_error(request, status, next(iter(errors.values()))[0])
        self._security_headers(response.headers, False)
        await response(scope, receive, send)


def _cookies(headers: Headers) -> dict[str, str]:
    raw = headers.get("cookie")
    return cookie_parser(raw) if raw else {}


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _multipart_field(scope: Scope, body: bytes, name: str) -> str:
    request = Request(scope, _replay(body, _never))
    try:
        async with request.form(max_files=1000, max_fields=1000) as form:
            value = form.get(name)
            return value if isinstance(value, str) else ""
    except Exception:  # malformed multipart: no token could be found, so the request is refused
        return ""


async def _never() -> Message:
    return {"type": "http.disconnect"}
