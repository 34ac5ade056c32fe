"""Rendering and sending mail: SMTP through aiosmtplib, or the console and var/outbox/ in the embedded mode."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
import jinja2

from podium.platform import i18n

log = logging.getLogger(__name__)


class TransientMailError(Exception):
    """Worth retrying later: the server was unreachable or answered 4xx."""


class PermanentMailError(Exception):
    """Retrying will not help: the server refused the message or recipient (5xx)."""


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    def __init__(self, url: str, *, timeout: float = 20) -> None:
        parts = urlsplit(url)
        self.hostname = parts.hostname or "localhost"
        self.use_tls = parts.scheme == "smtps"
        self.start_tls = parts.scheme == "smtp+starttls"
        self.port = parts.port or (465 if self.use_tls else 587 if self.start_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.hostname,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.use_tls,
                start_tls=self.start_tls,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPResponseException as exc:
            if 500 <= exc.code < 600:
                raise PermanentMailError(f"{exc.code} {exc.message}") from exc
            raise TransientMailError(f"{exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise TransientMailError(str(exc) or type(exc).__name__) from exc


class OutboxMailer:
    """The embedded default: each message is logged and written to a .eml file a developer can open."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", str(message["To"]))
        path = self.directory / f"{stamp}-{recipient}.eml"
        path.write_bytes(bytes(message))
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        log.info("mail to %s: %s (saved to %s)\n%s", message["To"], message["Subject"], path, text)


def make_mailer(smtp_url: str | None, outbox_dir: Path) -> Mailer:
    return SmtpMailer(smtp_url) if smtp_url else OutboxMailer(outbox_dir)


def render_message(
    env: jinja2.Environment, *, kind: str, locale: str, context: dict[str, Any], sender: str, recipient: str
) -> EmailMessage:
    """Render templates/emails/<kind>.html (blocks subject, text, html) in the recipient's language."""
    template = env.get_template(f"emails/{kind}.html")
    variables = {**context, "locale": locale, "html_lang": "zh-Hans" if locale == "zh_Hans" else "en"}
    with i18n.use_locale(locale):
        ctx = template.new_context(variables)
        subject = " ".join("".join(template.blocks["subject"](ctx)).split())
        text = "".join(template.blocks["text"](template.new_context(variables))).strip() + "\n"
        html = template.render(variables)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Message-ID"] = make_msgid(domain="podium")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
