"""Pure helpers of the connector: JQL building, parsing, privacy scrubbing, field roles."""

import gc
import json
from datetime import UTC, datetime

import pytest

from connectors.gc_pause import gc_paused
from connectors.jira.client import IssueQuery
from connectors.jira.errors import JiraConfigError
from connectors.jira.jql import issues_jql
from connectors.jira.rows import detect_field_roles, parse_jira_datetime, sprint_ids, without_emails
from connectors.jira.settings import parse_project_keys


def test_jql_dates_are_in_the_users_timezone_at_minute_precision() -> None:
    since = datetime(2026, 7, 1, 10, 5, 59, tzinfo=UTC)
    jql = issues_jql(["APOLLO", "ZEUS"], since, "Europe/Paris")
    assert jql == (
        'project in (APOLLO, ZEUS) AND updated >= "2026-07-01 12:05" ORDER BY updated ASC, key ASC'
    )


def test_a_search_query_asks_for_its_fields_and_page_size_and_expands_only_when_told() -> None:
    plain = IssueQuery(("id",), 5000).body("project = APOLLO")
    expanded = IssueQuery(["*all"], 100, "changelog").body("project = APOLLO")
    assert plain == {"jql": "project = APOLLO", "fields": ["id"], "maxResults": 5000}
    assert expanded == {
        "jql": "project = APOLLO",
        "fields": ["*all"],
        "maxResults": 100,
        "expand": "changelog",
    }


def test_a_first_load_has_no_date_clause() -> None:
    assert "updated" not in issues_jql(["APOLLO"], None, "UTC").split("ORDER BY")[0]


def test_jira_timestamps_become_utc() -> None:
    assert parse_jira_datetime("2022-06-09T16:29:31.871-0700") == datetime(
        2022, 6, 9, 23, 29, 31, 871000, tzinfo=UTC
    )


def test_project_keys_accept_a_list_or_comma_separated_text() -> None:
    assert parse_project_keys(" APOLLO, ZEUS_2 ") == ["APOLLO", "ZEUS_2"]
    assert parse_project_keys(["APOLLO"]) == ["APOLLO"]


def test_a_project_key_with_jql_in_it_is_refused() -> None:
    with pytest.raises(JiraConfigError, match="SOURCES__JIRA__PROJECTS"):
        parse_project_keys('APOLLO" OR reporter = "x')


def test_sprint_ids_come_from_cloud_objects_and_data_center_strings() -> None:
    cloud = [{"id": 37, "name": "S1"}, {"id": 38, "name": "S2"}]
    server = ["com.atlassian.greenhopper.service.sprint.Sprint@1f[id=12,rapidViewId=3,state=X]"]
    assert sprint_ids(cloud) == [37, 38]
    assert sprint_ids(server) == [12]


@pytest.mark.parametrize(
    "document",
    [
        {"accountId": "1", "emailAddress": "a@example.com"},
        {"emailAddress": "a@example.com", "accountId": "1"},
        {"users": [{"emailAddress": None}, {"accountId": "2", "emailAddress": "b@x.org"}]},
    ],
)
def test_email_addresses_are_cut_from_json_bytes(document: dict) -> None:
    scrubbed = json.loads(without_emails(json.dumps(document).encode()))
    assert "emailAddress" not in json.dumps(scrubbed)
    assert "@" not in json.dumps(scrubbed)


def test_text_that_merely_mentions_email_address_is_kept() -> None:
    document = {"summary": 'log shows "emailAddress": "x@y"', "accountId": "1"}
    assert json.loads(without_emails(json.dumps(document).encode())) == document


def test_field_roles_prefer_the_story_point_name_among_float_fields() -> None:
    fields = [
        {"id": "customfield_1", "name": "Budget", "custom": True, "schema": {"custom": FLOAT}},
        {
            "id": "customfield_2",
            "name": "Story Points",
            "custom": True,
            "schema": {"custom": FLOAT},
        },
    ]
    assert detect_field_roles(fields, {}).story_points == "customfield_2"
    assert detect_field_roles(fields, {"story_points": "customfield_1"}).story_points == (
        "customfield_1"
    )


FLOAT = "com.atlassian.jira.plugin.system.customfieldtypes:float"


def test_the_collector_is_paused_inside_nested_pauses_and_back_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off_after_a_pause() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
