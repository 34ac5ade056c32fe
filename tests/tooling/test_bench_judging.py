"""The judging scenarios of `podium bench`: their pure helpers, and the scorecard save they load, driven
through the real app exactly as the load clients drive it."""

from __future__ import annotations

import asyncio
import json
import secrets

import httpx
import pytest

from podium.competitions.models import Project, ProjectStatus, RoundStatus
from podium.judging.models import Assignment, Criterion, Rubric
from podium.platform.auth import create_session
from podium.platform.summits.models import Role
from podium.settings import Settings
from podium.tooling.bench import (
    AUTOSAVE,
    SATURATION,
    TOGGLE,
    Card,
    WrkResult,
    cpu_of,
    judging_targets,
    median_run,
    merge_saves,
    parse_scorecard,
    percentile,
    read_response,
)
from tests.conftest import BASE_URL
from tests.factories import grant, make_competition, make_round, make_user


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]  # 1 .. 100
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0], 0) == 1.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def _part(latencies: list[float], statuses: dict[str, int], **fields: float) -> dict[str, object]:
    return {
        "latencies_ms": latencies,
        "statuses": statuses,
        "errors": 0,
        "unwritten": 0,
        "saves": sum(statuses.values()),
        "late_ms": 0.0,
        "window_s": 10.0,
        **fields,
    }


def test_merge_counts_only_written_2xx_saves_over_the_longest_window() -> None:
    first = _part([float(n) for n in range(1, 51)], {"200": 50}, unwritten=2, saves=60, late_ms=4.0)
    second = _part([float(n) for n in range(51, 101)], {"200": 48, "409": 1, "500": 1}, errors=3, window_s=12.5)
    result, details = merge_saves([first, second])
    assert result == WrkResult(rps=7.68, p50_ms=50.0, p99_ms=99.0, requests=100, non_2xx=2, socket_errors=3)
    assert details == {
        "unwritten": 2,
        "statuses": {"200": 98, "409": 1, "500": 1},
        "window_s": 12.5,
        "late_ms": 4.0,
        "saves_with_warm_up": 110,
    }


def test_merge_of_clients_that_measured_nothing() -> None:
    result, _details = merge_saves([_part([], {}), _part([], {})])
    assert (result.rps, result.p50_ms, result.p99_ms, result.requests) == (0.0, 0.0, 0.0, 0)


PAGE = """
<form method="post" action="/judging/assignments/7" novalidate
      data-autosave="/api/v1/scorecards/7" data-csrf="tok-EN_123">
  <input type="hidden" name="csrf_token" value="tok-EN_123">
  <input id="c_12" name="c_12" type="number" min="1" max="10" step="1" value="">
  <input id="c_13" name="c_13" type="number" min="1" max="10" step="1" value="6">
  <textarea id="comment" name="comment" rows="6"></textarea>
</form>
"""


def test_scorecard_page_gives_the_autosave_url_token_and_score_fields() -> None:
    assert parse_scorecard(PAGE) == ("/api/v1/scorecards/7", "tok-EN_123", ["c_12", "c_13"])


def test_a_locked_scorecard_or_one_without_criteria_is_refused() -> None:
    locked = PAGE.replace('data-autosave="/api/v1/scorecards/7" data-csrf="tok-EN_123"', "")
    with pytest.raises(ValueError, match="autosaving form"):
        parse_scorecard(locked)
    with pytest.raises(ValueError, match="score fields"):
        parse_scorecard(PAGE.replace('name="c_12"', "").replace('name="c_13"', ""))


def test_a_card_alternates_its_score_and_sends_the_whole_form() -> None:
    card = Card(path="/p", cookie="c", token="t", fields={"c_1": "6", "c_2": "6", "comment": "ok"}, toggle="c_1")
    first = card.next_value()
    assert first == TOGGLE[0]
    card.value = first
    assert card.next_value() == TOGGLE[1]
    assert json.loads(card.body(TOGGLE[1])) == {"c_1": TOGGLE[1], "c_2": "6", "comment": "ok"}
    assert card.headers("http://h:1") == {
        "Cookie": "c",
        "X-CSRF-Token": "t",
        "Content-Type": "application/json",
        "Origin": "http://h:1",
    }


async def _read(raw: bytes) -> tuple[int, bytes, bool]:
    reader = asyncio.StreamReader()
    reader.feed_data(raw)
    reader.feed_eof()
    return await read_response(reader)


async def test_read_response_with_a_length_chunks_or_a_close() -> None:
    sized = b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n{"version":3}'
    assert await _read(sized) == (200, b'{"version":3}', False)
    chunked = b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n"
    assert await _read(chunked) == (403, b"hello world", False)
    closing = b"HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    assert await _read(closing) == (500, b"", True)


