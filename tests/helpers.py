"""Test helpers: CSRF-aware form posts, signing in, reading mail, and the query-count guard."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from email.message import Message

import httpx

from tests.factories import PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_LINK = re.compile(r"https?://\S+")


async def csrf_token(client: httpx.AsyncClient, page: str = "/signin") -> str:
    response = await client.get(page)
    match = _TOKEN.search(response.text)
    assert match, f"no CSRF token on {page} ({response.status_code})"
    return match.group(1)


async def post_form(
    client: httpx.AsyncClient,
    url: str,
    data: dict[str, str] | None = None,
    *,
    page: str | None = None,
    **kwargs: object,
) -> httpx.Response:
    """Submit a form the way a browser does: fetch the page for its CSRF token, then post."""
    token = await csrf_token(client, page or "/")
    return await client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)  # type: ignore[arg-type]


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    response = await post_form(client, "/signin", {"email": email, "password": password}, page="/signin")
    assert response.status_code == 303, response.text[:500]
    return response


def body_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text/plain part")


def links_in(message: Message) -> list[str]:
    return _LINK.findall(body_text(message))


class QueryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().lstrip().upper()
        if text.startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            self.queries.append(record.getMessage())


@contextlib.contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Count the SQL statements run inside the block (from Tortoise's db_client logger).

    Use it to show a list page costs the same number of queries for 1 row as for 3 (no N+1)."""
    logger = logging.getLogger("tortoise.db_client")
    counter = QueryCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)
