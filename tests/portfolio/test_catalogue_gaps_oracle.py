"""Needs coverage and the scorecard's count of CSAT ratings of uncatalogued services equal
their oracle on a catalogue and a needs register as PMOs keep them by hand.

The demo workbooks are loaded, then the catalogue and the needs register land again as
corrected by hand, with three classes of mess: the catalogue no longer lists a service the
surveys rated and a need lists (SVC-RSK, retired), lists one that starts next year (SVC-TRN),
and the register's service lists carry spaces, empty items and repeats. The connector loads
them with a real dlt pipeline and dbt builds the marts; the oracle reads the same rows in
plain Python with the rules of docs/kpis.md: a need is covered by a listed service that is in
the catalogue and has started; a rating of a service the catalogue does not list (the
connector quarantines such answers only when the catalogue lacks the service as they land)
counts in ``csat_ratings_of_uncatalogued_services``.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pytest

from connectors.spreadsheets.layouts import NEEDS_REGISTER, SERVICE_CATALOGUE
from connectors.spreadsheets.template_writer import write_workbook
from sandbox.workbooks import DemoPortfolio, build_portfolio, write_portfolio
from tests.spreadsheets.landed_build import load_landing
from tests.spreadsheets.test_needs_coverage_oracle import needs_coverage
from tests.transforms.conftest import MODELS_AND_SEEDS, dbt

from .scorecard_oracle import quarter_of_wave

PROJECT_KEYS = ["APOLLO", "HERMES"]
UNCATALOGUED = "SVC-RSK"
NOT_STARTED = "SVC-TRN"
# Service lists as typed by hand, by the need's first listed service.
TYPED_LISTS = {
    "SVC-BEN": " SVC-BEN ; SVC-REP ;",
    "SVC-GOV": "SVC-GOV;SVC-GOV",
    "SVC-MTH": ";SVC-MTH",
}
MARTS = ("mart_needs_coverage", "mart_pmo_value_scorecard_quarterly")


@dataclass(frozen=True)
class Landed:
    portfolio: DemoPortfolio
    """The rows as landed: the surveys rate every service, the catalogue and register are
    the hand-kept ones."""
    needs: list[tuple]
    uncatalogued_ratings: dict[date, int]


def hand_kept(portfolio: DemoPortfolio) -> DemoPortfolio:
    """The portfolio with the messy catalogue and needs register."""
    messy = copy.deepcopy(portfolio)
    messy.services = [s for s in messy.services if s["service_id"] != UNCATALOGUED]
    next_year = date(datetime.now(UTC).year + 1, 1, 1)
    for service in messy.services:
        if service["service_id"] == NOT_STARTED:
            service["start_date"] = next_year
    for need in messy.needs:
        first = (need["service_ids"] or "").split(";")[0]
        need["service_ids"] = TYPED_LISTS.get(first, need["service_ids"])
    return messy


def uncatalogued_ratings(portfolio: DemoPortfolio) -> dict[date, int]:
    """Quarter -> satisfaction ratings given to services the catalogue does not list."""
    catalogued = set(portfolio.service_ids)
    counts: Counter[date] = Counter()
    for wave, rows in portfolio.survey_waves.items():
        for row in rows:
            counts[quarter_of_wave(wave)] += sum(
                1
                for name, score in row.items()
                if name.endswith("|satisfaction")
                and name.split("|")[0] not in catalogued
                and score is not None
            )
    return counts


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Landed:
    root = tmp_path_factory.mktemp("catalogue_gaps")
    landing, warehouse = root / "landing", root / "pmo.duckdb"
    demo = build_portfolio(PROJECT_KEYS)
    messy = hand_kept(demo)
    write_portfolio(landing, demo)
    load_landing(landing, warehouse, "catalogue_gaps")
    # Then the catalogue and the register are corrected by hand: the surveys already loaded
    # rate a service the catalogue no longer lists.
    write_workbook(
        landing / f"{SERVICE_CATALOGUE.workbook}.xlsx", SERVICE_CATALOGUE, messy.services
    )
    write_workbook(landing / f"{NEEDS_REGISTER.workbook}.xlsx", NEEDS_REGISTER, messy.needs)
    load_landing(landing, warehouse, "catalogue_gaps")
    selection = " ".join(f"+{mart}" for mart in MARTS)
    result = dbt(warehouse, "build", "--select", selection, *MODELS_AND_SEEDS)
    assert result.returncode == 0, result.stdout[-5000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        needs = connection.execute(
            "select customer_group, needs, needs_covered, needs_coverage_pct "
            "from marts.mart_needs_coverage"
        ).fetchall()
        scorecard = connection.execute(
            "select quarter_start, csat_ratings_of_uncatalogued_services "
            "from marts.mart_pmo_value_scorecard_quarterly"
        ).fetchall()
    messy.survey_waves = demo.survey_waves
    return Landed(messy, needs, dict(scorecard))


def test_needs_coverage_of_a_hand_kept_register_equals_the_oracle(landed: Landed) -> None:
    assert {group: tuple(rest) for group, *rest in landed.needs} == needs_coverage(landed.portfolio)


def test_the_mess_changes_the_coverage(landed: Landed) -> None:
    """Each class of mess decides a need: the oracle is not the clean demo's."""
    demo = build_portfolio(PROJECT_KEYS)
    assert needs_coverage(landed.portfolio) != needs_coverage(demo)


def test_ratings_of_uncatalogued_services_per_quarter_equal_the_oracle(landed: Landed) -> None:
    expected = uncatalogued_ratings(landed.portfolio)
    assert sum(expected.values()) > 0
    assert set(expected) <= set(landed.uncatalogued_ratings)
    assert landed.uncatalogued_ratings == {
        quarter: expected.get(quarter, 0) for quarter in landed.uncatalogued_ratings
    }
