"""The ticket rush of `podium bench`: merging its clients' reports, the oversold count, its targets, the client
itself against a small HTTP server, and the order body it sends, accepted by the real API."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from podium.platform.registration.models import Order, OrderStatus, Ticket, TicketStatus, TicketType
from podium.tooling.bench import RUSH_EMAIL, _drive_rush, merge_rush, oversold, rush_bodies, rush_targets
from tests.factories import make_summit


def test_merge_counts_answers_and_times_orders_from_the_common_start() -> None:
    began = 1000.0
    parts = [
        {"began": began + 0.5, "outcomes": [[201, 100.0, began + 1.0], [409, 300.0, began + 4.0], [0, 120000.0, 0.0]]},
        {"began": began, "outcomes": [[201, 200.0, began + 2.0], [201, 400.0, began + 3.0], [503, 50.0, began + 1]]},
    ]
    merged = merge_rush(parts)
    assert merged["buyers"] == 6
    assert (merged["created"], merged["refused"], merged["other"], merged["no_answer"]) == (3, 1, 1, 1)
    assert merged["statuses"] == {"0": 1, "201": 3, "409": 1, "503": 1}
    assert merged["orders_per_s"] == 1.0  # 3 orders, the last 3 s after the first client started
    assert merged["answers_per_s"] == 1.2  # 5 answers in 4 s; the unanswered one has no latency
    assert merged["seconds"] == 4.0
    assert (merged["p50_ms"], merged["p99_ms"]) == (200.0, 400.0)


def test_merge_of_a_rush_nobody_answered() -> None:
    merged = merge_rush([{"began": 5.0, "outcomes": [[0, 1.0, 0.0]]}])
    assert (merged["created"], merged["orders_per_s"], merged["p50_ms"], merged["no_answer"]) == (0, 0.0, 0.0, 1)


def _stored(**fields: int) -> dict[str, int]:
    base = {"capacity": 500, "sold": 500, "held": 0, "reserved": 0, "tickets_issued": 500, "tickets_pending": 0}
    return {**base, **fields}


def test_oversold_counts_seats_beyond_the_capacity_only() -> None:
    assert oversold(_stored()) == 0
    assert oversold(_stored(sold=499)) == 0
    assert oversold(_stored(sold=498, held=3)) == 1
    assert oversold(_stored(sold=500, reserved=2)) == 2


def _rush(kind: str, created: int, refused: int, stored: dict[str, int]) -> dict[str, Any]:
    return {
        "buyers": 1000,
        "created": created,
        "refused": refused,
        "orders_per_s": 200.0,
        "p50_ms": 1500.0,
        "p99_ms": 2900.0,
        "database": stored,
        "oversold": oversold(stored),
    }


def test_rush_targets_need_no_oversell_and_each_seat_taken_once() -> None:
    free_ok = _rush("free", 500, 500, _stored())
    paid_ok = _rush("paid", 500, 500, _stored(sold=0, held=500, tickets_issued=0, tickets_pending=500))
    short = _rush("free", 499, 500, _stored(sold=499, tickets_issued=499))  # one buyer got neither
    over = _rush("free", 501, 499, _stored(sold=501, tickets_issued=501))
    targets = rush_targets({"free": free_ok, "paid": paid_ok})
    assert [t.met for t in targets] == [True, True]
    assert targets[0].line() == (
        "target: ticket rush (free), 1,000 buyers at once for 500 seats: oversold = 0, and every seat taken by "
        "exactly one order and ticket; measured oversold 0; 500 orders, 500 sold out, 500 seats sold, 500 tickets; "
        "200 orders/s, p50 1500 ms, p99 2900 ms: met"
    )
    assert "500 seats held, 500 tickets" in targets[1].figure
    assert [t.met for t in rush_targets({"free": short})] == [False]
    assert [t.met for t in rush_targets({"free": over})] == [False]
    assert "oversold 1;" in rush_targets({"free": over})[0].figure


def test_rush_bodies_are_one_ticket_for_each_buyer_themselves() -> None:
    bodies = [json.loads(body) for body in rush_bodies(7, 10, 3)]
    assert bodies[0] == {
        "ticket_type": 7,
        "quantity": 1,
        "attendees": [{"name": "Rush Buyer 10", "email": RUSH_EMAIL.format(n=10)}],
    }
    assert len({body["attendees"][0]["email"] for body in bodies}) == 3


async def test_the_rush_client_posts_every_body_on_its_own_connection() -> None:
    seen: list[bytes] = []
    connections = 0

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(
            next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")).split(b":")[1]
        )
        body = await reader.readexactly(length)
        seen.append(body)
        status = b"201 Created" if json.loads(body)["attendees"][0]["name"].endswith(("0", "2")) else b"409 Conflict"
        writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\n\r\n{}")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        bodies = rush_bodies(1, 0, 4)
        report = await _drive_rush(
            {
                "base": f"http://127.0.0.1:{port}",
                "path": "/api/v1/summits/x/orders",
                "start_at": time.time(),
                "bodies": bodies,
            }
        )
    assert connections == 4
    assert sorted(seen) == sorted(body.encode() for body in bodies)
    assert sorted(int(status) for status, _ms, _at in report["outcomes"]) == [201, 201, 409, 409]
    assert all(ms > 0 and at >= report["began"] for _status, ms, at in report["outcomes"])


async def test_the_rush_body_buys_a_ticket_through_the_real_api(client: httpx.AsyncClient) -> None:
    summit = await make_summit(slug="ges-2027")
    rush_type = await TicketType.create(
        summit=summit, name_en="Rush", price=0, currency="CNY", capacity=2, max_per_order=1
    )
    answers = [
        await client.post(
            f"/api/v1/summits/{summit.slug}/orders", content=body, headers={"Content-Type": "application/json"}
        )
        for body in rush_bodies(rush_type.id, 0, 3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 409]
    assert await Order.filter(ticket_type_id=rush_type.id, status=OrderStatus.PAID).count() == 2
    assert await Ticket.filter(ticket_type_id=rush_type.id, status=TicketStatus.ISSUED).count() == 2
