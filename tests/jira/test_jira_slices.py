"""A large search is cut into id slices fetched concurrently: the union is exactly a serial load,
also while Jira changes under it, through 429 storms and after a slice failed mid-way."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import dlt
import pytest

from connectors.jira import jira_source
from connectors.jira.client import IssueQuery, JiraApiClient
from connectors.jira.concurrency import AdaptiveLimit, RequestsAhead
from connectors.jira.errors import JiraError
from connectors.jira.jql import issues_jql, scope_jql
from connectors.jira.settings import DEFAULT_MAX_ATTEMPTS, JiraSettings
from connectors.jira.slices import IssueSearch, id_edges
from sandbox.jira.emulator import JiraEmulator, RateLimit
from sandbox.jira.site import Issue, JiraSite, generate_site
from tests.jira.conftest import (
    EMAIL,
    ISSUES_ONLY,
    PROJECT_KEYS,
    TOKEN,
    cloud_settings,
    root_cause,
)

SEARCH = "/rest/api/3/search/jql"
# 120 issues in pages of 5, cut into 4 slices fetched 2 at a time.
SLICED = {"slice_from": 1, "page_size": 5, "max_concurrency": 2}
SERIAL = {"slice_from": 1_000_000}
# The production attempts, with jitter wide enough that six slices throttled together do not
# retry in lockstep (the suite's fast retries jitter by 10 ms, which a busy machine defeats).
STORM_RETRIES = {
    "max_concurrency": 6,
    "page_size": 10,
    "max_attempts": DEFAULT_MAX_ATTEMPTS,
    "backoff_factor": 0.3,
    "max_retry_delay": 1.5,
}
ISSUES = "select id, key, updated from raw_jira.issues order by id"
CHANGES = (
    "select issue_id, history_id, item_index, field_id, to_string from raw_jira.changelog_items "
    "order by issue_id, history_id, item_index"
)


class Clock:
    """Jira's clock in a test: it moves only when the test changes the site."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def load_with(emulator: JiraEmulator, pipeline: dlt.Pipeline, **settings: Any) -> None:
    source = jira_source(**cloud_settings(emulator, **settings))
    pipeline.run(source.with_resources(*ISSUES_ONLY))


def distinct_ids(query: Callable[[str], list[tuple[Any, ...]]]) -> tuple[int, int]:
    return query("select count(*), count(distinct id) from raw_jira.issues")[0]


class Mutations:
    """Changes a site while the emulator serves its search pages (`on_search`): after each page,
    an issue already served and one not yet served are edited, ten minutes apart on Jira's
    clock (the load reads the later edit but not the earlier one)."""

    def __init__(self, site: JiraSite) -> None:
        self.site = site
        self.clock = Clock(site.as_of + timedelta(days=1))
        self.served: set[str] = set()
        self.edited: list[str] = []
        self.on = True

    def edit(self, issue: Issue) -> None:
        self.clock.now += timedelta(minutes=10)
        self.site.edit_summary(issue.key, f"edited at {self.clock.now}", self.clock.now)
        self.edited.append(issue.key)

    def on_search(self, page: list[Issue]) -> None:
        if not self.on or len(page) > SLICED["page_size"]:  # not the planner's id listing
            return
        already = sorted(self.served - set(self.edited))  # served by an earlier page
        if already:
            self.edit(self.site.issues[already[0]])
        self.served.update(i.key for i in page)
        waiting = [i for i in self.site.issues.values() if i.key not in self.served]
        if waiting:
            self.edit(max(waiting, key=lambda i: int(i.id)))


@pytest.fixture(params=["Cloud", "Server"])
def mutating(request: pytest.FixtureRequest) -> Iterator[tuple[JiraEmulator, Mutations]]:
    """A site changed while it is read, as Jira Cloud (id slices) and as Data Center (`startAt`
    pages side by side)."""
    site = generate_site(issues_per_project=30, deployment=request.param)
    mutations = Mutations(site)
    with JiraEmulator(
        site, email=EMAIL, api_token=TOKEN, clock=mutations.clock, on_search=mutations.on_search
    ) as emulator:
        yield emulator, mutations


