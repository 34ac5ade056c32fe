"""Structured logs: one JSON object per line, carrying the request id."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from podium.platform.logs import configure_logging


async def test_json_logs_carry_the_request_id(client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    configure_logging("INFO", "json")
    try:
        await client.get("/signin", headers={"X-Request-ID": "req-12345678"})
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "podium.access"]
    assert access[-1]["request_id"] == "req-12345678"
    assert access[-1]["level"] == "INFO"
    assert access[-1]["message"].startswith("GET /signin 200 ")
