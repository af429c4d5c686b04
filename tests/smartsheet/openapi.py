"""Hold the emulator and the connector to Smartsheet's OpenAPI description (the subset kept in
`sandbox/smartsheet/reference/openapi`, extracted by `sandbox/smartsheet/reference/extract.py`)."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from sandbox.smartsheet.reference.extract import SPEC
from tests.jira.openapi import _json_schema_nullable

URN = "urn:smartsheet"
# Schemas whose description says they hold nothing else: "an abbreviated Sheet object with only
# the sheet version property". Closed, a full sheet cannot pass as its version.
CLOSED = ("SheetVersion",)


def _one_of_as_any_of(node: Any) -> Any:
    """The description's `oneOf` alternatives (cell object values, a sheet or its version)
    share properties and require none, so valid bodies match several: read them as `anyOf`."""
    if isinstance(node, list):
        return [_one_of_as_any_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {("anyOf" if k == "oneOf" else k): _one_of_as_any_of(v) for k, v in node.items()}


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC.read_text())


@cache
def _registry() -> Registry:
    document = _one_of_as_any_of(_json_schema_nullable(spec()))
    for name in CLOSED:
        document["components"]["schemas"][name]["additionalProperties"] = False
    return Registry().with_resource(URN, Resource(document, DRAFT4))


def template_of(path: str) -> str | None:
    """The documented path (`/sheets/{sheetId}`) a concrete path (`/sheets/42`) is, if any."""
    for template in spec()["paths"]:
        pattern = re.sub(r"\{[^}]+\}", r"[^/]+", template)
        if re.fullmatch(pattern, path):
            return template
    return None


def documented_parameters(template: str) -> set[str]:
    return {p["name"] for p in spec()["paths"][template]["get"]["parameters"] if p["in"] == "query"}


def response_errors(
    template: str, body: Any, status: str = "200", method: str = "get"
) -> list[str]:
    """Schema violations of `body` as the `status` response of `method template`, as messages."""
    return _errors(("paths", template, method, "responses", status), body)


def request_errors(template: str, method: str, body: Any) -> list[str]:
    """Schema violations of `body` as the JSON request body of `method template`."""
    return _errors(("paths", template, method, "requestBody"), body)


def _errors(operation_part: tuple[str, ...], body: Any) -> list[str]:
    parts = (*operation_part, "content", "application/json")
    pointer = "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)
    validator = jsonschema.Draft4Validator(
        {"$ref": f"{URN}#/{pointer}/schema"}, registry=_registry()
    )
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)
    ]
