"""Suites evaluated inside DuckDB: row conditions, repeats, refusals, stored results."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import great_expectations as gx
import pandas as pd
import pytest

from quality.pushdown import Sql, rule_for
from quality.tables import TABLE_SUITES
from quality.validate import DocsWrite, validate_table
from tests.quality.static_references import StaticReferences

SUITES = {suite.name: suite for suite in TABLE_SUITES}
NO_REFERENCES = StaticReferences({})


@pytest.fixture
def delivery_rates() -> pd.DataFrame:
    """Waves of the value delivery rate mart: the suppressed one shows no number."""
    return pd.DataFrame(
        {
            "wave": ["2026-Q1", "2026-Q2", "2026-Q3"],
            "value_delivery_rate_pct": [72.5, None, 64.0],
            "is_suppressed": [False, True, False],
        }
    )


def test_a_row_condition_limits_the_rows_an_expectation_checks(write_table, delivery_rates):
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    summary = validate_table(warehouse, SUITES["marts.mart_value_delivery_rate"])
    assert summary.failures == []


def test_a_number_shown_for_a_suppressed_wave_fails(write_table, delivery_rates):
    delivery_rates.loc[1, "value_delivery_rate_pct"] = 50.0
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    (failure,) = validate_table(warehouse, SUITES["marts.mart_value_delivery_rate"]).failures
    assert (failure.expectation, failure.unexpected_count, failure.sample) == (
        "expect_column_values_to_be_null",
        1,
        [50.0],
    )


def test_every_copy_of_a_repeated_key_is_counted(write_table) -> None:
    projects = pd.DataFrame({"id": ["1", "2", "2", "2"], "key": ["A", "B", "C", "D"]})
    warehouse = write_table("raw_jira", "projects", projects)
    summary = validate_table(warehouse, SUITES["raw_jira.projects"], references=NO_REFERENCES)
    (failure,) = summary.failures
    assert (failure.column, failure.unexpected_count, failure.sample) == ("id", 3, ["2"] * 3)


def test_an_expectation_without_a_sql_translation_is_refused() -> None:
    mean = gx.expectations.ExpectColumnMeanToBeBetween(column="score", min_value=1, max_value=5)
    with pytest.raises(NotImplementedError, match="expect_column_mean_to_be_between"):
        rule_for(mean, Sql())


def test_results_and_data_docs_are_stored_under_the_project_root(
    write_table, delivery_rates, tmp_path: Path
) -> None:
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    summary = validate_table(warehouse, SUITES["marts.mart_value_delivery_rate"], tmp_path / "gx")
    assert summary.docs_index is not None and summary.docs_index.is_relative_to(tmp_path)
    assert "marts.mart_value_delivery_rate" in summary.docs_index.read_text()


def test_deferred_data_docs_are_written_where_the_summary_links(
    write_table, delivery_rates, tmp_path: Path
) -> None:
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    suite = SUITES["marts.mart_value_delivery_rate"]
    at_once = validate_table(warehouse, suite, tmp_path / "now")
    writes: list[DocsWrite] = []
    later = validate_table(warehouse, suite, tmp_path / "later", defer_docs=writes.append)
    for write in writes:
        write()
    assert later.docs_index == tmp_path / "later" / at_once.docs_index.relative_to(tmp_path / "now")
    assert "marts.mart_value_delivery_rate" in later.docs_index.read_text()


def test_a_validation_with_deferred_data_docs_stores_nothing_until_the_write(
    write_table, delivery_rates, tmp_path: Path
) -> None:
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    writes: list[DocsWrite] = []
    summary = validate_table(
        warehouse, SUITES["marts.mart_value_delivery_rate"], tmp_path, defer_docs=writes.append
    )
    assert summary.passed
    assert (len(writes), stored_validations(tmp_path)) == (1, [])
    assert not summary.docs_index.exists()


def test_a_deferred_result_keeps_the_time_of_its_validation(
    write_table, delivery_rates, tmp_path: Path
) -> None:
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    writes: list[DocsWrite] = []
    validate_table(
        warehouse, SUITES["marts.mart_value_delivery_rate"], tmp_path, defer_docs=writes.append
    )
    validated_by = datetime.now(UTC)
    (write,) = writes
    write()
    (stored,) = [path for path in stored_validations(tmp_path) if path.suffix == ".json"]
    validated_at = datetime.fromisoformat(json.loads(stored.read_text())["meta"]["validation_time"])
    assert validated_at <= validated_by


def test_a_missing_contracted_column_is_named(write_table) -> None:
    projects = pd.DataFrame({"id": ["1", "2"]})
    warehouse = write_table("raw_jira", "projects", projects)
    with pytest.raises(LookupError, match=r"raw_jira\.projects has no column key"):
        validate_table(warehouse, SUITES["raw_jira.projects"], references=NO_REFERENCES)


def test_the_data_docs_index_lists_only_the_newest_validations(
    write_table, delivery_rates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("quality.validate.DOCS_INDEX_LIMIT", 2)
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    runs = [
        validate_table(warehouse, SUITES["marts.mart_value_delivery_rate"], tmp_path / "gx")
        for _ in range(3)
    ]
    index = runs[-1].docs_index.read_text()
    assert index.count("validations/marts/mart_value_delivery_rate/") == 2


def stored_validations(root: Path) -> list[Path]:
    """The stored results (.json) and Data Docs pages (.html) of validations under ``root``."""
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and "validations" in path.parts and path.suffix in (".json", ".html")
    ]


@pytest.fixture
def no_validation_history(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep no stored validation but the newest of each suite."""
    monkeypatch.setenv("QUALITY__VALIDATION_HISTORY_DAYS", "0")


