"""The emulator's objects have the keys of recorded real Jira Cloud responses (the samples kept
in `sandbox/jira/reference/samples`)."""

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from sandbox.jira.messy import SPARSE_QUIRKS
from sandbox.jira.reference.extract import SAMPLES
from sandbox.jira.site import JiraSite

JIRA_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}")


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


@pytest.fixture
def issue(api: Callable) -> dict[str, Any]:
    body = {"jql": "key = APOLLO-5", "fields": ["*all"]}
    return api("POST", "/rest/api/3/search/jql", json=body).json()["issues"][0]


@pytest.mark.parametrize(
    "field", ["status", "issuetype", "priority", "project", "assignee", "reporter", "description"]
)
def test_issue_field_objects_have_the_recorded_keys(issue: dict[str, Any], field: str) -> None:
    recorded = sample("issues.json")["issues"][0]["fields"][field]
    assert set(issue["fields"][field]) == set(recorded)


def test_issue_timestamps_have_the_recorded_format(issue: dict[str, Any]) -> None:
    recorded = sample("issues.json")["issues"][0]["fields"]["created"]
    assert JIRA_TIMESTAMP.fullmatch(recorded)
    assert JIRA_TIMESTAMP.fullmatch(issue["fields"]["created"])
    assert JIRA_TIMESTAMP.fullmatch(issue["fields"]["updated"])


@pytest.mark.parametrize(
    ("sample_file", "path", "selector"),
    [
        ("sprints.json", "/rest/agile/1.0/board/1/sprint", "values"),
        ("projects.json", "/rest/api/3/project/search", "values"),
        ("workflow_statuses.json", "/rest/api/3/status", None),
        ("issue_fields.json", "/rest/api/3/field", None),
        ("users.json", "/rest/api/3/users/search", None),
    ],
)
def test_listed_objects_have_at_least_the_recorded_keys(
    api: Callable, sample_file: str, path: str, selector: str | None
) -> None:
    recorded = sample(sample_file)
    served = api("GET", path).json()
    recorded_item = (recorded[selector] if selector else recorded)[0]
    served_item = (served[selector] if selector else served)[0]
    assert set(recorded_item) <= set(served_item)


@pytest.mark.parametrize(
    ("sample_file", "path"),
    [("projects.json", "/rest/api/3/project/search"), ("users.json", "/rest/api/3/users/search")],
)
def test_sparse_messy_objects_have_exactly_the_recorded_keys(
    messy_api: Callable, messy_site: JiraSite, sample_file: str, path: str
) -> None:
    """The recorded project has no `lead` (not asked for), the recorded users no details."""
    messy_site.quirks = SPARSE_QUIRKS
    served = messy_api("GET", path).json()
    recorded = sample(sample_file)
    served_item = (served["values"] if isinstance(served, dict) else served)[0]
    recorded_item = (recorded["values"] if isinstance(recorded, dict) else recorded)[0]
    assert set(served_item) == set(recorded_item)
