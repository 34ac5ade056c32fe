"""Money arithmetic: minor units per currency, typed amounts, dates with their precision, FX conversion in Decimal."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from podium.competitions.financing import money
from podium.competitions.financing_models import DatePrecision

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("12500000", "CNY", 1_250_000_000),
        ("12,500,000.50", "CNY", 1_250_000_050),
        ("1250万", "CNY", 1_250_000_000),
        ("1.5亿", "CNY", 15_000_000_000),
        ("3 000 000", "EUR", 300_000_000),
        ("150000000", "JPY", 150_000_000),
        ("0.01", "USD", 1),
    ],
)
def test_typed_amounts_become_minor_units_of_their_currency(typed: str, currency: str, minor: int) -> None:
    assert money.parse_amount(typed, currency) == minor


@pytest.mark.parametrize(
    ("typed", "currency", "message"),
    [
        ("", "CNY", "Enter the amount raised, for example 12500000 or 1250万."),
        ("12.5m", "CNY", "Enter the amount in digits, for example 12500000 or 1250万."),
        ("-5", "CNY", "Enter the amount in digits, for example 12500000 or 1250万."),
        ("1000.5", "JPY", "JPY amounts are whole numbers."),
        ("10.001", "USD", "Use at most 2 decimal places for USD."),
        ("0", "CNY", "The amount must be more than zero."),
        ("10000000000000", "USD", "This amount is too large. Check the number of zeros."),
    ],
)
def test_bad_amounts_are_refused_with_a_message(typed: str, currency: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        money.parse_amount(typed, currency)


def test_minor_units_follow_the_currency() -> None:
    assert [money.minor_digits(c) for c in ("CNY", "USD", "EUR", "GBP", "JPY", "SGD", "HKD", "KRW")] == [
        2,
        2,
        2,
        2,
        0,
        2,
        2,
        0,
    ]
    assert money.to_major(1_250_000_050, "CNY") == Decimal("12500000.50")
    assert money.major_text(150, "JPY") == "150"


def test_conversion_goes_through_the_dollar_in_decimal_and_rounds_half_to_even() -> None:
    # 1,000,000.00 EUR at 0.9200 EUR and 7.1234 CNY per dollar: 7,742,826.0869565… CNY → 774,282,608.70 fen
    assert (
        money.convert(
            100_000_000, source="EUR", target="CNY", source_rate=Decimal("0.92"), target_rate=Decimal("7.1234")
        )
        == 774_282_609
    )
    # Across minor units: 100.00 USD at 149.5 yen per dollar is 14,950 yen (no minor unit).
    assert money.convert(10_000, source="USD", target="JPY", source_rate=Decimal(1), target_rate=Decimal("149.5")) == (
        14_950
    )
    # Exactly half a fen rounds to the even neighbour, both ways: 0.5 → 0, 1.5 → 2, 2.5 → 2.
    half = {"source": "USD", "target": "CNY", "source_rate": Decimal(2), "target_rate": Decimal(1)}
    assert [money.convert(n, **half) for n in (1, 3, 5)] == [0, 2, 2]  # type: ignore[arg-type]
    # A float would say 0.1 + 0.2 != 0.3; Decimal keeps 3 fen exact through the dollar and back.
    assert money.convert(3, source="CNY", target="CNY", source_rate=Decimal("7.1"), target_rate=Decimal("7.1")) == 3
    there = money.convert(
        1_000_000_000_000, source="CNY", target="USD", source_rate=Decimal("7.1234"), target_rate=Decimal(1)
    )
    assert there == 140_382_401_662  # 10,000,000,000.00 CNY → 1,403,824,016.62 USD (…016.6156 rounded)
    # Each conversion rounds once, to its own minor unit: there and back may differ by one fen, never more.
    assert (
        money.convert(there, source="USD", target="CNY", source_rate=Decimal(1), target_rate=Decimal("7.1234"))
        == 999_999_999_999
    )


@pytest.mark.parametrize(
    ("typed", "day", "precision"),
    [
        ("2026-05-14", date(2026, 5, 14), DatePrecision.DAY),
        ("2026/5/4", date(2026, 5, 4), DatePrecision.DAY),
        ("2026-05", date(2026, 5, 1), DatePrecision.MONTH),
        ("2025", date(2025, 1, 1), DatePrecision.YEAR),
    ],
)
def test_announced_dates_keep_their_precision(typed: str, day: date, precision: DatePrecision) -> None:
    assert money.parse_announced(typed, TODAY) == (day, precision)
    assert money.parse_announced(money.announced_text(day, precision), TODAY) == (day, precision)


@pytest.mark.parametrize("typed", ["2026-13", "2026-02-30", "May 2026", "1979", "2026-11-23", "2027"])
def test_impossible_or_future_dates_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        money.parse_announced(typed, TODAY)


def test_rates_are_positive_decimals_with_at_most_ten_places() -> None:
    assert money.parse_rate("7.1234") == Decimal("7.1234")
    assert money.parse_rate("149.5000000001") == Decimal("149.5000000001")
    for bad in ("0", "-1", "abc", "NaN", "Infinity", "1.00000000001", ""):
        with pytest.raises(ValueError, match=r"\w"):
            money.parse_rate(bad)
