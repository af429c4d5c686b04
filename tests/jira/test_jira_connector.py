"""The dlt Jira source loads the emulator's site into DuckDB completely and incrementally."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import dlt
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from connectors.jira import jira_source
from connectors.jira.errors import JiraConfigError
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite
from tests.jira.conftest import EMAIL, TOKEN, FullLoad, cloud_settings, root_cause

Query = Callable[[str], list[tuple[Any, ...]]]


def count(query: Query, table: str) -> int:
    return query(f"select count(*) from raw_jira.{table}")[0][0]


def test_full_load_lands_every_issue_project_status_and_field(full_load: FullLoad) -> None:
    site, query = full_load.site, full_load.query
    assert count(query, "issues") == len(site.issues)
    assert count(query, "projects") == len(site.projects)
    assert count(query, "statuses") == len(site.statuses)
    assert count(query, "fields") == len(site.fields)


def test_changelog_items_are_complete_beyond_the_embedded_40(full_load: FullLoad) -> None:
    site, query = full_load.site, full_load.query
    expected = sum(len(h.items) for i in site.issues.values() for h in i.histories)
    long = next(i for i in site.issues.values() if len(i.histories) > 40)
    loaded_histories = query(
        "select count(distinct history_id) from raw_jira.changelog_items "
        f"where issue_key = '{long.key}'"
    )[0][0]
    assert count(query, "changelog_items") == expected
    assert loaded_histories == len(long.histories)


def test_long_changelogs_are_completed_with_bulk_fetch(full_load: FullLoad) -> None:
    counts = full_load.request_counts
    assert counts["/rest/api/3/changelog/bulkfetch"] >= 1
    assert not any(path.endswith("/changelog") for path in counts)


def test_status_moves_carry_status_ids(full_load: FullLoad) -> None:
    moves = full_load.query(
        "select from_value, to_value from raw_jira.changelog_items where field_id = 'status'"
    )
    status_ids = {s.id for s in full_load.site.statuses}
    assert moves
    assert all(f in status_ids and t in status_ids for f, t in moves)


def test_issue_columns_match_the_site(full_load: FullLoad) -> None:
    rows = full_load.query(
        "select key, status_category_key, story_points, created, parent_key, sprint_ids "
        "from raw_jira.issues"
    )
    for key, category, points, created, parent, sprints in rows:
        issue = full_load.site.issues[key]
        assert (category, points, parent) == (
            issue.status_category_key,
            issue.story_points,
            issue.parent_key,
        )
        assert created == issue.created
        assert json.loads(sprints) == issue.sprint_ids


def test_field_roles_are_found_by_schema_not_by_id(full_load: FullLoad) -> None:
    roles = dict(full_load.query("select role, id from raw_jira.fields where role is not null"))
    assert roles == {
        role: full_load.site.field_for(role).id for role in ("story_points", "sprint", "start_date")
    }


def test_field_role_override_wins(load: Callable, query: Query) -> None:
    load(story_points_field="customfield_99999")
    story_points = query("select count(story_points) from raw_jira.issues")[0][0]
    assert story_points == 0


def test_second_run_without_changes_writes_nothing(
    load: Callable, query: Query, emulator: JiraEmulator
) -> None:
    load()
    before = query("select count(*), max(_dlt_load_id) from raw_jira.issues")
    changelog_before = count(query, "changelog_items")
    emulator.reset_counts()
    load()
    assert query("select count(*), max(_dlt_load_id) from raw_jira.issues") == before
    assert count(query, "changelog_items") == changelog_before
    assert emulator.request_counts["/rest/api/3/search/jql"] == 1


def test_a_source_run_again_merges_its_changes_into_the_full_load(
    pipeline: dlt.Pipeline, emulator: JiraEmulator, query: Query, site: JiraSite
) -> None:
    """The full load replaces the tables; the same source object, run again, must merge."""
    source = jira_source(**cloud_settings(emulator))
    pipeline.run(source)
    key = next(iter(site.issues))
    site.edit_summary(key, "edited after the full load", site.as_of + timedelta(hours=1))
    pipeline.run(source)
    assert count(query, "issues") == len(site.issues)
    assert query(f"select summary from raw_jira.issues where key = '{key}'") == [
        ("edited after the full load",)
    ]


def test_changed_issue_is_updated_not_duplicated(
    load: Callable, query: Query, site: JiraSite
) -> None:
    load()
    issue = next(i for i in site.issues.values() if i.status_category_key == "new")
    site.transition(
        issue.key, issue.project.workflow.in_progress.id, site.as_of + timedelta(hours=1)
    )
    load()
    rows = query(f"select status_name from raw_jira.issues where key = '{issue.key}'")
    moves = query(
        "select count(*) from raw_jira.changelog_items "
        f"where issue_key = '{issue.key}' and field_id = 'status'"
    )
    assert rows == [(issue.project.workflow.in_progress.name,)]
    assert moves == [(1,)]
    assert count(query, "issues") == len(site.issues)


def test_issue_updated_late_inside_the_lookback_window_is_loaded(
    load: Callable, query: Query, site: JiraSite
) -> None:
    load()
    newest = max(i.updated for i in site.issues.values())
    issue = next(i for i in site.issues.values() if i.updated < newest - timedelta(days=1))
    site.edit_summary(issue.key, "Renamed while the index lagged", newest - timedelta(minutes=5))
    load()
    assert query(f"select summary from raw_jira.issues where key = '{issue.key}'") == [
        ("Renamed while the index lagged",)
    ]


def test_settings_resolve_from_environment_variables(
    monkeypatch: pytest.MonkeyPatch, pipeline, emulator: JiraEmulator, query: Query
) -> None:
    monkeypatch.setenv("SOURCES__JIRA__BASE_URL", emulator.base_url)
    monkeypatch.setenv("SOURCES__JIRA__EMAIL", EMAIL)
    monkeypatch.setenv("SOURCES__JIRA__API_TOKEN", TOKEN)
    monkeypatch.setenv("SOURCES__JIRA__PROJECTS", "ZEUS, ATLAS")
    pipeline.run(jira_source())
    assert query("select distinct project_key from raw_jira.issues order by 1") == [
        ("ATLAS",),
        ("ZEUS",),
    ]


def test_missing_base_url_is_a_one_line_error_naming_the_setting(pipeline) -> None:
    with pytest.raises(PipelineStepFailed) as failure:
        pipeline.run(jira_source(base_url=None, email=EMAIL, api_token=TOKEN, projects="ZEUS"))
    cause = root_cause(failure.value)
    assert isinstance(cause, JiraConfigError)
    assert "SOURCES__JIRA__BASE_URL" in str(cause)
    assert "\n" not in str(cause)


@pytest.mark.parametrize("projects", ["ZEUS) OR project is not EMPTY", "zeus", "ZE US", ""])
def test_project_keys_that_could_inject_jql_are_refused(
    load: Callable, emulator: JiraEmulator, projects: str
) -> None:
    with pytest.raises(PipelineStepFailed) as failure:
        load(projects=projects)
    assert "SOURCES__JIRA__PROJECTS" in str(root_cause(failure.value))
    assert emulator.request_counts["/rest/api/3/search/jql"] == 0


def test_a_jql_filter_narrows_the_scope(load: Callable, query: Query, site: JiraSite) -> None:
    load(("issues",), jql_filter="issuetype in (Bug, Task)")
    expected = {k for k, i in site.issues.items() if i.issue_type.name in ("Bug", "Task")}
    assert {r[0] for r in query("select key from raw_jira.issues")} == expected


def test_progress_comes_from_the_approximate_count(load: Callable, emulator: JiraEmulator) -> None:
    load(("issues",))
    assert emulator.request_counts["/rest/api/3/search/approximate-count"] == 1
