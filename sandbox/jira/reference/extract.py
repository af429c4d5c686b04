"""Extract what the Jira tests need from Atlassian's full specs and the recorded samples.

The full OpenAPI specs and the recorded Jira Cloud responses live in
`../shared/reference`, beside the clone, not in it: tests read the subset kept here instead,
so a bare clone runs every test. This script writes that subset: for each path and method the
emulator serves, its JSON response schemas and every component schema they reference,
transitively (`$ref`s kept, so validators resolve them as in the full spec); and the recorded
samples the tests compare shapes with.

    python -m sandbox.jira.reference.extract            # rewrite the in-repo copies
    python -m sandbox.jira.reference.extract --check    # exit 1 if they are out of date
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sandbox import reference_extract
from sandbox.reference_extract import SHARED, as_json, json_responses, spec_subset

HERE = Path(__file__).resolve().parent
FULL_SPECS = SHARED / "jira-openapi"
FULL_SAMPLES = SHARED / "jira-samples"
SPECS = HERE / "openapi"
SAMPLES = HERE / "samples"

PLATFORM = "jira-platform-rest-v3.json"
AGILE = "jira-software-agile-v3.json"
# (spec file, path, method) of every endpoint the emulator serves that the spec gives a JSON
# schema for (the agile sprint list only has an example).
SERVED: list[tuple[str, str, str]] = [
    (PLATFORM, "/rest/api/3/serverInfo", "get"),
    (PLATFORM, "/rest/api/3/myself", "get"),
    (PLATFORM, "/rest/api/3/project/search", "get"),
    (PLATFORM, "/rest/api/3/field", "get"),
    (PLATFORM, "/rest/api/3/status", "get"),
    (PLATFORM, "/rest/api/3/search/jql", "get"),
    (PLATFORM, "/rest/api/3/search/jql", "post"),
    (PLATFORM, "/rest/api/3/search/approximate-count", "post"),
    (PLATFORM, "/rest/api/3/issue/{issueIdOrKey}", "get"),
    (PLATFORM, "/rest/api/3/issue/{issueIdOrKey}/changelog", "get"),
    (PLATFORM, "/rest/api/3/changelog/bulkfetch", "post"),
    (PLATFORM, "/rest/api/3/worklog/updated", "get"),
    (PLATFORM, "/rest/api/3/worklog/deleted", "get"),
    (PLATFORM, "/rest/api/3/worklog/list", "post"),
    (PLATFORM, "/rest/api/3/users/search", "get"),
    (AGILE, "/rest/agile/1.0/board", "get"),
]
# Recorded responses the tests read (SOURCE.md says where they come from, and their licence).
SAMPLE_FILES = [
    "SOURCE.md",
    "issues.json",
    "projects.json",
    "sprints.json",
    "users.json",
    "workflow_statuses.json",
    "issue_fields.json",
]


def subset(spec: dict[str, Any], endpoints: list[tuple[str, str]]) -> dict[str, Any]:
    """The spec cut down to `endpoints` and the component schemas they need."""
    paths: dict[str, Any] = {}
    for path, method in endpoints:
        operation = spec["paths"][path][method]
        paths.setdefault(path, {})[method] = {"responses": json_responses(operation)}
    description = "A subset of Atlassian's spec, by sandbox/jira/reference/extract.py."
    return spec_subset(spec, paths, description, info_kept=("license",))


def extracted() -> dict[Path, bytes]:
    """Every in-repo file as the full references give it."""
    files: dict[Path, bytes] = {}
    for spec_file in (PLATFORM, AGILE):
        spec = json.loads((FULL_SPECS / spec_file).read_text())
        endpoints = [(path, method) for name, path, method in SERVED if name == spec_file]
        files[SPECS / spec_file] = as_json(subset(spec, endpoints))
    for name in SAMPLE_FILES:
        files[SAMPLES / name] = (FULL_SAMPLES / name).read_bytes()
    return files


def stale_files() -> list[Path]:
    """In-repo copies that differ from what the full references give."""
    return reference_extract.stale(extracted())


if __name__ == "__main__":
    sys.exit(reference_extract.main(__doc__.splitlines()[0], extracted, [SPECS, SAMPLES]))
