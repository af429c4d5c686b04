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
