"""A corrected version of a file replaces everything that file loaded before."""

from __future__ import annotations

from pathlib import Path

from connectors.spreadsheets import spreadsheet_source

from .builders import survey_row, write_survey
from .conftest import Warehouse
from .conftest import stored_response_id as stored


def test_a_corrected_file_replaces_its_rows_and_clears_its_quarantine(
    landing: Path, warehouse: Warehouse
):
    path = landing / "survey.xlsx"
    write_survey(path, [survey_row(1), survey_row(2), survey_row(3, overall_value=9)])
    warehouse.load()
    write_survey(path, [survey_row(1, comment="corrected"), survey_row(3)])  # 2 removed, 3 fixed
    warehouse.load()
    assert set(warehouse.rows("select response_id, comment from survey_responses")) == {
        (stored("2026-Q1-0001"), "corrected"),
        (stored("2026-Q1-0003"), "fine"),
    }
    assert warehouse.count("quarantine") == 0
    assert set(warehouse.rows("select distinct response_id from survey_answers")) == {
        (stored("2026-Q1-0001"),),
        (stored("2026-Q1-0003"),),
    }


def test_a_corrected_file_leaves_other_files_alone(landing: Path, warehouse: Warehouse):
    write_survey(landing / "a.xlsx", [survey_row(1)])
    write_survey(landing / "b.xlsx", [survey_row(2)])
    warehouse.load()
    write_survey(landing / "a.xlsx", [survey_row(5)])
    warehouse.load()
    assert set(warehouse.rows("select response_id, source_file from survey_responses")) == {
        (stored("2026-Q1-0002"), "b.xlsx"),
        (stored("2026-Q1-0005"), "a.xlsx"),
    }


def test_each_version_of_a_file_is_recorded_once(landing: Path, warehouse: Warehouse):
    path = landing / "survey.xlsx"
    write_survey(path, [survey_row(1)])
    warehouse.load()
    write_survey(path, [survey_row(1), survey_row(2)])
    warehouse.load()
    warehouse.load()
    assert warehouse.rows(
        "select source_file, rows_loaded from source_files order by rows_loaded"
    ) == [("survey.xlsx", 1), ("survey.xlsx", 2)]


def test_replace_markers_never_reach_the_tables(landing: Path, warehouse: Warehouse):
    write_survey(landing / "survey.xlsx", [survey_row(1)])
    warehouse.load()
    warehouse.load()
    assert warehouse.rows(
        "select count(*) from survey_responses where is_replace_marker is not null"
    ) == [(0,)]


def test_one_source_object_reused_for_two_runs_sees_the_new_file(
    landing: Path, warehouse: Warehouse
):
    source = spreadsheet_source(str(landing), "key")
    write_survey(landing / "survey.xlsx", [survey_row(1)])
    warehouse.pipeline.run(source)
    write_survey(landing / "survey.xlsx", [survey_row(1), survey_row(2)])
    warehouse.pipeline.run(source)
    assert warehouse.count("survey_responses") == 2


def test_waves_may_reuse_response_numbers(landing: Path, warehouse: Warehouse):
    write_survey(landing / "q1.xlsx", [survey_row(1, response_id="1")])
    write_survey(landing / "q2.xlsx", [survey_row(2, response_id="1", wave="2026-Q2")])
    warehouse.load()
    assert set(warehouse.rows("select response_id from survey_responses")) == {
        (stored("1"),),
        (stored("1", wave="2026-Q2"),),
    }


def test_a_response_id_another_file_of_the_same_load_holds_is_quarantined(
    landing: Path, warehouse: Warehouse
):
    write_survey(landing / "a.xlsx", [survey_row(1)])
    write_survey(landing / "b.xlsx", [survey_row(1, comment="copy"), survey_row(2)])
    warehouse.load()
    assert set(warehouse.rows("select response_id, source_file from survey_responses")) == {
        (stored("2026-Q1-0001"), "a.xlsx"),
        (stored("2026-Q1-0002"), "b.xlsx"),
    }
    assert warehouse.rows("select source_file, source_row, value, reason from quarantine") == [
        ("b.xlsx", 2, stored("2026-Q1-0001"), "duplicate response_id (first on a.xlsx row 2)")
    ]


def test_a_file_loaded_later_with_the_same_response_id_replaces_the_response(
    landing: Path, warehouse: Warehouse
):
    write_survey(landing / "a.xlsx", [survey_row(1)])
    warehouse.load()
    write_survey(landing / "b.xlsx", [survey_row(1, **{"SVC-REP|value": None})])
    warehouse.load()
    assert warehouse.rows("select distinct source_file from survey_responses") == [("b.xlsx",)]
    assert warehouse.rows("select source_file, count(*) from survey_answers group by 1") == [
        ("b.xlsx", 3)
    ]
