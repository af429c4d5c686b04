"""A file deleted from the landing location is recorded; its rows stay or go by policy."""

from __future__ import annotations

import pytest

from .builders import A_ROWS, write_survey
from .conftest import Warehouse

TABLES = ("survey_responses", "survey_answers", "quarantine")


def rows_of(warehouse: Warehouse, table: str, source_file: str) -> int:
    return warehouse.rows(f"select count(*) from {table} where source_file = '{source_file}'")[0][0]


def test_by_default_a_deleted_files_rows_are_kept(deletion_kept: Warehouse):
    assert {table: rows_of(deletion_kept, table, "a.xlsx") for table in TABLES} == {
        "survey_responses": 2,
        "survey_answers": 8,
        "quarantine": 1,
    }


def test_a_deleted_file_is_recorded_on_its_last_version(deletion_kept: Warehouse):
    assert deletion_kept.rows(
        "select status, rows_loaded, rows_quarantined, deleted_at > seen_at from source_files "
        "where source_file = 'a.xlsx'"
    ) == [("deleted", 2, 1, True)]
    assert deletion_kept.rows(
        "select status, deleted_at from source_files where source_file = 'b.xlsx'"
    ) == [("loaded", None)]


def test_with_the_remove_policy_a_deleted_files_rows_and_quarantine_go(
    deletion_removed: Warehouse,
):
    assert {table: rows_of(deletion_removed, table, "a.xlsx") for table in TABLES} == dict.fromkeys(
        TABLES, 0
    )
    assert rows_of(deletion_removed, "survey_answers", "b.xlsx") == 4
    assert deletion_removed.rows(
        "select status from source_files where source_file = 'a.xlsx'"
    ) == [("removed",)]


def test_a_deletion_is_recorded_once(two_surveys: Warehouse):
    two_surveys.load()
    first = two_surveys.rows("select deleted_at from source_files where source_file = 'a.xlsx'")
    two_surveys.load()
    assert (
        two_surveys.rows("select deleted_at from source_files where source_file = 'a.xlsx'")
        == first
    )


def test_a_removed_file_that_comes_back_loads_again(two_surveys: Warehouse):
    two_surveys.load(deleted_files="remove")
    write_survey(two_surveys.landing_dir / "a.xlsx", A_ROWS)
    two_surveys.load(deleted_files="remove")
    assert rows_of(two_surveys, "survey_responses", "a.xlsx") == 2
    assert two_surveys.rows(
        "select status, deleted_at from source_files where source_file = 'a.xlsx'"
    ) == [("loaded", None)]


def test_an_unknown_policy_fails_the_run(warehouse: Warehouse):
    with pytest.raises(Exception, match="deleted_files must be one of keep, remove"):
        warehouse.load(deleted_files="purge")
