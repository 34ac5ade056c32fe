"""A development fake of the few Stripe endpoints Podium uses, for the demo and the tests. Never used with a key.

podium.asgi mounts it under /_fake-stripe only when STRIPE_API_KEY is unset. It answers the official SDK
(Checkout Sessions: create, retrieve, expire, and refunds) with Stripe's shapes, honours Idempotency-Key, and
delivers webhooks signed with the SDK's own helper. Its pay page is clearly a test payment: no money moves."""

from __future__ import annotations

import html
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import stripe
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from podium.platform.i18n import format_money, get_locale
from podium.platform.i18n import gettext as _

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/payments/stripe/webhook"
_KEY_PART = re.compile(r"([^\[\]]+)|\[([^\]]*)\]")


def unflatten(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (line_items[0][price_data][unit_amount]=4900) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = [a or b for a, b in _KEY_PART.findall(key)]
        node: Any = root
        for here in parts[:-1]:
            child = node.get(here) if isinstance(node, dict) else None
            if child is None:
                child = {}
                node[here] = child
            node = child
        node[parts[-1]] = value
    result: dict[str, Any] = _lists(root)
    return result


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {key: _lists(value) for key, value in node.items()}
        if converted and all(key.isdigit() for key in converted):
            return [converted[key] for key in sorted(converted, key=int)]
        return converted
    return node


def _path(request: Request) -> str:
    """The API path without the mount point (/v1/refunds, not /_fake-stripe/v1/refunds)."""
    return request.url.path.removeprefix(str(request.scope.get("root_path", "")))


def _error(status: int, message: str, code: str = "") -> JSONResponse:
    kind = "invalid_request_error" if status != 401 else "authentication_error"
    return JSONResponse({"error": {"type": kind, "message": message, "code": code}}, status_code=status)


class FakeStripe:
    """The fake's state lives in memory: it is for one development process or one test session."""

    def __init__(self, *, webhook_secret: str, public_base: str) -> None:
        self.webhook_secret = webhook_secret
        self.public_base = public_base.rstrip("/")
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, str]] = []  # (method, path, idempotency key) as received
        self.delivered: list[dict[str, Any]] = []
        self.auto_deliver = True  # tests switch it off to deliver (or withhold) events themselves
        self.fail_next: list[int] = []  # HTTP statuses to answer the next API calls with
        self._idempotent: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        self._webhook_transport: httpx.AsyncBaseTransport | None = None
        self._webhook_url = ""
        self.app = Starlette(
            routes=[
                Route("/v1/checkout/sessions", self._create_session, methods=["POST"]),
                Route("/v1/checkout/sessions/{id}", self._get_session, methods=["GET"]),
                Route("/v1/checkout/sessions/{id}/expire", self._expire_session, methods=["POST"]),
                Route("/v1/refunds", self._create_refund, methods=["POST"]),
                Route("/pay/{id}", self._pay_page, methods=["GET", "POST"]),
            ]
        )

    def reset(self) -> None:
        """Forget every session, refund, request and idempotency key (between tests)."""
        for kept in (self.sessions, self.refunds, self._idempotent):
            kept.clear()
        self.requests.clear()
        self.delivered.clear()
        self.fail_next.clear()
        self.auto_deliver = True

    def deliver_to(self, app: Callable[..., Any], base_url: str) -> None:
        """Post webhooks to this ASGI app (in process), as Stripe would to base_url + /payments/stripe/webhook."""
        self._webhook_transport = httpx.ASGITransport(app=app)
        self._webhook_url = base_url.rstrip("/") + WEBHOOK_PATH

    # ---- the API -------------------------------------------------------------------------------

    async def _api(self, request: Request) -> tuple[dict[str, Any], JSONResponse | None]:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer sk_test_"):
            return {}, _error(401, "Invalid API Key provided.")
        key = request.headers.get("idempotency-key", "")
        self.requests.append((request.method, _path(request), key))
        if self.fail_next:
            return {}, _error(self.fail_next.pop(0), "The fake was told to fail this request.")
        if key and (_path(request), key) in self._idempotent:
            status, body = self._idempotent[(_path(request), key)]
            return {}, JSONResponse(body, status_code=status, headers={"idempotent-replayed": "true"})
        params = unflatten(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        return params, None

    def _remember(self, request: Request, body: dict[str, Any], status: int = 200) -> JSONResponse:
        key = request.headers.get("idempotency-key", "")
        if key:
            self._idempotent[(_path(request), key)] = (status, body)
        return JSONResponse(body, status_code=status)

    async def _create_session(self, request: Request) -> Response:
        params, refusal = await self._api(request)
        if refusal is not None:
            return refusal
        items = params.get("line_items") or []
        try:
            amount = sum(int(i["price_data"]["unit_amount"]) * int(i.get("quantity", 1)) for i in items)
            currency = str(items[0]["price_data"]["currency"]).lower()
        except (KeyError, IndexError, TypeError, ValueError):
            return _error(400, "line_items with price_data are required.", "parameter_missing")
        session_id = "cs_test_" + secrets.token_hex(16)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "status": "open",
            "payment_status": "unpaid",
            "mode": params.get("mode", "payment"),
            "amount_total": amount,
            "currency": currency,
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata") or {},
            "payment_intent": None,
            "url": f"{self.public_base}/pay/{session_id}",
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "expires_at": int(params.get("expires_at") or time.time() + 86400),
            "line_items_given": items,
            "livemode": False,
        }
        self.sessions[session_id] = session
        return self._remember(request, session)

    async def _get_session(self, request: Request) -> Response:
        _params, refusal = await self._api(request)
        if refusal is not None:
            return refusal
        session = self.sessions.get(request.path_params["id"])
        if session is None:
            return _error(404, "No such checkout.session", "resource_missing")
        return JSONResponse(session)

    async def _expire_session(self, request: Request) -> Response:
        _params, refusal = await self._api(request)
        if refusal is not None:
            return refusal
        session = self.sessions.get(request.path_params["id"])
        if session is None:
            return _error(404, "No such checkout.session", "resource_missing")
        if session["status"] != "open":
            return _error(400, f"Only Checkout Sessions with a status of open can be expired (is {session['status']}).")
        await self.expire(session["id"])
        return self._remember(request, session)

    async def _create_refund(self, request: Request) -> Response:
        params, refusal = await self._api(request)
        if refusal is not None:
            return refusal
        intent = params.get("payment_intent")
        session = next(
            (s for s in self.sessions.values() if s["payment_intent"] and s["payment_intent"] == intent), None
        )
        if session is None:
            return _error(404, f"No such payment_intent: '{intent}'", "resource_missing")
        already = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent)
        amount = int(params.get("amount") or session["amount_total"] - already)
        if amount <= 0 or already + amount > session["amount_total"]:
            return _error(400, "Charge has already been refunded.", "charge_already_refunded")
        refund = {
            "id": "re_test_" + secrets.token_hex(12),
            "object": "refund",
            "amount": amount,
            "currency": session["currency"],
            "payment_intent": intent,
            "charge": session["charge"],
            "status": "succeeded",
            "metadata": params.get("metadata") or {},
        }
        self.refunds[refund["id"]] = refund
        charge = {
            "id": session["charge"],
            "object": "charge",
            "amount": session["amount_total"],
            "amount_refunded": already + amount,
            "currency": session["currency"],
            "payment_intent": intent,
            "refunded": already + amount == session["amount_total"],
            "livemode": False,
        }
        response = self._remember(request, refund)
        await self.emit("charge.refunded", charge)
        return response

    # ---- what a test or the pay page makes happen ----------------------------------------------

    def complete_session(self, session_id: str) -> dict[str, Any]:
        session = self.sessions[session_id]
        if session["status"] == "open":
            session.update(
                status="complete",
                payment_status="paid",
                payment_intent="pi_test_" + secrets.token_hex(12),
                charge="ch_test_" + secrets.token_hex(12),
            )
        return session

    async def pay(self, session_id: str) -> dict[str, Any]:
        """The buyer pays: the session completes and checkout.session.completed goes out. Returns the event."""
        session = self.complete_session(session_id)
        return await self.emit("checkout.session.completed", session)

    async def expire(self, session_id: str) -> dict[str, Any]:
        session = self.sessions[session_id]
        if session["status"] == "open":
            session["status"] = "expired"
        return await self.emit("checkout.session.expired", session)

    def event(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        public = {key: value for key, value in obj.items() if key not in {"line_items_given", "charge"}}
        return {
            "id": "evt_test_" + secrets.token_hex(12),
            "object": "event",
            "type": kind,
            "api_version": stripe.api_version,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": public},
        }

    async def emit(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        event = self.event(kind, obj)
        if self.auto_deliver:
            await self.deliver(event)
        return event

    def sign(self, payload: str, timestamp: int | None = None) -> str:
        return str(stripe.WebhookSignature.generate_signature_header(payload, self.webhook_secret, timestamp=timestamp))

    async def deliver(
        self, event: dict[str, Any] | None = None, *, payload: str | None = None, signature: str | None = None
    ) -> httpx.Response:
        """POST an event to the app's webhook, signed unless a signature (or "") is given."""
        body = payload if payload is not None else json.dumps(event)
        header = self.sign(body) if signature is None else signature
        if self._webhook_transport is None:
            raise RuntimeError("FakeStripe.deliver_to() was not called")
        async with httpx.AsyncClient(transport=self._webhook_transport) as http:
            response = await http.post(
                self._webhook_url,
                content=body.encode(),
                headers={"content-type": "application/json", "stripe-signature": header} if header else {},
            )
        if event is not None:
            self.delivered.append(event)
        if response.status_code != 200:
            log.warning("fake Stripe: webhook answered %s: %s", response.status_code, response.text[:200])
        return response

    # ---- the buyer's test payment page ---------------------------------------------------------

    async def _pay_page(self, request: Request) -> Response:
        session = self.sessions.get(request.path_params["id"])
        if session is None:
            return HTMLResponse(self._page(_("This test payment does not exist."), ""), status_code=404)
        if request.method == "POST":
            form = await request.form()
            if form.get("action") == "pay" and session["status"] == "open":
                await self.pay(session["id"])
                return RedirectResponse(str(session["success_url"]), status_code=303)
            return RedirectResponse(str(session["cancel_url"]), status_code=303)
        if session["status"] != "open":
            return HTMLResponse(self._page(_("This test payment is no longer open."), ""), status_code=410)
        token = html.escape(str(getattr(request.state, "csrf_token", "")))
        amount = format_money(int(session["amount_total"]), str(session["currency"]).upper())
        shown = html.escape(_("Amount: %(amount)s", amount=amount))
        pay, cancel = html.escape(_("Pay (test, no money moves)")), html.escape(_("Cancel"))
        body = (
            f"<p>{shown}</p>"
            f'<form method="post"><input type="hidden" name="csrf_token" value="{token}">'
            f'<button class="button primary" type="submit" name="action" value="pay">{pay}</button> '
            f'<button class="button" type="submit" name="action" value="cancel">{cancel}</button>'
            "</form>"
        )
        return HTMLResponse(self._page(_("Test payment: no money moves"), body))

    @staticmethod
    def _page(title: str, body: str) -> str:
        note = _("This is Podium's stand-in for Stripe, used when no Stripe key is configured.")
        return (
            f'<!doctype html><html lang="{"zh-Hans" if get_locale() == "zh_Hans" else "en"}"><head>'
            '<meta charset="utf-8"><link rel="stylesheet" href="/static/site.css">'
            f'<title>{html.escape(title)}</title></head><body><main class="wrap">'
            f'<p class="notice" role="status">{html.escape(note)}</p><h1>{html.escape(title)}</h1>{body}'
            "</main></body></html>"
        )
