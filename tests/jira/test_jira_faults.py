"""Faults injected by the emulator: each load ends complete, or fails clearly and a re-run
completes it with no duplicates and no gaps."""

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from dlt.pipeline.exceptions import PipelineStepFailed

from connectors.jira.client import JiraApiClient
from connectors.jira.errors import JiraError
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite
from tests.jira.conftest import EMAIL, FAST_RETRIES, ISSUES_ONLY, TOKEN, root_cause

Query = Callable[[str], list[tuple[Any, ...]]]
SEARCH = "/rest/api/3/search/jql"
BULK = "/rest/api/3/changelog/bulkfetch"


def assert_complete(query: Query, site: JiraSite) -> None:
    items = sum(len(h.items) for i in site.issues.values() for h in i.histories)
    assert query("select count(*), count(distinct id) from raw_jira.issues") == [
        (len(site.issues), len(site.issues))
    ]
    assert query("select count(*) from raw_jira.changelog_items") == [(items,)]


def failure_of(load: Callable, **settings: Any) -> BaseException:
    with pytest.raises(PipelineStepFailed) as failure:
        load(ISSUES_ONLY, **settings)
    return root_cause(failure.value)


def test_emulated_rate_limit_answers_429_with_retry_after(
    emulator: JiraEmulator, api: Callable
) -> None:
    emulator.inject("rate_limit", path=SEARCH, retry_after=7)
    response = api("GET", SEARCH, params={"jql": "project = ZEUS"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert "X-RateLimit-Reset" in response.headers


def test_emulated_dropped_connection_closes_without_answer(
    emulator: JiraEmulator, api: Callable
) -> None:
    emulator.inject("drop_connection", path="/rest/api/3/field")
    with pytest.raises(requests.ConnectionError):
        api("GET", "/rest/api/3/field")


def test_emulated_malformed_page_is_not_json(emulator: JiraEmulator, api: Callable) -> None:
    emulator.inject("malformed", path="/rest/api/3/field")
    with pytest.raises(requests.JSONDecodeError):
        api("GET", "/rest/api/3/field").json()


def test_rate_limit_waits_for_retry_after_then_completes(
    load: Callable, emulator: JiraEmulator, query: Query, site: JiraSite
) -> None:
    emulator.inject("rate_limit", path=SEARCH, retry_after=1)
    started = time.monotonic()
    load(ISSUES_ONLY, max_retry_delay=5)
    assert time.monotonic() - started >= 1
    assert_complete(query, site)


def test_rate_limit_with_only_a_reset_time_is_honoured(
    load: Callable, emulator: JiraEmulator, query: Query, site: JiraSite
) -> None:
    emulator.inject("rate_limit", path=SEARCH, retry_after=0, reset_after=1.5)
    started = time.monotonic()
    load(ISSUES_ONLY, max_retry_delay=5)
    assert time.monotonic() - started >= 1
    assert_complete(query, site)


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("server_error", SEARCH),
        ("server_error", BULK),
        ("drop_connection", SEARCH),
        ("drop_connection", BULK),
        ("malformed", SEARCH),
        ("empty_page_with_token", SEARCH),
    ],
)
def test_transient_faults_are_retried_and_the_load_completes(
    load: Callable, emulator: JiraEmulator, query: Query, site: JiraSite, kind: str, path: str
) -> None:
    emulator.inject(kind, path=path, times=2 if kind != "empty_page_with_token" else 1)
    load(ISSUES_ONLY)
    assert_complete(query, site)


def test_a_response_slower_than_the_timeout_is_retried(
    load: Callable, emulator: JiraEmulator, query: Query, site: JiraSite
) -> None:
    emulator.inject("slow", path=SEARCH, delay=1.5)
    load(ISSUES_ONLY, request_timeout=0.5)
    assert_complete(query, site)


@pytest.mark.parametrize(
    ("kind", "times", "message"),
    [
        ("malformed", FAST_RETRIES["max_attempts"], "malformed JSON"),
        ("repeat_token", 2, "same nextPageToken"),
        ("lost_token", 1, "isLast=false"),
        ("empty_page_with_token", 3, "empty pages"),
    ],
)
def test_persistent_page_faults_fail_clearly_and_a_rerun_completes(
    load: Callable,
    emulator: JiraEmulator,
    query: Query,
    site: JiraSite,
    kind: str,
    times: int,
    message: str,
) -> None:
    emulator.inject(kind, path=SEARCH, times=times)
    cause = failure_of(load, page_size=50)
    assert isinstance(cause, JiraError)
    assert message in str(cause)
    load(ISSUES_ONLY, page_size=50)
    assert_complete(query, site)


def test_server_errors_beyond_the_retry_ceiling_fail_then_a_rerun_completes(
    load: Callable, emulator: JiraEmulator, query: Query, site: JiraSite
) -> None:
    emulator.inject("server_error", path=BULK, times=FAST_RETRIES["max_attempts"])
    cause = failure_of(load)
    assert isinstance(cause, JiraError)
    assert f"HTTP 500 after {FAST_RETRIES['max_attempts']} attempts" in str(cause)
    load(ISSUES_ONLY)
    assert_complete(query, site)


def test_wrong_token_fails_once_naming_site_and_setting_but_not_the_secret(
    load: Callable, emulator: JiraEmulator
) -> None:
    cause = failure_of(load, api_token="wrong-secret-value")
    assert isinstance(cause, JiraError)
    assert emulator.base_url in str(cause)
    assert "SOURCES__JIRA__API_TOKEN" in str(cause)
    assert "wrong-secret-value" not in str(cause)
    assert emulator.request_count == 1


def test_removed_search_endpoint_is_explained(emulator: JiraEmulator) -> None:
    client = JiraApiClient(
        emulator.base_url, EMAIL, TOKEN, None, max_attempts=1, backoff_factor=0, max_retry_delay=0
    )
    with pytest.raises(JiraError, match=r"410.*search/jql"):
        client.get("/rest/api/3/search", jql="project = ZEUS")


def recorded_waits(client: JiraApiClient) -> list[float]:
    """The client's retry waits, recorded instead of slept (tenacity's own `retry_with`)."""
    waits: list[float] = []
    session = client.rest.session
    session.send = session.send.retry_with(sleep=waits.append)  # type: ignore[attr-defined]
    return waits


def test_backoff_waits_are_jittered_and_never_exceed_the_ceiling(emulator: JiraEmulator) -> None:
    client = JiraApiClient(
        emulator.base_url, EMAIL, TOKEN, None, max_attempts=4, backoff_factor=1, max_retry_delay=3
    )
    waits = recorded_waits(client)
    for _ in range(8):
        emulator.inject("server_error", path="/rest/api/3/field", times=3)
        client.get("/rest/api/3/field")
    first_retries, second_retries = waits[0::3], waits[1::3]
    assert all(1 <= w <= 2 for w in first_retries)
    assert all(2 <= w <= 3 for w in second_retries)
    assert all(w <= 3 for w in waits)
    assert len(set(first_retries)) > 1


def test_a_rate_limit_waits_at_least_retry_after(emulator: JiraEmulator) -> None:
    client = JiraApiClient(
        emulator.base_url, EMAIL, TOKEN, None, max_attempts=2, backoff_factor=1, max_retry_delay=60
    )
    waits = recorded_waits(client)
    emulator.inject("rate_limit", path="/rest/api/3/field", retry_after=7)
    client.get("/rest/api/3/field")
    assert len(waits) == 1
    assert 7 <= waits[0] <= 8
