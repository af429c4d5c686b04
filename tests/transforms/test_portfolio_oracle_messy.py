"""Portfolio health, strategic alignment, maturity and the whole scorecard built from the messy
Jira site (statuses /status no longer lists, localised names, absent keys) equal the oracle of
tests/portfolio/strategy_oracle.py and scorecard_oracle.py, as they do on the demo."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.portfolio.test_strategy_capability_oracle import ORACLE_CHECKS, Truth, truth


@pytest.fixture(scope="module")
def messy(messy_warehouse) -> Truth:
    return truth(messy_warehouse.path, messy_warehouse.site)


@pytest.mark.parametrize("check", ORACLE_CHECKS, ids=lambda check: check.__name__[5:])
def test_messy_site_kpis_equal_the_oracle(messy: Truth, check: Callable[[Truth], None]) -> None:
    check(messy)
