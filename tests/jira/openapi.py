"""Validate emulator responses against Atlassian's published OpenAPI specs (the subset kept
in `sandbox/jira/reference/openapi`, extracted from the full specs by its `extract.py`)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from sandbox.jira.reference.extract import AGILE, PLATFORM, SPECS

__all__ = ["AGILE", "PLATFORM", "response_errors"]
# Where the spec is stricter than Jira itself: real changelog items carry `"from": null`
# (see any recorded changelog), the spec forgot `nullable`.
KNOWN_NULLABLE = {"ChangeDetails": ("from", "fromString", "to", "toString")}


def _json_schema_nullable(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` is not JSON Schema: spell it as a `null` alternative."""
    if isinstance(node, list):
        return [_json_schema_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _json_schema_nullable(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def _registry(spec_file: str) -> Registry:
    spec = json.loads((SPECS / spec_file).read_text())
    schemas = spec["components"]["schemas"]
    for name, properties in KNOWN_NULLABLE.items():
        for prop in properties if name in schemas else ():
            schemas[name]["properties"][prop]["nullable"] = True
    spec = _json_schema_nullable(spec)
    return Registry().with_resource(f"urn:{spec_file}", Resource(spec, DRAFT4))


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def response_errors(
    spec_file: str, method: str, path: str, body: Any, status: str = "200"
) -> list[str]:
    """Schema violations of `body` as the `status` response of `method path`, as messages."""
    pointer = _pointer(
        "paths", path, method.lower(), "responses", status, "content", "application/json", "schema"
    )
    schema = {"$ref": f"urn:{spec_file}#/{pointer}"}
    validator = jsonschema.Draft4Validator(schema, registry=_registry(spec_file))
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)
    ]
