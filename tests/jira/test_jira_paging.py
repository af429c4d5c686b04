"""Paging always ends: a server that ignores the paging parameter fails the run at once, in
one line naming the endpoint; long resources log their progress."""

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from connectors.jira import paging
from connectors.jira.errors import JiraError
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite
from tests.jira.conftest import root_cause

USERS = "/rest/api/3/users/search"
WORKLOGS = "/rest/api/3/worklog/updated"


def bounded(run: Callable[[], Any], seconds: float = 20) -> BaseException | None:
    """Run `run` in a thread; fail the test if it has not ended after `seconds`."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            run()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"paging still running after {seconds} s"
    return outcome[0]


def test_a_users_endpoint_that_ignores_start_at_fails_in_one_line(
    messy_site: JiraSite, messy_emulator: JiraEmulator, messy_load: Callable
) -> None:
    messy_site.quirks = replace(messy_site.quirks, users_ignore_start_at=True)
    error = bounded(lambda: messy_load(["users"]))
    assert isinstance(error, PipelineStepFailed)
    cause = root_cause(error)
    assert isinstance(cause, JiraError)
    assert USERS in str(cause) and "same page twice" in str(cause)
    assert "\n" not in str(cause)
    assert messy_emulator.request_counts[USERS] == 2


def test_users_that_page_properly_load_completely(
    messy_site: JiraSite, messy_load: Callable, query: Callable
) -> None:
    messy_load(["users"])
    assert query("select count(*) from raw_jira.users") == [(len(messy_site.users),)]


def test_long_resources_log_their_progress(
    messy_load: Callable, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(paging, "PROGRESS_EVERY_PAGES", 4)
    with caplog.at_level(logging.INFO, logger="dlt"):
        messy_load(["issues"], page_size=10)
    progress = [r.getMessage() for r in caplog.records if "items so far" in r.getMessage()]
    assert "Jira /rest/api/3/search/jql: 4 pages, 40 items so far" in progress


def test_empty_pages_that_keep_linking_to_a_next_page_fail_in_one_line(
    emulator: JiraEmulator, load: Callable
) -> None:
    emulator.inject("stuck_link", path=WORKLOGS, times=1000)
    error = bounded(lambda: load(["worklogs"]))
    assert isinstance(error, PipelineStepFailed)
    cause = root_cause(error)
    assert isinstance(cause, JiraError)
    assert f"3 empty pages in a row on {WORKLOGS}" in str(cause)
    assert emulator.request_counts[WORKLOGS] == 3
