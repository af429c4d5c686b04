"""A large full load builds its tables in a worker process, landing the rows it would in process."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import dlt
import pytest

from connectors.jira import jira_source
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import FLOAT_FIELD_TYPE, FieldDef, Issue, JiraSite, generate_site
from tests.jira.conftest import EMAIL, TOKEN, cloud_settings

Query = Callable[[str], list[tuple[Any, ...]]]
RISK = FieldDef("customfield_12345", "Risk score", True, "number", schema_custom=FLOAT_FIELD_TYPE)
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


def test_a_field_of_two_types_in_one_full_load_lands_as_built_in_process(
    load: Callable,
    query: Query,
    site: JiraSite,
    emulator: JiraEmulator,
    other_pipeline: tuple[dlt.Pipeline, Query],
    caplog: pytest.LogCaptureFixture,
) -> None:
    site.add_field(RISK)
    site.set_custom_value("APOLLO-2", RISK.id, 7.5, site.as_of + timedelta(hours=1))
    site.set_custom_value("APOLLO-3", RISK.id, "high", site.as_of + timedelta(hours=2))
    with caplog.at_level(logging.WARNING):
        load(build_in_worker_from=0)
        in_process, in_process_query = other_pipeline
        in_process.run(jira_source(**cloud_settings(emulator, build_in_worker_from=10**9)))
    sql = "select * exclude (_dlt_load_id, _dlt_id) from raw_jira.issues order by id"
    assert query(sql) == in_process_query(sql)
    reports = [
        r.getMessage() for r in caplog.records if f"{RISK.id} changed type" in r.getMessage()
    ]
    assert len(reports) == 2 and reports[0] == reports[1]


def test_an_issue_read_twice_in_a_full_load_built_in_a_worker_lands_once_as_in_process(
    site: JiraSite,
    pipeline: dlt.Pipeline,
    query: Query,
    other_pipeline: tuple[dlt.Pipeline, Query],
) -> None:
    """An issue edited after it was read moves to the end of a search by `updated`, where the
    load reads it again: the cursor skips it there, and the page is built without it."""
    edits = load_while_editing(site, pipeline, build_in_worker_from=0)
    assert edits.edited  # issues were read again
    in_process, in_process_query = other_pipeline
    load_while_editing(generate_site(issues_per_project=30), in_process)
    for table, (grain, dlt_columns) in TABLES.items():
        other = ", raw" if table == "issues" else ""  # `raw` names each emulator's address
        sql = f"select * exclude ({dlt_columns}{other}) from raw_jira.{table} order by {grain}"
        rows = query(sql)
        assert len(rows) == len(set(rows)) > 0
        assert rows == in_process_query(sql)


def load_while_editing(site: JiraSite, pipeline: dlt.Pipeline, **settings: Any) -> "EditServed":
    """A serial full load (pages of 7) of `site` while `EditServed` edits it."""
    edits = EditServed(site)
    with JiraEmulator(
        site, email=EMAIL, api_token=TOKEN, clock=edits.clock, on_search=edits
    ) as emulator:
        source = jira_source(**cloud_settings(emulator, slice_from=10**9, page_size=7, **settings))
        pipeline.run(source.with_resources("issues", "changelog_items", "issue_sprints"))
    return edits


class EditServed:
    """Edits an issue already served after each search page, a minute later each time on Jira's
    clock (`on_search`)."""

    def __init__(self, site: JiraSite) -> None:
        self.site = site
        self.now = site.as_of + timedelta(days=1)
        self.served: list[str] = []
        self.edited: list[str] = []

    def clock(self) -> datetime:
        return self.now

    def __call__(self, page: list[Issue]) -> None:
        waiting = [key for key in self.served if key not in self.edited]
        if waiting:
            self.now += timedelta(minutes=1)
            self.site.edit_summary(waiting[0], f"edited at {self.now}", self.now)
            self.edited.append(waiting[0])
        self.served += [issue.key for issue in page]
