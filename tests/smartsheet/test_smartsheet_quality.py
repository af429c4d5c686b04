"""The Smartsheet rows suite guards what dbt reads: a task's status label, matched to the seed
portfolio_rag_labels as the portfolio matches it (trimmed, any case), warns when unknown."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from quality.tables import TABLE_SUITES
from quality.validate import FailedExpectation, validate_table

ROWS_SUITE = next(s for s in TABLE_SUITES if s.name == "raw_smartsheet.rows")


@pytest.fixture(scope="module")
def loaded_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small portfolio loaded once by the real source over HTTP."""
    from connectors.smartsheet import smartsheet_source
    from sandbox.smartsheet.emulator import SmartsheetEmulator
    from tests.smartsheet.conftest import TOKEN, raw_pipeline, settings, small_portfolio

    directory = tmp_path_factory.mktemp("rows_quality")
    with SmartsheetEmulator(small_portfolio(), access_token=TOKEN) as server:
        raw_pipeline("rows", directory).run(smartsheet_source(**settings(server)))
    return directory / "rows.duckdb"


@pytest.fixture
def rows_with_status(loaded_rows: Path, tmp_path: Path) -> Callable[[str], list[FailedExpectation]]:
    """The rows suite's failures on a copy of the loaded rows whose first task has `status`."""

    def validate(status: str) -> list[FailedExpectation]:
        copy = shutil.copy(loaded_rows, tmp_path / "rows.duckdb")
        with duckdb.connect(str(copy)) as con:
            con.execute(
                "update raw_smartsheet.rows set status = ? "
                "where row_id = (select min(row_id) from raw_smartsheet.rows)",
                [status],
            )
        return validate_table(Path(copy), ROWS_SUITE).failures

    return validate


def test_a_status_label_the_seed_does_not_list_warns(rows_with_status) -> None:
    (failure,) = rows_with_status("Violet")
    seen = (failure.column, failure.severity, failure.unexpected_count, failure.sample)
    assert seen == ("status_label", "warning", 1, ["violet"])


@pytest.mark.parametrize("label", ["  ROT ", "On track", "Grün"])
def test_a_status_label_the_seed_lists_passes_in_any_case_and_spacing(
    rows_with_status, label: str
) -> None:
    assert rows_with_status(label) == []
