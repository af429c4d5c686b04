"""Synthetic, filled PMO workbooks for the demo, the tests and the benchmarks.

``write_demo_workbooks`` writes one file per workbook (one per survey wave, as PMOs usually
receive them) into a landing folder, using the connector's own templates' layouts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from connectors.spreadsheets.layouts import (
    MATURITY_ASSESSMENT,
    NEEDS_REGISTER,
    PROJECT_REGISTER,
    SERVICE_CATALOGUE,
    STRATEGIC_OBJECTIVES,
    SURVEY,
)
from connectors.spreadsheets.template_writer import write_workbook
from sandbox.workbooks.portfolio import DemoPortfolio, Person, build_portfolio

__all__ = ["DemoPortfolio", "Person", "build_portfolio", "write_demo_workbooks", "write_portfolio"]


def write_demo_workbooks(
    landing_dir: Path,
    project_keys: Sequence[str],
    seed: int = 7,
    as_of: date = date(2026, 10, 1),
) -> list[Path]:
    """Generate the demo portfolio and write its workbooks into ``landing_dir``."""
    return write_portfolio(landing_dir, build_portfolio(project_keys, seed=seed, as_of=as_of))


def write_portfolio(landing_dir: Path, portfolio: DemoPortfolio) -> list[Path]:
    """Write an already built portfolio: one xlsx per workbook, one per survey wave."""
    landing_dir = Path(landing_dir)
    singles = (
        (SERVICE_CATALOGUE, portfolio.services),
        (NEEDS_REGISTER, portfolio.needs),
        (MATURITY_ASSESSMENT, portfolio.assessments),
        (PROJECT_REGISTER, portfolio.projects),
        (STRATEGIC_OBJECTIVES, portfolio.objectives),
    )
    paths = [
        write_workbook(landing_dir / f"{layout.workbook}.xlsx", layout, rows)
        for layout, rows in singles
    ]
    paths += [
        write_workbook(
            landing_dir / f"{SURVEY.workbook}_{wave}.xlsx", SURVEY, rows, portfolio.service_ids
        )
        for wave, rows in portfolio.survey_waves.items()
    ]
    return paths
