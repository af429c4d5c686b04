"""The code location loads and is wired the way operators and the style guide expect."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg
import pytest

from pipelines.settings import DUCKDB_POOL, REFRESH_JOB
from warehouse.settings import REPO_ROOT


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    from pipelines.definitions import defs

    return defs()


@pytest.fixture(scope="module")
def asset_graph(definitions: dg.Definitions):
    return definitions.resolve_asset_graph()


def test_definitions_load_and_validate(definitions: dg.Definitions) -> None:
    dg.Definitions.validate_loadable(definitions)


def test_every_asset_has_a_description_a_group_and_kinds(asset_graph) -> None:
    for key in asset_graph.get_all_asset_keys():
        node = asset_graph.get(key)
        if node.is_materializable:
            assert node.description, f"{key} has no description"
            assert node.group_name and node.group_name != "default", f"{key} has no group"
            assert node.kinds, f"{key} has no kinds"


def test_dbt_sources_are_the_dlt_assets_not_placeholders(asset_graph) -> None:
    external = [
        k.to_user_string()
        for k in asset_graph.get_all_asset_keys()
        if not asset_graph.get(k).is_materializable
    ]
    assert external == []


def test_raw_tables_feed_the_marts(asset_graph) -> None:
    marts = dg.AssetKey(["marts", "mart_delivery_throughput_monthly"])
    upstream = asset_graph.get(marts).parent_keys
    assert upstream, "the throughput mart has no upstream"
    ancestors = dg.AssetSelection.assets(marts).upstream().resolve(asset_graph)
    assert dg.AssetKey(["raw_jira", "issues"]) in ancestors


def test_great_expectations_checks_are_blocking(definitions: dg.Definitions) -> None:
    gx_checks = [
        spec
        for checks_def in definitions.asset_checks or []
        for spec in checks_def.check_specs
        if spec.name.startswith("gx_")
    ]
    assert {spec.asset_key.to_user_string() for spec in gx_checks} >= {
        "raw_jira/issues",
        "raw_spreadsheets/survey_answers",
        "marts/mart_pmo_value_scorecard_quarterly",
    }
    assert all(spec.blocking for spec in gx_checks)


# Assets that never open the working warehouse file (they read the published snapshot).
OUTSIDE_THE_POOL = {"serving__kpi_report"}


def test_every_warehouse_writer_is_in_the_duckdb_pool(definitions: dg.Definitions) -> None:
    writers = [
        a
        for a in definitions.assets or []
        if isinstance(a, dg.AssetsDefinition)
        and a.is_executable
        and a.op.name not in OUTSIDE_THE_POOL
    ]
    assert writers
    for assets_def in writers:
        assert assets_def.op.pool == DUCKDB_POOL, assets_def.op.name


def test_the_code_location_serialises_for_the_daemon_and_the_ui(
    definitions: dg.Definitions,
) -> None:
    """The daemon and the webserver load the location through its serialised snapshot: a
    condition they cannot read must be sent as its description only."""
    from dagster._core.remote_representation.external_data import RepositorySnap

    repository = definitions.get_repository_def()
    dg.deserialize_value(dg.serialize_value(RepositorySnap.from_def(repository)), RepositorySnap)


def test_everything_in_the_duckdb_pool_takes_the_warehouse_from_its_resource(
    definitions: dg.Definitions,
) -> None:
    members = [
        d
        for d in [*(definitions.assets or []), *(definitions.asset_checks or [])]
        if isinstance(d, dg.AssetsDefinition) and d.is_executable and d.op.pool == DUCKDB_POOL
    ]
    assert len(members) > 2
    for definition in members:
        assert "warehouse" in definition.required_resource_keys, definition.op.name


def test_nightly_schedule_runs_the_refresh_job(definitions: dg.Definitions) -> None:
    schedule = definitions.resolve_schedule_def("nightly_refresh")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.job_name == REFRESH_JOB


def test_loading_the_code_location_does_not_import_great_expectations() -> None:
    """GE takes ~2 s to import: the checks import it when they run, not every load does."""
    probe = (
        "import sys; from pipelines.definitions import defs; defs(); "
        "print('great_expectations' in sys.modules)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert loaded.stdout.splitlines()[-1] == "False"


def test_the_publish_step_guards_against_every_blocking_check_upstream(asset_graph) -> None:
    from pipelines.defs.serving import SNAPSHOT_KEY, blocking_checks

    upstream = dg.AssetSelection.assets(SNAPSHOT_KEY).upstream().resolve(asset_graph)
    blocking = {
        key
        for key in asset_graph.asset_check_keys
        if key.asset_key in upstream and asset_graph.get_check_spec(key).blocking
    }
    assert blocking
    assert blocking <= set(blocking_checks())


def test_the_snapshot_follows_the_quarantine_check(asset_graph) -> None:
    from pipelines.defs.quarantine import QUARANTINE_BY_FILE
    from pipelines.defs.serving import SNAPSHOT_KEY

    assert QUARANTINE_BY_FILE in asset_graph.get(SNAPSHOT_KEY).parent_keys
