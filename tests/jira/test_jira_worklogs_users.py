"""Worklogs load incrementally; users are keyed by accountId and carry no email."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import dlt

from sandbox.jira.site import JiraSite
from tests.jira.conftest import FullLoad

Query = Callable[[str], list[tuple[Any, ...]]]


def test_every_worklog_is_loaded_with_its_seconds(full_load: FullLoad) -> None:
    loaded = dict(full_load.query("select id, time_spent_seconds from raw_jira.worklogs"))
    assert loaded == {str(w.id): w.time_spent_seconds for w in full_load.site.worklogs}


def test_users_are_keyed_by_account_id(full_load: FullLoad) -> None:
    loaded = {r[0] for r in full_load.query("select account_id from raw_jira.users")}
    assert loaded == {u.account_id for u in full_load.site.users}


def test_no_email_address_is_stored(full_load: FullLoad) -> None:
    columns = {r[0] for r in full_load.query("describe raw_jira.users")}
    emails = {u.email for u in full_load.site.users}
    values = {str(v) for row in full_load.query("select * from raw_jira.users") for v in row}
    assert not [c for c in columns if "email" in c]
    assert not emails & values


def test_a_new_worklog_arrives_on_the_next_run(
    load: Callable, query: Query, site: JiraSite
) -> None:
    load(("worklogs",))
    issue = next(iter(site.issues.values()))
    worklog = site.log_work(issue.key, 5400, site.as_of + timedelta(hours=2))
    load(("worklogs",))
    assert query(f"select time_spent_seconds from raw_jira.worklogs where id = '{worklog.id}'") == [
        (5400,)
    ]
    assert query("select count(*) from raw_jira.worklogs") == [(len(site.worklogs),)]


def test_a_worklog_deleted_in_jira_is_removed_on_the_next_run(
    load: Callable, query: Query, site: JiraSite
) -> None:
    load(("worklogs",))
    gone = site.worklogs[0]
    site.delete_worklog(gone.id, site.as_of + timedelta(hours=2))
    load(("worklogs",))
    assert query(f"select count(*) from raw_jira.worklogs where id = '{gone.id}'") == [(0,)]
    assert query("select count(*) from raw_jira.worklogs") == [(len(site.worklogs),)]


def test_a_worklog_deleted_before_the_first_load_leaves_no_row(
    load: Callable, query: Query, site: JiraSite
) -> None:
    """A full load replaces the table: Jira's deletions so far have nothing to remove, and
    their tombstones are not stored."""
    gone = site.worklogs[0]
    site.delete_worklog(gone.id, site.as_of + timedelta(hours=2))
    load(("worklogs",))
    assert query(f"select count(*) from raw_jira.worklogs where id = '{gone.id}'") == [(0,)]
    assert query("select count(*) from raw_jira.worklogs") == [(len(site.worklogs),)]


def test_deleted_worklogs_are_read_from_the_last_deletion_seen(
    load: Callable, pipeline: dlt.Pipeline, site: JiraSite
) -> None:
    deleted_at = site.as_of + timedelta(hours=2)
    site.delete_worklog(site.worklogs[0].id, deleted_at)
    load(("worklogs",))
    state = pipeline.state["sources"]["jira"]["resources"]["worklogs"]
    assert state["deleted_since"] == int(deleted_at.timestamp() * 1000)
