"""An issue stamped in the future never moves the incremental cursor past Jira's own clock,
so the changes that follow it are loaded by the next run."""

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import dlt
import pytest

from connectors.jira import jira_source
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite
from tests.jira.conftest import EMAIL, TOKEN, cloud_settings

TABLES = ("issues", "changelog_items")


class Clock:
    """The emulator's clock (its `Date` header and `serverTime`), moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(site: JiraSite) -> Clock:
    return Clock(site.as_of + timedelta(days=1))


@pytest.fixture
def clocked_load(
    site: JiraSite, clock: Clock, pipeline: dlt.Pipeline
) -> Iterator[Callable[[], None]]:
    with JiraEmulator(site, email=EMAIL, api_token=TOKEN, clock=clock) as server:
        yield lambda: pipeline.run(jira_source(**cloud_settings(server)).with_resources(*TABLES))


def test_changes_after_a_future_dated_issue_are_loaded(
    site: JiraSite, clock: Clock, clocked_load: Callable[[], None], query: Callable
) -> None:
    future, later, other = list(site.issues)[:3]
    clocked_load()
    site.edit_summary(future, "stamped three days ahead", clock.now + timedelta(days=3))
    site.edit_summary(later, "changed before the run", clock.now - timedelta(minutes=1))
    clocked_load()
    clock.now += timedelta(hours=1)
    site.edit_summary(other, "changed after the run", clock.now - timedelta(minutes=5))
    clocked_load()
    summaries = dict(query("select key, summary from raw_jira.issues"))
    assert summaries[future] == "stamped three days ahead"
    assert summaries[later] == "changed before the run"
    assert summaries[other] == "changed after the run"


def test_a_future_dated_issue_is_logged(
    site: JiraSite,
    clock: Clock,
    clocked_load: Callable[[], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    future = next(iter(site.issues))
    clocked_load()
    site.edit_summary(future, "stamped three days ahead", clock.now + timedelta(days=3))
    with caplog.at_level(logging.WARNING, logger="dlt"):
        clocked_load()
    logged = [r.getMessage() for r in caplog.records if f"Jira issue {future} " in r.getMessage()]
    assert len(logged) == 1
    assert "after the server's time" in logged[0]


def test_the_future_dated_issue_is_not_loaded_again_by_each_run(
    site: JiraSite, clock: Clock, clocked_load: Callable[[], None], query: Callable
) -> None:
    future = next(iter(site.issues))
    clocked_load()
    site.edit_summary(future, "stamped three days ahead", clock.now + timedelta(days=3))
    clocked_load()
    loads = query(f"select _dlt_load_id from raw_jira.issues where key = '{future}'")
    clock.now += timedelta(hours=1)
    clocked_load()
    assert query(f"select _dlt_load_id from raw_jira.issues where key = '{future}'") == loads
