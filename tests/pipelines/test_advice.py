"""What ``pmo`` says when the code location cannot load."""

from pipelines.advice import explain

MISSING_MANIFEST = (
    "dagster_dbt.errors.DagsterDbtManifestNotFoundError: "
    "/srv/pmo/transforms/target/manifest.json does not exist."
)


def test_a_missing_dbt_manifest_says_how_to_prepare_it() -> None:
    said = explain(MISSING_MANIFEST)
    assert "/srv/pmo/transforms/target/manifest.json is missing" in said
    assert "make prepare" in said
