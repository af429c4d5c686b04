"""Boards, sprints and current sprint membership from the agile API and the sprint field."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite
from tests.jira.conftest import FullLoad

Query = Callable[[str], list[tuple[Any, ...]]]


def test_agile_endpoints_cap_max_results_at_50(emulator: JiraEmulator, api: Callable) -> None:
    page = api("GET", "/rest/agile/1.0/board/1/sprint", params={"maxResults": 500}).json()
    assert page["maxResults"] == 50
    assert len(page["values"]) <= 50


def test_sprint_pages_follow_is_last(api: Callable, site: JiraSite) -> None:
    path = "/rest/agile/1.0/board/1/sprint"
    first = api("GET", path, params={"maxResults": 20}).json()
    rest = api("GET", path, params={"startAt": 20, "maxResults": 50}).json()
    expected = [s.id for s in site.sprints if s.board_id == 1]
    assert [s["id"] for s in first["values"] + rest["values"]] == expected
    assert (first["isLast"], rest["isLast"]) == (False, True)


def test_every_board_of_the_projects_is_loaded(full_load: FullLoad) -> None:
    loaded = full_load.query("select project_key, type from raw_jira.boards order by id")
    assert loaded == [(b.project_key, b.type) for b in full_load.site.boards]


def test_every_sprint_is_loaded_with_its_state_and_dates(full_load: FullLoad) -> None:
    loaded = full_load.query("select id, state, start_date, complete_date from raw_jira.sprints")
    expected = {(s.id, s.state, s.start, s.complete) for s in full_load.site.sprints}
    assert set(loaded) == expected


def test_issue_sprints_hold_each_issues_current_sprints(full_load: FullLoad) -> None:
    rows = full_load.query("select issue_key, sprint_id from raw_jira.issue_sprints")
    expected = {(k, s) for k, i in full_load.site.issues.items() for s in i.sprint_ids}
    assert set(rows) == expected


def test_an_issue_sent_back_to_the_backlog_leaves_its_sprints(
    load: Callable, query: Query, site: JiraSite
) -> None:
    load(("issues", "issue_sprints"))
    issue = next(i for i in site.issues.values() if len(i.sprint_ids) >= 2)
    site.set_sprints(issue.key, [], site.as_of + timedelta(hours=1))
    load(("issues", "issue_sprints"))
    rows = query(f"select count(*) from raw_jira.issue_sprints where issue_key = '{issue.key}'")
    assert rows == [(0,)]
    assert query(f"select sprint_ids from raw_jira.issues where key = '{issue.key}'") == [("[]",)]


def test_an_issue_moved_to_another_sprint_keeps_only_the_new_one(
    load: Callable, query: Query, site: JiraSite
) -> None:
    load(("issues", "issue_sprints"))
    issue = next(i for i in site.issues.values() if i.sprint_ids)
    future = next(s for s in site.sprints if s.state == "future")
    site.set_sprints(issue.key, [future.id], site.as_of + timedelta(hours=1))
    load(("issues", "issue_sprints"))
    rows = query(f"select sprint_id from raw_jira.issue_sprints where issue_key = '{issue.key}'")
    assert rows == [(future.id,)]
    sprint_ids = query(f"select sprint_ids from raw_jira.issues where key = '{issue.key}'")
    assert json.loads(sprint_ids[0][0]) == [future.id]