def test_results_and_pages_older_than_the_history_window_are_deleted(
    write_table, delivery_rates, tmp_path: Path, no_validation_history
) -> None:
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    runs = [
        validate_table(warehouse, SUITES["marts.mart_value_delivery_rate"], tmp_path / "gx")
        for _ in range(3)
    ]
    assert sorted(path.suffix for path in stored_validations(tmp_path)) == [".html", ".json"]
    assert runs[-1].docs_index.read_text().count("validations/marts/") == 1


def test_deleted_validations_leave_no_empty_folders(
    write_table, delivery_rates, tmp_path: Path, no_validation_history
) -> None:
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    for _ in range(3):
        validate_table(warehouse, SUITES["marts.mart_value_delivery_rate"], tmp_path / "gx")
    folders = [
        path for path in tmp_path.rglob("*") if path.is_dir() and "validations" in path.parts
    ]
    assert [folder for folder in folders if not any(folder.iterdir())] == []


def test_validations_within_the_history_window_are_kept(
    write_table, delivery_rates, tmp_path: Path
) -> None:
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    for _ in range(3):
        validate_table(warehouse, SUITES["marts.mart_value_delivery_rate"], tmp_path / "gx")
    assert len(stored_validations(tmp_path)) == 6


def test_a_suite_deletes_only_its_own_old_validations(
    write_table, delivery_rates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    projects = write_table("raw_jira", "projects", pd.DataFrame({"id": ["1"], "key": ["A"]}))
    validate_table(projects, SUITES["raw_jira.projects"], tmp_path / "gx", NO_REFERENCES)
    monkeypatch.setenv("QUALITY__VALIDATION_HISTORY_DAYS", "0")
    warehouse = write_table("marts", "mart_value_delivery_rate", delivery_rates)
    for _ in range(2):
        validate_table(warehouse, SUITES["marts.mart_value_delivery_rate"], tmp_path / "gx")
    kept = {path.parent.parent.parent.name for path in stored_validations(tmp_path)}
    assert kept == {"projects", "mart_value_delivery_rate"}
