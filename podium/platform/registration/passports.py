"""Passport numbers at rest: sealed with Fernet under a key derived from the secret key, masked for attendees.

The key is HKDF-SHA256 of SECRET_KEY (salt and info "podium visa passport"), so changing SECRET_KEY makes the
numbers already sealed unreadable: open_number() then returns None and the pages say so."""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from podium.settings import Settings

_CONTEXT = b"podium visa passport"
MASK = "•"


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_CONTEXT, info=_CONTEXT).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal_number(number: str, settings: Settings) -> str:
    return _fernet(settings.secret()).encrypt(number.encode()).decode("ascii")


def open_number(sealed: str, settings: Settings) -> str | None:
    """The number, or None when it was erased or cannot be read (the secret key changed)."""
    if not sealed:
        return None
    try:
        return _fernet(settings.secret()).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None


def mask(number: str | None) -> str:
    """What the attendee sees: the last three characters only."""
    if not number:
        return ""
    return MASK * max(3, len(number) - 3) + number[-3:]