async def test_read_response_cut_short_raises() -> None:
    with pytest.raises(asyncio.IncompleteReadError):
        await _read(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")


def test_cpu_of_sums_a_process_tree() -> None:
    table = {1: (0, 5.0), 10: (1, 1.0), 11: (10, 2.0), 12: (10, 0.5), 20: (1, 7.0), 30: (2, 9.0)}
    assert cpu_of(table, [10]) == 3.5
    assert cpu_of(table, [10, 20]) == 10.5
    assert cpu_of(table, [99]) == 0.0


def test_median_run_by_throughput_or_by_latency() -> None:
    runs = [
        WrkResult(rps=100, p50_ms=5, p99_ms=40, requests=1, non_2xx=0),
        WrkResult(rps=300, p50_ms=5, p99_ms=10, requests=2, non_2xx=0),
        WrkResult(rps=200, p50_ms=5, p99_ms=90, requests=3, non_2xx=0),
    ]
    assert median_run(runs).requests == 3
    assert median_run(runs, lambda run: run.p99_ms).requests == 1


def test_judging_targets_say_met_or_not_met() -> None:
    results = {
        AUTOSAVE.name: WrkResult(rps=166.7, p50_ms=9.0, p99_ms=41.5, requests=1667, non_2xx=0),
        SATURATION.name: WrkResult(rps=420.0, p50_ms=140.0, p99_ms=300.0, requests=4200, non_2xx=0),
    }
    assignment = {"projects": 10_022, "per_project": 5, "fill_seconds": 6.5}
    targets = judging_targets(results, {AUTOSAVE.name: 0, SATURATION.name: 3}, assignment)
    assert [(t.name, t.met) for t in targets] == [
        ("autosave, 500 judges saving every 3 s", True),
        ("saves with 64 clients", False),
        ("autosave (500 judges): every save answered 2xx and wrote", True),
        ("saves (64 clients): every save answered 2xx and wrote", False),
        ("auto-assignment of 10,022 projects x 5 judges", True),
    ]
    assert targets[0].line() == (
        "target: autosave, 500 judges saving every 3 s: p99 < 50 ms; measured 41.5 ms at 167 saves/s: met"
    )
    assert targets[1].line().endswith(": NOT met")
    assert judging_targets({}, {}, None) == []


async def test_the_save_the_load_clients_send_passes_csrf_and_writes_every_time(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """What the bench does for each judge: a session made as signing in makes it, the scorecard page for the
    CSRF token, then PATCHes with the session cookie and the token only, the score alternating."""
    competition = await make_competition()
    review = await make_round(competition=competition, status=RoundStatus.JUDGING)
    rubric = await Rubric.create(round=review)
    for n, name in enumerate(("Team", "Market")):
        await Criterion.create(rubric=rubric, position=n, name_en=name)
    judge = await make_user(email="judge@fund.example")
    await grant(await competition.summit, judge, Role.JUDGE)
    project = await Project.create(
        competition=competition, lead=await make_user(), title="Boats", status=ProjectStatus.SUBMITTED
    )
    assignment = await Assignment.create(round=review, project=project, judge=judge)
    key = await create_session(user=judge, settings=settings)
    cookie = f"podium_session={key}; podium_csrf={secrets.token_urlsafe(32)}"

    page = await client.get(f"/judging/assignments/{assignment.id}", headers={"Cookie": cookie})
    assert page.status_code == 200
    path, token, names = parse_scorecard(page.text)
    assert path == f"/api/v1/scorecards/{assignment.id}"
    assert len(names) == 2
    client.cookies.clear()  # the load clients keep no cookie jar: the header is all
    card = Card(path=path, cookie=cookie, token=token, fields=dict.fromkeys(names, "6"), toggle=names[0])

    versions = []
    for _ in range(3):
        value = card.next_value()
        saved = await client.patch(path, content=card.body(value), headers=card.headers(BASE_URL))
        assert saved.status_code == 200, saved.text
        card.value = value
        versions.append(saved.json()["version"])
    assert versions == [versions[0], versions[0] + 1, versions[0] + 2]
    # The same form again changes nothing and writes nothing: why the bench alternates the score.
    again = await client.patch(path, content=card.body(card.value), headers=card.headers(BASE_URL))
    assert again.json()["version"] == versions[-1]
    wrong = {**card.headers(BASE_URL), "X-CSRF-Token": "forged"}
    assert (await client.patch(path, content=card.body(card.next_value()), headers=wrong)).status_code == 403
