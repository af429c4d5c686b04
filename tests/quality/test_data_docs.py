"""The checks' Data Docs are written once the run's steps are done, and complete by its end."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipelines.defs.quality import quality_project_root, suite_checks
from pipelines.defs.resources import DataDocs, Warehouse
from quality.tables import TABLE_SUITES

RATES = dg.AssetKey(["marts", "mart_value_delivery_rate"])


def stored_results(root: Path) -> list[Path]:
    """Validation results Great Expectations stored under ``root``."""
    return [path for path in root.rglob("*.json") if "validations" in path.parts]


def test_a_run_writes_its_data_docs_after_its_last_step(write_table, tmp_path: Path) -> None:
    rates = pd.DataFrame({"wave": ["2026-Q1"], "value_delivery_rate_pct": [72.5]})
    rates["is_suppressed"] = False
    warehouse = write_table(*RATES.path, rates)
    (check,) = [c for c in suite_checks if c.check_key.asset_key == RATES]
    seen_by_the_last_step: list[Path] = []

    @dg.asset(key=RATES)
    def crafted_rates() -> None:
        """Already in the warehouse (``write_table``)."""

    @dg.asset(deps=[RATES])
    def after_the_check() -> None:
        seen_by_the_last_step.extend(stored_results(quality_project_root(warehouse)))

    result = dg.materialize(
        [crafted_rates, check, after_the_check],
        resources={"warehouse": Warehouse(path=str(warehouse)), "data_docs": DataDocs()},
        instance=dg.DagsterInstance.ephemeral(),
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert seen_by_the_last_step == []
    assert len(stored_results(quality_project_root(warehouse))) == 1
    assert (
        "marts.mart_value_delivery_rate" in Path(evaluation.metadata["data_docs"].value).read_text()
    )


@pytest.mark.slow
def test_every_suite_of_a_run_has_its_page_once_the_run_ends(corrupted_run) -> None:
    """The failing suites too: the blocking failure skips the steps after it, not the pages."""
    root = quality_project_root(corrupted_run.warehouse)
    evaluations = [
        e for e in corrupted_run.result.get_asset_check_evaluations() if "data_docs" in e.metadata
    ]
    index = Path(evaluations[0].metadata["data_docs"].value).read_text()
    pages = [page.relative_to(root).as_posix() for page in root.rglob("*.html")]
    suites = {suite.name for suite in TABLE_SUITES}
    checked = {e.asset_key.to_user_string().replace("/", ".") for e in evaluations}
    assert not any(e.passed for e in evaluations if e.check_name == "gx_issues")
    assert checked <= suites
    assert all(name in index for name in checked)
    for name in checked:
        assert any(f"/validations/{name.replace('.', '/')}/" in page for page in pages), name
