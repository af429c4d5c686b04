"""The tests' copies of Atlassian's specs and the recorded samples live in the repo, whole and
as the full references in `../shared/reference` give them (when a clone has them beside it)."""

import json

from sandbox.jira.reference.extract import SERVED, SHARED, SPECS, stale_files


def dangling_refs(node: object, schemas: dict) -> set[str]:
    """`$ref`s of `node` that name no schema of the copy."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        own = {ref} if ref and ref.removeprefix("#/components/schemas/") not in schemas else set()
        return own.union(*(dangling_refs(v, schemas) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(dangling_refs(v, schemas) for v in node))
    return set()


def test_the_in_repo_specs_are_whole_and_up_to_date() -> None:
    for spec_file, path, method in SERVED:
        spec = json.loads((SPECS / spec_file).read_text())
        assert spec["paths"][path][method]["responses"]["200"]
        assert dangling_refs(spec, spec["components"]["schemas"]) == set()
    if SHARED.exists():
        assert stale_files() == []
