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

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SHARED = REPO.parent / "shared" / "reference"
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
SCHEMA_PREFIX = "#/components/schemas/"


def referenced_schemas(node: Any, schemas: dict[str, Any], found: set[str]) -> set[str]:
    """Names of every component schema `node` references, directly or through others."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            name = ref.removeprefix(SCHEMA_PREFIX)
            if name not in found:
                found.add(name)
                referenced_schemas(schemas[name], schemas, found)
        for value in node.values():
            referenced_schemas(value, schemas, found)
    elif isinstance(node, list):
        for item in node:
            referenced_schemas(item, schemas, found)
    return found


def json_responses(operation: dict[str, Any]) -> dict[str, Any]:
    """The operation's responses that have a JSON body, keeping only that body's schema."""
    kept = {}
    for status, response in operation["responses"].items():
        content = (response.get("content") or {}).get("application/json")
        if content and "schema" in content:
            kept[status] = {"content": {"application/json": {"schema": content["schema"]}}}
    return kept


def subset(spec: dict[str, Any], endpoints: list[tuple[str, str]]) -> dict[str, Any]:
    """The spec cut down to `endpoints` and the component schemas they need."""
    paths: dict[str, Any] = {}
    for path, method in endpoints:
        operation = spec["paths"][path][method]
        paths.setdefault(path, {})[method] = {"responses": json_responses(operation)}
    schemas = spec["components"]["schemas"]
    names = referenced_schemas(paths, schemas, set())
    return {
        "openapi": spec["openapi"],
        "info": {
            "title": spec["info"]["title"],
            "version": spec["info"]["version"],
            "license": spec["info"]["license"],
            "description": "A subset of Atlassian's spec, by sandbox/jira/reference/extract.py.",
        },
        "paths": paths,
        "components": {"schemas": {name: schemas[name] for name in sorted(names)}},
    }


def extracted() -> dict[Path, bytes]:
    """Every in-repo file as the full references give it."""
    files: dict[Path, bytes] = {}
    for spec_file in (PLATFORM, AGILE):
        spec = json.loads((FULL_SPECS / spec_file).read_text())
        endpoints = [(path, method) for name, path, method in SERVED if name == spec_file]
        text = json.dumps(subset(spec, endpoints), indent=1, ensure_ascii=False, sort_keys=True)
        files[SPECS / spec_file] = (text + "\n").encode()
    for name in SAMPLE_FILES:
        files[SAMPLES / name] = (FULL_SAMPLES / name).read_bytes()
    return files


def stale_files() -> list[Path]:
    """In-repo copies that differ from what the full references give."""
    return [
        path for path, data in extracted().items() if not path.exists() or path.read_bytes() != data
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale copies")
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"{SHARED} is not there: nothing to extract from", file=sys.stderr)
        return 1
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"out of date: {path.relative_to(REPO)}", file=sys.stderr)
        return 1 if stale else 0
    for directory in (SPECS, SAMPLES):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
    for path, data in extracted().items():
        path.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
