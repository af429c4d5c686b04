"""The emulator speaks Jira Cloud's REST API over real HTTP, shapes and paging included."""

import re
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.payloads import Renderer
from sandbox.jira.site import JiraSite, Status

JIRA_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}")
Api = Callable[..., requests.Response]


def search_all(api: Api, jql: str, **params: object) -> list[dict]:
    issues, token = [], None
    while True:
        body = {"jql": jql, **params, **({"nextPageToken": token} if token else {})}
        page = api("POST", "/rest/api/3/search/jql", json=body).json()
        issues += page["issues"]
        token = page.get("nextPageToken")
        if page["isLast"]:
            return issues


def test_rejects_a_wrong_api_token_with_401(emulator: JiraEmulator) -> None:
    response = requests.get(
        f"{emulator.base_url}/rest/api/3/myself", auth=("demo@example.com", "nope"), timeout=5
    )
    assert response.status_code == 401
    assert response.json()["errorMessages"]


def test_server_info_says_cloud(api: Api) -> None:
    assert api("GET", "/rest/api/3/serverInfo").json()["deploymentType"] == "Cloud"


def test_myself_reports_the_api_users_timezone(api: Api, site: JiraSite) -> None:
    assert api("GET", "/rest/api/3/myself").json()["timeZone"] == site.api_user.time_zone


def test_project_search_pages_with_start_at_and_is_last(api: Api, site: JiraSite) -> None:
    first = api("GET", "/rest/api/3/project/search", params={"maxResults": 3}).json()
    second = api("GET", "/rest/api/3/project/search", params={"startAt": 3}).json()
    assert (first["isLast"], second["isLast"]) == (False, True)
    keys = [p["key"] for p in first["values"] + second["values"]]
    assert keys == [p.key for p in site.projects]


def test_fields_expose_custom_field_schemas(api: Api, site: JiraSite) -> None:
    fields = {f["id"]: f for f in api("GET", "/rest/api/3/field").json()}
    sprint = fields[site.field_for("sprint").id]
    assert sprint["schema"]["custom"] == "com.pyxis.greenhopper.jira:gh-sprint"
    assert fields[site.field_for("story_points").id]["name"] == "Story point estimate"


def test_statuses_carry_their_category(api: Api) -> None:
    statuses = {s["name"]: s for s in api("GET", "/rest/api/3/status").json()}
    assert statuses["Erledigt"]["statusCategory"]["key"] == "done"
    assert statuses["En cours"]["statusCategory"]["key"] == "indeterminate"


def test_search_pages_with_next_page_token_until_is_last(api: Api, site: JiraSite) -> None:
    issues = search_all(api, "project in (APOLLO, HERMES) ORDER BY key ASC", maxResults=25)
    expected = [i.key for i in site.issues.values() if i.project.key in ("APOLLO", "HERMES")]
    assert sorted(i["key"] for i in issues) == sorted(expected)
    assert len(issues) == len({i["id"] for i in issues})


def test_search_returns_only_ids_unless_fields_are_asked(api: Api) -> None:
    page = api("GET", "/rest/api/3/search/jql", params={"jql": "project = ZEUS"}).json()
    assert "fields" not in page["issues"][0]


def test_search_filters_on_updated_in_the_users_timezone(api: Api, site: JiraSite) -> None:
    cut = site.as_of - timedelta(days=30)
    local = cut.astimezone(ZoneInfo(site.api_user.time_zone)).strftime("%Y-%m-%d %H:%M")
    issues = search_all(api, f'project = APOLLO AND updated >= "{local}"', maxResults=100)
    expected = {
        i.key for i in site.issues.values() if i.project.key == "APOLLO" and i.updated >= cut
    }
    assert {i["key"] for i in issues} == expected


def test_search_orders_by_updated(api: Api) -> None:
    issues = search_all(api, "project = ATLAS ORDER BY updated ASC", fields=["updated"])
    stamps = [datetime.strptime(i["fields"]["updated"], "%Y-%m-%dT%H:%M:%S.%f%z") for i in issues]
    assert stamps == sorted(stamps)


def test_issue_fields_use_jira_shapes(api: Api, site: JiraSite) -> None:
    body = {"jql": "project = APOLLO", "fields": ["*all"], "maxResults": 100}
    issue = api("POST", "/rest/api/3/search/jql", json=body).json()["issues"][0]
    fields = issue["fields"]
    assert JIRA_TIMESTAMP.fullmatch(fields["created"])
    assert fields["description"]["type"] == "doc"
    assert fields["status"]["statusCategory"]["key"] in ("new", "indeterminate", "done")
    assert site.field_for("story_points").id in fields


