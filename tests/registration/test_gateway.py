"""The Stripe boundary: with a real key the app never mounts or reaches the development fake."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount

from podium.asgi import build_app
from podium.platform.registration import gateway
from podium.settings import Settings


def _settings(tmp_path: Path, **fields: object) -> Settings:
    return Settings(var_dir=tmp_path, secret_key="k" * 40, _env_file=None, **fields)  # type: ignore[arg-type, call-arg]


def test_with_a_stripe_key_the_fake_is_neither_mounted_nor_used(tmp_path: Path) -> None:
    settings = _settings(tmp_path, stripe_api_key="sk_live_abc", stripe_webhook_secret="whsec_live")
    app = build_app(settings)
    assert not [r for r in app.routes if isinstance(r, Mount) and r.path == gateway.FAKE_MOUNT]
    assert not hasattr(app.state, "stripe_transport")
    payments = gateway.connect(settings)
    assert payments.test_mode is False
    assert payments.webhook_secret == "whsec_live"


def test_without_a_key_the_fake_is_mounted_and_signs_with_a_derived_secret(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    app = build_app(settings)
    assert [r for r in app.routes if isinstance(r, Mount) and r.path == gateway.FAKE_MOUNT]
    secret = gateway.webhook_secret(settings)
    assert secret.startswith("whsec_fake_")
    assert app.state.fake_stripe.webhook_secret == secret
    assert gateway.connect(settings).test_mode is True
    assert gateway.fake_api_base(settings) == "http://127.0.0.1:8000/_fake-stripe"


def test_a_key_without_a_webhook_secret_refuses_every_webhook(tmp_path: Path) -> None:
    settings = _settings(tmp_path, stripe_api_key="sk_live_abc")
    assert gateway.webhook_secret(settings) == ""
