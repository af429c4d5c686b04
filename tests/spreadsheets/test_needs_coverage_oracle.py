"""Needs coverage per customer group and overall, and the needs each service addresses, of
the end-to-end run (the demo needs register and service catalogue) equal their oracle: a need
is covered when a service it lists is in the catalogue and has started (no start date: active)
by the build day (UTC)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import duckdb
import pytest
import yaml

from sandbox.workbooks import DemoPortfolio, build_portfolio
from tests.transforms.conftest import TRANSFORMS_DIR

ALL_GROUPS = yaml.safe_load((TRANSFORMS_DIR / "dbt_project.yml").read_text())["vars"][
    "all_groups_label"
]


def need_services(portfolio: DemoPortfolio) -> dict[str, set[str]]:
    """Need id -> the services its register row lists."""
    return {
        need["need_id"]: {s.strip() for s in (need["service_ids"] or "").split(";") if s.strip()}
        for need in portfolio.needs
    }


def needs_coverage(portfolio: DemoPortfolio) -> dict[str, tuple]:
    """Customer group (and all groups) -> needs, needs covered, coverage %."""
    today = datetime.now(UTC).date()
    active = {
        s["service_id"]
        for s in portfolio.services
        if s["start_date"] is None or s["start_date"] <= today
    }
    services = need_services(portfolio)
    groups: dict[str, list[bool]] = defaultdict(list)
    for need in portfolio.needs:
        covered = bool(services[need["need_id"]] & active)
        for group in (need["customer_group"], ALL_GROUPS):
            groups[group].append(covered)
    return {
        group: (len(flags), sum(flags), pytest.approx(100 * sum(flags) / len(flags)))
        for group, flags in groups.items()
    }


def services_needs(portfolio: DemoPortfolio) -> dict[str, tuple]:
    """Service -> needs that list it, and whether none does."""
    addressed = defaultdict(set)
    for need_id, services in need_services(portfolio).items():
        for service in services:
            addressed[service].add(need_id)
    return {
        s["service_id"]: (len(addressed[s["service_id"]]), not addressed[s["service_id"]])
        for s in portfolio.services
    }


@pytest.fixture(scope="module")
def demo(pipeline_run) -> tuple[DemoPortfolio, dict[str, list[tuple]]]:
    keys = [project.key for project in pipeline_run.sandbox.site.projects]
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        marts = {
            "needs": con.execute(
                "select customer_group, needs, needs_covered, needs_coverage_pct "
                "from marts.mart_needs_coverage"
            ).fetchall(),
            "services": con.execute(
                "select service_id, needs_addressed, addresses_no_need "
                "from marts.mart_service_need_coverage"
            ).fetchall(),
        }
    return build_portfolio(keys), marts


def test_needs_coverage_per_group_and_overall_equals_the_oracle(demo) -> None:
    portfolio, marts = demo
    expected = needs_coverage(portfolio)
    assert {group: tuple(rest) for group, *rest in marts["needs"]} == expected
    assert 0 < expected[ALL_GROUPS][1] < expected[ALL_GROUPS][0]  # some covered, some not


def test_needs_each_service_addresses_equal_the_oracle(demo) -> None:
    portfolio, marts = demo
    expected = services_needs(portfolio)
    assert {service: tuple(rest) for service, *rest in marts["services"]} == expected
    assert len({needs for needs, _ in expected.values()}) > 1  # counts worth comparing
