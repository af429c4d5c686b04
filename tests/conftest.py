"""Shared fixtures: one end-to-end pipeline run on the sandbox, in a temporary warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from warehouse.settings import WAREHOUSE_PATH_ENV

RAW_SCHEMAS = ("raw_jira", "raw_spreadsheets")
TESTS_DIR = Path(__file__).parent


@dataclass(frozen=True)
class PipelineRun:
    """Two materialisations of the whole graph on the same sandbox and warehouse."""

    warehouse: Path
    sandbox: object
    first: dg.ExecuteInProcessResult
    second: dg.ExecuteInProcessResult
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]
    instance: dg.DagsterInstance
    """The second run's instance (on disk: Dagster's GraphQL reads it as the UI would)."""


def materialize_everything(instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """Materialise every asset and check of the code location, in process."""
    from pipelines.definitions import defs

    definitions = defs()
    assets = list(definitions.assets or [])
    checks = list(definitions.asset_checks or [])
    return dg.materialize(
        [*assets, *checks],
        resources=definitions.resources,
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def raw_row_counts(warehouse: Path) -> dict[str, int]:
    """Rows per raw table, dlt's own tables left out."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where schema_name in {RAW_SCHEMAS} and not starts_with(table_name, '_dlt')"
        ).fetchall()
        return {
            f"{schema}.{table}": con.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchone()[0]
            for schema, table in tables
        }


@pytest.fixture(scope="session")
def run_pipeline():
    """Materialise the whole code location in process (against the current environment)."""
    return materialize_everything


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineRun]:
    """The demo pipeline, run twice against a temporary DuckDB file and the local emulator."""
    from pipelines.demo import demo_sources

    root = tmp_path_factory.mktemp("pipeline")
    warehouse = root / "pmo.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv(WAREHOUSE_PATH_ENV, str(warehouse))
        env.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        with demo_sources(root / "sandbox") as sandbox:
            first = materialize_everything()
            counts_after_first = raw_row_counts(warehouse)
            instance = dg.DagsterInstance.local_temp(str(tmp_path_factory.mktemp("instance")))
            second = materialize_everything(instance)
            counts_after_second = raw_row_counts(warehouse)
            yield PipelineRun(
                warehouse,
                sandbox,
                first,
                second,
                counts_after_first,
                counts_after_second,
                instance,
            )


def shared_fixtures(item: pytest.Item) -> set[str]:
    """The project's session- and package-scoped fixtures ``item`` uses (directly or not)."""
    definitions = item._fixtureinfo.name2fixturedefs
    return {
        name
        for name in item.fixturenames
        if (fixturedefs := definitions.get(name))
        and fixturedefs[-1].scope in ("session", "package")
        and Path(fixturedefs[-1].func.__code__.co_filename).is_relative_to(TESTS_DIR)
    }


def module_of(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup`` (``make test``), one worker runs every module that shares a
    session or package fixture with another (a pipeline run, a dbt build) and each module whole
    (its module fixtures): each fixture is built once, as in a run without workers."""
    if config.getoption("dist", "no") != "loadgroup":
        return
    groups: dict[str, str] = {}

    def group_of(key: str) -> str:
        while groups.setdefault(key, key) != key:
            key = groups[key]
        return key

    for item in items:
        for name in shared_fixtures(item):
            groups[group_of(f"fixture {name}")] = group_of(module_of(item))
    for item in items:
        item.add_marker(pytest.mark.xdist_group(group_of(module_of(item))))