def test_embedded_changelog_is_truncated_to_40_with_the_real_total(
    api: Api, site: JiraSite
) -> None:
    long = next(i for i in site.issues.values() if len(i.histories) > 40)
    body = {"jql": f"key = {long.key}", "fields": ["id"], "expand": "changelog"}
    changelog = api("POST", "/rest/api/3/search/jql", json=body).json()["issues"][0]["changelog"]
    assert len(changelog["histories"]) == 40
    assert changelog["total"] == len(long.histories)


def test_issue_changelog_pages_with_start_at(api: Api, site: JiraSite) -> None:
    long = next(i for i in site.issues.values() if len(i.histories) > 40)
    path = f"/rest/api/3/issue/{long.key}/changelog"
    first = api("GET", path, params={"maxResults": 30}).json()
    rest = api("GET", path, params={"startAt": 30, "maxResults": 100}).json()
    ids = [h["id"] for h in first["values"] + rest["values"]]
    assert (first["isLast"], rest["isLast"]) == (False, True)
    assert ids == [h.id for h in long.histories]


def test_bulk_changelog_returns_every_history_across_pages(api: Api, site: JiraSite) -> None:
    issues = list(site.issues.values())[:10]
    body: dict = {"issueIdsOrKeys": [i.id for i in issues], "maxResults": 7}
    collected: dict[str, int] = {}
    while True:
        page = api("POST", "/rest/api/3/changelog/bulkfetch", json=body).json()
        for entry in page["issueChangeLogs"]:
            collected[entry["issueId"]] = collected.get(entry["issueId"], 0) + len(
                entry["changeHistories"]
            )
        if "nextPageToken" not in page:
            break
        body["nextPageToken"] = page["nextPageToken"]
    assert collected == {i.id: len(i.histories) for i in issues if i.histories}


def test_unsupported_jql_gets_jiras_400_error_shape(api: Api) -> None:
    response = api("GET", "/rest/api/3/search/jql", params={"jql": "assignee = currentUser()"})
    assert response.status_code == 400
    assert response.json()["errorMessages"][0].startswith("Field 'assignee' does not exist")


def test_unknown_project_is_a_400(api: Api) -> None:
    response = api("GET", "/rest/api/3/search/jql", params={"jql": "project = NOPE"})
    assert response.status_code == 400


def test_unbounded_jql_is_refused_like_jira_cloud(api: Api) -> None:
    response = api("GET", "/rest/api/3/search/jql", params={"jql": "ORDER BY key"})
    assert response.status_code == 400
    assert "Unbounded" in response.json()["errorMessages"][0]


def test_old_search_endpoint_answers_410_gone(api: Api) -> None:
    assert api("GET", "/rest/api/3/search", params={"jql": "project = ZEUS"}).status_code == 410


def test_counts_requests_per_path(api: Api, emulator: JiraEmulator) -> None:
    api("GET", "/rest/api/3/field")
    api("GET", "/rest/api/3/field")
    api("GET", "/rest/api/3/status")
    assert emulator.request_counts["/rest/api/3/field"] == 2
    assert emulator.request_count == 3


def test_small_replies_are_not_held_back_by_delayed_acks(emulator: JiraEmulator) -> None:
    """With Nagle's algorithm on, each small reply waited ~40 ms for the client's delayed ACK:
    20 replies on one connection would take 0.8 s, a cost no real Jira adds to a run."""
    with requests.Session() as session:
        session.auth = ("demo@example.com", "demo-token")
        url = f"{emulator.base_url}/rest/api/3/myself"
        session.get(url, timeout=5)
        started = time.perf_counter()
        for _ in range(20):
            session.get(url, timeout=5)
        assert time.perf_counter() - started < 0.4


def test_a_small_request_is_served_while_a_slow_one_runs(
    emulator: JiraEmulator, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jira serves requests concurrently: a small one does not wait for a large search."""
    entered, release = threading.Event(), threading.Event()
    render = Renderer.status

    def slow_status(renderer: Renderer, status: Status) -> dict:
        entered.set()
        release.wait(5)
        return render(renderer, status)

    monkeypatch.setattr(Renderer, "status", slow_status)
    slow = threading.Thread(target=api, args=("GET", "/rest/api/3/status"))
    slow.start()
    try:
        assert entered.wait(5)
        url = f"{emulator.base_url}/rest/api/3/myself"
        response = requests.get(url, auth=("demo@example.com", "demo-token"), timeout=1)
        assert response.status_code == 200
    finally:
        release.set()
        slow.join()


def test_deleted_issue_disappears_from_search(api: Api, site: JiraSite) -> None:
    site.delete_issue("ZEUS-3")
    issues = search_all(api, "project = ZEUS", maxResults=100)
    assert "ZEUS-3" not in {i["key"] for i in issues}
