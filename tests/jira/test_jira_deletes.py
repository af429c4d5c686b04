"""Issues deleted in Jira are found by id reconciliation and removed with their rows."""

from collections.abc import Callable
from typing import Any

from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite

Query = Callable[[str], list[tuple[Any, ...]]]
DELETABLE = ("issues", "changelog_items", "issue_sprints")


def rows_of(query: Query, issue_id: str) -> list[int]:
    return [
        query(f"select count(*) from raw_jira.issues where id = '{issue_id}'")[0][0],
        query(f"select count(*) from raw_jira.changelog_items where issue_id = '{issue_id}'")[0][0],
        query(f"select count(*) from raw_jira.issue_sprints where issue_id = '{issue_id}'")[0][0],
    ]


def deleted_issue(site: JiraSite) -> str:
    issue = next(i for i in site.issues.values() if i.sprint_ids and i.histories)
    site.delete_issue(issue.key)
    return issue.id


def test_a_deleted_issue_disappears_with_its_changelog_and_sprints(
    load: Callable, query: Query, site: JiraSite
) -> None:
    load(DELETABLE)
    issue_id = deleted_issue(site)
    load(DELETABLE, reconcile_hours=0)
    assert rows_of(query, issue_id) == [0, 0, 0]
    assert query("select count(*) from raw_jira.issues") == [(len(site.issues),)]


def test_other_issues_keep_their_rows_after_a_delete(
    load: Callable, query: Query, site: JiraSite
) -> None:
    load(DELETABLE)
    deleted_issue(site)
    load(DELETABLE, reconcile_hours=0)
    items = sum(len(h.items) for i in site.issues.values() for h in i.histories)
    assert query("select count(*) from raw_jira.changelog_items") == [(items,)]


def test_reconciliation_waits_for_its_interval(
    load: Callable, query: Query, site: JiraSite, emulator: JiraEmulator
) -> None:
    load(DELETABLE)
    issue_id = deleted_issue(site)
    emulator.reset_counts()
    load(DELETABLE, reconcile_hours=24)
    assert rows_of(query, issue_id)[0] == 1
    assert emulator.request_counts["/rest/api/3/search/jql"] == 1


def test_reconciliation_lists_ids_cheaply(
    load: Callable, site: JiraSite, emulator: JiraEmulator
) -> None:
    load(DELETABLE)
    emulator.reset_counts()
    load(DELETABLE, reconcile_hours=0)
    assert emulator.request_counts["/rest/api/3/search/jql"] == 2
