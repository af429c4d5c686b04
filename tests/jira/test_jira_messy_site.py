"""The real-world site (`sandbox.jira.messy`) reproduces each class of data that real Jira
sites send and our tidy default site never did."""

import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import requests

from sandbox.jira.messy import (
    BUILTIN_STATUS_CATEGORIES,
    SPARSE_QUIRKS,
    generate_messy_site,
)
from sandbox.jira.site import BUG, DONE, JiraSite

SEARCH = "/rest/api/3/search/jql"


def status_ids_in_changelogs(site: JiraSite) -> set[str]:
    return {
        value
        for issue in site.issues.values()
        for history in issue.histories
        for item in history.items
        if item.field_id == "status"
        for value in (item.from_value, item.to_value)
        if value is not None
    }


def search(api: Callable, jql: str, **extra: Any) -> list[dict[str, Any]]:
    body = {"jql": jql, "fields": ["*all"], "maxResults": 100, **extra}
    response = api("POST", SEARCH, json=body)
    if response.status_code == 502:  # the site's one transient proxy page on search
        response = api("POST", SEARCH, json=body)
    return response.json()["issues"]


def test_same_seed_gives_the_same_messy_site() -> None:
    first, second = generate_messy_site(seed=5), generate_messy_site(seed=5)
    assert [(i.key, i.updated, i.status.id) for i in first.issues.values()] == [
        (i.key, i.updated, i.status.id) for i in second.issues.values()
    ]


def test_changelogs_pass_through_exactly_the_hidden_statuses(messy_site: JiraSite) -> None:
    listed = {s.id for s in messy_site.statuses}
    assert status_ids_in_changelogs(messy_site) - listed == messy_site.hidden_status_ids
    assert {"1", "4", "5", "6"} <= messy_site.hidden_status_ids


def test_status_endpoint_omits_the_hidden_statuses(
    messy_api: Callable, messy_site: JiraSite
) -> None:
    response = messy_api("GET", "/rest/api/3/status")
    assert response.status_code == 503  # a proxy's page first
    served = {s["id"] for s in messy_api("GET", "/rest/api/3/status").json()}
    assert served == {s.id for s in messy_site.statuses}
    assert not served & messy_site.hidden_status_ids


def test_builtin_hidden_statuses_have_their_fixed_categories(messy_site: JiraSite) -> None:
    statuses = {s.id: s for s in messy_site.all_statuses}
    builtin_hidden = messy_site.hidden_status_ids & set(BUILTIN_STATUS_CATEGORIES)
    assert builtin_hidden == {"1", "4", "5", "6"}
    for status_id in builtin_hidden:
        assert statuses[status_id].category.key == BUILTIN_STATUS_CATEGORIES[status_id]


def test_some_moves_into_an_unknown_status_set_the_resolution_in_the_same_entry(
    messy_site: JiraSite,
) -> None:
    unknown = messy_site.hidden_status_ids - set(BUILTIN_STATUS_CATEGORIES)
    resolved_there = [
        history
        for issue in messy_site.issues.values()
        for history in issue.histories
        if {(i.field_id, i.to_value in unknown) for i in history.items} >= {("status", True)}
        and any(i.field_id == "resolution" and i.to_value for i in history.items)
    ]
    assert resolved_there


def test_some_issues_start_in_a_hidden_status(messy_site: JiraSite) -> None:
    first_moves = [i.status_changes[0] for i in messy_site.issues.values() if i.status_changes]
    assert any(m.from_status.id in messy_site.hidden_status_ids for m in first_moves)


def test_a_recategorised_status_is_embedded_with_its_old_category(messy_api: Callable) -> None:
    messy_api("GET", "/rest/api/3/status")  # the transient proxy page
    listed = {s["id"]: s for s in messy_api("GET", "/rest/api/3/status").json()}
    embedded = {
        issue["fields"]["status"]["id"]: issue["fields"]["status"]
        for issue in search(messy_api, "project = KUNDE")
    }
    assert embedded["10203"]["statusCategory"]["key"] == DONE.key
    assert listed["10203"]["statusCategory"]["key"] == "indeterminate"


@pytest.mark.parametrize(
    ("project", "bug_name"), [("KUNDE", "Fehler"), ("CLIENT", "Bogue"), ("WEIXIN", "故障")]
)
def test_issue_types_are_named_in_the_project_language(
    messy_api: Callable,
    messy_site: JiraSite,
    project: str,
    bug_name: str,
) -> None:
    bugs = {
        i.key
        for i in messy_site.issues.values()
        if i.project.key == project and i.issue_type is BUG
    }
    served = {
        i["key"]: i["fields"]["issuetype"]["name"]
        for i in search(messy_api, f"project = {project}")
    }
    assert bugs
    assert {served[key] for key in bugs} == {bug_name}


def test_project_lead_comes_only_when_expanded(messy_api: Callable) -> None:
    plain = messy_api("GET", "/rest/api/3/project/search").json()["values"]
    expanded = messy_api("GET", "/rest/api/3/project/search", params={"expand": "lead"}).json()
    assert all("lead" not in p for p in plain)
    assert all("accountId" in p["lead"] for p in expanded["values"])


def test_boards_have_no_project_id(messy_api: Callable) -> None:
    messy_api("GET", "/rest/agile/1.0/board")  # the transient proxy page
    boards = messy_api("GET", "/rest/agile/1.0/board").json()["values"]
    assert boards
    assert all("projectId" not in b["location"] and b["location"]["projectKey"] for b in boards)


def test_fields_without_a_value_are_absent_not_null(messy_api: Callable) -> None:
    issues = search(messy_api, "project = MIGR")
    assert all(None not in i["fields"].values() for i in issues)
    assert any("resolution" not in i["fields"] for i in issues)


def test_a_few_requests_get_an_html_page_from_a_proxy(messy_api: Callable) -> None:
    first = messy_api("POST", SEARCH, json={"jql": "project = MIGR"})
    second = messy_api("POST", SEARCH, json={"jql": "project = MIGR"})
    assert first.status_code == 502
    assert first.headers["Content-Type"].startswith("text/html")
    assert second.status_code == 200


def test_a_sparse_site_lists_users_without_details_and_projects_without_lead(
    messy_api: Callable, messy_site: JiraSite
) -> None:
    messy_site.quirks = SPARSE_QUIRKS
    users = messy_api("GET", "/rest/api/3/users/search").json()
    projects = messy_api("GET", "/rest/api/3/project/search", params={"expand": "lead"}).json()
    assert users and all({"displayName", "active", "timeZone"}.isdisjoint(u) for u in users)
    assert all("lead" not in p for p in projects["values"])


def test_users_endpoint_can_ignore_start_at(messy_api: Callable, messy_site: JiraSite) -> None:
    messy_site.quirks = replace(messy_site.quirks, users_ignore_start_at=True)
    first = messy_api("GET", "/rest/api/3/users/search", params={"startAt": 0, "maxResults": 5})
    later = messy_api("GET", "/rest/api/3/users/search", params={"startAt": 5, "maxResults": 5})
    assert first.json() == later.json()


def test_the_messy_profile_runs_from_the_command_line() -> None:
    command = [sys.executable, "-m", "sandbox.jira.emulator", "--profile", "messy", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        try:
            assert server.stdout is not None
            base_url = server.stdout.readline().split(" on ")[-1].strip()
            response = requests.get(
                f"{base_url}/rest/api/3/project/search",
                auth=("demo@example.com", "demo-token"),
                timeout=10,
            )
        finally:
            server.terminate()
    assert {p["key"] for p in response.json()["values"]} == {"MIGR", "KUNDE", "CLIENT", "WEIXIN"}