def test_a_large_search_is_cut_into_id_slices_that_cover_every_id(emulator: JiraEmulator) -> None:
    api = JiraApiClient.for_site(JiraSettings(**cloud_settings(emulator, max_concurrency=2)))
    projects = PROJECT_KEYS.split(",")
    search = IssueSearch(
        api, scope_jql(projects, None, "UTC", None), issues_jql(projects, None, "UTC"), 1
    )
    slices = search.slices(120, 5)
    assert len(slices) == 4
    assert "id >=" not in slices[0] and "id <" not in slices[-1]  # open ends: none missed
    ids = [
        i["id"]
        for jql in slices
        for page in api.search_issues(jql, IssueQuery(["id"], 50))
        for i in page
    ]
    assert sorted(ids) == sorted(i.id for i in emulator.site.issues.values())


def test_a_small_search_stays_serial(emulator: JiraEmulator) -> None:
    api = JiraApiClient.for_site(JiraSettings(**cloud_settings(emulator)))
    search = IssueSearch(api, "project = APOLLO", "project = APOLLO ORDER BY key", 5000)
    assert search.slices(120, 100) == ["project = APOLLO ORDER BY key"]


def test_sliced_load_edited_during_the_load_then_incremental_equals_a_serial_load(
    mutating: tuple[JiraEmulator, Mutations],
    pipeline: dlt.Pipeline,
    query: Callable[[str], list[tuple[Any, ...]]],
    other_pipeline: tuple[dlt.Pipeline, Callable[[str], list[tuple[Any, ...]]]],
) -> None:
    emulator, mutations = mutating
    load_with(emulator, pipeline, **SLICED)
    assert len(mutations.edited) > 20  # the site changed throughout the load
    assert distinct_ids(query) == (120, 120)
    mutations.on = False
    mutations.clock.now += timedelta(minutes=1)
    load_with(emulator, pipeline, **SLICED)  # the next (incremental) run
    serial, serial_query = other_pipeline
    load_with(emulator, serial, **SERIAL)
    assert query(ISSUES) == serial_query(ISSUES)
    assert query(CHANGES) == serial_query(CHANGES)


def test_a_429_storm_slows_the_sliced_load_down_and_loses_nothing(
    site: JiraSite, pipeline: dlt.Pipeline, query: Callable[[str], list[tuple[Any, ...]]]
) -> None:
    budget = RateLimit(per_second=30, burst=2)
    with JiraEmulator(site, email=EMAIL, api_token=TOKEN, rate_limit=budget) as emulator:
        load_with(emulator, pipeline, **SLICED | STORM_RETRIES)
        assert emulator.rate_limited > 0
    assert distinct_ids(query) == (120, 120)
    assert query("select count(*) from raw_jira.changelog_items")[0][0] == sum(
        len(h.items) for i in site.issues.values() for h in i.histories
    )


def test_a_slice_failing_mid_way_fails_the_run_and_the_rerun_loads_each_issue_once(
    emulator: JiraEmulator,
    pipeline: dlt.Pipeline,
    query: Callable[[str], list[tuple[Any, ...]]],
) -> None:
    emulator.inject("server_error", SEARCH, times=12, after=8)  # beyond the 4 attempts
    with pytest.raises(Exception) as failure:
        load_with(emulator, pipeline, **SLICED)
    assert isinstance(root_cause(failure.value), JiraError)
    emulator.faults.clear()
    load_with(emulator, pipeline, **SLICED)
    assert distinct_ids(query) == (120, 120)


def test_a_429_halves_the_requests_in_flight_once_and_holds_new_ones_until_retry_after() -> None:
    limit = AdaptiveLimit(8)
    limit.throttled(0.3)
    limit.throttled(0.3)  # sent together with the first: the same episode
    assert int(limit.limit) == 4
    started = time.monotonic()
    with limit.slot():
        waited = time.monotonic() - started
    assert waited >= 0.25
    for _ in range(40):
        limit.succeeded()
    assert int(limit.limit) == 8  # grown back, never past the ceiling


