"""Each impact test starts with no figures kept in memory (ids restart with every test's fresh tables)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from podium.judging.impact import services


@pytest.fixture(autouse=True)
def _forget_figures() -> Iterator[None]:
    services.forget_figures()
    yield
    services.forget_figures()
