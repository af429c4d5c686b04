"""What the reference extract scripts (Jira, Smartsheet) share: cutting an OpenAPI spec down to
the schemas some operations need, and the command that rewrites or checks the in-repo copies.

The full references live in `../shared/reference`, beside the clone, not in it; tests read only
the copies the scripts keep in the repo, so a bare clone runs every test."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "reference"
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


def spec_subset(
    spec: dict[str, Any],
    paths: dict[str, Any],
    description: str,
    info_kept: tuple[str, ...] = (),
    kept: tuple[str, ...] = (),
) -> dict[str, Any]:
    """`spec` cut down to `paths` and the component schemas they need, with its title and
    version, the `info_kept` info fields and `kept` top-level fields."""
    schemas = spec["components"]["schemas"]
    names = referenced_schemas(paths, schemas, set())
    info = {key: spec["info"][key] for key in ("title", "version", *info_kept)}
    return {
        "openapi": spec["openapi"],
        "info": info | {"description": description},
        **{key: spec[key] for key in kept},
        "paths": paths,
        "components": {"schemas": {name: schemas[name] for name in sorted(names)}},
    }


def as_json(document: Any) -> bytes:
    """A copy's bytes: stable key order, so a re-extraction changes nothing that did not."""
    return (json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


def stale(files: dict[Path, bytes]) -> list[Path]:
    """The in-repo copies that differ from `files`, what the full references give."""
    return [path for path, data in files.items() if not path.exists() or path.read_bytes() != data]


def main(
    description: str, extracted: Callable[[], dict[Path, bytes]], directories: list[Path]
) -> int:
    """Rewrite `directories` with the `extracted()` files, or with `--check` list stale ones."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="only report stale copies")
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"{SHARED} is not there: nothing to extract from", file=sys.stderr)
        return 1
    if args.check:
        found = stale(extracted())
        for path in found:
            print(f"out of date: {path.relative_to(REPO)}", file=sys.stderr)
        return 1 if found else 0
    for directory in directories:
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
    for path, data in extracted().items():
        path.write_bytes(data)
    return 0