def test_requests_sent_beside_the_slices_wait_for_a_slot_and_come_back_in_order() -> None:
    limit = AdaptiveLimit(1)
    ahead = RequestsAhead(limit, most=2)
    with limit.slot():  # a slice's page holds the only slot
        ahead.submit(lambda: "first")
        ahead.submit(lambda: "second")
        time.sleep(0.1)
        assert list(ahead.ready()) == []
    assert list(ahead.ready(wait_all=True)) == ["first", "second"]
    ahead.close()


class EditsWhileListing:
    """After each id page served, the issue updated longest ago is edited: in `updated` order
    it moves from the first page to the last, and every later issue one place up."""

    def __init__(self, site: JiraSite) -> None:
        self.site = site
        self.clock = Clock(site.as_of + timedelta(days=1))
        self.pages = 0

    def on_search(self, page: list[Issue]) -> None:
        self.pages += 1
        oldest = min(self.site.issues.values(), key=lambda issue: (issue.updated, issue.key))
        self.clock.now += timedelta(minutes=10)
        self.site.edit_summary(oldest.key, f"edited at {self.clock.now}", self.clock.now)


def id_search(api: JiraApiClient) -> IssueSearch:
    projects = PROJECT_KEYS.split(",")
    scope = scope_jql(projects, None, "UTC", None)
    return IssueSearch(api, scope, issues_jql(projects, None, "UTC"), slice_from=1)


def test_the_id_listing_is_cut_at_the_known_ids_and_equals_a_serial_listing_while_edited(
    site: JiraSite,
) -> None:
    edits = EditsWhileListing(site)
    every_id = sorted(int(issue.id) for issue in site.issues.values())
    # the previous run's ids: stale at both ends and in between (issues created since)
    known = every_id[5:-10:2]
    with JiraEmulator(
        site, email=EMAIL, api_token=TOKEN, clock=edits.clock, on_search=edits.on_search
    ) as emulator:
        api = JiraApiClient.for_site(JiraSettings(**cloud_settings(emulator, max_concurrency=4)))
        listed = list(id_search(api).ids(known, page_size=5))
        assert edits.pages >= 13  # 4 ranges of 3 pages or more, each page followed by an edit
        emulator.on_search = None
        serial = list(id_search(api).ids(page_size=5))
    assert sorted(listed) == sorted(serial) == every_id


def test_id_ranges_hold_equal_whole_pages_and_leave_both_ends_open() -> None:
    assert id_edges(list(range(100, 130)), slices=3, page_size=5) == [None, 110, 120, None]


def test_an_issue_deleted_during_the_id_listing_makes_no_other_look_deleted(
    site: JiraSite,
) -> None:
    """After the second id page the first issue is deleted: the first issue of the third page
    moves onto the second, already listed, and is asked for by id instead."""
    known = sorted(int(issue.id) for issue in site.issues.values())
    pages: list[int] = []

    def delete_the_first(page: list[Issue]) -> None:
        pages.append(len(page))
        if len(pages) == 2:
            site.delete_issue("APOLLO-1")

    with JiraEmulator(site, email=EMAIL, api_token=TOKEN, on_search=delete_the_first) as emulator:
        api = JiraApiClient.for_site(JiraSettings(**cloud_settings(emulator, max_concurrency=1)))
        current = id_search(api).current_ids(known, page_size=5)
    assert {int(issue.id) for issue in site.issues.values()} <= current  # listed or asked for


def test_an_issue_deleted_during_a_sliced_load_makes_none_of_its_slice_missed(
    site: JiraSite, pipeline: dlt.Pipeline, query: Callable[[str], list[tuple[Any, ...]]]
) -> None:
    """The first issue of the second page served is deleted: the later issues of its slice move
    a place back, and the one at the next page's edge onto the page just read."""
    pages: list[int] = []

    def delete_one(page: list[Issue]) -> None:
        if len(page) > SLICED["page_size"]:  # the planner's id listing
            return
        pages.append(len(page))
        if len(pages) == 2:
            site.delete_issue(page[0].key)

    with JiraEmulator(site, email=EMAIL, api_token=TOKEN, on_search=delete_one) as emulator:
        load_with(emulator, pipeline, **SLICED)
    loaded = {int(row[0]) for row in query("select id from raw_jira.issues")}
    assert len(site.issues) == 119
    assert {int(issue.id) for issue in site.issues.values()} <= loaded
