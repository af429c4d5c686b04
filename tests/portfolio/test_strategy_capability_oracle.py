"""Portfolio health, strategic alignment, maturity and the scorecard's strategy and capability
KPIs of the end-to-end run equal their oracle (strategy_oracle.py), computed from the demo
workbooks' rows and the Jira site's objects."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sandbox.jira.site import JiraSite
from sandbox.workbooks import DemoPortfolio, build_portfolio

from . import scorecard_oracle
from . import strategy_oracle as oracle


@dataclass(frozen=True)
class Truth:
    site: JiraSite
    portfolio: DemoPortfolio
    marts: dict[str, pd.DataFrame]


MARTS = (
    "mart_portfolio_health",
    "mart_strategic_alignment_quarterly",
    "mart_strategic_alignment_summary_quarterly",
    "mart_maturity_by_domain",
    "mart_pmo_value_scorecard_quarterly",
)


def truth(warehouse: Path, site: JiraSite) -> Truth:
    """The warehouse's marts with the site and the demo workbook rows of its projects."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = {mart: con.sql(f"select * from marts.{mart}").df() for mart in MARTS}
    return Truth(site, build_portfolio([p.key for p in site.projects]), marts)


@pytest.fixture(scope="module")
def demo(pipeline_run) -> Truth:
    """The end-to-end run's marts with the site and workbook rows the demo generated."""
    return truth(pipeline_run.warehouse, pipeline_run.sandbox.site)


def records(frame: pd.DataFrame, key: list[str], columns: list[str]) -> dict:
    """Mart rows as key -> {column: value}, NaN as None."""
    frame = frame.astype(object).where(frame.notna(), None)
    return {
        tuple(row[k] for k in key) if len(key) > 1 else row[key[0]]: {c: row[c] for c in columns}
        for row in frame.to_dict("records")
    }


def approx(rows: dict) -> dict:
    return {
        key: {c: pytest.approx(v) if isinstance(v, float) else v for c, v in row.items()}
        for key, row in rows.items()
    }


def test_portfolio_health_equals_the_oracle(demo: Truth) -> None:
    expected = oracle.portfolio_health(demo.site, demo.portfolio)
    columns = list(next(iter(expected.values())))
    actual = records(demo.marts["mart_portfolio_health"], ["project_key"], columns)
    assert actual == approx(expected)


def test_the_health_oracle_compares_projects_with_and_without_jira_scope(demo: Truth) -> None:
    scopes = [
        h["scope_done_pct"] for h in oracle.portfolio_health(demo.site, demo.portfolio).values()
    ]
    assert None in scopes and any(s for s in scopes if s is not None and 0 < s < 100)


def test_strategic_alignment_per_objective_and_quarter_equals_the_oracle(demo: Truth) -> None:
    frame = demo.marts["mart_strategic_alignment_quarterly"].copy()
    frame["objective"] = frame["objective_id"].where(frame["is_aligned"], None)
    frame["quarter_start"] = pd.to_datetime(frame["quarter_start"]).dt.date
    columns = ["work_unit", "work_done", "work_share_pct"]
    actual = records(frame, ["quarter_start", "objective"], columns)
    assert actual == approx(oracle.alignment(demo.site, demo.portfolio))


def test_alignment_summary_per_quarter_equals_the_oracle(demo: Truth) -> None:
    frame = demo.marts["mart_strategic_alignment_summary_quarterly"].copy()
    frame["quarter_start"] = pd.to_datetime(frame["quarter_start"]).dt.date
    expected = oracle.alignment_summary(demo.site, demo.portfolio)
    columns = list(next(iter(expected.values())))
    assert records(frame, ["quarter_start"], columns) == approx(expected)


def test_maturity_per_assessment_and_domain_equals_the_oracle(demo: Truth) -> None:
    frame = demo.marts["mart_maturity_by_domain"].copy()
    frame["assessed_on"] = pd.to_datetime(frame["assessed_on"]).dt.date
    expected = oracle.maturity_by_domain(demo.portfolio)
    columns = list(next(iter(expected.values())))
    assert records(frame, ["assessed_on", "domain"], columns) == approx(expected)


