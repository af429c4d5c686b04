"""Extract what the Smartsheet tests need from Smartsheet's OpenAPI description and scenarios.

The full description (`smartsheet-openapi-2.0.0.json`, 1.4 MB) and Smartsheet's SDK contract
scenarios live in `../shared/reference`, beside the clone: tests read the subset kept here, so a
bare clone runs every test. For each operation the emulator serves (the connector's GETs, and
the webhook operations `pmo webhooks register smartsheet` calls), this keeps its parameters
(references resolved: name, location, schema), its JSON request and response schemas, and every
component schema they reference, transitively (`$ref`s kept, so validators resolve them as in
the full description); and the recorded scenarios the tests compare shapes with.

    python -m sandbox.smartsheet.reference.extract            # rewrite the in-repo copies
    python -m sandbox.smartsheet.reference.extract --check    # exit 1 if they are out of date
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sandbox import reference_extract
from sandbox.reference_extract import SHARED, as_json, json_responses, spec_subset

HERE = Path(__file__).resolve().parent
FULL_SPEC = SHARED / "smartsheet-openapi" / "smartsheet-openapi-2.0.0.json"
FULL_SAMPLES = SHARED / "smartsheet-samples"
SPEC = HERE / "openapi" / "smartsheet-openapi-subset.json"
SAMPLES = HERE / "samples"

# Every path the emulator serves and the connector may read (all GET).
READ = [
    "/sheets",
    "/sheets/{sheetId}",
    "/sheets/{sheetId}/summary",
    "/sheets/{sheetId}/rows/{rowId}/columns/{columnId}/history",
    "/workspaces",
    "/workspaces/{workspaceId}",
    "/folders/{folderId}",
]
# Every operation the emulator serves, by path: the reads, and the webhooks.
SERVED = {
    **{path: ("get",) for path in READ},
    "/webhooks": ("get", "post"),
    "/webhooks/{webhookId}": ("get", "put"),
    "/webhooks/{webhookId}/resetSharedSecret": ("post",),
}
# Recorded scenarios kept whole (Apache-2.0, LICENSE copied beside them), and single scenarios
# picked from the larger files by name.
SAMPLE_FILES = ["LICENSE", "SOURCE.md", "sheets_scenarios.json"]
PICKED = {
    "serialization_scenarios.json": (
        "Serialization - Sheet",
        "Serialization - Rows",
        "Serialization - Contact",
        "Serialization - IndexResult",
        "Serialization - Workspace",
        "Serialization - Folder",
    ),
    "rows_scenarios.json": ("Add Rows - Assign Object Value - Predecessor List",),
}
PARAMETER_PREFIX = "#/components/parameters/"


def parameters(spec: dict[str, Any], path: str, method: str = "get") -> list[dict[str, Any]]:
    """The operation's parameters and the path's own, references resolved."""
    item = spec["paths"][path]
    found = []
    for parameter in item.get("parameters", []) + item[method].get("parameters", []):
        ref = parameter.get("$ref", "")
        if ref.startswith(PARAMETER_PREFIX):
            parameter = spec["components"]["parameters"][ref.removeprefix(PARAMETER_PREFIX)]
        found.append({key: parameter[key] for key in ("name", "in", "schema") if key in parameter})
    return found


def operation(spec: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    """An operation's parameters, JSON responses and, for a write, its JSON request body."""
    found = spec["paths"][path][method]
    kept = {"parameters": parameters(spec, path, method), "responses": json_responses(found)}
    body = (found.get("requestBody") or {}).get("content", {}).get("application/json")
    if body and "schema" in body:
        kept["requestBody"] = {"content": {"application/json": {"schema": body["schema"]}}}
    return kept


def subset(spec: dict[str, Any]) -> dict[str, Any]:
    paths = {
        path: {method: operation(spec, path, method) for method in methods}
        for path, methods in SERVED.items()
    }
    description = (
        "A subset of Smartsheet's description, by sandbox/smartsheet/reference/extract.py."
    )
    return spec_subset(spec, paths, description, kept=("servers",))


def picked_scenarios(file_name: str, names: tuple[str, ...]) -> list[dict[str, Any]]:
    scenarios = json.loads((FULL_SAMPLES / file_name).read_text())
    return [s for s in scenarios if s.get("scenario") in names]


def extracted() -> dict[Path, bytes]:
    """Every in-repo file as the full references give it."""
    files = {SPEC: as_json(subset(json.loads(FULL_SPEC.read_text())))}
    for name in SAMPLE_FILES:
        files[SAMPLES / name] = (FULL_SAMPLES / name).read_bytes()
    for name, wanted in PICKED.items():
        files[SAMPLES / name] = as_json(picked_scenarios(name, wanted))
    return files


def stale_files() -> list[Path]:
    """In-repo copies that differ from what the full references give."""
    return reference_extract.stale(extracted())


if __name__ == "__main__":
    sys.exit(reference_extract.main(__doc__.splitlines()[0], extracted, [SPEC.parent, SAMPLES]))
