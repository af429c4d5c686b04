"""Incremental equivalence: after any sequence of Jira activity, the incrementally loaded
warehouse equals a fresh full load of the same site."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from connectors.jira import jira_source
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite
from tests.jira.conftest import cloud_settings, raw_jira_pipeline, reader

Query = Callable[[str], list[tuple[Any, ...]]]
TABLES = ("issues", "changelog_items", "issue_sprints")
SNAPSHOT = {
    "issues": "select id, key, status_id, summary, updated, story_points from raw_jira.issues",
    "changelog_items": (
        "select history_id, item_index, issue_id, field_id, to_value from raw_jira.changelog_items"
    ),
    "issue_sprints": "select issue_id, sprint_id from raw_jira.issue_sprints",
}


def snapshot(query: Query) -> dict[str, set[tuple[Any, ...]]]:
    return {table: set(query(sql)) for table, sql in SNAPSHOT.items()}


def full_snapshot(emulator: JiraEmulator, directory: Path) -> dict[str, set[tuple[Any, ...]]]:
    pipeline = raw_jira_pipeline(
        "jira_reference", directory / "reference.duckdb", directory / "reference_dlt"
    )
    pipeline.run(jira_source(**cloud_settings(emulator)).with_resources(*TABLES))
    return snapshot(reader(directory / "reference.duckdb"))


def play_activity(site: JiraSite, round_number: int) -> None:
    """Transitions, edits inside the lookback window, late-indexed new issues and a delete."""
    newest = max(i.updated for i in site.issues.values())
    now = site.as_of + timedelta(hours=round_number)
    open_issues = [i for i in site.issues.values() if i.status_category_key == "new"]
    site.transition(open_issues[0].key, open_issues[0].project.workflow.in_progress.id, now)
    old = [i for i in site.issues.values() if i.updated < newest - timedelta(days=2)]
    site.edit_summary(
        old[round_number].key, f"edited late {round_number}", newest - timedelta(minutes=3)
    )
    site.create_issue("HERMES", f"indexed late {round_number}", newest - timedelta(minutes=7))
    site.delete_issue(old[-1 - round_number].key)


def test_incremental_runs_equal_a_full_snapshot(
    load: Callable, query: Query, site: JiraSite, emulator: JiraEmulator, tmp_path: Path
) -> None:
    load(TABLES)
    for round_number in range(3):
        play_activity(site, round_number)
        load(TABLES, reconcile_hours=0)
    assert snapshot(query) == full_snapshot(emulator, tmp_path)


def test_incremental_runs_leave_no_duplicate_rows(
    load: Callable, query: Query, site: JiraSite
) -> None:
    load(TABLES)
    for round_number in range(2):
        play_activity(site, round_number)
        load(TABLES, reconcile_hours=0)
    assert query(
        "select count(*) - count(distinct (history_id, item_index)) from raw_jira.changelog_items"
    ) == [(0,)]
    assert query(
        "select count(*) - count(distinct (issue_id, sprint_id)) from raw_jira.issue_sprints"
    ) == [(0,)]
    assert query("select count(*) - count(distinct id) from raw_jira.issues") == [(0,)]


def test_each_issue_row_carries_the_load_id_of_the_run_that_wrote_it(
    load: Callable, query: Query, site: JiraSite
) -> None:
    first = load(TABLES).loads_ids[0]
    changed = next(iter(site.issues.values()))
    site.edit_summary(changed.key, "changed", site.as_of + timedelta(hours=1))
    second = load(TABLES).loads_ids[0]
    loaded = dict(query("select key, _dlt_load_id from raw_jira.issues"))
    assert second != first
    assert loaded.pop(changed.key) == second
    assert set(loaded.values()) == {first}
