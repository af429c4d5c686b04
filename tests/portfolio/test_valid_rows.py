"""valid_rows (transforms/tests/generic/valid_rows.sql) checks a model's key, not-null columns
and accepted values in one dbt test node: each rule still fails the build on its own."""

from __future__ import annotations

import duckdb

from tests.transforms.conftest import dbt

ROWS = [
    ("APOLLO", "smartsheet"),
    ("ZEUS", "smartsheet"),  # a duplicate key: both rows fail
    ("ZEUS", "project_register"),
    (None, "smartsheet"),  # a null key column
    ("HERMES", "excel"),  # a source the mart cannot hold
]


def test_one_valid_rows_node_fails_on_a_duplicate_key_a_null_and_an_unlisted_value(tmp_path):
    warehouse = tmp_path / "pmo.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.mart_portfolio_schedule (project_key text, source_system text)"
        )
        con.executemany("insert into marts.mart_portfolio_schedule values (?, ?)", ROWS)
    result = dbt(warehouse, "test", "--select", "mart_portfolio_schedule,test_name:valid_rows")
    assert result.returncode == 1
    assert "Got 4 results" in result.stdout, result.stdout[-2000:]


def dbt_check_descriptions() -> dict[str, str]:
    """Check name -> the description Dagster shows for the check of each dbt test."""
    from pipelines.defs.transforms import pmo_dbt_models

    return {spec.name: spec.description or "" for spec in pmo_dbt_models.check_specs}


def test_a_valid_rows_check_describes_its_key_not_null_columns_and_accepted_values() -> None:
    (description,) = (
        text
        for name, text in dbt_check_descriptions().items()
        if name.startswith("valid_rows_mart_portfolio_schedule_")
    )
    assert description == (
        "Each row keeps every rule: key (project_key) unique; project_key, source_system not "
        "null; source_system in (smartsheet, project_register). A failing row names the rules "
        "it breaks in failed_rules."
    )


def test_every_valid_rows_check_says_what_it_checks() -> None:
    undescribed = [
        name
        for name, description in dbt_check_descriptions().items()
        if name.startswith("valid_rows") and "Each row keeps every rule" not in description
    ]
    assert not undescribed
