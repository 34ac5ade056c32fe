"""The Stripe boundary: one async StripeClient per process, and the webhook secret that checks what Stripe sends.

With STRIPE_API_KEY the SDK talks to Stripe (or to STRIPE_API_BASE). Without a key, Podium is in its
development mode: the SDK talks to the fake that podium.asgi mounts under /_fake-stripe, in process when the
web app hands over a transport, else over HTTP at STRIPE_API_BASE (default BASE_URL/_fake-stripe), and its
payments are labelled test payments. Production with a real key never reaches the fake."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any

import httpx
import stripe

from podium.settings import Settings

log = logging.getLogger(__name__)

FAKE_API_KEY = "sk_test_podium_fake"
FAKE_MOUNT = "/_fake-stripe"


@dataclass
class Payments:
    client: stripe.StripeClient
    http: stripe.HTTPXClient
    webhook_secret: str
    test_mode: bool

    async def close(self) -> None:
        await self.http.close_async()  # type: ignore[no-untyped-call]


def webhook_secret(settings: Settings) -> str:
    """STRIPE_WEBHOOK_SECRET, or in development mode one derived from SECRET_KEY that the fake signs with."""
    if settings.stripe_webhook_secret is not None:
        return settings.stripe_webhook_secret.get_secret_value()
    if not settings.stripe_fake:
        return ""  # a real key without a webhook secret: every webhook is refused (and logged)
    digest = hmac.new(settings.secret().encode(), b"podium-fake-stripe-webhook", hashlib.sha256).hexdigest()
    return f"whsec_fake_{digest[:32]}"


def fake_api_base(settings: Settings) -> str:
    return settings.stripe_api_base or f"{settings.base_url}{FAKE_MOUNT}"


class _InProcess:
    """What stripe.HTTPXClient takes as its httpx module: AsyncClients that reach an ASGI app without a socket."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.transport = transport

    def AsyncClient(self, **_kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport)

    Client = httpx.Client


def connect(settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> Payments:
    """A client for this event loop. `transport` (development mode only) reaches the in-process fake."""
    if not settings.stripe_fake:
        assert settings.stripe_api_key is not None
        http = stripe.HTTPXClient(timeout=30)
        addresses: dict[str, str] = {"api": settings.stripe_api_base} if settings.stripe_api_base else {}
        client = stripe.StripeClient(
            settings.stripe_api_key.get_secret_value(),
            http_client=http,
            max_network_retries=2,  # safe: every write carries an idempotency key
            base_addresses=addresses,  # type: ignore[arg-type]
        )
        secret = webhook_secret(settings)
        if not secret:
            log.error("STRIPE_API_KEY is set but STRIPE_WEBHOOK_SECRET is not: Stripe's webhooks will be refused")
        return Payments(client=client, http=http, webhook_secret=secret, test_mode=False)
    http = stripe.HTTPXClient(timeout=30, _lib=_InProcess(transport)) if transport else stripe.HTTPXClient(timeout=30)
    client = stripe.StripeClient(
        FAKE_API_KEY, http_client=http, max_network_retries=0, base_addresses={"api": fake_api_base(settings)}
    )
    return Payments(client=client, http=http, webhook_secret=webhook_secret(settings), test_mode=True)


# The client of this process: installed by the app lifespan (in process with the fake in development mode);
# a worker process that has none builds its own on first use.
_current: Payments | None = None


def install(payments: Payments | None) -> None:
    global _current
    _current = payments


def current(settings: Settings) -> Payments:
    global _current
    if _current is None:
        _current = connect(settings)
    return _current
