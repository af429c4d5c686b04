"""Jira Data Center: REST v2 with startAt paging, a personal access token, user keys."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import dlt

from connectors.jira import jira_source
from connectors.jira.client import JiraApiClient
from connectors.jira.settings import JiraSettings
from connectors.jira.slices import IssueSearch
from sandbox.jira.emulator import EMBEDDED_CHANGELOG_LIMIT, JiraEmulator
from sandbox.jira.site import JiraSite
from tests.jira.conftest import EMAIL, FAST_RETRIES, PAT, TOKEN

Query = Callable[[str], list[tuple[Any, ...]]]


def load_data_center(pipeline: dlt.Pipeline, emulator: JiraEmulator) -> None:
    source = jira_source(
        base_url=emulator.base_url, pat=PAT, projects="APOLLO,HERMES", page_size=25, **FAST_RETRIES
    )
    pipeline.run(source)


def test_loads_every_issue_and_history_through_rest_v2(
    pipeline: dlt.Pipeline, dc_emulator: JiraEmulator, dc_site: JiraSite, query: Query
) -> None:
    load_data_center(pipeline, dc_emulator)
    items = sum(len(h.items) for i in dc_site.issues.values() for h in i.histories)
    assert query("select count(*) from raw_jira.issues") == [(len(dc_site.issues),)]
    assert query("select count(*) from raw_jira.changelog_items") == [(items,)]


def test_uses_start_at_search_and_never_the_cloud_api(
    pipeline: dlt.Pipeline, dc_emulator: JiraEmulator, dc_site: JiraSite
) -> None:
    load_data_center(pipeline, dc_emulator)
    counts = dc_emulator.request_counts
    assert counts["/rest/api/2/search"] == -(-len(dc_site.issues) // 25)
    assert not [path for path in counts if path.startswith("/rest/api/3/")]


def test_users_are_keyed_by_their_data_center_key(
    pipeline: dlt.Pipeline, dc_emulator: JiraEmulator, dc_site: JiraSite, query: Query
) -> None:
    load_data_center(pipeline, dc_emulator)
    loaded = dict(query("select key, reporter_account_id from raw_jira.issues"))
    assert loaded == {k: i.reporter_account_id for k, i in dc_site.issues.items()}


def test_legacy_sprint_strings_become_sprint_ids(
    pipeline: dlt.Pipeline, dc_emulator: JiraEmulator, dc_site: JiraSite, query: Query
) -> None:
    load_data_center(pipeline, dc_emulator)
    loaded = {k: json.loads(s) for k, s in query("select key, sprint_ids from raw_jira.issues")}
    assert loaded == {k: i.sprint_ids for k, i in dc_site.issues.items()}
    assert any(loaded.values())


def test_story_points_are_found_under_their_data_center_name(
    pipeline: dlt.Pipeline, dc_emulator: JiraEmulator, dc_site: JiraSite, query: Query
) -> None:
    load_data_center(pipeline, dc_emulator)
    assert query("select id from raw_jira.fields where role = 'story_points'") == [
        (dc_site.field_for("story_points").id,)
    ]


def test_users_come_from_the_user_search_keyed_without_email(
    pipeline: dlt.Pipeline, dc_emulator: JiraEmulator, dc_site: JiraSite, query: Query
) -> None:
    load_data_center(pipeline, dc_emulator)
    users = query("select * from raw_jira.users")
    columns = [row[0] for row in query("describe raw_jira.users")]
    assert {row[columns.index("account_id")] for row in users} == {
        u.account_id for u in dc_site.users
    }
    assert not [c for c in columns if "email" in c]
    assert not {u.email for u in dc_site.users} & {str(v) for row in users for v in row}


def test_changelogs_cut_in_search_are_completed_issue_by_issue(
    pipeline: dlt.Pipeline, dc_site: JiraSite, query: Query
) -> None:
    long = {i.key for i in dc_site.issues.values() if len(i.histories) > EMBEDDED_CHANGELOG_LIMIT}
    with JiraEmulator(
        dc_site,
        email=EMAIL,
        api_token=TOKEN,
        pat=PAT,
        data_center_changelog_limit=EMBEDDED_CHANGELOG_LIMIT,
    ) as emulator:
        load_data_center(pipeline, emulator)
        fetched = {p.rsplit("/", 1)[1] for p in emulator.request_counts if "/api/2/issue/" in p}
    items = sum(len(h.items) for i in dc_site.issues.values() for h in i.histories)
    assert long
    assert fetched == long
    assert query("select count(*) from raw_jira.changelog_items") == [(items,)]


def test_pages_are_fetched_side_by_side_stepping_by_the_page_size_jira_serves(
    pipeline: dlt.Pipeline, dc_site: JiraSite, query: Query
) -> None:
    """Data Center caps `maxResults` (an admin setting): 25 asked, 10 served a page."""
    with JiraEmulator(dc_site, pat=PAT, data_center_page_limit=10) as emulator:
        source = jira_source(
            base_url=emulator.base_url,
            pat=PAT,
            projects="APOLLO,HERMES",
            page_size=25,
            slice_from=1,
            max_concurrency=4,
            **FAST_RETRIES,
        )
        pipeline.run(source.with_resources("issues", "changelog_items"))
        assert emulator.request_counts["/rest/api/2/search"] == len(dc_site.issues) // 10
    loaded = query("select count(*), count(distinct id) from raw_jira.issues")
    assert loaded == [(len(dc_site.issues), len(dc_site.issues))]


def test_the_id_listing_steps_by_the_page_size_jira_serves(dc_site: JiraSite) -> None:
    with JiraEmulator(dc_site, pat=PAT, data_center_page_limit=10) as emulator:
        api = JiraApiClient.for_site(
            JiraSettings(base_url=emulator.base_url, pat=PAT, **FAST_RETRIES)
        )
        search = IssueSearch(api, "project in (APOLLO, HERMES)", "", slice_from=1)
        listed = list(search.ids(page_size=25))
    assert sorted(listed) == sorted(int(issue.id) for issue in dc_site.issues.values())


def test_issues_created_while_pages_are_read_push_none_of_the_others_out(
    pipeline: dlt.Pipeline, dc_site: JiraSite, query: Query
) -> None:
    """Each page served creates an issue in the first project: the issues after it move one
    place on, the last ones past the total the first page told."""
    before = {int(issue.id) for issue in dc_site.issues.values()}
    created: list[str] = []

    def create(page: list[Any]) -> None:
        if len(created) < 8:
            at = dc_site.as_of + timedelta(minutes=len(created) + 1)
            created.append(dc_site.create_issue("APOLLO", "created meanwhile", at).key)

    with JiraEmulator(dc_site, pat=PAT, on_search=create) as emulator:
        source = jira_source(
            base_url=emulator.base_url,
            pat=PAT,
            projects="APOLLO,HERMES",
            page_size=10,
            slice_from=1,
            max_concurrency=4,
            **FAST_RETRIES,
        )
        pipeline.run(source.with_resources("issues", "changelog_items"))
    loaded = {int(row[0]) for row in query("select id from raw_jira.issues")}
    assert len(created) == 8
    assert before <= loaded


def test_an_issue_deleted_while_pages_are_read_pulls_none_of_the_others_out(
    pipeline: dlt.Pipeline, dc_site: JiraSite, query: Query
) -> None:
    """After the second page, the first issue is deleted: every later issue moves one place
    back, and the first of the third page onto the second, already read."""
    served: list[int] = []

    def delete_the_first(page: list[Any]) -> None:
        served.append(len(page))
        if len(served) == 2:
            dc_site.delete_issue("APOLLO-1")

    with JiraEmulator(dc_site, pat=PAT, on_search=delete_the_first) as emulator:
        source = jira_source(
            base_url=emulator.base_url, pat=PAT, projects="APOLLO,HERMES", page_size=10
        )
        pipeline.run(source.with_resources("issues", "changelog_items"))
    loaded = {int(row[0]) for row in query("select id from raw_jira.issues")}
    assert {int(issue.id) for issue in dc_site.issues.values()} <= loaded