def strategy_and_capability(demo: Truth, quarters: list) -> dict:
    """Quarter -> the scorecard's strategy and capability KPIs, by the oracle."""
    summary = oracle.alignment_summary(demo.site, demo.portfolio)
    capability = oracle.capability_by_quarter(demo.portfolio, quarters)
    nothing = dict.fromkeys(["maturity_mean_level", "maturity_mean_target", "maturity_mean_gap"])
    return {
        quarter: {
            "aligned_work_share_pct": summary.get(quarter, {}).get("aligned_work_share_pct"),
            # The register is a snapshot: its benefits belong to the latest quarter only.
            "benefits_realisation_pct": oracle.benefits_realisation(demo.portfolio)
            if quarter == max(quarters)
            else None,
            **capability.get(quarter, nothing),
        }
        for quarter in quarters
    }


def test_scorecard_strategy_and_capability_equal_the_oracle(demo: Truth) -> None:
    frame = demo.marts["mart_pmo_value_scorecard_quarterly"].copy()
    frame["quarter_start"] = pd.to_datetime(frame["quarter_start"]).dt.date
    quarters = list(frame["quarter_start"])
    expected = strategy_and_capability(demo, quarters)
    columns = list(next(iter(expected.values())))
    assert records(frame, ["quarter_start"], columns) == approx(expected)


def test_scorecard_customer_delivery_pillars_and_composite_equal_the_oracle(demo: Truth) -> None:
    frame = demo.marts["mart_pmo_value_scorecard_quarterly"].copy()
    frame["quarter_start"] = pd.to_datetime(frame["quarter_start"]).dt.date
    quarters = sorted(frame["quarter_start"])
    expected = scorecard_oracle.scorecard(demo.site, demo.portfolio, quarters)
    for kpi in scorecard_oracle.KPIS:  # each KPI's change against the quarter before
        for previous, quarter in pairwise(quarters):
            now, before = expected[quarter][kpi], expected[previous][kpi]
            change = None if now is None or before is None else now - before
            expected[quarter][f"{kpi}_qoq_change"] = change
    columns = sorted(set().union(*(row.keys() for row in expected.values())))
    expected = {q: {c: row.get(c) for c in columns} for q, row in expected.items()}
    assert records(frame, ["quarter_start"], columns) == approx(expected)


CHANGED_KPIS = ("aligned_work_share_pct", "benefits_realisation_pct", "maturity_mean_level")


def change(now: float | None, before: float | None) -> float | None:
    """A KPI's change against the quarter before; None when either is missing."""
    return None if now is None or before is None else now - before


def test_scorecard_strategy_and_capability_changes_equal_the_oracle(demo: Truth) -> None:
    frame = demo.marts["mart_pmo_value_scorecard_quarterly"].copy()
    frame["quarter_start"] = pd.to_datetime(frame["quarter_start"]).dt.date
    quarters = sorted(frame["quarter_start"])
    values = strategy_and_capability(demo, quarters)
    expected = {
        quarter: {
            f"{kpi}_qoq_change": change(values[quarter][kpi], values[previous][kpi])
            if previous
            else None
            for kpi in CHANGED_KPIS
        }
        for previous, quarter in zip([None, *quarters], quarters, strict=False)
    }
    columns = list(expected[quarters[0]])
    assert records(frame, ["quarter_start"], columns) == approx(expected)
    changes = [row["maturity_mean_level_qoq_change"] for row in expected.values()]
    assert any(changes)  # a level that moved: a change worth comparing


# The same comparisons on the messy Jira site (tests/transforms/test_portfolio_oracle_messy.py,
# where its session-built warehouse lives).
ORACLE_CHECKS = (
    test_portfolio_health_equals_the_oracle,
    test_strategic_alignment_per_objective_and_quarter_equals_the_oracle,
    test_alignment_summary_per_quarter_equals_the_oracle,
    test_maturity_per_assessment_and_domain_equals_the_oracle,
    test_scorecard_strategy_and_capability_equal_the_oracle,
    test_scorecard_customer_delivery_pillars_and_composite_equal_the_oracle,
    test_scorecard_strategy_and_capability_changes_equal_the_oracle,
)
