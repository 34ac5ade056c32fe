"""The wrk --latency output parser of `podium bench`."""

from __future__ import annotations

import pytest

from podium.tooling.bench import parse_wrk

# `wrk --latency` output as wrk 4.1.0 prints it; the second adds the error lines wrk prints when they apply.
SIGNED_IN = """\
Running 10s test @ http://127.0.0.1:41237/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    87.52ms   31.07ms 298.41ms   71.36%
    Req/Sec   184.22     41.13   272.00     69.50%
  Latency Distribution
     50%   82.63ms
     75%  103.11ms
     90%  127.95ms
     99%  201.47ms
  3674 requests in 10.02s, 29.63MB read
Requests/sec:    366.71
Transfer/sec:      2.96MB
"""

SLOW_AND_FAILING = """\
Running 2s test @ http://127.0.0.1:18765/nonexistent
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   986.00us   13.38ms    1.21s    98.06%
    Req/Sec     0.86k   262.93     1.47k    66.67%
  Latency Distribution
     50%  986.00us
     75%    3.86ms
     90%    4.76ms
     99%    1.21s
  3630 requests in 2.12s, 1.80MB read
  Socket errors: connect 0, read 2, write 0, timeout 5
  Non-2xx or 3xx responses: 3630
Requests/sec:   1711.00
Transfer/sec:    868.95KB
"""


def test_parses_throughput_percentiles_and_count() -> None:
    result = parse_wrk(SIGNED_IN)
    assert result.rps == 366.71
    assert result.p50_ms == 82.63
    assert result.p99_ms == 201.47
    assert result.requests == 3674
    assert result.non_2xx == 0
    assert result.socket_errors == 0


def test_converts_microseconds_and_seconds_and_counts_errors() -> None:
    result = parse_wrk(SLOW_AND_FAILING)
    assert result.p50_ms == 0.986
    assert result.p99_ms == 1210.0
    assert result.rps == 1711.0
    assert result.requests == 3630
    assert result.non_2xx == 3630
    assert result.socket_errors == 7


def test_summary_is_what_the_json_report_holds() -> None:
    assert parse_wrk(SIGNED_IN).summary() == {
        "rps": 366.71,
        "p50_ms": 82.63,
        "p99_ms": 201.47,
        "requests": 3674,
        "non_2xx": 0,
        "socket_errors": 0,
    }


def test_output_without_latency_distribution_is_refused() -> None:
    without = SIGNED_IN.replace("Latency Distribution", "").replace("99%", "")
    with pytest.raises(ValueError, match="Latency Distribution"):
        parse_wrk(without)


def test_output_missing_a_percentile_is_refused() -> None:
    with pytest.raises(ValueError, match="99%"):
        parse_wrk(SIGNED_IN.replace("     99%  201.47ms\n", ""))
