"""A large full load builds its tables in a worker process, landing the rows it would in process."""

from collections.abc import Callable
from typing import Any

import dlt
import pytest

from connectors.jira import jira_source
from sandbox.jira.emulator import JiraEmulator
from tests.jira.conftest import cloud_settings

Query = Callable[[str], list[tuple[Any, ...]]]
# Per table: its grain and the dlt columns that differ between loads by design.
TABLES = {
    "issues": ("id", "_dlt_load_id, _dlt_id"),
    "changelog_items": ("history_id, item_index", "_dlt_load_id"),
    "issue_sprints": ("issue_id, sprint_id", "_dlt_load_id, _dlt_id"),
}


@pytest.mark.parametrize("table", TABLES)
def test_a_full_load_built_in_a_worker_lands_the_rows_built_in_process(
    table: str,
    load: Callable,
    query: Query,
    emulator: JiraEmulator,
    other_pipeline: tuple[dlt.Pipeline, Query],
) -> None:
    load(build_in_worker_from=0)
    in_process, in_process_query = other_pipeline
    in_process.run(jira_source(**cloud_settings(emulator, build_in_worker_from=10**9)))
    grain, dlt_columns = TABLES[table]
    sql = f"select * exclude ({dlt_columns}) from raw_jira.{table} order by {grain}"
    rows = query(sql)
    assert rows
    assert rows == in_process_query(sql)
